/*
 * app.c - the application around every request: a database connection from
 * the pool, the acting user (session cookie or API token), the language,
 * CSRF and same-origin checks for every state change, error answers, and the
 * route table (the site map).
 */
#include "web/web.h"
#include "core/i18n.h"
#include "core/log.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

#define SESSION_COOKIE "kh_session"
#define LOGIN_COOKIE "kh_login"

struct web_req *
web(struct http_req *req)
{
	return req->app;
}

const char *
tr(struct http_req *req, const char *msgid)
{
	struct web_req *w = req->app;

	return i18n_tr(w != NULL ? w->lang : KH_LANG_DEFAULT, msgid);
}

static bool
starts_with(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *
request_lang(struct http_req *req)
{
	const char *l = http_query(req, "lang");

	if (l == NULL)
		l = http_cookie(req, "lang");
	if (l == NULL && starts_with(req->path, "/api/"))
		l = http_header(req, "Accept-Language");
	return i18n_lang(l);
}

void
web_json(struct http_req *req, struct http_resp *resp, int status, json_t *body)
{
	char *s;

	(void)req;
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	s = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
	buf_reset(&resp->body);
	if (s != NULL) {
		buf_puts(&resp->body, s);
		free(s);
	}
	json_decref(body);
}

void
web_error(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	int status = kh_kind_http_status(err->kind);
	char msg[1024];

	if (err->kind == KH_E_DB || err->kind == KH_E_IO)
		log_error("%s %s: %s", req->method_name, req->path,
		    err->detail[0] ? err->detail : "no detail");
	kh_err_format(err, w != NULL ? w->lang : KH_LANG_DEFAULT, msg, sizeof(msg));
	if (w == NULL || w->is_api) {
		json_t *e = json_pack("{s:s, s:s}", "code", kh_kind_code(err->kind),
		    "message", msg);

		if (err->field[0] != '\0')
			json_object_set_new(e, "field", json_string(err->field));
		if (err->row > 0)
			json_object_set_new(e, "row", json_integer(err->row));
		web_json(req, resp, status, json_pack("{s:o}", "error", e));
		return;
	}
	buf_reset(&resp->body);
	resp->headers.n = 0;
	page_begin(req, resp, tr(req, N_("Error")));
	html_raw(&resp->body, "<div class=\"error-page\"><h1>");
	buf_printf(&resp->body, "%d", status);
	html_raw(&resp->body, "</h1>");
	page_error_box(req, &resp->body, err);
	html_raw(&resp->body, "<p><a href=\"/\">");
	html_text(&resp->body, tr(req, N_("Back to the home page")));
	html_raw(&resp->body, "</a></p></div>");
	page_end(req, resp);
	resp->status = status;
}

void
web_error_kind(struct http_req *req, struct http_resp *resp, int kind)
{
	struct kh_err err = KH_ERR_INIT;

	kh_fail(&err, kind, NULL, NULL);
	web_error(req, resp, &err);
}

int
web_need_login(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct buf next = BUF_INIT;

	if (w->authed)
		return 0;
	if (w->is_api) {
		web_error_kind(req, resp, KH_E_AUTH);
		return -1;
	}
	buf_puts(&next, "/login?next=");
	html_url(&next, req->path);
	http_redirect(req, resp, buf_str(&next));
	buf_free(&next);
	return -1;
}

/* A state change must come from our own pages: same origin when the browser
 * says where it comes from, and the CSRF token of the session. */
static bool
same_origin(struct http_req *req)
{
	const char *origin = http_header(req, "Origin");
	const char *host = http_header(req, "Host");
	const char *p;

	if (origin == NULL || strcmp(origin, "null") == 0)
		return origin == NULL;
	p = strstr(origin, "://");
	if (p == NULL || host == NULL)
		return false;
	return strcmp(p + 3, host) == 0;
}

static int
before(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = arena_alloc(&req->arena, sizeof(*w));
	struct kh_err err = KH_ERR_INIT;
	const char *auth, *sent;
	bool changes = req->method != HTTP_GET && req->method != HTTP_HEAD &&
	    req->method != HTTP_OPTIONS;
	int rc;

	memset(w, 0, sizeof(*w));
	req->app = w;
	w->lang = request_lang(req);
	w->is_api = starts_with(req->path, "/api/");
	/* Health, metrics and static files need no database. */
	if (strcmp(req->path, "/healthz") == 0 || strcmp(req->path, "/metrics") == 0 ||
	    starts_with(req->path, "/static/"))
		return 0;
	w->db = db_pool_get(&err);
	if (w->db == NULL) {
		web_error(req, resp, &err);
		return -1;
	}
	auth = http_header(req, "Authorization");
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		rc = auth_token_actor(w->db, auth + 7, &w->actor, &err);
		if (rc != 0) {
			w->is_api = true;
			web_error(req, resp, &err);
			return -1;
		}
		w->authed = w->via_token = true;
		snprintf(w->actor.ip, sizeof(w->actor.ip), "%s", req->ip);
		/* A token is not a browser credential: no CSRF to check. */
		return 0;
	}
	w->session_token = http_cookie(req, SESSION_COOKIE);
	if (w->session_token != NULL &&
	    auth_session(w->db, w->session_token, &w->actor, w->csrf, &err) == 0) {
		w->authed = true;
		snprintf(w->actor.ip, sizeof(w->actor.ip), "%s", req->ip);
		if (http_cookie(req, "lang") == NULL && http_query(req, "lang") == NULL)
			w->lang = i18n_lang(w->actor.lang);
	}
	if (!changes)
		return 0;
	if (!same_origin(req)) {
		kh_fail(&err, KH_E_FORBIDDEN, N_("This request did not come from"
		    " this site's pages and was refused."), NULL);
		web_error(req, resp, &err);
		return -1;
	}
	if (strcmp(req->path, "/login") == 0 ||
	    (!w->authed && starts_with(req->path, "/public/"))) {
		/* Before a session exists: double-submit token in a cookie. */
		sent = http_form(req, "_csrf");
		if (sent != NULL && http_cookie(req, LOGIN_COOKIE) != NULL &&
		    auth_secret_equal(sent, http_cookie(req, LOGIN_COOKIE)))
			return 0;
	} else if (w->authed) {
		sent = http_header(req, "X-CSRF-Token");
		if (sent == NULL)
			sent = http_form(req, "_csrf");
		if (sent != NULL && auth_secret_equal(sent, w->csrf))
			return 0;
	} else
		return web_need_login(req, resp);
	kh_fail(&err, KH_E_FORBIDDEN, N_("This form has expired. Reload the page"
	    " and try again."), NULL);
	web_error(req, resp, &err);
	return -1;
}

