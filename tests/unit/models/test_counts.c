/*
 * The counts table behind the roll-up (migration 0008), on SQLite and on
 * PostgreSQL: after every action of the yearly cycle (register, self-assess,
 * verify, propose, return, withdraw, recognise, and refused or rolled-back
 * ones) the counts equal a recount from the registrations, and the roll-up
 * read from them equals the roll-up counted from the registrations
 * themselves; the migration fills the table from registrations already
 * there; the recount repairs a damaged table for an administrator only.
 *
 * The scene: Phường Lê Chân (11383, Hải Phòng) with two residential groups.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct scene {
	struct db *db;
	struct actor sys, board, assoc, mgr, admin_c;
	int64_t city, commune, v1, v2;
	int decisions;
};

/*
 * The roll-up as it was counted before the counts table, straight from the
 * registrations: the reference the table must reproduce row for row.
 */
static const char sql_reference[] =
    "SELECT c.id, c.code, x.model, x.grp, SUM(x.reg), SUM(x.rec)"
    " FROM (SELECT r.unit_id, r.model, COALESCE(r.subject_group, 0) AS grp,"
    "   SUM(CASE WHEN r.state <> 'withdrawn' THEN 1 ELSE 0 END) AS reg,"
    "   SUM(CASE WHEN r.state = 'recognised' THEN 1 ELSE 0 END) AS rec"
    "   FROM unit_tree t JOIN model_registrations r"
    "   ON r.unit_id = t.descendant_id"
    "   WHERE t.ancestor_id = $1 AND r.year = $2"
    "   GROUP BY r.unit_id, r.model, COALESCE(r.subject_group, 0)) x"
    " JOIN unit_tree t2 ON t2.descendant_id = x.unit_id"
    " JOIN units c ON c.id = t2.ancestor_id"
    " WHERE c.id = $1 OR c.parent_id = $1"
    " GROUP BY c.id, c.code, x.model, x.grp"
    " ORDER BY CASE WHEN c.id = $1 THEN 0 ELSE 1 END, c.code, c.id,"
    " x.model, x.grp";

static void
scene_init(struct scene *s, struct db *db)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	fx_models_begin(db, "2025-11-15", &s->sys);
	s->city = fx_unit(s->db, &s->sys, "31", NULL);
	s->commune = fx_unit(s->db, &s->sys, "11383", NULL);
	fx_two_groups(db, &s->sys, s->commune, "11383", &s->v1, &s->v2);
	fx_actor(&s->board, "bkh.to1", ROLE_OFFICER, s->v1);
	fx_actor(&s->assoc, "hkh.lechan", ROLE_OFFICER, s->commune);
	fx_actor(&s->mgr, "ubnd.lechan", ROLE_MANAGER, s->commune);
	fx_actor(&s->admin_c, "qt.lechan", ROLE_ADMIN, s->commune);
}

static int64_t
reg(struct scene *s, const struct actor *a, const char *model, int year,
    int64_t subject, int64_t through)
{
	struct model_reg_input in;
	struct kh_err err = KH_ERR_INIT;
	int64_t id = 0;

	memset(&in, 0, sizeof(in));
	in.model = model;
	in.year = year;
	in.subject_id = subject;
	in.unit_id = through;
	cr_assert_eq(models_register(s->db, a, &in, &id, &err), 0, "register:"
	    " %s %s", err.msg ? err.msg : "", err.detail);
	return id;
}

static void
to_proposed(struct scene *s, int64_t id, const struct model_answer *ans,
    size_t n)
{
	struct kh_err err = KH_ERR_INIT;

	cr_assert(models_self_assess(s->db, &s->assoc, id, ans, n, NULL,
	    &err) == 0, "self: %s %s", err.msg ? err.msg : "", err.arg);
	cr_assert(models_verify(s->db, &s->assoc, id, NULL, 0, NULL, &err) == 0,
	    "verify: %s", err.msg ? err.msg : "");
	cr_assert(models_propose(s->db, &s->assoc, id, NULL, &err) == 0,
	    "propose: %s %s", err.msg ? err.msg : "", err.arg);
}

