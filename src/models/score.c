/*
 * score.c - the scoring engine: answers against a criteria set give points
 * per criterion and in all, prerequisites, minimum per criterion, band, or
 * the level reached. Pure computation; ratio figures come in with the
 * answers (assess.c computes them from the database).
 *
 * Points scale: a points indicator gives what was entered; a met bool or
 * ratio indicator gives its maximum; "not applicable" (where allowed) gives
 * the maximum, so a family without school-age children is not penalised on
 * criterion A1 (a hypothesis marked in data/criteria/README.md). The
 * standard is reached when every prerequisite is met, every criterion
 * reaches min_ratio_per_criterion of its maximum, the total reaches
 * min_total, and, when the set has bands, the total falls in one.
 *
 * Levels scale (TT 24/2023, TT 25/2023): level L is reached when level L-1
 * is, and every indicator of the criteria level L lists that starts at or
 * below L is met at L (a ratio at the threshold of the highest level at or
 * below L that defines one). "Not applicable" counts as met.
 */
#include "models/models_impl.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
model_score_cleanup(struct model_score *s)
{
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static void
failed_add(struct model_score *out, const char *code)
{
	size_t n = strlen(out->failed);

	if (n + strlen(code) + 3 < sizeof(out->failed))
		snprintf(out->failed + n, sizeof(out->failed) - n, "%s%s",
		    n > 0 ? ", " : "", code);
}

static bool
ratio_met(int64_t num, int64_t den, int64_t bp)
{
	return bp >= 0 && den > 0 && num >= 0 && num * 10000 >= bp * den;
}

/* Met at level l (levels scale). */
static bool
met_at(const struct criteria_item *it, const struct model_answer *ans, int l)
{
	if (it->from_level > l)
		return true;
	if (ans == NULL)
		return false;
	if (ans->na)
		return true;
	if (strcmp(it->kind, CRIT_RATIO) == 0)
		return ratio_met(ans->num, ans->den, models_level_threshold(it, l));
	return ans->met != 0;
}

static int
check_answers(const struct criteria_set *s, const struct model_answer *answers,
    size_t n, const struct model_answer **by_item, struct kh_err *err)
{
	for (size_t k = 0; k < n; k++) {
		const struct model_answer *an = &answers[k];
		const struct criteria_item *it = NULL;
		size_t i;

		if (an->code == NULL)
			return kh_fail(err, KH_E_INVALID, N_("An answer lacks its"
			    " indicator code."), NULL);
		for (i = 0; i < s->n_items; i++)
			if (strcmp(s->items[i].code, an->code) == 0) {
				it = &s->items[i];
				break;
			}
		if (it == NULL || it->parent_code == NULL)
			return kh_fail_field(err, KH_E_INVALID, "code",
			    N_("The criteria set has no indicator %s."), an->code);
		if (by_item[i] != NULL)
			return kh_fail_field(err, KH_E_INVALID, an->code,
			    N_("The indicator %s is answered twice."), an->code);
		if (an->na && !it->na_allowed)
			return kh_fail_field(err, KH_E_INVALID, an->code,
			    N_("The indicator %s cannot be marked not applicable."),
			    an->code);
		if (!an->na && strcmp(it->kind, CRIT_POINTS) == 0 &&
		    (an->value_x100 < 0 || an->value_x100 > it->max_x100))
			return kh_fail_field(err, KH_E_INVALID, an->code,
			    N_("The points of %s lie outside 0 to its maximum."),
			    an->code);
		if (strcmp(it->kind, CRIT_RATIO) == 0 &&
		    (an->num < 0 || an->den < 0 || an->num > an->den))
			return kh_fail_field(err, KH_E_INVALID, an->code,
			    N_("The figure of %s is not a share."), an->code);
		by_item[i] = an;
	}
	return 0;
}

static void
score_points(const struct criteria_set *s,
    const struct model_answer *const *by_item, struct model_score *out)
{
	struct model_item_score *crit = NULL;

	for (size_t i = 0; i < s->n_items; i++) {
		const struct criteria_item *it = &s->items[i];
		const struct model_answer *an = by_item[i];
		struct model_item_score *is = &out->items[i];

		if (it->parent_code == NULL) {
			crit = is;
			continue;
		}
		if (!is->applies)
			continue;
		is->max_x100 = it->max_x100;
		if (an != NULL && an->na) {
			is->na = 1;
			is->met = 1;
			is->points_x100 = it->max_x100;
		} else if (strcmp(it->kind, CRIT_POINTS) == 0) {
			is->points_x100 = an != NULL ? an->value_x100 : 0;
			is->met = is->points_x100 > 0;
		} else if (strcmp(it->kind, CRIT_BOOL) == 0) {
			is->met = an != NULL && an->met;
			is->points_x100 = is->met ? it->max_x100 : 0;
		} else {	/* ratio */
			if (an != NULL) {
				is->num = an->num;
				is->den = an->den;
			}
			is->met = ratio_met(is->num, is->den, it->min_ratio_bp);
			is->points_x100 = is->met ? it->max_x100 : 0;
		}
		is->ok = !(it->required && !is->met);
		if (!is->ok) {
			out->prerequisites_met = false;
			failed_add(out, it->code);
		}
		if (crit != NULL) {
			crit->points_x100 += is->points_x100;
			crit->max_x100 += is->max_x100;
		}
	}
	for (size_t i = 0; i < s->n_items; i++) {
		struct model_item_score *is = &out->items[i];

		if (!is->criterion)
			continue;
		is->ok = s->min_ratio_per_criterion_bp < 0 || is->max_x100 == 0 ||
		    is->points_x100 * 10000 >=
		    s->min_ratio_per_criterion_bp * is->max_x100;
		is->met = is->ok;
		if (!is->ok) {
			out->criteria_min_met = false;
			failed_add(out, is->code);
		}
		out->total_x100 += is->points_x100;
		out->max_x100 += is->max_x100;
	}
	out->min_total_met = s->min_total_x100 < 0 ||
	    out->total_x100 >= s->min_total_x100;
	if (!out->min_total_met)
		failed_add(out, "min_total");
	out->achieved = out->prerequisites_met && out->criteria_min_met &&
	    out->min_total_met;
	if (s->n_bands > 0) {
		const struct criteria_band *band = NULL;

		for (size_t b = 0; b < s->n_bands; b++)
			if (out->total_x100 >= s->bands[b].min_x100) {
				band = &s->bands[b];
				break;
			}
		if (band == NULL) {
			out->achieved = false;
			failed_add(out, "bands");
		} else if (out->achieved)
			snprintf(out->band, sizeof(out->band), "%s", band->code);
	}
}

static bool
level_lists(const struct criteria_level *l, const char *crit)
{
	for (size_t k = 0; k < l->n_criteria; k++)
		if (strcmp(l->criteria[k], crit) == 0)
			return true;
	return false;
}

static void
score_levels(const struct criteria_set *s,
    const struct model_answer *const *by_item, struct model_score *out)
{
	int reached = 0;

	/* Each indicator: the highest level it meets without a gap. */
	for (size_t i = 0; i < s->n_items; i++) {
		const struct criteria_item *it = &s->items[i];
		struct model_item_score *is = &out->items[i];
		const struct model_answer *an = by_item[i];

		if (it->parent_code == NULL || !is->applies)
			continue;
		if (an != NULL) {
			is->na = an->na;
			is->num = an->num;
			is->den = an->den;
		}
		is->level_met = 0;
		for (int l = 1; l <= (int)s->n_levels; l++) {
			if (!met_at(it, an, l))
				break;
			is->level_met = l;
		}
		is->met = met_at(it, an, it->from_level);
		is->ok = true;
	}
	for (size_t li = 0; li < s->n_levels; li++) {
		const struct criteria_level *lv = &s->levels[li];
		bool all = true;

		for (size_t i = 0; i < s->n_items; i++) {
			const struct criteria_item *it = &s->items[i];

			if (it->parent_code == NULL || !out->items[i].applies ||
			    !level_lists(lv, it->parent_code))
				continue;
			if (!met_at(it, by_item[i], lv->level))
				all = false;
		}
		if (!all)
			break;
		reached = lv->level;
	}
	out->level = reached;
	out->achieved = reached >= 1;
	out->prerequisites_met = out->achieved;
	/* What stands in the way of the next level. */
	if ((size_t)reached < s->n_levels) {
		const struct criteria_level *next = &s->levels[reached];

		for (size_t i = 0; i < s->n_items; i++) {
			const struct criteria_item *it = &s->items[i];

			if (it->parent_code == NULL || !out->items[i].applies ||
			    !level_lists(next, it->parent_code))
				continue;
			if (!met_at(it, by_item[i], next->level)) {
				out->items[i].ok = false;
				failed_add(out, it->code);
			}
		}
	}
	/* A criterion is met when all its indicators meet its first level. */
	for (size_t i = 0; i < s->n_items; i++) {
		struct model_item_score *crit = &out->items[i];

		if (!crit->criterion)
			continue;
		crit->met = 1;
		crit->ok = true;
		crit->level_met = (int)s->n_levels;
		for (size_t k = 0; k < s->n_items; k++) {
			if (s->items[k].parent_code == NULL || !out->items[k].applies ||
			    strcmp(s->items[k].parent_code, crit->code) != 0)
				continue;
			if (!out->items[k].met)
				crit->met = 0;
			if (!out->items[k].ok)
				crit->ok = false;
			if (out->items[k].level_met < crit->level_met)
				crit->level_met = out->items[k].level_met;
		}
	}
}

int
models_score(const struct criteria_set *s, int group,
    const struct model_answer *answers, size_t n, struct model_score *out,
    struct kh_err *err)
{
	const struct model_answer **by_item;
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->n_groups > 0) {
		bool known = false;

		for (size_t g = 0; g < s->n_groups; g++)
			if (s->groups[g].group == group)
				known = true;
		if (!known)
			return kh_fail_field(err, KH_E_INVALID, "subject_group",
			    N_("Choose one of the subject groups of the criteria"
			    " set."), NULL);
	}
	by_item = xcalloc(s->n_items + 1, sizeof(*by_item));
	rc = check_answers(s, answers, n, by_item, err);
	if (rc != 0) {
		free(by_item);
		return rc;
	}
	out->items = xcalloc(s->n_items + 1, sizeof(*out->items));
	out->n_items = s->n_items;
	out->prerequisites_met = true;
	out->criteria_min_met = true;
	out->min_total_met = true;
	for (size_t i = 0; i < s->n_items; i++) {
		struct model_item_score *is = &out->items[i];

		snprintf(is->code, sizeof(is->code), "%s", s->items[i].code);
		is->criterion = s->items[i].parent_code == NULL;
		is->applies = criteria_applies(&s->items[i], group);
		is->ok = true;
	}
	if (strcmp(s->scale, "levels") == 0)
		score_levels(s, by_item, out);
	else
		score_points(s, by_item, out);
	free(by_item);
	return 0;
}
