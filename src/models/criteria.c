/*
 * criteria.c - criteria sets: the JSON format of data/criteria (parsing and
 * checks), storing versions, loading a folder of files, administrators'
 * edits as new versions, and choosing the set a registration uses.
 *
 * The format is described in data/criteria/README.md. Any number or date may
 * be written bare or wrapped as {"value": v, "verified": b, "ref": "S1"}; a
 * bare one takes the set's own "verified" flag. Every text or value left
 * unverified is counted in n_unverified, so that lists show how much of a set
 * is still a hypothesis.
 */
#include "models/models_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/vntext.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CRITERIA_FILE_MAX (1024 * 1024)
#define POINTS_MAX 10000.0

void
criteria_set_cleanup(struct criteria_set *s)
{
	size_t i, k;

	if (s == NULL)
		return;
	free(s->code);
	free(s->model);
	free(s->title_vi);
	free(s->title_en);
	free(s->legal_basis);
	free(s->ref);
	free(s->note_vi);
	free(s->effective_from);
	free(s->effective_to);
	free(s->scale);
	free(s->certificate_prefix);
	for (i = 0; i < s->n_bands; i++) {
		free(s->bands[i].code);
		free(s->bands[i].label_vi);
		free(s->bands[i].label_en);
	}
	free(s->bands);
	for (i = 0; i < s->n_levels; i++) {
		free(s->levels[i].label_vi);
		free(s->levels[i].label_en);
		for (k = 0; k < s->levels[i].n_criteria; k++)
			free(s->levels[i].criteria[k]);
		free(s->levels[i].criteria);
	}
	free(s->levels);
	for (i = 0; i < s->n_groups; i++) {
		free(s->groups[i].label_vi);
		free(s->groups[i].label_en);
	}
	free(s->groups);
	for (i = 0; i < s->n_items; i++) {
		struct criteria_item *it = &s->items[i];

		free(it->code);
		free(it->parent_code);
		free(it->kind);
		free(it->title_vi);
		free(it->title_en);
		free(it->ref);
		free(it->note_vi);
		free(it->source);
	}
	free(s->items);
	free(s->origin);
	free(s->json);
	free(s->sha256);
	memset(s, 0, sizeof(*s));
}

void
criteria_set_list_cleanup(struct criteria_set_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		criteria_set_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

const struct criteria_item *
criteria_find(const struct criteria_set *s, const char *code)
{
	for (size_t i = 0; i < s->n_items; i++)
		if (strcmp(s->items[i].code, code) == 0)
			return &s->items[i];
	return NULL;
}

bool
criteria_applies(const struct criteria_item *it, int group)
{
	if (it->groups == 0 || group <= 0 || group > 30)
		return true;
	return (it->groups & (1u << group)) != 0;
}

int64_t
models_level_threshold(const struct criteria_item *it, int level)
{
	for (int l = level; l >= 1; l--)
		if (l <= MODELS_MAX_LEVEL && it->level_ratio_bp[l] >= 0)
			return it->level_ratio_bp[l];
	return -1;
}

/* Parsing. */

struct pctx {
	bool set_verified;	/* default of bare values */
	int unverified;		/* count so far */
	struct kh_err *err;
};

static int
bad(struct pctx *c, const char *field, const char *msgid, const char *arg)
{
	return kh_fail_field(c->err, KH_E_INVALID, field, msgid, arg);
}

/*
 * The value of a possibly wrapped scalar; *verified receives its flag.
 * Returns NULL when absent or JSON null.
 */
static json_t *
unwrap(struct pctx *c, json_t *v, bool *verified)
{
	json_t *f;

	*verified = c->set_verified;
	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_object(v)) {
		f = json_object_get(v, "verified");
		if (f != NULL)
			*verified = json_is_true(f);
		v = json_object_get(v, "value");
		if (v == NULL || json_is_null(v))
			return NULL;
	}
	if (!*verified)
		c->unverified++;
	return v;
}

/* A required non-empty text, valid UTF-8; *out is a copy. */
static int
get_text(struct pctx *c, json_t *o, const char *key, const char *field,
    bool required, char **out)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return bad(c, field, N_("The criteria set lacks the field %s."),
			    key);
		return 0;
	}
	if (!json_is_string(v))
		return bad(c, field, N_("The field %s must be a text."), key);
	s = json_string_value(v);
	if (required && s[0] == '\0')
		return bad(c, field, N_("The criteria set lacks the field %s."), key);
	*out = vn_nfc(s, strlen(s));
	if (*out == NULL)
		return bad(c, field, N_("The text is not valid UTF-8."), NULL);
	return 0;
}

/* The item's own "verified" flag (default: the set's). */
static bool
get_verified(struct pctx *c, json_t *o)
{
	json_t *v = json_object_get(o, "verified");
	bool ok = v != NULL ? json_is_true(v) : c->set_verified;

	if (!ok)
		c->unverified++;
	return ok;
}

/* Points (bare or wrapped) into hundredths; -1 when absent and optional. */
static int
get_points(struct pctx *c, json_t *o, const char *key, const char *field,
    bool required, int64_t *x100, bool *verified)
{
	json_t *v = unwrap(c, json_object_get(o, key), verified);
	double d;

	*x100 = -1;
	if (v == NULL) {
		*verified = true;	/* an absent value is not a hypothesis */
		if (required)
			return bad(c, field, N_("The criteria set lacks the field %s."),
			    key);
		return 0;
	}
	if (!json_is_number(v))
		return bad(c, field, N_("The field %s must be a number."), key);
	d = json_number_value(v);
	if (!(d >= 0 && d <= POINTS_MAX))
		return bad(c, field, N_("Points must lie between 0 and 10000."),
		    NULL);
	*x100 = llround(d * 100);
	return 0;
}

/* A share 0 < r <= 1 into basis points. */
static int
share_of(struct pctx *c, json_t *v, const char *field, int64_t *bp)
{
	double d;

	if (v == NULL || !json_is_number(v))
		return bad(c, field, N_("A share must be a number between 0 and 1."),
		    NULL);
	d = json_number_value(v);
	if (!(d > 0 && d <= 1))
		return bad(c, field, N_("A share must be a number between 0 and 1."),
		    NULL);
	*bp = llround(d * 10000);
	return 0;
}

