/*
 * page_clans.c - the clans (dòng họ) of a commune: the list in Vietnamese
 * name order with the number of member households, creating a clan (name,
 * branch, and optionally its head chosen among the commune's residents),
 * and one clan's member households with forms to add some (search and
 * tick) or remove one. A clan's member households are what the learning
 * clan's "half of its families are learning families" rule counts.
 */
#include "web/web.h"
#include "core/date.h"
#include "people/people.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PICK_SIZE 50

/* The header of the clans' pages: the tabs of the commune's learning
 * models (the clans' tab is current on the list), then the title unless it
 * is NULL (the list writes its own, with the count). */
static void
clan_header(struct http_req *req, struct buf *b, const struct unit *u,
    bool list, const char *title, const char *subtitle)
{
	const struct page_tab tabs[] = {
		{"/registrations", N_("Learning models"), false},
		{"/clans", N_("Clans"), list},
	};

	if (title != NULL)
		page_unit_header(req, b, u, tabs, 2, title, subtitle);
	else
		page_unit_tabs(req, b, u, tabs, 2);
}

static void
clan_create_form(struct http_req *req, struct buf *b, const struct unit *u,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err lerr = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	const char *hq = http_query(req, "hq");
	const char *chosen = http_form(req, "head");
	char *action = xasprintf("/units/%s/clans", u->code);
	size_t i;

	memset(&l, 0, sizeof(l));
	html_raw(b, "<section class=\"card\" id=\"add-clan\"><h2>");
	html_text(b, tr(req, N_("Add a clan")));
	html_raw(b, "</h2>");
	if (err != NULL)
		page_error_box(req, b, err);
	/* The head is found first: a commune has too many residents for one
	 * list. */
	html_raw(b, "<form class=\"search\" method=\"get\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/clans#add-clan\"><input type=\"search\" name=\"hq\" aria-label=\"");
	html_attr(b, tr(req, N_("Find the clan head")));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, N_("Find the clan head")));
	html_raw(b, "\" value=\"");
	html_attr(b, hq);
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Search")));
	html_raw(b, "</button></form><form method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "\">");
	page_csrf_field(req, b);
	page_input(req, b, "c-name", "name", N_("Clan name (e.g. Họ Nguyễn)"),
	    http_form(req, "name"), "required maxlength=\"120\"");
	page_input(req, b, "c-branch", "branch", N_("Branch (e.g. Chi 2)"),
	    http_form(req, "branch"), "maxlength=\"120\"");
	html_raw(b, "<label for=\"c-head\">");
	html_text(b, tr(req, N_("Clan head")));
	html_raw(b, "</label><select id=\"c-head\" name=\"head\"><option value=\"\">");
	html_text(b, tr(req, N_("Not recorded")));
	html_raw(b, "</option>");
	memset(&q, 0, sizeof(q));
	q.unit_id = u->id;
	q.q = hq;
	q.limit = PICK_SIZE;
	if (hq != NULL && hq[0] != '\0' &&
	    people_list(w->db, &w->actor, &q, &l, &lerr) == 0)
		for (i = 0; i < l.n; i++) {
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)l.items[i].id);
			html_raw(b, "<option value=\"");
			html_attr(b, id);
			html_raw(b, chosen != NULL && strcmp(chosen, id) == 0 ?
			    "\" selected>" : "\">");
			html_text(b, l.items[i].full_name);
			html_raw(b, " — ");
			html_text(b, l.items[i].unit_name);
			html_raw(b, "</option>");
		}
	html_raw(b, "</select>");
	person_list_cleanup(&l);
	free(action);
	page_form_end(req, b, N_("Add"));
}

