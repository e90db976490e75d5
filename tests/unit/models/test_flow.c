/*
 * The yearly cycle of the learning models on a database with the real
 * administrative units, on SQLite and on PostgreSQL: every transition and
 * every refusal (wrong state, wrong role, out of scope), computed ratios
 * (a clan's share of recognised families), decisions with sequential
 * certificate numbers, roll-ups over a subtree, deadlines, evidence files.
 *
 * The scene: Phường Lê Chân (11383, Hải Phòng, from 1 July 2025) with two
 * residential groups, and Phường Hồng Bàng (11311) next door.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "models/models.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

#define TODAY "2025-11-15"

struct world {
	struct db *db;
	struct actor sys;
	struct actor off_v1;	/* officer of residential group 1 (its board) */
	struct actor mgr_v1;	/* manager, but only of the group */
	struct actor off_c;	/* officer of the commune (association) */
	struct actor mgr_c;	/* manager of the commune (records decisions) */
	struct actor viewer_c;
	struct actor off_other;	/* officer of the neighbouring commune */
	struct actor mgr_other;
	int64_t commune, v1, v2, other, city;
	int decisions;		/* numbers given so far */
};

static void
world_init(struct world *w, struct db *db)
{
	memset(w, 0, sizeof(*w));
	w->db = db;
	cr_assert_eq(fx_models_begin(db, TODAY, &w->sys), 8);
	w->commune = fx_unit(w->db, &w->sys, "11383", NULL);
	w->other = fx_unit(w->db, &w->sys, "11311", NULL);
	w->city = fx_unit(w->db, &w->sys, "31", NULL);
	fx_two_groups(db, &w->sys, w->commune, "11383", &w->v1, &w->v2);
	fx_actor(&w->off_v1, "bkh.to1", ROLE_OFFICER, w->v1);
	fx_actor(&w->mgr_v1, "ql.to1", ROLE_MANAGER, w->v1);
	fx_actor(&w->off_c, "hkh.lechan", ROLE_OFFICER, w->commune);
	fx_actor(&w->mgr_c, "ubnd.lechan", ROLE_MANAGER, w->commune);
	fx_actor(&w->viewer_c, "xem.lechan", ROLE_VIEWER, w->commune);
	fx_actor(&w->off_other, "hkh.hongbang", ROLE_OFFICER, w->other);
	fx_actor(&w->mgr_other, "ubnd.hongbang", ROLE_MANAGER, w->other);
}

static int64_t
clan(struct world *w, const char *name, const int64_t *households, int n)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t id;

	cr_assert(db_query_int(w->db, "INSERT INTO clans (unit_id, name, branch,"
	    " valid_from, created_at, updated_at) VALUES ($1, $2, 'Chi 2',"
	    " '2025-07-01', '2025-07-01T00:00:00Z', '2025-07-01T00:00:00Z')"
	    " RETURNING id", DB_ARGS(DB_INT(w->commune), DB_TEXT(name)), &id,
	    &err) == 0, "%s", err.detail);
	for (int i = 0; i < n; i++)
		cr_assert(db_exec_args(w->db, "INSERT INTO clan_households (clan_id,"
		    " household_id) VALUES ($1, $2)", DB_ARGS(DB_INT(id),
		    DB_INT(households[i])), NULL, &err) == 0);
	return id;
}

static int
reg(struct world *w, const struct actor *a, const char *model,
    int64_t subject, int64_t *id)
{
	struct model_reg_input in;
	struct kh_err err = KH_ERR_INIT;

	memset(&in, 0, sizeof(in));
	in.model = model;
	in.year = 2025;
	in.subject_id = subject;
	return models_register(w->db, a, &in, id, &err);
}

