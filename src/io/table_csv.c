/*
 * table_csv.c - CSV files as officials' computers write them.
 *
 * Encoding: a UTF-8 BOM is stripped; a UTF-16 BOM (Excel's "Unicode Text")
 * selects UTF-16. Without a BOM the whole file is checked once: valid UTF-8
 * is read as such (so is UTF-8 with a few stray bytes among many valid
 * sequences: those become U+FFFD), anything else is taken as CP1258, the
 * Vietnamese Windows code page. Windows-1252 cannot be told apart from CP1258 by its bytes; the
 * two agree on the letters of Western European languages but not on the
 * Vietnamese ones, so CP1258 is the better guess here. CP1258 writes tones
 * as combining marks; cells are put in NFC so "ệ" is one character.
 *
 * Separator: an Excel "sep=;" first line wins; otherwise ',' ';' and tab are
 * counted outside quotes in the first record that holds any of them (among
 * the first ten), the most frequent wins and ties go to ',' then ';'.
 *
 * Records follow RFC 4180 leniently: quoted fields may hold separators,
 * doubled quotes and line breaks; CRLF, LF and a lone CR end records; text
 * after a closing quote joins the field; a quote inside an unquoted field is
 * kept as it is. Only a quote still open at the end of the file is an error,
 * since everything after it would be swallowed.
 *
 * Memory: one decoded buffer (64 KiB, more only while the separator is
 * looked for, at most 1 MiB) and the current row.
 */
#include "io/table_impl.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define SNIFF_MAX (1024 * 1024)	/* bytes looked at for the separator */
#define SNIFF_RECORDS 10

enum state {
	ST_RECORD,	/* before the first byte of a record */
	ST_FIELD,	/* before the first byte of a field */
	ST_PLAIN,	/* inside an unquoted field */
	ST_QUOTED,	/* inside a quoted field */
	ST_QUOTE,	/* just after a quote inside a quoted field */
	ST_DONE,	/* end of input reached */
};

struct table_csv {
	struct table_src src;
	const char *encoding;	/* "UTF-8", "CP1258", "UTF-16LE", "UTF-16BE" */
	iconv_t cd;		/* converter to UTF-8, or (iconv_t)-1 */
	unsigned char *raw;	/* undecoded input waiting for the converter */
	size_t rawlen;
	unsigned char *buf;	/* decoded UTF-8 */
	size_t pos, len, cap;
	int eof;		/* no more input */
	char sep;
	unsigned char special[256];	/* ends an unquoted field */
	enum state st;
	int skip_lf;		/* a CR ended the last line: drop one LF */
	long line;		/* line of the next byte */
	long quote_line;	/* line where the open quoted field started */
	struct buf field;	/* raw text of the current field */
};

/* Make room for n more decoded bytes. */
static void
reserve(struct table_csv *c, size_t n)
{
	if (c->cap - c->len >= n)
		return;
	while (c->cap - c->len < n)
		c->cap = c->cap ? c->cap * 2 : 4 * TABLE_CHUNK;
	c->buf = xrealloc(c->buf, c->cap);
}

static int
read_fail(struct kh_err *err)
{
	int rc = kh_fail(err, KH_E_IO, N_("The file cannot be read."), NULL);

	kh_err_detail(err, "read: %s", strerror(errno));
	return rc;
}

static void
put_fffd(struct table_csv *c, char **out, size_t *left)
{
	size_t at = (size_t)((unsigned char *)*out - c->buf);

	if (*left < 3) {
		c->len = at;
		reserve(c, 3 + TABLE_CHUNK);
		*out = (char *)c->buf + at;
		*left = c->cap - at;
	}
	memcpy(*out, "\xef\xbf\xbd", 3);
	*out += 3;
	*left -= 3;
}

