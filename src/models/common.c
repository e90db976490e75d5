/*
 * common.c - what the learning-model files share: labels, loading a
 * registration, the commune-level rule, the figures behind ratio
 * indicators, deadlines, and the history and audit of each action.
 */
#include "models/models_impl.h"
#include "auth/audit.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
models_col_dup(struct db_stmt *st, int col)
{
	const char *t = db_col_text(st, col);

	return t != NULL ? xstrdup(t) : NULL;
}

char *
models_col_str(struct db_stmt *st, int col)
{
	const char *t = db_col_text(st, col);

	return xstrdup(t != NULL ? t : "");
}

void
models_id_str(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

void
models_points_str(int64_t x100, char *out, size_t outsz)
{
	int64_t whole = x100 / 100, frac = x100 % 100;
	const char *sign = "";

	if (x100 < 0) {
		sign = "-";
		whole = -whole;
		frac = -frac;
	}
	if (frac == 0)
		snprintf(out, outsz, "%s%lld", sign, (long long)whole);
	else if (frac % 10 == 0)
		snprintf(out, outsz, "%s%lld.%lld", sign, (long long)whole,
		    (long long)(frac / 10));
	else
		snprintf(out, outsz, "%s%lld.%02lld", sign, (long long)whole,
		    (long long)frac);
}

struct label {
	const char *code, *vi, *en;
};

static const struct label model_labels[] = {
	{MODEL_CITIZEN, "Công dân học tập", "Learning citizen"},
	{MODEL_FAMILY, "Gia đình học tập", "Learning family"},
	{MODEL_CLAN, "Dòng họ học tập", "Learning clan"},
	{MODEL_COMMUNITY, "Cộng đồng học tập cấp thôn", "Learning community (village)"},
	{MODEL_UNIT, "Đơn vị học tập", "Learning unit"},
	{MODEL_COMMUNE_COMMUNITY, "Cộng đồng học tập cấp xã",
	    "Learning community (commune)"},
	{NULL, NULL, NULL},
};

static const struct label state_labels[] = {
	{REG_REGISTERED, "đã đăng ký", "registered"},
	{REG_SELF_ASSESSED, "đã tự đánh giá", "self-assessed"},
	{REG_VERIFIED, "đã thẩm định", "verified"},
	{REG_PROPOSED, "đã đề nghị công nhận", "proposed"},
	{REG_RECOGNISED, "đã được công nhận", "recognised"},
	{REG_WITHDRAWN, "đã rút", "withdrawn"},
	{NULL, NULL, NULL},
};

static const char *
label_of(const struct label *t, const char *code, const char *lang)
{
	for (; code != NULL && t->code != NULL; t++)
		if (strcmp(t->code, code) == 0)
			return lang != NULL && strcmp(lang, "en") == 0 ? t->en : t->vi;
	return code != NULL ? code : "";
}

const char *
models_model_label(const char *model, const char *lang)
{
	return label_of(model_labels, model, lang);
}

const char *
models_state_label(const char *state, const char *lang)
{
	return label_of(state_labels, state, lang);
}

const char *
models_source_msgid(const char *source)
{
	if (source == NULL)
		return "";
	if (strcmp(source, MODELS_SRC_CLAN_FAMILIES) == 0)
		return N_("Households of the clan recognised as learning families"
		    " that year");
	if (strcmp(source, MODELS_SRC_VILLAGE_FAMILIES) == 0)
		return N_("Households of the unit recognised as learning families"
		    " that year");
	if (strcmp(source, MODELS_SRC_UNIT_CITIZENS) == 0)
		return N_("People of the unit recognised as learning citizens"
		    " that year");
	return source;
}

int
models_reg_load(struct db *db, int64_t id, struct reg_core *out,
    struct kh_err *err)
{
	struct db_stmt *st;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, "SELECT id, model, year, subject_kind, subject_id,"
	    " unit_id, COALESCE(subject_group, 0), set_id, state, achieved"
	    " FROM model_registrations WHERE id = $1", DB_ARGS(DB_INT(id)), &st,
	    err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_int(st, 0);
		snprintf(out->model, sizeof(out->model), "%s", db_col_text(st, 1));
		out->year = (int)db_col_int(st, 2);
		snprintf(out->subject_kind, sizeof(out->subject_kind), "%s",
		    db_col_text(st, 3));
		out->subject_id = db_col_int(st, 4);
		out->unit_id = db_col_int(st, 5);
		out->subject_group = (int)db_col_int(st, 6);
		out->set_id = db_col_int(st, 7);
		snprintf(out->state, sizeof(out->state), "%s", db_col_text(st, 8));
		out->achieved = db_col_int(st, 9) != 0;
		rc = 0;
	} else if (rc == 0) {
		models_id_str(id, ids);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No registration has the"
		    " number %s."), ids);
	}
	db_finalize(st);
	return rc;
}

