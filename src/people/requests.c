/*
 * requests.c - the rights of data subjects (Decree 13/2023/NĐ-CP, Law
 * 91/2025/QH15): requests of access, correction, erasure, restriction and
 * objection, their answers, and the withdrawal of a consent.
 *
 * A request and its answer are rows of data_requests; what the answer does
 * to the person's record happens in the same transaction as the answer and
 * its audit record, so a request is never marked done without its effect.
 */
#include "people/people.h"
#include "people/words.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kinds[] = {"access", "correct", "delete",
    "restrict", "object"};

void
data_request_cleanup(struct data_request *r)
{
	free(r->unit_code);
	free(r->unit_name);
	free(r->person_name);
	free(r->kind);
	free(r->received_at);
	free(r->deadline);
	free(r->detail);
	free(r->received_by);
	free(r->handled_at);
	free(r->handled_by);
	free(r->answer);
	free(r->outcome);
	memset(r, 0, sizeof(*r));
}

void
data_request_list_cleanup(struct data_request_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		data_request_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void
consent_list_cleanup(struct consent_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].purpose);
		free(l->items[i].channel);
		free(l->items[i].given_at);
		free(l->items[i].given_by);
		free(l->items[i].withdrawn_at);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

bool
people_request_kind_valid(const char *kind)
{
	for (size_t i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]);
	    i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

/* The ISO date days after iso (a valid date). */
static void
date_plus(const char *iso, int days, char out[DATE_LEN])
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(iso) - 1900;
	tm.tm_mon = atoi(iso + 5) - 1;
	tm.tm_mday = atoi(iso + 8) + days;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, DATE_LEN, "%Y-%m-%d", &tm);
}

#define SQL_REQUEST_COLS \
    "SELECT r.id, r.person_id, p.unit_id, u.code, u.name, p.full_name," \
    " p.restricted, r.kind, r.received_at, r.detail, r.received_by," \
    " r.handled_at, r.handled_by, r.answer, r.outcome" \
    " FROM data_requests r JOIN people p ON p.id = r.person_id" \
    " JOIN units u ON u.id = p.unit_id"

static void
request_from_row(struct db_stmt *st, struct data_request *r)
{
	char dl[DATE_LEN], today[DATE_LEN];

	r->id = db_col_int(st, 0);
	r->person_id = db_col_int(st, 1);
	r->unit_id = db_col_int(st, 2);
	r->unit_code = db_col_strdup(st, 3, false);
	r->unit_name = db_col_strdup(st, 4, false);
	/* Lists are processing: a restricted person's name stays hidden. */
	r->person_name = xstrdup(db_col_int(st, 6) ? PEOPLE_RESTRICTED_NAME :
	    db_col_text(st, 5));
	r->kind = db_col_strdup(st, 7, false);
	r->received_at = db_col_strdup(st, 8, false);
	r->detail = db_col_strdup(st, 9, true);
	r->received_by = db_col_strdup(st, 10, true);
	r->handled_at = db_col_strdup(st, 11, false);
	r->handled_by = db_col_strdup(st, 12, false);
	r->answer = db_col_strdup(st, 13, false);
	r->outcome = db_col_strdup(st, 14, false);
	date_plus(r->received_at, PEOPLE_REQUEST_DAYS, dl);
	r->deadline = xstrdup(dl);
	if (r->handled_at == NULL) {
		date_today(today);
		r->overdue = strcmp(today, dl) > 0;
	} else
		r->overdue = strncmp(r->handled_at, dl, DATE_LEN - 1) > 0;
}

static int
request_rows(struct db *db, const char *sql, const struct db_arg *args,
    int n, struct data_request_list *out, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db, sql, args, n, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->items = xrealloc(out->items,
			    out->cap * sizeof(struct data_request));
		}
		memset(&out->items[out->n], 0, sizeof(struct data_request));
		request_from_row(st, &out->items[out->n++]);
	}
	db_finalize(st);
	if (rc < 0) {
		data_request_list_cleanup(out);
		return rc;
	}
	return 0;
}

