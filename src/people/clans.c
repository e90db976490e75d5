/*
 * clans.c - households as lists, and clans (dòng họ): a branch of a lineage
 * in one commune whose members are households of that commune.
 */
#include "people/people.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
household_list_cleanup(struct household_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].unit_code);
		free(l->items[i].unit_name);
		free(l->items[i].code);
		free(l->items[i].head_name);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void
clan_cleanup(struct clan *c)
{
	free(c->unit_code);
	free(c->unit_name);
	free(c->name);
	free(c->branch);
	free(c->head_name);
	memset(c, 0, sizeof(*c));
}

void
clan_list_cleanup(struct clan_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		clan_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/*
 * Household columns: id, unit, number, the head's name (as the actor may
 * see it: W is the SQL parameter bound to people_name_scope, people.h) and
 * the member count. Numbers sort as numbers when they are numbers ("2"
 * before "10"): shorter first, then as text.
 */
#define SQL_HOUSEHOLD_COLS(W) \
	"SELECT h.id, h.unit_id, u.code, u.name, h.code," \
	" COALESCE((SELECT min(" PEOPLE_NAME_SQL("p", W) ") FROM people p" \
	"   WHERE p.household_id = h.id AND p.is_head = 1), '')," \
	" (SELECT count(*) FROM people p WHERE p.household_id = h.id)"
#define SQL_HOUSEHOLD_ORDER " ORDER BY u.code, length(h.code), h.code, h.id"

static int
households_read(struct db_stmt *st, struct household_list *out,
    struct kh_err *err)
{
	int rc;

	while ((rc = db_step(st, err)) == 1) {
		struct household *h;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 32;
			out->items = xrealloc(out->items,
			    out->cap * sizeof(*out->items));
		}
		h = &out->items[out->n++];
		h->id = db_col_int(st, 0);
		h->unit_id = db_col_int(st, 1);
		h->unit_code = db_col_strdup(st, 2, true);
		h->unit_name = db_col_strdup(st, 3, true);
		h->code = db_col_strdup(st, 4, true);
		h->head_name = db_col_strdup(st, 5, true);
		h->members = db_col_int(st, 6);
	}
	db_finalize(st);
	if (rc < 0) {
		household_list_cleanup(out);
		return rc;
	}
	return 0;
}

int
people_households(struct db *db, const struct actor *a, int64_t unit_id,
    const char *q, int limit, int offset, struct household_list *out,
    struct kh_err *err)
{
	/* The search matches the household number as typed, or every word of
	 * the head's name at the start of a word of the name key, unless the
	 * actor may not see that name ($5: people_name_scope). */
#define HOUSEHOLD_WHERE \
	" FROM households h JOIN unit_tree t ON t.descendant_id = h.unit_id" \
	" JOIN units u ON u.id = h.unit_id WHERE t.ancestor_id = $1" \
	" AND ($2 IS NULL OR h.code = $2 OR EXISTS (SELECT 1 FROM people p" \
	"   WHERE p.household_id = h.id AND p.is_head = 1" \
	"   AND NOT " PEOPLE_HIDDEN_SQL("p", "$5") \
	"   AND ($3 IS NULL OR p.name_key LIKE $3)" \
	"   AND ($4 IS NULL OR p.name_key LIKE $4)))"
	struct db_stmt *st;
	char *key = NULL, *pat[2] = {NULL, NULL}, *save = NULL, *w;
	int rc, np = 0;

