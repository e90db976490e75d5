/*
 * page_rollup.c - registered against recognised for a year, per model (and
 * per subject group for learning citizens), for a unit's whole subtree and
 * for each child unit, which links down to its own view; the same table as
 * .xlsx. The counts come from models_rollup(); the share is recognised over
 * registered (withdrawn registrations are not counted as registered).
 */
#include "web/web.h"
#include "core/date.h"
#include "io/doc.h"
#include "models/models.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
rollup_year(struct http_req *req)
{
	const char *s = http_query(req, "year");
	char today[DATE_LEN];
	int y = s != NULL ? atoi(s) : 0;

	if (y >= 2000 && y <= 9999)
		return y;
	date_today(today);
	return atoi(today);
}

/* Share in percent with one decimal, "" when nothing is registered;
 * a '.' decimal point so that the .xlsx file reads it as a number. */
static void
share_str(int64_t recognised, int64_t registered, char *out, size_t outsz)
{
	long long tenths;

	if (registered <= 0) {
		snprintf(out, outsz, "%s", "");
		return;
	}
	tenths = (recognised * 1000 + registered / 2) / registered;
	if (tenths % 10 == 0)
		snprintf(out, outsz, "%lld", tenths / 10);
	else
		snprintf(out, outsz, "%lld.%lld", tenths / 10, tenths % 10);
}

/* The same number as written on a page: "66,7" (Vietnamese decimal comma). */
static void
share_html(struct http_req *req, struct buf *b, int64_t rec, int64_t reg)
{
	char s[32], *dot;

	share_str(rec, reg, s, sizeof(s));
	if (s[0] == '\0') {
		html_raw(b, "—");
		return;
	}
	if (strcmp(web(req)->lang, "vi") == 0 && (dot = strchr(s, '.')) != NULL)
		*dot = ',';
	html_text(b, s);
	html_raw(b, " %");
}

static void
group_text(struct buf *b, int group)
{
	if (group > 0)
		buf_printf(b, "%d", group);
}

