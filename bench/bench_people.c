/*
 * bench_people - the people import against a raw insert loop, and a page of
 * 50 people in Vietnamese name order from a large commune.
 *
 * Generates a list of N residents (CSV, and .xlsx through libxlsxwriter),
 * imports it with people_import_file() into a fresh database, and measures
 * in the same run a plain loop of prepared INSERTs of the same rows into the
 * same table inside one transaction: the reference. Then times a page of 50
 * people sorted by name out of the commune, and a search without diacritics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/vntext.h"
#include "db/db.h"
#include "people/import.h"
#include "people/people.h"
#include "units/units.h"

int bench_people(const char *url, long n, const char *dir);

static const char *const fam[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng",
    "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"};
static const char *const mid[] = {"Văn", "Thị", "Minh", "Thanh", "Đức",
    "Ngọc", "Hữu", "Thu"};
static const char *const given[] = {"An", "Bình", "Cường", "Dũng", "Hà",
    "Hải", "Hương", "Lan", "Long", "Mai", "Nam", "Ngọc", "Phong", "Quân",
    "Sơn", "Thảo", "Trang", "Tuấn", "Việt", "Yến"};

static void
row_fields(long i, char name[96], char birth[32], char id[32], char hh[32])
{
	unsigned long r = (unsigned long)i * 2654435761u;

	snprintf(name, 96, "%s %s %s", fam[r % 10], mid[(r >> 4) % 8],
	    given[(r >> 8) % 20]);
	snprintf(birth, 32, "%02lu/%02lu/%04lu", (r >> 12) % 28 + 1,
	    (r >> 16) % 12 + 1, 1940 + (r >> 20) % 70);
	snprintf(id, 32, "0%011ld", (31000000000L + i) % 100000000000L);
	snprintf(hh, 32, "H%06ld", i / 4);
}

static void
die(const char *what, const struct kh_err *err)
{
	fprintf(stderr, "bench: %s failed: %s %s\n", what,
	    err->msg != NULL ? err->msg : "", err->detail);
	exit(1);
}

static void
write_csv(const char *path, long n)
{
	char name[96], birth[32], id[32], hh[32];
	FILE *f = fopen(path, "w");

	fputs("STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Mã hộ\n", f);
	for (long i = 0; i < n; i++) {
		row_fields(i, name, birth, id, hh);
		fprintf(f, "%ld,%s,%s,%s,%s,%s\n", i + 1, name, birth,
		    i % 2 ? "Nữ" : "Nam", id, hh);
	}
	fclose(f);
}

static void
write_xlsx(const char *path, long n)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL,
	    .use_zip64 = LXW_TRUE};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	static const char *const head[] = {"STT", "Họ và tên", "Ngày sinh",
	    "Giới tính", "Số CCCD/CMND", "Mã hộ"};
	char name[96], birth[32], id[32], hh[32];

	for (int c = 0; c < 6; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
	for (long i = 0; i < n; i++) {
		lxw_row_t r = (lxw_row_t)(i + 1);

		row_fields(i, name, birth, id, hh);
		worksheet_write_number(ws, r, 0, (double)(i + 1), NULL);
		worksheet_write_string(ws, r, 1, name, NULL);
		worksheet_write_string(ws, r, 2, birth, NULL);
		worksheet_write_string(ws, r, 3, i % 2 ? "Nữ" : "Nam", NULL);
		worksheet_write_string(ws, r, 4, id, NULL);
		worksheet_write_string(ws, r, 5, hh, NULL);
	}
	workbook_close(wb);
}

/* The reference: the same rows through one prepared INSERT in one transaction. */
static double
raw_inserts(struct db *db, int64_t unit, long n)
{
	char name[96], birth[32], id[32], hh[32], iso[DATE_LEN], now[STAMP_LEN];
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	double t0 = clock_ms();

	stamp_now(now);
	if (db_begin(db, &err) != 0)
		die("begin", &err);
	for (long i = 0; i < n; i++) {
		char *key, *spaced;
		unsigned char *sort;
		size_t slen;

		row_fields(i, name, birth, id, hh);
		date_parse(birth, iso);
		id[0] = '9';	/* other numbers than the import's */
		key = vn_search_key(name);
		spaced = xasprintf(" %s", key);
		sort = vn_name_sort_key(name, &slen);
		if (db_prepare(db, "INSERT INTO people (unit_id, full_name, name_key,"
		    " sort_key, birth_date, sex, id_number, valid_from, created_at,"
		    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
		    DB_ARGS(DB_INT(unit), DB_TEXT(name), DB_TEXT(spaced),
		    DB_BLOB(sort, slen), DB_TEXT(iso), DB_TEXT(i % 2 ? "F" : "M"),
		    DB_TEXT(id), DB_TEXT("2026-01-01"), DB_TEXT(now)), &st, &err) != 0 ||
		    db_step(st, &err) < 0)
			die("insert", &err);
		db_finalize(st);
		free(key);
		free(spaced);
		free(sort);
	}
	if (db_commit(db, &err) != 0)
		die("commit", &err);
	return clock_ms() - t0;
}

