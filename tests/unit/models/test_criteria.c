/*
 * Criteria sets as data: the format's checks one by one, loading a folder
 * (idempotent, all or nothing), versions (a used set is never changed; an
 * edit is version n+1; a province's edit applies in that province only), and
 * the choice of the set in force. SQLite and PostgreSQL.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "models/models.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

static void
spit(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

/* A copy of data/criteria in a fresh folder. */
static char *
copy_sets(void)
{
	char tmpl[] = "/tmp/kh-criteria-XXXXXX", *dir;
	struct dirent *e;
	DIR *d;

	dir = mkdtemp(tmpl);
	cr_assert_not_null(dir);
	dir = xstrdup(dir);
	d = opendir("data/criteria");
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		char *path, *text;

		if (strstr(e->d_name, ".json") == NULL)
			continue;
		path = xasprintf("data/criteria/%s", e->d_name);
		text = slurp(path);
		spit(dir, e->d_name, text);
		free(text);
		free(path);
	}
	closedir(d);
	return dir;
}

static void
remove_dir(char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		char *path;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		unlink(path);
		free(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	free(dir);
}

/* Replace the first occurrence of `from` in a malloc'd text. */
static char *
replace(char *text, const char *from, const char *to)
{
	char *at = strstr(text, from), *out;

	cr_assert_not_null(at, "no \"%s\"", from);
	out = xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	free(text);
	return out;
}

static void
bad_set(const char *from, const char *to, const char *field)
{
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set s;
	char *text = slurp("data/criteria/qd448-dhht.json");

	text = replace(text, from, to);
	cr_assert_eq(criteria_parse(text, &s, &err), KH_E_INVALID,
	    "accepted: %s -> %s", from, to);
	if (field != NULL)
		cr_assert_str_eq(err.field, field, "%s -> %s: field %s", from, to,
		    err.field);
	free(text);
}

Test(models_criteria, the_format_refuses_bad_sets_one_by_one)
{
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set s;

	cr_assert_eq(criteria_parse("{", &s, &err), KH_E_INVALID);
	cr_assert_eq(criteria_parse("[]", &s, &err), KH_E_INVALID);
	cr_assert_eq(criteria_parse("{\"code\": \"x\"}", &s, &err), KH_E_INVALID);
	bad_set("\"code\": \"qd448-dhht\"", "\"code\": \"QĐ 448\"", "code");
	bad_set("\"version\": 1", "\"version\": 0", "version");
	bad_set("\"model\": \"clan\"", "\"model\": \"village\"", "model");
	bad_set("\"scale\": \"points\"", "\"scale\": \"stars\"", "scale");
	bad_set("\"value\": \"2016-01-01\"", "\"value\": \"2016-02-30\"",
	    "effective_from");
	/* B1 declares 40 but its indicators give 20 + 25. */
	bad_set("\"max\": {\"value\": 20, \"verified\": false, \"ref\": \"GK\"}",
	    "\"max\": {\"value\": 25, \"verified\": false, \"ref\": \"GK\"}",
	    "criteria");
	bad_set("\"kind\": \"points\"", "\"kind\": \"stars\"",
	    "criteria[1].indicators[0]");
	/* A clan's set cannot use a unit's computation. */
	bad_set("\"source\": \"clan_families_recognised\"",
	    "\"source\": \"unit_citizens_recognised\"",
	    "criteria[0].indicators[0]");
	bad_set("\"value\": 0.5, \"verified\": true", "\"value\": 1.5, \"verified\": true",
	    "criteria[0].indicators[0].min_ratio");
	bad_set("\"code\": \"B1.2\"", "\"code\": \"B1.1\"", "criteria");
	bad_set("\"min_total\": {\"value\": 80", "\"min_total\": {\"value\": 180",
	    "thresholds.min_total");
	/* A prerequisite worth nothing must be required. */
	bad_set("\"required\": true\n        },\n        {\n          \"code\": \"B0.2\"",
	    "\"required\": false\n        },\n        {\n          \"code\": \"B0.2\"",
	    "criteria[0].indicators[0]");
	bad_set("\"scale\": \"points\"", "\"scale\": \"levels\"", NULL);
	bad_set("\"format\": 1", "\"format\": 2", "format");
	bad_set("\"title_vi\": \"Học tập của con cháu trong dòng họ\"",
	    "\"title_vi\": \"\"", "criteria[1]");
	/* Duplicate keys are an error, not a silent choice. */
	bad_set("\"version\": 1", "\"version\": 1, \"version\": 2", NULL);
}

Test(models_criteria, unverified_values_are_counted)
{
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set s;
	char *text = slurp("data/criteria/tt22-dvht.json");
	int before;

	cr_assert(criteria_parse(text, &s, &err) == 0);
	before = s.n_unverified;
	/* The set itself, U3.2's text and its 15 points. */
	cr_assert_eq(before, 3, "%d", before);
	criteria_set_cleanup(&s);
	/* A province confirms U3.2's points: one hypothesis fewer. */
	text = replace(text, "\"max\": {\"value\": 15, \"verified\": false",
	    "\"max\": {\"value\": 15, \"verified\": true");
	cr_assert(criteria_parse(text, &s, &err) == 0);
	cr_assert_eq(s.n_unverified, before - 1);
	cr_assert(criteria_find(&s, "U3.2")->max_verified);
	criteria_set_cleanup(&s);
	free(text);
}

BOTH(models_criteria, loading_is_idempotent_and_all_or_nothing)
{
	struct kh_err err = KH_ERR_INIT;
	struct criteria_load_stats st;
	struct criteria_set_list l;
	struct actor sys, off;
	char *dir = copy_sets();

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	memset(&off, 0, sizeof(off));
	off.role = ROLE_OFFICER;
	off.unit_id = sys.unit_id;
	snprintf(off.login, sizeof(off.login), "officer");
	cr_assert_eq(models_criteria_load(db, &off, dir, &st, &err),
	    KH_E_FORBIDDEN);
	/* One bad file: nothing is loaded, the file is named. */
	spit(dir, "zz-bad.json", "{\"code\": \"zz\"}");
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), KH_E_INVALID);
	cr_assert_str_eq(err.arg, "zz-bad.json");
	cr_assert(models_set_list(db, &sys, &l, &err) == 0);
	cr_assert_eq(l.n, 0);
	criteria_set_list_cleanup(&l);
	{
		char *p = xasprintf("%s/zz-bad.json", dir);

		unlink(p);
		free(p);
	}
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), 0);
	cr_assert_eq(st.loaded, 8);
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), 0);
	cr_assert_eq(st.loaded, 0);
	cr_assert_eq(st.unchanged, 8);
	cr_assert_eq(st.refused, 0);
	cr_assert(models_set_list(db, &sys, &l, &err) == 0);
	cr_assert_eq(l.n, 8);
	for (size_t i = 0; i < l.n; i++) {
		cr_assert_eq(l.items[i].version, 1);
		cr_assert_not(l.items[i].used);
		cr_assert_str_eq(l.items[i].origin, "file");
		cr_assert_gt(l.items[i].n_unverified, 0);
	}
	/* Sorted by model: citizen first. */
	cr_assert_str_eq(l.items[0].code, "qd244-cdht");
	criteria_set_list_cleanup(&l);
	remove_dir(dir);
}

