/*
 * test_server.c - the real server (src/http/server.c) over a loopback
 * socket, driven by a minimal HTTP/1.1 client written here so the test needs
 * nothing beyond the C library.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "http/http.h"

#define MAX_BODY 1000

static struct http_router *router;
static struct http_server *server;
static unsigned short port;

/* ---- handlers ---- */

static int
h_hello(struct http_req *req, struct http_resp *resp)
{
	const char *name = http_query(req, "name");

	buf_printf(&resp->body, "hello %s", name != NULL ? name : "?");
	http_set_cookie(req, resp, "a", "1", -1, false);
	http_set_cookie(req, resp, "b", "2", 60, true);
	return 0;
}

static int
h_echo(struct http_req *req, struct http_resp *resp)
{
	resp->content_type = "text/plain; charset=utf-8";
	buf_printf(&resp->body, "a=%s;b=%s;ct=%s",
	    http_form(req, "a") != NULL ? http_form(req, "a") : "-",
	    http_form(req, "b") != NULL ? http_form(req, "b") : "-",
	    req->content_type);
	return 0;
}

static int
h_json(struct http_req *req, struct http_resp *resp)
{
	resp->content_type = "application/json";
	buf_printf(&resp->body, "%zu:%s:%zu", req->body_len,
	    req->body != NULL ? req->body : "(null)", req->form.n);
	return 0;
}

static int
h_who(struct http_req *req, struct http_resp *resp)
{
	const char *sid = http_cookie(req, "sid");

	buf_printf(&resp->body, "ip=%s sid=%s path=%s", req->ip,
	    sid != NULL ? sid : "-", req->path);
	return 0;
}

static int
h_unit(struct http_req *req, struct http_resp *resp)
{
	buf_printf(&resp->body, "code=%s", http_param(req, "code"));
	return 0;
}

static int
h_go(struct http_req *req, struct http_resp *resp)
{
	http_redirect(req, resp, "/hello?name=x");
	return 0;
}

static int
h_own_headers(struct http_req *req, struct http_resp *resp)
{
	http_resp_header(req, resp, "Cache-Control", "public, max-age=60");
	http_resp_header(req, resp, "Content-Security-Policy",
	    "default-src 'none'");
	buf_puts(&resp->body, "own");
	return 0;
}

static int
h_fail(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	buf_puts(&resp->body, "half");
	return -1;
}

static void
refused(struct http_req *req, struct http_resp *resp, int status)
{
	(void)req;
	resp->content_type = "text/plain; charset=utf-8";
	buf_printf(&resp->body, "refused %d", status);
}

static const struct http_hooks hooks = {.refused = refused};

static void
start(bool log_requests)
{
	struct http_config cfg = {
		.host = "127.0.0.1", .port = 0, .threads = 2,
		.max_body = MAX_BODY, .connection_limit = 64,
		.timeout_s = 10, .log_requests = log_requests,
	};

	router = http_router_new();
	http_route(router, HTTP_GET, "/hello", h_hello);
	http_route(router, HTTP_POST, "/echo", h_echo);
	http_route(router, HTTP_POST, "/json", h_json);
	http_route(router, HTTP_GET, "/who", h_who);
	http_route(router, HTTP_GET, "/units/{code}", h_unit);
	http_route(router, HTTP_GET, "/go", h_go);
	http_route(router, HTTP_GET, "/own", h_own_headers);
	http_route(router, HTTP_GET, "/fail", h_fail);
	cr_assert_eq(http_server_start(&cfg, router, &hooks, &server, &port),
	    0);
	cr_assert_neq(port, 0);
}

static void
setup(void)
{
	start(false);
}

static void
teardown(void)
{
	http_server_stop(server);
	http_router_free(router);
}

/* ---- a minimal HTTP/1.1 client ---- */

struct conn {
	int fd;
	char buf[16384];		/* bytes received, not yet consumed */
	size_t len;
};

