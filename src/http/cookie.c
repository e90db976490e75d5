/*
 * cookie.c - cookies both ways: parsing the Cookie request header and
 * writing Set-Cookie response headers with the attributes the application
 * always wants (Path=/, HttpOnly, SameSite=Lax). What a cookie means
 * (sessions, CSRF tokens) is left to the layers above.
 */
#include "http/http_impl.h"

#include <string.h>

#include "core/buf.h"
#include "core/log.h"

/* Skip spaces and tabs forward from p, not past end. */
static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Trim spaces and tabs backward from end, not past start. */
static const char *
trim_ws(const char *start, const char *end)
{
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

/*
 * "a=1; b=2" with optional spaces around names, values and separators; a
 * value in double quotes loses them. Pairs without '=' or with an empty name
 * are skipped, and so are pairs that are not valid UTF-8 (the server refuses
 * such a header with 400 before it gets here; this covers direct callers).
 * Values are not percent-decoded: cookies carry what the server set.
 */
void
http_parse_cookies(struct arena *a, const char *header, struct http_kvs *out)
{
	const char *p, *end, *semi, *eq, *ne, *vs, *ve, *name, *value;

	if (header == NULL)
		return;
	end = header + strlen(header);
	for (p = header; p < end; p = semi + 1) {
		semi = memchr(p, ';', (size_t)(end - p));
		if (semi == NULL)
			semi = end;
		p = skip_ws(p, semi);
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq != NULL) {
			ne = trim_ws(p, eq);
			vs = skip_ws(eq + 1, semi);
			ve = trim_ws(vs, semi);
			if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
				vs++;
				ve--;
			}
			if (ne > p) {
				name = http_text_dup(a, p, (size_t)(ne - p));
				value = http_text_dup(a, vs, (size_t)(ve - vs));
				if (name != NULL && value != NULL)
					http_kvs_push(a, out, name, value);
			}
		}
		if (semi == end)
			break;
	}
}

/*
 * RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon and
 * backslash. Anything else could end the value early or smuggle attributes.
 */
static bool
valid_cookie_value(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == ',' ||
		    *p == ';' || *p == '\\')
			return false;
	return true;
}

/*
 * A name or value outside the RFC 6265 alphabet is a programming error; the
 * cookie is then not set (and the event logged) rather than sent broken.
 */
void
http_set_cookie(struct http_req *req, struct http_resp *resp,
    const char *name, const char *value, long max_age, bool secure)
{
	struct buf b = BUF_INIT;

	if (value == NULL)
		value = "";
	if (!http_token_valid(name) || !valid_cookie_value(value)) {
		log_warn("refusing to set cookie with invalid name or value");
		return;
	}
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
	if (max_age >= 0)
		buf_printf(&b, "; Max-Age=%ld", max_age);
	if (secure)
		buf_puts(&b, "; Secure");
	http_resp_header(req, resp, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}
