/*
 * rollup.c - registered and recognised counts of a year, per model and
 * subject group, for a unit's whole subtree and for each of its children
 * (closure table), summed from the counts table kept by counts.c. A
 * withdrawn registration is not counted as registered.
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

int
models_rollup(struct db *db, const struct actor *a, int64_t unit_id, int year,
    struct model_rollup *out, struct kh_err *err)
{
	/*
	 * The counts table (migration 0008, kept by models_counts_apply() at
	 * every change of state) holds one row per managing unit, model and
	 * subject group of a year: the asked unit and each child add up the
	 * rows of their subtree through the closure table (one primary-key
	 * range of model_counts per unit of the subtree). A province of 1.3
	 * million registrations is a few thousand rows instead of a million:
	 * counting the registrations themselves, even once with a covering
	 * index, took 0.8 s on SQLite and 0.3 s on PostgreSQL
	 * (docs/benchmarks.md). A row whose counts fell to zero stays, so the
	 * groups listed are those that have registrations, as before.
	 */
	static const char sql[] =
	    "SELECT c.id, c.code, c.name, k.model, k.subject_group,"
	    " SUM(k.registered), SUM(k.recognised)"
	    " FROM units c JOIN unit_tree t ON t.ancestor_id = c.id"
	    " JOIN model_counts k ON k.unit_id = t.descendant_id AND k.year = $2"
	    " WHERE c.id = $1 OR c.parent_id = $1"
	    " GROUP BY c.id, c.code, c.name, k.model, k.subject_group"
	    " ORDER BY CASE WHEN c.id = $1 THEN 0 ELSE 1 END, c.code, c.id,"
	    " k.model, k.subject_group";
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	rc = db_prepare(db, sql, DB_ARGS(DB_INT(unit_id), DB_INT(year)), &st,
	    err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct model_rollup_row *row = row_add(out);

		row->unit_id = db_col_int(st, 0);
		row->unit_code = models_col_str(st, 1);
		row->unit_name = models_col_str(st, 2);
		row->total = row->unit_id == unit_id;
		row->model = models_col_str(st, 3);
		row->subject_group = (int)db_col_int(st, 4);
		row->registered = db_col_int(st, 5);
		row->recognised = db_col_int(st, 6);
	}
	db_finalize(st);
	if (rc > 0)
		rc = 0;
	if (rc != 0)
		model_rollup_cleanup(out);
	return rc;
}
