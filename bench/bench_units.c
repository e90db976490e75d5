/*
 * bench_units - subtree counts at the scale of the whole country.
 *
 * Loads the administrative units (about 14,000 of both structures) and a
 * given number of organisations per new commune into a fresh database, then
 * times units_count_subtree() under a province and under the country, and a
 * reference in the same run: a full scan count(*) over the units table. The
 * figures are medians of repeated runs, printed in milliseconds with the
 * ratio to the reference.
 *
 *   bench-core URL [ORGS_PER_COMMUNE]
 *   bench-core people URL ROWS DIR      (bench_people.c)
 *   bench-core models URL CITIZENS HOUSEHOLDS   (bench_models.c)
 *   bench-core reports URL [YEARS]      (bench_reports.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/date.h"
#include "db/db.h"
#include "units/units.h"

#define RUNS 15

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
die(const char *what, const struct kh_err *err)
{
	fprintf(stderr, "bench: %s failed: %s %s\n", what,
	    err->msg != NULL ? err->msg : "", err->detail);
	exit(1);
}

/* Add n organisations under every commune valid today. */
static long
add_orgs(struct db *db, int n)
{
	static const char *const cols[] = {"code", "name", "kind", "type_name",
	    "parent_id", "valid_from", "search_key", "created_at", "updated_at"};
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st;
	struct db_copy *c;
	int64_t *ids = NULL, *codes_n = NULL;
	char **codes = NULL;
	size_t nc = 0, cap = 0, i;
	long added = 0;
	char stamp[STAMP_LEN];

	stamp_now(stamp);
	if (db_prepare(db, "SELECT id, code FROM units WHERE kind = 'commune'"
	    " AND valid_from = '2025-07-01'", DB_NOARGS, &st, &err) != 0)
		die("select communes", &err);
	while (db_step(st, &err) == 1) {
		if (nc == cap) {
			cap = cap ? cap * 2 : 4096;
			ids = xrealloc(ids, cap * sizeof(*ids));
			codes = xrealloc(codes, cap * sizeof(*codes));
		}
		ids[nc] = db_col_int(st, 0);
		codes[nc] = xstrdup(db_col_text(st, 1));
		nc++;
	}
	db_finalize(st);
	(void)codes_n;
	if (db_begin(db, &err) != 0)
		die("begin", &err);
	if (db_copy_begin(db, "units", cols, 9, &c, &err) != 0)
		die("copy", &err);
	for (i = 0; i < nc; i++) {
		for (int k = 0; k < n; k++) {
			char code[48], name[64];

			snprintf(code, sizeof(code), "%s-B%02d", codes[i], k);
			snprintf(name, sizeof(name), "Tổ chức thử %d", k);
			if (db_copy_row(c, DB_ARGS(DB_TEXT(code), DB_TEXT(name),
			    DB_TEXT("school"), DB_TEXT(""), DB_INT(ids[i]),
			    DB_TEXT("2025-07-01"), DB_TEXT("to chuc thu"),
			    DB_TEXT(stamp), DB_TEXT(stamp)), &err) != 0)
				die("copy row", &err);
			added++;
		}
	}
	if (db_copy_end(c, &err) != 0)
		die("copy end", &err);
	/* Closure rows: the parent's ancestors plus the self row. */
	if (db_exec_args(db, "INSERT INTO unit_tree (ancestor_id, descendant_id, depth)"
	    " SELECT t.ancestor_id, o.id, t.depth + 1 FROM units o"
	    " JOIN unit_tree t ON t.descendant_id = o.parent_id"
	    " WHERE o.code LIKE '%-B__'", DB_NOARGS, NULL, &err) != 0 ||
	    db_exec_args(db, "INSERT INTO unit_tree (ancestor_id, descendant_id, depth)"
	    " SELECT id, id, 0 FROM units WHERE code LIKE '%-B__'", DB_NOARGS, NULL,
	    &err) != 0)
		die("closure", &err);
	if (db_commit(db, &err) != 0 || db_exec_script(db, "ANALYZE", &err) != 0)
		die("commit", &err);
	for (i = 0; i < nc; i++)
		free(codes[i]);
	free(codes);
	free(ids);
	return added;
}

static double
time_count(struct db *db, const struct actor *a, const char *code,
    const char *on, int64_t *total)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	double t[RUNS];

	if (units_find(db, a, code, on, &u, &err) != 0)
		die("find", &err);
	for (int r = 0; r < RUNS; r++) {
		double t0 = clock_ms();

		if (units_count_subtree(db, a, u.id, on, total, &err) != 0)
			die("count", &err);
		t[r] = clock_ms() - t0;
	}
	unit_cleanup(&u);
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

static double
time_reference(struct db *db, int64_t *n)
{
	struct kh_err err = KH_ERR_INIT;
	double t[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t0 = clock_ms();

		if (db_query_int(db, "SELECT count(*) FROM units WHERE valid_from <= $1",
		    DB_ARGS(DB_TEXT("2026-01-01")), n, &err) != 0)
			die("reference", &err);
		t[r] = clock_ms() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

int bench_people(const char *url, long n, const char *dir);
int bench_models(const char *url, long citizens, long households);
int bench_reports(const char *url, int years);

int
main(int argc, char **argv)
{
	struct units_import_stats st = {0};
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	int64_t n, ref_n;
	double t0, ms, ref;
	int orgs = argc > 2 ? atoi(argv[2]) : 20;
	long added;
	static const struct {
		const char *label, *code, *on;
	} cases[] = {
		{"province 31, new structure (2025-07-01)", "31", "2025-07-01"},
		{"province 31, old structure (2025-06-30)", "31", "2025-06-30"},
		{"whole country, new structure", "VN", "2025-07-01"},
		{"whole country, old structure", "VN", "2025-06-30"},
	};

	if (argc >= 5 && strcmp(argv[1], "people") == 0)
		return bench_people(argv[2], atol(argv[3]), argv[4]);
	if (argc >= 5 && strcmp(argv[1], "models") == 0)
		return bench_models(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc >= 3 && strcmp(argv[1], "reports") == 0)
		return bench_reports(argv[2], argc > 3 ? atoi(argv[3]) : 10);
	if (argc < 2) {
		fprintf(stderr, "usage: bench-core URL [ORGS_PER_COMMUNE]\n"
		    "       bench-core people URL ROWS DIR\n"
		    "       bench-core models URL CITIZENS HOUSEHOLDS\n");
		return 2;
	}
	if (db_open(argv[1], &db, &err) != 0 || db_migrate(db, NULL, &err) != 0)
		die("open", &err);
	t0 = clock_ms();
	if (units_import(db, "data/units", &st, &err) != 0)
		die("import", &err);
	printf("units import: %ld units, %ld successions in %.0f ms\n",
	    st.inserted, st.successions, clock_ms() - t0);
	t0 = clock_ms();
	added = add_orgs(db, orgs);
	printf("organisations added: %ld (%d per new commune) in %.0f ms\n",
	    added, orgs, clock_ms() - t0);
	if (auth_system_actor(db, &sys, &err) != 0)
		die("actor", &err);
	ref = time_reference(db, &ref_n);
	printf("reference: count(*) over all %lld units: %.3f ms\n",
	    (long long)ref_n, ref);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ms = time_count(db, &sys, cases[i].code, cases[i].on, &n);
		printf("subtree count, %s: %lld units in %.3f ms (%.2f x reference)\n",
		    cases[i].label, (long long)n, ms, ref > 0 ? ms / ref : 0);
	}
	db_close(db);
	return 0;
}
