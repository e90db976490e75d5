/*
 * The restriction rule of people.h (PEOPLE_NAME_SQL) in every list that
 * reads a person's name in SQL, on SQLite and PostgreSQL: a restricted
 * person's name is hidden from a viewer (and not found by a name search)
 * and shown to an officer in scope; an unrestricted neighbour stays named
 * for everyone.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "people/people.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

#define HIDDEN_NAME "Phan Thị Kín"
#define OPEN_NAME "Bùi Văn Mở"

/* A person made through the registry (real search keys), head of the
 * household hh of unit; *hid receives the household. */
static int64_t
head(struct db *db, const struct actor *sys, int64_t unit, const char *name,
    const char *hh, int64_t *hid)
{
	struct kh_err err = KH_ERR_INIT;
	struct person_input in;
	struct person p;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.full_name = name;
	in.relation = "Chủ hộ";
	in.is_head = 1;
	in.household_code = hh;
	in.subject_group = 1;
	cr_assert(people_create(db, sys, unit, &in, &id, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	cr_assert(people_get(db, sys, id, &p, &err) == 0);
	*hid = p.household_id;
	person_cleanup(&p);
	return id;
}

static int64_t
registered(struct db *db, const struct actor *sys, const char *model,
    int64_t subject)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_input in;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.model = model;
	in.year = 2025;
	in.subject_id = subject;
	cr_assert(models_register(db, sys, &in, &id, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	return id;
}

/* The subject name of registration id in a list, or NULL. */
static const char *
name_in(const struct model_reg_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].id == id)
			return l->items[i].subject_name;
	return NULL;
}

static int64_t
list_total(struct db *db, const struct actor *a, int64_t unit, const char *q)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_query mq;
	struct model_reg_list l;
	int64_t total;

	memset(&mq, 0, sizeof(mq));
	mq.unit_id = unit;
	mq.q = q;
	cr_assert(models_list(db, a, &mq, &l, &err) == 0);
	total = l.total;
	cr_assert_eq((int64_t)l.n, total);
	model_reg_list_cleanup(&l);
	return total;
}

