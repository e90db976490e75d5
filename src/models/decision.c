/*
 * decision.c - recognition decisions and certificate numbers.
 *
 * The commune (or a higher level) records its decision: number, date,
 * signer, signer's title and issuing body, with the list of proposed
 * registrations it recognises. Each recognised registration receives the
 * next certificate number of (issuing unit, model, year), written
 * PREFIX-YEAR-NNNNNN ("GĐHT-2025-000123"); the prefix comes from the criteria
 * set (certificate_prefix), else from the model. Numbers are taken from a
 * counter row updated inside the decision's transaction, so they are
 * sequential and never given twice, and a unique index guards them.
 * Printing (decision, attached list, certificates) belongs to src/io/doc.h:
 * models_decision_get() gives it the data.
 */
#include "models/models_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_MAX 200

struct decision_core {
	int64_t id;
	int64_t unit_id;
	char model[24];
	int year;
	char number[FIELD_MAX + 1];
};

static const char *
default_prefix(const char *model)
{
	if (strcmp(model, MODEL_CITIZEN) == 0)
		return "CDHT";
	if (strcmp(model, MODEL_FAMILY) == 0)
		return "GĐHT";
	if (strcmp(model, MODEL_CLAN) == 0)
		return "DHHT";
	if (strcmp(model, MODEL_COMMUNITY) == 0)
		return "CĐHT";
	if (strcmp(model, MODEL_COMMUNE_COMMUNITY) == 0)
		return "CĐHT-X";
	return "ĐVHT";
}

static int
recognise_one(struct db *db, const struct actor *a,
    const struct decision_core *d, int64_t reg_id, struct kh_err *err)
{
	struct model_deadlines dl;
	struct reg_core r;
	char ids[24], now[STAMP_LEN], *prefix = NULL, *number = NULL;
	int64_t seq = 0, inside = 0, changed = 0;
	json_t *extra = NULL;
	int rc;

	models_id_str(reg_id, ids);
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_write(db, a, r.unit_id, err);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, REG_PROPOSED) != 0)
		return models_wrong_state(err, a, N_("This registration is %s; it"
		    " cannot be recognised now."), r.state);
	if (strcmp(r.model, d->model) != 0 || r.year != d->year)
		return kh_fail(err, KH_E_INVALID, N_("The registration %s is not of"
		    " the decision's model and year."), ids);
	rc = db_query_int(db, "SELECT count(*) FROM unit_tree WHERE"
	    " ancestor_id = $1 AND descendant_id = $2",
	    DB_ARGS(DB_INT(d->unit_id), DB_INT(r.unit_id)), &inside, err);
	if (rc != 0)
		return rc;
	if (inside == 0)
		return kh_fail(err, KH_E_INVALID, N_("The registration %s is not"
		    " managed under the unit that issues the decision."), ids);
	rc = models_deadlines_for(db, r.unit_id, r.year, r.model, &dl, err);
	if (rc == 0)
		rc = db_query_text(db, "SELECT certificate_prefix FROM criteria_sets"
		    " WHERE id = $1", DB_ARGS(DB_INT(r.set_id)), &prefix, err);
	if (rc == 0)
		rc = db_exec_args(db, "INSERT INTO certificate_counters (unit_id,"
		    " model, year, last_seq) VALUES ($1, $2, $3, 0)"
		    " ON CONFLICT (unit_id, model, year) DO NOTHING",
		    DB_ARGS(DB_INT(d->unit_id), DB_TEXT(r.model), DB_INT(r.year)),
		    NULL, err);
	if (rc == 0)
		rc = db_query_int(db, "UPDATE certificate_counters SET"
		    " last_seq = last_seq + 1 WHERE unit_id = $1 AND model = $2"
		    " AND year = $3 RETURNING last_seq",
		    DB_ARGS(DB_INT(d->unit_id), DB_TEXT(r.model), DB_INT(r.year)),
		    &seq, err);
	if (rc != 0)
		goto out;
	number = xasprintf("%s-%04d-%06lld", prefix != NULL && prefix[0] ?
	    prefix : default_prefix(r.model), r.year, (long long)seq);
	stamp_now(now);
	rc = db_exec_args(db, "UPDATE model_registrations SET state = 'recognised',"
	    " returned = 0, decision_id = $2, cert_unit_id = $3,"
	    " certificate_seq = $4, certificate_no = $5, updated_at = $6"
	    " WHERE id = $1 AND state = 'proposed'",
	    DB_ARGS(DB_INT(r.id), DB_INT(d->id), DB_INT(d->unit_id), DB_INT(seq),
	    DB_TEXT(number), DB_TEXT(now)), &changed, err);
	if (rc == 0 && changed != 1)
		rc = kh_fail(err, KH_E_CONFLICT, N_("The registration was changed"
		    " meanwhile; reload it."), NULL);
	if (rc == 0)
		rc = models_counts_move(db, &r, r.state, REG_RECOGNISED, err);
	if (rc == 0)
		rc = models_log_transition(db, a, r.id, "recognise", r.state,
		    REG_RECOGNISED, d->number, dl.recognise_by, err);
	if (rc == 0) {
		extra = json_pack("{s:s, s:s, s:I}", "decision", d->number,
		    "certificate_no", number, "decision_id", (json_int_t)d->id);
		rc = models_audit_reg(db, a, &r, "recognise", r.state,
		    REG_RECOGNISED, extra, err);
	}
