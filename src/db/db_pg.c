/*
 * db_pg.c - the PostgreSQL backend on libpq.
 *
 * Statements are prepared once per connection (PQprepare, named by their
 * place in the connection's cache, keyed by the SQL text and the parameter
 * types) and run with PQexecPrepared, so a page's small queries are parsed
 * and planned once per connection rather than on every call. Text parameters
 * are typed text or int8, blobs sent in binary as bytea; results come in text
 * format except bytea columns, decoded from their hex form on first access.
 * Bulk loads use COPY ... FROM STDIN in text format.
 */
#include "db/db_impl.h"
#include "core/buf.h"

#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25

struct db_stmt {
	struct db *db;		/* must come first (see db.c) */
	char *sql;		/* the statement text */
	int n;			/* parameters bound */
	Oid *types;		/* parameter types */
	char **values;		/* parameter values (malloc'd) */
	int *lengths;		/* parameter lengths (blobs) */
	int *formats;		/* 1 for binary (blobs) */
	PGresult *res;		/* result of the last run, NULL before it */
	int row;		/* current row, -1 before the first */
	unsigned char **blobs;	/* decoded bytea per column of the current row */
	size_t *blob_lens;	/* their lengths */
};

#define PG_CACHE 256

/* A statement prepared on the connection. */
struct pg_prepared {
	char *sql;		/* its text */
	char *sig;		/* the parameter types, e.g. "ti-b" */
	uint32_t hash;		/* of sql and sig */
	char name[16];		/* "kh12" */
};

struct pg_cache {
	struct pg_prepared e[PG_CACHE];
	int n;
};

