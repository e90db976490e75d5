/*
 * audit.c - append and read the audit log.
 */
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"

#include <stdlib.h>
#include <string.h>

int
audit_record(struct db *db, const struct actor *a, int64_t unit_id,
    const char *action, const char *entity, const char *entity_id,
    json_t *before, json_t *after, struct kh_err *err)
{
	char now[STAMP_LEN];
	char *b = NULL, *af = NULL;
	int rc;

	stamp_now(now);
	if (before != NULL)
		b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
	if (after != NULL)
		af = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	rc = db_exec_args(db,
	    "INSERT INTO audit_log (at, user_id, actor, unit_id, action, entity,"
	    " entity_id, before_json, after_json)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	    DB_ARGS(DB_TEXT(now), a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL,
	    DB_TEXT(a->login), unit_id > 0 ? DB_INT(unit_id) : DB_NULL,
	    DB_TEXT(action), DB_TEXT(entity),
	    DB_TEXT(entity_id != NULL ? entity_id : ""), DB_TEXT(b),
	    DB_TEXT(af)), NULL, err);
	free(b);
	free(af);
	return rc;
}

int
audit_list(struct db *db, const struct actor *a, const struct audit_filter *f,
    struct audit_list *out, struct kh_err *err)
{
	/*
	 * Every filter is a bound value; an absent one binds NULL and its
	 * condition is true. Entries without a unit (logins, tokens) are shown
	 * to administrators only when they concern users in their scope.
	 */
	static const char sql[] =
	    "SELECT l.id, l.at, l.actor, COALESCE(l.user_id, 0),"
	    " COALESCE(l.unit_id, 0), COALESCE(u.code, ''), COALESCE(u.name, ''),"
	    " l.action, l.entity, l.entity_id, l.before_json, l.after_json"
	    " FROM audit_log l LEFT JOIN units u ON u.id = l.unit_id"
	    " LEFT JOIN users us ON us.id = l.user_id"
	    " WHERE ($1 IS NULL OR l.actor = $1)"
	    " AND ($2 IS NULL OR l.at >= $2)"
	    " AND ($3 IS NULL OR l.at < $3)"
	    " AND ($4 = 0 OR l.id < $4)"
	    " AND ($5 = 0 OR EXISTS (SELECT 1 FROM unit_tree f"
	    "   WHERE f.ancestor_id = $5 AND f.descendant_id = l.unit_id))"
	    " AND ((l.unit_id IS NOT NULL AND " AUTH_IN_SCOPE("l.unit_id", "$6") ")"
	    "   OR (l.unit_id IS NULL AND $7 = 1 AND us.id IS NOT NULL AND "
	    AUTH_IN_SCOPE("us.unit_id", "$6") "))"
	    " ORDER BY l.id DESC LIMIT $8";
	char to_next[DATE_LEN + 16] = "";
	struct db_stmt *st;
	int limit = f->limit <= 0 ? 50 : f->limit > 500 ? 500 : f->limit;
	int rc;

	memset(out, 0, sizeof(*out));
	if (f->unit_id > 0) {
		rc = auth_can_read(db, a, f->unit_id, err);
		if (rc != 0)
			return rc;
	}
	/* "to" is inclusive: compare instants below the next day. */
	if (f->to != NULL && date_valid(f->to))
		snprintf(to_next, sizeof(to_next), "%sT99", f->to);
	rc = db_prepare(db, sql, DB_ARGS(DB_TEXT(f->login),
	    DB_TEXT(f->from), DB_TEXT(to_next[0] ? to_next : NULL),
	    DB_INT(f->before_id), DB_INT(f->unit_id), DB_INT(a->unit_id),
	    DB_INT(a->role == ROLE_ADMIN || a->role == ROLE_MANAGER),
	    DB_INT(limit)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct audit_entry *e;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 32;
			out->items = xrealloc(out->items, out->cap * sizeof(*e));
		}
		e = &out->items[out->n++];
		e->id = db_col_int(st, 0);
		e->at = db_col_strdup(st, 1, false);
		e->actor = db_col_strdup(st, 2, false);
		e->user_id = db_col_int(st, 3);
		e->unit_id = db_col_int(st, 4);
		e->unit_code = db_col_strdup(st, 5, false);
		e->unit_name = db_col_strdup(st, 6, false);
		e->action = db_col_strdup(st, 7, false);
		e->entity = db_col_strdup(st, 8, false);
		e->entity_id = db_col_strdup(st, 9, false);
		e->before_json = db_col_strdup(st, 10, false);
		e->after_json = db_col_strdup(st, 11, false);
	}
	db_finalize(st);
	if (rc < 0) {
		audit_list_cleanup(out);
		return rc;
	}
	return 0;
}

void
audit_list_cleanup(struct audit_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct audit_entry *e = &l->items[i];

		free(e->at);
		free(e->actor);
		free(e->unit_code);
		free(e->unit_name);
		free(e->action);
		free(e->entity);
		free(e->entity_id);
		free(e->before_json);
		free(e->after_json);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}