BOTH(restricted, names_follow_one_rule)
{
	struct kh_err err = KH_ERR_INIT;
	struct actor sys, view, off, mgr;
	const struct actor *who[3];
	struct model_decision_input din;
	struct model_query mq;
	struct model_reg_list l;
	struct model_registration r;
	struct model_decision d;
	struct household_list hl;
	struct clan c;
	struct clan_list cl;
	int64_t lechan, v, pid, hid, hid2, fam, fam2, cit, dec, clan, rq;

	fx_models_begin(db, "2025-11-15", &sys);
	lechan = fx_unit(db, &sys, "11383", NULL);
	v = fx_village(db, &sys, lechan, "11383-T01", "Tổ dân phố số 1");
	pid = head(db, &sys, v, HIDDEN_NAME, "H9", &hid);
	head(db, &sys, v, OPEN_NAME, "H10", &hid2);
	fam = registered(db, &sys, MODEL_FAMILY, hid);
	fam2 = registered(db, &sys, MODEL_FAMILY, hid2);
	cit = registered(db, &sys, MODEL_CITIZEN, pid);
	cr_assert(models_self_assess(db, &sys, fam, FAMILY_FULL, 12, NULL,
	    &err) == 0);
	cr_assert(models_verify(db, &sys, fam, NULL, 0, NULL, &err) == 0);
	cr_assert(models_propose(db, &sys, fam, NULL, &err) == 0);
	memset(&din, 0, sizeof(din));
	din.unit_id = lechan;
	din.model = MODEL_FAMILY;
	din.year = 2025;
	din.number = "31/QĐ-UBND";
	din.decided_on = "2025-12-20";
	din.signer = "Trần Văn Chủ";
	din.signer_title = "Chủ tịch";
	din.issuing_body = "Ủy ban nhân dân phường";
	cr_assert(models_decision_create(db, &sys, &din, &fam, 1, &dec,
	    &err) == 0, "%s", err.msg ? err.msg : "");
	cr_assert(people_clan_create(db, &sys, lechan, "Họ Phan", "", pid,
	    &clan, &err) == 0);
	cr_assert(people_clan_members(db, &sys, clan, &hid, 1, 1, &err) == 0);

	/* The restriction, through the request it answers. */
	cr_assert(people_request_add(db, &sys, pid, "restrict", "", NULL, &rq,
	    &err) == 0);
	cr_assert(people_request_handle(db, &sys, rq, false, "Đã hạn chế", NULL,
	    &err) == 0);

	fx_actor(&view, "xem.tp", ROLE_VIEWER, fx_unit(db, &sys, "31", NULL));
	fx_actor(&off, "canbo.lc", ROLE_OFFICER, lechan);
	fx_actor(&mgr, "ql.tp", ROLE_MANAGER, fx_unit(db, &sys, "31", NULL));
	who[0] = &view;
	who[1] = &off;
	who[2] = &mgr;
	for (int i = 0; i < 3; i++) {
		const char *want = i == 0 ? PEOPLE_RESTRICTED_NAME : HIDDEN_NAME;

		/* The registration list (page, .xlsx, PDF and API read it). */
		memset(&mq, 0, sizeof(mq));
		mq.unit_id = lechan;
		mq.order = MODELS_ORDER_NAME;
		cr_assert(models_list(db, who[i], &mq, &l, &err) == 0);
		cr_assert_eq(l.n, 3);
		cr_expect_str_eq(name_in(&l, fam), want, "%s", who[i]->login);
		cr_expect_str_eq(name_in(&l, cit), want, "%s", who[i]->login);
		cr_expect_str_eq(name_in(&l, fam2), OPEN_NAME);
		model_reg_list_cleanup(&l);

		/* One registration. */
		cr_assert(models_get(db, who[i], cit, &r, &err) == 0);
		cr_expect_str_eq(r.subject_name, want, "%s", who[i]->login);
		model_registration_cleanup(&r);

		/* The decision with its list and certificates. */
		cr_assert(models_decision_get(db, who[i], dec, &d, &err) == 0);
		cr_assert_eq(d.n_items, 1);
		cr_expect_str_eq(d.items[0].subject_name, want, "%s",
		    who[i]->login);
		model_decision_cleanup(&d);

		/* Households and the clan with its head and members. */
		cr_assert(people_households(db, who[i], v, NULL, 0, 0, &hl,
		    &err) == 0);
		cr_assert_eq(hl.n, 2);
		for (size_t k = 0; k < hl.n; k++)
			cr_expect_str_eq(hl.items[k].head_name,
			    hl.items[k].id == hid ? want : OPEN_NAME);
		household_list_cleanup(&hl);
		cr_assert(people_clan_get(db, who[i], clan, &c, &err) == 0);
		cr_expect_str_eq(c.head_name, want, "%s", who[i]->login);
		clan_cleanup(&c);
		cr_assert(people_clans(db, who[i], lechan, &cl, &err) == 0);
		cr_assert_eq(cl.n, 1);
		cr_expect_str_eq(cl.items[0].head_name, want);
		clan_list_cleanup(&cl);
		cr_assert(people_clan_households(db, who[i], clan, &hl,
		    &err) == 0);
		cr_assert_eq(hl.n, 1);
		cr_expect_str_eq(hl.items[0].head_name, want);
		household_list_cleanup(&hl);
	}

	/* A name search does not find the hidden name for the viewer (the row
	 * would tell who it is); the officer finds both registrations. */
	cr_expect_eq(list_total(db, &view, lechan, "kin"), 0);
	cr_expect_eq(list_total(db, &view, lechan, "phan thi"), 0);
	cr_expect_eq(list_total(db, &off, lechan, "kin"), 2);
	cr_expect_eq(list_total(db, &view, lechan, "bui mo"), 1);
	cr_expect_eq(list_total(db, &view, lechan, "H9"), 1,
	    "the household number is not personal data");
	cr_assert(people_households(db, &view, v, "phan", 0, 0, &hl, &err) == 0);
	cr_expect_eq(hl.total, 0);
	household_list_cleanup(&hl);
	cr_assert(people_households(db, &off, v, "phan", 0, 0, &hl, &err) == 0);
	cr_expect_eq(hl.total, 1);
	household_list_cleanup(&hl);

	/* An officer of a school who registered the person through the
	 * school (a work unit) reads the registration, but the person's
	 * village is out of their scope: the mark, not the name. */
	{
		struct unit_input school = {"11383-TH9", "Trường Tiểu học Kín",
		    "school", "2025-07-01", NULL, "", ""};
		struct actor off_school;
		struct model_reg_input in;
		struct unit u;
		int64_t id;

		cr_assert(units_create_org(db, &sys, lechan, &school, &u,
		    &err) == 0);
		memset(&in, 0, sizeof(in));
		in.model = MODEL_CITIZEN;
		in.year = 2026;
		in.subject_id = pid;
		in.unit_id = u.id;
		cr_assert(models_register(db, &sys, &in, &id, &err) == 0, "%s",
		    err.msg ? err.msg : "");
		fx_actor(&off_school, "bkh.th9", ROLE_OFFICER, u.id);
		cr_assert(models_get(db, &off_school, id, &r, &err) == 0);
		cr_expect_str_eq(r.subject_name, PEOPLE_RESTRICTED_NAME);
		model_registration_cleanup(&r);
		cr_assert(models_get(db, &off, id, &r, &err) == 0);
		cr_expect_str_eq(r.subject_name, HIDDEN_NAME);
		model_registration_cleanup(&r);
		unit_cleanup(&u);
	}

	/* The system actor (command line) is trusted with everything. */
	cr_assert(models_get(db, &sys, cit, &r, &err) == 0);
	cr_expect_str_eq(r.subject_name, HIDDEN_NAME);
	model_registration_cleanup(&r);
	cr_expect_eq(people_name_scope(&view), 0);
	cr_expect_eq(people_name_scope(&off), lechan);
}
