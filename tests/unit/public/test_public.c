/*
 * The public learning-citizen channel on SQLite and PostgreSQL: what a
 * submission refuses, the rate limits, the receipt status (nothing personal),
 * and the board's decisions: accepting records or matches the person,
 * registers them and records the answers as a public self-assessment;
 * rejecting needs a reason; officers of another commune are refused; a
 * restricted person accepted from a form is hidden from a board out of the
 * person's scope.
 *
 * The scene: Phường Lê Chân (11383) with two residential groups, and Phường
 * Hồng Bàng (11311) next door.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people/people.h"
#include "public/public.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

#define TODAY "2025-11-15"

struct world {
	struct db *db;
	struct actor sys;
	struct actor off_v1;	/* the board of residential group 1 */
	struct actor off_c;	/* the commune association */
	struct actor viewer_c;
	struct actor off_other;	/* an officer of the neighbouring commune */
	int64_t commune, v1, v2, other;
};

static void
world_init(struct world *w, struct db *db)
{
	memset(w, 0, sizeof(*w));
	w->db = db;
	fx_models_begin(db, TODAY, &w->sys);
	w->commune = fx_unit(w->db, &w->sys, "11383", NULL);
	w->other = fx_unit(w->db, &w->sys, "11311", NULL);
	fx_two_groups(db, &w->sys, w->commune, "11383", &w->v1, &w->v2);
	fx_actor(&w->off_v1, "bkh.to1", ROLE_OFFICER, w->v1);
	fx_actor(&w->off_c, "hkh.lechan", ROLE_OFFICER, w->commune);
	fx_actor(&w->viewer_c, "xem.lechan", ROLE_VIEWER, w->commune);
	fx_actor(&w->off_other, "hkh.hongbang", ROLE_OFFICER, w->other);
}

/* Group 1 answers of the QĐ 244 form: 80 points of 100. */
static const struct model_answer ANSWERS[] = {
	{.code = "N1.1", .value_x100 = 800}, {.code = "N1.2", .value_x100 = 1000},
	{.code = "N1.3", .value_x100 = 700}, {.code = "N1.4a", .value_x100 = 900},
	{.code = "N2.1", .value_x100 = 800}, {.code = "N2.2", .value_x100 = 600},
	{.code = "N2.3", .value_x100 = 800}, {.code = "N3.1", .value_x100 = 1000},
	{.code = "N3.2", .value_x100 = 700}, {.code = "N3.3", .value_x100 = 700},
};
#define N_ANSWERS (sizeof(ANSWERS) / sizeof(ANSWERS[0]))

static void
input(struct world *w, struct public_input *in, const char *ip)
{
	memset(in, 0, sizeof(*in));
	in->unit_id = w->v1;
	in->full_name = "Nguyễn  Thị Hoa";
	in->birth_date = "1985-04-12";
	in->sex = 'F';
	in->id_number = "031185000123";
	in->phone = "0912 345 678";
	in->subject_group = 1;
	in->answers = ANSWERS;
	in->n_answers = N_ANSWERS;
	in->note = "Tôi học lớp tin học ở trung tâm học tập cộng đồng.";
	in->consent = true;
	in->notice_lang = "vi";
	in->client_ip = ip;
}

static int
submit(struct world *w, const struct public_input *in, char *code,
    struct kh_err *err)
{
	kh_err_clear(err);
	return public_submit(w->db, in, code, err);
}

static int64_t
sub_id(struct world *w, const char *code)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t id;

	cr_assert(db_query_int(w->db, "SELECT id FROM public_submissions WHERE"
	    " code = $1", DB_ARGS(DB_TEXT(code)), &id, &err) == 0);
	return id;
}

static void
refused(struct world *w, const struct public_input *in, int kind,
    const char *field)
{
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1];

	cr_assert_eq(submit(w, in, code, &err), kind, "kind %d (%s) for %s",
	    err.kind, err.msg ? err.msg : "", field);
	cr_assert_str_eq(err.field, field);
	cr_assert_str_empty(code);
}

