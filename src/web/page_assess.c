/*
 * page_assess.c - one registration of a learning model and its yearly cycle
 * in the browser: the facts (model, year, subject, criteria set and how many
 * of its values are unverified, state, deadlines), the history, evidence
 * files, and the one form the state and the reader's role call for:
 *
 *   registered      the self-assessment, built from the criteria set's
 *                   indicators for the subject group; ratio indicators are
 *                   not typed but shown as computed (models_ratios)
 *   self_assessed   the verification: the self-assessed values, each
 *                   changeable with a reason
 *   verified        the proposal (commune level and above), refused with its
 *                   reason when the standard is not reached
 *   proposed        waiting for the recognition decision
 *
 * plus "return one step" and "withdraw", each with a reason. Buttons the
 * reader may not use are not shown; the domain refuses them anyway, and its
 * errors are shown translated beside the field they are about, with what
 * was typed kept.
 */
#include "web/web.h"
#include "core/date.h"
#include "models/models.h"
#include "units/units.h"
#include "web/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything the registration page shows. */
struct reg_view {
	struct model_registration reg;
	struct criteria_set set;
	struct model_ratio_list ratios;
	struct model_assessment self, verify;
	bool has_self, has_verify;
	struct model_transition_list history;
	struct model_evidence_list evidence;
	struct model_deadlines deadlines;
	bool can_write;		/* officer+ with the registration in scope */
	bool commune_level;	/* the reader's scope unit is a commune or above */
};

static void
view_cleanup(struct reg_view *v)
{
	model_registration_cleanup(&v->reg);
	criteria_set_cleanup(&v->set);
	model_ratio_list_cleanup(&v->ratios);
	if (v->has_self)
		model_assessment_cleanup(&v->self);
	if (v->has_verify)
		model_assessment_cleanup(&v->verify);
	model_transition_list_cleanup(&v->history);
	model_evidence_list_cleanup(&v->evidence);
}

static int64_t
path_id(struct http_req *req, const char *name)
{
	const char *s = http_param(req, name);
	char *end;
	long long v;

	if (s == NULL || s[0] == '\0')
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? (int64_t)v : 0;
}

static int
view_load(struct http_req *req, int64_t id, struct reg_view *v,
    struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err ignored = KH_ERR_INIT;
	struct unit scope = UNIT_INIT;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = models_get(w->db, &w->actor, id, &v->reg, err);
	if (rc == 0)
		rc = models_set_get_id(w->db, &w->actor, v->reg.set_id, &v->set, err);
	if (rc == 0)
		rc = models_history(w->db, &w->actor, id, &v->history, err);
	if (rc == 0)
		rc = models_evidence_list(w->db, &w->actor, id, &v->evidence, err);
	if (rc == 0)
		rc = models_deadlines(w->db, &w->actor, v->reg.unit_id, v->reg.year,
		    v->reg.model, &v->deadlines, err);
	if (rc == 0 && strcmp(v->reg.state, REG_RECOGNISED) != 0 &&
	    strcmp(v->reg.state, REG_WITHDRAWN) != 0)
		rc = models_ratios(w->db, &w->actor, id, &v->ratios, err);
	if (rc != 0)
		return rc;
	v->has_self = models_assessment(w->db, &w->actor, id, "self", &v->self,
	    &ignored) == 0;
	v->has_verify = models_assessment(w->db, &w->actor, id, "verify",
	    &v->verify, &ignored) == 0;
	v->can_write = w->actor.role >= ROLE_OFFICER &&
	    auth_can_write(w->db, &w->actor, v->reg.unit_id, &ignored) == 0;
	if (units_get(w->db, &w->actor, w->actor.unit_id, &scope, &ignored) == 0)
		v->commune_level = strcmp(scope.kind, UNIT_COMMUNE) == 0 ||
		    strcmp(scope.kind, UNIT_DISTRICT) == 0 ||
		    strcmp(scope.kind, UNIT_PROVINCE) == 0 ||
		    strcmp(scope.kind, UNIT_COUNTRY) == 0;
	unit_cleanup(&scope);
	return 0;
}

/* "8.5" or "8,5" as hundredths; false when it is not a number. */
static bool
parse_points(const char *s, int64_t *x100)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, fd = 0;

	while (*s == ' ')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (whole < 100000)
			whole = whole * 10 + (*s - '0');
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++, fd++)
			if (fd < 2)
				frac = frac * 10 + (*s - '0');
		if (fd == 1)
			frac *= 10;
	}
	while (*s == ' ')
		s++;
	if (*s != '\0' || digits + fd == 0)
		return false;
	*x100 = whole * 100 + frac;
	return true;
}

static void
points(struct buf *b, int64_t x100)
{
	char s[32];

	models_points_str(x100, s, sizeof(s));
	html_text(b, s);
}

/* The mark on every value a province has still to confirm. */
static void
unverified_badge(struct http_req *req, struct buf *b)
{
	html_raw(b, " <span class=\"badge unverified\" title=\"");
	html_attr(b, tr(req, N_("This value is a hypothesis: it awaits the"
	    " province's confirmation.")));
	html_raw(b, "\">");
	html_text(b, tr(req, N_("unverified")));
	html_raw(b, "</span>");
}

