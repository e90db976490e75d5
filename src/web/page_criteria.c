/*
 * page_criteria.c - the criteria sets of the learning models: every set and
 * version, and one set as readable tables (criteria and their indicators
 * with points or rules, thresholds, bands, levels, subject groups). Values
 * the regulations could not confirm carry a visible "unverified" mark, so
 * that a province sees what it must confirm or change.
 *
 * Administrators change a set by sending its JSON text again: it is stored
 * as the next version (models_set_new_version); the version shown, used or
 * not, stays as it was.
 */
#include "web/web.h"
#include "models/models.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mark of a value awaiting confirmation (nothing when verified). */
static void
mark(struct http_req *req, struct buf *b, bool verified)
{
	if (verified)
		return;
	html_raw(b, " <span class=\"badge unverified\" title=\"");
	html_attr(b, tr(req, N_("This value awaits the province's confirmation.")));
	html_raw(b, "\">");
	html_text(b, tr(req, N_("unverified")));
	html_raw(b, "</span>");
}

static void
points(struct buf *b, int64_t x100)
{
	char s[32];

	models_points_str(x100, s, sizeof(s));
	html_text(b, s);
}

/* A share in basis points as a percentage: 5000 -> "50 %". */
static void
percent(struct buf *b, int64_t bp)
{
	if (bp % 100 == 0)
		buf_printf(b, "%lld %%", (long long)(bp / 100));
	else
		buf_printf(b, "%lld,%02lld %%", (long long)(bp / 100),
		    (long long)(bp % 100));
}

static const char *
kind_label(struct http_req *req, const char *kind)
{
	if (strcmp(kind, CRIT_POINTS) == 0)
		return tr(req, N_("Points"));
	if (strcmp(kind, CRIT_BOOL) == 0)
		return tr(req, N_("Met or not"));
	if (strcmp(kind, CRIT_RATIO) == 0)
		return tr(req, N_("Share computed from the records"));
	if (strcmp(kind, CRIT_LEVEL) == 0)
		return tr(req, N_("Condition of a level"));
	return kind;
}

static const char *
title_of(struct http_req *req, const char *vi, const char *en)
{
	return strcmp(web(req)->lang, "en") == 0 && en != NULL && en[0] != '\0' ?
	    en : vi;
}

int
page_criteria_list(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set_list l = {0};
	struct buf *b = &resp->body;
	const char *model = NULL;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (models_set_list(w->db, &w->actor, &l, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	page_begin(req, resp, tr(req, N_("Criteria sets")));
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Criteria sets")));
	html_raw(b, "</h1><p class=\"muted\">");
	html_text(b, tr(req, N_("A set that has been used is never changed: an"
	    " administrator's change is stored as a new version. Values marked"
	    " unverified await the province's confirmation.")));
	html_raw(b, "</p>");
	for (size_t i = 0; i < l.n; i++) {
		const struct criteria_set *s = &l.items[i];

		if (model == NULL || strcmp(model, s->model) != 0) {
			if (model != NULL)
				html_raw(b, "</tbody></table></div>");
			model = s->model;
			html_raw(b, "<h2>");
			html_text(b, models_model_label(s->model, w->lang));
			html_raw(b, "</h2><div class=\"table-wrap\"><table class=\"criteria-sets\"><thead><tr><th>");
			html_text(b, tr(req, N_("Code")));
			html_raw(b, "</th><th class=\"num\">");
			html_text(b, tr(req, N_("Version")));
			html_raw(b, "</th><th>");
			html_text(b, tr(req, N_("Title")));
			html_raw(b, "</th><th>");
			html_text(b, tr(req, N_("Legal basis")));
			html_raw(b, "</th><th>");
			html_text(b, tr(req, N_("In force")));
			html_raw(b, "</th><th>");
			html_text(b, tr(req, N_("In use")));
			html_raw(b, "</th><th class=\"num\">");
			html_text(b, tr(req, N_("Unverified values")));
			html_raw(b, "</th></tr></thead><tbody>");
		}
		html_raw(b, "<tr id=\"set-");
		html_attr(b, s->code);
		buf_printf(b, "-%d\"><td><a href=\"/criteria/", s->version);
		html_url(b, s->code);
		buf_printf(b, "/%d\">", s->version);
		html_text(b, s->code);
		html_raw(b, "</a></td><td class=\"num\">");
		buf_printf(b, "%d", s->version);
		html_raw(b, "</td><td>");
		html_text(b, s->title_vi);
		html_raw(b, "</td><td>");
		html_text(b, s->legal_basis);
		html_raw(b, "</td><td>");
		page_date(b, s->effective_from);
		html_raw(b, " – ");
		if (s->effective_to != NULL)
			page_date(b, s->effective_to);
		html_raw(b, "</td><td class=\"used\">");
		html_text(b, s->used ? tr(req, N_("yes")) : tr(req, N_("no")));
		html_raw(b, "</td><td class=\"num unverified-count\">");
		html_int(b, s->n_unverified);
		html_raw(b, "</td></tr>");
	}
	if (model != NULL)
		html_raw(b, "</tbody></table></div>");
	page_end(req, resp);
	criteria_set_list_cleanup(&l);
	return 0;
}

static void
fact(struct http_req *req, struct buf *b, const char *label, const char *value,
    bool verified)
{
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, label));
	html_raw(b, "</dt><dd>");
	html_text(b, value);
	mark(req, b, verified);
	html_raw(b, "</dd></div>");
}