	memset(out, 0, sizeof(*out));
	if (limit <= 0)
		limit = 50;
	if (limit > 1000)
		limit = 1000;
	rc = auth_can_read(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	if (q != NULL && q[0] != '\0') {
		key = vn_search_key(q);
		for (w = strtok_r(key, " ", &save); w != NULL && np < 2;
		    w = strtok_r(NULL, " ", &save))
			pat[np++] = xasprintf("%% %s%%", w);
	}
	rc = db_query_int(db, "SELECT count(*)" HOUSEHOLD_WHERE,
	    DB_ARGS(DB_INT(unit_id), DB_TEXT(q != NULL && q[0] ? q : NULL),
	    DB_TEXT(pat[0]), DB_TEXT(pat[1]), DB_INT(people_name_scope(a))),
	    &out->total, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_HOUSEHOLD_COLS("$5") HOUSEHOLD_WHERE
		    SQL_HOUSEHOLD_ORDER " LIMIT $6 OFFSET $7",
		    DB_ARGS(DB_INT(unit_id), DB_TEXT(q != NULL && q[0] ? q : NULL),
		    DB_TEXT(pat[0]), DB_TEXT(pat[1]), DB_INT(people_name_scope(a)),
		    DB_INT(limit), DB_INT(offset < 0 ? 0 : offset)), &st, err);
	free(key);
	free(pat[0]);
	free(pat[1]);
	if (rc != 0)
		return rc;
	return households_read(st, out, err);
#undef HOUSEHOLD_WHERE
}

/* The commune a unit lies in (itself when it is one); 0 when none. */
static int
commune_of(struct db *db, int64_t unit_id, int64_t *commune,
    struct kh_err *err)
{
	int rc;