/* Answers: a weak QĐ 448 family form (70; FAMILY_FULL has 100). */
static const struct model_answer FAMILY_WEAK[] = {
	{.code = "A1.1", .value_x100 = 1000}, {.code = "A1.2", .value_x100 = 1000},
	{.code = "A1.3", .value_x100 = 1000}, {.code = "A2.1", .value_x100 = 1000},
	{.code = "A2.2", .value_x100 = 1000}, {.code = "A2.3", .value_x100 = 1000},
	{.code = "A3.1", .value_x100 = 500}, {.code = "A4.1", .value_x100 = 500},
};
/* The clan's points (B0.1 is computed, not answered). */
static const struct model_answer CLAN_FULL[] = {
	{.code = "B0.2", .met = 1}, {.code = "B1.1", .value_x100 = 2000},
	{.code = "B1.2", .value_x100 = 2000}, {.code = "B2.1", .value_x100 = 1500},
	{.code = "B2.2", .value_x100 = 1500}, {.code = "B3.1", .value_x100 = 1500},
	{.code = "B3.2", .value_x100 = 1500},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *
state_of(struct world *w, int64_t id)
{
	static char state[24];
	struct model_registration r;
	struct kh_err err = KH_ERR_INIT;

	cr_assert(models_get(w->db, &w->sys, id, &r, &err) == 0);
	snprintf(state, sizeof(state), "%s", r.state);
	model_registration_cleanup(&r);
	return state;
}

static int64_t
decide(struct world *w, const struct actor *a, const char *model,
    const int64_t *ids, size_t n, int expect)
{
	struct model_decision_input in;
	struct kh_err err = KH_ERR_INIT;
	char number[32];
	int64_t id = 0;
	int rc;

	snprintf(number, sizeof(number), "%d/QĐ-UBND", ++w->decisions);
	memset(&in, 0, sizeof(in));
	in.unit_id = w->commune;
	in.model = model;
	in.year = 2025;
	in.number = number;
	in.decided_on = "2025-12-20";
	in.signer = "Trần Văn Chủ";
	in.signer_title = "Chủ tịch";
	in.issuing_body = "Ủy ban nhân dân phường Lê Chân";
	rc = models_decision_create(w->db, a, &in, ids, n, &id, &err);
	cr_assert_eq(rc, expect, "decision %s: %d %s %s", number, rc,
	    err.msg ? err.msg : "", err.arg);
	return id;
}

/* Take a registration from registered to proposed with the given answers. */
static void
to_proposed(struct world *w, int64_t id, const struct actor *board,
    const struct model_answer *ans, size_t n)
{
	struct kh_err err = KH_ERR_INIT;

	cr_assert(models_self_assess(w->db, board, id, ans, n, NULL, &err) == 0,
	    "self: %s %s", err.msg ? err.msg : "", err.arg);
	cr_assert(models_verify(w->db, board, id, NULL, 0, NULL, &err) == 0,
	    "verify: %s", err.msg ? err.msg : "");
	cr_assert(models_propose(w->db, &w->off_c, id, NULL, &err) == 0,
	    "propose: %s %s", err.msg ? err.msg : "", err.arg);
}

/* A household of group 1 recognised as a learning family. */
static int64_t
recognised_family(struct world *w, int64_t household_id)
{
	int64_t id;

	cr_assert_eq(reg(w, &w->off_v1, MODEL_FAMILY, household_id, &id), 0);
	to_proposed(w, id, &w->off_v1, FAMILY_FULL, N(FAMILY_FULL));
	decide(w, &w->mgr_c, MODEL_FAMILY, &id, 1, 0);
	cr_assert_str_eq(state_of(w, id), REG_RECOGNISED);
	return id;
}

BOTH(models_flow, every_transition_and_every_refusal)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_registration r;
	struct model_assessment as;
	struct model_transition_list h;
	struct model_change ch[2];
	int64_t h1, h2, h3, r1, r2, r3, other;
	static const char *const steps[] = {"register", "self_assess", "return",
	    "self_assess", "verify", "propose", "return", "propose", "recognise",
	    NULL};

	world_init(&w, db);
	h1 = fx_household(w.db, w.v1, "H001", "Nguyễn Văn An");
	h2 = fx_household(w.db, w.v1, "H002", NULL);
	h3 = fx_household(w.db, w.v1, "H003", "Lê Thị Hoa");

	/* register: officer and above, in scope. */
	cr_assert_eq(reg(&w, &w.viewer_c, MODEL_FAMILY, h1, &r1), KH_E_FORBIDDEN);
	cr_assert_eq(reg(&w, &w.off_other, MODEL_FAMILY, h1, &r1), KH_E_FORBIDDEN);
	cr_assert_eq(reg(&w, &w.off_v1, "school", h1, &r1), KH_E_INVALID);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, 999999, &r1), KH_E_NOT_FOUND);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, h1, &r1), 0);
	cr_assert_eq(reg(&w, &w.off_c, MODEL_FAMILY, h1, &other), KH_E_CONFLICT);
	/* A village is not a family, a household not a community. */
	cr_assert_eq(reg(&w, &w.off_c, MODEL_COMMUNITY, w.commune, &other),
	    KH_E_INVALID);
	cr_assert(models_get(db, &w.off_v1, r1, &r, &err) == 0);
	cr_assert_str_eq(r.state, REG_REGISTERED);
	cr_assert_str_eq(r.set_code, "qd448-gdht");
	cr_assert_eq(r.unit_id, w.v1);
	cr_assert_str_eq(r.subject_name, "Nguyễn Văn An");
	cr_assert_eq(r.total_x100, -1);
	model_registration_cleanup(&r);
	cr_assert_eq(models_get(db, &w.off_other, r1, &r, &err), KH_E_FORBIDDEN);

	/* Nothing but self-assessment (or withdrawal) from registered. */
	cr_assert_eq(models_verify(db, &w.off_v1, r1, NULL, 0, NULL, &err),
	    KH_E_CONFLICT);
	cr_assert_eq(models_propose(db, &w.off_c, r1, NULL, &err), KH_E_CONFLICT);
	cr_assert_eq(models_return(db, &w.off_v1, r1, "x", &err), KH_E_CONFLICT);
	cr_assert_eq(models_recognise(db, &w.mgr_c, r1, 1, &err), KH_E_NOT_FOUND);

	/* self_assess. */
	cr_assert_eq(models_self_assess(db, &w.viewer_c, r1, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_self_assess(db, &w.off_other, r1, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), KH_E_FORBIDDEN);
	{
		struct model_answer bad = {.code = "A1.1", .value_x100 = 1100};

		cr_assert_eq(models_self_assess(db, &w.off_v1, r1, &bad, 1, NULL,
		    &err), KH_E_INVALID);
		cr_assert_str_eq(state_of(&w, r1), REG_REGISTERED);
	}
	cr_assert_eq(models_self_assess(db, &w.off_v1, r1, FAMILY_FULL,
	    N(FAMILY_FULL), "Tự đánh giá của hộ", &err), 0);
	cr_assert_str_eq(state_of(&w, r1), REG_SELF_ASSESSED);
	cr_assert_eq(models_self_assess(db, &w.off_v1, r1, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), KH_E_CONFLICT);
	cr_assert_eq(models_propose(db, &w.off_c, r1, NULL, &err), KH_E_CONFLICT);

	/* return one step, with a reason. */
	cr_assert_eq(models_return(db, &w.off_v1, r1, "", &err), KH_E_INVALID);
	cr_assert_eq(models_return(db, &w.viewer_c, r1, "x", &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_return(db, &w.off_v1, r1, "Thiếu minh chứng", &err), 0);
	cr_assert(models_get(db, &w.off_v1, r1, &r, &err) == 0);
	cr_assert_str_eq(r.state, REG_REGISTERED);
	cr_assert(r.returned);
	cr_assert_eq(r.total_x100, -1);
	model_registration_cleanup(&r);
	cr_assert_eq(models_self_assess(db, &w.off_v1, r1, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), 0);

	/* verify: changes need a reason; ratios cannot be changed. */
	cr_assert_eq(models_verify(db, &w.viewer_c, r1, NULL, 0, NULL, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_verify(db, &w.off_other, r1, NULL, 0, NULL, &err),
	    KH_E_FORBIDDEN);
	memset(ch, 0, sizeof(ch));
	ch[0].code = "A4.2";
	ch[0].value_x100 = 500;
	cr_assert_eq(models_verify(db, &w.off_v1, r1, ch, 1, NULL, &err),
	    KH_E_INVALID);
	cr_assert_str_eq(err.field, "A4.2");
	ch[0].reason = "Chưa đạt danh hiệu Gia đình văn hóa năm 2025";
	ch[1].code = "A9.9";
	ch[1].reason = "x";
	cr_assert_eq(models_verify(db, &w.off_v1, r1, ch, 2, NULL, &err),
	    KH_E_INVALID);
	cr_assert_eq(models_verify(db, &w.off_v1, r1, ch, 1, "Ban khuyến học tổ 1",
	    &err), 0);
	cr_assert(models_get(db, &w.off_v1, r1, &r, &err) == 0);
	cr_assert_str_eq(r.state, REG_VERIFIED);
	cr_assert_eq(r.total_x100, 9500);
	cr_assert(r.achieved);
	model_registration_cleanup(&r);
	cr_assert(models_assessment(db, &w.off_c, r1, "verify", &as, &err) == 0);
	cr_assert_eq(as.total_x100, 9500);
	for (size_t i = 0; i < as.n_values; i++) {
		if (strcmp(as.values[i].code, "A4.2") == 0) {
			cr_assert(as.values[i].changed);
			cr_assert_eq(as.values[i].old_value_x100, 1000);
			cr_assert_eq(as.values[i].value_x100, 500);
			cr_assert_str_eq(as.values[i].reason, ch[0].reason);
		} else if (strcmp(as.values[i].code, "A4") == 0) {
			cr_assert(as.values[i].criterion);
			cr_assert_eq(as.values[i].value_x100, 1500);
		} else
			cr_assert_not(as.values[i].changed, "%s", as.values[i].code);
	}
	model_assessment_cleanup(&as);
	cr_assert(models_assessment(db, &w.off_c, r1, "self", &as, &err) == 0);
	cr_assert_eq(as.total_x100, 10000);
	cr_assert_str_eq(as.channel, "officer");
	model_assessment_cleanup(&as);

	/* propose: only the commune level. */
	cr_assert_eq(models_propose(db, &w.off_v1, r1, NULL, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_propose(db, &w.mgr_v1, r1, NULL, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_propose(db, &w.off_other, r1, NULL, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_propose(db, &w.viewer_c, r1, NULL, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_propose(db, &w.off_c, r1, NULL, &err), 0);
	cr_assert_str_eq(state_of(&w, r1), REG_PROPOSED);
	cr_assert_eq(models_verify(db, &w.off_v1, r1, NULL, 0, NULL, &err),
	    KH_E_CONFLICT);
	/* A proposal goes back only by the commune level. */
	cr_assert_eq(models_return(db, &w.off_v1, r1, "x", &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_return(db, &w.off_c, r1, "Xem lại điểm A3", &err), 0);
	cr_assert_str_eq(state_of(&w, r1), REG_VERIFIED);
	cr_assert_eq(models_propose(db, &w.off_c, r1, NULL, &err), 0);

	/* recognise: managers of the commune or above, through a decision. */
	decide(&w, &w.off_c, MODEL_FAMILY, &r1, 1, KH_E_FORBIDDEN);
	decide(&w, &w.mgr_v1, MODEL_FAMILY, &r1, 1, KH_E_FORBIDDEN);
	decide(&w, &w.mgr_other, MODEL_FAMILY, &r1, 1, KH_E_FORBIDDEN);
	decide(&w, &w.mgr_c, MODEL_CLAN, &r1, 1, KH_E_INVALID);
	decide(&w, &w.mgr_c, MODEL_FAMILY, &r1, 1, 0);
	cr_assert(models_get(db, &w.off_v1, r1, &r, &err) == 0);
	cr_assert_str_eq(r.state, REG_RECOGNISED);
	cr_assert_str_eq(r.certificate_no, "GĐHT-2025-000001");
	cr_assert_gt(r.decision_id, 0);
	model_registration_cleanup(&r);
	/* Recognised is final. */
	cr_assert_eq(models_withdraw(db, &w.off_v1, r1, NULL, &err), KH_E_CONFLICT);
	cr_assert_eq(models_return(db, &w.off_c, r1, "x", &err), KH_E_CONFLICT);
	cr_assert_eq(models_self_assess(db, &w.off_v1, r1, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), KH_E_CONFLICT);
	decide(&w, &w.mgr_c, MODEL_FAMILY, &r1, 1, KH_E_CONFLICT);

	/* The history, oldest first. */
	cr_assert(models_history(db, &w.off_v1, r1, &h, &err) == 0);
	cr_assert_eq(h.n, 9);
	for (size_t i = 0; i < h.n; i++)
		cr_assert_str_eq(h.items[i].action, steps[i], "step %zu: %s", i,
		    h.items[i].action);
	cr_assert_null(h.items[0].from_state);
	cr_assert_str_eq(h.items[2].reason, "Thiếu minh chứng");
	cr_assert_str_eq(h.items[8].reason, "5/QĐ-UBND");
	model_transition_list_cleanup(&h);
	cr_assert_eq(models_history(db, &w.off_other, r1, &h, &err),
	    KH_E_FORBIDDEN);

	/* withdraw: from any state before recognition, once. */
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, h2, &r2), 0);
	cr_assert_eq(models_withdraw(db, &w.viewer_c, r2, NULL, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_withdraw(db, &w.off_other, r2, NULL, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_withdraw(db, &w.off_v1, r2, "Hộ chuyển đi", &err), 0);
	cr_assert_str_eq(state_of(&w, r2), REG_WITHDRAWN);
	cr_assert_eq(models_withdraw(db, &w.off_v1, r2, NULL, &err), KH_E_CONFLICT);
	cr_assert_eq(models_self_assess(db, &w.off_v1, r2, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), KH_E_CONFLICT);
	cr_assert_eq(models_return(db, &w.off_v1, r2, "x", &err), KH_E_CONFLICT);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, h2, &other), KH_E_CONFLICT);

	/* Below the standard: verified, but cannot be proposed. */
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, h3, &r3), 0);
	cr_assert_eq(models_self_assess(db, &w.off_v1, r3, FAMILY_WEAK,
	    N(FAMILY_WEAK), NULL, &err), 0);
	/* The verifier finds more: 70 + 10 + 5 = 85 but A3 stays below half. */
	memset(ch, 0, sizeof(ch));
	ch[0].code = "A4.2";
	ch[0].value_x100 = 1000;
	ch[0].reason = "Có danh hiệu Gia đình văn hóa";
	ch[1].code = "A4.1";
	ch[1].value_x100 = 1000;
	ch[1].reason = "Kinh tế ổn định";
	cr_assert_eq(models_verify(db, &w.off_v1, r3, ch, 2, NULL, &err), 0);
	cr_assert(models_get(db, &w.off_v1, r3, &r, &err) == 0);
	cr_assert_eq(r.total_x100, 8500);
	cr_assert_not(r.achieved);
	model_registration_cleanup(&r);
	/* verified -> self_assessed: the self-assessment's score is shown again. */
	cr_assert_eq(models_return(db, &w.off_v1, r3, "Thẩm định lại", &err), 0);
	cr_assert(models_get(db, &w.off_v1, r3, &r, &err) == 0);
	cr_assert_str_eq(r.state, REG_SELF_ASSESSED);
	cr_assert(r.returned);
	cr_assert_eq(r.total_x100, 7000);
	model_registration_cleanup(&r);
	cr_assert_eq(models_verify(db, &w.off_v1, r3, NULL, 0, NULL, &err), 0);
	cr_assert(models_get(db, &w.off_v1, r3, &r, &err) == 0);
	cr_assert_eq(r.total_x100, 7000);
	cr_assert_not(r.achieved);
	cr_assert_not(r.returned);
	model_registration_cleanup(&r);
	cr_assert_eq(models_propose(db, &w.off_c, r3, NULL, &err), KH_E_CONFLICT);
	cr_assert_str_eq(err.arg, "A3, A4, min_total");
	/* Withdrawn from verified. */
	cr_assert_eq(models_withdraw(db, &w.off_c, r3, NULL, &err), 0);

	/* Every action is audited against the group's unit. */
	{
		struct audit_filter f = {0};
		struct audit_list l = {0};
		int regs = 0;

		f.unit_id = w.v1;
		f.limit = 500;
		cr_assert(audit_list(db, &w.sys, &f, &l, &err) == 0);
		for (size_t i = 0; i < l.n; i++)
			if (strcmp(l.items[i].entity, "registration") == 0)
				regs++;
		/* r1: 9 actions, r2: 2, r3: 6. */
		cr_assert_eq(regs, 17, "%d", regs);
		audit_list_cleanup(&l);
	}
}

BOTH(models_flow, public_channel_hook_and_citizens)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_input in;
	struct model_registration r;
	struct model_assessment as;
	struct actor pub, nobody;
	int64_t p, p4, id, id4;

	world_init(&w, db);
	p = fx_person(w.db, w.v1, "Phạm Thị Lan", 1);
	p4 = fx_person(w.db, w.v1, "Vũ Minh", 0);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_CITIZEN, p, &id), 0);
	cr_assert(models_get(db, &w.off_v1, id, &r, &err) == 0);
	cr_assert_eq(r.subject_group, 1);
	cr_assert_str_eq(r.set_code, "qd244-cdht");
	model_registration_cleanup(&r);
	/* No recorded group: one must be chosen. */
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_CITIZEN, p4, &id4), KH_E_INVALID);
	memset(&in, 0, sizeof(in));
	in.model = MODEL_CITIZEN;
	in.year = 2025;
	in.subject_id = p4;
	in.subject_group = 4;
	cr_assert_eq(models_register(db, &w.off_v1, &in, &id4, &err), 0);

	/* The public channel: an actor without a role, named "public:...". */
	fx_actor(&pub, "public:web", ROLE_NONE, 0);
	fx_actor(&nobody, "someone", ROLE_NONE, 0);
	cr_assert_eq(models_self_assess_public(db, &nobody, id, CITIZEN_FULL,
	    N(CITIZEN_FULL), NULL, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_self_assess(db, &pub, id, CITIZEN_FULL,
	    N(CITIZEN_FULL), NULL, &err), KH_E_AUTH);
	cr_assert_eq(models_self_assess_public(db, &pub, id, CITIZEN_FULL,
	    N(CITIZEN_FULL), NULL, &err), 0);
	cr_assert(models_assessment(db, &w.off_v1, id, "self", &as, &err) == 0);
	cr_assert_str_eq(as.channel, "public");
	cr_assert_str_eq(as.actor, "public:web");
	cr_assert_eq(as.total_x100, 10000);
	model_assessment_cleanup(&as);
	/* Group 4 answers N1.4b; the N1.4a of the full form does not count. */
	cr_assert_eq(models_self_assess(db, &w.off_v1, id4, CITIZEN_FULL,
	    N(CITIZEN_FULL), NULL, &err), 0);
	cr_assert(models_get(db, &w.off_v1, id4, &r, &err) == 0);
	cr_assert_eq(r.total_x100, 9000);
	cr_assert(r.achieved);
	model_registration_cleanup(&r);
}

