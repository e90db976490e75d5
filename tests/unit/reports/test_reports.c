/*
 * Reports on a database with the real administrative units, on SQLite and on
 * PostgreSQL: periods and forms, the workflow of one unit's report with every
 * refusal (bad values, broken rules, wrong role, wrong scope, after lock),
 * known figures filled in with their source, consolidation with totals
 * computed by hand under both structures (a whole merge, a partial merge
 * with the default and with the administrator's share, new -> old), and
 * indicators against their targets.
 *
 * The scene: Hải Phòng. Before 1 July 2025 Phường Hàng Kênh (11395, Quận Lê
 * Chân 305) went whole into the new Phường Lê Chân (11383); Phường Cầu Đất
 * (11344, Quận Ngô Quyền 304) was split between the new Phường Gia Viên
 * (11359) and Lê Chân. The new Xã Hùng Thắng (11809) was formed from the
 * whole of the old communes 11809 and 11821.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "core/buf.h"
#include "reports/reports.h"
#include "reports/reports_impl.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

struct world {
	struct db *db;
	struct actor sys;
};

#define OLD(w, code) fx_unit((w)->db, &(w)->sys, code, UNITS_OLD_STRUCTURE_TO)
#define NEW(w, code) fx_unit((w)->db, &(w)->sys, code, UNITS_NEW_STRUCTURE_FROM)

static void
world_init(struct world *w, struct db *db)
{
	struct report_load_stats st;
	struct kh_err err = KH_ERR_INIT;

	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	memset(w, 0, sizeof(*w));
	w->db = db;
	cr_assert(auth_system_actor(db, &w->sys, &err) == 0);
	cr_assert(reports_forms_load(db, &w->sys, "data/reports", &st, &err) == 0,
	    "forms: %s %s %s", err.msg ? err.msg : "", err.arg, err.detail);
	cr_assert_eq(st.loaded, 4);
	cr_assert(reports_indicators_load(db, &w->sys, "data/indicators", &st,
	    &err) == 0, "indicators: %s %s", err.msg ? err.msg : "", err.arg);
	cr_assert_eq(st.loaded, 6);
}

/* Save values "a=1;b=2" as the actor; returns the report's id. */
static int64_t
save_as(struct world *w, const struct actor *a, const char *form,
    int64_t unit, const char *period, const char *values, size_t *n_problems)
{
	struct report_value_in vals[40];
	struct report_problems probs;
	struct kh_err err = KH_ERR_INIT;
	char *copy = strdup(values), *save = NULL, *tok;
	size_t n = 0;
	int64_t id = 0;

	for (tok = strtok_r(copy, ";", &save); tok != NULL;
	    tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');

		cr_assert(eq != NULL && n < 40);
		*eq = '\0';
		vals[n].field = tok;
		vals[n].raw = eq + 1;
		n++;
	}
	cr_assert(reports_save(w->db, a, form, unit, period, vals, n, &id, &probs,
	    &err) == 0, "save %s: %s %s %s", values, err.msg ? err.msg : "",
	    err.arg, err.detail);
	if (n_problems != NULL)
		*n_problems = probs.n;
	else
		cr_assert_eq(probs.n, 0, "%s: %s (%s)", values, probs.n ?
		    probs.items[0].msg : "", probs.n ? probs.items[0].arg : "");
	report_problems_cleanup(&probs);
	free(copy);
	return id;
}

/* Save, submit and approve as the system actor. */
static int64_t
approved(struct world *w, const char *form, int64_t unit, const char *period,
    const char *values)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t id = save_as(w, &w->sys, form, unit, period, values, NULL);

	cr_assert(reports_submit(w->db, &w->sys, id, NULL, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	cr_assert(reports_approve(w->db, &w->sys, id, NULL, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	return id;
}

static const struct report_row *
row_of(const struct report_consolidated *c, const char *code)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->rows[i].unit_code, code) == 0)
			return &c->rows[i];
	cr_assert_fail("no row for %s", code);
	return NULL;
}

static int64_t
val(const struct report_consolidated *c, const char *code, const char *field)
{
	const struct report_row *r = row_of(c, code);
	int k = reports_form_field(&c->form, field);

	cr_assert(k >= 0, "field %s", field);
	cr_assert(r->has[k], "%s has no %s", code, field);
	return r->values[k];
}

static void
consolidate(struct world *w, const char *form, const char *unit,
    const char *period, const char *structure, struct report_consolidated *c)
{
	struct kh_err err = KH_ERR_INIT;

	cr_assert(reports_consolidate(w->db, &w->sys, form, unit, period,
	    structure, c, &err) == 0, "consolidate %s %s %s: %s %s", unit, period,
	    structure, err.msg ? err.msg : "", err.arg);
}

static const char *
state_of(struct world *w, int64_t id)
{
	static char state[16];
	struct report_submission s;
	struct kh_err err = KH_ERR_INIT;

	cr_assert(reports_get(w->db, &w->sys, id, &s, &err) == 0);
	snprintf(state, sizeof(state), "%s", s.state);
	report_submission_cleanup(&s);
	return state;
}

/* ---- Periods and forms (no database) ---- */

