/*
 * server.c - the socket side of the transport, on libmicrohttpd: listening,
 * the per-request state from request line to completion, reading bodies
 * under the size cap, turning what arrived into a struct http_req (refusing
 * what is not valid UTF-8), sending the struct http_resp back with the
 * default headers, the access log and the counters behind http_stats_get().
 * Routing and hooks are router.c's; parsing rules are form.c's and
 * cookie.c's.
 *
 * Life of a request: libmicrohttpd calls on_uri() once per request with the
 * raw request target, where the per-request state (struct pending) is
 * allocated; on_access() then runs once after the headers, once per chunk of
 * body and once more at the end, and the response is queued only on that
 * last call: a response queued on the first call makes libmicrohttpd close
 * the connection after it (keep-alive lost, several times slower). The only
 * exception is a body whose declared Content-Length is over the cap, where
 * closing is what we want. on_completed() logs, counts and frees.
 */
#include "http/http_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/vntext.h"

/* Memory libmicrohttpd may use per connection (headers, read buffer). */
#define CONN_MEMORY		(64 * 1024)

/* Body caps when the configuration says 0. */
#define DEFAULT_MAX_BODY	(1024 * 1024)
#define DEFAULT_MAX_UPLOAD	(16 * 1024 * 1024)

struct http_server {
	struct MHD_Daemon *daemon;	/* the libmicrohttpd daemon */
	const struct http_router *router; /* owned by the caller */
	struct http_hooks hooks;	/* copy of the caller's hooks */
	size_t max_body;		/* bytes; larger bodies get 413 */
	size_t max_upload;		/* the same for multipart bodies */
	bool log_requests;		/* one access-log line per request */
	bool trust_proxy;		/* take the client from X-Forwarded-For */
};

/* One request, from its request line to the completed notification. */
struct pending {
	struct http_server *srv;	/* the server it came to */
	struct http_req req;		/* what handlers see */
	struct http_resp resp;		/* what they fill */
	struct buf body;		/* the body read so far */
	struct timespec t0;		/* when the request line arrived */
	bool started;			/* on_access() has run once */
	bool too_large;			/* body over the cap: 413 */
	size_t cap;			/* the cap for this body */
	bool answered;			/* a response has been queued */
	int status;			/* the status queued */
	size_t bytes;			/* body bytes queued */
};

/* Counters for http_stats_get(), shared by all worker threads. */
static _Atomic uint64_t st_requests;
static _Atomic uint64_t st_by_class[6];
static _Atomic uint64_t st_duration_us;
static _Atomic uint64_t st_in_flight;

/*
 * A snapshot of the counters (each read atomically, the set not as one):
 * requests answered since the program started, whatever server answered.
 */
void
http_stats_get(struct http_stats *out)
{
	size_t i;

	out->requests = atomic_load(&st_requests);
	for (i = 0; i < 6; i++)
		out->by_class[i] = atomic_load(&st_by_class[i]);
	out->duration_us_sum = atomic_load(&st_duration_us);
	out->in_flight = atomic_load(&st_in_flight);
}

/* Per-request state for raw request target uri (copied). */
static struct pending *
pending_new(struct http_server *s, const char *uri)
{
	struct pending *p = xcalloc(1, sizeof(*p));

	p->srv = s;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	http_req_init(&p->req);
	http_resp_init(&p->resp);
	p->req.raw_url = arena_strdup(&p->req.arena, uri != NULL ? uri : "");
	atomic_fetch_add(&st_in_flight, 1);
	return p;
}

/* Microseconds since p started. */
static uint64_t
elapsed_us(const struct pending *p)
{
	struct timespec now;
	int64_t us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - p->t0.tv_sec) * 1000000 +
	    (now.tv_nsec - p->t0.tv_nsec) / 1000;
	return us > 0 ? (uint64_t)us : 0;
}

