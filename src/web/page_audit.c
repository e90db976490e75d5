/*
 * page_audit.c - the audit log, filterable by user, unit and date.
 */
#include "web/web.h"
#include "auth/audit.h"
#include "core/date.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* An instant stored in UTC shown in Vietnam's time (UTC+7). */
static void
stamp_display(struct buf *b, const char *stamp)
{
	struct tm tm;
	time_t t;
	char out[32];

	memset(&tm, 0, sizeof(tm));
	if (stamp == NULL || strptime(stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL) {
		html_text(b, stamp);
		return;
	}
	t = timegm(&tm) + 7 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, sizeof(out), "%d/%m/%Y %H:%M:%S", &tm);
	html_text(b, out);
}

static const char *
action_label(struct http_req *req, const char *action)
{
	if (strcmp(action, "create") == 0)
		return tr(req, N_("created"));
	if (strcmp(action, "update") == 0)
		return tr(req, N_("changed"));
	if (strcmp(action, "delete") == 0)
		return tr(req, N_("deleted"));
	if (strcmp(action, "login") == 0)
		return tr(req, N_("logged in"));
	if (strcmp(action, "password") == 0)
		return tr(req, N_("set the password"));
	return action;
}

static const char *
entity_label(struct http_req *req, const char *entity)
{
	if (strcmp(entity, "unit") == 0)
		return tr(req, N_("unit"));
	if (strcmp(entity, "user") == 0)
		return tr(req, N_("account"));
	if (strcmp(entity, "session") == 0)
		return tr(req, N_("session"));
	if (strcmp(entity, "token") == 0)
		return tr(req, N_("API token"));
	return entity;
}

/*
 * Read the filters from the query. Returns 0, or an error with the field
 * named (the page shows it above the form).
 */
int
web_audit_filter(struct http_req *req, struct audit_filter *f, struct unit *u,
    char from[DATE_LEN], char to[DATE_LEN], struct kh_err *err)
{
	struct web_req *w = web(req);
	const char *s;
	int rc;

	memset(f, 0, sizeof(*f));
	s = http_query(req, "user");
	f->login = s != NULL && s[0] != '\0' ? s : NULL;
	s = http_query(req, "from");
	if (s != NULL && s[0] != '\0') {
		if (!date_parse(s, from))
			return kh_fail_field(err, KH_E_INVALID, "from",
			    N_("The date %s is not valid: write it as dd/mm/yyyy."), s);
		f->from = from;
	}
	s = http_query(req, "to");
	if (s != NULL && s[0] != '\0') {
		if (!date_parse(s, to))
			return kh_fail_field(err, KH_E_INVALID, "to",
			    N_("The date %s is not valid: write it as dd/mm/yyyy."), s);
		f->to = to;
	}
	s = http_query(req, "unit");
	if (s != NULL && s[0] != '\0') {
		rc = units_find(w->db, &w->actor, s, NULL, u, err);
		if (rc != 0)
			return rc;
		f->unit_id = u->id;
	}
	s = http_query(req, "before");
	if (s != NULL)
		f->before_id = strtoll(s, NULL, 10);
	f->limit = 100;
	return 0;
}

int
page_audit(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct audit_filter f;
	struct audit_list l = {0};
	struct unit u = UNIT_INIT;
	struct buf *b = &resp->body;
	char from[DATE_LEN], to[DATE_LEN];
	size_t i;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (auth_need_role(&w->actor, ROLE_MANAGER, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	rc = web_audit_filter(req, &f, &u, from, to, &err);
	if (rc == 0)
		rc = audit_list(w->db, &w->actor, &f, &l, &err);
	if (rc != 0 && err.kind != KH_E_INVALID && err.kind != KH_E_NOT_FOUND) {
		web_error(req, resp, &err);
		goto out;
	}
	page_begin(req, resp, tr(req, N_("Audit log")));
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Audit log")));
	html_raw(b, "</h1>");
	if (rc != 0)
		page_error_box(req, b, &err);
	html_raw(b, "<form class=\"filters\" method=\"get\" action=\"/audit\"><label>");
	html_text(b, tr(req, N_("Login")));
	html_raw(b, "<input name=\"user\" value=\"");
	html_attr(b, http_query(req, "user"));
	html_raw(b, "\"></label><label>");
	html_text(b, tr(req, N_("Unit code")));
	html_raw(b, "<input name=\"unit\" value=\"");
	html_attr(b, http_query(req, "unit"));
	html_raw(b, "\"></label><label>");
	html_text(b, tr(req, N_("From (dd/mm/yyyy)")));
	html_raw(b, "<input name=\"from\" inputmode=\"numeric\" value=\"");
	html_attr(b, http_query(req, "from"));
	html_raw(b, "\"></label><label>");
	html_text(b, tr(req, N_("To (dd/mm/yyyy)")));
	html_raw(b, "<input name=\"to\" inputmode=\"numeric\" value=\"");
	html_attr(b, http_query(req, "to"));
	html_raw(b, "\"></label><button type=\"submit\">");
	html_text(b, tr(req, N_("Filter")));
	html_raw(b, "</button></form><div class=\"table-wrap\"><table id=\"audit\"><thead><tr><th>");
	html_text(b, tr(req, N_("Time")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Who")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("What")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Before")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("After")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < l.n; i++) {
		const struct audit_entry *e = &l.items[i];

		html_raw(b, "<tr><td>");
		stamp_display(b, e->at);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, e->actor);
		html_raw(b, "</td><td>");
		html_text(b, action_label(req, e->action));
		html_raw(b, " ");
		html_text(b, entity_label(req, e->entity));
		html_raw(b, " <span class=\"code\">");
		html_text(b, e->entity_id);
		html_raw(b, "</span></td><td>");
		if (e->unit_code != NULL && e->unit_code[0] != '\0') {
			html_raw(b, "<a href=\"/units/");
			html_url(b, e->unit_code);
			html_raw(b, "\">");
			html_text(b, e->unit_name);
			html_raw(b, "</a>");
		}
		html_raw(b, "</td><td><code>");
		html_text(b, e->before_json);
		html_raw(b, "</code></td><td><code>");
		html_text(b, e->after_json);
		html_raw(b, "</code></td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (l.n == 100) {
		html_raw(b, "<p><a href=\"/audit?before=");
		buf_printf(b, "%lld", (long long)l.items[l.n - 1].id);
		html_raw(b, "&amp;user=");
		html_url(b, http_query(req, "user"));
		html_raw(b, "&amp;unit=");
		html_url(b, http_query(req, "unit"));
		html_raw(b, "&amp;from=");
		html_url(b, http_query(req, "from"));
		html_raw(b, "&amp;to=");
		html_url(b, http_query(req, "to"));
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Older entries")));
		html_raw(b, "</a></p>");
	}
	page_end(req, resp);
out:
	audit_list_cleanup(&l);
	unit_cleanup(&u);
	return 0;
}
