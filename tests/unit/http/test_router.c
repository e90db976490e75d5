/*
 * test_router.c - routing and in-process dispatch with hooks
 * (src/http/router.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/http.h"

static struct http_router *router;
static struct http_req req;
static struct http_resp resp;

/* What ran, in order, as a string like "before,h_unit,after". */
static char trace[256];

static void
note(const char *what)
{
	if (trace[0] != '\0')
		strcat(trace, ",");
	strcat(trace, what);
}

static int
h_root(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("root");
	buf_puts(&rs->body, "root");
	return 0;
}

static int
h_unit(struct http_req *rq, struct http_resp *rs)
{
	note("unit");
	buf_printf(&rs->body, "unit %s", http_param(rq, "code"));
	return 0;
}

static int
h_unit_new(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("unit_new");
	buf_puts(&rs->body, "new");
	return 0;
}

static int
h_member(struct http_req *rq, struct http_resp *rs)
{
	note("member");
	buf_printf(&rs->body, "%s/%s", http_param(rq, "code"),
	    http_param(rq, "id"));
	return 0;
}

static int
h_post(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("post");
	rs->status = 201;
	return 0;
}

static int
h_fail(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("fail");
	buf_puts(&rs->body, "partial");
	return -5;
}

static int
h_fail_404(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("fail404");
	rs->status = 404;
	buf_puts(&rs->body, "mine");
	return -2;
}

static void
setup(void)
{
	trace[0] = '\0';
	router = http_router_new();
	http_route(router, HTTP_GET, "/", h_root);
	/* Order matters: the literal route is added before the parameter. */
	http_route(router, HTTP_GET, "/units/new", h_unit_new);
	http_route(router, HTTP_GET, "/units/{code}", h_unit);
	http_route(router, HTTP_POST, "/units/{code}", h_post);
	http_route(router, HTTP_GET, "/units/{code}/members/{id}/", h_member);
	http_route(router, HTTP_GET, "/fail", h_fail);
	http_route(router, HTTP_GET, "/fail404", h_fail_404);
	http_route(router, HTTP_PUT | HTTP_DELETE, "/things/{id}", h_post);
	http_req_init(&req);
	http_resp_init(&resp);
}

static void
teardown(void)
{
	http_resp_cleanup(&resp);
	http_req_cleanup(&req);
	http_router_free(router);
}

static void
run(enum http_method m, const char *path, const struct http_hooks *hooks)
{
	req.method = m;
	req.path = path;
	http_dispatch(router, hooks, &req, &resp);
}

static const char *
resp_header(const char *name)
{
	size_t i;

	for (i = 0; i < resp.headers.n; i++)
		if (strcmp(resp.headers.items[i].name, name) == 0)
			return resp.headers.items[i].value;
	return NULL;
}


Test(http_router, root, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/", NULL);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(buf_str(&resp.body), "root");
}

Test(http_router, param, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/units/HP01", NULL);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(buf_str(&resp.body), "unit HP01");
	cr_assert_str_eq(http_param(&req, "code"), "HP01");
}

Test(http_router, two_params_pattern_trailing_slash, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/units/HP01/members/42", NULL);
	cr_assert_str_eq(buf_str(&resp.body), "HP01/42");
}

Test(http_router, trailing_slash_ignored, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/units/HP01/", NULL);
	cr_assert_str_eq(trace, "unit");
	cr_assert_str_eq(http_param(&req, "code"), "HP01");
}

Test(http_router, order_first_match_wins, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/units/new", NULL);
	cr_assert_str_eq(trace, "unit_new");
	cr_assert_str_eq(buf_str(&resp.body), "new");
}

Test(http_router, method_picks_route, .init = setup, .fini = teardown)
{
	run(HTTP_POST, "/units/HP01", NULL);
	cr_assert_str_eq(trace, "post");
	cr_assert_eq(resp.status, 201);
}

Test(http_router, exact_segments, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/units", NULL);
	cr_assert_eq(resp.status, 404);
	http_resp_cleanup(&resp);
	run(HTTP_GET, "/units/a/b", NULL);
	cr_assert_eq(resp.status, 404);
	http_resp_cleanup(&resp);
	run(HTTP_GET, "/unitsx/a", NULL);
	cr_assert_eq(resp.status, 404);
	http_resp_cleanup(&resp);
	run(HTTP_GET, "/units//", NULL);
	cr_assert_eq(resp.status, 404, "an empty segment is not a parameter");
	cr_assert_str_eq(trace, "");
}

