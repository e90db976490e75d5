/*
 * units.c - reading units: lookups by code and date, children, paths,
 * subtrees, search and succession, each limited to the actor's scope.
 *
 * Writing lives in org.c (organisations created by users) and import.c (the
 * official data). Subtree questions go through the closure table unit_tree:
 * "everything under X on day D" is one range scan of its primary key joined
 * to units, whatever the depth.
 */
#include "units/units_impl.h"
#include "core/buf.h"
#include "core/vntext.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_LIMIT_DEFAULT 50
#define SEARCH_LIMIT_MAX 500

void
unit_cleanup(struct unit *u)
{
	if (u == NULL)
		return;
	free(u->code);
	free(u->name);
	free(u->kind);
	free(u->type_name);
	free(u->parent_code);
	free(u->parent_name);
	free(u->valid_from);
	free(u->valid_to);
	free(u->address);
	free(u->note);
	memset(u, 0, sizeof(*u));
}

void
unit_list_cleanup(struct unit_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		unit_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

struct unit *
unit_list_add(struct unit_list *l)
{
	struct unit *u;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	u = &l->items[l->n++];
	memset(u, 0, sizeof(*u));
	return u;
}

void
unit_from_row(struct db_stmt *st, struct unit *u)
{
	u->id = db_col_int(st, 0);
	u->code = db_col_strdup(st, 1, false);
	u->name = db_col_strdup(st, 2, false);
	u->kind = db_col_strdup(st, 3, false);
	u->type_name = db_col_strdup(st, 4, false);
	u->parent_id = db_col_int(st, 5);
	u->parent_code = db_col_strdup(st, 6, false);
	u->parent_name = db_col_strdup(st, 7, false);
	u->valid_from = db_col_strdup(st, 8, false);
	u->valid_to = db_col_strdup(st, 9, false);
	u->address = db_col_strdup(st, 10, false);
	u->note = db_col_strdup(st, 11, false);
	u->n_children = 0;
}

/* Kinds, in display order, with their labels. */
static const struct {
	const char *kind;
	bool org;
	const char *vi;
	const char *en;
} kinds[] = {
	{UNIT_COUNTRY, false, "Quốc gia", "Country"},
	{UNIT_PROVINCE, false, "Tỉnh/Thành phố", "Province/City"},
	{UNIT_DISTRICT, false, "Quận/Huyện", "District"},
	{UNIT_COMMUNE, false, "Xã/Phường", "Commune/Ward"},
	{UNIT_VILLAGE, true, "Thôn/Tổ dân phố", "Village/Residential group"},
	{UNIT_SCHOOL, true, "Trường học", "School"},
	{UNIT_ENTERPRISE, true, "Doanh nghiệp", "Enterprise"},
	{UNIT_AGENCY, true, "Cơ quan", "Agency"},
	{UNIT_ARMED, true, "Đơn vị lực lượng vũ trang", "Armed forces unit"},
	{UNIT_CHAPTER, true, "Chi hội khuyến học", "Study promotion chapter"},
	{UNIT_BOARD, true, "Ban khuyến học", "Study promotion board"},
	{UNIT_CLC, true, "Trung tâm học tập cộng đồng",
	    "Community learning centre"},
	{UNIT_ASSOCIATION, true, "Hội Khuyến học",
	    "Study Promotion Association"},
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static int
kind_index(const char *kind)
{
	size_t i;

	if (kind == NULL)
		return -1;
	for (i = 0; i < N_KINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

int
units_kind_is_org(const char *kind)
{
	int i = kind_index(kind);

	return i >= 0 && kinds[i].org;
}

int
units_kind_is_territorial(const char *kind)
{
	int i = kind_index(kind);

	return i >= 0 && !kinds[i].org;
}

int
units_kind_rank(const char *kind)
{
	int i = kind_index(kind);

	return i >= 0 && !kinds[i].org ? i : 4;
}

/*
 * Literal labels rather than catalogue entries: they are domain terms with
 * one accepted wording each, and the English ones are only for the English
 * interface. An unknown kind is returned as it is.
 */
const char *
units_kind_label(const char *kind, const char *lang)
{
	int i = kind_index(kind);

	if (i < 0)
		return kind != NULL ? kind : "";
	return lang != NULL && strcmp(lang, "en") == 0 ? kinds[i].en :
	    kinds[i].vi;
}

int
units_date_arg(const char *in, bool want_today, char out[DATE_LEN],
    const char *field, struct kh_err *err)
{
	out[0] = '\0';
	if (in == NULL || *in == '\0') {
		if (want_today)
			date_today(out);
		return 0;
	}
	if (!date_parse(in, out)) {
		out[0] = '\0';
		return kh_fail_field(err, KH_E_INVALID, field,
		    N_("%s is not a date: write it as YYYY-MM-DD or dd/mm/yyyy."),
		    in);
	}
	return 0;
}

/* Run a query returning UNIT_COLS rows (plus extra columns handled by the
 * caller's hook) and append them to out. */
typedef void (*row_hook)(struct db_stmt *st, struct unit *u);

static int
collect(struct db *db, const char *sql, const struct db_arg *args, int n,
    row_hook hook, struct unit_list *out, struct kh_err *err)
{
	struct db_stmt *st;
	struct unit *u;
	int rc;

	rc = db_prepare(db, sql, args, n, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		u = unit_list_add(out);
		unit_from_row(st, u);
		if (hook != NULL)
			hook(st, u);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Fetch one unit by a query; KH_E_NOT_FOUND when there is no row. */
static int
fetch_one(struct db *db, const char *sql, const struct db_arg *args, int n,
    struct unit *out, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db, sql, args, n, &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		unit_from_row(st, out);
		rc = 0;
	} else if (rc == 0)
		rc = KH_E_NOT_FOUND;
	db_finalize(st);
	return rc;
}

/* The unit exists (KH_E_NOT_FOUND) and the actor may read it. */
static int
check_read(struct db *db, const struct actor *a, int64_t id,
    struct kh_err *err)
{
	char num[32];
	int64_t n = 0;
	int rc;

	rc = db_query_int(db, "SELECT count(*) FROM units WHERE id = $1",
	    DB_ARGS(DB_INT(id)), &n, err);
	if (rc != 0)
		return rc;
	if (n == 0) {
		snprintf(num, sizeof(num), "%" PRId64, id);
		return kh_fail(err, KH_E_NOT_FOUND,
		    N_("No unit has the number %s."), num);
	}
	return auth_can_read(db, a, id, err);
}

int
units_find(struct db *db, const struct actor *a, const char *code,
    const char *on, struct unit *out, struct kh_err *err)
{
	/* On a date: the unit in force then. Without: today's, else the one
	 * that began last (an old unit's page still opens). */
	static const char sql_on[] =
	    "SELECT " UNIT_COLS " FROM units u" UNIT_JOIN_PARENT
	    " WHERE u.code = $1 AND " UNIT_VALID_ON("u", "$2")
	    " ORDER BY u.valid_from DESC LIMIT 1";
	static const char sql_latest[] =
	    "SELECT " UNIT_COLS " FROM units u" UNIT_JOIN_PARENT
	    " WHERE u.code = $1"
	    " ORDER BY (CASE WHEN " UNIT_VALID_ON("u", "$2") " THEN 0 ELSE 1 END),"
	    " u.valid_from DESC LIMIT 1";
	char day[DATE_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	if (code == NULL || *code == '\0')
		return kh_fail_field(err, KH_E_INVALID, "code",
		    N_("Give the code of a unit."), NULL);
	rc = units_date_arg(on, true, day, "on", err);
	if (rc != 0)
		return rc;
	rc = fetch_one(db, on != NULL && *on != '\0' ? sql_on : sql_latest,
	    DB_ARGS(DB_TEXT(code), DB_TEXT(day)), out, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail(err, KH_E_NOT_FOUND, on != NULL && *on != '\0' ?
		    N_("No unit had the code %s on that date.") :
		    N_("No unit has the code %s."), code);
	if (rc == 0)
		rc = auth_can_read(db, a, out->id, err);
	if (rc != 0)
		unit_cleanup(out);
	return rc;
}

int
unit_load(struct db *db, int64_t id, struct unit *out, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT " UNIT_COLS " FROM units u" UNIT_JOIN_PARENT
	    " WHERE u.id = $1";
	char num[32];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = fetch_one(db, sql, DB_ARGS(DB_INT(id)), out, err);
	if (rc == KH_E_NOT_FOUND) {
		snprintf(num, sizeof(num), "%" PRId64, id);
		return kh_fail(err, KH_E_NOT_FOUND,
		    N_("No unit has the number %s."), num);
	}
	return rc;
}

int
units_get(struct db *db, const struct actor *a, int64_t id, struct unit *out,
    struct kh_err *err)
{
	int rc;

	rc = unit_load(db, id, out, err);
	if (rc == 0)
		rc = auth_can_read(db, a, id, err);
	if (rc != 0)
		unit_cleanup(out);
	return rc;
}

static void
hook_children(struct db_stmt *st, struct unit *u)
{
	u->n_children = db_col_int(st, UNIT_NCOLS);
}

int
units_children(struct db *db, const struct actor *a, int64_t unit_id,
    const char *on, struct unit_list *out, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT " UNIT_COLS ", (SELECT count(*) FROM units c"
	    "   WHERE c.parent_id = u.id AND ($2 IS NULL OR "
	    UNIT_VALID_ON("c", "$2") "))"
	    " FROM units u" UNIT_JOIN_PARENT
	    " WHERE u.parent_id = $1 AND ($2 IS NULL OR "
	    UNIT_VALID_ON("u", "$2") ")"
	    " ORDER BY " UNIT_KIND_RANK("u.kind") ", u.sort_key, u.code,"
	    " u.valid_from";
	char day[DATE_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = units_date_arg(on, false, day, "on", err);
	if (rc == 0)
		rc = check_read(db, a, unit_id, err);
	if (rc == 0)
		rc = collect(db, sql, DB_ARGS(DB_INT(unit_id),
		    DB_TEXT(day[0] != '\0' ? day : NULL)), hook_children, out,
		    err);
	if (rc != 0)
		unit_list_cleanup(out);
	return rc;
}

/*
 * The whole path is returned once the unit itself may be read: the units
 * above a scope are official units (or the organisation a unit belongs to)
 * and are needed to say where the unit is.
 */
int
units_path(struct db *db, const struct actor *a, int64_t unit_id,
    struct unit_list *out, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT " UNIT_COLS " FROM unit_tree t"
	    " JOIN units u ON u.id = t.ancestor_id" UNIT_JOIN_PARENT
	    " WHERE t.descendant_id = $1 AND t.depth > 0"
	    " ORDER BY t.depth DESC";
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_read(db, a, unit_id, err);
	if (rc == 0)
		rc = collect(db, sql, DB_ARGS(DB_INT(unit_id)), NULL, out, err);
	if (rc != 0)
		unit_list_cleanup(out);
	return rc;
}

/* The longest word of a search key (malloc'd). */
static char *
longest_word(const char *key)
{
	const char *p = key, *best = key, *end;
	size_t n, best_n = 0;

	while (*p != '\0') {
		end = strchr(p, ' ');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n > best_n) {
			best = p;
			best_n = n;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return xstrndup(best, best_n);
}

/*
 * SQL narrows the candidates to keys holding the longest query word
 * anywhere; C then keeps those where every query word starts a word of the
 * key. Keys hold only letters, digits and spaces, so the LIKE pattern never
 * contains a wildcard from the input.
 */
int
units_search(struct db *db, const struct actor *a, const char *text,
    const char *on, int limit, struct unit_list *out, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT " UNIT_COLS ", u.search_key FROM units u" UNIT_JOIN_PARENT
	    " WHERE u.search_key LIKE '%' || $1 || '%'"
	    " AND ($2 IS NULL OR " UNIT_VALID_ON("u", "$2") ")"
	    " AND " AUTH_IN_SCOPE("u.id", "$3")
	    " ORDER BY " UNIT_KIND_RANK("u.kind") ", u.sort_key, u.code,"
	    " u.valid_from DESC";
	char day[DATE_LEN];
	char *nfc = NULL, *key = NULL, *word = NULL;
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (limit <= 0)
		limit = SEARCH_LIMIT_DEFAULT;
	if (limit > SEARCH_LIMIT_MAX)
		limit = SEARCH_LIMIT_MAX;
	rc = auth_need_role(a, ROLE_VIEWER, err);
	if (rc != 0)
		return rc;
	rc = units_date_arg(on, false, day, "on", err);
	if (rc != 0)
		return rc;
	if (text != NULL)
		nfc = vn_nfc(text, strlen(text));
	key = vn_search_key(nfc != NULL ? nfc : "");
	if (*key == '\0') {
		rc = kh_fail_field(err, KH_E_INVALID, "q",
		    N_("Type a few letters of a name to search for."), NULL);
		goto out;
	}
	word = longest_word(key);
	rc = db_prepare(db, sql, DB_ARGS(DB_TEXT(word),
	    DB_TEXT(day[0] != '\0' ? day : NULL), DB_INT(a->unit_id)), &st,
	    err);
	if (rc != 0)
		goto out;
	while (out->n < (size_t)limit && (rc = db_step(st, err)) == 1) {
		const char *k = db_col_text(st, UNIT_NCOLS);

		if (k == NULL || !vn_key_matches(k, key))
			continue;
		unit_from_row(st, unit_list_add(out));
	}
	if (rc > 0)
		rc = 0;
out:
	db_finalize(st);
	free(nfc);
	free(key);
	free(word);
	if (rc != 0)
		unit_list_cleanup(out);
	return rc;
}

/* Subtree ordering: one unit of the result with what sorts it. */
struct node {
	struct unit u;		/* the unit (moved into the result) */
	int rank;		/* units_kind_rank of its kind */
	unsigned char *key;	/* sort key of its name */
	size_t key_len;
	size_t first_child;	/* index in the sorted array, or SIZE_MAX */
	bool placed;		/* already in the result */
};

static int
node_cmp(const void *pa, const void *pb)
{
	const struct node *a = pa, *b = pb;
	size_t n;
	int c;

	if (a->u.parent_id != b->u.parent_id)
		return a->u.parent_id < b->u.parent_id ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	n = a->key_len < b->key_len ? a->key_len : b->key_len;
	c = n > 0 ? memcmp(a->key, b->key, n) : 0;
	if (c != 0)
		return c;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return strcmp(a->u.code, b->u.code);
}

/* First node whose parent is parent_id, in nodes sorted by node_cmp. */
static size_t
first_with_parent(const struct node *nodes, size_t n, int64_t parent_id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (nodes[mid].u.parent_id < parent_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && nodes[lo].u.parent_id == parent_id ? lo : SIZE_MAX;
}

/* Append the children of parent_id, each followed by its own subtree. An
 * explicit stack keeps deep organisation trees off the C stack. */
static void
place_subtree(struct node *nodes, size_t n, int64_t root_id,
    struct unit_list *out)
{
	size_t *stack, top = 0, i, j;

	stack = xmalloc((n + 1) * sizeof(*stack));
	i = first_with_parent(nodes, n, root_id);
	if (i != SIZE_MAX)
		stack[top++] = i;
	while (top > 0) {
		i = stack[--top];
		/* Push the next sibling first so the child subtree comes first. */
		if (i + 1 < n && nodes[i + 1].u.parent_id == nodes[i].u.parent_id)
			stack[top++] = i + 1;
		if (nodes[i].placed)
			continue;
		nodes[i].placed = true;
		*unit_list_add(out) = nodes[i].u;
		memset(&nodes[i].u, 0, sizeof(nodes[i].u));
		j = nodes[i].first_child;
		if (j != SIZE_MAX)
			stack[top++] = j;
	}
	free(stack);
}

int
units_subtree(struct db *db, const struct actor *a, int64_t unit_id,
    const char *on, struct unit_list *out, struct kh_err *err)
{
	static const char sql_root[] =
	    "SELECT " UNIT_COLS " FROM units u" UNIT_JOIN_PARENT
	    " WHERE u.id = $1";
	static const char sql[] =
	    "SELECT " UNIT_COLS ", u.sort_key FROM unit_tree t"
	    " JOIN units u ON u.id = t.descendant_id" UNIT_JOIN_PARENT
	    " WHERE t.ancestor_id = $1 AND t.depth > 0 AND "
	    UNIT_VALID_ON("u", "$2");
	struct node *nodes = NULL;
	size_t n = 0, cap = 0, i;
	struct db_stmt *st = NULL;
	char day[DATE_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = units_date_arg(on, true, day, "on", err);
	if (rc == 0)
		rc = check_read(db, a, unit_id, err);
	if (rc == 0)
		rc = fetch_one(db, sql_root, DB_ARGS(DB_INT(unit_id)),
		    unit_list_add(out), err);
	if (rc == 0)
		rc = db_prepare(db, sql, DB_ARGS(DB_INT(unit_id), DB_TEXT(day)),
		    &st, err);
	if (rc != 0)
		goto out;
	while ((rc = db_step(st, err)) == 1) {
		const void *k;
		size_t klen;

		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nodes = xrealloc(nodes, cap * sizeof(*nodes));
		}
		memset(&nodes[n], 0, sizeof(nodes[n]));
		unit_from_row(st, &nodes[n].u);
		nodes[n].rank = units_kind_rank(nodes[n].u.kind);
		k = db_col_blob(st, UNIT_NCOLS, &klen);
		if (k != NULL && klen > 0) {
			nodes[n].key = xmalloc(klen);
			memcpy(nodes[n].key, k, klen);
			nodes[n].key_len = klen;
		}
		n++;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (n > 0)
		qsort(nodes, n, sizeof(*nodes), node_cmp);
	for (i = 0; i < n; i++)
		nodes[i].first_child = first_with_parent(nodes, n,
		    nodes[i].u.id);
	place_subtree(nodes, n, unit_id, out);
	/* A unit in force whose parent was not (inconsistent dates) is still
	 * listed, at the end, rather than lost. */
	for (i = 0; i < n; i++)
		if (!nodes[i].placed) {
			*unit_list_add(out) = nodes[i].u;
			memset(&nodes[i].u, 0, sizeof(nodes[i].u));
		}
out:
	db_finalize(st);
	for (i = 0; i < n; i++) {
		unit_cleanup(&nodes[i].u);
		free(nodes[i].key);
	}
	free(nodes);
	if (rc != 0)
		unit_list_cleanup(out);
	return rc;
}

int
units_count_subtree(struct db *db, const struct actor *a, int64_t unit_id,
    const char *on, int64_t *total, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT count(*) FROM unit_tree t"
	    " JOIN units u ON u.id = t.descendant_id"
	    " WHERE t.ancestor_id = $1 AND t.depth > 0 AND "
	    UNIT_VALID_ON("u", "$2");
	char day[DATE_LEN];
	int rc;

	*total = 0;
	rc = units_date_arg(on, true, day, "on", err);
	if (rc == 0)
		rc = check_read(db, a, unit_id, err);
	if (rc == 0)
		rc = db_query_int(db, sql, DB_ARGS(DB_INT(unit_id),
		    DB_TEXT(day)), total, err);
	return rc;
}

/* Put the link's kind (full/partial) in note. */
static void
hook_link(struct db_stmt *st, struct unit *u)
{
	free(u->note);
	u->note = db_col_strdup(st, UNIT_NCOLS, false);
	if (u->note == NULL)
		u->note = xstrdup("");
}

/*
 * Succession links join official units only, whose names are public; the
 * other side of a link is listed even when it lies outside the actor's scope
 * (an old commune split between two new ones names both), so that the
 * history reads whole. The unit asked about must be readable.
 */
int
units_successors(struct db *db, const struct actor *a, int64_t unit_id,
    struct unit_list *out, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT " UNIT_COLS ", s.kind FROM unit_succession s"
	    " JOIN units u ON u.id = s.new_id" UNIT_JOIN_PARENT
	    " WHERE s.old_id = $1"
	    " ORDER BY " UNIT_KIND_RANK("u.kind") ", u.sort_key, u.code";
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_read(db, a, unit_id, err);
	if (rc == 0)
		rc = collect(db, sql, DB_ARGS(DB_INT(unit_id)), hook_link, out,
		    err);
	if (rc != 0)
		unit_list_cleanup(out);
	return rc;
}

int
units_predecessors(struct db *db, const struct actor *a, int64_t unit_id,
    struct unit_list *out, struct kh_err *err)
{
	static const char sql[] =
	    "SELECT " UNIT_COLS ", s.kind FROM unit_succession s"
	    " JOIN units u ON u.id = s.old_id" UNIT_JOIN_PARENT
	    " WHERE s.new_id = $1"
	    " ORDER BY " UNIT_KIND_RANK("u.kind") ", u.sort_key, u.code";
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_read(db, a, unit_id, err);
	if (rc == 0)
		rc = collect(db, sql, DB_ARGS(DB_INT(unit_id)), hook_link, out,
		    err);
	if (rc != 0)
		unit_list_cleanup(out);
	return rc;
}