struct reply {
	int status;
	char head[8192];		/* status line and headers */
	struct buf body;
};

static void
conn_open(struct conn *c)
{
	struct sockaddr_in sa;
	struct timeval tv = {5, 0};

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(c->fd, 0);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
	    "connect: %s", strerror(errno));
}

static void
conn_close(struct conn *c)
{
	close(c->fd);
}

/* Send everything; returns false when the peer stopped reading. */
static bool
conn_send(struct conn *c, const char *s, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = send(c->fd, s, n, MSG_NOSIGNAL);
		if (k <= 0)
			return false;
		s += k;
		n -= (size_t)k;
	}
	return true;
}

static bool
conn_sends(struct conn *c, const char *s)
{
	return conn_send(c, s, strlen(s));
}

/* Read more bytes into c->buf; false on EOF, error or timeout. */
static bool
conn_fill(struct conn *c)
{
	ssize_t k;

	if (c->len == sizeof(c->buf))
		return false;
	k = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (k <= 0)
		return false;
	c->len += (size_t)k;
	return true;
}

static void
conn_consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Header value from a reply head ("" when absent); copies into out. */
static const char *
reply_header(const struct reply *r, const char *name, char *out,
    size_t size)
{
	const char *p = r->head, *eol, *colon;
	size_t n = strlen(name), vlen;

	out[0] = '\0';
	while ((eol = strstr(p, "\r\n")) != NULL) {
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL && (size_t)(colon - p) == n &&
		    strncasecmp(p, name, n) == 0) {
			colon++;
			while (*colon == ' ')
				colon++;
			vlen = (size_t)(eol - colon);
			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, colon, vlen);
			out[vlen] = '\0';
			return out;
		}
		p = eol + 2;
	}
	return out;
}

/* Number of header lines named name. */
static int
reply_count(const struct reply *r, const char *name)
{
	const char *p = r->head, *eol;
	size_t n = strlen(name);
	int count = 0;

	while ((eol = strstr(p, "\r\n")) != NULL) {
		if ((size_t)(eol - p) > n && p[n] == ':' &&
		    strncasecmp(p, name, n) == 0)
			count++;
		p = eol + 2;
	}
	return count;
}

/* Read one response; head_only for HEAD requests (no body follows). */
static bool
conn_read(struct conn *c, struct reply *r, bool head_only)
{
	char *end, cl[32];
	size_t hlen, want;

	memset(r, 0, sizeof(*r));
	for (;;) {
		end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		if (end != NULL)
			break;
		if (!conn_fill(c))
			return false;
	}
	hlen = (size_t)(end - c->buf) + 4;
	if (hlen >= sizeof(r->head))
		return false;
	memcpy(r->head, c->buf, hlen - 2);
	r->head[hlen - 2] = '\0';
	conn_consume(c, hlen);
	if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
		return false;
	if (head_only)
		return true;
	want = (size_t)strtoul(reply_header(r, "Content-Length", cl,
	    sizeof(cl)), NULL, 10);
	while (c->len < want)
		if (!conn_fill(c))
			return false;
	buf_append(&r->body, c->buf, want);
	conn_consume(c, want);
	return true;
}

/* One request on a fresh connection. */
static void
request(const char *raw, struct reply *r)
{
	struct conn c;

	conn_open(&c);
	cr_assert(conn_sends(&c, raw));
	cr_assert(conn_read(&c, r, false), "no reply to: %s", raw);
	conn_close(&c);
}

static void
get(const char *target, struct reply *r)
{
	char raw[2048];

	snprintf(raw, sizeof(raw),
	    "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", target);
	request(raw, r);
}