static int
get_date(struct pctx *c, json_t *o, const char *key, bool required, char **out,
    bool *verified)
{
	json_t *v = unwrap(c, json_object_get(o, key), verified);

	*out = NULL;
	if (v == NULL) {
		*verified = true;
		if (required)
			return bad(c, key, N_("The criteria set lacks the field %s."),
			    key);
		return 0;
	}
	if (!json_is_string(v) || !date_valid(json_string_value(v)))
		return bad(c, key, N_("%s is not a valid date."),
		    json_is_string(v) ? json_string_value(v) : key);
	*out = xstrdup(json_string_value(v));
	return 0;
}

static bool
code_ok(const char *s, bool set_code)
{
	size_t n = strlen(s);

	if (n == 0 || n > MODELS_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (set_code ? !(islower(ch) || isdigit(ch) || ch == '-') :
		    !(isalnum(ch) || ch == '.' || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

bool
models_model_valid(const char *m)
{
	static const char *const all[] = {MODEL_CITIZEN, MODEL_FAMILY,
	    MODEL_CLAN, MODEL_COMMUNITY, MODEL_UNIT, MODEL_COMMUNE_COMMUNITY, NULL};

	for (const char *const *p = all; m != NULL && *p != NULL; p++)
		if (strcmp(m, *p) == 0)
			return true;
	return false;
}

static bool
source_valid(const char *model, const char *src)
{
	if (strcmp(src, MODELS_SRC_CLAN_FAMILIES) == 0)
		return strcmp(model, MODEL_CLAN) == 0;
	if (strcmp(src, MODELS_SRC_VILLAGE_FAMILIES) == 0 ||
	    strcmp(src, MODELS_SRC_UNIT_CITIZENS) == 0)
		return strcmp(model, MODEL_COMMUNITY) == 0 ||
		    strcmp(model, MODEL_UNIT) == 0 ||
		    strcmp(model, MODEL_COMMUNE_COMMUNITY) == 0;
	return false;
}

static struct criteria_item *
item_add(struct criteria_set *s, size_t *cap)
{
	struct criteria_item *it;

	if (s->n_items == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		s->items = xrealloc(s->items, *cap * sizeof(*it));
	}
	it = &s->items[s->n_items++];
	memset(it, 0, sizeof(*it));
	it->min_ratio_bp = -1;
	for (int l = 0; l <= MODELS_MAX_LEVEL; l++)
		it->level_ratio_bp[l] = -1;
	it->from_level = 1;
	it->max_verified = true;
	it->min_ratio_verified = true;
	return it;
}

static int
parse_groups_filter(struct pctx *c, const struct criteria_set *s, json_t *v,
    const char *field, unsigned *mask)
{
	size_t i;
	json_t *g;

	*mask = 0;
	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return bad(c, field, N_("subject_groups must list group numbers."),
		    NULL);
	json_array_foreach(v, i, g) {
		json_int_t n = json_is_integer(g) ? json_integer_value(g) : 0;
		bool known = false;

		for (size_t k = 0; k < s->n_groups; k++)
			if (s->groups[k].group == n)
				known = true;
		if (!known)
			return bad(c, field,
			    N_("subject_groups names a group the set does not define."),
			    NULL);
		*mask |= 1u << n;
	}
	return 0;
}

static int
parse_indicator(struct pctx *c, struct criteria_set *s, json_t *o,
    const char *parent, const char *field, size_t *cap)
{
	struct criteria_item *it;
	bool points_scale = strcmp(s->scale, "points") == 0;
	char f[128];
	json_t *v;
	int rc;

	if (!json_is_object(o))
		return bad(c, field, N_("Each indicator must be an object."), NULL);
	it = item_add(s, cap);
	it->parent_code = xstrdup(parent);
	if ((rc = get_text(c, o, "code", field, true, &it->code)) != 0 ||
	    (rc = get_text(c, o, "kind", field, true, &it->kind)) != 0 ||
	    (rc = get_text(c, o, "title_vi", field, true, &it->title_vi)) != 0 ||
	    (rc = get_text(c, o, "title_en", field, false, &it->title_en)) != 0 ||
	    (rc = get_text(c, o, "ref", field, false, &it->ref)) != 0 ||
	    (rc = get_text(c, o, "note_vi", field, false, &it->note_vi)) != 0)
		return rc;
	if (!code_ok(it->code, false))
		return bad(c, field, N_("%s is not a valid code."), it->code);
	it->verified = get_verified(c, o);
	it->required = json_is_true(json_object_get(o, "required"));
	it->na_allowed = json_is_true(json_object_get(o, "na_allowed"));
	snprintf(f, sizeof(f), "%s.subject_groups", field);
	rc = parse_groups_filter(c, s, json_object_get(o, "subject_groups"), f,
	    &it->groups);
	if (rc != 0)
		return rc;
	v = json_object_get(o, "from_level");
	if (v != NULL) {
		if (points_scale || !json_is_integer(v) ||
		    json_integer_value(v) < 1 ||
		    json_integer_value(v) > MODELS_MAX_LEVEL)
			return bad(c, field,
			    N_("from_level must be a level of a levels-scale set."),
			    NULL);
		it->from_level = (int)json_integer_value(v);
	}
	snprintf(f, sizeof(f), "%s.max", field);
	if (strcmp(it->kind, CRIT_POINTS) == 0) {
		if (!points_scale)
			return bad(c, field, N_("Indicators of kind %s need the"
			    " points scale."), it->kind);
		rc = get_points(c, o, "max", f, true, &it->max_x100,
		    &it->max_verified);
		if (rc == 0 && it->max_x100 <= 0)
			rc = bad(c, f, N_("An indicator of points needs a maximum"
			    " above 0."), NULL);
		if (rc == 0 && it->required)
			rc = bad(c, field, N_("Only met-or-not indicators can be"
			    " prerequisites."), NULL);
		return rc;
	}
	if (strcmp(it->kind, CRIT_BOOL) == 0) {
		if (!points_scale)
			return bad(c, field, N_("Indicators of kind %s need the"
			    " points scale."), it->kind);
		rc = get_points(c, o, "max", f, true, &it->max_x100,
		    &it->max_verified);
		if (rc == 0 && it->max_x100 == 0 && !it->required)
			rc = bad(c, field, N_("An indicator worth no points must"
			    " be a prerequisite (required)."), NULL);
		return rc;
	}
	if (strcmp(it->kind, CRIT_LEVEL) == 0) {
		if (points_scale)
			return bad(c, field, N_("Indicators of kind %s need the"
			    " levels scale."), it->kind);
		it->max_x100 = 0;
		return 0;
	}
	if (strcmp(it->kind, CRIT_RATIO) != 0)
		return bad(c, field, N_("%s is not a known kind of indicator."),
		    it->kind);
	rc = get_text(c, o, "source", field, true, &it->source);
	if (rc != 0)
		return rc;
	if (!source_valid(s->model, it->source))
		return bad(c, field, N_("%s is not a computation this model can"
		    " use."), it->source);
	if (points_scale) {
		bool ver;

		rc = get_points(c, o, "max", f, true, &it->max_x100,
		    &it->max_verified);
		if (rc == 0 && it->max_x100 == 0 && !it->required)
			rc = bad(c, field, N_("An indicator worth no points must"
			    " be a prerequisite (required)."), NULL);
		if (rc != 0)
			return rc;
		snprintf(f, sizeof(f), "%s.min_ratio", field);
		v = unwrap(c, json_object_get(o, "min_ratio"), &ver);
		it->min_ratio_verified = ver;
		return share_of(c, v, f, &it->min_ratio_bp);
	} else {
		json_t *arr = json_object_get(o, "min_ratio_by_level"), *e;
		size_t i;

		snprintf(f, sizeof(f), "%s.min_ratio_by_level", field);
		if (!json_is_array(arr) || json_array_size(arr) == 0)
			return bad(c, f, N_("A ratio indicator of a levels-scale set"
			    " needs min_ratio_by_level."), NULL);
		json_array_foreach(arr, i, e) {
			json_t *lv = json_object_get(e, "level");
			json_int_t l = json_is_integer(lv) ? json_integer_value(lv) : 0;
			bool ver = true;

			if (l < 1 || l > MODELS_MAX_LEVEL)
				return bad(c, f, N_("A level must be a number from 1"
				    " to 5."), NULL);
			rc = share_of(c, unwrap(c, e, &ver), f,
			    &it->level_ratio_bp[l]);
			if (rc != 0)
				return rc;
			it->level_ratio_verified[l] = ver;
		}
		if (models_level_threshold(it, it->from_level) < 0)
			return bad(c, f, N_("The indicator %s has no threshold at"
			    " the first level that requires it."), it->code);
		it->max_x100 = 0;
		return 0;
	}
}

static int
parse_criteria(struct pctx *c, struct criteria_set *s, json_t *arr)
{
	size_t i, j, cap = 0;
	json_t *o, *ind;
	char field[64];
	int rc;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return bad(c, "criteria", N_("The criteria set lacks the field %s."),
		    "criteria");
	json_array_foreach(arr, i, o) {
		struct criteria_item *cr;
		size_t at;

		snprintf(field, sizeof(field), "criteria[%zu]", i);
		if (!json_is_object(o))
			return bad(c, field, N_("Each criterion must be an object."),
			    NULL);
		cr = item_add(s, &cap);
		at = s->n_items - 1;
		cr->kind = xstrdup("criterion");
		if ((rc = get_text(c, o, "code", field, true, &cr->code)) != 0 ||
		    (rc = get_text(c, o, "title_vi", field, true, &cr->title_vi)) != 0 ||
		    (rc = get_text(c, o, "title_en", field, false, &cr->title_en)) != 0 ||
		    (rc = get_text(c, o, "ref", field, false, &cr->ref)) != 0 ||
		    (rc = get_text(c, o, "note_vi", field, false, &cr->note_vi)) != 0)
			return rc;
		if (!code_ok(cr->code, false))
			return bad(c, field, N_("%s is not a valid code."), cr->code);
		cr->verified = get_verified(c, o);
		snprintf(field, sizeof(field), "criteria[%zu].max", i);
		rc = get_points(c, o, "max", field, false, &cr->max_x100,
		    &cr->max_verified);
		if (rc != 0)
			return rc;
		ind = json_object_get(o, "indicators");
		snprintf(field, sizeof(field), "criteria[%zu].indicators", i);
		if (!json_is_array(ind) || json_array_size(ind) == 0)
			return bad(c, field, N_("The criteria set lacks the field %s."),
			    "indicators");
		json_array_foreach(ind, j, o) {
			char *parent = xstrdup(s->items[at].code);

			snprintf(field, sizeof(field), "criteria[%zu].indicators[%zu]",
			    i, j);
			rc = parse_indicator(c, s, o, parent, field, &cap);
			free(parent);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Most points of a criterion (or of the form when crit is NULL) for group g. */
static int64_t
sum_max(const struct criteria_set *s, const char *crit, int g)
{
	int64_t sum = 0;

	for (size_t i = 0; i < s->n_items; i++) {
		const struct criteria_item *it = &s->items[i];

		if (it->parent_code == NULL || !criteria_applies(it, g))
			continue;
		if (crit == NULL || strcmp(it->parent_code, crit) == 0)
			sum += it->max_x100;
	}
	return sum;
}

static int
check_totals(struct pctx *c, struct criteria_set *s)
{
	int first = s->n_groups > 0 ? s->groups[0].group : 0;
	size_t i, k;

	/* Codes are unique. */
	for (i = 0; i < s->n_items; i++)
		for (k = i + 1; k < s->n_items; k++)
			if (strcmp(s->items[i].code, s->items[k].code) == 0)
				return bad(c, "criteria", N_("The code %s is used twice"
				    " in the criteria set."), s->items[i].code);
	/* A declared criterion maximum matches its indicators, in every form. */
	for (i = 0; i < s->n_items; i++) {
		struct criteria_item *cr = &s->items[i];

		if (cr->parent_code != NULL)
			continue;
		for (k = 0; k < (s->n_groups > 0 ? s->n_groups : 1); k++) {
			int g = s->n_groups > 0 ? s->groups[k].group : 0;
			int64_t sum = sum_max(s, cr->code, g);

			if (cr->max_x100 >= 0 && cr->max_x100 != sum)
				return bad(c, "criteria", N_("The points of criterion"
				    " %s do not add up to its maximum."), cr->code);
		}
		if (cr->max_x100 < 0)
			cr->max_x100 = sum_max(s, cr->code, first);
	}
	s->max_total_x100 = sum_max(s, NULL, first);
	if (strcmp(s->scale, "points") == 0 && s->max_total_x100 <= 0)
		return bad(c, "criteria", N_("A points-scale set needs indicators"
		    " worth points."), NULL);
	if (s->min_total_x100 > s->max_total_x100)
		return bad(c, "thresholds.min_total", N_("The minimum total is above"
		    " the most points a form can reach."), NULL);
	for (i = 0; i < s->n_bands; i++)
		if (s->bands[i].min_x100 > s->max_total_x100)
			return bad(c, "thresholds.bands", N_("The band %s starts above"
			    " the most points a form can reach."), s->bands[i].code);
	return 0;
}

static int
band_cmp(const void *pa, const void *pb)
{
	const struct criteria_band *a = pa, *b = pb;

	return a->min_x100 > b->min_x100 ? -1 : a->min_x100 < b->min_x100;
}

static int
parse_thresholds(struct pctx *c, struct criteria_set *s, json_t *t)
{
	json_t *bands, *levels, *e, *v;
	bool points_scale = strcmp(s->scale, "points") == 0;
	char field[64];
	size_t i, k;
	int rc;

	s->min_total_x100 = -1;
	s->min_ratio_per_criterion_bp = -1;
	s->min_total_verified = true;
	s->min_ratio_per_criterion_verified = true;
	if (t == NULL)
		t = json_object();
	else
		json_incref(t);
	if (!json_is_object(t)) {
		json_decref(t);
		return bad(c, "thresholds", N_("thresholds must be an object."),
		    NULL);
	}
	rc = get_points(c, t, "min_total", "thresholds.min_total", false,
	    &s->min_total_x100, &s->min_total_verified);
	if (rc == 0) {
		bool ver;

		v = unwrap(c, json_object_get(t, "min_ratio_per_criterion"), &ver);
		s->min_ratio_per_criterion_verified = ver;
		if (v != NULL)
			rc = share_of(c, v, "thresholds.min_ratio_per_criterion",
			    &s->min_ratio_per_criterion_bp);
		else
			s->min_ratio_per_criterion_verified = true;
	}
	bands = json_object_get(t, "bands");
	if (rc == 0 && bands != NULL) {
		if (!json_is_array(bands) || !points_scale)
			rc = bad(c, "thresholds.bands", N_("Bands need a list on a"
			    " points-scale set."), NULL);
		else {
			s->n_bands = json_array_size(bands);
			s->bands = xcalloc(s->n_bands + 1, sizeof(*s->bands));
			json_array_foreach(bands, i, e) {
				struct criteria_band *b = &s->bands[i];
				bool ver;

				snprintf(field, sizeof(field), "thresholds.bands[%zu]", i);
				if ((rc = get_text(c, e, "code", field, true, &b->code)) != 0 ||
				    (rc = get_text(c, e, "label_vi", field, true,
				    &b->label_vi)) != 0 ||
				    (rc = get_text(c, e, "label_en", field, false,
				    &b->label_en)) != 0 ||
				    (rc = get_points(c, e, "min", field, true,
				    &b->min_x100, &ver)) != 0)
					break;
				b->verified = ver;
				if (strlen(b->code) >= 16) {
					rc = bad(c, field, N_("%s is not a valid code."),
					    b->code);
					break;
				}
			}
			if (rc == 0)
				qsort(s->bands, s->n_bands, sizeof(*s->bands), band_cmp);
		}
	}
	levels = json_object_get(t, "levels");
	if (rc == 0 && !points_scale) {
		if (!json_is_array(levels) || json_array_size(levels) == 0 ||
		    json_array_size(levels) > MODELS_MAX_LEVEL)
			rc = bad(c, "thresholds.levels", N_("A levels-scale set needs"
			    " its levels (1 to 5)."), NULL);
		else {
			s->n_levels = json_array_size(levels);
			s->levels = xcalloc(s->n_levels + 1, sizeof(*s->levels));
			json_array_foreach(levels, i, e) {
				struct criteria_level *l = &s->levels[i];
				json_t *crit = json_object_get(e, "criteria"), *cc;

				snprintf(field, sizeof(field), "thresholds.levels[%zu]", i);
				v = json_object_get(e, "level");
				if (!json_is_integer(v) ||
				    json_integer_value(v) != (json_int_t)i + 1) {
					rc = bad(c, field, N_("Levels must be numbered 1, 2,"
					    " 3 in order."), NULL);
					break;
				}
				l->level = (int)i + 1;
				if ((rc = get_text(c, e, "label_vi", field, true,
				    &l->label_vi)) != 0 ||
				    (rc = get_text(c, e, "label_en", field, false,
				    &l->label_en)) != 0)
					break;
				l->verified = get_verified(c, e);
				if (!json_is_array(crit) || json_array_size(crit) == 0) {
					rc = bad(c, field, N_("A level must list the criteria"
					    " it requires."), NULL);
					break;
				}
				l->n_criteria = json_array_size(crit);
				l->criteria = xcalloc(l->n_criteria, sizeof(char *));
				json_array_foreach(crit, k, cc) {
					const struct criteria_item *it;

					it = json_is_string(cc) ?
					    criteria_find(s, json_string_value(cc)) : NULL;
					if (it == NULL || it->parent_code != NULL) {
						rc = bad(c, field, N_("A level names a criterion"
						    " the set does not define."), NULL);
						break;
					}
					l->criteria[k] = xstrdup(it->code);
				}
				if (rc != 0)
					break;
			}
		}
		for (i = 0; rc == 0 && i < s->n_items; i++)
			if (s->items[i].parent_code != NULL &&
			    (size_t)s->items[i].from_level > s->n_levels)
				rc = bad(c, "criteria", N_("The indicator %s starts at a"
				    " level the set does not define."), s->items[i].code);
	} else if (rc == 0 && levels != NULL)
		rc = bad(c, "thresholds.levels", N_("Levels need the levels scale."),
		    NULL);
	json_decref(t);
	return rc;
}

static int
parse_subject_groups(struct pctx *c, struct criteria_set *s, json_t *arr)
{
	char field[64];
	size_t i, k;
	json_t *e;
	int rc;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > 9)
		return bad(c, "subject_groups", N_("subject_groups must list 1 to 9"
		    " groups."), NULL);
	s->n_groups = json_array_size(arr);
	s->groups = xcalloc(s->n_groups, sizeof(*s->groups));
	json_array_foreach(arr, i, e) {
		struct criteria_group *g = &s->groups[i];
		json_t *v = json_object_get(e, "group");

		snprintf(field, sizeof(field), "subject_groups[%zu]", i);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 9)
			return bad(c, field, N_("A subject group is numbered 1 to 9."),
			    NULL);
		g->group = (int)json_integer_value(v);
		for (k = 0; k < i; k++)
			if (s->groups[k].group == g->group)
				return bad(c, field, N_("A subject group is listed"
				    " twice."), NULL);
		if ((rc = get_text(c, e, "label_vi", field, true, &g->label_vi)) != 0 ||
		    (rc = get_text(c, e, "label_en", field, false, &g->label_en)) != 0)
			return rc;
		g->verified = get_verified(c, e);
	}
	return 0;
}

static char *
sha256_hex(const char *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];

	if (sodium_init() < 0)
		return NULL;
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return xstrdup(hex);
}

static int
parse_root(struct pctx *c, json_t *root, struct criteria_set *s)
{
	json_t *v;
	bool ver;
	int rc;

	if (!json_is_object(root))
		return bad(c, "", N_("A criteria set must be a JSON object."), NULL);
	v = json_object_get(root, "format");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) != 1))
		return bad(c, "format", N_("Unknown format of criteria set; this"
		    " version reads format 1."), NULL);
	v = json_object_get(root, "verified");
	s->verified = v != NULL && json_is_true(v);
	c->set_verified = s->verified;
	if (!s->verified)
		c->unverified++;
	if ((rc = get_text(c, root, "code", "code", true, &s->code)) != 0)
		return rc;
	if (!code_ok(s->code, true))
		return bad(c, "code", N_("%s is not a valid code (lower-case letters,"
		    " digits and hyphens)."), s->code);
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 100000)
		return bad(c, "version", N_("The version must be a whole number from"
		    " 1."), NULL);
	s->version = (int)json_integer_value(v);
	if ((rc = get_text(c, root, "model", "model", true, &s->model)) != 0)
		return rc;
	if (!models_model_valid(s->model))
		return bad(c, "model", N_("%s is not a known learning model."),
		    s->model);
	if ((rc = get_text(c, root, "title_vi", "title_vi", true, &s->title_vi)) != 0 ||
	    (rc = get_text(c, root, "title_en", "title_en", false, &s->title_en)) != 0 ||
	    (rc = get_text(c, root, "legal_basis", "legal_basis", true,
	    &s->legal_basis)) != 0 ||
	    (rc = get_text(c, root, "ref", "ref", false, &s->ref)) != 0 ||
	    (rc = get_text(c, root, "note_vi", "note_vi", false, &s->note_vi)) != 0 ||
	    (rc = get_text(c, root, "certificate_prefix", "certificate_prefix",
	    false, &s->certificate_prefix)) != 0 ||
	    (rc = get_text(c, root, "scale", "scale", true, &s->scale)) != 0)
		return rc;
	if (strcmp(s->scale, "points") != 0 && strcmp(s->scale, "levels") != 0)
		return bad(c, "scale", N_("The scale must be points or levels."),
		    NULL);
	if (s->certificate_prefix != NULL &&
	    (strlen(s->certificate_prefix) > 16 ||
	    strpbrk(s->certificate_prefix, " /\\") != NULL))
		return bad(c, "certificate_prefix", N_("The certificate prefix has"
		    " at most 16 characters and no spaces or slashes."), NULL);
	s->is_default = json_is_true(json_object_get(root, "default"));
	if ((rc = get_date(c, root, "effective_from", true, &s->effective_from,
	    &s->dates_verified)) != 0 ||
	    (rc = get_date(c, root, "effective_to", false, &s->effective_to,
	    &ver)) != 0)
		return rc;
	s->dates_verified = s->dates_verified && ver;
	if (s->effective_to != NULL &&
	    strcmp(s->effective_to, s->effective_from) < 0)
		return bad(c, "effective_to", N_("The set ends before it starts."),
		    NULL);
	if ((rc = parse_subject_groups(c, s, json_object_get(root,
	    "subject_groups"))) != 0 ||
	    (rc = parse_criteria(c, s, json_object_get(root, "criteria"))) != 0)
		return rc;
	s->min_total_x100 = -1;
	if ((rc = parse_thresholds(c, s, json_object_get(root, "thresholds"))) != 0)
		return rc;
	rc = check_totals(c, s);
	if (rc == 0)
		s->n_unverified = c->unverified;
	return rc;
}

