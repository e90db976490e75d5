/*
 * page_reports.c - reports up the hierarchy in the browser and in the JSON
 * API, over reports.h:
 *
 *   GET  /reports                                   the forms assigned, the
 *        state of the user's own reports, the reports waiting for the
 *        user's decision (manager+), assignments (admin)
 *   POST /reports/assign                            assign a form (admin)
 *   GET  /units/{code}/reports/{form}/{period}      one unit's report: the
 *        entry form while it is a draft or returned, read-only after
 *   POST /units/{code}/reports/{form}/{period}      action=save|submit|
 *        approve|return|reopen|evidence
 *   GET  .../{period}/evidence/{id}                 an attached file
 *   GET  .../{period}/status                        completeness, lateness
 *   GET  .../{period}/consolidated?structure=&format=xlsx|pdf|csv
 *   GET  /api/v1/reports/{form}/{period}?unit=&structure=&format=csv
 *   GET  /api/v1/reports/{form}/{period}/status?unit=&format=csv
 *
 * Nothing typed is lost: every save and every submit attempt stores what
 * was typed first (reports_save keeps invalid text), and the page shows the
 * stored text with each problem next to its field. Only fields whose text
 * changed are sent, so that a prefilled figure left alone keeps its source.
 * Opening a report that does not exist yet, by someone who may write in the
 * unit, creates the draft with the known figures filled in (audited, like
 * any save). The unit code names the unit in the structure in force on the
 * period's last day unless ?structure= says otherwise (codes are reused
 * across 1 July 2025).
 */
#include "web/web.h"
#include "core/date.h"
#include "reports/reports.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ---- */

/* The unit named code in the structure of the period (see the top). */
static int
unit_in(struct web_req *w, const char *code, const char *period,
    const char *structure, struct unit *u, struct kh_err *err)
{
	struct report_period p;
	const char *on;
	int rc;

	rc = reports_period_parse(period, &p, err);
	if (rc != 0)
		return rc;
	if (structure == NULL || *structure == '\0')
		structure = strcmp(p.to, UNITS_NEW_STRUCTURE_FROM) >= 0 ?
		    REPORT_NEW : REPORT_OLD;
	if (strcmp(structure, REPORT_OLD) != 0 &&
	    strcmp(structure, REPORT_NEW) != 0)
		return kh_fail_field(err, KH_E_INVALID, "structure",
		    N_("The structure must be \"old\" or \"new\", not %s."),
		    structure);
	on = strcmp(structure, REPORT_OLD) == 0 ? UNITS_OLD_STRUCTURE_TO :
	    UNITS_NEW_STRUCTURE_FROM;
	return units_find(w->db, &w->actor, code, on, u, err);
}

static const char *
field_title(struct http_req *req, const struct report_field *f)
{
	return strcmp(web(req)->lang, "en") == 0 && f->title_en != NULL &&
	    f->title_en[0] != '\0' ? f->title_en : f->title_vi;
}

/* The unit a figure is counted in, as printed next to its input. */
static const char *
field_unit(struct http_req *req, const struct report_field *f)
{
	const char *w = reports_unit_words(f->kind, f->code);

	return w != NULL ? tr(req, w) : NULL;
}

static const char *
state_label(struct http_req *req, const char *state)
{
	if (state == NULL || strcmp(state, "missing") == 0)
		return tr(req, N_("not started"));
	if (strcmp(state, REPORT_DRAFT) == 0)
		return tr(req, N_("draft"));
	if (strcmp(state, REPORT_SUBMITTED) == 0)
		return tr(req, N_("submitted"));
	if (strcmp(state, REPORT_RETURNED) == 0)
		return tr(req, N_("returned"));
	if (strcmp(state, REPORT_APPROVED) == 0)
		return tr(req, N_("approved"));
	return state;
}

static void
report_href(struct buf *b, const char *unit, const char *form,
    const char *period, const char *tail)
{
	html_raw(b, "/units/");
	html_url(b, unit);
	html_raw(b, "/reports/");
	html_url(b, form);
	html_raw(b, "/");
	html_url(b, period);
	if (tail != NULL)
		html_raw(b, tail);
}

/* A problem's message in the request's language. */
static void
problem_text(struct http_req *req, struct buf *b,
    const struct report_problem *p)
{
	struct kh_err e = KH_ERR_INIT;
	char msg[600];

	e.kind = KH_E_INVALID;
	e.msg = p->msg;
	snprintf(e.arg, sizeof(e.arg), "%s", p->arg);
	kh_err_format(&e, web(req)->lang, msg, sizeof(msg));
	html_text(b, msg);
}

/* 1 when the actor's scope holds unit_id (the approving level). */
static bool
in_scope(struct web_req *w, int64_t unit_id)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t one = 0;

	if (unit_id == 0)
		return false;
	return db_query_int(w->db, "SELECT 1 FROM units u WHERE u.id = $1 AND "
	    AUTH_IN_SCOPE("u.id", "$2"), DB_ARGS(DB_INT(unit_id),
	    DB_INT(w->actor.unit_id)), &one, &err) == 0 && one == 1;
}

/* ---- GET /reports ---- */

static void
index_assignments(struct http_req *req, struct buf *b, const char *kind)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	char today[DATE_LEN];
	int rc, n = 0;

	date_today(today);
	rc = db_prepare(w->db, "SELECT f.code, f.title_vi, a.unit_kind, a.period,"
	    " a.deadline, s.state, s.late, s.comment FROM report_assignments a"
	    " JOIN report_forms f ON f.id = a.form_id LEFT JOIN report_submissions"
	    " s ON s.form_id = a.form_id AND s.period = a.period AND s.unit_id = $1"
	    " ORDER BY a.period_to DESC, f.code, a.unit_kind",
	    DB_ARGS(DB_INT(w->actor.unit_id)), &st, &err);
	html_raw(b, "<div class=\"table-wrap\"><table id=\"report-forms\"><thead>"
	    "<tr><th>");
	html_text(b, tr(req, N_("Report")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Period")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Deadline")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("State")));
	html_raw(b, "</th><th></th></tr></thead><tbody>");
	while (rc == 0 && (rc = db_step(st, &err)) == 1) {
		const char *code = db_col_text(st, 0), *period = db_col_text(st, 3);
		const char *deadline = db_col_text(st, 4), *state = db_col_text(st, 5);
		bool own = strcmp(db_col_text(st, 2), kind) == 0;
		bool late = db_col_int(st, 6) != 0 || ((state == NULL ||
		    strcmp(state, REPORT_DRAFT) == 0 ||
		    strcmp(state, REPORT_RETURNED) == 0) &&
		    strcmp(today, deadline) > 0);

		rc = 0;
		n++;
		html_raw(b, "<tr data-form=\"");
		html_attr(b, code);
		html_raw(b, "\" data-period=\"");
		html_attr(b, period);
		html_raw(b, "\"><td>");
		html_text(b, db_col_text(st, 1));
		html_raw(b, "</td><td>");
		html_text(b, period);
		html_raw(b, "</td><td>");
		page_date(b, deadline);
		html_raw(b, "</td><td class=\"state\">");
		if (own) {
			html_text(b, state_label(req, state));
			if (late) {
				html_raw(b, " <strong class=\"late\">");
				html_text(b, tr(req, N_("late")));
				html_raw(b, "</strong>");
			}
			if (state != NULL && strcmp(state, REPORT_RETURNED) == 0) {
				html_raw(b, "<br><span class=\"muted\">");
				html_text(b, db_col_text(st, 7));
				html_raw(b, "</span>");
			}
		} else
			html_raw(b, "—");
		html_raw(b, "</td><td>");
		if (own) {
			html_raw(b, "<a class=\"enter\" href=\"");
			report_href(b, w->actor.unit_code, code, period, NULL);
			html_raw(b, "\">");
			html_text(b, tr(req, N_("Open")));
			html_raw(b, "</a> · ");
		}
		html_raw(b, "<a href=\"");
		report_href(b, w->actor.unit_code, code, period, "/status");
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Completeness")));
		html_raw(b, "</a> · <a href=\"");
		report_href(b, w->actor.unit_code, code, period, "/consolidated");
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Consolidated")));
		html_raw(b, "</a></td></tr>");
	}
	if (st != NULL)
		db_finalize(st);
	html_raw(b, "</tbody></table></div>");
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No report form is assigned yet.")));
		html_raw(b, "</p>");
	}
}