static uint32_t
hash2(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (; *a != '\0'; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	for (; *b != '\0'; b++)
		h = (h ^ (unsigned char)*b) * 16777619u;
	return h;
}

static int
fail_pg(struct db *db, PGresult *res, struct kh_err *err)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int kind = KH_E_DB;

	if (state != NULL && strncmp(state, "23", 2) == 0)
		kind = KH_E_CONFLICT;
	kh_err_detail(err, "postgresql: %s", res != NULL ?
	    PQresultErrorMessage(res) : PQerrorMessage(db->handle));
	return kh_fail(err, kind, NULL, NULL);
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int
p_open(struct db *db, const char *target, struct kh_err *err)
{
	PGconn *c = PQconnectdb(target);

	db->handle = c;
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		kh_err_detail(err, "postgresql: %s",
		    c != NULL ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		db->handle = NULL;
		return kh_fail(err, KH_E_DB,
		    N_("Cannot connect to the database server."), NULL);
	}
	PQsetNoticeProcessor(c, notice_quiet, NULL);
	db->cache = xcalloc(1, sizeof(struct pg_cache));
	return 0;
}

static void
p_close(struct db *db)
{
	struct pg_cache *c = db->cache;

	for (int i = 0; c != NULL && i < c->n; i++) {
		free(c->e[i].sql);
		free(c->e[i].sig);
	}
	free(c);
	PQfinish(db->handle);
}

/*
 * The name of s prepared on its connection, preparing it on first use; NULL
 * when the cache is full (the caller then runs it unprepared) or on error
 * (*failed set, err filled).
 */
static const char *
prepared_name(struct db_stmt *s, bool *failed, struct kh_err *err)
{
	struct pg_cache *c = s->db->cache;
	struct pg_prepared *e;
	char sig[64];
	PGresult *res;
	uint32_t h;
	int i;

	*failed = false;
	if (c == NULL || s->n >= (int)sizeof(sig))
		return NULL;
	for (i = 0; i < s->n; i++)
		sig[i] = s->types[i] == OID_TEXT ? 't' : s->types[i] == OID_INT8 ?
		    'i' : s->types[i] == OID_BYTEA ? 'b' : '-';
	sig[i] = '\0';
	h = hash2(s->sql, sig);
	for (i = 0; i < c->n; i++)
		if (c->e[i].hash == h && strcmp(c->e[i].sig, sig) == 0 &&
		    strcmp(c->e[i].sql, s->sql) == 0)
			return c->e[i].name;
	if (c->n == PG_CACHE)
		return NULL;
	e = &c->e[c->n];
	snprintf(e->name, sizeof(e->name), "kh%d", c->n);
	res = PQprepare(s->db->handle, e->name, s->sql, s->n, s->types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*failed = true;
		fail_pg(s->db, res, err);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	e->sql = xstrdup(s->sql);
	e->sig = xstrdup(sig);
	e->hash = h;
	c->n++;
	return e->name;
}

static void
clear_row(struct db_stmt *s)
{
	int i, n;

	if (s->blobs == NULL || s->res == NULL)
		return;
	n = PQnfields(s->res);
	for (i = 0; i < n; i++) {
		PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
}

static void
clear_run(struct db_stmt *s)
{
	clear_row(s);
	free(s->blobs);
	free(s->blob_lens);
	s->blobs = NULL;
	s->blob_lens = NULL;
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
}

static void
clear_params(struct db_stmt *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free(s->values[i]);
	free(s->values);
	free(s->types);
	free(s->lengths);
	free(s->formats);
	s->values = NULL;
	s->types = NULL;
	s->lengths = NULL;
	s->formats = NULL;
	s->n = 0;
}

static int
p_prepare(struct db *db, const char *sql, struct db_stmt **out,
    struct kh_err *err)
{
	struct db_stmt *s = xcalloc(1, sizeof(*s));

	(void)err;
	s->db = db;
	s->sql = xstrdup(sql);
	s->row = -1;
	*out = s;
	return 0;
}

static int
p_bind(struct db_stmt *s, const struct db_arg *args, int n, struct kh_err *err)
{
	int i;

	(void)err;
	clear_run(s);
	clear_params(s);
	s->n = n;
	s->values = xcalloc((size_t)n + 1, sizeof(char *));
	s->types = xcalloc((size_t)n + 1, sizeof(Oid));
	s->lengths = xcalloc((size_t)n + 1, sizeof(int));
	s->formats = xcalloc((size_t)n + 1, sizeof(int));
	for (i = 0; i < n; i++) {
		switch (args[i].type) {
		case DB_ARG_NULL:
			break;
		case DB_ARG_TEXT:
			s->types[i] = OID_TEXT;
			if (args[i].s != NULL)
				s->values[i] = xstrdup(args[i].s);
			break;
		case DB_ARG_INT:
			s->types[i] = OID_INT8;
			s->values[i] = xasprintf("%" PRId64, args[i].i);
			break;
		case DB_ARG_BLOB:
			s->types[i] = OID_BYTEA;
			s->values[i] = xmalloc(args[i].n + 1);
			memcpy(s->values[i], args[i].p, args[i].n);
			s->lengths[i] = (int)args[i].n;
			s->formats[i] = 1;
			break;
		}
	}
	return 0;
}

static int
p_step(struct db_stmt *s, struct kh_err *err)
{
	ExecStatusType st;
	int rc;

	if (s->res == NULL) {
		bool failed;
		const char *name = prepared_name(s, &failed, err);

		if (failed)
			return err != NULL && err->kind != 0 ? err->kind : KH_E_DB;
		if (name != NULL)
			s->res = PQexecPrepared(s->db->handle, name, s->n,
			    (const char *const *)s->values, s->lengths, s->formats, 0);
		else
			s->res = PQexecParams(s->db->handle, s->sql, s->n, s->types,
			    (const char *const *)s->values, s->lengths, s->formats, 0);
		st = PQresultStatus(s->res);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
			rc = fail_pg(s->db, s->res, err);
			PQclear(s->res);
			s->res = NULL;
			return rc;
		}
		s->blobs = xcalloc((size_t)PQnfields(s->res) + 1,
		    sizeof(unsigned char *));
		s->blob_lens = xcalloc((size_t)PQnfields(s->res) + 1,
		    sizeof(size_t));
		s->row = -1;
	}
	clear_row(s);
	if (s->row + 1 < PQntuples(s->res)) {
		s->row++;
		return 1;
	}
	s->row = PQntuples(s->res);
	return 0;
}

static bool
p_col_null(struct db_stmt *s, int col)
{
	return PQgetisnull(s->res, s->row, col);
}

static const char *
p_col_text(struct db_stmt *s, int col)
{
	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t
p_col_int(struct db_stmt *s, int col)
{
	const char *v;

	if (PQgetisnull(s->res, s->row, col))
		return 0;
	v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

static const void *
p_col_blob(struct db_stmt *s, int col, size_t *len)
{
	*len = 0;
	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	if (PQftype(s->res, col) != OID_BYTEA) {
		*len = (size_t)PQgetlength(s->res, s->row, col);
		return PQgetvalue(s->res, s->row, col);
	}
	if (s->blobs[col] == NULL)
		s->blobs[col] = PQunescapeBytea((const unsigned char *)
		    PQgetvalue(s->res, s->row, col), &s->blob_lens[col]);
	*len = s->blob_lens[col];
	return s->blobs[col];
}

static int
p_col_count(struct db_stmt *s)
{
	return s->res != NULL ? PQnfields(s->res) : 0;
}

static int64_t
p_changes(struct db_stmt *s)
{
	const char *t = s->res != NULL ? PQcmdTuples(s->res) : "";

	return *t != '\0' ? strtoll(t, NULL, 10) : 0;
}

static void
p_finalize(struct db_stmt *s)
{
	clear_run(s);
	clear_params(s);
	free(s->sql);
	free(s);
}

static int
p_exec_script(struct db *db, const char *sql, struct kh_err *err)
{
	PGresult *res = PQexec(db->handle, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = fail_pg(db, res, err);
	PQclear(res);
	return rc;
}

static int
p_copy_begin(struct db *db, const char *table, const char *const *columns,
    int ncols, struct kh_err *err)
{
	struct buf sql = BUF_INIT;
	PGresult *res;
	int i, rc = 0;

	buf_printf(&sql, "COPY %s (", table);
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "", columns[i]);
	buf_puts(&sql, ") FROM STDIN");
	res = PQexec(db->handle, buf_str(&sql));
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = fail_pg(db, res, err);
	PQclear(res);
	buf_free(&sql);
	return rc;
}

static void
copy_text(struct buf *line, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\': buf_puts(line, "\\\\"); break;
		case '\t': buf_puts(line, "\\t"); break;
		case '\n': buf_puts(line, "\\n"); break;
		case '\r': buf_puts(line, "\\r"); break;
		default: buf_putc(line, *s);
		}
	}
}

static int
p_copy_row(struct db *db, const struct db_arg *vals, int n, struct kh_err *err)
{
	static const char hex[] = "0123456789abcdef";
	struct buf line = BUF_INIT;
	const unsigned char *p;
	size_t k;
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&line, '\t');
		switch (vals[i].type) {
		case DB_ARG_NULL:
			buf_puts(&line, "\\N");
			break;
		case DB_ARG_TEXT:
			if (vals[i].s == NULL)
				buf_puts(&line, "\\N");
			else
				copy_text(&line, vals[i].s);
			break;
		case DB_ARG_INT:
			buf_printf(&line, "%" PRId64, vals[i].i);
			break;
		case DB_ARG_BLOB:
			buf_puts(&line, "\\\\x");
			p = vals[i].p;
			for (k = 0; k < vals[i].n; k++) {
				buf_putc(&line, hex[p[k] >> 4]);
				buf_putc(&line, hex[p[k] & 15]);
			}
			break;
		}
	}
	buf_putc(&line, '\n');
	if (PQputCopyData(db->handle, line.data, (int)line.len) != 1)
		rc = fail_pg(db, NULL, err);
	buf_free(&line);
	return rc;
}