/* Log and count p if it was answered, then free it. */
static void
pending_finish(struct pending *p)
{
	uint64_t us = elapsed_us(p);
	int cls;

	if (p->answered) {
		cls = p->status / 100;
		atomic_fetch_add(&st_requests, 1);
		atomic_fetch_add(&st_by_class[cls >= 0 && cls < 6 ? cls : 0],
		    1);
		atomic_fetch_add(&st_duration_us, us);
		/* Never the body, never Cookie or Authorization. */
		if (p->srv->log_requests)
			log_info("%s %s %d %zu %.1fms %s", p->req.method_name,
			    p->req.raw_url, p->status, p->bytes,
			    (double)us / 1000.0, p->req.ip);
	}
	atomic_fetch_sub(&st_in_flight, 1);
	http_resp_cleanup(&p->resp);
	http_req_cleanup(&p->req);
	buf_free(&p->body);
	free(p);
}

/* libmicrohttpd: a request line arrived; its return value is *con_cls. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)c;
	return pending_new(cls, uri);
}

/* libmicrohttpd: the request is over (answered, aborted or timed out). */
static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct pending *p = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (p == NULL)
		return;
	*con_cls = NULL;
	pending_finish(p);
}

/* libmicrohttpd's own error messages go to our log. */
static void __attribute__((format(printf, 2, 0)))
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	/* Clients going away or sending garbage are routine, and a warning
	 * per bad request would let anyone fill the log. */
	if (strstr(msg, "remote side") != NULL ||
	    strstr(msg, "Error processing request") != NULL ||
	    strstr(msg, "reset by peer") != NULL ||
	    strstr(msg, "timed out") != NULL)
		log_debug("libmicrohttpd: %s", msg);
	else
		log_warn("libmicrohttpd: %s", msg);
}

/* State of the walk over the request headers. */
struct header_walk {
	struct http_req *req;
	bool bad;			/* a header was not valid UTF-8 */
};

/*
 * Copy one header into req->headers (NFC) and parse it if it is a Cookie
 * header. A header that is not valid UTF-8 marks the request bad: the header
 * text reaches handlers like every other text, so it obeys the same rule.
 */
static enum MHD_Result
on_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct header_walk *w = cls;
	struct arena *a = &w->req->arena;
	const char *name, *v;

	(void)kind;
	if (key == NULL)
		return MHD_YES;
	if (value == NULL)
		value = "";
	name = http_text_dup(a, key, strlen(key));
	v = http_text_dup(a, value, strlen(value));
	if (name == NULL || v == NULL) {
		w->bad = true;
		return MHD_NO;
	}
	http_kvs_push(a, &w->req->headers, name, v);
	if (strcasecmp(name, "Cookie") == 0)
		http_parse_cookies(a, v, &w->req->cookies);
	return MHD_YES;
}

/*
 * The rightmost X-Forwarded-For entry (the one our own proxy added) if it
 * is an IP address, else NULL. Only consulted when KHUYENHOC_TRUST_PROXY=1.
 */
static bool
forwarded_ip(const char *xff, char *out, size_t size)
{
	unsigned char tmp[sizeof(struct in6_addr)];
	const char *start, *end;
	char ip[64];
	size_t n;

	start = strrchr(xff, ',');
	start = start != NULL ? start + 1 : xff;
	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - start);
	if (n == 0 || n >= sizeof(ip) || n >= size)
		return false;
	memcpy(ip, start, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, tmp) != 1 &&
	    inet_pton(AF_INET6, ip, tmp) != 1)
		return false;
	memcpy(out, ip, n + 1);
	return true;
}

/* req->ip from the socket address. */
static void
client_ip(struct pending *p, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	struct http_req *req = &p->req;

	req->ip[0] = '\0';
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			    req->ip, sizeof(req->ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    req->ip, sizeof(req->ip));
	}
}

