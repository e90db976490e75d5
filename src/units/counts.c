/*
 * counts.c - counts of units by kind within a scope, from the closure table.
 */
#include "units/counts.h"

#include <stdio.h>
#include <string.h>

int
units_count_by_kind(struct db *db, const struct actor *a, int64_t root_id,
    const char *on, struct unit_kind_count out[UNIT_KINDS_MAX], int *n_out,
    struct kh_err *err)
{
	/*
	 * The scope of a unit is its subtree plus the subtrees of the units it
	 * succeeded; a unit reachable both ways is counted once.
	 */
	static const char sql[] =
	    "SELECT u.kind, count(DISTINCT u.id) FROM unit_tree t"
	    " JOIN units u ON u.id = t.descendant_id"
	    " WHERE (t.ancestor_id = $1 OR t.ancestor_id IN"
	    "   (SELECT old_id FROM unit_succession WHERE new_id = $1))"
	    " AND u.valid_from <= $2 AND (u.valid_to IS NULL OR u.valid_to >= $2)"
	    " GROUP BY u.kind ORDER BY u.kind";
	struct db_stmt *st;
	int rc, n = 0;

	*n_out = 0;
	rc = auth_can_read(db, a, root_id, err);
	if (rc != 0)
		return rc;
	rc = db_prepare(db, sql, DB_ARGS(DB_INT(root_id), DB_TEXT(on)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1 && n < UNIT_KINDS_MAX) {
		snprintf(out[n].kind, sizeof(out[n].kind), "%s", db_col_text(st, 0));
		out[n].n = db_col_int(st, 1);
		n++;
	}
	db_finalize(st);
	*n_out = n;
	return rc < 0 ? rc : 0;
}

int
units_scope_activity(struct db *db, const struct actor *a, const char *since,
    int64_t *n_users, int64_t *n_audit, struct kh_err *err)
{
	int rc;

	rc = db_query_int(db, "SELECT count(*) FROM users us WHERE "
	    AUTH_IN_SCOPE("us.unit_id", "$1"), DB_ARGS(DB_INT(a->unit_id)),
	    n_users, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM audit_log l"
		    " WHERE l.at >= $2 AND l.unit_id IS NOT NULL AND "
		    AUTH_IN_SCOPE("l.unit_id", "$1"),
		    DB_ARGS(DB_INT(a->unit_id), DB_TEXT(since)), n_audit, err);
	return rc;
}
