/*
 * router.c - routes and in-process dispatch. A route is a method mask, a
 * pattern of literal and {name} segments, and a handler; http_dispatch()
 * finds the first route matching a request and runs it between the hooks.
 * It owns the 404/405 decisions and the "handler failed" 500; it knows
 * nothing of sockets (server.c) or of what handlers do.
 *
 * Paths are compared segment by segment. The server keeps an encoded slash
 * as "%2F" (and an encoded percent sign as "%25") in req->path, see
 * http_path_decode(); here each segment is split on real slashes first and
 * only then are those two escapes decoded, so "/units/a%2Fb" reaches the
 * pattern "/units/{code}" with code = "a/b" instead of missing it.
 */
#include "http/http_impl.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"

/* One pattern segment. */
struct http_seg {
	char *text;		/* literal text, or the parameter name */
	bool param;		/* true for {name} */
};

struct http_route {
	unsigned methods;	/* mask of enum http_method */
	http_handler handler;	/* what runs on a match */
	struct http_seg *segs;	/* pattern segments, in order */
	size_t n_segs;
};

struct http_router {
	struct http_route *routes;	/* in the order added */
	size_t n_routes, cap;
};

/* A slice of req->path between two slashes. */
struct path_seg {
	const char *s;
	size_t len;
};

/* An empty router; free it with http_router_free(). */
struct http_router *
http_router_new(void)
{
	return xcalloc(1, sizeof(struct http_router));
}

/* Free r and its routes; NULL is a no-op. */
void
http_router_free(struct http_router *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_routes; i++) {
		for (j = 0; j < r->routes[i].n_segs; j++)
			free(r->routes[i].segs[j].text);
		free(r->routes[i].segs);
	}
	free(r->routes);
	free(r);
}

/*
 * Split path into segments: the leading slash and one trailing slash are
 * ignored, so "/" has none and "/a/b/" has two. Returns the count; segs (if
 * not NULL) receives up to max of them.
 */
static size_t
split_path(const char *path, struct path_seg *segs, size_t max)
{
	const char *p = path, *slash;
	size_t n = 0, len;

	if (*p == '/')
		p++;
	while (*p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (segs != NULL && n < max) {
			segs[n].s = p;
			segs[n].len = len;
		}
		n++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return n;
}

/*
 * Add a route. Patterns come from the program, not from users: a malformed
 * one ("{", "{}") is a bug and stops the program.
 */
void
http_route(struct http_router *r, unsigned methods, const char *pattern,
    http_handler h)
{
	struct http_route *rt;
	struct path_seg *ps;
	size_t i, n;

	assert(r != NULL && pattern != NULL && h != NULL);
	assert(pattern[0] == '/');
	if (r->n_routes == r->cap) {
		r->cap = r->cap == 0 ? 16 : r->cap * 2;
		r->routes = xrealloc(r->routes, r->cap * sizeof(*r->routes));
	}
	rt = &r->routes[r->n_routes++];
	rt->methods = methods;
	rt->handler = h;
	n = split_path(pattern, NULL, 0);
	ps = xcalloc(n, sizeof(*ps));
	split_path(pattern, ps, n);
	rt->segs = xcalloc(n, sizeof(*rt->segs));
	rt->n_segs = n;
	for (i = 0; i < n; i++) {
		if (ps[i].len > 0 && ps[i].s[0] == '{') {
			assert(ps[i].len > 2 && ps[i].s[ps[i].len - 1] == '}');
			rt->segs[i].param = true;
			rt->segs[i].text = xstrndup(ps[i].s + 1, ps[i].len - 2);
		} else
			rt->segs[i].text = xstrndup(ps[i].s, ps[i].len);
	}
	free(ps);
}

/*
 * Decode the two escapes http_path_decode() leaves in a path ("%2F" and
 * "%25", either case) into out, which has room for len + 1 bytes. Returns
 * the decoded length.
 */
static size_t
seg_decode(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && len - i >= 3 && s[i + 1] == '2') {
			if (s[i + 2] == 'F' || s[i + 2] == 'f') {
				out[n++] = '/';
				i += 2;
				continue;
			}
			if (s[i + 2] == '5') {
				out[n++] = '%';
				i += 2;
				continue;
			}
		}
		out[n++] = s[i];
	}
	out[n] = '\0';
	return n;
}

/* True when path segment ps, once decoded, equals lit. */
static bool
seg_equal(const struct path_seg *ps, const char *lit, char *scratch)
{
	size_t n;

	if (memchr(ps->s, '%', ps->len) == NULL)
		return strlen(lit) == ps->len && memcmp(lit, ps->s, ps->len) == 0;
	n = seg_decode(ps->s, ps->len, scratch);
	return strlen(lit) == n && memcmp(lit, scratch, n) == 0;
}

