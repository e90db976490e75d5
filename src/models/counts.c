/*
 * counts.c - the registered and recognised counts behind the roll-up
 * (table model_counts, migration 0008): one row per managing unit, year,
 * model and subject group. models_counts_apply() is the only code that
 * changes a row; registration.c, workflow.c, assess.c and decision.c call it
 * (through models_counts_move()) in the transaction that writes the
 * registration, so the counts never disagree with the registrations they
 * sum. models_counts_check() and models_counts_rebuild() compare them with,
 * and recount them from, the registrations themselves.
 */
#include "models/models_impl.h"
#include "auth/audit.h"

#include <string.h>

/*
 * The counts of every (unit, year, model, group) that has registrations,
 * straight from the registrations: the statement migration 0008 fills the
 * table with, kept word for word the same.
 */
#define SQL_RECOUNT \
	"SELECT unit_id, year, model, COALESCE(subject_group, 0)," \
	" SUM(CASE WHEN state <> 'withdrawn' THEN 1 ELSE 0 END)," \
	" SUM(CASE WHEN state = 'recognised' THEN 1 ELSE 0 END)" \
	" FROM model_registrations" \
	" GROUP BY unit_id, year, model, COALESCE(subject_group, 0)"

#define SQL_COUNTS \
	"SELECT unit_id, year, model, subject_group, registered, recognised" \
	" FROM model_counts"

int
models_counts_apply(struct db *db, int64_t unit_id, int year,
    const char *model, int subject_group, int64_t d_registered,
    int64_t d_recognised, struct kh_err *err)
{
	/*
	 * An upsert (both databases have ON CONFLICT ... DO UPDATE): the first
	 * registration of a group creates its row, later ones add to it. The
	 * row is locked until the caller's transaction ends, so two officers
	 * registering in the same village wait for each other here instead of
	 * losing one of the additions.
	 */
	return db_exec_args(db, "INSERT INTO model_counts (unit_id, year, model,"
	    " subject_group, registered, recognised) VALUES ($1, $2, $3, $4, $5,"
	    " $6) ON CONFLICT (unit_id, year, model, subject_group) DO UPDATE SET"
	    " registered = model_counts.registered + excluded.registered,"
	    " recognised = model_counts.recognised + excluded.recognised",
	    DB_ARGS(DB_INT(unit_id), DB_INT(year), DB_TEXT(model),
	    DB_INT(subject_group > 0 ? subject_group : 0), DB_INT(d_registered),
	    DB_INT(d_recognised)), NULL, err);
}

/* What a registration in `state` adds to the counts (NULL: none yet). */
static void
weight(const char *state, int64_t *reg, int64_t *rec)
{
	*reg = state != NULL && strcmp(state, REG_WITHDRAWN) != 0;
	*rec = state != NULL && strcmp(state, REG_RECOGNISED) == 0;
}

int
models_counts_move(struct db *db, const struct reg_core *r, const char *from,
    const char *to, struct kh_err *err)
{
	int64_t reg0, rec0, reg1, rec1;

	weight(from, &reg0, &rec0);
	weight(to, &reg1, &rec1);
	/* A new registration still makes its row, even withdrawn at once, so
	 * that the roll-up lists its group as a recount would. */
	if (from != NULL && reg0 == reg1 && rec0 == rec1)
		return 0;
	return models_counts_apply(db, r->unit_id, r->year, r->model,
	    r->subject_group, reg1 - reg0, rec1 - rec0, err);
}

int
models_counts_check(struct db *db, int64_t *differ, struct kh_err *err)
{
	/* Rows of either side that the other has not, exactly: a count that is
	 * off shows once on each side, a missing or extra row once. */
	return db_query_int(db, "SELECT (SELECT count(*) FROM (" SQL_COUNTS
	    " EXCEPT " SQL_RECOUNT ") a) + (SELECT count(*) FROM (" SQL_RECOUNT
	    " EXCEPT " SQL_COUNTS ") b)", DB_NOARGS, differ, err);
}

int
models_counts_rebuild(struct db *db, const struct actor *a, int64_t *differ,
    struct kh_err *err)
{
	json_t *after;
	int64_t country, n = 0;
	int rc;

	if (differ != NULL)
		*differ = 0;
	/* The counts of the whole country: an administrator of the country. */
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT id FROM units WHERE code = 'VN'",
		    DB_NOARGS, &country, err);
	if (rc == 0)
		rc = auth_can_write(db, a, country, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = models_counts_check(db, &n, err);
	if (rc == 0 && n > 0)
		rc = db_exec_args(db, "DELETE FROM model_counts", DB_NOARGS, NULL,
		    err);
	if (rc == 0 && n > 0)
		rc = db_exec_args(db, "INSERT INTO model_counts (unit_id, year,"
		    " model, subject_group, registered, recognised) " SQL_RECOUNT,
		    DB_NOARGS, NULL, err);
	if (rc == 0 && n > 0) {
		after = json_pack("{s:I}", "rows_differing", (json_int_t)n);
		rc = audit_record(db, a, country, "recount", "model_counts", "all",
		    NULL, after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && differ != NULL)
		*differ = n;
	return rc;
}