Test(reports_period, syntax)
{
	struct report_period p;
	struct kh_err err = KH_ERR_INIT;

	cr_assert(reports_period_parse("2025", &p, &err) == 0);
	cr_expect_str_eq(p.from, "2025-01-01");
	cr_expect_str_eq(p.to, "2025-12-31");
	cr_expect_str_eq(p.kind, "year");
	cr_assert(reports_period_parse("2025-q3", &p, &err) == 0);
	cr_expect_str_eq(p.code, "2025-Q3");
	cr_expect_str_eq(p.from, "2025-07-01");
	cr_expect_str_eq(p.to, "2025-09-30");
	cr_assert(reports_period_parse("2023-KH", &p, &err) == 0);
	cr_expect_str_eq(p.from, "2023-09-02");
	cr_expect_str_eq(p.to, "2023-10-02");
	cr_expect_str_eq(p.kind, "month");
	cr_assert(reports_period_parse("2023-HTSĐ", &p, &err) == 0);
	cr_expect_str_eq(p.code, "2023-LLW");
	cr_expect_str_eq(p.to, "2023-10-07");
	cr_assert(reports_period_parse("02/09/2023..2023-10-02", &p, &err) == 0);
	cr_expect_str_eq(p.code, "2023-09-02..2023-10-02");
	cr_expect_eq(p.year, 2023);
	cr_expect_eq(reports_period_parse("2023-Q5", &p, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "period");
	cr_expect_eq(reports_period_parse("2023-10-02..2023-09-02", &p, &err),
	    KH_E_INVALID);
	cr_expect_eq(reports_period_parse("", &p, &err), KH_E_INVALID);
	cr_expect_eq(reports_period_parse("năm nay", &p, &err), KH_E_INVALID);
}

Test(reports_form, breakdowns_rules_and_errors)
{
	static const char ok[] = "{\"code\": \"t\", \"title_vi\": \"T\","
	    " \"title_en\": \"T\", \"period_kind\": \"year\", \"sections\": [{"
	    "\"code\": \"I\", \"fields\": ["
	    "{\"code\": \"reg\", \"kind\": \"int\", \"breakdown\": \"model\","
	    " \"title_vi\": \"Đăng ký\", \"title_en\": \"Registered\"},"
	    "{\"code\": \"rec\", \"kind\": \"int\", \"breakdown\": \"model\","
	    " \"title_vi\": \"Công nhận\", \"title_en\": \"Recognised\"},"
	    "{\"code\": \"rate\", \"kind\": \"pct\", \"breakdown\": \"model\","
	    " \"num\": \"rec.*\", \"den\": \"reg.*\", \"title_vi\": \"Tỷ lệ\","
	    " \"title_en\": \"Rate\"}]}],"
	    " \"rules\": [{\"left\": \"rec.*\", \"op\": \"<=\", \"right\": \"reg.*\"}]}";
	struct report_form f;
	struct kh_err err = KH_ERR_INIT;
	int k;

	cr_assert(reports_form_parse(ok, &f, &err) == 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_expect_eq(f.n_fields, 15);
	cr_expect_eq(f.n_rules, 5);
	k = reports_form_field(&f, "rate.clan");
	cr_assert(k >= 0);
	cr_expect_str_eq(f.fields[k].num, "rec.clan");
	cr_expect_str_eq(f.fields[k].den, "reg.clan");
	cr_expect_str_eq(f.fields[reports_form_field(&f, "reg.family")].model,
	    "family");
	cr_expect_str_eq(f.fields[reports_form_field(&f, "rec.unit")].title_vi,
	    "Công nhận: Đơn vị học tập");
	report_form_cleanup(&f);

	cr_expect_eq(reports_form_parse("{\"code\": \"t\", \"title_vi\": \"T\","
	    " \"title_en\": \"T\", \"period_kind\": \"year\", \"sections\": [{"
	    "\"fields\": [{\"code\": \"a\", \"kind\": \"float\", \"title_vi\":"
	    " \"A\", \"title_en\": \"A\"}]}]}", &f, &err), KH_E_INVALID);
	cr_expect_str_eq(err.arg, "a");
	cr_expect_eq(reports_form_parse("{\"code\": \"t\", \"title_vi\": \"T\","
	    " \"title_en\": \"T\", \"period_kind\": \"year\", \"sections\": [{"
	    "\"fields\": [{\"code\": \"a\", \"kind\": \"int\", \"title_vi\":"
	    " \"A\", \"title_en\": \"A\"}]}], \"rules\": [{\"left\": \"a\","
	    " \"op\": \"<=\", \"right\": \"b\"}]}", &f, &err), KH_E_INVALID);
	cr_expect_str_eq(err.arg, "b");
	cr_expect_eq(reports_form_parse("{not json", &f, &err), KH_E_INVALID);
}

Test(reports_form, typed_values)
{
	struct report_field fi = {.code = "n", .kind = RF_INT, .title_vi = "N"};
	struct report_field fm = {.code = "m", .kind = RF_MONEY, .title_vi = "M"};
	struct report_field fp = {.code = "p", .kind = RF_PCT, .title_vi = "P"};
	struct report_field fb = {.code = "b", .kind = RF_BOOL, .title_vi = "B"};
	int64_t v;
	bool has;

	cr_expect_null(reports_value_parse(&fi, " 1250 ", &v, &has));
	cr_expect(has && v == 1250);
	cr_expect_null(reports_value_parse(&fi, "", &v, &has));
	cr_expect(!has);
	cr_expect_not_null(reports_value_parse(&fi, "-3", &v, &has));
	cr_expect_not_null(reports_value_parse(&fi, "12a", &v, &has));
	cr_expect_not_null(reports_value_parse(&fi, "1.5", &v, &has));
	cr_expect_null(reports_value_parse(&fm, "1.500.000", &v, &has));
	cr_expect_eq(v, 1500000);
	cr_expect_null(reports_value_parse(&fm, "1 500 000", &v, &has));
	cr_expect_eq(v, 1500000);
	cr_expect_not_null(reports_value_parse(&fm, "1.50.000", &v, &has));
	cr_expect_null(reports_value_parse(&fp, "27,5", &v, &has));
	cr_expect_eq(v, 2750);
	cr_expect_null(reports_value_parse(&fp, "27.5 %", &v, &has));
	cr_expect_eq(v, 2750);
	cr_expect_null(reports_value_parse(&fp, "100", &v, &has));
	cr_expect_not_null(reports_value_parse(&fp, "100,5", &v, &has));
	cr_expect_not_null(reports_value_parse(&fp, "-1", &v, &has));
	cr_expect_null(reports_value_parse(&fb, "Có", &v, &has));
	cr_expect_eq(v, 1);
	cr_expect_null(reports_value_parse(&fb, "không", &v, &has));
	cr_expect(has && v == 0);
	cr_expect_not_null(reports_value_parse(&fb, "có lẽ", &v, &has));
}

/* ---- The workflow ---- */

static bool
has_problem(const struct report_problems *p, const char *field)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].field, field) == 0)
			return true;
	return false;
}

