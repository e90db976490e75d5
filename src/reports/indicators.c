/*
 * indicators.c - completeness and timeliness of a form's reports, and
 * indicators (numerator / denominator x factor over consolidated fields)
 * with their targets (data/indicators/README.md).
 */
#include "reports/reports_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "units/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Completeness ---- */

void
report_status_list_cleanup(struct report_status_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].unit_code);
		free(l->items[i].unit_name);
		free(l->items[i].state);
		free(l->items[i].submitted_on);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int
reports_completeness(struct db *db, const struct actor *a, const char *form,
    const char *unit_code, const char *period, const char *structure,
    struct report_status_list *out, struct kh_err *err)
{
	struct report_form f;
	struct report_period p;
	struct unit root = UNIT_INIT;
	char st_name[4], on[11], today[DATE_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = reports_period_parse(period, &p, err);
	if (rc == 0)
		rc = reports_structure_resolve(structure, &p, st_name, on, err);
	if (rc != 0)
		return rc;
	rc = reports_form_get(db, a, form, &f, err);
	if (rc != 0)
		return rc;
	rc = units_find(db, a, unit_code != NULL ? unit_code : "", on, &root, err);
	if (rc == 0)
		rc = auth_can_read(db, a, root.id, err);
	date_today(today);
	for (size_t k = 0; rc == 0 && k < f.n_unit_kinds; k++) {
		struct db_stmt *st;

		rc = db_prepare(db, "SELECT u.id, u.code, u.name, s.state,"
		    " s.submitted_on, COALESCE(s.late, 0), ra.deadline"
		    " FROM unit_tree t JOIN units u ON u.id = t.descendant_id"
		    " LEFT JOIN report_submissions s ON s.unit_id = u.id AND"
		    " s.form_id = $2 AND s.period = $3"
		    " LEFT JOIN report_assignments ra ON ra.form_id = $2 AND"
		    " ra.period = $3 AND ra.unit_kind = u.kind"
		    " WHERE t.ancestor_id = $1 AND u.kind = $4 AND u.valid_from <= $5"
		    " AND (u.valid_to IS NULL OR u.valid_to >= $5) ORDER BY u.code",
		    DB_ARGS(DB_INT(root.id), DB_INT(f.id), DB_TEXT(p.code),
		    DB_TEXT(f.unit_kinds[k]), DB_TEXT(on)), &st, err);
		if (rc != 0)
			break;
		while ((rc = db_step(st, err)) == 1) {
			struct report_status *s;
			const char *state = db_col_text(st, 3);
			const char *dl = db_col_text(st, 6);
			bool done;

			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 32;
				out->items = xrealloc(out->items, out->cap * sizeof(*s));
			}
			s = &out->items[out->n++];
			s->unit_id = db_col_int(st, 0);
			s->unit_code = reports_col_str(st, 1);
			s->unit_name = reports_col_str(st, 2);
			s->state = xstrdup(state != NULL ? state : "missing");
			s->submitted_on = db_col_strdup(st, 4, false);
			done = state != NULL && (strcmp(state, REPORT_SUBMITTED) == 0 ||
			    strcmp(state, REPORT_APPROVED) == 0);
			s->late = done ? db_col_int(st, 5) != 0 :
			    dl != NULL && strcmp(today, dl) > 0;
			if (dl != NULL)
				snprintf(out->deadline, sizeof(out->deadline), "%s", dl);
			out->expected++;
			if (done)
				out->submitted++;
			else
				out->missing++;
			if (state != NULL && strcmp(state, REPORT_APPROVED) == 0)
				out->approved++;
			if (s->late)
				out->late++;
		}
		db_finalize(st);
		if (rc > 0)
			rc = 0;
	}
	unit_cleanup(&root);
	report_form_cleanup(&f);
	if (rc != 0)
		report_status_list_cleanup(out);
	return rc;
}

/* ---- Indicators ---- */

/*
 * The strings of the rows are copied into blocks owned by the list rather
 * than allocated one by one: a province's dashboard has some 40,000 of them
 * a page, and their mallocs and frees were a third of its time.
 */
