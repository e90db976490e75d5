/*
 * table_xlsx.c - the first worksheet of an .xlsx workbook, streamed.
 *
 * An .xlsx is a zip of XML parts. The workbook part names the sheets in tab
 * order and its relationships part says where each lives; the first visible
 * worksheet is read (xl/worksheets/sheet1.xml when the workbook does not
 * say). Small parts are read whole: the shared strings (every text cell
 * points into them, so they must be at hand; cleaned once when loaded), the
 * styles (which cell formats show dates). The worksheet itself goes from
 * libzip to expat in 64 KiB chunks, and expat is suspended at the end of
 * every non-empty row, so memory stays the same whatever the row count.
 *
 * Cells: shared strings (rich-text runs joined, phonetic runs left out),
 * inline strings, the cached results of formulas (text or number), booleans
 * as "1" and "0" as Excel stores them, errors (#N/A, #REF!...) as "", dates
 * (numbers in a date format) as ISO "YYYY-MM-DD" without the time of day,
 * other numbers as table_number_text() writes them.
 *
 * Guards: no DTD is accepted in any part (no entity tricks); every entry is
 * checked against max_ratio before it is opened (sizes from the central
 * directory) and again while it inflates (the directory can lie), all
 * entries together against max_unpacked. The ratio is only checked once an
 * entry passes RATIO_FLOOR: small parts of plain XML compress very well and
 * are harmless.
 */
#include "io/table_impl.h"

#include <expat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define RATIO_FLOOR ((uint64_t)1 << 20)
#define MAX_SHEETS 1024
#define MAX_RELS 4096
#define MAX_XFS (1 << 20)
#define MAX_NUMFMTS 65536

/* A zip entry being inflated. */
struct part {
	zip_file_t *zf;
	char *name;
	uint64_t comp;		/* compressed size from the directory */
	uint64_t read;		/* bytes inflated so far */
};

struct sheet_ref {
	char *rid;		/* relationship id in the workbook */
	int visible;
};

struct rel {
	char *id;
	char *target;		/* path inside the zip */
	char *type;		/* last segment of the relationship type */
};

struct sst_ent {
	size_t off;		/* in sst */
	size_t len;		/* bytes, SIZE_MAX when over max_cell_bytes */
};

struct numfmt {
	unsigned long id;
	int date;
};

enum ctype { CT_N, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D };

struct table_xlsx {
	struct table_reader *r;
	zip_t *za;
	uint64_t unpacked;	/* bytes inflated from all entries */
	int date1904;
	struct kh_err *err;	/* where handlers report */
	int rc;			/* a handler's error, 0 when none */
	XML_Parser p;

	/* workbook and relationships */
	struct sheet_ref *sheets;
	size_t nsheets;
	struct rel *rels;
	size_t nrels;

	/* shared strings, cleaned */
	struct buf sst;
	struct sst_ent *ssts;
	size_t nsst, capsst;
	int in_si, rph;

	/* styles */
	struct numfmt *fmts;
	size_t nfmts;
	unsigned long *xf_fmt;	/* numFmtId of each cell format */
	size_t nxf;
	unsigned char *xf_date;	/* cell format shows a date */
	int in_xfs;

	/* worksheet */
	struct part sheet;
	int eof, suspended, done, row_ready;
	int in_data, in_row, in_cell, in_is;
	int collect;		/* character data goes to text */
	enum ctype type;
	unsigned long style;
	size_t col;		/* next column (0-based) */
	long last_row;
	struct buf text;
	struct table_row *out;
};

/* Errors. */

static int
damaged(struct kh_err *err)
{
	return kh_fail(err, KH_E_INVALID,
	    N_("The Excel file is damaged or incomplete. Open it in Excel, save"
	    " it again and retry."), NULL);
}

static int
too_big(struct table_xlsx *x, struct kh_err *err)
{
	char arg[32];

	snprintf(arg, sizeof(arg), "%llu",
	    (unsigned long long)(x->r->lim.max_unpacked >> 20));
	return kh_fail(err, KH_E_TOO_LARGE,
	    N_("The workbook is too large: it unpacks to more than %s MB."),
	    arg);
}

static int
bomb(struct table_xlsx *x, const char *name, struct kh_err *err)
{
	char arg[32];
	int rc;

	snprintf(arg, sizeof(arg), "%lu", (unsigned long)x->r->lim.max_ratio);
	rc = kh_fail(err, KH_E_TOO_LARGE,
	    N_("A part of the workbook is compressed more than %s times, as"
	    " only a malicious file is; it was not read."), arg);
	kh_err_detail(err, "entry %s", name);
	return rc;
}

