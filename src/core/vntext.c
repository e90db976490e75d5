/*
 * vntext.c - utf8proc for normalisation and search keys, ICU for collation.
 */
#include "core/vntext.h"
#include "core/buf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

bool
vn_utf8_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t i = 0;

	while (i < len) {
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

char *
vn_nfc(const char *s, size_t len)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;
	char *r;

	if (!vn_utf8_valid(s, len))
		return NULL;
	if (len == 0)
		return xstrdup("");
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	    &out, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		return NULL;
	/* Copy into our own allocation so callers free with free() safely. */
	r = xstrndup((const char *)out, (size_t)n);
	free(out);
	return r;
}

char *
vn_search_key(const char *s)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n, i = 0, k;
	utf8proc_int32_t cp;
	struct buf b = BUF_INIT;
	bool space = true;
	char enc[4];

	if (s == NULL || !vn_utf8_valid(s, strlen(s)))
		return xstrdup("");
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
	    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	if (n < 0)
		return xstrdup("");
	while (i < n) {
		k = utf8proc_iterate(folded + i, n - i, &cp);
		if (k <= 0)
			break;
		i += k;
		/* đ does not decompose to d + mark: map it explicitly. */
		if (cp == 0x0111 || cp == 0x0110)
			cp = 'd';
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
			k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)enc);
			buf_append(&b, enc, (size_t)k);
			space = false;
			break;
		case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_ME:
			break;
		default:
			if (!space)
				buf_putc(&b, ' ');
			space = true;
		}
	}
	free(folded);
	if (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}

bool
vn_key_matches(const char *key, const char *query_key)
{
	const char *q = query_key, *end, *hit;
	size_t n;

	while (*q != '\0') {
		while (*q == ' ')
			q++;
		if (*q == '\0')
			break;
		end = strchr(q, ' ');
		n = end != NULL ? (size_t)(end - q) : strlen(q);
		for (hit = key;; hit++) {
			hit = memmem(hit, strlen(hit), q, n);
			if (hit == NULL)
				return false;
			if (hit == key || hit[-1] == ' ')
				break;
		}
		q += n;
	}
	return true;
}

/*
 * One collator per thread (ICU collators must not be shared between threads
 * without cloning), closed when the thread ends. Numeric collation puts
 * "Phường 2" before "Phường 10".
 */
static pthread_key_t coll_key;
static pthread_once_t coll_once = PTHREAD_ONCE_INIT;

static void
coll_free(void *p)
{
	ucol_close(p);
}

static void
coll_key_init(void)
{
	pthread_key_create(&coll_key, coll_free);
}

static UCollator *
collator(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UCollator *c;

	pthread_once(&coll_once, coll_key_init);
	c = pthread_getspecific(coll_key);
	if (c == NULL) {
		c = ucol_open("vi", &st);
		if (U_FAILURE(st))
			return NULL;
		ucol_setAttribute(c, UCOL_NUMERIC_COLLATION, UCOL_ON, &st);
		pthread_setspecific(coll_key, c);
	}
	return c;
}

/* Append the ICU sort key of s[0..len) to b, NUL terminator included. */
static bool
append_key(struct buf *b, const char *s, int32_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar stackbuf[256], *u = stackbuf;
	int32_t ulen = 0, klen;
	uint8_t kstack[512], *k = kstack;
	UCollator *c = collator();
	bool ok = false;

	if (c == NULL)
		return false;
	u_strFromUTF8(u, 256, &ulen, s, len, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		st = U_ZERO_ERROR;
		u = xmalloc(sizeof(UChar) * ((size_t)ulen + 1));
		u_strFromUTF8(u, ulen + 1, &ulen, s, len, &st);
	}
	if (U_FAILURE(st))
		goto out;
	klen = ucol_getSortKey(c, u, ulen, k, (int32_t)sizeof(kstack));
	if (klen > (int32_t)sizeof(kstack)) {
		k = xmalloc((size_t)klen);
		klen = ucol_getSortKey(c, u, ulen, k, klen);
	}
	if (klen <= 0)
		goto out;
	buf_append(b, k, (size_t)klen);	/* includes the trailing 0 byte */
	ok = true;
out:
	if (u != stackbuf)
		free(u);
	if (k != kstack)
		free(k);
	return ok;
}

unsigned char *
vn_text_sort_key(const char *s, size_t *len)
{
	struct buf b = BUF_INIT;

	if (!append_key(&b, s, (int32_t)strlen(s))) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return (unsigned char *)buf_steal(&b);
}

unsigned char *
vn_name_sort_key(const char *full_name, size_t *len)
{
	const char *p = full_name, *first_end, *last_start, *end;
	struct buf b = BUF_INIT;

	while (*p == ' ')
		p++;
	end = p + strlen(p);
	while (end > p && end[-1] == ' ')
		end--;
	first_end = p;
	while (first_end < end && *first_end != ' ')
		first_end++;
	last_start = end;
	while (last_start > p && last_start[-1] != ' ')
		last_start--;
	if (last_start <= first_end) {
		/* One word: it is the given name. */
		if (!append_key(&b, p, (int32_t)(end - p)))
			goto fail;
		*len = b.len;
		return (unsigned char *)buf_steal(&b);
	}
	/* Given name, then middle names, then family name. */
	if (!append_key(&b, last_start, (int32_t)(end - last_start)))
		goto fail;
	{
		const char *m = first_end, *me = last_start;

		while (m < me && *m == ' ')
			m++;
		while (me > m && me[-1] == ' ')
			me--;
		if (!append_key(&b, m, (int32_t)(me - m)))
			goto fail;
	}
	if (!append_key(&b, p, (int32_t)(first_end - p)))
		goto fail;
	*len = b.len;
	return (unsigned char *)buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}