struct str_block {
	struct str_block *next;
	size_t used, size;
	char data[];
};

#define STR_BLOCK_SIZE 65536

static char *
pool_dup(struct report_indicators *l, const char *s)
{
	struct str_block *b = l->strings;
	size_t len = strlen(s) + 1;
	char *p;

	if (b == NULL || b->size - b->used < len) {
		size_t size = len > STR_BLOCK_SIZE ? len : STR_BLOCK_SIZE;

		b = xmalloc(sizeof(*b) + size);
		b->next = l->strings;
		b->used = 0;
		b->size = size;
		l->strings = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	b->used += len;
	return p;
}

void
report_indicators_cleanup(struct report_indicators *l)
{
	struct str_block *b = l->strings, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Check an indicator's JSON (the fields it names are checked when it is
 * computed against its form). */
static int
indicator_check(json_t *root, const char *name, struct kh_err *err)
{
	json_t *t, *targets = json_object_get(root, "targets");
	size_t i;

	if (jstr(root, "code") == NULL || jstr(root, "title_vi") == NULL ||
	    jstr(root, "title_en") == NULL || jstr(root, "form") == NULL ||
	    jstr(root, "numerator") == NULL)
		return kh_fail(err, KH_E_INVALID, N_("Indicator %s needs code,"
		    " title_vi, title_en, form and numerator."), name);
	json_array_foreach(targets, i, t) {
		const char *op = jstr(t, "op");
		json_t *v = json_object_get(t, "value");

		if (jstr(t, "period") == NULL || op == NULL ||
		    (strcmp(op, ">=") != 0 && strcmp(op, "<=") != 0 &&
		    strcmp(op, "=") != 0) ||
		    (!json_is_number(v) && !json_is_null(v)))
			return kh_fail(err, KH_E_INVALID, N_("Indicator %s: a target"
			    " needs a period, op (>=, <= or =) and a value."), name);
	}
	return 0;
}

static bool target_is(json_t *t, const char *unit, const char *period);

/*
 * The targets an administrator set in the browser (they carry "set_by")
 * survive a new load of the indicator's file, unless the file itself sets
 * a target for the same unit and period: the file's JSON with them
 * appended, as reports_target_set writes it (so that loading the same
 * file again changes nothing), or NULL when there is none to keep.
 */
static char *
keep_admin_targets(json_t *root, const char *old_text)
{
	json_t *old = json_loads(old_text, 0, NULL), *t, *ft, *targets;
	size_t i, k, kept = 0;
	char *out = NULL;

	if (old == NULL)
		return NULL;
	targets = json_object_get(root, "targets");
	json_array_foreach(json_object_get(old, "targets"), i, t) {
		const char *u = jstr(t, "unit"), *p = jstr(t, "period");
		bool in_file = false;

		if (jstr(t, "set_by") == NULL || u == NULL || p == NULL)
			continue;
		json_array_foreach(targets, k, ft)
			if (jstr(ft, "set_by") == NULL && target_is(ft, u, p))
				in_file = true;
		if (in_file)
			continue;
		if (!json_is_array(targets)) {
			targets = json_array();
			json_object_set_new(root, "targets", targets);
		}
		json_array_append(targets, t);
		kept++;
	}
	if (kept > 0)
		out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(old);
	return out;
}

int
reports_indicators_load(struct db *db, const struct actor *a, const char *dir,
    struct report_load_stats *stats, struct kh_err *err)
{
	char **names = NULL, stamp[STAMP_LEN];
	size_t n = 0, i;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc == 0)
		rc = reports_json_files(dir, &names, &n, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	stamp_now(stamp);
	for (i = 0; rc == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]), *text, *old = NULL;
		json_error_t jerr;
		json_t *root;
		int64_t id;

		text = reports_read_file(path, err);
		free(path);
		if (text == NULL) {
			rc = KH_E_IO;
			break;
		}
		root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
		if (root == NULL)
			rc = kh_fail(err, KH_E_INVALID, N_("The indicator file %s is"
			    " not valid JSON."), names[i]);
		else
			rc = indicator_check(root, names[i], err);
		if (rc == 0) {
			const char *code = jstr(root, "code");

			rc = db_query_text(db, "SELECT json FROM report_indicators"
			    " WHERE code = $1", DB_ARGS(DB_TEXT(code)), &old, err);
			if (rc == 0) {
				char *kept = keep_admin_targets(root, old);

				if (kept != NULL) {
					free(text);
					text = kept;
				}
			}
			if (rc == KH_E_NOT_FOUND) {
				kh_err_clear(err);
				rc = db_query_int(db, "INSERT INTO report_indicators"
				    " (code, title_vi, json, created_at, updated_at)"
				    " VALUES ($1, $2, $3, $4, $4) RETURNING id",
				    DB_ARGS(DB_TEXT(code), DB_TEXT(jstr(root,
				    "title_vi")), DB_TEXT(text), DB_TEXT(stamp)), &id,
				    err);
				stats->loaded++;
			} else if (rc == 0 && strcmp(old, text) == 0) {
				stats->unchanged++;
			} else if (rc == 0) {
				rc = db_exec_args(db, "UPDATE report_indicators SET"
				    " title_vi = $2, json = $3, updated_at = $4 WHERE"
				    " code = $1", DB_ARGS(DB_TEXT(code), DB_TEXT(jstr(root,
				    "title_vi")), DB_TEXT(text), DB_TEXT(stamp)), NULL,
				    err);
				stats->updated++;
			}
			if (rc == 0 && (old == NULL || strcmp(old, text) != 0)) {
				json_t *after = json_pack("{s:s}", "code", code);

				rc = audit_record(db, a, 0, "load", "indicator", code,
				    NULL, after, err);
				json_decref(after);
			}
		}
		free(old);
		free(text);
		json_decref(root);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/*
 * An indicator made ready for the rows of one consolidation: the fields of
 * its numerator and denominator as indices into the form, and its targets
 * for the period. Looking these up once per indicator rather than once per
 * row and year is most of what the dashboard of a province saves: it has
 * some 20 indicators over a hundred communes and four years.
 */
struct ind_prep {
	int *num, *den;
	size_t n_num, n_den;
	bool has_den;
	json_t **targets;	/* borrowed, of the period only */
	size_t n_targets;
};

static void
ind_prep_free(struct ind_prep *ip)
{
	free(ip->num);
	free(ip->den);
	free(ip->targets);
}

/* The fields named in expr ("a+b+c") as indices. KH_E_INVALID when the form
 * has no such field. */
static int
expr_parse(const struct report_form *f, const char *expr, int **idxp,
    size_t *n, struct kh_err *err)
{
	char *copy = xstrdup(expr), *save = NULL, *tok;
	size_t max = 1;
	int *idx, rc = 0;

	for (const char *p = expr; *p != '\0'; p++)
		max += *p == '+';
	idx = *idxp = xcalloc(max, sizeof(*idx));
	*n = 0;
	for (tok = strtok_r(copy, "+", &save); tok != NULL;
	    tok = strtok_r(NULL, "+", &save)) {
		int k;

		while (*tok == ' ')
			tok++;
		tok[strcspn(tok, " ")] = '\0';
		k = reports_form_field(f, tok);
		if (k < 0) {
			rc = kh_fail(err, KH_E_INVALID, N_("An indicator names a field"
			    " its form does not have (%s)."), tok);
			break;
		}
		idx[(*n)++] = k;
	}
	free(copy);
	return rc;
}

/* The sum of the fields idx of a row; *has false when none has a value. */
static int64_t
expr_value(const struct report_row *r, const int *idx, size_t n, bool *has)
{
	int64_t v = 0;

	*has = false;
	for (size_t i = 0; i < n; i++)
		if (r->has[idx[i]]) {
			v += r->values[idx[i]];
			*has = true;
		}
	return v;
}

static int
ind_prepare(const struct report_form *f, json_t *ind, const char *period,
    struct ind_prep *ip, struct kh_err *err)
{
	const char *den = jstr(ind, "denominator");
	json_t *t;
	size_t i;
	int rc;

	memset(ip, 0, sizeof(*ip));
	rc = expr_parse(f, jstr(ind, "numerator"), &ip->num, &ip->n_num, err);
	if (rc == 0 && den != NULL) {
		ip->has_den = true;
		rc = expr_parse(f, den, &ip->den, &ip->n_den, err);
	}
	if (rc != 0)
		return rc;
	ip->targets = xcalloc(json_array_size(json_object_get(ind, "targets")) +
	    1, sizeof(*ip->targets));
	json_array_foreach(json_object_get(ind, "targets"), i, t)
		if (strcmp(jstr(t, "period"), period) == 0)
			ip->targets[ip->n_targets++] = t;
	return 0;
}

/* The target of an indicator for a row: a target for the unit's code
 * first, then for its kind, then for every unit (the first of a rank in
 * the file's order). */
static json_t *
target_for(const struct ind_prep *ip, const struct report_row *r)
{
	json_t *best = NULL;
	int best_rank = -1;

	for (size_t i = 0; i < ip->n_targets; i++) {
		json_t *t = ip->targets[i];
		const char *u = jstr(t, "unit"), *k = jstr(t, "unit_kind");
		int rank;

		if (u != NULL)
			rank = strcmp(u, r->unit_code) == 0 ? 3 : -1;
		else if (k != NULL)
			rank = strcmp(k, r->unit_kind) == 0 ? 2 : -1;
		else
			rank = 1;
		if (rank > best_rank) {
			best_rank = rank;
			best = t;
		}
	}
	return best;
}

static int
indicator_rows(const struct report_consolidated *c, json_t *ind,
    bool totals_only, struct report_indicators *out, struct kh_err *err)
{
	json_t *factor = json_object_get(ind, "factor");
	int64_t fac = json_is_integer(factor) ? json_integer_value(factor) : 1;
	const char *unit = jstr(ind, "unit") != NULL ? jstr(ind, "unit") : "";
	char *code, *tvi, *ten, *unit_s, *none;
	struct ind_prep ip;
	int rc;

	rc = ind_prepare(&c->form, ind, c->period.code, &ip, err);
	if (rc != 0) {
		ind_prep_free(&ip);
		return rc;
	}
	/* The indicator's own strings are the same in every row. */
	code = pool_dup(out, jstr(ind, "code"));
	tvi = pool_dup(out, jstr(ind, "title_vi"));
	ten = pool_dup(out, jstr(ind, "title_en"));
	unit_s = pool_dup(out, unit);
	none = pool_dup(out, "");
	if (out->cap < out->n + c->n) {
		out->cap = out->cap ? out->cap * 2 : 32;
		if (out->cap < out->n + c->n)
			out->cap = out->n + c->n;
		out->items = xrealloc(out->items, out->cap * sizeof(*out->items));
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct report_row *r = &c->rows[i];
		struct report_indicator_row *o;
		bool hn, hd = false;
		json_t *t;

		if (totals_only && !r->total)
			continue;
		o = &out->items[out->n++];
		memset(o, 0, sizeof(*o));
		o->numerator = expr_value(r, ip.num, ip.n_num, &hn);
		if (ip.has_den)
			o->denominator = expr_value(r, ip.den, ip.n_den, &hd);
		o->code = code;
		o->title_vi = tvi;
		o->title_en = ten;
		o->unit = unit_s;
		o->unit_id = r->unit_id;
		o->unit_code = pool_dup(out, r->unit_code);
		o->unit_name = pool_dup(out, r->unit_name);
		o->total = r->total;
		o->has_den = ip.has_den;
		o->factor = fac;
		o->share_applied = r->share_applied;
		o->share_note = r->share_note != NULL && *r->share_note != '\0' ?
		    pool_dup(out, r->share_note) : none;
		o->met = -1;
		o->verified = true;
		if (!ip.has_den) {
			o->has_value = hn;
			o->value_x100 = o->numerator * fac * 100;
		} else if (hn && hd && o->denominator > 0) {
			o->has_value = true;
			/* Hundredths, rounded half up. */
			o->value_x100 = (o->numerator * fac * 100 * 2 /
			    o->denominator + 1) / 2;
		}
		t = target_for(&ip, r);
		if (t != NULL && json_is_number(json_object_get(t, "value"))) {
			o->has_target = true;
			o->target_op = pool_dup(out, jstr(t, "op"));
			o->target_x100 = (int64_t)llround(json_number_value(
			    json_object_get(t, "value")) * 100);
			o->verified = !json_is_false(json_object_get(t, "verified"));
			if (o->has_value && strcmp(o->target_op, "=") == 0)
				o->met = o->value_x100 == o->target_x100;
			else if (o->has_value)
				o->met = strcmp(o->target_op, ">=") == 0 ?
				    o->value_x100 >= o->target_x100 :
				    o->value_x100 <= o->target_x100;
		}
		o->source = t != NULL && jstr(t, "source") != NULL ?
		    pool_dup(out, jstr(t, "source")) : none;
	}
	ind_prep_free(&ip);
	return 0;
}

static int
indicators_load(struct db *db, const struct actor *a, const char *unit_code,
    const char *period, const char *structure, bool totals_only,
    struct report_indicators *out, struct kh_err *err)
{
	struct report_period p;
	struct report_consolidated cache[8];
	char *skip[8];		/* forms not filed for this kind of period */
	size_t n_cache = 0, n_skip = 0, i;
	struct db_stmt *st = NULL;
	char on[11];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = reports_period_parse(period, &p, err);
	if (rc == 0)
		rc = reports_structure_resolve(structure, &p, out->structure, on,
		    err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT i.json FROM report_indicators i ORDER BY"
		    " i.code", DB_NOARGS, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		json_t *ind = json_loads(db_col_text(st, 0), 0, NULL);
		const char *form = ind != NULL ? jstr(ind, "form") : NULL;
		struct report_consolidated *c = NULL;
		struct report_form f;

		rc = 0;
		if (form == NULL) {
			json_decref(ind);
			continue;
		}
		for (i = 0; i < n_cache; i++)
			if (strcmp(cache[i].form.code, form) == 0)
				c = &cache[i];
		for (i = 0; c == NULL && i < n_skip; i++)
			if (strcmp(skip[i], form) == 0)
				break;
		if (c == NULL && i < n_skip) {
			json_decref(ind);
			continue;
		}
		if (c == NULL) {
			/* Only indicators of forms filed for this kind of
			 * period. */
			rc = reports_form_get(db, a, form, &f, err);
			if (rc == KH_E_NOT_FOUND) {
				kh_err_clear(err);
				json_decref(ind);
				continue;
			}
			if (rc == 0 && strcmp(f.period_kind, p.kind) != 0) {
				if (n_skip < sizeof(skip) / sizeof(skip[0]))
					skip[n_skip++] = xstrdup(form);
				report_form_cleanup(&f);
				json_decref(ind);
				continue;
			}
			report_form_cleanup(&f);
			if (rc == 0 && n_cache == sizeof(cache) / sizeof(cache[0]))
				rc = kh_fail(err, KH_E_LIMIT, N_("Too many report forms"
				    " behind the indicators."), NULL);
			if (rc == 0)
				rc = reports_consolidate(db, a, form, unit_code,
				    p.code, out->structure, &cache[n_cache], err);
			if (rc == 0)
				c = &cache[n_cache++];
		}
		if (rc == 0)
			rc = indicator_rows(c, ind, totals_only, out, err);
		json_decref(ind);
		if (rc != 0)
			break;
	}
	db_finalize(st);
	for (i = 0; i < n_cache; i++)
		report_consolidated_cleanup(&cache[i]);
	for (i = 0; i < n_skip; i++)
		free(skip[i]);
	if (rc != 0) {
		report_indicators_cleanup(out);
		return rc;
	}
	return 0;
}

int
reports_indicators(struct db *db, const struct actor *a, const char *unit_code,
    const char *period, const char *structure, struct report_indicators *out,
    struct kh_err *err)
{
	return indicators_load(db, a, unit_code, period, structure, false, out,
	    err);
}

int
reports_indicators_totals(struct db *db, const struct actor *a,
    const char *unit_code, const char *period, const char *structure,
    struct report_indicators *out, struct kh_err *err)
{
	return indicators_load(db, a, unit_code, period, structure, true, out,
	    err);
}

/* ---- Targets set by an administrator ---- */

/* A target's value typed with a comma or a dot ("27,5", "10"): a number
 * not below 0, at most two decimals. */
static bool
target_value_parse(const char *s, double *v)
{
	int64_t x100;

	if (!reports_hundredths_parse(s, 12, &x100))
		return false;
	*v = (double)x100 / 100.0;
	return true;
}

/* The period of a stored target in its normal form ("2023-kh" names the
 * same period as "2023-KH"), or its text when it does not parse. */
static bool
target_is(json_t *t, const char *unit, const char *period)
{
	struct report_period p;
	const char *u = jstr(t, "unit"), *tp = jstr(t, "period");

	if (u == NULL || strcmp(u, unit) != 0 || tp == NULL)
		return false;
	if (reports_period_parse(tp, &p, NULL) == 0)
		return strcmp(p.code, period) == 0;
	return strcmp(tp, period) == 0;
}

/*
 * The indicator's stored JSON (*root, a new reference) and the unit named
 * by code in either structure (today's first: the code 31 names the old and
 * the new Hải Phòng alike).
 */
static int
target_prepare(struct db *db, const struct actor *a, const char *indicator,
    const char *unit_code, const char *period, struct report_period *p,
    json_t **root, char **read, struct unit *u, struct kh_err *err)
{
	char *text = NULL;
	int rc;

	*root = NULL;
	*read = NULL;
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc != 0)
		return rc;
	if (indicator == NULL || *indicator == '\0')
		return kh_fail_field(err, KH_E_INVALID, "indicator",
		    N_("Choose an indicator."), NULL);
	if (unit_code == NULL || *unit_code == '\0')
		return kh_fail_field(err, KH_E_INVALID, "unit",
		    N_("Give the code of the unit the target is for."), NULL);
	rc = reports_period_parse(period, p, err);
	if (rc != 0)
		return rc;
	rc = units_find(db, a, unit_code, NULL, u, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		rc = units_find(db, a, unit_code, UNITS_OLD_STRUCTURE_TO, u, err);
	}
	if (rc == KH_E_NOT_FOUND)
		return kh_fail_field(err, KH_E_NOT_FOUND, "unit",
		    N_("Unknown unit code %s."), unit_code);
	if (rc != 0)
		return rc;
	rc = db_query_text(db, "SELECT json FROM report_indicators WHERE"
	    " code = $1", DB_ARGS(DB_TEXT(indicator)), &text, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail_field(err, KH_E_NOT_FOUND, "indicator",
		    N_("Unknown indicator %s."), indicator);
	if (rc != 0)
		return rc;
	*root = json_loads(text, 0, NULL);
	*read = text;
	if (*root == NULL)
		return kh_fail(err, KH_E_DB, N_("The stored indicator %s cannot"
		    " be read."), indicator);
	if (!json_is_array(json_object_get(*root, "targets")))
		json_object_set_new(*root, "targets", json_array());
	return 0;
}

/* Store root as the indicator's JSON, audit the change of one target and
 * let the kept consolidations go, in one transaction. The row is written
 * only if it still holds the text read (read): two administrators setting
 * targets of one indicator at once must not lose one of the changes, so
 * the second is refused and asked to try again. */
static int
target_store(struct db *db, const struct actor *a, const char *indicator,
    int64_t unit_id, const char *action, json_t *root, const char *read,
    json_t *before, json_t *after, struct kh_err *err)
{
	char stamp[STAMP_LEN], *text;
	int64_t changed = 0;
	int rc;

	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL)
		return kh_fail(err, KH_E_INVALID, N_("The indicator %s cannot be"
		    " written."), indicator);
	rc = db_begin(db, err);
	if (rc != 0) {
		free(text);
		return rc;
	}
	stamp_now(stamp);
	rc = db_exec_args(db, "UPDATE report_indicators SET json = $2,"
	    " updated_at = $3 WHERE code = $1 AND json = $4",
	    DB_ARGS(DB_TEXT(indicator), DB_TEXT(text), DB_TEXT(stamp),
	    DB_TEXT(read)), &changed, err);
	if (rc == 0 && changed == 0)
		rc = kh_fail(err, KH_E_CONFLICT, N_("The targets of indicator %s"
		    " were changed by someone else meanwhile; open the page again"
		    " and repeat the change."), indicator);
	if (rc == 0)
		rc = audit_record(db, a, unit_id, action, "indicator", indicator,
		    before, after, err);
	/* The dashboard keeps consolidations, not targets; a new generation
	 * still makes sure nothing kept from before the change is shown. */
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	free(text);
	return rc;
}