static void
set_facts(struct http_req *req, struct buf *b, const struct criteria_set *s)
{
	char ver[16];

	snprintf(ver, sizeof(ver), "%d", s->version);
	html_raw(b, "<dl class=\"facts\" id=\"set-facts\">");
	fact(req, b, N_("Code"), s->code, true);
	fact(req, b, N_("Version"), ver, true);
	fact(req, b, N_("Model"), models_model_label(s->model, web(req)->lang), true);
	fact(req, b, N_("Legal basis"), s->legal_basis, true);
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("In force")));
	html_raw(b, "</dt><dd>");
	page_date(b, s->effective_from);
	html_raw(b, " – ");
	if (s->effective_to != NULL)
		page_date(b, s->effective_to);
	mark(req, b, s->dates_verified);
	html_raw(b, "</dd></div>");
	fact(req, b, N_("Scale"), strcmp(s->scale, "levels") == 0 ?
	    tr(req, N_("levels")) : tr(req, N_("points")), true);
	fact(req, b, N_("Certificate prefix"), s->certificate_prefix, true);
	if (s->min_total_x100 >= 0) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Lowest total to be recognised")));
		html_raw(b, "</dt><dd id=\"min-total\">");
		points(b, s->min_total_x100);
		mark(req, b, s->min_total_verified);
		html_raw(b, "</dd></div>");
	}
	if (s->min_ratio_per_criterion_bp >= 0) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Lowest share of each criterion's points")));
		html_raw(b, "</dt><dd>");
		percent(b, s->min_ratio_per_criterion_bp);
		mark(req, b, s->min_ratio_per_criterion_verified);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("Most points")));
	html_raw(b, "</dt><dd>");
	points(b, s->max_total_x100);
	html_raw(b, "</dd></div>");
	fact(req, b, N_("In use"), s->used ? tr(req, N_("yes")) : tr(req, N_("no")),
	    true);
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("The set as a whole")));
	html_raw(b, "</dt><dd>");
	html_text(b, s->verified ? tr(req, N_("confirmed")) :
	    tr(req, N_("not yet confirmed")));
	mark(req, b, s->verified);
	html_raw(b, "</dd></div></dl>");
	if (s->note_vi != NULL && s->note_vi[0] != '\0') {
		html_raw(b, "<p class=\"notice\">");
		html_text(b, s->note_vi);
		html_raw(b, "</p>");
	}
}

/* The rule of one indicator: its points, or its condition. */
static void
item_rule(struct http_req *req, struct buf *b, const struct criteria_item *it)
{
	if (strcmp(it->kind, CRIT_RATIO) == 0) {
		html_text(b, tr(req, models_source_msgid(it->source)));
		if (it->min_ratio_bp >= 0) {
			html_raw(b, ": ≥ ");
			percent(b, it->min_ratio_bp);
			mark(req, b, it->min_ratio_verified);
		}
		for (int lv = 1; lv <= MODELS_MAX_LEVEL; lv++) {
			if (it->level_ratio_bp[lv] < 0)
				continue;
			html_raw(b, "<br>");
			buf_printf(b, "%s %d: ≥ ", tr(req, N_("Level")), lv);
			percent(b, it->level_ratio_bp[lv]);
			mark(req, b, it->level_ratio_verified[lv]);
		}
		if (it->max_x100 > 0) {
			html_raw(b, "<br>");
			points(b, it->max_x100);
			html_raw(b, " ");
			html_text(b, tr(req, N_("points")));
			mark(req, b, it->max_verified);
		}
		return;
	}
	if (strcmp(it->kind, CRIT_LEVEL) == 0) {
		buf_printf(b, "%s %d", tr(req, N_("From level")),
		    it->from_level > 0 ? it->from_level : 1);
		return;
	}
	if (it->max_x100 > 0 || strcmp(it->kind, CRIT_POINTS) == 0) {
		points(b, it->max_x100);
		html_raw(b, " ");
		html_text(b, tr(req, N_("points")));
		mark(req, b, it->max_verified);
	}
}

