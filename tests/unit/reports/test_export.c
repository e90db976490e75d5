/*
 * The exports of a consolidated report (export.c) on a report built by
 * hand: the CSV keeps the form's layout with codes, quoted titles and the
 * rows of reports counted and shares; the JSON carries every figure by code
 * with its field's source and the share flags; a percentage is written with
 * a decimal point. The .xlsx and PDF files are read back by the integration
 * tests (reports.test.mjs, reportweb.test.mjs).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "core/buf.h"
#include "reports/reports.h"

static const char form_json[] = "{\"code\": \"t\", \"title_vi\": \"Thử\","
    " \"title_en\": \"Test\", \"period_kind\": \"year\", \"sections\": [{"
    "\"code\": \"I\", \"title_vi\": \"Mục một\", \"title_en\": \"One\","
    " \"fields\": ["
    "{\"code\": \"clcs\", \"kind\": \"int\", \"source\": \"clcs\","
    " \"title_vi\": \"Số trung tâm\", \"title_en\": \"Centres\"},"
    "{\"code\": \"classes\", \"kind\": \"int\","
    " \"title_vi\": \"Số lớp, chuyên đề\", \"title_en\": \"Classes\"},"
    "{\"code\": \"lit\", \"kind\": \"int\","
    " \"title_vi\": \"Xóa mù chữ\", \"title_en\": \"Literacy\"},"
    "{\"code\": \"share\", \"kind\": \"pct\", \"num\": \"lit\","
    " \"den\": \"classes\", \"title_vi\": \"Tỷ lệ\", \"title_en\": \"Rate\"}"
    "]}]}";

static void
row(struct report_row *r, size_t nf, const char *code, const char *name,
    bool total, const int64_t *vals, bool share)
{
	r->unit_code = xstrdup(code);
	r->unit_name = xstrdup(name);
	r->unit_kind = xstrdup(total ? "province" : "commune");
	r->total = total;
	r->n_reports = total ? 2 : 1;
	r->share_applied = share;
	r->share_note = xstrdup(share ? "11344: 40%" : "");
	r->values = xcalloc(nf, sizeof(*r->values));
	r->has = xcalloc(nf, sizeof(*r->has));
	r->texts = xcalloc(nf, sizeof(*r->texts));
	for (size_t k = 0; k < nf; k++) {
		r->values[k] = vals[k];
		r->has[k] = vals[k] >= 0;
	}
}

static void
build(struct report_consolidated *c)
{
	struct kh_err err = KH_ERR_INIT;
	static const int64_t a[] = {1, 12, 4, 3333}, b[] = {1, 7, 2, 2857};
	static const int64_t tot[] = {2, 19, 6, 3158};

	memset(c, 0, sizeof(*c));
	cr_assert(reports_form_parse(form_json, &c->form, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	cr_assert(reports_period_parse("2026", &c->period, &err) == 0);
	strcpy(c->structure, REPORT_NEW);
	c->n = 3;
	c->rows = xcalloc(3, sizeof(*c->rows));
	row(&c->rows[0], c->form.n_fields, "31", "Thành phố Hải Phòng", true,
	    tot, true);
	row(&c->rows[1], c->form.n_fields, "11383", "Phường Lê Chân", false, a,
	    true);
	row(&c->rows[2], c->form.n_fields, "11311", "Phường Hồng Bàng", false,
	    b, false);
}

Test(reports_export, csv_in_the_forms_layout)
{
	struct report_consolidated c;
	struct buf b = BUF_INIT;

	build(&c);
	reports_export_csv(&c, "en", true, &b);
	cr_expect_str_eq(buf_str(&b),
	    "section,code,title,31 Thành phố Hải Phòng,11383 Phường Lê Chân,"
	    "11311 Phường Hồng Bàng\r\n"
	    "I,clcs,Số trung tâm,2,1,1\r\n"
	    "I,classes,\"Số lớp, chuyên đề\",19,12,7\r\n"
	    "I,lit,Xóa mù chữ,6,4,2\r\n"
	    "I,share,Tỷ lệ,31.58,33.33,28.57\r\n"
	    ",_reports,Approved reports counted,2,1,1\r\n"
	    ",_shares,Shares applied,11344: 40%,11344: 40%,\r\n");
	buf_reset(&b);
	reports_export_csv(&c, "en", false, &b);
	/* Lines end in LF for the command line. */
	cr_expect(strstr(buf_str(&b), "\nI,lit,Xóa mù chữ,6,4,2\n") != NULL, "%s",
	    buf_str(&b));
	cr_expect(strchr(buf_str(&b), '\r') == NULL);
	buf_free(&b);
	report_consolidated_cleanup(&c);
}

Test(reports_export, json_every_figure_by_code)
{
	struct report_consolidated c;
	json_t *j, *rows, *fields;

	build(&c);
	j = reports_export_json(&c, "vi");
	cr_assert_not_null(j);
	cr_expect_str_eq(json_string_value(json_object_get(j, "structure")), "new");
	fields = json_object_get(j, "fields");
	cr_assert_eq(json_array_size(fields), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fields,
	    0), "source")), "clcs");
	cr_expect(json_is_null(json_object_get(json_array_get(fields, 1),
	    "source")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(fields,
	    1), "title_en")), "Classes");
	rows = json_object_get(j, "rows");
	cr_assert_eq(json_array_size(rows), 3);
	cr_expect(json_is_true(json_object_get(json_array_get(rows, 0), "total")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(
	    json_array_get(rows, 0), "values"), "classes")), 19);
	cr_expect_float_eq(json_real_value(json_object_get(json_object_get(
	    json_array_get(rows, 1), "values"), "share")), 33.33, 1e-9);
	cr_expect(json_is_true(json_object_get(json_array_get(rows, 1),
	    "share_applied")));
	cr_expect(json_is_false(json_object_get(json_array_get(rows, 2),
	    "share_applied")));
	json_decref(j);
	report_consolidated_cleanup(&c);
}