Test(http_server, get_with_query, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char v[512];

	get("/hello?name=L%C3%AA+e%CC%81", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "hello Lê é");
	cr_assert_str_eq(reply_header(&r, "Content-Type", v, sizeof(v)),
	    "text/html; charset=utf-8");
	cr_assert_str_eq(reply_header(&r, "X-Content-Type-Options", v,
	    sizeof(v)), "nosniff");
	cr_assert_str_eq(reply_header(&r, "X-Frame-Options", v, sizeof(v)),
	    "DENY");
	cr_assert_str_eq(reply_header(&r, "Referrer-Policy", v, sizeof(v)),
	    "same-origin");
	cr_assert_str_eq(reply_header(&r, "Cache-Control", v, sizeof(v)),
	    "no-store");
	cr_assert_str_eq(reply_header(&r, "Content-Security-Policy", v,
	    sizeof(v)), "default-src 'self'; img-src 'self' data:; "
	    "style-src 'self'; script-src 'self'; form-action 'self'; "
	    "frame-ancestors 'none'");
	cr_assert_eq(reply_count(&r, "Set-Cookie"), 2);
	cr_assert_not_null(strstr(r.head,
	    "Set-Cookie: b=2; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; "
	    "Secure\r\n"));
	buf_free(&r.body);
}