/* "Text/HTML; charset=x" -> "text/html" (arena copy), "" when absent. */
static const char *
media_type(struct arena *a, const char *ct)
{
	const char *end;
	char *r;
	size_t i, n;

	if (ct == NULL)
		return "";
	while (*ct == ' ' || *ct == '\t')
		ct++;
	end = strchr(ct, ';');
	if (end == NULL)
		end = ct + strlen(ct);
	while (end > ct && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - ct);
	r = arena_strndup(a, ct, n);
	for (i = 0; i < n; i++)
		if (r[i] >= 'A' && r[i] <= 'Z')
			r[i] = (char)(r[i] - 'A' + 'a');
	return r;
}

/*
 * Everything but the body: method, path, query, headers, cookies, client
 * address, content type. Returns -1 when something is not valid UTF-8 or is
 * malformed (a 400); the fields filled so far are valid.
 */
static int
build_req(struct pending *p, struct MHD_Connection *c, const char *method)
{
	struct http_req *req = &p->req;
	struct header_walk w = {req, false};
	const char *raw = req->raw_url, *q, *qe, *path, *xff;
	size_t plen;

	client_ip(p, c);
	if (method == NULL || !http_token_valid(method))
		return -1;
	req->method_name = arena_strdup(&req->arena, method);
	req->method = http_method_from_name(method);
	/* A fragment is never sent by browsers; drop it if a client does. */
	q = strpbrk(raw, "?#");
	plen = q != NULL ? (size_t)(q - raw) : strlen(raw);
	path = http_path_decode(&req->arena, raw, plen);
	if (path == NULL)
		return -1;
	req->path = path;
	if (q != NULL && *q == '?') {
		qe = strchr(q + 1, '#');
		if (qe == NULL)
			qe = q + 1 + strlen(q + 1);
		if (http_parse_urlencoded(&req->arena, q + 1,
		    (size_t)(qe - q - 1), &req->query) != 0)
			return -1;
	}
	MHD_get_connection_values(c, MHD_HEADER_KIND, on_header, &w);
	if (w.bad)
		return -1;
	/* Behind a trusted proxy the client is the one it names. */
	if (p->srv->trust_proxy &&
	    (xff = http_header(req, "X-Forwarded-For")) != NULL)
		forwarded_ip(xff, req->ip, sizeof(req->ip));
	req->content_type = media_type(&req->arena,
	    http_header(req, "Content-Type"));
	return 0;
}

/*
 * Hand the body to req; a urlencoded form is parsed into req->form.
 * Returns -1 when the form is malformed or not valid UTF-8.
 */
/* A part of a multipart body being collected. */
struct part {
	char *field;		/* malloc'd */
	char *filename;		/* malloc'd, NULL for a text field */
	char *content_type;	/* malloc'd, NULL when not sent */
	struct buf data;
};

struct parts {
	struct part *items;
	size_t n, cap;
};

/* libmicrohttpd's post processor: one call per chunk of a part. */
static enum MHD_Result
on_part(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct parts *ps = cls;
	struct part *pt = ps->n > 0 ? &ps->items[ps->n - 1] : NULL;

	(void)kind;
	(void)transfer_encoding;
	if (key == NULL)
		return MHD_YES;
	/* A new part starts at offset 0 (or changes key or file). */
	if (pt == NULL || off == 0 || strcmp(pt->field, key) != 0 ||
	    (filename == NULL) != (pt->filename == NULL)) {
		if (ps->n == ps->cap) {
			ps->cap = ps->cap ? ps->cap * 2 : 8;
			ps->items = xrealloc(ps->items, ps->cap * sizeof(*pt));
		}
		pt = &ps->items[ps->n++];
		memset(pt, 0, sizeof(*pt));
		pt->field = xstrdup(key);
		pt->filename = filename != NULL ? xstrdup(filename) : NULL;
		pt->content_type = content_type != NULL ? xstrdup(content_type) : NULL;
	}
	buf_append(&pt->data, data, size);
	return MHD_YES;
}