/* Convert c->raw into c->buf; final flushes the converter. */
static void
convert(struct table_csv *c, int final)
{
	char *in = (char *)c->raw, *out;
	size_t inleft = c->rawlen, left, at, step;

	step = strcmp(c->encoding, "CP1258") == 0 ? 1 : 2;
	reserve(c, inleft * 4 + 64);
	out = (char *)c->buf + c->len;
	left = c->cap - c->len;
	while (inleft > 0 || final) {
		size_t k = inleft > 0 ? iconv(c->cd, &in, &inleft, &out, &left) :
		    iconv(c->cd, NULL, NULL, &out, &left);

		if (k != (size_t)-1) {
			if (inleft == 0 && final)
				final = 0;
			continue;
		}
		if (errno == E2BIG) {
			at = (size_t)((unsigned char *)out - c->buf);
			c->len = at;
			reserve(c, c->cap);
			out = (char *)c->buf + at;
			left = c->cap - at;
		} else if (errno == EILSEQ) {
			/* A byte CP1258 leaves undefined, a lone surrogate. */
			put_fffd(c, &out, &left);
			step = step > inleft ? inleft : step;
			in += step;
			inleft -= step;
		} else {
			/* EINVAL: a sequence cut by the chunk's end. */
			if (!final)
				break;
			put_fffd(c, &out, &left);
			inleft = 0;
		}
	}
	c->len = (size_t)((unsigned char *)out - c->buf);
	memmove(c->raw, in, inleft);
	c->rawlen = inleft;
}

/* Append decoded bytes: 1 when some came, 0 at the end, or an error. */
static int
more(struct table_csv *c, struct kh_err *err)
{
	size_t before = c->len;
	long n;

	while (!c->eof && c->len == before) {
		if (c->cd == (iconv_t)-1) {
			reserve(c, TABLE_CHUNK);
			n = table_src_read(&c->src, c->buf + c->len, TABLE_CHUNK);
			if (n < 0)
				return read_fail(err);
			if (n == 0)
				c->eof = 1;
			c->len += (size_t)n;
			continue;
		}
		n = table_src_read(&c->src, c->raw + c->rawlen,
		    TABLE_CHUNK - c->rawlen);
		if (n < 0)
			return read_fail(err);
		if (n == 0)
			c->eof = 1;
		c->rawlen += (size_t)n;
		convert(c, c->eof);
	}
	return c->len > before;
}

/*
 * True in *ok when the input reads as UTF-8: all of it valid, or so nearly
 * that the few bad bytes are damage (a stray byte pasted into one cell), not
 * another encoding: at least UTF8_MAJORITY valid multi-byte sequences per
 * invalid one. CP1258 text hardly ever forms a valid sequence (its letters
 * are followed by tone marks, not by continuation bytes). NUL bytes count as
 * valid here; they are dropped from cells. The source is rewound afterwards.
 */
#define UTF8_MAJORITY 10

static int
all_utf8(struct table_src *s, int *ok, struct kh_err *err)
{
	unsigned char *b = xmalloc(TABLE_CHUNK + 8);
	size_t have = 0, i, len, k, good = 0, bad = 0;
	uint64_t w;
	uint32_t cp;
	long n;
	int rc = 0;

	do {
		n = table_src_read(s, b + have, TABLE_CHUNK);
		if (n < 0) {
			rc = read_fail(err);
			break;
		}
		len = have + (size_t)n;
		i = 0;
		while (i < len) {
			if (len - i >= 8) {
				memcpy(&w, b + i, 8);
				if ((w & UINT64_C(0x8080808080808080)) == 0) {
					i += 8;
					continue;
				}
			}
			if (b[i] < 0x80) {
				i++;
				continue;
			}
			k = table_utf8_seq(b + i, len - i, &cp);
			if (k == 0 && n > 0 && len - i < 4)
				break;	/* cut by the chunk: finish it later */
			if (k == 0) {
				bad++;
				k = 1;
			} else
				good++;
			i += k;
		}
		have = len - i;
		memmove(b, b + i, have);
	} while (n > 0);
	free(b);
	*ok = bad == 0 || good >= UTF8_MAJORITY * bad;
	if (rc == 0) {
		if (s->mem != NULL)
			s->pos = 0;
		else if (fseek(s->f, 0, SEEK_SET) != 0)
			rc = read_fail(err);
	}
	return rc;
}

/*
 * Count separators outside quotes in the record at c->buf[*at]: 1 when it
 * ended inside the buffer (*at moves past it), 0 when it runs on.
 */
static int
count_record(struct table_csv *c, size_t *at, long counts[3])
{
	size_t i;
	int q = 0;

	for (i = *at; i < c->len; i++) {
		unsigned char ch = c->buf[i];

		if (ch == '"')
			q = !q;
		else if (q)
			continue;
		else if (ch == ',')
			counts[0]++;
		else if (ch == ';')
			counts[1]++;
		else if (ch == '\t')
			counts[2]++;
		else if (ch == '\n' || ch == '\r') {
			*at = i + 1;
			return 1;
		}
	}
	return 0;
}

