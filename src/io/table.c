/*
 * table.c - opening a table file, telling its format from the content, the
 * row every format fills, cell cleaning, and the header mapping every
 * import shares.
 *
 * The formats themselves live in table_csv.c and table_xlsx.c; the cell
 * parsers (dates, CCCD numbers, sex) in table_parse.c.
 */
#include "io/table.h"
#include "io/table_impl.h"
#include "core/vntext.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct table_limits table_default_limits = {
	.max_unpacked = (uint64_t)1 << 30,
	.max_ratio = 200,
	.max_cells = 512,
	.max_cell_bytes = 32 * 1024,
	.max_rows = 5000000,
};

/* What the first bytes of a file say it is. */
enum kind {
	KIND_TEXT,	/* read as CSV */
	KIND_ZIP,	/* read as .xlsx */
	KIND_OLE,	/* .xls, or an .xlsx encrypted with a password */
	KIND_MARKUP,	/* a web page or XML saved under a spreadsheet name */
	KIND_BINARY,	/* anything else that is not text */
};

#define HEAD_LEN 4096

static enum kind
classify(const unsigned char *p, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
	} binary[] = {
		{"%PDF-", 5}, {"\x89PNG", 4}, {"\xff\xd8\xff", 3},
		{"GIF8", 4}, {"Rar!", 4}, {"7z\xbc\xaf", 4}, {"\x1f\x8b", 2},
		{"{\\rtf", 5},
	};
	size_t i;

	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) ||
	    (p[2] == 7 && p[3] == 8)))
		return KIND_ZIP;
	if (n >= 8 && memcmp(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return KIND_OLE;
	for (i = 0; i < sizeof(binary) / sizeof(binary[0]); i++)
		if (n >= binary[i].len &&
		    memcmp(p, binary[i].magic, binary[i].len) == 0)
			return KIND_BINARY;
	/* UTF-16 text announces itself with a BOM; other text has no NUL. */
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	    (p[0] == 0xfe && p[1] == 0xff)))
		return KIND_TEXT;
	if (memchr(p, 0, n) != NULL)
		return KIND_BINARY;
	i = 0;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (i < n && p[i] == '<') {
		/* "<html", "<table", "<?xml", "<!DOCTYPE": not a list of values. */
		if (n - i >= 2 && (p[i + 1] == '?' || p[i + 1] == '!' ||
		    (p[i + 1] | 0x20) == 'h' || (p[i + 1] | 0x20) == 't'))
			return KIND_MARKUP;
	}
	return KIND_TEXT;
}

/*
 * An OLE2 file holding an "EncryptedPackage" stream is an .xlsx saved with
 * a password, not an .xls; the stream names are UTF-16LE in the directory.
 * Only the first 16 MiB are searched: enough for the directory of any
 * workbook a commune keeps.
 */
static int
ole_encrypted(struct table_src *s)
{
	static const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
	const size_t nlen = sizeof(name) - 1;
	unsigned char *buf = xmalloc(TABLE_CHUNK + nlen);
	size_t have = 0, total = 0;
	long got;
	int found = 0;

	while (!found && total < 16 * 1024 * 1024) {
		got = table_src_read(s, buf + have, TABLE_CHUNK);
		if (got <= 0)
			break;
		have += (size_t)got;
		total += (size_t)got;
		found = memmem(buf, have, name, nlen) != NULL;
		if (have >= nlen) {
			memmove(buf, buf + have - nlen, nlen);
			have = nlen;
		}
	}
	free(buf);
	return found;
}

static int
refuse_kind(enum kind k, struct table_src *s, struct kh_err *err)
{
	switch (k) {
	case KIND_OLE:
		if (ole_encrypted(s))
			return kh_fail(err, KH_E_INVALID,
			    N_("This workbook is protected by a password. Remove"
			    " the password in Excel, save it as .xlsx and try"
			    " again."), NULL);
		return kh_fail(err, KH_E_INVALID,
		    N_("This is an old Excel file (.xls). Open it in Excel and"
		    " save it as Excel Workbook (.xlsx) or CSV, then try"
		    " again."), NULL);
	case KIND_MARKUP:
		return kh_fail(err, KH_E_INVALID,
		    N_("This file is a web page or XML document, not a"
		    " spreadsheet. Open it in Excel and save it as Excel"
		    " Workbook (.xlsx) or CSV."), NULL);
	default:
		return kh_fail(err, KH_E_INVALID,
		    N_("This file is not a spreadsheet. Upload an Excel workbook"
		    " (.xlsx) or a CSV file."), NULL);
	}
}

