/*
 * request.c - the request side of the transport: struct http_req set-up and
 * clean-up, name/value lists, lookups, and the checks that make every text
 * reaching a handler valid UTF-8 in NFC (request paths included). Parsing of
 * query strings, forms and cookies lives in form.c and cookie.c; the socket
 * side lives in server.c.
 */
#include "http/http_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/vntext.h"

/*
 * Zero req and give its string fields harmless values, so a handler can
 * strcmp them without checking for NULL.
 */
void
http_req_init(struct http_req *req)
{
	memset(req, 0, sizeof(*req));
	req->method_name = "";
	req->path = "/";
	req->raw_url = "";
	req->content_type = "";
}

/*
 * Free everything allocated from req->arena (lists, decoded values) and
 * re-initialise req. The body is not freed here: req->body belongs to whoever
 * set it (the server frees its own body buffer).
 */
void
http_req_cleanup(struct http_req *req)
{
	arena_free(&req->arena);
	http_req_init(req);
}

/*
 * Append without copying; the list itself grows inside the arena (the old
 * array stays there until the arena is freed, which is cheap enough for the
 * few dozen entries a request has).
 */
void
http_kvs_push(struct arena *a, struct http_kvs *kvs, const char *name,
    const char *value)
{
	struct http_kv *items;
	size_t cap;

	if (kvs->n == kvs->cap) {
		cap = kvs->cap == 0 ? 8 : kvs->cap * 2;
		items = arena_alloc(a, cap * sizeof(*items));
		if (kvs->n > 0)
			memcpy(items, kvs->items, kvs->n * sizeof(*items));
		kvs->items = items;
		kvs->cap = cap;
	}
	kvs->items[kvs->n].name = name;
	kvs->items[kvs->n].value = value;
	kvs->n++;
}

/* Append copies of name and value (both copied into a). */
void
http_kvs_add(struct arena *a, struct http_kvs *kvs, const char *name,
    const char *value)
{
	http_kvs_push(a, kvs, arena_strdup(a, name),
	    arena_strdup(a, value != NULL ? value : ""));
}

/* First value named name (case-sensitive), or NULL. */
static const char *
kvs_find(const struct http_kvs *kvs, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < kvs->n; i++)
		if (strcmp(kvs->items[i].name, name) == 0)
			return kvs->items[i].value;
	return NULL;
}

const char *
http_query(const struct http_req *req, const char *name)
{
	return kvs_find(&req->query, name);
}

const struct http_file *
http_file(const struct http_req *req, const char *field)
{
	for (size_t i = 0; i < req->files.n; i++)
		if (strcmp(req->files.items[i].field, field) == 0)
			return &req->files.items[i];
	return NULL;
}

const char *
http_form(const struct http_req *req, const char *name)
{
	return kvs_find(&req->form, name);
}

const char *
http_param(const struct http_req *req, const char *name)
{
	return kvs_find(&req->params, name);
}

const char *
http_cookie(const struct http_req *req, const char *name)
{
	return kvs_find(&req->cookies, name);
}

/* Header names compare without regard to case, as HTTP says. */
const char *
http_header(const struct http_req *req, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < req->headers.n; i++)
		if (strcasecmp(req->headers.items[i].name, name) == 0)
			return req->headers.items[i].value;
	return NULL;
}

/* True when s[0..len) is 7-bit ASCII without NUL: already valid NFC. */
static bool
plain_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			return false;
	return true;
}

const char *
http_text_nfc(struct arena *a, char *s, size_t len)
{
	const char *r;
	char *nfc;

	if (plain_ascii(s, len))
		return s;
	nfc = vn_nfc(s, len);
	if (nfc == NULL)
		return NULL;
	r = arena_strdup(a, nfc);
	free(nfc);
	return r;
}

const char *
http_text_dup(struct arena *a, const char *s, size_t len)
{
	char *nfc;
	const char *r;

	if (plain_ascii(s, len))
		return arena_strndup(a, s, len);
	nfc = vn_nfc(s, len);
	if (nfc == NULL)
		return NULL;
	r = arena_strdup(a, nfc);
	free(nfc);
	return r;
}

/* True when the decoded path holds a "." or ".." segment. */
static bool
has_dot_segment(const char *p)
{
	const char *seg, *end;
	size_t n;

	for (seg = p; *seg != '\0'; seg = end) {
		while (*seg == '/')
			seg++;
		end = strchr(seg, '/');
		if (end == NULL)
			end = seg + strlen(seg);
		n = (size_t)(end - seg);
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return true;
	}
	return false;
}

const char *
http_path_decode(struct arena *a, const char *raw, size_t len)
{
	const char *end = raw + len, *p;
	char *out, *o;
	int hi, lo, c;

	/* Absolute form: skip scheme and authority. */
	if ((len >= 7 && strncasecmp(raw, "http://", 7) == 0) ||
	    (len >= 8 && strncasecmp(raw, "https://", 8) == 0)) {
		p = (const char *)memchr(raw, ':', len) + 3;
		while (p < end && *p != '/')
			p++;
		if (p == end)
			return arena_strdup(a, "/");
		len = (size_t)(end - p);
		raw = p;
	}
	if (len == 0 || raw[0] != '/')
		return NULL;
	/* Decoding never makes the text longer ("%2F" stays three bytes). */
	out = o = arena_alloc(a, len + 1);
	for (p = raw; p < end; p++) {
		if (*p != '%') {
			*o++ = *p;
			continue;
		}
		if (end - p < 3 || (hi = http_hexval(p[1])) < 0 ||
		    (lo = http_hexval(p[2])) < 0)
			return NULL;
		c = hi * 16 + lo;
		p += 2;
		if (c == '/' || c == '%') {
			*o++ = '%';
			*o++ = '2';
			*o++ = c == '/' ? 'F' : '5';
		} else
			*o++ = (char)c;
	}
	*o = '\0';
	if (has_dot_segment(out))
		return NULL;
	return http_text_nfc(a, out, (size_t)(o - out));
}

enum http_method
http_method_from_name(const char *name)
{
	static const struct {
		const char *name;
		enum http_method method;
	} methods[] = {
		{"GET", HTTP_GET}, {"HEAD", HTTP_HEAD}, {"POST", HTTP_POST},
		{"PUT", HTTP_PUT}, {"DELETE", HTTP_DELETE},
		{"PATCH", HTTP_PATCH}, {"OPTIONS", HTTP_OPTIONS},
	};
	size_t i;

	if (name == NULL)
		return 0;
	/* Method names are case-sensitive (RFC 9110, section 9.1). */
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(name, methods[i].name) == 0)
			return methods[i].method;
	return 0;
}