static const char *
item_title(struct http_req *req, const struct criteria_item *it)
{
	return strcmp(web(req)->lang, "en") == 0 && it->title_en != NULL &&
	    it->title_en[0] != '\0' ? it->title_en : it->title_vi;
}

static const char *
band_label(struct http_req *req, const struct criteria_set *s, const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < s->n_bands; i++)
		if (strcmp(s->bands[i].code, code) == 0)
			return strcmp(web(req)->lang, "en") == 0 ?
			    s->bands[i].label_en : s->bands[i].label_vi;
	return code != NULL ? code : "";
}

static const struct model_value *
value_of(const struct model_assessment *as, const char *code)
{
	size_t i;

	for (i = 0; as != NULL && i < as->n_values; i++)
		if (strcmp(as->values[i].code, code) == 0)
			return &as->values[i];
	return NULL;
}

static const struct model_ratio *
ratio_of(const struct model_ratio_list *l, const char *code)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i].code, code) == 0)
			return &l->items[i];
	return NULL;
}

/* "12/20 Households of the clan recognised ... = 60 %, required ≥ 50 %:
 * met" */
static void
ratio_text(struct http_req *req, struct buf *b, int64_t num, int64_t den,
    const char *source, int64_t min_bp, int met)
{
	html_raw(b, "<span class=\"ratio\">");
	buf_printf(b, "<strong>%lld/%lld</strong> ", (long long)num,
	    (long long)den);
	html_text(b, tr(req, models_source_msgid(source)));
	if (den > 0) {
		/* Tenths of a percent, with the decimal comma in Vietnamese. */
		int64_t t = (num * 1000 + den / 2) / den;

		if (t % 10 == 0)
			buf_printf(b, " = %lld %%", (long long)(t / 10));
		else
			buf_printf(b, " = %lld%c%lld %%", (long long)(t / 10),
			    strcmp(web(req)->lang, "en") == 0 ? '.' : ',',
			    (long long)(t % 10));
	} else {
		html_raw(b, " — ");
		html_text(b, tr(req, N_("nothing to count yet")));
	}
	if (min_bp >= 0) {
		html_raw(b, ", ");
		html_text(b, tr(req, N_("required")));
		buf_printf(b, " ≥ %g %%", (double)min_bp / 100.0);
	}
	if (met >= 0) {
		html_raw(b, ": ");
		html_raw(b, met ? "<span class=\"met\">" : "<span class=\"unmet\">");
		html_text(b, met ? tr(req, N_("Met")) : tr(req, N_("Not met")));
		html_raw(b, "</span>");
	}
	html_raw(b, "</span>");
}

static bool
item_unverified(const struct criteria_item *it)
{
	return !it->verified || !it->max_verified ||
	    (strcmp(it->kind, CRIT_RATIO) == 0 && it->min_ratio_bp >= 0 &&
	    !it->min_ratio_verified);
}

static void
field_error(struct http_req *req, struct buf *b, const struct kh_err *err,
    const char *code)
{
	char msg[1024];

	if (err == NULL || err->kind == 0 || strcmp(err->field, code) != 0)
		return;
	kh_err_format(err, web(req)->lang, msg, sizeof(msg));
	html_raw(b, "<p class=\"alert field-error\" role=\"alert\">");
	html_text(b, msg);
	html_raw(b, "</p>");
}

/* The form field of an indicator: PREFIX_CODE. */
static const char *
fname(struct http_req *req, const char *prefix, const char *code)
{
	return arena_printf(&req->arena, "%s_%s", prefix, code);
}

static void
score_summary(struct http_req *req, struct buf *b, const struct reg_view *v,
    const struct model_assessment *as, const char *title)
{
	html_raw(b, "<section class=\"card score\"><h2>");
	html_text(b, tr(req, title));
	html_raw(b, "</h2><dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Total")));
	html_raw(b, "</dt><dd class=\"score-total\">");
	points(b, as->total_x100);
	html_raw(b, "/");
	points(b, as->max_x100);
	html_raw(b, "</dd></div>");
	if (as->band != NULL && as->band[0] != '\0') {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Rating")));
		html_raw(b, "</dt><dd>");
		html_text(b, band_label(req, &v->set, as->band));
		html_raw(b, "</dd></div>");
	}
	if (as->level > 0) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Level")));
		buf_printf(b, "</dt><dd>%d</dd></div>", as->level);
	}
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("Result")));
	html_raw(b, "</dt><dd class=\"score-result\">");
	if (as->achieved)
		html_text(b, tr(req, N_("Reaches the standard")));
	else {
		html_text(b, tr(req, N_("Does not reach the standard")));
		if (as->failed != NULL && as->failed[0] != '\0') {
			html_raw(b, " (");
			html_text(b, tr(req, N_("failed")));
			html_raw(b, ": ");
			html_text(b, as->failed);
			html_raw(b, ")");
		}
	}
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("By")));
	html_raw(b, "</dt><dd>");
	html_text(b, as->actor);
	html_raw(b, " · ");
	page_date(b, as->at);
	html_raw(b, "</dd></div></dl>");
	if (as->note != NULL && as->note[0] != '\0') {
		html_raw(b, "<p>");
		html_text(b, as->note);
		html_raw(b, "</p>");
	}
	html_raw(b, "</section>");
}

