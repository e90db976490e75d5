/*
 * page_units.c - the unit tree, search, a unit's page and adding an
 * organisation under a unit.
 */
#include "web/web.h"
#include "core/date.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

static const char *const org_kinds[] = {
	UNIT_VILLAGE, UNIT_SCHOOL, UNIT_ENTERPRISE, UNIT_AGENCY, UNIT_ARMED,
	UNIT_ASSOCIATION, UNIT_CHAPTER, UNIT_BOARD, UNIT_CLC,
};

/* The date a request asks about: ?on=YYYY-MM-DD or dd/mm/yyyy, else NULL. */
static int
request_date(struct http_req *req, char on[DATE_LEN], struct kh_err *err)
{
	const char *s = http_query(req, "on");

	if (s == NULL || s[0] == '\0')
		return 1;
	if (!date_parse(s, on))
		return kh_fail_field(err, KH_E_INVALID, "on",
		    N_("The date %s is not valid: write it as dd/mm/yyyy."), s);
	return 0;
}

static void
unit_link(struct buf *b, const struct unit *u)
{
	html_raw(b, "<a href=\"");
	page_unit_href(b, u->code, u->valid_to);
	html_raw(b, "\">");
	html_text(b, u->name);
	html_raw(b, "</a>");
}

static void
unit_rows(struct http_req *req, struct buf *b, const struct unit_list *l,
    bool orgs, bool show_dates)
{
	size_t i;

	html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>");
	html_text(b, tr(req, N_("Code")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Name")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, orgs ? N_("Kind") : N_("Type")));
	html_raw(b, "</th>");
	if (show_dates) {
		html_raw(b, "<th>");
		html_text(b, tr(req, N_("Valid")));
		html_raw(b, "</th>");
	}
	html_raw(b, "<th class=\"num\">");
	html_text(b, tr(req, N_("Units below")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < l->n; i++) {
		const struct unit *u = &l->items[i];

		html_raw(b, "<tr><td class=\"code\">");
		html_text(b, u->code);
		html_raw(b, "</td><td>");
		unit_link(b, u);
		html_raw(b, "</td><td>");
		html_text(b, orgs || u->type_name[0] == '\0' ?
		    units_kind_label(u->kind, web(req)->lang) : u->type_name);
		html_raw(b, "</td>");
		if (show_dates) {
			html_raw(b, "<td>");
			page_date(b, u->valid_from);
			html_raw(b, " – ");
			if (u->valid_to != NULL)
				page_date(b, u->valid_to);
			html_raw(b, "</td>");
		}
		html_raw(b, "<td class=\"num\">");
		html_int(b, u->n_children);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void
search_form(struct http_req *req, struct buf *b, const char *q)
{
	html_raw(b, "<form class=\"search\" method=\"get\" action=\"/units\">"
	    "<input type=\"search\" name=\"q\" aria-label=\"");
	html_attr(b, tr(req, N_("Find a unit")));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, N_("Find a unit, e.g. le chan")));
	html_raw(b, "\" value=\"");
	html_attr(b, q);
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Search")));
	html_raw(b, "</button></form>");
}

/* GET /units: the search results, or the user's own unit. */
int
page_units_index(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	const char *q = http_query(req, "q");
	struct buf *b = &resp->body;
	char on[DATE_LEN];
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (q == NULL || q[0] == '\0') {
		struct buf to = BUF_INIT;

		buf_puts(&to, "/units/");
		html_url(&to, w->actor.unit_code);
		http_redirect(req, resp, buf_str(&to));
		buf_free(&to);
		return 0;
	}
	if (strlen(q) > 200) {
		kh_fail_field(&err, KH_E_INVALID, "q",
		    N_("The search text is too long."), NULL);
		web_error(req, resp, &err);
		return 0;
	}
	rc = request_date(req, on, &err);
	if (rc < 0) {
		web_error(req, resp, &err);
		return 0;
	}
	rc = units_search(w->db, &w->actor, q, rc == 0 ? on : NULL, 100, &l, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	page_begin(req, resp, tr(req, N_("Find a unit")));
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Find a unit")));
	html_raw(b, "</h1>");
	search_form(req, b, q);
	html_raw(b, "<p class=\"muted\" id=\"result-count\">");
	html_int(b, (int64_t)l.n);
	html_raw(b, " ");
	html_text(b, tr(req, N_("units found in your scope")));
	html_raw(b, "</p>");
	if (l.n > 0)
		unit_rows(req, b, &l, false, true);
	page_end(req, resp);
	unit_list_cleanup(&l);
	return 0;
}

static void
org_form(struct http_req *req, struct buf *b, const struct unit *u,
    const struct kh_err *err)
{
	enum { N_KINDS = sizeof(org_kinds) / sizeof(org_kinds[0]) };
	const char *labels[N_KINDS];
	char *action = xasprintf("/units/%s/organisations", u->code);
	size_t i;

	for (i = 0; i < N_KINDS; i++)
		labels[i] = units_kind_label(org_kinds[i], web(req)->lang);
	page_form_begin(req, b, "add-organisation", N_("Add an organisation"),
	    err, action, "org-form");
	page_input(req, b, "org-name", "name", N_("Name"), http_form(req, "name"),
	    "required maxlength=\"200\"");
	page_select(req, b, "org-kind", "kind", N_("Kind"), org_kinds, labels,
	    N_KINDS, http_form(req, "kind"));
	page_input(req, b, "org-code", "code", N_("Code (optional)"),
	    http_form(req, "code"), "maxlength=\"32\"");
	page_input(req, b, "org-from", "valid_from",
	    N_("Founded or recorded from (dd/mm/yyyy, optional)"),
	    http_form(req, "valid_from"), "inputmode=\"numeric\"");
	page_input(req, b, "org-address", "address", N_("Address (optional)"),
	    http_form(req, "address"), "maxlength=\"300\"");
	page_form_end(req, b, N_("Add"));
	free(action);
}

/* A form's value, else the record's; dates shown as dd/mm/yyyy. */
static const char *
or_date(const char *typed, const char *iso, char out[DATE_LEN])
{
	if (typed != NULL)
		return typed;
	date_display(iso, out);
	return out;
}

/* Change an organisation's name, address or dates (officer and above). */
static void
org_edit_form(struct http_req *req, struct buf *b, const struct unit *u,
    const struct kh_err *err)
{
	const char *name = http_form(req, "name");
	const char *address = http_form(req, "address");
	char from[DATE_LEN], to[DATE_LEN];
	struct buf action = BUF_INIT;

	page_unit_href(&action, u->code, u->valid_to);
	page_form_begin(req, b, "edit-organisation", N_("Change this organisation"),
	    err, buf_str(&action), "org-edit");
	page_input(req, b, "edit-name", "name", N_("Name"),
	    name != NULL ? name : u->name, "required maxlength=\"200\"");
	page_input(req, b, "edit-address", "address", N_("Address (optional)"),
	    address != NULL ? address : u->address, "maxlength=\"300\"");
	page_input(req, b, "edit-from", "valid_from",
	    N_("Founded or recorded from (dd/mm/yyyy)"),
	    or_date(http_form(req, "valid_from"), u->valid_from, from),
	    "inputmode=\"numeric\"");
	page_input(req, b, "edit-to", "valid_to",
	    N_("Dissolved on (dd/mm/yyyy; empty while it exists)"),
	    or_date(http_form(req, "valid_to"), u->valid_to, to),
	    "inputmode=\"numeric\"");
	page_form_end(req, b, N_("Save"));
	buf_free(&action);
}

static void
links_list(struct http_req *req, struct buf *b, const char *title,
    const struct unit_list *l)
{
	size_t i;

	if (l->n == 0)
		return;
	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, title);
	html_raw(b, "</h2><ul class=\"succession\">");
	for (i = 0; i < l->n; i++) {
		html_raw(b, "<li>");
		/* A neighbour outside the scope is named, not linked. */
		if (auth_can_read(web(req)->db, &web(req)->actor, l->items[i].id,
		    NULL) == 0)
			unit_link(b, &l->items[i]);
		else
			html_text(b, l->items[i].name);
		if (l->items[i].note != NULL && strcmp(l->items[i].note, "partial") == 0) {
			html_raw(b, " <span class=\"tag\">");
			html_text(b, tr(req, N_("in part")));
			html_raw(b, "</span>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

static void
render_unit(struct http_req *req, struct http_resp *resp, const struct unit *u,
    const char *on, const struct kh_err *form_err, const struct kh_err *edit_err)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_list kids = UNIT_LIST_INIT, path = UNIT_LIST_INIT;
	struct unit_list terr = UNIT_LIST_INIT, orgs = UNIT_LIST_INIT;
	struct unit_list pred = UNIT_LIST_INIT, succ = UNIT_LIST_INIT;
	struct buf *b = &resp->body;
	char today[DATE_LEN];
	bool current;
	size_t i;
	int rc;

	date_today(today);
	current = u->valid_to == NULL || strcmp(u->valid_to, today) >= 0;
	if (on == NULL)
		on = current ? today : u->valid_to;
	rc = units_children(w->db, &w->actor, u->id, on, &kids, &err);
	if (rc == 0)
		rc = units_path(w->db, &w->actor, u->id, &path, &err);
	if (rc == 0)
		rc = units_predecessors(w->db, &w->actor, u->id, &pred, &err);
	if (rc == 0)
		rc = units_successors(w->db, &w->actor, u->id, &succ, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	/* Split children into territorial units and organisations; the
	 * lists borrow the items, so only kids is cleaned up. */
	for (i = 0; i < kids.n; i++) {
		struct unit_list *dst = units_kind_is_org(kids.items[i].kind) ?
		    &orgs : &terr;

		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->items = xrealloc(dst->items, dst->cap * sizeof(struct unit));
		}
		dst->items[dst->n++] = kids.items[i];
	}
	page_begin(req, resp, u->name);
	html_raw(b, "<nav class=\"crumbs\" aria-label=\"");
	html_attr(b, tr(req, N_("Where this unit is")));
	html_raw(b, "\"><ol>");
	for (i = 0; i < path.n; i++) {
		/* Units above the reader's scope are named, not linked. */
		html_raw(b, "<li>");
		if (auth_can_read(w->db, &w->actor, path.items[i].id, NULL) == 0)
			unit_link(b, &path.items[i]);
		else
			html_text(b, path.items[i].name);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ol></nav><h1>");
	html_text(b, u->name);
	html_raw(b, "</h1><dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Code")));
	html_raw(b, "</dt><dd id=\"unit-code\">");
	html_text(b, u->code);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Kind")));
	html_raw(b, "</dt><dd>");
	html_text(b, u->type_name[0] != '\0' ? u->type_name :
	    units_kind_label(u->kind, w->lang));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Valid")));
	html_raw(b, "</dt><dd>");
	page_date(b, u->valid_from);
	html_raw(b, " – ");
	if (u->valid_to != NULL)
		page_date(b, u->valid_to);
	else
		html_text(b, tr(req, N_("now")));
	html_raw(b, "</dd></div>");
	if (u->address != NULL && u->address[0] != '\0') {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Address")));
		html_raw(b, "</dt><dd>");
		html_text(b, u->address);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "</dl>");
	if (!current) {
		html_raw(b, "<p class=\"notice\">");
		html_text(b, tr(req, N_("This unit no longer exists: it is shown as it"
		    " stood before it ended.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "<nav class=\"tabs\"><a href=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/people\">");
	html_text(b, tr(req, N_("Residents")));
	html_raw(b, "</a>");
	if (current && w->actor.role >= ROLE_OFFICER) {
		html_raw(b, " · <a href=\"/units/");
		html_url(b, u->code);
		html_raw(b, "/import\">");
		html_text(b, tr(req, N_("Import a list")));
		html_raw(b, "</a>");
	}
	html_raw(b, " · <a id=\"recognition-link\" href=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/recognition\">");
	html_text(b, tr(req, N_("Registered and recognised")));
	html_raw(b, "</a> · <a id=\"decisions-link\" href=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/decisions\">");
	html_text(b, tr(req, N_("Recognition decisions")));
	html_raw(b, "</a>");
	html_raw(b, " · <a href=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/registrations\">");
	html_text(b, tr(req, N_("Learning models")));
	html_raw(b, "</a> · <a href=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/clans\">");
	html_text(b, tr(req, N_("Clans")));
	/* The indicators dashboard; a unit that ended before 1 July 2025
	 * exists only in the old structure. */
	html_raw(b, "</a> · <a id=\"dashboard-link\" href=\"/units/");
	html_url(b, u->code);
	html_raw(b, current ? "/dashboard\">" : "/dashboard?structure=old\">");
	html_text(b, tr(req, N_("Indicators and targets")));
	html_raw(b, "</a>");
	if (w->actor.role >= ROLE_OFFICER) {
		html_raw(b, " · <a id=\"data-requests-link\" href=\"/units/");
		html_url(b, u->code);
		html_raw(b, "/data-requests\">");
		html_text(b, tr(req, N_("Personal data requests")));
		html_raw(b, "</a>");
	}
	html_raw(b, "</nav>");
	search_form(req, b, "");
	links_list(req, b, tr(req, N_("Formed from (before 1 July 2025)")), &pred);
	links_list(req, b, tr(req, N_("Went into (from 1 July 2025)")), &succ);
	if (terr.n > 0) {
		html_raw(b, "<section class=\"card\"><h2>");
		html_text(b, tr(req, N_("Units below")));
		html_raw(b, " <span class=\"muted\">(");
		html_int(b, (int64_t)terr.n);
		html_raw(b, ")</span></h2>");
		unit_rows(req, b, &terr, false, false);
		html_raw(b, "</section>");
	}
	html_raw(b, "<section class=\"card\" id=\"organisations\"><h2>");
	html_text(b, tr(req, N_("Organisations")));
	html_raw(b, " <span class=\"muted\">(");
	html_int(b, (int64_t)orgs.n);
	html_raw(b, ")</span></h2>");
	if (orgs.n > 0)
		unit_rows(req, b, &orgs, true, false);
	else {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No organisation is recorded here yet.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "</section>");
	if (current && w->actor.role >= ROLE_OFFICER &&
	    strcmp(u->kind, UNIT_COUNTRY) != 0)
		org_form(req, b, u, form_err);
	if (units_kind_is_org(u->kind) && w->actor.role >= ROLE_OFFICER)
		org_edit_form(req, b, u, edit_err);
	page_end(req, resp);
out:
	free(terr.items);
	free(orgs.items);
	unit_list_cleanup(&kids);
	unit_list_cleanup(&path);
	unit_list_cleanup(&pred);
	unit_list_cleanup(&succ);
}

/* The unit named by the path's {code} and ?on=, or an answer given. */
int
page_find_unit(struct http_req *req, struct http_resp *resp, struct unit *u,
    char on[DATE_LEN], bool *has_on)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	int rc;

	rc = request_date(req, on, &err);
	if (rc < 0) {
		web_error(req, resp, &err);
		return rc;
	}
	*has_on = rc == 0;
	rc = units_find(w->db, &w->actor, http_param(req, "code"),
	    *has_on ? on : NULL, u, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	return rc;
}

int
page_units_show(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_unit(req, resp, &u, has_on ? on : NULL, NULL, NULL);
	unit_cleanup(&u);
	return 0;
}

int
page_units_org_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT, created = UNIT_INIT;
	struct unit_input in;
	struct buf to = BUF_INIT;
	char on[DATE_LEN], from[DATE_LEN];
	const char *vf;
	bool has_on;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.name = http_form(req, "name");
	in.kind = http_form(req, "kind");
	in.code = http_form(req, "code");
	in.address = http_form(req, "address");
	in.note = http_form(req, "note");
	vf = http_form(req, "valid_from");
	rc = 0;
	if (vf != NULL && vf[0] != '\0') {
		if (date_parse(vf, from))
			in.valid_from = from;
		else
			rc = kh_fail_field(&err, KH_E_INVALID, "valid_from",
			    N_("The date %s is not valid: write it as dd/mm/yyyy."),
			    vf);
	}
	if (rc == 0)
		rc = units_create_org(w->db, &w->actor, u.id, &in, &created, &err);
	if (rc != 0) {
		/* Show the form again with what was typed and the reason. */
		if (rc == KH_E_FORBIDDEN && w->actor.role < ROLE_OFFICER) {
			web_error(req, resp, &err);
			goto out;
		}
		render_unit(req, resp, &u, has_on ? on : NULL, &err, NULL);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	page_unit_href(&to, created.code, created.valid_to);
	http_redirect(req, resp, buf_str(&to));
out:
	buf_free(&to);
	unit_cleanup(&u);
	unit_cleanup(&created);
	return 0;
}

/* POST /units/{code}: change an organisation from its own page. */
int
page_units_org_update(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT, after = UNIT_INIT;
	struct unit_input in;
	struct buf to = BUF_INIT;
	char on[DATE_LEN], from[DATE_LEN], until[DATE_LEN];
	const char *vf, *vt;
	bool has_on;
	int rc = 0;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.name = http_form(req, "name");
	in.address = http_form(req, "address");
	vf = http_form(req, "valid_from");
	vt = http_form(req, "valid_to");
	if (vf != NULL && vf[0] != '\0') {
		if (date_parse(vf, from))
			in.valid_from = from;
		else
			rc = kh_fail_field(&err, KH_E_INVALID, "valid_from",
			    N_("The date %s is not valid: write it as dd/mm/yyyy."), vf);
	}
	if (rc == 0 && vt != NULL) {
		if (vt[0] == '\0')
			in.valid_to = "";
		else if (date_parse(vt, until))
			in.valid_to = until;
		else
			rc = kh_fail_field(&err, KH_E_INVALID, "valid_to",
			    N_("The date %s is not valid: write it as dd/mm/yyyy."), vt);
	}
	if (rc == 0)
		rc = units_update_org(w->db, &w->actor, u.id, &in, &err);
	if (rc != 0) {
		if (rc == KH_E_FORBIDDEN) {
			web_error(req, resp, &err);
			goto out;
		}
		render_unit(req, resp, &u, has_on ? on : NULL, NULL, &err);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	if (units_get(w->db, &w->actor, u.id, &after, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	page_unit_href(&to, after.code, after.valid_to);
	http_redirect(req, resp, buf_str(&to));
out:
	buf_free(&to);
	unit_cleanup(&u);
	unit_cleanup(&after);
	return 0;
}
