/*
 * page_report_forms.c - report forms and indicator targets administered in
 * the browser, over reports.h:
 *
 *   GET  /reports/forms                  every stored form: code, title,
 *        last change, verified or not, fields, assignments, reports filed;
 *        the upload of a form's JSON file (admin)
 *   POST /reports/forms                  upload one form (multipart, field
 *        "file"; admin): reports_form_store
 *   GET  /reports/forms/{code}           the form readable: sections, fields
 *        with their kind, unit, breakdown, source in words, the rules, the
 *        default deadline
 *   GET  /reports/forms/{code}.json      its JSON definition as stored
 *   GET  /reports/indicators             every indicator: formula in words,
 *        unit, targets; the target form (admin)
 *   POST /reports/indicators/targets     set a target (admin):
 *        reports_target_set
 *   POST /reports/indicators/targets/remove   remove one (admin)
 *
 * Forms and indicators are public rules: any logged-in user reads them.
 * Every change goes through the reports module, which checks the role,
 * audits it and lets the kept consolidations go. A refused upload or
 * target shows the page again with the reason and what was typed; nothing
 * stored changes.
 */
#include "web/web.h"
#include "core/date.h"
#include "models/models.h"
#include "reports/reports.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A form's JSON file is a few kilobytes; a megabyte is not a form. */
#define FORM_UPLOAD_MAX (1024 * 1024)

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
lang_en(struct http_req *req)
{
	return strcmp(web(req)->lang, "en") == 0;
}

/* The title of a JSON object (form, section, field, indicator) in the
 * request's language. */
static const char *
jtitle(struct http_req *req, json_t *o)
{
	const char *en = jstr(o, "title_en"), *vi = jstr(o, "title_vi");

	if (lang_en(req) && en != NULL && *en != '\0')
		return en;
	return vi != NULL ? vi : (en != NULL ? en : "");
}

static const char *
form_title(struct http_req *req, const struct report_form *f)
{
	return lang_en(req) && f->title_en != NULL && *f->title_en != '\0' ?
	    f->title_en : f->title_vi;
}

/* The mark of a form, field or target awaiting confirmation. */
static void
unverified_mark(struct http_req *req, struct buf *b, bool verified)
{
	if (verified)
		return;
	html_raw(b, " <span class=\"badge unverified\">");
	html_text(b, tr(req, N_("unverified")));
	html_raw(b, "</span>");
}

static void
form_href(struct buf *b, const char *code, const char *suffix)
{
	html_raw(b, "/reports/forms/");
	html_url(b, code);
	html_raw(b, suffix);
}

static const char *
kind_words(struct http_req *req, const char *kind)
{
	if (kind == NULL)
		return "";
	if (strcmp(kind, RF_INT) == 0)
		return tr(req, N_("count"));
	if (strcmp(kind, RF_MONEY) == 0)
		return tr(req, N_("amount of money"));
	if (strcmp(kind, RF_PCT) == 0)
		return tr(req, N_("percentage"));
	if (strcmp(kind, RF_TEXT) == 0)
		return tr(req, N_("text"));
	if (strcmp(kind, RF_BOOL) == 0)
		return tr(req, N_("yes/no"));
	return kind;
}

/* What a figure of this kind is counted in. */
static const char *
kind_unit(struct http_req *req, const char *kind, const char *code)
{
	const char *w = reports_unit_words(kind, code);

	if (w != NULL)
		return tr(req, w);
	if (kind != NULL && strcmp(kind, RF_BOOL) == 0)
		return tr(req, N_("yes (có) or no (không)"));
	if (kind != NULL && strcmp(kind, RF_INT) == 0)
		return tr(req, N_("a whole number"));
	return "—";
}

static const char *
breakdown_words(struct http_req *req, const char *bd)
{
	if (bd == NULL)
		return "—";
	if (strcmp(bd, "model") == 0)
		return tr(req, N_("by learning model (5 figures)"));
	if (strcmp(bd, "subject_group") == 0)
		return tr(req, N_("by subject group of learning citizens (4"
		    " figures)"));
	if (strcmp(bd, "sex") == 0)
		return tr(req, N_("by sex (2 figures)"));
	if (strcmp(bd, "unit_kind") == 0)
		return tr(req, N_("by kind of organisation (4 figures)"));
	return bd;
}

