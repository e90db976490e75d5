/*
 * bench_reports - the consolidated yearly report of the whole country.
 *
 * Loads the administrative units, a generated yearly form of 200 count
 * fields (40 for each of 5 models), and approved reports with every field
 * filled: one per old commune (about 10,000) for each year before 2025 and
 * one per new commune (about 3,300) for 2025, YEARS years in all. Then times
 * reports_consolidate() for the country and for province 31 under both
 * structures (a year of old communes restated under the new structure,
 * and 2025 restated under the old one), against a reference in the same
 * run: a plain SELECT sum(value) over the same year's raw rows. The
 * figures are medians, printed in milliseconds with the ratio to the
 * reference; the country's totals are checked against the reference sums.
 *
 *   bench-core reports URL [YEARS]
 *
 * With KH_BENCH_REPORTS_REUSE=1 a database that already holds the generated
 * reports (a previous run on the same URL) is used as it is, so that two
 * versions of the code can be timed alternately on the same data without
 * loading it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/date.h"
#include "db/db.h"
#include "reports/reports.h"
#include "units/units.h"

int bench_reports(const char *url, int years);

#define RUNS 5
#define N_FIELDS 200
#define LAST_YEAR 2025

static const char *const models[] = {"citizen", "family", "clan", "community",
    "unit"};

static void
die(const char *what, const struct kh_err *err)
{
	fprintf(stderr, "bench: %s failed: %s %s %s\n", what,
	    err->msg != NULL ? err->msg : "", err->arg, err->detail);
	exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The generated form, written into dir. */
static void
write_form(const char *dir)
{
	char *path = xasprintf("%s/bench.json", dir);
	FILE *f = fopen(path, "w");
	int k = 0;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs("{\"code\": \"bench\", \"title_vi\": \"Báo cáo thử\", \"title_en\":"
	    " \"Bench\", \"period_kind\": \"year\", \"deadline\": \"12-15\","
	    " \"unit_kinds\": [\"commune\"], \"sections\": [", f);
	for (int m = 0; m < 5; m++) {
		fprintf(f, "%s{\"code\": \"%s\", \"title_vi\": \"%s\", \"fields\": [",
		    m ? ", " : "", models[m], models[m]);
		for (int i = 0; i < N_FIELDS / 5; i++, k++)
			fprintf(f, "%s{\"code\": \"f%03d\", \"kind\": \"int\","
			    " \"title_vi\": \"Chỉ tiêu %d\", \"title_en\": \"Field %d\"}",
			    i ? ", " : "", k, k, k);
		fputs("]}", f);
	}
	fputs("]}\n", f);
	fclose(f);
	free(path);
}

static int64_t *
ids_of(struct db *db, const char *sql, size_t *n)
{
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st;
	int64_t *ids = NULL;
	size_t cap = 0;

	*n = 0;
	if (db_prepare(db, sql, DB_NOARGS, &st, &err) != 0)
		die("select", &err);
	while (db_step(st, &err) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4096;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[(*n)++] = db_col_int(st, 0);
	}
	db_finalize(st);
	return ids;
}

/* Approved reports of every commune in `units` for a year, every field
 * filled with a value derived from the unit, the year and the field. */
static long
load_year(struct db *db, int64_t form_id, const int64_t *units, size_t n,
    int year)
{
	static const char *const scols[] = {"form_id", "unit_id", "period",
	    "state", "submitted_on", "approved_on", "created_at", "updated_at"};
	static const char *const vcols[] = {"submission_id", "field", "raw",
	    "value", "source"};
	struct kh_err err = KH_ERR_INIT;
	struct db_copy *c;
	struct db_stmt *st;
	char period[16], on[24], stamp[STAMP_LEN], code[16], raw[24];
	long rows = 0;

	snprintf(period, sizeof(period), "%d", year);
	snprintf(on, sizeof(on), "%d-12-10", year);
	stamp_now(stamp);
	if (db_begin(db, &err) != 0 || db_copy_begin(db, "report_submissions",
	    scols, 8, &c, &err) != 0)
		die("copy reports", &err);
	for (size_t i = 0; i < n; i++)
		if (db_copy_row(c, DB_ARGS(DB_INT(form_id), DB_INT(units[i]),
		    DB_TEXT(period), DB_TEXT("approved"), DB_TEXT(on), DB_TEXT(on),
		    DB_TEXT(stamp), DB_TEXT(stamp)), &err) != 0)
			die("copy report", &err);
	if (db_copy_end(c, &err) != 0 || db_commit(db, &err) != 0)
		die("copy reports end", &err);
	if (db_prepare(db, "SELECT id, unit_id FROM report_submissions WHERE"
	    " form_id = $1 AND period = $2", DB_ARGS(DB_INT(form_id),
	    DB_TEXT(period)), &st, &err) != 0)
		die("select reports", &err);
	/* The ids first: no other statement may run during a COPY on
	 * PostgreSQL. */
	{
		int64_t *sid = xcalloc(n + 1, sizeof(*sid)), *uid = xcalloc(n + 1,
		    sizeof(*uid));
		size_t m = 0;

		while (db_step(st, &err) == 1 && m < n) {
			sid[m] = db_col_int(st, 0);
			uid[m] = db_col_int(st, 1);
			m++;
		}
		db_finalize(st);
		if (db_begin(db, &err) != 0 || db_copy_begin(db, "report_values",
		    vcols, 5, &c, &err) != 0)
			die("copy values", &err);
		for (size_t i = 0; i < m; i++)
			for (int k = 0; k < N_FIELDS; k++) {
				int64_t v = (uid[i] * 31 + k * 7 + year) % 1000;

				snprintf(code, sizeof(code), "f%03d", k);
				snprintf(raw, sizeof(raw), "%lld", (long long)v);
				if (db_copy_row(c, DB_ARGS(DB_INT(sid[i]), DB_TEXT(code),
				    DB_TEXT(raw), DB_INT(v), DB_TEXT("")), &err) != 0)
					die("copy value", &err);
				rows++;
			}
		free(sid);
		free(uid);
	}
	if (db_copy_end(c, &err) != 0 || db_commit(db, &err) != 0)
		die("copy values end", &err);
	return rows;
}