out:
	json_decref(extra);
	free(prefix);
	free(number);
	return rc;
}

/* Check one text field of a decision: NFC copy, 1..FIELD_MAX bytes. */
static int
field_text(const char *in, const char *field, char **out, struct kh_err *err)
{
	*out = in != NULL ? vn_nfc(in, strlen(in)) : NULL;
	if (*out == NULL || (*out)[0] == '\0' || strlen(*out) > FIELD_MAX) {
		free(*out);
		*out = NULL;
		return kh_fail_field(err, KH_E_INVALID, field, N_("Fill in %s (at"
		    " most 200 characters)."), field);
	}
	return 0;
}

static int
need_recogniser(struct db *db, const struct actor *a, int64_t unit_id,
    struct kh_err *err)
{
	int rc = auth_need_role(a, ROLE_MANAGER, err);

	if (rc == 0)
		rc = models_need_commune_level(db, a, err);
	if (rc == 0)
		rc = auth_can_write(db, a, unit_id, err);
	return rc;
}

int
models_decision_create(struct db *db, const struct actor *a,
    const struct model_decision_input *in, const int64_t *reg_ids, size_t n,
    int64_t *id_out, struct kh_err *err)
{
	struct decision_core d;
	char now[STAMP_LEN], yr[12];
	char *number = NULL, *signer = NULL, *title = NULL, *body = NULL;
	int64_t dup = 0;
	json_t *after = NULL;
	int rc;

	memset(&d, 0, sizeof(d));
	if (in->model == NULL || !models_model_valid(in->model))
		return kh_fail_field(err, KH_E_INVALID, "model", N_("%s is not a"
		    " known learning model."), in->model != NULL ? in->model : "");
	rc = need_recogniser(db, a, in->unit_id, err);
	if (rc != 0)
		return rc;
	if (in->decided_on == NULL || !date_valid(in->decided_on))
		return kh_fail_field(err, KH_E_INVALID, "decided_on",
		    N_("%s is not a valid date."),
		    in->decided_on != NULL ? in->decided_on : "");
	snprintf(yr, sizeof(yr), "%d", in->year);
	if (in->year < 2000 || in->year > 9999)
		return kh_fail_field(err, KH_E_INVALID, "year", N_("The year %s is"
		    " outside the years one may register for."), yr);
	if ((rc = field_text(in->number, "number", &number, err)) != 0 ||
	    (rc = field_text(in->signer, "signer", &signer, err)) != 0 ||
	    (rc = field_text(in->signer_title, "signer_title", &title, err)) != 0 ||
	    (rc = field_text(in->issuing_body, "issuing_body", &body, err)) != 0)
		goto out;
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, "SELECT count(*) FROM model_decisions WHERE"
	    " unit_id = $1 AND model = $2 AND year = $3 AND number = $4",
	    DB_ARGS(DB_INT(in->unit_id), DB_TEXT(in->model), DB_INT(in->year),
	    DB_TEXT(number)), &dup, err);
	if (rc == 0 && dup > 0)
		rc = kh_fail_field(err, KH_E_CONFLICT, "number", N_("A decision"
		    " numbered %s is already recorded."), number);
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO model_decisions (unit_id, model,"
		    " year, number, decided_on, signer, signer_title, issuing_body,"
		    " created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
		    " $9, $10) RETURNING id",
		    DB_ARGS(DB_INT(in->unit_id), DB_TEXT(in->model),
		    DB_INT(in->year), DB_TEXT(number), DB_TEXT(in->decided_on),
		    DB_TEXT(signer), DB_TEXT(title), DB_TEXT(body), DB_TEXT(now),
		    DB_TEXT(a->login)), &d.id, err);
	if (rc == 0) {
		char ids[24];

		models_id_str(d.id, ids);
		after = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "number",
		    number, "model", in->model, "year", in->year, "decided_on",
		    in->decided_on, "signer", signer, "signer_title", title,
		    "issuing_body", body);
		rc = audit_record(db, a, in->unit_id, "create", "model_decision",
		    ids, NULL, after, err);
	}
	d.unit_id = in->unit_id;
	d.year = in->year;
	snprintf(d.model, sizeof(d.model), "%s", in->model);
	snprintf(d.number, sizeof(d.number), "%s", number);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = recognise_one(db, a, &d, reg_ids[i], err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && id_out != NULL)
		*id_out = d.id;
