/*
 * web.h - the web front: pages and the JSON API over the domain modules.
 *
 * The application's per-request state (struct web_req) hangs off
 * http_req.app: the borrowed database connection, the acting user, the
 * language and the CSRF token. Pages are functions writing through html.h
 * helpers into the response; one layout draws head, menu and footer.
 */
#ifndef KH_WEB_WEB_H
#define KH_WEB_WEB_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/auth.h"
#include "auth/users.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

struct web_req {
	struct db *db;			/* borrowed from the pool for the request */
	struct actor actor;		/* valid when authed */
	bool authed;			/* a session or a token identified the user */
	bool via_token;			/* identified by an API token */
	bool is_api;			/* path under /api/ */
	const char *lang;		/* "vi" or "en" */
	char csrf[AUTH_CSRF_LEN];	/* the session's CSRF token, or "" */
	const char *session_token;	/* the session cookie, or NULL */
};

/* The application state of a request. */
struct web_req *web(struct http_req *req);

/* Translate a msgid into the request's language. */
const char *tr(struct http_req *req, const char *msgid);

/* Build the router with every page and API route, and the hooks. */
struct http_router *web_router(void);
extern const struct http_hooks web_hooks;

/* Answer an error: a page in the layout, or a JSON error under /api/. */
void web_error(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err);
/* The same for a bare kind with its generic message. */
void web_error_kind(struct http_req *req, struct http_resp *resp, int kind);

/* Require a logged-in user: 0, or an answer already given (redirect to the
 * login page for pages, 401 for the API) and non-zero. */
int web_need_login(struct http_req *req, struct http_resp *resp);

/* JSON responses. web_json steals body. */
void web_json(struct http_req *req, struct http_resp *resp, int status,
    json_t *body);

/* Layout. */
void page_begin(struct http_req *req, struct http_resp *resp,
    const char *title);
void page_end(struct http_req *req, struct http_resp *resp);
/*
 * Forms in a card. page_form_begin writes <section class="card" id=ID>, the
 * title (a msgid), the error box when err is set, <form method="post"> with
 * the action (a local path, escaped here) and the CSRF field; page_form_end
 * the submit button (a msgid) and the closing tags.
 */
void page_form_begin(struct http_req *req, struct buf *b, const char *id,
    const char *title, const struct kh_err *err, const char *action,
    const char *cls);
void page_form_end(struct http_req *req, struct buf *b, const char *button);
/*
 * A labelled input: the label (a msgid), then <input id name value> with
 * attrs written raw (attributes written in code, e.g. "required
 * maxlength=\"200\""); value may be NULL.
 */
void page_input(struct http_req *req, struct buf *b, const char *id,
    const char *name, const char *label, const char *value, const char *attrs);
/* A labelled <select>: options are (value, text already translated) pairs. */
void page_select(struct http_req *req, struct buf *b, const char *id,
    const char *name, const char *label, const char *const *values,
    const char *const *texts, size_t n, const char *selected);

/* A hidden CSRF field for forms. */
void page_csrf_field(struct http_req *req, struct buf *b);
/*
 * The CSRF token of forms shown before a session exists (the login form, the
 * public pages): a double-submit cookie, kept while it is valid so that two
 * open tabs both work. app.c checks it on POST /login and on the public
 * forms sent without a session.
 */
const char *page_presession_csrf(struct http_req *req, struct http_resp *resp);
/* An error box with a translated message (and the field named). */
void page_error_box(struct http_req *req, struct buf *b,
    const struct kh_err *err);
/* A role's name in the request's language. */
const char *page_role_label(struct http_req *req, enum role r);
/* Link to a unit's page: /units/CODE, with ?on=DATE for a unit that ended. */
void page_unit_href(struct buf *b, const char *code, const char *valid_to);

struct unit;
/* One of a unit's pages, as a tab of the header of another. */
struct page_tab {
	const char *path;	/* after /units/CODE, e.g. "/people" */
	const char *label;	/* a msgid */
	bool current;		/* the page being shown: aria-current="page" */
};
/*
 * The header of a unit's page, one markup for every such page.
 * page_unit_tabs writes <nav class="tabs">: the unit's name linking to the
 * unit (page_unit_href), then each tab linking to /units/CODE followed by
 * its path (no ?on=: only the unit's link carries the date of a unit that
 * ended). page_unit_header writes the same, then <h1> with the title (a
 * string already translated; escaped here) and, unless subtitle is NULL or
 * "", a <span class="muted"> with the subtitle (escaped too). Only u->code,
 * u->name and u->valid_to are read. A page whose heading holds more than
 * text (a count with its own id) writes its <h1> itself after
 * page_unit_tabs.
 */