/* Zip entries. */

static void
part_close(struct part *pt)
{
	if (pt->zf != NULL)
		zip_fclose(pt->zf);
	free(pt->name);
	memset(pt, 0, sizeof(*pt));
}

/* Open an entry: 0, 1 when there is none, or an error. */
static int
part_open(struct table_xlsx *x, const char *name, struct part *pt,
    struct kh_err *err)
{
	const struct table_limits *lim = &x->r->lim;
	zip_stat_t st;
	zip_int64_t idx;
	int code, rc;

	memset(pt, 0, sizeof(*pt));
	idx = zip_name_locate(x->za, name, 0);
	if (idx < 0)
		idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return 1;
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) != 0)
		return damaged(err);
	if ((st.valid & ZIP_STAT_SIZE) &&
	    st.size > lim->max_unpacked - x->unpacked)
		return too_big(x, err);
	if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) &&
	    st.size > RATIO_FLOOR && lim->max_ratio > 0 &&
	    (st.comp_size == 0 || st.size / st.comp_size > lim->max_ratio))
		return bomb(x, name, err);
	pt->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (pt->zf == NULL) {
		code = zip_error_code_zip(zip_get_error(x->za));
		if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP ||
		    code == ZIP_ER_WRONGPASSWD)
			return kh_fail(err, KH_E_INVALID,
			    N_("This workbook is protected by a password. Remove"
			    " the password in Excel, save it as .xlsx and try"
			    " again."), NULL);
		rc = damaged(err);
		kh_err_detail(err, "%s: %s", name,
		    zip_error_strerror(zip_get_error(x->za)));
		return rc;
	}
	pt->name = xstrdup(name);
	pt->comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	return 0;
}

/* Inflate up to n bytes: the count, 0 at the end, or an error. */
static long
part_read(struct table_xlsx *x, struct part *pt, void *dst, size_t n,
    struct kh_err *err)
{
	const struct table_limits *lim = &x->r->lim;
	zip_int64_t got;
	int rc;

	got = zip_fread(pt->zf, dst, n);
	if (got < 0) {
		rc = damaged(err);
		kh_err_detail(err, "%s: %s", pt->name,
		    zip_error_strerror(zip_file_get_error(pt->zf)));
		return rc;
	}
	pt->read += (uint64_t)got;
	x->unpacked += (uint64_t)got;
	if (x->unpacked > lim->max_unpacked)
		return too_big(x, err);
	if (pt->read > RATIO_FLOOR && lim->max_ratio > 0 &&
	    pt->read / lim->max_ratio > pt->comp)
		return bomb(x, pt->name, err);
	return (long)got;
}

/* XML. */

/*
 * Local name of an element: namespace prefixes are dropped, whatever they
 * are ("x:row" is "row"). Parsing without namespace processing is much
 * faster, and nothing in a workbook reuses a local name across namespaces
 * where it matters here.
 */
static const char *
lname(const XML_Char *n)
{
	const char *s = strchr(n, ':');

	return s != NULL ? s + 1 : n;
}

