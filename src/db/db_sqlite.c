/*
 * db_sqlite.c - the SQLite backend.
 *
 * Connections run in WAL mode with synchronous=NORMAL, foreign keys on and a
 * busy timeout, so readers never block the single writer and a second writer
 * waits instead of failing. Placeholders are $1..$n: SQLite takes "$1" as a
 * named parameter, so each statement maps numbers to parameter indexes.
 *
 * Each connection keeps its prepared statements, keyed by their SQL text:
 * preparing costs more than running most of the small queries a page makes,
 * so a statement finalized by its caller goes back to the cache, reset.
 */
#include "db/db_impl.h"
#include "core/buf.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_stmt {
	struct db *db;		/* must come first (see db.c) */
	sqlite3_stmt *st;	/* the prepared statement */
	int *index;		/* index[k] = parameter index of $k, 0 if unused */
	int n_index;		/* entries in index */
	bool stepped;		/* stepped since the last bind */
	int64_t changes;	/* rows changed by the last run */
	int slot;		/* entry in the connection's cache, or -1 */
};

#define STMT_CACHE 128

/* A prepared statement owned by the connection's cache. */
struct cached_stmt {
	char *sql;		/* its text, the key */
	uint32_t hash;		/* hash of sql */
	sqlite3_stmt *st;
	int *index;		/* as in struct db_stmt */
	int n_index;
	bool busy;		/* handed out and not yet finalized */
};

struct stmt_cache {
	struct cached_stmt e[STMT_CACHE];
	int n;			/* entries used */
};

static uint32_t
sql_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int
fail_db(struct db *db, struct kh_err *err, int code)
{
	sqlite3 *h = db->handle;
	int kind = KH_E_DB;

	if (code == SQLITE_CONSTRAINT)
		kind = KH_E_CONFLICT;
	kh_err_detail(err, "sqlite: %s", h != NULL ? sqlite3_errmsg(h) : "open failed");
	return kh_fail(err, kind, NULL, NULL);
}

static int
s_open(struct db *db, const char *target, struct kh_err *err)
{
	sqlite3 *h = NULL;
	int rc;

	rc = sqlite3_open_v2(target, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	db->handle = h;
	if (rc != SQLITE_OK) {
		rc = fail_db(db, err, rc);
		kh_fail(err, KH_E_DB, N_("Cannot open the database %s."), target);
		sqlite3_close(h);
		db->handle = NULL;
		return rc;
	}
	db->cache = xcalloc(1, sizeof(struct stmt_cache));
	sqlite3_busy_timeout(h, 10000);
	rc = sqlite3_exec(h,
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	    " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
	    " PRAGMA cache_size=-65536;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = fail_db(db, err, rc);
		sqlite3_close(h);
		db->handle = NULL;
		free(db->cache);
		db->cache = NULL;
		return rc;
	}
	return 0;
}

static void
s_close(struct db *db)
{
	struct stmt_cache *c = db->cache;
	int i;

	for (i = 0; c != NULL && i < c->n; i++) {
		sqlite3_finalize(c->e[i].st);
		free(c->e[i].sql);
		free(c->e[i].index);
	}
	free(c);
	sqlite3_close(db->handle);
}

/* index[k] = SQLite's index of the parameter named "$k". */
static int *
map_params(sqlite3_stmt *st, int *n_index)
{
	int i, k, n = sqlite3_bind_parameter_count(st);
	int *index = xcalloc((size_t)n + 2, sizeof(int));
	const char *name;

	*n_index = n + 1;
	for (i = 1; i <= n; i++) {
		name = sqlite3_bind_parameter_name(st, i);
		if (name == NULL || name[0] != '$')
			continue;
		k = atoi(name + 1);
		if (k >= 1 && k < *n_index)
			index[k] = i;
	}
	return index;
}

static int
s_prepare(struct db *db, const char *sql, struct db_stmt **out,
    struct kh_err *err)
{
	struct stmt_cache *c = db->cache;
	sqlite3_stmt *st = NULL;
	struct db_stmt *s;
	uint32_t h = sql_hash(sql);
	int rc, i;

	s = xcalloc(1, sizeof(*s));
	s->db = db;
	s->slot = -1;
	for (i = 0; i < c->n; i++) {
		struct cached_stmt *e = &c->e[i];

		if (!e->busy && e->hash == h && strcmp(e->sql, sql) == 0) {
			e->busy = true;
			s->st = e->st;
			s->index = e->index;
			s->n_index = e->n_index;
			s->slot = i;
			*out = s;
			return 0;
		}
	}
	rc = sqlite3_prepare_v2(db->handle, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		free(s);
		return fail_db(db, err, rc);
	}
	s->st = st;
	s->index = map_params(st, &s->n_index);
	if (c->n < STMT_CACHE) {
		struct cached_stmt *e = &c->e[c->n];

		e->sql = xstrdup(sql);
		e->hash = h;
		e->st = st;
		e->index = s->index;
		e->n_index = s->n_index;
		e->busy = true;
		s->slot = c->n++;
	}
	*out = s;
	return 0;
}

static int
s_bind(struct db_stmt *s, const struct db_arg *args, int n, struct kh_err *err)
{
	int i, idx, rc = SQLITE_OK;

	if (s->stepped) {
		sqlite3_reset(s->st);
		s->stepped = false;
	}
	sqlite3_clear_bindings(s->st);
	for (i = 0; i < n; i++) {
		idx = i + 1 < s->n_index ? s->index[i + 1] : 0;
		if (idx == 0)
			continue;
		switch (args[i].type) {
		case DB_ARG_NULL:
			rc = sqlite3_bind_null(s->st, idx);
			break;
		case DB_ARG_TEXT:
			rc = args[i].s == NULL ? sqlite3_bind_null(s->st, idx) :
			    sqlite3_bind_text(s->st, idx, args[i].s, -1,
			    SQLITE_TRANSIENT);
			break;
		case DB_ARG_INT:
			rc = sqlite3_bind_int64(s->st, idx, args[i].i);
			break;
		case DB_ARG_BLOB:
			rc = sqlite3_bind_blob(s->st, idx, args[i].p,
			    (int)args[i].n, SQLITE_TRANSIENT);
			break;
		}
		if (rc != SQLITE_OK)
			return fail_db(s->db, err, rc);
	}
	return 0;
}

static int
s_step(struct db_stmt *s, struct kh_err *err)
{
	int rc;

	s->stepped = true;
	rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes64(s->db->handle);
		return 0;
	}
	rc = sqlite3_extended_errcode(s->db->handle) & 0xff;
	return fail_db(s->db, err, rc);
}

