/*
 * bench_models - the registered-vs-recognised roll-up of a province.
 *
 * Builds a province-sized year in a fresh database: eight residential groups
 * under each commune of today's Hải Phòng (31), then registrations of a
 * year for N citizens (the four subject groups) and H households, spread
 * over those groups, most of them recognised and a few withdrawn, loaded in
 * bulk (db_copy_*: COPY on PostgreSQL, prepared inserts on SQLite) since
 * the roll-up reads only the registrations and the closure table. A
 * smaller other year lies beside it, so that the year filter has something
 * to skip.
 *
 * The counts table the roll-up sums (migration 0008) is then filled by
 * models_counts_rebuild(), the same statement the migration runs.
 *
 * Then times models_rollup() for the province (median of RUNS), against a
 * reference in the same run: a plain SELECT count(*) ... GROUP BY model,
 * subject group, state over the same year's rows, which reads every row once
 * without the closure table.
 *
 *   bench-core models URL CITIZENS HOUSEHOLDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/date.h"
#include "db/db.h"
#include "models/models.h"
#include "units/units.h"

#define RUNS 7
#define VILLAGES 8
#define YEAR 2025

int bench_models(const char *url, long citizens, long households);

static void
die(const char *what, const struct kh_err *err)
{
	fprintf(stderr, "bench: %s failed: %s %s\n", what,
	    err->msg != NULL ? err->msg : "", err->detail);
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Residential groups under every commune of the province, through the
 * organisations API (a thousand or so: the closure rows come with them). */
static int64_t *
make_villages(struct db *db, const struct actor *sys, int64_t province,
    size_t *n)
{
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st;
	int64_t *communes = NULL, *villages;
	char **codes = NULL;
	size_t nc = 0, cap = 0;

	if (db_prepare(db, "SELECT u.id, u.code FROM units u JOIN unit_tree t"
	    " ON t.descendant_id = u.id WHERE t.ancestor_id = $1"
	    " AND u.kind = 'commune' AND u.valid_to IS NULL ORDER BY u.code",
	    DB_ARGS(DB_INT(province)), &st, &err) != 0)
		die("communes", &err);
	while (db_step(st, &err) == 1) {
		if (nc == cap) {
			cap = cap ? cap * 2 : 256;
			communes = xrealloc(communes, cap * sizeof(*communes));
			codes = xrealloc(codes, cap * sizeof(*codes));
		}
		communes[nc] = db_col_int(st, 0);
		codes[nc++] = xstrdup(db_col_text(st, 1));
	}
	db_finalize(st);
	villages = xcalloc(nc * VILLAGES + 1, sizeof(*villages));
	if (db_begin(db, &err) != 0)
		die("begin", &err);
	for (size_t i = 0; i < nc; i++) {
		for (int k = 0; k < VILLAGES; k++) {
			struct unit_input in;
			struct unit u = UNIT_INIT;
			char code[48], name[64];

			snprintf(code, sizeof(code), "%s-TDP%02d", codes[i], k + 1);
			snprintf(name, sizeof(name), "Tổ dân phố số %d", k + 1);
			memset(&in, 0, sizeof(in));
			in.code = code;
			in.name = name;
			in.kind = UNIT_VILLAGE;
			in.valid_from = UNITS_NEW_STRUCTURE_FROM;
			if (units_create_org(db, sys, communes[i], &in, &u, &err) != 0)
				die("village", &err);
			villages[i * VILLAGES + (size_t)k] = u.id;
			unit_cleanup(&u);
		}
		free(codes[i]);
	}
	if (db_commit(db, &err) != 0)
		die("commit", &err);
	free(codes);
	free(communes);
	*n = nc * VILLAGES;
	return villages;
}

/* The state of the i-th registration: 70 % recognised, 2 % withdrawn, the
 * rest at the earlier steps. */
static const char *
state_of(unsigned long r)
{
	unsigned p = (unsigned)(r % 100);

	return p < 70 ? "recognised" : p < 72 ? "withdrawn" : p < 80 ?
	    "proposed" : p < 90 ? "verified" : "registered";
}

static void
load(struct db *db, const int64_t *villages, size_t nv, int year,
    long citizens, long households, int64_t set_citizen, int64_t set_family)
{
	static const char *const cols[] = {"model", "year", "subject_kind",
	    "subject_id", "unit_id", "subject_group", "set_id", "state",
	    "registered_on", "created_at", "updated_at"};
	struct kh_err err = KH_ERR_INIT;
	struct db_copy *c;
	char stamp[STAMP_LEN], on[16];

	stamp_now(stamp);
	snprintf(on, sizeof(on), "%04d-03-15", year);
	if (db_begin(db, &err) != 0 ||
	    db_copy_begin(db, "model_registrations", cols, 11, &c, &err) != 0)
		die("copy", &err);
	for (long i = 0; i < citizens + households; i++) {
		unsigned long r = (unsigned long)i * 2654435761u;
		bool citizen = i < citizens;
		int64_t unit = villages[(r >> 7) % nv];

		if (db_copy_row(c, DB_ARGS(DB_TEXT(citizen ? "citizen" : "family"),
		    DB_INT(year), DB_TEXT(citizen ? "person" : "household"),
		    DB_INT(i + 1), DB_INT(unit),
		    citizen ? DB_INT((int64_t)((r >> 3) % 4) + 1) : DB_NULL,
		    DB_INT(citizen ? set_citizen : set_family),
		    DB_TEXT(state_of(r >> 11)), DB_TEXT(on), DB_TEXT(stamp),
		    DB_TEXT(stamp)), &err) != 0)
			die("copy row", &err);
	}
	if (db_copy_end(c, &err) != 0 || db_commit(db, &err) != 0)
		die("copy end", &err);
}