/* An attribute without prefix. */
static const char *
attr(const XML_Char **a, const char *name)
{
	for (; a[0] != NULL; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

/* An attribute with a prefix (r:id), other than a namespace declaration. */
static const char *
attr_ns(const XML_Char **a, const char *local)
{
	const char *s;

	for (; a[0] != NULL; a += 2) {
		s = strchr(a[0], ':');
		if (s != NULL && strcmp(s + 1, local) == 0 &&
		    strncmp(a[0], "xmlns:", 6) != 0)
			return a[1];
	}
	return NULL;
}

static void
xfail(struct table_xlsx *x, int rc)
{
	if (x->rc == 0)
		x->rc = rc;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	struct table_xlsx *x = ud;
	int rc;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	rc = damaged(x->err);
	kh_err_detail(x->err, "DTD in a workbook part");
	xfail(x, rc);
}

static XML_Parser
parser_new(struct table_xlsx *x, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate("UTF-8");

	if (p == NULL) {
		fputs("khuyenhoc: out of memory\n", stderr);
		abort();
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	return p;
}

static int
xml_error(struct table_xlsx *x, const char *name, struct kh_err *err)
{
	int rc;

	if (x->rc != 0)
		return x->rc;
	rc = damaged(err);
	kh_err_detail(err, "%s line %lu: %s", name,
	    (unsigned long)XML_GetCurrentLineNumber(x->p),
	    XML_ErrorString(XML_GetErrorCode(x->p)));
	return rc;
}

/*
 * Parse a whole part with the given handlers: 0, 1 when the part does not
 * exist, or an error.
 */
static int
parse_part(struct table_xlsx *x, const char *name,
    XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text, struct kh_err *err)
{
	struct part pt;
	void *buf;
	long n;
	int rc;

	rc = part_open(x, name, &pt, err);
	if (rc != 0)
		return rc;
	x->err = err;
	x->rc = 0;
	x->p = parser_new(x, start, end, text);
	do {
		buf = XML_GetBuffer(x->p, TABLE_CHUNK);
		if (buf == NULL) {
			rc = xml_error(x, name, err);
			break;
		}
		n = part_read(x, &pt, buf, TABLE_CHUNK, err);
		if (n < 0) {
			rc = (int)n;
			break;
		}
		if (XML_ParseBuffer(x->p, (int)n, n == 0) != XML_STATUS_OK) {
			rc = xml_error(x, name, err);
			break;
		}
	} while (n > 0);
	XML_ParserFree(x->p);
	x->p = NULL;
	part_close(&pt);
	return rc;
}

/* Workbook: sheets in tab order, the 1904 date system. */

static void XMLCALL
wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct table_xlsx *x = ud;
	const char *n = lname(name), *v;

	if (strcmp(n, "workbookPr") == 0) {
		v = attr(a, "date1904");
		x->date1904 = v != NULL && (strcmp(v, "1") == 0 ||
		    strcmp(v, "true") == 0);
	} else if (strcmp(n, "sheet") == 0 && x->nsheets < MAX_SHEETS) {
		v = attr_ns(a, "id");
		if (v == NULL)
			return;
		x->sheets = xrealloc(x->sheets,
		    (x->nsheets + 1) * sizeof(*x->sheets));
		x->sheets[x->nsheets].rid = xstrdup(v);
		v = attr(a, "state");
		x->sheets[x->nsheets].visible = v == NULL ||
		    strcmp(v, "visible") == 0;
		x->nsheets++;
	}
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void XMLCALL
no_text(void *ud, const XML_Char *s, int len)
{
	(void)ud;
	(void)s;
	(void)len;
}

/*
 * The zip path of a relationship target: relative to xl/ (where the
 * workbook part is), or from the root when it starts with '/'.
 */
static char *
resolve(const char *target)
{
	struct buf b = BUF_INIT;
	const char *seg, *end;
	size_t n, cut;

	if (target[0] == '/')
		target++;
	else
		buf_puts(&b, "xl/");
	for (seg = target; *seg != '\0'; seg = *end != '\0' ? end + 1 : end) {
		end = strchr(seg, '/');
		if (end == NULL)
			end = seg + strlen(seg);
		n = (size_t)(end - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			/* Drop the last directory of what is built. */
			cut = b.len > 0 ? b.len - 1 : 0;
			while (cut > 0 && b.data[cut - 1] != '/')
				cut--;
			b.len = cut;
			if (b.data != NULL)
				b.data[cut] = '\0';
			continue;
		}
		buf_append(&b, seg, n);
		if (*end == '/')
			buf_putc(&b, '/');
	}
	return buf_steal(&b);
}

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct table_xlsx *x = ud;
	const char *id, *target, *type, *mode, *slash;
	struct rel *rl;

	if (strcmp(lname(name), "Relationship") != 0 || x->nrels >= MAX_RELS)
		return;
	id = attr(a, "Id");
	target = attr(a, "Target");
	type = attr(a, "Type");
	mode = attr(a, "TargetMode");
	if (id == NULL || target == NULL || type == NULL ||
	    (mode != NULL && strcmp(mode, "External") == 0))
		return;
	slash = strrchr(type, '/');
	x->rels = xrealloc(x->rels, (x->nrels + 1) * sizeof(*x->rels));
	rl = &x->rels[x->nrels++];
	rl->id = xstrdup(id);
	rl->target = resolve(target);
	rl->type = xstrdup(slash != NULL ? slash + 1 : type);
}

static const struct rel *
rel_by_id(const struct table_xlsx *x, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, id) == 0)
			return &x->rels[i];
	return NULL;
}