BOTH(public, submit_refusals)
{
	struct world w;
	struct public_input in;
	struct model_answer bad[2];
	int64_t n;
	struct kh_err err = KH_ERR_INIT;

	world_init(&w, db);
	input(&w, &in, "10.0.0.1");
	in.unit_id = w.commune;		/* a commune that has villages */
	refused(&w, &in, KH_E_INVALID, "unit");
	input(&w, &in, "10.0.0.1");
	in.full_name = "Hoa";
	refused(&w, &in, KH_E_INVALID, "full_name");
	in.full_name = "Nguyễn Thị <b>Hoa</b>";
	refused(&w, &in, KH_E_INVALID, "full_name");
	input(&w, &in, "10.0.0.1");
	in.birth_date = "2030-01-01";
	refused(&w, &in, KH_E_INVALID, "birth");
	in.birth_date = NULL;
	refused(&w, &in, KH_E_INVALID, "birth");
	input(&w, &in, "10.0.0.1");
	in.id_number = "03118500012";	/* 11 digits */
	refused(&w, &in, KH_E_INVALID, "id_number");
	in.id_number = "031185000";	/* an old CMND: the public form asks CCCD */
	refused(&w, &in, KH_E_INVALID, "id_number");
	input(&w, &in, "10.0.0.1");
	in.subject_group = 5;
	refused(&w, &in, KH_E_INVALID, "subject_group");
	input(&w, &in, "10.0.0.1");
	in.sex = 0;
	refused(&w, &in, KH_E_INVALID, "sex");
	input(&w, &in, "10.0.0.1");
	in.phone = "call me";
	refused(&w, &in, KH_E_INVALID, "phone");
	/* Answers: unknown code, a question of another group, over the max,
	 * a criterion's subtotal, twice the same. */
	input(&w, &in, "10.0.0.1");
	memset(bad, 0, sizeof(bad));
	bad[0].code = "Z9";
	in.answers = bad;
	in.n_answers = 1;
	refused(&w, &in, KH_E_INVALID, "answers");
	bad[0].code = "N1.4b";	/* pupils and students only */
	refused(&w, &in, KH_E_INVALID, "answers");
	bad[0].code = "N1";
	refused(&w, &in, KH_E_INVALID, "answers");
	bad[0].code = "N1.1";
	bad[0].value_x100 = 1100;
	refused(&w, &in, KH_E_INVALID, "answers");
	bad[0].value_x100 = 500;
	bad[1] = bad[0];
	in.n_answers = 2;
	refused(&w, &in, KH_E_INVALID, "answers");
	/* Consent is required. */
	input(&w, &in, "10.0.0.1");
	in.consent = false;
	refused(&w, &in, KH_E_INVALID, "consent");
	/* Size cap on the note. */
	input(&w, &in, "10.0.0.1");
	{
		char big[PUBLIC_NOTE_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		in.note = big;
		refused(&w, &in, KH_E_INVALID, "note");
	}
	/* Nothing was stored by any refusal. */
	cr_assert(db_query_int(db, "SELECT count(*) FROM public_submissions",
	    DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 0);
}

BOTH(public, submit_and_status)
{
	struct world w;
	struct public_input in;
	struct public_status st;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1], typed[32], *ip = NULL, *name = NULL;
	char *sha = NULL, *notice;
	int64_t n;

	world_init(&w, db);
	input(&w, &in, "203.0.113.7");
	cr_assert_eq(submit(&w, &in, code, &err), 0, "%s %s", err.msg ? err.msg :
	    "", err.arg);
	cr_assert_eq(strlen(code), PUBLIC_CODE_LEN);
	cr_assert_eq(strspn(code, "ABCDEFGHJKMNPQRSTUVWXYZ23456789"),
	    PUBLIC_CODE_LEN);
	/* The client address is not stored, only a keyed hash. */
	cr_assert(db_query_text(db, "SELECT client_hash FROM public_submissions",
	    DB_NOARGS, &ip, &err) == 0);
	cr_assert_null(strstr(ip, "203.0.113.7"));
	cr_assert_eq(strlen(ip), 32);
	/* The name is stored as people write it: single spaces. */
	cr_assert(db_query_text(db, "SELECT full_name FROM public_submissions",
	    DB_NOARGS, &name, &err) == 0);
	cr_assert_str_eq(name, "Nguyễn Thị Hoa");
	/* The consent records the hash of the notice shown, naming the commune's
	 * association. */
	notice = public_notice("vi", "Phường Lê Chân");
	cr_assert_not_null(strstr(notice, "Phường Lê Chân"));
	cr_assert(db_query_text(db, "SELECT consent_sha256 FROM"
	    " public_submissions", DB_NOARGS, &sha, &err) == 0);
	cr_assert_eq(strlen(sha), 64);
	/* The status: the state and dates, nothing else. */
	cr_assert_eq(public_status(db, code, &st, &err), 0);
	cr_assert_str_eq(st.state, PUBLIC_PENDING);
	cr_assert_eq(strlen(st.submitted_on), 10);
	cr_assert_str_empty(st.decided_on);
	cr_assert_str_empty(st.reg_state);
	/* Typed in lower case with a dash, the code still works. */
	snprintf(typed, sizeof(typed), "%.5s-%s", code, code + 5);
	for (char *p = typed; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	cr_assert_eq(public_status(db, typed, &st, &err), 0);
	cr_assert_eq(public_status(db, "AAAAAAAAAA", &st, &err), KH_E_NOT_FOUND);
	cr_assert_eq(public_status(db, "", &st, &err), KH_E_NOT_FOUND);
	/* The submission was audited without personal data. */
	cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'submit' AND entity = 'public_submission' AND entity_id = $1"
	    " AND after_json NOT LIKE '%Hoa%' AND after_json NOT LIKE '%031185%'",
	    DB_ARGS(DB_TEXT(code)), &n, &err) == 0);
	cr_assert_eq(n, 1);
	free(ip);
	free(name);
	free(sha);
	free(notice);
}

