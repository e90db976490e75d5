/*
 * consolidate.c - the consolidated report of a unit for a form and period,
 * under the structure before or after 1 July 2025.
 *
 * 1. The territorial tree of the asked unit in the structure (units valid on
 *    30/06/2025 or on 01/07/2025).
 * 2. The approved reports that can reach it: reports of units in its
 *    subtree, and of communes of the other structure linked to a commune in
 *    it by unit_succession (also the island districts without communes that
 *    became special zones).
 * 3. Each report is anchored at its territorial unit (an organisation's
 *    report at its commune; a unit's own report wins over its
 *    organisations'). An anchor of the other structure is carried to the
 *    communes of this one with the shares of REPORT_SHARE_RULE (reports.h),
 *    apportioned by largest remainder so that nothing is gained or lost; a
 *    commune's own report in this structure wins over figures carried to it.
 * 4. Bottom-up: a unit's figure is its own report when it has one, else the
 *    sum of its children (a commune: what was carried to it).
 * 5. Percentages are recomputed from their numerator and denominator.
 *
 * Only the rows are wanted (the unit and its children), so 3-4 are decided
 * before any value is read: which reports a figure of the tree comes from
 * is known from the anchors alone, and every figure is linear in the
 * reports' values except a share split (its rounding). Each node gets its
 * place, the rows its figures reach: its child row of the asked unit (or
 * none) and whether the unit's own row. Reports are then summed into sinks,
 * one per place, and only a report carried to targets in different places
 * (or to a target whose own report wins) keeps a sink of its own, to be
 * apportioned as before. The sum per sink and field is the database's on
 * PostgreSQL (a grouped query over the reports' ids, a few thousand rows
 * back instead of every value); SQLite, whose GROUP BY sorts every row,
 * streams the values from the covering index of migration 0011 and C adds
 * them up. The figures are the same as adding up node by node.
 */
#include "reports/reports_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "units/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- A small map from unit ids to indexes ---- */

struct idmap {
	int64_t *keys;
	int *vals;
	size_t cap;
};

static void
idmap_init(struct idmap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < n * 2 + 1)
		m->cap *= 2;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
}

static size_t
idmap_slot(const struct idmap *m, int64_t k)
{
	uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 20) & (m->cap - 1);

	while (m->keys[i] != 0 && m->keys[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
idmap_put(struct idmap *m, int64_t k, int v)
{
	size_t i = idmap_slot(m, k);

	m->keys[i] = k;
	m->vals[i] = v;
}

static int
idmap_get(const struct idmap *m, int64_t k)
{
	size_t i = idmap_slot(m, k);

	return m->keys[i] == k ? m->vals[i] : -1;
}

static void
idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* ---- The tree ---- */

struct node {
	int64_t id, parent_id;
	int depth;
	char *code, *name, *kind;
	int parent;		/* index, -1 for the root */
	int own;		/* index of the anchor of its own report, or -1 */
	int row;		/* its place: the child row its figures reach
				   (itself for a child), or -1 */
	bool up;		/* ... and whether they reach the root's row */
	int64_t *vals;		/* rows only: per field */
	bool *has;
	char **texts;		/* rows only: texts of its own report */
	int n_reports;
	bool share;
	struct buf note;
};

/* A territorial unit with approved reports: its own, or else its
 * organisations' (their values go to the anchor's sink). */
struct anchor {
	int64_t unit_id;
	char structure[4];
	char kind[24];
	bool own;		/* the unit's own report (not organisations') */
	int64_t own_sub;	/* its submission when own */
	int n_reports;
	int sink;		/* where its values are added, or -1 */
};

/* Where values are added up: a place (row, up), or one carried anchor
 * whose share split is done once its values are known. */
struct sink {
	int row;
	bool up;
	int anchor;		/* the anchor kept apart, or -1 */
	int64_t *vals;
	bool *has;
};

/* One approved report: its anchor (-1 when skipped) and sink. */
struct sub_anchor {
	int64_t sub_id;
	int anchor;
	int sink;
};

struct ctx {
	const struct report_form *f;
	size_t nf;
	struct node *nodes;
	size_t n_nodes;
	struct idmap node_map;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	struct idmap anchor_map;
	struct sub_anchor *subs;	/* by sub_id */
	size_t n_subs;
	struct sink *sinks;
	size_t n_sinks, cap_sinks;
	int *place_sink;	/* (row + 1) * 2 + up -> sink, or -1 */
	/* The succession of communes, for restatement. */
	struct succ *succ;
	size_t n_succ;
	bool succ_loaded;
};

struct succ {
	int64_t old_id, new_id;
	char old_code[16];
	char new_code[16];
	bool partial;
	int64_t bp;		/* the share of the old unit carried to the new */
};

void
report_consolidated_cleanup(struct report_consolidated *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct report_row *r = &c->rows[i];

		free(r->unit_code);
		free(r->unit_name);
		free(r->unit_kind);
		free(r->share_note);
		free(r->values);
		free(r->has);
		if (r->texts != NULL)
			for (size_t k = 0; k < c->form.n_fields; k++)
				free(r->texts[k]);
		free(r->texts);
	}
	free(c->rows);
	report_form_cleanup(&c->form);
	memset(c, 0, sizeof(*c));
}

static void
ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(c->nodes[i].code);
		free(c->nodes[i].name);
		free(c->nodes[i].kind);
		free(c->nodes[i].vals);
		free(c->nodes[i].has);
		if (c->nodes[i].texts != NULL)
			for (size_t k = 0; k < c->nf; k++)
				free(c->nodes[i].texts[k]);
		free(c->nodes[i].texts);
		buf_free(&c->nodes[i].note);
	}
	free(c->nodes);
	free(c->anchors);
	free(c->subs);
	for (size_t i = 0; i < c->n_sinks; i++) {
		free(c->sinks[i].vals);
		free(c->sinks[i].has);
	}
	free(c->sinks);
	free(c->place_sink);
	free(c->succ);
	if (c->node_map.keys != NULL)
		idmap_free(&c->node_map);
	if (c->anchor_map.keys != NULL)
		idmap_free(&c->anchor_map);
}

