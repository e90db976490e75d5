/*
 * org.c - organisations that users record under the official units:
 * villages, schools, enterprises, agencies, association chapters, boards,
 * community learning centres. Each change runs in one transaction with its
 * audit record.
 *
 * Official units (country, provinces, districts, communes) come only from
 * the imported data (import.c) and are refused here.
 */
#include "auth/audit.h"
#include "core/buf.h"
#include "core/vntext.h"
#include "units/units_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARS 200
#define CODE_MAX_BYTES 31	/* fits struct actor's unit_code */
#define TEXT_MAX_CHARS 2000	/* address, note */

/* Characters (code points) in valid UTF-8. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * A text field typed by a user: NFC, surrounding spaces removed, runs of
 * white space inside one line kept as they are. NULL in gives NULL out;
 * KH_E_INVALID for bad UTF-8 or more than max characters.
 */
static int
clean_text(const char *in, size_t max, const char *field, char **out,
    struct kh_err *err)
{
	const char *p, *end;
	char *nfc;

	*out = NULL;
	if (in == NULL)
		return 0;
	p = in;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	nfc = vn_nfc(p, (size_t)(end - p));
	if (nfc == NULL)
		return kh_fail_field(err, KH_E_INVALID, field,
		    N_("The text is not valid UTF-8."), NULL);
	if (utf8_chars(nfc) > max) {
		free(nfc);
		return kh_fail_field(err, KH_E_INVALID, field,
		    N_("The text is too long."), NULL);
	}
	*out = nfc;
	return 0;
}