int
bench_people(const char *url, long n, const char *dir)
{
	struct units_import_stats us;
	struct people_import_result r;
	struct kh_err err = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	struct actor sys;
	struct unit u = UNIT_INIT, u2 = UNIT_INIT;
	char *csv = xasprintf("%s/people.csv", dir);
	char *xlsx = xasprintf("%s/people.xlsx", dir);
	struct db *db;
	double t, raw, imp_csv, imp_xlsx;

	if (db_open(url, &db, &err) != 0 || db_migrate(db, NULL, &err) != 0)
		die("open", &err);
	if (units_import(db, "data/units", &us, &err) != 0 ||
	    auth_system_actor(db, &sys, &err) != 0)
		die("units", &err);
	if (units_find(db, &sys, "11383", NULL, &u, &err) != 0 ||
	    units_find(db, &sys, "11311", NULL, &u2, &err) != 0)
		die("find", &err);
	t = clock_ms();
	write_csv(csv, n);
	printf("generated %ld-row CSV in %.0f ms\n", n, clock_ms() - t);
	raw = raw_inserts(db, u2.id, n);
	printf("reference: %ld prepared INSERTs in one transaction: %.0f ms"
	    " (%.0f rows/s)\n", n, raw, n / (raw / 1000));
	t = clock_ms();
	if (people_import_file(db, &sys, u.id, csv, PEOPLE_IMPORT_ALL, false, &r,
	    &err) != 0 || r.imported != n)
		die("import csv", &err);
	imp_csv = clock_ms() - t;
	people_import_result_cleanup(&r);
	printf("import people, CSV: %ld rows in %.0f ms (%.0f rows/s, %.2f x"
	    " the raw insert rate)\n", n, imp_csv, n / (imp_csv / 1000),
	    raw / imp_csv);
	t = clock_ms();
	write_xlsx(xlsx, n);
	printf("generated %ld-row .xlsx in %.0f ms\n", n, clock_ms() - t);
	/* The same rows again from .xlsx: every row matched, none duplicated. */
	t = clock_ms();
	if (people_import_file(db, &sys, u.id, xlsx, PEOPLE_IMPORT_ALL, false, &r,
	    &err) != 0 || r.unchanged != n)
		die("import xlsx", &err);
	imp_xlsx = clock_ms() - t;
	people_import_result_cleanup(&r);
	printf("re-import people, .xlsx (all rows unchanged): %ld rows in %.0f ms"
	    " (%.0f rows/s, %.2f x the raw insert rate)\n", n, imp_xlsx,
	    n / (imp_xlsx / 1000), raw / imp_xlsx);
	memset(&q, 0, sizeof(q));
	q.unit_id = u.id;
	q.limit = 50;
	q.offset = 1000;
	t = clock_ms();
	for (int i = 0; i < 20; i++) {
		if (people_list(db, &sys, &q, &l, &err) != 0)
			die("list", &err);
		person_list_cleanup(&l);
	}
	printf("a page of 50 people in name order out of %ld: %.2f ms\n", n,
	    (clock_ms() - t) / 20);
	q.q = "nguyen van an";
	t = clock_ms();
	for (int i = 0; i < 20; i++) {
		if (people_list(db, &sys, &q, &l, &err) != 0)
			die("search", &err);
		person_list_cleanup(&l);
	}
	printf("search \"nguyen van an\" out of %ld, first page: %.2f ms\n", n,
	    (clock_ms() - t) / 20);
	unit_cleanup(&u);
	unit_cleanup(&u2);
	db_close(db);
	unlink(csv);
	unlink(xlsx);
	free(csv);
	free(xlsx);
	return 0;
}