BOTH(models_flow, clan_qualifies_on_half_its_families)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_ratio_list rl;
	struct model_registration r;
	struct model_assessment as;
	int64_t a[4], b[4], ca, cb, ra, rb, open;
	char code[16];
	int i;

	world_init(&w, db);
	for (i = 0; i < 4; i++) {
		snprintf(code, sizeof(code), "A%d", i);
		a[i] = fx_household(w.db, w.v1, code, NULL);
		snprintf(code, sizeof(code), "B%d", i);
		b[i] = fx_household(w.db, w.v2, code, NULL);
	}
	ca = clan(&w, "Họ Nguyễn", a, 4);
	cb = clan(&w, "Họ Trần", b, 4);
	/* Clan A: 2 of 4 families recognised (a third only registered). */
	recognised_family(&w, a[0]);
	recognised_family(&w, a[1]);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, a[2], &open), 0);
	/* Clan B: 1 of 4. */
	{
		struct actor off_v2;

		fx_actor(&off_v2, "bkh.to2", ROLE_OFFICER, w.v2);
		cr_assert_eq(reg(&w, &off_v2, MODEL_FAMILY, b[0], &open), 0);
		to_proposed(&w, open, &off_v2, FAMILY_FULL, N(FAMILY_FULL));
		decide(&w, &w.mgr_c, MODEL_FAMILY, &open, 1, 0);
	}
	/* A clan lives in the commune: the group's board cannot register it. */
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_CLAN, ca, &ra), KH_E_FORBIDDEN);
	cr_assert_eq(reg(&w, &w.off_c, MODEL_CLAN, ca, &ra), 0);
	cr_assert_eq(reg(&w, &w.off_c, MODEL_CLAN, cb, &rb), 0);

	/* What the assessor sees before submitting. */
	cr_assert(models_ratios(db, &w.off_c, ra, &rl, &err) == 0);
	cr_assert_eq(rl.n, 1);
	cr_assert_str_eq(rl.items[0].code, "B0.1");
	cr_assert_str_eq(rl.items[0].source, MODELS_SRC_CLAN_FAMILIES);
	cr_assert_eq(rl.items[0].num, 2);
	cr_assert_eq(rl.items[0].den, 4);
	cr_assert_eq(rl.items[0].min_ratio_bp, 5000);
	cr_assert(rl.items[0].met);
	model_ratio_list_cleanup(&rl);

	/* An answer typed for the computed indicator is ignored. */
	{
		struct model_answer ans[N(CLAN_FULL) + 1];

		memcpy(ans, CLAN_FULL, sizeof(CLAN_FULL));
		memset(&ans[N(CLAN_FULL)], 0, sizeof(ans[0]));
		ans[N(CLAN_FULL)].code = "B0.1";
		ans[N(CLAN_FULL)].num = 4;
		ans[N(CLAN_FULL)].den = 4;
		cr_assert_eq(models_self_assess(db, &w.off_c, ra, ans, N(ans), NULL,
		    &err), 0, "%s %s", err.msg ? err.msg : "", err.arg);
	}
	cr_assert(models_assessment(db, &w.off_c, ra, "self", &as, &err) == 0);
	cr_assert(as.achieved);
	cr_assert_eq(as.total_x100, 10000);
	for (size_t k = 0; k < as.n_values; k++)
		if (strcmp(as.values[k].code, "B0.1") == 0) {
			cr_assert_eq(as.values[k].num, 2);
			cr_assert_eq(as.values[k].den, 4);
			cr_assert_str_eq(as.values[k].source, MODELS_SRC_CLAN_FAMILIES);
			cr_assert_not_null(as.values[k].computed_at);
			cr_assert(as.values[k].met);
		}
	model_assessment_cleanup(&as);

	cr_assert_eq(models_self_assess(db, &w.off_c, rb, CLAN_FULL, N(CLAN_FULL),
	    NULL, &err), 0);
	cr_assert(models_get(db, &w.off_c, rb, &r, &err) == 0);
	cr_assert_not(r.achieved);
	cr_assert_eq(r.total_x100, 10000);
	model_registration_cleanup(&r);
	cr_assert(models_assessment(db, &w.off_c, rb, "self", &as, &err) == 0);
	cr_assert_str_eq(as.failed, "B0.1");
	model_assessment_cleanup(&as);

	/* A ratio cannot be changed by hand; recomputed at verification: a
	 * second family of clan B recognised meanwhile makes it 2 of 4. */
	{
		struct model_change ch = {.code = "B0.1", .reason = "x"};
		struct actor off_v2;

		cr_assert_eq(models_verify(db, &w.off_c, rb, &ch, 1, NULL, &err),
		    KH_E_INVALID);
		fx_actor(&off_v2, "bkh.to2", ROLE_OFFICER, w.v2);
		cr_assert_eq(reg(&w, &off_v2, MODEL_FAMILY, b[1], &open), 0);
		to_proposed(&w, open, &off_v2, FAMILY_FULL, N(FAMILY_FULL));
		decide(&w, &w.mgr_c, MODEL_FAMILY, &open, 1, 0);
	}
	cr_assert_eq(models_verify(db, &w.off_c, rb, NULL, 0, NULL, &err), 0);
	cr_assert(models_get(db, &w.off_c, rb, &r, &err) == 0);
	cr_assert(r.achieved);
	model_registration_cleanup(&r);
	cr_assert_eq(models_propose(db, &w.off_c, rb, NULL, &err), 0);
	decide(&w, &w.mgr_c, MODEL_CLAN, &rb, 1, 0);
	cr_assert(models_get(db, &w.off_c, rb, &r, &err) == 0);
	cr_assert_str_eq(r.certificate_no, "DHHT-2025-000001");
	cr_assert_str_eq(r.subject_name, "Họ Trần (Chi 2)");
	model_registration_cleanup(&r);
}