int
reports_target_set(struct db *db, const struct actor *a,
    const struct report_target_in *in, struct kh_err *err)
{
	struct report_period p;
	struct unit u = UNIT_INIT;
	json_t *root = NULL, *targets, *t, *old = NULL, *nt;
	const char *op = in->op;
	char *read = NULL;
	double value;
	size_t i;
	int rc;

	rc = target_prepare(db, a, in->indicator, in->unit, in->period, &p,
	    &root, &read, &u, err);
	if (rc != 0)
		goto out;
	if (op == NULL || (strcmp(op, ">=") != 0 && strcmp(op, "<=") != 0 &&
	    strcmp(op, "=") != 0)) {
		rc = kh_fail_field(err, KH_E_INVALID, "op", N_("The comparison"
		    " must be at least (>=), at most (<=) or exactly (=)."), op);
		goto out;
	}
	if (!target_value_parse(in->value, &value)) {
		rc = kh_fail_field(err, KH_E_INVALID, "value", N_("The target %s"
		    " is not a number: write for example 27,5 or 10."),
		    in->value != NULL ? in->value : "");
		goto out;
	}
	nt = json_pack("{s:s, s:s, s:s, s:o, s:b, s:s, s:s}", "unit", u.code,
	    "period", p.code, "op", op, "value", value == (double)(int64_t)value ?
	    json_integer((json_int_t)value) : json_real(value), "verified",
	    in->verified, "source", in->source != NULL ? in->source : "",
	    "set_by", a->login);
	targets = json_object_get(root, "targets");
	json_array_foreach(targets, i, t)
		if (target_is(t, u.code, p.code)) {
			old = json_incref(t);
			json_array_set(targets, i, nt);
			break;
		}
	if (old == NULL)
		json_array_append(targets, nt);
	rc = target_store(db, a, in->indicator, u.id, "target_set", root, read,
	    old, nt, err);
	json_decref(nt);
	json_decref(old);
out:
	json_decref(root);
	free(read);
	unit_cleanup(&u);
	return rc;
}

