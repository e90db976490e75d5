/*
 * page_people.c - residents of a unit: the list in Vietnamese name order,
 * adding a person, and importing a list from .xlsx or .csv with a preview
 * (column mapping, refused rows with their reasons), the choice of all rows
 * or good rows only, and the refused rows as an .xlsx to fix and send again.
 */
#include "web/web.h"
#include "core/date.h"
#include "io/table.h"
#include "people/import.h"
#include "people/people.h"
#include "units/units.h"
#include "uploads/uploads.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE 50

static const char *
field_label(struct http_req *req, const char *key)
{
	static const struct {
		const char *key, *label;
	} labels[] = {
		{"stt", N_("No.")},
		{"full_name", N_("Full name")},
		{"birth_date", N_("Birth date")},
		{"sex", N_("Sex")},
		{"id_number", N_("CCCD/CMND number")},
		{"relation", N_("Relationship to the head")},
		{"household_code", N_("Household number")},
		{"village", N_("Village or residential group")},
		{"phone", N_("Phone")},
	};

	for (size_t i = 0; key != NULL && i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].key, key) == 0)
			return tr(req, labels[i].label);
	return "";
}

static void
birth_cell(struct buf *b, const struct person *p)
{
	if (p->birth_date == NULL)
		return;
	if (p->birth_year_only)
		html_text(b, (char[5]){p->birth_date[0], p->birth_date[1],
		    p->birth_date[2], p->birth_date[3], '\0'});
	else
		page_date(b, p->birth_date);
}

/* The header of the residents' pages: the tabs (the list and, for an
 * officer, the import), then the title unless it is NULL (the list writes
 * its own, with the count). */
static void
unit_nav(struct http_req *req, struct buf *b, const struct unit *u,
    const char *here, const char *title)
{
	const struct page_tab tabs[] = {
		{"/people", N_("Residents"), strcmp(here, "people") == 0},
		{"/import", N_("Import a list"), strcmp(here, "import") == 0},
	};
	size_t n = web(req)->actor.role >= ROLE_OFFICER ? 2 : 1;

	if (title != NULL)
		page_unit_header(req, b, u, tabs, n, title, NULL);
	else
		page_unit_tabs(req, b, u, tabs, n);
}

static void
person_form(struct http_req *req, struct buf *b, const struct unit *u,
    const struct kh_err *err)
{
	static const char *const sexes[] = {"", "M", "F"};
	const char *sex_labels[] = {"", tr(req, N_("Male")), tr(req, N_("Female"))};
	char *action = xasprintf("/units/%s/people", u->code);

	page_form_begin(req, b, "add-person", N_("Add a resident"), err, action,
	    NULL);
	page_input(req, b, "p-name", "full_name", N_("Full name"),
	    http_form(req, "full_name"), "required maxlength=\"120\"");
	page_input(req, b, "p-birth", "birth", N_("Birth date (dd/mm/yyyy) or year"),
	    http_form(req, "birth"), "inputmode=\"numeric\"");
	page_select(req, b, "p-sex", "sex", N_("Sex"), sexes, sex_labels, 3,
	    http_form(req, "sex"));
	page_input(req, b, "p-id", "id_number", N_("CCCD/CMND number"),
	    http_form(req, "id_number"), "inputmode=\"numeric\" maxlength=\"12\"");
	page_input(req, b, "p-hh", "household", N_("Household number"),
	    http_form(req, "household"), "maxlength=\"32\"");
	page_input(req, b, "p-rel", "relation", N_("Relationship to the head"),
	    http_form(req, "relation"), "maxlength=\"40\"");
	html_raw(b, "<label class=\"check\"><input type=\"checkbox\" name=\"consent\" value=\"1\" required> ");
	html_text(b, tr(req, N_("The person (or their family head) agreed, on the"
	    " paper form, to their data being processed for the learning-society"
	    " movement.")));
	html_raw(b, "</label>");
	page_form_end(req, b, N_("Add"));
	free(action);
}