static void
after(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = req->app;

	(void)resp;
	if (w != NULL && w->db != NULL) {
		db_pool_put(w->db);
		w->db = NULL;
	}
}

static void
not_found(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;

	kh_fail(&err, KH_E_NOT_FOUND, N_("This page does not exist."), NULL);
	web_error(req, resp, &err);
}

static void
method_not_allowed(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;

	kh_fail(&err, KH_E_INVALID, N_("This method is not allowed here."), NULL);
	web_error(req, resp, &err);
	resp->status = 405;
}

static void
refused(struct http_req *req, struct http_resp *resp, int status)
{
	struct kh_err err = KH_ERR_INIT;

	if (req->app == NULL) {
		struct web_req *w = arena_alloc(&req->arena, sizeof(*w));

		memset(w, 0, sizeof(*w));
		w->lang = request_lang(req);
		w->is_api = starts_with(req->path, "/api/");
		req->app = w;
	}
	if (status == 413)
		kh_fail(&err, KH_E_TOO_LARGE, N_("The data sent is too large."), NULL);
	else
		kh_fail(&err, KH_E_INVALID, N_("The request holds text that is not"
		    " valid UTF-8 and was refused."), NULL);
	web_error(req, resp, &err);
	resp->status = status;
}

const struct http_hooks web_hooks = {
	.before = before,
	.after = after,
	.not_found = not_found,
	.method_not_allowed = method_not_allowed,
	.refused = refused,
};