static bool
code_ok(const char *code)
{
	const char *p;

	if (*code == '\0' || strlen(code) > CODE_MAX_BYTES)
		return false;
	for (p = code; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return false;
	return true;
}

/*
 * The next free code under a parent: its code, "-" and a running number of
 * at least two digits ("10507-01"). Numbers used by any unit with that
 * prefix count, whatever its dates, so a code never names two organisations
 * of the same parent code even across the 2025 restructuring.
 */
static int
next_code(struct db *db, const char *parent_code, char **out,
    struct kh_err *err)
{
	static const char sql[] =
	    "SELECT code FROM units WHERE code LIKE $1 || '-%'";
	size_t plen = strlen(parent_code);
	struct db_stmt *st;
	long max = 0, v;
	const char *c, *p;
	char *end;
	int rc;

	*out = NULL;
	rc = db_prepare(db, sql, DB_ARGS(DB_TEXT(parent_code)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		c = db_col_text(st, 0);
		/* LIKE also matched "_" as any character: check exactly. */
		if (c == NULL || strncmp(c, parent_code, plen) != 0 ||
		    c[plen] != '-')
			continue;
		p = c + plen + 1;
		if (*p < '0' || *p > '9')
			continue;
		v = strtol(p, &end, 10);
		if (*end == '\0' && v > max && v < 1000000)
			max = v;
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	*out = xasprintf("%s-%02ld", parent_code, max + 1);
	return 0;
}

/* Another unit with this code whose validity overlaps [from, to]. */
static int
check_overlap(struct db *db, const char *code, const char *from,
    const char *to, int64_t self_id, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT count(*) FROM units WHERE code = $1 AND id <> $4"
	    " AND (valid_to IS NULL OR valid_to >= $2)"
	    " AND ($3 IS NULL OR valid_from <= $3)";
	int64_t n = 0;
	int rc;

	rc = db_query_int(db, sql, DB_ARGS(DB_TEXT(code), DB_TEXT(from),
	    DB_TEXT(to), DB_INT(self_id)), &n, err);
	if (rc != 0)
		return rc;
	if (n > 0)
		return kh_fail_field(err, KH_E_CONFLICT, "code",
		    N_("The code %s is already used by another unit in that"
		    " period."), code);
	return 0;
}

/*
 * The dates of an organisation against its parent's: it begins on or after
 * the parent and ends by the parent's end. An open end under a parent that
 * ended is closed on the parent's last day (*to_io is replaced).
 */
static int
check_dates(const struct unit *parent, const char *from, char **to_io,
    struct kh_err *err)
{
	if (*to_io != NULL && strcmp(*to_io, from) < 0)
		return kh_fail_field(err, KH_E_INVALID, "valid_to",
		    N_("The end date comes before the start date."), NULL);
	if (strcmp(from, parent->valid_from) < 0 || (parent->valid_to != NULL &&
	    strcmp(from, parent->valid_to) > 0))
		return kh_fail_field(err, KH_E_INVALID, "valid_from",
		    N_("The start date lies outside the time %s existed."),
		    parent->name);
	if (parent->valid_to != NULL) {
		if (*to_io == NULL)
			*to_io = xstrdup(parent->valid_to);
		else if (strcmp(*to_io, parent->valid_to) > 0)
			return kh_fail_field(err, KH_E_INVALID, "valid_to",
			    N_("The end date lies after %s ceased to exist."),
			    parent->name);
	}
	return 0;
}

static json_t *
org_json(const char *code, const char *name, const char *kind,
    const char *parent_code, const char *from, const char *to,
    const char *address, const char *note)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", json_string(code));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "parent_code", json_string(parent_code));
	json_object_set_new(o, "valid_from", json_string(from));
	json_object_set_new(o, "valid_to", to != NULL ? json_string(to) :
	    json_null());
	json_object_set_new(o, "address", json_string(address));
	json_object_set_new(o, "note", json_string(note));
	return o;
}

/* Insert the unit and its closure rows: the parent's ancestors and itself. */
static int
insert_org(struct db *db, int64_t parent_id, const char *code,
    const char *name, const char *kind, const char *from, const char *to,
    const char *address, const char *note, int64_t *id, struct kh_err *err)
{
	static const char sql_unit[] =
	    "INSERT INTO units (code, name, kind, type_name, parent_id,"
	    " valid_from, valid_to, search_key, sort_key, address, note,"
	    " created_at, updated_at)"
	    " VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9, $10, $11, $11)"
	    " RETURNING id";
	static const char sql_tree[] =
	    "INSERT INTO unit_tree (ancestor_id, descendant_id, depth)"
	    " SELECT ancestor_id, $1, depth + 1 FROM unit_tree"
	    " WHERE descendant_id = $2";
	static const char sql_self[] =
	    "INSERT INTO unit_tree (ancestor_id, descendant_id, depth)"
	    " VALUES ($1, $1, 0)";
	char now[STAMP_LEN];
	unsigned char *sk;
	size_t sk_len = 0;
	char *key;
	int rc;

	stamp_now(now);
	key = vn_search_key(name);
	sk = vn_text_sort_key(name, &sk_len);
	rc = db_query_int(db, sql_unit, DB_ARGS(DB_TEXT(code), DB_TEXT(name),
	    DB_TEXT(kind), DB_INT(parent_id), DB_TEXT(from), DB_TEXT(to),
	    DB_TEXT(key), sk != NULL ? DB_BLOB(sk, sk_len) : DB_NULL,
	    DB_TEXT(address), DB_TEXT(note), DB_TEXT(now)), id, err);
	free(key);
	free(sk);
	if (rc == 0)
		rc = db_exec_args(db, sql_tree, DB_ARGS(DB_INT(*id),
		    DB_INT(parent_id)), NULL, err);
	if (rc == 0)
		rc = db_exec_args(db, sql_self, DB_ARGS(DB_INT(*id)), NULL, err);
	return rc;
}

int
units_create_org(struct db *db, const struct actor *a, int64_t parent_id,
    const struct unit_input *in, struct unit *out, struct kh_err *err)
{
	struct unit parent = UNIT_INIT;
	char *code = NULL, *name = NULL, *address = NULL, *note = NULL;
	char *to = NULL;
	char from[DATE_LEN], to_day[DATE_LEN];
	json_t *after = NULL;
	bool in_tx = false;
	int64_t id = 0;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	rc = unit_load(db, parent_id, &parent, err);
	if (rc == 0)
		rc = auth_can_write(db, a, parent_id, err);
	if (rc != 0)
		goto out;
	if (!units_kind_is_org(in->kind)) {
		rc = kh_fail_field(err, KH_E_INVALID, "kind",
		    N_("Choose what kind of organisation this is."), NULL);
		goto out;
	}
	rc = clean_text(in->name, NAME_MAX_CHARS, "name", &name, err);
	if (rc == 0 && (name == NULL || *name == '\0'))
		rc = kh_fail_field(err, KH_E_INVALID, "name",
		    N_("Give the name of the organisation."), NULL);
	if (rc == 0)
		rc = clean_text(in->address != NULL ? in->address : "",
		    TEXT_MAX_CHARS, "address", &address, err);
	if (rc == 0)
		rc = clean_text(in->note != NULL ? in->note : "",
		    TEXT_MAX_CHARS, "note", &note, err);
	if (rc == 0)
		rc = clean_text(in->code, CODE_MAX_BYTES, "code", &code, err);
	if (rc == 0 && code != NULL && *code != '\0' && !code_ok(code))
		rc = kh_fail_field(err, KH_E_INVALID, "code",
		    N_("A code may hold only letters without marks, digits, "
		    "'-', '_' and '.', at most 31 of them."), NULL);
	if (rc == 0)
		rc = units_date_arg(in->valid_from, true, from, "valid_from",
		    err);
	if (rc == 0)
		rc = units_date_arg(in->valid_to, false, to_day, "valid_to",
		    err);
	if (rc != 0)
		goto out;
	if (to_day[0] != '\0')
		to = xstrdup(to_day);
	rc = check_dates(&parent, from, &to, err);
	if (rc != 0)
		goto out;

	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	in_tx = true;
	if (code == NULL || *code == '\0') {
		free(code);
		rc = next_code(db, parent.code, &code, err);
		if (rc != 0)
			goto out;
	}
	rc = check_overlap(db, code, from, to, 0, err);
	if (rc == 0)
		rc = insert_org(db, parent_id, code, name, in->kind, from, to,
		    address, note, &id, err);
	if (rc == 0) {
		after = org_json(code, name, in->kind, parent.code, from, to,
		    address, note);
		rc = audit_record(db, a, id, "create", "unit", code, NULL, after,
		    err);
	}
	if (rc == 0) {
		in_tx = false;
		rc = db_commit(db, err);
	}
	if (rc == 0 && out != NULL)
		rc = units_get(db, a, id, out, err);
out:
	if (in_tx)
		db_rollback(db);
	json_decref(after);
	unit_cleanup(&parent);
	free(code);
	free(name);
	free(address);
	free(note);
	free(to);
	return rc;
}

/* Record a changed text field in before/after. */
static void
diff_field(json_t *before, json_t *after, const char *field, const char *old,
    const char *new)
{
	if ((old == NULL && new == NULL) ||
	    (old != NULL && new != NULL && strcmp(old, new) == 0))
		return;
	json_object_set_new(before, field, old != NULL ? json_string(old) :
	    json_null());
	json_object_set_new(after, field, new != NULL ? json_string(new) :
	    json_null());
}

/*
 * Fields of in that are NULL keep their value; an empty valid_to reopens the
 * end, an empty address or note clears it. The code, kind and parent of an
 * organisation stay as they are. Nothing is written (and nothing audited)
 * when nothing changes.
 */
int
units_update_org(struct db *db, const struct actor *a, int64_t id,
    const struct unit_input *in, struct kh_err *err)
{
	static const char sql[] =
	    "UPDATE units SET name = $2, valid_from = $3, valid_to = $4,"
	    " address = $5, note = $6, search_key = $7, sort_key = $8,"
	    " updated_at = $9 WHERE id = $1";
	struct unit u = UNIT_INIT, parent = UNIT_INIT;
	char *name = NULL, *address = NULL, *note = NULL, *to = NULL;
	char from[DATE_LEN], to_day[DATE_LEN], now[STAMP_LEN];
	json_t *before = json_object(), *after = json_object();
	unsigned char *sk = NULL;
	size_t sk_len = 0;
	char *key = NULL;
	bool in_tx = false;
	int rc;

	rc = units_get(db, a, id, &u, err);
	if (rc != 0)
		goto out;
	if (!units_kind_is_org(u.kind)) {
		rc = kh_fail(err, KH_E_FORBIDDEN, N_("Official administrative"
		    " units cannot be changed here."), NULL);
		goto out;
	}
	rc = auth_can_write(db, a, id, err);
	if (rc != 0)
		goto out;
	/* The parent may lie above the actor's scope: its dates still rule. */
	rc = unit_load(db, u.parent_id, &parent, err);
	if (rc != 0)
		goto out;

	rc = clean_text(in->name != NULL ? in->name : u.name, NAME_MAX_CHARS,
	    "name", &name, err);
	if (rc == 0 && *name == '\0')
		rc = kh_fail_field(err, KH_E_INVALID, "name",
		    N_("Give the name of the organisation."), NULL);
	if (rc == 0)
		rc = clean_text(in->address != NULL ? in->address : u.address,
		    TEXT_MAX_CHARS, "address", &address, err);
	if (rc == 0)
		rc = clean_text(in->note != NULL ? in->note : u.note,
		    TEXT_MAX_CHARS, "note", &note, err);
	if (rc == 0)
		rc = units_date_arg(in->valid_from != NULL &&
		    *in->valid_from != '\0' ? in->valid_from : u.valid_from,
		    false, from, "valid_from", err);
	if (rc == 0)
		rc = units_date_arg(in->valid_to != NULL ? in->valid_to :
		    u.valid_to, false, to_day, "valid_to", err);
	if (rc != 0)
		goto out;
	if (to_day[0] != '\0')
		to = xstrdup(to_day);
	rc = check_dates(&parent, from, &to, err);
	if (rc != 0)
		goto out;

	diff_field(before, after, "name", u.name, name);
	diff_field(before, after, "valid_from", u.valid_from, from);
	diff_field(before, after, "valid_to", u.valid_to, to);
	diff_field(before, after, "address", u.address, address);
	diff_field(before, after, "note", u.note, note);
	if (json_object_size(after) == 0)
		goto out;

	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	in_tx = true;
	rc = check_overlap(db, u.code, from, to, id, err);
	if (rc != 0)
		goto out;
	stamp_now(now);
	key = vn_search_key(name);
	sk = vn_text_sort_key(name, &sk_len);
	rc = db_exec_args(db, sql, DB_ARGS(DB_INT(id), DB_TEXT(name),
	    DB_TEXT(from), DB_TEXT(to), DB_TEXT(address), DB_TEXT(note),
	    DB_TEXT(key), sk != NULL ? DB_BLOB(sk, sk_len) : DB_NULL,
	    DB_TEXT(now)), NULL, err);
	if (rc == 0)
		rc = audit_record(db, a, id, "update", "unit", u.code, before,
		    after, err);
	if (rc == 0) {
		in_tx = false;
		rc = db_commit(db, err);
	}
out:
	if (in_tx)
		db_rollback(db);
	json_decref(before);
	json_decref(after);
	unit_cleanup(&u);
	unit_cleanup(&parent);
	free(name);
	free(address);
	free(note);
	free(to);
	free(key);
	free(sk);
	return rc;
}