void page_unit_tabs(struct http_req *req, struct buf *b, const struct unit *u,
    const struct page_tab *tabs, size_t n_tabs);
void page_unit_header(struct http_req *req, struct buf *b, const struct unit *u,
    const struct page_tab *tabs, size_t n_tabs, const char *title,
    const char *subtitle);
/* A date as dd/mm/yyyy, "—" for none or the "before the records" date. */
void page_date(struct buf *b, const char *iso);

struct audit_filter;
/* Read the audit filters of the query (?user=&unit=&from=&to=&before=). */
int web_audit_filter(struct http_req *req, struct audit_filter *f,
    struct unit *u, char from[11], char to[11], struct kh_err *err);

/* The unit named by the path's {code} and ?on= (on receives the date when
 * given): 0, or an error answer already given. */
int page_find_unit(struct http_req *req, struct http_resp *resp,
    struct unit *u, char on[11], bool *has_on);

/* Handlers, by area. */
int page_login_form(struct http_req *req, struct http_resp *resp);
int page_login_post(struct http_req *req, struct http_resp *resp);
int page_logout(struct http_req *req, struct http_resp *resp);
int page_lang(struct http_req *req, struct http_resp *resp);
int page_home(struct http_req *req, struct http_resp *resp);
int page_units_index(struct http_req *req, struct http_resp *resp);
int page_units_show(struct http_req *req, struct http_resp *resp);
int page_units_org_create(struct http_req *req, struct http_resp *resp);
int page_units_org_update(struct http_req *req, struct http_resp *resp);
int page_people_list(struct http_req *req, struct http_resp *resp);
int page_people_create(struct http_req *req, struct http_resp *resp);
int page_people_import_form(struct http_req *req, struct http_resp *resp);
int page_people_import_preview(struct http_req *req, struct http_resp *resp);
int page_people_import_commit(struct http_req *req, struct http_resp *resp);
int page_people_import_errors(struct http_req *req, struct http_resp *resp);
int page_users_list(struct http_req *req, struct http_resp *resp);
int page_users_create(struct http_req *req, struct http_resp *resp);
int page_users_password(struct http_req *req, struct http_resp *resp);
int page_audit(struct http_req *req, struct http_resp *resp);

/* Recognition decisions, certificates, the roll-up and criteria sets. */
int page_decisions_list(struct http_req *req, struct http_resp *resp);
int page_decisions_create(struct http_req *req, struct http_resp *resp);
int page_decision_show(struct http_req *req, struct http_resp *resp);
int page_decision_pdf(struct http_req *req, struct http_resp *resp);
int page_decision_certificates(struct http_req *req, struct http_resp *resp);
int page_decision_xlsx(struct http_req *req, struct http_resp *resp);
int page_recognition(struct http_req *req, struct http_resp *resp);
int page_recognition_xlsx(struct http_req *req, struct http_resp *resp);
int page_criteria_list(struct http_req *req, struct http_resp *resp);
int page_criteria_show(struct http_req *req, struct http_resp *resp);
int page_criteria_new_version(struct http_req *req, struct http_resp *resp);
/* A new temporary file named after stem in $TMPDIR (else /tmp): its
 * descriptor, or -1; path receives its name. */
int page_temp_file(char path[200], const char *stem);
/* Answer with the file at path as an attachment named filename (ASCII);
 * 0, or -1 with an error answer given. */
int page_send_file(struct http_req *req, struct http_resp *resp,
    const char *path, const char *content_type, const char *filename);
