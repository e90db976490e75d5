/*
 * db.c - backend dispatch, convenience queries, transactions, migrations and
 * the connection pool. The SQL dialects differ only inside db_sqlite.c and
 * db_pg.c; nothing here asks which backend it has, except to pick the words
 * substituted into migrations.
 */
#include "db/db_impl.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Generated from the files in src/db/migrations by scripts/embed.sh. */
struct db_migration {
	int version;		/* the number in the file name */
	const char *name;	/* the file name without .sql */
	const char *sql;	/* the file's text */
};
extern const struct db_migration db_migrations[];
extern const int db_n_migrations;

const char *
db_default_url(void)
{
	const char *env = getenv("KHUYENHOC_DB");

	return env != NULL && *env != '\0' ? env : "sqlite:var/khuyenhoc.db";
}

int
db_open(const char *url, struct db **out, struct kh_err *err)
{
	const struct db_ops *ops;
	const char *target;
	struct db *db;
	int rc;

	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0) {
		ops = &db_sqlite_ops;
		target = url + 7;
	} else if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0) {
		ops = &db_pg_ops;
		target = url;
	} else
		return kh_fail(err, KH_E_INVALID,
		    N_("Unknown database URL %s: use sqlite:PATH or postgresql://..."),
		    url);
	db = xcalloc(1, sizeof(*db));
	db->ops = ops;
	db->url = xstrdup(url);
	rc = ops->open(db, target, err);
	if (rc != 0) {
		free(db->url);
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->tx_depth > 0) {
		db->tx_depth = 1;
		db_rollback(db);
	}
	db->ops->close(db);
	free(db->url);
	free(db);
}

enum db_backend
db_backend(const struct db *db)
{
	return db->ops->backend;
}

int
db_prepare(struct db *db, const char *sql, const struct db_arg *args, int n,
    struct db_stmt **out, struct kh_err *err)
{
	int rc;

	*out = NULL;
	rc = db->ops->prepare(db, sql, out, err);
	if (rc != 0)
		return rc;
	rc = db->ops->bind(*out, args, n, err);
	if (rc != 0) {
		db->ops->finalize(*out);
		*out = NULL;
	}
	return rc;
}

/* Every statement starts with a pointer to its connection. */
struct db_stmt_head {
	struct db *db;
};

static const struct db_ops *
ops_of(struct db_stmt *st)
{
	return ((struct db_stmt_head *)(void *)st)->db->ops;
}

int
db_rebind(struct db_stmt *st, const struct db_arg *args, int n,
    struct kh_err *err)
{
	return ops_of(st)->bind(st, args, n, err);
}

int
db_step(struct db_stmt *st, struct kh_err *err)
{
	return ops_of(st)->step(st, err);
}

bool
db_col_null(struct db_stmt *st, int col)
{
	return ops_of(st)->col_null(st, col);
}

const char *
db_col_text(struct db_stmt *st, int col)
{
	return ops_of(st)->col_text(st, col);
}

int64_t
db_col_int(struct db_stmt *st, int col)
{
	return ops_of(st)->col_int(st, col);
}

const void *
db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	return ops_of(st)->col_blob(st, col, len);
}

char *
db_col_strdup(struct db_stmt *st, int col, bool empty_for_null)
{
	const char *t = db_col_text(st, col);

	if (t == NULL)
		return empty_for_null ? xstrdup("") : NULL;
	return xstrdup(t);
}

int
db_col_count(struct db_stmt *st)
{
	return ops_of(st)->col_count(st);
}

void
db_finalize(struct db_stmt *st)
{
	if (st != NULL)
		ops_of(st)->finalize(st);
}

int
db_exec_args(struct db *db, const char *sql, const struct db_arg *args, int n,
    int64_t *changed, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db, sql, args, n, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1)
		;
	if (rc == 0 && changed != NULL)
		*changed = db->ops->changes(st);
	db_finalize(st);
	return rc;
}

int
db_exec_script(struct db *db, const char *sql, struct kh_err *err)
{
	return db->ops->exec_script(db, sql, err);
}

