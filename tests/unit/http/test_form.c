/*
 * test_form.c - urlencoded parsing (src/http/form.c) and request path
 * decoding (src/http/request.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "http/http_impl.h"

static struct arena arena;
static struct http_kvs kvs;

static void
setup(void)
{
	memset(&arena, 0, sizeof(arena));
	memset(&kvs, 0, sizeof(kvs));
}

static void
teardown(void)
{
	arena_free(&arena);
}

/* Start over with an empty arena and list. */
static void
again(void)
{
	teardown();
	setup();
}

static int
parse(const char *s)
{
	return http_parse_urlencoded(&arena, s, strlen(s), &kvs);
}


Test(http_form, simple_pairs, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("a=1&b=two"), 0);
	cr_assert_eq(kvs.n, 2);
	cr_assert_str_eq(kvs.items[0].name, "a");
	cr_assert_str_eq(kvs.items[0].value, "1");
	cr_assert_str_eq(kvs.items[1].name, "b");
	cr_assert_str_eq(kvs.items[1].value, "two");
}

Test(http_form, plus_is_space, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("q=le+chan&n%20x=a%2Bb"), 0);
	cr_assert_eq(kvs.n, 2);
	cr_assert_str_eq(kvs.items[0].value, "le chan");
	cr_assert_str_eq(kvs.items[1].name, "n x");
	cr_assert_str_eq(kvs.items[1].value, "a+b");
}

Test(http_form, percent_utf8, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("name=L%C3%AA+Ch%C3%A2n&x=%c3%a1"), 0);
	cr_assert_str_eq(kvs.items[0].value, "Lê Chân");
	cr_assert_str_eq(kvs.items[1].value, "á");
}

Test(http_form, nfd_normalised_to_nfc, .init = setup, .fini = teardown)
{
	/* e + COMBINING ACUTE ACCENT becomes the single code point é. */
	cr_assert_eq(parse("w=e%CC%81&k=Vie%CC%A3%CC%82t"), 0);
	cr_assert_str_eq(kvs.items[0].value, "\xc3\xa9");
	cr_assert_eq(strlen(kvs.items[0].value), 2);
	cr_assert_str_eq(kvs.items[1].value, "Vi\xe1\xbb\x87t");
}

Test(http_form, nfd_in_raw_bytes_normalised, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("w=e\xcc\x81"), 0);
	cr_assert_str_eq(kvs.items[0].value, "\xc3\xa9");
}

Test(http_form, invalid_utf8_rejected, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("a=%C3"), -1);
	again();
	cr_assert_eq(parse("a=%FF%FE"), -1);
	again();
	cr_assert_eq(parse("a=\xc3("), -1);
	again();
	cr_assert_eq(parse("%C0%AF=x"), -1, "overlong encoding in a name");
}

Test(http_form, nul_rejected, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("a=x%00y"), -1);
}

Test(http_form, bad_escape_rejected, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("a=100%"), -1);
	again();
	cr_assert_eq(parse("a=%4"), -1);
	again();
	cr_assert_eq(parse("a=%zz"), -1);
}

Test(http_form, empty_keys_and_pairs_skipped, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("=x&&a=1&=&b"), 0);
	cr_assert_eq(kvs.n, 2);
	cr_assert_str_eq(kvs.items[0].name, "a");
	cr_assert_str_eq(kvs.items[1].name, "b");
	cr_assert_str_eq(kvs.items[1].value, "");
}

Test(http_form, value_may_hold_equals, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse("t=a=b"), 0);
	cr_assert_str_eq(kvs.items[0].value, "a=b");
}

Test(http_form, length_bounds_input, .init = setup, .fini = teardown)
{
	/* Only the first len bytes count; no NUL terminator needed. */
	cr_assert_eq(http_parse_urlencoded(&arena, "a=1&b=2", 3, &kvs), 0);
	cr_assert_eq(kvs.n, 1);
	cr_assert_str_eq(kvs.items[0].value, "1");
}

Test(http_form, empty_input, .init = setup, .fini = teardown)
{
	cr_assert_eq(parse(""), 0);
	cr_assert_eq(kvs.n, 0);
	cr_assert_eq(http_parse_urlencoded(&arena, NULL, 0, &kvs), 0);
}

Test(http_form, many_pairs_grow, .init = setup, .fini = teardown)
{
	char s[2000];
	size_t i, n = 0;

	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "k%zu=%zu&", i, i);
	cr_assert_eq(parse(s), 0);
	cr_assert_eq(kvs.n, 100);
	cr_assert_str_eq(kvs.items[99].name, "k99");
	cr_assert_str_eq(kvs.items[99].value, "99");
}

static const char *
path(const char *raw)
{
	return http_path_decode(&arena, raw, strlen(raw));
}

Test(http_form, path_decoded, .init = setup, .fini = teardown)
{
	cr_assert_str_eq(path("/units/L%C3%AA%20Ch%C3%A2n"), "/units/Lê Chân");
	cr_assert_str_eq(path("/a+b"), "/a+b", "+ is literal in paths");
	cr_assert_str_eq(path("/e%CC%81"), "/\xc3\xa9");
}

Test(http_form, path_keeps_encoded_slash, .init = setup, .fini = teardown)
{
	cr_assert_str_eq(path("/units/a%2fb"), "/units/a%2Fb");
	cr_assert_str_eq(path("/p/100%25"), "/p/100%25");
}

Test(http_form, path_absolute_form, .init = setup, .fini = teardown)
{
	cr_assert_str_eq(path("http://example.org/x/y"), "/x/y");
	cr_assert_str_eq(path("https://example.org"), "/");
}

Test(http_form, path_rejects, .init = setup, .fini = teardown)
{
	cr_assert_null(path("units"));
	cr_assert_null(path(""));
	cr_assert_null(path("/a/%C3"));
	cr_assert_null(path("/a/%00"));
	cr_assert_null(path("/a/%G0"));
	cr_assert_null(path("/a/../b"));
	cr_assert_null(path("/a/%2E%2E/b"));
	cr_assert_null(path("/."));
	cr_assert_not_null(path("/a/.well-known/..x"));
}

Test(http_form, method_names, .init = setup, .fini = teardown)
{
	cr_assert_eq(http_method_from_name("GET"), HTTP_GET);
	cr_assert_eq(http_method_from_name("PATCH"), HTTP_PATCH);
	cr_assert_eq(http_method_from_name("get"), 0);
	cr_assert_eq(http_method_from_name("TRACE"), 0);
}