static int
p_copy_end(struct db *db, struct kh_err *err)
{
	PGresult *res;
	int rc = 0;

	if (PQputCopyEnd(db->handle, NULL) != 1)
		return fail_pg(db, NULL, err);
	while ((res = PQgetResult(db->handle)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
			rc = fail_pg(db, res, err);
		PQclear(res);
	}
	return rc;
}

static int
p_backup(struct db *db, const char *path, struct kh_err *err)
{
	char *dbname = xasprintf("--dbname=%s", db->url);
	char *file = xasprintf("--file=%s", path);
	char *argv[] = {"pg_dump", "--format=custom", dbname, file, NULL};
	pid_t pid;
	int status = 0, rc;

	rc = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
	if (rc == 0 && waitpid(pid, &status, 0) < 0)
		rc = -1;
	free(dbname);
	free(file);
	if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return kh_fail(err, KH_E_IO,
		    N_("pg_dump could not write the backup %s."), path);
	return 0;
}

const struct db_ops db_pg_ops = {
	.backend = DB_PG,
	.open = p_open,
	.close = p_close,
	.prepare = p_prepare,
	.bind = p_bind,
	.step = p_step,
	.col_null = p_col_null,
	.col_text = p_col_text,
	.col_int = p_col_int,
	.col_blob = p_col_blob,
	.col_count = p_col_count,
	.changes = p_changes,
	.finalize = p_finalize,
	.exec_script = p_exec_script,
	.begin_sql = "BEGIN",
	.copy_begin = p_copy_begin,
	.copy_row = p_copy_row,
	.copy_end = p_copy_end,
	.backup = p_backup,
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.blob_type = "BYTEA",
};
