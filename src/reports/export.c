/*
 * export.c - a consolidated report written out for people and for other
 * systems: CSV and JSON with every figure by field code, .xlsx in the
 * form's layout (one row per field, one column per unit, numbers as
 * numbers) and PDF in the official document format (Decree 30/2020). The
 * command line and the web pages call these same functions, so a report
 * downloaded from either is the same file.
 */
#include "reports/reports_impl.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "io/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One CSV field (RFC 4180): quoted when it holds a separator, a quote or a
 * line break, quotes doubled; NULL is empty. */
static void
csv_field(struct buf *b, bool crlf, const char *s, bool last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL)
		buf_puts(b, s);
	else {
		buf_putc(b, '"');
		for (const char *p = s; *p != '\0'; p++) {
			if (*p == '"')
				buf_putc(b, '"');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	}
	buf_puts(b, last ? (crlf ? "\r\n" : "\n") : ",");
}

void
reports_value_str(const struct report_field *f, bool has, int64_t v, char *out,
    size_t outsz)
{
	out[0] = '\0';
	if (!has)
		return;
	if (strcmp(f->kind, RF_PCT) == 0)
		reports_x100_str(v, out, outsz);
	else
		snprintf(out, outsz, "%lld", (long long)v);
}

void
reports_export_csv(const struct report_consolidated *c, const char *lang,
    bool crlf, struct buf *b)
{
	const struct report_form *f = &c->form;
	char v[48];
	size_t i, k;

	buf_puts(b, "section,code,");
	csv_field(b, crlf, "title", c->n == 0);
	for (i = 0; i < c->n; i++) {
		char *h = xasprintf("%s %s", c->rows[i].unit_code,
		    c->rows[i].unit_name);

		csv_field(b, crlf, h, i + 1 == c->n);
		free(h);
	}
	for (k = 0; k < f->n_fields; k++) {
		csv_field(b, crlf, f->fields[k].section, false);
		csv_field(b, crlf, f->fields[k].code, false);
		csv_field(b, crlf, f->fields[k].title_vi, c->n == 0);
		for (i = 0; i < c->n; i++) {
			const struct report_row *r = &c->rows[i];

			if (strcmp(f->fields[k].kind, RF_TEXT) == 0)
				csv_field(b, crlf, r->texts[k], i + 1 == c->n);
			else {
				reports_value_str(&f->fields[k], r->has[k], r->values[k], v,
				    sizeof(v));
				csv_field(b, crlf, v, i + 1 == c->n);
			}
		}
	}
	/* Where the figures came from. */
	buf_puts(b, ",_reports,");
	csv_field(b, crlf, i18n_tr(lang, N_("Approved reports counted")),
	    c->n == 0);
	for (i = 0; i < c->n; i++) {
		snprintf(v, sizeof(v), "%d", c->rows[i].n_reports);
		csv_field(b, crlf, v, i + 1 == c->n);
	}
	buf_puts(b, ",_shares,");
	csv_field(b, crlf, i18n_tr(lang, N_("Shares applied")),
	    c->n == 0);
	for (i = 0; i < c->n; i++)
		csv_field(b, crlf, c->rows[i].share_note, i + 1 == c->n);
}

json_t *
reports_export_json(const struct report_consolidated *c, const char *lang)
{
	const struct report_form *f = &c->form;
	json_t *rows = json_array(), *root, *fields = json_array();
	size_t i, k;

	for (k = 0; k < f->n_fields; k++)
		json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:s, s:s,"
		    " s:o}", "code", f->fields[k].code, "section",
		    f->fields[k].section, "kind", f->fields[k].kind, "title_vi",
		    f->fields[k].title_vi, "title_en", f->fields[k].title_en != NULL ?
		    f->fields[k].title_en : "", "source", f->fields[k].source != NULL ?
		    json_string(f->fields[k].source) : json_null()));
	for (i = 0; i < c->n; i++) {
		const struct report_row *r = &c->rows[i];
		json_t *vals = json_object();

		for (k = 0; k < f->n_fields; k++) {
			json_t *v;

			if (strcmp(f->fields[k].kind, RF_TEXT) == 0)
				v = r->texts[k] != NULL ? json_string(r->texts[k]) :
				    json_null();
			else if (!r->has[k])
				v = json_null();
			else if (strcmp(f->fields[k].kind, RF_PCT) == 0)
				v = json_real((double)r->values[k] / 100.0);
			else
				v = json_integer(r->values[k]);
			json_object_set_new(vals, f->fields[k].code, v);
		}
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:b, s:b,"
		    " s:i, s:b, s:s, s:o}", "unit", r->unit_code, "name",
		    r->unit_name, "kind", r->unit_kind, "total", r->total, "own",
		    r->own, "reports", r->n_reports, "share_applied",
		    r->share_applied, "shares", r->share_note, "values", vals));
	}
	root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "form", f->code,
	    "title_vi", f->title_vi, "period", c->period.code, "structure",
	    c->structure, "basis", i18n_tr(lang, N_("Sum of approved"
	    " reports; percentages recomputed from their numerator and"
	    " denominator")), "fields", fields, "rows", rows);
	return root;
}

