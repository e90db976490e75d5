/*
 * assess.c - self-assessment and verification of a registration, and
 * reading assessments back.
 *
 * Ratio indicators are never typed: their figure is computed from the
 * recognitions recorded for the year at the moment of the assessment, and
 * kept with its numerator, denominator, source and time ("where it came
 * from"). The verification starts from a copy of the self-assessment,
 * computes the ratios again, and applies the verifier's changes, each with
 * its reason and the value it replaced.
 */
#include "models/models_impl.h"
#include "core/buf.h"
#include "core/vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX 2000

/* What a verification changed in one indicator (indexed like set items). */
struct vchange {
	bool changed;
	int64_t old_value_x100;
	int old_met, old_na;
	const char *reason;
};

void
model_assessment_cleanup(struct model_assessment *as)
{
	free(as->stage);
	free(as->channel);
	free(as->actor);
	free(as->at);
	free(as->note);
	free(as->band);
	free(as->failed);
	for (size_t i = 0; i < as->n_values; i++) {
		struct model_value *v = &as->values[i];

		free(v->code);
		free(v->source);
		free(v->computed_at);
		free(v->reason);
		free(v->note);
	}
	free(as->values);
	memset(as, 0, sizeof(*as));
}

void
model_ratio_list_cleanup(struct model_ratio_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].code);
		free(l->items[i].source);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* NFC copy of an optional note in the arena; KH_E_INVALID when too long. */
static int
clean_note(struct arena *ar, const char *in, const char *field, char **out,
    struct kh_err *err)
{
	char *s;

	*out = NULL;
	if (in == NULL || in[0] == '\0')
		return 0;
	s = vn_nfc(in, strlen(in));
	if (s == NULL || strlen(s) > NOTE_MAX) {
		free(s);
		return kh_fail_field(err, KH_E_INVALID, field, N_("The note is not"
		    " valid text of at most 2000 bytes."), NULL);
	}
	*out = arena_strdup(ar, s);
	free(s);
	return 0;
}

/*
 * The answers to score: the given ones for entered indicators (answers to
 * ratio indicators are dropped) and the computed figure of every ratio
 * indicator that applies. Arrays live in the arena.
 */
static int
build_answers(struct db *db, struct arena *ar, const struct reg_core *r,
    const struct criteria_set *set, const struct model_answer *given,
    size_t n, struct model_answer **out, size_t *nout, struct kh_err *err)
{
	struct model_answer *ans;
	size_t k = 0, i;
	int rc;

	ans = arena_alloc(ar, (n + set->n_items + 1) * sizeof(*ans));
	for (i = 0; i < n; i++) {
		const struct criteria_item *it = given[i].code != NULL ?
		    criteria_find(set, given[i].code) : NULL;

		if (it != NULL && it->kind != NULL &&
		    strcmp(it->kind, CRIT_RATIO) == 0)
			continue;
		if (it != NULL && !criteria_applies(it, r->subject_group))
			continue;
		ans[k] = given[i];
		if (ans[k].note != NULL) {
			rc = clean_note(ar, given[i].note, given[i].code,
			    (char **)&ans[k].note, err);
			if (rc != 0)
				return rc;
		}
		ans[k].num = ans[k].den = 0;
		k++;
	}
	for (i = 0; i < set->n_items; i++) {
		const struct criteria_item *it = &set->items[i];

		if (it->parent_code == NULL || strcmp(it->kind, CRIT_RATIO) != 0 ||
		    !criteria_applies(it, r->subject_group))
			continue;
		memset(&ans[k], 0, sizeof(ans[k]));
		ans[k].code = it->code;
		rc = models_ratio_compute(db, r, it->source, &ans[k].num,
		    &ans[k].den, err);
		if (rc != 0)
			return rc;
		k++;
	}
	*out = ans;
	*nout = k;
	return 0;
}

static const struct model_answer *
answer_for(const struct model_answer *ans, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (ans[i].code != NULL && strcmp(ans[i].code, code) == 0)
			return &ans[i];
	return NULL;
}