	rc = db_query_int(db, "SELECT t.ancestor_id FROM unit_tree t"
	    " JOIN units u ON u.id = t.ancestor_id WHERE t.descendant_id = $1"
	    " AND u.kind = 'commune'", DB_ARGS(DB_INT(unit_id)), commune, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		*commune = 0;
		rc = 0;
	}
	return rc;
}

static int
clan_text(const char *in, size_t max, const char *field, bool required,
    char **out, struct kh_err *err)
{
	*out = NULL;
	if (in == NULL)
		in = "";
	*out = vn_nfc(in, strlen(in));
	if (*out == NULL)
		return kh_fail_field(err, KH_E_INVALID, field,
		    N_("The text is not valid UTF-8."), NULL);
	/* Trim the spaces a form leaves around a name. */
	{
		char *s = *out, *e;

		while (*s == ' ')
			s++;
		memmove(*out, s, strlen(s) + 1);
		e = *out + strlen(*out);
		while (e > *out && e[-1] == ' ')
			*--e = '\0';
	}
	if ((required && (*out)[0] == '\0') || strlen(*out) > max) {
		free(*out);
		*out = NULL;
		return kh_fail_field(err, KH_E_INVALID, field,
		    N_("A clan's name has 1 to 120 characters, its branch at most 120."),
		    NULL);
	}
	return 0;
}

int
people_clan_create(struct db *db, const struct actor *a, int64_t unit_id,
    const char *name, const char *branch, int64_t head_person_id,
    int64_t *id, struct kh_err *err)
{
	char now[STAMP_LEN], today[DATE_LEN], ids[24];
	char *n = NULL, *br = NULL;
	int64_t commune = 0, head_commune = 0, hu = 0, dup = 0;
	json_t *after;
	int rc;

	*id = 0;
	rc = auth_can_write(db, a, unit_id, err);
	if (rc == 0)
		rc = clan_text(name, PEOPLE_NAME_MAX, "name", true, &n, err);
	if (rc == 0)
		rc = clan_text(branch, PEOPLE_NAME_MAX, "branch", false, &br, err);
	if (rc == 0)
		rc = commune_of(db, unit_id, &commune, err);
	if (rc == 0 && commune == 0)
		rc = kh_fail_field(err, KH_E_INVALID, "unit",
		    N_("A clan belongs to a commune or a unit inside one."), NULL);
	if (rc == 0 && head_person_id > 0) {
		rc = db_query_int(db, "SELECT unit_id FROM people WHERE id = $1",
		    DB_ARGS(DB_INT(head_person_id)), &hu, err);
		if (rc == KH_E_NOT_FOUND)
			rc = kh_fail_field(err, KH_E_INVALID, "head",
			    N_("The clan head is not in the registry."), NULL);
		if (rc == 0)
			rc = commune_of(db, hu, &head_commune, err);
		if (rc == 0 && head_commune != commune)
			rc = kh_fail_field(err, KH_E_INVALID, "head",
			    N_("The clan head must live in the clan's commune."),
			    NULL);
	}
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM clans WHERE unit_id = $1"
		    " AND name = $2 AND branch = $3",
		    DB_ARGS(DB_INT(unit_id), DB_TEXT(n), DB_TEXT(br)), &dup, err);
	if (rc == 0 && dup > 0)
		rc = kh_fail_field(err, KH_E_CONFLICT, "name",
		    N_("The clan %s is already recorded in this unit."), n);
	if (rc != 0)
		goto out;
	stamp_now(now);
	date_today(today);
	rc = db_begin(db, err);
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO clans (unit_id, name, branch,"
		    " head_person_id, valid_from, created_at, updated_at)"
		    " VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
		    DB_ARGS(DB_INT(unit_id), DB_TEXT(n), DB_TEXT(br),
		    head_person_id > 0 ? DB_INT(head_person_id) : DB_NULL,
		    DB_TEXT(today), DB_TEXT(now)), id, err);
	if (rc == 0) {
		snprintf(ids, sizeof(ids), "%lld", (long long)*id);
		after = json_pack("{s:s, s:s, s:I}", "name", n, "branch", br,
		    "head_person_id", (json_int_t)head_person_id);
		rc = audit_record(db, a, unit_id, "create", "clan", ids, NULL,
		    after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
	if (rc != 0)
		*id = 0;
out:
	free(n);
	free(br);
	return rc;
}

/* W: the SQL parameter bound to people_name_scope (the head's name). */
#define SQL_CLAN_COLS(W) \
	"SELECT c.id, c.unit_id, u.code, u.name, c.name, c.branch," \
	" COALESCE(c.head_person_id, 0), COALESCE(" PEOPLE_NAME_SQL("p", W) ", '')," \
	" (SELECT count(*) FROM clan_households m WHERE m.clan_id = c.id)" \
	" FROM clans c JOIN units u ON u.id = c.unit_id" \
	" LEFT JOIN people p ON p.id = c.head_person_id"

static void
clan_from_row(struct db_stmt *st, struct clan *c)
{
	c->id = db_col_int(st, 0);
	c->unit_id = db_col_int(st, 1);
	c->unit_code = db_col_strdup(st, 2, true);
	c->unit_name = db_col_strdup(st, 3, true);
	c->name = db_col_strdup(st, 4, true);
	c->branch = db_col_strdup(st, 5, true);
	c->head_person_id = db_col_int(st, 6);
	c->head_name = db_col_strdup(st, 7, true);
	c->households = db_col_int(st, 8);
}

int
people_clan_get(struct db *db, const struct actor *a, int64_t id,
    struct clan *out, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, SQL_CLAN_COLS("$2") " WHERE c.id = $1",
	    DB_ARGS(DB_INT(id), DB_INT(people_name_scope(a))), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1)
		clan_from_row(st, out);
	db_finalize(st);
	if (rc == 0)
		return kh_fail(err, KH_E_NOT_FOUND, N_("No such clan."), NULL);
	if (rc < 0)
		return rc;
	rc = auth_can_read(db, a, out->unit_id, err);
	if (rc != 0)
		clan_cleanup(out);
	return rc;
}

struct clan_sort {
	unsigned char *key;
	size_t len;
	struct clan c;
};

static int
clan_sort_cmp(const void *x, const void *y)
{
	const struct clan_sort *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->c.id < b->c.id ? -1 : a->c.id > b->c.id;
}

int
people_clans(struct db *db, const struct actor *a, int64_t unit_id,
    struct clan_list *out, struct kh_err *err)
{
	struct clan_sort *v = NULL;
	struct db_stmt *st;
	size_t n = 0, cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, unit_id, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_CLAN_COLS("$2") " JOIN unit_tree t"
		    " ON t.descendant_id = c.unit_id WHERE t.ancestor_id = $1",
		    DB_ARGS(DB_INT(unit_id), DB_INT(people_name_scope(a))), &st,
		    err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		char *label;

		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		memset(&v[n], 0, sizeof(v[n]));
		clan_from_row(st, &v[n].c);
		label = xasprintf("%s %s", v[n].c.name, v[n].c.branch);
		v[n].key = vn_text_sort_key(label, &v[n].len);
		free(label);
		if (v[n].key == NULL) {
			v[n].key = xmalloc(1);
			v[n].len = 0;
		}
		n++;
	}
	db_finalize(st);
	if (rc == 0 && n > 0)
		qsort(v, n, sizeof(*v), clan_sort_cmp);
	if (rc == 0 && n > 0) {
		out->items = xmalloc(n * sizeof(*out->items));
		out->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		if (rc == 0)
			out->items[out->n++] = v[i].c;
		else
			clan_cleanup(&v[i].c);
	}
	free(v);
	return rc < 0 ? rc : 0;
}