BOTH(reports_flow, submit_return_approve_lock_reopen)
{
	struct world w;
	struct actor off, off_other, mgr_c, city_mgr, city_off, city_view;
	struct report_problems probs;
	struct report_submission s;
	struct report_history h;
	struct kh_err err = KH_ERR_INIT;
	int64_t commune, other, city, id, n_audit = 0;
	size_t np;
	const char *bad = "population=-5;households=abc;members=12a;"
	    "digital_event=có lẽ;fund_raised=1.50.000";
	struct report_value_in pct = {"member_ratio", "30"};

	world_init(&w, db);
	commune = NEW(&w, "11383");
	other = NEW(&w, "11311");
	city = NEW(&w, "31");
	fx_actor(&off, "hkh.lechan", ROLE_OFFICER, commune);
	fx_actor(&off_other, "hkh.hongbang", ROLE_OFFICER, other);
	fx_actor(&mgr_c, "ql.lechan", ROLE_MANAGER, commune);
	fx_actor(&city_mgr, "hkh.haiphong", ROLE_MANAGER, city);
	fx_actor(&city_off, "cb.haiphong", ROLE_OFFICER, city);
	fx_actor(&city_view, "xem.haiphong", ROLE_VIEWER, city);

	/* Bad values are kept as typed and listed, field by field. */
	id = save_as(&w, &off, "yearly", commune, "2025", bad, &np);
	cr_assert_eq(np, 5);
	cr_assert(reports_get(db, &off, id, &s, &err) == 0);
	cr_expect_str_eq(s.state, "draft");
	cr_expect_str_eq(s.values[0].field, "population");
	cr_expect_str_eq(s.values[0].raw, "-5");
	cr_expect(!s.values[0].has_value);
	cr_expect_str_eq(s.values[0].source, "");
	report_submission_cleanup(&s);
	/* A computed percentage cannot be typed; another unit's officer and a
	 * viewer cannot save; nothing is lost. */
	cr_expect_eq(reports_save(db, &off, "yearly", commune, "2025", &pct, 1,
	    NULL, NULL, &err), KH_E_INVALID);
	cr_expect_eq(reports_save(db, &off_other, "yearly", commune, "2025", NULL,
	    0, NULL, NULL, &err), KH_E_FORBIDDEN);
	cr_expect_eq(reports_save(db, &city_view, "yearly", commune, "2025", NULL,
	    0, NULL, NULL, &err), KH_E_FORBIDDEN);
	cr_expect_eq(reports_save(db, &off, "yearly", commune, "2025-KH", NULL, 0,
	    NULL, NULL, &err), KH_E_INVALID);
	cr_expect_eq(reports_save(db, &w.sys, "clc", city, "2025", NULL, 0, NULL,
	    NULL, &err), KH_E_INVALID);
	/* Submitting with problems is refused; the report stays a draft. */
	cr_expect_eq(reports_submit(db, &off, id, &probs, &err), KH_E_INVALID);
	cr_expect(has_problem(&probs, "population"));
	cr_expect(has_problem(&probs, "digital_event"));
	report_problems_cleanup(&probs);
	cr_expect_str_eq(state_of(&w, id), "draft");
	/* A broken rule: more members than people. */
	save_as(&w, &off, "yearly", commune, "2025", "population=1000;"
	    "households=300;members=1200;digital_event=có;fund_raised=1.500.000",
	    &np);
	cr_expect_eq(np, 1);
	cr_expect_eq(reports_submit(db, &off, id, &probs, &err), KH_E_INVALID);
	cr_expect(has_problem(&probs, "members"));
	report_problems_cleanup(&probs);
	save_as(&w, &off, "yearly", commune, "2025", "members=275", NULL);
	cr_assert(reports_submit(db, &off, id, &probs, &err) == 0, "%s",
	    err.msg ? err.msg : "");
	report_problems_cleanup(&probs);
	cr_assert(reports_get(db, &off, id, &s, &err) == 0);
	cr_expect_str_eq(s.state, "submitted");
	cr_expect_eq(s.approver_unit_id, city, "after 1 July 2025 the province"
	    " approves");
	cr_expect_str_eq(s.submitted_on, "2025-11-20");
	report_submission_cleanup(&s);
	/* Submitted: no more changes by the commune. */
	cr_expect_eq(reports_save(db, &off, "yearly", commune, "2025",
	    &(struct report_value_in){"members", "280"}, 1, NULL, NULL, &err),
	    KH_E_CONFLICT);
	/* Who decides: not the commune, not an officer, not a neighbour. */
	cr_expect_eq(reports_approve(db, &off, id, NULL, &err), KH_E_FORBIDDEN);
	cr_expect_eq(reports_approve(db, &mgr_c, id, NULL, &err), KH_E_FORBIDDEN);
	cr_expect_eq(reports_approve(db, &city_off, id, NULL, &err),
	    KH_E_FORBIDDEN);
	fx_actor(&off_other, "ql.hongbang", ROLE_MANAGER, other);
	cr_expect_eq(reports_approve(db, &off_other, id, NULL, &err),
	    KH_E_FORBIDDEN);
	/* Returned with a comment (required), corrected, resubmitted. */
	cr_expect_eq(reports_return(db, &city_mgr, id, "  ", &err), KH_E_INVALID);
	cr_assert(reports_return(db, &city_mgr, id, "Kiểm tra lại số hội viên",
	    &err) == 0);
	cr_expect_str_eq(state_of(&w, id), "returned");
	save_as(&w, &off, "yearly", commune, "2025", "members=280", NULL);
	cr_assert(reports_submit(db, &off, id, NULL, &err) == 0);
	cr_assert(reports_approve(db, &city_mgr, id, "Đạt", &err) == 0);
	cr_expect_str_eq(state_of(&w, id), "approved");
	/* Locked. */
	cr_expect_eq(reports_save(db, &off, "yearly", commune, "2025",
	    &(struct report_value_in){"members", "290"}, 1, NULL, NULL, &err),
	    KH_E_CONFLICT);
	cr_expect_eq(reports_submit(db, &off, id, NULL, &err), KH_E_CONFLICT);
	cr_expect_eq(reports_evidence_add(db, &off, id, "a.pdf", "application/pdf",
	    "%PDF", 4, NULL, &err), KH_E_CONFLICT);
	cr_expect_eq(reports_return(db, &city_mgr, id, "x", &err), KH_E_CONFLICT);
	/* Reopening is the higher level's recorded decision. */
	cr_expect_eq(reports_reopen(db, &mgr_c, id, "Sửa", &err), KH_E_FORBIDDEN);
	cr_expect_eq(reports_reopen(db, &city_mgr, id, "", &err), KH_E_INVALID);
	cr_assert(reports_reopen(db, &city_mgr, id, "Bổ sung số liệu quỹ", &err)
	    == 0);
	cr_expect_str_eq(state_of(&w, id), "returned");
	cr_assert(reports_evidence_add(db, &off, id, "bien-ban.pdf",
	    "application/pdf", "%PDF-1.4", 8, NULL, &err) == 0);
	cr_assert(reports_get(db, &off, id, &s, &err) == 0);
	cr_expect_eq(s.n_evidence, 1);
	cr_expect_str_eq(s.comment, "Bổ sung số liệu quỹ");
	cr_expect_str_eq(s.values[0].raw, "1000");
	report_submission_cleanup(&s);
	cr_assert(reports_history(db, &off, id, &h, &err) == 0);
	cr_assert_eq(h.n, 6);
	cr_expect_str_eq(h.items[0].action, "create");
	cr_expect_str_eq(h.items[1].action, "submit");
	cr_expect_str_eq(h.items[2].action, "return");
	cr_expect_str_eq(h.items[2].comment, "Kiểm tra lại số hội viên");
	cr_expect_str_eq(h.items[4].action, "approve");
	cr_expect_str_eq(h.items[5].action, "reopen");
	cr_expect_str_eq(h.items[5].actor, "hkh.haiphong");
	report_history_cleanup(&h);
	/* Every step is in the audit log. */
	{
		char idstr[24];

		snprintf(idstr, sizeof(idstr), "%lld", (long long)id);
		cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
		    " entity = 'report' AND entity_id = $1", DB_ARGS(DB_TEXT(idstr)),
		    &n_audit, &err) == 0);
		/* create, 4 saves, 2 submits, return, approve, reopen, attach */
		cr_expect_eq(n_audit, 11, "%lld", (long long)n_audit);
		cr_assert(db_query_int(db, "SELECT count(*) FROM audit_log WHERE"
		    " entity = 'report' AND entity_id = $1 AND action = 'reopen'"
		    " AND actor = 'hkh.haiphong'", DB_ARGS(DB_TEXT(idstr)), &n_audit,
		    &err) == 0);
		cr_expect_eq(n_audit, 1);
	}
}

