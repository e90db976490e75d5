/*
 * page_registrations.c - the registrations of the learning models in a
 * unit's subtree: the list with its filters (model, year, state), counts per
 * state and paging; the register forms of each model for officers (one
 * subject or several ticked from a list, each reported registered or
 * refused without losing the others); the registration list printed in the
 * Decree 30 layout (.pdf) and as a spreadsheet (.xlsx).
 */
#include "web/web.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/vntext.h"
#include "io/doc.h"
#include "models/models.h"
#include "people/people.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_SIZE 50
#define PICK_SIZE 50		/* subjects offered in one register form */

static const char *const all_models[] = {
	MODEL_FAMILY, MODEL_CLAN, MODEL_COMMUNITY, MODEL_CITIZEN, MODEL_UNIT,
	MODEL_COMMUNE_COMMUNITY,
};
#define N_MODELS (sizeof(all_models) / sizeof(all_models[0]))

static const char *const all_states[] = {
	REG_REGISTERED, REG_SELF_ASSESSED, REG_VERIFIED, REG_PROPOSED,
	REG_RECOGNISED, REG_WITHDRAWN,
};
#define N_STATES (sizeof(all_states) / sizeof(all_states[0]))

/* Organisation kinds that may be registered as learning units. */
static bool
is_learning_unit_kind(const char *kind)
{
	return strcmp(kind, UNIT_SCHOOL) == 0 ||
	    strcmp(kind, UNIT_ENTERPRISE) == 0 ||
	    strcmp(kind, UNIT_AGENCY) == 0 || strcmp(kind, UNIT_ARMED) == 0 ||
	    strcmp(kind, UNIT_CLC) == 0 || strcmp(kind, UNIT_ASSOCIATION) == 0;
}

static int
this_year(void)
{
	char today[DATE_LEN];

	date_today(today);
	return atoi(today);
}

/* The year of the query (?year=), else the current one. */
static int
query_year(struct http_req *req)
{
	const char *s = http_query(req, "year");
	int y = s != NULL ? atoi(s) : 0;

	return y >= 2000 && y <= 2100 ? y : this_year();
}

static const char *
query_model(struct http_req *req)
{
	const char *m = http_query(req, "model");

	return m != NULL && models_model_valid(m) ? m : NULL;
}

static const char *
query_state(struct http_req *req)
{
	const char *s = http_query(req, "state");
	size_t i;

	for (i = 0; s != NULL && i < N_STATES; i++)
		if (strcmp(s, all_states[i]) == 0)
			return s;
	return NULL;
}

/* ?model=&year=&state= of the list, for links that keep the filters. */
static void
filter_qs(struct buf *b, const char *model, int year, const char *state,
    const char *q)
{
	buf_printf(b, "year=%d", year);
	if (q != NULL && q[0] != '\0') {
		html_raw(b, "&amp;q=");
		html_url(b, q);
	}
	if (model != NULL) {
		html_raw(b, "&amp;model=");
		html_url(b, model);
	}
	if (state != NULL) {
		html_raw(b, "&amp;state=");
		html_url(b, state);
	}
}

/* Tick box of one subject in a register form. */
static void
pick_row(struct buf *b, const char *name, int64_t id, const char *text,
    const char *sub)
{
	html_raw(b, "<label class=\"check pick\"><input type=\"checkbox\" name=\"");
	html_attr(b, name);
	buf_printf(b, "\" value=\"%lld\"> ", (long long)id);
	html_text(b, text);
	if (sub != NULL && sub[0] != '\0') {
		html_raw(b, " <span class=\"muted\">");
		html_text(b, sub);
		html_raw(b, "</span>");
	}
	html_raw(b, "</label>");
}

static void
register_begin(struct http_req *req, struct buf *b, const struct unit *u,
    const char *model, const char *title, int year)
{
	char *action = xasprintf("/units/%s/registrations", u->code);
	char *id = xasprintf("reg-%s", model);

	page_form_begin(req, b, id, title, NULL, action, "register");
	html_raw(b, "<input type=\"hidden\" name=\"model\" value=\"");
	html_attr(b, model);
	buf_printf(b, "\"><input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	free(action);
	free(id);
}

/* A GET search box that reloads the page with ?NAME=... at the form. */
static void
pick_search(struct http_req *req, struct buf *b, const struct unit *u,
    const char *name, const char *anchor, const char *placeholder, int year)
{
	html_raw(b, "<form class=\"search\" method=\"get\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/registrations#");
	html_attr(b, anchor);
	buf_printf(b, "\"><input type=\"hidden\" name=\"year\" value=\"%d\">"
	    "<input type=\"search\" name=\"", year);
	html_attr(b, name);
	html_raw(b, "\" aria-label=\"");
	html_attr(b, tr(req, placeholder));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, placeholder));
	html_raw(b, "\" value=\"");
	html_attr(b, http_query(req, name));
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Search")));
	html_raw(b, "</button></form>");
}