#define TERRITORIAL "('country', 'province', 'district', 'commune')"

static int
tree_load(struct db *db, struct ctx *c, int64_t root, const char *on,
    struct kh_err *err)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	rc = db_prepare(db, "SELECT u.id, COALESCE(u.parent_id, 0), t.depth,"
	    " u.code, u.name, u.kind FROM unit_tree t JOIN units u ON u.id ="
	    " t.descendant_id WHERE t.ancestor_id = $1 AND u.kind IN " TERRITORIAL
	    " AND u.valid_from <= $2 AND (u.valid_to IS NULL OR u.valid_to >= $2)"
	    " ORDER BY t.depth, u.code", DB_ARGS(DB_INT(root), DB_TEXT(on)), &st,
	    err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct node *n;

		if (c->n_nodes == cap) {
			cap = cap ? cap * 2 : 64;
			c->nodes = xrealloc(c->nodes, cap * sizeof(*n));
		}
		n = &c->nodes[c->n_nodes++];
		memset(n, 0, sizeof(*n));
		n->id = db_col_int(st, 0);
		n->parent_id = db_col_int(st, 1);
		n->depth = (int)db_col_int(st, 2);
		n->code = reports_col_str(st, 3);
		n->name = reports_col_str(st, 4);
		n->kind = reports_col_str(st, 5);
		n->own = -1;
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	idmap_init(&c->node_map, c->n_nodes);
	for (size_t i = 0; i < c->n_nodes; i++)
		idmap_put(&c->node_map, c->nodes[i].id, (int)i);
	for (size_t i = 0; i < c->n_nodes; i++) {
		struct node *n = &c->nodes[i];

		n->parent = i == 0 ? -1 : idmap_get(&c->node_map, n->parent_id);
		/* Only the rows hold figures. */
		if (i == 0 || n->parent == 0) {
			n->vals = xcalloc(c->nf + 1, sizeof(*n->vals));
			n->has = xcalloc(c->nf + 1, sizeof(*n->has));
			n->texts = xcalloc(c->nf + 1, sizeof(*n->texts));
		}
	}
	return 0;
}

/*
 * The place of every node: where a figure added to it ends up. A figure
 * goes up from a node to its parent unless the parent has its own report
 * (nodes are ordered by depth, parents first).
 */
static void
places_set(struct ctx *c)
{
	for (size_t i = 0; i < c->n_nodes; i++) {
		struct node *n = &c->nodes[i];

		if (i == 0) {
			n->row = -1;
			n->up = true;
		} else if (n->parent == 0) {
			n->row = (int)i;
			n->up = c->nodes[0].own < 0;
		} else if (n->parent < 0 || c->nodes[n->parent].own >= 0) {
			n->row = -1;
			n->up = false;
		} else {
			n->row = c->nodes[n->parent].row;
			n->up = c->nodes[n->parent].up;
		}
	}
	c->place_sink = xmalloc((c->n_nodes + 1) * 2 * sizeof(*c->place_sink));
	for (size_t i = 0; i < (c->n_nodes + 1) * 2; i++)
		c->place_sink[i] = -1;
}

static int
sink_new(struct ctx *c, int row, bool up, int anchor)
{
	struct sink *s;

	if (c->n_sinks == c->cap_sinks) {
		c->cap_sinks = c->cap_sinks ? c->cap_sinks * 2 : 64;
		c->sinks = xrealloc(c->sinks, c->cap_sinks * sizeof(*s));
	}
	s = &c->sinks[c->n_sinks];
	s->row = row;
	s->up = up;
	s->anchor = anchor;
	s->vals = xcalloc(c->nf + 1, sizeof(*s->vals));
	s->has = xcalloc(c->nf + 1, sizeof(*s->has));
	return (int)c->n_sinks++;
}

/* The sink of the place of node n, or -1 when its figures reach no row. */
static int
place_sink(struct ctx *c, int n)
{
	const struct node *nd = &c->nodes[n];
	size_t key = (size_t)(nd->row + 1) * 2 + (nd->up ? 1 : 0);

	if (nd->row < 0 && !nd->up)
		return -1;
	if (c->place_sink[key] < 0)
		c->place_sink[key] = sink_new(c, nd->row, nd->up, -1);
	return c->place_sink[key];
}

/* Add v of field k to the rows of a place. */
static void
place_add(struct ctx *c, int row, bool up, size_t k, int64_t v)
{
	if (row >= 0) {
		c->nodes[row].vals[k] += v;
		c->nodes[row].has[k] = true;
	}
	if (up) {
		c->nodes[0].vals[k] += v;
		c->nodes[0].has[k] = true;
	}
}

/* Reports whose unit is in the root's subtree or a commune linked to one
 * there by the succession, in either direction. */