/* The value given to an indicator, as text. */
static void
value_cell(struct http_req *req, struct buf *b, const struct criteria_item *it,
    const struct model_value *mv)
{
	if (mv == NULL)
		return;
	if (mv->na)
		html_text(b, tr(req, N_("Not applicable")));
	else if (strcmp(it->kind, CRIT_POINTS) == 0)
		points(b, mv->entered_x100);
	else if (strcmp(it->kind, CRIT_RATIO) == 0)
		ratio_text(req, b, mv->num, mv->den, mv->source,
		    it->min_ratio_bp, mv->met);
	else
		html_text(b, mv->met ? tr(req, N_("Met")) : tr(req, N_("Not met")));
}

/* The stored answers: self-assessment, verification, changes and reasons. */
static void
results_table(struct http_req *req, struct buf *b, const struct reg_view *v)
{
	size_t i;

	html_raw(b, "<section class=\"card\" id=\"values\"><h2>");
	html_text(b, tr(req, N_("Assessment by indicator")));
	html_raw(b, "</h2><div class=\"table-wrap\"><table><thead><tr><th>");
	html_text(b, tr(req, N_("Indicator")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Self-assessment")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Verification")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Reason for the change")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < v->set.n_items; i++) {
		const struct criteria_item *it = &v->set.items[i];
		const struct model_value *sv, *vv;

		if (it->parent_code == NULL ||
		    !criteria_applies(it, v->reg.subject_group))
			continue;
		sv = v->has_self ? value_of(&v->self, it->code) : NULL;
		vv = v->has_verify ? value_of(&v->verify, it->code) : NULL;
		html_raw(b, vv != NULL && vv->changed ?
		    "<tr class=\"changed\" data-code=\"" : "<tr data-code=\"");
		html_attr(b, it->code);
		html_raw(b, "\"><td>");
		html_text(b, it->code);
		html_raw(b, "</td><td>");
		value_cell(req, b, it, sv);
		if (sv != NULL && sv->note != NULL && sv->note[0] != '\0') {
			html_raw(b, "<br><span class=\"muted\">");
			html_text(b, sv->note);
			html_raw(b, "</span>");
		}
		html_raw(b, "</td><td>");
		value_cell(req, b, it, vv);
		html_raw(b, "</td><td>");
		if (vv != NULL && vv->changed)
			html_text(b, vv->reason);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
}

/*
 * One indicator in the self-assessment (verify false) or the verification
 * (verify true) form. Values come from the form sent back (after an error),
 * else from the stored assessment prev.
 */
static void
indicator_input(struct http_req *req, struct buf *b, const struct reg_view *v,
    const struct criteria_item *it, bool verify, bool resent,
    const struct model_assessment *prev, const struct kh_err *err)
{
	const struct model_value *pv = prev != NULL ? value_of(prev, it->code) :
	    NULL;
	const struct model_value *sv = verify && v->has_self ?
	    value_of(&v->self, it->code) : NULL;
	const char *vn = fname(req, "v", it->code), *mn = fname(req, "m", it->code);
	const char *nan = fname(req, "na", it->code), *nn = fname(req, "n", it->code);
	const char *rn = fname(req, "r", it->code);
	bool na, met;
	char maxs[32];

	models_points_str(it->max_x100, maxs, sizeof(maxs));
	html_raw(b, "<div class=\"indicator");
	if (err != NULL && strcmp(err->field, it->code) == 0)
		html_raw(b, " has-error");
	html_raw(b, "\" id=\"ind-");
	html_attr(b, it->code);
	html_raw(b, "\"><p class=\"ind-title\"><span class=\"code\">");
	html_text(b, it->code);
	html_raw(b, "</span> ");
	html_text(b, item_title(req, it));
	if (it->required) {
		html_raw(b, " <span class=\"tag\">");
		html_text(b, tr(req, N_("prerequisite")));
		html_raw(b, "</span>");
	}
	if (item_unverified(it))
		unverified_badge(req, b);
	html_raw(b, "</p>");
	field_error(req, b, err, it->code);
	if (verify && sv != NULL && strcmp(it->kind, CRIT_RATIO) != 0) {
		html_raw(b, "<p class=\"muted self-value\">");
		html_text(b, tr(req, N_("Self-assessed")));
		html_raw(b, ": ");
		value_cell(req, b, it, sv);
		html_raw(b, "</p>");
	}
	if (strcmp(it->kind, CRIT_RATIO) == 0) {
		const struct model_ratio *r = ratio_of(&v->ratios, it->code);

		html_raw(b, "<p class=\"computed\">");
		html_text(b, tr(req, N_("Computed from the records")));
		html_raw(b, ": ");
		if (r != NULL)
			ratio_text(req, b, r->num, r->den, r->source,
			    r->min_ratio_bp, r->min_ratio_bp >= 0 ? r->met : -1);
		html_raw(b, "</p>");
		html_raw(b, "</div>");
		return;
	}
	if (resent)
		na = http_form(req, nan) != NULL;
	else
		na = pv != NULL && pv->na;
	if (strcmp(it->kind, CRIT_POINTS) == 0) {
		const char *val = NULL;
		char buf[32];

		if (resent)
			val = http_form(req, vn);
		else if (pv != NULL && !pv->na) {
			models_points_str(pv->entered_x100, buf, sizeof(buf));
			val = buf;
		}
		html_raw(b, "<label for=\"");
		html_attr(b, vn);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Points")));
		buf_printf(b, " (%s %s)</label>", tr(req, N_("max")), maxs);
		html_raw(b, "<input type=\"number\" inputmode=\"decimal\" min=\"0\" max=\"");
		html_attr(b, maxs);
		html_raw(b, "\" step=\"0.5\" id=\"");
		html_attr(b, vn);
		html_raw(b, "\" name=\"");
		html_attr(b, vn);
		html_raw(b, "\" value=\"");
		html_attr(b, val);
		html_raw(b, "\">");
	} else {
		met = resent ? http_form(req, mn) != NULL : pv != NULL && pv->met;
		html_raw(b, "<label class=\"check big\"><input type=\"checkbox\" value=\"1\" name=\"");
		html_attr(b, mn);
		html_raw(b, met ? "\" checked> " : "\"> ");
		html_text(b, tr(req, N_("Met")));
		html_raw(b, "</label>");
	}
	if (it->na_allowed) {
		html_raw(b, "<label class=\"check big\"><input type=\"checkbox\" value=\"1\" name=\"");
		html_attr(b, nan);
		html_raw(b, na ? "\" checked> " : "\"> ");
		html_text(b, tr(req, N_("Not applicable")));
		html_raw(b, "</label>");
	}
	if (verify) {
		html_raw(b, "<label for=\"");
		html_attr(b, rn);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Reason, if you change the value")));
		html_raw(b, "</label><input type=\"text\" maxlength=\"500\" id=\"");
		html_attr(b, rn);
		html_raw(b, "\" name=\"");
		html_attr(b, rn);
		html_raw(b, "\" value=\"");
		html_attr(b, resent ? http_form(req, rn) : NULL);
		html_raw(b, "\">");
	} else {
		html_raw(b, "<label for=\"");
		html_attr(b, nn);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Note")));
		html_raw(b, "</label><input type=\"text\" maxlength=\"500\" id=\"");
		html_attr(b, nn);
		html_raw(b, "\" name=\"");
		html_attr(b, nn);
		html_raw(b, "\" value=\"");
		html_attr(b, resent ? http_form(req, nn) : pv != NULL ? pv->note :
		    NULL);
		html_raw(b, "\">");
	}
	html_raw(b, "</div>");
}

static void
assess_form(struct http_req *req, struct buf *b, const struct reg_view *v,
    bool verify, bool resent, const struct kh_err *err)
{
	/* Both forms start from the self-assessment: the verifier sees what
	 * was claimed, a returned registration what was entered before. */
	const struct model_assessment *prev = v->has_self ? &v->self : NULL;
	char *action = xasprintf("/registrations/%lld/%s", (long long)v->reg.id,
	    verify ? "verify" : "self-assess");
	size_t i;

	page_form_begin(req, b, verify ? "verify-form" : "self-form",
	    verify ? N_("Verification") : N_("Self-assessment"),
	    err != NULL && (err->field[0] == '\0' ||
	    criteria_find(&v->set, err->field) == NULL) ? err : NULL, action,
	    "assess");
	free(action);
	if (verify) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("Change a value only where the check found"
		    " otherwise, and give the reason: it is recorded.")));
		html_raw(b, "</p>");
	}
	for (i = 0; i < v->set.n_items; i++) {
		const struct criteria_item *it = &v->set.items[i];
		char maxs[32];

		if (!criteria_applies(it, v->reg.subject_group))
			continue;
		if (it->parent_code != NULL) {
			indicator_input(req, b, v, it, verify, resent, prev, err);
			continue;
		}
		models_points_str(it->max_x100, maxs, sizeof(maxs));
		html_raw(b, "<h3 class=\"criterion\"><span class=\"code\">");
		html_text(b, it->code);
		html_raw(b, "</span> ");
		html_text(b, item_title(req, it));
		if (it->max_x100 > 0)
			buf_printf(b, " <span class=\"muted\">(%s %s)</span>",
			    tr(req, N_("max")), maxs);
		if (item_unverified(it))
			unverified_badge(req, b);
		html_raw(b, "</h3>");
	}
	html_raw(b, "<label for=\"a-note\">");
	html_text(b, tr(req, verify ? N_("Note of the verification") :
	    N_("Overall note")));
	html_raw(b, "</label><textarea id=\"a-note\" name=\"note\" maxlength=\"2000\" rows=\"3\">");
	html_text(b, resent ? http_form(req, "note") : NULL);
	html_raw(b, "</textarea>");
	page_form_end(req, b, verify ? N_("Save the verification") :
	    N_("Save the self-assessment"));
}