/* Insert the assessment, its values and the registration's latest score. */
static int
store_assessment(struct db *db, const struct actor *a,
    const struct reg_core *r, const char *stage, const char *channel,
    const char *note, const struct criteria_set *set,
    const struct model_answer *ans, size_t n, const struct model_score *sc,
    const struct vchange *vc, struct kh_err *err)
{
	static const char sql_value[] =
	    "INSERT INTO model_assessment_values (assessment_id, code, position,"
	    " is_criterion, value_x100, entered_x100, met, na, num, den, source,"
	    " computed_at, changed, old_value_x100, old_met, old_na, reason, note)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
	    " $15, $16, $17, $18)";
	char now[STAMP_LEN];
	int64_t aid = 0;
	int rc;

	stamp_now(now);
	rc = db_query_int(db, "INSERT INTO model_assessments (registration_id,"
	    " stage, channel, at, user_id, actor, note, total_x100, max_x100,"
	    " achieved, band, level, failed) VALUES ($1, $2, $3, $4, $5, $6, $7,"
	    " $8, $9, $10, $11, $12, $13) RETURNING id",
	    DB_ARGS(DB_INT(r->id), DB_TEXT(stage), DB_TEXT(channel), DB_TEXT(now),
	    a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL, DB_TEXT(a->login),
	    DB_TEXT(note != NULL ? note : ""), DB_INT(sc->total_x100),
	    DB_INT(sc->max_x100), DB_INT(sc->achieved), DB_TEXT(sc->band),
	    DB_INT(sc->level), DB_TEXT(sc->failed)), &aid, err);
	for (size_t i = 0; rc == 0 && i < set->n_items; i++) {
		const struct criteria_item *it = &set->items[i];
		const struct model_item_score *is = &sc->items[i];
		const struct model_answer *an = answer_for(ans, n, it->code);
		bool ratio = it->parent_code != NULL &&
		    strcmp(it->kind, CRIT_RATIO) == 0;
		bool changed = vc != NULL && vc[i].changed;

		if (!is->applies)
			continue;
		rc = db_exec_args(db, sql_value, DB_ARGS(DB_INT(aid),
		    DB_TEXT(it->code), DB_INT(i), DB_INT(is->criterion),
		    DB_INT(is->points_x100),
		    DB_INT(an != NULL && strcmp(it->kind, CRIT_POINTS) == 0 ?
		    an->value_x100 : 0),
		    DB_INT(is->met), DB_INT(is->na),
		    ratio ? DB_INT(is->num) : DB_NULL,
		    ratio ? DB_INT(is->den) : DB_NULL,
		    DB_TEXT(ratio ? it->source : NULL),
		    DB_TEXT(ratio ? now : NULL), DB_INT(changed),
		    changed ? DB_INT(vc[i].old_value_x100) : DB_NULL,
		    changed ? DB_INT(vc[i].old_met) : DB_NULL,
		    changed ? DB_INT(vc[i].old_na) : DB_NULL,
		    DB_TEXT(changed ? vc[i].reason : NULL),
		    DB_TEXT(an != NULL ? an->note : NULL)), NULL, err);
	}
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE model_registrations SET total_x100 = $2,"
		    " max_x100 = $3, achieved = $4, band = $5, level = $6,"
		    " updated_at = $7 WHERE id = $1",
		    DB_ARGS(DB_INT(r->id), DB_INT(sc->total_x100),
		    DB_INT(sc->max_x100), DB_INT(sc->achieved), DB_TEXT(sc->band),
		    DB_INT(sc->level), DB_TEXT(now)), NULL, err);
	return rc;
}

/* Move the registration from one state to another, or KH_E_CONFLICT when
 * someone else moved it first. */
static int
move_state(struct db *db, const struct reg_core *r, const char *to,
    struct kh_err *err)
{
	char now[STAMP_LEN];
	int64_t changed = 0;
	int rc;

	stamp_now(now);
	rc = db_exec_args(db, "UPDATE model_registrations SET state = $2,"
	    " returned = 0, updated_at = $4 WHERE id = $1 AND state = $3",
	    DB_ARGS(DB_INT(r->id), DB_TEXT(to), DB_TEXT(r->state), DB_TEXT(now)),
	    &changed, err);
	if (rc == 0 && changed != 1)
		rc = kh_fail(err, KH_E_CONFLICT, N_("The registration was changed"
		    " meanwhile; reload it."), NULL);
	if (rc == 0)
		rc = models_counts_move(db, r, r->state, to, err);
	return rc;
}

static json_t *
score_json(const struct model_score *sc)
{
	return json_pack("{s:I, s:I, s:b, s:s, s:i, s:s}", "total_x100",
	    (json_int_t)sc->total_x100, "max_x100", (json_int_t)sc->max_x100,
	    "achieved", sc->achieved, "band", sc->band, "level", sc->level,
	    "failed", sc->failed);
}