/* True when route rt matches the path segments (methods aside). */
static bool
route_matches(const struct http_route *rt, const struct path_seg *ps,
    size_t n, char *scratch)
{
	size_t i;

	if (rt->n_segs != n)
		return false;
	for (i = 0; i < n; i++) {
		if (rt->segs[i].param) {
			if (ps[i].len == 0)
				return false;
		} else if (!seg_equal(&ps[i], rt->segs[i].text, scratch))
			return false;
	}
	return true;
}

/* Fill req->params from the {name} segments of rt. */
static void
set_params(struct http_req *req, const struct http_route *rt,
    const struct path_seg *ps)
{
	char *v;
	size_t i;

	req->params.n = 0;
	for (i = 0; i < rt->n_segs; i++) {
		if (!rt->segs[i].param)
			continue;
		v = arena_alloc(&req->arena, ps[i].len + 1);
		seg_decode(ps[i].s, ps[i].len, v);
		http_kvs_push(&req->arena, &req->params, rt->segs[i].text, v);
	}
}

/* "GET, HEAD, POST" for a method mask (GET implies HEAD). */
static const char *
allow_list(struct arena *a, unsigned mask)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{HTTP_GET, "GET"}, {HTTP_HEAD, "HEAD"}, {HTTP_POST, "POST"},
		{HTTP_PUT, "PUT"}, {HTTP_DELETE, "DELETE"},
		{HTTP_PATCH, "PATCH"}, {HTTP_OPTIONS, "OPTIONS"},
	};
	struct buf b = BUF_INIT;
	const char *r;
	size_t i;

	if (mask & HTTP_GET)
		mask |= HTTP_HEAD;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (mask & names[i].bit)
			buf_printf(&b, "%s%s", b.len > 0 ? ", " : "",
			    names[i].name);
	r = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return r;
}

/*
 * Find the route for req. Returns it, or NULL with *allow set to the methods
 * of the routes whose pattern matched (0: nothing matched, a 404).
 */
static const struct http_route *
find_route(const struct http_router *r, struct http_req *req,
    struct path_seg **segs_out, unsigned *allow)
{
	struct path_seg *ps;
	const struct http_route *rt;
	unsigned want;
	char *scratch;
	size_t i, n;

	*allow = 0;
	*segs_out = NULL;
	if (r == NULL || req->path == NULL)
		return NULL;
	n = split_path(req->path, NULL, 0);
	ps = arena_alloc(&req->arena, (n > 0 ? n : 1) * sizeof(*ps));
	split_path(req->path, ps, n);
	scratch = arena_alloc(&req->arena, strlen(req->path) + 1);
	*segs_out = ps;
	/* HEAD is served by GET routes; the server drops the body. */
	want = req->method == HTTP_HEAD ? (HTTP_HEAD | HTTP_GET) :
	    (unsigned)req->method;
	for (i = 0; i < r->n_routes; i++) {
		rt = &r->routes[i];
		if (!route_matches(rt, ps, n, scratch))
			continue;
		if (rt->methods & want)
			return rt;
		*allow |= rt->methods;
	}
	return NULL;
}

/*
 * Route and run req. The hooks run around everything the router decides,
 * 404 and 405 included, so a not-found page can use what `before` set up
 * (the user, the language); `after` runs in every case. Without hooks the
 * 404 and 405 answers are plain text. A handler that fails without choosing
 * an error status yields a plain 500 (its partial body is dropped).
 */
void
http_dispatch(const struct http_router *r, const struct http_hooks *hooks,
    struct http_req *req, struct http_resp *resp)
{
	const struct http_route *rt;
	struct path_seg *ps;
	unsigned allow;
	int rc;

	rt = find_route(r, req, &ps, &allow);
	if (rt != NULL)
		set_params(req, rt, ps);
	if (hooks != NULL && hooks->before != NULL &&
	    hooks->before(req, resp) != 0)
		goto after;
	if (rt != NULL) {
		rc = rt->handler(req, resp);
		if (rc != 0 && resp->status < 400) {
			log_error("%s %s: handler failed (%d)",
			    req->method_name, req->path, rc);
			http_resp_plain(resp, 500);
		}
	} else if (allow != 0) {
		resp->status = 405;
		http_resp_header(req, resp, "Allow",
		    allow_list(&req->arena, allow));
		if (hooks != NULL && hooks->method_not_allowed != NULL)
			hooks->method_not_allowed(req, resp);
		else
			http_resp_plain(resp, 405);
	} else {
		resp->status = 404;
		if (hooks != NULL && hooks->not_found != NULL)
			hooks->not_found(req, resp);
		else
			http_resp_plain(resp, 404);
	}
after:
	if (hooks != NULL && hooks->after != NULL)
		hooks->after(req, resp);
}