#define SUB_FILTER \
	" s.form_id = $1 AND s.period = $2 AND s.state = 'approved' AND" \
	" (EXISTS (SELECT 1 FROM unit_tree t WHERE t.ancestor_id = $3 AND" \
	" t.descendant_id = s.unit_id)" \
	" OR s.unit_id IN (SELECT us.old_id FROM unit_succession us JOIN unit_tree" \
	" t ON t.descendant_id = us.new_id WHERE t.ancestor_id = $3)" \
	" OR s.unit_id IN (SELECT us.new_id FROM unit_succession us JOIN unit_tree" \
	" t ON t.descendant_id = us.old_id WHERE t.ancestor_id = $3))"

static struct anchor *
anchor_get(struct ctx *c, int64_t unit_id, const char *structure,
    const char *kind)
{
	struct anchor *an;
	int k = idmap_get(&c->anchor_map, unit_id);

	if (k >= 0)
		return &c->anchors[k];
	if (c->n_anchors == c->cap_anchors) {
		c->cap_anchors = c->cap_anchors ? c->cap_anchors * 2 : 64;
		c->anchors = xrealloc(c->anchors, c->cap_anchors * sizeof(*an));
	}
	an = &c->anchors[c->n_anchors];
	memset(an, 0, sizeof(*an));
	an->unit_id = unit_id;
	an->sink = -1;
	snprintf(an->structure, sizeof(an->structure), "%s", structure);
	snprintf(an->kind, sizeof(an->kind), "%s", kind);
	idmap_put(&c->anchor_map, unit_id, (int)c->n_anchors);
	return &c->anchors[c->n_anchors++];
}

/* Field codes to indexes, by hashing: a country-wide report reads millions
 * of values. */
struct fieldmap {
	const char **keys;
	int *vals;
	size_t cap;
};

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Only the fields that are summed: not texts, not computed percentages. */
static void
fieldmap_init(struct fieldmap *m, const struct report_form *f)
{
	m->cap = 64;
	while (m->cap < f->n_fields * 2 + 1)
		m->cap *= 2;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (size_t i = 0; i < f->n_fields; i++) {
		size_t k;

		if (f->fields[i].num != NULL ||
		    strcmp(f->fields[i].kind, RF_TEXT) == 0)
			continue;
		k = str_hash(f->fields[i].code) & (m->cap - 1);
		while (m->keys[k] != NULL)
			k = (k + 1) & (m->cap - 1);
		m->keys[k] = f->fields[i].code;
		m->vals[k] = (int)i;
	}
}

static int
fieldmap_get(const struct fieldmap *m, const char *code)
{
	size_t k = str_hash(code) & (m->cap - 1);

	while (m->keys[k] != NULL) {
		if (strcmp(m->keys[k], code) == 0)
			return m->vals[k];
		k = (k + 1) & (m->cap - 1);
	}
	return -1;
}

static int
sub_cmp(const void *x, const void *y)
{
	const struct sub_anchor *a = x, *b = y;

	return a->sub_id < b->sub_id ? -1 : a->sub_id > b->sub_id;
}

static int
sub_sink_cmp(const void *x, const void *y)
{
	const struct sub_anchor *a = x, *b = y;

	if (a->sink != b->sink)
		return a->sink < b->sink ? -1 : 1;
	return a->sub_id < b->sub_id ? -1 : a->sub_id > b->sub_id;
}

#define SUBS_ONE_BY_ONE 2000

/* A report found, before it is given its anchor. */
struct found {
	int64_t sub_id, unit_id, anchor_id;
	char kind[24];		/* the anchor's */
	char structure[4];	/* the anchor's */
};

/* By anchor, the anchor's own report first, then by id. */
static int
found_cmp(const void *x, const void *y)
{
	const struct found *a = x, *b = y;
	int ao = a->unit_id == a->anchor_id, bo = b->unit_id == b->anchor_id;

	if (a->anchor_id != b->anchor_id)
		return a->anchor_id < b->anchor_id ? -1 : 1;
	if (ao != bo)
		return ao ? -1 : 1;
	return a->sub_id < b->sub_id ? -1 : a->sub_id > b->sub_id;
}

static void
found_add(struct found **f, size_t *n, size_t *cap, struct db_stmt *st,
    int64_t anchor_id)
{
	struct found *x;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*f = xrealloc(*f, *cap * sizeof(**f));
	}
	x = &(*f)[(*n)++];
	x->sub_id = db_col_int(st, 0);
	x->unit_id = db_col_int(st, 1);
	x->anchor_id = anchor_id;
	snprintf(x->kind, sizeof(x->kind), "%s", db_col_text(st, 2));
	snprintf(x->structure, sizeof(x->structure), "%s",
	    reports_unit_structure(db_col_text(st, 3), db_col_text(st, 4)));
}

/*
 * The approved reports that can reach the root, each with its anchor: the
 * nearest territorial unit at or above the report's unit. A report of a
 * territorial unit is its own anchor; only the reports of organisations
 * (few) have theirs looked up through the closure, which would otherwise
 * cost a join of every report with its ancestors. Own reports come first
 * at their anchor, so that they replace what organisations reported.
 */