BOTH(models_flow, community_and_unit_use_computed_shares)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_ratio_list rl;
	struct unit u = UNIT_INIT;
	struct unit_input school = {"11383-TH1", "Trường Tiểu học Lê Chân",
	    "school", "2025-07-01", NULL, "", ""};
	int64_t hh[5], rc_id, ru_id, staff[2], id;
	char code[16];

	world_init(&w, db);
	for (int i = 0; i < 5; i++) {
		snprintf(code, sizeof(code), "T%d", i);
		hh[i] = fx_household(w.db, w.v1, code, NULL);
	}
	for (int i = 0; i < 3; i++)
		recognised_family(&w, hh[i]);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_COMMUNITY, w.v1, &rc_id), 0);
	cr_assert(models_ratios(db, &w.off_v1, rc_id, &rl, &err) == 0);
	cr_assert_eq(rl.n, 2);
	cr_assert_str_eq(rl.items[0].code, "C1.1");
	cr_assert_eq(rl.items[0].num, 3);
	cr_assert_eq(rl.items[0].den, 5);
	cr_assert(rl.items[0].met);		/* 60 % */
	cr_assert_str_eq(rl.items[1].code, "C1.2");
	cr_assert_eq(rl.items[1].den, 0);	/* nobody recorded: not met */
	cr_assert_not(rl.items[1].met);
	model_ratio_list_cleanup(&rl);

	/* A school's staff: one of two recognised learning citizens. */
	cr_assert(units_create_org(db, &w.sys, w.commune, &school, &u, &err) == 0);
	staff[0] = fx_person(w.db, u.id, "Đỗ Văn Giáo", 3);
	staff[1] = fx_person(w.db, u.id, "Hà Thị Viên", 3);
	{
		struct actor off_school;

		fx_actor(&off_school, "bkh.th1", ROLE_OFFICER, u.id);
		cr_assert_eq(reg(&w, &off_school, MODEL_CITIZEN, staff[0], &id), 0);
		to_proposed(&w, id, &off_school, CITIZEN_FULL, N(CITIZEN_FULL));
		decide(&w, &w.mgr_c, MODEL_CITIZEN, &id, 1, 0);
		cr_assert_eq(reg(&w, &off_school, MODEL_UNIT, u.id, &ru_id), 0);
	}
	cr_assert(models_ratios(db, &w.off_c, ru_id, &rl, &err) == 0);
	cr_assert_eq(rl.n, 1);
	cr_assert_str_eq(rl.items[0].source, MODELS_SRC_UNIT_CITIZENS);
	cr_assert_eq(rl.items[0].num, 1);
	cr_assert_eq(rl.items[0].den, 2);
	cr_assert_not(rl.items[0].met);		/* the set asks for 100 % */
	model_ratio_list_cleanup(&rl);
	{
		struct model_registration r;

		cr_assert(models_get(db, &w.off_c, ru_id, &r, &err) == 0);
		cr_assert_str_eq(r.set_code, "qd448-dvht-xa");	/* the default */
		model_registration_cleanup(&r);
	}
	/* A school is not a village community, a village is not a unit. */
	cr_assert_eq(reg(&w, &w.off_c, MODEL_COMMUNITY, u.id, &id), KH_E_INVALID);
	cr_assert_eq(reg(&w, &w.off_c, MODEL_UNIT, w.v2, &id), KH_E_INVALID);
	unit_cleanup(&u);
}