static const char *
rel_by_type(const struct table_xlsx *x, const char *type, const char *dflt)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].type, type) == 0)
			return x->rels[i].target;
	return dflt;
}

/* The first visible worksheet, else the first one, else sheet1.xml. */
static const char *
first_sheet(const struct table_xlsx *x)
{
	const struct rel *rl, *any = NULL;

	for (size_t i = 0; i < x->nsheets; i++) {
		rl = rel_by_id(x, x->sheets[i].rid);
		if (rl == NULL || strcmp(rl->type, "worksheet") != 0)
			continue;
		if (x->sheets[i].visible)
			return rl->target;
		if (any == NULL)
			any = rl;
	}
	return any != NULL ? any->target : "xl/worksheets/sheet1.xml";
}

/* Shared strings. */

/*
 * Raw bytes of a shared string kept for cleaning: spaces and escapes may
 * shrink it below max_cell_bytes, but not by more than this.
 */
static size_t
sst_cap(const struct table_xlsx *x)
{
	size_t m = x->r->lim.max_cell_bytes;

	return m > SIZE_MAX / 8 ? m : 4 * m + 64;
}

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct table_xlsx *x = ud;
	const char *n = lname(name);

	(void)a;
	if (strcmp(n, "si") == 0) {
		x->in_si = 1;
		x->rph = 0;
		buf_reset(&x->text);
	} else if (strcmp(n, "rPh") == 0)
		x->rph++;
	else if (strcmp(n, "t") == 0 && x->in_si && x->rph == 0)
		x->collect = 1;
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
	struct table_xlsx *x = ud;
	const char *n = lname(name);
	struct sst_ent *e;

	if (strcmp(n, "t") == 0)
		x->collect = 0;
	else if (strcmp(n, "rPh") == 0 && x->rph > 0)
		x->rph--;
	else if (strcmp(n, "si") == 0 && x->in_si) {
		x->in_si = 0;
		if (x->nsst == x->capsst) {
			x->capsst = x->capsst ? x->capsst * 2 : 1024;
			x->ssts = xrealloc(x->ssts, x->capsst * sizeof(*x->ssts));
		}
		e = &x->ssts[x->nsst++];
		e->off = x->sst.len;
		if (x->text.len > sst_cap(x)) {
			e->len = SIZE_MAX;	/* refused if a cell uses it */
			return;
		}
		x->text.len = table_unescape_ooxml(x->text.data, x->text.len);
		table_clean(x->text.data, x->text.len, &x->r->clean);
		if (x->r->clean.len > x->r->lim.max_cell_bytes) {
			e->len = SIZE_MAX;
			return;
		}
		e->len = x->r->clean.len;
		buf_append(&x->sst, x->r->clean.data, x->r->clean.len + 1);
	}
}

static void XMLCALL
sst_text(void *ud, const XML_Char *s, int len)
{
	struct table_xlsx *x = ud;

	/* Past the cap only the length matters. */
	if (x->collect && x->text.len <= sst_cap(x))
		buf_append(&x->text, s, (size_t)len);
}

/* Styles: which cell formats show dates. */

/* Built-in number formats that show dates (ECMA-376 18.8.30). */
static int
builtin_date(unsigned long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
	    (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/*
 * A format code shows a date when, outside quoted text, [brackets] and
 * escaped characters, it holds d or y, or m without h or s (with them, m is
 * minutes: "h:mm" is a time).
 */
static int
code_is_date(const char *s)
{
	int d = 0, m = 0, hs = 0;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			s = strchr(s + 1, '"');
			if (s == NULL)
				return d || (m && !hs);
			break;
		case '[':
			s = strchr(s + 1, ']');
			if (s == NULL)
				return d || (m && !hs);
			break;
		case '\\':
		case '_':
		case '*':
			if (s[1] != '\0')
				s++;
			break;
		case 'd': case 'D': case 'y': case 'Y':
			d = 1;
			break;
		case 'm': case 'M':
			m = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			hs = 1;
			break;
		case ';':
			/* Sections for positive, negative, zero: the first tells. */
			return d || (m && !hs);
		}
	}
	return d || (m && !hs);
}

