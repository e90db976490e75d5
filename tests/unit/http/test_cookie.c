/*
 * test_cookie.c - Cookie parsing, Set-Cookie, redirects and request/response
 * helpers (src/http/cookie.c, request.c, response.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/http.h"
#include "http/http_impl.h"

static struct http_req req;
static struct http_resp resp;

static void
setup(void)
{
	http_req_init(&req);
	http_resp_init(&resp);
}

static void
teardown(void)
{
	http_resp_cleanup(&resp);
	http_req_cleanup(&req);
}


Test(http_cookie, parse_basic, .init = setup, .fini = teardown)
{
	http_parse_cookies(&req.arena, "a=1; b=2", &req.cookies);
	cr_assert_eq(req.cookies.n, 2);
	cr_assert_str_eq(http_cookie(&req, "a"), "1");
	cr_assert_str_eq(http_cookie(&req, "b"), "2");
	cr_assert_null(http_cookie(&req, "c"));
}

Test(http_cookie, parse_spaces_and_quotes, .init = setup, .fini = teardown)
{
	http_parse_cookies(&req.arena, "  sid = \"abc\" ;b=2;;  c=x y ;d=\"",
	    &req.cookies);
	cr_assert_str_eq(http_cookie(&req, "sid"), "abc");
	cr_assert_str_eq(http_cookie(&req, "b"), "2");
	cr_assert_str_eq(http_cookie(&req, "c"), "x y");
	cr_assert_str_eq(http_cookie(&req, "d"), "\"",
	    "a lone quote is not a quoted value");
	cr_assert_eq(req.cookies.n, 4);
}

Test(http_cookie, parse_skips_nameless, .init = setup, .fini = teardown)
{
	http_parse_cookies(&req.arena, "=1; flag; ok=yes; =", &req.cookies);
	cr_assert_eq(req.cookies.n, 1);
	cr_assert_str_eq(http_cookie(&req, "ok"), "yes");
}

Test(http_cookie, parse_keeps_value_with_equals, .init = setup, .fini = teardown)
{
	http_parse_cookies(&req.arena, "t=a=b==", &req.cookies);
	cr_assert_str_eq(http_cookie(&req, "t"), "a=b==");
}

Test(http_cookie, parse_skips_invalid_utf8, .init = setup, .fini = teardown)
{
	http_parse_cookies(&req.arena, "a=\xff; b=ok", &req.cookies);
	cr_assert_eq(req.cookies.n, 1);
	cr_assert_str_eq(http_cookie(&req, "b"), "ok");
}

Test(http_cookie, parse_empty_and_null, .init = setup, .fini = teardown)
{
	http_parse_cookies(&req.arena, "", &req.cookies);
	http_parse_cookies(&req.arena, NULL, &req.cookies);
	cr_assert_eq(req.cookies.n, 0);
}

Test(http_cookie, set_session_cookie, .init = setup, .fini = teardown)
{
	http_set_cookie(&req, &resp, "sid", "abc123", -1, false);
	cr_assert_eq(resp.headers.n, 1);
	cr_assert_str_eq(resp.headers.items[0].name, "Set-Cookie");
	cr_assert_str_eq(resp.headers.items[0].value,
	    "sid=abc123; Path=/; HttpOnly; SameSite=Lax");
}

Test(http_cookie, set_max_age_secure_and_delete, .init = setup, .fini = teardown)
{
	http_set_cookie(&req, &resp, "sid", "v", 3600, true);
	http_set_cookie(&req, &resp, "old", "", 0, false);
	cr_assert_eq(resp.headers.n, 2);
	cr_assert_str_eq(resp.headers.items[0].value,
	    "sid=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure");
	cr_assert_str_eq(resp.headers.items[1].value,
	    "old=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

Test(http_cookie, set_refuses_injection, .init = setup, .fini = teardown)
{
	http_set_cookie(&req, &resp, "sid", "x; Domain=evil.example", -1,
	    false);
	http_set_cookie(&req, &resp, "s id", "x", -1, false);
	http_set_cookie(&req, &resp, "sid", "x\r\nX-Evil: 1", -1, false);
	cr_assert_eq(resp.headers.n, 0);
}

Test(http_cookie, resp_header_copies_and_rejects_crlf, .init = setup, .fini = teardown)
{
	char value[16] = "v1";

	http_resp_header(&req, &resp, "X-Test", value);
	value[0] = 'z';
	http_resp_header(&req, &resp, "X-Bad", "a\r\nSet-Cookie: x=1");
	http_resp_header(&req, &resp, "Bad Name", "x");
	cr_assert_eq(resp.headers.n, 1);
	cr_assert_str_eq(http_resp_header_get(&resp, "x-test"), "v1");
}

Test(http_cookie, redirect_local_only, .init = setup, .fini = teardown)
{
	http_redirect(&req, &resp, "/units?q=1");
	cr_assert_eq(resp.status, 303);
	cr_assert_str_eq(resp.location, "/units?q=1");
	http_redirect(&req, &resp, "//evil.example/");
	cr_assert_str_eq(resp.location, "/");
	http_redirect(&req, &resp, "https://evil.example/");
	cr_assert_str_eq(resp.location, "/");
}

Test(http_cookie, header_lookup_case_insensitive, .init = setup, .fini = teardown)
{
	http_kvs_add(&req.arena, &req.headers, "Content-Type", "text/plain");
	cr_assert_str_eq(http_header(&req, "content-type"), "text/plain");
	cr_assert_null(http_header(&req, "Accept"));
	http_kvs_add(&req.arena, &req.query, "Q", "1");
	cr_assert_null(http_query(&req, "q"), "query names are case-sensitive");
	cr_assert_str_eq(http_query(&req, "Q"), "1");
}

Test(http_cookie, init_defaults_and_cleanup, .init = setup, .fini = teardown)
{
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.content_type, "text/html; charset=utf-8");
	cr_assert_str_eq(req.content_type, "");
	cr_assert_null(req.body);
	buf_puts(&resp.body, "hello");
	http_kvs_add(&req.arena, &req.form, "a", "b");
	http_resp_cleanup(&resp);
	http_req_cleanup(&req);
	cr_assert_eq(resp.body.len, 0);
	cr_assert_null(resp.body.data);
	cr_assert_eq(req.form.n, 0);
	cr_assert_null(req.arena.head);
}

/* Collects the default headers into a response-like list. */
static void
collect(void *cls, const char *name, const char *value)
{
	http_kvs_add(&req.arena, cls, name, value);
}

