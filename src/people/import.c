/*
 * import.c - lists of residents from .xlsx and .csv (see import.h).
 *
 * The whole file is applied in one transaction: all-or-nothing rolls it back
 * when a row is refused, a dry run always rolls it back, good-rows-only keeps
 * what passed. Rows are checked before they are written, so a refused row
 * never leaves half a record. The import is audited once, with its counts;
 * the audit log records that these people came from this import.
 */
#include "people/import.h"
#include "people/words.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/vntext.h"
#include "io/doc.h"
#include "io/table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field {
	F_STT, F_NAME, F_BIRTH, F_SEX, F_ID, F_RELATION, F_HOUSEHOLD, F_VILLAGE,
	F_PHONE, F_COUNT
};

static const char *const a_stt[] = {"stt", "tt", "so thu tu", NULL};
static const char *const a_name[] = {"ho va ten", "ho ten", "ten",
    "ho va ten nguoi", "ho ten day du", NULL};
static const char *const a_birth[] = {"ngay sinh", "ngay thang nam sinh",
    "nam sinh", "ngay sinh nam sinh", "ngay sinh dd mm yyyy", NULL};
static const char *const a_sex[] = {"gioi tinh", "gioi", "nam nu", NULL};
static const char *const a_id[] = {"so cccd cmnd", "so cccd", "cccd",
    "so cmnd", "cmnd", "cccd cmnd", "cmnd cccd", "so cmnd cccd",
    "so dinh danh", "so dinh danh ca nhan", "so can cuoc",
    "so can cuoc cong dan", NULL};
static const char *const a_relation[] = {"quan he voi chu ho", "quan he",
    "quan he chu ho", "quan he voi chu ho gia dinh", NULL};
static const char *const a_household[] = {"ma ho", "so ho", "ma ho gia dinh",
    "so ho khau", "ma so ho", NULL};
static const char *const a_village[] = {"thon to dan pho", "thon",
    "to dan pho", "thon xom", "khu dan cu", "thon tdp", "thon to", NULL};
static const char *const a_phone[] = {"so dien thoai", "dien thoai", "sdt",
    NULL};

static const struct table_field fields[F_COUNT] = {
	[F_STT] = {"stt", a_stt, 0},
	[F_NAME] = {"full_name", a_name, 1},
	[F_BIRTH] = {"birth_date", a_birth, 0},
	[F_SEX] = {"sex", a_sex, 0},
	[F_ID] = {"id_number", a_id, 0},
	[F_RELATION] = {"relation", a_relation, 0},
	[F_HOUSEHOLD] = {"household_code", a_household, 0},
	[F_VILLAGE] = {"village", a_village, 0},
	[F_PHONE] = {"phone", a_phone, 0},
};

/* A village under the unit imported into, known by code and by name. */
struct village {
	int64_t id;
	char *code;
	char *key;		/* search key of the name */
};

/* Households met in this import: (unit, code) -> id. */
struct hh_entry {
	int64_t unit_id;
	char *code;
	int64_t id;
};

/* CCCD numbers met in this file: number -> first row. */
struct seen_id {
	char id[13];
	long row;
};

/*
 * A new person waiting for the next bulk insert: new rows are written a few
 * thousand at a time through db_copy_* (COPY on PostgreSQL: one round trip
 * for the lot instead of one per row). `match` is what a later row without
 * a CCCD number is matched by (unit, name key, birth date, household), so
 * that a row repeated in the file is still found before it is written.
 */
struct pending {
	int64_t unit_id, household_id;
	char *relation, *name, *spaced, *phone, *match;
	unsigned char *sort;
	size_t sort_len;
	char birth[DATE_LEN];	/* "" when none */
	int year_only, is_head;
	char sex[2];		/* "M", "F" or "" */
	char id[13];		/* "" when none */
};

#define PENDING_MAX 2000
#define PENDING_SLOTS 4096	/* match set: a power of two, half full at most */

/*
 * Rows are read HELD_MAX at a time, checked, and their CCCD numbers looked
 * up in the registry with one query for the lot (through a temporary table)
 * instead of one query per row; then each is applied in file order. What
 * the query found for a number cannot change within the batch: a second row
 * with the same number is refused by seen_before().
 */
#define HELD_MAX 2000
#define KNOWN_SLOTS 4096

/* A person of the registry found by a CCCD number of the batch. */
struct known {
	char id[13];		/* "" for an empty slot */
	int64_t pid, unit_id;
	char *name_key, *birth, *sex, *household, *relation, *phone, *name;
};