BOTH(models_flow, certificates_are_sequential_and_unique)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_decision d;
	int64_t hh[6], ids[6], d1, d2, n, distinct, out_id, ohh;
	char code[16];
	int i;

	world_init(&w, db);
	for (i = 0; i < 6; i++) {
		snprintf(code, sizeof(code), "S%d", i);
		hh[i] = fx_household(w.db, i < 4 ? w.v1 : w.v2, code,
		    i == 0 ? "Bùi Văn Một" : NULL);
	}
	for (i = 0; i < 6; i++) {
		const struct actor *board = i < 4 ? &w.off_v1 : &w.off_c;

		cr_assert_eq(reg(&w, board, MODEL_FAMILY, hh[i], &ids[i]), 0);
		if (i < 5)
			to_proposed(&w, ids[i], board, FAMILY_FULL, N(FAMILY_FULL));
	}
	/* All or none: the last one is not proposed, nothing is recognised. */
	decide(&w, &w.mgr_c, MODEL_FAMILY, ids, 6, KH_E_CONFLICT);
	cr_assert_str_eq(state_of(&w, ids[0]), REG_PROPOSED);
	d1 = decide(&w, &w.mgr_c, MODEL_FAMILY, ids, 3, 0);
	d2 = decide(&w, &w.mgr_c, MODEL_FAMILY, ids + 3, 2, 0);
	cr_assert(models_decision_get(db, &w.viewer_c, d1, &d, &err) == 0);
	cr_assert_str_eq(d.number, "2/QĐ-UBND");
	cr_assert_str_eq(d.signer, "Trần Văn Chủ");
	cr_assert_str_eq(d.unit_code, "11383");
	cr_assert_eq(d.n_items, 3);
	cr_assert_str_eq(d.items[0].certificate_no, "GĐHT-2025-000001");
	cr_assert_str_eq(d.items[0].subject_name, "Bùi Văn Một");
	cr_assert_str_eq(d.items[1].certificate_no, "GĐHT-2025-000002");
	cr_assert_str_eq(d.items[1].subject_name, "S1");	/* no head: its number */
	cr_assert_str_eq(d.items[2].certificate_no, "GĐHT-2025-000003");
	cr_assert_eq(d.items[2].total_x100, 10000);
	model_decision_cleanup(&d);
	cr_assert(models_decision_get(db, &w.sys, d2, &d, &err) == 0);
	cr_assert_eq(d.n_items, 2);
	cr_assert_str_eq(d.items[0].certificate_no, "GĐHT-2025-000004");
	cr_assert_str_eq(d.items[1].certificate_no, "GĐHT-2025-000005");
	model_decision_cleanup(&d);
	cr_assert_eq(models_decision_get(db, &w.off_other, d2, &d, &err),
	    KH_E_FORBIDDEN);
	cr_assert(db_query_int(db, "SELECT count(*) FROM model_registrations"
	    " WHERE certificate_no IS NOT NULL", DB_NOARGS, &n, &err) == 0);
	cr_assert(db_query_int(db, "SELECT count(DISTINCT certificate_no) FROM"
	    " model_registrations WHERE certificate_no IS NOT NULL", DB_NOARGS,
	    &distinct, &err) == 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(distinct, 5);
	/* A later addition to an existing decision takes the next number. */
	to_proposed(&w, ids[5], &w.off_c, FAMILY_FULL, N(FAMILY_FULL));
	cr_assert_eq(models_recognise(db, &w.off_c, ids[5], d2, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_recognise(db, &w.mgr_c, ids[5], d2, &err), 0);
	cr_assert(models_decision_get(db, &w.mgr_c, d2, &d, &err) == 0);
	cr_assert_eq(d.n_items, 3);
	cr_assert_str_eq(d.items[2].certificate_no, "GĐHT-2025-000006");
	model_decision_cleanup(&d);
	/* The same number twice is refused. */
	w.decisions = 2;
	decide(&w, &w.mgr_c, MODEL_FAMILY, NULL, 0, KH_E_CONFLICT);
	/* A registration of another commune cannot go into this decision. */
	ohh = fx_household(w.db, w.other, "K1", NULL);
	cr_assert_eq(reg(&w, &w.off_other, MODEL_FAMILY, ohh, &out_id), 0);
	cr_assert(models_self_assess(db, &w.off_other, out_id, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err) == 0);
	cr_assert(models_verify(db, &w.off_other, out_id, NULL, 0, NULL, &err) == 0);
	cr_assert(models_propose(db, &w.off_other, out_id, NULL, &err) == 0);
	w.decisions = 10;
	decide(&w, &w.sys, MODEL_FAMILY, &out_id, 1, KH_E_INVALID);
	decide(&w, &w.mgr_c, MODEL_FAMILY, &out_id, 1, KH_E_FORBIDDEN);
	/* Its own commune numbers from 1. */
	{
		struct model_decision_input in;
		struct model_registration r;
		int64_t did;

		memset(&in, 0, sizeof(in));
		in.unit_id = w.other;
		in.model = MODEL_FAMILY;
		in.year = 2025;
		in.number = "1/QĐ-UBND";
		in.decided_on = "2025-12-22";
		in.signer = "Ngô Thị Ký";
		in.signer_title = "Phó Chủ tịch";
		in.issuing_body = "Ủy ban nhân dân phường Hồng Bàng";
		cr_assert_eq(models_decision_create(db, &w.mgr_other, &in, &out_id, 1,
		    &did, &err), 0);
		cr_assert(models_get(db, &w.sys, out_id, &r, &err) == 0);
		cr_assert_str_eq(r.certificate_no, "GĐHT-2025-000001");
		model_registration_cleanup(&r);
	}
}

static const struct model_rollup_row *
row_of(const struct model_rollup *ro, bool total, int64_t unit,
    const char *model, int group)
{
	for (size_t i = 0; i < ro->n; i++)
		if (ro->items[i].total == total && ro->items[i].unit_id == unit &&
		    strcmp(ro->items[i].model, model) == 0 &&
		    ro->items[i].subject_group == group)
			return &ro->items[i];
	return NULL;
}

static void
expect_row(const struct model_rollup *ro, bool total, int64_t unit,
    const char *model, int group, int64_t registered, int64_t recognised)
{
	const struct model_rollup_row *r = row_of(ro, total, unit, model, group);

	cr_assert_not_null(r, "row %s %d of %lld", model, group, (long long)unit);
	cr_assert_eq(r->registered, registered, "%s %d: registered %lld", model,
	    group, (long long)r->registered);
	cr_assert_eq(r->recognised, recognised, "%s %d: recognised %lld", model,
	    group, (long long)r->recognised);
}

BOTH(models_flow, rollup_counts_a_subtree)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_rollup ro;
	int64_t hh[5], p1, p2, id;
	char code[16];

	world_init(&w, db);
	for (int i = 0; i < 5; i++) {
		snprintf(code, sizeof(code), "R%d", i);
		hh[i] = fx_household(w.db, i < 4 ? w.v1 : w.v2, code, NULL);
	}
	/* Group 1: two recognised, one withdrawn, one registered; group 2: one
	 * registered. */
	recognised_family(&w, hh[0]);
	recognised_family(&w, hh[1]);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, hh[2], &id), 0);
	cr_assert_eq(models_withdraw(db, &w.off_v1, id, NULL, &err), 0);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, hh[3], &id), 0);
	cr_assert_eq(reg(&w, &w.off_c, MODEL_FAMILY, hh[4], &id), 0);
	/* Citizens of group 1: one of subject group 1 recognised, one of
	 * subject group 2 registered. */
	p1 = fx_person(w.db, w.v1, "Lý Văn Một", 1);
	p2 = fx_person(w.db, w.v1, "Mai Thị Hai", 2);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_CITIZEN, p1, &id), 0);
	to_proposed(&w, id, &w.off_v1, CITIZEN_FULL, N(CITIZEN_FULL));
	decide(&w, &w.mgr_c, MODEL_CITIZEN, &id, 1, 0);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_CITIZEN, p2, &id), 0);

	cr_assert(models_rollup(db, &w.viewer_c, w.commune, 2025, &ro, &err) == 0);
	expect_row(&ro, true, w.commune, MODEL_FAMILY, 0, 4, 2);
	expect_row(&ro, true, w.commune, MODEL_CITIZEN, 1, 1, 1);
	expect_row(&ro, true, w.commune, MODEL_CITIZEN, 2, 1, 0);
	expect_row(&ro, false, w.v1, MODEL_FAMILY, 0, 3, 2);
	expect_row(&ro, false, w.v1, MODEL_CITIZEN, 1, 1, 1);
	expect_row(&ro, false, w.v1, MODEL_CITIZEN, 2, 1, 0);
	expect_row(&ro, false, w.v2, MODEL_FAMILY, 0, 1, 0);
	cr_assert_eq(ro.n, 7);
	cr_assert_str_eq(ro.items[0].unit_code, "11383");
	model_rollup_cleanup(&ro);
	/* Rolled up to the city: the commune is one of its children. */
	cr_assert(models_rollup(db, &w.sys, w.city, 2025, &ro, &err) == 0);
	expect_row(&ro, true, w.city, MODEL_FAMILY, 0, 4, 2);
	expect_row(&ro, false, w.commune, MODEL_FAMILY, 0, 4, 2);
	expect_row(&ro, false, w.commune, MODEL_CITIZEN, 1, 1, 1);
	model_rollup_cleanup(&ro);
	/* Another year is empty; another commune is out of scope. */
	cr_assert(models_rollup(db, &w.mgr_c, w.commune, 2024, &ro, &err) == 0);
	cr_assert_eq(ro.n, 0);
	model_rollup_cleanup(&ro);
	cr_assert_eq(models_rollup(db, &w.off_other, w.commune, 2025, &ro, &err),
	    KH_E_FORBIDDEN);
	/* The list agrees. */
	{
		struct model_query q = {0};
		struct model_reg_list l;

		q.unit_id = w.v1;
		q.model = MODEL_FAMILY;
		q.year = 2025;
		cr_assert(models_list(db, &w.off_c, &q, &l, &err) == 0);
		cr_assert_eq(l.total, 4);
		model_reg_list_cleanup(&l);
		q.state = REG_RECOGNISED;
		cr_assert(models_list(db, &w.off_c, &q, &l, &err) == 0);
		cr_assert_eq(l.total, 2);
		cr_assert_str_eq(l.items[0].state, REG_RECOGNISED);
		model_reg_list_cleanup(&l);
		memset(&q, 0, sizeof(q));
		cr_assert(models_list(db, &w.off_v1, &q, &l, &err) == 0);
		cr_assert_eq(l.total, 6);	/* the group's own */
		model_reg_list_cleanup(&l);
		q.unit_id = w.commune;
		cr_assert_eq(models_list(db, &w.off_v1, &q, &l, &err),
		    KH_E_FORBIDDEN);
	}
}