BOTH(reports_flow, district_approves_before_july_2025)
{
	struct world w;
	struct actor off, dist_mgr, other_dist_mgr, city_mgr;
	struct report_status_list l;
	struct report_submission s;
	struct kh_err err = KH_ERR_INIT;
	int64_t commune, id;

	world_init(&w, db);
	commune = OLD(&w, "11395");
	fx_actor(&off, "hkh.hangkenh", ROLE_OFFICER, commune);
	fx_actor(&dist_mgr, "hkh.q.lechan", ROLE_MANAGER, OLD(&w, "305"));
	fx_actor(&other_dist_mgr, "hkh.q.ngoquyen", ROLE_MANAGER, OLD(&w,
	    "304"));
	fx_actor(&city_mgr, "hkh.haiphong", ROLE_MANAGER, NEW(&w, "31"));
	cr_assert(reports_assign(db, &w.sys, "study-month", "commune", "2023-KH",
	    "2023-10-10", &err) == 0);
	setenv("KHUYENHOC_TODAY", "2023-10-12", 1);
	id = save_as(&w, &off, "study-month", commune, "2023-KH", "events=3;"
	    "population=1000;members=200", NULL);
	cr_assert(reports_submit(db, &off, id, NULL, &err) == 0);
	cr_assert(reports_get(db, &off, id, &s, &err) == 0);
	cr_expect_eq(s.approver_unit_id, OLD(&w, "305"));
	cr_expect(s.late, "submitted after the deadline of 10/10");
	cr_expect_str_eq(s.deadline, "2023-10-10");
	report_submission_cleanup(&s);
	cr_expect_eq(reports_approve(db, &other_dist_mgr, id, NULL, &err),
	    KH_E_FORBIDDEN);
	cr_assert(reports_approve(db, &dist_mgr, id, NULL, &err) == 0);
	/* The new city reopens what an old district approved. */
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	cr_assert(reports_reopen(db, &city_mgr, id, "Rà soát sau sáp nhập", &err)
	    == 0);
	/* Completeness of Quận Lê Chân: one late report, the others missing. */
	cr_assert(reports_completeness(db, &w.sys, "study-month", "305", "2023-KH",
	    "old", &l, &err) == 0, "%s", err.msg ? err.msg : "");
	cr_expect_gt(l.expected, 5);
	cr_expect_eq(l.submitted, 0, "a reopened report is not submitted");
	cr_expect_eq(l.missing, l.expected);
	cr_expect_eq(l.late, l.expected - 1, "the district itself has no"
	    " deadline: %d of %d", l.late, l.expected);
	cr_expect_str_eq(l.deadline, "2023-10-10");
	report_status_list_cleanup(&l);
	cr_assert(reports_submit(db, &off, id, NULL, &err) == 0);
	cr_assert(reports_completeness(db, &w.sys, "study-month", "305", "2023-KH",
	    "old", &l, &err) == 0);
	cr_expect_eq(l.submitted, 1);
	cr_expect_eq(l.missing, l.expected - 1);
	report_status_list_cleanup(&l);
}

/* The form's default deadline (MM-DD) falls in the period's own year: the
 * yearly report of 2024 is due on 15/12/2024, not a year later; only a
 * day before the period begins moves to the next year. */
BOTH(reports_flow, default_deadline_in_the_period_year)
{
	struct world w;
	struct kh_err err = KH_ERR_INIT;
	char *dl = NULL;

	world_init(&w, db);
	cr_assert(reports_assign(db, &w.sys, "yearly", "commune", "2024", NULL,
	    &err) == 0, "%s", err.msg ? err.msg : "");
	cr_assert(db_query_text(db, "SELECT a.deadline FROM report_assignments a"
	    " JOIN report_forms f ON f.id = a.form_id WHERE f.code = 'yearly'"
	    " AND a.period = '2024' AND a.unit_kind = 'commune'", DB_NOARGS, &dl,
	    &err) == 0);
	cr_expect_str_eq(dl, "2024-12-15");
	free(dl);
	dl = NULL;
	/* A deadline given by hand wins over the default. */
	cr_assert(reports_assign(db, &w.sys, "yearly", "district", "2024",
	    "2025-01-10", &err) == 0);
	cr_assert(db_query_text(db, "SELECT a.deadline FROM report_assignments a"
	    " JOIN report_forms f ON f.id = a.form_id WHERE f.code = 'yearly'"
	    " AND a.period = '2024' AND a.unit_kind = 'district'", DB_NOARGS,
	    &dl, &err) == 0);
	cr_expect_str_eq(dl, "2025-01-10");
	free(dl);
}