static int
anchors_load(struct db *db, struct ctx *c, int64_t root,
    const struct report_period *p, struct kh_err *err)
{
	struct found *f = NULL;
	size_t n = 0, cap = 0, i;
	struct db_stmt *st = NULL;
	bool orgs = false;
	int rc;

	rc = db_prepare(db, "SELECT s.id, s.unit_id, u.kind, u.valid_from,"
	    " u.valid_to FROM report_submissions s JOIN units u ON u.id ="
	    " s.unit_id WHERE" SUB_FILTER, DB_ARGS(DB_INT(c->f->id),
	    DB_TEXT(p->code), DB_INT(root)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		const char *kind = db_col_text(st, 2);

		if (strcmp(kind, UNIT_COUNTRY) == 0 || strcmp(kind,
		    UNIT_PROVINCE) == 0 || strcmp(kind, UNIT_DISTRICT) == 0 ||
		    strcmp(kind, UNIT_COMMUNE) == 0)
			found_add(&f, &n, &cap, st, db_col_int(st, 1));
		else
			orgs = true;
	}
	db_finalize(st);
	if (rc == 0 && orgs) {
		rc = db_prepare(db, "SELECT s.id, s.unit_id, a.kind, a.valid_from,"
		    " a.valid_to, a.id FROM report_submissions s"
		    " JOIN units u ON u.id = s.unit_id AND u.kind NOT IN "
		    TERRITORIAL " JOIN unit_tree ta ON ta.descendant_id = s.unit_id"
		    " JOIN units a ON a.id = ta.ancestor_id AND a.kind IN "
		    TERRITORIAL " WHERE" SUB_FILTER " AND NOT EXISTS (SELECT 1 FROM"
		    " unit_tree t3 JOIN units a3 ON a3.id = t3.ancestor_id WHERE"
		    " t3.descendant_id = s.unit_id AND t3.depth < ta.depth AND"
		    " a3.kind IN " TERRITORIAL ")", DB_ARGS(DB_INT(c->f->id),
		    DB_TEXT(p->code), DB_INT(root)), &st, err);
		if (rc == 0) {
			while ((rc = db_step(st, err)) == 1)
				found_add(&f, &n, &cap, st, db_col_int(st, 5));
			db_finalize(st);
		}
	}
	if (rc < 0) {
		free(f);
		return rc;
	}
	if (n > 1)
		qsort(f, n, sizeof(*f), found_cmp);
	idmap_init(&c->anchor_map, n);
	c->subs = xcalloc(n + 1, sizeof(*c->subs));
	for (i = 0; i < n; i++) {
		struct sub_anchor *sa = &c->subs[c->n_subs++];
		struct anchor *an = anchor_get(c, f[i].anchor_id, f[i].structure,
		    f[i].kind);

		sa->sub_id = f[i].sub_id;
		sa->anchor = -1;
		sa->sink = -1;
		if (f[i].unit_id == f[i].anchor_id) {
			an->own = true;
			an->own_sub = sa->sub_id;
			an->n_reports = 1;
		} else if (!an->own) {
			an->n_reports++;
		} else {
			continue;	/* the anchor's own report wins */
		}
		sa->anchor = (int)(an - c->anchors);
	}
	free(f);
	/* No report at all (a year nobody filed): subs holds none. */
	if (c->n_subs > 1)
		qsort(c->subs, c->n_subs, sizeof(*c->subs), sub_cmp);
	return 0;
}

/* The sink of a submission, or -1 (binary search: subs are by id). */
static int
sub_sink(const struct ctx *c, int64_t sub)
{
	size_t lo = 0, hi = c->n_subs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->subs[mid].sub_id < sub)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n_subs && c->subs[lo].sub_id == sub ? c->subs[lo].sink :
	    -1;
}

/* Add the rows (submission_id, field, value not NULL) of st, in any
 * order, to the sinks of their reports. */
static int
values_stream(struct ctx *c, struct db_stmt *st, const struct fieldmap *fm,
    struct kh_err *err)
{
	int64_t cur = 0;
	struct sink *s = NULL;
	int rc;

	while ((rc = db_step(st, err)) == 1) {
		int64_t sub = db_col_int(st, 0);
		int k;

		if (sub != cur) {
			int i = sub_sink(c, sub);

			cur = sub;
			s = i >= 0 ? &c->sinks[i] : NULL;
		}
		if (s == NULL)
			continue;
		k = fieldmap_get(fm, db_col_text(st, 1));
		if (k < 0)
			continue;
		s->vals[k] += db_col_int(st, 2);
		s->has[k] = true;
	}
	return rc < 0 ? rc : 0;
}

/*
 * The values of the reports into their sinks. PostgreSQL sums them per sink
 * and field itself, given the reports' ids and sinks as two arrays. SQLite
 * (where a GROUP BY sorts every row) hands them over: for up to a few
 * thousand reports one indexed lookup each (a province), for more one pass
 * over the join (the country), where the planner would scan all values
 * anyway.
 */
static int
values_load(struct db *db, struct ctx *c, const struct report_period *p,
    struct kh_err *err)
{
	struct fieldmap fm;
	struct db_stmt *st = NULL;
	size_t i, n = 0;
	int rc = 0, r = 0;