long
table_src_read(struct table_src *s, void *dst, size_t n)
{
	size_t got;

	if (s->mem != NULL) {
		got = s->len - s->pos < n ? s->len - s->pos : n;
		memcpy(dst, s->mem + s->pos, got);
		s->pos += got;
		return (long)got;
	}
	if (s->f == NULL)
		return 0;
	got = fread(dst, 1, n, s->f);
	if (got == 0 && ferror(s->f))
		return -1;
	return (long)got;
}

static struct table_reader *
reader_new(const struct table_limits *lim)
{
	struct table_reader *r = xcalloc(1, sizeof(*r));

	r->lim = lim != NULL ? *lim : table_default_limits;
	return r;
}

int
table_open(const char *path, const struct table_limits *lim,
    struct table_reader **out, struct kh_err *err)
{
	unsigned char head[HEAD_LEN];
	struct table_src src = {0};
	struct table_reader *r;
	enum kind k;
	size_t n;
	int rc;

	*out = NULL;
	src.f = fopen(path, "rb");
	if (src.f == NULL) {
		rc = kh_fail(err, KH_E_IO, N_("The file cannot be read."), NULL);
		kh_err_detail(err, "open: %s", strerror(errno));
		return rc;
	}
	n = fread(head, 1, sizeof(head), src.f);
	if (ferror(src.f) || fseek(src.f, 0, SEEK_SET) != 0) {
		rc = kh_fail(err, KH_E_IO, N_("The file cannot be read."), NULL);
		kh_err_detail(err, "read: %s", strerror(errno));
		fclose(src.f);
		return rc;
	}
	k = classify(head, n);
	if (k == KIND_ZIP) {
		fclose(src.f);
		r = reader_new(lim);
		rc = table_xlsx_open(r, path, NULL, 0, err);
	} else if (k == KIND_TEXT) {
		r = reader_new(lim);
		rc = table_csv_open(r, &src, err);
	} else {
		rc = refuse_kind(k, &src, err);
		fclose(src.f);
		return rc;
	}
	if (rc != 0) {
		table_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int
table_open_mem(const void *data, size_t len, const struct table_limits *lim,
    struct table_reader **out, struct kh_err *err)
{
	struct table_src src = {0};
	struct table_reader *r;
	enum kind k;
	int rc;

	*out = NULL;
	src.mem = data != NULL ? data : (const void *)"";
	src.len = data != NULL ? len : 0;
	k = classify(src.mem, src.len < HEAD_LEN ? src.len : HEAD_LEN);
	if (k == KIND_ZIP) {
		r = reader_new(lim);
		rc = table_xlsx_open(r, NULL, src.mem, src.len, err);
	} else if (k == KIND_TEXT) {
		r = reader_new(lim);
		rc = table_csv_open(r, &src, err);
	} else
		return refuse_kind(k, &src, err);
	if (rc != 0) {
		table_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int
table_next(struct table_reader *r, struct table_row *row,
    struct kh_err *err)
{
	int rc;

	if (r->failed) {
		if (err != NULL)
			*err = r->failure;
		return r->failure.kind;
	}
	rc = r->xlsx != NULL ? table_xlsx_next(r, row, err) :
	    table_csv_next(r, row, err);
	if (rc < 0) {
		r->failed = 1;
		if (err != NULL) {
			if (err->row == 0)
				err->row = r->row_no;
			r->failure = *err;
		} else {
			r->failure.kind = rc;
			r->failure.row = r->row_no;
		}
	}
	return rc;
}

const char *
table_format(const struct table_reader *r)
{
	return r->format;
}

const char *
table_csv_encoding(const struct table_reader *r)
{
	return r->csv != NULL ? table_csv_enc(r) : "";
}

char
table_csv_separator(const struct table_reader *r)
{
	return r->csv != NULL ? table_csv_sep(r) : '\0';
}

void
table_close(struct table_reader *r)
{
	if (r == NULL)
		return;
	table_csv_free(r);
	table_xlsx_free(r);
	buf_free(&r->data);
	buf_free(&r->clean);
	free(r->offs);
	free(r->ptrs);
	free(r);
}

/* Rows. */

void
table_row_begin(struct table_reader *r, long row_no)
{
	r->row_no = row_no;
	r->n = 0;
	r->pending = 0;
	buf_reset(&r->data);
}

void
table_row_skip(struct table_reader *r, size_t n)
{
	r->pending += n;
}

static int
fail_row(struct table_reader *r, struct kh_err *err, int kind,
    const char *msg, unsigned long long n)
{
	char arg[32];

	snprintf(arg, sizeof(arg), "%llu", n);
	kind = kh_fail(err, kind, msg, arg);
	if (err != NULL)
		err->row = r->row_no;
	return kind;
}

int
table_fail_cell_size(struct table_reader *r, struct kh_err *err)
{
	return fail_row(r, err, KH_E_TOO_LARGE,
	    N_("A cell in this row holds more than %s bytes."),
	    r->lim.max_cell_bytes);
}

static void
room(struct table_reader *r, size_t need)
{
	size_t cap;

	if (need <= r->cap)
		return;
	cap = r->cap ? r->cap * 2 : 16;
	while (cap < need)
		cap *= 2;
	r->offs = xrealloc(r->offs, cap * sizeof(*r->offs));
	r->ptrs = xrealloc(r->ptrs, cap * sizeof(*r->ptrs));
	r->cap = cap;
}

int
table_row_cell(struct table_reader *r, const char *s, size_t len,
    int clean, struct kh_err *err)
{
	size_t need;

	if (len > r->lim.max_cell_bytes)
		return table_fail_cell_size(r, err);
	if (clean && len > 0) {
		table_clean(s, len, &r->clean);
		s = r->clean.data;
		len = r->clean.len;
	}
	if (len == 0) {
		r->pending++;
		return 0;
	}
	need = r->n + r->pending + 1;
	if (need < r->n || need > r->lim.max_cells)
		return fail_row(r, err, KH_E_TOO_LARGE,
		    N_("This row has more than %s cells."), r->lim.max_cells);
	room(r, need);
	for (; r->pending > 0; r->pending--) {
		r->offs[r->n++] = r->data.len;
		buf_append(&r->data, "", 1);
	}
	r->offs[r->n++] = r->data.len;
	buf_append(&r->data, s, len);
	buf_append(&r->data, "", 1);
	return 0;
}

int
table_row_end(struct table_reader *r, struct table_row *row,
    struct kh_err *err)
{
	size_t i;

	if (r->n == 0)
		return 0;
	if (r->nrows >= r->lim.max_rows)
		return fail_row(r, err, KH_E_TOO_LARGE,
		    N_("The file has more than %s rows."),
		    (unsigned long long)r->lim.max_rows);
	r->nrows++;
	for (i = 0; i < r->n; i++)
		r->ptrs[i] = r->data.data + r->offs[i];
	row->row_no = r->row_no;
	row->n = r->n;
	row->cells = r->ptrs;
	return 1;
}

/* Cleaning. */

size_t
table_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c = p[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

/* Spaces trimmed at the ends of a cell; *len is the sequence's length. */
static int
blank_at(const unsigned char *p, size_t n, size_t *len)
{
	if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\n')) {
		*len = 1;
		return 1;
	}
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) {		/* U+00A0 */
		*len = 2;
		return 1;
	}
	if (n >= 3 && ((p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ||
	    (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x8b) ||	/* U+200B */
	    (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80))) {	/* U+3000 */
		*len = 3;
		return 1;
	}
	return 0;
}

static int
blank_before(const unsigned char *p, size_t n, size_t *len)
{
	if (n >= 1 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n')) {
		*len = 1;
		return 1;
	}
	if (n >= 2 && blank_at(p + n - 2, 2, len) && *len == 2)
		return 1;
	if (n >= 3 && blank_at(p + n - 3, 3, len) && *len == 3)
		return 1;
	return 0;
}

void
table_clean(const char *s, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *o;
	size_t i = 0, k, start, end;
	uint32_t cp;
	int nfc = 0;
	char *norm;

	buf_reset(out);
	/* The output is never longer than three bytes per input byte. */
	if (out->cap < len * 3 + 1) {
		out->cap = len * 3 + 1;
		out->data = xrealloc(out->data, out->cap);
	}
	o = (unsigned char *)out->data;
	while (i < len) {
		if (p[i] < 0x80) {
			if (p[i] >= 0x20 ? p[i] != 0x7f :
			    p[i] == '\t' || p[i] == '\n')
				*o++ = p[i];
			i++;
			continue;
		}
		k = table_utf8_seq(p + i, len - i, &cp);
		if (k == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);	/* U+FFFD */
			o += 3;
			i++;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f) {		/* C1 controls */
			i += k;
			continue;
		}
		/*
		 * Below U+0300 and in Latin Extended Additional (the
		 * precomposed Vietnamese letters) every character is already
		 * NFC and composes with nothing before it.
		 */
		if (cp >= 0x300 && (cp < 0x1e00 || cp > 0x1eff))
			nfc = 1;
		memcpy(o, p + i, k);
		o += k;
		i += k;
	}
	out->len = (size_t)(o - (unsigned char *)out->data);
	out->data[out->len] = '\0';
	if (nfc) {
		norm = vn_nfc(out->data, out->len);
		if (norm != NULL) {
			buf_reset(out);
			buf_puts(out, norm);
			free(norm);
		}
	}
	p = (const unsigned char *)out->data;
	start = 0;
	end = out->len;
	while (start < end && blank_at(p + start, end - start, &k))
		start += k;
	while (end > start && blank_before(p + start, end - start, &k))
		end -= k;
	if (start > 0)
		memmove(out->data, out->data + start, end - start);
	out->len = end - start;
	out->data[out->len] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
table_unescape_ooxml(char *s, size_t len)
{
	size_t i = 0, o = 0;
	uint32_t cp;
	int k, h;

	if (len < 7 || memmem(s, len, "_x", 2) == NULL)
		return len;
	while (i < len) {
		if (s[i] == '_' && len - i >= 7 && s[i + 1] == 'x' &&
		    s[i + 6] == '_') {
			cp = 0;
			for (k = 2; k < 6; k++) {
				h = hexval((unsigned char)s[i + k]);
				if (h < 0)
					break;
				cp = cp << 4 | (uint32_t)h;
			}
			if (k == 6) {
				i += 7;
				/* Never longer than the 7 bytes it replaces. */
				if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
					continue;
				if (cp < 0x80)
					s[o++] = (char)cp;
				else if (cp < 0x800) {
					s[o++] = (char)(0xc0 | cp >> 6);
					s[o++] = (char)(0x80 | (cp & 0x3f));
				} else {
					s[o++] = (char)(0xe0 | cp >> 12);
					s[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
					s[o++] = (char)(0x80 | (cp & 0x3f));
				}
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

/* Header mapping. */

int
table_map_header(const struct table_row *header,
    const struct table_field *fields, int nfields, int *col,
    struct kh_err *err)
{
	char **keys = xcalloc(header->n + 1, sizeof(char *));
	int *owner = xcalloc(header->n + 1, sizeof(int));
	const char *const *a;
	char *akey;
	size_t c;
	int f, rc = 0;

	for (c = 0; c < header->n; c++) {
		keys[c] = vn_search_key(header->cells[c]);
		owner[c] = -1;
	}
	for (f = 0; f < nfields; f++) {
		col[f] = -1;
		/* Aliases in the order given: the first is the likeliest. */
		for (a = fields[f].aliases; a != NULL && *a != NULL &&
		    col[f] < 0; a++) {
			akey = vn_search_key(*a);
			for (c = 0; c < header->n && akey[0] != '\0'; c++)
				if (strcmp(keys[c], akey) == 0) {
					col[f] = (int)c;
					break;
				}
			free(akey);
		}
		if (col[f] < 0)
			continue;
		c = (size_t)col[f];
		if (owner[c] >= 0) {
			rc = kh_fail_field(err, KH_E_INVALID, fields[f].key,
			    N_("The column %s matches two fields of the list."),
			    header->cells[c]);
			goto out;
		}
		owner[c] = f;
	}
	for (f = 0; f < nfields; f++)
		if (fields[f].required && col[f] < 0) {
			a = fields[f].aliases;
			rc = kh_fail_field(err, KH_E_INVALID, fields[f].key,
			    N_("The column %s is missing."),
			    a != NULL && a[0] != NULL ? a[0] : fields[f].key);
			goto out;
		}
out:
	for (c = 0; c < header->n; c++)
		free(keys[c]);
	free(keys);
	free(owner);
	return rc;
}