/* Every field's sum of a year's approved reports, to check totals. */
static void
field_sums(struct db *db, int64_t form_id, const char *period,
    int64_t sums[N_FIELDS])
{
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st;

	if (db_prepare(db, "SELECT v.field, sum(v.value) FROM report_submissions s"
	    " JOIN report_values v ON v.submission_id = s.id WHERE s.form_id = $1"
	    " AND s.period = $2 AND s.state = 'approved' GROUP BY v.field",
	    DB_ARGS(DB_INT(form_id), DB_TEXT(period)), &st, &err) != 0)
		die("sums", &err);
	while (db_step(st, &err) == 1) {
		int k = atoi(db_col_text(st, 0) + 1);

		if (k >= 0 && k < N_FIELDS)
			sums[k] = db_col_int(st, 1);
	}
	db_finalize(st);
}

/* The reference: one plain sum over the same raw rows. */
static double
time_reference(struct db *db, int64_t form_id, const char *period)
{
	struct kh_err err = KH_ERR_INIT;
	double t[RUNS];
	int64_t total;

	for (int r = 0; r < RUNS; r++) {
		double t0 = clock_ms();

		if (db_query_int(db, "SELECT sum(v.value) FROM report_submissions s"
		    " JOIN report_values v ON v.submission_id = s.id WHERE"
		    " s.form_id = $1 AND s.period = $2 AND s.state = 'approved'",
		    DB_ARGS(DB_INT(form_id), DB_TEXT(period)), &total, &err) != 0)
			die("reference", &err);
		t[r] = clock_ms() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

/* A digest of every row of c (unit, counts, shares, figures), printed so
 * that two versions of the code can be checked to give the same report. */
static uint64_t
digest(const struct report_consolidated *c)
{
	uint64_t h = 1469598103934665603ull;
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < c->n; i++) {
		const struct report_row *r = &c->rows[i];

		buf_printf(&b, "%s|%d|%d|%d|%d|%s|", r->unit_code, r->total, r->own,
		    r->n_reports, r->share_applied, r->share_note);
		for (size_t k = 0; k < c->form.n_fields; k++)
			buf_printf(&b, "%d:%lld,", r->has[k], (long long)r->values[k]);
		buf_putc(&b, '\n');
	}
	for (size_t i = 0; i < b.len; i++)
		h = (h ^ (unsigned char)buf_str(&b)[i]) * 1099511628211ull;
	buf_free(&b);
	return h;
}

static uint64_t last_digest;

static double
time_consolidate(struct db *db, const struct actor *a, const char *unit,
    const char *period, const char *structure, const int64_t *check,
    size_t *rows)
{
	double t[RUNS];
	struct kh_err err = KH_ERR_INIT;

	for (int r = 0; r < RUNS; r++) {
		struct report_consolidated c;
		double t0;

		/* The computation is measured, not the copy the process
		 * keeps of it. */
		reports_cache_clear();
		t0 = clock_ms();
		if (reports_consolidate(db, a, "bench", unit, period, structure, &c,
		    &err) != 0)
			die("consolidate", &err);
		t[r] = clock_ms() - t0;
		*rows = c.n;
		if (check != NULL)
			for (int k = 0; k < N_FIELDS; k++)
				if (c.rows[0].values[k] != check[k]) {
					fprintf(stderr, "bench: %s %s %s: field %d is"
					    " %lld, the raw sum is %lld\n", unit, period,
					    structure, k, (long long)c.rows[0].values[k],
					    (long long)check[k]);
					exit(1);
				}
		last_digest = digest(&c);
		report_consolidated_cleanup(&c);
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

int
bench_reports(const char *url, int years)
{
	struct units_import_stats us;
	struct report_load_stats ls;
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	char dir[] = "/tmp/kh-bench-reports-XXXXXX", *path;
	int64_t *old_c, *new_c, form_id, sums_old[N_FIELDS], sums_new[N_FIELDS];
	int64_t existing = 0;
	size_t n_old, n_new, rows;
	long values = 0;
	double t0, ref, ms;
	char period_old[16], period_new[16];
	int year;

	if (years < 2)
		years = 2;
	if (db_open(url, &db, &err) != 0 || db_migrate(db, NULL, &err) != 0)
		die("open", &err);
	if (units_import(db, "data/units", &us, &err) != 0)
		die("units import", &err);
	if (auth_system_actor(db, &sys, &err) != 0)
		die("actor", &err);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	write_form(dir);
	if (reports_forms_load(db, &sys, dir, &ls, &err) != 0)
		die("form", &err);
	path = xasprintf("%s/bench.json", dir);
	unlink(path);
	rmdir(dir);
	free(path);
	if (db_query_int(db, "SELECT id FROM report_forms WHERE code = 'bench'",
	    DB_NOARGS, &form_id, &err) != 0)
		die("form id", &err);
	old_c = ids_of(db, "SELECT id FROM units WHERE kind = 'commune' AND"
	    " valid_to = '2025-06-30' ORDER BY id", &n_old);
	new_c = ids_of(db, "SELECT id FROM units WHERE kind = 'commune' AND"
	    " valid_from = '2025-07-01' ORDER BY id", &n_new);
	t0 = clock_ms();
	if (getenv("KH_BENCH_REPORTS_REUSE") != NULL && db_query_int(db,
	    "SELECT count(*) FROM report_values v JOIN report_submissions s ON"
	    " s.id = v.submission_id WHERE s.form_id = $1",
	    DB_ARGS(DB_INT(form_id)), &existing, &err) == 0 && existing > 0) {
		values = (long)existing;
		years = (int)(existing / N_FIELDS / (int64_t)n_old) + 1;
	} else {
		for (year = LAST_YEAR - years + 1; year <= LAST_YEAR; year++)
			values += year < LAST_YEAR ? load_year(db, form_id, old_c,
			    n_old, year) : load_year(db, form_id, new_c, n_new, year);
	}
	printf("approved reports loaded: %d years (%zu old communes a year before"
	    " %d, %zu new communes in %d), %d fields, %ld values in %.0f ms\n",
	    years, n_old, LAST_YEAR, n_new, LAST_YEAR, N_FIELDS, values,
	    clock_ms() - t0);
	snprintf(period_old, sizeof(period_old), "%d", LAST_YEAR - 1);
	snprintf(period_new, sizeof(period_new), "%d", LAST_YEAR);

	field_sums(db, form_id, period_old, sums_old);
	ref = time_reference(db, form_id, period_old);
	printf("reference: SELECT sum(value) over %zu reports of %s:"
	    " %.1f ms\n", n_old, period_old, ref);
	ms = time_consolidate(db, &sys, "VN", period_old, "old", sums_old, &rows);
	printf("consolidated %s, whole country, old structure (as recorded):"
	    " %.1f ms (%.2f x reference), %zu rows, totals agree, digest %016llx\n",
	    period_old, ms, ms / ref, rows, (unsigned long long)last_digest);
	ms = time_consolidate(db, &sys, "VN", period_old, "new", sums_old, &rows);
	printf("consolidated %s, whole country, new structure (restated):"
	    " %.1f ms (%.2f x reference), %zu rows, totals agree, digest %016llx\n",
	    period_old, ms, ms / ref, rows, (unsigned long long)last_digest);
	ms = time_consolidate(db, &sys, "31", period_old, "new", NULL, &rows);
	printf("consolidated %s, province 31, new structure (restated):"
	    " %.1f ms (%.2f x reference), %zu rows, digest %016llx\n", period_old,
	    ms, ms / ref, rows, (unsigned long long)last_digest);

	field_sums(db, form_id, period_new, sums_new);
	ref = time_reference(db, form_id, period_new);
	printf("reference: SELECT sum(value) over %zu reports of %s:"
	    " %.1f ms\n", n_new, period_new, ref);
	ms = time_consolidate(db, &sys, "VN", period_new, "new", sums_new, &rows);
	printf("consolidated %s, whole country, new structure (as recorded):"
	    " %.1f ms (%.2f x reference), %zu rows, totals agree, digest %016llx\n",
	    period_new, ms, ms / ref, rows, (unsigned long long)last_digest);
	ms = time_consolidate(db, &sys, "VN", period_new, "old", sums_new, &rows);
	printf("consolidated %s, whole country, old structure (restated):"
	    " %.1f ms (%.2f x reference), %zu rows, totals agree, digest %016llx\n",
	    period_new, ms, ms / ref, rows, (unsigned long long)last_digest);
	free(old_c);
	free(new_c);
	db_close(db);
	return 0;
}