	for (i = 0; i < c->n_subs; i++)
		if (c->subs[i].sink >= 0)
			n++;
	if (n == 0)
		return 0;
	fieldmap_init(&fm, c->f);
	if (db_backend(db) == DB_PG) {
		struct buf ids = BUF_INIT, sinks = BUF_INIT;
		struct sub_anchor *by = xmalloc(n * sizeof(*by));
		size_t m = 0;

		/* The reports sink by sink: the rows of one sink come
		 * together, so the grouping keeps touching the same few
		 * hundred sums. */
		for (i = 0; i < c->n_subs; i++)
			if (c->subs[i].sink >= 0)
				by[m++] = c->subs[i];
		qsort(by, m, sizeof(*by), sub_sink_cmp);
		buf_putc(&ids, '{');
		buf_putc(&sinks, '{');
		for (i = 0; i < m; i++) {
			buf_printf(&ids, "%s%lld", i > 0 ? "," : "",
			    (long long)by[i].sub_id);
			buf_printf(&sinks, "%s%d", i > 0 ? "," : "", by[i].sink);
		}
		buf_putc(&ids, '}');
		buf_putc(&sinks, '}');
		free(by);
		rc = db_prepare(db, "SELECT g.sink, v.field, sum(v.value) FROM"
		    " unnest($1::bigint[], $2::int[]) AS g(sub, sink) JOIN"
		    " report_values v ON v.submission_id = g.sub GROUP BY g.sink,"
		    " v.field", DB_ARGS(DB_TEXT(buf_str(&ids)),
		    DB_TEXT(buf_str(&sinks))), &st, err);
		buf_free(&ids);
		buf_free(&sinks);
		while (rc == 0 && (r = db_step(st, err)) == 1) {
			int64_t si = db_col_int(st, 0);
			int k = fieldmap_get(&fm, db_col_text(st, 1));

			/* A NULL sum: no value was given (has stays false). */
			if (k < 0 || si < 0 || (size_t)si >= c->n_sinks ||
			    db_col_null(st, 2))
				continue;
			c->sinks[si].vals[k] += db_col_int(st, 2);
			c->sinks[si].has[k] = true;
		}
		if (rc == 0 && r < 0)
			rc = r;
	} else if (n <= SUBS_ONE_BY_ONE) {
		rc = db_prepare(db, "SELECT v.submission_id, v.field, v.value FROM"
		    " report_values v WHERE v.submission_id = $1 AND v.value IS NOT"
		    " NULL",
		    DB_ARGS(DB_INT(0)), &st, err);
		for (i = 0; rc == 0 && i < c->n_subs; i++) {
			if (c->subs[i].sink < 0)
				continue;
			rc = db_rebind(st, DB_ARGS(DB_INT(c->subs[i].sub_id)), err);
			if (rc == 0)
				rc = values_stream(c, st, &fm, err);
		}
	} else {
		/* Every approved report of the period, in any order (rows of
		 * reports not found above are skipped): a simple join the
		 * planner streams from the covering index without sorting. */
		rc = db_prepare(db, "SELECT v.submission_id, v.field, v.value"
		    " FROM report_submissions s JOIN report_values v ON"
		    " v.submission_id = s.id WHERE s.form_id = $1 AND s.period = $2"
		    " AND s.state = 'approved' AND v.value IS NOT NULL",
		    DB_ARGS(DB_INT(c->f->id), DB_TEXT(p->code)), &st, err);
		if (rc == 0)
			rc = values_stream(c, st, &fm, err);
	}
	if (st != NULL)
		db_finalize(st);
	free(fm.keys);
	free(fm.vals);
	return rc < 0 ? rc : 0;
}

/* The texts of the own reports of the rows (when the form has text
 * fields): only the rows show them. */