BOTH(models_flow, deadlines_per_year_and_late_actions)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_deadlines d, set;
	struct model_registration r;
	struct model_transition_list h;
	int64_t hh, id;

	world_init(&w, db);
	cr_assert(models_deadlines(db, &w.off_v1, w.v1, 2025, MODEL_FAMILY, &d,
	    &err) == 0);
	cr_assert_str_eq(d.register_by, "2025-03-31");
	cr_assert_str_eq(d.self_assess_by, "2025-11-30");
	cr_assert_str_eq(d.verify_by, "2025-12-10");
	cr_assert_str_eq(d.recognise_by, "2025-12-31");
	cr_assert_eq(d.unit_id, 0);
	cr_assert(models_deadlines(db, &w.off_c, w.commune, 2025,
	    MODEL_COMMUNE_COMMUNITY, &d, &err) == 0);
	cr_assert_str_eq(d.self_assess_by, "2026-02-28");
	cr_assert_str_eq(d.recognise_by, "2026-03-31");

	memset(&set, 0, sizeof(set));
	snprintf(set.register_by, sizeof(set.register_by), "2025-04-30");
	snprintf(set.self_assess_by, sizeof(set.self_assess_by), "2025-10-31");
	snprintf(set.verify_by, sizeof(set.verify_by), "2025-11-20");
	snprintf(set.recognise_by, sizeof(set.recognise_by), "2025-12-15");
	cr_assert_eq(models_calendar_set(db, &w.off_c, w.commune, 2025,
	    MODEL_FAMILY, &set, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_calendar_set(db, &w.mgr_other, w.commune, 2025,
	    MODEL_FAMILY, &set, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_calendar_set(db, &w.mgr_c, w.commune, 2025,
	    MODEL_FAMILY, &set, &err), 0);
	/* Set twice: the second replaces the first. */
	cr_assert_eq(models_calendar_set(db, &w.mgr_c, w.commune, 2025,
	    MODEL_FAMILY, &set, &err), 0);
	snprintf(set.verify_by, sizeof(set.verify_by), "2025-10-01");
	cr_assert_eq(models_calendar_set(db, &w.mgr_c, w.commune, 2025,
	    MODEL_FAMILY, &set, &err), KH_E_INVALID);
	cr_assert(models_deadlines(db, &w.off_v1, w.v1, 2025, MODEL_FAMILY, &d,
	    &err) == 0);
	cr_assert_str_eq(d.self_assess_by, "2025-10-31");
	cr_assert_eq(d.unit_id, w.commune);
	cr_assert(models_deadlines(db, &w.off_other, w.other, 2025, MODEL_FAMILY,
	    &d, &err) == 0);
	cr_assert_str_eq(d.self_assess_by, "2025-11-30");

	/* Registered in time, self-assessed late: allowed, flagged. */
	hh = fx_household(w.db, w.v1, "L1", NULL);
	setenv("KHUYENHOC_TODAY", "2025-03-01", 1);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, hh, &id), 0);
	cr_assert(models_get(db, &w.off_v1, id, &r, &err) == 0);
	cr_assert_not(r.late);
	cr_assert_str_eq(r.registered_on, "2025-03-01");
	model_registration_cleanup(&r);
	setenv("KHUYENHOC_TODAY", TODAY, 1);
	cr_assert_eq(models_self_assess(db, &w.off_v1, id, FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), 0);
	cr_assert(models_get(db, &w.off_v1, id, &r, &err) == 0);
	cr_assert(r.late);
	model_registration_cleanup(&r);
	cr_assert(models_history(db, &w.off_v1, id, &h, &err) == 0);
	cr_assert_eq(h.n, 2);
	cr_assert_not(h.items[0].late);
	cr_assert_str_eq(h.items[0].deadline, "2025-04-30");
	cr_assert(h.items[1].late);
	cr_assert_str_eq(h.items[1].deadline, "2025-10-31");
	model_transition_list_cleanup(&h);
	/* Years one may register for. */
	{
		struct model_reg_input in;

		memset(&in, 0, sizeof(in));
		in.model = MODEL_FAMILY;
		in.year = 2030;
		in.subject_id = hh;
		cr_assert_eq(models_register(db, &w.off_v1, &in, &id, &err),
		    KH_E_INVALID);
	}
}