static void
rows_table(struct http_req *req, struct buf *b, const struct model_rollup *r,
    bool children, int year)
{
	const char *lang = web(req)->lang;
	bool any = false;

	for (size_t i = 0; i < r->n; i++)
		any = any || r->items[i].total != children;
	if (!any) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, children ? tr(req, N_("No unit below holds"
		    " registrations of this year.")) : tr(req, N_("Nothing is"
		    " registered for this year.")));
		html_raw(b, "</p>");
		return;
	}
	html_raw(b, children ? "<div class=\"table-wrap\"><table id=\"rollup-children\"><thead><tr><th>" :
	    "<div class=\"table-wrap\"><table id=\"rollup-total\"><thead><tr><th>");
	if (children) {
		html_text(b, tr(req, N_("Unit")));
		html_raw(b, "</th><th>");
	}
	html_text(b, tr(req, N_("Model")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Subject group")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Registered")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Recognised")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Share")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < r->n; i++) {
		const struct model_rollup_row *row = &r->items[i];

		if (row->total == children)
			continue;
		html_raw(b, "<tr data-model=\"");
		html_attr(b, row->model);
		html_raw(b, "\"><td>");
		if (children) {
			html_raw(b, "<a href=\"/units/");
			html_url(b, row->unit_code);
			buf_printf(b, "/recognition?year=%d\">", year);
			html_text(b, row->unit_name);
			html_raw(b, "</a></td><td>");
		}
		html_text(b, models_model_label(row->model, lang));
		html_raw(b, "</td><td class=\"num\">");
		group_text(b, row->subject_group);
		html_raw(b, "</td><td class=\"num\">");
		html_int(b, row->registered);
		html_raw(b, "</td><td class=\"num\">");
		html_int(b, row->recognised);
		html_raw(b, "</td><td class=\"num\">");
		share_html(req, b, row->recognised, row->registered);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

int
page_recognition(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_rollup r = {0};
	struct unit u = UNIT_INIT;
	struct buf *b = &resp->body;
	char on[DATE_LEN], ys[12], *sub;
	bool has_on;
	int year;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	year = rollup_year(req);
	if (models_rollup(w->db, &w->actor, u.id, year, &r, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	snprintf(ys, sizeof(ys), "%d", year);
	page_begin(req, resp, tr(req, N_("Registered and recognised")));
	sub = xasprintf("%s · %s", u.name, ys);
	page_unit_header(req, b, &u, (const struct page_tab[]){
	    {"/decisions", N_("Recognition decisions"), false},
	    {"/recognition", N_("Registered and recognised"), true}}, 2,
	    tr(req, N_("Registered and recognised")), sub);
	free(sub);
	html_raw(b, "<form class=\"search\" method=\"get\" action=\"/units/");
	html_url(b, u.code);
	html_raw(b, "/recognition\">");
	page_input(req, b, "r-year", "year", N_("Year"), ys,
	    "inputmode=\"numeric\" maxlength=\"4\"");
	html_raw(b, "<button type=\"submit\">");
	html_text(b, tr(req, N_("Show")));
	html_raw(b, "</button></form><h2>");
	html_text(b, tr(req, N_("Whole unit")));
	html_raw(b, "</h2>");
	rows_table(req, b, &r, false, year);
	html_raw(b, "<h2>");
	html_text(b, tr(req, N_("By unit below")));
	html_raw(b, "</h2>");
	rows_table(req, b, &r, true, year);
	html_raw(b, "<p><a id=\"rollup-xlsx\" href=\"/units/");
	html_url(b, u.code);
	buf_printf(b, "/recognition.xlsx?year=%d\">", year);
	html_text(b, tr(req, N_("Download this table (.xlsx)")));
	html_raw(b, "</a></p>");
	page_end(req, resp);
out:
	model_rollup_cleanup(&r);
	unit_cleanup(&u);
	return 0;
}

int
page_recognition_xlsx(struct http_req *req, struct http_resp *resp)
{
	static const char *const header[] = {"Đơn vị", "Mã đơn vị", "Mô hình",
	    "Nhóm", "Đăng ký", "Được công nhận", "Tỷ lệ (%)"};
	static const int text_cols[] = {1, 1, 1, 0, 0, 0, 0};
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_rollup r = {0};
	struct unit u = UNIT_INIT;
	struct doc_sheet s;
	const char **cells = NULL;
	char **own = NULL, on[DATE_LEN], path[200], fname[80], slug[40];
	size_t nown = 0;
	bool has_on;
	int year, fd = -1, rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	year = rollup_year(req);
	if (models_rollup(w->db, &w->actor, u.id, year, &r, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	cells = xcalloc(r.n * 7 + 1, sizeof(*cells));
	own = xcalloc(r.n * 4 + 1, sizeof(*own));
	for (size_t i = 0; i < r.n; i++) {
		const struct model_rollup_row *row = &r.items[i];
		const char **c = cells + i * 7;
		char share[32];

		share_str(row->recognised, row->registered, share, sizeof(share));
		c[0] = row->unit_name;
		c[1] = row->unit_code;
		c[2] = models_model_label(row->model, "vi");
		c[3] = own[nown++] = row->subject_group > 0 ?
		    xasprintf("%d", row->subject_group) : xstrdup("");
		c[4] = own[nown++] = xasprintf("%lld", (long long)row->registered);
		c[5] = own[nown++] = xasprintf("%lld", (long long)row->recognised);
		c[6] = own[nown++] = xstrdup(share);
	}
	memset(&s, 0, sizeof(s));
	s.title = own[nown++] = xasprintf("Số đăng ký và được công nhận năm %d"
	    " - %s", year, u.name);
	s.ncols = 7;
	s.header = header;
	s.text_cols = text_cols;
	s.nrows = r.n;
	s.cells = cells;
	fd = page_temp_file(path, "rollup");
	if (fd < 0) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		goto out;
	}
	close(fd);
	rc = doc_xlsx(&s, path, &err);
	page_ascii_slug(slug, sizeof(slug), u.code);
	snprintf(fname, sizeof(fname), "cong-nhan-%s-%d.xlsx", slug, year);
	if (rc != 0)
		web_error(req, resp, &err);
	else
		page_send_file(req, resp, path, "application/vnd."
		    "openxmlformats-officedocument.spreadsheetml.sheet", fname);
	unlink(path);
out:
	for (size_t i = 0; i < nown; i++)
		free(own[i]);
	free(own);
	free(cells);
	model_rollup_cleanup(&r);
	unit_cleanup(&u);
	return 0;
}

/* One CSV field (RFC 4180): quoted when it holds a separator, a quote or a
 * line break, quotes doubled. */
static void
csv_field(struct buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		buf_putc(b, '"');
		for (; *s != '\0'; s++) {
			if (*s == '"')
				buf_putc(b, '"');
			buf_putc(b, *s);
		}
		buf_putc(b, '"');
	} else
		buf_puts(b, s);
	buf_puts(b, last ? "\r\n" : ",");
}

/*
 * The roll-up as CSV for other systems: UTF-8 without a byte-order mark,
 * comma-separated, CRLF line ends (RFC 4180), one header row of stable
 * English column names, codes rather than labels (model "family", the
 * total row marked "total" = 1) and the share with a '.' decimal point.
 */
int
page_recognition_csv(struct http_req *req, struct http_resp *resp)
{
	static const char *const header[] = {"unit_code", "unit_name", "total",
	    "model", "subject_group", "registered", "recognised", "share_pct"};
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_rollup r = {0};
	struct unit u = UNIT_INIT;
	char on[DATE_LEN], fname[80], slug[40], *disp;
	bool has_on;
	int year;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	year = rollup_year(req);
	if (models_rollup(w->db, &w->actor, u.id, year, &r, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	buf_reset(&resp->body);
	for (size_t i = 0; i < 8; i++)
		csv_field(&resp->body, header[i], i == 7);
	for (size_t i = 0; i < r.n; i++) {
		const struct model_rollup_row *row = &r.items[i];
		char n[32];

		csv_field(&resp->body, row->unit_code, false);
		csv_field(&resp->body, row->unit_name, false);
		csv_field(&resp->body, row->total ? "1" : "0", false);
		csv_field(&resp->body, row->model, false);
		snprintf(n, sizeof(n), "%d", row->subject_group);
		csv_field(&resp->body, row->subject_group > 0 ? n : "", false);
		snprintf(n, sizeof(n), "%lld", (long long)row->registered);
		csv_field(&resp->body, n, false);
		snprintf(n, sizeof(n), "%lld", (long long)row->recognised);
		csv_field(&resp->body, n, false);
		share_str(row->recognised, row->registered, n, sizeof(n));
		csv_field(&resp->body, n, true);
	}
	resp->status = 200;
	resp->content_type = "text/csv; charset=utf-8";
	page_ascii_slug(slug, sizeof(slug), u.code);
	snprintf(fname, sizeof(fname), "cong-nhan-%s-%d.csv", slug, year);
	disp = xasprintf("attachment; filename=\"%s\"", fname);
	http_resp_header(req, resp, "Content-Disposition", disp);
	free(disp);
out:
	model_rollup_cleanup(&r);
	unit_cleanup(&u);
	return 0;
}
