/*
 * Forms and targets administered in the browser, on SQLite and PostgreSQL:
 * one form stored from its text (new, unchanged, replaced, refused once a
 * unit has a report on it, refused to a manager and when broken), the
 * directory loader going through the same path, and the targets of an
 * indicator set, replaced and removed with their refusals, read back
 * through reports_indicators as the dashboard reads them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/reports.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

#define FORM_HEAD "{\"code\": \"t-one\", \"title_vi\": \"%s\"," \
	" \"title_en\": \"One\", \"period_kind\": \"year\", \"deadline\":" \
	" \"12-15\", \"unit_kinds\": [\"commune\"], \"sections\": [{\"code\":" \
	" \"I\", \"title_vi\": \"I\", \"title_en\": \"I\", \"fields\": [" \
	"{\"code\": \"reg\", \"kind\": \"int\", \"breakdown\": \"model\"," \
	" \"title_vi\": \"Đăng ký\", \"title_en\": \"Registered\"}," \
	"{\"code\": \"rec\", \"kind\": \"int\", \"breakdown\": \"model\"," \
	" \"title_vi\": \"Công nhận\", \"title_en\": \"Recognised\"}%s]}]," \
	" \"rules\": [{\"left\": \"rec.*\", \"op\": \"<=\", \"right\": \"reg.*\"}]}"

static char *
form_text(const char *title, const char *extra)
{
	char *s = NULL;

	cr_assert(asprintf(&s, FORM_HEAD, title, extra) > 0);
	return s;
}

static int64_t
count(struct db *db, const char *sql, const char *arg)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t n = -1;

	cr_assert(db_query_int(db, sql, DB_ARGS(DB_TEXT(arg)), &n, &err) == 0,
	    "%s: %s", sql, err.msg ? err.msg : "");
	return n;
}

static char *
stored_json(struct db *db, const char *table, const char *code)
{
	struct kh_err err = KH_ERR_INIT;
	char *sql = NULL, *out = NULL;

	cr_assert(asprintf(&sql, "SELECT json FROM %s WHERE code = $1",
	    table) > 0);
	cr_assert(db_query_text(db, sql, DB_ARGS(DB_TEXT(code)), &out,
	    &err) == 0);
	free(sql);
	return out;
}

BOTH(reports_formsadmin, one_form_new_unchanged_replaced_refused)
{
	struct report_load_stats st = {0, 0, 0};
	struct kh_err err = KH_ERR_INIT;
	struct report_form f;
	struct actor sys, mgr;
	char code[48], *v1, *v2, *v3, *bad, *before;
	int64_t commune, sub = 0;

	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	v1 = form_text("Một", "");
	v2 = form_text("Một (sửa)", ", {\"code\": \"note\", \"kind\": \"text\","
	    " \"title_vi\": \"Ghi chú\", \"title_en\": \"Note\"}");
	v3 = form_text("Một (sửa lần hai)", "");
	bad = form_text("Hỏng", ", {\"code\": \"odd\", \"kind\": \"float\","
	    " \"title_vi\": \"Lạ\", \"title_en\": \"Odd\"}");

	/* New. */
	cr_assert(reports_form_store(db, &sys, v1, code, &st, &err) == 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_expect_str_eq(code, "t-one");
	cr_expect_eq(st.loaded, 1);
	cr_assert(reports_form_get(db, &sys, "t-one", &f, &err) == 0);
	cr_expect_eq(f.n_fields, 10);
	cr_expect_str_eq(f.title_vi, "Một");
	report_form_cleanup(&f);
	cr_expect_eq(count(db, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'report_form' AND action = $1", "load"), 1);

	/* The same text: nothing changes, nothing audited. */
	cr_assert(reports_form_store(db, &sys, v1, NULL, &st, &err) == 0);
	cr_expect_eq(st.unchanged, 1);
	cr_expect_eq(count(db, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'report_form' AND action = $1", "load"), 1);

	/* Changed while no unit has a report: replaced, audited. */
	cr_assert(reports_form_store(db, &sys, v2, NULL, &st, &err) == 0);
	cr_expect_eq(st.updated, 1);
	cr_assert(reports_form_get(db, &sys, "t-one", &f, &err) == 0);
	cr_expect_eq(f.n_fields, 11);
	cr_expect_str_eq(f.title_vi, "Một (sửa)");
	report_form_cleanup(&f);
	cr_expect_eq(count(db, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'report_form' AND action = $1", "replace"), 1);

	/* A manager may not; a broken text names its field; nothing
	 * stored. */
	commune = fx_unit(db, &sys, "11383", NULL);
	fx_actor(&mgr, "ql.lechan", ROLE_MANAGER, commune);
	cr_expect_eq(reports_form_store(db, &mgr, v3, NULL, &st, &err),
	    KH_E_FORBIDDEN);
	cr_expect_eq(reports_form_store(db, &sys, bad, NULL, &st, &err),
	    KH_E_INVALID);
	cr_expect_str_eq(err.arg, "odd");
	cr_expect_eq(reports_form_store(db, &sys, "{\"code\": \"t-one\",\n,}",
	    NULL, &st, &err), KH_E_INVALID);
	cr_expect_str_eq(err.arg, "2:1");
	before = stored_json(db, "report_forms", "t-one");
	cr_expect_str_eq(before, v2);

	/* Once a unit has a report on it, a changed text is refused and the
	 * stored form stays; the same text still passes. */
	cr_assert(reports_save(db, &sys, "t-one", commune, "2025", NULL, 0, &sub,
	    NULL, &err) == 0, "%s %s", err.msg ? err.msg : "", err.arg);
	cr_expect_eq(reports_form_store(db, &sys, v3, NULL, &st, &err),
	    KH_E_CONFLICT);
	cr_expect_str_eq(err.arg, "t-one");
	free(before);
	before = stored_json(db, "report_forms", "t-one");
	cr_expect_str_eq(before, v2);
	cr_expect_eq(reports_form_store(db, &sys, v2, NULL, &st, &err), 0);
	cr_expect(!db_in_tx(db), "no transaction left open");

	free(before);
	free(v1);
	free(v2);
	free(v3);
	free(bad);
}

/* The directory loader stores through reports_form_store: a broken file
 * among good ones stores none of them. */
BOTH(reports_formsadmin, directory_loader_all_or_nothing)
{
	struct report_load_stats st;
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	char dir[] = "/tmp/kh-formsadmin-XXXXXX", path[256];
	char *good = form_text("Một", ""), *bad = form_text("Hỏng",
	    ", {\"code\": \"odd\", \"kind\": \"float\", \"title_vi\": \"Lạ\","
	    " \"title_en\": \"Odd\"}");
	FILE *fp;

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.json", dir);
	cr_assert((fp = fopen(path, "w")) != NULL);
	fputs(good, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/b.json", dir);
	cr_assert((fp = fopen(path, "w")) != NULL);
	fputs(bad, fp);
	fclose(fp);
	cr_expect_eq(reports_forms_load(db, &sys, dir, &st, &err), KH_E_INVALID);
	cr_expect_eq(count(db, "SELECT count(*) FROM report_forms WHERE code = $1",
	    "t-one"), 0);
	unlink(path);
	cr_assert(reports_forms_load(db, &sys, dir, &st, &err) == 0);
	cr_expect_eq(st.loaded, 1);
	cr_assert(reports_forms_load(db, &sys, dir, &st, &err) == 0);
	cr_expect_eq(st.unchanged, 1);
	cr_expect_eq(st.loaded, 0);
	snprintf(path, sizeof(path), "%s/a.json", dir);
	unlink(path);
	rmdir(dir);
	free(good);
	free(bad);
}

/* The total row of an indicator for a unit and period. */
static bool
total_row(struct db *db, const struct actor *a, const char *ind,
    const char *unit, const char *period, const char *structure,
    struct report_indicator_row *out)
{
	struct report_indicators l;
	struct kh_err err = KH_ERR_INIT;
	bool found = false;

	cr_assert(reports_indicators(db, a, unit, period, structure, &l, &err)
	    == 0, "%s %s", err.msg ? err.msg : "", err.arg);
	for (size_t i = 0; i < l.n && !found; i++)
		if (strcmp(l.items[i].code, ind) == 0 && l.items[i].total) {
			*out = l.items[i];
			/* Only the numbers are kept: the strings go with l. */
			out->code = out->title_vi = out->title_en = NULL;
			out->unit = out->unit_code = out->unit_name = NULL;
			out->share_note = out->source = NULL;
			out->verified = l.items[i].verified;
			found = true;
		}
	report_indicators_cleanup(&l);
	return found;
}

BOTH(reports_formsadmin, targets_set_replace_remove_and_refusals)
{
	struct report_load_stats st;
	struct kh_err err = KH_ERR_INIT;
	struct report_indicator_row r;
	struct actor sys, mgr;
	struct report_target_in t = {"member-ratio", "31", "2024", ">=", "33,5",
	    "Kế hoạch kiểm thử", false};
	char *json;
	int64_t ward, id = 0;

	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(reports_forms_load(db, &sys, "data/reports", &st, &err) == 0);
	cr_assert(reports_indicators_load(db, &sys, "data/indicators", &st,
	    &err) == 0);
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2024", NULL, &r));
	cr_expect(!r.has_target, "no target for 2024 in the shipped file");

	/* Set: read back at once as the dashboard reads it. */
	cr_assert(reports_target_set(db, &sys, &t, &err) == 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2024", NULL, &r));
	cr_expect(r.has_target);
	cr_expect_eq(r.target_x100, 3350);
	cr_expect(!r.verified);
	cr_expect_eq(count(db, "SELECT count(*) FROM audit_log WHERE action = $1"
	    " AND entity = 'indicator'", "target_set"), 1);

	/* Loading the shipped files again keeps the administrator's target
	 * and changes nothing. */
	cr_assert(reports_indicators_load(db, &sys, "data/indicators", &st,
	    &err) == 0);
	cr_expect_eq(st.updated, 0);
	cr_expect_eq(st.unchanged, 6);
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2024", NULL, &r));
	cr_expect_eq(r.target_x100, 3350);

	/* Changed: replaced in place, not added; the shipped 2023 target
	 * stays. */
	t.op = "<=";
	t.value = "40";
	t.verified = true;
	cr_assert(reports_target_set(db, &sys, &t, &err) == 0);
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2024", NULL, &r));
	cr_expect_eq(r.target_x100, 4000);
	cr_expect(r.verified);
	json = stored_json(db, "report_indicators", "member-ratio");
	cr_expect_eq(strstr(strstr(json, "\"2024\"") + 1, "\"2024\""), NULL,
	    "one target for 2024: %s", json);
	cr_expect_neq(strstr(json, "\"2023\""), NULL);
	free(json);
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2023", NULL, &r));
	cr_expect_eq(r.target_x100, 2750);

	/* Refusals: nothing changes. */
	ward = fx_unit(db, &sys, "11383", NULL);
	fx_actor(&mgr, "ql.lechan", ROLE_MANAGER, ward);
	cr_expect_eq(reports_target_set(db, &mgr, &t, &err), KH_E_FORBIDDEN);
	cr_expect_eq(reports_target_remove(db, &mgr, "member-ratio", "31",
	    "2024", &err), KH_E_FORBIDDEN);
	t.value = "ba mươi";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "value");
	t.value = "-5";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_INVALID);
	t.value = "1,234";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_INVALID);
	t.value = "30";
	t.op = "!=";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "op");
	t.op = ">=";
	t.period = "2024-Q9";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "period");
	t.period = "2024";
	t.unit = "99999";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_NOT_FOUND);
	cr_expect_str_eq(err.field, "unit");
	t.unit = "31";
	t.indicator = "no-such";
	cr_expect_eq(reports_target_set(db, &sys, &t, &err), KH_E_NOT_FOUND);
	cr_expect_str_eq(err.field, "indicator");
	t.indicator = "member-ratio";
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2024", NULL, &r));
	cr_expect_eq(r.target_x100, 4000);
	cr_expect_eq(count(db, "SELECT count(*) FROM audit_log WHERE action = $1"
	    " AND entity = 'indicator'", "target_set"), 2);

	/* "=" is met only by the very figure: 300 members of 1000 people in
	 * an old ward's approved 2024 report is 30 %. */
	setenv("KHUYENHOC_TODAY", "2024-12-10", 1);
	{
		struct report_value_in vals[] = {{"population", "1000"},
		    {"households", "250"}, {"members", "300"}};
		int64_t old = fx_unit(db, &sys, "11395", UNITS_OLD_STRUCTURE_TO);

		cr_assert(reports_save(db, &sys, "yearly", old, "2024", vals, 3,
		    &id, NULL, &err) == 0, "%s %s", err.msg ? err.msg : "", err.arg);
		cr_assert(reports_submit(db, &sys, id, NULL, &err) == 0, "%s %s",
		    err.msg ? err.msg : "", err.arg);
		cr_assert(reports_approve(db, &sys, id, NULL, &err) == 0);
	}
	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	t.unit = "11395";
	t.op = "=";
	t.value = "30";
	cr_assert(reports_target_set(db, &sys, &t, &err) == 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert(total_row(db, &sys, "member-ratio", "11395", "2024", "old", &r));
	cr_expect_eq(r.value_x100, 3000);
	cr_expect_eq(r.met, 1);
	t.value = "30,5";
	cr_assert(reports_target_set(db, &sys, &t, &err) == 0);
	cr_assert(total_row(db, &sys, "member-ratio", "11395", "2024", "old", &r));
	cr_expect_eq(r.met, 0);

	/* Removed; then there is nothing to remove. */
	cr_assert(reports_target_remove(db, &sys, "member-ratio", "31", "2024",
	    &err) == 0);
	cr_assert(total_row(db, &sys, "member-ratio", "31", "2024", NULL, &r));
	cr_expect(!r.has_target);
	cr_expect_eq(reports_target_remove(db, &sys, "member-ratio", "31", "2024",
	    &err), KH_E_NOT_FOUND);
	cr_expect_eq(count(db, "SELECT count(*) FROM audit_log WHERE action = $1"
	    " AND entity = 'indicator'", "target_remove"), 1);
	cr_expect(!db_in_tx(db));
}