static void
group_select(struct http_req *req, struct buf *b, int64_t person_id, int group)
{
	static const char *const labels[] = {
		N_("Recorded group"), N_("Group 1"), N_("Group 2"),
		N_("Group 3"), N_("Group 4"),
	};
	int g;

	buf_printf(b, "<select class=\"group\" name=\"group_%lld\" aria-label=\"",
	    (long long)person_id);
	html_attr(b, tr(req, N_("Subject group")));
	html_raw(b, "\">");
	for (g = 0; g <= 4; g++) {
		buf_printf(b, "<option value=\"%d\"%s>", g, g == group ?
		    " selected" : "");
		html_text(b, tr(req, labels[g]));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
}

static void
citizen_form(struct http_req *req, struct buf *b, const struct unit *u,
    int year)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	const char *cq = http_query(req, "cq");
	size_t i;

	memset(&q, 0, sizeof(q));
	memset(&l, 0, sizeof(l));
	q.unit_id = u->id;
	q.q = cq;
	q.limit = PICK_SIZE;
	html_raw(b, "<section class=\"card\" id=\"reg-citizen\"><h2>");
	html_text(b, tr(req, N_("Register learning citizens")));
	html_raw(b, "</h2>");
	pick_search(req, b, u, "cq", "reg-citizen",
	    N_("Find a person, e.g. nguyen van an"), year);
	html_raw(b, "<form method=\"post\" class=\"register\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/registrations\">");
	page_csrf_field(req, b);
	buf_printf(b, "<input type=\"hidden\" name=\"model\" value=\"citizen\">"
	    "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	if (cq == NULL || cq[0] == '\0') {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("Search for the people to register.")));
		html_raw(b, "</p>");
	} else if (people_list(w->db, &w->actor, &q, &l, &err) == 0) {
		html_raw(b, "<div class=\"picks\">");
		for (i = 0; i < l.n; i++) {
			const struct person *p = &l.items[i];

			html_raw(b, "<div class=\"pick-row\">");
			pick_row(b, "person", p->id, p->full_name, p->unit_name);
			group_select(req, b, p->id, p->subject_group);
			html_raw(b, "</div>");
		}
		if (l.n == 0) {
			html_raw(b, "<p class=\"muted\">");
			html_text(b, tr(req, N_("Nobody matches.")));
			html_raw(b, "</p>");
		}
		html_raw(b, "</div>");
	}
	person_list_cleanup(&l);
	page_form_end(req, b, N_("Register the ticked people"));
}

static void
family_form(struct http_req *req, struct buf *b, const struct unit *u,
    int year)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct household_list l;
	const char *hq = http_query(req, "hq");
	size_t i;

	memset(&l, 0, sizeof(l));
	html_raw(b, "<section class=\"card\" id=\"reg-family\"><h2>");
	html_text(b, tr(req, N_("Register learning families")));
	html_raw(b, "</h2>");
	pick_search(req, b, u, "hq", "reg-family",
	    N_("Household number or head's name"), year);
	html_raw(b, "<form method=\"post\" class=\"register\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/registrations\">");
	page_csrf_field(req, b);
	buf_printf(b, "<input type=\"hidden\" name=\"model\" value=\"family\">"
	    "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
	if (people_households(w->db, &w->actor, u->id, hq, PICK_SIZE, 0, &l,
	    &err) == 0) {
		html_raw(b, "<div class=\"picks\">");
		for (i = 0; i < l.n; i++) {
			const struct household *h = &l.items[i];
			char *text = xasprintf("%s %s — %s", tr(req, N_("Household")),
			    h->code, h->head_name);

			pick_row(b, "household", h->id, text, h->unit_name);
			free(text);
		}
		html_raw(b, "</div>");
		if (l.total > (int64_t)l.n) {
			html_raw(b, "<p class=\"muted\">");
			html_text(b, tr(req, N_("More households match: narrow the search.")));
			html_raw(b, "</p>");
		}
	}
	household_list_cleanup(&l);
	page_form_end(req, b, N_("Register the ticked households"));
}

