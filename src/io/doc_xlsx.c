/*
 * doc_xlsx.c - lists as .xlsx files with libxlsxwriter, laid out the way
 * offices keep them: a title row merged across the columns, a bold bordered
 * header row frozen at the top and repeated on printed pages, one bordered
 * row per record, A4 fitted to the page width.
 *
 * What is a number matters: an amount must add up in Excel, but an ID card
 * number ("001234567890"), a household code or a phone number must keep its
 * leading zeros and all its digits, so such columns are written as text.
 *
 * The font is Times New Roman, the font of official documents (Decree
 * 30/2020/NĐ-CP, Appendix I, I.4): the file is opened on the reader's
 * machine, where Office has it (LibreOffice maps it to Liberation Serif).
 */
#include "io/doc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "core/buf.h"
#include "core/vntext.h"
#include "io/doc_impl.h"

#define XLSX_FONT	"Times New Roman"
#define XLSX_SIZE	12
#define TITLE_SIZE	14
#define MAX_ROWS	1048576L	/* Excel's sheet limits */
#define MAX_COLS	16384
#define SAMPLE_ROWS	2000		/* rows read to guess types and widths */
#define MAX_CELL_CHARS	32767		/* characters in one cell */

/*
 * Above this many cells the sheet is streamed row by row to a temporary file
 * (libxlsxwriter's constant_memory mode: strings are then written inline, not
 * shared), so a list of a whole city does not sit in memory cell by cell.
 */
#define STREAM_CELLS	200000

/*
 * The value of s when s is entirely a plain decimal number Excel keeps
 * exactly: an optional minus, digits without a leading zero (but "0" and
 * "0.5"), an optional fraction, at most 15 significant digits. Anything else
 * ("1.500.000", "1e5", " 12", "007") stays text.
 */
static int
parse_number(const char *s, double *v)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		for (; *p >= '0' && *p <= '9'; p++)
			digits++;
	}
	if (*p != '\0' || digits > 15)
		return 0;
	*v = strtod(s, NULL);
	return 1;
}

/* True when the search key contains phrase as whole words. */
static int
key_has(const char *key, const char *phrase)
{
	size_t n = strlen(phrase);

	for (const char *p = strstr(key, phrase); p != NULL; p = strstr(p + 1, phrase))
		if ((p == key || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/*
 * A column is text when its header names codes, ID or phone numbers (its
 * search key holds "cccd", "cmnd", "ma", "so dien thoai", ...) or when one of
 * its values is a digit string with a leading zero.
 */
static int
guess_text(const struct doc_sheet *s, size_t c)
{
	static const char *const words[] = {"cccd", "cmnd", "ma", "ma so",
	    "so dien thoai", "dien thoai", "sdt", "so dt", "dinh danh",
	    "ho chieu", "so tai khoan", "stk", "mst", NULL};
	char *key = vn_search_key(s->header[c] != NULL ? s->header[c] : "");
	int text = 0;

	for (const char *const *w = words; *w != NULL && !text; w++)
		text = key_has(key, *w);
	free(key);
	for (size_t r = 0; r < s->nrows && r < SAMPLE_ROWS && !text; r++) {
		const char *v = s->cells[r * s->ncols + c];

		if (v != NULL && v[0] == '0' && v[1] >= '0' && v[1] <= '9')
			text = 1;
	}
	return text;
}

/* Amount columns get thousands separators ("#,##0"): "Số tiền",
 * "Kinh phí", "Thành tiền (đồng)". */
static int
money_column(const char *header)
{
	char *key = vn_search_key(header != NULL ? header : "");
	int money = key_has(key, "tien") || key_has(key, "kinh phi") ||
	    key_has(key, "dong");

	free(key);
	return money;
}

/* Letters in s (UTF-8 code points). */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Letters in the longest word of s. */
static size_t
longest_word(const char *s)
{
	size_t best = 0, cur = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n') {
			cur = 0;
			continue;
		}
		if (((unsigned char)*s & 0xC0) != 0x80 && ++cur > best)
			best = cur;
	}
	return best;
}

/*
 * Width in Excel character units: the longest value (sampled), the header
 * may wrap at words; between 5 and 50, longer values wrap. Band rows span
 * every column and do not count.
 */
static double
column_width(const struct doc_sheet *s, const unsigned char *bands, size_t c)
{
	size_t w = longest_word(s->header[c]), h = chars(s->header[c]);

	if (h / 2 > w)
		w = h / 2;
	for (size_t r = 0; r < s->nrows && r < SAMPLE_ROWS; r++) {
		size_t n = bands != NULL && bands[r] ? 0 :
		    chars(s->cells[r * s->ncols + c]);

		if (n > w)
			w = n;
	}
	if (w > 50)
		w = 50;
	/* Times New Roman 12 is wider than the default Calibri 11 unit. */
	return w < 4 ? 5 : (double)w * 1.15 + 2;
}

/*
 * Excel's rules for a sheet name: at most 31 characters, none of []:*?/\,
 * not starting or ending with an apostrophe. From the title, or "Danh sách".
 */
static void
sheet_name(const char *title, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	size_t n = 0;

	for (const char *p = title != NULL ? title : ""; *p != '\0'; ) {
		size_t len = 1;

		while ((((unsigned char)p[len]) & 0xC0) == 0x80)
			len++;
		if (strchr("[]:*?/\\", *p) != NULL || (unsigned char)*p < 0x20) {
			p += len;
			continue;
		}
		if (n == 31)
			break;
		buf_append(&b, p, len);
		n++;
		p += len;
	}
	while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\''))
		b.data[--b.len] = '\0';
	{
		const char *s = buf_str(&b);

		while (*s == ' ' || *s == '\'')
			s++;
		snprintf(out, outsz, "%s", *s != '\0' ? s : "Danh sách");
	}
	buf_free(&b);
}