int
people_request_add(struct db *db, const struct actor *a, int64_t person_id,
    const char *kind, const char *detail, const char *received_on,
    int64_t *id, struct kh_err *err)
{
	struct person p;
	char today[DATE_LEN], ids[24];
	json_t *after;
	int64_t rid = 0;
	int rc;

	rc = people_get(db, a, person_id, &p, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, p.unit_id, err);
	if (rc != 0)
		goto out;
	date_today(today);
	if (!people_request_kind_valid(kind)) {
		rc = kh_fail_field(err, KH_E_INVALID, "kind",
		    N_("Choose the kind of request."), NULL);
		goto out;
	}
	if (received_on == NULL || received_on[0] == '\0')
		received_on = today;
	if (!date_valid(received_on)) {
		rc = kh_fail_field(err, KH_E_INVALID, "received_at",
		    N_("%s is not a valid date."), received_on);
		goto out;
	}
	if (strcmp(received_on, today) > 0) {
		rc = kh_fail_field(err, KH_E_INVALID, "received_at",
		    N_("The request cannot be received after today."), NULL);
		goto out;
	}
	if (detail != NULL && strlen(detail) > 4000) {
		rc = kh_fail_field(err, KH_E_INVALID, "detail",
		    N_("The detail of the request is too long."), NULL);
		goto out;
	}
	rc = db_begin(db, err);
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO data_requests (person_id, kind,"
		    " received_at, detail, received_by) VALUES ($1, $2, $3, $4, $5)"
		    " RETURNING id", DB_ARGS(DB_INT(person_id), DB_TEXT(kind),
		    DB_TEXT(received_on), DB_TEXT(detail != NULL ? detail : ""),
		    DB_TEXT(a->login)), &rid, err);
	if (rc == 0) {
		/* The detail may quote personal data: the log keeps the kind. */
		snprintf(ids, sizeof(ids), "%lld", (long long)rid);
		after = json_pack("{s:I, s:s, s:s}", "person_id",
		    (json_int_t)person_id, "kind", kind, "received_at",
		    received_on);
		rc = audit_record(db, a, p.unit_id, "create", "data_request", ids,
		    NULL, after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
	if (rc == 0 && id != NULL)
		*id = rid;
out:
	person_cleanup(&p);
	return rc;
}

int
people_request_get(struct db *db, const struct actor *a, int64_t id,
    struct data_request *out, struct kh_err *err)
{
	struct data_request_list l;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	rc = request_rows(db, SQL_REQUEST_COLS " WHERE r.id = $1",
	    DB_ARGS(DB_INT(id)), &l, err);
	if (rc != 0)
		return rc;
	if (l.n == 0) {
		data_request_list_cleanup(&l);
		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		return kh_fail(err, KH_E_NOT_FOUND,
		    N_("No data request has the number %s."), ids);
	}
	*out = l.items[0];
	l.n = 0;
	data_request_list_cleanup(&l);
	rc = auth_can_read(db, a, out->unit_id, err);
	if (rc != 0)
		data_request_cleanup(out);
	return rc;
}

int
people_requests(struct db *db, const struct actor *a, int64_t unit_id,
    struct data_request_list *out, struct kh_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	/* The deadline is received_at plus a constant: ordering by receipt
	 * orders by deadline. */
	return request_rows(db, SQL_REQUEST_COLS
	    " WHERE EXISTS (SELECT 1 FROM unit_tree t WHERE t.ancestor_id = $1"
	    " AND t.descendant_id = p.unit_id)"
	    " ORDER BY CASE WHEN r.handled_at IS NULL THEN 0 ELSE 1 END,"
	    " CASE WHEN r.handled_at IS NULL THEN r.received_at END,"
	    " r.handled_at DESC, r.id", DB_ARGS(DB_INT(unit_id)), out, err);
}

int
people_person_requests(struct db *db, const struct actor *a,
    int64_t person_id, struct data_request_list *out, struct kh_err *err)
{
	struct person p;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = people_get(db, a, person_id, &p, err);
	if (rc != 0)
		return rc;
	person_cleanup(&p);
	return request_rows(db, SQL_REQUEST_COLS " WHERE r.person_id = $1"
	    " ORDER BY r.received_at DESC, r.id DESC",
	    DB_ARGS(DB_INT(person_id)), out, err);
}

/* Is the person on a recognition decision? *number receives its number. */
static int
on_decision(struct db *db, int64_t person_id, char **number,
    struct kh_err *err)
{
	int rc;

	*number = NULL;
	rc = db_query_text(db, "SELECT d.number FROM model_registrations r"
	    " JOIN model_decisions d ON d.id = r.decision_id"
	    " WHERE r.subject_kind = 'person' AND r.subject_id = $1"
	    " ORDER BY d.decided_on LIMIT 1", DB_ARGS(DB_INT(person_id)),
	    number, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		*number = NULL;
		return 0;
	}
	return rc;
}

/* Erase the personal data of person_id (inside the caller's transaction). */
static int
erase_person(struct db *db, int64_t person_id, const char *now,
    struct kh_err *err)
{
	char *key = vn_search_key(PEOPLE_ERASED_NAME), *spaced;
	unsigned char *sort;
	size_t sort_len = 0;
	int rc;

	spaced = xasprintf(" %s", key);
	free(key);
	sort = vn_name_sort_key(PEOPLE_ERASED_NAME, &sort_len);
	if (sort == NULL) {
		free(spaced);
		return kh_fail(err, KH_E_IO, NULL, NULL);
	}
	rc = db_exec_args(db, "UPDATE people SET full_name = $2, name_key = $3,"
	    " sort_key = $4, birth_date = NULL, birth_year_only = 0,"
	    " id_number = NULL, phone = '', relation = '', erased = 1,"
	    " updated_at = $5 WHERE id = $1", DB_ARGS(DB_INT(person_id),
	    DB_TEXT(PEOPLE_ERASED_NAME), DB_TEXT(spaced),
	    DB_BLOB(sort, sort_len), DB_TEXT(now)), NULL, err);
	/* The placeholder is no one's name: it has no words in the index. */
	if (rc == 0)
		rc = people_words_set(db, person_id, "", err);
	/* The public channel kept what the person sent: the same data. */
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE public_submissions SET full_name = $2,"
		    " birth_date = '', birth_year_only = 0, id_number = NULL,"
		    " phone = '', note = '' WHERE person_id = $1",
		    DB_ARGS(DB_INT(person_id), DB_TEXT(PEOPLE_ERASED_NAME)), NULL,
		    err);
	free(spaced);
	free(sort);
	return rc;
}

static bool
corr_empty(const struct person_input *c)
{
	return c == NULL || (c->full_name == NULL && c->birth_date == NULL &&
	    c->sex == 0 && c->id_number == NULL && c->phone == NULL &&
	    c->relation == NULL);
}

int
people_request_handle(struct db *db, const struct actor *a, int64_t id,
    bool refuse, const char *outcome, const struct person_input *corr,
    struct kh_err *err)
{
	struct data_request r;
	char now[STAMP_LEN], ids[24], *number = NULL;
	json_t *after = NULL;
	int rc;

	rc = people_request_get(db, a, id, &r, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, r.unit_id, err);
	if (rc != 0)
		goto out;
	if (r.handled_at != NULL) {
		rc = kh_fail(err, KH_E_CONFLICT,
		    N_("This request has already been answered."), NULL);
		goto out;
	}
	if (outcome == NULL || outcome[0] == '\0' || strlen(outcome) > 4000) {
		rc = kh_fail_field(err, KH_E_INVALID, "outcome",
		    N_("Write the answer given to the person (the outcome or the"
		    " reason for refusing)."), NULL);
		goto out;
	}
	if (!refuse && strcmp(r.kind, "correct") == 0 && corr_empty(corr)) {
		rc = kh_fail(err, KH_E_INVALID,
		    N_("Enter at least one corrected field."), NULL);
		goto out;
	}
	stamp_now(now);
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	if (!refuse && strcmp(r.kind, "delete") == 0) {
		rc = on_decision(db, r.person_id, &number, err);
		if (rc == 0 && number != NULL)
			rc = kh_fail(err, KH_E_CONFLICT,
			    N_("The person is on recognition decision %s, which"
			    " must be kept in the archive: their data cannot be"
			    " erased. Restrict the processing instead and answer"
			    " this request as refused, giving this reason."),
			    number);
		if (rc == 0)
			rc = erase_person(db, r.person_id, now, err);
	} else if (!refuse && strcmp(r.kind, "correct") == 0)
		rc = people_update(db, a, r.person_id, corr, err);
	else if (!refuse && strcmp(r.kind, "restrict") == 0)
		rc = db_exec_args(db, "UPDATE people SET restricted = 1,"
		    " updated_at = $2 WHERE id = $1", DB_ARGS(DB_INT(r.person_id),
		    DB_TEXT(now)), NULL, err);
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE data_requests SET handled_at = $2,"
		    " handled_by = $3, answer = $4, outcome = $5 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_TEXT(now), DB_TEXT(a->login),
		    DB_TEXT(refuse ? "refused" : "done"), DB_TEXT(outcome)), NULL,
		    err);
	if (rc == 0) {
		/*
		 * Only what was done: an erasure names the erased fields, not
		 * their values, and the outcome text (which an officer may
		 * have written a name into) stays in data_requests.
		 */
		after = json_pack("{s:I, s:s, s:s}", "person_id",
		    (json_int_t)r.person_id, "kind", r.kind, "answer",
		    refuse ? "refused" : "done");
		if (!refuse && strcmp(r.kind, "delete") == 0)
			json_object_set_new(after, "erased", json_pack("[s,s,s,s,s]",
			    "full_name", "birth_date", "id_number", "phone",
			    "relation"));
		rc = audit_record(db, a, r.unit_id, "answer", "data_request", ids,
		    NULL, after, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
out:
	json_decref(after);
	free(number);
	data_request_cleanup(&r);
	return rc;
}

int
people_consents(struct db *db, const struct actor *a, int64_t person_id,
    struct consent_list *out, struct kh_err *err)
{
	struct person p;
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = people_get(db, a, person_id, &p, err);
	if (rc != 0)
		return rc;
	person_cleanup(&p);
	rc = db_prepare(db, "SELECT id, purpose, channel, given_at, given_by,"
	    " withdrawn_at FROM consents WHERE person_id = $1 ORDER BY id",
	    DB_ARGS(DB_INT(person_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct consent *c;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->items = xrealloc(out->items,
			    out->cap * sizeof(struct consent));
		}
		c = &out->items[out->n++];
		c->id = db_col_int(st, 0);
		c->purpose = db_col_strdup(st, 1, true);
		c->channel = db_col_strdup(st, 2, true);
		c->given_at = db_col_strdup(st, 3, true);
		c->given_by = db_col_strdup(st, 4, true);
		c->withdrawn_at = db_col_strdup(st, 5, false);
	}
	db_finalize(st);
	if (rc < 0) {
		consent_list_cleanup(out);
		return rc;
	}
	return 0;
}

int
people_consent_withdraw(struct db *db, const struct actor *a,
    int64_t consent_id, struct kh_err *err)
{
	struct person p;
	struct db_stmt *st;
	char now[STAMP_LEN], ids[24], *purpose = NULL;
	int64_t person_id = 0, changed = 0;
	json_t *after;
	int withdrawn = 0, rc;

	snprintf(ids, sizeof(ids), "%lld", (long long)consent_id);
	rc = db_prepare(db, "SELECT person_id, purpose, withdrawn_at IS NOT NULL"
	    " FROM consents WHERE id = $1", DB_ARGS(DB_INT(consent_id)), &st,
	    err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		person_id = db_col_int(st, 0);
		purpose = db_col_strdup(st, 1, true);
		withdrawn = (int)db_col_int(st, 2);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND,
		    N_("No consent has the number %s."), ids);
	db_finalize(st);
	if (rc != 0)
		return rc;
	rc = people_get(db, a, person_id, &p, err);
	if (rc != 0) {
		free(purpose);
		return rc;
	}
	rc = auth_can_write(db, a, p.unit_id, err);
	if (rc == 0 && withdrawn)
		rc = kh_fail(err, KH_E_CONFLICT,
		    N_("This consent has already been withdrawn."), NULL);
	stamp_now(now);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE consents SET withdrawn_at = $2"
		    " WHERE id = $1 AND withdrawn_at IS NULL",
		    DB_ARGS(DB_INT(consent_id), DB_TEXT(now)), &changed, err);
	if (rc == 0 && changed == 0)
		rc = kh_fail(err, KH_E_CONFLICT,
		    N_("This consent has already been withdrawn."), NULL);
	if (rc == 0) {
		after = json_pack("{s:I, s:s, s:s}", "person_id",
		    (json_int_t)person_id, "purpose", purpose, "withdrawn_at", now);
		rc = audit_record(db, a, p.unit_id, "withdraw", "consent", ids,
		    NULL, after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
	free(purpose);
	person_cleanup(&p);
	return rc;
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

int
people_access_export(struct db *db, const struct actor *a,
    int64_t person_id, char **json_out, struct kh_err *err)
{
	struct person p;
	struct consent_list cl;
	struct data_request_list rl;
	struct db_stmt *st;
	json_t *o = NULL, *arr;
	char sex[2] = {0, 0}, ids[24];
	int rc;

	*json_out = NULL;
	rc = people_get(db, a, person_id, &p, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, p.unit_id, err);
	if (rc != 0) {
		person_cleanup(&p);
		return rc;
	}
	sex[0] = p.sex;
	o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:o, s:o, s:s, s:s, s:s,"
	    " s:b, s:i, s:b, s:b}",
	    "id", (json_int_t)p.id, "unit_code", p.unit_code, "unit_name",
	    p.unit_name, "full_name", jstr(p.full_name), "birth_date",
	    jstr(p.birth_date), "birth_year_only", p.birth_year_only, "sex",
	    p.sex ? json_string(sex) : json_null(), "id_number",
	    jstr(p.id_number), "phone", p.phone, "household", p.household_code,
	    "relation", p.relation, "is_head", p.is_head, "subject_group",
	    p.subject_group, "restricted", p.restricted, "erased", p.erased);
	rc = people_consents(db, a, person_id, &cl, err);
	if (rc == 0) {
		arr = json_array();
		for (size_t i = 0; i < cl.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s,"
			    " s:o}", "purpose", cl.items[i].purpose, "channel",
			    cl.items[i].channel, "given_at", cl.items[i].given_at,
			    "given_by", cl.items[i].given_by, "withdrawn_at",
			    jstr(cl.items[i].withdrawn_at)));
		json_object_set_new(o, "consents", arr);
		consent_list_cleanup(&cl);
		rc = people_person_requests(db, a, person_id, &rl, err);
	}
	if (rc == 0) {
		arr = json_array();
		for (size_t i = 0; i < rl.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o,"
			    " s:o, s:o}", "kind", rl.items[i].kind, "received_at",
			    rl.items[i].received_at, "detail", rl.items[i].detail,
			    "handled_at", jstr(rl.items[i].handled_at), "answer",
			    jstr(rl.items[i].answer), "outcome",
			    jstr(rl.items[i].outcome)));
		json_object_set_new(o, "requests", arr);
		data_request_list_cleanup(&rl);
		rc = db_prepare(db, "SELECT model, year, state,"
		    " COALESCE(certificate_no, '') FROM model_registrations"
		    " WHERE subject_kind = 'person' AND subject_id = $1"
		    " ORDER BY year, model", DB_ARGS(DB_INT(person_id)), &st, err);
	}
	if (rc == 0) {
		arr = json_array();
		while ((rc = db_step(st, err)) == 1)
			json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s}",
			    "model", db_col_text(st, 0), "year",
			    (json_int_t)db_col_int(st, 1), "state",
			    db_col_text(st, 2), "certificate_no",
			    db_col_text(st, 3)));
		db_finalize(st);
		json_object_set_new(o, "registrations", arr);
		if (rc == 0) {
			*json_out = json_dumps(o, JSON_INDENT(2) |
			    JSON_PRESERVE_ORDER);
			if (*json_out == NULL)
				rc = kh_fail(err, KH_E_IO, NULL, NULL);
		}
	}
	if (rc == 0) {
		json_t *after = json_pack("{s:s}", "export", "access");

		snprintf(ids, sizeof(ids), "%lld", (long long)person_id);
		rc = db_begin(db, err);
		if (rc == 0)
			rc = audit_record(db, a, p.unit_id, "access", "person", ids,
			    NULL, after, err);
		if (rc == 0)
			rc = db_commit(db, err);
		else if (db_in_tx(db))
			db_rollback(db);
		json_decref(after);
	}
	if (rc != 0) {
		free(*json_out);
		*json_out = NULL;
	}
	json_decref(o);
	person_cleanup(&p);
	return rc;
}
