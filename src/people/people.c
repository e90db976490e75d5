/*
 * people.c - citizens and households: records, lists in Vietnamese order,
 * search without diacritics, consent.
 */
#include "people/people.h"
#include "people/words.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/vntext.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
person_cleanup(struct person *p)
{
	free(p->unit_code);
	free(p->unit_name);
	free(p->household_code);
	free(p->relation);
	free(p->full_name);
	free(p->birth_date);
	free(p->id_number);
	free(p->phone);
	memset(p, 0, sizeof(*p));
}

void
person_list_cleanup(struct person_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		person_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int64_t
people_name_scope(const struct actor *a)
{
	/* The same test as auth_can_write, split in two: the role here, the
	 * scope in SQL (PEOPLE_HIDDEN_SQL). */
	return a != NULL && a->role >= ROLE_OFFICER ? a->unit_id : 0;
}

void
people_id_display(const struct actor *a, const char *id_number, char *out,
    size_t outsz)
{
	size_t n, i;

	if (id_number == NULL || outsz == 0) {
		if (outsz > 0)
			out[0] = '\0';
		return;
	}
	if (a != NULL && a->role >= ROLE_OFFICER) {
		snprintf(out, outsz, "%s", id_number);
		return;
	}
	n = strlen(id_number);
	for (i = 0; i < n && i + 1 < outsz; i++)
		out[i] = i + 3 < n ? '*' : id_number[i];
	out[i] = '\0';
}

static bool
digits_only(const char *s, size_t want1, size_t want2)
{
	size_t n = strlen(s);

	if (n != want1 && n != want2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Check and normalise what a form or a file gives; *name receives the NFC
 * name (malloc'd). */
static int
check_input(const struct person_input *in, bool creating, char **name,
    struct kh_err *err)
{
	char today[DATE_LEN];

	*name = NULL;
	if (in->full_name != NULL || creating) {
		const char *s = in->full_name != NULL ? in->full_name : "";
		char *p;

		*name = vn_nfc(s, strlen(s));
		if (*name == NULL)
			return kh_fail_field(err, KH_E_INVALID, "full_name",
			    N_("The text is not valid UTF-8."), NULL);
		/* Collapse runs of spaces: names are compared word by word. */
		for (p = *name; *p != '\0'; p++)
			if (*p == '\t')
				*p = ' ';
		{
			char *r = *name, *w = *name;
			bool space = true;

			for (; *r != '\0'; r++) {
				if (*r == ' ' && space)
					continue;
				space = *r == ' ';
				*w++ = *r;
			}
			if (w > *name && w[-1] == ' ')
				w--;
			*w = '\0';
		}
		if ((*name)[0] == '\0')
			return kh_fail_field(err, KH_E_INVALID, "full_name",
			    N_("Enter the person's full name (at most 120 characters)."),
			    NULL);
		if (strlen(*name) > PEOPLE_NAME_MAX * 4)
			return kh_fail_field(err, KH_E_INVALID, "full_name",
			    N_("Enter the person's full name (at most 120 characters)."),
			    NULL);
	}
	if (in->birth_date != NULL && in->birth_date[0] != '\0') {
		if (!date_valid(in->birth_date))
			return kh_fail_field(err, KH_E_INVALID, "birth_date",
			    N_("%s is not a valid date."), in->birth_date);
		date_today(today);
		if (strcmp(in->birth_date, today) > 0)
			return kh_fail_field(err, KH_E_INVALID, "birth_date",
			    N_("The birth date %s lies in the future."),
			    in->birth_date);
	}
	if (in->sex != 0 && in->sex != 'M' && in->sex != 'F')
		return kh_fail_field(err, KH_E_INVALID, "sex",
		    N_("Choose male or female."), NULL);
	if (in->id_number != NULL && in->id_number[0] != '\0' &&
	    !digits_only(in->id_number, 9, 12))
		return kh_fail_field(err, KH_E_INVALID, "id_number",
		    N_("%s is not a CCCD (12 digits) or CMND (9 digits) number."),
		    in->id_number);
	if (in->subject_group < 0 || in->subject_group > 4)
		return kh_fail_field(err, KH_E_INVALID, "subject_group",
		    N_("The learning-citizen group must be 1 to 4."), NULL);
	if (in->phone != NULL && strlen(in->phone) > 20)
		return kh_fail_field(err, KH_E_INVALID, "phone",
		    N_("The phone number is too long."), NULL);
	return 0;
}

/* The masked number for the audit log: the log is not a second register. */
static void
audit_id(const char *id, char *out, size_t outsz)
{
	people_id_display(NULL, id, out, outsz);
}

int
people_household(struct db *db, const struct actor *a, int64_t unit_id,
    const char *code, int64_t *id, struct kh_err *err)
{
	char now[STAMP_LEN], today[DATE_LEN], *c;
	json_t *after;
	int rc;

	*id = 0;
	date_today(today);
	if (code == NULL || code[0] == '\0' || strlen(code) > 32)
		return kh_fail_field(err, KH_E_INVALID, "household_code",
		    N_("A household number has 1 to 32 characters."), NULL);
	rc = auth_can_write(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	c = vn_nfc(code, strlen(code));
	if (c == NULL)
		return kh_fail_field(err, KH_E_INVALID, "household_code",
		    N_("The text is not valid UTF-8."), NULL);
	rc = db_query_int(db, "SELECT id FROM households WHERE unit_id = $1"
	    " AND code = $2", DB_ARGS(DB_INT(unit_id), DB_TEXT(c)), id, err);
	if (rc != KH_E_NOT_FOUND)
		goto out;
	kh_err_clear(err);
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, "INSERT INTO households (unit_id, code, valid_from,"
	    " created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
	    DB_ARGS(DB_INT(unit_id), DB_TEXT(c), DB_TEXT(today),
	    DB_TEXT(now)), id, err);
	if (rc == 0) {
		after = json_pack("{s:s}", "code", c);
		rc = audit_record(db, a, unit_id, "create", "household", c, NULL,
		    after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	free(c);
	return rc;
}

static json_t *
person_json(const char *name, const struct person_input *in)
{
	char masked[16];
	json_t *o = json_object();

	if (name != NULL)
		json_object_set_new(o, "full_name", json_string(name));
	if (in->birth_date != NULL)
		json_object_set_new(o, "birth_date", json_string(in->birth_date));
	if (in->sex != 0) {
		char s[2] = {in->sex, '\0'};

		json_object_set_new(o, "sex", json_string(s));
	}
	if (in->id_number != NULL && in->id_number[0] != '\0') {
		audit_id(in->id_number, masked, sizeof(masked));
		json_object_set_new(o, "id_number", json_string(masked));
	}
	if (in->relation != NULL)
		json_object_set_new(o, "relation", json_string(in->relation));
	if (in->household_code != NULL)
		json_object_set_new(o, "household", json_string(in->household_code));
	return o;
}

int
people_create(struct db *db, const struct actor *a, int64_t unit_id,
    const struct person_input *in, int64_t *id_out, struct kh_err *err)
{
	char now[STAMP_LEN], today[DATE_LEN], *name = NULL, *key = NULL;
	char *spaced = NULL;
	unsigned char *sort = NULL;
	size_t sort_len = 0;
	int64_t hh = 0, id = 0, n;
	json_t *after = NULL;
	int rc;

	rc = auth_can_write(db, a, unit_id, err);
	if (rc == 0)
		rc = check_input(in, true, &name, err);
	if (rc != 0)
		goto out;
	key = vn_search_key(name);
	spaced = xasprintf(" %s", key);
	sort = vn_name_sort_key(name, &sort_len);
	if (sort == NULL) {
		rc = kh_fail(err, KH_E_IO, NULL, NULL);
		goto out;
	}
	stamp_now(now);
	date_today(today);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	if (in->household_code != NULL && in->household_code[0] != '\0')
		rc = people_household(db, a, unit_id, in->household_code, &hh, err);
	if (rc == 0 && in->id_number != NULL && in->id_number[0] != '\0') {
		rc = db_query_int(db, "SELECT count(*) FROM people WHERE id_number = $1",
		    DB_ARGS(DB_TEXT(in->id_number)), &n, err);
		if (rc == 0 && n > 0)
			rc = kh_fail_field(err, KH_E_CONFLICT, "id_number",
			    N_("The CCCD/CMND number %s is already recorded for"
			    " another person."), in->id_number);
	}
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO people (unit_id, household_id,"
		    " relation, is_head, full_name, name_key, sort_key, birth_date,"
		    " birth_year_only, sex, id_number, phone, subject_group,"
		    " valid_from, created_at, updated_at) VALUES ($1, $2, $3, $4,"
		    " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
		    " RETURNING id",
		    DB_ARGS(DB_INT(unit_id), hh > 0 ? DB_INT(hh) : DB_NULL,
		    DB_TEXT(in->relation != NULL ? in->relation : ""),
		    DB_INT(in->is_head), DB_TEXT(name), DB_TEXT(spaced),
		    DB_BLOB(sort, sort_len),
		    DB_TEXT(in->birth_date != NULL && in->birth_date[0] ?
		    in->birth_date : NULL), DB_INT(in->birth_year_only),
		    in->sex ? DB_TEXT(in->sex == 'M' ? "M" : "F") : DB_TEXT(NULL),
		    DB_TEXT(in->id_number != NULL && in->id_number[0] ?
		    in->id_number : NULL),
		    DB_TEXT(in->phone != NULL ? in->phone : ""),
		    in->subject_group > 0 ? DB_INT(in->subject_group) : DB_NULL,
		    DB_TEXT(today), DB_TEXT(now)), &id, err);
	if (rc == 0)
		rc = people_words_set(db, id, spaced, err);
	if (rc == 0) {
		char ids[24];

		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		after = person_json(name, in);
		rc = audit_record(db, a, unit_id, "create", "person", ids, NULL,
		    after, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
out:
	json_decref(after);
	free(name);
	free(key);
	free(spaced);
	free(sort);
	return rc;
}

#define SQL_PERSON_COLS \
    "SELECT p.id, p.unit_id, u.code, u.name, COALESCE(p.household_id, 0)," \
    " COALESCE(h.code, ''), p.relation, p.is_head, p.full_name, p.birth_date," \
    " p.birth_year_only, COALESCE(p.sex, ''), p.id_number, p.phone," \
    " COALESCE(p.subject_group, 0), p.restricted, p.erased"

static void
person_from_row(struct db_stmt *st, struct person *p)
{
	const char *sex;

	p->id = db_col_int(st, 0);
	p->unit_id = db_col_int(st, 1);
	p->unit_code = db_col_strdup(st, 2, false);
	p->unit_name = db_col_strdup(st, 3, false);
	p->household_id = db_col_int(st, 4);
	p->household_code = db_col_strdup(st, 5, false);
	p->relation = db_col_strdup(st, 6, false);
	p->is_head = (int)db_col_int(st, 7);
	p->full_name = db_col_strdup(st, 8, false);
	p->birth_date = db_col_strdup(st, 9, false);
	p->birth_year_only = (int)db_col_int(st, 10);
	sex = db_col_text(st, 11);
	p->sex = sex != NULL && sex[0] != '\0' ? sex[0] : 0;
	p->id_number = db_col_strdup(st, 12, false);
	p->phone = db_col_strdup(st, 13, false);
	p->subject_group = (int)db_col_int(st, 14);
	p->restricted = (int)db_col_int(st, 15);
	p->erased = (int)db_col_int(st, 16);
}

/* Hide the personal data of a restricted person (people.h). */
static void
person_hide(struct person *p)
{
	free(p->full_name);
	p->full_name = xstrdup(PEOPLE_RESTRICTED_NAME);
	free(p->birth_date);
	p->birth_date = NULL;
	p->birth_year_only = 0;
	free(p->id_number);
	p->id_number = NULL;
	free(p->phone);
	p->phone = xstrdup("");
	free(p->relation);
	p->relation = xstrdup("");
}

int
people_get(struct db *db, const struct actor *a, int64_t id,
    struct person *out, struct kh_err *err)
{
	static const char sql[] = SQL_PERSON_COLS
	    " FROM people p JOIN units u ON u.id = p.unit_id"
	    " LEFT JOIN households h ON h.id = p.household_id WHERE p.id = $1";
	struct db_stmt *st;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, sql, DB_ARGS(DB_INT(id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		person_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No person has the number %s."),
		    ids);
	}
	db_finalize(st);
	if (rc == 0) {
		rc = auth_can_read(db, a, out->unit_id, err);
		if (rc != 0)
			person_cleanup(out);
	}
	if (rc == 0 && out->restricted) {
		struct kh_err werr = KH_ERR_INIT;

		if (auth_can_write(db, a, out->unit_id, &werr) != 0)
			person_hide(out);
		kh_err_clear(&werr);
	}
	return rc;
}

int
people_update(struct db *db, const struct actor *a, int64_t id,
    const struct person_input *in, struct kh_err *err)
{
	struct person old;
	char now[STAMP_LEN], ids[24], *name = NULL, *spaced = NULL, *key;
	unsigned char *sort = NULL;
	size_t sort_len = 0;
	json_t *before = NULL, *after = NULL;
	int64_t n;
	int rc;

	rc = people_get(db, a, id, &old, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, old.unit_id, err);
	if (rc == 0)
		rc = check_input(in, false, &name, err);
	if (rc != 0)
		goto out;
	if (name != NULL) {
		key = vn_search_key(name);
		spaced = xasprintf(" %s", key);
		free(key);
		sort = vn_name_sort_key(name, &sort_len);
	}
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	if (in->id_number != NULL && in->id_number[0] != '\0') {
		rc = db_query_int(db, "SELECT count(*) FROM people WHERE id_number = $1"
		    " AND id <> $2", DB_ARGS(DB_TEXT(in->id_number), DB_INT(id)), &n,
		    err);
		if (rc == 0 && n > 0)
			rc = kh_fail_field(err, KH_E_CONFLICT, "id_number",
			    N_("The CCCD/CMND number %s is already recorded for"
			    " another person."), in->id_number);
	}
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE people SET"
		    " full_name = COALESCE($2, full_name),"
		    " name_key = COALESCE($3, name_key),"
		    " sort_key = COALESCE($4, sort_key),"
		    " birth_date = COALESCE($5, birth_date),"
		    " sex = COALESCE($6, sex),"
		    " id_number = COALESCE($7, id_number),"
		    " phone = COALESCE($8, phone),"
		    " relation = COALESCE($9, relation),"
		    " updated_at = $10 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_TEXT(name), DB_TEXT(spaced),
		    sort != NULL ? DB_BLOB(sort, sort_len) : DB_NULL,
		    DB_TEXT(in->birth_date), in->sex ? DB_TEXT(in->sex == 'M' ?
		    "M" : "F") : DB_TEXT(NULL), DB_TEXT(in->id_number &&
		    in->id_number[0] ? in->id_number : NULL), DB_TEXT(in->phone),
		    DB_TEXT(in->relation), DB_TEXT(now)), NULL, err);
	if (rc == 0 && spaced != NULL)
		rc = people_words_set(db, id, spaced, err);
	if (rc == 0) {
		struct person_input was = {old.full_name, old.birth_date,
		    old.birth_year_only, old.sex, old.id_number, old.phone,
		    old.relation, old.is_head, NULL, old.subject_group};

		before = person_json(old.full_name, &was);
		after = person_json(name, in);
		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		rc = audit_record(db, a, old.unit_id, "update", "person", ids,
		    before, after, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	json_decref(before);
	json_decref(after);
	person_cleanup(&old);
	free(name);
	free(spaced);
	free(sort);
	return rc;
}

/*
 * Up to three words of a search, each a LIKE pattern matching the start of a
 * word of name_key (stored with a leading space): " nguyen van" -> "% nguyen%",
 * "% van%".
 */
static void
name_patterns(const char *q, char *pat[3])
{
	char *key = vn_search_key(q != NULL ? q : ""), *w, *save = NULL;
	int n = 0;

	pat[0] = pat[1] = pat[2] = NULL;
	for (w = strtok_r(key, " ", &save); w != NULL && n < 3;
	    w = strtok_r(NULL, " ", &save))
		pat[n++] = xasprintf("%% %s%%", w);
	free(key);
}

/*
 * The word of the query to start a search from: among the words that have a
 * range in people_words, the one fewest people have (counting index
 * entries is cheap next to testing names). *lo and *hi are its range,
 * malloc'd; both NULL when no word has one (search without the index).
 */
static int
search_word(struct db *db, char *const pat[3], char **lo, char **hi,
    struct kh_err *err)
{
	int64_t best = -1, n;
	int rc = 0;

	*lo = *hi = NULL;
	for (int i = 0; rc == 0 && i < 3 && pat[i] != NULL; i++) {
		/* The pattern is "% word%". */
		char *w = xstrndup(pat[i] + 2, strlen(pat[i]) - 3), *up = NULL;

		if (people_word_range(w, &up))
			rc = db_query_int(db, "SELECT count(*) FROM people_words"
			    " WHERE word >= $1 AND word < $2",
			    DB_ARGS(DB_TEXT(w), DB_TEXT(up)), &n, err);
		if (rc == 0 && up != NULL && (best < 0 || n < best)) {
			best = n;
			free(*lo);
			free(*hi);
			*lo = w;
			*hi = up;
			continue;
		}
		free(w);
		free(up);
	}
	if (rc != 0) {
		free(*lo);
		free(*hi);
		*lo = *hi = NULL;
	}
	return rc;
}

int
people_list(struct db *db, const struct actor *a, const struct people_query *q,
    struct person_list *out, struct kh_err *err)
{
	/*
	 * People first (CROSS JOIN keeps SQLite's join order; PostgreSQL plans
	 * it as an inner join): the name-order index then yields the page
	 * without sorting the whole subtree.
	 *
	 * A name search starts instead from the people having a word in the
	 * range of the query's rarest word (people_words); the patterns still
	 * check every word, and those few people are sorted. Out of a million
	 * people in one commune this took a search from 9.9 s to well under a
	 * second (docs/benchmarks.md).
	 */
#define PEOPLE_WHERE \
	    " WHERE EXISTS (SELECT 1 FROM unit_tree t WHERE t.ancestor_id = $1" \
	    "   AND t.descendant_id = p.unit_id)" \
	    " AND ($2 IS NULL OR p.name_key LIKE $2)" \
	    " AND ($3 IS NULL OR p.name_key LIKE $3)" \
	    " AND ($4 IS NULL OR p.name_key LIKE $4)" \
	    " AND ($2 IS NULL OR p.restricted = 0)" \
	    " AND ($5 = 0 OR p.household_id = $5)"
#define PEOPLE_WORDS \
	    " (SELECT DISTINCT pw.person_id AS pid FROM people_words pw" \
	    "   WHERE pw.word >= $6 AND pw.word < $7) m CROSS JOIN people p"
	static const char count_sql[] = "SELECT count(*) FROM people p"
	    PEOPLE_WHERE;
	static const char list_sql[] = SQL_PERSON_COLS
	    " FROM people p CROSS JOIN units u"
	    " LEFT JOIN households h ON h.id = p.household_id"
	    PEOPLE_WHERE " AND u.id = p.unit_id"
	    " ORDER BY p.sort_key, p.id LIMIT $6 OFFSET $7";
	static const char count_words_sql[] = "SELECT count(*) FROM"
	    PEOPLE_WORDS PEOPLE_WHERE " AND p.id = m.pid";
	static const char list_words_sql[] = SQL_PERSON_COLS " FROM"
	    PEOPLE_WORDS " CROSS JOIN units u"
	    " LEFT JOIN households h ON h.id = p.household_id"
	    PEOPLE_WHERE " AND p.id = m.pid AND u.id = p.unit_id"
	    " ORDER BY p.sort_key, p.id LIMIT $8 OFFSET $9";
#undef PEOPLE_WORDS
	struct db_stmt *st;
	char *pat[3], *lo = NULL, *hi = NULL;
	int limit = q->limit <= 0 ? 50 : q->limit > 1000 ? 1000 : q->limit;
	int offset = q->offset < 0 ? 0 : q->offset;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, q->unit_id, err);
	if (rc != 0)
		return rc;
	name_patterns(q->q, pat);
	rc = search_word(db, pat, &lo, &hi, err);
	if (rc == 0 && lo != NULL) {
		rc = db_query_int(db, count_words_sql, DB_ARGS(DB_INT(q->unit_id),
		    DB_TEXT(pat[0]), DB_TEXT(pat[1]), DB_TEXT(pat[2]),
		    DB_INT(q->household_id), DB_TEXT(lo), DB_TEXT(hi)),
		    &out->total, err);
		if (rc == 0)
			rc = db_prepare(db, list_words_sql,
			    DB_ARGS(DB_INT(q->unit_id), DB_TEXT(pat[0]),
			    DB_TEXT(pat[1]), DB_TEXT(pat[2]),
			    DB_INT(q->household_id), DB_TEXT(lo), DB_TEXT(hi),
			    DB_INT(limit), DB_INT(offset)), &st, err);
	} else if (rc == 0) {
		rc = db_query_int(db, count_sql, DB_ARGS(DB_INT(q->unit_id),
		    DB_TEXT(pat[0]), DB_TEXT(pat[1]), DB_TEXT(pat[2]),
		    DB_INT(q->household_id)), &out->total, err);
		if (rc == 0)
			rc = db_prepare(db, list_sql, DB_ARGS(DB_INT(q->unit_id),
			    DB_TEXT(pat[0]), DB_TEXT(pat[1]), DB_TEXT(pat[2]),
			    DB_INT(q->household_id), DB_INT(limit),
			    DB_INT(offset)), &st, err);
	}
	for (int i = 0; i < 3; i++)
		free(pat[i]);
	free(lo);
	free(hi);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->items = xrealloc(out->items, out->cap * sizeof(struct person));
		}
		memset(&out->items[out->n], 0, sizeof(struct person));
		person_from_row(st, &out->items[out->n]);
		if (out->items[out->n].restricted)
			person_hide(&out->items[out->n]);
		out->n++;
	}
	db_finalize(st);
	if (rc < 0) {
		person_list_cleanup(out);
		return rc;
	}
	return 0;
}

int
people_consent(struct db *db, const struct actor *a, int64_t person_id,
    const char *purpose, const char *channel, struct kh_err *err)
{
	struct person p;
	char now[STAMP_LEN], ids[24];
	json_t *after;
	int rc;

	rc = people_get(db, a, person_id, &p, err);
	if (rc != 0)
		return rc;
	if (purpose == NULL || purpose[0] == '\0' || channel == NULL ||
	    channel[0] == '\0') {
		person_cleanup(&p);
		return kh_fail(err, KH_E_INVALID,
		    N_("Say what the consent is for and how it was given."), NULL);
	}
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc == 0)
		rc = db_exec_args(db, "INSERT INTO consents (person_id, purpose,"
		    " channel, given_at, given_by) VALUES ($1, $2, $3, $4, $5)",
		    DB_ARGS(DB_INT(person_id), DB_TEXT(purpose), DB_TEXT(channel),
		    DB_TEXT(now), DB_TEXT(a->login)), NULL, err);
	if (rc == 0) {
		snprintf(ids, sizeof(ids), "%lld", (long long)person_id);
		after = json_pack("{s:s, s:s}", "purpose", purpose, "channel",
		    channel);
		rc = audit_record(db, a, p.unit_id, "consent", "person", ids, NULL,
		    after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else if (db_in_tx(db))
		db_rollback(db);
	person_cleanup(&p);
	return rc;
}

int
people_count(struct db *db, const struct actor *a, int64_t unit_id,
    struct people_counts *out, struct kh_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_can_read(db, a, unit_id, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM unit_tree t JOIN people p"
		    " ON p.unit_id = t.descendant_id WHERE t.ancestor_id = $1",
		    DB_ARGS(DB_INT(unit_id)), &out->people, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM unit_tree t JOIN"
		    " households h ON h.unit_id = t.descendant_id"
		    " WHERE t.ancestor_id = $1", DB_ARGS(DB_INT(unit_id)),
		    &out->households, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM unit_tree t JOIN clans c"
		    " ON c.unit_id = t.descendant_id WHERE t.ancestor_id = $1",
		    DB_ARGS(DB_INT(unit_id)), &out->clans, err);
	return rc;
}