static const char *
period_kind_words(struct http_req *req, const char *k)
{
	if (k == NULL)
		return "";
	if (strcmp(k, "year") == 0)
		return tr(req, N_("a year"));
	if (strcmp(k, "quarter") == 0)
		return tr(req, N_("a quarter"));
	if (strcmp(k, "month") == 0)
		return tr(req, N_("the Study Encouragement Month (02/09-02/10)"));
	if (strcmp(k, "week") == 0)
		return tr(req, N_("the Lifelong Learning Week (01/10-07/10)"));
	if (strcmp(k, "window") == 0)
		return tr(req, N_("any window of dates"));
	return k;
}

/* ---- GET /reports/forms ---- */

static void
list_assignments(struct http_req *req, struct buf *b, int64_t form_id)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	int rc, n = 0;

	rc = db_prepare(w->db, "SELECT unit_kind, period, deadline FROM"
	    " report_assignments WHERE form_id = $1 ORDER BY period_to DESC,"
	    " unit_kind", DB_ARGS(DB_INT(form_id)), &st, &err);
	while (rc == 0 && (rc = db_step(st, &err)) == 1) {
		rc = 0;
		html_raw(b, n++ == 0 ? "<ul class=\"assignments\">" : "");
		html_raw(b, "<li>");
		html_text(b, units_kind_label(db_col_text(st, 0), w->lang));
		html_raw(b, " · ");
		html_text(b, db_col_text(st, 1));
		html_raw(b, " · ");
		html_text(b, tr(req, N_("deadline")));
		html_raw(b, " ");
		page_date(b, db_col_text(st, 2));
		html_raw(b, "</li>");
	}
	if (st != NULL)
		db_finalize(st);
	html_raw(b, n > 0 ? "</ul>" : "<span class=\"muted\">—</span>");
}

static void
upload_form(struct http_req *req, struct buf *b, const struct kh_err *err)
{
	html_raw(b, "<section class=\"card\" id=\"form-upload\"><h2>");
	html_text(b, tr(req, N_("Upload a report form")));
	html_raw(b, "</h2><p class=\"muted\">");
	html_text(b, tr(req, N_("A JSON file in the format of data/reports/"
	    "README.md. A new code adds a form; the code of a stored form"
	    " replaces it while no unit has a report on it; the same file"
	    " changes nothing.")));
	html_raw(b, "</p>");
	if (err != NULL)
		page_error_box(req, b, err);
	html_raw(b, "<form method=\"post\" enctype=\"multipart/form-data\""
	    " action=\"/reports/forms\">");
	page_csrf_field(req, b);
	html_raw(b, "<label for=\"fu-file\">");
	html_text(b, tr(req, N_("Form definition (.json)")));
	html_raw(b, "</label><input id=\"fu-file\" name=\"file\" type=\"file\""
	    " required accept=\".json,application/json\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Upload")));
	html_raw(b, "</button></form></section>");
}

static void
render_forms(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err e = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	struct buf *b = &resp->body;
	int rc, n = 0;

	page_begin(req, resp, tr(req, N_("Report forms")));
	html_raw(b, "<p><a href=\"/reports\">");
	html_text(b, tr(req, N_("Reports")));
	html_raw(b, "</a> · <a href=\"/reports/indicators\">");
	html_text(b, tr(req, N_("Indicators and targets")));
	html_raw(b, "</a></p><h1>");
	html_text(b, tr(req, N_("Report forms")));
	html_raw(b, "</h1><div class=\"table-wrap\"><table id=\"forms\"><thead>"
	    "<tr><th>");
	html_text(b, tr(req, N_("Code")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Name of the form")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Last changed")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Fields")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Assigned to")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Reports filed")));
	html_raw(b, "</th></tr></thead><tbody>");
	rc = db_prepare(w->db, "SELECT f.id, f.code, f.title_vi, f.updated_at,"
	    " f.verified, f.n_fields, (SELECT count(*) FROM report_submissions s"
	    " WHERE s.form_id = f.id) FROM report_forms f ORDER BY f.code",
	    DB_NOARGS, &st, &e);
	while (rc == 0 && (rc = db_step(st, &e)) == 1) {
		struct report_form f;
		struct kh_err fe = KH_ERR_INIT;
		const char *code = db_col_text(st, 1);
		int64_t used = db_col_int(st, 6);
		bool parsed;

		rc = 0;
		n++;
		parsed = reports_form_get(w->db, &w->actor, code, &f, &fe) == 0;
		html_raw(b, "<tr data-form=\"");
		html_attr(b, code);
		html_raw(b, "\"><td><a href=\"");
		form_href(b, code, "");
		html_raw(b, "\">");
		html_text(b, code);
		html_raw(b, "</a></td><td>");
		html_text(b, parsed ? form_title(req, &f) : db_col_text(st, 2));
		unverified_mark(req, b, db_col_int(st, 4) != 0);
		html_raw(b, "</td><td>");
		page_date(b, db_col_text(st, 3));
		html_raw(b, "</td><td class=\"num\">");
		html_int(b, db_col_int(st, 5));
		html_raw(b, "</td><td>");
		list_assignments(req, b, db_col_int(st, 0));
		html_raw(b, "</td><td class=\"reports-filed\">");
		if (used > 0) {
			html_int(b, used);
			html_raw(b, " <span class=\"muted\">");
			html_text(b, tr(req, N_("(the form can no longer change)")));
			html_raw(b, "</span>");
		} else
			html_text(b, tr(req, N_("none")));
		html_raw(b, "</td></tr>");
		if (parsed)
			report_form_cleanup(&f);
	}
	if (st != NULL)
		db_finalize(st);
	html_raw(b, "</tbody></table></div>");
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No report form is stored yet.")));
		html_raw(b, "</p>");
	}
	if (w->actor.role >= ROLE_ADMIN)
		upload_form(req, b, err);
	page_end(req, resp);
}