static void
index_waiting(struct http_req *req, struct buf *b)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	int rc, n = 0;

	html_raw(b, "<h2>");
	html_text(b, tr(req, N_("Waiting for your decision")));
	html_raw(b, "</h2><ul id=\"report-waiting\">");
	rc = db_prepare(w->db, "SELECT u.code, u.name, f.code, f.title_vi,"
	    " s.period, s.submitted_on, s.late FROM report_submissions s"
	    " JOIN units u ON u.id = s.unit_id JOIN report_forms f ON"
	    " f.id = s.form_id WHERE s.state = 'submitted' AND s.approver_unit_id"
	    " IS NOT NULL AND " AUTH_IN_SCOPE("s.approver_unit_id", "$1")
	    " ORDER BY s.submitted_on, u.code", DB_ARGS(DB_INT(w->actor.unit_id)),
	    &st, &err);
	while (rc == 0 && (rc = db_step(st, &err)) == 1) {
		rc = 0;
		n++;
		html_raw(b, "<li><a href=\"");
		report_href(b, db_col_text(st, 0), db_col_text(st, 2),
		    db_col_text(st, 4), NULL);
		html_raw(b, "\">");
		html_text(b, db_col_text(st, 1));
		html_raw(b, " · ");
		html_text(b, db_col_text(st, 3));
		html_raw(b, " · ");
		html_text(b, db_col_text(st, 4));
		html_raw(b, "</a> <span class=\"muted\">");
		page_date(b, db_col_text(st, 5));
		html_raw(b, "</span>");
		if (db_col_int(st, 6) != 0) {
			html_raw(b, " <strong class=\"late\">");
			html_text(b, tr(req, N_("late")));
			html_raw(b, "</strong>");
		}
		html_raw(b, "</li>");
	}
	if (st != NULL)
		db_finalize(st);
	html_raw(b, "</ul>");
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No report is waiting for your decision.")));
		html_raw(b, "</p>");
	}
}

static void
assign_form(struct http_req *req, struct buf *b, const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err e = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	const char *codes[32], *titles[32];
	char *own[32];
	size_t n = 0;
	static const char *const kinds[] = {UNIT_COMMUNE, "district", "province"};
	const char *kind_texts[3];
	int rc;

	rc = db_prepare(w->db, "SELECT code, title_vi FROM report_forms ORDER BY"
	    " code", DB_NOARGS, &st, &e);
	while (rc == 0 && n < 32 && (rc = db_step(st, &e)) == 1) {
		rc = 0;
		codes[n] = own[n] = xstrdup(db_col_text(st, 0));
		titles[n] = arena_strdup(&req->arena, db_col_text(st, 1));
		n++;
	}
	if (st != NULL)
		db_finalize(st);
	kind_texts[0] = tr(req, N_("communes and wards"));
	kind_texts[1] = tr(req, N_("districts"));
	kind_texts[2] = tr(req, N_("the province or city"));
	page_form_begin(req, b, "report-assign", N_("Assign a report form"), err,
	    "/reports/assign", NULL);
	page_select(req, b, "as-form", "form", N_("Report form"), codes, titles,
	    n, NULL);
	page_select(req, b, "as-kind", "kind", N_("Filed by"), kinds, kind_texts,
	    3, UNIT_COMMUNE);
	page_input(req, b, "as-period", "period", N_("Period (2026, 2026-Q3,"
	    " 2026-KH)"), http_form(req, "period"), "required maxlength=\"40\"");
	page_input(req, b, "as-deadline", "deadline", N_("Deadline (empty: the"
	    " form's own)"), http_form(req, "deadline"), "type=\"date\"");
	page_form_end(req, b, N_("Assign"));
	for (size_t i = 0; i < n; i++)
		free(own[i]);
}

static void
render_index(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err e = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct buf *b = &resp->body;

	if (units_find(w->db, &w->actor, w->actor.unit_code, NULL, &u, &e) != 0)
		(void)units_find(w->db, &w->actor, w->actor.unit_code,
		    UNITS_OLD_STRUCTURE_TO, &u, &e);
	page_begin(req, resp, tr(req, N_("Reports")));
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Reports")));
	html_raw(b, " <span class=\"muted\">");
	html_text(b, w->actor.unit_name);
	html_raw(b, "</span></h1><h2>");
	html_text(b, tr(req, N_("Report forms and periods")));
	html_raw(b, "</h2><p><a id=\"forms-admin\" href=\"/reports/forms\">");
	html_text(b, tr(req, N_("Report forms and indicator targets")));
	html_raw(b, "</a></p>");
	index_assignments(req, b, u.kind != NULL ? u.kind : "");
	if (w->actor.role >= ROLE_MANAGER)
		index_waiting(req, b);
	if (w->actor.role >= ROLE_ADMIN)
		assign_form(req, b, err);
	page_end(req, resp);
	unit_cleanup(&u);
}

int
page_reports_index(struct http_req *req, struct http_resp *resp)
{
	if (web_need_login(req, resp) != 0)
		return 0;
	render_index(req, resp, NULL);
	return 0;
}