BOTH(models_flow, evidence_files)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_evidence e;
	struct model_evidence_list l;
	int64_t hh, id, eid;
	unsigned char *big;

	world_init(&w, db);
	hh = fx_household(w.db, w.v1, "E1", NULL);
	cr_assert_eq(reg(&w, &w.off_v1, MODEL_FAMILY, hh, &id), 0);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, "A3.3", "tủ sách.jpg",
	    "image/jpeg", "abc", 3, &eid, &err), 0);
	cr_assert(models_evidence_get(db, &w.off_c, eid, &e, &err) == 0);
	cr_assert_eq(e.size, 3);
	cr_assert_eq(memcmp(e.data, "abc", 3), 0);
	cr_assert_str_eq(e.item_code, "A3.3");
	cr_assert_str_eq(e.sha256,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	model_evidence_cleanup(&e);
	cr_assert_eq(models_evidence_get(db, &w.off_other, eid, &e, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_evidence_add(db, &w.viewer_c, id, NULL, "a.pdf",
	    "application/pdf", "x", 1, &eid, &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, "Z9", "a.pdf",
	    "application/pdf", "x", 1, &eid, &err), KH_E_INVALID);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, NULL, "a.pdf",
	    "pdf", "x", 1, &eid, &err), KH_E_INVALID);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, NULL, "../a.pdf",
	    "application/pdf", "x", 1, &eid, &err), KH_E_INVALID);
	big = calloc(MODELS_EVIDENCE_MAX + 1, 1);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, NULL, "big.bin",
	    "application/octet-stream", big, MODELS_EVIDENCE_MAX + 1, &eid, &err),
	    KH_E_TOO_LARGE);
	free(big);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, NULL, "bien-ban.pdf",
	    "application/pdf", "%PDF", 4, &eid, &err), 0);
	cr_assert(models_evidence_list(db, &w.off_v1, id, &l, &err) == 0);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.items[0].name, "tủ sách.jpg");
	cr_assert_null(l.items[1].item_code);
	cr_assert_null(l.items[1].data);
	model_evidence_list_cleanup(&l);
	cr_assert_eq(models_withdraw(db, &w.off_v1, id, NULL, &err), 0);
	cr_assert_eq(models_evidence_add(db, &w.off_v1, id, NULL, "late.pdf",
	    "application/pdf", "x", 1, &eid, &err), KH_E_CONFLICT);
}

