/*
 * page_requests.c - the rights of data subjects on screen: a person's
 * personal-data page (consents and their withdrawal, requests, the export
 * of everything held), and the requests of a unit's subtree with their
 * answer deadline, each answered by a form for its kind.
 */
#include "web/web.h"
#include "core/date.h"
#include "io/table.h"
#include "people/people.h"
#include "units/units.h"
#include "web/html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_values[] = {"access", "correct", "delete",
    "restrict", "object"};
static const char *const kind_msgids[] = {N_("Access to the data"),
    N_("Correction"), N_("Erasure"), N_("Restriction of processing"),
    N_("Objection to processing")};
#define NKINDS (sizeof(kind_values) / sizeof(kind_values[0]))

static const char *
kind_label(struct http_req *req, const char *kind)
{
	for (size_t i = 0; kind != NULL && i < NKINDS; i++)
		if (strcmp(kind, kind_values[i]) == 0)
			return tr(req, kind_msgids[i]);
	return kind != NULL ? kind : "";
}

static int64_t
path_id(struct http_req *req)
{
	const char *s = http_param(req, "id");

	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

static void
notice(struct buf *b, const char *text)
{
	if (text == NULL)
		return;
	html_raw(b, "<p class=\"notice\" role=\"status\">");
	html_text(b, text);
	html_raw(b, "</p>");
}

/* The state of a request: open (with its deadline), done or refused. */
static void
state_cell(struct http_req *req, struct buf *b, const struct data_request *r)
{
	if (r->answer == NULL)
		html_text(b, tr(req, r->overdue ? N_("Open, overdue") :
		    N_("Open")));
	else
		html_text(b, strcmp(r->answer, "done") == 0 ?
		    tr(req, N_("Carried out")) : tr(req, N_("Refused")));
}

/* ---- A person's personal-data page ---- */

static void
render_person(struct http_req *req, struct http_resp *resp, int64_t id,
    const struct kh_err *form_err, const char *note)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct person p;
	struct consent_list cl;
	struct data_request_list rl;
	struct buf *b = &resp->body;
	const char *kind_texts[NKINDS];
	char idn[16], today[DATE_LEN], *action;
	bool officer;

	if (people_get(w->db, &w->actor, id, &p, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	if (people_consents(w->db, &w->actor, id, &cl, &err) != 0) {
		person_cleanup(&p);
		web_error(req, resp, &err);
		return;
	}
	if (people_person_requests(w->db, &w->actor, id, &rl, &err) != 0) {
		consent_list_cleanup(&cl);
		person_cleanup(&p);
		web_error(req, resp, &err);
		return;
	}
	officer = auth_can_write(w->db, &w->actor, p.unit_id, &err) == 0;
	kh_err_clear(&err);
	page_begin(req, resp, tr(req, N_("Personal data requests")));
	html_raw(b, "<nav class=\"tabs\"><a href=\"/units/");
	html_url(b, p.unit_code);
	html_raw(b, "/people\">");
	html_text(b, tr(req, N_("Residents")));
	html_raw(b, "</a> · <a href=\"/units/");
	html_url(b, p.unit_code);
	html_raw(b, "/data-requests\">");
	html_text(b, tr(req, N_("Personal data requests")));
	html_raw(b, "</a></nav><h1 id=\"person-name\">");
	html_text(b, p.full_name);
	html_raw(b, "</h1>");
	notice(b, note);
	html_raw(b, "<dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</dt><dd>");
	html_text(b, p.unit_name);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("CCCD/CMND number")));
	html_raw(b, "</dt><dd class=\"code\" id=\"person-id-number\">");
	people_id_display(&w->actor, p.id_number, idn, sizeof(idn));
	html_text(b, idn);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Birth date")));
	html_raw(b, "</dt><dd>");
	page_date(b, p.birth_date);
	html_raw(b, "</dd></div></dl>");
	if (p.erased)
		notice(b, tr(req, N_("The personal data of this person were erased"
		    " at their request.")));
	else if (p.restricted)
		notice(b, tr(req, N_("Processing is restricted at the person's"
		    " request: lists and exports do not show their data.")));
	if (officer) {
		html_raw(b, "<p><a id=\"access-export\" href=\"/people/");
		buf_printf(b, "%lld", (long long)id);
		html_raw(b, "/data.json\">");
		html_text(b, tr(req, N_("Download everything held about the person"
		    " (JSON)")));
		html_raw(b, "</a></p>");
	}

	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, tr(req, N_("Consents")));
	html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"consents\"><thead><tr><th>");
	html_text(b, tr(req, N_("Purpose")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Given on")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Withdrawn on")));
	html_raw(b, "</th><th></th></tr></thead><tbody>");
	for (size_t i = 0; i < cl.n; i++) {
		const struct consent *c = &cl.items[i];

		html_raw(b, "<tr><td>");
		html_text(b, c->purpose);
		html_raw(b, "</td><td>");
		page_date(b, c->given_at);
		html_raw(b, "</td><td>");
		if (c->withdrawn_at != NULL)
			page_date(b, c->withdrawn_at);
		html_raw(b, "</td><td>");
		if (officer && c->withdrawn_at == NULL) {
			html_raw(b, "<form method=\"post\" action=\"/consents/");
			buf_printf(b, "%lld", (long long)c->id);
			html_raw(b, "/withdraw\">");
			page_csrf_field(req, b);
			html_raw(b, "<button type=\"submit\" class=\"withdraw\">");
			html_text(b, tr(req, N_("Record the withdrawal")));
			html_raw(b, "</button></form>");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");

	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, tr(req, N_("Requests")));
	html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"person-requests\"><thead><tr><th>");
	html_text(b, tr(req, N_("Kind")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Received on")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Answer due by")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("State")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Outcome")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < rl.n; i++) {
		const struct data_request *r = &rl.items[i];

		html_raw(b, "<tr><td>");
		html_text(b, kind_label(req, r->kind));
		html_raw(b, "</td><td>");
		page_date(b, r->received_at);
		html_raw(b, "</td><td>");
		page_date(b, r->deadline);
		html_raw(b, "</td><td>");
		state_cell(req, b, r);
		html_raw(b, "</td><td>");
		html_text(b, r->outcome);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");

	if (officer) {
		for (size_t i = 0; i < NKINDS; i++)
			kind_texts[i] = tr(req, kind_msgids[i]);
		date_today(today);
		action = xasprintf("/people/%lld/data-requests", (long long)id);
		page_form_begin(req, b, "record-request",
		    N_("Record a personal data request"), form_err, action, NULL);
		page_select(req, b, "r-kind", "kind", N_("Kind"), kind_values,
		    kind_texts, NKINDS, http_form(req, "kind"));
		page_input(req, b, "r-received", "received",
		    N_("Received on (dd/mm/yyyy)"), http_form(req, "received") ?
		    http_form(req, "received") : "", "inputmode=\"numeric\"");
		page_input(req, b, "r-detail", "detail",
		    N_("What the person asks"), http_form(req, "detail"),
		    "maxlength=\"4000\"");
		page_form_end(req, b, N_("Record the request"));
		free(action);
	}
	page_end(req, resp);
	data_request_list_cleanup(&rl);
	consent_list_cleanup(&cl);
	person_cleanup(&p);
}