static int
decide(struct scene *s, const char *model, const int64_t *ids, size_t n)
{
	struct model_decision_input in;
	struct kh_err err = KH_ERR_INIT;
	char number[32];
	int64_t id = 0;

	snprintf(number, sizeof(number), "%d/QĐ-UBND", ++s->decisions);
	memset(&in, 0, sizeof(in));
	in.unit_id = s->commune;
	in.model = model;
	in.year = 2025;
	in.number = number;
	in.decided_on = "2025-12-20";
	in.signer = "Trần Văn Chủ";
	in.signer_title = "Chủ tịch";
	in.issuing_body = "Ủy ban nhân dân phường Lê Chân";
	return models_decision_create(s->db, &s->mgr, &in, ids, n, &id, &err);
}

/* models_rollup() of unit/year equals the reference, row for row. */
static void
rollup_matches(struct scene *s, int64_t unit, int year, const char *when)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_rollup ro;
	struct db_stmt *st;
	size_t i = 0;
	int rc;

	cr_assert(models_rollup(s->db, &s->sys, unit, year, &ro, &err) == 0);
	cr_assert(db_prepare(s->db, sql_reference, DB_ARGS(DB_INT(unit),
	    DB_INT(year)), &st, &err) == 0, "%s", err.detail);
	while ((rc = db_step(st, &err)) == 1) {
		cr_assert_lt(i, ro.n, "%s: fewer rows than the reference", when);
		cr_assert_eq(ro.items[i].unit_id, db_col_int(st, 0), "%s", when);
		cr_assert_str_eq(ro.items[i].unit_code, db_col_text(st, 1));
		cr_assert_eq(ro.items[i].total, ro.items[i].unit_id == unit);
		cr_assert_str_eq(ro.items[i].model, db_col_text(st, 2));
		cr_assert_eq(ro.items[i].subject_group, db_col_int(st, 3));
		cr_assert_eq(ro.items[i].registered, db_col_int(st, 4),
		    "%s: row %zu registered", when, i);
		cr_assert_eq(ro.items[i].recognised, db_col_int(st, 5),
		    "%s: row %zu recognised", when, i);
		i++;
	}
	db_finalize(st);
	cr_assert_eq(rc, 0);
	cr_assert_eq(i, ro.n, "%s: %zu rows, reference %zu", when, ro.n, i);
	model_rollup_cleanup(&ro);
}

/* The counts equal a recount, and the roll-ups of the commune and the city
 * equal the reference. */
static void
consistent(struct scene *s, const char *when)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t differ = -1;

	cr_assert(models_counts_check(s->db, &differ, &err) == 0, "%s",
	    err.detail);
	cr_assert_eq(differ, 0, "%s: %lld rows differ", when, (long long)differ);
	rollup_matches(s, s->commune, 2025, when);
	rollup_matches(s, s->city, 2025, when);
	rollup_matches(s, s->commune, 2024, when);
}

static int64_t
counted(struct scene *s, int64_t unit, const char *model, int group,
    const char *col)
{
	struct kh_err err = KH_ERR_INIT;
	char sql[160];
	int64_t n = -1;

	snprintf(sql, sizeof(sql), "SELECT %s FROM model_counts WHERE"
	    " unit_id = $1 AND year = 2025 AND model = $2 AND subject_group = $3",
	    col);
	cr_assert(db_query_int(s->db, sql, DB_ARGS(DB_INT(unit), DB_TEXT(model),
	    DB_INT(group)), &n, &err) == 0, "%s", err.detail);
	return n;
}

