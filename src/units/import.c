/*
 * import.c - load the official administrative units (the CSV files in
 * data/units, described in data/units/README.md) into units, unit_tree and
 * unit_succession.
 *
 * The whole load is one transaction. Units are matched by (code,
 * valid_from): codes were reused by the 2025 restructuring, so a code alone
 * names nothing. The current official units are read into a hash table
 * first; the file is then applied level by level (country, provinces,
 * districts, communes) so that every parent has its id before its children
 * are written. New rows go in with the bulk loader (COPY on PostgreSQL) and
 * their ids are read back per level; changed rows are updated one by one.
 * A second run with the same files finds every row unchanged and writes
 * nothing.
 *
 * Units missing from the files are left alone: people, figures and
 * organisations may refer to them.
 */
#include "core/buf.h"
#include "core/vntext.h"
#include "units/units_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_LEVELS 4	/* country, province, district, commune */
#define MAX_DEPTH 16	/* guard against a cycle in bad data */

/* One version of a code: a row of the database, or one the file adds. */
struct ver {
	int64_t id;		/* 0 until inserted */
	int64_t parent_id;	/* 0 for the country */
	char *valid_from;	/* ISO date, never NULL */
	char *valid_to;		/* ISO date, NULL while in force */
	char *name;
	char *type_name;
	char *kind;
	char *search_key;
	unsigned char *sort_key;
	size_t sort_len;
	bool in_file;		/* a row of the file matched it */
	bool is_new;		/* inserted by this run */
	bool moved;		/* its parent changed in this run */
};

/* All versions of one code. */
struct code_entry {
	char *code;
	struct ver **v;
	size_t n, cap;
};

/* Open-addressing hash table of code entries. */
struct code_map {
	struct code_entry **slots;
	size_t cap;		/* a power of two */
	size_t n;
};

/* A row of units.csv, its fields pointing into the file's buffer. */
struct file_unit {
	const char *code;
	const char *name;
	const char *type_name;
	const char *kind;
	const char *parent_code;
	char from[DATE_LEN];	/* UNITS_BEFORE_RECORDS when empty */
	char to[DATE_LEN];	/* "" when empty */
	int level;
	long row;		/* 1-based line of the file */
};

/* State of one import. */
struct importer {
	struct db *db;
	struct code_map map;
	struct ver **all;	/* every version, for freeing and by id */
	size_t n_all, cap_all;
	char now[STAMP_LEN];
	struct units_import_stats st;
	struct kh_err *err;
};

static const char *const level_kind[N_LEVELS] = {
	UNIT_COUNTRY, UNIT_PROVINCE, UNIT_DISTRICT, UNIT_COMMUNE,
};

static int
kind_level(const char *kind)
{
	int i;

	for (i = 0; i < N_LEVELS; i++)
		if (strcmp(kind, level_kind[i]) == 0)
			return i;
	return -1;
}

/* Hash table. */

static size_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static struct code_entry **
map_slot(struct code_map *m, const char *code)
{
	size_t i = hash_str(code) & (m->cap - 1);

	while (m->slots[i] != NULL && strcmp(m->slots[i]->code, code) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void
map_grow(struct code_map *m)
{
	struct code_entry **old = m->slots;
	size_t old_cap = m->cap, i;

	m->cap = old_cap ? old_cap * 2 : 1024;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < old_cap; i++)
		if (old[i] != NULL)
			*map_slot(m, old[i]->code) = old[i];
	free(old);
}

/* The entry of a code; created when create, else NULL if absent. */
static struct code_entry *
map_get(struct code_map *m, const char *code, bool create)
{
	struct code_entry **slot;

	if (m->cap == 0) {
		if (!create)
			return NULL;
		map_grow(m);
	}
	slot = map_slot(m, code);
	if (*slot != NULL || !create)
		return *slot;
	if ((m->n + 1) * 2 > m->cap) {
		map_grow(m);
		slot = map_slot(m, code);
	}
	*slot = xcalloc(1, sizeof(**slot));
	(*slot)->code = xstrdup(code);
	m->n++;
	return *slot;
}

static void
map_free(struct code_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i] != NULL) {
			free(m->slots[i]->code);
			free(m->slots[i]->v);
			free(m->slots[i]);
		}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct ver *