int
page_person_privacy(struct http_req *req, struct http_resp *resp)
{
	const char *note = NULL;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (http_query(req, "recorded") != NULL)
		note = tr(req, N_("The request was recorded."));
	else if (http_query(req, "withdrawn") != NULL)
		note = tr(req, N_("The withdrawal of the consent was recorded."));
	render_person(req, resp, path_id(req), NULL, note);
	return 0;
}

int
page_data_requests_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	int64_t id = path_id(req);
	const char *s = http_form(req, "received");
	char received[DATE_LEN] = "", *to;
	int rc = 0;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (s != NULL && s[0] != '\0' && !date_parse(s, received))
		rc = kh_fail_field(&err, KH_E_INVALID, "received_at",
		    N_("%s is not a valid date."), s);
	if (rc == 0)
		rc = people_request_add(w->db, &w->actor, id, http_form(req, "kind"),
		    http_form(req, "detail"), received[0] ? received : NULL, NULL,
		    &err);
	if (rc == KH_E_FORBIDDEN || rc == KH_E_NOT_FOUND) {
		web_error(req, resp, &err);
		return 0;
	}
	if (rc != 0) {
		render_person(req, resp, id, &err, NULL);
		resp->status = kh_kind_http_status(rc);
		return 0;
	}
	to = xasprintf("/people/%lld/privacy?recorded=1", (long long)id);
	http_redirect(req, resp, to);
	free(to);
	return 0;
}