static void
items_table(struct http_req *req, struct buf *b, const struct criteria_set *s)
{
	html_raw(b, "<h2>");
	html_text(b, tr(req, N_("Criteria and indicators")));
	html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"items\"><thead><tr><th>");
	html_text(b, tr(req, N_("Code")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Content")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Kind")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Points or rule")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Subject groups")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < s->n_items; i++) {
		const struct criteria_item *it = &s->items[i];
		bool crit = strcmp(it->kind, "criterion") == 0;

		html_raw(b, crit ? "<tr class=\"criterion\" id=\"item-" : "<tr id=\"item-");
		html_attr(b, it->code);
		html_raw(b, "\"><td>");
		html_text(b, it->code);
		html_raw(b, crit ? "</td><td><strong>" : "</td><td>");
		html_text(b, title_of(req, it->title_vi, it->title_en));
		html_raw(b, crit ? "</strong>" : "");
		mark(req, b, it->verified);
		if (it->required) {
			html_raw(b, " <span class=\"badge\">");
			html_text(b, tr(req, N_("prerequisite")));
			html_raw(b, "</span>");
		}
		if (it->na_allowed) {
			html_raw(b, " <span class=\"badge\">");
			html_text(b, tr(req, N_("may be not applicable")));
			html_raw(b, "</span>");
		}
		if (it->note_vi != NULL && it->note_vi[0] != '\0') {
			html_raw(b, "<br><small class=\"muted\">");
			html_text(b, it->note_vi);
			html_raw(b, "</small>");
		}
		html_raw(b, "</td><td>");
		if (!crit)
			html_text(b, kind_label(req, it->kind));
		html_raw(b, "</td><td>");
		if (crit) {
			if (it->max_x100 > 0) {
				points(b, it->max_x100);
				html_raw(b, " ");
				html_text(b, tr(req, N_("points")));
				mark(req, b, it->max_verified);
			}
		} else
			item_rule(req, b, it);
		html_raw(b, "</td><td>");
		if (it->groups == 0)
			html_text(b, tr(req, N_("all")));
		else
			for (int g = 1, first = 1; g < 16; g++)
				if (it->groups & (1u << g)) {
					buf_printf(b, first ? "%d" : ", %d", g);
					first = 0;
				}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void
bands_levels_groups(struct http_req *req, struct buf *b,
    const struct criteria_set *s)
{
	if (s->n_bands > 0) {
		html_raw(b, "<h2>");
		html_text(b, tr(req, N_("Bands")));
		html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"bands\"><thead><tr><th>");
		html_text(b, tr(req, N_("Band")));
		html_raw(b, "</th><th class=\"num\">");
		html_text(b, tr(req, N_("From (points)")));
		html_raw(b, "</th></tr></thead><tbody>");
		for (size_t i = 0; i < s->n_bands; i++) {
			html_raw(b, "<tr><td>");
			html_text(b, title_of(req, s->bands[i].label_vi,
			    s->bands[i].label_en));
			html_raw(b, "</td><td class=\"num\">");
			points(b, s->bands[i].min_x100);
			mark(req, b, s->bands[i].verified);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	if (s->n_levels > 0) {
		html_raw(b, "<h2>");
		html_text(b, tr(req, N_("Levels")));
		html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"levels\"><thead><tr><th>");
		html_text(b, tr(req, N_("Level")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Criteria required")));
		html_raw(b, "</th></tr></thead><tbody>");
		for (size_t i = 0; i < s->n_levels; i++) {
			const struct criteria_level *lv = &s->levels[i];

			html_raw(b, "<tr><td>");
			html_text(b, title_of(req, lv->label_vi, lv->label_en));
			mark(req, b, lv->verified);
			html_raw(b, "</td><td>");
			for (size_t k = 0; k < lv->n_criteria; k++) {
				if (k > 0)
					html_raw(b, ", ");
				html_text(b, lv->criteria[k]);
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	if (s->n_groups > 0) {
		html_raw(b, "<h2>");
		html_text(b, tr(req, N_("Subject groups")));
		html_raw(b, "</h2><div class=\"table-wrap\"><table id=\"groups\"><thead><tr><th class=\"num\">");
		html_text(b, tr(req, N_("Group")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Who")));
		html_raw(b, "</th></tr></thead><tbody>");
		for (size_t i = 0; i < s->n_groups; i++) {
			html_raw(b, "<tr><td class=\"num\">");
			buf_printf(b, "%d", s->groups[i].group);
			html_raw(b, "</td><td>");
			html_text(b, title_of(req, s->groups[i].label_vi,
			    s->groups[i].label_en));
			mark(req, b, s->groups[i].verified);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
}

/* The administrators' form: the set's text, to be stored as version n+1. */
static void
new_version_form(struct http_req *req, struct buf *b,
    const struct criteria_set *s, const struct kh_err *err)
{
	const char *text = http_form(req, "json");
	char *action = xasprintf("/criteria/%s/%d", s->code, s->version);

	page_form_begin(req, b, "new-version", N_("Store a changed copy as a new"
	    " version"), err, action, NULL);
	if (err != NULL && err->field[0] != '\0') {
		html_raw(b, "<p class=\"alert\" id=\"error-field\">");
		html_text(b, tr(req, N_("Field")));
		html_raw(b, ": <code>");
		html_text(b, err->field);
		html_raw(b, "</code></p>");
	}
	html_raw(b, "<p class=\"muted\">");
	html_text(b, tr(req, N_("Edit the set's text (JSON, the format of"
	    " data/criteria). It is stored as the next version; this version"
	    " stays as it is. Set \"verified\": true on the values the province"
	    " has confirmed.")));
	html_raw(b, "</p><label for=\"c-json\">");
	html_text(b, tr(req, N_("Text of the set")));
	html_raw(b, "</label><textarea id=\"c-json\" name=\"json\" rows=\"24\""
	    " spellcheck=\"false\" class=\"code\" required>");
	html_text(b, text != NULL ? text : s->json);
	html_raw(b, "</textarea>");
	page_form_end(req, b, N_("Store as a new version"));
	free(action);
}

static void
render_set(struct http_req *req, struct http_resp *resp,
    const struct criteria_set *s, const struct kh_err *form_err)
{
	struct buf *b = &resp->body;

	page_begin(req, resp, s->title_vi);
	html_raw(b, "<nav class=\"tabs\"><a href=\"/criteria\">");
	html_text(b, tr(req, N_("Criteria sets")));
	html_raw(b, "</a></nav><h1>");
	html_text(b, title_of(req, s->title_vi, s->title_en));
	html_raw(b, " <span class=\"muted\">");
	buf_printf(b, "v%d", s->version);
	html_raw(b, "</span></h1>");
	if (http_query(req, "created") != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, tr(req, N_("The new version was stored.")));
		html_raw(b, "</p>");
	}
	if (s->n_unverified > 0) {
		html_raw(b, "<p class=\"notice\" id=\"unverified-note\">");
		html_text(b, tr(req, N_("Values marked unverified could not be"
		    " confirmed from the regulations: the province confirms or"
		    " changes them.")));
		html_raw(b, " (");
		html_int(b, s->n_unverified);
		html_raw(b, ")</p>");
	}
	set_facts(req, b, s);
	items_table(req, b, s);
	bands_levels_groups(req, b, s);
	if (web(req)->actor.role == ROLE_ADMIN)
		new_version_form(req, b, s, form_err);
	page_end(req, resp);
}

/* The set named by the path: 0, or an error answer given. */
static int
find_set(struct http_req *req, struct http_resp *resp, struct criteria_set *s)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const char *vs = http_param(req, "version");
	char *end = NULL;
	long v = vs != NULL ? strtol(vs, &end, 10) : 0;
	int rc;

	memset(s, 0, sizeof(*s));
	if (v <= 0 || end == NULL || *end != '\0')
		rc = kh_fail(&err, KH_E_NOT_FOUND, N_("No criteria set has the"
		    " version %s."), vs != NULL ? vs : "");
	else
		rc = models_set_get(w->db, &w->actor, http_param(req, "code"),
		    (int)v, s, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	return rc;
}

int
page_criteria_show(struct http_req *req, struct http_resp *resp)
{
	struct criteria_set s;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (find_set(req, resp, &s) == 0)
		render_set(req, resp, &s, NULL);
	criteria_set_cleanup(&s);
	return 0;
}

int
page_criteria_new_version(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set s;
	char to[120];
	int version = 0, rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (find_set(req, resp, &s) != 0)
		goto out;
	rc = models_set_new_version(w->db, &w->actor, s.code,
	    http_form(req, "json"), &version, &err);
	if (rc == KH_E_FORBIDDEN) {
		web_error(req, resp, &err);
		goto out;
	}
	if (rc != 0) {
		render_set(req, resp, &s, &err);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	snprintf(to, sizeof(to), "/criteria/%s/%d?created=1", s.code, version);
	http_redirect(req, resp, to);
out:
	criteria_set_cleanup(&s);
	return 0;
}
