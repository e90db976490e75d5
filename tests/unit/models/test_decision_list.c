/*
 * models_decision_list on SQLite and PostgreSQL: decisions of a subtree,
 * filtered by year and model, with the count each recognised, and nothing
 * of another commune's decisions for its neighbour.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

/* A family of the village, carried to "proposed" with full marks. */
static int64_t
proposed_family(struct db *db, const struct actor *sys, int64_t unit,
    const char *hh)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_input in;
	int64_t hid = fx_household(db, unit, hh, NULL), id;

	memset(&in, 0, sizeof(in));
	in.model = MODEL_FAMILY;
	in.year = 2025;
	in.subject_id = hid;
	cr_assert(models_register(db, sys, &in, &id, &err) == 0);
	cr_assert(models_self_assess(db, sys, id, FAMILY_FULL, 12, NULL, &err) == 0);
	cr_assert(models_verify(db, sys, id, NULL, 0, NULL, &err) == 0);
	cr_assert(models_propose(db, sys, id, NULL, &err) == 0);
	return id;
}

static int64_t
decide(struct db *db, const struct actor *a, int64_t unit, const char *number,
    const int64_t *ids, size_t n)
{
	struct model_decision_input in;
	struct kh_err err = KH_ERR_INIT;
	int64_t id = 0;

	memset(&in, 0, sizeof(in));
	in.unit_id = unit;
	in.model = MODEL_FAMILY;
	in.year = 2025;
	in.number = number;
	in.decided_on = "2025-12-20";
	in.signer = "Trần Văn Chủ";
	in.signer_title = "Chủ tịch";
	in.issuing_body = "Ủy ban nhân dân phường";
	cr_assert(models_decision_create(db, a, &in, ids, n, &id, &err) == 0,
	    "%s %s", err.msg ? err.msg : "", err.arg);
	return id;
}

BOTH(models_decisions, list_by_subtree_year_and_model)
{
	struct criteria_load_stats st;
	struct kh_err err = KH_ERR_INIT;
	struct model_decision_list l = {0};
	struct actor sys, other;
	int64_t lechan, hongbang, v1, v2, ids[3], d1, d2;

	setenv("KHUYENHOC_TODAY", "2025-11-15", 1);
	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(models_criteria_load(db, &sys, "data/criteria", &st, &err) == 0);
	lechan = fx_unit(db, &sys, "11383", NULL);
	hongbang = fx_unit(db, &sys, "11311", NULL);
	v1 = fx_village(db, &sys, lechan, "11383-T01", "Tổ dân phố số 1");
	v2 = fx_village(db, &sys, hongbang, "11311-T01", "Tổ dân phố số 1");
	ids[0] = proposed_family(db, &sys, v1, "H001");
	ids[1] = proposed_family(db, &sys, v1, "H002");
	ids[2] = proposed_family(db, &sys, v2, "H001");
	d1 = decide(db, &sys, lechan, "12/QĐ-UBND", ids, 2);
	d2 = decide(db, &sys, hongbang, "7/QĐ-UBND", ids + 2, 1);

	cr_assert(models_decision_list(db, &sys, lechan, 0, NULL, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	cr_expect_eq(l.items[0].id, d1);
	cr_expect_str_eq(l.items[0].number, "12/QĐ-UBND");
	cr_expect_str_eq(l.items[0].unit_code, "11383");
	cr_expect_eq(l.items[0].count, 2);
	cr_expect_eq(l.items[0].n_items, 0, "the list carries no items");
	model_decision_list_cleanup(&l);

	/* The city sees both; the filters narrow. */
	cr_assert(models_decision_list(db, &sys, fx_unit(db, &sys, "31", NULL),
	    2025, MODEL_FAMILY, &l, &err) == 0);
	cr_expect_eq(l.n, 2);
	model_decision_list_cleanup(&l);
	cr_assert(models_decision_list(db, &sys, fx_unit(db, &sys, "31", NULL),
	    2024, NULL, &l, &err) == 0);
	cr_expect_eq(l.n, 0);
	model_decision_list_cleanup(&l);
	cr_assert(models_decision_list(db, &sys, fx_unit(db, &sys, "31", NULL),
	    0, MODEL_CLAN, &l, &err) == 0);
	cr_expect_eq(l.n, 0);
	model_decision_list_cleanup(&l);

	/* A manager of Hồng Bàng: their own decision, never Lê Chân's. */
	memset(&other, 0, sizeof(other));
	snprintf(other.login, sizeof(other.login), "ql.hongbang");
	other.role = ROLE_MANAGER;
	other.unit_id = hongbang;
	cr_assert(models_decision_list(db, &other, hongbang, 0, NULL, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	cr_expect_eq(l.items[0].id, d2);
	model_decision_list_cleanup(&l);
	cr_expect_eq(models_decision_list(db, &other, lechan, 0, NULL, &l, &err),
	    KH_E_FORBIDDEN);
	cr_expect_eq(l.n, 0);
	model_decision_list_cleanup(&l);
}