static void
clan_form(struct http_req *req, struct buf *b, const struct unit *u, int year)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct clan_list l;
	size_t i;

	memset(&l, 0, sizeof(l));
	register_begin(req, b, u, MODEL_CLAN, N_("Register learning clans"), year);
	if (people_clans(w->db, &w->actor, u->id, &l, &err) == 0) {
		html_raw(b, "<div class=\"picks\">");
		for (i = 0; i < l.n; i++) {
			char *text = l.items[i].branch[0] != '\0' ?
			    xasprintf("%s (%s)", l.items[i].name, l.items[i].branch) :
			    xstrdup(l.items[i].name);

			pick_row(b, "clan", l.items[i].id, text, l.items[i].unit_name);
			free(text);
		}
		html_raw(b, "</div>");
	}
	html_raw(b, "<p><a href=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/clans\">");
	html_text(b, tr(req, N_("Clans and their member households")));
	html_raw(b, "</a></p>");
	clan_list_cleanup(&l);
	page_form_end(req, b, N_("Register the ticked clans"));
}

/* Villages (community) or organisations (unit) right under the unit. */
static void
unit_form(struct http_req *req, struct buf *b, const struct unit *u,
    const char *model, int year)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l;
	bool community = strcmp(model, MODEL_COMMUNITY) == 0;
	size_t i;

	memset(&l, 0, sizeof(l));
	register_begin(req, b, u, model, community ?
	    N_("Register learning communities (villages)") :
	    N_("Register learning units"), year);
	if (units_children(w->db, &w->actor, u->id, NULL, &l, &err) == 0) {
		html_raw(b, "<div class=\"picks\">");
		for (i = 0; i < l.n; i++) {
			const struct unit *c = &l.items[i];

			if (c->valid_to != NULL && c->valid_to[0] != '\0')
				continue;
			if (community ? strcmp(c->kind, UNIT_VILLAGE) != 0 :
			    !is_learning_unit_kind(c->kind))
				continue;
			pick_row(b, "unit", c->id, c->name,
			    units_kind_label(c->kind, w->lang));
		}
		html_raw(b, "</div>");
	}
	unit_list_cleanup(&l);
	page_form_end(req, b, N_("Register the ticked units"));
}

/* The commune itself, for the commune-level learning community (TT
 * 25/2023): registered by the commune, assessed by levels. */
static void
commune_form(struct http_req *req, struct buf *b, const struct unit *u,
    int year)
{
	register_begin(req, b, u, MODEL_COMMUNE_COMMUNITY,
	    N_("Register the commune as a learning community"), year);
	html_raw(b, "<div class=\"picks\">");
	pick_row(b, "unit", u->id, u->name, NULL);
	html_raw(b, "</div>");
	page_form_end(req, b, N_("Register the ticked units"));
}

/* One line of the outcome of a register form. */
struct reg_outcome {
	char *name;
	int64_t id;		/* the registration, 0 when refused */
	struct kh_err err;
};

static void
outcome_table(struct http_req *req, struct buf *b,
    const struct reg_outcome *o, size_t n)
{
	char msg[600];
	size_t i, ok = 0;

	for (i = 0; i < n; i++)
		ok += o[i].id != 0;
	html_raw(b, "<section class=\"card\" id=\"reg-outcome\"><h2>");
	html_text(b, tr(req, N_("Registration results")));
	html_raw(b, "</h2><p role=\"status\">");
	buf_printf(b, "%s: <strong id=\"reg-ok\">%zu</strong> · %s: "
	    "<strong id=\"reg-refused\">%zu</strong>",
	    tr(req, N_("Registered")), ok, tr(req, N_("Refused")), n - ok);
	html_raw(b, "</p><div class=\"table-wrap\"><table><thead><tr><th>");
	html_text(b, tr(req, N_("Subject")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Result")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		html_raw(b, o[i].id != 0 ? "<tr class=\"ok\"><td>" :
		    "<tr class=\"refused\"><td>");
		html_text(b, o[i].name);
		html_raw(b, "</td><td>");
		if (o[i].id != 0) {
			buf_printf(b, "<a href=\"/registrations/%lld\">",
			    (long long)o[i].id);
			html_text(b, tr(req, N_("Registered")));
			html_raw(b, "</a>");
		} else {
			kh_err_format(&o[i].err, web(req)->lang, msg, sizeof(msg));
			html_text(b, msg);
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
}

/*
 * Every registration of a model and year in the unit's subtree but the
 * withdrawn ones, in Vietnamese order (models_list, MODELS_ORDER_NAME), for
 * a printed list: read page by page, however many there are.
 */
static int
load_print(struct http_req *req, const struct unit *u, const char *model,
    int year, struct model_reg_list *out, struct kh_err *err)
{
	struct web_req *w = web(req);
	struct model_reg_list page;
	struct model_query mq;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&mq, 0, sizeof(mq));
	mq.unit_id = u->id;
	mq.model = model;
	mq.year = year;
	mq.order = MODELS_ORDER_NAME;
	mq.limit = 1000;
	for (;;) {
		rc = models_list(w->db, &w->actor, &mq, &page, err);
		if (rc != 0)
			break;
		for (i = 0; i < page.n; i++) {
			struct model_registration *r = &page.items[i];

			if (strcmp(r->state, REG_WITHDRAWN) == 0) {
				model_registration_cleanup(r);
				continue;
			}
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 64;
				out->items = xrealloc(out->items,
				    out->cap * sizeof(*out->items));
			}
			out->items[out->n++] = *r;
		}
		free(page.items);
		if (page.n < (size_t)mq.limit)
			break;
		mq.offset += mq.limit;
	}
	out->total = (int64_t)out->n;
	if (rc != 0)
		model_reg_list_cleanup(out);
	return rc;
}