/* The cells of the form's layout: one row per field, the asked unit and
 * (up to max_units) its children as columns. */
static const char **
layout_cells(const struct report_consolidated *c, size_t ncols_units,
    bool with_section, struct buf *store, size_t *nrows)
{
	const struct report_form *f = &c->form;
	size_t lead = with_section ? 3 : 2, ncols = lead + ncols_units;
	const char **cells;
	char **owned;
	size_t k, i, n = 0;

	cells = xcalloc((f->n_fields + 2) * ncols + 1, sizeof(*cells));
	owned = xcalloc((f->n_fields + 2) * ncols + 1, sizeof(*owned));
	for (k = 0; k < f->n_fields; k++) {
		char **row = &owned[n * ncols];

		if (with_section)
			row[0] = xstrdup(f->fields[k].section);
		row[lead - 2] = xstrdup(f->fields[k].code);
		row[lead - 1] = xstrdup(f->fields[k].title_vi);
		for (i = 0; i < ncols_units; i++) {
			const struct report_row *r = &c->rows[i];
			char v[48];

			if (strcmp(f->fields[k].kind, RF_TEXT) == 0)
				row[lead + i] = xstrdup(r->texts[k] != NULL ?
				    r->texts[k] : "");
			else {
				reports_value_str(&f->fields[k], r->has[k], r->values[k], v,
				    sizeof(v));
				row[lead + i] = xstrdup(v);
			}
		}
		n++;
	}
	{
		char **row = &owned[n * ncols];

		if (with_section)
			row[0] = xstrdup("");
		row[lead - 2] = xstrdup("");
		row[lead - 1] = xstrdup(i18n_tr("vi", N_("Approved reports counted")));
		for (i = 0; i < ncols_units; i++)
			row[lead + i] = xasprintf("%d", c->rows[i].n_reports);
		n++;
		row = &owned[n * ncols];
		if (with_section)
			row[0] = xstrdup("");
		row[lead - 2] = xstrdup("");
		row[lead - 1] = xstrdup(i18n_tr("vi", N_("Shares applied")));
		for (i = 0; i < ncols_units; i++)
			row[lead + i] = xstrdup(c->rows[i].share_note);
		n++;
	}
	for (i = 0; i < n * ncols; i++)
		cells[i] = owned[i] != NULL ? owned[i] : "";
	/* The strings are freed through the store's list of pointers. */
	buf_append(store, &owned, sizeof(owned));
	*nrows = n;
	return cells;
}

static void
layout_free(struct buf *store, size_t count)
{
	char **owned;

	if (store->len < sizeof(owned))
		return;
	memcpy(&owned, store->data, sizeof(owned));
	for (size_t i = 0; i < count; i++)
		free(owned[i]);
	free(owned);
	buf_free(store);
}

static const struct report_section *
section_of(const struct report_form *f, const char *code)
{
	for (size_t i = 0; i < f->n_sections; i++)
		if (strcmp(f->sections[i].code, code) == 0)
			return &f->sections[i];
	return NULL;
}

int
reports_export_xlsx(const struct report_consolidated *c, const char *out,
    struct kh_err *err)
{
	struct buf store = {0};
	const char **header, **cells;
	struct doc_sheet s;
	size_t nrows, i, r, nb, nbands = 0, ncols = 3 + c->n;
	const char **all;
	unsigned char *bands;
	char **labels;
	int *text_cols;
	char *title;
	int rc;