static void
render_people(struct http_req *req, struct http_resp *resp, const struct unit *u,
    const struct kh_err *form_err, const char *notice)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	struct buf *b = &resp->body;
	const char *qs = http_query(req, "q"), *ps = http_query(req, "page");
	int page = ps != NULL ? atoi(ps) : 1;
	char id[16];
	size_t i;

	if (page < 1)
		page = 1;
	memset(&q, 0, sizeof(q));
	q.unit_id = u->id;
	q.q = qs;
	q.limit = PAGE_SIZE;
	q.offset = (page - 1) * PAGE_SIZE;
	if (people_list(w->db, &w->actor, &q, &l, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	page_begin(req, resp, tr(req, N_("Residents")));
	unit_nav(req, b, u, "people", NULL);
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Residents")));
	html_raw(b, " <span class=\"muted\" id=\"people-total\">(");
	html_int(b, l.total);
	html_raw(b, ")</span></h1>");
	if (notice != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		html_raw(b, "</p>");
	}
	html_raw(b, "<form class=\"search\" method=\"get\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/people\"><input type=\"search\" name=\"q\" aria-label=\"");
	html_attr(b, tr(req, N_("Find a person")));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, N_("Find a person, e.g. nguyen van an")));
	html_raw(b, "\" value=\"");
	html_attr(b, qs);
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Search")));
	html_raw(b, "</button></form><div class=\"table-wrap\"><table id=\"people\"><thead><tr><th>");
	html_text(b, tr(req, N_("Full name")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Birth date")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Sex")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("CCCD/CMND number")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Household number")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < l.n; i++) {
		const struct person *p = &l.items[i];

		html_raw(b, "<tr><td>");
		/* Officers open the person's personal-data page (consents
		 * and requests: page_requests.c). */
		if (w->actor.role >= ROLE_OFFICER) {
			html_raw(b, "<a href=\"/people/");
			buf_printf(b, "%lld", (long long)p->id);
			html_raw(b, "/privacy\">");
			html_text(b, p->full_name);
			html_raw(b, "</a>");
		} else
			html_text(b, p->full_name);
		html_raw(b, "</td><td>");
		birth_cell(b, p);
		html_raw(b, "</td><td>");
		html_text(b, p->sex == 'M' ? tr(req, N_("Male")) :
		    p->sex == 'F' ? tr(req, N_("Female")) : "");
		html_raw(b, "</td><td class=\"code\">");
		people_id_display(&w->actor, p->id_number, id, sizeof(id));
		html_text(b, id);
		html_raw(b, "</td><td>");
		html_text(b, p->household_code);
		html_raw(b, "</td><td>");
		html_text(b, p->unit_name);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><p class=\"pager\">");
	if (page > 1) {
		html_raw(b, "<a href=\"?page=");
		buf_printf(b, "%d", page - 1);
		html_raw(b, "&amp;q=");
		html_url(b, qs);
		html_raw(b, "\">‹ ");
		html_text(b, tr(req, N_("Previous")));
		html_raw(b, "</a> ");
	}
	if ((int64_t)page * PAGE_SIZE < l.total) {
		html_raw(b, "<a href=\"?page=");
		buf_printf(b, "%d", page + 1);
		html_raw(b, "&amp;q=");
		html_url(b, qs);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Next")));
		html_raw(b, " ›</a>");
	}
	html_raw(b, "</p>");
	if (w->actor.role >= ROLE_OFFICER)
		person_form(req, b, u, form_err);
	page_end(req, resp);
	person_list_cleanup(&l);
}

int
page_people_list(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_people(req, resp, &u, NULL, http_query(req, "added") != NULL ?
		    tr(req, N_("The resident was added.")) : NULL);
	unit_cleanup(&u);
	return 0;
}