int
criteria_parse(const char *text, struct criteria_set *out, struct kh_err *err)
{
	struct pctx c = {false, 0, err};
	json_error_t jerr;
	json_t *root;
	char *canon, where[64];
	int rc;

	memset(out, 0, sizeof(*out));
	if (text == NULL || !vn_utf8_valid(text, strlen(text)))
		return kh_fail(err, KH_E_INVALID, N_("The text is not valid UTF-8."),
		    NULL);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(where, sizeof(where), "%d:%d", jerr.line, jerr.column);
		kh_fail(err, KH_E_INVALID, N_("The criteria set is not valid JSON"
		    " (line:column %s)."), where);
		kh_err_detail(err, "%s", jerr.text);
		return KH_E_INVALID;
	}
	rc = parse_root(&c, root, out);
	if (rc == 0) {
		canon = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
		out->sha256 = sha256_hex(canon != NULL ? canon : "");
		free(canon);
		out->json = xstrdup(text);
		if (out->certificate_prefix == NULL)
			out->certificate_prefix = xstrdup("");
	}
	json_decref(root);
	if (rc != 0)
		criteria_set_cleanup(out);
	return rc;
}

/* Storage. */

static int
items_insert(struct db *db, int64_t set_id, const struct criteria_set *s,
    struct kh_err *err)
{
	static const char sql[] =
	    "INSERT INTO criteria_items (set_id, code, parent_code, position,"
	    " kind, title_vi, max_x100, required, source, min_ratio_bp, verified)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < s->n_items; i++) {
		const struct criteria_item *it = &s->items[i];