static void XMLCALL
styles_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct table_xlsx *x = ud;
	const char *n = lname(name), *id, *code;

	if (strcmp(n, "cellXfs") == 0)
		x->in_xfs = 1;
	else if (strcmp(n, "xf") == 0 && x->in_xfs && x->nxf < MAX_XFS) {
		id = attr(a, "numFmtId");
		if (x->nxf % 1024 == 0)
			x->xf_fmt = xrealloc(x->xf_fmt,
			    (x->nxf + 1024) * sizeof(*x->xf_fmt));
		x->xf_fmt[x->nxf++] = id != NULL ? strtoul(id, NULL, 10) : 0;
	} else if (strcmp(n, "numFmt") == 0 && x->nfmts < MAX_NUMFMTS) {
		id = attr(a, "numFmtId");
		code = attr(a, "formatCode");
		if (id == NULL || code == NULL)
			return;
		if ((x->nfmts & (x->nfmts - 1)) == 0)	/* 0, 1, 2, 4...: double */
			x->fmts = xrealloc(x->fmts,
			    (x->nfmts ? 2 * x->nfmts : 1) * sizeof(*x->fmts));
		x->fmts[x->nfmts].id = strtoul(id, NULL, 10);
		x->fmts[x->nfmts].date = code_is_date(code);
		x->nfmts++;
	}
}

static void XMLCALL
styles_end(void *ud, const XML_Char *name)
{
	struct table_xlsx *x = ud;

	if (strcmp(lname(name), "cellXfs") == 0)
		x->in_xfs = 0;
}

static int
fmt_cmp(const void *a, const void *b)
{
	const struct numfmt *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void
styles_done(struct table_xlsx *x)
{
	struct numfmt key = {0, 0};
	const struct numfmt *f;
	size_t i;

	/* Sorted, so that a hostile styles part costs n log n, not n * m. */
	if (x->nfmts > 1)
		qsort(x->fmts, x->nfmts, sizeof(*x->fmts), fmt_cmp);
	x->xf_date = xcalloc(x->nxf + 1, 1);
	for (i = 0; i < x->nxf; i++) {
		key.id = x->xf_fmt[i];
		f = x->nfmts > 0 ? bsearch(&key, x->fmts, x->nfmts,
		    sizeof(*x->fmts), fmt_cmp) : NULL;
		/* A format defined in the workbook overrides a built-in one. */
		x->xf_date[i] = (unsigned char)(f != NULL ? f->date :
		    builtin_date(x->xf_fmt[i]));
	}
}

/* Worksheet. */

/* Column of a reference like "AB12" (0-based), or -1. */
static long
ref_col(const char *ref)
{
	long col = 0;
	int n = 0;

	for (; *ref >= 'A' && *ref <= 'Z' && n < 4; ref++, n++)
		col = col * 26 + (*ref - 'A' + 1);
	if (n == 0 || n == 4)
		return -1;
	return col - 1;
}

static void XMLCALL
ws_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct table_xlsx *x = ud;
	const char *n = lname(name), *v;
	long c, rn;
	char *end;

	if (!x->in_data) {
		if (strcmp(n, "sheetData") == 0)
			x->in_data = 1;
		return;
	}
	if (strcmp(n, "row") == 0) {
		v = attr(a, "r");
		rn = v != NULL ? strtol(v, &end, 10) : 0;
		if (rn <= 0)
			rn = x->last_row + 1;
		x->last_row = rn;
		x->in_row = 1;
		x->col = 0;
		table_row_begin(x->r, rn);
	} else if (strcmp(n, "c") == 0 && x->in_row) {
		x->in_cell = 1;
		buf_reset(&x->text);
		v = attr(a, "r");
		c = v != NULL ? ref_col(v) : -1;
		if (c > (long)x->col) {
			table_row_skip(x->r, (size_t)c - x->col);
			x->col = (size_t)c;
		}
		v = attr(a, "t");
		x->type = CT_N;
		if (v != NULL) {
			if (strcmp(v, "s") == 0)
				x->type = CT_S;
			else if (strcmp(v, "str") == 0)
				x->type = CT_STR;
			else if (strcmp(v, "inlineStr") == 0)
				x->type = CT_INLINE;
			else if (strcmp(v, "b") == 0)
				x->type = CT_B;
			else if (strcmp(v, "e") == 0)
				x->type = CT_E;
			else if (strcmp(v, "d") == 0)
				x->type = CT_D;
		}
		v = attr(a, "s");
		x->style = v != NULL ? strtoul(v, NULL, 10) : 0;
	} else if (x->in_cell) {
		if (strcmp(n, "v") == 0)
			x->collect = 1;
		else if (strcmp(n, "is") == 0) {
			x->in_is = 1;
			x->rph = 0;
		} else if (strcmp(n, "rPh") == 0)
			x->rph++;
		else if (strcmp(n, "t") == 0 && x->in_is && x->rph == 0)
			x->collect = 1;
	}
}