static void
render_clans(struct http_req *req, struct http_resp *resp, const struct unit *u,
    const struct kh_err *form_err)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct clan_list l;
	struct buf *b = &resp->body;
	size_t i;

	memset(&l, 0, sizeof(l));
	if (people_clans(w->db, &w->actor, u->id, &l, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	page_begin(req, resp, tr(req, N_("Clans")));
	clan_header(req, b, u, true, NULL, NULL);
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Clans")));
	html_raw(b, " <span class=\"muted\" id=\"clans-total\">(");
	html_int(b, (int64_t)l.n);
	html_raw(b, ")</span></h1><div class=\"table-wrap\"><table id=\"clans\"><thead><tr><th>");
	html_text(b, tr(req, N_("Clan")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Branch")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Clan head")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Member households")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < l.n; i++) {
		const struct clan *c = &l.items[i];

		buf_printf(b, "<tr><td><a href=\"/clans/%lld\">", (long long)c->id);
		html_text(b, c->name);
		html_raw(b, "</a></td><td>");
		html_text(b, c->branch);
		html_raw(b, "</td><td>");
		html_text(b, c->head_name);
		html_raw(b, "</td><td>");
		html_text(b, c->unit_name);
		html_raw(b, "</td><td class=\"num\">");
		html_int(b, c->households);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (w->actor.role >= ROLE_OFFICER &&
	    auth_can_write(w->db, &w->actor, u->id, &err) == 0)
		clan_create_form(req, b, u, form_err);
	page_end(req, resp);
	clan_list_cleanup(&l);
}

int
page_clans_list(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_clans(req, resp, &u, NULL);
	unit_cleanup(&u);
	return 0;
}

int
page_clans_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	const char *head = http_form(req, "head");
	char on[DATE_LEN], *to;
	bool has_on;
	int64_t id = 0;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	rc = people_clan_create(w->db, &w->actor, u.id, http_form(req, "name"),
	    http_form(req, "branch"), head != NULL ? strtoll(head, NULL, 10) : 0,
	    &id, &err);
	if (rc == KH_E_FORBIDDEN) {
		web_error(req, resp, &err);
		goto out;
	}
	if (rc != 0) {
		render_clans(req, resp, &u, &err);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	to = xasprintf("/clans/%lld", (long long)id);
	http_redirect(req, resp, to);
	free(to);
out:
	unit_cleanup(&u);
	return 0;
}

static int64_t
clan_id(struct http_req *req)
{
	const char *s = http_param(req, "id");

	return s != NULL ? strtoll(s, NULL, 10) : 0;
}

static void
household_text(struct http_req *req, struct buf *b, const struct household *h)
{
	html_text(b, tr(req, N_("Household")));
	html_raw(b, " ");
	html_text(b, h->code);
	if (h->head_name[0] != '\0') {
		html_raw(b, " — ");
		html_text(b, h->head_name);
	}
	html_raw(b, " <span class=\"muted\">");
	html_text(b, h->unit_name);
	html_raw(b, "</span>");
}

static void
render_clan(struct http_req *req, struct http_resp *resp, int64_t id,
    const struct kh_err *form_err, const char *notice)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct clan c;
	struct unit cu = UNIT_INIT;
	struct household_list members, pick;
	struct buf *b = &resp->body;
	const char *q = http_query(req, "q");
	bool can_write;
	size_t i, j;

	memset(&c, 0, sizeof(c));
	memset(&members, 0, sizeof(members));
	memset(&pick, 0, sizeof(pick));
	if (people_clan_get(w->db, &w->actor, id, &c, &err) != 0 ||
	    people_clan_households(w->db, &w->actor, id, &members, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	can_write = w->actor.role >= ROLE_OFFICER &&
	    auth_can_write(w->db, &w->actor, c.unit_id, &err) == 0;
	page_begin(req, resp, c.name);
	cu.code = c.unit_code;
	cu.name = c.unit_name;
	clan_header(req, b, &cu, false, c.name, c.branch);
	if (notice != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		html_raw(b, "</p>");
	}
	if (form_err != NULL)
		page_error_box(req, b, form_err);
	html_raw(b, "<dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Clan head")));
	html_raw(b, "</dt><dd>");
	html_text(b, c.head_name[0] != '\0' ? c.head_name :
	    tr(req, N_("Not recorded")));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Member households")));
	html_raw(b, "</dt><dd id=\"clan-members\">");
	html_int(b, (int64_t)members.n);
	html_raw(b, "</dd></div></dl><h2>");
	html_text(b, tr(req, N_("Member households")));
	html_raw(b, "</h2><ul class=\"members\" id=\"members\">");
	for (i = 0; i < members.n; i++) {
		html_raw(b, "<li>");
		household_text(req, b, &members.items[i]);
		if (can_write) {
			buf_printf(b, "<form method=\"post\" class=\"inline\""
			    " action=\"/clans/%lld/members\">", (long long)id);
			page_csrf_field(req, b);
			buf_printf(b, "<input type=\"hidden\" name=\"op\" value=\"remove\">"
			    "<input type=\"hidden\" name=\"household\" value=\"%lld\">"
			    "<button type=\"submit\" class=\"link\">",
			    (long long)members.items[i].id);
			html_text(b, tr(req, N_("Remove")));
			html_raw(b, "</button></form>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	if (can_write) {
		html_raw(b, "<section class=\"card\" id=\"add-members\"><h2>");
		html_text(b, tr(req, N_("Add member households")));
		buf_printf(b, "</h2><form class=\"search\" method=\"get\""
		    " action=\"/clans/%lld#add-members\"><input type=\"search\""
		    " name=\"q\" aria-label=\"", (long long)id);
		html_attr(b, tr(req, N_("Household number or head's name")));
		html_raw(b, "\" placeholder=\"");
		html_attr(b, tr(req, N_("Household number or head's name")));
		html_raw(b, "\" value=\"");
		html_attr(b, q);
		html_raw(b, "\"><button type=\"submit\">");
		html_text(b, tr(req, N_("Search")));
		buf_printf(b, "</button></form><form method=\"post\""
		    " action=\"/clans/%lld/members\">", (long long)id);
		page_csrf_field(req, b);
		html_raw(b, "<input type=\"hidden\" name=\"op\" value=\"add\"><div class=\"picks\">");
		if (people_households(w->db, &w->actor, c.unit_id, q, PICK_SIZE, 0,
		    &pick, &err) == 0)
			for (i = 0; i < pick.n; i++) {
				bool member = false;

				for (j = 0; j < members.n && !member; j++)
					member = members.items[j].id == pick.items[i].id;
				if (member)
					continue;
				buf_printf(b, "<label class=\"check pick\"><input"
				    " type=\"checkbox\" name=\"household\""
				    " value=\"%lld\"> ", (long long)pick.items[i].id);
				household_text(req, b, &pick.items[i]);
				html_raw(b, "</label>");
			}
		html_raw(b, "</div><button type=\"submit\">");
		html_text(b, tr(req, N_("Add the ticked households")));
		html_raw(b, "</button></form></section>");
	}
	page_end(req, resp);
out:
	household_list_cleanup(&pick);
	household_list_cleanup(&members);
	clan_cleanup(&c);
}

int
page_clan_show(struct http_req *req, struct http_resp *resp)
{
	if (web_need_login(req, resp) != 0)
		return 0;
	render_clan(req, resp, clan_id(req), NULL, http_query(req, "saved") !=
	    NULL ? tr(req, N_("Saved.")) : NULL);
	return 0;
}

int
page_clan_members(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const char *op = http_form(req, "op");
	int64_t id = clan_id(req), *ids;
	size_t i, n = 0;
	char *to;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	ids = xcalloc(req->form.n + 1, sizeof(*ids));
	for (i = 0; i < req->form.n; i++)
		if (strcmp(req->form.items[i].name, "household") == 0)
			ids[n++] = strtoll(req->form.items[i].value, NULL, 10);
	if (n == 0)
		rc = kh_fail_field(&err, KH_E_INVALID, "household", N_("Tick at"
		    " least one household."), NULL);
	else
		rc = people_clan_members(w->db, &w->actor, id, ids, n,
		    op == NULL || strcmp(op, "remove") != 0, &err);
	free(ids);
	if (rc == KH_E_FORBIDDEN || rc == KH_E_NOT_FOUND) {
		web_error(req, resp, &err);
		return 0;
	}
	if (rc != 0) {
		render_clan(req, resp, id, &err, NULL);
		if (resp->status < 400)
			resp->status = kh_kind_http_status(rc);
		return 0;
	}
	to = xasprintf("/clans/%lld?saved=1", (long long)id);
	http_redirect(req, resp, to);
	free(to);
	return 0;
}
