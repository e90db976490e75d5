/*
 * http_impl.h - what the files of the http module share with each other and
 * with its unit tests, but not with the rest of the program: text checks,
 * path decoding and the finishing touches a response gets before it leaves.
 * Nothing outside src/http (and tests/unit/http) includes this header.
 */
#ifndef KH_HTTP_HTTP_IMPL_H
#define KH_HTTP_HTTP_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/*
 * Normalise s[0..len), which must live in arena a and be NUL-terminated at
 * len, to NFC. Returns s itself when it is plain ASCII, an arena copy when
 * normalisation was needed, or NULL when s is not valid UTF-8 or holds a NUL
 * byte.
 */
const char *http_text_nfc(struct arena *a, char *s, size_t len);

/* Same for text that does not live in the arena: always an arena copy. */
const char *http_text_dup(struct arena *a, const char *s, size_t len);

/*
 * Append name/value to kvs without copying: both must already live in a (or
 * in static storage).
 */
void http_kvs_push(struct arena *a, struct http_kvs *kvs, const char *name,
    const char *value);

/*
 * Decode the path part of a request target (raw[0..len), without the query)
 * into the form the router sees: percent escapes decoded and the result in
 * NFC, except that an encoded slash stays "%2F" and an encoded percent sign
 * stays "%25" so that "%2F" can never create a path segment. Accepts the
 * absolute form "http://host/path" too. Returns an arena string, or NULL when
 * the path does not start with '/', has a malformed escape, decodes to
 * invalid UTF-8 or a NUL byte, or holds a "." or ".." segment.
 */
const char *http_path_decode(struct arena *a, const char *raw, size_t len);

/* Value of the hex digit c, or -1. */
static inline int
http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* True when s is a non-empty HTTP token (method, header or cookie name). */
bool http_token_valid(const char *s);

/* Map a method name to its enum value; 0 for methods the router ignores. */
enum http_method http_method_from_name(const char *name);

/* Replace resp with a short plain-text answer for status (e.g. "Not Found"). */
void http_resp_plain(struct http_resp *resp, int status);

/*
 * Reason phrase of a status ("Not Found"), "" for unknown codes.
 */
const char *http_status_text(int status);

/*
 * Case-insensitive lookup of a header in resp->headers; NULL when absent.
 */
const char *http_resp_header_get(const struct http_resp *resp,
    const char *name);

/*
 * Headers every response carries unless the handler set them: security
 * headers, Content-Security-Policy and Cache-Control: no-store. Calls
 * add(cls, name, value) once for each header the response lacks.
 */
void http_resp_defaults(const struct http_resp *resp,
    void (*add)(void *cls, const char *name, const char *value), void *cls);

#endif