/* A small form with a reason (return, withdraw) or a note (propose). */
static void
action_form(struct http_req *req, struct buf *b, const struct reg_view *v,
    const char *action, const char *title, const char *button,
    bool reason_required, const struct kh_err *err, const char *disabled)
{
	char *id = xasprintf("%s-form", action);

	html_raw(b, "<section class=\"card action\" id=\"");
	html_attr(b, id);
	html_raw(b, "\"><h2>");
	html_text(b, tr(req, title));
	html_raw(b, "</h2>");
	if (err != NULL)
		page_error_box(req, b, err);
	if (disabled != NULL) {
		html_raw(b, "<p class=\"notice\">");
		html_text(b, disabled);
		html_raw(b, "</p>");
	}
	buf_printf(b, "<form method=\"post\" action=\"/registrations/%lld/",
	    (long long)v->reg.id);
	html_attr(b, action);
	html_raw(b, "\">");
	page_csrf_field(req, b);
	buf_printf(b, "<label for=\"%s-reason\">", action);
	html_text(b, tr(req, reason_required ? N_("Reason") : N_("Note")));
	buf_printf(b, "</label><input type=\"text\" maxlength=\"500\" id=\"%s-reason\""
	    " name=\"reason\"%s value=\"", action, reason_required ?
	    " required" : "");
	html_attr(b, err != NULL ? http_form(req, "reason") : NULL);
	html_raw(b, "\"><button type=\"submit\"");
	if (disabled != NULL)
		html_raw(b, " disabled");
	html_raw(b, ">");
	html_text(b, tr(req, button));
	html_raw(b, "</button></form></section>");
	free(id);
}