		rc = db_exec_args(db, sql, DB_ARGS(DB_INT(set_id), DB_TEXT(it->code),
		    DB_TEXT(it->parent_code), DB_INT(i), DB_TEXT(it->kind),
		    DB_TEXT(it->title_vi), DB_INT(it->max_x100),
		    DB_INT(it->required), DB_TEXT(it->source),
		    it->min_ratio_bp >= 0 ? DB_INT(it->min_ratio_bp) : DB_NULL,
		    DB_INT(it->verified)), NULL, err);
	}
	return rc;
}

static int
set_insert(struct db *db, const struct actor *a, const struct criteria_set *s,
    const char *origin, int64_t owner, int64_t *id, struct kh_err *err)
{
	char now[STAMP_LEN];
	int rc;

	stamp_now(now);
	rc = db_query_int(db,
	    "INSERT INTO criteria_sets (code, version, model, title_vi,"
	    " legal_basis, effective_from, effective_to, scale, verified,"
	    " n_unverified, is_default, max_total_x100, certificate_prefix,"
	    " unit_id, origin, json, sha256, created_at, created_by, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
	    " $14, $15, $16, $17, $18, $19, $18) RETURNING id",
	    DB_ARGS(DB_TEXT(s->code), DB_INT(s->version), DB_TEXT(s->model),
	    DB_TEXT(s->title_vi), DB_TEXT(s->legal_basis),
	    DB_TEXT(s->effective_from), DB_TEXT(s->effective_to),
	    DB_TEXT(s->scale), DB_INT(s->verified), DB_INT(s->n_unverified),
	    DB_INT(s->is_default), DB_INT(s->max_total_x100),
	    DB_TEXT(s->certificate_prefix), owner > 0 ? DB_INT(owner) : DB_NULL,
	    DB_TEXT(origin), DB_TEXT(s->json), DB_TEXT(s->sha256), DB_TEXT(now),
	    DB_TEXT(a->login)), id, err);
	if (rc == 0)
		rc = items_insert(db, *id, s, err);
	return rc;
}

