/*
 * uploads.c - see uploads.h.
 */
#include "uploads/uploads.h"
#include "core/buf.h"
#include "core/date.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void
upload_cleanup(struct upload *u)
{
	free(u->kind);
	free(u->filename);
	free(u->data);
	memset(u, 0, sizeof(*u));
}

int
uploads_put(struct db *db, const struct actor *a, int64_t unit_id,
    const char *kind, const char *filename, const void *data, size_t size,
    char token[UPLOADS_TOKEN_LEN], struct kh_err *err)
{
	unsigned char raw[16];
	char now[STAMP_LEN], old[STAMP_LEN];
	int rc;

	rc = auth_can_write(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	if (a->user_id <= 0)
		return kh_fail(err, KH_E_FORBIDDEN,
		    N_("Your role does not allow this."), NULL);
	if (size == 0)
		return kh_fail_field(err, KH_E_INVALID, "file",
		    N_("Choose a file to send."), NULL);
	if (sodium_init() < 0)
		return kh_fail(err, KH_E_IO, NULL, NULL);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, UPLOADS_TOKEN_LEN, raw, sizeof(raw));
	stamp_now(now);
	stamp_after(-UPLOADS_KEEP_SECONDS, old);
	rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = db_exec_args(db, "DELETE FROM uploads WHERE created_at < $1",
	    DB_ARGS(DB_TEXT(old)), NULL, err);
	if (rc == 0)
		rc = db_exec_args(db, "INSERT INTO uploads (token, user_id, unit_id,"
		    " kind, filename, size, data, created_at)"
		    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		    DB_ARGS(DB_TEXT(token), DB_INT(a->user_id), DB_INT(unit_id),
		    DB_TEXT(kind), DB_TEXT(filename != NULL ? filename : ""),
		    DB_INT((int64_t)size), DB_BLOB(data, size), DB_TEXT(now)), NULL,
		    err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

int
uploads_get(struct db *db, const struct actor *a, const char *token,
    struct upload *out, struct kh_err *err)
{
	struct db_stmt *st;
	const void *p;
	size_t len;
	char old[STAMP_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	stamp_after(-UPLOADS_KEEP_SECONDS, old);
	rc = db_prepare(db, "SELECT id, unit_id, kind, filename, data FROM uploads"
	    " WHERE token = $1 AND user_id = $2 AND created_at >= $3",
	    DB_ARGS(DB_TEXT(token), DB_INT(a->user_id), DB_TEXT(old)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_int(st, 0);
		out->unit_id = db_col_int(st, 1);
		out->kind = xstrdup(db_col_text(st, 2));
		out->filename = xstrdup(db_col_text(st, 3));
		p = db_col_blob(st, 4, &len);
		out->data = xmalloc(len + 1);
		if (len > 0)
			memcpy(out->data, p, len);
		out->size = len;
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("This file is no longer kept:"
		    " send it again."), NULL);
	db_finalize(st);
	if (rc == 0) {
		rc = auth_can_write(db, a, out->unit_id, err);
		if (rc != 0)
			upload_cleanup(out);
	}
	return rc;
}