static int64_t
set_id(struct db *db, const struct actor *sys, const char *model,
    int64_t unit)
{
	struct criteria_set s;
	struct kh_err err = KH_ERR_INIT;
	int64_t id;

	if (models_set_for(db, sys, model, YEAR, unit, &s, &err) != 0)
		die("criteria set", &err);
	id = s.id;
	criteria_set_cleanup(&s);
	return id;
}

int
bench_models(const char *url, long citizens, long households)
{
	struct units_import_stats us;
	struct criteria_load_stats cs;
	struct kh_err err = KH_ERR_INIT;
	struct model_rollup ru;
	struct actor sys;
	struct unit p = UNIT_INIT;
	struct db *db;
	int64_t *villages, reg = 0, rec = 0, ref_reg = 0, ref_rec = 0, differ = 0;
	size_t nv;
	double t0, t[RUNS], ref[RUNS];

	if (db_open(url, &db, &err) != 0 || db_migrate(db, NULL, &err) != 0)
		die("open", &err);
	if (units_import(db, "data/units", &us, &err) != 0 ||
	    auth_system_actor(db, &sys, &err) != 0 ||
	    models_criteria_load(db, &sys, "data/criteria", &cs, &err) != 0 ||
	    units_find(db, &sys, "31", NULL, &p, &err) != 0)
		die("setup", &err);
	villages = make_villages(db, &sys, p.id, &nv);
	t0 = clock_ms();
	load(db, villages, nv, YEAR, citizens, households,
	    set_id(db, &sys, MODEL_CITIZEN, villages[0]),
	    set_id(db, &sys, MODEL_FAMILY, villages[0]));
	load(db, villages, nv, YEAR - 1, citizens / 10, households / 10,
	    set_id(db, &sys, MODEL_CITIZEN, villages[0]),
	    set_id(db, &sys, MODEL_FAMILY, villages[0]));
	printf("loaded %ld citizens' and %ld households' registrations of %d"
	    " (and a tenth as many of %d) over %zu residential groups in %.0f ms\n",
	    citizens, households, YEAR, YEAR - 1, nv, clock_ms() - t0);
	/* The bulk load went around models_register(): the counts come from
	 * the recount an administrator would run (the migration's SQL). */
	t0 = clock_ms();
	if (models_counts_rebuild(db, &sys, &differ, &err) != 0)
		die("counts", &err);
	printf("counts table rebuilt from the registrations (%lld rows were"
	    " missing) in %.0f ms\n", (long long)differ, clock_ms() - t0);
	if (db_exec_script(db, "ANALYZE", &err) != 0)
		die("analyze", &err);
	for (int r = 0; r < RUNS; r++) {
		struct db_stmt *st;

		t0 = clock_ms();
		ref_reg = ref_rec = 0;
		if (db_prepare(db, "SELECT model, COALESCE(subject_group, 0), state,"
		    " count(*) FROM model_registrations WHERE year = $1"
		    " GROUP BY model, COALESCE(subject_group, 0), state",
		    DB_ARGS(DB_INT(YEAR)), &st, &err) != 0)
			die("reference", &err);
		while (db_step(st, &err) == 1) {
			const char *state = db_col_text(st, 2);

			if (strcmp(state, "withdrawn") != 0)
				ref_reg += db_col_int(st, 3);
			if (strcmp(state, "recognised") == 0)
				ref_rec += db_col_int(st, 3);
		}
		db_finalize(st);
		ref[r] = clock_ms() - t0;
	}
	for (int r = 0; r < RUNS; r++) {
		t0 = clock_ms();
		if (models_rollup(db, &sys, p.id, YEAR, &ru, &err) != 0)
			die("rollup", &err);
		t[r] = clock_ms() - t0;
		reg = rec = 0;
		for (size_t i = 0; i < ru.n; i++)
			if (ru.items[i].total) {
				reg += ru.items[i].registered;
				rec += ru.items[i].recognised;
			}
		if (r == RUNS - 1)
			printf("roll-up rows: %zu (province totals and %zu communes)\n",
			    ru.n, nv / VILLAGES);
		model_rollup_cleanup(&ru);
	}
	if (reg != ref_reg || rec != ref_rec) {
		fprintf(stderr, "bench: roll-up %lld/%lld, reference %lld/%lld\n",
		    (long long)reg, (long long)rec, (long long)ref_reg,
		    (long long)ref_rec);
		exit(1);
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	qsort(ref, RUNS, sizeof(ref[0]), cmp_double);
	printf("reference: count(*) GROUP BY model, group, state over the"
	    " year's %lld registrations: %.1f ms\n", (long long)(citizens +
	    households), ref[RUNS / 2]);
	printf("roll-up of province 31 (%lld registered, %lld recognised):"
	    " %.1f ms (%.3f x reference)\n", (long long)reg, (long long)rec,
	    t[RUNS / 2], ref[RUNS / 2] > 0 ? t[RUNS / 2] / ref[RUNS / 2] : 0);
	free(villages);
	unit_cleanup(&p);
	db_close(db);
	return 0;
}
