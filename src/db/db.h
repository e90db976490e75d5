/*
 * db.h - the one door to storage: SQLite or PostgreSQL behind one interface.
 *
 * Only src/db/ includes sqlite3.h or libpq-fe.h. SQL is written once, in the
 * common subset of both dialects, with $1-style placeholders, and lives in
 * string literals: values are always bound, never spliced into SQL text.
 * Types used in schemas: TEXT (dates and instants as ISO text), BIGINT /
 * INTEGER (booleans as 0/1), and blobs (written {{BLOB}} in migrations).
 *
 * A struct db is one connection, used by one thread at a time. The server
 * borrows connections from a pool (db_pool_*).
 */
#ifndef KH_DB_DB_H
#define KH_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_stmt;

enum db_backend { DB_SQLITE = 1, DB_PG = 2 };

enum db_arg_type { DB_ARG_NULL, DB_ARG_TEXT, DB_ARG_INT, DB_ARG_BLOB };

/* One bound value. Build them with the DB_* macros below. */
struct db_arg {
	enum db_arg_type type;	/* which member holds the value */
	const char *s;		/* DB_ARG_TEXT: NUL-terminated, NULL binds NULL */
	int64_t i;		/* DB_ARG_INT */
	const void *p;		/* DB_ARG_BLOB */
	size_t n;		/* DB_ARG_BLOB: length */
};

#define DB_TEXT(x) ((struct db_arg){DB_ARG_TEXT, (x), 0, NULL, 0})
#define DB_INT(x) ((struct db_arg){DB_ARG_INT, NULL, (int64_t)(x), NULL, 0})
#define DB_BLOB(x, len) ((struct db_arg){DB_ARG_BLOB, NULL, 0, (x), (len)})
#define DB_NULL ((struct db_arg){DB_ARG_NULL, NULL, 0, NULL, 0})
/* A list of arguments for the *_args calls: DB_ARGS(DB_TEXT(a), DB_INT(b)). */
#define DB_ARGS(...) (const struct db_arg[]){__VA_ARGS__}, \
	(int)(sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

/* The default database URL: $KHUYENHOC_DB, else sqlite:var/khuyenhoc.db. */
const char *db_default_url(void);

/*
 * Open "sqlite:PATH" (PATH ":memory:" allowed) or "postgresql://..." /
 * "postgres://...". On success *out is a new connection.
 */
int db_open(const char *url, struct db **out, struct kh_err *err);
void db_close(struct db *db);
enum db_backend db_backend(const struct db *db);

/*
 * Prepare sql and bind args (n of them, $1..$n). On success *out is a
 * statement to step and finalize.
 */
int db_prepare(struct db *db, const char *sql, const struct db_arg *args,
    int n, struct db_stmt **out, struct kh_err *err);

/* Rebind a prepared statement for another run (SQLite reuses the plan). */
int db_rebind(struct db_stmt *st, const struct db_arg *args, int n,
    struct kh_err *err);

/* Advance: 1 when a row is ready, 0 when done, a negative KH_E_* on error. */
int db_step(struct db_stmt *st, struct kh_err *err);

/* Columns of the current row, 0-based. Text is valid until the next step. */
bool db_col_null(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);	/* NULL for NULL */
int64_t db_col_int(struct db_stmt *st, int col);	/* 0 for NULL */
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);
int db_col_count(struct db_stmt *st);
/* A malloc'd copy of a text column: NULL for NULL, or "" when empty_for_null. */
char *db_col_strdup(struct db_stmt *st, int col, bool empty_for_null);

void db_finalize(struct db_stmt *st);

/* Run a statement that returns no rows; *changed (may be NULL) = rows hit. */
int db_exec_args(struct db *db, const char *sql, const struct db_arg *args,
    int n, int64_t *changed, struct kh_err *err);

/* Run SQL text holding several statements, no parameters (migrations). */
int db_exec_script(struct db *db, const char *sql, struct kh_err *err);

/*
 * First column of the first row as an integer or a copy of its text.
 * KH_E_NOT_FOUND when there is no row. *out_text is malloc'd (NULL for NULL).
 */
int db_query_int(struct db *db, const char *sql, const struct db_arg *args,
    int n, int64_t *out, struct kh_err *err);
int db_query_text(struct db *db, const char *sql, const struct db_arg *args,
    int n, char **out_text, struct kh_err *err);

/*
 * Transactions. db_begin starts a write transaction (BEGIN IMMEDIATE on
 * SQLite). Nesting is counted: only the outermost begin/commit reaches the
 * database; a rollback at any depth rolls back the whole transaction and
 * makes the outer commit fail.
 */
int db_begin(struct db *db, struct kh_err *err);
int db_commit(struct db *db, struct kh_err *err);
void db_rollback(struct db *db);
bool db_in_tx(const struct db *db);

/* Bulk loading: COPY on PostgreSQL, prepared inserts on SQLite. */
struct db_copy;
int db_copy_begin(struct db *db, const char *table, const char *const *columns,
    int ncols, struct db_copy **out, struct kh_err *err);
int db_copy_row(struct db_copy *c, const struct db_arg *vals, int n,
    struct kh_err *err);
int db_copy_end(struct db_copy *c, struct kh_err *err);

/* Apply every migration not yet applied. *applied = how many ran. */
int db_migrate(struct db *db, int *applied, struct kh_err *err);

/* Copy the database into a file: SQLite online backup; pg_dump for PG. */
int db_backup(struct db *db, const char *path, struct kh_err *err);

/*
 * Pool of connections for the server's threads: db_pool_get() borrows one
 * (opening a new one when none is idle), db_pool_put() returns it.
 */
int db_pool_init(const char *url, int max_idle, struct kh_err *err);
struct db *db_pool_get(struct kh_err *err);
void db_pool_put(struct db *db);
void db_pool_shutdown(void);

#endif