	header = xcalloc(ncols + 1, sizeof(*header));
	text_cols = xcalloc(ncols + 1, sizeof(*text_cols));
	header[0] = "Mục";
	header[1] = "Mã chỉ tiêu";
	header[2] = "Chỉ tiêu";
	text_cols[0] = text_cols[1] = text_cols[2] = 1;
	for (i = 0; i < c->n; i++)
		header[3 + i] = c->rows[i].unit_name;
	cells = layout_cells(c, c->n, true, &store, &nrows);
	/* A band row heads each section ("I. Tổ chức"), merged across the
	 * columns as on the paper form. */
	for (i = 0; i < c->form.n_fields; i++)
		if (i == 0 || strcmp(c->form.fields[i].section,
		    c->form.fields[i - 1].section) != 0)
			nbands++;
	all = xcalloc((nrows + nbands) * ncols + 1, sizeof(*all));
	bands = xcalloc(nrows + nbands + 1, 1);
	labels = xcalloc(nbands + 1, sizeof(*labels));
	for (i = 0, r = 0, nb = 0; i < nrows; i++) {
		if (i < c->form.n_fields && (i == 0 ||
		    strcmp(c->form.fields[i].section,
		    c->form.fields[i - 1].section) != 0)) {
			const struct report_section *sec = section_of(&c->form,
			    c->form.fields[i].section);

			labels[nb] = xasprintf("%s. %s", c->form.fields[i].section,
			    sec != NULL ? sec->title_vi : "");
			all[r * ncols] = labels[nb++];
			for (size_t k = 1; k < ncols; k++)
				all[r * ncols + k] = "";
			bands[r++] = 1;
		}
		memcpy(&all[r * ncols], &cells[i * ncols], ncols * sizeof(*all));
		r++;
	}
	title = xasprintf("%s - %s (%s)", c->form.title_vi, c->period.code,
	    strcmp(c->structure, REPORT_OLD) == 0 ? "cơ cấu trước 01/7/2025" :
	    "cơ cấu từ 01/7/2025");
	s.title = title;
	s.ncols = ncols;
	s.header = header;
	s.text_cols = text_cols;
	s.nrows = r;
	s.cells = all;
	rc = doc_xlsx_bands(&s, bands, out, err);
	layout_free(&store, nrows * ncols);
	for (i = 0; i < nb; i++)
		free(labels[i]);
	free(labels);
	free(bands);
	free(all);
	free(cells);
	free(title);
	free(header);
	free(text_cols);
	return rc;
}

#define PDF_UNITS_MAX 5

int
reports_export_pdf(const struct report_consolidated *c, const char *out,
    struct kh_err *err)
{
	const struct report_form *f = &c->form;
	struct buf store = {0};
	struct doc_block blocks[4];
	struct doc_table table;
	const char **header, **cells;
	size_t nunits = c->n > PDF_UNITS_MAX ? 1 : c->n, nrows, i, nb = 0;
	char *issuer, *summary, *para, today[DATE_LEN], from[DATE_LEN];
	char to[DATE_LEN];
	static const char *const auth[] = {"TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", NULL};
	static const char *const recipients[] = {"- Như trên;", "- Lưu: VT.",
	    NULL};
	struct doc d;
	int rc;

	header = xcalloc(nunits + 3, sizeof(*header));
	header[0] = "Mã";
	header[1] = "Chỉ tiêu";
	for (i = 0; i < nunits; i++)
		header[2 + i] = c->rows[i].unit_name;
	cells = layout_cells(c, nunits, false, &store, &nrows);
	memset(&table, 0, sizeof(table));
	table.ncols = 2 + nunits;
	table.header = header;
	table.nrows = nrows;
	table.cells = cells;
	issuer = xasprintf("HỘI KHUYẾN HỌC %s", c->rows[0].unit_name);
	date_display(c->period.from, from);
	date_display(c->period.to, to);
	summary = xasprintf("%s, từ ngày %s đến ngày %s", f->title_vi, from, to);
	para = xasprintf("Số liệu tổng hợp từ %d báo cáo đã được duyệt của các"
	    " đơn vị trực thuộc, theo cơ cấu đơn vị hành chính %s; tỷ lệ được"
	    " tính lại từ tử số và mẫu số.%s", c->rows[0].n_reports,
	    strcmp(c->structure, REPORT_OLD) == 0 ? "trước ngày 01/7/2025" :
	    "từ ngày 01/7/2025", c->rows[0].share_applied ?
	    " Một số số liệu được phân bổ theo tỷ lệ cho các đơn vị sáp nhập một"
	    " phần (dòng \"Tỷ lệ phân bổ đã áp dụng\")." : "");
	memset(blocks, 0, sizeof(blocks));
	blocks[nb].kind = DOC_PARA;
	blocks[nb++].text = para;
	blocks[nb].kind = DOC_TABLE;
	blocks[nb++].table = &table;
	memset(&d, 0, sizeof(d));
	date_today(today);
	d.issuer = issuer;
	d.number = "Số: ...../BC-HKH";
	d.place = "";
	d.date = today;
	d.type = "Báo cáo";
	d.summary = summary;
	d.blocks = blocks;
	d.nblocks = nb;
	d.sign_authority = auth;
	d.signer = "";
	d.recipients = recipients;
	d.landscape = nunits > 2;
	rc = doc_pdf(&d, out, err);
	layout_free(&store, nrows * table.ncols);
	free(cells);
	free(header);
	free(issuer);
	free(summary);
	free(para);
	return rc;
}