struct http_router *
web_router(void)
{
	struct http_router *r = http_router_new();

	http_route(r, HTTP_GET, "/healthz", ops_healthz);
	http_route(r, HTTP_GET, "/metrics", ops_metrics);
	http_route(r, HTTP_GET, "/static/{name}", ops_static);

	http_route(r, HTTP_GET, "/login", page_login_form);
	http_route(r, HTTP_POST, "/login", page_login_post);
	http_route(r, HTTP_POST, "/logout", page_logout);
	http_route(r, HTTP_GET, "/lang/{lang}", page_lang);
	http_route(r, HTTP_GET, "/", page_home);
	http_route(r, HTTP_GET, "/units", page_units_index);
	http_route(r, HTTP_GET, "/units/{code}", page_units_show);
	http_route(r, HTTP_POST, "/units/{code}", page_units_org_update);
	http_route(r, HTTP_POST, "/units/{code}/organisations", page_units_org_create);
	http_route(r, HTTP_GET, "/units/{code}/people", page_people_list);
	http_route(r, HTTP_POST, "/units/{code}/people", page_people_create);
	http_route(r, HTTP_GET, "/units/{code}/import", page_people_import_form);
	http_route(r, HTTP_POST, "/units/{code}/import", page_people_import_preview);
	http_route(r, HTTP_POST, "/units/{code}/import/{token}", page_people_import_commit);
	http_route(r, HTTP_GET, "/units/{code}/import/{token}/errors.xlsx",
	    page_people_import_errors);
	http_route(r, HTTP_GET, "/users", page_users_list);
	http_route(r, HTTP_POST, "/users", page_users_create);
	http_route(r, HTTP_POST, "/users/{login}/password", page_users_password);
	http_route(r, HTTP_GET, "/audit", page_audit);

	/* Recognition decisions, certificates, the roll-up and criteria sets. */
	http_route(r, HTTP_GET, "/units/{code}/decisions", page_decisions_list);
	http_route(r, HTTP_POST, "/units/{code}/decisions", page_decisions_create);
	http_route(r, HTTP_GET, "/decisions/{id}", page_decision_show);
	http_route(r, HTTP_GET, "/decisions/{id}/decision.pdf", page_decision_pdf);
	http_route(r, HTTP_GET, "/decisions/{id}/certificates.pdf",
	    page_decision_certificates);
	http_route(r, HTTP_GET, "/decisions/{id}/list.xlsx", page_decision_xlsx);
	http_route(r, HTTP_GET, "/units/{code}/recognition", page_recognition);
	http_route(r, HTTP_GET, "/units/{code}/recognition.xlsx",
	    page_recognition_xlsx);
	http_route(r, HTTP_GET, "/criteria", page_criteria_list);
	http_route(r, HTTP_GET, "/criteria/{code}/{version}", page_criteria_show);
	http_route(r, HTTP_POST, "/criteria/{code}/{version}",
	    page_criteria_new_version);
	/* The public learning-citizen self-assessment (no account) and the
	 * village board's queue of its forms. */
	http_route(r, HTTP_GET, "/public/citizen", page_public_citizen);
	http_route(r, HTTP_POST, "/public/citizen", page_public_citizen_post);
	http_route(r, HTTP_GET, "/public/status", page_public_status);
	http_route(r, HTTP_GET, "/units/{code}/public-submissions",
	    page_public_queue);
	http_route(r, HTTP_POST, "/units/{code}/public-submissions/{id}/accept",
	    page_public_accept);
	http_route(r, HTTP_POST, "/units/{code}/public-submissions/{id}/reject",
	    page_public_reject);
	/* Learning models: registrations, assessments, clans. */
	http_route(r, HTTP_GET, "/units/{code}/registrations", page_registrations_list);
	http_route(r, HTTP_POST, "/units/{code}/registrations",
	    page_registrations_create);
	http_route(r, HTTP_GET, "/units/{code}/registrations.pdf",
	    page_registrations_pdf);
	http_route(r, HTTP_GET, "/units/{code}/registrations.xlsx",
	    page_registrations_xlsx);
	http_route(r, HTTP_GET, "/registrations/{id}", page_registration_show);
	http_route(r, HTTP_POST, "/registrations/{id}/self-assess",
	    page_registration_self_assess);
	http_route(r, HTTP_POST, "/registrations/{id}/verify",
	    page_registration_verify);
	http_route(r, HTTP_POST, "/registrations/{id}/evidence",
	    page_registration_evidence_add);
	http_route(r, HTTP_GET, "/registrations/{id}/evidence/{eid}",
	    page_registration_evidence_get);
	http_route(r, HTTP_POST, "/registrations/{id}/{action}",
	    page_registration_action);
	http_route(r, HTTP_GET, "/units/{code}/clans", page_clans_list);
	http_route(r, HTTP_POST, "/units/{code}/clans", page_clans_create);
	http_route(r, HTTP_GET, "/clans/{id}", page_clan_show);
	http_route(r, HTTP_POST, "/clans/{id}/members", page_clan_members);
	http_route(r, HTTP_GET, "/api/v1/registrations", api_registrations_list);
	http_route(r, HTTP_GET, "/api/v1/registrations/{id}", api_registrations_get);
	/* Learning models for other systems: decisions as JSON, the
	 * roll-up as CSV. */
	http_route(r, HTTP_GET, "/api/v1/decisions", api_decisions_list);
	http_route(r, HTTP_GET, "/api/v1/decisions/{id}", api_decisions_get);
	http_route(r, HTTP_GET, "/units/{code}/recognition.csv",
	    page_recognition_csv);
	/* Indicators dashboard, its exports and the shares for restated
	 * figures (page_dashboard.c). */
	http_route(r, HTTP_GET, "/units/{code}/dashboard", page_dashboard);
	http_route(r, HTTP_GET, "/units/{code}/dashboard.xlsx",
	    page_dashboard_xlsx);
	http_route(r, HTTP_GET, "/units/{code}/dashboard.pdf", page_dashboard_pdf);
	http_route(r, HTTP_GET, "/api/v1/indicators", api_indicators);
	http_route(r, HTTP_GET, "/units/{code}/shares", page_shares);
	http_route(r, HTTP_POST, "/units/{code}/shares", page_shares_set);

	/* Reports up the hierarchy (page_reports.c). */
	http_route(r, HTTP_GET, "/reports", page_reports_index);
	http_route(r, HTTP_POST, "/reports/assign", page_reports_assign);
	http_route(r, HTTP_GET, "/units/{code}/reports/{form}/{period}",
	    page_report_entry);
	http_route(r, HTTP_POST, "/units/{code}/reports/{form}/{period}",
	    page_report_entry_post);
	http_route(r, HTTP_GET, "/units/{code}/reports/{form}/{period}/status",
	    page_report_status);
	http_route(r, HTTP_GET,
	    "/units/{code}/reports/{form}/{period}/consolidated",
	    page_report_consolidated);
	http_route(r, HTTP_GET, "/api/v1/reports/{form}/{period}",
	    api_reports_consolidated);
	http_route(r, HTTP_GET, "/api/v1/reports/{form}/{period}/status",
	    api_reports_status);

	/* Report forms and indicator targets administered in the browser
	 * (page_report_forms.c); /reports/forms/{code}.json reaches the same
	 * handler as the form's page. */
	http_route(r, HTTP_GET, "/reports/forms", page_report_forms);
	http_route(r, HTTP_POST, "/reports/forms", page_report_forms_upload);
	http_route(r, HTTP_GET, "/reports/forms/{code}", page_report_form_show);
	http_route(r, HTTP_GET, "/reports/indicators", page_report_indicators);
	http_route(r, HTTP_POST, "/reports/indicators/targets",
	    page_report_targets_set);
	http_route(r, HTTP_POST, "/reports/indicators/targets/remove",
	    page_report_targets_remove);
	/* Report evidence: one attached file (page_reports.c). */
	http_route(r, HTTP_GET,
	    "/units/{code}/reports/{form}/{period}/evidence/{id}",
	    page_report_evidence_get);
	/* Requests of data subjects and consent withdrawal. */
	http_route(r, HTTP_GET, "/people/{id}/privacy", page_person_privacy);
	http_route(r, HTTP_POST, "/people/{id}/data-requests",
	    page_data_requests_create);
	http_route(r, HTTP_GET, "/people/{id}/data.json", page_person_data_json);
	http_route(r, HTTP_POST, "/consents/{id}/withdraw", page_consent_withdraw);
	http_route(r, HTTP_GET, "/units/{code}/data-requests",
	    page_data_requests_list);
	http_route(r, HTTP_POST, "/data-requests/{id}", page_data_request_answer);

	http_route(r, HTTP_GET, "/api/v1/me", api_me);
	http_route(r, HTTP_GET, "/api/v1/units", api_units_search);
	http_route(r, HTTP_GET, "/api/v1/units/{code}", api_units_get);
	http_route(r, HTTP_POST, "/api/v1/units/{code}/organisations",
	    api_units_org_create);
	http_route(r, HTTP_GET, "/api/v1/users", api_users_list);
	http_route(r, HTTP_POST, "/api/v1/users", api_users_create);
	http_route(r, HTTP_GET, "/api/v1/audit", api_audit);
	return r;
}