static lxw_format *
new_format(lxw_workbook *wb, int bold, int size, int border)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_font_name(f, XLSX_FONT);
	format_set_font_size(f, size);
	if (bold)
		format_set_bold(f);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(f);
	return f;
}

static int
check_sheet(const struct doc_sheet *s, struct kh_err *err)
{
	int rc;

	if (s->ncols == 0 || s->header == NULL || (s->nrows > 0 && s->cells == NULL))
		return kh_fail(err, KH_E_INVALID, N_("The list has no columns."), NULL);
	if (s->ncols > MAX_COLS || s->nrows > (size_t)MAX_ROWS - 2)
		return kh_fail(err, KH_E_TOO_LARGE,
		    N_("The list is larger than a spreadsheet can hold."), NULL);
	if ((rc = doc_check_text(s->title, "title", err)) != 0)
		return rc;
	for (size_t c = 0; c < s->ncols; c++)
		if ((rc = doc_check_text(s->header[c], "header", err)) != 0)
			return rc;
	for (size_t i = 0; i < s->ncols * s->nrows; i++) {
		if ((rc = doc_check_text(s->cells[i], "cells", err)) != 0)
			return rc;
		if (s->cells[i] != NULL && chars(s->cells[i]) > MAX_CELL_CHARS) {
			rc = kh_fail(err, KH_E_TOO_LARGE,
			    N_("A cell is longer than a spreadsheet allows."), NULL);
			err->row = (long)(i / s->ncols) + 1;
			return rc;
		}
	}
	return 0;
}

int
doc_xlsx(const struct doc_sheet *s, const char *path, struct kh_err *err)
{
	return doc_xlsx_bands(s, NULL, path, err);
}

