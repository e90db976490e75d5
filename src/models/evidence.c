/*
 * evidence.c - files that support a registration's assessment (photos of a
 * bookshelf, a fund's receipt book, a unit's plan), kept in the database
 * with their name, type, size and SHA-256, at most 5 MiB each.
 */
#include "models/models_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/vntext.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
model_evidence_cleanup(struct model_evidence *e)
{
	free(e->item_code);
	free(e->name);
	free(e->content_type);
	free(e->sha256);
	free(e->created_at);
	free(e->data);
	memset(e, 0, sizeof(*e));
}

void
model_evidence_list_cleanup(struct model_evidence_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		model_evidence_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* "type/subtype" in printable ASCII without spaces, at most 100 bytes. */
static bool
content_type_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n < 3 || n > 100 || strchr(s, '/') == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]))
			return false;
	return true;
}

int
models_evidence_add(struct db *db, const struct actor *a, int64_t reg_id,
    const char *item_code, const char *name_in, const char *content_type,
    const void *data, size_t size, int64_t *id_out, struct kh_err *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1], now[STAMP_LEN], ids[24];
	struct criteria_set set;
	struct reg_core r;
	char *name = NULL;
	int64_t id = 0;
	json_t *after = NULL;
	int rc;

	memset(&set, 0, sizeof(set));
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_write(db, a, r.unit_id, err);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, REG_RECOGNISED) == 0 ||
	    strcmp(r.state, REG_WITHDRAWN) == 0)
		return models_wrong_state(err, a, N_("This registration is %s; no"
		    " more evidence can be added."), r.state);
	if (size > MODELS_EVIDENCE_MAX)
		return kh_fail_field(err, KH_E_TOO_LARGE, "file", N_("The file is"
		    " larger than 5 MiB."), NULL);
	if (data == NULL || size == 0)
		return kh_fail_field(err, KH_E_INVALID, "file", N_("The file is"
		    " empty."), NULL);
	if (!content_type_ok(content_type))
		return kh_fail_field(err, KH_E_INVALID, "content_type",
		    N_("The type of the file is not valid."), NULL);
	if (item_code != NULL && item_code[0] != '\0') {
		rc = models_set_load(db, r.set_id, &set, err);
		if (rc == 0 && criteria_find(&set, item_code) == NULL)
			rc = kh_fail_field(err, KH_E_INVALID, "item_code",
			    N_("The criteria set has no indicator %s."), item_code);
		criteria_set_cleanup(&set);
		if (rc != 0)
			return rc;
	} else
		item_code = NULL;
	name = name_in != NULL ? vn_nfc(name_in, strlen(name_in)) : NULL;
	if (name == NULL || name[0] == '\0' || strlen(name) > 255 ||
	    strpbrk(name, "/\\\r\n") != NULL) {
		free(name);
		return kh_fail_field(err, KH_E_INVALID, "name", N_("The file name is"
		    " not valid."), NULL);
	}
	if (sodium_init() < 0) {
		free(name);
		return kh_fail(err, KH_E_IO, NULL, NULL);
	}
	crypto_hash_sha256(h, data, size);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO model_evidence (registration_id,"
		    " item_code, name, content_type, size, sha256, data, created_at,"
		    " user_id, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
		    " RETURNING id",
		    DB_ARGS(DB_INT(reg_id), DB_TEXT(item_code), DB_TEXT(name),
		    DB_TEXT(content_type), DB_INT(size), DB_TEXT(hex),
		    DB_BLOB(data, size), DB_TEXT(now),
		    a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL,
		    DB_TEXT(a->login)), &id, err);
	if (rc == 0) {
		models_id_str(id, ids);
		after = json_pack("{s:I, s:s, s:s, s:I, s:s}", "registration_id",
		    (json_int_t)reg_id, "name", name, "content_type", content_type,
		    "size", (json_int_t)size, "sha256", hex);
		if (item_code != NULL)
			json_object_set_new(after, "item_code", json_string(item_code));
		rc = audit_record(db, a, r.unit_id, "create", "model_evidence", ids,
		    NULL, after, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
	json_decref(after);
	free(name);
	return rc;
}

#define SQL_EVIDENCE_COLS \
	"SELECT e.id, e.registration_id, e.item_code, e.name, e.content_type," \
	" e.size, e.sha256, e.created_at"

static void
evidence_from_row(struct db_stmt *st, struct model_evidence *e)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->registration_id = db_col_int(st, 1);
	e->item_code = models_col_dup(st, 2);
	e->name = models_col_str(st, 3);
	e->content_type = models_col_str(st, 4);
	e->size = (size_t)db_col_int(st, 5);
	e->sha256 = models_col_str(st, 6);
	e->created_at = models_col_str(st, 7);
}

int
models_evidence_get(struct db *db, const struct actor *a, int64_t id,
    struct model_evidence *out, struct kh_err *err)
{
	struct db_stmt *st;
	struct reg_core r;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, SQL_EVIDENCE_COLS ", e.data FROM model_evidence e"
	    " WHERE e.id = $1", DB_ARGS(DB_INT(id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		const void *p;
		size_t n = 0;

		evidence_from_row(st, out);
		p = db_col_blob(st, 8, &n);
		out->data = xmalloc(n + 1);
		if (n > 0)
			memcpy(out->data, p, n);
		out->size = n;
		rc = 0;
	} else if (rc == 0) {
		models_id_str(id, ids);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No evidence file has the"
		    " number %s."), ids);
	}
	db_finalize(st);
	if (rc == 0)
		rc = models_reg_load(db, out->registration_id, &r, err);
	if (rc == 0)
		rc = auth_can_read(db, a, r.unit_id, err);
	if (rc != 0)
		model_evidence_cleanup(out);
	return rc;
}

int
models_evidence_list(struct db *db, const struct actor *a, int64_t reg_id,
    struct model_evidence_list *out, struct kh_err *err)
{
	struct db_stmt *st;
	struct reg_core r;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_read(db, a, r.unit_id, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_EVIDENCE_COLS " FROM model_evidence e"
		    " WHERE e.registration_id = $1 ORDER BY e.id",
		    DB_ARGS(DB_INT(reg_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->items = xrealloc(out->items,
			    out->cap * sizeof(*out->items));
		}
		evidence_from_row(st, &out->items[out->n++]);
	}
	db_finalize(st);
	if (rc < 0) {
		model_evidence_list_cleanup(out);
		return rc;
	}
	return 0;
}
