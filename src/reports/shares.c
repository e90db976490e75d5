/*
 * shares.c - the shares in force for the communes of a province merged in
 * part into several new communes, for the administrators' page. The
 * computation follows REPORT_SHARE_RULE exactly as the consolidation
 * applies it (consolidate.c), pair by pair, so that the page shows the
 * figure the dashboard uses.
 */
#include "reports/reports_impl.h"
#include "core/buf.h"
#include "units/units.h"

#include <stdlib.h>
#include <string.h>

void
report_share_list_cleanup(struct report_share_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct report_share_pair *p = &l->items[i];

		free(p->old_code);
		free(p->old_name);
		free(p->new_code);
		free(p->new_name);
		free(p->note);
		free(p->set_by);
		free(p->set_at);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Resolve the shares of one old commune's pairs [from, to): the given ones
 * stand, the rest is split equally among the others, the first of them
 * taking the remainder. */
static void
resolve(struct report_share_list *l, size_t from, size_t to)
{
	int rest = REPORT_SHARE_FULL, unset = 0, k = 0;

	for (size_t i = from; i < to; i++) {
		if (l->items[i].origin != NULL)
			rest -= l->items[i].share_bp;
		else
			unset++;
	}
	if (rest < 0)
		rest = 0;
	for (size_t i = from; i < to; i++) {
		if (l->items[i].origin != NULL)
			continue;
		l->items[i].share_bp = rest / unset + (k == 0 ? rest % unset : 0);
		l->items[i].origin = REPORT_SHARE_DEFAULT;
		k++;
	}
}

int
reports_shares_list(struct db *db, const struct actor *a,
    const char *province_code, struct report_share_list *out,
    struct kh_err *err)
{
	struct unit prov = UNIT_INIT;
	struct db_stmt *st = NULL;
	size_t first = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc == 0)
		rc = units_find(db, a, province_code != NULL ? province_code : "",
		    UNITS_OLD_STRUCTURE_TO, &prov, err);
	if (rc == 0)
		rc = auth_can_read(db, a, prov.id, err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT o.code, o.name, n.code, n.name, us.kind,"
		    " us.share_pct, rs.share_bp, rs.note, rs.set_by, rs.set_at"
		    " FROM unit_succession us JOIN units o ON o.id = us.old_id"
		    " JOIN units n ON n.id = us.new_id"
		    " JOIN unit_tree t ON t.descendant_id = o.id AND t.ancestor_id = $1"
		    " LEFT JOIN report_shares rs ON rs.old_id = us.old_id AND"
		    " rs.new_id = us.new_id"
		    " WHERE o.kind = 'commune' AND EXISTS (SELECT 1 FROM"
		    " unit_succession u2 WHERE u2.old_id = us.old_id AND"
		    " u2.kind = 'partial')"
		    " ORDER BY o.code, n.code", DB_ARGS(DB_INT(prov.id)), &st, err);
	unit_cleanup(&prov);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct report_share_pair *p;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->items = xrealloc(out->items, out->cap * sizeof(*p));
		}
		p = &out->items[out->n];
		memset(p, 0, sizeof(*p));
		p->old_code = reports_col_str(st, 0);
		if (out->n > 0 && strcmp(out->items[first].old_code,
		    p->old_code) != 0) {
			resolve(out, first, out->n);
			first = out->n;
		}
		out->n++;
		p->old_name = reports_col_str(st, 1);
		p->new_code = reports_col_str(st, 2);
		p->new_name = reports_col_str(st, 3);
		p->partial = strcmp(db_col_text(st, 4), "partial") == 0;
		p->note = reports_col_str(st, 7);
		p->set_by = reports_col_str(st, 8);
		p->set_at = reports_col_str(st, 9);
		if (!db_col_null(st, 6)) {
			p->share_bp = (int)db_col_int(st, 6);
			p->origin = REPORT_SHARE_ADMIN;
		} else if (!db_col_null(st, 5)) {
			p->share_bp = (int)db_col_int(st, 5) * 100;
			p->origin = REPORT_SHARE_DATA;
		} else if (!p->partial) {
			p->share_bp = REPORT_SHARE_FULL;
			p->origin = REPORT_SHARE_WHOLE;
		}
	}
	db_finalize(st);
	if (rc < 0) {
		report_share_list_cleanup(out);
		return rc;
	}
	if (out->n > 0)
		resolve(out, first, out->n);
	return 0;
}