int
doc_xlsx_bands(const struct doc_sheet *s, const unsigned char *bands,
    const char *path, struct kh_err *err)
{
	lxw_workbook_options opt = {LXW_FALSE, NULL, LXW_FALSE};
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_format *f_title, *f_head, *f_text, *f_num, *f_money, *f_band;
	lxw_error e = LXW_NO_ERROR;
	int *text = NULL, *money = NULL;
	char name[128], *tmp = NULL;
	lxw_row_t hr = 0;
	int rc;

	assert(s != NULL && path != NULL);
	if ((rc = check_sheet(s, err)) != 0)
		return rc;
	rc = KH_E_IO;
	if ((tmp = doc_tmp_create(path, err)) == NULL)
		goto out;
	opt.constant_memory = s->ncols * s->nrows > STREAM_CELLS;
	if ((wb = workbook_new_opt(tmp, &opt)) == NULL) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		goto out;
	}
	sheet_name(s->title, name, sizeof(name));
	ws = workbook_add_worksheet(wb, name);
	assert(ws != NULL);	/* the name obeys Excel's rules */

	f_title = new_format(wb, 1, TITLE_SIZE, 0);
	format_set_align(f_title, LXW_ALIGN_CENTER);
	f_head = new_format(wb, 1, XLSX_SIZE, 1);
	format_set_align(f_head, LXW_ALIGN_CENTER);
	f_band = new_format(wb, 1, XLSX_SIZE, 1);
	f_text = new_format(wb, 0, XLSX_SIZE, 1);
	f_num = new_format(wb, 0, XLSX_SIZE, 1);
	f_money = new_format(wb, 0, XLSX_SIZE, 1);
	format_set_num_format(f_money, "#,##0");
	/* Text columns are formatted as text too ("@"): a value typed there
	 * later keeps its zeros. */
	format_set_num_format(f_text, "@");

	text = xcalloc(s->ncols, sizeof(int));
	money = xcalloc(s->ncols, sizeof(int));
	for (size_t c = 0; c < s->ncols; c++) {
		text[c] = s->text_cols != NULL ? s->text_cols[c] != 0 :
		    guess_text(s, c);
		money[c] = !text[c] && money_column(s->header[c]);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		    column_width(s, bands, c), NULL);
	}

	if (s->title != NULL && s->title[0] != '\0') {
		worksheet_set_row(ws, 0, 24, NULL);
		if (s->ncols > 1)
			e = worksheet_merge_range(ws, 0, 0, 0,
			    (lxw_col_t)(s->ncols - 1), s->title, f_title);
		else
			e = worksheet_write_string(ws, 0, 0, s->title, f_title);
		hr = 1;
	}
	for (size_t c = 0; c < s->ncols && e == LXW_NO_ERROR; c++)
		e = worksheet_write_string(ws, hr, (lxw_col_t)c,
		    s->header[c] != NULL ? s->header[c] : "", f_head);
	for (size_t r = 0; r < s->nrows && e == LXW_NO_ERROR; r++) {
		if (bands != NULL && bands[r]) {
			const char *v = s->cells[r * s->ncols];
			lxw_row_t row = hr + 1 + (lxw_row_t)r;

			e = s->ncols > 1 ? worksheet_merge_range(ws, row, 0, row,
			    (lxw_col_t)(s->ncols - 1), v != NULL ? v : "", f_band) :
			    worksheet_write_string(ws, row, 0, v != NULL ? v : "",
			    f_band);
			continue;
		}
		for (size_t c = 0; c < s->ncols && e == LXW_NO_ERROR; c++) {
			const char *v = s->cells[r * s->ncols + c];
			lxw_row_t row = hr + 1 + (lxw_row_t)r;
			double num;

			if (v == NULL || v[0] == '\0')
				e = worksheet_write_blank(ws, row, (lxw_col_t)c,
				    text[c] ? f_text : f_num);
			else if (!text[c] && parse_number(v, &num))
				e = worksheet_write_number(ws, row, (lxw_col_t)c, num,
				    money[c] ? f_money : f_num);
			else
				e = worksheet_write_string(ws, row, (lxw_col_t)c, v,
				    f_text);
		}
	}
	if (e != LXW_NO_ERROR) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "xlsxwriter: %s", lxw_strerror(e));
		goto out;
	}

	/* The header stays in view and on every printed page; A4, as wide as
	 * the page, landscape for wide lists. */
	worksheet_freeze_panes(ws, hr + 1, 0);
	worksheet_repeat_rows(ws, hr, hr);
	worksheet_autofilter(ws, hr, 0, hr + (lxw_row_t)s->nrows,
	    (lxw_col_t)(s->ncols - 1));
	worksheet_set_paper(ws, 9);
	if (s->ncols > 6)
		worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	{
		lxw_doc_properties props;

		memset(&props, 0, sizeof(props));
		props.title = (char *)(s->title != NULL ? s->title : "");
		props.author = "khuyenhoc";
		workbook_set_properties(wb, &props);
		e = workbook_close(wb);
	}
	wb = NULL;
	if (e != LXW_NO_ERROR) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "xlsxwriter: %s", lxw_strerror(e));
		goto out;
	}
	rc = doc_tmp_publish(tmp, path, err);
	tmp = NULL;
out:
	if (wb != NULL)
		workbook_close(wb);	/* frees it; the file is discarded below */
	doc_tmp_discard(tmp);
	free(text);
	free(money);
	return rc;
}