BOTH(reports_flow, known_figures_filled_with_their_source)
{
	struct world w;
	struct report_submission s;
	struct unit_input vin = {"11383-T01", "Tổ dân phố số 1", "village",
	    "2025-07-01", NULL, "", ""};
	struct unit_input bin = {"11383-BKH1", "Ban khuyến học Trường THCS",
	    "board", "2025-09-01", NULL, "", ""};
	struct unit v = UNIT_INIT, b = UNIT_INIT;
	struct kh_err err = KH_ERR_INIT;
	int64_t commune, id, hh;
	int k;

	world_init(&w, db);
	commune = NEW(&w, "11383");
	cr_assert(units_create_org(db, &w.sys, commune, &vin, &v, &err) == 0);
	cr_assert(units_create_org(db, &w.sys, v.id, &bin, &b, &err) == 0);
	for (k = 0; k < 3; k++) {
		char code[16];

		snprintf(code, sizeof(code), "H%d", k);
		cr_assert(db_query_int(db, "INSERT INTO households (unit_id, code,"
		    " valid_from, created_at, updated_at) VALUES ($1, $2,"
		    " '2025-01-01', 'x', 'x') RETURNING id", DB_ARGS(DB_INT(v.id),
		    DB_TEXT(code)), &hh, &err) == 0);
		cr_assert(db_exec_args(db, "INSERT INTO people (unit_id,"
		    " household_id, full_name, name_key, sort_key, sex, valid_from,"
		    " created_at, updated_at) VALUES ($1, $2, 'A', 'a', $3, $4,"
		    " '2025-01-01', 'x', 'x')", DB_ARGS(DB_INT(v.id), DB_INT(hh),
		    DB_BLOB("a", 1), DB_TEXT(k == 0 ? "M" : "F")), NULL, &err) == 0,
		    "%s", err.detail);
	}
	id = save_as(&w, &w.sys, "yearly", commune, "2025", "members=1", NULL);
	cr_assert(reports_get(db, &w.sys, id, &s, &err) == 0);
	for (size_t i = 0; i < s.n_values; i++) {
		const struct report_value *x = &s.values[i];

		if (strcmp(x->field, "population") == 0) {
			cr_expect_eq(x->value, 3);
			cr_expect_str_eq(x->source, "population");
		} else if (strcmp(x->field, "pop.f") == 0) {
			cr_expect_eq(x->value, 2);
		} else if (strcmp(x->field, "households") == 0) {
			cr_expect_eq(x->value, 3);
			cr_expect_str_eq(x->source, "households");
		} else if (strcmp(x->field, "boards") == 0 ||
		    strcmp(x->field, "boards_new") == 0) {
			cr_expect_eq(x->value, 1, "%s", x->field);
			cr_expect_str_eq(x->source, x->field);
		} else if (strcmp(x->field, "members") == 0) {
			cr_expect_str_eq(x->raw, "1");
			cr_expect_str_eq(x->source, "", "typed by hand");
		} else if (strcmp(x->field, "member_ratio") == 0) {
			cr_expect_str_eq(x->raw, "33.33", "1 of 3 people");
		} else if (strcmp(x->field, "reg.family") == 0) {
			cr_expect(x->has_value && x->value == 0);
			cr_expect_str_eq(x->source, "registrations");
		}
	}
	report_submission_cleanup(&s);
	unit_cleanup(&v);
	unit_cleanup(&b);
}

/* ---- Consolidation across the restructuring ---- */

/* 2023 Study Encouragement Month, recorded under the old communes. */
static void
old_month_reports(struct world *w)
{
	setenv("KHUYENHOC_TODAY", "2023-10-05", 1);
	approved(w, "study-month", OLD(w, "11395"), "2023-KH",
	    "events=4;participants=1000;population=1000;members=300;boards_new=6");
	approved(w, "study-month", OLD(w, "11344"), "2023-KH",
	    "events=5;participants=999;population=3000;members=100;boards_new=11");
	/* Submitted but never approved: not counted. */
	{
		struct kh_err err = KH_ERR_INIT;
		int64_t id = save_as(w, &w->sys, "study-month", OLD(w, "11371"),
		    "2023-KH", "events=100", NULL);

		cr_assert(reports_submit(w->db, &w->sys, id, NULL, &err) == 0);
	}
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
}

BOTH(reports_consolidate, old_structure_sums_and_recomputes)
{
	struct world w;
	struct report_consolidated c;

	world_init(&w, db);
	old_month_reports(&w);
	consolidate(&w, "study-month", "31", "2023-KH", NULL, &c);
	cr_expect_str_eq(c.structure, "old", "2023 is under the old structure");
	cr_expect(c.rows[0].total);
	cr_expect_eq(val(&c, "31", "events"), 9);
	cr_expect_eq(val(&c, "31", "participants"), 1999);
	cr_expect_eq(val(&c, "305", "events"), 4);
	cr_expect_eq(val(&c, "304", "events"), 5);
	/* 400 members of 4000 people: 10 %, not 30 % + 3.33 %. */
	cr_expect_eq(val(&c, "31", "member_ratio"), 1000);
	cr_expect_eq(val(&c, "305", "member_ratio"), 3000);
	cr_expect_eq(val(&c, "304", "member_ratio"), 333);
	cr_expect_eq(row_of(&c, "31")->n_reports, 2);
	cr_expect(!row_of(&c, "31")->share_applied);
	cr_expect(!row_of(&c, "303")->has[reports_form_field(&c.form, "events")]);
	report_consolidated_cleanup(&c);
	/* A commune's own report. */
	consolidate(&w, "study-month", "11395", "2023-KH", "old", &c);
	cr_expect_eq(c.n, 1);
	cr_expect(c.rows[0].own);
	cr_expect_eq(val(&c, "11395", "participants"), 1000);
	report_consolidated_cleanup(&c);
}