int
reports_target_remove(struct db *db, const struct actor *a,
    const char *indicator, const char *unit, const char *period,
    struct kh_err *err)
{
	struct report_period p;
	struct unit u = UNIT_INIT;
	json_t *root = NULL, *targets, *t, *old = NULL;
	char *read = NULL;
	size_t i;
	int rc;

	rc = target_prepare(db, a, indicator, unit, period, &p, &root, &read,
	    &u, err);
	if (rc != 0)
		goto out;
	targets = json_object_get(root, "targets");
	json_array_foreach(targets, i, t)
		if (target_is(t, u.code, p.code)) {
			old = json_incref(t);
			json_array_remove(targets, i);
			break;
		}
	if (old == NULL) {
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("This indicator has no"
		    " target for that unit and period."), NULL);
		goto out;
	}
	rc = target_store(db, a, indicator, u.id, "target_remove", root,
	    read, old, NULL, err);
	json_decref(old);
out:
	json_decref(root);
	free(read);
	unit_cleanup(&u);
	return rc;
}

const char *
reports_op_symbol(const char *op)
{
	if (op == NULL)
		return "";
	if (strcmp(op, "<=") == 0)
		return "≤";
	if (strcmp(op, ">=") == 0)
		return "≥";
	if (strcmp(op, "==") == 0 || strcmp(op, "=") == 0)
		return "=";
	return op;
}
