/*
 * Name search through the word index (people_words, migration 0006): the
 * answers must be exactly those of the rule "every word of the query begins
 * a word of the name", checked here against that rule applied in C to the
 * whole list, on SQLite and PostgreSQL; the index follows creations,
 * changes of name and imports.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/vntext.h"
#include "people/import.h"
#include "people/people.h"
#include "units/units.h"
#include "../testdb.h"

static const char *const NAMES[] = {
	"Nguyễn Thị Nguyệt", "Nguyễn Văn An", "Lê An", "Lê Anh", "Hoàng Văn An",
	"Trần Xuân Yến", "Nguyễn Văn Anh Tuấn", "Đỗ Zũng", "Phạm Đức",
	"Bùi Thị Thu Hà", "Đặng Văn Đạt", "Ngô Quang Huy", "Hồ Thị Ánh",
	"Vũ Đình Khải", "Nguyễn Hữu Yên", "Lý Tiểu Long", "Dương Văn Nam 2",
};

static const char *const QUERIES[] = {
	"an", "nguyen", "nguy", "van an", "an van", "z", "zung", "yen", "y",
	"le an", "nguyen thi nguyet", "xyz", "hoang van an tuan", "ANH", "Đức",
	"d", "dat", "2", "nam 2", "thu ha", "  van   ", "-", "ánh",
};

/* The rule itself: each of the first three words of q begins a word of
 * the name. */
static bool
matches(const char *name, const char *q)
{
	char *nk = vn_search_key(name), *qk = vn_search_key(q), *w, *save = NULL;
	bool ok = true;
	int n = 0;

	for (w = strtok_r(qk, " ", &save); ok && w != NULL && n < 3;
	    w = strtok_r(NULL, " ", &save), n++) {
		char *spaced = xasprintf(" %s", nk), *pat = xasprintf(" %s", w);

		ok = strstr(spaced, pat) != NULL;
		free(spaced);
		free(pat);
	}
	free(nk);
	free(qk);
	return ok;
}

static void
check_queries(struct db *db, const struct actor *a, int64_t unit)
{
	struct kh_err err = KH_ERR_INIT;
	struct person_list all, l;
	struct people_query q;

	memset(&q, 0, sizeof(q));
	q.unit_id = unit;
	q.limit = 1000;
	cr_assert(people_list(db, a, &q, &all, &err) == 0);
	for (size_t k = 0; k < sizeof(QUERIES) / sizeof(QUERIES[0]); k++) {
		size_t j = 0;

		q.q = QUERIES[k];
		cr_assert(people_list(db, a, &q, &l, &err) == 0, "%s", QUERIES[k]);
		/* Same people, same Vietnamese order, same total. */
		for (size_t i = 0; i < all.n; i++) {
			if (!matches(all.items[i].full_name, QUERIES[k]))
				continue;
			cr_assert(j < l.n, "\"%s\" misses %s", QUERIES[k],
			    all.items[i].full_name);
			cr_assert_eq(l.items[j].id, all.items[i].id,
			    "\"%s\": %s where %s was expected", QUERIES[k],
			    l.items[j].full_name, all.items[i].full_name);
			j++;
		}
		cr_assert_eq(j, l.n, "\"%s\" finds %zu, expected %zu", QUERIES[k],
		    l.n, j);
		cr_assert_eq(l.total, (int64_t)j, "\"%s\" total", QUERIES[k]);
		person_list_cleanup(&l);
	}
	person_list_cleanup(&all);
}

static int64_t
count_words(struct db *db, int64_t person)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t n = -1;

	cr_assert(db_query_int(db, "SELECT count(*) FROM people_words WHERE"
	    " person_id = $1", DB_ARGS(DB_INT(person)), &n, &err) == 0);
	return n;
}

static const char CSV[] =
    "Họ và tên,Ngày sinh\n"
    "Phùng Quang Khải,01/02/1990\n"
    "Nguyễn An Khang,03/04/1991\n";