Test(http_server, handler_headers_win, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char v[512];

	get("/own", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(reply_header(&r, "Cache-Control", v, sizeof(v)),
	    "public, max-age=60");
	cr_assert_str_eq(reply_header(&r, "Content-Security-Policy", v,
	    sizeof(v)), "default-src 'none'");
	cr_assert_eq(reply_count(&r, "Cache-Control"), 1);
	cr_assert_eq(reply_count(&r, "Content-Security-Policy"), 1);
	buf_free(&r.body);
}

Test(http_server, post_form, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	const char *body = "a=1+2&b=e%CC%81";
	char raw[1024];

	snprintf(raw, sizeof(raw), "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: Application/X-WWW-Form-Urlencoded; charset=UTF-8\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	request(raw, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body),
	    "a=1 2;b=\xc3\xa9;ct=application/x-www-form-urlencoded");
	buf_free(&r.body);
}

Test(http_server, json_body_raw, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	const char *body = "{\"a\":\"x=1&y\"}";
	char raw[1024];

	snprintf(raw, sizeof(raw), "POST /json HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	request(raw, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "13:{\"a\":\"x=1&y\"}:0");
	buf_free(&r.body);
}

Test(http_server, body_over_cap_declared, .init = setup, .fini = teardown, .timeout = 30)
{
	struct conn c;
	struct reply r;
	char raw[256], *big;

	big = malloc(MAX_BODY * 5);
	memset(big, 'a', MAX_BODY * 5);
	snprintf(raw, sizeof(raw), "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: %d\r\n\r\n", MAX_BODY * 5);
	conn_open(&c);
	cr_assert(conn_sends(&c, raw));
	/* The server may answer and close before it has read all of this. */
	(void)conn_send(&c, big, MAX_BODY * 5);
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 413);
	cr_assert_str_eq(buf_str(&r.body), "refused 413");
	conn_close(&c);
	buf_free(&r.body);
	free(big);
}

Test(http_server, body_at_cap_accepted, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char *raw;
	size_t n;

	raw = malloc(MAX_BODY + 256);
	n = (size_t)sprintf(raw, "POST /json HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n", MAX_BODY);
	memset(raw + n, 'z', MAX_BODY);
	raw[n + MAX_BODY] = '\0';
	request(raw, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(strncmp(buf_str(&r.body), "1000:zzz", 8), 0);
	buf_free(&r.body);
	free(raw);
}

Test(http_server, chunked_body_over_cap_keeps_connection, .init = setup, .fini = teardown, .timeout = 30)
{
	struct conn c;
	struct reply r;
	char chunk[600];
	int i;

	memset(chunk, 'b', sizeof(chunk));
	conn_open(&c);
	cr_assert(conn_sends(&c, "POST /json HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"));
	for (i = 0; i < 4; i++) {
		cr_assert(conn_sends(&c, "258\r\n"));
		cr_assert(conn_send(&c, chunk, sizeof(chunk)));
		cr_assert(conn_sends(&c, "\r\n"));
	}
	cr_assert(conn_sends(&c, "0\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 413);
	buf_free(&r.body);
	cr_assert(conn_sends(&c, "GET /hello?name=again HTTP/1.1\r\n"
	    "Host: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "hello again");
	buf_free(&r.body);
	conn_close(&c);
}

Test(http_server, invalid_utf8_in_query_is_400, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;

	get("/hello?name=%C3%28", &r);
	cr_assert_eq(r.status, 400);
	cr_assert_str_eq(buf_str(&r.body), "refused 400");
	buf_free(&r.body);
	get("/hello?name=%ZZ", &r);
	cr_assert_eq(r.status, 400);
	buf_free(&r.body);
}

Test(http_server, invalid_utf8_elsewhere_is_400, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char raw[512];

	get("/units/%FF", &r);
	cr_assert_eq(r.status, 400, "path");
	buf_free(&r.body);
	request("GET /who HTTP/1.1\r\nHost: x\r\nCookie: sid=\xc3\x28\r\n\r\n",
	    &r);
	cr_assert_eq(r.status, 400, "cookie");
	buf_free(&r.body);
	snprintf(raw, sizeof(raw), "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 7\r\n\r\na=%%C3%%28");
	request(raw, &r);
	cr_assert_eq(r.status, 400, "form");
	buf_free(&r.body);
}

Test(http_server, keep_alive_two_requests, .init = setup, .fini = teardown, .timeout = 30)
{
	struct conn c;
	struct reply r;
	char v[64];

	conn_open(&c);
	cr_assert(conn_sends(&c, "GET /hello?name=one HTTP/1.1\r\n"
	    "Host: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "hello one");
	cr_assert_str_neq(reply_header(&r, "Connection", v, sizeof(v)),
	    "close");
	buf_free(&r.body);
	cr_assert(conn_sends(&c, "GET /hello?name=two HTTP/1.1\r\n"
	    "Host: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "hello two");
	buf_free(&r.body);
	conn_close(&c);
}

Test(http_server, keep_alive_after_post, .init = setup, .fini = teardown, .timeout = 30)
{
	struct conn c;
	struct reply r;

	conn_open(&c);
	cr_assert(conn_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 3\r\n\r\na=z"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 200);
	buf_free(&r.body);
	cr_assert(conn_sends(&c, "GET /hello?name=next HTTP/1.1\r\n"
	    "Host: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_str_eq(buf_str(&r.body), "hello next");
	buf_free(&r.body);
	conn_close(&c);
}

Test(http_server, head_has_no_body, .init = setup, .fini = teardown, .timeout = 30)
{
	struct conn c;
	struct reply r;
	char v[32];

	conn_open(&c);
	cr_assert(conn_sends(&c, "HEAD /hello?name=h HTTP/1.1\r\n"
	    "Host: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, true));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(reply_header(&r, "Content-Length", v, sizeof(v)),
	    "7");
	/* The next response must follow directly: no body was sent. */
	cr_assert(conn_sends(&c, "GET /hello?name=g HTTP/1.1\r\n"
	    "Host: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "hello g");
	buf_free(&r.body);
	conn_close(&c);
}

Test(http_server, not_found_and_method_not_allowed, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char v[64];

	get("/missing", &r);
	cr_assert_eq(r.status, 404);
	buf_free(&r.body);
	request("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n", &r);
	cr_assert_eq(r.status, 405);
	cr_assert_str_eq(reply_header(&r, "Allow", v, sizeof(v)), "GET, HEAD");
	buf_free(&r.body);
}

Test(http_server, handler_failure_is_500, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;

	get("/fail", &r);
	cr_assert_eq(r.status, 500);
	cr_assert_null(strstr(buf_str(&r.body), "half"));
	buf_free(&r.body);
}

Test(http_server, redirect_location, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char v[128];

	get("/go", &r);
	cr_assert_eq(r.status, 303);
	cr_assert_str_eq(reply_header(&r, "Location", v, sizeof(v)),
	    "/hello?name=x");
	buf_free(&r.body);
}

Test(http_server, cookies_ip_and_path, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;

	request("GET /who/ HTTP/1.1\r\nHost: x\r\nCookie: a=1; sid=\"s3\"\r\n"
	    "X-Forwarded-For: 10.9.9.9\r\n\r\n", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "ip=127.0.0.1 sid=s3 path=/who/",
	    "X-Forwarded-For is ignored without KHUYENHOC_TRUST_PROXY");
	buf_free(&r.body);
}

Test(http_server, encoded_slash_in_param, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;

	get("/units/a%2Fb", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "code=a/b");
	buf_free(&r.body);
	get("/units/L%C3%AA", &r);
	cr_assert_str_eq(buf_str(&r.body), "code=Lê");
	buf_free(&r.body);
}

/* Poll the counters until cond holds or two seconds pass. */
static bool
wait_stats(struct http_stats *st, uint64_t min_requests)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int i;

	for (i = 0; i < 200; i++) {
		http_stats_get(st);
		if (st->requests >= min_requests && st->in_flight == 0)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

Test(http_server, stats_count, .init = setup, .fini = teardown, .timeout = 30)
{
	struct http_stats before, after;
	struct reply r;

	cr_assert(wait_stats(&before, 0));
	get("/hello", &r);
	buf_free(&r.body);
	get("/missing", &r);
	buf_free(&r.body);
	cr_assert(wait_stats(&after, before.requests + 2));
	cr_assert_eq(after.requests, before.requests + 2);
	cr_assert_eq(after.by_class[2], before.by_class[2] + 1);
	cr_assert_eq(after.by_class[4], before.by_class[4] + 1);
	cr_assert_geq(after.duration_us_sum, before.duration_us_sum);
	cr_assert_eq(after.in_flight, 0);
}

/* Restart with the access log on and stderr going to a file. */
Test(http_server, access_log_line, .init = setup, .fini = teardown, .timeout = 30)
{
	char text[4096];
	FILE *tmp;
	struct http_stats st;
	struct reply r;
	int fd, saved;
	ssize_t n;

	teardown();
	start(true);
	tmp = tmpfile();
	cr_assert_not_null(tmp);
	fd = fileno(tmp);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	request("GET /who?x=1 HTTP/1.1\r\nHost: x\r\n"
	    "Cookie: sid=secret-cookie\r\nAuthorization: Basic c2VjcmV0\r\n\r\n",
	    &r);
	buf_free(&r.body);
	wait_stats(&st, 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, text, sizeof(text) - 1, 0);
	fclose(tmp);
	cr_assert_gt(n, 0);
	text[n] = '\0';
	cr_assert_not_null(strstr(text, "GET /who?x=1 200 "), "%s", text);
	cr_assert_not_null(strstr(text, " 127.0.0.1"), "%s", text);
	cr_assert_null(strstr(text, "secret"), "%s", text);
	cr_assert_null(strstr(text, "c2VjcmV0"), "%s", text);
}

Test(http_server, bad_host_refused, .init = setup, .fini = teardown, .timeout = 30)
{
	struct http_config cfg = {.host = "not-an-address", .threads = 1};
	struct http_server *s = NULL;
	unsigned short p = 0;

	cr_assert_eq(http_server_start(&cfg, router, NULL, &s, &p),
	    KH_E_INVALID);
	cr_assert_null(s);
}

Test(http_server, port_in_use_fails, .init = setup, .fini = teardown, .timeout = 30)
{
	struct http_config cfg = {.host = "127.0.0.1", .port = port,
	    .threads = 1};
	struct http_server *s = NULL;
	unsigned short p = 0;

	cr_assert_eq(http_server_start(&cfg, router, NULL, &s, &p), KH_E_IO);
	cr_assert_null(s);
}

Test(http_server, ipv6_loopback, .init = setup, .fini = teardown, .timeout = 30)
{
	struct http_config cfg = {.host = "::1", .threads = 1,
	    .max_body = 100};
	struct sockaddr_in6 sa;
	struct http_server *s = NULL;
	unsigned short p = 0;
	struct conn c;
	struct reply r;
	int fd;

	fd = socket(AF_INET6, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_loopback;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		cr_skip_test("no IPv6 loopback here");
	}
	close(fd);
	cr_assert_eq(http_server_start(&cfg, router, NULL, &s, &p), 0);
	cr_assert_neq(p, 0);
	memset(&c, 0, sizeof(c));
	c.fd = socket(AF_INET6, SOCK_STREAM, 0);
	sa.sin6_port = htons(p);
	cr_assert_eq(connect(c.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert(conn_sends(&c, "GET /who HTTP/1.1\r\nHost: x\r\n\r\n"));
	cr_assert(conn_read(&c, &r, false));
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(buf_str(&r.body), "ip=::1 sid=- path=/who");
	buf_free(&r.body);
	conn_close(&c);
	http_server_stop(s);
}

/*
 * Requests libmicrohttpd ends on its own (client gone mid-headers, headers
 * over the memory limit, server stopping) must still free their state; the
 * sanitizer run checks the freeing, this checks the counters.
 */
Test(http_server, unfinished_requests_cleaned_up, .init = setup, .fini = teardown, .timeout = 30)
{
	struct conn a, b, c;
	struct http_stats st;
	struct reply r;
	char *big;
	size_t n = 100 * 1024;

	conn_open(&a);
	cr_assert(conn_sends(&a, "GET /hello HTTP/1.1\r\nHost: x\r\n"));
	conn_open(&b);
	cr_assert(conn_sends(&b, "GET /hello HTTP/1.1\r\nHost: x\r\n"));
	conn_close(&b);
	big = malloc(n + 64);
	memcpy(big, "GET /hello HTTP/1.1\r\nX-Big: ", 28);
	memset(big + 28, 'x', n);
	memcpy(big + 28 + n, "\r\n\r\n", 5);
	conn_open(&c);
	(void)conn_sends(&c, big);
	if (conn_read(&c, &r, false)) {
		cr_assert_geq(r.status, 400);
		buf_free(&r.body);
	}
	conn_close(&c);
	free(big);
	/* a is still open and waiting: stopping must not leak it. */
	teardown();
	http_stats_get(&st);
	cr_assert_eq(st.in_flight, 0);
	conn_close(&a);
	start(false);
}

Test(http_server, trusted_proxy_address, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;

	teardown();
	setenv("KHUYENHOC_TRUST_PROXY", "1", 1);
	start(false);
	request("GET /who HTTP/1.1\r\nHost: x\r\n"
	    "X-Forwarded-For: 203.0.113.9, 198.51.100.7\r\n\r\n", &r);
	cr_assert_str_eq(buf_str(&r.body), "ip=198.51.100.7 sid=- path=/who",
	    "the entry our proxy added is the last one");
	buf_free(&r.body);
	request("GET /who HTTP/1.1\r\nHost: x\r\n"
	    "X-Forwarded-For: not-an-ip\r\n\r\n", &r);
	cr_assert_str_eq(buf_str(&r.body), "ip=127.0.0.1 sid=- path=/who");
	buf_free(&r.body);
	unsetenv("KHUYENHOC_TRUST_PROXY");
}

Test(http_server, odd_method_refused_or_405, .init = setup, .fini = teardown, .timeout = 30)
{
	struct reply r;
	char v[64];

	request("BREW /hello HTTP/1.1\r\nHost: x\r\n\r\n", &r);
	cr_assert_eq(r.status, 405);
	cr_assert_str_eq(reply_header(&r, "Allow", v, sizeof(v)), "GET, HEAD");
	buf_free(&r.body);
}