BOTH(models_counts, every_action_keeps_the_counts_equal_to_a_recount)
{
	struct scene s;
	struct kh_err err = KH_ERR_INIT;
	int64_t hh[4], f[4], p[3], c[3];

	scene_init(&s, db);
	consistent(&s, "empty");
	hh[0] = fx_household(s.db, s.v1, "H0", NULL);
	hh[1] = fx_household(s.db, s.v1, "H1", NULL);
	hh[2] = fx_household(s.db, s.v2, "H2", NULL);
	hh[3] = fx_household(s.db, s.commune, "H3", NULL);
	p[0] = fx_person(s.db, s.v1, "Lý Văn Một", 1);
	p[1] = fx_person(s.db, s.v1, "Mai Thị Hai", 2);
	p[2] = fx_person(s.db, s.commune, "Lò Văn Ba", 3);

	/* Registered: families in both groups and the commune itself,
	 * citizens of three subject groups, one through the second group, and
	 * one of another year. */
	for (int i = 0; i < 4; i++)
		f[i] = reg(&s, &s.assoc, MODEL_FAMILY, 2025, hh[i], 0);
	c[0] = reg(&s, &s.board, MODEL_CITIZEN, 2025, p[0], 0);
	c[1] = reg(&s, &s.assoc, MODEL_CITIZEN, 2025, p[1], s.v2);
	c[2] = reg(&s, &s.assoc, MODEL_CITIZEN, 2025, p[2], 0);
	reg(&s, &s.assoc, MODEL_CITIZEN, 2024, p[0], 0);
	consistent(&s, "registered");
	cr_assert_eq(counted(&s, s.v1, MODEL_FAMILY, 0, "registered"), 2);
	cr_assert_eq(counted(&s, s.v2, MODEL_CITIZEN, 2, "registered"), 1);

	/* Up to proposed, back one step, and up again. */
	to_proposed(&s, f[0], FAMILY_FULL, N(FAMILY_FULL));
	to_proposed(&s, f[1], FAMILY_FULL, N(FAMILY_FULL));
	to_proposed(&s, c[0], CITIZEN_FULL, N(CITIZEN_FULL));
	consistent(&s, "proposed");
	cr_assert_eq(models_return(db, &s.assoc, f[1], "Thiếu minh chứng",
	    &err), 0);
	consistent(&s, "returned to verified");
	cr_assert_eq(models_propose(db, &s.assoc, f[1], NULL, &err), 0);
	cr_assert_eq(models_self_assess(db, &s.assoc, f[2], FAMILY_FULL,
	    N(FAMILY_FULL), NULL, &err), 0);
	cr_assert_eq(models_return(db, &s.assoc, f[2], "Kê khai lại", &err), 0);
	consistent(&s, "returned to registered");

	/* Withdrawn: one registered, one proposed. */
	cr_assert_eq(models_withdraw(db, &s.assoc, f[3], NULL, &err), 0);
	cr_assert_eq(models_withdraw(db, &s.assoc, f[1], "Chuyển đi", &err), 0);
	consistent(&s, "withdrawn");
	cr_assert_eq(counted(&s, s.commune, MODEL_FAMILY, 0, "registered"), 0);

	/* A decision that cannot recognise all it lists recognises none. */
	{
		int64_t ids[] = {f[0], f[2]};

		cr_assert_neq(decide(&s, MODEL_FAMILY, ids, N(ids)), 0);
	}
	consistent(&s, "refused decision");
	cr_assert_eq(counted(&s, s.v1, MODEL_FAMILY, 0, "recognised"), 0);

	/* Recognised. */
	cr_assert_eq(decide(&s, MODEL_FAMILY, &f[0], 1), 0);
	cr_assert_eq(decide(&s, MODEL_CITIZEN, &c[0], 1), 0);
	consistent(&s, "recognised");
	cr_assert_eq(counted(&s, s.v1, MODEL_FAMILY, 0, "recognised"), 1);
	cr_assert_eq(counted(&s, s.v1, MODEL_CITIZEN, 1, "recognised"), 1);

	/* Refused actions change nothing. */
	cr_assert_neq(models_withdraw(db, &s.assoc, f[0], NULL, &err), 0);
	cr_assert_neq(models_withdraw(db, &s.assoc, f[3], NULL, &err), 0);
	cr_assert_neq(models_return(db, &s.assoc, c[1], "Không", &err), 0);
	consistent(&s, "refused actions");
}