int
models_need_commune_level(struct db *db, const struct actor *a,
    struct kh_err *err)
{
	char *kind = NULL;
	bool ok;
	int rc;

	rc = db_query_text(db, "SELECT kind FROM units WHERE id = $1",
	    DB_ARGS(DB_INT(a->unit_id)), &kind, err);
	if (rc != 0)
		return rc;
	ok = kind != NULL && (strcmp(kind, "commune") == 0 ||
	    strcmp(kind, "district") == 0 || strcmp(kind, "province") == 0 ||
	    strcmp(kind, "country") == 0);
	free(kind);
	if (!ok)
		return kh_fail(err, KH_E_FORBIDDEN, N_("Only an account of a commune"
		    " or a higher level may do this."), NULL);
	return 0;
}

/*
 * The three computations. Households and people count when their record
 * had not ended before the year began (records are often created after the
 * fact, so the start date of a record is not used).
 */
static const char SQL_CLAN_FAMILIES[] =
    "SELECT count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM"
    " model_registrations f WHERE f.model = 'family' AND f.year = $2"
    " AND f.subject_kind = 'household' AND f.subject_id = h.id"
    " AND f.state = 'recognised') THEN 1 ELSE 0 END), 0)"
    " FROM clan_households ch JOIN households h ON h.id = ch.household_id"
    " WHERE ch.clan_id = $1 AND (h.valid_to IS NULL OR h.valid_to >= $3)";

static const char SQL_VILLAGE_FAMILIES[] =
    "SELECT count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM"
    " model_registrations f WHERE f.model = 'family' AND f.year = $2"
    " AND f.subject_kind = 'household' AND f.subject_id = h.id"
    " AND f.state = 'recognised') THEN 1 ELSE 0 END), 0)"
    " FROM households h WHERE EXISTS (SELECT 1 FROM unit_tree t"
    "   WHERE t.ancestor_id = $1 AND t.descendant_id = h.unit_id)"
    " AND (h.valid_to IS NULL OR h.valid_to >= $3)";

/* People living in the unit's subtree, and people registered as citizens
 * through a unit of the subtree (their work unit) that year. */
static const char SQL_UNIT_CITIZENS[] =
    "SELECT count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM"
    " model_registrations c WHERE c.model = 'citizen' AND c.year = $2"
    " AND c.subject_kind = 'person' AND c.subject_id = p.id"
    " AND c.state = 'recognised') THEN 1 ELSE 0 END), 0)"
    " FROM people p WHERE (p.valid_to IS NULL OR p.valid_to >= $3)"
    " AND (EXISTS (SELECT 1 FROM unit_tree t"
    "   WHERE t.ancestor_id = $1 AND t.descendant_id = p.unit_id)"
    " OR EXISTS (SELECT 1 FROM model_registrations w JOIN unit_tree t2"
    "   ON t2.descendant_id = w.unit_id WHERE t2.ancestor_id = $1"
    "   AND w.model = 'citizen' AND w.year = $2 AND w.subject_kind = 'person'"
    "   AND w.subject_id = p.id AND w.state <> 'withdrawn'))";