int
page_reports_assign(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const char *deadline = http_form(req, "deadline");
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = reports_assign(w->db, &w->actor, http_form(req, "form"),
	    http_form(req, "kind"), http_form(req, "period"),
	    deadline != NULL && *deadline != '\0' ? deadline : NULL, &err);
	if (rc == KH_E_FORBIDDEN) {
		web_error(req, resp, &err);
		return 0;
	}
	if (rc != 0) {
		render_index(req, resp, &err);
		resp->status = kh_kind_http_status(rc);
		return 0;
	}
	http_redirect(req, resp, "/reports");
	return 0;
}

/* ---- one unit's report ---- */

struct entry {
	struct unit u;
	struct report_form f;
	struct report_submission s;
	bool has_sub;
	int64_t id;
};

static void
entry_cleanup(struct entry *e)
{
	unit_cleanup(&e->u);
	report_form_cleanup(&e->f);
	if (e->has_sub)
		report_submission_cleanup(&e->s);
}

/* Load the unit, the form and the report (creating the draft when the
 * actor may write in the unit and create is set). */
static int
entry_load(struct http_req *req, struct entry *e, bool create,
    struct kh_err *err)
{
	struct web_req *w = web(req);
	const char *period = http_param(req, "period");
	int rc;

	memset(e, 0, sizeof(*e));
	rc = unit_in(w, http_param(req, "code"), period,
	    http_query(req, "structure"), &e->u, err);
	if (rc == 0)
		rc = reports_form_get(w->db, &w->actor, http_param(req, "form"),
		    &e->f, err);
	if (rc != 0)
		return rc;
	rc = reports_find(w->db, &w->actor, e->f.code, e->u.id, period, &e->id,
	    err);
	if (rc == KH_E_NOT_FOUND && create) {
		struct kh_err we = KH_ERR_INIT;

		kh_err_clear(err);
		if (auth_can_write(w->db, &w->actor, e->u.id, &we) != 0)
			return 0;	/* shown as not started */
		rc = reports_save(w->db, &w->actor, e->f.code, e->u.id, period,
		    NULL, 0, &e->id, NULL, err);
	} else if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		return 0;
	}
	if (rc == 0) {
		rc = reports_get(w->db, &w->actor, e->id, &e->s, err);
		e->has_sub = rc == 0;
	}
	return rc;
}

static const struct report_problem *
problem_of(const struct report_problems *p, const char *field)
{
	for (size_t i = 0; p != NULL && i < p->n; i++)
		if (strcmp(p->items[i].field, field) == 0)
			return &p->items[i];
	return NULL;
}