static int
self_assess(struct db *db, const struct actor *a, int64_t reg_id,
    const struct model_answer *given, size_t n, const char *note_in,
    bool public_channel, struct kh_err *err)
{
	struct arena ar = ARENA_INIT;
	struct criteria_set set;
	struct model_score sc;
	struct model_deadlines dl;
	struct model_answer *ans = NULL;
	struct reg_core r;
	size_t nans = 0;
	char *note = NULL;
	json_t *extra = NULL;
	int rc;

	memset(&set, 0, sizeof(set));
	memset(&sc, 0, sizeof(sc));
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc != 0)
		return rc;
	if (public_channel) {
		if (a == NULL || a->role != ROLE_NONE ||
		    strncmp(a->login, "public:", 7) != 0)
			return kh_fail(err, KH_E_FORBIDDEN, N_("Your role does not"
			    " allow this."), NULL);
	} else {
		rc = auth_can_write(db, a, r.unit_id, err);
		if (rc != 0)
			return rc;
	}
	if (strcmp(r.state, REG_REGISTERED) != 0)
		return models_wrong_state(err, a, N_("This registration is %s; it"
		    " cannot be self-assessed now."), r.state);
	rc = clean_note(&ar, note_in, "note", &note, err);
	if (rc == 0)
		rc = models_set_load(db, r.set_id, &set, err);
	if (rc == 0)
		rc = models_deadlines_for(db, r.unit_id, r.year, r.model, &dl, err);
	if (rc != 0)
		goto out;
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = build_answers(db, &ar, &r, &set, given, n, &ans, &nans, err);
	if (rc == 0)
		rc = models_score(&set, r.subject_group, ans, nans, &sc, err);
	if (rc == 0)
		rc = move_state(db, &r, REG_SELF_ASSESSED, err);
	if (rc == 0)
		rc = store_assessment(db, a, &r, "self", public_channel ? "public" :
		    "officer", note, &set, ans, nans, &sc, NULL, err);
	if (rc == 0)
		rc = models_log_transition(db, a, r.id, "self_assess", r.state,
		    REG_SELF_ASSESSED, NULL, dl.self_assess_by, err);
	if (rc == 0) {
		extra = score_json(&sc);
		if (public_channel)
			json_object_set_new(extra, "channel", json_string("public"));
		rc = models_audit_reg(db, a, &r, "self_assess", r.state,
		    REG_SELF_ASSESSED, extra, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	json_decref(extra);
	model_score_cleanup(&sc);
	criteria_set_cleanup(&set);
	arena_free(&ar);
	return rc;
}

int
models_self_assess(struct db *db, const struct actor *a, int64_t reg_id,
    const struct model_answer *answers, size_t n, const char *note,
    struct kh_err *err)
{
	return self_assess(db, a, reg_id, answers, n, note, false, err);
}

int
models_self_assess_public(struct db *db, const struct actor *a,
    int64_t reg_id, const struct model_answer *answers, size_t n,
    const char *note, struct kh_err *err)
{
	return self_assess(db, a, reg_id, answers, n, note, true, err);
}

/* The latest self-assessment's entered answers (ratios left out). */
static int
load_self_answers(struct db *db, struct arena *ar, const struct reg_core *r,
    const struct criteria_set *set, struct model_answer **out, size_t *nout,
    struct kh_err *err)
{
	struct db_stmt *st;
	struct model_answer *ans;
	size_t k = 0;
	int rc;

	/* Room for one answer per item and one per change added later. */
	ans = arena_alloc(ar, (set->n_items * 2 + 1) * sizeof(*ans));
	memset(ans, 0, (set->n_items * 2 + 1) * sizeof(*ans));
	rc = db_prepare(db, "SELECT v.code, v.entered_x100, v.met, v.na, v.note"
	    " FROM model_assessment_values v WHERE v.is_criterion = 0"
	    " AND v.source IS NULL AND v.assessment_id = (SELECT max(x.id) FROM"
	    " model_assessments x WHERE x.registration_id = $1"
	    " AND x.stage = 'self') ORDER BY v.position",
	    DB_ARGS(DB_INT(r->id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1 && k < set->n_items) {
		const struct criteria_item *it =
		    criteria_find(set, db_col_text(st, 0));

		if (it == NULL)
			continue;
		ans[k].code = it->code;
		ans[k].value_x100 = db_col_int(st, 1);
		ans[k].met = (int)db_col_int(st, 2);
		ans[k].na = (int)db_col_int(st, 3);
		ans[k].note = db_col_null(st, 4) ? NULL :
		    arena_strdup(ar, db_col_text(st, 4));
		k++;
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	*out = ans;
	*nout = k;
	return 0;
}

int
models_verify(struct db *db, const struct actor *a, int64_t reg_id,
    const struct model_change *changes, size_t n, const char *note_in,
    struct kh_err *err)
{
	struct arena ar = ARENA_INIT;
	struct criteria_set set;
	struct model_score sc;
	struct model_deadlines dl;
	struct model_answer *self = NULL, *ans = NULL;
	struct vchange *vc = NULL;
	struct reg_core r;
	size_t nself = 0, nans = 0, i, k;
	char *note = NULL;
	json_t *extra = NULL, *list = NULL;
	int rc;

	memset(&set, 0, sizeof(set));
	memset(&sc, 0, sizeof(sc));
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_write(db, a, r.unit_id, err);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, REG_SELF_ASSESSED) != 0)
		return models_wrong_state(err, a, N_("This registration is %s; it"
		    " cannot be verified now."), r.state);
	rc = clean_note(&ar, note_in, "note", &note, err);
	if (rc == 0)
		rc = models_set_load(db, r.set_id, &set, err);
	if (rc == 0)
		rc = models_deadlines_for(db, r.unit_id, r.year, r.model, &dl, err);
	if (rc != 0)
		goto out;
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = load_self_answers(db, &ar, &r, &set, &self, &nself, err);
	vc = arena_alloc(&ar, (set.n_items + 1) * sizeof(*vc));
	memset(vc, 0, (set.n_items + 1) * sizeof(*vc));
	list = json_array();
	for (k = 0; rc == 0 && k < n; k++) {
		const struct model_change *ch = &changes[k];
		const struct criteria_item *it = ch->code != NULL ?
		    criteria_find(&set, ch->code) : NULL;
		struct model_answer *an = NULL;
		char *reason = NULL;

		if (it == NULL || it->parent_code == NULL ||
		    !criteria_applies(it, r.subject_group)) {
			rc = kh_fail_field(err, KH_E_INVALID, "code",
			    N_("The criteria set has no indicator %s."),
			    ch->code != NULL ? ch->code : "");
			break;
		}
		if (strcmp(it->kind, CRIT_RATIO) == 0) {
			rc = kh_fail_field(err, KH_E_INVALID, it->code,
			    N_("The indicator %s is computed from the records; it"
			    " cannot be changed by hand."), it->code);
			break;
		}
		rc = clean_note(&ar, ch->reason, it->code, &reason, err);
		if (rc != 0)
			break;
		if (reason == NULL) {
			rc = kh_fail_field(err, KH_E_INVALID, it->code,
			    N_("Give the reason for changing %s."), it->code);
			break;
		}
		i = (size_t)(it - set.items);
		if (vc[i].changed) {
			rc = kh_fail_field(err, KH_E_INVALID, it->code,
			    N_("The indicator %s is answered twice."), it->code);
			break;
		}
		for (size_t j = 0; j < nself; j++)
			if (strcmp(self[j].code, it->code) == 0)
				an = &self[j];
		if (an == NULL) {
			an = &self[nself++];
			memset(an, 0, sizeof(*an));
			an->code = it->code;
		}
		vc[i].changed = true;
		vc[i].old_value_x100 = an->value_x100;
		vc[i].old_met = an->met;
		vc[i].old_na = an->na;
		vc[i].reason = reason;
		an->value_x100 = ch->value_x100;
		an->met = ch->met;
		an->na = ch->na;
		json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:i, s:i,"
		    " s:s}", "code", it->code, "from_x100",
		    (json_int_t)vc[i].old_value_x100, "to_x100",
		    (json_int_t)ch->value_x100, "from_met", vc[i].old_met, "to_met",
		    ch->met, "reason", reason));
	}
	if (rc == 0)
		rc = build_answers(db, &ar, &r, &set, self, nself, &ans, &nans, err);
	if (rc == 0)
		rc = models_score(&set, r.subject_group, ans, nans, &sc, err);
	if (rc == 0)
		rc = move_state(db, &r, REG_VERIFIED, err);
	if (rc == 0)
		rc = store_assessment(db, a, &r, "verify", "officer", note, &set, ans,
		    nans, &sc, vc, err);
	if (rc == 0)
		rc = models_log_transition(db, a, r.id, "verify", r.state,
		    REG_VERIFIED, NULL, dl.verify_by, err);
	if (rc == 0) {
		extra = score_json(&sc);
		json_object_set(extra, "changes", list);
		rc = models_audit_reg(db, a, &r, "verify", r.state, REG_VERIFIED,
		    extra, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	json_decref(extra);
	json_decref(list);
	model_score_cleanup(&sc);
	criteria_set_cleanup(&set);
	arena_free(&ar);
	return rc;
}

int
models_assessment(struct db *db, const struct actor *a, int64_t reg_id,
    const char *stage, struct model_assessment *out, struct kh_err *err)
{
	struct reg_core r;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (stage == NULL || (strcmp(stage, "self") != 0 &&
	    strcmp(stage, "verify") != 0))
		return kh_fail_field(err, KH_E_INVALID, "stage", N_("The stage is"
		    " self or verify."), NULL);
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_read(db, a, r.unit_id, err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT id, stage, channel, actor, at, note,"
		    " total_x100, max_x100, achieved, band, level, failed"
		    " FROM model_assessments WHERE registration_id = $1"
		    " AND stage = $2 ORDER BY id DESC LIMIT 1",
		    DB_ARGS(DB_INT(reg_id), DB_TEXT(stage)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_int(st, 0);
		out->stage = models_col_str(st, 1);
		out->channel = models_col_str(st, 2);
		out->actor = models_col_str(st, 3);
		out->at = models_col_str(st, 4);
		out->note = models_col_str(st, 5);
		out->total_x100 = db_col_int(st, 6);
		out->max_x100 = db_col_int(st, 7);
		out->achieved = db_col_int(st, 8) != 0;
		out->band = models_col_str(st, 9);
		out->level = (int)db_col_int(st, 10);
		out->failed = models_col_str(st, 11);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("This registration has no such"
		    " assessment yet."), NULL);
	db_finalize(st);
	if (rc != 0)
		return rc;
	rc = db_prepare(db, "SELECT code, is_criterion, value_x100, entered_x100,"
	    " met, na, COALESCE(num, 0), COALESCE(den, 0), source, computed_at,"
	    " changed, COALESCE(old_value_x100, 0), COALESCE(old_met, 0),"
	    " COALESCE(old_na, 0), reason, note FROM model_assessment_values"
	    " WHERE assessment_id = $1 ORDER BY position",
	    DB_ARGS(DB_INT(out->id)), &st, err);
	if (rc != 0) {
		model_assessment_cleanup(out);
		return rc;
	}
	while ((rc = db_step(st, err)) == 1) {
		struct model_value *v;

		if (out->n_values == cap) {
			cap = cap ? cap * 2 : 16;
			out->values = xrealloc(out->values, cap * sizeof(*v));
		}
		v = &out->values[out->n_values++];
		v->code = models_col_str(st, 0);
		v->criterion = db_col_int(st, 1) != 0;
		v->value_x100 = db_col_int(st, 2);
		v->entered_x100 = db_col_int(st, 3);
		v->met = (int)db_col_int(st, 4);
		v->na = (int)db_col_int(st, 5);
		v->num = db_col_int(st, 6);
		v->den = db_col_int(st, 7);
		v->source = models_col_dup(st, 8);
		v->computed_at = models_col_dup(st, 9);
		v->changed = db_col_int(st, 10) != 0;
		v->old_value_x100 = db_col_int(st, 11);
		v->old_met = (int)db_col_int(st, 12);
		v->old_na = (int)db_col_int(st, 13);
		v->reason = models_col_dup(st, 14);
		v->note = models_col_dup(st, 15);
	}
	db_finalize(st);
	if (rc < 0) {
		model_assessment_cleanup(out);
		return rc;
	}
	return 0;
}

int
models_ratios(struct db *db, const struct actor *a, int64_t reg_id,
    struct model_ratio_list *out, struct kh_err *err)
{
	struct criteria_set set;
	struct reg_core r;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_read(db, a, r.unit_id, err);
	if (rc == 0)
		rc = models_set_load(db, r.set_id, &set, err);
	if (rc != 0)
		return rc;
	out->items = xcalloc(set.n_items + 1, sizeof(*out->items));
	for (size_t i = 0; rc == 0 && i < set.n_items; i++) {
		const struct criteria_item *it = &set.items[i];
		struct model_ratio *m;
		int64_t bp;

		if (it->parent_code == NULL || strcmp(it->kind, CRIT_RATIO) != 0 ||
		    !criteria_applies(it, r.subject_group))
			continue;
		m = &out->items[out->n++];
		m->code = xstrdup(it->code);
		m->source = xstrdup(it->source);
		rc = models_ratio_compute(db, &r, it->source, &m->num, &m->den, err);
		m->min_ratio_bp = it->min_ratio_bp;
		bp = it->min_ratio_bp >= 0 ? it->min_ratio_bp :
		    models_level_threshold(it, it->from_level);
		m->met = bp >= 0 && m->den > 0 && m->num * 10000 >= bp * m->den;
	}
	criteria_set_cleanup(&set);
	if (rc != 0)
		model_ratio_list_cleanup(out);
	return rc;
}