static void
facts(struct http_req *req, struct buf *b, const struct reg_view *v)
{
	struct web_req *w = web(req);
	const struct model_registration *r = &v->reg;

	html_raw(b, "<dl class=\"facts\" id=\"reg-facts\"><div><dt>");
	html_text(b, tr(req, N_("Model")));
	html_raw(b, "</dt><dd>");
	html_text(b, models_model_label(r->model, w->lang));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Year")));
	buf_printf(b, "</dt><dd>%d</dd></div><div><dt>", r->year);
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</dt><dd><a href=\"/units/");
	html_url(b, r->unit_code);
	html_raw(b, "/registrations\">");
	html_text(b, r->unit_name);
	html_raw(b, "</a></dd></div>");
	if (r->subject_group > 0) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Subject group")));
		buf_printf(b, "</dt><dd>%d</dd></div>", r->subject_group);
	}
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("State")));
	html_raw(b, "</dt><dd id=\"reg-state\" data-state=\"");
	html_attr(b, r->state);
	html_raw(b, "\">");
	html_text(b, models_state_label(r->state, w->lang));
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
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Criteria set")));
	html_raw(b, "</dt><dd>");
	html_text(b, r->set_code);
	buf_printf(b, " v%d", r->set_version);
	if (v->set.n_unverified > 0) {
		buf_printf(b, " <span class=\"muted\" id=\"set-unverified\">(%d ",
		    v->set.n_unverified);
		html_text(b, tr(req, N_("values unverified")));
		html_raw(b, ")</span>");
		unverified_badge(req, b);
	}
	html_raw(b, "</dd></div>");
	if (v->set.min_total_x100 >= 0) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Pass mark")));
		html_raw(b, "</dt><dd>");
		points(b, v->set.min_total_x100);
		if (!v->set.min_total_verified)
			unverified_badge(req, b);
		html_raw(b, "</dd></div>");
	}
	if (v->set.min_ratio_per_criterion_bp >= 0) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Least share of each criterion")));
		buf_printf(b, "</dt><dd>%g %%", (double)v->set.min_ratio_per_criterion_bp /
		    100.0);
		if (!v->set.min_ratio_per_criterion_verified)
			unverified_badge(req, b);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "<div><dt>");
	html_text(b, tr(req, N_("Registered on")));
	html_raw(b, "</dt><dd>");
	page_date(b, r->registered_on);
	html_raw(b, "</dd></div>");
	if (r->certificate_no != NULL) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Certificate")));
		html_raw(b, "</dt><dd>");
		html_text(b, r->certificate_no);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "</dl><h2>");
	html_text(b, tr(req, N_("Deadlines")));
	html_raw(b, "</h2><dl class=\"facts\" id=\"deadlines\"><div><dt>");
	html_text(b, tr(req, N_("Register by")));
	html_raw(b, "</dt><dd>");
	page_date(b, v->deadlines.register_by);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Self-assess by")));
	html_raw(b, "</dt><dd>");
	page_date(b, v->deadlines.self_assess_by);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Verify by")));
	html_raw(b, "</dt><dd>");
	page_date(b, v->deadlines.verify_by);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Recognise by")));
	html_raw(b, "</dt><dd>");
	page_date(b, v->deadlines.recognise_by);
	html_raw(b, "</dd></div></dl>");
}

static const char *
action_label(struct http_req *req, const char *action)
{
	static const struct {
		const char *action, *label;
	} t[] = {
		{"register", N_("Registered")},
		{"self_assess", N_("Self-assessed")},
		{"verify", N_("Verified")},
		{"propose", N_("Proposed for recognition")},
		{"recognise", N_("Recognised")},
		{"return", N_("Returned one step")},
		{"withdraw", N_("Withdrawn")},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].action, action) == 0)
			return tr(req, t[i].label);
	return action;
}