out:
	json_decref(after);
	free(number);
	free(signer);
	free(title);
	free(body);
	return rc;
}

static int
decision_load(struct db *db, int64_t id, struct decision_core *d,
    struct kh_err *err)
{
	struct db_stmt *st;
	char ids[24];
	int rc;

	memset(d, 0, sizeof(*d));
	rc = db_prepare(db, "SELECT id, unit_id, model, year, number FROM"
	    " model_decisions WHERE id = $1", DB_ARGS(DB_INT(id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		d->id = db_col_int(st, 0);
		d->unit_id = db_col_int(st, 1);
		snprintf(d->model, sizeof(d->model), "%s", db_col_text(st, 2));
		d->year = (int)db_col_int(st, 3);
		snprintf(d->number, sizeof(d->number), "%s", db_col_text(st, 4));
		rc = 0;
	} else if (rc == 0) {
		models_id_str(id, ids);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No decision has the number"
		    " %s."), ids);
	}
	db_finalize(st);
	return rc;
}

int
models_recognise(struct db *db, const struct actor *a, int64_t reg_id,
    int64_t decision_id, struct kh_err *err)
{
	struct decision_core d;
	int rc;

	rc = decision_load(db, decision_id, &d, err);
	if (rc == 0)
		rc = need_recogniser(db, a, d.unit_id, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = recognise_one(db, a, &d, reg_id, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

void
model_decision_cleanup(struct model_decision *d)
{
	free(d->unit_code);
	free(d->unit_name);
	free(d->model);
	free(d->number);
	free(d->decided_on);
	free(d->signer);
	free(d->signer_title);
	free(d->issuing_body);
	free(d->created_at);
	for (size_t i = 0; i < d->n_items; i++) {
		struct model_decision_item *it = &d->items[i];

		free(it->certificate_no);
		free(it->subject_name);
		free(it->unit_code);
		free(it->unit_name);
		free(it->band);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

int
models_decision_get(struct db *db, const struct actor *a, int64_t id,
    struct model_decision *out, struct kh_err *err)
{
	struct db_stmt *st;
	size_t cap = 0;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, "SELECT d.id, d.unit_id, u.code, u.name, d.model,"
	    " d.year, d.number, d.decided_on, d.signer, d.signer_title,"
	    " d.issuing_body, d.created_at FROM model_decisions d"
	    " JOIN units u ON u.id = d.unit_id WHERE d.id = $1",
	    DB_ARGS(DB_INT(id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_int(st, 0);
		out->unit_id = db_col_int(st, 1);
		out->unit_code = models_col_str(st, 2);
		out->unit_name = models_col_str(st, 3);
		out->model = models_col_str(st, 4);
		out->year = (int)db_col_int(st, 5);
		out->number = models_col_str(st, 6);
		out->decided_on = models_col_str(st, 7);
		out->signer = models_col_str(st, 8);
		out->signer_title = models_col_str(st, 9);
		out->issuing_body = models_col_str(st, 10);
		out->created_at = models_col_str(st, 11);
		rc = 0;
	} else if (rc == 0) {
		models_id_str(id, ids);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No decision has the number"
		    " %s."), ids);
	}
	db_finalize(st);
	if (rc == 0)
		rc = auth_can_read(db, a, out->unit_id, err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT r.id, r.certificate_no, r.certificate_seq, "
		    MODELS_SUBJECT_NAME("$2") ", u.code, u.name,"
		    " COALESCE(r.subject_group, 0),"
		    " COALESCE(r.total_x100, -1), r.band, r.level"
		    " FROM model_registrations r JOIN units u ON u.id = r.unit_id"
		    " WHERE r.decision_id = $1 ORDER BY r.certificate_seq",
		    DB_ARGS(DB_INT(id), DB_INT(people_name_scope(a))), &st, err);
	if (rc != 0) {
		model_decision_cleanup(out);
		return rc;
	}
	while ((rc = db_step(st, err)) == 1) {
		struct model_decision_item *it;

		if (out->n_items == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xrealloc(out->items, cap * sizeof(*it));
		}
		it = &out->items[out->n_items++];
		it->registration_id = db_col_int(st, 0);
		it->certificate_no = models_col_str(st, 1);
		it->certificate_seq = db_col_int(st, 2);
		it->subject_name = models_col_str(st, 3);
		it->unit_code = models_col_str(st, 4);
		it->unit_name = models_col_str(st, 5);
		it->subject_group = (int)db_col_int(st, 6);
		it->total_x100 = db_col_int(st, 7);
		it->band = models_col_str(st, 8);
		it->level = (int)db_col_int(st, 9);
	}
	db_finalize(st);
	if (rc < 0) {
		model_decision_cleanup(out);
		return rc;
	}
	out->count = (int64_t)out->n_items;
	return 0;
}

void
model_decision_list_cleanup(struct model_decision_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		model_decision_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int
models_decision_list(struct db *db, const struct actor *a, int64_t unit_id,
    int year, const char *model, struct model_decision_list *out,
    struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, unit_id, err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT d.id, d.unit_id, u.code, u.name, d.model,"
		    " d.year, d.number, d.decided_on, d.signer, d.signer_title,"
		    " d.issuing_body, d.created_at, (SELECT count(*) FROM"
		    " model_registrations r WHERE r.decision_id = d.id)"
		    " FROM model_decisions d JOIN units u ON u.id = d.unit_id"
		    " JOIN unit_tree t ON t.descendant_id = d.unit_id"
		    " WHERE t.ancestor_id = $1 AND ($2 = 0 OR d.year = $2)"
		    " AND ($3 = '' OR d.model = $3)"
		    " AND " AUTH_IN_SCOPE("d.unit_id", "$4")
		    " ORDER BY d.year DESC, d.model, d.decided_on DESC, d.id DESC",
		    DB_ARGS(DB_INT(unit_id), DB_INT(year),
		    DB_TEXT(model != NULL ? model : ""), DB_INT(a->unit_id)), &st,
		    err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct model_decision *d;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->items = xrealloc(out->items, out->cap * sizeof(*d));
		}
		d = &out->items[out->n++];
		memset(d, 0, sizeof(*d));
		d->id = db_col_int(st, 0);
		d->unit_id = db_col_int(st, 1);
		d->unit_code = models_col_str(st, 2);
		d->unit_name = models_col_str(st, 3);
		d->model = models_col_str(st, 4);
		d->year = (int)db_col_int(st, 5);
		d->number = models_col_str(st, 6);
		d->decided_on = models_col_str(st, 7);
		d->signer = models_col_str(st, 8);
		d->signer_title = models_col_str(st, 9);
		d->issuing_body = models_col_str(st, 10);
		d->created_at = models_col_str(st, 11);
		d->count = db_col_int(st, 12);
	}
	db_finalize(st);
	if (rc < 0) {
		model_decision_list_cleanup(out);
		return rc;
	}
	return 0;
}