static void
render_list(struct http_req *req, struct http_resp *resp, const struct unit *u,
    const struct reg_outcome *outcome, size_t n_outcome,
    const struct kh_err *form_err)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_list l;
	struct model_query q;
	struct buf *b = &resp->body;
	const char *model = query_model(req), *state = query_state(req);
	const char *ps = http_query(req, "page"), *search = http_query(req, "q");
	const char *mvals[N_MODELS + 1], *mtexts[N_MODELS + 1];
	const char *svals[N_STATES + 1], *stexts[N_STATES + 1];
	int year = query_year(req), page = ps != NULL ? atoi(ps) : 1;
	int64_t counts[N_STATES];
	char ys[8];
	bool can_write;
	size_t i;

	if (page < 1 || page > 1000000)
		page = 1;
	memset(&l, 0, sizeof(l));
	for (i = 0; i < N_STATES; i++) {
		memset(&q, 0, sizeof(q));
		q.unit_id = u->id;
		q.model = model;
		q.year = year;
		q.state = all_states[i];
		q.limit = 1;
		if (models_list(w->db, &w->actor, &q, &l, &err) != 0) {
			web_error(req, resp, &err);
			return;
		}
		counts[i] = l.total;
		model_reg_list_cleanup(&l);
	}
	/* The page itself: filtered, ordered and cut in SQL. */
	memset(&q, 0, sizeof(q));
	q.unit_id = u->id;
	q.model = model;
	q.year = year;
	q.state = state;
	q.q = search;
	q.order = MODELS_ORDER_NAME;
	q.limit = PAGE_SIZE;
	q.offset = (page - 1) * PAGE_SIZE;
	if (models_list(w->db, &w->actor, &q, &l, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	can_write = w->actor.role >= ROLE_OFFICER &&
	    auth_can_write(w->db, &w->actor, u->id, &err) == 0;
	page_begin(req, resp, tr(req, N_("Learning models")));
	page_unit_tabs(req, b, u, (const struct page_tab[]){
	    {"/registrations", N_("Learning models"), true},
	    {"/clans", N_("Clans"), false}}, 2);
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Registrations")));
	buf_printf(b, " %d <span class=\"muted\" id=\"reg-total\">(", year);
	html_int(b, l.total);
	html_raw(b, ")</span></h1>");
	if (form_err != NULL)
		page_error_box(req, b, form_err);
	if (outcome != NULL)
		outcome_table(req, b, outcome, n_outcome);

	/* Filters. */
	mvals[0] = "";
	mtexts[0] = tr(req, N_("All models"));
	for (i = 0; i < N_MODELS; i++) {
		mvals[i + 1] = all_models[i];
		mtexts[i + 1] = models_model_label(all_models[i], w->lang);
	}
	svals[0] = "";
	stexts[0] = tr(req, N_("All states"));
	for (i = 0; i < N_STATES; i++) {
		svals[i + 1] = all_states[i];
		stexts[i + 1] = models_state_label(all_states[i], w->lang);
	}
	snprintf(ys, sizeof(ys), "%d", year);
	html_raw(b, "<form class=\"filters\" method=\"get\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/registrations\"><div>");
	page_select(req, b, "f-model", "model", N_("Model"), mvals, mtexts,
	    N_MODELS + 1, model != NULL ? model : "");
	html_raw(b, "</div><div>");
	page_input(req, b, "f-year", "year", N_("Year"), ys,
	    "type=\"number\" min=\"2000\" max=\"2100\" inputmode=\"numeric\"");
	html_raw(b, "</div><div>");
	page_select(req, b, "f-state", "state", N_("State"), svals, stexts,
	    N_STATES + 1, state != NULL ? state : "");
	html_raw(b, "</div><div>");
	page_input(req, b, "f-q", "q", N_("Name (with or without diacritics)"),
	    search, "type=\"search\" maxlength=\"120\"");
	html_raw(b, "</div>");
	html_raw(b, "<button type=\"submit\">");
	html_text(b, tr(req, N_("Filter")));
	html_raw(b, "</button></form>");

	/* Counts per state. */
	html_raw(b, "<dl class=\"facts\" id=\"reg-counts\">");
	for (i = 0; i < N_STATES; i++) {
		html_raw(b, "<div><dt><a href=\"?");
		filter_qs(b, model, year, all_states[i], NULL);
		html_raw(b, "\">");
		html_text(b, models_state_label(all_states[i], w->lang));
		html_raw(b, "</a></dt><dd data-state=\"");
		html_attr(b, all_states[i]);
		html_raw(b, "\">");
		html_int(b, counts[i]);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "</dl>");

	/* Print: the list of each model as a document and as a sheet. */
	html_raw(b, "<details class=\"print\"><summary>");
	html_text(b, tr(req, N_("Print the registration list")));
	html_raw(b, "</summary><ul>");
	for (i = 0; i < N_MODELS; i++) {
		if (model != NULL && strcmp(model, all_models[i]) != 0)
			continue;
		html_raw(b, "<li>");
		html_text(b, models_model_label(all_models[i], w->lang));
		html_raw(b, ": <a href=\"/units/");
		html_url(b, u->code);
		html_raw(b, "/registrations.pdf?model=");
		html_url(b, all_models[i]);
		buf_printf(b, "&amp;year=%d\">PDF</a> · <a href=\"/units/", year);
		html_url(b, u->code);
		html_raw(b, "/registrations.xlsx?model=");
		html_url(b, all_models[i]);
		buf_printf(b, "&amp;year=%d\">Excel (.xlsx)</a></li>", year);
	}
	html_raw(b, "</ul></details>");

	/* The list. */
	html_raw(b, "<div class=\"table-wrap\"><table id=\"registrations\"><thead><tr><th>");
	html_text(b, tr(req, N_("Subject")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Model")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("State")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Score")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < l.n; i++) {
		const struct model_registration *r = &l.items[i];
		char t[32], m[32];

		buf_printf(b, "<tr><td><a href=\"/registrations/%lld\">",
		    (long long)r->id);
		html_text(b, r->subject_name);
		html_raw(b, "</a>");
		if (r->subject_group > 0)
			buf_printf(b, " <span class=\"muted\">(%s %d)</span>",
			    tr(req, N_("group")), r->subject_group);
		html_raw(b, "</td><td>");
		html_text(b, models_model_label(r->model, w->lang));
		html_raw(b, "</td><td>");
		html_text(b, r->unit_name);
		html_raw(b, "</td><td><span class=\"state state-");
		html_attr(b, r->state);
		html_raw(b, "\">");
		html_text(b, models_state_label(r->state, w->lang));
		html_raw(b, "</span>");
		if (r->returned) {
			html_raw(b, " <span class=\"tag\">");
			html_text(b, tr(req, N_("returned")));
			html_raw(b, "</span>");
		}
		if (r->late) {
			html_raw(b, " <span class=\"tag late\">");
			html_text(b, tr(req, N_("late")));
			html_raw(b, "</span>");
		}
		html_raw(b, "</td><td class=\"num\">");
		if (r->total_x100 >= 0) {
			models_points_str(r->total_x100, t, sizeof(t));
			models_points_str(r->max_x100, m, sizeof(m));
			buf_printf(b, "%s/%s", t, m);
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><p class=\"pager\">");
	if (page > 1) {
		buf_printf(b, "<a href=\"?page=%d&amp;", page - 1);
		filter_qs(b, model, year, state, search);
		html_raw(b, "\">‹ ");
		html_text(b, tr(req, N_("Previous")));
		html_raw(b, "</a> ");
	}
	if ((int64_t)page * PAGE_SIZE < l.total) {
		buf_printf(b, "<a href=\"?page=%d&amp;", page + 1);
		filter_qs(b, model, year, state, search);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Next")));
		html_raw(b, " ›</a>");
	}
	html_raw(b, "</p>");
	model_reg_list_cleanup(&l);

	if (can_write) {
		html_raw(b, "<h2>");
		buf_printf(b, "%s %d", tr(req, N_("Register for the year")), year);
		html_raw(b, "</h2><div class=\"cards\">");
		family_form(req, b, u, year);
		clan_form(req, b, u, year);
		unit_form(req, b, u, MODEL_COMMUNITY, year);
		citizen_form(req, b, u, year);
		unit_form(req, b, u, MODEL_UNIT, year);
		if (strcmp(u->kind, UNIT_COMMUNE) == 0)
			commune_form(req, b, u, year);
		html_raw(b, "</div>");
	}
	page_end(req, resp);
}

int
page_registrations_list(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_list(req, resp, &u, NULL, 0, NULL);
	unit_cleanup(&u);
	return 0;
}

/* A readable name for a subject that could not be registered. */
static char *
subject_label(struct http_req *req, const char *model, int64_t id,
    const struct unit *u)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	char *s = NULL;

	if (strcmp(model, MODEL_CITIZEN) == 0) {
		struct person p;

		memset(&p, 0, sizeof(p));
		if (people_get(w->db, &w->actor, id, &p, &err) == 0)
			s = xstrdup(p.full_name);
		person_cleanup(&p);
	} else if (strcmp(model, MODEL_CLAN) == 0) {
		struct clan c;

		memset(&c, 0, sizeof(c));
		if (people_clan_get(w->db, &w->actor, id, &c, &err) == 0)
			s = xstrdup(c.name);
		clan_cleanup(&c);
	} else if (strcmp(model, MODEL_FAMILY) == 0) {
		struct household_list l;

		memset(&l, 0, sizeof(l));
		if (people_households(w->db, &w->actor, u->id, NULL, 1000, 0, &l,
		    &err) == 0)
			for (size_t i = 0; i < l.n && s == NULL; i++)
				if (l.items[i].id == id)
					s = xasprintf("%s %s — %s",
					    tr(req, N_("Household")), l.items[i].code,
					    l.items[i].head_name);
		household_list_cleanup(&l);
	} else {
		struct unit c = UNIT_INIT;

		if (units_get(w->db, &w->actor, id, &c, &err) == 0)
			s = xstrdup(c.name);
		unit_cleanup(&c);
	}
	return s != NULL ? s : xasprintf("#%lld", (long long)id);
}

int
page_registrations_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct reg_outcome *o = NULL;
	const char *model = http_form(req, "model"), *ys = http_form(req, "year");
	const char *field;
	char on[DATE_LEN];
	bool has_on;
	size_t i, n = 0;
	int year = ys != NULL ? atoi(ys) : 0;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	/* The role and scope first: a viewer's or a stranger's form is refused
	 * whole, not row by row. */
	if (auth_need_role(&w->actor, ROLE_OFFICER, &err) != 0 ||
	    auth_can_write(w->db, &w->actor, u.id, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	if (model == NULL || !models_model_valid(model)) {
		kh_fail_field(&err, KH_E_INVALID, "model", N_("Choose a learning"
		    " model."), NULL);
		render_list(req, resp, &u, NULL, 0, &err);
		resp->status = 400;
		goto out;
	}
	field = strcmp(model, MODEL_CITIZEN) == 0 ? "person" :
	    strcmp(model, MODEL_FAMILY) == 0 ? "household" :
	    strcmp(model, MODEL_CLAN) == 0 ? "clan" : "unit";
	o = xcalloc(req->form.n + 1, sizeof(*o));
	for (i = 0; i < req->form.n; i++) {
		const struct http_kv *kv = &req->form.items[i];
		struct model_reg_input in;
		char gname[40];
		const char *gs;
		int64_t sid;

		if (strcmp(kv->name, field) != 0)
			continue;
		sid = strtoll(kv->value, NULL, 10);
		memset(&in, 0, sizeof(in));
		in.model = model;
		in.year = year;
		in.subject_id = sid;
		if (strcmp(model, MODEL_CITIZEN) == 0) {
			snprintf(gname, sizeof(gname), "group_%lld", (long long)sid);
			gs = http_form(req, gname);
			in.subject_group = gs != NULL ? atoi(gs) : 0;
		}
		kh_err_clear(&o[n].err);
		if (models_register(w->db, &w->actor, &in, &o[n].id, &o[n].err) != 0)
			o[n].id = 0;
		o[n].name = subject_label(req, model, sid, &u);
		n++;
	}
	if (n == 0) {
		kh_fail_field(&err, KH_E_INVALID, field, N_("Tick at least one"
		    " subject to register."), NULL);
		render_list(req, resp, &u, NULL, 0, &err);
		resp->status = 400;
		goto out;
	}
	render_list(req, resp, &u, o, n, NULL);
out:
	for (i = 0; i < n; i++)
		free(o[i].name);
	free(o);
	unit_cleanup(&u);
	return 0;
}

/* ---- The printed list ---- */

/* The list as the table of the printed document: cells point into arena. */
static const char **
print_cells(struct http_req *req, const struct model_reg_list *l,
    bool citizen, size_t ncols)
{
	const char **cells = arena_alloc(&req->arena,
	    (l->n + 1) * ncols * sizeof(*cells));
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct model_registration *r = &l->items[i];
		const char **row = cells + i * ncols;
		char d[DATE_LEN];
		size_t k = 0;

		date_display(r->registered_on, d);
		row[k++] = arena_printf(&req->arena, "%zu", i + 1);
		row[k++] = r->subject_name;
		if (citizen)
			row[k++] = r->subject_group > 0 ? arena_printf(&req->arena,
			    "%d", r->subject_group) : "";
		row[k++] = r->unit_name;
		row[k++] = arena_strdup(&req->arena, d);
		row[k++] = r->note != NULL ? r->note : "";
	}
	return cells;
}

static int
send_file(struct http_req *req, struct http_resp *resp, const char *path,
    const char *ctype, const char *filename)
{
	char chunk[8192], *disp;
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return -1;
	buf_reset(&resp->body);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&resp->body, chunk, n);
	fclose(fp);
	resp->content_type = ctype;
	disp = xasprintf("attachment; filename=\"%s\"", filename);
	http_resp_header(req, resp, "Content-Disposition", disp);
	free(disp);
	return 0;
}

