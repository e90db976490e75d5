/*
 * The database interface behaves the same on SQLite and PostgreSQL. Each
 * check is a function run against both backends; the PostgreSQL variants
 * skip when no test cluster is configured.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "db/db.h"
#include "../testdb.h"

static void
make_table(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;

	cr_assert(db_exec_script(db, "CREATE TABLE t (id BIGINT PRIMARY KEY,"
	    " name TEXT, k TEXT UNIQUE)", &err) == 0, "%s", err.detail);
}

static void
check_placeholders(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st;
	int64_t n;
	char *s;

	make_table(db);
	/* $2 before $1, and $1 used twice. */
	cr_assert(db_exec_args(db, "INSERT INTO t (name, id, k) VALUES ($2, $1, $2 || '-' || $3)",
	    DB_ARGS(DB_INT(7), DB_TEXT("Hải Phòng"), DB_TEXT("x")), NULL, &err) == 0,
	    "%s", err.detail);
	cr_assert(db_query_text(db, "SELECT k FROM t WHERE id = $1",
	    DB_ARGS(DB_INT(7)), &s, &err) == 0);
	cr_assert_str_eq(s, "Hải Phòng-x");
	free(s);
	cr_assert(db_query_int(db, "SELECT count(*) FROM t WHERE id = $1 OR id = $1 + 1",
	    DB_ARGS(DB_INT(6)), &n, &err) == 0);
	cr_assert_eq(n, 1);
	/* NULL text binds NULL. */
	cr_assert(db_exec_args(db, "INSERT INTO t (id, name) VALUES ($1, $2)",
	    DB_ARGS(DB_INT(8), DB_TEXT(NULL)), NULL, &err) == 0);
	cr_assert(db_prepare(db, "SELECT name FROM t WHERE id = $1",
	    DB_ARGS(DB_INT(8)), &st, &err) == 0);
	cr_assert_eq(db_step(st, &err), 1);
	cr_assert(db_col_null(st, 0));
	cr_assert_null(db_col_text(st, 0));
	cr_assert_eq(db_step(st, &err), 0);
	db_finalize(st);
	/* Injection through a value is just text. */
	cr_assert(db_query_int(db, "SELECT count(*) FROM t WHERE name = $1",
	    DB_ARGS(DB_TEXT("x' OR '1'='1")), &n, &err) == 0);
	cr_assert_eq(n, 0);
	/* No row is KH_E_NOT_FOUND. */
	cr_assert_eq(db_query_int(db, "SELECT id FROM t WHERE id = $1",
	    DB_ARGS(DB_INT(99)), &n, &err), KH_E_NOT_FOUND);
}

static void
check_conflict_and_tx(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t n, changed = 0;

	make_table(db);
	cr_assert(db_exec_args(db, "INSERT INTO t (id, k) VALUES (1, 'a')",
	    DB_NOARGS, NULL, &err) == 0);
	cr_assert_eq(db_exec_args(db, "INSERT INTO t (id, k) VALUES (2, 'a')",
	    DB_NOARGS, NULL, &err), KH_E_CONFLICT);
	/* A nested rollback makes the outer commit fail and undo everything. */
	cr_assert(db_begin(db, &err) == 0);
	cr_assert(db_exec_args(db, "INSERT INTO t (id, k) VALUES (3, 'c')",
	    DB_NOARGS, NULL, &err) == 0);
	cr_assert(db_begin(db, &err) == 0);
	db_rollback(db);
	cr_assert_neq(db_commit(db, &err), 0);
	cr_assert_not(db_in_tx(db));
	cr_assert(db_query_int(db, "SELECT count(*) FROM t", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 1);
	cr_assert(db_exec_args(db, "UPDATE t SET name = $1", DB_ARGS(DB_TEXT("z")),
	    &changed, &err) == 0);
	cr_assert_eq(changed, 1);
}

static void
check_blob_and_copy(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	static const char *const cols[] = {"id", "name", "b"};
	const unsigned char raw[] = {0, 1, 2, 255, 9, '\t', '\\', '\n'};
	struct db_copy *c;
	struct db_stmt *st;
	const void *p;
	size_t len;
	int64_t n;

	cr_assert(db_exec_script(db, db_backend(db) == DB_PG ?
	    "CREATE TABLE b (id BIGINT PRIMARY KEY, name TEXT, b BYTEA)" :
	    "CREATE TABLE b (id BIGINT PRIMARY KEY, name TEXT, b BLOB)", &err) == 0);
	cr_assert(db_begin(db, &err) == 0);
	cr_assert(db_copy_begin(db, "b", cols, 3, &c, &err) == 0, "%s", err.detail);
	for (int i = 0; i < 1000; i++)
		cr_assert(db_copy_row(c, DB_ARGS(DB_INT(i), DB_TEXT(i % 2 ?
		    "tab\there" : "Lê\\Chân"), DB_BLOB(raw, sizeof(raw))), &err) == 0);
	cr_assert(db_copy_end(c, &err) == 0, "%s", err.detail);
	cr_assert(db_commit(db, &err) == 0);
	cr_assert(db_query_int(db, "SELECT count(*) FROM b", DB_NOARGS, &n, &err) == 0);
	cr_assert_eq(n, 1000);
	cr_assert(db_prepare(db, "SELECT name, b FROM b WHERE id = $1",
	    DB_ARGS(DB_INT(2)), &st, &err) == 0);
	cr_assert_eq(db_step(st, &err), 1);
	cr_assert_str_eq(db_col_text(st, 0), "Lê\\Chân");
	p = db_col_blob(st, 1, &len);
	cr_assert_eq(len, sizeof(raw));
	cr_assert(memcmp(p, raw, len) == 0);
	db_finalize(st);
}

static void
check_migrate_idempotent(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	int applied = -1;

	cr_assert(db_migrate(db, &applied, &err) == 0, "%s", err.detail);
	cr_assert_eq(applied, 0);
}

Test(db, sqlite_placeholders) { struct db *db = testdb_open_empty(); check_placeholders(db); db_close(db); }
Test(db, sqlite_conflict_and_tx) { struct db *db = testdb_open_empty(); check_conflict_and_tx(db); db_close(db); }
Test(db, sqlite_blob_and_copy) { struct db *db = testdb_open_empty(); check_blob_and_copy(db); db_close(db); }
Test(db, sqlite_migrate_idempotent) { struct db *db = testdb_open_empty(); check_migrate_idempotent(db); db_close(db); }

#define PG_TEST(name, fn) \
	Test(db, name) { \
		struct db *db = testdb_open_empty_pg(); \
		if (db == NULL) \
			cr_skip_test("no PostgreSQL test cluster"); \
		fn(db); \
		db_close(db); \
	}
PG_TEST(pg_placeholders, check_placeholders)
PG_TEST(pg_conflict_and_tx, check_conflict_and_tx)
PG_TEST(pg_blob_and_copy, check_blob_and_copy)
PG_TEST(pg_migrate_idempotent, check_migrate_idempotent)

Test(db, unknown_url_is_invalid)
{
	struct kh_err err = KH_ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(db_open("mysql://x", &db, &err), KH_E_INVALID);
	cr_assert_null(db);
}