Test(http_cookie, default_headers, .init = setup, .fini = teardown)
{
	struct http_kvs got = {0};
	size_t i;
	bool csp = false, cache = false, nosniff = false;

	http_resp_defaults(&resp, collect, &got);
	for (i = 0; i < got.n; i++) {
		if (strcmp(got.items[i].name, "Content-Security-Policy") == 0)
			csp = strstr(got.items[i].value,
			    "frame-ancestors 'none'") != NULL;
		if (strcmp(got.items[i].name, "Cache-Control") == 0)
			cache = strcmp(got.items[i].value, "no-store") == 0;
		if (strcmp(got.items[i].name, "X-Content-Type-Options") == 0)
			nosniff = true;
	}
	cr_assert(csp && cache && nosniff);
	cr_assert_eq(got.n, 5);
}

Test(http_cookie, default_headers_respect_handler, .init = setup, .fini = teardown)
{
	struct http_kvs got = {0};
	size_t i;

	http_resp_header(&req, &resp, "cache-control", "public, max-age=60");
	http_resp_header(&req, &resp, "Content-Security-Policy",
	    "default-src 'none'");
	http_resp_defaults(&resp, collect, &got);
	cr_assert_eq(got.n, 3);
	for (i = 0; i < got.n; i++) {
		cr_assert_str_neq(got.items[i].name, "Cache-Control");
		cr_assert_str_neq(got.items[i].name, "Content-Security-Policy");
	}
}