int
people_clan_members(struct db *db, const struct actor *a, int64_t clan_id,
    const int64_t *household_ids, size_t n, int add, struct kh_err *err)
{
	struct clan c;
	char ids[24], hid[24];
	int64_t commune = 0, hu = 0, hc = 0, changed = 0;
	json_t *after, *list;
	int rc;

	rc = people_clan_get(db, a, clan_id, &c, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, c.unit_id, err);
	if (rc == 0)
		rc = commune_of(db, c.unit_id, &commune, err);
	if (rc != 0)
		goto out;
	list = json_array();
	rc = db_begin(db, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t k = 0;

		snprintf(hid, sizeof(hid), "%lld", (long long)household_ids[i]);
		rc = db_query_int(db, "SELECT unit_id FROM households WHERE id = $1",
		    DB_ARGS(DB_INT(household_ids[i])), &hu, err);
		if (rc == KH_E_NOT_FOUND)
			rc = kh_fail_field(err, KH_E_INVALID, "household",
			    N_("Household %s is not in the registry."), hid);
		if (rc == 0)
			rc = commune_of(db, hu, &hc, err);
		if (rc == 0 && hc != commune)
			rc = kh_fail_field(err, KH_E_INVALID, "household",
			    N_("Household %s does not live in the clan's commune."),
			    hid);
		if (rc == 0)
			rc = db_query_int(db, "SELECT count(*) FROM clan_households"
			    " WHERE clan_id = $1 AND household_id = $2",
			    DB_ARGS(DB_INT(clan_id), DB_INT(household_ids[i])), &k,
			    err);
		if (rc == 0 && add && k == 0)
			rc = db_exec_args(db, "INSERT INTO clan_households (clan_id,"
			    " household_id) VALUES ($1, $2)", DB_ARGS(DB_INT(clan_id),
			    DB_INT(household_ids[i])), NULL, err);
		else if (rc == 0 && !add && k > 0)
			rc = db_exec_args(db, "DELETE FROM clan_households WHERE"
			    " clan_id = $1 AND household_id = $2",
			    DB_ARGS(DB_INT(clan_id), DB_INT(household_ids[i])), NULL,
			    err);
		if (rc == 0 && (add ? k == 0 : k > 0)) {
			json_array_append_new(list, json_integer(household_ids[i]));
			changed++;
		}
	}
	if (rc == 0 && changed > 0) {
		snprintf(ids, sizeof(ids), "%lld", (long long)clan_id);
		after = json_pack("{s:o}", add ? "added" : "removed",
		    json_incref(list));
		rc = audit_record(db, a, c.unit_id, "update", "clan", ids, NULL,
		    after, err);
		json_decref(after);
	}
	json_decref(list);
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
out:
	clan_cleanup(&c);
	return rc;
}

int
people_clan_households(struct db *db, const struct actor *a, int64_t clan_id,
    struct household_list *out, struct kh_err *err)
{
	struct clan c;
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = people_clan_get(db, a, clan_id, &c, err);
	if (rc != 0)
		return rc;
	clan_cleanup(&c);
	rc = db_query_int(db, "SELECT count(*) FROM clan_households"
	    " WHERE clan_id = $1", DB_ARGS(DB_INT(clan_id)), &out->total, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_HOUSEHOLD_COLS("$2")
		    " FROM clan_households m"
		    " JOIN households h ON h.id = m.household_id"
		    " JOIN units u ON u.id = h.unit_id WHERE m.clan_id = $1"
		    SQL_HOUSEHOLD_ORDER, DB_ARGS(DB_INT(clan_id),
		    DB_INT(people_name_scope(a))), &st, err);
	if (rc != 0)
		return rc;
	return households_read(st, out, err);
}