int
page_report_forms(struct http_req *req, struct http_resp *resp)
{
	if (web_need_login(req, resp) != 0)
		return 0;
	render_forms(req, resp, NULL);
	return 0;
}

int
page_report_forms_upload(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_load_stats stats = {0, 0, 0};
	const struct http_file *f;
	char code[48], *to;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (w->actor.role < ROLE_ADMIN) {
		(void)kh_fail(&err, KH_E_FORBIDDEN, N_("Only an administrator may"
		    " define report forms."), NULL);
		web_error(req, resp, &err);
		return 0;
	}
	f = http_file(req, "file");
	if (f == NULL || f->len == 0)
		rc = kh_fail_field(&err, KH_E_INVALID, "file", N_("Choose the"
		    " form's JSON file to send."), NULL);
	else if (f->len > FORM_UPLOAD_MAX)
		rc = kh_fail_field(&err, KH_E_TOO_LARGE, "file", N_("The file"
		    " %s is too large for a report form (at most 1 MB)."),
		    f->filename);
	else if (memchr(f->data, '\0', f->len) != NULL)
		rc = kh_fail_field(&err, KH_E_INVALID, "file", N_("The file %s"
		    " is not a text file."), f->filename);
	else
		rc = reports_form_store(w->db, &w->actor, f->data, code, &stats,
		    &err);
	if (rc == KH_E_FORBIDDEN) {
		web_error(req, resp, &err);
		return 0;
	}
	if (rc != 0) {
		render_forms(req, resp, &err);
		resp->status = rc == KH_E_INVALID ? 422 : kh_kind_http_status(rc);
		return 0;
	}
	to = arena_printf(&req->arena, "/reports/forms/%s?stored=%s", code,
	    stats.loaded > 0 ? "new" : stats.updated > 0 ? "replaced" :
	    "unchanged");
	http_redirect(req, resp, to);
	return 0;
}

/* ---- GET /reports/forms/{code} ---- */

/* The title of the field named by code: "rec", or "rec.*" in a rule, as
 * the definition writes it; "pop.f" as the breakdown expands it. */
static const char *
def_field_title(struct http_req *req, json_t *root,
    const struct report_form *f, const char *code)
{
	json_t *sec, *fd;
	size_t i, k, len = strlen(code);
	int n = reports_form_field(f, code);

	if (n >= 0)
		return lang_en(req) ? f->fields[n].title_en : f->fields[n].title_vi;

	if (len > 2 && strcmp(code + len - 2, ".*") == 0)
		len -= 2;
	json_array_foreach(json_object_get(root, "sections"), i, sec)
		json_array_foreach(json_object_get(sec, "fields"), k, fd) {
			const char *c = jstr(fd, "code");

			if (c != NULL && strlen(c) == len &&
			    strncmp(c, code, len) == 0)
				return jtitle(req, fd);
		}
	return code;
}