int
db_query_int(struct db *db, const char *sql, const struct db_arg *args, int n,
    int64_t *out, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db, sql, args, n, &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		*out = db_col_int(st, 0);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("Not found."), NULL);
	db_finalize(st);
	return rc;
}

int
db_query_text(struct db *db, const char *sql, const struct db_arg *args,
    int n, char **out_text, struct kh_err *err)
{
	struct db_stmt *st;
	const char *t;
	int rc;

	*out_text = NULL;
	rc = db_prepare(db, sql, args, n, &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		t = db_col_text(st, 0);
		*out_text = t != NULL ? xstrdup(t) : NULL;
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("Not found."), NULL);
	db_finalize(st);
	return rc;
}

int
db_begin(struct db *db, struct kh_err *err)
{
	int rc;

	if (db->tx_depth++ > 0)
		return 0;
	db->tx_failed = false;
	rc = db->ops->exec_script(db, db->ops->begin_sql, err);
	if (rc != 0)
		db->tx_depth = 0;
	return rc;
}

int
db_commit(struct db *db, struct kh_err *err)
{
	int rc;

	if (db->tx_depth <= 0)
		return kh_fail(err, KH_E_DB, NULL, NULL);
	if (--db->tx_depth > 0)
		return 0;
	if (db->tx_failed) {
		db->ops->exec_script(db, "ROLLBACK", NULL);
		db->tx_failed = false;
		kh_err_detail(err, "commit after a nested rollback");
		return kh_fail(err, KH_E_DB, NULL, NULL);
	}
	rc = db->ops->exec_script(db, "COMMIT", err);
	if (rc != 0)
		db->ops->exec_script(db, "ROLLBACK", NULL);
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->tx_depth <= 0)
		return;
	if (--db->tx_depth > 0) {
		db->tx_failed = true;
		return;
	}
	db->tx_failed = false;
	db->ops->exec_script(db, "ROLLBACK", NULL);
}

bool
db_in_tx(const struct db *db)
{
	return db->tx_depth > 0;
}

/* Bulk loading. */

struct db_copy {
	struct db *db;		/* connection being loaded */
	struct db_stmt *ins;	/* prepared INSERT when the backend has no COPY */
};

int
db_copy_begin(struct db *db, const char *table, const char *const *columns,
    int ncols, struct db_copy **out, struct kh_err *err)
{
	struct db_copy *c = xcalloc(1, sizeof(*c));
	struct buf sql = BUF_INIT;
	int rc, i;

	c->db = db;
	if (db->ops->copy_begin != NULL) {
		rc = db->ops->copy_begin(db, table, columns, ncols, err);
		goto out;
	}
	/* Table and column names come from code, never from input. */
	buf_printf(&sql, "INSERT INTO %s (", table);
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "", columns[i]);
	buf_puts(&sql, ") VALUES (");
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s$%d", i ? ", " : "", i + 1);
	buf_puts(&sql, ")");
	rc = db->ops->prepare(db, buf_str(&sql), &c->ins, err);
out:
	buf_free(&sql);
	if (rc != 0) {
		free(c);
		c = NULL;
	}
	*out = c;
	return rc;
}

int
db_copy_row(struct db_copy *c, const struct db_arg *vals, int n,
    struct kh_err *err)
{
	int rc;

	if (c->ins == NULL)
		return c->db->ops->copy_row(c->db, vals, n, err);
	rc = c->db->ops->bind(c->ins, vals, n, err);
	if (rc != 0)
		return rc;
	rc = c->db->ops->step(c->ins, err);
	return rc < 0 ? rc : 0;
}

int
db_copy_end(struct db_copy *c, struct kh_err *err)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	if (c->ins != NULL)
		c->db->ops->finalize(c->ins);
	else
		rc = c->db->ops->copy_end(c->db, err);
	free(c);
	return rc;
}

int
db_backup(struct db *db, const char *path, struct kh_err *err)
{
	return db->ops->backup(db, path, err);
}

/* Migrations. */

