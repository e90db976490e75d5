/*
 * http.h - the HTTP transport: libmicrohttpd underneath, a router, requests
 * and responses. It knows no domain: handlers get a struct http_req and fill
 * a struct http_resp; everything they allocate for the request comes from
 * req->arena and is freed after the response is sent.
 *
 * Limits (body size, connections, timeouts) are configuration. Every text
 * parameter that reaches a handler (query, form field, path parameter, cookie)
 * is valid UTF-8 in NFC: a request carrying invalid UTF-8 is answered 400
 * before any handler runs.
 */
#ifndef KH_HTTP_HTTP_H
#define KH_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum http_method {
	HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 4, HTTP_PUT = 8,
	HTTP_DELETE = 16, HTTP_PATCH = 32, HTTP_OPTIONS = 64
};

/* One name=value pair (query string, form field, cookie, header). */
struct http_kv {
	const char *name;
	const char *value;
};

struct http_kvs {
	struct http_kv *items;	/* arena-allocated */
	size_t n, cap;
};

/* A file sent in a multipart/form-data form. */
struct http_file {
	const char *field;		/* the form field's name */
	const char *filename;		/* as the browser sent it (UTF-8, NFC) */
	const char *content_type;	/* as the browser sent it, or "" */
	const char *data;		/* the bytes (arena; NUL after them) */
	size_t len;
};

struct http_files {
	struct http_file *items;	/* arena-allocated */
	size_t n, cap;
};

struct http_req {
	struct arena arena;		/* freed after the response */
	enum http_method method;
	const char *method_name;	/* "GET", ... */
	const char *path;		/* decoded path, without the query; an
					 * encoded '/' or '%' stays "%2F" or
					 * "%25" so it cannot split segments
					 * (path parameters are fully decoded) */
	const char *raw_url;		/* as received, for logs */
	struct http_kvs query;		/* query string parameters */
	struct http_kvs form;		/* application/x-www-form-urlencoded body */
	struct http_kvs headers;	/* request headers, names as received */
	struct http_kvs cookies;	/* Cookie header, parsed */
	struct http_kvs params;		/* path parameters, e.g. {code} */
	struct http_files files;	/* files of a multipart/form-data body;
					 * its text fields go to form */
	const char *body;		/* raw body (NUL-terminated), or NULL;
					 * not freed by http_req_cleanup() */
	size_t body_len;
	const char *content_type;	/* Content-Type without parameters, or "" */
	char ip[64];			/* client address */
	void *app;			/* the application's per-request state */
};

struct http_resp {
	int status;			/* 200 unless set */
	const char *content_type;	/* default "text/html; charset=utf-8" */
	struct buf body;		/* response body */
	struct http_kvs headers;	/* extra headers, including Set-Cookie */
	const char *location;		/* redirect target when status is 3xx */
};

/* Lookups return NULL when absent. Names are case-sensitive except headers. */
const char *http_query(const struct http_req *req, const char *name);
const char *http_form(const struct http_req *req, const char *name);
const char *http_param(const struct http_req *req, const char *name);
const char *http_cookie(const struct http_req *req, const char *name);
const char *http_header(const struct http_req *req, const char *name);
/* The first file sent under a form field, or NULL. */
const struct http_file *http_file(const struct http_req *req, const char *field);

/* Append a header to the response (value copied into req->arena). */
void http_resp_header(struct http_req *req, struct http_resp *resp,
    const char *name, const char *value);

/*
 * Set-Cookie with Path=/, HttpOnly, SameSite=Lax; max_age < 0 leaves it a
 * session cookie, 0 deletes it. secure adds Secure.
 */
void http_set_cookie(struct http_req *req, struct http_resp *resp,
    const char *name, const char *value, long max_age, bool secure);

/* 303 See Other to a local path. */
void http_redirect(struct http_req *req, struct http_resp *resp,
    const char *location);

/*
 * A handler fills resp and returns 0. A non-zero return is a bug path: the
 * server answers 500 if the handler left the status below 400.
 */
typedef int (*http_handler)(struct http_req *req, struct http_resp *resp);

/*
 * Hooks around every routed request: `before` runs first (it may answer by
 * returning non-zero with resp filled, e.g. 401/403), `after` always runs
 * last (release what `before` took). Both also run around the 404 and 405
 * answers, so not_found can use what `before` set up; requests refused
 * before routing (400, 413) go to `refused` alone.
 */
struct http_hooks {
	int (*before)(struct http_req *req, struct http_resp *resp);
	void (*after)(struct http_req *req, struct http_resp *resp);
	/* Fill resp for an unmatched path (404) or method (405). */
	void (*not_found)(struct http_req *req, struct http_resp *resp);
	void (*method_not_allowed)(struct http_req *req, struct http_resp *resp);
	/* Fill resp when the transport refuses a request before routing:
	 * status 400 (bad UTF-8 or form), 413 (body too large). */
	void (*refused)(struct http_req *req, struct http_resp *resp, int status);
};

/*
 * Routes: a pattern of literal segments and {name} segments, e.g.
 * "/api/v1/units/{code}". Matching is exact on segments; a trailing slash is
 * ignored. Routes are tried in the order added.
 */
struct http_router;

struct http_router *http_router_new(void);
void http_router_free(struct http_router *r);
void http_route(struct http_router *r, unsigned methods, const char *pattern,
    http_handler h);

/*
 * Dispatch a request through the router in-process, without a socket (the
 * server calls this; so do tests). Runs the hooks.
 */
void http_dispatch(const struct http_router *r, const struct http_hooks *hooks,
    struct http_req *req, struct http_resp *resp);

struct http_config {
	const char *host;		/* listen address, e.g. "127.0.0.1" */
	unsigned short port;		/* 0 picks a free port */
	unsigned threads;		/* worker threads (0: one per CPU) */
	size_t max_body;		/* bytes; larger bodies get 413 (0: 1 MiB) */
	size_t max_upload;		/* the same for multipart/form-data
					 * bodies, which carry files (0: 16 MiB) */
	unsigned connection_limit;	/* 0: libmicrohttpd's default */
	unsigned timeout_s;		/* idle connection timeout (0: none) */
	bool log_requests;		/* one line per request on stderr */
};

struct http_server;

/* Start listening; the actual port is in *bound_port. */
int http_server_start(const struct http_config *cfg,
    const struct http_router *r, const struct http_hooks *hooks,
    struct http_server **out, unsigned short *bound_port);
void http_server_stop(struct http_server *s);

/* Counters for /metrics. */
struct http_stats {
	uint64_t requests;		/* requests answered */
	uint64_t by_class[6];		/* by status class: [2] = 2xx ... [5] = 5xx */
	uint64_t duration_us_sum;	/* total handling time */
	uint64_t in_flight;		/* requests being handled now */
};
void http_stats_get(struct http_stats *out);

/* Request helpers for tests and the server: initialise and free. */
void http_req_init(struct http_req *req);
void http_req_cleanup(struct http_req *req);
void http_resp_init(struct http_resp *resp);
void http_resp_cleanup(struct http_resp *resp);

/*
 * Parse "a=1&b=%C3%A1" into kvs (arena-allocated), decoding + and %XX.
 * Returns -1 when a value is not valid UTF-8 after decoding; values are
 * normalised to NFC.
 */
int http_parse_urlencoded(struct arena *a, const char *s, size_t len,
    struct http_kvs *out);
/* Parse a Cookie header into kvs. */
void http_parse_cookies(struct arena *a, const char *header,
    struct http_kvs *out);
void http_kvs_add(struct arena *a, struct http_kvs *kvs, const char *name,
    const char *value);

#endif