BOTH(reports_consolidate, old_to_new_whole_and_partial_merges)
{
	struct world w;
	struct report_consolidated c;
	struct kh_err err = KH_ERR_INIT;
	const struct report_row *r;

	world_init(&w, db);
	old_month_reports(&w);
	/* Default rule: Cầu Đất split equally between its two successors. */
	consolidate(&w, "study-month", "31", "2023-KH", "new", &c);
	cr_expect_eq(val(&c, "31", "events"), 9, "the same total in both"
	    " structures");
	cr_expect_eq(val(&c, "31", "participants"), 1999);
	cr_expect_eq(val(&c, "11383", "participants") +
	    val(&c, "11359", "participants"), 1999);
	cr_expect_eq(val(&c, "11383", "participants"), 1000 + 499 +
	    (val(&c, "11383", "participants") == 1500));
	cr_expect(row_of(&c, "11383")->share_applied);
	cr_expect(row_of(&c, "11359")->share_applied);
	cr_expect(row_of(&c, "31")->share_applied);
	cr_expect_not_null(strstr(row_of(&c, "11359")->share_note, "11344: 50%"),
	    "%s", row_of(&c, "11359")->share_note);
	report_consolidated_cleanup(&c);
	/* The administrator's share: 60 % of Cầu Đất to Lê Chân. */
	cr_expect_eq(reports_share_set(db, &w.sys, "11344", "11383", 12000, "",
	    &err), KH_E_INVALID);
	cr_expect_eq(reports_share_set(db, &w.sys, "11344", "11311", 5000, "",
	    &err), KH_E_INVALID, "not a successor");
	cr_assert(reports_share_set(db, &w.sys, "11344", "11383", 6000,
	    "Theo dân số các tổ dân phố chuyển sang", &err) == 0, "%s",
	    err.msg ? err.msg : "");
	consolidate(&w, "study-month", "31", "2023-KH", "new", &c);
	/* events 5 -> 3 / 2; participants 999 -> 599.4 / 399.6 -> 599 / 400
	 * (largest remainder); members 100 -> 60 / 40; population 3000 ->
	 * 1800 / 1200. */
	cr_expect_eq(val(&c, "11383", "events"), 4 + 3);
	cr_expect_eq(val(&c, "11359", "events"), 2);
	cr_expect_eq(val(&c, "11383", "participants"), 1000 + 599);
	cr_expect_eq(val(&c, "11359", "participants"), 400);
	cr_expect_eq(val(&c, "11383", "members"), 360);
	cr_expect_eq(val(&c, "11383", "population"), 2800);
	cr_expect_eq(val(&c, "11383", "member_ratio"), 1286, "360 / 2800");
	cr_expect_eq(val(&c, "31", "member_ratio"), 1000);
	cr_expect_eq(val(&c, "31", "boards_new"), 17);
	r = row_of(&c, "11383");
	cr_expect_not_null(strstr(r->share_note, "11344: 60%"), "%s",
	    r->share_note);
	cr_expect_null(strstr(r->share_note, "11395"), "a whole merge is not a"
	    " share");
	cr_expect(!row_of(&c, "11311")->share_applied);
	report_consolidated_cleanup(&c);
	/* Only administrators set shares. */
	{
		struct actor mgr;

		fx_actor(&mgr, "ql", ROLE_MANAGER, NEW(&w, "31"));
		cr_expect_eq(reports_share_set(db, &mgr, "11344", "11383", 5000, "",
		    &err), KH_E_FORBIDDEN);
	}
	/* A code that is not in the structure. */
	cr_expect_eq(reports_consolidate(db, &w.sys, "study-month", "305",
	    "2023-KH", "new", &c, &err), KH_E_NOT_FOUND);
}

BOTH(reports_consolidate, new_to_old_and_own_reports_win)
{
	struct world w;
	struct report_consolidated c;
	int64_t a, b;

	world_init(&w, db);
	/* 2025, recorded under the new Xã Hùng Thắng (from 11809 and 11821). */
	approved(&w, "yearly", NEW(&w, "11809"), "2025", "population=11;"
	    "households=5;members=3");
	consolidate(&w, "yearly", "31", "2025", "old", &c);
	a = val(&c, "315", "population");	/* Huyện Tiên Lãng */
	cr_expect_eq(a, 11);
	cr_expect_eq(val(&c, "31", "population"), 11);
	cr_expect(row_of(&c, "315")->share_applied);
	report_consolidated_cleanup(&c);
	consolidate(&w, "yearly", "315", "2025", "old", &c);
	a = val(&c, "11809", "population");
	b = val(&c, "11821", "population");
	cr_expect_eq(a + b, 11);
	cr_expect((a == 6 && b == 5) || (a == 5 && b == 6), "%lld/%lld",
	    (long long)a, (long long)b);
	report_consolidated_cleanup(&c);

	/* A district's own approved report replaces the sum of its communes
	 * in the old structure. */
	old_month_reports(&w);
	setenv("KHUYENHOC_TODAY", "2023-10-05", 1);
	approved(&w, "study-month", OLD(&w, "305"), "2023-KH", "events=50;"
	    "participants=7000;population=90000;members=25000");
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	consolidate(&w, "study-month", "31", "2023-KH", "old", &c);
	cr_expect_eq(val(&c, "305", "events"), 50);
	cr_expect(row_of(&c, "305")->own);
	cr_expect_eq(val(&c, "31", "events"), 55);
	cr_expect_eq(val(&c, "31", "members"), 25100);
	report_consolidated_cleanup(&c);
}

/*
 * The whole country, where the reports are summed per place (the row a
 * figure reaches) rather than node by node: the same hand-computed totals
 * in both structures, a partial merge whose pieces land in one row (the
 * country's row of Hải Phòng) or in two (the province's wards), and a
 * district's own report that hides its communes' in the old structure.
 * Phường Phúc Xá (00001, Hà Nội) went whole into Phường Ba Đình (00097).
 */