/* Replace an unused version that came from a file by its changed file. */
static int
set_replace(struct db *db, int64_t id, const struct criteria_set *s,
    struct kh_err *err)
{
	char now[STAMP_LEN];
	int rc;

	stamp_now(now);
	rc = db_exec_args(db,
	    "UPDATE criteria_sets SET model = $2, title_vi = $3, legal_basis = $4,"
	    " effective_from = $5, effective_to = $6, scale = $7, verified = $8,"
	    " n_unverified = $9, is_default = $10, max_total_x100 = $11,"
	    " certificate_prefix = $12, json = $13, sha256 = $14, updated_at = $15"
	    " WHERE id = $1",
	    DB_ARGS(DB_INT(id), DB_TEXT(s->model), DB_TEXT(s->title_vi),
	    DB_TEXT(s->legal_basis), DB_TEXT(s->effective_from),
	    DB_TEXT(s->effective_to), DB_TEXT(s->scale), DB_INT(s->verified),
	    DB_INT(s->n_unverified), DB_INT(s->is_default),
	    DB_INT(s->max_total_x100), DB_TEXT(s->certificate_prefix),
	    DB_TEXT(s->json), DB_TEXT(s->sha256), DB_TEXT(now)), NULL, err);
	if (rc == 0)
		rc = db_exec_args(db, "DELETE FROM criteria_items WHERE set_id = $1",
		    DB_ARGS(DB_INT(id)), NULL, err);
	if (rc == 0)
		rc = items_insert(db, id, s, err);
	return rc;
}