BOTH(public, rate_limit)
{
	struct world w;
	struct public_input in;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1];

	world_init(&w, db);
	input(&w, &in, "198.51.100.9");
	in.id_number = NULL;
	for (int i = 0; i < PUBLIC_MAX_PER_HOUR; i++)
		cr_assert_eq(submit(&w, &in, code, &err), 0, "submission %d", i);
	cr_assert_eq(submit(&w, &in, code, &err), KH_E_LIMIT);
	cr_assert_eq(kh_kind_http_status(KH_E_LIMIT), 429);
	cr_assert_str_empty(code);
	/* Another address is not held back. */
	in.client_ip = "198.51.100.10";
	cr_assert_eq(submit(&w, &in, code, &err), 0);
}

BOTH(public, accept_creates_person_and_registration)
{
	struct world w;
	struct public_input in;
	struct public_status st;
	struct model_registration r;
	struct model_assessment as;
	struct person p;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1];
	int64_t reg = 0, id, n;

	world_init(&w, db);
	input(&w, &in, "10.1.1.1");
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	id = sub_id(&w, code);
	/* A viewer may not, nor may an officer of another commune. */
	cr_assert_eq(public_accept(db, &w.viewer_c, id, &reg, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(public_accept(db, &w.off_other, id, &reg, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(public_accept(db, &w.off_v1, id, &reg, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert_gt(reg, 0);
	cr_assert_eq(models_get(db, &w.off_v1, reg, &r, &err), 0);
	cr_assert_str_eq(r.state, REG_SELF_ASSESSED);
	cr_assert_str_eq(r.model, MODEL_CITIZEN);
	cr_assert_eq(r.subject_group, 1);
	cr_assert_eq(r.unit_id, w.v1);
	cr_assert_eq(r.total_x100, 8000);
	cr_assert_eq(models_assessment(db, &w.off_v1, reg, "self", &as, &err), 0);
	cr_assert_str_eq(as.channel, "public");
	cr_assert_eq(strncmp(as.actor, "public:", 7), 0);
	cr_assert_str_eq(as.actor + 7, code);
	cr_assert_eq(as.total_x100, 8000);
	/* The person was recorded with the CCCD, and the consent. */
	cr_assert_eq(people_get(db, &w.off_v1, r.subject_id, &p, &err), 0);
	cr_assert_str_eq(p.full_name, "Nguyễn Thị Hoa");
	cr_assert_str_eq(p.id_number, "031185000123");
	cr_assert_str_eq(p.birth_date, "1985-04-12");
	cr_assert(db_query_int(db, "SELECT count(*) FROM consents WHERE"
	    " person_id = $1 AND channel = 'public page'",
	    DB_ARGS(DB_INT(p.id)), &n, &err) == 0);
	cr_assert_eq(n, 1);
	/* The receipt now says accepted, and where the registration stands. */
	cr_assert_eq(public_status(db, code, &st, &err), 0);
	cr_assert_str_eq(st.state, PUBLIC_ACCEPTED);
	cr_assert_str_eq(st.reg_state, REG_SELF_ASSESSED);
	cr_assert_eq(strlen(st.decided_on), 10);
	/* Decided once only. */
	cr_assert_eq(public_accept(db, &w.off_v1, id, &reg, &err), KH_E_CONFLICT);
	cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'accept' AND entity_id = $1 AND actor = 'bkh.to1'",
	    DB_ARGS(DB_TEXT(code)), &n, &err) == 0);
	cr_assert_eq(n, 1);
	person_cleanup(&p);
	model_assessment_cleanup(&as);
	model_registration_cleanup(&r);
}

BOTH(public, accept_matches_existing_person)
{
	struct world w;
	struct public_input in;
	struct person_input pi;
	struct model_registration r;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1];
	int64_t reg = 0, pid, pid2, n;

	world_init(&w, db);
	/* Already in the registry, by CCCD. */
	memset(&pi, 0, sizeof(pi));
	pi.full_name = "Nguyễn Thị Hoa";
	pi.birth_date = "1985-04-12";
	pi.sex = 'F';
	pi.id_number = "031185000123";
	cr_assert_eq(people_create(db, &w.off_v1, w.v1, &pi, &pid, &err), 0);
	input(&w, &in, "10.2.2.2");
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	cr_assert_eq(public_accept(db, &w.off_c, sub_id(&w, code), &reg, &err), 0,
	    "%s %s", err.msg ? err.msg : "", err.arg);
	cr_assert_eq(models_get(db, &w.off_c, reg, &r, &err), 0);
	cr_assert_eq(r.subject_id, pid);
	model_registration_cleanup(&r);
	cr_assert(db_query_int(db, "SELECT count(*) FROM people WHERE"
	    " id_number = '031185000123'", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 1);
	/* Without CCCD: by name and birth date in the unit; already registered
	 * by the board this year, the registration is reused. */
	memset(&pi, 0, sizeof(pi));
	pi.full_name = "Trần Văn Nam";
	pi.birth_date = "1970-01-01";
	pi.birth_year_only = 1;
	pi.sex = 'M';
	cr_assert_eq(people_create(db, &w.off_c, w.v2, &pi, &pid2, &err), 0);
	{
		struct model_reg_input ri;
		int64_t reg0;

		memset(&ri, 0, sizeof(ri));
		ri.model = MODEL_CITIZEN;
		ri.year = 2025;
		ri.subject_id = pid2;
		ri.subject_group = 1;
		cr_assert_eq(models_register(db, &w.off_c, &ri, &reg0, &err), 0);
		input(&w, &in, "10.2.2.3");
		in.unit_id = w.v2;
		in.full_name = "Trần  Văn Nam";
		in.birth_date = "1970-01-01";
		in.birth_year_only = 1;
		in.sex = 'M';
		in.id_number = NULL;
		cr_assert_eq(submit(&w, &in, code, &err), 0);
		cr_assert_eq(public_accept(db, &w.off_c, sub_id(&w, code), &reg,
		    &err), 0, "%s %s", err.msg ? err.msg : "", err.arg);
		cr_assert_eq(reg, reg0);
	}
	cr_assert(db_query_int(db, "SELECT count(*) FROM people WHERE"
	    " full_name = 'Trần Văn Nam'", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 1);
	/* A third form for the same person: the registration is past
	 * self-assessment, so accepting is refused and nothing changes. */
	input(&w, &in, "10.2.2.4");
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	cr_assert_eq(public_accept(db, &w.off_c, sub_id(&w, code), &reg, &err),
	    KH_E_CONFLICT);
	cr_assert(db_query_int(db, "SELECT count(*) FROM public_submissions"
	    " WHERE code = $1 AND state = 'pending'", DB_ARGS(DB_TEXT(code)), &n,
	    &err) == 0);
	cr_assert_eq(n, 1);
}

BOTH(public, reject_and_queue)
{
	struct world w;
	struct public_input in;
	struct public_status st;
	struct public_list l;
	struct kh_err err = KH_ERR_INIT;
	char c1[PUBLIC_CODE_LEN + 1], c2[PUBLIC_CODE_LEN + 1];
	int64_t reg;

	world_init(&w, db);
	input(&w, &in, "10.3.3.3");
	cr_assert_eq(submit(&w, &in, c1, &err), 0);
	in.id_number = NULL;
	in.unit_id = w.v2;
	cr_assert_eq(submit(&w, &in, c2, &err), 0);
	/* A reason is required. */
	cr_assert_eq(public_reject(db, &w.off_v1, sub_id(&w, c1), "  ", &err),
	    KH_E_INVALID);
	cr_assert_str_eq(err.field, "reason");
	cr_assert_eq(public_reject(db, &w.off_other, sub_id(&w, c1), "Sai",
	    &err), KH_E_FORBIDDEN);
	cr_assert_eq(public_reject(db, &w.off_v1, sub_id(&w, c1),
	    "Không phải cư dân của tổ dân phố.", &err), 0);
	cr_assert_eq(public_status(db, c1, &st, &err), 0);
	cr_assert_str_eq(st.state, PUBLIC_REJECTED);
	cr_assert_eq(public_accept(db, &w.off_v1, sub_id(&w, c1), &reg, &err),
	    KH_E_CONFLICT);
	/* The commune's queue: the pending form first. */
	cr_assert_eq(public_queue(db, &w.off_c, w.commune, 0, &l, &err), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.pending, 1);
	cr_assert_str_eq(l.items[0].code, c2);
	cr_assert_str_eq(l.items[1].code, c1);
	cr_assert_str_eq(l.items[1].reason, "Không phải cư dân của tổ dân phố.");
	public_list_cleanup(&l);
	/* Group 1's board sees its own group only. */
	cr_assert_eq(public_queue(db, &w.off_v1, w.v1, 0, &l, &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].code, c1);
	public_list_cleanup(&l);
	/* Another commune's officer and a viewer are refused. */
	cr_assert_eq(public_queue(db, &w.off_other, w.commune, 0, &l, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(public_queue(db, &w.viewer_c, w.commune, 0, &l, &err),
	    KH_E_FORBIDDEN);
}

BOTH(public, retention)
{
	struct world w;
	struct public_input in;
	struct kh_err err = KH_ERR_INIT;
	char c1[PUBLIC_CODE_LEN + 1], c2[PUBLIC_CODE_LEN + 1];
	char c3[PUBLIC_CODE_LEN + 1], c4[PUBLIC_CODE_LEN + 1];
	int64_t reg, n;

	world_init(&w, db);
	input(&w, &in, "10.4.4.4");
	cr_assert_eq(submit(&w, &in, c1, &err), 0);
	in.id_number = NULL;
	cr_assert_eq(submit(&w, &in, c2, &err), 0);
	cr_assert_eq(submit(&w, &in, c3, &err), 0);
	cr_assert_eq(public_accept(db, &w.off_v1, sub_id(&w, c1), &reg, &err), 0);
	cr_assert_eq(public_reject(db, &w.off_v1, sub_id(&w, c2), "Trùng", &err),
	    0);
	/* Two years pass for all three. */
	cr_assert(db_exec_args(db, "UPDATE public_submissions SET created_at ="
	    " '2023-01-02T00:00:00Z', decided_at = CASE WHEN decided_at IS NULL"
	    " THEN NULL ELSE '2023-01-03T00:00:00Z' END", DB_NOARGS, NULL,
	    &err) == 0);
	input(&w, &in, "10.4.4.5");
	in.id_number = NULL;
	cr_assert_eq(submit(&w, &in, c4, &err), 0);
	/* The accepted form stays; the rejected and the never decided go. */
	cr_assert(db_query_int(db, "SELECT count(*) FROM public_submissions",
	    DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(public_status(db, c1, &(struct public_status){0}, &err), 0);
	cr_assert_eq(public_status(db, c2, &(struct public_status){0}, &err),
	    KH_E_NOT_FOUND);
	cr_assert_eq(public_status(db, c3, &(struct public_status){0}, &err),
	    KH_E_NOT_FOUND);
	cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'purge' AND entity = 'public_submission'", DB_NOARGS, &n,
	    &err) == 0);
	cr_assert_eq(n, 1);
}

BOTH(public, accept_refuses_a_borrowed_cccd)
{
	struct world w;
	struct public_input in;
	struct person_input pi;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1];
	int64_t reg = 0, pid, n;

	world_init(&w, db);
	/* The number belongs to someone else in the village. */
	memset(&pi, 0, sizeof(pi));
	pi.full_name = "Vũ Văn Bình";
	pi.birth_date = "1960-02-02";
	pi.sex = 'M';
	pi.id_number = "031185000123";
	cr_assert_eq(people_create(db, &w.off_v1, w.v1, &pi, &pid, &err), 0);
	input(&w, &in, "10.5.5.5");
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	cr_assert_eq(public_accept(db, &w.off_v1, sub_id(&w, code), &reg, &err),
	    KH_E_CONFLICT);
	cr_assert_str_eq(err.field, "id_number");
	cr_assert_str_eq(err.arg, "Vũ Văn Bình");
	/* Nothing was recorded: no registration, the form still waits. */
	cr_assert(db_query_int(db, "SELECT count(*) FROM model_registrations",
	    DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 0);
	cr_assert(db_query_int(db, "SELECT count(*) FROM public_submissions"
	    " WHERE state = 'pending'", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 1);
	/* The same person recorded in the neighbouring commune. */
	memset(&pi, 0, sizeof(pi));
	pi.full_name = "Nguyễn Thị Hoa";
	pi.birth_date = "1985-04-12";
	pi.sex = 'F';
	pi.id_number = "031185000777";
	cr_assert_eq(people_create(db, &w.off_other, w.other, &pi, &pid, &err), 0);
	input(&w, &in, "10.5.5.6");
	in.id_number = "031185000777";
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	cr_assert_eq(public_accept(db, &w.off_v1, sub_id(&w, code), &reg, &err),
	    KH_E_CONFLICT);
	cr_assert_str_eq(err.field, "id_number");
}

/*
 * A commune without villages or residential groups (Phường Hồng Bàng in
 * this scene): the commune itself is the unit a citizen chooses. The form
 * is stored, its notice names the commune's association, the commune's
 * officer sees it in the queue and accepts it: the person is recorded in the
 * commune and registered there. Once the commune records a village, the
 * commune itself can no longer be chosen.
 */
BOTH(public, commune_without_villages)
{
	struct world w;
	struct public_input in;
	struct public_list l;
	struct public_status st;
	struct model_registration r;
	struct person p;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1], *sha = NULL, *notice, hex[65];
	int64_t id, reg = 0, n;

	world_init(&w, db);
	cr_assert_eq(public_unit_check(db, w.other, &err), 0, "%s",
	    err.msg ? err.msg : "");
	cr_assert_eq(public_unit_check(db, w.commune, &err), KH_E_INVALID);
	input(&w, &in, "192.0.2.44");
	in.unit_id = w.other;
	in.id_number = "031190000456";
	cr_assert_eq(public_check_identity(db, &in, &err), 0);
	cr_assert_eq(submit(&w, &in, code, &err), 0, "%s %s", err.msg ?
	    err.msg : "", err.arg);
	id = sub_id(&w, code);
	/* The notice that was shown named the commune's association. */
	notice = public_notice("vi", "Phường Hồng Bàng");
	cr_assert(db_query_text(db, "SELECT consent_sha256 FROM"
	    " public_submissions WHERE id = $1", DB_ARGS(DB_INT(id)), &sha,
	    &err) == 0);
	{
		char *q = NULL;

		cr_assert(db_query_text(db, "SELECT u.code FROM public_submissions s"
		    " JOIN units u ON u.id = s.unit_id WHERE s.id = $1",
		    DB_ARGS(DB_INT(id)), &q, &err) == 0);
		cr_assert_str_eq(q, "11311");
		free(q);
	}
	{
		unsigned char h[crypto_hash_sha256_BYTES];

		crypto_hash_sha256(h, (const unsigned char *)notice,
		    strlen(notice));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	}
	cr_assert_str_eq(sha, hex, "the notice of Phường Hồng Bàng was shown");
	/* The commune's queue holds it; Lê Chân's does not. */
	cr_assert_eq(public_queue(db, &w.off_other, w.other, 0, &l, &err), 0);
	cr_assert_eq(l.pending, 1);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].code, code);
	cr_assert_str_eq(l.items[0].unit_code, "11311");
	public_list_cleanup(&l);
	cr_assert_eq(public_queue(db, &w.off_c, w.commune, 0, &l, &err), 0);
	cr_assert_eq(l.pending, 0);
	public_list_cleanup(&l);
	/* Lê Chân's officer may not decide it; Hồng Bàng's accepts it. */
	cr_assert_eq(public_accept(db, &w.off_c, id, &reg, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(public_accept(db, &w.off_other, id, &reg, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert_eq(models_get(db, &w.off_other, reg, &r, &err), 0);
	cr_assert_str_eq(r.state, REG_SELF_ASSESSED);
	cr_assert_eq(r.unit_id, w.other);
	cr_assert_eq(r.total_x100, 8000);
	cr_assert_eq(people_get(db, &w.off_other, r.subject_id, &p, &err), 0);
	cr_assert_eq(p.unit_id, w.other);
	cr_assert_str_eq(p.full_name, "Nguyễn Thị Hoa");
	cr_assert_eq(public_status(db, code, &st, &err), 0);
	cr_assert_str_eq(st.state, PUBLIC_ACCEPTED);
	cr_assert_str_eq(st.reg_state, REG_SELF_ASSESSED);
	/* A village recorded in the commune: the commune is no longer a
	 * choice, the village is. */
	{
		struct unit_input vin = {"11311-T01", "Tổ dân phố số 1", "village",
		    "2025-07-01", NULL, "", ""};
		struct unit u = UNIT_INIT;

		cr_assert_eq(units_create_org(db, &w.sys, w.other, &vin, &u, &err),
		    0, "%s", err.detail);
		input(&w, &in, "192.0.2.45");
		in.unit_id = w.other;
		refused(&w, &in, KH_E_INVALID, "unit");
		in.unit_id = u.id;
		cr_assert_eq(submit(&w, &in, code, &err), 0);
		unit_cleanup(&u);
	}
	cr_assert(db_query_int(db, "SELECT count(*) FROM public_submissions"
	    " WHERE unit_id = $1", DB_ARGS(DB_INT(w.other)), &n, &err) == 0);
	cr_assert_eq(n, 1);
	person_cleanup(&p);
	model_registration_cleanup(&r);
	free(sha);
	free(notice);
}

/*
 * The board's queue follows the restriction rule of people.h: a form
 * accepted for a person recorded in group 2 and then restricted shows the
 * mark (and no CCCD, birth date or phone) to group 1's board, whose scope
 * does not hold the person's unit, and the whole form to the commune's
 * officer.
 */
BOTH(public, queue_hides_a_restricted_person_out_of_scope)
{
	struct world w;
	struct public_input in;
	struct person_input pi;
	struct public_list l;
	struct public_submission s;
	struct kh_err err = KH_ERR_INIT;
	char code[PUBLIC_CODE_LEN + 1];
	int64_t reg = 0, pid, rq, id;

	world_init(&w, db);
	memset(&pi, 0, sizeof(pi));
	pi.full_name = "Nguyễn Thị Hoa";
	pi.birth_date = "1985-04-12";
	pi.sex = 'F';
	pi.id_number = "031185000123";
	cr_assert_eq(people_create(db, &w.off_c, w.v2, &pi, &pid, &err), 0);
	input(&w, &in, "10.4.4.4");
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	id = sub_id(&w, code);
	cr_assert_eq(public_accept(db, &w.off_c, id, &reg, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert_eq(people_request_add(db, &w.off_c, pid, "restrict", "", NULL,
	    &rq, &err), 0);
	cr_assert_eq(people_request_handle(db, &w.off_c, rq, false, "Đã hạn chế",
	    NULL, &err), 0);

	cr_assert_eq(public_queue(db, &w.off_v1, w.v1, 0, &l, &err), 0);
	cr_assert_eq(l.n, 1);
	cr_expect_str_eq(l.items[0].full_name, PEOPLE_RESTRICTED_NAME);
	cr_expect_null(l.items[0].id_number);
	cr_expect_null(l.items[0].birth_date);
	cr_expect_str_eq(l.items[0].phone, "");
	public_list_cleanup(&l);
	cr_assert_eq(public_get(db, &w.off_v1, id, &s, &err), 0);
	cr_expect_str_eq(s.full_name, PEOPLE_RESTRICTED_NAME);
	public_submission_cleanup(&s);

	cr_assert_eq(public_queue(db, &w.off_c, w.commune, 0, &l, &err), 0);
	cr_assert_eq(l.n, 1);
	cr_expect_str_eq(l.items[0].full_name, "Nguyễn Thị Hoa");
	cr_expect_str_eq(l.items[0].id_number, "031185000123");
	public_list_cleanup(&l);
	cr_assert_eq(public_get(db, &w.off_c, id, &s, &err), 0);
	cr_expect_str_eq(s.full_name, "Nguyễn Thị Hoa");
	public_submission_cleanup(&s);

	/* A form giving the same CCCD under another name is refused; the
	 * refusal names the recorded person only to whom may see the name. */
	input(&w, &in, "10.4.4.5");
	in.full_name = "Trần Văn Khác";
	cr_assert_eq(submit(&w, &in, code, &err), 0);
	id = sub_id(&w, code);
	cr_assert_eq(public_accept(db, &w.off_v1, id, &reg, &err),
	    KH_E_CONFLICT);
	cr_expect_str_eq(err.arg, PEOPLE_RESTRICTED_NAME);
	kh_err_clear(&err);
	cr_assert_eq(public_accept(db, &w.off_c, id, &reg, &err),
	    KH_E_CONFLICT);
	cr_expect_str_eq(err.arg, "Nguyễn Thị Hoa");
	kh_err_clear(&err);
}