static void
field_row(struct http_req *req, struct buf *b, json_t *root, json_t *fd,
    const struct report_form *f)
{
	const char *code = jstr(fd, "code"), *kind = jstr(fd, "kind");
	const char *src = jstr(fd, "source"), *num = jstr(fd, "num");
	const char *den = jstr(fd, "den");
	json_t *ver = json_object_get(fd, "verified");
	int k;

	html_raw(b, "<tr data-field=\"");
	html_attr(b, code != NULL ? code : "");
	html_raw(b, "\"><td>");
	html_text(b, jtitle(req, fd));
	unverified_mark(req, b, ver == NULL || json_is_true(ver));
	html_raw(b, "<br><code class=\"muted\">");
	html_text(b, code != NULL ? code : "");
	html_raw(b, "</code></td><td>");
	html_text(b, kind_words(req, kind));
	html_raw(b, "</td><td>");
	html_text(b, kind_unit(req, kind, code));
	html_raw(b, "</td><td>");
	html_text(b, breakdown_words(req, jstr(fd, "breakdown")));
	html_raw(b, "</td><td>");
	html_text(b, json_is_true(json_object_get(fd, "required")) ?
	    tr(req, N_("must be filled in")) :
	    tr(req, N_("may be left empty")));
	html_raw(b, "</td><td class=\"source\">");
	if (num != NULL && den != NULL) {
		html_text(b, tr(req, N_("computed, never typed:")));
		html_raw(b, " ");
		html_text(b, def_field_title(req, root, f, num));
		html_raw(b, " ÷ ");
		html_text(b, def_field_title(req, root, f, den));
		html_raw(b, " × 100");
	} else if (src != NULL) {
		html_text(b, tr(req, N_("filled from")));
		html_raw(b, " ");
		html_text(b, tr(req, reports_source_words(src)));
		if (jstr(fd, "model") != NULL) {
			html_raw(b, " (");
			html_text(b, models_model_label(jstr(fd, "model"),
			    web(req)->lang));
			html_raw(b, ")");
		}
	} else
		html_text(b, tr(req, N_("typed by the unit")));
	html_raw(b, "</td><td>");
	/* The codes the breakdown gives, as the entry form and exports name
	 * them. */
	k = code != NULL ? reports_form_field(f, code) : -1;
	if (k >= 0) {
		html_raw(b, "<code>");
		html_text(b, code);
		html_raw(b, "</code>");
	} else if (code != NULL) {
		size_t len = strlen(code), shown = 0;

		for (size_t i = 0; i < f->n_fields; i++)
			if (strncmp(f->fields[i].code, code, len) == 0 &&
			    f->fields[i].code[len] == '.') {
				html_raw(b, shown++ ? ", <code>" : "<code>");
				html_text(b, f->fields[i].code);
				html_raw(b, "</code>");
			}
	}
	html_raw(b, "</td></tr>");
}