BOTH(reports_consolidate, country_rows_by_place_in_both_structures)
{
	struct world w;
	struct report_consolidated c, p;
	struct kh_err err = KH_ERR_INIT;

	world_init(&w, db);
	old_month_reports(&w);
	setenv("KHUYENHOC_TODAY", "2023-10-05", 1);
	approved(&w, "study-month", OLD(&w, "00001"), "2023-KH",
	    "events=7;participants=70;population=700;members=7;boards_new=1");
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);

	/* Old structure, as recorded: a row per province. */
	consolidate(&w, "study-month", "VN", "2023-KH", "old", &c);
	cr_expect_str_eq(c.rows[0].unit_code, "VN");
	cr_expect(c.rows[0].total);
	cr_expect_eq(val(&c, "VN", "events"), 4 + 5 + 7);
	cr_expect_eq(val(&c, "VN", "participants"), 1000 + 999 + 70);
	cr_expect_eq(val(&c, "31", "participants"), 1999);
	cr_expect_eq(val(&c, "01", "participants"), 70);
	/* 407 members of 4700 people: 8.66 %. */
	cr_expect_eq(val(&c, "VN", "member_ratio"), 866);
	cr_expect_eq(row_of(&c, "VN")->n_reports, 3);
	cr_expect_eq(row_of(&c, "31")->n_reports, 2);
	cr_expect(!row_of(&c, "VN")->share_applied);
	cr_expect(!row_of(&c, "02")->has[reports_form_field(&c.form,
	    "events")]);
	report_consolidated_cleanup(&c);

	/* New structure, restated: Cầu Đất's two pieces both land in the
	 * row of Hải Phòng, whose total is exact whatever the rounding. */
	consolidate(&w, "study-month", "VN", "2023-KH", "new", &c);
	cr_expect_str_eq(c.structure, "new");
	cr_expect_eq(val(&c, "VN", "participants"), 2069);
	cr_expect_eq(val(&c, "31", "participants"), 1999);
	cr_expect_eq(val(&c, "01", "participants"), 70);
	cr_expect_eq(val(&c, "VN", "boards_new"), 6 + 11 + 1);
	/* Cầu Đất's report counts in each ward it reached. */
	cr_expect_eq(row_of(&c, "VN")->n_reports, 4, "%d",
	    row_of(&c, "VN")->n_reports);
	cr_expect(row_of(&c, "31")->share_applied);
	cr_expect(!row_of(&c, "01")->share_applied, "a whole merge");
	cr_expect_not_null(strstr(row_of(&c, "31")->share_note, "11344: 50%"),
	    "%s", row_of(&c, "31")->share_note);
	report_consolidated_cleanup(&c);

	/* The administrator's 60 %: the province's wards get 599 / 400 (the
	 * pieces land in two rows and are apportioned), the country's row of
	 * Hải Phòng still 1999. */
	cr_assert(reports_share_set(db, &w.sys, "11344", "11383", 6000, "",
	    &err) == 0, "%s", err.msg ? err.msg : "");
	consolidate(&w, "study-month", "31", "2023-KH", "new", &p);
	cr_expect_eq(val(&p, "11383", "participants"), 1000 + 599);
	cr_expect_eq(val(&p, "11359", "participants"), 400);
	cr_expect_eq(val(&p, "31", "participants"), 1999);
	consolidate(&w, "study-month", "VN", "2023-KH", "new", &c);
	cr_expect_eq(val(&c, "31", "participants"), 1999);
	cr_expect_eq(val(&c, "VN", "participants"), 2069);
	cr_expect_eq(val(&c, "31", "members"), val(&p, "31", "members"));
	report_consolidated_cleanup(&c);
	report_consolidated_cleanup(&p);

	/* Quận Ngô Quyền's own report hides Cầu Đất's in the old structure:
	 * Hải Phòng = Lê Chân's commune 4 + Ngô Quyền's own 50 events. */
	setenv("KHUYENHOC_TODAY", "2023-10-05", 1);
	approved(&w, "study-month", OLD(&w, "304"), "2023-KH", "events=50;"
	    "participants=5000;population=9000;members=900;boards_new=2");
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	consolidate(&w, "study-month", "VN", "2023-KH", "old", &c);
	cr_expect_eq(val(&c, "31", "events"), 4 + 50);
	cr_expect_eq(val(&c, "31", "participants"), 1000 + 5000);
	cr_expect_eq(val(&c, "VN", "events"), 4 + 50 + 7);
	cr_expect_eq(val(&c, "VN", "members"), 300 + 900 + 7);
	report_consolidated_cleanup(&c);

	/* 2025, recorded under the new Xã Hùng Thắng, restated to the old
	 * structure: both predecessors are in Huyện Tiên Lãng, so the whole
	 * 11 reach Hải Phòng's row of the country. */
	approved(&w, "yearly", NEW(&w, "11809"), "2025", "population=11;"
	    "households=5;members=3");
	consolidate(&w, "yearly", "VN", "2025", "old", &c);
	cr_expect_eq(val(&c, "VN", "population"), 11);
	cr_expect_eq(val(&c, "31", "population"), 11);
	cr_expect_eq(val(&c, "VN", "households"), 5);
	cr_expect(row_of(&c, "31")->share_applied);
	report_consolidated_cleanup(&c);
	consolidate(&w, "yearly", "VN", "2025", "new", &c);
	cr_expect_eq(val(&c, "VN", "population"), 11);
	cr_expect(row_of(&c, "VN")->own == false);
	report_consolidated_cleanup(&c);
}

/* ---- Indicators ---- */