int
models_ratio_compute(struct db *db, const struct reg_core *r,
    const char *source, int64_t *num, int64_t *den, struct kh_err *err)
{
	const char *sql;
	const char *want;
	struct db_stmt *st;
	char year_start[DATE_LEN + 8];
	int rc;

	*num = *den = 0;
	if (strcmp(source, MODELS_SRC_CLAN_FAMILIES) == 0) {
		sql = SQL_CLAN_FAMILIES;
		want = "clan";
	} else if (strcmp(source, MODELS_SRC_VILLAGE_FAMILIES) == 0) {
		sql = SQL_VILLAGE_FAMILIES;
		want = "unit";
	} else if (strcmp(source, MODELS_SRC_UNIT_CITIZENS) == 0) {
		sql = SQL_UNIT_CITIZENS;
		want = "unit";
	} else
		return kh_fail(err, KH_E_INVALID, N_("%s is not a known"
		    " computation."), source);
	if (strcmp(r->subject_kind, want) != 0)
		return kh_fail(err, KH_E_INVALID, N_("The computation %s does not"
		    " fit this subject."), source);
	snprintf(year_start, sizeof(year_start), "%04d-01-01", r->year);
	rc = db_prepare(db, sql, DB_ARGS(DB_INT(r->subject_id), DB_INT(r->year),
	    DB_TEXT(year_start)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		*den = db_col_int(st, 0);
		*num = db_col_int(st, 1);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/* Registration in the first quarter, self-assessment by the
 * end of November, the village's review in early December, recognition by
 * the end of the year (common practice, not found in a regulation); the
 * commune learning community of TT 25/2023 files its dossier before 28
 * February and is recognised before 31 March of the next year (national
 * procedure 1.005097). A province changes them with models_calendar_set. */
static void
set_date(char out[DATE_LEN], int year, const char *month_day)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%04d-%s", year, month_day);
	snprintf(out, DATE_LEN, "%.10s", tmp);
}

static void
default_deadlines(const char *model, int year, struct model_deadlines *d)
{
	memset(d, 0, sizeof(*d));
	set_date(d->register_by, year, "03-31");
	if (strcmp(model, MODEL_COMMUNE_COMMUNITY) == 0) {
		set_date(d->self_assess_by, year + 1, "02-28");
		set_date(d->verify_by, year + 1, "03-15");
		set_date(d->recognise_by, year + 1, "03-31");
	} else {
		set_date(d->self_assess_by, year, "11-30");
		set_date(d->verify_by, year, "12-10");
		set_date(d->recognise_by, year, "12-31");
	}
}

int
models_deadlines_for(struct db *db, int64_t unit_id, int year,
    const char *model, struct model_deadlines *out, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	default_deadlines(model, year, out);
	rc = db_prepare(db, "SELECT c.register_by, c.self_assess_by, c.verify_by,"
	    " c.recognise_by, c.unit_id FROM model_calendar c JOIN unit_tree t"
	    " ON t.ancestor_id = c.unit_id WHERE t.descendant_id = $1"
	    " AND c.year = $2 AND c.model = $3 ORDER BY t.depth LIMIT 1",
	    DB_ARGS(DB_INT(unit_id), DB_INT(year), DB_TEXT(model)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		snprintf(out->register_by, sizeof(out->register_by), "%s",
		    db_col_text(st, 0));
		snprintf(out->self_assess_by, sizeof(out->self_assess_by), "%s",
		    db_col_text(st, 1));
		snprintf(out->verify_by, sizeof(out->verify_by), "%s",
		    db_col_text(st, 2));
		snprintf(out->recognise_by, sizeof(out->recognise_by), "%s",
		    db_col_text(st, 3));
		out->unit_id = db_col_int(st, 4);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

int
models_deadlines(struct db *db, const struct actor *a, int64_t unit_id,
    int year, const char *model, struct model_deadlines *out,
    struct kh_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!models_model_valid(model))
		return kh_fail_field(err, KH_E_INVALID, "model", N_("%s is not a"
		    " known learning model."), model != NULL ? model : "");
	rc = auth_can_read(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	return models_deadlines_for(db, unit_id, year, model, out, err);
}

int
models_calendar_set(struct db *db, const struct actor *a, int64_t unit_id,
    int year, const char *model, const struct model_deadlines *d,
    struct kh_err *err)
{
	const char *const dates[] = {d->register_by, d->self_assess_by,
	    d->verify_by, d->recognise_by};
	struct model_deadlines old;
	char now[STAMP_LEN], ids[24];
	json_t *before, *after;
	int rc, i;

	if (!models_model_valid(model))
		return kh_fail_field(err, KH_E_INVALID, "model", N_("%s is not a"
		    " known learning model."), model != NULL ? model : "");
	rc = auth_need_role(a, ROLE_MANAGER, err);
	if (rc == 0)
		rc = auth_can_write(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < 4; i++) {
		if (!date_valid(dates[i]))
			return kh_fail(err, KH_E_INVALID, N_("%s is not a valid date."),
			    dates[i]);
		if (i > 0 && strcmp(dates[i - 1], dates[i]) > 0)
			return kh_fail(err, KH_E_INVALID, N_("The deadlines must follow"
			    " the order of the steps."), NULL);
	}
	rc = models_deadlines_for(db, unit_id, year, model, &old, err);
	if (rc != 0)
		return rc;
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = db_exec_args(db, "INSERT INTO model_calendar (unit_id, year, model,"
	    " register_by, self_assess_by, verify_by, recognise_by, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	    " ON CONFLICT (unit_id, year, model) DO UPDATE SET"
	    " register_by = excluded.register_by,"
	    " self_assess_by = excluded.self_assess_by,"
	    " verify_by = excluded.verify_by, recognise_by = excluded.recognise_by,"
	    " updated_at = excluded.updated_at",
	    DB_ARGS(DB_INT(unit_id), DB_INT(year), DB_TEXT(model),
	    DB_TEXT(d->register_by), DB_TEXT(d->self_assess_by),
	    DB_TEXT(d->verify_by), DB_TEXT(d->recognise_by), DB_TEXT(now)), NULL,
	    err);
	if (rc == 0) {
		char eid[64];

		models_id_str(year, ids);
		snprintf(eid, sizeof(eid), "%s %s", model, ids);
		before = json_pack("{s:s, s:s, s:s, s:s}", "register_by",
		    old.register_by, "self_assess_by", old.self_assess_by,
		    "verify_by", old.verify_by, "recognise_by", old.recognise_by);
		after = json_pack("{s:s, s:s, s:s, s:s}", "register_by",
		    d->register_by, "self_assess_by", d->self_assess_by,
		    "verify_by", d->verify_by, "recognise_by", d->recognise_by);
		rc = audit_record(db, a, unit_id, "update", "model_calendar", eid,
		    before, after, err);
		json_decref(before);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

int
models_log_transition(struct db *db, const struct actor *a, int64_t reg_id,
    const char *action, const char *from, const char *to, const char *reason,
    const char *deadline, struct kh_err *err)
{
	char now[STAMP_LEN], today[DATE_LEN];
	bool late;
	int rc;

	stamp_now(now);
	date_today(today);
	late = deadline != NULL && deadline[0] != '\0' &&
	    strcmp(today, deadline) > 0;
	rc = db_exec_args(db, "INSERT INTO model_transitions (registration_id, at,"
	    " action, from_state, to_state, user_id, actor, reason, deadline, late)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	    DB_ARGS(DB_INT(reg_id), DB_TEXT(now), DB_TEXT(action), DB_TEXT(from),
	    DB_TEXT(to), a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL,
	    DB_TEXT(a->login), DB_TEXT(reason != NULL ? reason : ""),
	    DB_TEXT(deadline != NULL && deadline[0] ? deadline : NULL),
	    DB_INT(late)), NULL, err);
	if (rc == 0 && late)
		rc = db_exec_args(db, "UPDATE model_registrations SET late = 1"
		    " WHERE id = $1", DB_ARGS(DB_INT(reg_id)), NULL, err);
	return rc;
}

int
models_audit_reg(struct db *db, const struct actor *a,
    const struct reg_core *r, const char *action, const char *from,
    const char *to, json_t *extra, struct kh_err *err)
{
	json_t *before = NULL, *after;
	char ids[24];
	int rc;

	models_id_str(r->id, ids);
	if (from != NULL)
		before = json_pack("{s:s}", "state", from);
	after = json_pack("{s:s, s:s, s:i}", "state", to, "model", r->model,
	    "year", r->year);
	if (extra != NULL)
		json_object_update(after, extra);
	rc = audit_record(db, a, r->unit_id, action, "registration", ids, before,
	    after, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

int
models_wrong_state(struct kh_err *err, const struct actor *a,
    const char *msgid, const char *state)
{
	return kh_fail(err, KH_E_CONFLICT, msgid,
	    models_state_label(state, a != NULL ? a->lang : "vi"));
}