static void
render_form(struct http_req *req, struct http_resp *resp,
    const struct report_form *f, json_t *root)
{
	struct web_req *w = web(req);
	struct buf *b = &resp->body;
	const char *stored = http_query(req, "stored");
	json_t *sec, *fd, *ru;
	size_t i, k;

	page_begin(req, resp, form_title(req, f));
	html_raw(b, "<p><a href=\"/reports/forms\">");
	html_text(b, tr(req, N_("Report forms")));
	html_raw(b, "</a></p>");
	if (stored != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\" id=\"stored\">");
		html_text(b, strcmp(stored, "new") == 0 ?
		    tr(req, N_("The form was added.")) :
		    strcmp(stored, "replaced") == 0 ?
		    tr(req, N_("The form was replaced by the file sent.")) :
		    tr(req, N_("The file is the same as the stored form: nothing"
		    " changed.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "<h1>");
	html_text(b, form_title(req, f));
	unverified_mark(req, b, f->verified);
	html_raw(b, "</h1><dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Code")));
	html_raw(b, "</dt><dd><code>");
	html_text(b, f->code);
	html_raw(b, "</code></dd></div>");
	if (f->legal_basis != NULL && *f->legal_basis != '\0') {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Legal basis")));
		html_raw(b, "</dt><dd>");
		html_text(b, f->legal_basis);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("Filed for")));
	html_raw(b, "</dt><dd>");
	html_text(b, period_kind_words(req, f->period_kind));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Filed by")));
	html_raw(b, "</dt><dd>");
	for (i = 0; i < f->n_unit_kinds; i++) {
		html_raw(b, i > 0 ? ", " : "");
		html_text(b, units_kind_label(f->unit_kinds[i], w->lang));
	}
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Default deadline")));
	html_raw(b, "</dt><dd id=\"default-deadline\">");
	if (f->deadline != NULL) {
		/* "12-15" is printed as 15/12. */
		buf_printf(b, "%.2s/%.2s ", f->deadline + 3, f->deadline);
		html_text(b, tr(req, N_("of the period's year (of the next year"
		    " when that day comes before the period begins)")));
	} else
		html_text(b, tr(req, N_("the last day of the period")));
	html_raw(b, "</dd></div></dl><p><a id=\"form-json\" href=\"");
	form_href(b, f->code, ".json");
	html_raw(b, "\" download>");
	html_text(b, tr(req, N_("Download the JSON definition")));
	html_raw(b, "</a></p>");
	json_array_foreach(json_object_get(root, "sections"), i, sec) {
		html_raw(b, "<h2>");
		html_text(b, jstr(sec, "code") != NULL ? jstr(sec, "code") : "");
		html_raw(b, ". ");
		html_text(b, jtitle(req, sec));
		html_raw(b, "</h2><div class=\"table-wrap\"><table class=\"fields\">"
		    "<thead><tr><th>");
		html_text(b, tr(req, N_("Figure and its code")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Kind")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Unit of measure")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Breakdown")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Required")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Source")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Figures entered")));
		html_raw(b, "</th></tr></thead><tbody>");
		json_array_foreach(json_object_get(sec, "fields"), k, fd)
			field_row(req, b, root, fd, f);
		html_raw(b, "</tbody></table></div>");
	}
	html_raw(b, "<h2>");
	html_text(b, tr(req, N_("Checks")));
	html_raw(b, "</h2><ul id=\"rules\">");
	json_array_foreach(json_object_get(root, "rules"), i, ru) {
		const char *l = jstr(ru, "left"), *r = jstr(ru, "right");

		if (l == NULL || r == NULL)
			continue;
		html_raw(b, "<li><strong>");
		html_text(b, def_field_title(req, root, f, l));
		html_raw(b, "</strong> ");
		html_text(b, reports_op_symbol(jstr(ru, "op")));
		html_raw(b, " <strong>");
		html_text(b, def_field_title(req, root, f, r));
		html_raw(b, "</strong>");
		if (strlen(l) > 2 && strcmp(l + strlen(l) - 2, ".*") == 0) {
			html_raw(b, " <span class=\"muted\">");
			html_text(b, tr(req, N_("(for each value of the"
			    " breakdown)")));
			html_raw(b, "</span>");
		}
		html_raw(b, " <span class=\"muted\">(<code>");
		html_text(b, l);
		html_raw(b, " ");
		html_text(b, jstr(ru, "op") != NULL ? jstr(ru, "op") : "");
		html_raw(b, " ");
		html_text(b, r);
		html_raw(b, "</code>)</span></li>");
	}
	html_raw(b, "</ul><p class=\"muted\">");
	html_text(b, tr(req, N_("A broken check is shown to the person filling"
	    " in the report and blocks its submission, never the saving of a"
	    " draft; an empty required field blocks the submission.")));
	html_raw(b, "</p>");
	page_end(req, resp);
}