/*
 * Parse a multipart/form-data body (already read whole, under its cap) with
 * libmicrohttpd's post processor: text fields into req->form (UTF-8 checked
 * and NFC like any form), files into req->files. Returns -1 when malformed.
 */
static int
attach_multipart(struct pending *p, struct MHD_Connection *c)
{
	struct http_req *req = &p->req;
	struct MHD_PostProcessor *pp;
	struct parts ps = {NULL, 0, 0};
	int rc = 0;
	size_t i;

	pp = MHD_create_post_processor(c, 32 * 1024, on_part, &ps);
	if (pp == NULL)
		return -1;
	if (MHD_post_process(pp, p->body.data, p->body.len) != MHD_YES)
		rc = -1;
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		rc = -1;
	for (i = 0; i < ps.n; i++) {
		struct part *pt = &ps.items[i];

		if (rc == 0 && pt->filename == NULL) {
			/* A text field: the same rules as a urlencoded one. */
			char *v = vn_nfc(buf_str(&pt->data), pt->data.len);
			char *k = vn_nfc(pt->field, strlen(pt->field));

			if (v == NULL || k == NULL)
				rc = -1;
			else
				http_kvs_add(&req->arena, &req->form, k, v);
			free(v);
			free(k);
		} else if (rc == 0) {
			struct http_files *fs = &req->files;
			struct http_file *f;
			char *name = vn_nfc(pt->filename, strlen(pt->filename));

			if (name == NULL) {
				rc = -1;
			} else {
				if (fs->n == fs->cap) {
					size_t ncap = fs->cap ? fs->cap * 2 : 4;
					struct http_file *ni = arena_alloc(&req->arena,
					    ncap * sizeof(*ni));

					if (fs->n > 0)
						memcpy(ni, fs->items, fs->n * sizeof(*ni));
					fs->items = ni;
					fs->cap = ncap;
				}
				f = &fs->items[fs->n++];
				f->field = arena_strdup(&req->arena, pt->field);
				f->filename = arena_strdup(&req->arena, name);
				f->content_type = arena_strdup(&req->arena,
				    pt->content_type != NULL ? pt->content_type : "");
				f->data = arena_strndup(&req->arena, buf_str(&pt->data),
				    pt->data.len);
				f->len = pt->data.len;
			}
			free(name);
		}
		free(pt->field);
		free(pt->filename);
		free(pt->content_type);
		buf_free(&pt->data);
	}
	free(ps.items);
	return rc;
}

static int
attach_body(struct pending *p, struct MHD_Connection *c)
{
	struct http_req *req = &p->req;

	if (p->body.data == NULL)
		return 0;
	req->body = p->body.data;
	req->body_len = p->body.len;
	if (strcmp(req->content_type, "application/x-www-form-urlencoded") == 0)
		return http_parse_urlencoded(&req->arena, req->body,
		    req->body_len, &req->form);
	if (strcmp(req->content_type, "multipart/form-data") == 0)
		return attach_multipart(p, c);
	return 0;
}

/* Answer 400 or 413 without routing: the refused hook or plain text. */
static void
refuse(struct pending *p, int status)
{
	struct http_server *s = p->srv;

	p->resp.status = status;
	if (s->hooks.refused != NULL)
		s->hooks.refused(&p->req, &p->resp, status);
	else
		http_resp_plain(&p->resp, status);
}

/* http_resp_defaults() callback: add one header to the MHD response. */
static void
add_header(void *cls, const char *name, const char *value)
{
	if (MHD_add_response_header(cls, name, value) != MHD_YES)
		log_warn("could not add response header %s", name);
}