int
page_people_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct person_input in;
	struct buf to = BUF_INIT;
	char on[DATE_LEN], birth[DATE_LEN], idn[13];
	const char *s;
	bool has_on;
	int64_t id = 0;
	int rc = 0;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.full_name = http_form(req, "full_name");
	in.household_code = http_form(req, "household");
	in.relation = http_form(req, "relation");
	s = http_form(req, "birth");
	if (s != NULL && s[0] != '\0') {
		rc = table_parse_date(s, birth, &in.birth_year_only, &err);
		if (rc != 0)
			snprintf(err.field, sizeof(err.field), "birth_date");
		in.birth_date = birth;
	}
	s = http_form(req, "sex");
	in.sex = s != NULL && (s[0] == 'M' || s[0] == 'F') ? s[0] : 0;
	s = http_form(req, "id_number");
	if (rc == 0 && s != NULL && s[0] != '\0') {
		rc = table_parse_id_number(s, idn, &err);
		in.id_number = idn;
	}
	if (rc == 0 && http_form(req, "consent") == NULL)
		rc = kh_fail_field(&err, KH_E_INVALID, "consent", N_("Record the"
		    " person's consent before entering their data."), NULL);
	if (rc == 0)
		rc = people_create(w->db, &w->actor, u.id, &in, &id, &err);
	if (rc == 0)
		rc = people_consent(w->db, &w->actor, id, "learning-society movement",
		    "paper form", &err);
	if (rc != 0) {
		if (rc == KH_E_FORBIDDEN) {
			web_error(req, resp, &err);
			goto out;
		}
		render_people(req, resp, &u, &err, NULL);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	buf_puts(&to, "/units/");
	html_url(&to, u.code);
	buf_puts(&to, "/people?added=1");
	http_redirect(req, resp, buf_str(&to));
out:
	buf_free(&to);
	unit_cleanup(&u);
	return 0;
}

static void
import_form(struct http_req *req, struct buf *b, const struct unit *u,
    const struct kh_err *err)
{
	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, tr(req, N_("Send a list (.xlsx or .csv)")));
	html_raw(b, "</h2><p class=\"muted\">");
	html_text(b, tr(req, N_("Recognised columns, in any order, with or without"
	    " diacritics: STT, Họ và tên, Ngày sinh, Giới tính, Số CCCD/CMND, Quan"
	    " hệ với chủ hộ, Mã hộ, Thôn/Tổ dân phố, Số điện thoại. Nothing is"
	    " recorded before you have seen the preview.")));
	html_raw(b, "</p>");
	if (err != NULL)
		page_error_box(req, b, err);
	html_raw(b, "<form method=\"post\" enctype=\"multipart/form-data\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/import\">");
	page_csrf_field(req, b);
	html_raw(b, "<label for=\"i-file\">");
	html_text(b, tr(req, N_("File")));
	html_raw(b, "</label><input id=\"i-file\" name=\"file\" type=\"file\" required"
	    " accept=\".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv\">"
	    "<button type=\"submit\">");
	html_text(b, tr(req, N_("Preview")));
	html_raw(b, "</button></form></section>");
}

int
page_people_import_form(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	if (auth_can_write(web(req)->db, &web(req)->actor, u.id, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	page_begin(req, resp, tr(req, N_("Import a list")));
	unit_nav(req, &resp->body, &u, "import",
	    tr(req, N_("Import a list of residents")));
	import_form(req, &resp->body, &u, NULL);
	page_end(req, resp);
out:
	unit_cleanup(&u);
	return 0;
}

static void
counts(struct http_req *req, struct buf *b, const struct people_import_result *r,
    bool done)
{
	html_raw(b, "<dl class=\"facts\" id=\"import-counts\"><div><dt>");
	html_text(b, tr(req, N_("Rows read")));
	html_raw(b, "</dt><dd>");
	html_int(b, r->read);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, done ? N_("Imported") : N_("New people")));
	html_raw(b, "</dt><dd id=\"count-imported\">");
	html_int(b, r->imported);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Updated")));
	html_raw(b, "</dt><dd>");
	html_int(b, r->updated);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Unchanged")));
	html_raw(b, "</dt><dd id=\"count-unchanged\">");
	html_int(b, r->unchanged);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Refused")));
	html_raw(b, "</dt><dd id=\"count-refused\">");
	html_int(b, r->refused);
	html_raw(b, "</dd></div></dl>");
}