static int
sniff(struct table_csv *c, struct kh_err *err)
{
	long counts[3] = {0, 0, 0}, snap[3];
	size_t at;
	int records = 0, rc;

	/* Excel's own hint: a first line "sep=;". */
	while (c->len < 8 && !c->eof)
		if ((rc = more(c, err)) < 0)
			return rc;
	if (c->len >= 5 && memcmp(c->buf, "sep=", 4) == 0 &&
	    (c->len == 5 || c->buf[5] == '\r' || c->buf[5] == '\n')) {
		c->sep = (char)c->buf[4];
		c->pos = 5;
		if (c->len > 5) {
			c->pos = c->buf[5] == '\r' && c->len > 6 &&
			    c->buf[6] == '\n' ? 7 : 6;
			c->line = 2;
		}
		return 0;
	}
	at = 0;
	while (records < SNIFF_RECORDS) {
		memcpy(snap, counts, sizeof(snap));
		if (count_record(c, &at, counts)) {
			records++;
			if (counts[0] + counts[1] + counts[2] > 0)
				break;
			continue;
		}
		if (c->eof || c->len >= SNIFF_MAX)
			break;	/* what was counted of it stands */
		memcpy(counts, snap, sizeof(snap));
		if ((rc = more(c, err)) < 0)
			return rc;
	}
	c->sep = ',';
	if (counts[1] > counts[0] && counts[1] >= counts[2])
		c->sep = ';';
	else if (counts[2] > counts[0] && counts[2] > counts[1])
		c->sep = '\t';
	return 0;
}

int
table_csv_open(struct table_reader *r, struct table_src *src,
    struct kh_err *err)
{
	struct table_csv *c = xcalloc(1, sizeof(*c));
	unsigned char bom[3];
	size_t nbom;
	long n;
	int ok, rc;

	r->csv = c;
	r->format = "csv";
	c->src = *src;
	c->cd = (iconv_t)-1;
	c->line = 1;
	c->st = ST_RECORD;
	n = table_src_read(&c->src, bom, sizeof(bom));
	if (n < 0)
		return read_fail(err);
	nbom = 0;
	if (n >= 3 && memcmp(bom, "\xef\xbb\xbf", 3) == 0) {
		c->encoding = "UTF-8";
		nbom = 3;
	} else if (n >= 2 && bom[0] == 0xff && bom[1] == 0xfe) {
		c->encoding = "UTF-16LE";
		nbom = 2;
	} else if (n >= 2 && bom[0] == 0xfe && bom[1] == 0xff) {
		c->encoding = "UTF-16BE";
		nbom = 2;
	}
	if (c->src.mem != NULL)
		c->src.pos = 0;
	else if (fseek(c->src.f, 0, SEEK_SET) != 0)
		return read_fail(err);
	if (c->encoding == NULL) {
		if ((rc = all_utf8(&c->src, &ok, err)) != 0)
			return rc;
		c->encoding = ok ? "UTF-8" : "CP1258";
	}
	if (nbom > 0 && table_src_read(&c->src, bom, nbom) != (long)nbom)
		return read_fail(err);
	if (strcmp(c->encoding, "UTF-8") != 0) {
		c->cd = iconv_open("UTF-8", c->encoding);
		if (c->cd == (iconv_t)-1) {
			rc = kh_fail(err, KH_E_IO, N_("The file cannot be read."),
			    NULL);
			kh_err_detail(err, "iconv_open %s: %s", c->encoding,
			    strerror(errno));
			return rc;
		}
		c->raw = xmalloc(TABLE_CHUNK);
	}
	if ((rc = sniff(c, err)) != 0)
		return rc;
	c->special[(unsigned char)c->sep] = 1;
	c->special['\r'] = 1;
	c->special['\n'] = 1;
	return 0;
}

static int
field_add(struct table_reader *r, struct table_csv *c, const unsigned char *p,
    size_t n, struct kh_err *err)
{
	if (n == 0)
		return 0;
	if (c->field.len + n > r->lim.max_cell_bytes)
		return table_fail_cell_size(r, err);
	buf_append(&c->field, p, n);
	return 0;
}