/* Turn p->resp into a libmicrohttpd response and queue it. */
static enum MHD_Result
send_resp(struct pending *p, struct MHD_Connection *c)
{
	struct http_resp *resp = &p->resp;
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i, len;
	char *data;

	if (resp->status < 100 || resp->status > 599) {
		log_error("%s: invalid status %d", p->req.path, resp->status);
		http_resp_plain(resp, 500);
	}
	len = resp->body.len;
	data = buf_steal(&resp->body);
	r = MHD_create_response_from_buffer_with_free_callback(len, data,
	    free);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	if (resp->status != 204 && resp->status != 304 &&
	    http_resp_header_get(resp, "Content-Type") == NULL)
		add_header(r, "Content-Type", resp->content_type != NULL ?
		    resp->content_type : "text/html; charset=utf-8");
	if (resp->location != NULL)
		add_header(r, "Location", resp->location);
	for (i = 0; i < resp->headers.n; i++)
		add_header(r, resp->headers.items[i].name,
		    resp->headers.items[i].value);
	http_resp_defaults(resp, add_header, r);
	ret = MHD_queue_response(c, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES) {
		p->answered = true;
		p->status = resp->status;
		p->bytes = p->req.method == HTTP_HEAD ? 0 : len;
	}
	return ret;
}

/* Build the request, route it (or refuse it) and queue the answer. */
static enum MHD_Result
respond(struct pending *p, struct MHD_Connection *c, const char *method)
{
	struct http_server *s = p->srv;

	if (build_req(p, c, method) != 0)
		refuse(p, 400);
	else if (p->too_large)
		refuse(p, 413);
	else if (attach_body(p, c) != 0)
		refuse(p, 400);
	else
		http_dispatch(s->router, &s->hooks, &p->req, &p->resp);
	return send_resp(p, c);
}

/*
 * A body announced over the cap is refused with 413. Up to DISCARD_MAX it is
 * read and thrown away first, so that the client, still sending, reads the
 * answer instead of a reset connection (browsers and fetch() report a reset
 * as a network failure, not as "too large"); beyond that the answer goes out
 * at once and the connection closes.
 */
#define DISCARD_MAX (32u * 1024 * 1024)

/* Forms that carry files may be larger than other bodies. */
static size_t
body_cap(const struct http_server *s, struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	if (ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0)
		return s->max_upload;
	return s->max_body;
}

enum declared { DECLARED_OK, DECLARED_DISCARD, DECLARED_REFUSE };

static enum declared
declared_size(const struct http_server *s, struct MHD_Connection *c)
{
	const char *cl;
	unsigned long long n;
	char *end;

	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL)
		return DECLARED_OK;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (end == cl)
		return DECLARED_OK;
	if (errno == ERANGE || n > DISCARD_MAX)
		return DECLARED_REFUSE;
	return n > body_cap(s, c) ? DECLARED_DISCARD : DECLARED_OK;
}

/* Keep a chunk of body, or drop it (and the rest) once over the cap. */
static void
take_body(struct pending *p, const char *data, size_t n)
{
	if (p->too_large)
		return;
	if (n > p->cap || p->body.len > p->cap - n) {
		p->too_large = true;
		buf_free(&p->body);
		return;
	}
	buf_append(&p->body, data, n);
}

/*
 * libmicrohttpd: called once when the headers are in, once per chunk of body
 * and once at the end (*upload_data_size == 0); see the file comment.
 */
