/*
 * Requests of data subjects: correction, erasure (and its refusal while a
 * recognition decision keeps the record), restriction, access, consent
 * withdrawal and scope, on SQLite and PostgreSQL.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/users.h"
#include "core/buf.h"
#include "people/people.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

static int64_t
add_person(struct db *db, const struct actor *a, int64_t unit,
    const char *name, const char *id_number, const char *phone)
{
	struct person_input in;
	struct kh_err err = KH_ERR_INIT;
	int64_t id = 0;

	memset(&in, 0, sizeof(in));
	in.full_name = name;
	in.id_number = id_number;
	in.birth_date = "1980-05-01";
	in.phone = phone;
	in.relation = "Vợ";
	in.household_code = "17";
	in.subject_group = 2;
	cr_assert(people_create(db, a, unit, &in, &id, &err) == 0, "%s: %s",
	    name, err.msg ? err.msg : "");
	return id;
}

static int64_t
find_count(struct db *db, const struct actor *a, int64_t unit, const char *q)
{
	struct people_query pq;
	struct person_list l;
	struct kh_err err = KH_ERR_INIT;
	int64_t n;

	memset(&pq, 0, sizeof(pq));
	pq.unit_id = unit;
	pq.q = q;
	cr_assert(people_list(db, a, &pq, &l, &err) == 0);
	n = l.total;
	person_list_cleanup(&l);
	return n;
}

/* The JSON of the latest audit entry of entity/action, malloc'd. */
static char *
last_audit(struct db *db, const char *entity, const char *action)
{
	struct kh_err err = KH_ERR_INIT;
	char *before = NULL, *after = NULL, *all;

	cr_assert(db_query_text(db, "SELECT COALESCE(before_json, '') FROM"
	    " audit_log WHERE entity = $1 AND action = $2 ORDER BY id DESC"
	    " LIMIT 1", DB_ARGS(DB_TEXT(entity), DB_TEXT(action)), &before,
	    &err) == 0, "no %s %s in the log", action, entity);
	cr_assert(db_query_text(db, "SELECT COALESCE(after_json, '') FROM"
	    " audit_log WHERE entity = $1 AND action = $2 ORDER BY id DESC"
	    " LIMIT 1", DB_ARGS(DB_TEXT(entity), DB_TEXT(action)), &after,
	    &err) == 0);
	all = xasprintf("%s %s", before, after);
	free(before);
	free(after);
	return all;
}