struct importer {
	struct db *db;
	const struct actor *a;
	int64_t unit_id;
	struct people_import_result *res;
	int col[F_COUNT];
	struct village *villages;
	size_t nvillages;
	struct hh_entry *hh;
	size_t nhh, caphh;
	struct seen_id *seen;	/* open addressing, size capseen (power of 2) */
	size_t nseen, capseen;
	char today[DATE_LEN];
	char now[STAMP_LEN];
	int64_t first_new;	/* people with ids from here on are new */
	struct pending *pend;	/* PENDING_MAX rows waiting to be written */
	size_t npend;
	const char **pend_set;	/* the rows' match keys, PENDING_SLOTS */
	struct held *held;	/* HELD_MAX rows read, not yet applied */
	size_t nheld;
	struct known *known;	/* KNOWN_SLOTS, open addressing by number */
	bool have_ids_table;
};

void
people_import_result_cleanup(struct people_import_result *r)
{
	size_t i, k;

	for (i = 0; i < r->nheader; i++)
		free(r->header[i]);
	free(r->header);
	free(r->header_field);
	for (i = 0; i < r->nproblems; i++) {
		for (k = 0; k < r->problems[i].ncells; k++)
			free(r->problems[i].cells[k]);
		free(r->problems[i].cells);
	}
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

static const char *
cell(const struct importer *im, const struct table_row *row, enum field f)
{
	int c = im->col[f];

	return c >= 0 && (size_t)c < row->n ? row->cells[c] : "";
}

/* Record a refused row with the header of the column it is about. */
static void
refuse(struct importer *im, const struct table_row *row, enum field f,
    const struct kh_err *err)
{
	struct people_import_result *r = im->res;
	struct people_import_problem *p;
	int c = f < F_COUNT ? im->col[f] : -1;

	if (r->nproblems == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->problems = xrealloc(r->problems, r->cap * sizeof(*p));
	}
	p = &r->problems[r->nproblems++];
	memset(p, 0, sizeof(*p));
	p->row = row->row_no;
	p->err = *err;
	p->err.row = row->row_no;
	if (c >= 0 && (size_t)c < r->nheader)
		snprintf(p->column, sizeof(p->column), "%s", r->header[c]);
	p->ncells = row->n;
	p->cells = xcalloc(row->n + 1, sizeof(char *));
	for (size_t i = 0; i < row->n; i++)
		p->cells[i] = xstrdup(row->cells[i]);
	r->refused++;
}

static int
load_villages(struct importer *im, struct kh_err *err)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	rc = db_prepare(im->db, "SELECT u.id, u.code, u.name FROM unit_tree t"
	    " JOIN units u ON u.id = t.descendant_id WHERE t.ancestor_id = $1"
	    " AND u.kind = 'village' AND (u.valid_to IS NULL OR u.valid_to >= $2)",
	    DB_ARGS(DB_INT(im->unit_id), DB_TEXT(im->today)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		if (im->nvillages == cap) {
			cap = cap ? cap * 2 : 32;
			im->villages = xrealloc(im->villages, cap * sizeof(struct village));
		}
		im->villages[im->nvillages].id = db_col_int(st, 0);
		im->villages[im->nvillages].code = xstrdup(db_col_text(st, 1));
		im->villages[im->nvillages].key = vn_search_key(db_col_text(st, 2));
		im->nvillages++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/*
 * The village a cell names: its code, its full name ("Tổ dân phố số 5"), or
 * the name without its type ("số 5", "5") when that is unambiguous.
 */
static int64_t
find_village(const struct importer *im, const char *text)
{
	char *key = vn_search_key(text);
	int64_t found = 0;
	size_t i, klen = strlen(key), hits = 0;

	for (i = 0; i < im->nvillages && found == 0; i++)
		if (strcmp(im->villages[i].code, text) == 0 ||
		    strcmp(im->villages[i].key, key) == 0)
			found = im->villages[i].id;
	/* A name's ending: "so 5" for "to dan pho so 5". */
	for (i = 0; found == 0 && klen > 0 && i < im->nvillages; i++) {
		const char *k = im->villages[i].key;
		size_t n = strlen(k);

		if (n > klen && strcmp(k + n - klen, key) == 0 &&
		    k[n - klen - 1] == ' ')
			hits++;
	}
	if (found == 0 && hits == 1)
		for (i = 0; i < im->nvillages; i++) {
			const char *k = im->villages[i].key;
			size_t n = strlen(k);

			if (n > klen && strcmp(k + n - klen, key) == 0 &&
			    k[n - klen - 1] == ' ')
				found = im->villages[i].id;
		}
	free(key);
	return found;
}

static size_t
hh_hash(int64_t unit_id, const char *code)
{
	size_t h = (size_t)unit_id * 2654435761u;

	for (; *code != '\0'; code++)
		h = h * 33 + (unsigned char)*code;
	return h;
}

/* Open addressing over im->hh (capacity a power of two, half full at most). */
static struct hh_entry *
hh_slot(struct importer *im, int64_t unit_id, const char *code)
{
	size_t mask = im->caphh - 1, i;

	for (i = hh_hash(unit_id, code) & mask; im->hh[i].code != NULL;
	    i = (i + 1) & mask)
		if (im->hh[i].unit_id == unit_id && strcmp(im->hh[i].code, code) == 0)
			break;
	return &im->hh[i];
}

/* Room for one more household in im->hh. */
static void
hh_grow(struct importer *im)
{
	struct hh_entry *old = im->hh;
	size_t oldcap = im->caphh;

	if (im->nhh * 2 < im->caphh)
		return;
	im->caphh = oldcap ? oldcap * 2 : 1024;
	im->hh = xcalloc(im->caphh, sizeof(*im->hh));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].code != NULL)
			*hh_slot(im, old[i].unit_id, old[i].code) = old[i];
	free(old);
}

/* The households already under the unit, read once: a new list then costs
 * one statement per new household instead of a lookup per row. */
static int
load_households(struct importer *im, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(im->db, "SELECT h.id, h.unit_id, h.code FROM households h"
	    " WHERE EXISTS (SELECT 1 FROM unit_tree t WHERE t.ancestor_id = $1"
	    " AND t.descendant_id = h.unit_id)", DB_ARGS(DB_INT(im->unit_id)),
	    &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		const char *code = db_col_text(st, 2);
		struct hh_entry *e;

		if (code == NULL)
			continue;
		hh_grow(im);
		e = hh_slot(im, db_col_int(st, 1), code);
		if (e->code != NULL)
			continue;
		e->unit_id = db_col_int(st, 1);
		e->code = xstrdup(code);
		e->id = db_col_int(st, 0);
		im->nhh++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int
household_id(struct importer *im, int64_t unit_id, const char *code,
    int64_t *id, struct kh_err *err)
{
	struct hh_entry *e;
	int rc;

	hh_grow(im);
	e = hh_slot(im, unit_id, code);
	if (e->code != NULL) {
		*id = e->id;
		return 0;
	}
	/* Not there when the import began; someone may have added it since. */
	rc = db_query_int(im->db, "INSERT INTO households (unit_id, code,"
	    " valid_from, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)"
	    " ON CONFLICT (unit_id, code) DO NOTHING RETURNING id",
	    DB_ARGS(DB_INT(unit_id), DB_TEXT(code), DB_TEXT(im->today),
	    DB_TEXT(im->now)), id, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		rc = db_query_int(im->db, "SELECT id FROM households WHERE"
		    " unit_id = $1 AND code = $2", DB_ARGS(DB_INT(unit_id),
		    DB_TEXT(code)), id, err);
	}
	if (rc != 0)
		return rc;
	e->unit_id = unit_id;
	e->code = xstrdup(code);
	e->id = *id;
	im->nhh++;
	return 0;
}

static size_t
id_hash(const char *s)
{
	size_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* The row where this number first appeared in the file, or 0 (and remember
 * it for row). */
static long
seen_before(struct importer *im, const char *id, long row)
{
	size_t i, mask;

	if (im->nseen * 2 >= im->capseen) {
		struct seen_id *old = im->seen;
		size_t oldcap = im->capseen;

		im->capseen = oldcap ? oldcap * 2 : 1024;
		im->seen = xcalloc(im->capseen, sizeof(*im->seen));
		mask = im->capseen - 1;
		for (i = 0; i < oldcap; i++) {
			size_t k;

			if (old[i].row == 0)
				continue;
			for (k = id_hash(old[i].id) & mask; im->seen[k].row != 0;
			    k = (k + 1) & mask)
				;
			im->seen[k] = old[i];
		}
		free(old);
	}
	mask = im->capseen - 1;
	for (i = id_hash(id) & mask; im->seen[i].row != 0; i = (i + 1) & mask)
		if (strcmp(im->seen[i].id, id) == 0)
			return im->seen[i].row;
	snprintf(im->seen[i].id, sizeof(im->seen[i].id), "%s", id);
	im->seen[i].row = row;
	im->nseen++;
	return 0;
}

/* Fields of one row, parsed and checked. */
struct parsed {
	const char *name;
	char birth[DATE_LEN];
	int year_only;
	char sex;
	char id[13];
	const char *relation;
	const char *household;
	const char *phone;
	int64_t unit_id;
};

struct held {
	struct table_row row;	/* cells: copies owned here */
	char **cells;
	struct parsed p;	/* points into cells */
	int rc;			/* of parse_row */
	enum field bad;
	struct kh_err err;
};

static int
parse_row(struct importer *im, const struct table_row *row, struct parsed *p,
    enum field *bad, struct kh_err *err)
{
	const char *c;
	long first;
	char rowtxt[24];

	memset(p, 0, sizeof(*p));
	p->name = cell(im, row, F_NAME);
	*bad = F_NAME;
	if (p->name[0] == '\0')
		return kh_fail_field(err, KH_E_INVALID, "full_name",
		    N_("The full name is empty."), NULL);
	if (strlen(p->name) > 4 * 120)
		return kh_fail_field(err, KH_E_INVALID, "full_name",
		    N_("Enter the person's full name (at most 120 characters)."),
		    NULL);
	c = cell(im, row, F_BIRTH);
	*bad = F_BIRTH;
	if (c[0] != '\0') {
		if (table_parse_date(c, p->birth, &p->year_only, err) != 0)
			return KH_E_INVALID;
		if (strcmp(p->birth, im->today) > 0)
			return kh_fail_field(err, KH_E_INVALID, "birth_date",
			    N_("The birth date %s lies in the future."), c);
	}
	c = cell(im, row, F_SEX);
	*bad = F_SEX;
	if (c[0] != '\0' && table_parse_sex(c, &p->sex, err) != 0)
		return KH_E_INVALID;
	c = cell(im, row, F_ID);
	*bad = F_ID;
	if (c[0] != '\0') {
		if (table_parse_id_number(c, p->id, err) != 0)
			return KH_E_INVALID;
		first = seen_before(im, p->id, row->row_no);
		if (first != 0) {
			snprintf(rowtxt, sizeof(rowtxt), "%ld", first);
			return kh_fail_field(err, KH_E_CONFLICT, "id_number",
			    N_("The same CCCD/CMND number is already on row %s of"
			    " this file."), rowtxt);
		}
	}
	c = cell(im, row, F_VILLAGE);
	*bad = F_VILLAGE;
	p->unit_id = im->unit_id;
	if (c[0] != '\0') {
		p->unit_id = find_village(im, c);
		if (p->unit_id == 0)
			return kh_fail_field(err, KH_E_NOT_FOUND, "village",
			    N_("No village or residential group %s in this unit."), c);
	}
	p->relation = cell(im, row, F_RELATION);
	p->household = cell(im, row, F_HOUSEHOLD);
	p->phone = cell(im, row, F_PHONE);
	*bad = F_HOUSEHOLD;
	if (strlen(p->household) > 32)
		return kh_fail_field(err, KH_E_INVALID, "household_code",
		    N_("A household number has 1 to 32 characters."), NULL);
	*bad = F_PHONE;
	if (strlen(p->phone) > 20)
		return kh_fail_field(err, KH_E_INVALID, "phone",
		    N_("The phone number is too long."), NULL);
	return 0;
}

static bool
same_text(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* "Chủ hộ" (head of the household), however it is typed. */
static int
is_head(const char *relation)
{
	char *k = vn_search_key(relation);
	int head = strcmp(k, "chu ho") == 0;

	free(k);
	return head;
}

static char *
match_key(int64_t unit_id, const char *spaced, const char *birth,
    const char *household)
{
	return xasprintf("%lld\x1f%s\x1f%s\x1f%s", (long long)unit_id, spaced,
	    birth != NULL ? birth : "", household);
}

/* The slot of key in the match set: where it is, or the empty one where it
 * would go. */
static const char **
pending_slot(struct importer *im, const char *key)
{
	size_t i = id_hash(key) & (PENDING_SLOTS - 1);

	while (im->pend_set[i] != NULL && strcmp(im->pend_set[i], key) != 0)
		i = (i + 1) & (PENDING_SLOTS - 1);
	return &im->pend_set[i];
}

static void
pending_clear(struct importer *im)
{
	for (size_t i = 0; i < im->npend; i++) {
		struct pending *q = &im->pend[i];

		free(q->relation);
		free(q->name);
		free(q->spaced);
		free(q->phone);
		free(q->match);
		free(q->sort);
	}
	im->npend = 0;
	if (im->pend_set != NULL)
		memset(im->pend_set, 0, PENDING_SLOTS * sizeof(*im->pend_set));
}

/* Write the waiting rows in one bulk insert. */
static int
pending_flush(struct importer *im, struct kh_err *err)
{
	static const char *const cols[] = {"unit_id", "household_id",
	    "relation", "is_head", "full_name", "name_key", "sort_key",
	    "birth_date", "birth_year_only", "sex", "id_number", "phone",
	    "valid_from", "created_at", "updated_at"};
	struct db_copy *c = NULL;
	int rc = 0, rc2;

	if (im->npend == 0)
		return 0;
	if (im->first_new == 0)
		rc = db_query_int(im->db, "SELECT COALESCE(max(id), 0) + 1 FROM"
		    " people", DB_NOARGS, &im->first_new, err);
	if (rc == 0)
		rc = db_copy_begin(im->db, "people", cols, 15, &c, err);
	for (size_t i = 0; rc == 0 && i < im->npend; i++) {
		const struct pending *q = &im->pend[i];

		rc = db_copy_row(c, DB_ARGS(DB_INT(q->unit_id),
		    q->household_id > 0 ? DB_INT(q->household_id) : DB_NULL,
		    DB_TEXT(q->relation), DB_INT(q->is_head), DB_TEXT(q->name),
		    DB_TEXT(q->spaced), DB_BLOB(q->sort, q->sort_len),
		    DB_TEXT(q->birth[0] ? q->birth : NULL), DB_INT(q->year_only),
		    DB_TEXT(q->sex[0] ? q->sex : NULL),
		    DB_TEXT(q->id[0] ? q->id : NULL), DB_TEXT(q->phone),
		    DB_TEXT(im->today), DB_TEXT(im->now), DB_TEXT(im->now)), err);
	}
	if (c != NULL) {
		/* Ended even after a failed row; the caller rolls back. */
		rc2 = db_copy_end(c, rc == 0 ? err : NULL);
		if (rc == 0)
			rc = rc2;
	}
	pending_clear(im);
	return rc;
}

static struct known *
known_slot(struct importer *im, const char *id)
{
	size_t i = id_hash(id) & (KNOWN_SLOTS - 1);

	while (im->known[i].id[0] != '\0' && strcmp(im->known[i].id, id) != 0)
		i = (i + 1) & (KNOWN_SLOTS - 1);
	return &im->known[i];
}

static void
known_clear(struct importer *im)
{
	if (im->known == NULL)
		return;
	for (size_t i = 0; i < KNOWN_SLOTS; i++) {
		struct known *k = &im->known[i];

		if (k->id[0] == '\0')
			continue;
		free(k->name_key);
		free(k->birth);
		free(k->sex);
		free(k->household);
		free(k->relation);
		free(k->phone);
		free(k->name);
		memset(k, 0, sizeof(*k));
	}
}

/* Look up the CCCD numbers of the held rows in one query. */
static int
known_fetch(struct importer *im, struct kh_err *err)
{
	static const char *const cols[] = {"id_number"};
	struct db_copy *c = NULL;
	struct db_stmt *st;
	size_t n = 0;
	int rc = 0, rc2;

	if (im->known == NULL)
		im->known = xcalloc(KNOWN_SLOTS, sizeof(*im->known));
	known_clear(im);
	for (size_t i = 0; i < im->nheld; i++)
		if (im->held[i].rc == 0 && im->held[i].p.id[0] != '\0')
			n++;
	if (n == 0)
		return 0;
	if (!im->have_ids_table) {
		/* A temporary table lives as long as the connection; it is
		 * emptied before each use. */
		rc = db_exec_script(im->db, "CREATE TEMP TABLE IF NOT EXISTS"
		    " import_ids (id_number TEXT NOT NULL)", err);
		if (rc != 0)
			return rc;
		im->have_ids_table = true;
	}
	rc = db_exec_args(im->db, "DELETE FROM import_ids", DB_NOARGS, NULL,
	    err);
	if (rc == 0)
		rc = db_copy_begin(im->db, "import_ids", cols, 1, &c, err);
	for (size_t i = 0; rc == 0 && i < im->nheld; i++)
		if (im->held[i].rc == 0 && im->held[i].p.id[0] != '\0')
			rc = db_copy_row(c, DB_ARGS(DB_TEXT(im->held[i].p.id)),
			    err);
	if (c != NULL) {
		rc2 = db_copy_end(c, rc == 0 ? err : NULL);
		if (rc == 0)
			rc = rc2;
	}
	if (rc == 0)
		rc = db_prepare(im->db, "SELECT p.id_number, p.id, p.unit_id,"
		    " p.name_key, COALESCE(p.birth_date, ''), COALESCE(p.sex, ''),"
		    " COALESCE(h.code, ''), p.relation, p.phone, p.full_name"
		    " FROM import_ids k CROSS JOIN people p"
		    " LEFT JOIN households h ON h.id = p.household_id"
		    " WHERE p.id_number = k.id_number", DB_NOARGS, &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		const char *id = db_col_text(st, 0);
		struct known *k;

		if (id == NULL || strlen(id) >= sizeof(k->id))
			continue;
		k = known_slot(im, id);
		if (k->id[0] != '\0')
			continue;	/* the number twice in the batch */
		snprintf(k->id, sizeof(k->id), "%s", id);
		k->pid = db_col_int(st, 1);
		k->unit_id = db_col_int(st, 2);
		k->name_key = db_col_strdup(st, 3, false);
		k->birth = db_col_strdup(st, 4, false);
		k->sex = db_col_strdup(st, 5, false);
		k->household = db_col_strdup(st, 6, false);
		k->relation = db_col_strdup(st, 7, false);
		k->phone = db_col_strdup(st, 8, false);
		k->name = db_col_strdup(st, 9, false);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Apply one checked row: insert, update or leave as it is. */
static int
apply_row(struct importer *im, const struct table_row *row,
    const struct parsed *p, enum field *bad, struct kh_err *err)
{
	char *key = vn_search_key(p->name), *spaced = xasprintf(" %s", key);
	unsigned char *sort = NULL;
	size_t sort_len = 0;
	int64_t hh = 0, id = 0, unit = 0;
	const char *birth = p->birth[0] ? p->birth : NULL;
	const char *sex = p->sex == 'M' ? "M" : p->sex == 'F' ? "F" : NULL;
	int rc = 0, found = 0;

	(void)row;
	/* Households are compared by number and created only when a row is
	 * written, so a refused row leaves nothing behind. */
	if (p->id[0] != '\0') {
		*bad = F_ID;
		const struct known *k = known_slot(im, p->id);

		if (k->id[0] != '\0') {
			found = 1;
			id = k->pid;
			unit = k->unit_id;
			if (!same_text(k->name_key, spaced)) {
				if (auth_can_read(im->db, im->a, unit, NULL) != 0)
					rc = kh_fail_field(err, KH_E_CONFLICT,
					    "id_number", N_("This CCCD/CMND number is"
					    " recorded for a person outside your scope."),
					    NULL);
				else
					rc = kh_fail_field(err, KH_E_CONFLICT,
					    "id_number", N_("This CCCD/CMND number is"
					    " recorded for another person: %s."),
					    k->name);
			} else if (same_text(k->birth, birth) &&
			    same_text(k->sex, sex) &&
			    same_text(k->household, p->household) &&
			    unit == p->unit_id &&
			    same_text(k->relation, p->relation) &&
			    same_text(k->phone, p->phone))
				found = 2;	/* as it is */
		}
		if (rc < 0)
			goto out;
	} else {
		/* Without a number: the same name, birth date and household,
		 * among the rows waiting to be written, then in the registry. */
		char *mk = match_key(p->unit_id, spaced, birth, p->household);
		bool waiting = im->pend_set != NULL &&
		    *pending_slot(im, mk) != NULL;

		free(mk);
		if (waiting) {
			im->res->unchanged++;
			goto out;
		}
		rc = db_query_int(im->db, "SELECT p.id FROM people p"
		    " LEFT JOIN households h ON h.id = p.household_id"
		    " WHERE p.name_key = $1 AND COALESCE(p.birth_date, '') = $2"
		    " AND COALESCE(h.code, '') = $3 AND p.unit_id = $4",
		    DB_ARGS(DB_TEXT(spaced), DB_TEXT(birth != NULL ? birth : ""),
		    DB_TEXT(p->household), DB_INT(p->unit_id)), &id, err);
		if (rc == 0)
			found = 2;
		else if (rc == KH_E_NOT_FOUND) {
			kh_err_clear(err);
			rc = 0;
		} else
			goto out;
	}
	if (found == 2) {
		im->res->unchanged++;
		goto out;
	}
	if (found == 1 && auth_can_write(im->db, im->a, unit, NULL) != 0) {
		rc = kh_fail_field(err, KH_E_CONFLICT, "id_number", N_("This"
		    " CCCD/CMND number is recorded for a person outside your"
		    " scope."), NULL);
		goto out;
	}
	if (p->household[0] != '\0') {
		rc = household_id(im, p->unit_id, p->household, &hh, err);
		if (rc != 0)
			goto out;
	}
	sort = vn_name_sort_key(p->name, &sort_len);
	if (sort == NULL) {
		rc = kh_fail(err, KH_E_IO, NULL, NULL);
		goto out;
	}
	if (found == 1) {
		rc = db_exec_args(im->db, "UPDATE people SET unit_id = $2,"
		    " household_id = $3, relation = $4, full_name = $5, sort_key = $6,"
		    " birth_date = $7, birth_year_only = $8, sex = $9, phone = $10,"
		    " updated_at = $11 WHERE id = $1",
		    DB_ARGS(DB_INT(id), DB_INT(p->unit_id), hh > 0 ? DB_INT(hh) :
		    DB_NULL, DB_TEXT(p->relation), DB_TEXT(p->name),
		    DB_BLOB(sort, sort_len), DB_TEXT(birth), DB_INT(p->year_only),
		    DB_TEXT(sex), DB_TEXT(p->phone), DB_TEXT(im->now)), NULL, err);
		if (rc == 0)
			im->res->updated++;
		goto out;
	}
	if (im->pend == NULL) {
		im->pend = xcalloc(PENDING_MAX, sizeof(*im->pend));
		im->pend_set = xcalloc(PENDING_SLOTS, sizeof(*im->pend_set));
	}
	{
		struct pending *q = &im->pend[im->npend++];

		memset(q, 0, sizeof(*q));
		q->unit_id = p->unit_id;
		q->household_id = hh;
		q->relation = xstrdup(p->relation);
		q->is_head = is_head(p->relation);
		q->name = xstrdup(p->name);
		q->spaced = spaced;
		spaced = NULL;
		q->sort = sort;
		q->sort_len = sort_len;
		sort = NULL;
		snprintf(q->birth, sizeof(q->birth), "%s", birth != NULL ? birth :
		    "");
		q->year_only = p->year_only;
		snprintf(q->sex, sizeof(q->sex), "%s", sex != NULL ? sex : "");
		snprintf(q->id, sizeof(q->id), "%s", p->id);
		q->phone = xstrdup(p->phone);
		q->match = match_key(p->unit_id, q->spaced, birth, p->household);
		*pending_slot(im, q->match) = q->match;
	}
	im->res->imported++;
	if (im->npend == PENDING_MAX)
		rc = pending_flush(im, err);
out:
	free(key);
	free(spaced);
	free(sort);
	return rc;
}

static void
held_clear(struct importer *im)
{
	for (size_t i = 0; i < im->nheld; i++) {
		struct held *h = &im->held[i];

		for (size_t c = 0; c < h->row.n; c++)
			free(h->cells[c]);
		free(h->cells);
	}
	im->nheld = 0;
}

/* Keep a row read from the file, checked, for the next held_apply(). */
static void
held_add(struct importer *im, const struct table_row *row)
{
	struct held *h;

	if (im->held == NULL)
		im->held = xcalloc(HELD_MAX, sizeof(*im->held));
	h = &im->held[im->nheld++];
	memset(h, 0, sizeof(*h));
	h->cells = xcalloc(row->n + 1, sizeof(char *));
	for (size_t c = 0; c < row->n; c++)
		h->cells[c] = xstrdup(row->cells[c]);
	h->row.row_no = row->row_no;
	h->row.n = row->n;
	h->row.cells = (const char *const *)h->cells;
	h->err = (struct kh_err)KH_ERR_INIT;
	h->rc = parse_row(im, &h->row, &h->p, &h->bad, &h->err);
}

/* Apply the held rows in file order; refused ones are recorded. Only a
 * storage failure ends the import. */
static int
held_apply(struct importer *im, struct kh_err *err)
{
	int rc = known_fetch(im, err);

	for (size_t i = 0; rc == 0 && i < im->nheld; i++) {
		struct held *h = &im->held[i];

		if (h->rc == 0)
			h->rc = apply_row(im, &h->row, &h->p, &h->bad, &h->err);
		if (h->rc == KH_E_DB || h->rc == KH_E_IO) {
			*err = h->err;
			rc = h->rc;
		} else if (h->rc != 0)
			refuse(im, &h->row, h->bad, &h->err);
	}
	held_clear(im);
	return rc;
}

/*
 * The header: the first row (among the first ten: sheets often start with a
 * title) in which the name column is found.
 */
static int
read_header(struct importer *im, struct table_reader *tr, struct kh_err *err)
{
	struct table_row row;
	struct kh_err first = KH_ERR_INIT;
	int rc, tries;

	for (tries = 0; tries < 10; tries++) {
		rc = table_next(tr, &row, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		kh_err_clear(err);
		if (table_map_header(&row, fields, F_COUNT, im->col, err) == 0) {
			im->res->nheader = row.n;
			im->res->header = xcalloc(row.n + 1, sizeof(char *));
			im->res->header_field = xcalloc(row.n + 1, sizeof(char *));
			for (size_t i = 0; i < row.n; i++)
				im->res->header[i] = xstrdup(row.cells[i]);
			for (int f = 0; f < F_COUNT; f++)
				if (im->col[f] >= 0 && (size_t)im->col[f] < row.n)
					im->res->header_field[im->col[f]] = fields[f].key;
			return 0;
		}
		if (tries == 0)
			first = *err;
	}
	if (first.kind != 0) {
		*err = first;
		return first.kind;
	}
	return kh_fail(err, KH_E_INVALID, N_("The file holds no list."), NULL);
}

static int
run(struct db *db, const struct actor *a, int64_t unit_id,
    struct table_reader *tr, enum people_import_mode mode, bool dry_run,
    struct people_import_result *res, struct kh_err *err)
{
	struct importer im;
	struct table_row row;
	json_t *summary;
	char uid[24];
	bool in_tx = false;
	int rc;

	memset(&im, 0, sizeof(im));
	im.db = db;
	im.a = a;
	im.unit_id = unit_id;
	im.res = res;
	date_today(im.today);
	stamp_now(im.now);
	snprintf(res->format, sizeof(res->format), "%s", table_format(tr));
	rc = auth_can_write(db, a, unit_id, err);
	if (rc == 0)
		rc = read_header(&im, tr, err);
	if (rc == 0)
		rc = load_villages(&im, err);
	if (rc == 0)
		rc = load_households(&im, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	in_tx = true;
	while ((rc = table_next(tr, &row, err)) == 1) {
		bool empty = true;

		for (int f = 0; f < F_COUNT && empty; f++)
			if (f != F_STT && cell(&im, &row, f)[0] != '\0')
				empty = false;
		if (empty)
			continue;
		res->read++;
		held_add(&im, &row);
		if (im.nheld == HELD_MAX && (rc = held_apply(&im, err)) != 0)
			goto out;
	}
	if (rc < 0) {
		/* The rows before a broken one are still checked, so that
		 * their refusals are reported with the error. */
		struct kh_err ignored = KH_ERR_INIT;

		held_apply(&im, &ignored);
		goto out;
	}
	rc = held_apply(&im, err);
	if (rc != 0)
		goto out;
	if (dry_run || (mode == PEOPLE_IMPORT_ALL && res->refused > 0))
		goto out;	/* rolled back below */
	rc = pending_flush(&im, err);
	if (rc != 0)
		goto out;
	/* The new people's words for the name search, in one statement. */
	if (im.first_new > 0) {
		rc = people_words_fill(db, im.first_new, INT64_MAX, err);
		if (rc != 0)
			goto out;
	}
	snprintf(uid, sizeof(uid), "%lld", (long long)unit_id);
	summary = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "format",
	    res->format, "mode", mode == PEOPLE_IMPORT_ALL ? "all" : "good-rows",
	    "read", (json_int_t)res->read, "imported", (json_int_t)res->imported,
	    "updated", (json_int_t)res->updated, "unchanged",
	    (json_int_t)res->unchanged, "refused", (json_int_t)res->refused);
	rc = audit_record(db, a, unit_id, "import", "people", uid, NULL, summary,
	    err);
	json_decref(summary);
	if (rc == 0) {
		in_tx = false;
		rc = db_commit(db, err);
		res->committed = rc == 0;
	}
	/* Fresh planner statistics after a large list. */
	if (rc == 0 && res->imported >= 5000)
		rc = db_exec_script(db, "ANALYZE people", err);
out:
	if (in_tx)
		db_rollback(db);
	/* A dry run's counts say what would happen; a file kept out as a
	 * whole imported nothing. */
	if (!res->committed && !dry_run)
		res->imported = res->updated = 0;
	for (size_t i = 0; i < im.nvillages; i++) {
		free(im.villages[i].code);
		free(im.villages[i].key);
	}
	free(im.villages);
	for (size_t i = 0; i < im.caphh; i++)
		free(im.hh[i].code);
	free(im.hh);
	free(im.seen);
	pending_clear(&im);
	free(im.pend);
	free(im.pend_set);
	held_clear(&im);
	free(im.held);
	known_clear(&im);
	free(im.known);
	return rc;
}

int
people_import_file(struct db *db, const struct actor *a, int64_t unit_id,
    const char *path, enum people_import_mode mode, bool dry_run,
    struct people_import_result *result, struct kh_err *err)
{
	struct table_reader *tr;
	int rc;

	memset(result, 0, sizeof(*result));
	rc = table_open(path, NULL, &tr, err);
	if (rc != 0)
		return rc;
	rc = run(db, a, unit_id, tr, mode, dry_run, result, err);
	table_close(tr);
	return rc;
}

int
people_import_mem(struct db *db, const struct actor *a, int64_t unit_id,
    const void *data, size_t len, enum people_import_mode mode, bool dry_run,
    struct people_import_result *result, struct kh_err *err)
{
	struct table_reader *tr;
	int rc;

	memset(result, 0, sizeof(*result));
	rc = table_open_mem(data, len, NULL, &tr, err);
	if (rc != 0)
		return rc;
	rc = run(db, a, unit_id, tr, mode, dry_run, result, err);
	table_close(tr);
	return rc;
}

int
people_import_errors_xlsx(const struct people_import_result *r,
    const char *lang, const char *path, struct kh_err *err)
{
	size_t ncols = r->nheader + 2, i, k;
	const char **header = xcalloc(ncols, sizeof(char *));
	const char **cells = xcalloc(r->nproblems * ncols + 1, sizeof(char *));
	char **owned = xcalloc(r->nproblems * 2 + 1, sizeof(char *));
	int *text_cols = xcalloc(ncols, sizeof(int));
	struct doc_sheet s;
	int rc;

	header[0] = i18n_tr(lang, N_("Row"));
	header[1] = i18n_tr(lang, N_("Reason"));
	for (k = 0; k < r->nheader; k++) {
		header[k + 2] = r->header[k];
		text_cols[k + 2] = 1;	/* keep what was typed, as typed */
	}
	for (i = 0; i < r->nproblems; i++) {
		const struct people_import_problem *p = &r->problems[i];
		char msg[600];

		kh_err_format(&p->err, lang, msg, sizeof(msg));
		owned[2 * i] = xasprintf("%ld", p->row);
		owned[2 * i + 1] = p->column[0] != '\0' ?
		    xasprintf("%s: %s", p->column, msg) : xstrdup(msg);
		cells[i * ncols] = owned[2 * i];
		cells[i * ncols + 1] = owned[2 * i + 1];
		for (k = 0; k < r->nheader; k++)
			cells[i * ncols + 2 + k] = k < p->ncells ? p->cells[k] : "";
	}
	memset(&s, 0, sizeof(s));
	s.title = i18n_tr(lang, N_("Rows refused by the import"));
	s.ncols = ncols;
	s.header = header;
	s.text_cols = text_cols;
	s.nrows = r->nproblems;
	s.cells = cells;
	rc = doc_xlsx(&s, path, err);
	for (i = 0; i < r->nproblems * 2; i++)
		free(owned[i]);
	free(owned);
	free(cells);
	free(header);
	free(text_cols);
	return rc;
}