static enum MHD_Result
on_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct pending *p = *con_cls;

	(void)version;
	if (p == NULL) {
		/* on_uri() always runs first; this only guards against that
		 * changing. */
		p = pending_new(cls, url);
		*con_cls = p;
	}
	if (p->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!p->started) {
		p->started = true;
		p->cap = body_cap(p->srv, c);
		switch (declared_size(p->srv, c)) {
		case DECLARED_REFUSE:
			p->too_large = true;
			return respond(p, c, method);
		case DECLARED_DISCARD:
			p->too_large = true;
			break;
		case DECLARED_OK:
			break;
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		take_body(p, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return respond(p, c, method);
}

/* Threads to use when the configuration says 0: one per CPU. */
static unsigned
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 && n < 256 ? (unsigned)n : 4;
}

/*
 * Listen on cfg->host (an IPv4 or IPv6 literal; NULL, "" and "localhost"
 * mean 127.0.0.1) and cfg->port (0: any free port). router must outlive the
 * server; hooks are copied and may be NULL. A max_body of 0 means 1 MiB,
 * threads 0 one per CPU, connection_limit 0 libmicrohttpd's default and
 * timeout_s 0 no idle timeout. Returns 0, KH_E_INVALID for a bad address or
 * KH_E_IO when the daemon cannot start (port taken, ...).
 */
int
http_server_start(const struct http_config *cfg,
    const struct http_router *r, const struct http_hooks *hooks,
    struct http_server **out, unsigned short *bound_port)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} addr;
	struct MHD_OptionItem opts[8];
	const union MHD_DaemonInfo *info;
	struct http_server *s;
	size_t n;
	unsigned int flags, threads;
	const char *host, *trust;

	*out = NULL;
	host = cfg->host != NULL && cfg->host[0] != '\0' ? cfg->host :
	    "127.0.0.1";
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG;
	memset(&addr, 0, sizeof(addr));
	if (inet_pton(AF_INET, host, &addr.v4.sin_addr) == 1) {
		addr.v4.sin_family = AF_INET;
		addr.v4.sin_port = htons(cfg->port);
	} else if (inet_pton(AF_INET6, host, &addr.v6.sin6_addr) == 1) {
		addr.v6.sin6_family = AF_INET6;
		addr.v6.sin6_port = htons(cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		log_error("invalid listen address: %s", host);
		return KH_E_INVALID;
	}
	s = xcalloc(1, sizeof(*s));
	s->router = r;
	if (hooks != NULL)
		s->hooks = *hooks;
	s->max_body = cfg->max_body > 0 ? cfg->max_body : DEFAULT_MAX_BODY;
	s->max_upload = cfg->max_upload > 0 ? cfg->max_upload : DEFAULT_MAX_UPLOAD;
	s->log_requests = cfg->log_requests;
	trust = getenv("KHUYENHOC_TRUST_PROXY");
	s->trust_proxy = trust != NULL && strcmp(trust, "1") == 0;
	threads = cfg->threads > 0 ? cfg->threads : default_threads();
	memset(opts, 0, sizeof(opts));
	n = 0;
	opts[n].option = MHD_OPTION_SOCK_ADDR;
	opts[n++].ptr_value = &addr.sa;
	opts[n].option = MHD_OPTION_CONNECTION_TIMEOUT;
	opts[n++].value = (intptr_t)cfg->timeout_s;
	opts[n].option = MHD_OPTION_CONNECTION_MEMORY_LIMIT;
	opts[n++].value = CONN_MEMORY;
	/* One thread is the polling thread itself, not a pool of one. */
	if (threads > 1) {
		opts[n].option = MHD_OPTION_THREAD_POOL_SIZE;
		opts[n++].value = (intptr_t)threads;
	}
	if (cfg->connection_limit > 0) {
		opts[n].option = MHD_OPTION_CONNECTION_LIMIT;
		opts[n++].value = (intptr_t)cfg->connection_limit;
	}
	opts[n].option = MHD_OPTION_END;
	/* The logger comes first so that option errors reach it too. */
	s->daemon = MHD_start_daemon(flags, cfg->port, NULL, NULL,
	    on_access, s,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
	if (s->daemon == NULL) {
		log_error("cannot listen on %s port %u", host,
		    (unsigned)cfg->port);
		free(s);
		return KH_E_IO;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (bound_port != NULL)
		*bound_port = info != NULL && info->port != 0 ? info->port :
		    cfg->port;
	*out = s;
	return 0;
}

/*
 * Stop listening, finish or abort the connections (their state is freed
 * through on_completed()) and free the server. NULL is a no-op.
 */
void
http_server_stop(struct http_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