/* Lower-case ASCII letters and digits of s, other runs as one '-'. */
void page_ascii_slug(char *out, size_t outsz, const char *s);
/* The public learning-citizen self-assessment and its queue (page_public.c). */
int page_public_citizen(struct http_req *req, struct http_resp *resp);
int page_public_citizen_post(struct http_req *req, struct http_resp *resp);
int page_public_status(struct http_req *req, struct http_resp *resp);
int page_public_queue(struct http_req *req, struct http_resp *resp);
int page_public_accept(struct http_req *req, struct http_resp *resp);
int page_public_reject(struct http_req *req, struct http_resp *resp);
/* Learning models: registrations, assessments, clans. */
int page_registrations_list(struct http_req *req, struct http_resp *resp);
int page_registrations_create(struct http_req *req, struct http_resp *resp);
int page_registrations_pdf(struct http_req *req, struct http_resp *resp);
int page_registrations_xlsx(struct http_req *req, struct http_resp *resp);
int page_registration_show(struct http_req *req, struct http_resp *resp);
int page_registration_self_assess(struct http_req *req, struct http_resp *resp);
int page_registration_verify(struct http_req *req, struct http_resp *resp);
int page_registration_action(struct http_req *req, struct http_resp *resp);
int page_registration_evidence_add(struct http_req *req, struct http_resp *resp);
int page_registration_evidence_get(struct http_req *req, struct http_resp *resp);
int page_clans_list(struct http_req *req, struct http_resp *resp);
int page_clans_create(struct http_req *req, struct http_resp *resp);
int page_clan_show(struct http_req *req, struct http_resp *resp);
int page_clan_members(struct http_req *req, struct http_resp *resp);
/* Requests of data subjects and consent withdrawal (page_requests.c). */
int page_person_privacy(struct http_req *req, struct http_resp *resp);
int page_data_requests_create(struct http_req *req, struct http_resp *resp);
int page_consent_withdraw(struct http_req *req, struct http_resp *resp);
int page_person_data_json(struct http_req *req, struct http_resp *resp);
int page_data_requests_list(struct http_req *req, struct http_resp *resp);
int page_data_request_answer(struct http_req *req, struct http_resp *resp);
int api_registrations_list(struct http_req *req, struct http_resp *resp);
int api_registrations_get(struct http_req *req, struct http_resp *resp);
/* Learning models for other systems: decisions as JSON (api_decisions.c),
 * the roll-up as CSV (page_rollup.c). */
int api_decisions_list(struct http_req *req, struct http_resp *resp);
int api_decisions_get(struct http_req *req, struct http_resp *resp);
int page_recognition_csv(struct http_req *req, struct http_resp *resp);
/* Reports up the hierarchy: entry, submission and approval, completeness,
 * the consolidated report and its exports, the reports API
 * (page_reports.c). */
int page_reports_index(struct http_req *req, struct http_resp *resp);
int page_reports_assign(struct http_req *req, struct http_resp *resp);
int page_report_entry(struct http_req *req, struct http_resp *resp);
int page_report_entry_post(struct http_req *req, struct http_resp *resp);
int page_report_status(struct http_req *req, struct http_resp *resp);
int page_report_consolidated(struct http_req *req, struct http_resp *resp);
int api_reports_consolidated(struct http_req *req, struct http_resp *resp);
int api_reports_status(struct http_req *req, struct http_resp *resp);
/* Report evidence: one attached file (page_reports.c). */
int page_report_evidence_get(struct http_req *req, struct http_resp *resp);
/* The indicators dashboard, its exports, the indicators API and the
 * administrators' shares for restated figures (page_dashboard.c). */
int page_dashboard(struct http_req *req, struct http_resp *resp);
int page_dashboard_xlsx(struct http_req *req, struct http_resp *resp);
int page_dashboard_pdf(struct http_req *req, struct http_resp *resp);
int api_indicators(struct http_req *req, struct http_resp *resp);
int page_shares(struct http_req *req, struct http_resp *resp);
int page_shares_set(struct http_req *req, struct http_resp *resp);
/* Report forms and indicator targets administered in the browser
 * (page_report_forms.c). */
int page_report_forms(struct http_req *req, struct http_resp *resp);
int page_report_forms_upload(struct http_req *req, struct http_resp *resp);
int page_report_form_show(struct http_req *req, struct http_resp *resp);
int page_report_indicators(struct http_req *req, struct http_resp *resp);
int page_report_targets_set(struct http_req *req, struct http_resp *resp);
int page_report_targets_remove(struct http_req *req, struct http_resp *resp);

int api_me(struct http_req *req, struct http_resp *resp);
int api_units_search(struct http_req *req, struct http_resp *resp);
int api_units_get(struct http_req *req, struct http_resp *resp);
int api_units_org_create(struct http_req *req, struct http_resp *resp);
int api_users_list(struct http_req *req, struct http_resp *resp);
int api_users_create(struct http_req *req, struct http_resp *resp);
int api_audit(struct http_req *req, struct http_resp *resp);

int ops_healthz(struct http_req *req, struct http_resp *resp);
int ops_metrics(struct http_req *req, struct http_resp *resp);
int ops_static(struct http_req *req, struct http_resp *resp);

#endif