int
page_report_form_show(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_form f;
	const char *param = http_param(req, "code");
	size_t len = param != NULL ? strlen(param) : 0;
	char *code;
	bool json = false;
	json_t *root;

	if (web_need_login(req, resp) != 0)
		return 0;
	/* The router gives "yearly.json" as the code of
	 * /reports/forms/yearly.json. */
	code = arena_strdup(&req->arena, param != NULL ? param : "");
	if (len > 5 && strcmp(code + len - 5, ".json") == 0) {
		code[len - 5] = '\0';
		json = true;
	}
	if (reports_form_get(w->db, &w->actor, code, &f, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	if (json) {
		char slug[64], *disp;

		page_ascii_slug(slug, sizeof(slug), f.code);
		disp = arena_printf(&req->arena, "attachment; filename=\"%s.json\"",
		    slug[0] != '\0' ? slug : "form");
		resp->status = 200;
		resp->content_type = "application/json; charset=utf-8";
		http_resp_header(req, resp, "Content-Disposition", disp);
		buf_reset(&resp->body);
		buf_puts(&resp->body, f.json);
		report_form_cleanup(&f);
		return 0;
	}
	root = json_loads(f.json, 0, NULL);
	if (root == NULL) {
		(void)kh_fail(&err, KH_E_DB, N_("The stored form %s cannot be"
		    " read."), f.code);
		web_error(req, resp, &err);
	} else
		render_form(req, resp, &f, root);
	json_decref(root);
	report_form_cleanup(&f);
	return 0;
}

/* ---- GET /reports/indicators ---- */

/* Titles of the fields of expr ("a+b") in form f, joined by " + ". */
static void
expr_words(struct http_req *req, struct buf *b, const struct report_form *f,
    const char *expr)
{
	char *copy = xstrdup(expr), *save = NULL, *tok;
	bool first = true;

	for (tok = strtok_r(copy, "+", &save); tok != NULL;
	    tok = strtok_r(NULL, "+", &save)) {
		int k;

		while (*tok == ' ')
			tok++;
		tok[strcspn(tok, " ")] = '\0';
		k = f != NULL ? reports_form_field(f, tok) : -1;
		html_raw(b, first ? "" : " + ");
		first = false;
		if (k >= 0)
			html_text(b, lang_en(req) ? f->fields[k].title_en :
			    f->fields[k].title_vi);
		else
			html_text(b, tok);
		html_raw(b, " <span class=\"muted\">(<code>");
		html_text(b, tok);
		html_raw(b, "</code>)</span>");
	}
	free(copy);
}

/* Who a stored target applies to: a unit's name, a kind of unit, or
 * every unit. */
static void
target_who(struct http_req *req, struct buf *b, json_t *t)
{
	struct web_req *w = web(req);
	const char *unit = jstr(t, "unit"), *kind = jstr(t, "unit_kind");
	struct kh_err e = KH_ERR_INIT;
	struct unit u = UNIT_INIT;

	if (unit != NULL) {
		if (units_find(w->db, &w->actor, unit, NULL, &u, &e) == 0 ||
		    units_find(w->db, &w->actor, unit, UNITS_OLD_STRUCTURE_TO, &u,
		    &e) == 0)
			html_text(b, u.name);
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, unit);
		html_raw(b, ")</span>");
		unit_cleanup(&u);
	} else if (kind != NULL) {
		html_text(b, tr(req, N_("every unit of the kind")));
		html_raw(b, " ");
		html_text(b, units_kind_label(kind, w->lang));
	} else
		html_text(b, tr(req, N_("every unit")));
}

static void
target_value(struct buf *b, json_t *v)
{
	char s[32];

	if (!json_is_number(v)) {
		html_raw(b, "—");
		return;
	}
	reports_x100_str((int64_t)(json_number_value(v) * 100 +
	    (json_number_value(v) >= 0 ? 0.5 : -0.5)), s, sizeof(s));
	/* Vietnamese write the decimal comma. */
	for (char *p = s; *p != '\0'; p++)
		if (*p == '.')
			*p = ',';
	html_text(b, s);
}

static void
remove_button(struct http_req *req, struct buf *b, const char *ind,
    json_t *t)
{
	html_raw(b, "<form method=\"post\" class=\"inline\""
	    " action=\"/reports/indicators/targets/remove\">");
	page_csrf_field(req, b);
	html_raw(b, "<input type=\"hidden\" name=\"indicator\" value=\"");
	html_attr(b, ind);
	html_raw(b, "\"><input type=\"hidden\" name=\"unit\" value=\"");
	html_attr(b, jstr(t, "unit"));
	html_raw(b, "\"><input type=\"hidden\" name=\"period\" value=\"");
	html_attr(b, jstr(t, "period") != NULL ? jstr(t, "period") : "");
	html_raw(b, "\"><button type=\"submit\" class=\"secondary\">");
	html_text(b, tr(req, N_("Remove")));
	html_raw(b, "</button></form>");
}

static void
indicator_card(struct http_req *req, struct buf *b, json_t *ind)
{
	struct web_req *w = web(req);
	struct kh_err e = KH_ERR_INIT;
	struct report_form f;
	const char *code = jstr(ind, "code"), *form = jstr(ind, "form");
	const char *den = jstr(ind, "denominator"), *unit = jstr(ind, "unit");
	json_t *factor = json_object_get(ind, "factor"), *t;
	bool has_form, admin = w->actor.role >= ROLE_ADMIN;
	size_t i, n = 0;

	if (code == NULL)
		return;
	has_form = form != NULL && reports_form_get(w->db, &w->actor, form, &f,
	    &e) == 0;
	html_raw(b, "<section class=\"card indicator\" id=\"ind-");
	html_attr(b, code);
	html_raw(b, "\" data-indicator=\"");
	html_attr(b, code);
	html_raw(b, "\"><h2>");
	html_text(b, jtitle(req, ind));
	html_raw(b, "</h2><dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Formula")));
	html_raw(b, "</dt><dd class=\"formula\">");
	if (jstr(ind, "numerator") != NULL)
		expr_words(req, b, has_form ? &f : NULL, jstr(ind, "numerator"));
	if (den != NULL) {
		html_raw(b, " ÷ (");
		expr_words(req, b, has_form ? &f : NULL, den);
		html_raw(b, ")");
	}
	if (json_is_integer(factor) && json_integer_value(factor) != 1)
		buf_printf(b, " × %lld", (long long)json_integer_value(factor));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Unit of measure")));
	html_raw(b, "</dt><dd>");
	html_text(b, unit != NULL && *unit != '\0' ? unit :
	    tr(req, N_("a count")));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Report form")));
	html_raw(b, "</dt><dd>");
	if (form != NULL) {
		html_raw(b, "<a href=\"");
		form_href(b, form, "");
		html_raw(b, "\">");
		html_text(b, has_form ? form_title(req, &f) : form);
		html_raw(b, "</a>");
	}
	html_raw(b, "</dd></div></dl><div class=\"table-wrap\"><table class=\"targets\">"
	    "<thead><tr><th>");
	html_text(b, tr(req, N_("Target for")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Period")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Target")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Source")));
	html_raw(b, "</th>");
	if (admin) {
		html_raw(b, "<th>");
		html_text(b, tr(req, N_("Action")));
		html_raw(b, "</th>");
	}
	html_raw(b, "</tr></thead><tbody>");
	json_array_foreach(json_object_get(ind, "targets"), i, t) {
		const char *src = jstr(t, "source");

		n++;
		html_raw(b, "<tr data-unit=\"");
		html_attr(b, jstr(t, "unit") != NULL ? jstr(t, "unit") : "");
		html_raw(b, "\" data-period=\"");
		html_attr(b, jstr(t, "period") != NULL ? jstr(t, "period") : "");
		html_raw(b, "\"><td>");
		target_who(req, b, t);
		html_raw(b, "</td><td>");
		html_text(b, jstr(t, "period") != NULL ? jstr(t, "period") : "");
		html_raw(b, "</td><td class=\"target\">");
		if (json_is_number(json_object_get(t, "value"))) {
			html_text(b, reports_op_symbol(jstr(t, "op")));
			html_raw(b, " ");
			target_value(b, json_object_get(t, "value"));
			if (unit != NULL && *unit != '\0') {
				html_raw(b, " ");
				html_text(b, unit);
			}
		} else {
			html_raw(b, "— <span class=\"muted\">");
			html_text(b, tr(req, N_("(figure not known yet)")));
			html_raw(b, "</span>");
		}
		unverified_mark(req, b, !json_is_false(json_object_get(t,
		    "verified")));
		html_raw(b, "</td><td>");
		html_text(b, src != NULL && *src != '\0' ? src : "—");
		if (jstr(t, "set_by") != NULL) {
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, tr(req, N_("set by")));
			html_raw(b, " ");
			html_text(b, jstr(t, "set_by"));
			html_raw(b, ")</span>");
		}
		html_raw(b, "</td>");
		if (admin) {
			html_raw(b, "<td>");
			if (jstr(t, "unit") != NULL)
				remove_button(req, b, code, t);
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No target is set.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "</section>");
	if (has_form)
		report_form_cleanup(&f);
}