static int
audit_set(struct db *db, const struct actor *a, const char *action,
    const struct criteria_set *s, const char *old_sha, struct kh_err *err)
{
	char eid[MODELS_CODE_MAX + 16];
	json_t *before = NULL, *after;
	int rc;

	snprintf(eid, sizeof(eid), "%s v%d", s->code, s->version);
	after = json_pack("{s:s, s:i, s:s, s:s, s:i}", "code", s->code,
	    "version", s->version, "model", s->model, "sha256", s->sha256,
	    "n_unverified", s->n_unverified);
	if (old_sha != NULL)
		before = json_pack("{s:s}", "sha256", old_sha);
	rc = audit_record(db, a, a->unit_id, action, "criteria_set", eid, before,
	    after, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

int
models_set_load(struct db *db, int64_t id, struct criteria_set *out,
    struct kh_err *err)
{
	struct db_stmt *st;
	char *json = NULL, *origin = NULL;
	int64_t owner = 0, used = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, "SELECT json, COALESCE(unit_id, 0), origin,"
	    " (SELECT count(*) FROM model_registrations r WHERE r.set_id = s.id)"
	    " FROM criteria_sets s WHERE s.id = $1", DB_ARGS(DB_INT(id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		json = models_col_dup(st, 0);
		owner = db_col_int(st, 1);
		origin = models_col_dup(st, 2);
		used = db_col_int(st, 3);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No such criteria set."), NULL);
	db_finalize(st);
	if (rc == 0)
		rc = criteria_parse(json, out, err);
	if (rc == 0) {
		out->id = id;
		out->owner_unit_id = owner;
		out->origin = origin;
		origin = NULL;
		out->used = used > 0;
	}
	free(json);
	free(origin);
	return rc;
}

int
models_set_get_id(struct db *db, const struct actor *a, int64_t id,
    struct criteria_set *out, struct kh_err *err)
{
	int rc = auth_need_role(a, ROLE_VIEWER, err);

	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return models_set_load(db, id, out, err);
}

int
models_set_get(struct db *db, const struct actor *a, const char *code,
    int version, struct criteria_set *out, struct kh_err *err)
{
	int64_t id;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_VIEWER, err);
	if (rc != 0)
		return rc;
	rc = db_query_int(db, "SELECT id FROM criteria_sets WHERE code = $1"
	    " AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1",
	    DB_ARGS(DB_TEXT(code), DB_INT(version)), &id, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail(err, KH_E_NOT_FOUND, N_("No criteria set has the"
		    " code %s."), code);
	if (rc != 0)
		return rc;
	return models_set_load(db, id, out, err);
}

int
models_set_list(struct db *db, const struct actor *a,
    struct criteria_set_list *out, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_VIEWER, err);
	if (rc != 0)
		return rc;
	rc = db_prepare(db, "SELECT s.id, s.code, s.version, s.model, s.title_vi,"
	    " s.legal_basis, s.effective_from, s.effective_to, s.scale,"
	    " s.verified, s.n_unverified, s.is_default, s.max_total_x100,"
	    " s.certificate_prefix, COALESCE(s.unit_id, 0), s.origin, s.sha256,"
	    " (SELECT count(*) FROM model_registrations r WHERE r.set_id = s.id)"
	    " FROM criteria_sets s ORDER BY s.model, s.code, s.version",
	    DB_NOARGS, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct criteria_set *s;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->items = xrealloc(out->items, out->cap * sizeof(*s));
		}
		s = &out->items[out->n++];
		memset(s, 0, sizeof(*s));
		s->id = db_col_int(st, 0);
		s->code = models_col_dup(st, 1);
		s->version = (int)db_col_int(st, 2);
		s->model = models_col_dup(st, 3);
		s->title_vi = models_col_dup(st, 4);
		s->legal_basis = models_col_dup(st, 5);
		s->effective_from = models_col_dup(st, 6);
		s->effective_to = models_col_dup(st, 7);
		s->scale = models_col_dup(st, 8);
		s->verified = db_col_int(st, 9) != 0;
		s->n_unverified = (int)db_col_int(st, 10);
		s->is_default = db_col_int(st, 11) != 0;
		s->max_total_x100 = db_col_int(st, 12);
		s->certificate_prefix = models_col_dup(st, 13);
		s->owner_unit_id = db_col_int(st, 14);
		s->origin = models_col_dup(st, 15);
		s->sha256 = models_col_dup(st, 16);
		s->used = db_col_int(st, 17) > 0;
		s->min_total_x100 = -1;
		s->min_ratio_per_criterion_bp = -1;
	}
	db_finalize(st);
	if (rc < 0) {
		criteria_set_list_cleanup(out);
		return rc;
	}
	return 0;
}

int
models_set_for(struct db *db, const struct actor *a, const char *model,
    int year, int64_t unit_id, struct criteria_set *out, struct kh_err *err)
{
	/*
	 * Candidates: in force on 31 December, owned nationally or by an
	 * ancestor of the unit. Per code, the nearest owner first, then the
	 * latest version.
	 */
	static const char sql[] =
	    "SELECT s.id, s.code, s.is_default,"
	    " CASE WHEN s.unit_id IS NULL THEN 1000000 ELSE t.depth END AS owner_depth"
	    " FROM criteria_sets s LEFT JOIN unit_tree t"
	    "   ON t.ancestor_id = s.unit_id AND t.descendant_id = $3"
	    " WHERE s.model = $1 AND s.effective_from <= $2"
	    " AND (s.effective_to IS NULL OR s.effective_to >= $2)"
	    " AND (s.unit_id IS NULL OR t.ancestor_id IS NOT NULL)"
	    " ORDER BY s.code, owner_depth, s.version DESC";
	struct db_stmt *st;
	char last_code[MODELS_CODE_MAX + 1] = "", day[DATE_LEN + 8], yr[12];
	int64_t pick = 0, pick_default = 0, pick_default_depth = 0;
	int n_codes = 0, n_defaults = 0, rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_VIEWER, err);
	if (rc != 0)
		return rc;
	snprintf(day, sizeof(day), "%04d-12-31", year);
	rc = db_prepare(db, sql, DB_ARGS(DB_TEXT(model), DB_TEXT(day),
	    DB_INT(unit_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		const char *code = db_col_text(st, 1);
		int64_t depth = db_col_int(st, 3);

		if (strcmp(code, last_code) == 0)
			continue;	/* an older or farther version of this code */
		snprintf(last_code, sizeof(last_code), "%s", code);
		n_codes++;
		pick = db_col_int(st, 0);
		if (db_col_int(st, 2) != 0) {
			if (n_defaults == 0 || depth < pick_default_depth) {
				pick_default = pick;
				pick_default_depth = depth;
				n_defaults = 1;
			} else if (depth == pick_default_depth)
				n_defaults++;
		}
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	snprintf(yr, sizeof(yr), "%d", year);
	if (n_codes == 0)
		return kh_fail(err, KH_E_NOT_FOUND, N_("No criteria set of this model"
		    " is in force in %s: load the criteria sets first."), yr);
	if (n_codes > 1) {
		if (n_defaults != 1)
			return kh_fail_field(err, KH_E_INVALID, "set_code",
			    N_("Several criteria sets are in force in %s; choose"
			    " one."), yr);
		pick = pick_default;
	}
	return models_set_load(db, pick, out, err);
}

/* The owner of a new local version: the actor's unit, unless it is the
 * country. */
static int
owner_of(struct db *db, const struct actor *a, int64_t *owner,
    struct kh_err *err)
{
	char *kind = NULL;
	int rc;

	rc = db_query_text(db, "SELECT kind FROM units WHERE id = $1",
	    DB_ARGS(DB_INT(a->unit_id)), &kind, err);
	if (rc == 0)
		*owner = kind != NULL && strcmp(kind, "country") == 0 ? 0 : a->unit_id;
	free(kind);
	return rc;
}

int
models_set_new_version(struct db *db, const struct actor *a, const char *code,
    const char *json_text, int *version, struct kh_err *err)
{
	struct criteria_set s;
	json_error_t jerr;
	json_t *root = NULL;
	char *nfc = NULL, *text = NULL;
	int64_t max = 0, owner = 0, id;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc != 0)
		return rc;
	if (code == NULL || !code_ok(code, true))
		return kh_fail_field(err, KH_E_INVALID, "code", N_("%s is not a valid"
		    " code (lower-case letters, digits and hyphens)."),
		    code != NULL ? code : "");
	if (json_text == NULL || strlen(json_text) > CRITERIA_FILE_MAX)
		return kh_fail(err, KH_E_TOO_LARGE, N_("The criteria set is too"
		    " large."), NULL);
	nfc = vn_nfc(json_text, strlen(json_text));
	if (nfc == NULL)
		return kh_fail(err, KH_E_INVALID, N_("The text is not valid UTF-8."),
		    NULL);
	root = json_loads(nfc, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		rc = criteria_parse(nfc, &s, err);	/* for its message */
		if (rc == 0)
			rc = kh_fail(err, KH_E_INVALID, N_("A criteria set must be a"
			    " JSON object."), NULL);
		goto out;
	}
	rc = owner_of(db, a, &owner, err);
	if (rc != 0)
		goto out;
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, "SELECT COALESCE(MAX(version), 0) FROM criteria_sets"
	    " WHERE code = $1", DB_ARGS(DB_TEXT(code)), &max, err);
	if (rc == 0) {
		json_object_set_new(root, "code", json_string(code));
		json_object_set_new(root, "version", json_integer(max + 1));
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		rc = criteria_parse(text, &s, err);
	}
	if (rc == 0 && max > 0) {
		char *model = NULL;

		/* A new version stays a set of the same model. */
		rc = db_query_text(db, "SELECT model FROM criteria_sets WHERE"
		    " code = $1 AND version = $2", DB_ARGS(DB_TEXT(code),
		    DB_INT(max)), &model, err);
		if (rc == 0 && strcmp(model, s.model) != 0)
			rc = kh_fail_field(err, KH_E_INVALID, "model", N_("A new"
			    " version must keep the model %s."), model);
		free(model);
	}
	if (rc == 0)
		rc = set_insert(db, a, &s, "edit", owner, &id, err);
	if (rc == 0)
		rc = audit_set(db, a, "create", &s, NULL, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && version != NULL)
		*version = s.version;
out:
	json_decref(root);
	free(text);
	free(nfc);
	criteria_set_cleanup(&s);
	return rc;
}

/* Loading a folder. */

static int
name_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static char *
read_file(const char *path, struct kh_err *err)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		kh_fail(err, KH_E_IO, N_("Cannot read the file %s."), path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_append(&b, chunk, n);
		if (b.len > CRITERIA_FILE_MAX) {
			fclose(f);
			buf_free(&b);
			kh_fail(err, KH_E_TOO_LARGE, N_("The file %s is too large."),
			    path);
			return NULL;
		}
	}
	fclose(f);
	return buf_steal(&b);
}

/* Reword an error about a file's content so that it names the file. */
static int
file_error(struct kh_err *err, const char *name)
{
	char msg[512], field[64];
	int kind = err->kind;

	kh_err_format(err, "en", msg, sizeof(msg));
	snprintf(field, sizeof(field), "%s", err->field);
	kh_fail_field(err, kind, field, N_("The criteria file %s is not valid."),
	    name);
	kh_err_detail(err, "%s%s%s", field, field[0] ? ": " : "", msg);
	return kind;
}

static void
refused_add(struct criteria_load_stats *st, const struct criteria_set *s)
{
	size_t n = strlen(st->refused_codes);

	snprintf(st->refused_codes + n, sizeof(st->refused_codes) - n, "%s%s v%d",
	    n > 0 ? ", " : "", s->code, s->version);
}

int
models_criteria_load(struct db *db, const struct actor *a, const char *dir,
    struct criteria_load_stats *stats, struct kh_err *err)
{
	struct criteria_set *sets = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0, i, k;
	struct dirent *e;
	DIR *d;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc != 0)
		return rc;
	d = opendir(dir);
	if (d == NULL)
		return kh_fail(err, KH_E_IO, N_("Cannot open the folder %s."), dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 6 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	sets = xcalloc(n + 1, sizeof(*sets));
	/* Check every file before storing any. */
	for (i = 0; rc == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]), *text;

		text = read_file(path, err);
		free(path);
		if (text == NULL) {
			rc = err != NULL ? err->kind : KH_E_IO;
			break;
		}
		rc = criteria_parse(text, &sets[i], err);
		free(text);
		if (rc != 0) {
			file_error(err, names[i]);
			break;
		}
		for (k = 0; k < i; k++)
			if (strcmp(sets[k].code, sets[i].code) == 0 &&
			    sets[k].version == sets[i].version) {
				rc = kh_fail(err, KH_E_INVALID, N_("Two criteria files"
				    " give the same code and version (%s)."), names[i]);
				break;
			}
	}
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	for (i = 0; rc == 0 && i < n; i++) {
		struct criteria_set *s = &sets[i];
		struct db_stmt *st;
		int64_t id = 0, used = 0;
		char *sha = NULL, *origin = NULL;

		rc = db_prepare(db, "SELECT s.id, s.sha256, s.origin,"
		    " (SELECT count(*) FROM model_registrations r WHERE r.set_id = s.id)"
		    " FROM criteria_sets s WHERE s.code = $1 AND s.version = $2",
		    DB_ARGS(DB_TEXT(s->code), DB_INT(s->version)), &st, err);
		if (rc != 0)
			break;
		rc = db_step(st, err);
		if (rc == 1) {
			id = db_col_int(st, 0);
			sha = models_col_dup(st, 1);
			origin = models_col_dup(st, 2);
			used = db_col_int(st, 3);
			rc = 0;
		}
		db_finalize(st);
		if (rc != 0) {
			free(sha);
			free(origin);
			break;
		}
		if (id == 0) {
			rc = set_insert(db, a, s, "file", 0, &id, err);
			if (rc == 0)
				rc = audit_set(db, a, "create", s, NULL, err);
			stats->loaded++;
		} else if (strcmp(sha, s->sha256) == 0)
			stats->unchanged++;
		else if (used == 0 && strcmp(origin, "file") == 0) {
			rc = set_replace(db, id, s, err);
			if (rc == 0)
				rc = audit_set(db, a, "update", s, sha, err);
			stats->updated++;
		} else {
			stats->refused++;
			refused_add(stats, s);
		}
		free(sha);
		free(origin);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	for (i = 0; i < n; i++) {
		criteria_set_cleanup(&sets[i]);
		free(names[i]);
	}
	free(sets);
	free(names);
	return rc;
}