static void
run(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct person_input in;
	struct person_list l;
	struct people_query q;
	struct unit_input ui = {"11383-T09", "Tổ dân phố số 9", "village",
	    "2025-07-01", NULL, "", ""};
	struct unit commune = UNIT_INIT, v = UNIT_INIT;
	struct actor sys;
	int64_t ids[sizeof(NAMES) / sizeof(NAMES[0])];

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(units_find(db, &sys, "11383", NULL, &commune, &err) == 0);
	cr_assert(units_create_org(db, &sys, commune.id, &ui, &v, &err) == 0);
	for (size_t i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.full_name = NAMES[i];
		cr_assert(people_create(db, &sys, v.id, &in, &ids[i], &err) == 0,
		    "%s", NAMES[i]);
	}
	/* "Nguyễn Thị Nguyệt": three distinct words. */
	cr_assert_eq(count_words(db, ids[0]), 3);
	check_queries(db, &sys, commune.id);

	/* Paging: the second of the "nguyen" people, and the total. */
	memset(&q, 0, sizeof(q));
	q.unit_id = commune.id;
	q.q = "nguyen";
	q.limit = 1;
	q.offset = 1;
	cr_assert(people_list(db, &sys, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 4);
	cr_assert_eq(l.n, 1);
	/* By given name: An, Nguyệt, Tuấn, Yên. */
	cr_assert_str_eq(l.items[0].full_name, "Nguyễn Thị Nguyệt");
	person_list_cleanup(&l);

	/* A new name replaces the words of the old one. */
	memset(&in, 0, sizeof(in));
	in.full_name = "Lê Bảo";
	cr_assert(people_update(db, &sys, ids[2], &in, &err) == 0);
	cr_assert_eq(count_words(db, ids[2]), 2);
	q.q = "le an";
	q.limit = 50;
	q.offset = 0;
	cr_assert(people_list(db, &sys, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 1);
	cr_assert_str_eq(l.items[0].full_name, "Lê Anh");
	person_list_cleanup(&l);
	q.q = "bao";
	cr_assert(people_list(db, &sys, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 1);
	person_list_cleanup(&l);

	/* Imported people are found too. */
	cr_assert(people_import_mem(db, &sys, v.id, CSV, sizeof(CSV) - 1,
	    PEOPLE_IMPORT_ALL, false, &r, &err) == 0, "%s", err.detail);
	cr_assert_eq(r.imported, 2);
	people_import_result_cleanup(&r);
	q.q = "khai";
	cr_assert(people_list(db, &sys, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 2);	/* both Khải, not Khang */
	person_list_cleanup(&l);
	q.q = "phung";
	cr_assert(people_list(db, &sys, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 1);
	person_list_cleanup(&l);
	check_queries(db, &sys, commune.id);
	unit_cleanup(&commune);
	unit_cleanup(&v);
	db_close(db);
}

Test(people_search, words_index_answers_like_the_rule)
{
	run(testdb_open_units());
}

Test(people_search, words_index_answers_like_the_rule_on_postgresql)
{
	struct db *db = testdb_open_units_pg();

	if (db == NULL)
		cr_skip_test("no PostgreSQL test cluster");
	run(db);
}

/*
 * New rows are written a few thousand at a time (COPY on PostgreSQL): a row
 * repeated in the file is still recognised, whether its first copy is
 * waiting in memory or already written, and every new person gets their
 * words.
 */
static void
run_bulk(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct person_list l;
	struct people_query q;
	struct unit commune = UNIT_INIT;
	struct actor sys;
	struct buf csv = BUF_INIT;
	int64_t n = 0;

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(units_find(db, &sys, "11383", NULL, &commune, &err) == 0);
	buf_puts(&csv, "Họ và tên,Ngày sinh,Mã hộ\n");
	for (int i = 0; i < 4500; i++)
		buf_printf(&csv, "Nguyễn Văn Người%d,01/01/1990,H%d\n", i, i / 4);
	/* Row 5 again while it waits, row 7 again after it was written. */
	buf_puts(&csv, "Nguyễn Văn Người5,01/01/1990,H1\n");
	buf_printf(&csv, "Lê Thị Cuối,02/02/1992,H9999\n");
	buf_puts(&csv, "Nguyễn Văn Người7,01/01/1990,H1\n");
	cr_assert(people_import_mem(db, &sys, commune.id, csv.data, csv.len,
	    PEOPLE_IMPORT_ALL, false, &r, &err) == 0, "%s", err.detail);
	cr_assert_eq(r.read, 4503);
	cr_assert_eq(r.imported, 4501);
	cr_assert_eq(r.unchanged, 2);
	cr_assert_eq(r.refused, 0);
	cr_assert(r.committed);
	people_import_result_cleanup(&r);
	cr_assert(db_query_int(db, "SELECT count(*) FROM people", DB_NOARGS, &n,
	    &err) == 0);
	cr_assert_eq(n, 4501);
	cr_assert(db_query_int(db, "SELECT count(*) FROM households", DB_NOARGS,
	    &n, &err) == 0);
	cr_assert_eq(n, 1126);
	cr_assert(db_query_int(db, "SELECT count(DISTINCT person_id) FROM"
	    " people_words", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 4501);
	memset(&q, 0, sizeof(q));
	q.unit_id = commune.id;
	q.q = "cuoi le";
	cr_assert(people_list(db, &sys, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 1);
	cr_assert_str_eq(l.items[0].household_code, "H9999");
	person_list_cleanup(&l);
	/* Again: every row matched, nothing written. */
	cr_assert(people_import_mem(db, &sys, commune.id, csv.data, csv.len,
	    PEOPLE_IMPORT_ALL, false, &r, &err) == 0);
	cr_assert_eq(r.imported, 0);
	cr_assert_eq(r.unchanged, 4503);
	people_import_result_cleanup(&r);
	buf_free(&csv);
	unit_cleanup(&commune);
	db_close(db);
}

Test(people_search, bulk_import_matches_repeated_rows, .timeout = 120)
{
	run_bulk(testdb_open_units());
}

Test(people_search, bulk_import_matches_repeated_rows_on_postgresql,
    .timeout = 120)
{
	struct db *db = testdb_open_units_pg();

	if (db == NULL)
		cr_skip_test("no PostgreSQL test cluster");
	run_bulk(db);
}