static int64_t
family(struct db *db, const struct actor *a, int64_t unit, const char *code,
    int64_t *reg_id)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_input in;
	int64_t hh = fx_household(db, unit, code, NULL);

	memset(&in, 0, sizeof(in));
	in.model = MODEL_FAMILY;
	in.year = 2025;
	in.subject_id = hh;
	cr_assert_eq(models_register(db, a, &in, reg_id, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	return hh;
}

static void
expect_set(struct db *db, const struct actor *a, int64_t reg_id,
    int version)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_registration r;

	cr_assert(models_get(db, a, reg_id, &r, &err) == 0);
	cr_assert_str_eq(r.set_code, "qd448-gdht");
	cr_assert_eq(r.set_version, version, "version %d, expected %d",
	    r.set_version, version);
	model_registration_cleanup(&r);
}

BOTH(models_criteria, a_used_set_is_never_changed)
{
	struct kh_err err = KH_ERR_INIT;
	struct criteria_load_stats st;
	struct criteria_set v1, v1b, v2, v3;
	struct actor sys, admin_hp, off;
	char *dir = copy_sets(), *text, *path;
	int64_t lechan, badinh, r1, r2, r3, r4;
	int version = 0;

	setenv("KHUYENHOC_TODAY", "2025-11-15", 1);
	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), 0);
	lechan = fx_unit(db, &sys, "11383", NULL);
	badinh = fx_unit(db, &sys, "00004", NULL);
	family(db, &sys, lechan, "V1", &r1);
	expect_set(db, &sys, r1, 1);
	cr_assert(models_set_get(db, &sys, "qd448-gdht", 1, &v1, &err) == 0);
	cr_assert(v1.used);
	cr_assert_eq(v1.min_total_x100, 8000);

	/* The file changes: the used version is kept and named. */
	path = xasprintf("%s/qd448-gdht.json", dir);
	text = replace(slurp(path), "\"min_total\": {\"value\": 80",
	    "\"min_total\": {\"value\": 75");
	spit(dir, "qd448-gdht.json", text);
	/* An unused one may still be corrected from its file. */
	{
		char *p2 = xasprintf("%s/qd448-dhht.json", dir);
		char *t2 = replace(slurp(p2), "\"min_total\": {\"value\": 80",
		    "\"min_total\": {\"value\": 70");

		spit(dir, "qd448-dhht.json", t2);
		free(t2);
		free(p2);
	}
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), 0);
	cr_assert_eq(st.refused, 1);
	cr_assert_str_eq(st.refused_codes, "qd448-gdht v1");
	cr_assert_eq(st.updated, 1);
	cr_assert_eq(st.unchanged, 6);
	cr_assert(models_set_get(db, &sys, "qd448-gdht", 1, &v1b, &err) == 0);
	cr_assert_str_eq(v1b.sha256, v1.sha256);
	cr_assert_str_eq(v1b.json, v1.json);
	criteria_set_cleanup(&v1b);
	cr_assert(models_set_get(db, &sys, "qd448-dhht", 0, &v1b, &err) == 0);
	cr_assert_eq(v1b.min_total_x100, 7000);
	criteria_set_cleanup(&v1b);

	/* An administrator's edit is version 2; version 1 stays. */
	memset(&off, 0, sizeof(off));
	off.role = ROLE_MANAGER;
	off.unit_id = sys.unit_id;
	snprintf(off.login, sizeof(off.login), "manager");
	cr_assert_eq(models_set_new_version(db, &off, "qd448-gdht", text, &version,
	    &err), KH_E_FORBIDDEN);
	cr_assert_eq(models_set_new_version(db, &sys, "qd448-gdht", "{\"code\": 1}",
	    &version, &err), KH_E_INVALID);
	{
		char *clan = replace(xstrdup(text), "\"model\": \"family\"",
		    "\"model\": \"clan\"");

		cr_assert_eq(models_set_new_version(db, &sys, "qd448-gdht", clan,
		    &version, &err), KH_E_INVALID);
		cr_assert_str_eq(err.field, "model");
		free(clan);
	}
	cr_assert_eq(models_set_new_version(db, &sys, "qd448-gdht", text, &version,
	    &err), 0, "%s %s [%s]", err.msg ? err.msg : "", err.arg, err.field);
	cr_assert_eq(version, 2);
	cr_assert(models_set_get(db, &sys, "qd448-gdht", 0, &v2, &err) == 0);
	cr_assert_eq(v2.version, 2);
	cr_assert_eq(v2.min_total_x100, 7500);
	cr_assert_str_eq(v2.origin, "edit");
	cr_assert_eq(v2.owner_unit_id, 0);	/* national: the system acts for VN */
	cr_assert_not(v2.used);
	criteria_set_cleanup(&v2);
	cr_assert(models_set_get(db, &sys, "qd448-gdht", 1, &v1b, &err) == 0);
	cr_assert_str_eq(v1b.json, v1.json);
	cr_assert_eq(v1b.min_total_x100, 8000);
	criteria_set_cleanup(&v1b);
	/* Old registrations keep v1; new ones take v2; v1 may still be chosen. */
	expect_set(db, &sys, r1, 1);
	family(db, &sys, lechan, "V2", &r2);
	expect_set(db, &sys, r2, 2);
	{
		struct model_reg_input in;
		int64_t hh, id;

		hh = fx_household(db, lechan, "V9", NULL);
		memset(&in, 0, sizeof(in));
		in.model = MODEL_FAMILY;
		in.year = 2025;
		in.subject_id = hh;
		in.set_code = "qd448-gdht";
		in.set_version = 1;
		cr_assert_eq(models_register(db, &sys, &in, &id, &err), 0);
		expect_set(db, &sys, id, 1);
		in.set_code = "qd448-dhht";
		hh = fx_household(db, lechan, "V8", NULL);
		in.subject_id = hh;
		in.set_version = 0;
		cr_assert_eq(models_register(db, &sys, &in, &id, &err), KH_E_INVALID);
	}
	/* Loading the files again touches neither version. */
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), 0);
	cr_assert_eq(st.refused, 1);
	/* A file with version 2 cannot replace the edit. */
	{
		char *t2 = replace(xstrdup(text), "\"version\": 1", "\"version\": 2");

		t2 = replace(t2, "\"value\": 75", "\"value\": 70");
		spit(dir, "qd448-gdht-v2.json", t2);
		free(t2);
	}
	cr_assert_eq(models_criteria_load(db, &sys, dir, &st, &err), 0);
	cr_assert_eq(st.refused, 2);

	/* A province's administrator: version 3 applies in Hải Phòng only. */
	memset(&admin_hp, 0, sizeof(admin_hp));
	admin_hp.role = ROLE_ADMIN;
	admin_hp.unit_id = fx_unit(db, &sys, "31", NULL);
	snprintf(admin_hp.login, sizeof(admin_hp.login), "admin.hp");
	cr_assert_eq(models_set_new_version(db, &admin_hp, "qd448-gdht", text,
	    &version, &err), 0);
	cr_assert_eq(version, 3);
	cr_assert(models_set_get(db, &sys, "qd448-gdht", 3, &v3, &err) == 0);
	cr_assert_eq(v3.owner_unit_id, admin_hp.unit_id);
	criteria_set_cleanup(&v3);
	family(db, &sys, lechan, "V3", &r3);
	expect_set(db, &sys, r3, 3);
	family(db, &sys, badinh, "V4", &r4);
	expect_set(db, &sys, r4, 2);
	{
		struct model_reg_input in;
		int64_t hh, id;

		/* Hà Nội cannot choose Hải Phòng's version. */
		hh = fx_household(db, badinh, "V5", NULL);
		memset(&in, 0, sizeof(in));
		in.model = MODEL_FAMILY;
		in.year = 2025;
		in.subject_id = hh;
		in.set_code = "qd448-gdht";
		in.set_version = 3;
		cr_assert_eq(models_register(db, &sys, &in, &id, &err), KH_E_INVALID);
	}
	criteria_set_cleanup(&v1);
	free(text);
	free(path);
	remove_dir(dir);
}