static void
history(struct http_req *req, struct buf *b, const struct reg_view *v)
{
	size_t i;

	html_raw(b, "<section class=\"card\" id=\"history\"><h2>");
	html_text(b, tr(req, N_("History")));
	html_raw(b, "</h2><ol class=\"history\">");
	for (i = 0; i < v->history.n; i++) {
		const struct model_transition *t = &v->history.items[i];

		html_raw(b, "<li><span class=\"when\">");
		html_text(b, t->at);
		html_raw(b, "</span> <strong>");
		html_text(b, action_label(req, t->action));
		html_raw(b, "</strong> · ");
		html_text(b, t->actor);
		if (t->late) {
			html_raw(b, " <span class=\"tag late\">");
			html_text(b, tr(req, N_("late")));
			html_raw(b, "</span>");
		}
		if (t->reason != NULL && t->reason[0] != '\0') {
			html_raw(b, "<br><span class=\"reason\">");
			html_text(b, t->reason);
			html_raw(b, "</span>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ol></section>");
}

static void
evidence(struct http_req *req, struct buf *b, const struct reg_view *v,
    bool open, const struct kh_err *err)
{
	size_t i;

	html_raw(b, "<section class=\"card\" id=\"evidence\"><h2>");
	html_text(b, tr(req, N_("Evidence files")));
	html_raw(b, "</h2>");
	if (err != NULL)
		page_error_box(req, b, err);
	html_raw(b, "<ul class=\"files\">");
	for (i = 0; i < v->evidence.n; i++) {
		const struct model_evidence *e = &v->evidence.items[i];

		buf_printf(b, "<li><a href=\"/registrations/%lld/evidence/%lld\">",
		    (long long)v->reg.id, (long long)e->id);
		html_text(b, e->name);
		html_raw(b, "</a> <span class=\"muted\">");
		if (e->item_code != NULL) {
			html_text(b, e->item_code);
			html_raw(b, " · ");
		}
		html_int(b, (int64_t)e->size);
		html_raw(b, " B</span></li>");
	}
	if (v->evidence.n == 0) {
		html_raw(b, "<li class=\"muted\">");
		html_text(b, tr(req, N_("No file yet.")));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	if (open && v->can_write) {
		buf_printf(b, "<form method=\"post\" enctype=\"multipart/form-data\""
		    " action=\"/registrations/%lld/evidence\">", (long long)v->reg.id);
		page_csrf_field(req, b);
		html_raw(b, "<label for=\"e-item\">");
		html_text(b, tr(req, N_("Indicator it supports")));
		html_raw(b, "</label><select id=\"e-item\" name=\"item_code\"><option value=\"\">");
		html_text(b, tr(req, N_("The whole registration")));
		html_raw(b, "</option>");
		for (i = 0; i < v->set.n_items; i++) {
			const struct criteria_item *it = &v->set.items[i];

			if (it->parent_code == NULL ||
			    !criteria_applies(it, v->reg.subject_group))
				continue;
			html_raw(b, "<option value=\"");
			html_attr(b, it->code);
			html_raw(b, "\">");
			html_text(b, it->code);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select><label for=\"e-file\">");
		html_text(b, tr(req, N_("File")));
		html_raw(b, "</label><input id=\"e-file\" name=\"file\" type=\"file\" required>"
		    "<button type=\"submit\">");
		html_text(b, tr(req, N_("Attach")));
		html_raw(b, "</button></form>");
	}
	html_raw(b, "</section>");
}

/* Which form an error belongs to, so that it shows beside it. */
enum err_at { AT_NONE, AT_ASSESS, AT_PROPOSE, AT_RETURN, AT_WITHDRAW, AT_EVIDENCE };

static void
render(struct http_req *req, struct http_resp *resp, struct reg_view *v,
    enum err_at at, const struct kh_err *err, const char *notice)
{
	struct web_req *w = web(req);
	struct buf *b = &resp->body;
	const struct model_registration *r = &v->reg;
	const char *st = r->state;
	bool open = strcmp(st, REG_RECOGNISED) != 0 &&
	    strcmp(st, REG_WITHDRAWN) != 0;
	char *title = xasprintf("%s — %s", models_model_label(r->model, w->lang),
	    r->subject_name);

	page_begin(req, resp, title);
	html_raw(b, "<nav class=\"tabs\"><a href=\"/units/");
	html_url(b, r->unit_code);
	buf_printf(b, "/registrations?year=%d\">", r->year);
	html_text(b, tr(req, N_("Registrations")));
	html_raw(b, "</a></nav><h1>");
	html_text(b, r->subject_name);
	html_raw(b, " <span class=\"muted\">");
	html_text(b, models_model_label(r->model, w->lang));
	buf_printf(b, " %d</span></h1>", r->year);
	free(title);
	if (notice != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		html_raw(b, "</p>");
	}
	if (err != NULL && at == AT_NONE)
		page_error_box(req, b, err);
	facts(req, b, v);
	if (v->has_verify)
		score_summary(req, b, v, &v->verify, N_("Result of the verification"));
	if (v->has_self)
		score_summary(req, b, v, &v->self, N_("Result of the self-assessment"));
	if (v->has_self && strcmp(st, REG_REGISTERED) != 0)
		results_table(req, b, v);

	if (v->can_write && strcmp(st, REG_REGISTERED) == 0)
		assess_form(req, b, v, false, at == AT_ASSESS,
		    at == AT_ASSESS ? err : NULL);
	else if (v->can_write && strcmp(st, REG_SELF_ASSESSED) == 0)
		assess_form(req, b, v, true, at == AT_ASSESS,
		    at == AT_ASSESS ? err : NULL);
	else if (strcmp(st, REG_VERIFIED) == 0 && v->can_write &&
	    v->commune_level) {
		const char *why = NULL;

		if (!r->achieved)
			why = tr(req, N_("The verified result does not reach the"
			    " standard: it cannot be proposed for recognition."));
		action_form(req, b, v, "propose", N_("Propose for recognition"),
		    N_("Propose for recognition"), false,
		    at == AT_PROPOSE ? err : NULL, why);
	} else if (strcmp(st, REG_VERIFIED) == 0) {
		html_raw(b, "<p class=\"notice\">");
		html_text(b, tr(req, N_("Verified: the commune association proposes"
		    " it for recognition.")));
		html_raw(b, "</p>");
	} else if (strcmp(st, REG_PROPOSED) == 0) {
		html_raw(b, "<p class=\"notice\" id=\"waiting\">");
		html_text(b, tr(req, N_("Proposed: it waits for the recognition"
		    " decision.")));
		html_raw(b, " <a href=\"/units/");
		html_url(b, r->unit_code);
		html_raw(b, "/decisions\">");
		html_text(b, tr(req, N_("Decisions")));
		html_raw(b, "</a></p>");
	}
	if (v->can_write && (strcmp(st, REG_SELF_ASSESSED) == 0 ||
	    strcmp(st, REG_VERIFIED) == 0 ||
	    (strcmp(st, REG_PROPOSED) == 0 && v->commune_level)))
		action_form(req, b, v, "return", N_("Return one step"),
		    N_("Return"), true, at == AT_RETURN ? err : NULL, NULL);
	if (v->can_write && open)
		action_form(req, b, v, "withdraw", N_("Withdraw the registration"),
		    N_("Withdraw"), true, at == AT_WITHDRAW ? err : NULL, NULL);
	evidence(req, b, v, open, at == AT_EVIDENCE ? err : NULL);
	history(req, b, v);
	page_end(req, resp);
}

int
page_registration_show(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	struct reg_view v;
	const char *notice = NULL;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (view_load(req, path_id(req, "id"), &v, &err) != 0)
		web_error(req, resp, &err);
	else {
		if (http_query(req, "saved") != NULL)
			notice = tr(req, N_("Saved."));
		render(req, resp, &v, AT_NONE, NULL, notice);
	}
	view_cleanup(&v);
	return 0;
}

/* After an action: back to the page (303), or the page again with the
 * error beside its form and what was typed kept. */
static void
finish(struct http_req *req, struct http_resp *resp, int64_t id, int rc,
    enum err_at at, const struct kh_err *err)
{
	struct kh_err lerr = KH_ERR_INIT;
	struct reg_view v;
	char *to;

	if (rc == 0) {
		to = xasprintf("/registrations/%lld?saved=1", (long long)id);
		http_redirect(req, resp, to);
		free(to);
		return;
	}
	if (rc == KH_E_FORBIDDEN || rc == KH_E_NOT_FOUND) {
		web_error(req, resp, err);
		return;
	}
	if (view_load(req, id, &v, &lerr) != 0)
		web_error(req, resp, &lerr);
	else {
		render(req, resp, &v, at, err, NULL);
		resp->status = kh_kind_http_status(rc);
	}
	view_cleanup(&v);
}

int
page_registration_self_assess(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_registration reg;
	struct criteria_set set;
	struct model_answer *ans = NULL;
	int64_t id = path_id(req, "id");
	size_t i, n = 0;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	memset(&reg, 0, sizeof(reg));
	memset(&set, 0, sizeof(set));
	rc = models_get(w->db, &w->actor, id, &reg, &err);
	if (rc == 0)
		rc = models_set_get_id(w->db, &w->actor, reg.set_id, &set, &err);
	if (rc == 0)
		ans = xcalloc(set.n_items + 1, sizeof(*ans));
	for (i = 0; rc == 0 && i < set.n_items; i++) {
		const struct criteria_item *it = &set.items[i];
		struct model_answer *an;
		const char *s;

		if (it->parent_code == NULL || strcmp(it->kind, CRIT_RATIO) == 0 ||
		    !criteria_applies(it, reg.subject_group))
			continue;
		an = &ans[n++];
		an->code = it->code;
		an->na = http_form(req, fname(req, "na", it->code)) != NULL;
		an->met = http_form(req, fname(req, "m", it->code)) != NULL;
		an->note = http_form(req, fname(req, "n", it->code));
		s = http_form(req, fname(req, "v", it->code));
		if (strcmp(it->kind, CRIT_POINTS) == 0 && !an->na && s != NULL &&
		    s[0] != '\0' && !parse_points(s, &an->value_x100))
			rc = kh_fail_field(&err, KH_E_INVALID, it->code,
			    N_("Enter the points of %s as a number."), it->code);
	}
	if (rc == 0)
		rc = models_self_assess(w->db, &w->actor, id, ans, n,
		    http_form(req, "note"), &err);
	free(ans);
	criteria_set_cleanup(&set);
	model_registration_cleanup(&reg);
	finish(req, resp, id, rc, AT_ASSESS, &err);
	return 0;
}

int
page_registration_verify(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT, ignored = KH_ERR_INIT;
	struct model_registration reg;
	struct criteria_set set;
	struct model_assessment self;
	struct model_change *ch = NULL;
	bool has_self = false;
	int64_t id = path_id(req, "id");
	size_t i, n = 0;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	memset(&reg, 0, sizeof(reg));
	memset(&set, 0, sizeof(set));
	rc = models_get(w->db, &w->actor, id, &reg, &err);
	if (rc == 0)
		rc = models_set_get_id(w->db, &w->actor, reg.set_id, &set, &err);
	if (rc == 0)
		has_self = models_assessment(w->db, &w->actor, id, "self", &self,
		    &ignored) == 0;
	if (rc == 0)
		ch = xcalloc(set.n_items + 1, sizeof(*ch));
	/* A change is a value that differs from the self-assessment; only
	 * those are sent, each with the reason typed beside it. */
	for (i = 0; rc == 0 && i < set.n_items; i++) {
		const struct criteria_item *it = &set.items[i];
		const struct model_value *sv;
		const char *s;
		int64_t x100 = 0;
		int met, na;

		if (it->parent_code == NULL || strcmp(it->kind, CRIT_RATIO) == 0 ||
		    !criteria_applies(it, reg.subject_group))
			continue;
		sv = has_self ? value_of(&self, it->code) : NULL;
		na = http_form(req, fname(req, "na", it->code)) != NULL;
		met = http_form(req, fname(req, "m", it->code)) != NULL;
		s = http_form(req, fname(req, "v", it->code));
		if (strcmp(it->kind, CRIT_POINTS) == 0 && !na && s != NULL &&
		    s[0] != '\0' && !parse_points(s, &x100)) {
			rc = kh_fail_field(&err, KH_E_INVALID, it->code,
			    N_("Enter the points of %s as a number."), it->code);
			break;
		}
		if (sv != NULL && na == sv->na &&
		    (na || (strcmp(it->kind, CRIT_POINTS) == 0 ?
		    x100 == sv->entered_x100 : met == sv->met)))
			continue;
		ch[n].code = it->code;
		ch[n].value_x100 = x100;
		ch[n].met = met;
		ch[n].na = na;
		ch[n].reason = http_form(req, fname(req, "r", it->code));
		n++;
	}
	if (rc == 0)
		rc = models_verify(w->db, &w->actor, id, ch, n,
		    http_form(req, "note"), &err);
	free(ch);
	if (has_self)
		model_assessment_cleanup(&self);
	criteria_set_cleanup(&set);
	model_registration_cleanup(&reg);
	finish(req, resp, id, rc, AT_ASSESS, &err);
	return 0;
}

int
page_registration_action(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const char *action = http_param(req, "action");
	const char *reason = http_form(req, "reason");
	int64_t id = path_id(req, "id");
	enum err_at at;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (strcmp(action, "propose") == 0) {
		at = AT_PROPOSE;
		rc = models_propose(w->db, &w->actor, id, reason, &err);
	} else if (strcmp(action, "return") == 0) {
		at = AT_RETURN;
		rc = models_return(w->db, &w->actor, id, reason, &err);
	} else if (strcmp(action, "withdraw") == 0) {
		at = AT_WITHDRAW;
		rc = models_withdraw(w->db, &w->actor, id, reason, &err);
	} else {
		web_error_kind(req, resp, KH_E_NOT_FOUND);
		return 0;
	}
	finish(req, resp, id, rc, at, &err);
	return 0;
}

int
page_registration_evidence_add(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const struct http_file *f = http_file(req, "file");
	const char *item = http_form(req, "item_code");
	int64_t id = path_id(req, "id"), eid = 0;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (f == NULL || f->len == 0)
		rc = kh_fail_field(&err, KH_E_INVALID, "file",
		    N_("Choose a file to send."), NULL);
	else
		rc = models_evidence_add(w->db, &w->actor, id,
		    item != NULL && item[0] != '\0' ? item : NULL, f->filename,
		    f->content_type, f->data, f->len, &eid, &err);
	finish(req, resp, id, rc, AT_EVIDENCE, &err);
	return 0;
}

int
page_registration_evidence_get(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_evidence e;
	struct buf disp = BUF_INIT;
	const char *ct;

	if (web_need_login(req, resp) != 0)
		return 0;
	memset(&e, 0, sizeof(e));
	if (models_evidence_get(w->db, &w->actor, path_id(req, "eid"), &e,
	    &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	if (e.registration_id != path_id(req, "id")) {
		web_error_kind(req, resp, KH_E_NOT_FOUND);
		goto out;
	}
	/* Only types a browser shows harmlessly are given as such; anything
	 * else (HTML, SVG with scripts) is a download. */
	ct = e.content_type != NULL && (strcmp(e.content_type, "application/pdf") == 0 ||
	    strcmp(e.content_type, "image/jpeg") == 0 ||
	    strcmp(e.content_type, "image/png") == 0) ? e.content_type :
	    "application/octet-stream";
	resp->content_type = arena_strdup(&req->arena, ct);
	buf_reset(&resp->body);
	buf_append(&resp->body, e.data, e.size);
	buf_puts(&disp, "attachment; filename=\"evidence\"; filename*=UTF-8''");
	html_url(&disp, e.name);
	http_resp_header(req, resp, "Content-Disposition", buf_str(&disp));
out:
	buf_free(&disp);
	model_evidence_cleanup(&e);
	return 0;
}