int
page_consent_withdraw(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	int64_t cid = path_id(req), pid = 0;
	char *to;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (db_query_int(w->db, "SELECT person_id FROM consents WHERE id = $1",
	    DB_ARGS(DB_INT(cid)), &pid, &err) != 0 ||
	    people_consent_withdraw(w->db, &w->actor, cid, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	to = xasprintf("/people/%lld/privacy?withdrawn=1", (long long)pid);
	http_redirect(req, resp, to);
	free(to);
	return 0;
}

int
page_person_data_json(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	char *json = NULL, disp[80];
	int64_t id = path_id(req);

	if (web_need_login(req, resp) != 0)
		return 0;
	if (people_access_export(w->db, &w->actor, id, &json, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	resp->content_type = "application/json; charset=utf-8";
	snprintf(disp, sizeof(disp), "attachment; filename=\"du-lieu-%lld.json\"",
	    (long long)id);
	http_resp_header(req, resp, "Content-Disposition", disp);
	buf_puts(&resp->body, json);
	free(json);
	return 0;
}

/* ---- The requests of a subtree ---- */

static void
answer_form(struct http_req *req, struct buf *b, const struct unit *u,
    const struct data_request *r, const struct kh_err *err, int64_t err_id)
{
	static const char *const answers[] = {"done", "refused"};
	const char *answer_texts[] = {tr(req, N_("Carried out")),
	    tr(req, N_("Refused"))};
	bool mine = err_id == r->id;
	char id[32], *action;

	snprintf(id, sizeof(id), "answer-%lld", (long long)r->id);
	action = xasprintf("/data-requests/%lld", (long long)r->id);
	page_form_begin(req, b, id, N_("Answer the request"), mine ? err : NULL,
	    action, "answer");
	html_raw(b, "<input type=\"hidden\" name=\"back\" value=\"");
	html_attr(b, u->code);
	html_raw(b, "\">");
	page_select(req, b, "a-answer", "answer", N_("Answer"), answers,
	    answer_texts, 2, mine ? http_form(req, "answer") : NULL);
	if (strcmp(r->kind, "correct") == 0) {
		page_input(req, b, "a-name", "full_name", N_("Corrected full name"),
		    mine ? http_form(req, "full_name") : NULL, "maxlength=\"120\"");
		page_input(req, b, "a-birth", "birth",
		    N_("Corrected birth date (dd/mm/yyyy)"),
		    mine ? http_form(req, "birth") : NULL, "inputmode=\"numeric\"");
		page_input(req, b, "a-id", "id_number",
		    N_("Corrected CCCD/CMND number"),
		    mine ? http_form(req, "id_number") : NULL,
		    "inputmode=\"numeric\" maxlength=\"12\"");
		page_input(req, b, "a-phone", "phone", N_("Corrected phone"),
		    mine ? http_form(req, "phone") : NULL, "maxlength=\"20\"");
		page_input(req, b, "a-rel", "relation",
		    N_("Corrected relationship to the head"),
		    mine ? http_form(req, "relation") : NULL, "maxlength=\"40\"");
	} else if (strcmp(r->kind, "delete") == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("Carrying out an erasure replaces the name"
		    " and clears the birth date, CCCD, phone and relationship; it"
		    " cannot be undone.")));
		html_raw(b, "</p>");
	}
	page_input(req, b, "a-outcome", "outcome",
	    N_("Answer given to the person (outcome or reason)"),
	    mine ? http_form(req, "outcome") : NULL,
	    "required maxlength=\"4000\"");
	page_form_end(req, b, N_("Record the answer"));
	free(action);
}

static void
render_requests(struct http_req *req, struct http_resp *resp,
    const struct unit *u, const struct kh_err *form_err, int64_t err_id,
    const char *note)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct data_request_list l;
	struct buf *b = &resp->body;

	if (people_requests(w->db, &w->actor, u->id, &l, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	page_begin(req, resp, tr(req, N_("Personal data requests")));
	page_unit_header(req, b, u, (const struct page_tab[]){
	    {"/people", N_("Residents"), false}}, 1,
	    tr(req, N_("Personal data requests")), NULL);
	notice(b, note);
	if (form_err != NULL && err_id == 0)
		page_error_box(req, b, form_err);
	html_raw(b, "<p class=\"muted\">");
	html_text(b, tr(req, N_("Requests are recorded on the person's page (open"
	    " it from the list of residents). Each is answered within 30 days of"
	    " its receipt.")));
	html_raw(b, "</p><div class=\"table-wrap\"><table id=\"data-requests\"><thead><tr><th>");
	html_text(b, tr(req, N_("Person")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Kind")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Received on")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Answer due by")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("State")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Outcome")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < l.n; i++) {
		const struct data_request *r = &l.items[i];

		html_raw(b, "<tr");
		if (r->overdue && r->handled_at == NULL)
			html_raw(b, " class=\"late\"");
		html_raw(b, "><td><a href=\"/people/");
		buf_printf(b, "%lld", (long long)r->person_id);
		html_raw(b, "/privacy\">");
		html_text(b, r->person_name);
		html_raw(b, "</a></td><td>");
		html_text(b, r->unit_name);
		html_raw(b, "</td><td>");
		html_text(b, kind_label(req, r->kind));
		html_raw(b, "</td><td>");
		page_date(b, r->received_at);
		html_raw(b, "</td><td>");
		page_date(b, r->deadline);
		html_raw(b, "</td><td class=\"state\">");
		state_cell(req, b, r);
		html_raw(b, "</td><td>");
		html_text(b, r->outcome);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (w->actor.role >= ROLE_OFFICER)
		for (size_t i = 0; i < l.n; i++) {
			const struct data_request *r = &l.items[i];

			if (r->handled_at != NULL)
				continue;
			html_raw(b, "<h2>");
			html_text(b, kind_label(req, r->kind));
			html_raw(b, ": ");
			html_text(b, r->person_name);
			html_raw(b, "</h2>");
			if (r->detail[0] != '\0') {
				html_raw(b, "<p>");
				html_text(b, r->detail);
				html_raw(b, "</p>");
			}
			answer_form(req, b, u, r, form_err, err_id);
		}
	page_end(req, resp);
	data_request_list_cleanup(&l);
}

int
page_data_requests_list(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_requests(req, resp, &u, NULL, 0,
		    http_query(req, "answered") != NULL ?
		    tr(req, N_("The answer was recorded.")) : NULL);
	unit_cleanup(&u);
	return 0;
}

/* The unit code sent back by the answer form: letters, digits and '-'. */
static bool
code_ok(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) > 40)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

int
page_data_request_answer(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct data_request r;
	struct person_input corr;
	struct unit u = UNIT_INIT;
	const char *back = http_form(req, "back"), *answer, *s;
	char birth[DATE_LEN], idn[13], *to;
	int64_t id = path_id(req);
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = people_request_get(w->db, &w->actor, id, &r, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	if (!code_ok(back))
		back = r.unit_code;
	answer = http_form(req, "answer");
	memset(&corr, 0, sizeof(corr));
	if (strcmp(r.kind, "correct") == 0) {
		s = http_form(req, "full_name");
		corr.full_name = s != NULL && s[0] != '\0' ? s : NULL;
		s = http_form(req, "birth");
		if (rc == 0 && s != NULL && s[0] != '\0') {
			rc = table_parse_date(s, birth, &corr.birth_year_only, &err);
			if (rc != 0)
				snprintf(err.field, sizeof(err.field), "birth_date");
			corr.birth_date = birth;
		}
		s = http_form(req, "id_number");
		if (rc == 0 && s != NULL && s[0] != '\0') {
			rc = table_parse_id_number(s, idn, &err);
			corr.id_number = idn;
		}
		s = http_form(req, "phone");
		corr.phone = s != NULL && s[0] != '\0' ? s : NULL;
		s = http_form(req, "relation");
		corr.relation = s != NULL && s[0] != '\0' ? s : NULL;
	}
	if (rc == 0 && (answer == NULL || (strcmp(answer, "done") != 0 &&
	    strcmp(answer, "refused") != 0)))
		rc = kh_fail_field(&err, KH_E_INVALID, "answer",
		    N_("Choose the answer."), NULL);
	if (rc == 0)
		rc = people_request_handle(w->db, &w->actor, id,
		    strcmp(answer, "refused") == 0, http_form(req, "outcome"),
		    &corr, &err);
	if (rc == KH_E_FORBIDDEN || rc == KH_E_NOT_FOUND) {
		web_error(req, resp, &err);
		goto out;
	}
	if (rc != 0) {
		struct kh_err uerr = KH_ERR_INIT;

		/* Back on the list, the error at the request's own form. */
		if (units_find(w->db, &w->actor, back, NULL, &u, &uerr) != 0) {
			web_error(req, resp, &err);
			goto out;
		}
		render_requests(req, resp, &u, &err, id, NULL);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	to = xasprintf("/units/%s/data-requests?answered=1", back);
	http_redirect(req, resp, to);
	free(to);
out:
	unit_cleanup(&u);
	data_request_cleanup(&r);
	return 0;
}