static bool
s_col_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static const char *
s_col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->st, col);
}

static int64_t
s_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

static const void *
s_col_blob(struct db_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(s->st, col);

	*len = (size_t)sqlite3_column_bytes(s->st, col);
	return p;
}

static int
s_col_count(struct db_stmt *s)
{
	return sqlite3_column_count(s->st);
}

static int64_t
s_changes(struct db_stmt *s)
{
	return s->changes;
}

static void
s_finalize(struct db_stmt *s)
{
	struct stmt_cache *c = s->db->cache;

	if (s->slot >= 0) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		c->e[s->slot].busy = false;
	} else {
		sqlite3_finalize(s->st);
		free(s->index);
	}
	free(s);
}

static int
s_exec_script(struct db *db, const char *sql, struct kh_err *err)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(db->handle, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		kh_err_detail(err, "sqlite: %s", msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return kh_fail(err, rc == SQLITE_CONSTRAINT ? KH_E_CONFLICT :
		    KH_E_DB, NULL, NULL);
	}
	return 0;
}

static int
s_backup(struct db *db, const char *path, struct kh_err *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	int rc;

	rc = sqlite3_open(path, &dst);
	if (rc != SQLITE_OK) {
		sqlite3_close(dst);
		return kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
	}
	bk = sqlite3_backup_init(dst, "main", db->handle, "main");
	if (bk == NULL) {
		kh_err_detail(err, "sqlite: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return kh_fail(err, KH_E_DB, NULL, NULL);
	}
	do {
		rc = sqlite3_backup_step(bk, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	sqlite3_close(dst);
	if (rc != SQLITE_DONE)
		return kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
	return 0;
}

const struct db_ops db_sqlite_ops = {
	.backend = DB_SQLITE,
	.open = s_open,
	.close = s_close,
	.prepare = s_prepare,
	.bind = s_bind,
	.step = s_step,
	.col_null = s_col_null,
	.col_text = s_col_text,
	.col_int = s_col_int,
	.col_blob = s_col_blob,
	.col_count = s_col_count,
	.changes = s_changes,
	.finalize = s_finalize,
	.exec_script = s_exec_script,
	.begin_sql = "BEGIN IMMEDIATE",
	.copy_begin = NULL,
	.copy_row = NULL,
	.copy_end = NULL,
	.backup = s_backup,
	.id_type = "INTEGER PRIMARY KEY",
	.blob_type = "BLOB",
};
