/*
 * page_home.c - the home page: real counts for the user's scope.
 */
#include "web/web.h"
#include "core/date.h"
#include "units/counts.h"
#include "units/units.h"
#include "web/html.h"

#include <string.h>

static void
count_card(struct http_req *req, struct buf *b, const char *title,
    const struct unit_kind_count *c, int n)
{
	int64_t orgs = 0;
	int i;

	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, title);
	html_raw(b, "</h2><dl class=\"counts\">");
	for (i = 0; i < n; i++) {
		if (units_kind_is_org(c[i].kind)) {
			orgs += c[i].n;
			continue;
		}
		if (strcmp(c[i].kind, UNIT_COUNTRY) == 0)
			continue;
		html_raw(b, "<div><dt>");
		html_text(b, units_kind_label(c[i].kind, web(req)->lang));
		html_raw(b, "</dt><dd>");
		html_int(b, c[i].n);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("Organisations")));
	html_raw(b, "</dt><dd>");
	html_int(b, orgs);
	html_raw(b, "</dd></div></dl></section>");
}

int
page_home(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_kind_count now_c[UNIT_KINDS_MAX], old_c[UNIT_KINDS_MAX];
	char today[DATE_LEN], since[STAMP_LEN];
	int n_now = 0, n_old = 0, rc;
	int64_t n_users = 0, n_audit = 0;
	struct buf *b = &resp->body;

	if (web_need_login(req, resp) != 0)
		return 0;
	date_today(today);
	stamp_after(-7L * 24 * 3600, since);
	rc = units_count_by_kind(w->db, &w->actor, w->actor.unit_id, today,
	    now_c, &n_now, &err);
	if (rc == 0)
		rc = units_count_by_kind(w->db, &w->actor, w->actor.unit_id,
		    UNITS_OLD_STRUCTURE_TO, old_c, &n_old, &err);
	if (rc == 0)
		rc = units_scope_activity(w->db, &w->actor, since, &n_users,
		    &n_audit, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	page_begin(req, resp, tr(req, N_("Home")));
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Hello")));
	html_raw(b, ", ");
	html_text(b, w->actor.full_name);
	html_raw(b, "</h1><p class=\"lead\">");
	html_text(b, tr(req, N_("Your scope")));
	html_raw(b, ": <a href=\"/units/");
	html_url(b, w->actor.unit_code);
	html_raw(b, "\">");
	html_text(b, w->actor.unit_name);
	html_raw(b, "</a> · ");
	html_text(b, tr(req, N_("Role")));
	html_raw(b, ": ");
	html_text(b, page_role_label(req, w->actor.role));
	html_raw(b, "</p><form class=\"search\" method=\"get\" action=\"/units\">"
	    "<input type=\"search\" name=\"q\" aria-label=\"");
	html_attr(b, tr(req, N_("Find a unit")));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, N_("Find a unit, e.g. le chan")));
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Search")));
	html_raw(b, "</button></form><div class=\"cards\">");
	count_card(req, b, tr(req, N_("Today (from 1 July 2025)")), now_c, n_now);
	count_card(req, b, tr(req, N_("Before 1 July 2025")), old_c, n_old);
	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, tr(req, N_("Activity")));
	html_raw(b, "</h2><dl class=\"counts\"><div><dt>");
	html_text(b, tr(req, N_("Accounts")));
	html_raw(b, "</dt><dd>");
	html_int(b, n_users);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Changes in the last 7 days")));
	html_raw(b, "</dt><dd>");
	html_int(b, n_audit);
	html_raw(b, "</dd></div></dl></section></div>");
	page_end(req, resp);
	return 0;
}