static int
field_end(struct table_reader *r, struct table_csv *c, struct kh_err *err)
{
	int rc = table_row_cell(r, c->field.data, c->field.len, 1, err);

	buf_reset(&c->field);
	return rc;
}

static int
at_eof(struct table_reader *r, struct table_csv *c, struct table_row *row,
    struct kh_err *err)
{
	enum state st = c->st;
	char arg[24];
	int rc;

	c->st = ST_DONE;
	switch (st) {
	case ST_RECORD:
	case ST_DONE:
		return 0;
	case ST_QUOTED:
		snprintf(arg, sizeof(arg), "%ld", c->quote_line);
		rc = kh_fail(err, KH_E_INVALID,
		    N_("The file ends inside a quoted field that starts on"
		    " row %s. A quote (\") is missing."), arg);
		if (err != NULL)
			err->row = c->quote_line;
		return rc;
	default:
		if ((rc = field_end(r, c, err)) != 0)
			return rc;
		return table_row_end(r, row, err);
	}
}

int
table_csv_next(struct table_reader *r, struct table_row *row,
    struct kh_err *err)
{
	struct table_csv *c = r->csv;
	const unsigned char *p;
	size_t start;
	unsigned char ch;
	int rc;

	for (;;) {
		if (c->st == ST_DONE)
			return 0;
		if (c->pos == c->len) {
			c->pos = c->len = 0;
			rc = more(c, err);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				rc = at_eof(r, c, row, err);
				if (rc != 0)
					return rc;
				continue;
			}
		}
		p = c->buf;
		while (c->pos < c->len) {
			ch = p[c->pos];
			if (c->skip_lf) {
				c->skip_lf = 0;
				if (ch == '\n') {
					c->pos++;
					continue;
				}
			}
			switch (c->st) {
			case ST_RECORD:
				table_row_begin(r, c->line);
				c->st = ST_FIELD;
				/* FALLTHROUGH */
			case ST_FIELD:
				if (ch == '"') {
					c->st = ST_QUOTED;
					c->quote_line = c->line;
					c->pos++;
					break;
				}
				c->st = ST_PLAIN;
				/* FALLTHROUGH */
			case ST_PLAIN:
				start = c->pos;
				while (c->pos < c->len && !c->special[p[c->pos]])
					c->pos++;
				if ((rc = field_add(r, c, p + start,
				    c->pos - start, err)) != 0)
					return rc;
				if (c->pos == c->len)
					break;
				ch = p[c->pos++];
				if ((rc = field_end(r, c, err)) != 0)
					return rc;
				if (ch == (unsigned char)c->sep) {
					c->st = ST_FIELD;
					break;
				}
				c->skip_lf = ch == '\r';
				c->line++;
				c->st = ST_RECORD;
				rc = table_row_end(r, row, err);
				if (rc != 0)
					return rc;
				break;
			case ST_QUOTED:
				start = c->pos;
				while (c->pos < c->len && p[c->pos] != '"' &&
				    p[c->pos] != '\n')
					c->pos++;
				if (c->pos < c->len && p[c->pos] == '\n') {
					c->line++;
					c->pos++;
				}
				if ((rc = field_add(r, c, p + start,
				    c->pos - start, err)) != 0)
					return rc;
				if (c->pos < c->len && p[c->pos] == '"') {
					c->pos++;
					c->st = ST_QUOTE;
				}
				break;
			case ST_QUOTE:
				if (ch == '"') {
					if ((rc = field_add(r, c, p + c->pos, 1,
					    err)) != 0)
						return rc;
					c->pos++;
					c->st = ST_QUOTED;
				} else
					c->st = ST_PLAIN;
				break;
			case ST_DONE:
				return 0;
			}
		}
	}
}

const char *
table_csv_enc(const struct table_reader *r)
{
	return r->csv->encoding;
}

char
table_csv_sep(const struct table_reader *r)
{
	return r->csv->sep;
}

void
table_csv_free(struct table_reader *r)
{
	struct table_csv *c = r->csv;

	if (c == NULL)
		return;
	if (c->src.f != NULL)
		fclose(c->src.f);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	free(c->raw);
	free(c->buf);
	buf_free(&c->field);
	free(c);
	r->csv = NULL;
}