add_ver(struct importer *im, struct code_entry *e)
{
	struct ver *v = xcalloc(1, sizeof(*v));

	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 2;
		e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	e->v[e->n++] = v;
	if (im->n_all == im->cap_all) {
		im->cap_all = im->cap_all ? im->cap_all * 2 : 16384;
		im->all = xrealloc(im->all, im->cap_all * sizeof(*im->all));
	}
	im->all[im->n_all++] = v;
	return v;
}

static void
ver_free(struct ver *v)
{
	free(v->valid_from);
	free(v->valid_to);
	free(v->name);
	free(v->type_name);
	free(v->kind);
	free(v->search_key);
	free(v->sort_key);
	free(v);
}

/* The version that began on from. */
static struct ver *
ver_from(const struct code_entry *e, const char *from)
{
	size_t i;

	for (i = 0; e != NULL && i < e->n; i++)
		if (strcmp(e->v[i]->valid_from, from) == 0)
			return e->v[i];
	return NULL;
}

/* The version in force on day (the latest to begin, should two be). */
static struct ver *
ver_on(const struct code_entry *e, const char *day)
{
	struct ver *best = NULL, *v;
	size_t i;

	for (i = 0; e != NULL && i < e->n; i++) {
		v = e->v[i];
		if (strcmp(v->valid_from, day) <= 0 &&
		    (v->valid_to == NULL || strcmp(v->valid_to, day) >= 0) &&
		    (best == NULL || strcmp(v->valid_from, best->valid_from) > 0))
			best = v;
	}
	return best;
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
set_str(char **dst, const char *src)
{
	if (str_eq(*dst, src))
		return;
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Reading the files. */

static int
read_file(const char *dir, const char *name, struct buf *out,
    struct kh_err *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	char chunk[65536];
	size_t n;
	FILE *f;
	int rc = 0;

	f = fopen(path, "rb");
	if (f == NULL) {
		kh_err_detail(err, "%s: %s", path, strerror(errno));
		rc = kh_fail(err, KH_E_IO, N_("Cannot read the file %s."), path);
		free(path);
		return rc;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	if (ferror(f))
		rc = kh_fail(err, KH_E_IO, N_("Cannot read the file %s."), path);
	fclose(f);
	free(path);
	if (rc == 0 && out->data == NULL)
		buf_puts(out, "");
	return rc;
}

/*
 * Next record of CSV text (RFC 4180: fields in double quotes may hold
 * commas, quotes doubled, line breaks) at *pos, parsed in place: the fields
 * become NUL-terminated strings inside the buffer. Returns 1 with *nf fields,
 * 0 at the end, -1 when the text is malformed or has more than max fields.
 */
static int
csv_record(char **pos, char *end, char **fields, int max, int *nf)
{
	char *p = *pos, *w, *start, c;
	int n = 0;

	if (p >= end)
		return 0;
	for (;;) {
		start = w = p;
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				if (p >= end)
					return -1;
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
		} else {
			while (p < end && *p != ',' && *p != '\n' && *p != '\r')
				p++;
			w = p;
		}
		c = p < end ? *p : '\0';
		*w = '\0';	/* the buffer has a NUL after end */
		if (n >= max)
			return -1;
		fields[n++] = start;
		if (c == ',') {
			p++;
			continue;
		}
		if (c == '\r') {
			p++;
			if (p < end && *p == '\n')
				p++;
		} else if (c == '\n')
			p++;
		else if (p < end)
			return -1;	/* text after a closing quote */
		break;
	}
	*pos = p;
	*nf = n;
	return 1;
}

/* Start of the CSV text after a UTF-8 byte-order mark. */
static char *
csv_start(struct buf *b)
{
	if (b->len >= 3 && memcmp(b->data, "\xef\xbb\xbf", 3) == 0)
		return b->data + 3;
	return b->data;
}

static int
bad_row(struct kh_err *err, long row, const char *msg, const char *arg)
{
	int rc = kh_fail(err, KH_E_INVALID, msg, arg);

	err->row = row;
	return rc;
}

/* Check the header line against the expected columns. */
static int
csv_header(char **pos, char *end, const char *const *cols, int ncols,
    const char *file, struct kh_err *err)
{
	char *f[16];
	int nf = 0, i;

	if (csv_record(pos, end, f, 16, &nf) != 1 || nf != ncols)
		return bad_row(err, 1, N_("The file %s does not have the expected"
		    " columns."), file);
	for (i = 0; i < ncols; i++)
		if (strcmp(f[i], cols[i]) != 0)
			return bad_row(err, 1, N_("The file %s does not have the"
			    " expected columns."), file);
	return 0;
}

static bool
all_utf8(char **f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!vn_utf8_valid(f[i], strlen(f[i])))
			return false;
	return true;
}

static int
parse_units(struct buf *text, struct file_unit **out, size_t *n_out,
    struct kh_err *err)
{
	static const char *const cols[] = {"code", "name", "type_name", "kind",
	    "parent_code", "valid_from", "valid_to"};
	char *pos = csv_start(text), *end = text->data + text->len;
	struct file_unit *rows = NULL, *r;
	size_t n = 0, cap = 0;
	char *f[8];
	long line = 1;
	int nf, rc;

	rc = csv_header(&pos, end, cols, 7, "units.csv", err);
	while (rc == 0 && (rc = csv_record(&pos, end, f, 8, &nf)) == 1) {
		line++;
		rc = 0;
		if (nf == 1 && f[0][0] == '\0')
			continue;	/* blank line */
		if (nf != 7) {
			rc = bad_row(err, line, N_("A row of %s does not have the"
			    " expected columns."), "units.csv");
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16384;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[n];
		memset(r, 0, sizeof(*r));
		r->code = f[0];
		r->name = f[1];
		r->type_name = f[2];
		r->kind = f[3];
		r->parent_code = f[4];
		r->row = line;
		r->level = kind_level(f[3]);
		if (r->level < 0) {
			rc = bad_row(err, line, N_("Unknown kind of unit %s."),
			    f[3]);
			break;
		}
		if (*r->code == '\0' || strlen(r->code) > 31 ||
		    *r->name == '\0' || !all_utf8(f, 7)) {
			rc = bad_row(err, line, N_("A unit needs a code (at most"
			    " 31 characters) and a name in UTF-8."), NULL);
			break;
		}
		if ((r->level == 0) != (*r->parent_code == '\0')) {
			rc = bad_row(err, line, N_("Only the country has no"
			    " parent unit."), NULL);
			break;
		}
		if (f[5][0] == '\0')
			snprintf(r->from, sizeof(r->from), "%s",
			    UNITS_BEFORE_RECORDS);
		else if (date_valid(f[5]))
			memcpy(r->from, f[5], DATE_LEN);
		else {
			rc = bad_row(err, line, N_("%s is not a date: write it as"
			    " YYYY-MM-DD or dd/mm/yyyy."), f[5]);
			break;
		}
		if (f[6][0] != '\0') {
			if (!date_valid(f[6]) || strcmp(f[6], r->from) < 0) {
				rc = bad_row(err, line, N_("The end date %s is"
				    " not a date after the start."), f[6]);
				break;
			}
			memcpy(r->to, f[6], DATE_LEN);
		}
		n++;
	}
	if (rc < 0 && err->kind == 0)
		rc = bad_row(err, line + 1, N_("The file %s is not valid CSV."),
		    "units.csv");
	if (rc > 0)
		rc = 0;
	if (rc != 0) {
		free(rows);
		rows = NULL;
		n = 0;
	}
	*out = rows;
	*n_out = n;
	return rc;
}

/* Keys. */

/*
 * Search key of an official unit: the words of its name, followed by the
 * name without its type ("thanh pho hai phong hai phong"), so that the key
 * holds the place name on its own as well as the official name. Matching
 * (vn_key_matches) is by word prefix, so "hai phong" and "thanh pho hai
 * phong" both find it.
 */
static char *
official_search_key(const char *name, const char *type_name)
{
	static const char *const prefixes[] = {"Thành phố", "Thị xã",
	    "Thị trấn", "Tỉnh", "Quận", "Huyện", "Xã", "Phường", "Đặc khu"};
	const char *best = NULL;
	size_t best_n = 0, i, n;
	char *key, *bare, *both;

	key = vn_search_key(name);
	for (i = 0; i <= sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *p = i < sizeof(prefixes) / sizeof(prefixes[0]) ?
		    prefixes[i] : type_name;

		n = strlen(p);
		if (n > best_n && strncmp(name, p, n) == 0 && name[n] == ' ') {
			best = p;
			best_n = n;
		}
	}
	if (best == NULL)
		return key;
	bare = vn_search_key(name + best_n + 1);
	if (*bare == '\0' || strcmp(bare, key) == 0) {
		free(bare);
		return key;
	}
	both = xasprintf("%s %s", key, bare);
	free(key);
	free(bare);
	return both;
}

/* Loading the current state. */

static int
load_units(struct importer *im)
{
	static const char sql[] =
	    "SELECT id, code, valid_from, valid_to, name, type_name, kind,"
	    " COALESCE(parent_id, 0), search_key, sort_key FROM units"
	    " WHERE kind IN ('country', 'province', 'district', 'commune')";
	struct db_stmt *st;
	struct ver *v;
	const void *k;
	size_t klen;
	int rc;

	rc = db_prepare(im->db, sql, DB_NOARGS, &st, im->err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, im->err)) == 1) {
		v = add_ver(im, map_get(&im->map, db_col_text(st, 1), true));
		v->id = db_col_int(st, 0);
		v->valid_from = db_col_strdup(st, 2, false);
		v->valid_to = db_col_strdup(st, 3, false);
		v->name = db_col_strdup(st, 4, false);
		v->type_name = db_col_strdup(st, 5, false);
		v->kind = db_col_strdup(st, 6, false);
		v->parent_id = db_col_int(st, 7);
		v->search_key = db_col_strdup(st, 8, false);
		k = db_col_blob(st, 9, &klen);
		if (k != NULL && klen > 0) {
			v->sort_key = xmalloc(klen);
			memcpy(v->sort_key, k, klen);
			v->sort_len = klen;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Applying units.csv. */

static bool
blob_eq(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The parent of a file row: its parent code in force on the row's first
 * day. */
static int
resolve_parent(struct importer *im, const struct file_unit *r,
    int64_t *parent_id)
{
	struct ver *p;

	*parent_id = 0;
	if (r->level == 0)
		return 0;
	p = ver_on(map_get(&im->map, r->parent_code, false), r->from);
	if (p == NULL || p->id == 0 || kind_level(p->kind) < 0 ||
	    kind_level(p->kind) >= r->level)
		return bad_row(im->err, r->row, N_("The parent unit %s is not in"
		    " the file, or not above this unit."), r->parent_code);
	*parent_id = p->id;
	return 0;
}

static int
update_unit(struct importer *im, struct db_stmt **upd, struct ver *v)
{
	static const char sql[] =
	    "UPDATE units SET name = $2, type_name = $3, kind = $4,"
	    " parent_id = $5, valid_to = $6, search_key = $7, sort_key = $8,"
	    " updated_at = $9 WHERE id = $1";
	int rc;

	if (*upd == NULL)
		rc = db_prepare(im->db, sql, NULL, 0, upd, im->err);
	else
		rc = 0;
	if (rc == 0)
		rc = db_rebind(*upd, DB_ARGS(DB_INT(v->id), DB_TEXT(v->name),
		    DB_TEXT(v->type_name), DB_TEXT(v->kind),
		    v->parent_id > 0 ? DB_INT(v->parent_id) : DB_NULL,
		    DB_TEXT(v->valid_to), DB_TEXT(v->search_key),
		    v->sort_key != NULL ? DB_BLOB(v->sort_key, v->sort_len) :
		    DB_NULL, DB_TEXT(im->now)), im->err);
	if (rc == 0)
		rc = db_step(*upd, im->err);
	return rc < 0 ? rc : 0;
}

/* Insert the new versions of one level with the bulk loader. */
static int
copy_units(struct importer *im, struct ver **add, const char **codes,
    size_t n)
{
	static const char *const cols[] = {"code", "name", "kind", "type_name",
	    "parent_id", "valid_from", "valid_to", "search_key", "sort_key",
	    "created_at", "updated_at"};
	struct db_copy *c;
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	rc = db_copy_begin(im->db, "units", cols, 11, &c, im->err);
	for (i = 0; rc == 0 && i < n; i++) {
		struct ver *v = add[i];

		rc = db_copy_row(c, DB_ARGS(DB_TEXT(codes[i]), DB_TEXT(v->name),
		    DB_TEXT(v->kind), DB_TEXT(v->type_name),
		    v->parent_id > 0 ? DB_INT(v->parent_id) : DB_NULL,
		    DB_TEXT(v->valid_from), DB_TEXT(v->valid_to),
		    DB_TEXT(v->search_key),
		    v->sort_key != NULL ? DB_BLOB(v->sort_key, v->sort_len) :
		    DB_NULL, DB_TEXT(im->now), DB_TEXT(im->now)), im->err);
	}
	if (c != NULL) {
		int rc2 = db_copy_end(c, rc == 0 ? im->err : NULL);

		if (rc == 0)
			rc = rc2;
	}
	return rc;
}

/* Read back the ids of the versions of a kind inserted by this run. */
static int
read_ids(struct importer *im, const char *kind)
{
	static const char sql[] =
	    "SELECT id, code, valid_from FROM units WHERE kind = $1";
	struct db_stmt *st;
	struct ver *v;
	int rc;

	rc = db_prepare(im->db, sql, DB_ARGS(DB_TEXT(kind)), &st, im->err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, im->err)) == 1) {
		v = ver_from(map_get(&im->map, db_col_text(st, 1), false),
		    db_col_text(st, 2));
		if (v != NULL && v->is_new && v->id == 0)
			v->id = db_col_int(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Apply the rows of one level: update what changed, insert what is new. */
static int
apply_level(struct importer *im, struct file_unit *rows, size_t n, int level)
{
	struct db_stmt *upd = NULL;
	struct ver **add = NULL, *v;
	const char **codes = NULL;
	size_t n_add = 0, i;
	int64_t parent_id;
	unsigned char *sk;
	size_t sk_len;
	char *key, *name = NULL, *type = NULL;
	int rc = 0;

	add = xcalloc(n + 1, sizeof(*add));
	codes = xcalloc(n + 1, sizeof(*codes));
	for (i = 0; rc == 0 && i < n; i++) {
		struct file_unit *r = &rows[i];
		struct code_entry *e;

		if (r->level != level)
			continue;
		rc = resolve_parent(im, r, &parent_id);
		if (rc != 0)
			break;
		free(name);
		free(type);
		name = vn_nfc(r->name, strlen(r->name));
		type = vn_nfc(r->type_name, strlen(r->type_name));
		e = map_get(&im->map, r->code, true);
		v = ver_from(e, r->from);
		if (v != NULL && v->in_file) {
			rc = bad_row(im->err, r->row, N_("The unit %s appears"
			    " twice with the same start date."), r->code);
			break;
		}
		key = official_search_key(name, type);
		sk_len = 0;
		sk = vn_text_sort_key(name, &sk_len);
		if (sk == NULL)
			sk_len = 0;
		if (v == NULL) {
			v = add_ver(im, e);
			v->is_new = true;
			v->valid_from = xstrdup(r->from);
			add[n_add] = v;
			codes[n_add++] = e->code;
			im->st.inserted++;
		} else if (str_eq(v->name, name) &&
		    str_eq(v->type_name, type) &&
		    str_eq(v->kind, r->kind) && v->parent_id == parent_id &&
		    str_eq(v->valid_to, r->to[0] ? r->to : NULL) &&
		    str_eq(v->search_key, key) &&
		    blob_eq(v->sort_key, v->sort_len, sk, sk_len)) {
			v->in_file = true;
			im->st.unchanged++;
			free(key);
			free(sk);
			continue;
		} else {
			im->st.updated++;
			v->moved = v->parent_id != parent_id;
		}
		v->in_file = true;
		set_str(&v->name, name);
		set_str(&v->type_name, type);
		set_str(&v->kind, r->kind);
		set_str(&v->valid_to, r->to[0] ? r->to : NULL);
		free(v->search_key);
		v->search_key = key;
		free(v->sort_key);
		v->sort_key = sk;
		v->sort_len = sk_len;
		v->parent_id = parent_id;
		if (!v->is_new)
			rc = update_unit(im, &upd, v);
	}
	db_finalize(upd);
	if (rc == 0)
		rc = copy_units(im, add, codes, n_add);
	if (rc == 0 && n_add > 0)
		rc = read_ids(im, level_kind[level]);
	for (i = 0; rc == 0 && i < n_add; i++)
		if (add[i]->id == 0) {
			kh_err_detail(im->err, "no id for unit %s", codes[i]);
			rc = kh_fail(im->err, KH_E_DB, NULL, NULL);
		}
	free(add);
	free(codes);
	free(name);
	free(type);
	return rc;
}

/* The closure table. */

static int
ver_id_cmp(const void *pa, const void *pb)
{
	const struct ver *a = *(const struct ver *const *)pa;
	const struct ver *b = *(const struct ver *const *)pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

static struct ver *
by_id(struct ver **sorted, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo]->id == id ? sorted[lo] : NULL;
}

/*
 * New units get their rows from the parent chain held in memory, in one bulk
 * load. A unit that moved to another parent has its subtree (organisations
 * included) detached from its old ancestors and attached below the new ones,
 * top level first, so each move builds on its parent's final rows.
 */
static int
build_tree(struct importer *im)
{
	static const char *const cols[] = {"ancestor_id", "descendant_id",
	    "depth"};
	static const char sql_detach[] =
	    "DELETE FROM unit_tree WHERE descendant_id IN"
	    " (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1)"
	    " AND ancestor_id NOT IN"
	    " (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1)";
	static const char sql_attach[] =
	    "INSERT INTO unit_tree (ancestor_id, descendant_id, depth)"
	    " SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1"
	    " FROM unit_tree a JOIN unit_tree d ON d.ancestor_id = $1"
	    " WHERE a.descendant_id = $2";
	struct ver **sorted, *v, *p;
	struct db_copy *c = NULL;
	size_t i;
	int64_t anc;
	int depth, level, rc = 0;

	sorted = xmalloc((im->n_all + 1) * sizeof(*sorted));
	memcpy(sorted, im->all, im->n_all * sizeof(*sorted));
	qsort(sorted, im->n_all, sizeof(*sorted), ver_id_cmp);
	for (i = 0; rc == 0 && i < im->n_all; i++) {
		v = im->all[i];
		if (!v->is_new)
			continue;
		if (c == NULL)
			rc = db_copy_begin(im->db, "unit_tree", cols, 3, &c,
			    im->err);
		anc = v->id;
		for (depth = 0; rc == 0 && anc != 0; depth++) {
			if (depth > MAX_DEPTH) {
				kh_err_detail(im->err, "cycle above unit %lld",
				    (long long)v->id);
				rc = kh_fail(im->err, KH_E_INVALID, NULL, NULL);
				break;
			}
			rc = db_copy_row(c, DB_ARGS(DB_INT(anc), DB_INT(v->id),
			    DB_INT(depth)), im->err);
			p = by_id(sorted, im->n_all, anc);
			anc = p != NULL ? p->parent_id : 0;
		}
	}
	if (c != NULL) {
		int rc2 = db_copy_end(c, rc == 0 ? im->err : NULL);

		if (rc == 0)
			rc = rc2;
	}
	for (level = 1; rc == 0 && level < N_LEVELS; level++)
		for (i = 0; rc == 0 && i < im->n_all; i++) {
			v = im->all[i];
			if (!v->moved || kind_level(v->kind) != level)
				continue;
			rc = db_exec_args(im->db, sql_detach,
			    DB_ARGS(DB_INT(v->id)), NULL, im->err);
			if (rc == 0)
				rc = db_exec_args(im->db, sql_attach,
				    DB_ARGS(DB_INT(v->id), DB_INT(v->parent_id)),
				    NULL, im->err);
		}
	free(sorted);
	return rc;
}

/* Applying succession.csv. */

struct link {
	int64_t old_id;
	int64_t new_id;
	char kind[8];		/* "full" or "partial" */
	long row;
};

static int
link_cmp(const void *pa, const void *pb)
{
	const struct link *a = pa, *b = pb;

	if (a->old_id != b->old_id)
		return a->old_id < b->old_id ? -1 : 1;
	return a->new_id < b->new_id ? -1 : a->new_id > b->new_id;
}

static int
load_links(struct importer *im, struct link **out, size_t *n_out)
{
	static const char sql[] =
	    "SELECT old_id, new_id, kind FROM unit_succession";
	struct link *l = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st;
	int rc;

	rc = db_prepare(im->db, sql, DB_NOARGS, &st, im->err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, im->err)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16384;
			l = xrealloc(l, cap * sizeof(*l));
		}
		memset(&l[n], 0, sizeof(l[n]));
		l[n].old_id = db_col_int(st, 0);
		l[n].new_id = db_col_int(st, 1);
		snprintf(l[n].kind, sizeof(l[n].kind), "%s",
		    db_col_text(st, 2) != NULL ? db_col_text(st, 2) : "");
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		free(l);
		return rc;
	}
	if (n > 0)
		qsort(l, n, sizeof(*l), link_cmp);
	*out = l;
	*n_out = n;
	return 0;
}

static int
apply_succession(struct importer *im, struct buf *text)
{
	static const char *const cols[] = {"old_code", "new_code", "kind",
	    "level"};
	static const char *const copy_cols[] = {"old_id", "new_id", "kind",
	    "on_date"};
	static const char sql_kind[] =
	    "UPDATE unit_succession SET kind = $3 WHERE old_id = $1"
	    " AND new_id = $2";
	char *pos = csv_start(text), *end = text->data + text->len;
	struct link *have = NULL, *add = NULL, key, *hit;
	size_t n_have = 0, n_add = 0, cap = 0, i;
	struct db_copy *c = NULL;
	struct ver *o, *nw;
	char *f[8];
	long line = 1;
	int nf, rc;

	rc = csv_header(&pos, end, cols, 4, "succession.csv", im->err);
	if (rc == 0)
		rc = load_links(im, &have, &n_have);
	while (rc == 0 && (rc = csv_record(&pos, end, f, 8, &nf)) == 1) {
		line++;
		rc = 0;
		if (nf == 1 && f[0][0] == '\0')
			continue;
		if (nf != 4 || (strcmp(f[2], "full") != 0 &&
		    strcmp(f[2], "partial") != 0) ||
		    (strcmp(f[3], UNIT_PROVINCE) != 0 &&
		    strcmp(f[3], UNIT_COMMUNE) != 0)) {
			rc = bad_row(im->err, line, N_("A row of %s does not have"
			    " the expected columns."), "succession.csv");
			break;
		}
		o = ver_on(map_get(&im->map, f[0], false),
		    UNITS_OLD_STRUCTURE_TO);
		nw = ver_on(map_get(&im->map, f[1], false),
		    UNITS_NEW_STRUCTURE_FROM);
		if (o == NULL || nw == NULL) {
			rc = bad_row(im->err, line, N_("The succession names a"
			    " unit that is not in units.csv: %s."),
			    o == NULL ? f[0] : f[1]);
			break;
		}
		memset(&key, 0, sizeof(key));
		key.old_id = o->id;
		key.new_id = nw->id;
		snprintf(key.kind, sizeof(key.kind), "%s", f[2]);
		key.row = line;
		hit = n_have > 0 ? bsearch(&key, have, n_have, sizeof(*have),
		    link_cmp) : NULL;
		if (hit != NULL) {
			if (strcmp(hit->kind, key.kind) != 0)
				rc = db_exec_args(im->db, sql_kind,
				    DB_ARGS(DB_INT(key.old_id),
				    DB_INT(key.new_id), DB_TEXT(key.kind)), NULL,
				    im->err);
			continue;
		}
		if (n_add == cap) {
			cap = cap ? cap * 2 : 16384;
			add = xrealloc(add, cap * sizeof(*add));
		}
		add[n_add++] = key;
	}
	if (rc < 0 && im->err->kind == 0)
		rc = bad_row(im->err, line + 1, N_("The file %s is not valid"
		    " CSV."), "succession.csv");
	if (rc > 0)
		rc = 0;
	if (rc == 0 && n_add > 1) {
		qsort(add, n_add, sizeof(*add), link_cmp);
		for (i = 1; rc == 0 && i < n_add; i++)
			if (link_cmp(&add[i - 1], &add[i]) == 0)
				rc = bad_row(im->err, add[i].row, N_("The file %s"
				    " repeats a link."), "succession.csv");
	}
	if (rc == 0 && n_add > 0)
		rc = db_copy_begin(im->db, "unit_succession", copy_cols, 4, &c,
		    im->err);
	for (i = 0; rc == 0 && i < n_add; i++)
		rc = db_copy_row(c, DB_ARGS(DB_INT(add[i].old_id),
		    DB_INT(add[i].new_id), DB_TEXT(add[i].kind),
		    DB_TEXT(UNITS_NEW_STRUCTURE_FROM)), im->err);
	if (c != NULL) {
		int rc2 = db_copy_end(c, rc == 0 ? im->err : NULL);

		if (rc == 0)
			rc = rc2;
	}
	if (rc == 0)
		im->st.successions += (long)n_add;
	free(have);
	free(add);
	return rc;
}

int
units_import(struct db *db, const char *dir, struct units_import_stats *stats,
    struct kh_err *err)
{
	struct importer im;
	struct buf units_csv = BUF_INIT, succ_csv = BUF_INIT;
	struct file_unit *rows = NULL;
	size_t n_rows = 0, i;
	bool in_tx = false;
	int level, rc;

	memset(&im, 0, sizeof(im));
	im.db = db;
	im.err = err;
	stamp_now(im.now);
	if (stats != NULL)
		memset(stats, 0, sizeof(*stats));
	if (dir == NULL || *dir == '\0')
		dir = "data/units";
	rc = read_file(dir, "units.csv", &units_csv, err);
	if (rc == 0)
		rc = read_file(dir, "succession.csv", &succ_csv, err);
	if (rc == 0)
		rc = parse_units(&units_csv, &rows, &n_rows, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	in_tx = true;
	rc = load_units(&im);
	for (level = 0; rc == 0 && level < N_LEVELS; level++)
		rc = apply_level(&im, rows, n_rows, level);
	if (rc == 0)
		rc = build_tree(&im);
	if (rc == 0)
		rc = apply_succession(&im, &succ_csv);
	if (rc == 0) {
		in_tx = false;
		rc = db_commit(db, err);
	}
	/* Fresh statistics after a bulk load, so the planner (PostgreSQL's
	 * especially) picks the closure table's indexes. */
	if (rc == 0 && im.st.inserted + im.st.updated > 0)
		rc = db_exec_script(db, "ANALYZE", err);
	if (rc == 0 && stats != NULL)
		*stats = im.st;
out:
	if (in_tx)
		db_rollback(db);
	for (i = 0; i < im.n_all; i++)
		ver_free(im.all[i]);
	free(im.all);
	map_free(&im.map);
	free(rows);
	buf_free(&units_csv);
	buf_free(&succ_csv);
	return rc;
}