BOTH(models_criteria, the_set_in_force_is_chosen_by_year)
{
	struct kh_err err = KH_ERR_INIT;
	struct criteria_load_stats st;
	struct criteria_set s;
	struct actor sys;
	int64_t lechan;

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	lechan = fx_unit(db, &sys, "11383", NULL);
	cr_assert_eq(models_set_for(db, &sys, MODEL_FAMILY, 2025, lechan, &s, &err),
	    KH_E_NOT_FOUND);
	cr_assert_eq(models_criteria_load(db, &sys, "data/criteria", &st, &err), 0);
	/* Three unit sets are in force in 2025; the commune-level one is the
	 * default. In 2019 only QĐ 448 was. */
	cr_assert(models_set_for(db, &sys, MODEL_UNIT, 2025, lechan, &s, &err) == 0);
	cr_assert_str_eq(s.code, "qd448-dvht-xa");
	criteria_set_cleanup(&s);
	cr_assert(models_set_for(db, &sys, MODEL_UNIT, 2019, lechan, &s, &err) == 0);
	cr_assert_str_eq(s.code, "qd448-dvht-xa");
	criteria_set_cleanup(&s);
	/* TT 25/2023 applies from 12 February 2024. */
	cr_assert(models_set_for(db, &sys, MODEL_COMMUNE_COMMUNITY, 2024, lechan,
	    &s, &err) == 0);
	cr_assert_str_eq(s.code, "tt25-cdht-xa");
	cr_assert_str_eq(s.scale, "levels");
	cr_assert_eq(s.n_levels, 3);
	criteria_set_cleanup(&s);
	cr_assert_eq(models_set_for(db, &sys, MODEL_COMMUNE_COMMUNITY, 2023, lechan,
	    &s, &err), KH_E_NOT_FOUND);
	cr_assert_eq(models_set_for(db, &sys, MODEL_CITIZEN, 2021, lechan, &s,
	    &err), KH_E_NOT_FOUND);
	/* Without a default, several sets in force must be chosen between. */
	cr_assert(db_exec_args(db, "UPDATE criteria_sets SET is_default = 0",
	    DB_NOARGS, NULL, &err) == 0);
	cr_assert_eq(models_set_for(db, &sys, MODEL_UNIT, 2025, lechan, &s, &err),
	    KH_E_INVALID);
	cr_assert_str_eq(err.field, "set_code");
}