/* The value of the cell just ended, added to the row. */
static int
cell_end(struct table_xlsx *x)
{
	struct table_reader *r = x->r;
	char num[96], *end;
	const char *s = x->text.data != NULL ? x->text.data : "";
	size_t len = x->text.len;
	const struct sst_ent *e;
	unsigned long idx;
	double v;

	switch (x->type) {
	case CT_S:
		if (len == 0)
			return table_row_cell(r, "", 0, 0, x->err);
		idx = strtoul(s, &end, 10);
		if (*end != '\0' || idx >= x->nsst) {
			kh_err_detail(x->err, "shared string %s of %zu", s,
			    x->nsst);
			return damaged(x->err);
		}
		e = &x->ssts[idx];
		if (e->len == SIZE_MAX)
			return table_fail_cell_size(r, x->err);
		return table_row_cell(r, x->sst.data + e->off, e->len, 0,
		    x->err);
	case CT_STR:
	case CT_INLINE:
		len = table_unescape_ooxml(x->text.data, len);
		return table_row_cell(r, s, len, 1, x->err);
	case CT_E:
		return table_row_cell(r, "", 0, 0, x->err);
	case CT_D:
		if (len >= 10 && s[4] == '-' && s[7] == '-')
			len = 10;
		return table_row_cell(r, s, len, 1, x->err);
	case CT_B:
		return table_row_cell(r, s, len, 1, x->err);
	case CT_N:
		break;
	}
	if (len == 0)
		return table_row_cell(r, "", 0, 0, x->err);
	if (x->style < x->nxf && x->xf_date[x->style]) {
		v = strtod(s, &end);
		if (*end == '\0' && isfinite(v) && v >= 0 && v < 3e6) {
			/* To the millisecond first: 0.99999999 of a day is 1. */
			v = floor(round(v * 86400000.0) / 86400000.0);
			if (table_serial_to_iso((long)v, x->date1904, num) == 0)
				return table_row_cell(r, num, 10, 0, x->err);
		}
	}
	if (table_number_text(s, len, num, sizeof(num)))
		return table_row_cell(r, num, strlen(num), 0, x->err);
	return table_row_cell(r, s, len, 1, x->err);
}

static void XMLCALL
ws_end(void *ud, const XML_Char *name)
{
	struct table_xlsx *x = ud;
	const char *n = lname(name);
	int rc;

	if (!x->in_data)
		return;
	if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0)
		x->collect = 0;
	else if (strcmp(n, "rPh") == 0 && x->rph > 0)
		x->rph--;
	else if (strcmp(n, "is") == 0)
		x->in_is = 0;
	else if (strcmp(n, "c") == 0 && x->in_cell) {
		x->in_cell = 0;
		x->collect = 0;
		rc = cell_end(x);
		x->col++;
		if (rc < 0)
			xfail(x, rc);
	} else if (strcmp(n, "row") == 0 && x->in_row) {
		x->in_row = 0;
		rc = table_row_end(x->r, x->out, x->err);
		if (rc < 0)
			xfail(x, rc);
		else if (rc == 1) {
			x->row_ready = 1;
			XML_StopParser(x->p, XML_TRUE);
		}
	} else if (strcmp(n, "sheetData") == 0) {
		/* What follows (merged cells, print settings) is not needed. */
		x->in_data = 0;
		x->done = 1;
		XML_StopParser(x->p, XML_TRUE);
	}
}

static void XMLCALL
ws_text(void *ud, const XML_Char *s, int len)
{
	struct table_xlsx *x = ud;

	if (!x->collect)
		return;
	if (x->text.len + (size_t)len > x->r->lim.max_cell_bytes) {
		x->collect = 0;
		xfail(x, table_fail_cell_size(x->r, x->err));
		return;
	}
	buf_append(&x->text, s, (size_t)len);
}

/* The reader. */