static void
target_form(struct http_req *req, struct buf *b, const char **codes,
    const char **titles, size_t n, const struct kh_err *err)
{
	static const char *const ops[] = {">=", "<=", "="};
	static const char *const yes_no[] = {"1", "0"};
	const char *op_texts[3], *yn_texts[2];
	const char *ver = http_form(req, "verified");

	op_texts[0] = tr(req, N_("at least (≥)"));
	op_texts[1] = tr(req, N_("at most (≤)"));
	op_texts[2] = tr(req, N_("exactly (=)"));
	yn_texts[0] = tr(req, N_("yes, confirmed"));
	yn_texts[1] = tr(req, N_("no, awaiting confirmation"));
	page_form_begin(req, b, "target-set", N_("Set a target"), err,
	    "/reports/indicators/targets", NULL);
	page_select(req, b, "t-indicator", "indicator", N_("Indicator"), codes,
	    titles, n, http_form(req, "indicator"));
	page_input(req, b, "t-unit", "unit", N_("Unit code (31 for the city)"),
	    http_form(req, "unit"), "required maxlength=\"40\"");
	page_input(req, b, "t-period", "period", N_("Period (2026, 2026-Q3,"
	    " 2026-KH)"), http_form(req, "period"), "required maxlength=\"40\"");
	page_select(req, b, "t-op", "op", N_("Comparison"), ops, op_texts, 3,
	    http_form(req, "op"));
	page_input(req, b, "t-value", "value", N_("Value (27,5 or 10)"),
	    http_form(req, "value"), "required maxlength=\"20\""
	    " inputmode=\"decimal\"");
	page_input(req, b, "t-source", "source", N_("Source (the document that"
	    " sets the target)"), http_form(req, "source"),
	    "maxlength=\"300\"");
	page_select(req, b, "t-verified", "verified", N_("Figure confirmed"),
	    yes_no, yn_texts, 2, ver != NULL ? ver : "1");
	page_form_end(req, b, N_("Save the target"));
}

