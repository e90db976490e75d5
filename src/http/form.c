/*
 * form.c - application/x-www-form-urlencoded: query strings and form bodies.
 * It owns the decoding rules ('+' is a space, %XX is a byte, the result must
 * be UTF-8 and is normalised to NFC); which bytes to parse is the caller's
 * business (server.c hands it the query and form bodies).
 */
#include "http/http_impl.h"

#include <string.h>

#include "core/buf.h"

/*
 * Decode s[0..len) into an arena string and normalise it to NFC. Returns
 * NULL when a '%' is not followed by two hex digits (we reject rather than
 * guess what the sender meant) or when the bytes are not valid UTF-8 or hold
 * a NUL.
 */
static const char *
decode(struct arena *a, const char *s, size_t len)
{
	char *out, *o;
	size_t i;
	int hi, lo;

	out = o = arena_alloc(a, len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] != '%')
			*o++ = s[i];
		else {
			if (len - i < 3 || (hi = http_hexval(s[i + 1])) < 0 ||
			    (lo = http_hexval(s[i + 2])) < 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		}
	}
	*o = '\0';
	return http_text_nfc(a, out, (size_t)(o - out));
}

/*
 * Pairs are separated by '&'; a pair without '=' has the value "". Pairs
 * whose decoded name is empty are skipped. On error (-1) out keeps the pairs
 * decoded before the bad one; callers refuse the whole request anyway.
 */
int
http_parse_urlencoded(struct arena *a, const char *s, size_t len,
    struct http_kvs *out)
{
	const char *p, *end, *amp, *eq, *name, *value;

	if (s == NULL)
		return 0;
	end = s + len;
	for (p = s; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		name = decode(a, p, (size_t)(eq - p));
		if (name == NULL)
			return -1;
		value = eq < amp ? decode(a, eq + 1, (size_t)(amp - eq - 1)) :
		    "";
		if (value == NULL)
			return -1;
		if (name[0] != '\0')
			http_kvs_push(a, out, name, value);
		if (amp == end)
			break;
	}
	return 0;
}