BOTH(models_counts, the_migration_counts_what_is_there)
{
	struct scene s;
	struct kh_err err = KH_ERR_INIT;
	int64_t f, p, w, differ = -1;

	scene_init(&s, db);
	f = reg(&s, &s.assoc, MODEL_FAMILY, 2025, fx_household(s.db, s.v1, "H0",
	    NULL), 0);
	reg(&s, &s.assoc, MODEL_FAMILY, 2025, fx_household(s.db, s.v2, "H1",
	    NULL), 0);
	p = fx_person(s.db, s.v1, "Lý Văn Một", 4);
	reg(&s, &s.assoc, MODEL_CITIZEN, 2025, p, 0);
	to_proposed(&s, f, FAMILY_FULL, N(FAMILY_FULL));
	cr_assert_eq(decide(&s, MODEL_FAMILY, &f, 1), 0);
	w = reg(&s, &s.assoc, MODEL_FAMILY, 2025, fx_household(s.db, s.v1, "H2",
	    NULL), 0);
	cr_assert_eq(models_withdraw(db, &s.assoc, w, NULL, &err), 0);

	/* As on a database made before migration 0008: no table, then the
	 * migration applied over the registrations already there. */
	cr_assert(db_exec_script(db, "DROP TABLE model_counts;"
	    " DELETE FROM schema_migrations WHERE version = 8", &err) == 0);
	cr_assert(db_migrate(db, NULL, &err) == 0, "%s", err.detail);
	cr_assert(models_counts_check(db, &differ, &err) == 0);
	cr_assert_eq(differ, 0);
	cr_assert_eq(counted(&s, s.v1, MODEL_FAMILY, 0, "recognised"), 1);
	cr_assert_eq(counted(&s, s.v1, MODEL_CITIZEN, 4, "registered"), 1);
	consistent(&s, "migrated");
}

BOTH(models_counts, the_recount_repairs_for_an_administrator_only)
{
	struct scene s;
	struct kh_err err = KH_ERR_INIT;
	int64_t differ = -1, n = 0;

	scene_init(&s, db);
	reg(&s, &s.assoc, MODEL_FAMILY, 2025, fx_household(s.db, s.v1, "H0",
	    NULL), 0);
	reg(&s, &s.assoc, MODEL_FAMILY, 2025, fx_household(s.db, s.v2, "H1",
	    NULL), 0);

	/* Nothing to repair: nothing written, nothing audited. */
	cr_assert(models_counts_rebuild(db, &s.sys, &differ, &err) == 0);
	cr_assert_eq(differ, 0);
	cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'recount'", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 0);

	/* Damaged by hand: one count off (a row on each side of the
	 * comparison), one row missing. */
	cr_assert(db_exec_script(db, "UPDATE model_counts SET registered ="
	    " registered + 5 WHERE model = 'family';", &err) == 0);
	cr_assert(db_exec_args(db, "DELETE FROM model_counts WHERE unit_id = $1",
	    DB_ARGS(DB_INT(s.v2)), NULL, &err) == 0);
	cr_assert(models_counts_check(db, &differ, &err) == 0);
	cr_assert_eq(differ, 3);

	/* Only an administrator of the whole country may recount. */
	cr_assert_eq(models_counts_rebuild(db, &s.mgr, &differ, &err),
	    KH_E_FORBIDDEN);
	cr_assert_eq(models_counts_rebuild(db, &s.admin_c, &differ, &err),
	    KH_E_FORBIDDEN);
	cr_assert(models_counts_check(db, &differ, &err) == 0);
	cr_assert_eq(differ, 3);

	cr_assert(models_counts_rebuild(db, &s.sys, &differ, &err) == 0);
	cr_assert_eq(differ, 3);
	consistent(&s, "recounted");
	cr_assert_eq(counted(&s, s.v2, MODEL_FAMILY, 0, "registered"), 1);
	cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'recount' AND entity = 'model_counts'", DB_NOARGS, &n,
	    &err) == 0);
	cr_assert_eq(n, 1);
}