static void
render_indicators(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err e = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	struct buf *b = &resp->body;
	const char *codes[64], *titles[64];
	size_t n = 0;
	int rc;

	page_begin(req, resp, tr(req, N_("Indicators and targets")));
	html_raw(b, "<p><a href=\"/reports\">");
	html_text(b, tr(req, N_("Reports")));
	html_raw(b, "</a> · <a href=\"/reports/forms\">");
	html_text(b, tr(req, N_("Report forms")));
	html_raw(b, "</a></p><h1>");
	html_text(b, tr(req, N_("Indicators and targets")));
	html_raw(b, "</h1>");
	if (http_query(req, "done") != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\" id=\"done\">");
		html_text(b, strcmp(http_query(req, "done"), "removed") == 0 ?
		    tr(req, N_("The target was removed.")) :
		    tr(req, N_("The target was saved: the dashboards show it"
		    " now.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "<p class=\"muted\">");
	html_text(b, tr(req, N_("A target for a unit comes first, then a target"
	    " for its kind, then a target for every unit. A target is met only"
	    " when the unit's figure is known from approved reports.")));
	html_raw(b, "</p>");
	rc = db_prepare(w->db, "SELECT code, json FROM report_indicators ORDER"
	    " BY code", DB_NOARGS, &st, &e);
	while (rc == 0 && (rc = db_step(st, &e)) == 1) {
		json_t *ind = json_loads(db_col_text(st, 1), 0, NULL);

		rc = 0;
		if (ind == NULL)
			continue;
		if (n < sizeof(codes) / sizeof(codes[0])) {
			codes[n] = arena_strdup(&req->arena, db_col_text(st, 0));
			titles[n] = arena_strdup(&req->arena, jtitle(req, ind));
			n++;
		}
		indicator_card(req, b, ind);
		json_decref(ind);
	}
	if (st != NULL)
		db_finalize(st);
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No indicator is stored yet.")));
		html_raw(b, "</p>");
	}
	if (w->actor.role >= ROLE_ADMIN && n > 0)
		target_form(req, b, codes, titles, n, err);
	page_end(req, resp);
}

int
page_report_indicators(struct http_req *req, struct http_resp *resp)
{
	if (web_need_login(req, resp) != 0)
		return 0;
	render_indicators(req, resp, NULL);
	return 0;
}

/* The answer to a target change: back to the page, or the page again with
 * the reason (what was typed kept in the form). */
static void
target_done(struct http_req *req, struct http_resp *resp, int rc,
    const struct kh_err *err, const char *done)
{
	const char *ind = http_form(req, "indicator");

	if (rc == KH_E_FORBIDDEN) {
		web_error(req, resp, err);
		return;
	}
	if (rc != 0) {
		render_indicators(req, resp, err);
		resp->status = rc == KH_E_INVALID ? 422 : kh_kind_http_status(rc);
		return;
	}
	http_redirect(req, resp, arena_printf(&req->arena,
	    "/reports/indicators?done=%s#ind-%s", done, ind != NULL ? ind : ""));
}

int
page_report_targets_set(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_target_in t;
	const char *ver = http_form(req, "verified");
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	t.indicator = http_form(req, "indicator");
	t.unit = http_form(req, "unit");
	t.period = http_form(req, "period");
	t.op = http_form(req, "op");
	t.value = http_form(req, "value");
	t.source = http_form(req, "source");
	t.verified = ver == NULL || strcmp(ver, "0") != 0;
	rc = reports_target_set(w->db, &w->actor, &t, &err);
	target_done(req, resp, rc, &err, "saved");
	return 0;
}

int
page_report_targets_remove(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = reports_target_remove(w->db, &w->actor, http_form(req, "indicator"),
	    http_form(req, "unit"), http_form(req, "period"), &err);
	target_done(req, resp, rc, &err, "removed");
	return 0;
}