static char *
dialect(const struct db *db, const char *sql)
{
	struct buf b = BUF_INIT;
	const char *p = sql, *q;

	while ((q = strstr(p, "{{")) != NULL) {
		buf_append(&b, p, (size_t)(q - p));
		if (strncmp(q, "{{ID}}", 6) == 0) {
			buf_puts(&b, db->ops->id_type);
			p = q + 6;
		} else if (strncmp(q, "{{BLOB}}", 8) == 0) {
			buf_puts(&b, db->ops->blob_type);
			p = q + 8;
		} else {
			buf_puts(&b, "{{");
			p = q + 2;
		}
	}
	buf_puts(&b, p);
	return buf_steal(&b);
}

int
db_migrate(struct db *db, int *applied, struct kh_err *err)
{
	static const char create[] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	    " applied_at TEXT NOT NULL)";
	char now[STAMP_LEN];
	int64_t have;
	char *sql;
	int i, rc;

	stamp_now(now);
	if (applied != NULL)
		*applied = 0;
	rc = db_exec_script(db, create, err);
	if (rc != 0)
		return rc;
	for (i = 0; i < db_n_migrations; i++) {
		const struct db_migration *m = &db_migrations[i];

		rc = db_begin(db, err);
		if (rc != 0)
			return rc;
		rc = db_query_int(db,
		    "SELECT count(*) FROM schema_migrations WHERE version = $1",
		    DB_ARGS(DB_INT(m->version)), &have, err);
		if (rc == 0 && have == 0) {
			sql = dialect(db, m->sql);
			rc = db_exec_script(db, sql, err);
			free(sql);
			if (rc == 0)
				rc = db_exec_args(db,
				    "INSERT INTO schema_migrations (version, name,"
				    " applied_at) VALUES ($1, $2, $3)",
				    DB_ARGS(DB_INT(m->version), DB_TEXT(m->name),
				    DB_TEXT(now)), NULL, err);
			if (rc == 0) {
				log_info("applied migration %s", m->name);
				if (applied != NULL)
					(*applied)++;
			}
		}
		if (rc != 0) {
			db_rollback(db);
			return rc;
		}
		rc = db_commit(db, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Pool. */

#define POOL_MAX 16

static struct {
	pthread_mutex_t lock;
	char *url;
	struct db *idle[POOL_MAX];
	int n_idle;
	int max_idle;
} pool = {PTHREAD_MUTEX_INITIALIZER, NULL, {NULL}, 0, 0};

int
db_pool_init(const char *url, int max_idle, struct kh_err *err)
{
	struct db *db;
	int rc;

	rc = db_open(url, &db, err);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&pool.lock);
	free(pool.url);
	pool.url = xstrdup(url);
	pool.max_idle = max_idle < 1 ? 1 : max_idle > POOL_MAX ? POOL_MAX : max_idle;
	pool.idle[pool.n_idle++] = db;
	pthread_mutex_unlock(&pool.lock);
	return 0;
}

struct db *
db_pool_get(struct kh_err *err)
{
	struct db *db = NULL;
	char *url;

	pthread_mutex_lock(&pool.lock);
	if (pool.n_idle > 0)
		db = pool.idle[--pool.n_idle];
	url = pool.url != NULL ? xstrdup(pool.url) : NULL;
	pthread_mutex_unlock(&pool.lock);
	if (db == NULL && url != NULL && db_open(url, &db, err) != 0)
		db = NULL;
	free(url);
	return db;
}

void
db_pool_put(struct db *db)
{
	if (db == NULL)
		return;
	if (db->tx_depth > 0) {
		db->tx_depth = 1;
		db_rollback(db);
	}
	pthread_mutex_lock(&pool.lock);
	if (pool.n_idle < pool.max_idle) {
		pool.idle[pool.n_idle++] = db;
		db = NULL;
	}
	pthread_mutex_unlock(&pool.lock);
	db_close(db);
}

void
db_pool_shutdown(void)
{
	pthread_mutex_lock(&pool.lock);
	while (pool.n_idle > 0)
		db_close(pool.idle[--pool.n_idle]);
	free(pool.url);
	pool.url = NULL;
	pthread_mutex_unlock(&pool.lock);
}