Test(http_router, not_found_default, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/nowhere", NULL);
	cr_assert_eq(resp.status, 404);
	cr_assert_str_eq(buf_str(&resp.body), "404 Not Found\n");
	cr_assert_null(resp_header("Allow"));
}

Test(http_router, method_not_allowed_with_allow, .init = setup, .fini = teardown)
{
	run(HTTP_DELETE, "/units/HP01", NULL);
	cr_assert_eq(resp.status, 405);
	cr_assert_str_eq(resp_header("Allow"), "GET, HEAD, POST");
	cr_assert_str_eq(trace, "");
}

Test(http_router, unknown_method_is_405, .init = setup, .fini = teardown)
{
	run(0, "/things/1", NULL);
	cr_assert_eq(resp.status, 405);
	cr_assert_str_eq(resp_header("Allow"), "PUT, DELETE");
}

Test(http_router, head_served_by_get, .init = setup, .fini = teardown)
{
	run(HTTP_HEAD, "/units/X", NULL);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(trace, "unit");
}

Test(http_router, encoded_slash_stays_in_param, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/units/a%2Fb", NULL);
	cr_assert_str_eq(trace, "unit");
	cr_assert_str_eq(http_param(&req, "code"), "a/b");
	http_resp_cleanup(&resp);
	trace[0] = '\0';
	run(HTTP_GET, "/units/100%25", NULL);
	cr_assert_str_eq(http_param(&req, "code"), "100%");
}

Test(http_router, null_router_is_404, .init = setup, .fini = teardown)
{
	req.method = HTTP_GET;
	req.path = "/";
	http_dispatch(NULL, NULL, &req, &resp);
	cr_assert_eq(resp.status, 404);
}

static int
before_ok(struct http_req *rq, struct http_resp *rs)
{
	(void)rs;
	note("before");
	/* Parameters are already known when `before` runs. */
	if (http_param(rq, "code") != NULL)
		note(http_param(rq, "code"));
	return 0;
}

static int
before_deny(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("before");
	rs->status = 403;
	buf_puts(&rs->body, "denied");
	return 1;
}

static void
after(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	(void)rs;
	note("after");
}

static void
my_not_found(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("nf");
	buf_puts(&rs->body, "custom 404");
}

static void
my_405(struct http_req *rq, struct http_resp *rs)
{
	(void)rq;
	note("mna");
	buf_printf(&rs->body, "%d", rs->status);
}

Test(http_router, hooks_order, .init = setup, .fini = teardown)
{
	struct http_hooks h = {.before = before_ok, .after = after};

	run(HTTP_GET, "/units/Q1", &h);
	cr_assert_str_eq(trace, "before,Q1,unit,after");
	cr_assert_eq(resp.status, 200);
}

Test(http_router, before_short_circuits_after_still_runs, .init = setup, .fini = teardown)
{
	struct http_hooks h = {.before = before_deny, .after = after};

	run(HTTP_GET, "/units/Q1", &h);
	cr_assert_str_eq(trace, "before,after");
	cr_assert_eq(resp.status, 403);
	cr_assert_str_eq(buf_str(&resp.body), "denied");
}

Test(http_router, handler_error_becomes_500, .init = setup, .fini = teardown)
{
	struct http_hooks h = {.after = after};

	run(HTTP_GET, "/fail", &h);
	cr_assert_eq(resp.status, 500);
	cr_assert_str_eq(trace, "fail,after");
	cr_assert_null(strstr(buf_str(&resp.body), "partial"));
}

Test(http_router, handler_error_keeps_error_status, .init = setup, .fini = teardown)
{
	run(HTTP_GET, "/fail404", NULL);
	cr_assert_eq(resp.status, 404);
	cr_assert_str_eq(buf_str(&resp.body), "mine");
}

Test(http_router, not_found_hook_between_hooks, .init = setup, .fini = teardown)
{
	struct http_hooks h = {.before = before_ok, .after = after,
	    .not_found = my_not_found};

	run(HTTP_GET, "/nope", &h);
	cr_assert_eq(resp.status, 404);
	cr_assert_str_eq(buf_str(&resp.body), "custom 404");
	cr_assert_str_eq(trace, "before,nf,after");
}

Test(http_router, method_not_allowed_hook, .init = setup, .fini = teardown)
{
	struct http_hooks h = {.method_not_allowed = my_405};

	run(HTTP_PATCH, "/", &h);
	cr_assert_str_eq(trace, "mna");
	cr_assert_str_eq(buf_str(&resp.body), "405");
	cr_assert_str_eq(resp_header("Allow"), "GET, HEAD");
}