static void
problems_table(struct http_req *req, struct buf *b,
    const struct people_import_result *r)
{
	char msg[600];
	size_t i;

	if (r->nproblems == 0)
		return;
	html_raw(b, "<div class=\"table-wrap\"><table id=\"problems\"><thead><tr><th>");
	html_text(b, tr(req, N_("Row")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Column")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Reason")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < r->nproblems && i < 500; i++) {
		kh_err_format(&r->problems[i].err, web(req)->lang, msg, sizeof(msg));
		html_raw(b, "<tr><td class=\"num\">");
		buf_printf(b, "%ld", r->problems[i].row);
		html_raw(b, "</td><td>");
		html_text(b, r->problems[i].column);
		html_raw(b, "</td><td>");
		html_text(b, msg);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

/* Run the import of a kept upload: a dry run for the preview and the
 * errors file, or the real one. */
static int
run_upload(struct http_req *req, const char *token, const struct unit *u,
    enum people_import_mode mode, bool dry, struct people_import_result *r,
    struct upload *up, struct kh_err *err)
{
	struct web_req *w = web(req);
	int rc;

	rc = uploads_get(w->db, &w->actor, token, up, err);
	if (rc == 0 && up->unit_id != u->id)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("This file is no longer kept:"
		    " send it again."), NULL);
	if (rc == 0)
		rc = people_import_mem(w->db, &w->actor, u->id, up->data, up->size,
		    mode, dry, r, err);
	return rc;
}

int
page_people_import_preview(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct unit u = UNIT_INIT;
	struct upload up = {0};
	const struct http_file *f = http_file(req, "file");
	struct buf *b = &resp->body;
	char on[DATE_LEN], token[UPLOADS_TOKEN_LEN], *title;
	bool has_on;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	rc = f == NULL ? kh_fail_field(&err, KH_E_INVALID, "file",
	    N_("Choose a file to send."), NULL) :
	    uploads_put(w->db, &w->actor, u.id, "people", f->filename, f->data,
	    f->len, token, &err);
	if (rc == 0)
		rc = run_upload(req, token, &u, PEOPLE_IMPORT_GOOD_ROWS, true, &r,
		    &up, &err);
	if (rc != 0) {
		if (rc == KH_E_FORBIDDEN) {
			web_error(req, resp, &err);
			goto out;
		}
		page_begin(req, resp, tr(req, N_("Import a list")));
		unit_nav(req, b, &u, "import",
		    tr(req, N_("Import a list of residents")));
		import_form(req, b, &u, &err);
		page_end(req, resp);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	page_begin(req, resp, tr(req, N_("Preview")));
	title = xasprintf("%s: %s", tr(req, N_("Preview")), f->filename);
	unit_nav(req, b, &u, "import", title);
	free(title);
	html_raw(b, "<h2>");
	html_text(b, tr(req, N_("Columns")));
	html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"mapping\"><thead><tr><th>");
	html_text(b, tr(req, N_("Column in the file")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Read as")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < r.nheader; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, r.header[i]);
		html_raw(b, "</td><td>");
		if (r.header_field[i] != NULL)
			html_text(b, field_label(req, r.header_field[i]));
		else {
			html_raw(b, "<span class=\"muted\">");
			html_text(b, tr(req, N_("not used")));
			html_raw(b, "</span>");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	counts(req, b, &r, false);
	problems_table(req, b, &r);
	html_raw(b, "<div class=\"actions\">");
	if (r.refused == 0) {
		html_raw(b, "<form method=\"post\" action=\"/units/");
		html_url(b, u.code);
		html_raw(b, "/import/");
		html_url(b, token);
		html_raw(b, "\">");
		page_csrf_field(req, b);
		html_raw(b, "<input type=\"hidden\" name=\"mode\" value=\"all\"><button type=\"submit\" id=\"import-all\">");
		html_text(b, tr(req, N_("Import all rows")));
		html_raw(b, "</button></form>");
	} else {
		html_raw(b, "<form method=\"post\" action=\"/units/");
		html_url(b, u.code);
		html_raw(b, "/import/");
		html_url(b, token);
		html_raw(b, "\">");
		page_csrf_field(req, b);
		html_raw(b, "<input type=\"hidden\" name=\"mode\" value=\"good-rows\"><button type=\"submit\" id=\"import-good\">");
		html_text(b, tr(req, N_("Import the good rows only")));
		html_raw(b, "</button></form><p><a id=\"errors-file\" href=\"/units/");
		html_url(b, u.code);
		html_raw(b, "/import/");
		html_url(b, token);
		html_raw(b, "/errors.xlsx\">");
		html_text(b, tr(req, N_("Download the refused rows (.xlsx) to fix them")));
		html_raw(b, "</a></p>");
	}
	html_raw(b, "<p><a href=\"/units/");
	html_url(b, u.code);
	html_raw(b, "/import\">");
	html_text(b, tr(req, N_("Send another file")));
	html_raw(b, "</a></p></div>");
	page_end(req, resp);
out:
	people_import_result_cleanup(&r);
	upload_cleanup(&up);
	unit_cleanup(&u);
	return 0;
}

int
page_people_import_commit(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct unit u = UNIT_INIT;
	struct upload up = {0};
	struct buf *b = &resp->body;
	const char *m = http_form(req, "mode");
	enum people_import_mode mode = m != NULL && strcmp(m, "good-rows") == 0 ?
	    PEOPLE_IMPORT_GOOD_ROWS : PEOPLE_IMPORT_ALL;
	char on[DATE_LEN];
	bool has_on;

	memset(&r, 0, sizeof(r));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	if (run_upload(req, http_param(req, "token"), &u, mode, false, &r, &up,
	    &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	page_begin(req, resp, tr(req, N_("Import a list")));
	unit_nav(req, b, &u, "import", r.committed ?
	    tr(req, N_("The list was imported")) :
	    tr(req, N_("Nothing was imported")));
	counts(req, b, &r, true);
	problems_table(req, b, &r);
	html_raw(b, "<p><a href=\"/units/");
	html_url(b, u.code);
	html_raw(b, "/people\">");
	html_text(b, tr(req, N_("See the residents")));
	html_raw(b, "</a></p>");
	page_end(req, resp);
out:
	people_import_result_cleanup(&r);
	upload_cleanup(&up);
	unit_cleanup(&u);
	return 0;
}

int
page_people_import_errors(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct unit u = UNIT_INIT;
	struct upload up = {0};
	char on[DATE_LEN], path[200];
	bool has_on;
	FILE *fp = NULL;
	int fd = -1;

	memset(&r, 0, sizeof(r));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	if (run_upload(req, http_param(req, "token"), &u, PEOPLE_IMPORT_GOOD_ROWS,
	    true, &r, &up, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/khuyenhoc-errors-XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 160 ?
	    getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || people_import_errors_xlsx(&r, web(req)->lang, path,
	    &err) != 0 || (fp = fopen(path, "rb")) == NULL) {
		if (err.kind == 0)
			kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		goto out;
	}
	{
		char chunk[8192];
		size_t n;

		buf_reset(&resp->body);
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_append(&resp->body, chunk, n);
	}
	resp->content_type =
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	http_resp_header(req, resp, "Content-Disposition",
	    "attachment; filename=\"dong-bi-tu-choi.xlsx\"");
out:
	if (fp != NULL)
		fclose(fp);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	people_import_result_cleanup(&r);
	upload_cleanup(&up);
	unit_cleanup(&u);
	return 0;
}