static int
texts_load(struct db *db, struct ctx *c, struct kh_err *err)
{
	struct db_stmt *st = NULL;
	size_t i;
	int rc = 0, r = 0;

	for (i = 0; i < c->nf; i++)
		if (strcmp(c->f->fields[i].kind, RF_TEXT) == 0 &&
		    c->f->fields[i].num == NULL)
			break;
	if (i == c->nf)
		return 0;
	for (i = 0; rc == 0 && i < c->n_nodes; i++) {
		struct node *nd = &c->nodes[i];

		if (nd->texts == NULL || nd->own < 0)
			continue;
		if (st == NULL)
			rc = db_prepare(db, "SELECT field, CASE WHEN value IS NULL"
			    " THEN raw END FROM report_values WHERE submission_id ="
			    " $1", DB_ARGS(DB_INT(c->anchors[nd->own].own_sub)),
			    &st, err);
		else
			rc = db_rebind(st, DB_ARGS(DB_INT(
			    c->anchors[nd->own].own_sub)), err);
		while (rc == 0 && (r = db_step(st, err)) == 1) {
			int k = reports_form_field(c->f, db_col_text(st, 0));

			if (k < 0 || c->f->fields[k].num != NULL ||
			    strcmp(c->f->fields[k].kind, RF_TEXT) != 0)
				continue;
			free(nd->texts[k]);
			nd->texts[k] = reports_col_str(st, 1);
		}
		if (rc == 0 && r < 0)
			rc = r;
	}
	if (st != NULL)
		db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- Succession and shares ---- */

static int
succ_cmp_old(const void *x, const void *y)
{
	const struct succ *a = x, *b = y;

	if (a->old_id != b->old_id)
		return a->old_id < b->old_id ? -1 : 1;
	return a->new_id < b->new_id ? -1 : a->new_id > b->new_id;
}

/* Load the succession of communes with the shares of REPORT_SHARE_RULE. */
static int
succ_load(struct db *db, struct ctx *c, struct kh_err *err)
{
	struct db_stmt *st;
	size_t cap = 0, i, j;
	int64_t *given = NULL;
	int rc;

	c->succ_loaded = true;
	rc = db_prepare(db, "SELECT us.old_id, us.new_id, us.kind, us.share_pct,"
	    " rs.share_bp, o.code, n.code FROM unit_succession us JOIN units o ON"
	    " o.id = us.old_id JOIN units n ON n.id = us.new_id LEFT JOIN report_shares rs ON rs.old_id = us.old_id AND"
	    " rs.new_id = us.new_id WHERE o.kind IN ('commune', 'district')",
	    DB_NOARGS, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct succ *s;

		if (c->n_succ == cap) {
			cap = cap ? cap * 2 : 256;
			c->succ = xrealloc(c->succ, cap * sizeof(*s));
			given = xrealloc(given, cap * sizeof(*given));
		}
		s = &c->succ[c->n_succ];
		s->old_id = db_col_int(st, 0);
		s->new_id = db_col_int(st, 1);
		s->partial = strcmp(db_col_text(st, 2), "partial") == 0;
		snprintf(s->old_code, sizeof(s->old_code), "%s", db_col_text(st, 5));
		snprintf(s->new_code, sizeof(s->new_code), "%s", db_col_text(st, 6));
		/* -1: no share given. */
		given[c->n_succ] = !db_col_null(st, 4) ? db_col_int(st, 4) :
		    !db_col_null(st, 3) ? db_col_int(st, 3) * 100 :
		    s->partial ? -1 : REPORT_SHARE_FULL;
		c->n_succ++;
	}
	db_finalize(st);
	if (rc < 0) {
		free(given);
		return rc;
	}
	/* Sort with the given shares alongside. */
	for (i = 0; i < c->n_succ; i++)
		c->succ[i].bp = given[i];
	free(given);
	if (c->n_succ > 1)
		qsort(c->succ, c->n_succ, sizeof(*c->succ), succ_cmp_old);
	for (i = 0; i < c->n_succ; i = j) {
		int64_t rest = REPORT_SHARE_FULL, unset = 0, k = 0;

		for (j = i; j < c->n_succ && c->succ[j].old_id == c->succ[i].old_id;
		    j++) {
			if (c->succ[j].bp >= 0)
				rest -= c->succ[j].bp;
			else
				unset++;
		}
		if (rest < 0)
			rest = 0;
		for (size_t m = i; m < j; m++)
			if (c->succ[m].bp < 0) {
				/* Equal split of what is left; the first gets
				 * the remainder. */
				c->succ[m].bp = rest / unset + (k == 0 ? rest % unset : 0);
				k++;
			}
	}
	return 0;
}

/* Split v over n targets with weights w (sum > 0) by largest remainder:
 * the parts add up to v exactly. */
static void
apportion(int64_t v, const int64_t *w, size_t n, int64_t *out)
{
	int64_t total = 0, given = 0;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	for (i = 0; i < n; i++) {
		out[i] = total > 0 ? (int64_t)((__int128)v * w[i] / total) : 0;
		given += out[i];
	}
	while (given < v && total > 0) {
		size_t best = 0;
		__int128 bestr = -1;

		for (i = 0; i < n; i++) {
			__int128 r = (__int128)v * w[i] - (__int128)out[i] * total;

			if (w[i] > 0 && r > bestr) {
				bestr = r;
				best = i;
			}
		}
		out[best]++;
		given++;
	}
}

/* First entry of the succession (sorted by old or by new id) for id. */
static size_t
succ_first(const struct ctx *c, int64_t id, bool by_old)
{
	size_t lo = 0, hi = c->n_succ;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t k = by_old ? c->succ[mid].old_id : c->succ[mid].new_id;

		if (k < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define CARRY_MAX 64

/* Where an anchor of the other structure goes: its successors (to_new) or
 * predecessors in the tree (tgt[i] a node or -1), their weights w[i] and
 * codes; the number of them. */
static size_t
carry_targets(const struct ctx *c, const struct anchor *an, bool to_new,
    int tgt[CARRY_MAX], int64_t w[CARRY_MAX], const char *codes[CARRY_MAX],
    bool *partial, int64_t *total)
{
	size_t n = 0, i;

	*partial = false;
	*total = 0;
	for (i = succ_first(c, an->unit_id, to_new); i < c->n_succ &&
	    n < CARRY_MAX; i++) {
		const struct succ *s = &c->succ[i];

		if ((to_new ? s->old_id : s->new_id) != an->unit_id)
			break;
		tgt[n] = idmap_get(&c->node_map, to_new ? s->new_id : s->old_id);
		/* New -> old: the weights the predecessors gave. */
		w[n] = s->bp;
		codes[n] = to_new ? s->old_code : s->new_code;
		*partial = *partial || s->partial;
		*total += w[n];
		n++;
	}
	*partial = *partial || n > 1;
	return n;
}

/*
 * Carry an anchor of the other structure to the communes of the tree: the
 * reports counted and the note of the shares now, and its sink: the place
 * of its targets when they all share one (their pieces add up to the
 * whole there), else a sink of its own, split by carry_values() once its
 * values are read.
 */
static void
carry(struct ctx *c, int a, bool to_new)
{
	struct anchor *an = &c->anchors[a];
	int64_t w[CARRY_MAX], total;
	int tgt[CARRY_MAX], first = -1;
	const char *codes[CARRY_MAX];
	size_t n, i, live = 0;
	bool partial, same = true;

	n = carry_targets(c, an, to_new, tgt, w, codes, &partial, &total);
	if (n == 0 || total == 0)
		return;
	for (i = 0; i < n; i++) {
		struct node *nd;
		char pct[16];

		if (tgt[i] < 0 || c->nodes[tgt[i]].own >= 0) {
			same = false;
			continue;	/* its own report wins */
		}
		nd = &c->nodes[tgt[i]];
		if (live++ == 0)
			first = tgt[i];
		else if (nd->row != c->nodes[first].row || nd->up !=
		    c->nodes[first].up)
			same = false;
		nd->n_reports += an->n_reports;
		if (!partial)
			continue;
		/* "11344: 50%": the part of unit 11344's figures counted
		 * here. */
		nd->share = true;
		reports_x100_str(w[i] * 10000 / total, pct, sizeof(pct));
		if (nd->note.len < 400)
			buf_printf(&nd->note, "%s%s: %s%%", nd->note.len > 0 ?
			    ", " : "", codes[i], pct);
	}
	if (live == 0)
		return;
	an->sink = same ? place_sink(c, first) : sink_new(c, -1, false, a);
}

/* Split the values of an anchor kept apart among its targets by largest
 * remainder, into the rows of each target's place. */
static void
carry_values(struct ctx *c, const struct sink *s, bool to_new)
{
	int64_t w[CARRY_MAX], part[CARRY_MAX], total;
	int tgt[CARRY_MAX];
	const char *codes[CARRY_MAX];
	size_t n, i, k;
	bool partial;

	n = carry_targets(c, &c->anchors[s->anchor], to_new, tgt, w, codes,
	    &partial, &total);
	for (k = 0; k < c->nf; k++) {
		if (!s->has[k])
			continue;
		apportion(s->vals[k], w, n, part);
		for (i = 0; i < n; i++) {
			const struct node *nd;

			if (tgt[i] < 0 || c->nodes[tgt[i]].own >= 0)
				continue;
			nd = &c->nodes[tgt[i]];
			place_add(c, nd->row, nd->up, k, part[i]);
		}
	}
}

static int
succ_cmp_new(const void *x, const void *y)
{
	const struct succ *a = x, *b = y;

	if (a->new_id != b->new_id)
		return a->new_id < b->new_id ? -1 : 1;
	return a->old_id < b->old_id ? -1 : a->old_id > b->old_id;
}

/* ---- The consolidation ---- */

/* Kinds whose figures are carried across the restructuring: communes, and
 * the island districts that had no communes and became special zones
 * (Bạch Long Vĩ, Cồn Cỏ, ...); other districts have no successor. */
static bool
carried_kind(const char *kind)
{
	return strcmp(kind, UNIT_COMMUNE) == 0 || strcmp(kind, UNIT_DISTRICT) == 0;
}


static void
row_from_node(struct report_consolidated *out, struct node *n, bool total)
{
	struct report_row *r = &out->rows[out->n++];

	memset(r, 0, sizeof(*r));
	r->unit_id = n->id;
	r->unit_code = xstrdup(n->code);
	r->unit_name = xstrdup(n->name);
	r->unit_kind = xstrdup(n->kind);
	r->total = total;
	r->own = n->own >= 0;
	r->n_reports = n->n_reports;
	r->share_applied = n->share;
	r->share_note = xstrdup(buf_str(&n->note));
	/* The row takes the node's figures and texts. */
	r->values = n->vals;
	r->has = n->has;
	r->texts = n->texts;
	n->vals = NULL;
	n->has = NULL;
	n->texts = NULL;
	reports_recompute(&out->form, r->values, r->has);
}

int
reports_consolidate(struct db *db, const struct actor *a, const char *form,
    const char *unit_code, const char *period, const char *structure,
    struct report_consolidated *out, struct kh_err *err)
{
	struct ctx c;
	struct unit root = UNIT_INIT;
	char on[11], *token = NULL, *key = NULL;
	size_t i, k;
	bool need_succ = false, to_new;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	rc = reports_period_parse(period, &out->period, err);
	if (rc == 0)
		rc = reports_structure_resolve(structure, &out->period,
		    out->structure, on, err);
	if (rc == 0)
		rc = reports_form_get(db, a, form, &out->form, err);
	if (rc != 0)
		goto fail;
	rc = units_find(db, a, unit_code != NULL ? unit_code : "", on, &root, err);
	if (rc == 0 && *reports_unit_structure(root.valid_from, root.valid_to)
	    != '\0' && strcmp(reports_unit_structure(root.valid_from,
	    root.valid_to), out->structure) != 0)
		rc = KH_E_NOT_FOUND;
	if (rc == KH_E_NOT_FOUND)
		rc = kh_fail_field(err, KH_E_NOT_FOUND, "unit", N_("There is no unit"
		    " %s in the chosen structure."), unit_code);
	if (rc == 0)
		rc = auth_can_read(db, a, root.id, err);
	if (rc == 0)
		rc = reports_cache_token(db, &token, err);
	if (rc != 0)
		goto fail;
	if (token != NULL && out->form.json != NULL) {
		size_t len = strlen(out->form.code) + strlen(out->period.code) + 64;

		key = xmalloc(len);
		snprintf(key, len, "%s\x1f%lld\x1f%s\x1f%s", out->form.code,
		    (long long)root.id, out->period.code, out->structure);
		if (reports_cache_get(key, token, out)) {
			free(key);
			free(token);
			unit_cleanup(&root);
			return 0;
		}
	}
	c.f = &out->form;
	c.nf = out->form.n_fields;
	to_new = strcmp(out->structure, REPORT_NEW) == 0;
	rc = tree_load(db, &c, root.id, on, err);
	if (rc == 0 && c.n_nodes == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("Unknown unit."), NULL);
	if (rc == 0)
		rc = anchors_load(db, &c, root.id, &out->period, err);
	if (rc != 0)
		goto fail;
	/* Native anchors first: they mark the units whose own report wins.
	 * Reports of organisations directly under a unit add to what its
	 * children report. */
	for (i = 0; i < c.n_anchors; i++) {
		const struct anchor *an = &c.anchors[i];
		int n = idmap_get(&c.node_map, an->unit_id);

		if (n >= 0) {
			if (an->own)
				c.nodes[n].own = (int)i;
			c.nodes[n].n_reports += an->n_reports;
		} else if (carried_kind(an->kind) && *an->structure != '\0' &&
		    strcmp(an->structure, out->structure) != 0) {
			need_succ = true;
		}
	}
	places_set(&c);
	for (i = 0; i < c.n_anchors; i++) {
		int n = idmap_get(&c.node_map, c.anchors[i].unit_id);

		if (n >= 0)
			c.anchors[i].sink = place_sink(&c, n);
	}
	if (need_succ) {
		rc = succ_load(db, &c, err);
		if (rc != 0)
			goto fail;
		if (!to_new && c.n_succ > 1)
			qsort(c.succ, c.n_succ, sizeof(*c.succ), succ_cmp_new);
		for (i = 0; i < c.n_anchors; i++) {
			const struct anchor *an = &c.anchors[i];

			if (idmap_get(&c.node_map, an->unit_id) < 0 &&
			    carried_kind(an->kind) &&
			    *an->structure != '\0' &&
			    strcmp(an->structure, out->structure) != 0)
				carry(&c, (int)i, to_new);
		}
	}
	for (i = 0; i < c.n_subs; i++)
		if (c.subs[i].anchor >= 0)
			c.subs[i].sink = c.anchors[c.subs[i].anchor].sink;
	rc = values_load(db, &c, &out->period, err);
	if (rc == 0)
		rc = texts_load(db, &c, err);
	if (rc != 0)
		goto fail;
	for (i = 0; i < c.n_sinks; i++) {
		const struct sink *s = &c.sinks[i];

		if (s->anchor >= 0) {
			carry_values(&c, s, to_new);
			continue;
		}
		for (k = 0; k < c.nf; k++)
			if (s->has[k])
				place_add(&c, s->row, s->up, k, s->vals[k]);
	}
	/* Bottom-up (nodes are ordered by depth): a unit without its own
	 * report counts the reports of its children and their shares. */
	for (i = c.n_nodes; i-- > 1;) {
		struct node *nd = &c.nodes[i], *pa;

		if (nd->parent < 0)
			continue;
		pa = &c.nodes[nd->parent];
		if (pa->own >= 0)
			continue;
		pa->n_reports += nd->n_reports;
		if (nd->share) {
			pa->share = true;
			if (pa->note.len < 400)
				buf_printf(&pa->note, "%s%s", pa->note.len > 0 ?
				    ", " : "", buf_str(&nd->note));
		}
	}
	out->rows = xcalloc(c.n_nodes + 1, sizeof(*out->rows));
	for (i = 0; i < c.n_nodes; i++) {
		struct node *nd = &c.nodes[i];

		if (i != 0 && nd->parent != 0)
			continue;
		row_from_node(out, nd, i == 0);
	}
	if (key != NULL)
		reports_cache_put(key, token, out);
	free(key);
	free(token);
	ctx_free(&c);
	unit_cleanup(&root);
	return 0;
fail:
	free(key);
	free(token);
	ctx_free(&c);
	unit_cleanup(&root);
	report_consolidated_cleanup(out);
	return rc;
}

int
reports_share_set(struct db *db, const struct actor *a, const char *old_code,
    const char *new_code, int share_bp, const char *note, struct kh_err *err)
{
	struct unit o = UNIT_INIT, n = UNIT_INIT;
	char stamp[STAMP_LEN], key[48];
	int64_t others = 0, exists = 0;
	json_t *after;
	int rc;

	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc != 0)
		return rc;
	if (share_bp < 0 || share_bp > REPORT_SHARE_FULL)
		return kh_fail_field(err, KH_E_INVALID, "share",
		    N_("A share is between 0 and 100 %."), NULL);
	rc = units_find(db, a, old_code, UNITS_OLD_STRUCTURE_TO, &o, err);
	if (rc == 0)
		rc = units_find(db, a, new_code, UNITS_NEW_STRUCTURE_FROM, &n, err);
	if (rc == 0)
		rc = auth_can_write(db, a, o.id, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, "SELECT count(*) FROM unit_succession WHERE"
	    " old_id = $1 AND new_id = $2", DB_ARGS(DB_INT(o.id), DB_INT(n.id)),
	    &exists, err);
	if (rc == 0 && exists == 0)
		rc = kh_fail(err, KH_E_INVALID, N_("The new unit did not succeed the"
		    " old one (%s)."), old_code);
	if (rc == 0)
		rc = db_query_int(db, "SELECT COALESCE(sum(share_bp), 0) FROM"
		    " report_shares WHERE old_id = $1 AND new_id <> $2",
		    DB_ARGS(DB_INT(o.id), DB_INT(n.id)), &others, err);
	if (rc == 0 && others + share_bp > REPORT_SHARE_FULL)
		rc = kh_fail_field(err, KH_E_INVALID, "share", N_("The shares of"
		    " %s would add up to more than 100 %."), old_code);
	stamp_now(stamp);
	if (rc == 0)
		rc = db_exec_args(db, "DELETE FROM report_shares WHERE old_id = $1"
		    " AND new_id = $2", DB_ARGS(DB_INT(o.id), DB_INT(n.id)), NULL,
		    err);
	if (rc == 0)
		rc = db_exec_args(db, "INSERT INTO report_shares (old_id, new_id,"
		    " share_bp, note, set_at, set_by) VALUES ($1, $2, $3, $4, $5, $6)",
		    DB_ARGS(DB_INT(o.id), DB_INT(n.id), DB_INT(share_bp),
		    DB_TEXT(note != NULL ? note : ""), DB_TEXT(stamp),
		    DB_TEXT(a->login)), NULL, err);
	if (rc == 0) {
		snprintf(key, sizeof(key), "%s>%s", old_code, new_code);
		after = json_pack("{s:i, s:s}", "share_bp", share_bp, "note",
		    note != NULL ? note : "");
		rc = audit_record(db, a, o.id, "update", "report_share", key, NULL,
		    after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	unit_cleanup(&o);
	unit_cleanup(&n);
	return rc;
}
