/*
 * rollup.c - registered and recognised counts of a year, per model and
 * subject group, for a unit's whole subtree and for each of its children
 * (closure table). A withdrawn registration is not counted as registered.
 * The denominators (all households, people, clans of a unit) belong to the
 * people registry; a report states which one a percentage uses.
 */
#include "models/models_impl.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
model_rollup_cleanup(struct model_rollup *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].unit_code);
		free(r->items[i].unit_name);
		free(r->items[i].model);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

static struct model_rollup_row *
row_add(struct model_rollup *r)
{
	struct model_rollup_row *row;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->items = xrealloc(r->items, r->cap * sizeof(*row));
	}
	row = &r->items[r->n++];
	memset(row, 0, sizeof(*row));
	return row;
}

#define SQL_COUNTS \
	" r.model, COALESCE(r.subject_group, 0)," \
	" SUM(CASE WHEN r.state <> 'withdrawn' THEN 1 ELSE 0 END)," \
	" SUM(CASE WHEN r.state = 'recognised' THEN 1 ELSE 0 END)"

int
models_rollup(struct db *db, const struct actor *a, int64_t unit_id, int year,
    struct model_rollup *out, struct kh_err *err)
{
	static const char sql_total[] =
	    "SELECT u.id, u.code, u.name," SQL_COUNTS
	    " FROM units u JOIN unit_tree t ON t.ancestor_id = u.id"
	    " JOIN model_registrations r ON r.unit_id = t.descendant_id"
	    " WHERE u.id = $1 AND r.year = $2"
	    " GROUP BY u.id, u.code, u.name, r.model, COALESCE(r.subject_group, 0)"
	    " ORDER BY r.model, COALESCE(r.subject_group, 0)";
	static const char sql_children[] =
	    "SELECT c.id, c.code, c.name," SQL_COUNTS
	    " FROM units c JOIN unit_tree t ON t.ancestor_id = c.id"
	    " JOIN model_registrations r ON r.unit_id = t.descendant_id"
	    " WHERE c.parent_id = $1 AND r.year = $2"
	    " GROUP BY c.id, c.code, c.name, r.model, COALESCE(r.subject_group, 0)"
	    " ORDER BY c.code, c.id, r.model, COALESCE(r.subject_group, 0)";
	const char *const sqls[] = {sql_total, sql_children};
	struct db_stmt *st;
	int rc, pass;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	for (pass = 0; pass < 2; pass++) {
		rc = db_prepare(db, sqls[pass], DB_ARGS(DB_INT(unit_id),
		    DB_INT(year)), &st, err);
		if (rc != 0)
			break;
		while ((rc = db_step(st, err)) == 1) {
			struct model_rollup_row *row = row_add(out);

			row->unit_id = db_col_int(st, 0);
			row->unit_code = models_col_str(st, 1);
			row->unit_name = models_col_str(st, 2);
			row->total = pass == 0;
			row->model = models_col_str(st, 3);
			row->subject_group = (int)db_col_int(st, 4);
			row->registered = db_col_int(st, 5);
			row->recognised = db_col_int(st, 6);
		}
		db_finalize(st);
		if (rc < 0)
			break;
		rc = 0;
	}
	if (rc != 0)
		model_rollup_cleanup(out);
	return rc;
}
