/*
 * workflow.c - the transitions that need no assessment: propose, return one
 * step, withdraw (see the state table in models.h).
 */
#include "models/models_impl.h"
#include "core/vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 2000

/* Move r to `to` if it is still in its loaded state; log and audit. */
static int
transition(struct db *db, const struct actor *a, const struct reg_core *r,
    const char *action, const char *to, const char *reason,
    const char *deadline, bool returned, struct kh_err *err)
{
	char now[STAMP_LEN];
	int64_t changed = 0;
	json_t *extra = NULL;
	int rc;

	stamp_now(now);
	rc = db_exec_args(db, "UPDATE model_registrations SET state = $2,"
	    " returned = $3, updated_at = $4 WHERE id = $1 AND state = $5",
	    DB_ARGS(DB_INT(r->id), DB_TEXT(to), DB_INT(returned), DB_TEXT(now),
	    DB_TEXT(r->state)), &changed, err);
	if (rc == 0 && changed != 1)
		rc = kh_fail(err, KH_E_CONFLICT, N_("The registration was changed"
		    " meanwhile; reload it."), NULL);
	if (rc == 0)
		rc = models_counts_move(db, r, r->state, to, err);
	if (rc == 0)
		rc = models_log_transition(db, a, r->id, action, r->state, to,
		    reason, deadline, err);
	if (rc == 0) {
		if (reason != NULL && reason[0] != '\0')
			extra = json_pack("{s:s}", "reason", reason);
		rc = models_audit_reg(db, a, r, action, r->state, to, extra, err);
	}
	json_decref(extra);
	return rc;
}

static int
clean_reason(const char *in, bool required, char **out, struct kh_err *err)
{
	*out = NULL;
	if (in == NULL || in[0] == '\0') {
		if (required)
			return kh_fail_field(err, KH_E_INVALID, "reason",
			    N_("Give the reason."), NULL);
		return 0;
	}
	*out = vn_nfc(in, strlen(in));
	if (*out == NULL || strlen(*out) > REASON_MAX) {
		free(*out);
		*out = NULL;
		return kh_fail_field(err, KH_E_INVALID, "reason", N_("The reason is"
		    " not valid text of at most 2000 bytes."), NULL);
	}
	return 0;
}

int
models_propose(struct db *db, const struct actor *a, int64_t reg_id,
    const char *note_in, struct kh_err *err)
{
	struct model_deadlines dl;
	struct reg_core r;
	char *note = NULL, *failed = NULL;
	int rc;

	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_write(db, a, r.unit_id, err);
	if (rc == 0)
		rc = models_need_commune_level(db, a, err);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, REG_VERIFIED) != 0)
		return models_wrong_state(err, a, N_("This registration is %s; it"
		    " cannot be proposed now."), r.state);
	if (!r.achieved) {
		rc = db_query_text(db, "SELECT failed FROM model_assessments WHERE"
		    " registration_id = $1 AND stage = 'verify' ORDER BY id DESC"
		    " LIMIT 1", DB_ARGS(DB_INT(r.id)), &failed, err);
		if (rc == 0 || rc == KH_E_NOT_FOUND)
			rc = kh_fail(err, KH_E_CONFLICT, N_("This registration does"
			    " not reach the standard (%s); it cannot be proposed."),
			    failed != NULL ? failed : "");
		free(failed);
		return rc;
	}
	rc = clean_reason(note_in, false, &note, err);
	if (rc == 0)
		rc = models_deadlines_for(db, r.unit_id, r.year, r.model, &dl, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0) {
		free(note);
		return rc;
	}
	rc = transition(db, a, &r, "propose", REG_PROPOSED, note, dl.recognise_by,
	    false, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	free(note);
	return rc;
}

/* Set the registration's latest score from the latest assessment of a
 * stage, or clear it (stage NULL). */
static int
restore_result(struct db *db, int64_t reg_id, const char *stage,
    struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	if (stage == NULL)
		return db_exec_args(db, "UPDATE model_registrations SET"
		    " total_x100 = NULL, max_x100 = NULL, achieved = 0, band = '',"
		    " level = 0 WHERE id = $1", DB_ARGS(DB_INT(reg_id)), NULL, err);
	rc = db_prepare(db, "SELECT total_x100, max_x100, achieved, band, level"
	    " FROM model_assessments WHERE registration_id = $1 AND stage = $2"
	    " ORDER BY id DESC LIMIT 1", DB_ARGS(DB_INT(reg_id), DB_TEXT(stage)),
	    &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		int64_t total = db_col_int(st, 0), max = db_col_int(st, 1);
		int64_t achieved = db_col_int(st, 2), level = db_col_int(st, 4);
		char *band = models_col_str(st, 3);

		db_finalize(st);
		rc = db_exec_args(db, "UPDATE model_registrations SET"
		    " total_x100 = $2, max_x100 = $3, achieved = $4, band = $5,"
		    " level = $6 WHERE id = $1", DB_ARGS(DB_INT(reg_id),
		    DB_INT(total), DB_INT(max), DB_INT(achieved), DB_TEXT(band),
		    DB_INT(level)), NULL, err);
		free(band);
		return rc;
	}
	db_finalize(st);
	return rc;
}

int
models_return(struct db *db, const struct actor *a, int64_t reg_id,
    const char *reason_in, struct kh_err *err)
{
	struct reg_core r;
	const char *to, *keep;
	char *reason = NULL;
	int rc;

	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_write(db, a, r.unit_id, err);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, REG_SELF_ASSESSED) == 0) {
		to = REG_REGISTERED;
		keep = NULL;
	} else if (strcmp(r.state, REG_VERIFIED) == 0) {
		to = REG_SELF_ASSESSED;
		keep = "self";
	} else if (strcmp(r.state, REG_PROPOSED) == 0) {
		/* Only the level that proposes may take a proposal back. */
		rc = models_need_commune_level(db, a, err);
		if (rc != 0)
			return rc;
		to = REG_VERIFIED;
		keep = "verify";
	} else
		return models_wrong_state(err, a, N_("This registration is %s; it"
		    " cannot be returned now."), r.state);
	rc = clean_reason(reason_in, true, &reason, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0) {
		free(reason);
		return rc;
	}
	rc = transition(db, a, &r, "return", to, reason, NULL, true, err);
	if (rc == 0)
		rc = restore_result(db, r.id, keep, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	free(reason);
	return rc;
}

int
models_withdraw(struct db *db, const struct actor *a, int64_t reg_id,
    const char *reason_in, struct kh_err *err)
{
	struct reg_core r;
	char *reason = NULL;
	int rc;

	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_write(db, a, r.unit_id, err);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, REG_RECOGNISED) == 0 ||
	    strcmp(r.state, REG_WITHDRAWN) == 0)
		return models_wrong_state(err, a, N_("This registration is %s; it"
		    " cannot be withdrawn now."), r.state);
	rc = clean_reason(reason_in, false, &reason, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0) {
		free(reason);
		return rc;
	}
	rc = transition(db, a, &r, "withdraw", REG_WITHDRAWN, reason, NULL, false,
	    err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	free(reason);
	return rc;
}