static int
open_zip(struct table_xlsx *x, const char *path, const void *mem,
    size_t len, struct kh_err *err)
{
	zip_source_t *src;
	zip_error_t ze;
	int code = 0, rc;

	zip_error_init(&ze);
	if (path != NULL)
		x->za = zip_open(path, ZIP_RDONLY, &code);
	else {
		src = zip_source_buffer_create(mem, len, 0, &ze);
		if (src != NULL) {
			x->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
			if (x->za == NULL)
				zip_source_free(src);
		}
		code = zip_error_code_zip(&ze);
	}
	zip_error_fini(&ze);
	if (x->za != NULL)
		return 0;
	if (code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
		rc = kh_fail(err, KH_E_IO, N_("The file cannot be read."), NULL);
		kh_err_detail(err, "zip_open: error %d", code);
		return rc;
	}
	rc = damaged(err);
	zip_error_init_with_code(&ze, code);
	kh_err_detail(err, "zip_open: %s", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return rc;
}

int
table_xlsx_open(struct table_reader *r, const char *path, const void *mem,
    size_t len, struct kh_err *err)
{
	struct table_xlsx *x = xcalloc(1, sizeof(*x));
	const char *name;
	int rc;

	r->xlsx = x;
	r->format = "xlsx";
	x->r = r;
	if ((rc = open_zip(x, path, mem, len, err)) != 0)
		return rc;
	rc = parse_part(x, "xl/workbook.xml", wb_start, no_end, no_text, err);
	if (rc == 1)
		return kh_fail(err, KH_E_INVALID,
		    N_("This file is not an Excel workbook (.xlsx)."), NULL);
	if (rc != 0)
		return rc;
	rc = parse_part(x, "xl/_rels/workbook.xml.rels", rels_start, no_end,
	    no_text, err);
	if (rc < 0)
		return rc;
	name = rel_by_type(x, "styles", "xl/styles.xml");
	rc = parse_part(x, name, styles_start, styles_end, no_text, err);
	if (rc < 0)
		return rc;
	styles_done(x);
	name = rel_by_type(x, "sharedStrings", "xl/sharedStrings.xml");
	rc = parse_part(x, name, sst_start, sst_end, sst_text, err);
	buf_free(&x->text);
	if (rc < 0)
		return rc;
	name = first_sheet(x);
	rc = part_open(x, name, &x->sheet, err);
	if (rc == 1)
		return kh_fail(err, KH_E_INVALID,
		    N_("The workbook has no worksheet."), NULL);
	if (rc != 0)
		return rc;
	x->err = err;
	x->p = parser_new(x, ws_start, ws_end, ws_text);
	return 0;
}

int
table_xlsx_next(struct table_reader *r, struct table_row *row,
    struct kh_err *err)
{
	struct table_xlsx *x = r->xlsx;
	enum XML_Status st;
	void *buf;
	long n;

	x->err = err;
	x->rc = 0;
	x->out = row;
	x->row_ready = 0;
	for (;;) {
		if (x->done)
			return 0;
		if (x->suspended) {
			x->suspended = 0;
			st = XML_ResumeParser(x->p);
		} else if (x->eof) {
			x->done = 1;
			return 0;
		} else {
			buf = XML_GetBuffer(x->p, TABLE_CHUNK);
			if (buf == NULL)
				return xml_error(x, x->sheet.name, err);
			n = part_read(x, &x->sheet, buf, TABLE_CHUNK, err);
			if (n < 0)
				return (int)n;
			x->eof = n == 0;
			st = XML_ParseBuffer(x->p, (int)n, x->eof);
		}
		if (st == XML_STATUS_ERROR)
			return xml_error(x, x->sheet.name, err);
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = 1;
		if (x->row_ready)
			return 1;
	}
}

void
table_xlsx_free(struct table_reader *r)
{
	struct table_xlsx *x = r->xlsx;
	size_t i;

	if (x == NULL)
		return;
	if (x->p != NULL)
		XML_ParserFree(x->p);
	part_close(&x->sheet);
	if (x->za != NULL)
		zip_discard(x->za);
	for (i = 0; i < x->nsheets; i++)
		free(x->sheets[i].rid);
	free(x->sheets);
	for (i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].target);
		free(x->rels[i].type);
	}
	free(x->rels);
	buf_free(&x->sst);
	free(x->ssts);
	free(x->fmts);
	free(x->xf_fmt);
	free(x->xf_date);
	buf_free(&x->text);
	free(x);
	r->xlsx = NULL;
}