static void
correction_and_erasure(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct actor off;
	struct person p;
	struct people_counts c0, c1;
	struct person_input corr;
	struct data_request_list l;
	struct data_request r;
	int64_t v, id, rq, words;
	char *log;

	fx_user(db, "cb.yc", "officer", "11383", &off);
	v = fx_unit(db, &off, "11383", NULL);
	id = add_person(db, &off, v, "Hoàng Thị Xuyến", "001180012345",
	    "0912345678");
	add_person(db, &off, v, "Lê Văn Khải", NULL, "");

	/* Correction: applied through the record, audited. */
	cr_assert(people_request_add(db, &off, id, "correct",
	    "Ngày sinh đúng là 02/05/1980", "2026-11-20", &rq, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	cr_assert(people_request_handle(db, &off, rq, false, "Đã sửa", NULL,
	    &err) == KH_E_INVALID, "a correction needs corrected fields");
	kh_err_clear(&err);
	memset(&corr, 0, sizeof(corr));
	corr.birth_date = "1980-05-02";
	cr_assert(people_request_handle(db, &off, rq, false, "", &corr,
	    &err) == KH_E_INVALID, "the outcome is required");
	kh_err_clear(&err);
	cr_assert(people_request_handle(db, &off, rq, false,
	    "Đã sửa ngày sinh", &corr, &err) == 0, "%s", err.msg ? err.msg : "");
	cr_assert(people_get(db, &off, id, &p, &err) == 0);
	cr_assert_str_eq(p.birth_date, "1980-05-02");
	person_cleanup(&p);
	log = last_audit(db, "person", "update");
	cr_assert(strstr(log, "1980-05-02") != NULL, "%s", log);
	free(log);
	log = last_audit(db, "data_request", "answer");
	cr_assert(strstr(log, "\"correct\"") != NULL, "%s", log);
	free(log);
	cr_assert(people_request_handle(db, &off, rq, false, "lần nữa", &corr,
	    &err) == KH_E_CONFLICT, "an answered request stays answered");
	kh_err_clear(&err);
	cr_assert(people_request_get(db, &off, rq, &r, &err) == 0);
	cr_assert_str_eq(r.answer, "done");
	cr_assert_str_eq(r.deadline, "2026-12-20");
	data_request_cleanup(&r);

	/* A correction that cannot apply changes nothing: the request stays
	 * open, the record as it was. */
	add_person(db, &off, v, "Vũ Văn Trùng", "001180099999", "");
	cr_assert(people_request_add(db, &off, id, "correct", "", NULL, &rq,
	    &err) == 0);
	memset(&corr, 0, sizeof(corr));
	corr.id_number = "001180099999";
	cr_assert_eq(people_request_handle(db, &off, rq, false, "Đã sửa",
	    &corr, &err), KH_E_CONFLICT);
	kh_err_clear(&err);
	cr_assert(people_request_get(db, &off, rq, &r, &err) == 0);
	cr_assert_null(r.handled_at);
	data_request_cleanup(&r);
	cr_assert(people_get(db, &off, id, &p, &err) == 0);
	cr_assert_str_eq(p.id_number, "001180012345");
	person_cleanup(&p);
	cr_assert(people_request_handle(db, &off, rq, true,
	    "Số CCCD đã thuộc người khác", NULL, &err) == 0);

	/* Erasure: every personal field, the index, counts kept. */
	cr_assert(people_count(db, &off, v, &c0, &err) == 0);
	cr_assert_eq(find_count(db, &off, v, "xuyen"), 1);
	cr_assert(people_request_add(db, &off, id, "delete", "", NULL, &rq,
	    &err) == 0);
	cr_assert(people_request_handle(db, &off, rq, false,
	    "Đã xoá dữ liệu cá nhân", NULL, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	cr_assert(people_get(db, &off, id, &p, &err) == 0);
	cr_assert_str_eq(p.full_name, PEOPLE_ERASED_NAME);
	cr_assert_null(p.birth_date);
	cr_assert_null(p.id_number);
	cr_assert_str_eq(p.phone, "");
	cr_assert_str_eq(p.relation, "");
	cr_assert_eq(p.erased, 1);
	cr_assert_eq(p.subject_group, 2, "statistics stay");
	person_cleanup(&p);
	cr_assert_eq(find_count(db, &off, v, "xuyen"), 0);
	cr_assert_eq(find_count(db, &off, v, "hoang"), 0);
	cr_assert_eq(find_count(db, &off, v, "khai"), 1);
	cr_assert(db_query_int(db, "SELECT count(*) FROM people_words WHERE"
	    " person_id = $1", DB_ARGS(DB_INT(id)), &words, &err) == 0);
	cr_assert_eq(words, 0);
	cr_assert(people_count(db, &off, v, &c1, &err) == 0);
	cr_assert_eq(c1.people, c0.people);
	cr_assert_eq(c1.households, c0.households);
	log = last_audit(db, "data_request", "answer");
	cr_assert(strstr(log, "Xuyến") == NULL, "%s", log);
	cr_assert(strstr(log, "001180012345") == NULL, "%s", log);
	cr_assert(strstr(log, "1980") == NULL, "%s", log);
	cr_assert(strstr(log, "0912345678") == NULL, "%s", log);
	cr_assert(strstr(log, "full_name") != NULL, "%s", log);
	free(log);

	/* The list: answered ones after open ones. */
	cr_assert(people_request_add(db, &off, id, "object", "Không đồng ý",
	    "2026-11-01", NULL, &err) == 0);
	cr_assert(people_requests(db, &off, v, &l, &err) == 0);
	cr_assert_eq(l.n, 4);
	cr_assert_str_eq(l.items[0].kind, "object");
	cr_assert_null(l.items[0].handled_at);
	cr_assert_not_null(l.items[1].handled_at);
	data_request_list_cleanup(&l);
	db_close(db);
}

Test(requests, correction_and_erasure)
{
	correction_and_erasure(testdb_open_units());
}

Test(requests, correction_and_erasure_on_postgresql)
{
	struct db *db = testdb_open_units_pg();

	if (db == NULL)
		cr_skip_test("no PostgreSQL test cluster");
	correction_and_erasure(db);
}

static void
retention_restriction_consent_scope(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct actor off, view, other;
	struct person p;
	struct people_query pq;
	struct person_list l;
	struct consent_list cl;
	int64_t v, id, set, dec, rq, cid;
	char *json = NULL;

	fx_user(db, "cb.yc2", "officer", "11383", &off);
	fx_user(db, "xem.yc2", "viewer", "11383", &view);
	fx_user(db, "cb.khac", "officer", "11311", &other);
	v = fx_unit(db, &off, "11383", NULL);
	id = add_person(db, &off, v, "Đỗ Minh Quân", "001190054321", "0987");

	/* A recognition decision names the person. */
	cr_assert(db_query_int(db, "INSERT INTO criteria_sets (code, version,"
	    " model, title_vi, legal_basis, effective_from, scale, verified,"
	    " n_unverified, max_total_x100, origin, json, sha256, created_at,"
	    " created_by, updated_at) VALUES ('t', 1, 'citizen', 't', 't',"
	    " '2020-01-01', 'points', 1, 0, 10000, 'file', '{}', 'x',"
	    " '2026-01-01T00:00:00Z', 't', '2026-01-01T00:00:00Z')"
	    " RETURNING id", DB_NOARGS, &set, &err) == 0, "%s", err.detail);
	cr_assert(db_query_int(db, "INSERT INTO model_decisions (unit_id, model,"
	    " year, number, decided_on, signer, signer_title, issuing_body,"
	    " created_at, created_by) VALUES ($1, 'citizen', 2025, '12/QĐ-UBND',"
	    " '2025-12-20', 'A', 'B', 'C', '2025-12-20T00:00:00Z', 't')"
	    " RETURNING id", DB_ARGS(DB_INT(v)), &dec, &err) == 0);
	cr_assert(db_exec_args(db, "INSERT INTO model_registrations (model, year,"
	    " subject_kind, subject_id, unit_id, set_id, state, registered_on,"
	    " decision_id, created_at, updated_at) VALUES ('citizen', 2025,"
	    " 'person', $1, $2, $3, 'recognised', '2025-03-01', $4,"
	    " '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z')",
	    DB_ARGS(DB_INT(id), DB_INT(v), DB_INT(set), DB_INT(dec)), NULL,
	    &err) == 0, "%s", err.detail);

	/* Scope: another commune's officer and a viewer record nothing. */
	cr_assert_eq(people_request_add(db, &other, id, "delete", "", NULL, NULL,
	    &err), KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(people_request_add(db, &view, id, "delete", "", NULL, NULL,
	    &err), KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(people_request_add(db, &off, id, "sell", "", NULL, NULL,
	    &err), KH_E_INVALID);
	kh_err_clear(&err);
	cr_assert_eq(people_request_add(db, &off, id, "delete", "", "2999-01-01",
	    NULL, &err), KH_E_INVALID);
	kh_err_clear(&err);

	/* Erasure refused: the decision keeps the record; nothing changes. */
	cr_assert(people_request_add(db, &off, id, "delete", "", NULL, &rq,
	    &err) == 0);
	cr_assert_eq(people_request_handle(db, &other, rq, false, "x", NULL,
	    &err), KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(people_request_handle(db, &off, rq, false, "Xoá", NULL,
	    &err), KH_E_CONFLICT);
	cr_assert_str_eq(err.arg, "12/QĐ-UBND");
	kh_err_clear(&err);
	cr_assert(people_get(db, &off, id, &p, &err) == 0);
	cr_assert_str_eq(p.full_name, "Đỗ Minh Quân");
	person_cleanup(&p);
	cr_assert(people_request_handle(db, &off, rq, true,
	    "Quyết định công nhận phải lưu trữ; đã hạn chế xử lý", NULL,
	    &err) == 0);

	/* Restriction: hidden in lists for everyone, whole for the officer. */
	cr_assert(people_request_add(db, &off, id, "restrict", "", NULL, &rq,
	    &err) == 0);
	cr_assert(people_request_handle(db, &off, rq, false, "Đã hạn chế", NULL,
	    &err) == 0);
	memset(&pq, 0, sizeof(pq));
	pq.unit_id = v;
	cr_assert(people_list(db, &view, &pq, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].full_name, PEOPLE_RESTRICTED_NAME);
	cr_assert_null(l.items[0].id_number);
	cr_assert_null(l.items[0].birth_date);
	cr_assert_str_eq(l.items[0].phone, "");
	person_list_cleanup(&l);
	/* Listed, but not found by the name that is not shown. */
	cr_assert_eq(find_count(db, &view, v, NULL), 1);
	cr_assert_eq(find_count(db, &view, v, "minh quan"), 0);
	cr_assert_eq(find_count(db, &off, v, "quan"), 0);
	cr_assert(people_get(db, &view, id, &p, &err) == 0);
	cr_assert_str_eq(p.full_name, PEOPLE_RESTRICTED_NAME);
	person_cleanup(&p);
	cr_assert(people_get(db, &off, id, &p, &err) == 0);
	cr_assert_str_eq(p.full_name, "Đỗ Minh Quân");
	cr_assert_str_eq(p.id_number, "001190054321");
	person_cleanup(&p);

	/* Access: the officer exports everything held; a viewer cannot. */
	cr_assert_eq(people_access_export(db, &view, id, &json, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert(people_access_export(db, &off, id, &json, &err) == 0);
	cr_assert(strstr(json, "001190054321") != NULL, "%s", json);
	cr_assert(strstr(json, "\"restrict\"") != NULL, "%s", json);
	cr_assert(strstr(json, "\"recognised\"") != NULL, "%s", json);
	free(json);

	/* Consent withdrawal: recorded, kept, audited, once. */
	cr_assert(people_consent(db, &off, id, "Tôn vinh công dân học tập",
	    "paper form", &err) == 0);
	cr_assert(people_consents(db, &off, id, &cl, &err) == 0);
	cr_assert_eq(cl.n, 1);
	cr_assert_null(cl.items[0].withdrawn_at);
	cid = cl.items[0].id;
	consent_list_cleanup(&cl);
	cr_assert_eq(people_consent_withdraw(db, &other, cid, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert(people_consent_withdraw(db, &off, cid, &err) == 0);
	cr_assert_eq(people_consent_withdraw(db, &off, cid, &err),
	    KH_E_CONFLICT);
	kh_err_clear(&err);
	cr_assert(people_consents(db, &off, id, &cl, &err) == 0);
	cr_assert_eq(cl.n, 1);
	cr_assert_not_null(cl.items[0].withdrawn_at);
	consent_list_cleanup(&cl);
	json = last_audit(db, "consent", "withdraw");
	cr_assert(strstr(json, "withdrawn_at") != NULL, "%s", json);
	free(json);
	db_close(db);
}

Test(requests, retention_restriction_consent_and_scope)
{
	retention_restriction_consent_scope(testdb_open_units());
}

Test(requests, retention_restriction_consent_and_scope_on_postgresql)
{
	struct db *db = testdb_open_units_pg();

	if (db == NULL)
		cr_skip_test("no PostgreSQL test cluster");
	retention_restriction_consent_scope(db);
}