/*
 * The roll-up reads each registration once and sums it up to the asked unit
 * and to the child holding it: a registration managed by the unit itself
 * counts in the total only, a citizen registered through another unit counts
 * under that unit, and another year counts nowhere.
 */
BOTH(models_flow, rollup_counts_the_unit_itself_and_each_child_once)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_input in;
	struct model_rollup ro;
	int64_t p1, p2, id;

	world_init(&w, db);
	p1 = fx_person(w.db, w.commune, "Lò Văn Ba", 3);
	p2 = fx_person(w.db, w.v1, "Mai Thị Bốn", 1);
	cr_assert_eq(reg(&w, &w.off_c, MODEL_CITIZEN, p1, &id), 0);
	memset(&in, 0, sizeof(in));
	in.model = MODEL_CITIZEN;
	in.year = 2025;
	in.subject_id = p2;
	in.unit_id = w.v2;	/* through the second group (her work unit) */
	cr_assert_eq(models_register(db, &w.off_c, &in, &id, &err), 0, "%s",
	    err.detail);
	in.year = 2024;
	in.unit_id = 0;
	cr_assert_eq(models_register(db, &w.off_c, &in, &id, &err), 0);

	cr_assert(models_rollup(db, &w.mgr_c, w.commune, 2025, &ro, &err) == 0);
	cr_assert_eq(ro.n, 3);
	cr_assert(ro.items[0].total && ro.items[1].total);
	expect_row(&ro, true, w.commune, MODEL_CITIZEN, 1, 1, 0);
	expect_row(&ro, true, w.commune, MODEL_CITIZEN, 3, 1, 0);
	expect_row(&ro, false, w.v2, MODEL_CITIZEN, 1, 1, 0);
	cr_assert_null(row_of(&ro, false, w.v1, MODEL_CITIZEN, 1));
	model_rollup_cleanup(&ro);
	cr_assert(models_rollup(db, &w.mgr_c, w.commune, 2024, &ro, &err) == 0);
	cr_assert_eq(ro.n, 2);
	expect_row(&ro, true, w.commune, MODEL_CITIZEN, 1, 1, 0);
	expect_row(&ro, false, w.v1, MODEL_CITIZEN, 1, 1, 0);
	model_rollup_cleanup(&ro);
}