static void
entry_field(struct http_req *req, struct buf *b, const struct report_field *f,
    const struct report_value *v, const struct report_problems *probs,
    bool editable)
{
	const struct report_problem *p = problem_of(probs, f->code);
	const char *unit = field_unit(req, f);
	char id[80];

	snprintf(id, sizeof(id), "v-%s", f->code);
	html_raw(b, "<div class=\"field");
	if (p != NULL)
		html_raw(b, " invalid");
	html_raw(b, "\" data-field=\"");
	html_attr(b, f->code);
	html_raw(b, "\"><label for=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_text(b, field_title(req, f));
	if (f->required)
		html_raw(b, " <span class=\"req\">*</span>");
	html_raw(b, "</label><div class=\"input-unit\">");
	if (f->num != NULL || !editable) {
		html_raw(b, "<output id=\"");
		html_attr(b, id);
		html_raw(b, "\">");
		if (strcmp(f->kind, RF_PCT) == 0 && v->raw[0] != '\0' &&
		    strcmp(web(req)->lang, "vi") == 0) {
			char tmp[48], *dot;

			snprintf(tmp, sizeof(tmp), "%s", v->raw);
			if ((dot = strchr(tmp, '.')) != NULL)
				*dot = ',';
			html_text(b, tmp);
		} else
			html_text(b, v->raw[0] != '\0' ? v->raw : "—");
		html_raw(b, "</output>");
	} else if (strcmp(f->kind, RF_TEXT) == 0) {
		html_raw(b, "<textarea id=\"");
		html_attr(b, id);
		html_raw(b, "\" name=\"v.");
		html_attr(b, f->code);
		html_raw(b, "\" rows=\"3\">");
		html_text(b, v->raw);
		html_raw(b, "</textarea>");
	} else {
		html_raw(b, "<input id=\"");
		html_attr(b, id);
		html_raw(b, "\" name=\"v.");
		html_attr(b, f->code);
		html_raw(b, "\" value=\"");
		html_attr(b, v->raw);
		html_raw(b, strcmp(f->kind, RF_BOOL) == 0 ? "\" placeholder=\"có/không\"" :
		    "\" inputmode=\"decimal\"");
		if (p != NULL)
			html_raw(b, " aria-invalid=\"true\"");
		html_raw(b, ">");
	}
	if (unit != NULL) {
		html_raw(b, "<span class=\"unit\">");
		html_text(b, unit);
		html_raw(b, "</span>");
	}
	html_raw(b, "</div>");
	if (f->num != NULL) {
		html_raw(b, "<small class=\"source computed\">");
		html_text(b, tr(req, N_("Computed")));
		html_raw(b, "</small>");
	} else if (v->source[0] != '\0') {
		html_raw(b, "<small class=\"source\">");
		html_text(b, tr(req, N_("Automatic")));
		html_raw(b, ": ");
		html_text(b, tr(req, reports_source_words(v->source)));
		html_raw(b, "</small>");
	}
	if (p != NULL) {
		html_raw(b, "<p class=\"field-error\" role=\"alert\">");
		problem_text(req, b, p);
		html_raw(b, "</p>");
	}
	html_raw(b, "</div>");
}

static void
entry_history(struct http_req *req, struct buf *b, int64_t id)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_history h = {0};

	if (reports_history(w->db, &w->actor, id, &h, &err) != 0 || h.n == 0) {
		report_history_cleanup(&h);
		return;
	}
	html_raw(b, "<h2>");
	html_text(b, tr(req, N_("History")));
	html_raw(b, "</h2><ol id=\"report-history\">");
	for (size_t i = 0; i < h.n; i++) {
		html_raw(b, "<li>");
		html_text(b, h.items[i].at);
		html_raw(b, " · ");
		html_text(b, h.items[i].actor);
		html_raw(b, " · ");
		html_text(b, state_label(req, h.items[i].to_state));
		if (h.items[i].comment != NULL && h.items[i].comment[0] != '\0') {
			html_raw(b, ": <q>");
			html_text(b, h.items[i].comment);
			html_raw(b, "</q>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ol>");
	report_history_cleanup(&h);
}

static void
action_form(struct http_req *req, struct buf *b, const char *action,
    const char *id, const char *title, const char *button,
    const char *comment_label, bool comment_required)
{
	struct buf act = BUF_INIT;

	buf_puts(&act, req->path);
	page_form_begin(req, b, id, title, NULL, buf_str(&act), NULL);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"");
	html_attr(b, action);
	html_raw(b, "\">");
	if (comment_label != NULL)
		page_input(req, b, "", "comment", comment_label, NULL,
		    comment_required ? "required maxlength=\"1000\"" :
		    "maxlength=\"1000\"");
	page_form_end(req, b, button);
	buf_free(&act);
}

/* A size as people read it: bytes, kB or MB (decimal comma in Vietnamese). */
static void
evidence_size(struct http_req *req, struct buf *b, size_t size)
{
	char num[32], *dot;

	if (size < 1024) {
		buf_printf(b, "%zu B", size);
		return;
	}
	if (size < 1024 * 1024)
		snprintf(num, sizeof(num), "%.1f kB", (double)size / 1024.0);
	else
		snprintf(num, sizeof(num), "%.1f MB",
		    (double)size / (1024.0 * 1024.0));
	dot = strchr(num, '.');
	if (dot != NULL && strcmp(web(req)->lang, "en") != 0)
		*dot = ',';
	html_text(b, num);
}

/*
 * The files attached to the report, for everyone who may read it (the unit
 * and the approving level): name (a download link), size, who attached it
 * and when.
 */
static void
evidence_files(struct http_req *req, struct buf *b, const struct entry *e)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_evidence_list l = {0};
	const char *structure = http_query(req, "structure");
	char d[DATE_LEN];

	html_raw(b, "<p>");
	html_text(b, tr(req, N_("Files attached")));
	buf_printf(b, ": %d</p>", e->s.n_evidence);
	if (reports_evidence_list(w->db, &w->actor, e->id, &l, &err) != 0) {
		page_error_box(req, b, &err);
		kh_err_clear(&err);
		return;
	}
	if (l.n == 0) {
		report_evidence_list_cleanup(&l);
		return;
	}
	html_raw(b, "<div class=\"table-wrap\"><table id=\"report-evidence-files\">"
	    "<thead><tr><th>");
	html_text(b, tr(req, N_("File")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Size")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Attached by")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Attached on")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < l.n; i++) {
		const struct report_evidence *f = &l.items[i];
		char tail[64];

		snprintf(tail, sizeof(tail), "/evidence/%lld", (long long)f->id);
		html_raw(b, "<tr><td><a href=\"");
		report_href(b, e->u.code, e->f.code, e->s.period, tail);
		if (structure != NULL && structure[0] != '\0') {
			html_raw(b, "?structure=");
			html_url(b, structure);
		}
		html_raw(b, "\">");
		html_text(b, f->name);
		html_raw(b, "</a></td><td class=\"num\">");
		evidence_size(req, b, f->size);
		html_raw(b, "</td><td>");
		html_text(b, f->actor);
		html_raw(b, "</td><td>");
		/* The instant is UTC: the date and the time, as stored. */
		date_display(f->created_at, d);
		html_text(b, d);
		if (strlen(f->created_at) >= 16) {
			html_raw(b, " ");
			buf_append(b, f->created_at + 11, 5);
			html_raw(b, " UTC");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	report_evidence_list_cleanup(&l);
}

static void
render_entry(struct http_req *req, struct http_resp *resp, struct entry *e,
    const struct report_problems *probs, const struct kh_err *err,
    const char *notice)
{
	struct web_req *w = web(req);
	struct kh_err we = KH_ERR_INIT;
	struct buf *b = &resp->body;
	const char *period = http_param(req, "period");
	bool editable, approver;
	size_t k, sec;

	buf_reset(b);
	page_begin(req, resp, tr(req, N_("Report")));
	html_raw(b, "<nav class=\"tabs\"><a href=\"/reports\">");
	html_text(b, tr(req, N_("Reports")));
	html_raw(b, "</a> · <a href=\"");
	page_unit_href(b, e->u.code, e->u.valid_to);
	html_raw(b, "\">");
	html_text(b, e->u.name);
	html_raw(b, "</a></nav><h1>");
	html_text(b, strcmp(w->lang, "en") == 0 ? e->f.title_en : e->f.title_vi);
	html_raw(b, " <span class=\"muted\">");
	html_text(b, e->u.name);
	html_raw(b, " · ");
	html_text(b, period);
	html_raw(b, "</span></h1>");
	if (notice != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		html_raw(b, "</p>");
	}
	if (err != NULL)
		page_error_box(req, b, err);
	if (!e->has_sub) {
		html_raw(b, "<p id=\"report-state\" data-state=\"missing\">");
		html_text(b, tr(req, N_("This unit has not started this report.")));
		html_raw(b, "</p>");
		page_end(req, resp);
		return;
	}
	html_raw(b, "<p id=\"report-state\" data-state=\"");
	html_attr(b, e->s.state);
	html_raw(b, "\">");
	html_text(b, tr(req, N_("State")));
	html_raw(b, ": <strong>");
	html_text(b, state_label(req, e->s.state));
	html_raw(b, "</strong>");
	if (e->s.late) {
		html_raw(b, " <strong class=\"late\">");
		html_text(b, tr(req, N_("late")));
		html_raw(b, "</strong>");
	}
	if (e->s.deadline != NULL) {
		html_raw(b, " · ");
		html_text(b, tr(req, N_("Deadline")));
		html_raw(b, " ");
		page_date(b, e->s.deadline);
	}
	html_raw(b, "</p>");
	if (e->s.comment[0] != '\0' && (strcmp(e->s.state, REPORT_RETURNED) == 0)) {
		html_raw(b, "<p class=\"alert\" id=\"report-comment\">");
		html_text(b, tr(req, N_("Returned with the comment")));
		html_raw(b, ": ");
		html_text(b, e->s.comment);
		html_raw(b, "</p>");
	}
	editable = (strcmp(e->s.state, REPORT_DRAFT) == 0 ||
	    strcmp(e->s.state, REPORT_RETURNED) == 0) &&
	    auth_can_write(w->db, &w->actor, e->u.id, &we) == 0;
	for (size_t i = 0; probs != NULL && i < probs->n; i++)
		if (probs->items[i].field[0] == '\0' ||
		    reports_form_field(&e->f, probs->items[i].field) < 0) {
			html_raw(b, "<p class=\"alert\" role=\"alert\">");
			problem_text(req, b, &probs->items[i]);
			html_raw(b, "</p>");
		}
	if (probs != NULL && probs->n > 0) {
		html_raw(b, "<p class=\"alert\" id=\"report-problems\" role=\"alert\">");
		html_text(b, tr(req, N_("The draft is saved, but some figures need"
		    " correcting (marked below).")));
		html_raw(b, "</p>");
	}
	if (editable) {
		html_raw(b, "<form method=\"post\" class=\"report-entry\" id=\"report-form\""
		    " action=\"");
		html_attr(b, req->path);
		html_raw(b, "\">");
		page_csrf_field(req, b);
	} else
		html_raw(b, "<div class=\"report-entry\" id=\"report-form\">");
	for (sec = 0; sec < e->f.n_sections; sec++) {
		const struct report_section *s = &e->f.sections[sec];

		html_raw(b, "<h2>");
		html_text(b, s->code);
		html_raw(b, ". ");
		html_text(b, strcmp(w->lang, "en") == 0 ? s->title_en : s->title_vi);
		html_raw(b, "</h2>");
		for (k = 0; k < e->f.n_fields; k++)
			if (strcmp(e->f.fields[k].section, s->code) == 0)
				entry_field(req, b, &e->f.fields[k], &e->s.values[k],
				    probs, editable);
	}
	if (editable) {
		html_raw(b, "<div class=\"actions\"><button type=\"submit\" name=\"action\""
		    " value=\"save\">");
		html_text(b, tr(req, N_("Save draft")));
		html_raw(b, "</button> <button type=\"submit\" name=\"action\""
		    " value=\"submit\" class=\"primary\">");
		html_text(b, tr(req, N_("Submit the report")));
		html_raw(b, "</button></div></form>");
		/* Evidence: a separate multipart form. */
		html_raw(b, "<section class=\"card\" id=\"report-evidence\"><h2>");
		html_text(b, tr(req, N_("Evidence")));
		html_raw(b, "</h2>");
		evidence_files(req, b, e);
		html_raw(b, "<form method=\"post\" enctype=\"multipart/"
		    "form-data\" action=\"");
		html_attr(b, req->path);
		html_raw(b, "\">");
		page_csrf_field(req, b);
		html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"evidence\">"
		    "<input type=\"file\" name=\"file\" id=\"ev-file\"><button"
		    " type=\"submit\">");
		html_text(b, tr(req, N_("Attach")));
		html_raw(b, "</button></form></section>");
	} else {
		html_raw(b, "</div><section class=\"card\" id=\"report-evidence\"><h2>");
		html_text(b, tr(req, N_("Evidence")));
		html_raw(b, "</h2>");
		evidence_files(req, b, e);
		html_raw(b, "</section>");
	}
	approver = w->actor.role >= ROLE_MANAGER &&
	    in_scope(w, e->s.approver_unit_id) && e->u.id != w->actor.unit_id;
	if (approver && strcmp(e->s.state, REPORT_SUBMITTED) == 0) {
		action_form(req, b, "approve", "report-approve", N_("Approve"),
		    N_("Approve"), N_("Comment (optional)"), false);
		action_form(req, b, "return", "report-return", N_("Return for"
		    " correction"), N_("Return"), N_("Comment (required)"), true);
	}
	if (approver && strcmp(e->s.state, REPORT_APPROVED) == 0)
		action_form(req, b, "reopen", "report-reopen", N_("Reopen the"
		    " approved report"), N_("Reopen"), N_("Reason (required)"), true);
	html_raw(b, "<p><a href=\"");
	report_href(b, e->u.code, e->f.code, period, "/consolidated");
	html_raw(b, "\">");
	html_text(b, tr(req, N_("Consolidated report")));
	html_raw(b, "</a> · <a href=\"");
	report_href(b, e->u.code, e->f.code, period, "/status");
	html_raw(b, "\">");
	html_text(b, tr(req, N_("Completeness")));
	html_raw(b, "</a></p>");
	entry_history(req, b, e->id);
	page_end(req, resp);
}

int
page_report_entry(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	struct entry e;
	const char *done = http_query(req, "done");
	const char *notice = NULL;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (entry_load(req, &e, true, &err) != 0) {
		web_error(req, resp, &err);
		entry_cleanup(&e);
		return 0;
	}
	if (done != NULL && strcmp(done, "save") == 0)
		notice = tr(req, N_("The draft is saved."));
	else if (done != NULL && strcmp(done, "submit") == 0)
		notice = tr(req, N_("The report is submitted."));
	else if (done != NULL && strcmp(done, "approve") == 0)
		notice = tr(req, N_("The report is approved."));
	else if (done != NULL && strcmp(done, "return") == 0)
		notice = tr(req, N_("The report is returned to the unit."));
	else if (done != NULL && strcmp(done, "reopen") == 0)
		notice = tr(req, N_("The report is reopened."));
	else if (done != NULL && strcmp(done, "evidence") == 0)
		notice = tr(req, N_("The file is attached."));
	render_entry(req, resp, &e, NULL, NULL, notice);
	entry_cleanup(&e);
	return 0;
}

/*
 * GET .../{period}/evidence/{id}: one attached file, for everyone who may
 * read the report. A report or a file out of the reader's scope answers 404
 * like one that does not exist: its existence is not confirmed. Only types a
 * browser shows harmlessly are given as such; anything else (HTML, SVG with
 * scripts) is sent as a download.
 */
int
page_report_evidence_get(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_evidence f;
	struct buf disp = BUF_INIT;
	struct entry e;
	const char *s = http_param(req, "id"), *ct;
	char *end = NULL;
	long long id;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	memset(&f, 0, sizeof(f));
	id = s != NULL ? strtoll(s, &end, 10) : 0;
	rc = entry_load(req, &e, false, &err);
	if (rc == 0 && (!e.has_sub || end == NULL || *end != '\0' || id <= 0))
		rc = kh_fail(&err, KH_E_NOT_FOUND, N_("No evidence file has the"
		    " number %s."), s != NULL ? s : "");
	if (rc == 0)
		rc = reports_evidence_get(w->db, &w->actor, e.id, (int64_t)id, &f,
		    &err);
	if (rc == KH_E_FORBIDDEN) {
		web_error_kind(req, resp, KH_E_NOT_FOUND);
		goto out;
	}
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	ct = strcmp(f.content_type, "application/pdf") == 0 ||
	    strcmp(f.content_type, "image/jpeg") == 0 ||
	    strcmp(f.content_type, "image/png") == 0 ? f.content_type :
	    "application/octet-stream";
	resp->content_type = arena_strdup(&req->arena, ct);
	buf_reset(&resp->body);
	buf_append(&resp->body, f.data, f.size);
	buf_puts(&disp, "attachment; filename=\"evidence\"; filename*=UTF-8''");
	html_url(&disp, f.name);
	http_resp_header(req, resp, "Content-Disposition", buf_str(&disp));
out:
	kh_err_clear(&err);
	buf_free(&disp);
	report_evidence_cleanup(&f);
	entry_cleanup(&e);
	return 0;
}

/* Save the fields whose text changed (all of them when the report has just
 * been created); problems into *probs. */
static int
entry_save(struct http_req *req, struct entry *e,
    struct report_problems *probs, struct kh_err *err)
{
	struct web_req *w = web(req);
	struct report_value_in *vals;
	size_t n = 0;
	int rc;

	vals = xcalloc(e->f.n_fields + 1, sizeof(*vals));
	for (size_t k = 0; k < e->f.n_fields; k++) {
		char name[80];
		const char *raw;

		if (e->f.fields[k].num != NULL)
			continue;
		snprintf(name, sizeof(name), "v.%s", e->f.fields[k].code);
		raw = http_form(req, name);
		if (raw == NULL || (e->has_sub &&
		    strcmp(raw, e->s.values[k].raw) == 0))
			continue;
		vals[n].field = e->f.fields[k].code;
		vals[n].raw = raw;
		n++;
	}
	rc = reports_save(w->db, &w->actor, e->f.code, e->u.id,
	    http_param(req, "period"), vals, n, &e->id, probs, err);
	free(vals);
	return rc;
}

int
page_report_entry_post(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct kh_err ge = KH_ERR_INIT;
	struct report_problems probs = {0};
	const char *action = http_form(req, "action");
	const char *comment = http_form(req, "comment");
	struct entry e;
	struct buf to = BUF_INIT;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (action == NULL)
		action = "save";
	rc = entry_load(req, &e, false, &err);
	if (rc == 0 && (strcmp(action, "save") == 0 ||
	    strcmp(action, "submit") == 0)) {
		rc = entry_save(req, &e, &probs, &err);
		if (rc == 0 && strcmp(action, "submit") == 0) {
			report_problems_cleanup(&probs);
			memset(&probs, 0, sizeof(probs));
			rc = reports_submit(w->db, &w->actor, e.id, &probs, &err);
		}
	} else if (rc == 0 && !e.has_sub)
		rc = kh_fail(&err, KH_E_NOT_FOUND, N_("This unit has not started"
		    " this report."), NULL);
	else if (rc == 0 && strcmp(action, "approve") == 0)
		rc = reports_approve(w->db, &w->actor, e.id, comment, &err);
	else if (rc == 0 && strcmp(action, "return") == 0)
		rc = reports_return(w->db, &w->actor, e.id, comment, &err);
	else if (rc == 0 && strcmp(action, "reopen") == 0)
		rc = reports_reopen(w->db, &w->actor, e.id, comment, &err);
	else if (rc == 0 && strcmp(action, "evidence") == 0) {
		const struct http_file *f = http_file(req, "file");
		int64_t eid;

		rc = f == NULL || f->len == 0 ? kh_fail_field(&err, KH_E_INVALID,
		    "file", N_("Choose a file to send."), NULL) :
		    reports_evidence_add(w->db, &w->actor, e.id, f->filename,
		    f->content_type, f->data, f->len, &eid, &err);
	} else if (rc == 0)
		rc = kh_fail(&err, KH_E_INVALID, N_("Unknown action %s."), action);
	if (rc == 0 && probs.n == 0) {
		buf_puts(&to, req->path);
		buf_printf(&to, "?done=%s", action);
		http_redirect(req, resp, buf_str(&to));
		goto out;
	}
	if (e.u.id == 0 || e.f.code == NULL) {
		web_error(req, resp, &err);
		goto out;
	}
	/* Show the report as stored now, with what was typed and the
	 * problems (or the refusal). */
	if (e.has_sub)
		report_submission_cleanup(&e.s);
	e.has_sub = false;
	if (e.id != 0 && reports_get(w->db, &w->actor, e.id, &e.s, &ge) == 0)
		e.has_sub = true;
	render_entry(req, resp, &e, &probs, rc != 0 ? &err : NULL, NULL);
	resp->status = rc != 0 ? kh_kind_http_status(rc) : 422;
out:
	buf_free(&to);
	report_problems_cleanup(&probs);
	entry_cleanup(&e);
	return 0;
}

/* ---- completeness ---- */

static const char *
query_unit(struct http_req *req)
{
	const char *u = http_param(req, "code");

	if (u == NULL)
		u = http_query(req, "unit");
	return u != NULL && *u != '\0' ? u : web(req)->actor.unit_code;
}

static const char *
query_structure(struct http_req *req)
{
	const char *s = http_query(req, "structure");

	return s != NULL && *s != '\0' ? s : NULL;
}

/* Counts per level (unit kind): expected, submitted, approved, late and
 * missing for the communes, the districts and the province apart. */
static void
status_levels(struct http_req *req, struct buf *b,
    const struct report_status_list *l)
{
	static const char *const kinds[] = {"province", "district",
	    UNIT_COMMUNE};
	static const char *const labels[] = {N_("the province or city"),
	    N_("districts"), N_("communes and wards")};
	struct web_req *w = web(req);
	int n[3][5];

	memset(n, 0, sizeof(n));
	for (size_t i = 0; i < l->n; i++) {
		const struct report_status *s = &l->items[i];
		struct kh_err err = KH_ERR_INIT;
		char *kind = NULL;
		int k;

		if (db_query_text(w->db, "SELECT kind FROM units WHERE id = $1",
		    DB_ARGS(DB_INT(s->unit_id)), &kind, &err) != 0)
			continue;
		for (k = 0; k < 3 && strcmp(kind, kinds[k]) != 0; k++)
			;
		free(kind);
		if (k == 3)
			continue;
		n[k][0]++;
		if (strcmp(s->state, REPORT_SUBMITTED) == 0 ||
		    strcmp(s->state, REPORT_APPROVED) == 0)
			n[k][1]++;
		if (strcmp(s->state, REPORT_APPROVED) == 0)
			n[k][2]++;
		if (s->late)
			n[k][3]++;
		if (strcmp(s->state, "missing") == 0)
			n[k][4]++;
	}
	html_raw(b, "<div class=\"table-wrap\"><table id=\"status-levels\">"
	    "<thead><tr><th>");
	html_text(b, tr(req, N_("Administrative level")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Expected")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Submitted")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Approved")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Late")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Not submitted")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (int k = 0; k < 3; k++) {
		if (n[k][0] == 0)
			continue;
		html_raw(b, "<tr data-level=\"");
		html_attr(b, kinds[k]);
		html_raw(b, "\"><td>");
		html_text(b, tr(req, labels[k]));
		html_raw(b, "</td>");
		for (int j = 0; j < 5; j++) {
			html_raw(b, "<td class=\"num\">");
			html_int(b, n[k][j]);
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

int
page_report_status(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_status_list l = {0};
	struct report_form f = {0};
	struct buf *b = &resp->body;
	const char *unit = query_unit(req), *form = http_param(req, "form");
	const char *period = http_param(req, "period");
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = reports_form_get(w->db, &w->actor, form, &f, &err);
	if (rc == 0)
		rc = reports_completeness(w->db, &w->actor, form, unit, period,
		    query_structure(req), &l, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	page_begin(req, resp, tr(req, N_("Completeness")));
	html_raw(b, "<nav class=\"tabs\"><a href=\"/reports\">");
	html_text(b, tr(req, N_("Reports")));
	html_raw(b, "</a> · <a href=\"");
	report_href(b, unit, form, period, "/consolidated");
	html_raw(b, "\">");
	html_text(b, tr(req, N_("Consolidated report")));
	html_raw(b, "</a></nav><h1>");
	html_text(b, tr(req, N_("Completeness and timeliness")));
	html_raw(b, " <span class=\"muted\">");
	html_text(b, f.title_vi);
	html_raw(b, " · ");
	html_text(b, period);
	html_raw(b, "</span></h1><p>");
	html_text(b, tr(req, N_("Deadline")));
	html_raw(b, ": ");
	if (l.deadline[0] != '\0')
		page_date(b, l.deadline);
	else
		html_text(b, tr(req, N_("the form is not assigned for this period")));
	html_raw(b, "</p><dl class=\"counts\" id=\"status-counts\">");
	{
		const char *labels[] = {N_("Expected"), N_("Submitted"),
		    N_("Approved"), N_("Late"), N_("Not submitted")};
		const char *keys[] = {"expected", "submitted", "approved", "late",
		    "missing"};
		int vals[] = {l.expected, l.submitted, l.approved, l.late, l.missing};

		for (int i = 0; i < 5; i++) {
			html_raw(b, "<div data-count=\"");
			html_raw(b, keys[i]);
			html_raw(b, "\"><dt>");
			html_text(b, tr(req, labels[i]));
			html_raw(b, "</dt><dd>");
			html_int(b, vals[i]);
			html_raw(b, "</dd></div>");
		}
	}
	html_raw(b, "</dl>");
	status_levels(req, b, &l);
	html_raw(b, "<div class=\"table-wrap\"><table id=\"status-units\">"
	    "<thead><tr><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("State")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Submitted on")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < l.n; i++) {
		const struct report_status *s = &l.items[i];

		html_raw(b, "<tr data-unit=\"");
		html_attr(b, s->unit_code);
		html_raw(b, "\" data-state=\"");
		html_attr(b, s->state);
		html_raw(b, s->late ? "\" data-late=\"1\"><td><a href=\"" :
		    "\" data-late=\"0\"><td><a href=\"");
		report_href(b, s->unit_code, form, period, NULL);
		html_raw(b, "\">");
		html_text(b, s->unit_name);
		html_raw(b, "</a></td><td>");
		html_text(b, strcmp(s->state, "missing") == 0 ?
		    tr(req, N_("not submitted")) : state_label(req, s->state));
		if (s->late) {
			html_raw(b, " <strong class=\"late\">");
			html_text(b, tr(req, N_("late")));
			html_raw(b, "</strong>");
		}
		html_raw(b, "</td><td>");
		page_date(b, s->submitted_on);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req, resp);
out:
	report_form_cleanup(&f);
	report_status_list_cleanup(&l);
	return 0;
}

/* ---- the consolidated report ---- */

static int
send_export(struct http_req *req, struct http_resp *resp,
    const struct report_consolidated *c, const char *fmt)
{
	struct kh_err err = KH_ERR_INIT;
	char path[200], fname[120], slug[48], pslug[48];
	bool pdf = strcmp(fmt, "pdf") == 0;
	int fd, rc;

	page_ascii_slug(slug, sizeof(slug), c->rows[0].unit_code);
	page_ascii_slug(pslug, sizeof(pslug), c->period.code);
	snprintf(fname, sizeof(fname), "bao-cao-%s-%s-%s.%s", c->form.code,
	    slug, pslug, fmt);
	if (strcmp(fmt, "csv") == 0) {
		char *disp;

		buf_reset(&resp->body);
		reports_export_csv(c, web(req)->lang, true, &resp->body);
		resp->status = 200;
		resp->content_type = "text/csv; charset=utf-8";
		disp = xasprintf("attachment; filename=\"%s\"", fname);
		http_resp_header(req, resp, "Content-Disposition", disp);
		free(disp);
		return 0;
	}
	fd = page_temp_file(path, "report");
	if (fd < 0) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		return 0;
	}
	close(fd);
	rc = pdf ? reports_export_pdf(c, path, &err) :
	    reports_export_xlsx(c, path, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	else
		page_send_file(req, resp, path, pdf ? "application/pdf" :
		    "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet", fname);
	unlink(path);
	return 0;
}

static void
consolidated_table(struct http_req *req, struct buf *b,
    const struct report_consolidated *c)
{
	const struct report_form *f = &c->form;
	size_t i, k, sec;

	html_raw(b, "<div class=\"table-wrap\"><table id=\"consolidated\"><thead>"
	    "<tr><th>");
	html_text(b, tr(req, N_("Indicator")));
	html_raw(b, "</th>");
	for (i = 0; i < c->n; i++) {
		html_raw(b, "<th class=\"num\" data-unit=\"");
		html_attr(b, c->rows[i].unit_code);
		html_raw(b, "\">");
		html_text(b, c->rows[i].unit_name);
		if (c->rows[i].share_applied)
			html_raw(b, " <span class=\"share-flag\" title=\"share\">※</span>");
		html_raw(b, "</th>");
	}
	html_raw(b, "</tr></thead><tbody>");
	for (sec = 0; sec < f->n_sections; sec++) {
		buf_printf(b, "<tr class=\"section\"><th colspan=\"%zu\">", c->n + 1);
		html_text(b, f->sections[sec].code);
		html_raw(b, ". ");
		html_text(b, f->sections[sec].title_vi);
		html_raw(b, "</th></tr>");
		for (k = 0; k < f->n_fields; k++) {
			if (strcmp(f->fields[k].section, f->sections[sec].code) != 0)
				continue;
			html_raw(b, "<tr data-field=\"");
			html_attr(b, f->fields[k].code);
			html_raw(b, "\"><td>");
			html_text(b, field_title(req, &f->fields[k]));
			html_raw(b, "</td>");
			for (i = 0; i < c->n; i++) {
				const struct report_row *r = &c->rows[i];
				char v[48];

				html_raw(b, "<td class=\"num\">");
				if (strcmp(f->fields[k].kind, RF_TEXT) == 0)
					html_text(b, r->texts[k]);
				else if (!r->has[k])
					html_raw(b, "—");
				else if (strcmp(f->fields[k].kind, RF_PCT) == 0) {
					reports_value_str(&f->fields[k], true, r->values[k],
					    v, sizeof(v));
					html_text(b, v);
				} else
					html_int(b, r->values[k]);
				html_raw(b, "</td>");
			}
			html_raw(b, "</tr>");
		}
	}
	html_raw(b, "<tr class=\"meta\" data-field=\"_reports\"><td>");
	html_text(b, tr(req, N_("Approved reports counted")));
	html_raw(b, "</td>");
	for (i = 0; i < c->n; i++)
		buf_printf(b, "<td class=\"num\">%d</td>", c->rows[i].n_reports);
	html_raw(b, "</tr><tr class=\"meta\" data-field=\"_shares\"><td>");
	html_text(b, tr(req, N_("Shares applied")));
	html_raw(b, "</td>");
	for (i = 0; i < c->n; i++) {
		html_raw(b, "<td>");
		html_text(b, c->rows[i].share_note);
		html_raw(b, "</td>");
	}
	html_raw(b, "</tr></tbody></table></div>");
}

int
page_report_consolidated(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_consolidated c;
	struct buf *b = &resp->body;
	const char *unit = query_unit(req), *form = http_param(req, "form");
	const char *period = http_param(req, "period");
	const char *fmt = http_query(req, "format");
	bool old;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (fmt != NULL && strcmp(fmt, "xlsx") != 0 && strcmp(fmt, "pdf") != 0 &&
	    strcmp(fmt, "csv") != 0) {
		kh_fail_field(&err, KH_E_INVALID, "format", N_("Unknown format %s:"
		    " use csv, json, xlsx or pdf."), fmt);
		web_error(req, resp, &err);
		return 0;
	}
	if (reports_consolidate(w->db, &w->actor, form, unit, period,
	    query_structure(req), &c, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	if (fmt != NULL) {
		send_export(req, resp, &c, fmt);
		report_consolidated_cleanup(&c);
		return 0;
	}
	old = strcmp(c.structure, REPORT_OLD) == 0;
	page_begin(req, resp, tr(req, N_("Consolidated report")));
	html_raw(b, "<nav class=\"tabs\"><a href=\"/reports\">");
	html_text(b, tr(req, N_("Reports")));
	html_raw(b, "</a> · <a href=\"");
	report_href(b, unit, form, period, "/status");
	html_raw(b, "\">");
	html_text(b, tr(req, N_("Completeness")));
	html_raw(b, "</a></nav><h1>");
	html_text(b, tr(req, N_("Consolidated report")));
	html_raw(b, " <span class=\"muted\">");
	html_text(b, c.form.title_vi);
	html_raw(b, " · ");
	html_text(b, c.rows[0].unit_name);
	html_raw(b, " · ");
	html_text(b, c.period.code);
	html_raw(b, "</span></h1><p id=\"structure-note\">");
	html_text(b, old ? tr(req, N_("Figures are placed in the administrative"
	    " structure before 1 July 2025 (provinces, districts, communes).")) :
	    tr(req, N_("Figures are placed in the administrative structure from"
	    " 1 July 2025 (provinces and communes, no districts).")));
	html_raw(b, " ");
	html_text(b, tr(req, N_("Reports of communes recorded under the other"
	    " structure are carried over by the succession of units; a column"
	    " marked ※ received a share of a partly merged commune.")));
	html_raw(b, "</p><p class=\"tabs\" id=\"structure-toggle\"><a href=\"");
	report_href(b, unit, form, period, "/consolidated?structure=old");
	html_raw(b, old ? "\" aria-current=\"page\">" : "\">");
	html_text(b, tr(req, N_("Before 1 July 2025")));
	html_raw(b, "</a> · <a href=\"");
	report_href(b, unit, form, period, "/consolidated?structure=new");
	html_raw(b, old ? "\">" : "\" aria-current=\"page\">");
	html_text(b, tr(req, N_("From 1 July 2025")));
	html_raw(b, "</a></p>");
	consolidated_table(req, b, &c);
	html_raw(b, "<p id=\"consolidated-downloads\">");
	{
		static const char *const fmts[] = {"xlsx", "pdf", "csv"};

		for (int i = 0; i < 3; i++) {
			html_raw(b, i > 0 ? " · <a href=\"" : "<a href=\"");
			report_href(b, unit, form, period, "/consolidated?structure=");
			html_url(b, c.structure);
			html_raw(b, "&amp;format=");
			html_raw(b, fmts[i]);
			html_raw(b, "\">");
			html_text(b, tr(req, N_("Download")));
			html_raw(b, " .");
			html_raw(b, fmts[i]);
			html_raw(b, "</a>");
		}
	}
	html_raw(b, "</p>");
	page_end(req, resp);
	report_consolidated_cleanup(&c);
	return 0;
}

/* ---- JSON API ---- */

int
api_reports_consolidated(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_consolidated c;
	const char *fmt = http_query(req, "format");

	if (web_need_login(req, resp) != 0)
		return 0;
	if (reports_consolidate(w->db, &w->actor, http_param(req, "form"),
	    query_unit(req), http_param(req, "period"), query_structure(req), &c,
	    &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	if (fmt != NULL && strcmp(fmt, "csv") == 0)
		send_export(req, resp, &c, "csv");
	else
		web_json(req, resp, 200, reports_export_json(&c, w->lang));
	report_consolidated_cleanup(&c);
	return 0;
}

int
api_reports_status(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_status_list l = {0};
	const char *fmt = http_query(req, "format");
	const char *form = http_param(req, "form");
	const char *period = http_param(req, "period");
	json_t *units;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (reports_completeness(w->db, &w->actor, form, query_unit(req), period,
	    query_structure(req), &l, &err) != 0) {
		web_error(req, resp, &err);
		report_status_list_cleanup(&l);
		return 0;
	}
	if (fmt != NULL && strcmp(fmt, "csv") == 0) {
		buf_reset(&resp->body);
		buf_puts(&resp->body, "unit,name,state,submitted_on,late\r\n");
		for (size_t i = 0; i < l.n; i++) {
			const struct report_status *s = &l.items[i];
			const char *cells[] = {s->unit_code, s->unit_name, s->state,
			    s->submitted_on != NULL ? s->submitted_on : "",
			    s->late ? "1" : "0"};

			for (int j = 0; j < 5; j++) {
				if (strpbrk(cells[j], ",\"\r\n") != NULL) {
					buf_putc(&resp->body, '"');
					for (const char *p = cells[j]; *p; p++) {
						if (*p == '"')
							buf_putc(&resp->body, '"');
						buf_putc(&resp->body, *p);
					}
					buf_putc(&resp->body, '"');
				} else
					buf_puts(&resp->body, cells[j]);
				buf_puts(&resp->body, j == 4 ? "\r\n" : ",");
			}
		}
		resp->status = 200;
		resp->content_type = "text/csv; charset=utf-8";
		http_resp_header(req, resp, "Content-Disposition",
		    "attachment; filename=\"status.csv\"");
		report_status_list_cleanup(&l);
		return 0;
	}
	units = json_array();
	for (size_t i = 0; i < l.n; i++) {
		const struct report_status *s = &l.items[i];

		json_array_append_new(units, json_pack("{s:s, s:s, s:s, s:o, s:b}",
		    "unit", s->unit_code, "name", s->unit_name, "state", s->state,
		    "submitted_on", s->submitted_on != NULL ?
		    json_string(s->submitted_on) : json_null(), "late", s->late));
	}
	web_json(req, resp, 200, json_pack("{s:s, s:s, s:o, s:i, s:i, s:i, s:i,"
	    " s:i, s:o}", "form", form, "period", period, "deadline",
	    l.deadline[0] != '\0' ? json_string(l.deadline) : json_null(),
	    "expected", l.expected, "submitted", l.submitted, "approved",
	    l.approved, "late", l.late, "missing", l.missing, "units", units));
	report_status_list_cleanup(&l);
	return 0;
}