/* The province's short name for the place line ("Hải Phòng"). */
static char *
place_of(struct http_req *req, const struct unit *u)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_list path;
	const char *name = NULL;
	char *s;
	size_t i;

	memset(&path, 0, sizeof(path));
	if (strcmp(u->kind, UNIT_PROVINCE) == 0)
		name = u->name;
	else if (units_path(w->db, &w->actor, u->id, &path, &err) == 0)
		for (i = 0; i < path.n; i++)
			if (strcmp(path.items[i].kind, UNIT_PROVINCE) == 0)
				name = path.items[i].name;
	if (name == NULL)
		name = u->name;
	if (strncmp(name, "Thành phố ", strlen("Thành phố ")) == 0)
		name += strlen("Thành phố ");
	else if (strncmp(name, "Tỉnh ", strlen("Tỉnh ")) == 0)
		name += strlen("Tỉnh ");
	s = xstrdup(name);
	unit_list_cleanup(&path);
	return s;
}

static void
registrations_print(struct http_req *req, struct http_resp *resp, bool pdf)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct model_reg_list l;
	const char *model = query_model(req);
	const char *vi = "vi";
	bool citizen, has_on;
	char on[DATE_LEN], today[DATE_LEN], path[200], *title = NULL;
	char *issuer = NULL, *supervisor = NULL, *place = NULL, *summary = NULL;
	char *recipient = NULL, *fname = NULL;
	int year = query_year(req), fd = -1, rc;
	size_t ncols;

	memset(&l, 0, sizeof(l));
	path[0] = '\0';
	if (web_need_login(req, resp) != 0)
		return;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	if (model == NULL) {
		kh_fail_field(&err, KH_E_INVALID, "model", N_("Choose a learning"
		    " model."), NULL);
		web_error(req, resp, &err);
		goto out;
	}
	if (load_print(req, &u, model, year, &l, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	citizen = strcmp(model, MODEL_CITIZEN) == 0;
	ncols = citizen ? 6 : 5;
	/* The document is an official Vietnamese one whatever the screen's
	 * language: the decree's layout and wording. */
	title = xasprintf(i18n_tr(vi, N_("List of registrations to build %s in %d")),
	    models_model_label(model, vi), year);
	date_today(today);
	snprintf(path, sizeof(path), "%s/khuyenhoc-list-XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 160 ?
	    getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		path[0] = '\0';
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		goto out;
	}
	if (pdf) {
		const char *hdr_c[] = {
			i18n_tr(vi, N_("No.")), i18n_tr(vi, N_("Subject")),
			i18n_tr(vi, N_("Subject group")), i18n_tr(vi, N_("Unit")),
			i18n_tr(vi, N_("Registered on")), i18n_tr(vi, N_("Note")),
		};
		const char *hdr[] = {
			hdr_c[0], hdr_c[1], hdr_c[3], hdr_c[4], hdr_c[5],
		};
		static const double w_c[] = {0.9, 3.0, 1.0, 2.3, 1.5, 1.4};
		static const double w_o[] = {0.9, 3.6, 2.5, 1.6, 1.5};
		const char *authority[] = {
			i18n_tr(vi, N_("On behalf of the executive committee")),
			i18n_tr(vi, N_("Chairperson")), NULL,
		};
		const char *recips[4];
		const char *archive = i18n_tr(vi, N_("- Archived: office."));
		struct doc_table t = {
			.ncols = ncols, .header = citizen ? hdr_c : hdr,
			.widths = citizen ? w_c : w_o, .nrows = l.n,
			.cells = print_cells(req, &l, citizen, ncols),
		};
		struct doc_block blocks[2] = {
			{.kind = DOC_TABLE, .table = &t},
			{.kind = DOC_PARA, .italic = 1},
		};
		struct doc d;

		issuer = xasprintf("%s %s", i18n_tr(vi, N_("Study Encouragement"
		    " Association of")), u.name);
		if (u.parent_name != NULL && u.parent_name[0] != '\0')
			supervisor = xasprintf("%s %s", i18n_tr(vi,
			    N_("Study Encouragement Association of")), u.parent_name);
		place = place_of(req, &u);
		summary = xstrdup(u.name);
		blocks[1].text = fname = xasprintf(i18n_tr(vi, N_("The list has %zu"
		    " registrations.")), l.n);
		recipient = supervisor != NULL ? xasprintf("- %s;", supervisor) :
		    NULL;
		recips[0] = recipient != NULL ? recipient : archive;
		recips[1] = recipient != NULL ? archive : NULL;
		recips[2] = NULL;
		memset(&d, 0, sizeof(d));
		d.supervisor = supervisor;
		d.issuer = issuer;
		d.place = place;
		d.date = today;
		d.type = title;
		d.summary = summary;
		d.blocks = blocks;
		d.nblocks = 2;
		d.sign_authority = authority;
		d.signer = "";
		d.recipients = recips;
		d.landscape = 0;
		rc = doc_pdf(&d, path, &err);
		free(fname);
		fname = xasprintf("danh-sach-dang-ky-%s-%d.pdf", model, year);
		if (rc == 0)
			rc = send_file(req, resp, path, "application/pdf", fname);
	} else {
		const char *hdr_c[] = {
			tr(req, N_("No.")), tr(req, N_("Subject")),
			tr(req, N_("Subject group")), tr(req, N_("Unit")),
			tr(req, N_("Registered on")), tr(req, N_("Note")),
		};
		const char *hdr[] = {
			hdr_c[0], hdr_c[1], hdr_c[3], hdr_c[4], hdr_c[5],
		};
		struct doc_sheet s = {
			.title = title, .ncols = ncols,
			.header = citizen ? hdr_c : hdr, .nrows = l.n,
			.cells = print_cells(req, &l, citizen, ncols),
		};

		rc = doc_xlsx(&s, path, &err);
		fname = xasprintf("danh-sach-dang-ky-%s-%d.xlsx", model, year);
		if (rc == 0)
			rc = send_file(req, resp, path, "application/vnd."
			    "openxmlformats-officedocument.spreadsheetml.sheet", fname);
	}
	if (rc != 0) {
		if (err.kind == 0)
			kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
	}
out:
	if (fd >= 0)
		close(fd);
	if (path[0] != '\0')
		unlink(path);
	free(title);
	free(issuer);
	free(supervisor);
	free(place);
	free(summary);
	free(recipient);
	free(fname);
	model_reg_list_cleanup(&l);
	unit_cleanup(&u);
}

int
page_registrations_pdf(struct http_req *req, struct http_resp *resp)
{
	registrations_print(req, resp, true);
	return 0;
}

int
page_registrations_xlsx(struct http_req *req, struct http_resp *resp)
{
	registrations_print(req, resp, false);
	return 0;
}