BOTH(reports_indicators, targets_in_both_structures)
{
	struct world w;
	struct report_indicators l;
	struct kh_err err = KH_ERR_INIT;
	int seen = 0;

	world_init(&w, db);
	setenv("KHUYENHOC_TODAY", "2023-12-10", 1);
	approved(&w, "yearly", OLD(&w, "11395"), "2023", "population=1000;"
	    "households=250;members=300");
	approved(&w, "yearly", OLD(&w, "11344"), "2023", "population=1000;"
	    "households=260;members=250");
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	for (int pass = 0; pass < 2; pass++) {
		cr_assert(reports_indicators(db, &w.sys, "31", "2023", pass ? "new" :
		    "old", &l, &err) == 0, "%s %s", err.msg ? err.msg : "", err.arg);
		for (size_t i = 0; i < l.n; i++) {
			const struct report_indicator_row *r = &l.items[i];

			cr_expect_null(strstr(r->code, "month"), "a yearly period"
			    " shows yearly indicators only");
			if (strcmp(r->code, "member-ratio") != 0 || !r->total)
				continue;
			/* 550 members of 2000 people = 27.5 %: the target is
			 * met, whichever structure. */
			cr_expect_eq(r->numerator, 550);
			cr_expect_eq(r->denominator, 2000);
			cr_expect_eq(r->value_x100, 2750);
			cr_expect(r->has_target);
			cr_expect_eq(r->target_x100, 2750);
			cr_expect_str_eq(r->target_op, ">=");
			cr_expect_eq(r->met, 1);
			cr_expect(r->verified);
			cr_expect_eq(r->share_applied, pass == 1);
			seen++;
		}
		/* The totals alone (a series over the years) are the same
		 * rows as the totals of the full list, in the same order. */
		{
			struct report_indicators t;
			size_t k = 0;

			cr_assert(reports_indicators_totals(db, &w.sys, "31",
			    "2023", pass ? "new" : "old", &t, &err) == 0);
			cr_expect_gt(t.n, 0);
			for (size_t i = 0; i < l.n; i++) {
				if (!l.items[i].total)
					continue;
				cr_assert_lt(k, t.n);
				cr_expect(t.items[k].total);
				cr_expect_str_eq(t.items[k].code, l.items[i].code);
				cr_expect_eq(t.items[k].value_x100,
				    l.items[i].value_x100);
				cr_expect_eq(t.items[k].met, l.items[i].met);
				k++;
			}
			cr_expect_eq(k, t.n, "only the totals");
			cr_expect_lt(t.n, l.n, "no row per child");
			report_indicators_cleanup(&t);
		}
		report_indicators_cleanup(&l);
	}
	cr_expect_eq(seen, 2);

	/* The campaign: >= 10 new boards and >= 1 major event per district. */
	setenv("KHUYENHOC_TODAY", "2023-10-05", 1);
	approved(&w, "study-month", OLD(&w, "11395"), "2023-KH", "boards_new=12;"
	    "events_major=1");
	approved(&w, "study-month", OLD(&w, "11344"), "2023-KH", "boards_new=3;"
	    "events_major=0");
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	cr_assert(reports_indicators(db, &w.sys, "31", "2023-KH", NULL, &l, &err)
	    == 0);
	seen = 0;
	for (size_t i = 0; i < l.n; i++) {
		const struct report_indicator_row *r = &l.items[i];

		if (strcmp(r->code, "boards-new") == 0 && strcmp(r->unit_code,
		    "305") == 0) {
			cr_expect_eq(r->value_x100, 1200);
			cr_expect_eq(r->target_x100, 1000);
			cr_expect_eq(r->met, 1);
			seen++;
		} else if (strcmp(r->code, "boards-new") == 0 &&
		    strcmp(r->unit_code, "304") == 0) {
			cr_expect_eq(r->met, 0);
			seen++;
		} else if (strcmp(r->code, "boards-new") == 0 && r->total) {
			cr_expect(!r->has_target, "the target is per district");
			cr_expect_eq(r->numerator, 15);
			seen++;
		} else if (strcmp(r->code, "major-events") == 0 &&
		    strcmp(r->unit_code, "304") == 0) {
			cr_expect_eq(r->met, 0);
			seen++;
		} else if (strcmp(r->code, "major-events") == 0 &&
		    strcmp(r->unit_code, "303") == 0) {
			cr_expect_eq(r->met, -1, "no report: unknown");
			seen++;
		}
	}
	cr_expect_eq(seen, 5);
	report_indicators_cleanup(&l);
}

/* ---- Organisations' reports ---- */

BOTH(reports_consolidate, organisations_add_up_under_their_commune)
{
	static const char form[] = "{\"code\": \"clc-own\", \"title_vi\":"
	    " \"Báo cáo trung tâm\", \"title_en\": \"Centre report\","
	    " \"period_kind\": \"year\", \"unit_kinds\": [\"clc\", \"commune\"],"
	    " \"sections\": [{\"code\": \"I\", \"fields\": [{\"code\":"
	    " \"classes\", \"kind\": \"int\", \"title_vi\": \"Số lớp\","
	    " \"title_en\": \"Classes\"}]}]}";
	struct unit_input in = {NULL, "Trung tâm học tập cộng đồng", "clc",
	    "2025-07-01", NULL, "", ""};
	struct report_load_stats st;
	struct report_consolidated c;
	struct unit u1 = UNIT_INIT, u2 = UNIT_INIT;
	struct kh_err err = KH_ERR_INIT;
	struct world w;
	char dir[] = "/tmp/kh-test-forms-XXXXXX", *path;
	FILE *f;

	world_init(&w, db);
	cr_assert_not_null(mkdtemp(dir));
	path = xasprintf("%s/clc-own.json", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(form, f);
	fclose(f);
	cr_assert(reports_forms_load(db, &w.sys, dir, &st, &err) == 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	unlink(path);
	rmdir(dir);
	free(path);
	in.code = "11383-TT1";
	cr_assert(units_create_org(db, &w.sys, NEW(&w, "11383"), &in, &u1, &err)
	    == 0);
	in.code = "11383-TT2";
	cr_assert(units_create_org(db, &w.sys, NEW(&w, "11383"), &in, &u2, &err)
	    == 0);
	approved(&w, "clc-own", u1.id, "2025", "classes=7");
	approved(&w, "clc-own", u2.id, "2025", "classes=5");
	consolidate(&w, "clc-own", "31", "2025", "new", &c);
	cr_expect_eq(val(&c, "11383", "classes"), 12);
	cr_expect_eq(val(&c, "31", "classes"), 12);
	cr_expect(!row_of(&c, "11383")->own);
	cr_expect_eq(row_of(&c, "11383")->n_reports, 2);
	report_consolidated_cleanup(&c);
	/* The commune's own report replaces its centres'. */
	approved(&w, "clc-own", NEW(&w, "11383"), "2025", "classes=20");
	consolidate(&w, "clc-own", "31", "2025", "new", &c);
	cr_expect_eq(val(&c, "11383", "classes"), 20);
	cr_expect(row_of(&c, "11383")->own);
	cr_expect_eq(val(&c, "31", "classes"), 20);
	report_consolidated_cleanup(&c);
	unit_cleanup(&u1);
	unit_cleanup(&u2);
}
