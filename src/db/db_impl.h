/*
 * db_impl.h - what each backend provides to db.c. Private to src/db/.
 */
#ifndef KH_DB_IMPL_H
#define KH_DB_IMPL_H

#include "db/db.h"

struct db_ops {
	enum db_backend backend;
	int (*open)(struct db *db, const char *target, struct kh_err *err);
	void (*close)(struct db *db);
	int (*prepare)(struct db *db, const char *sql, struct db_stmt **out,
	    struct kh_err *err);
	int (*bind)(struct db_stmt *st, const struct db_arg *args, int n,
	    struct kh_err *err);
	int (*step)(struct db_stmt *st, struct kh_err *err);
	bool (*col_null)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *len);
	int (*col_count)(struct db_stmt *st);
	int64_t (*changes)(struct db_stmt *st);
	void (*finalize)(struct db_stmt *st);
	int (*exec_script)(struct db *db, const char *sql, struct kh_err *err);
	const char *begin_sql;	/* statement that opens a write transaction */
	/* Bulk load; NULL to use prepared inserts. */
	int (*copy_begin)(struct db *db, const char *table,
	    const char *const *columns, int ncols, struct kh_err *err);
	int (*copy_row)(struct db *db, const struct db_arg *vals, int n,
	    struct kh_err *err);
	int (*copy_end)(struct db *db, struct kh_err *err);
	int (*backup)(struct db *db, const char *path, struct kh_err *err);
	/* Dialect words substituted into migrations: {{ID}}, {{BLOB}}. */
	const char *id_type;
	const char *blob_type;
};

struct db {
	const struct db_ops *ops;	/* the backend */
	void *handle;			/* sqlite3 * or PGconn * */
	void *cache;			/* the backend's prepared statements */
	char *url;			/* as opened, for the pool and backup */
	int tx_depth;			/* nesting of db_begin */
	bool tx_failed;			/* a nested rollback happened */
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
