/*
 * Administrative units on the real data (data/units): import, lookups by
 * code and date, subtrees, search, the scope rule, succession and the
 * organisations users create.
 *
 * Each check is a function over an imported database. On SQLite every check
 * runs as its own test on a fresh in-memory database. On PostgreSQL (when
 * KHUYENHOC_TEST_PG names a server, e.g. postgresql://postgres@127.0.0.1/
 * postgres) one test creates a database for the run, imports once and runs
 * every check in turn; without the variable it is reported as skipped.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "core/buf.h"
#include "units/units.h"

#define DATA_DIR "data/units"
#define OLD_DAY UNITS_OLD_STRUCTURE_TO
#define NEW_DAY UNITS_NEW_STRUCTURE_FROM
#define TODAY "2026-01-15"

/* The whole data set. */
#define N_UNITS 14162
#define N_LINKS 10667

/* Setup. */

static struct db *
open_imported(const char *url)
{
	struct units_import_stats st;
	struct kh_err err = KH_ERR_INIT;
	struct db *db = NULL;

	setenv("KHUYENHOC_TODAY", TODAY, 1);
	cr_assert_eq(db_open(url, &db, &err), 0, "open %s: %s", url,
	    err.detail);
	cr_assert_eq(db_migrate(db, NULL, &err), 0, "migrate: %s", err.detail);
	cr_assert_eq(units_import(db, DATA_DIR, &st, &err), 0,
	    "import: %s %s (row %ld)", err.msg ? err.msg : "", err.detail,
	    err.row);
	cr_assert_eq(st.inserted, N_UNITS);
	cr_assert_eq(st.updated, 0);
	cr_assert_eq(st.unchanged, 0);
	cr_assert_eq(st.successions, N_LINKS);
	return db;
}

static void
system_actor(struct db *db, struct actor *a)
{
	struct kh_err err = KH_ERR_INIT;

	cr_assert_eq(auth_system_actor(db, a, &err), 0, "%s", err.detail);
}

/* Id of the unit with code on day (NULL: today), as the system actor. */
static int64_t
id_of(struct db *db, const char *code, const char *on)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct actor sys;
	int64_t id;

	system_actor(db, &sys);
	cr_assert_eq(units_find(db, &sys, code, on, &u, &err), 0,
	    "find %s on %s: %s", code, on ? on : "today", err.msg);
	id = u.id;
	unit_cleanup(&u);
	return id;
}

/* A user of role scoped to the unit with code on day. */
static void
actor_at(struct db *db, const char *code, const char *on, enum role role,
    struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = 0;
	snprintf(a->login, sizeof(a->login), "test.%s", code);
	a->role = role;
	a->unit_id = id_of(db, code, on);
	snprintf(a->unit_code, sizeof(a->unit_code), "%s", code);
	snprintf(a->lang, sizeof(a->lang), "en");
}

static size_t
count_kind(const struct unit_list *l, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i].kind, kind) == 0)
			n++;
	return n;
}

static bool
has_code(const struct unit_list *l, const char *code)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i].code, code) == 0)
			return true;
	return false;
}

static int64_t
query_int(struct db *db, const char *sql, const struct db_arg *args, int n)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t v = -1;

	cr_assert_eq(db_query_int(db, sql, args, n, &v, &err), 0, "%s: %s", sql,
	    err.detail);
	return v;
}

/* Checks. */

/* Whole-country and Hải Phòng counts per kind and date. */
static void
check_counts(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	struct actor sys;
	int64_t vn, total = 0;
	size_t i, j;

	system_actor(db, &sys);
	vn = id_of(db, "VN", NULL);

	cr_assert_eq(units_subtree(db, &sys, vn, OLD_DAY, &l, &err), 0);
	cr_assert_str_eq(l.items[0].code, "VN");
	cr_assert_eq(count_kind(&l, UNIT_PROVINCE), 63);
	cr_assert_eq(count_kind(&l, UNIT_DISTRICT), 696);
	cr_assert_eq(count_kind(&l, UNIT_COMMUNE), 10047);
	cr_assert_eq(l.n, 1 + 63 + 696 + 10047);
	/* Depth first: every unit comes after its parent. */
	for (i = 1; i < l.n; i += 997) {
		for (j = 0; j < i; j++)
			if (l.items[j].id == l.items[i].parent_id)
				break;
		cr_assert(j < i, "%s listed before its parent",
		    l.items[i].code);
	}
	unit_list_cleanup(&l);

	cr_assert_eq(units_subtree(db, &sys, vn, NEW_DAY, &l, &err), 0);
	cr_assert_eq(count_kind(&l, UNIT_PROVINCE), 34);
	cr_assert_eq(count_kind(&l, UNIT_DISTRICT), 0);
	cr_assert_eq(count_kind(&l, UNIT_COMMUNE), 3321);
	unit_list_cleanup(&l);

	cr_assert_eq(units_count_subtree(db, &sys, vn, OLD_DAY, &total, &err), 0);
	cr_assert_eq(total, 63 + 696 + 10047);
	cr_assert_eq(units_count_subtree(db, &sys, vn, NULL, &total, &err), 0);
	cr_assert_eq(total, 34 + 3321);

	/* Old Hải Phòng: 15 districts, Bạch Long Vĩ without communes. */
	cr_assert_eq(units_subtree(db, &sys, id_of(db, "31", OLD_DAY), OLD_DAY,
	    &l, &err), 0);
	cr_assert_str_eq(l.items[0].name, "Thành phố Hải Phòng");
	cr_assert_eq(count_kind(&l, UNIT_DISTRICT), 15);
	cr_assert(has_code(&l, "303") && has_code(&l, "318") &&
	    has_code(&l, "311"));
	cr_assert_eq(count_kind(&l, UNIT_COMMUNE), 167);
	unit_list_cleanup(&l);
	cr_assert_eq(units_subtree(db, &sys, id_of(db, "318", OLD_DAY), OLD_DAY,
	    &l, &err), 0);
	cr_assert_eq(l.n, 1);
	unit_list_cleanup(&l);

	/* New Hải Phòng: 114 communes, no districts. */
	cr_assert_eq(units_subtree(db, &sys, id_of(db, "31", NEW_DAY), NEW_DAY,
	    &l, &err), 0);
	cr_assert_eq(count_kind(&l, UNIT_COMMUNE), 114);
	cr_assert_eq(count_kind(&l, UNIT_DISTRICT), 0);
	cr_assert_eq(l.n, 115);
	unit_list_cleanup(&l);
	cr_assert_eq(units_count_subtree(db, &sys, id_of(db, "31", NULL), NULL,
	    &total, &err), 0);
	cr_assert_eq(total, 114);

	/* The closure table: one self row per unit. */
	cr_assert_eq(query_int(db, "SELECT count(*) FROM unit_tree WHERE depth = 0",
	    DB_NOARGS), N_UNITS);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM unit_tree WHERE"
	    " ancestor_id = $1", DB_ARGS(DB_INT(vn))), N_UNITS);
}

/* A code names a unit at a date. */
static void
check_find(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct actor sys;

	system_actor(db, &sys);
	cr_assert_eq(units_find(db, &sys, "10507", OLD_DAY, &u, &err), 0);
	cr_assert_str_eq(u.name, "Phường Cẩm Thượng");
	cr_assert_str_eq(u.kind, UNIT_COMMUNE);
	cr_assert_str_eq(u.type_name, "Phường");
	cr_assert_str_eq(u.parent_code, "288");
	cr_assert_str_eq(u.valid_from, UNITS_BEFORE_RECORDS);
	cr_assert_str_eq(u.valid_to, OLD_DAY);
	unit_cleanup(&u);

	cr_assert_eq(units_find(db, &sys, "10507", NEW_DAY, &u, &err), 0);
	cr_assert_str_eq(u.name, "Phường Thành Đông");
	cr_assert_str_eq(u.parent_code, "31");
	cr_assert_str_eq(u.parent_name, "Thành phố Hải Phòng");
	cr_assert_str_eq(u.valid_from, NEW_DAY);
	cr_assert_null(u.valid_to);
	unit_cleanup(&u);

	/* Without a date: today's unit. */
	cr_assert_eq(units_find(db, &sys, "10507", NULL, &u, &err), 0);
	cr_assert_str_eq(u.name, "Phường Thành Đông");
	unit_cleanup(&u);
	cr_assert_eq(units_find(db, &sys, "31", NULL, &u, &err), 0);
	cr_assert_str_eq(u.valid_from, NEW_DAY);
	unit_cleanup(&u);

	/* A code of the old structure only: its last version. */
	cr_assert_eq(units_find(db, &sys, "305", NULL, &u, &err), 0);
	cr_assert_str_eq(u.name, "Quận Lê Chân");
	cr_assert_str_eq(u.kind, UNIT_DISTRICT);
	unit_cleanup(&u);
	cr_assert_eq(units_find(db, &sys, "305", NEW_DAY, &u, &err),
	    KH_E_NOT_FOUND);
	cr_assert_str_eq(err.arg, "305");
	kh_err_clear(&err);

	cr_assert_eq(units_find(db, &sys, "99999", NULL, &u, &err),
	    KH_E_NOT_FOUND);
	cr_assert_str_eq(err.msg, "No unit has the code %s.");
	cr_assert_str_eq(err.arg, "99999");
	cr_assert_null(u.name);
	kh_err_clear(&err);
	cr_assert_eq(units_find(db, &sys, "31", "2025-13-40", &u, &err),
	    KH_E_INVALID);
	kh_err_clear(&err);

	/* units_get agrees. */
	cr_assert_eq(units_get(db, &sys, id_of(db, "VN", NULL), &u, &err), 0);
	cr_assert_str_eq(u.name, "Việt Nam");
	cr_assert_eq(u.parent_id, 0);
	cr_assert_str_eq(u.parent_code, "");
	unit_cleanup(&u);
	cr_assert_eq(units_get(db, &sys, 99999999, &u, &err), KH_E_NOT_FOUND);
}

/* A second import changes nothing. */
static void
check_reimport(struct db *db)
{
	struct units_import_stats st;
	struct kh_err err = KH_ERR_INIT;
	int64_t tree = query_int(db, "SELECT count(*) FROM unit_tree",
	    DB_NOARGS);

	cr_assert_eq(units_import(db, DATA_DIR, &st, &err), 0, "%s", err.detail);
	cr_assert_eq(st.inserted, 0);
	cr_assert_eq(st.updated, 0);
	cr_assert_eq(st.unchanged, N_UNITS);
	cr_assert_eq(st.successions, 0);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM units WHERE kind IN"
	    " ('country', 'province', 'district', 'commune')", DB_NOARGS),
	    N_UNITS);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM unit_tree", DB_NOARGS),
	    tree);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM unit_succession",
	    DB_NOARGS), N_LINKS);

	cr_assert_eq(units_import(db, "/nonexistent/units", &st, &err),
	    KH_E_IO);
}

/* Read a file whole (malloc'd). */
static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

static void
spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "create %s", path);
	fputs(text, f);
	fclose(f);
}

/* Replace the one occurrence of from in *text by to. */
static void
replace_once(char **text, const char *from, const char *to)
{
	char *at = strstr(*text, from), *out;

	cr_assert_not_null(at, "no %s in the data", from);
	out = xasprintf("%.*s%s%s", (int)(at - *text), *text, to,
	    at + strlen(from));
	free(*text);
	*text = out;
}

static int64_t
tree_depth(struct db *db, int64_t anc, int64_t desc)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t d = -1;
	int rc;

	rc = db_query_int(db, "SELECT depth FROM unit_tree WHERE ancestor_id = $1"
	    " AND descendant_id = $2", DB_ARGS(DB_INT(anc), DB_INT(desc)), &d,
	    &err);
	return rc == 0 ? d : -1;
}

/*
 * Changed files: a renamed unit is updated, a unit moved to another parent
 * takes its subtree (an organisation included) along; the original files
 * put everything back.
 */
static void
check_import_changes(struct db *db)
{
	struct units_import_stats st;
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT, org = UNIT_INIT;
	struct unit_input in = {0};
	char dir[] = "/tmp/kh-units-test-XXXXXX";
	char *units, *succ, *p1, *p2;
	int64_t tree, an_bien, d304, d305, hp;
	struct actor sys;

	system_actor(db, &sys);
	cr_assert_not_null(mkdtemp(dir));
	units = slurp(DATA_DIR "/units.csv");
	succ = slurp(DATA_DIR "/succession.csv");
	replace_once(&units, "\n11371,Phường An Biên,Phường,commune,305,,",
	    "\n11371,Phường An Biên,Phường,commune,304,,");
	replace_once(&units, "\n11395,Phường Hàng Kênh,",
	    "\n11395,Phường Hàng Kênh Cũ,");
	p1 = xasprintf("%s/units.csv", dir);
	p2 = xasprintf("%s/succession.csv", dir);
	spit(p1, units);
	spit(p2, succ);

	an_bien = id_of(db, "11371", OLD_DAY);
	d304 = id_of(db, "304", OLD_DAY);
	d305 = id_of(db, "305", OLD_DAY);
	hp = id_of(db, "31", OLD_DAY);
	in.code = "T-AN-BIEN";
	in.name = "Tổ dân phố 1 An Biên";
	in.kind = UNIT_VILLAGE;
	in.valid_from = "2010-01-01";
	cr_assert_eq(units_create_org(db, &sys, an_bien, &in, &org, &err), 0,
	    "%s", err.msg);
	cr_assert_str_eq(org.valid_to, OLD_DAY, "closed with its parent");
	tree = query_int(db, "SELECT count(*) FROM unit_tree", DB_NOARGS);

	cr_assert_eq(units_import(db, dir, &st, &err), 0, "%s %s", err.msg,
	    err.detail);
	cr_assert_eq(st.inserted, 0);
	cr_assert_eq(st.updated, 2);
	cr_assert_eq(st.unchanged, N_UNITS - 2);
	cr_assert_eq(units_find(db, &sys, "11395", OLD_DAY, &u, &err), 0);
	cr_assert_str_eq(u.name, "Phường Hàng Kênh Cũ");
	unit_cleanup(&u);
	cr_assert_eq(units_find(db, &sys, "11371", OLD_DAY, &u, &err), 0);
	cr_assert_str_eq(u.parent_code, "304");
	unit_cleanup(&u);
	cr_assert_eq(tree_depth(db, d304, an_bien), 1);
	cr_assert_eq(tree_depth(db, d305, an_bien), -1);
	cr_assert_eq(tree_depth(db, hp, an_bien), 2);
	cr_assert_eq(tree_depth(db, d304, org.id), 2);
	cr_assert_eq(tree_depth(db, d305, org.id), -1);
	cr_assert_eq(tree_depth(db, hp, org.id), 3);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM unit_tree", DB_NOARGS),
	    tree);

	/* Back to the official data. */
	cr_assert_eq(units_import(db, DATA_DIR, &st, &err), 0);
	cr_assert_eq(st.updated, 2);
	cr_assert_eq(tree_depth(db, d305, an_bien), 1);
	cr_assert_eq(tree_depth(db, d304, an_bien), -1);
	cr_assert_eq(tree_depth(db, d305, org.id), 2);
	cr_assert_eq(units_import(db, DATA_DIR, &st, &err), 0);
	cr_assert_eq(st.unchanged, N_UNITS);

	/* A file with a unit whose parent is missing is refused whole. */
	replace_once(&units, "\n11371,Phường An Biên,Phường,commune,304,,",
	    "\n11371,Phường An Biên,Phường,commune,3X9,,");
	spit(p1, units);
	cr_assert_eq(units_import(db, dir, &st, &err), KH_E_INVALID);
	cr_assert(err.row > 1);
	cr_assert_str_eq(err.arg, "3X9");
	cr_assert_eq(tree_depth(db, d305, an_bien), 1);

	unlink(p1);
	unlink(p2);
	rmdir(dir);
	free(p1);
	free(p2);
	free(units);
	free(succ);
	unit_cleanup(&org);
}

/* Names match with or without diacritics, word by word. */
static void
check_search(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	struct actor sys;
	size_t i;

	system_actor(db, &sys);
	cr_assert_eq(units_search(db, &sys, "le chan", NULL, 0, &l, &err), 0);
	cr_assert(has_code(&l, "305"), "Quận Lê Chân");
	cr_assert(has_code(&l, "11383"), "Phường Lê Chân");
	cr_assert_str_eq(l.items[0].name, "Quận Lê Chân", "districts first");
	unit_list_cleanup(&l);

	cr_assert_eq(units_search(db, &sys, "Lê Chân", NEW_DAY, 0, &l, &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].code, "11383");
	unit_list_cleanup(&l);
	cr_assert_eq(units_search(db, &sys, "  LÊ   chân ", OLD_DAY, 0, &l, &err),
	    0);
	cr_assert(has_code(&l, "305") && !has_code(&l, "11383"));
	unit_list_cleanup(&l);

	/* The province first, in both structures; with or without its type. */
	cr_assert_eq(units_search(db, &sys, "hai phong", NULL, 0, &l, &err), 0);
	cr_assert(l.n >= 2);
	cr_assert_str_eq(l.items[0].code, "31");
	cr_assert_str_eq(l.items[1].code, "31");
	cr_assert_str_eq(l.items[0].kind, UNIT_PROVINCE);
	for (i = 1; i < l.n; i++)
		cr_assert(strcmp(l.items[i - 1].kind, UNIT_COMMUNE) != 0 ||
		    strcmp(l.items[i].kind, UNIT_COMMUNE) == 0,
		    "provinces and districts before communes");
	unit_list_cleanup(&l);
	cr_assert_eq(units_search(db, &sys, "thanh pho hai phong", NEW_DAY, 0, &l,
	    &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].code, "31");
	unit_list_cleanup(&l);
	/* Word prefixes: "hai pho" still finds it; "ai phong" does not. */
	cr_assert_eq(units_search(db, &sys, "hai pho", NEW_DAY, 0, &l, &err), 0);
	cr_assert(has_code(&l, "31"));
	unit_list_cleanup(&l);
	cr_assert_eq(units_search(db, &sys, "ai phong", NEW_DAY, 0, &l, &err), 0);
	cr_assert(!has_code(&l, "31"));
	unit_list_cleanup(&l);

	/* Limit. */
	cr_assert_eq(units_search(db, &sys, "xa", NULL, 7, &l, &err), 0);
	cr_assert_eq(l.n, 7);
	unit_list_cleanup(&l);
	cr_assert_eq(units_search(db, &sys, "phuong", NULL, 0, &l, &err), 0);
	cr_assert_eq(l.n, 50, "default limit");
	unit_list_cleanup(&l);

	cr_assert_eq(units_search(db, &sys, " ,. ", NULL, 0, &l, &err),
	    KH_E_INVALID);
	cr_assert_eq(l.n, 0);
	kh_err_clear(&err);
	cr_assert_eq(units_search(db, &sys, "zzqqxx", NULL, 0, &l, &err), 0);
	cr_assert_eq(l.n, 0);
}

/* The scope: a subtree and the subtrees of the units it succeeded. */
static void
check_scope(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	struct actor ward, city, hanoi;

	/* An officer of the new Phường Lê Chân. */
	actor_at(db, "11383", NEW_DAY, ROLE_OFFICER, &ward);
	cr_assert_eq(units_find(db, &ward, "11383", NULL, &u, &err), 0);
	unit_cleanup(&u);
	/* Old wards merged into it: Hàng Kênh (whole), Trần Nguyên Hãn and
	 * Cầu Đất (in part). */
	cr_assert_eq(units_find(db, &ward, "11395", OLD_DAY, &u, &err), 0);
	cr_assert_str_eq(u.name, "Phường Hàng Kênh");
	unit_cleanup(&u);
	cr_assert_eq(units_find(db, &ward, "11383", OLD_DAY, &u, &err), 0);
	cr_assert_str_eq(u.name, "Phường Trần Nguyên Hãn");
	unit_cleanup(&u);
	cr_assert_eq(units_find(db, &ward, "11344", OLD_DAY, &u, &err), 0);
	unit_cleanup(&u);
	/* Not a neighbouring ward, old or new, nor the old district. */
	cr_assert_eq(units_find(db, &ward, "11311", NEW_DAY, &u, &err),
	    KH_E_FORBIDDEN);
	cr_assert_null(u.code);
	kh_err_clear(&err);
	cr_assert_eq(units_find(db, &ward, "11311", OLD_DAY, &u, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(units_find(db, &ward, "305", OLD_DAY, &u, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(units_children(db, &ward, id_of(db, "31", NEW_DAY), NULL,
	    &l, &err), KH_E_FORBIDDEN);
	kh_err_clear(&err);
	/* Search stays inside the scope. */
	cr_assert_eq(units_search(db, &ward, "phuong", NULL, 0, &l, &err), 0);
	cr_assert(has_code(&l, "11383") && has_code(&l, "11395"));
	cr_assert(!has_code(&l, "11311"));
	unit_list_cleanup(&l);

	/* The new city reads the old districts, of Hải Phòng and Hải Dương. */
	actor_at(db, "31", NEW_DAY, ROLE_VIEWER, &city);
	cr_assert_eq(units_find(db, &city, "304", NULL, &u, &err), 0);
	cr_assert_str_eq(u.name, "Quận Ngô Quyền");
	unit_cleanup(&u);
	cr_assert_eq(units_find(db, &city, "10507", OLD_DAY, &u, &err), 0);
	unit_cleanup(&u);
	cr_assert_eq(units_subtree(db, &city, id_of(db, "31", OLD_DAY), OLD_DAY,
	    &l, &err), 0);
	cr_assert_eq(count_kind(&l, UNIT_DISTRICT), 15);
	unit_list_cleanup(&l);

	/* Elsewhere: forbidden. */
	actor_at(db, "01", NEW_DAY, ROLE_ADMIN, &hanoi);
	cr_assert_eq(units_find(db, &hanoi, "304", NULL, &u, &err),
	    KH_E_FORBIDDEN);
	cr_assert_str_eq(err.msg, "This unit is outside your scope.");
	kh_err_clear(&err);
	cr_assert_eq(units_get(db, &hanoi, id_of(db, "31", NULL), &u, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(units_subtree(db, &hanoi, id_of(db, "31", NULL), NULL, &l,
	    &err), KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(units_search(db, &hanoi, "le chan", NULL, 0, &l, &err), 0);
	cr_assert(!has_code(&l, "305") && !has_code(&l, "11383"));
	unit_list_cleanup(&l);
	cr_assert_eq(units_search(db, &hanoi, "ba dinh", NEW_DAY, 0, &l, &err),
	    0);
	cr_assert(has_code(&l, "00004"));
	unit_list_cleanup(&l);
}

/* Children, paths and succession links. */
static void
check_navigation(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	struct actor sys;
	size_t i;

	system_actor(db, &sys);
	cr_assert_eq(units_children(db, &sys, id_of(db, "VN", NULL), NULL, &l,
	    &err), 0);
	cr_assert_eq(l.n, 63 + 34);
	unit_list_cleanup(&l);
	cr_assert_eq(units_children(db, &sys, id_of(db, "VN", NULL), OLD_DAY, &l,
	    &err), 0);
	cr_assert_eq(l.n, 63);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.items[i].code, "31") == 0)
			cr_assert_eq(l.items[i].n_children, 15);
	unit_list_cleanup(&l);
	cr_assert_eq(units_children(db, &sys, id_of(db, "31", NEW_DAY), NEW_DAY,
	    &l, &err), 0);
	cr_assert_eq(l.n, 114);
	cr_assert_eq(l.items[0].n_children, 0);
	unit_list_cleanup(&l);

	cr_assert_eq(units_path(db, &sys, id_of(db, "10507", OLD_DAY), &l, &err),
	    0);
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(l.items[0].code, "VN");
	cr_assert_str_eq(l.items[1].code, "30");
	cr_assert_str_eq(l.items[2].code, "288");
	unit_list_cleanup(&l);
	cr_assert_eq(units_path(db, &sys, id_of(db, "10507", NEW_DAY), &l, &err),
	    0);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.items[1].code, "31");
	cr_assert_str_eq(l.items[1].valid_from, NEW_DAY);
	unit_list_cleanup(&l);

	/* Old Hải Dương (30) and old Hải Phòng (31) went whole into 31. */
	cr_assert_eq(units_predecessors(db, &sys, id_of(db, "31", NEW_DAY), &l,
	    &err), 0);
	cr_assert_eq(l.n, 2);
	cr_assert(has_code(&l, "30") && has_code(&l, "31"));
	cr_assert_str_eq(l.items[0].note, "full");
	unit_list_cleanup(&l);
	cr_assert_eq(units_predecessors(db, &sys, id_of(db, "11383", NEW_DAY), &l,
	    &err), 0);
	cr_assert_eq(l.n, 8);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.items[i].code, "11395") == 0)
			cr_assert_str_eq(l.items[i].note, "full");
		else if (strcmp(l.items[i].code, "11383") == 0)
			cr_assert_str_eq(l.items[i].note, "partial");
	unit_list_cleanup(&l);
	cr_assert_eq(units_successors(db, &sys, id_of(db, "10507", OLD_DAY), &l,
	    &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].name, "Phường Thành Đông");
	unit_list_cleanup(&l);
	/* An island district became a special zone. */
	cr_assert_eq(units_successors(db, &sys, id_of(db, "318", OLD_DAY), &l,
	    &err), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].name, "Đặc khu Bạch Long Vĩ");
	cr_assert_str_eq(l.items[0].type_name, "Đặc khu");
	unit_list_cleanup(&l);
}

static int64_t
audit_count(struct db *db, const char *action, const char *entity_id)
{
	return query_int(db, "SELECT count(*) FROM audit_log WHERE action = $1"
	    " AND entity = 'unit' AND entity_id = $2",
	    DB_ARGS(DB_TEXT(action), DB_TEXT(entity_id)));
}

static int
create(struct db *db, const struct actor *a, int64_t parent,
    const char *code, const char *name, const char *kind, const char *from,
    struct unit *out, struct kh_err *err)
{
	struct unit_input in = {0};

	in.code = code;
	in.name = name;
	in.kind = kind;
	in.valid_from = from;
	kh_err_clear(err);
	return units_create_org(db, a, parent, &in, out, err);
}

/* Organisations: generated codes, closure rows, audit, refusals. */
static void
check_create_org(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit o1 = UNIT_INIT, o2 = UNIT_INIT, o3 = UNIT_INIT;
	struct unit x = UNIT_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	struct actor off, viewer, other;
	int64_t ward = id_of(db, "10507", NEW_DAY), old_ward, before;
	char long_name[260];

	actor_at(db, "10507", NEW_DAY, ROLE_OFFICER, &off);
	cr_assert_eq(create(db, &off, ward, NULL, "Trường Tiểu học Thành Đông",
	    UNIT_SCHOOL, NULL, &o1, &err), 0, "%s", err.msg);
	cr_assert_str_eq(o1.code, "10507-01");
	cr_assert_str_eq(o1.kind, UNIT_SCHOOL);
	cr_assert_str_eq(o1.parent_code, "10507");
	cr_assert_str_eq(o1.valid_from, TODAY);
	cr_assert_null(o1.valid_to);
	cr_assert_eq(audit_count(db, "create", "10507-01"), 1);
	cr_assert_eq(query_int(db, "SELECT unit_id FROM audit_log WHERE"
	    " entity_id = '10507-01'", DB_NOARGS), o1.id);
	/* Closure: itself, the ward, the city, the country. */
	cr_assert_eq(query_int(db, "SELECT count(*) FROM unit_tree WHERE"
	    " descendant_id = $1", DB_ARGS(DB_INT(o1.id))), 4);
	cr_assert_eq(tree_depth(db, o1.id, o1.id), 0);
	cr_assert_eq(tree_depth(db, ward, o1.id), 1);
	cr_assert_eq(tree_depth(db, id_of(db, "31", NULL), o1.id), 2);
	cr_assert_eq(tree_depth(db, id_of(db, "VN", NULL), o1.id), 3);

	/* Decomposed input is stored in NFC; the next number follows. */
	cr_assert_eq(create(db, &off, ward, "", "  Ban khuye\xcc\x82\xcc\x81n"
	    " ho\xcc\xa3""c to\xcc\x82\xcc\x89 1 ", UNIT_BOARD, "01/08/2025", &o2,
	    &err), 0, "%s", err.msg);
	cr_assert_str_eq(o2.code, "10507-02");
	cr_assert_str_eq(o2.name, "Ban khuyến học tổ 1");
	cr_assert_str_eq(o2.valid_from, "2025-08-01");
	/* Under an organisation. */
	cr_assert_eq(create(db, &off, o1.id, NULL, "Chi hội khuyến học trường",
	    UNIT_CHAPTER, NULL, &o3, &err), 0);
	cr_assert_str_eq(o3.code, "10507-01-01");
	cr_assert_eq(tree_depth(db, ward, o3.id), 2);
	cr_assert_eq(tree_depth(db, id_of(db, "VN", NULL), o3.id), 4);

	/* They appear in the subtree, the count, the search, by code. */
	cr_assert_eq(units_subtree(db, &off, ward, NULL, &l, &err), 0);
	cr_assert_eq(l.n, 4);
	cr_assert_str_eq(l.items[1].code, "10507-02", "name order");
	cr_assert_str_eq(l.items[2].code, "10507-01");
	cr_assert_str_eq(l.items[3].code, "10507-01-01");
	unit_list_cleanup(&l);
	cr_assert_eq(units_search(db, &off, "truong tieu hoc thanh dong", NULL, 0,
	    &l, &err), 0);
	cr_assert_eq(l.n, 1);
	unit_list_cleanup(&l);
	cr_assert_eq(units_find(db, &off, "10507-01", NULL, &x, &err), 0);
	cr_assert_eq(x.id, o1.id);
	unit_cleanup(&x);

	/* Refusals, each writing nothing. */
	before = query_int(db, "SELECT count(*) FROM units", DB_NOARGS);
	actor_at(db, "10507", NEW_DAY, ROLE_VIEWER, &viewer);
	cr_assert_eq(create(db, &viewer, ward, NULL, "Trường THCS", UNIT_SCHOOL,
	    NULL, &x, &err), KH_E_FORBIDDEN);
	actor_at(db, "11383", NEW_DAY, ROLE_ADMIN, &other);
	cr_assert_eq(create(db, &other, ward, NULL, "Trường THCS", UNIT_SCHOOL,
	    NULL, &x, &err), KH_E_FORBIDDEN);
	cr_assert_eq(create(db, &off, ward, NULL, "", UNIT_SCHOOL, NULL, &x,
	    &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "name");
	cr_assert_eq(create(db, &off, ward, NULL, " \t ", UNIT_SCHOOL, NULL, &x,
	    &err), KH_E_INVALID);
	cr_assert_eq(create(db, &off, ward, NULL, NULL, UNIT_SCHOOL, NULL, &x,
	    &err), KH_E_INVALID);
	memset(long_name, 'a', 201);
	long_name[201] = '\0';
	cr_assert_eq(create(db, &off, ward, NULL, long_name, UNIT_SCHOOL, NULL,
	    &x, &err), KH_E_INVALID);
	cr_assert_eq(create(db, &off, ward, NULL, "Sao Hỏa", "planet", NULL, &x,
	    &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "kind");
	cr_assert_eq(create(db, &off, ward, NULL, "Xã mới", UNIT_COMMUNE, NULL,
	    &x, &err), KH_E_INVALID);
	cr_assert_eq(create(db, &off, ward, NULL, "Trường", NULL, NULL, &x,
	    &err), KH_E_INVALID);
	cr_assert_eq(create(db, &off, ward, "10507 01", "Trường", UNIT_SCHOOL,
	    NULL, &x, &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "code");
	cr_assert_eq(create(db, &off, ward, NULL, "Trường", UNIT_SCHOOL,
	    "2025-02-30", &x, &err), KH_E_INVALID);
	/* Before the ward existed. */
	cr_assert_eq(create(db, &off, ward, NULL, "Trường", UNIT_SCHOOL,
	    "2025-06-30", &x, &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "valid_from");
	/* The same code in an overlapping period. */
	cr_assert_eq(create(db, &off, ward, "10507-01", "Trường khác",
	    UNIT_SCHOOL, NULL, &x, &err), KH_E_CONFLICT);
	cr_assert_eq(create(db, &off, ward, "10507", "Trường khác",
	    UNIT_SCHOOL, NULL, &x, &err), KH_E_CONFLICT);
	cr_assert_eq(create(db, &off, 99999999, NULL, "Trường", UNIT_SCHOOL,
	    NULL, &x, &err), KH_E_NOT_FOUND);
	cr_assert_null(x.code);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM units", DB_NOARGS),
	    before);
	cr_assert_eq(query_int(db, "SELECT count(*) FROM audit_log",
	    DB_NOARGS), 3);

	/* Under the old ward: a period that ended; the same code may name
	 * another organisation in a later period. */
	old_ward = id_of(db, "10507", OLD_DAY);
	cr_assert_eq(create(db, &off, old_ward, NULL, "Thôn Cũ", UNIT_VILLAGE,
	    NULL, &x, &err), KH_E_INVALID, "today is after the old ward");
	cr_assert_eq(create(db, &off, old_ward, "TDP-7", "Tổ dân phố 7",
	    UNIT_VILLAGE, "2001-01-01", &x, &err), 0, "%s", err.msg);
	cr_assert_str_eq(x.valid_to, OLD_DAY);
	unit_cleanup(&x);
	cr_assert_eq(create(db, &off, ward, "TDP-7", "Tổ dân phố 7",
	    UNIT_VILLAGE, NEW_DAY, &x, &err), 0, "%s", err.msg);
	unit_cleanup(&x);
	cr_assert_eq(create(db, &off, ward, "TDP-7", "Tổ dân phố 7",
	    UNIT_VILLAGE, "2025-09-01", &x, &err), KH_E_CONFLICT);

	unit_cleanup(&o1);
	unit_cleanup(&o2);
	unit_cleanup(&o3);
}

static void
check_update_org(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit o = UNIT_INIT, u = UNIT_INIT;
	struct unit_input in = {0};
	struct actor off, viewer;
	int64_t ward = id_of(db, "11311", NEW_DAY);
	char *after = NULL, *before = NULL;

	actor_at(db, "11311", NEW_DAY, ROLE_OFFICER, &off);
	cr_assert_eq(create(db, &off, ward, "HB-CLC", "Trung tâm HTCĐ",
	    UNIT_CLC, NEW_DAY, &o, &err), 0);

	in.name = "Trung tâm học tập cộng đồng phường Hồng Bàng";
	in.address = "Số 2 Minh Khai";
	cr_assert_eq(units_update_org(db, &off, o.id, &in, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(units_get(db, &off, o.id, &u, &err), 0);
	cr_assert_str_eq(u.name, in.name);
	cr_assert_str_eq(u.address, "Số 2 Minh Khai");
	cr_assert_str_eq(u.valid_from, NEW_DAY, "kept");
	unit_cleanup(&u);
	cr_assert_eq(audit_count(db, "update", "HB-CLC"), 1);
	cr_assert_eq(db_query_text(db, "SELECT before_json FROM audit_log WHERE"
	    " action = 'update' AND entity_id = 'HB-CLC'", DB_NOARGS, &before,
	    &err), 0);
	cr_assert_eq(db_query_text(db, "SELECT after_json FROM audit_log WHERE"
	    " action = 'update' AND entity_id = 'HB-CLC'", DB_NOARGS, &after,
	    &err), 0);
	cr_assert_str_eq(before, "{\"address\":\"\",\"name\":\"Trung tâm HTCĐ\"}");
	cr_assert_not_null(strstr(after, "\"address\":\"Số 2 Minh Khai\""));
	free(before);
	free(after);

	/* Nothing changes: nothing is written. */
	cr_assert_eq(units_update_org(db, &off, o.id, &in, &err), 0);
	cr_assert_eq(audit_count(db, "update", "HB-CLC"), 1);
	/* Closing it. */
	memset(&in, 0, sizeof(in));
	in.valid_to = "31/12/2025";
	cr_assert_eq(units_update_org(db, &off, o.id, &in, &err), 0);
	cr_assert_eq(units_get(db, &off, o.id, &u, &err), 0);
	cr_assert_str_eq(u.valid_to, "2025-12-31");
	unit_cleanup(&u);
	in.valid_to = "2025-06-01";
	cr_assert_eq(units_update_org(db, &off, o.id, &in, &err), KH_E_INVALID);
	kh_err_clear(&err);

	memset(&in, 0, sizeof(in));
	in.name = "";
	cr_assert_eq(units_update_org(db, &off, o.id, &in, &err), KH_E_INVALID);
	kh_err_clear(&err);
	in.name = "Tên mới";
	actor_at(db, "11311", NEW_DAY, ROLE_VIEWER, &viewer);
	cr_assert_eq(units_update_org(db, &viewer, o.id, &in, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_assert_eq(units_update_org(db, &off, ward, &in, &err), KH_E_FORBIDDEN);
	cr_assert_str_eq(err.msg,
	    "Official administrative units cannot be changed here.");
	kh_err_clear(&err);
	cr_assert_eq(units_update_org(db, &off, id_of(db, "11383", NEW_DAY), &in,
	    &err), KH_E_FORBIDDEN);
	cr_assert_eq(audit_count(db, "update", "HB-CLC"), 2);
	unit_cleanup(&o);
}

/* The checks, in the order the PostgreSQL run takes them. */
static void (*const checks[])(struct db *) = {
	check_counts, check_find, check_search, check_scope, check_navigation,
	check_create_org, check_update_org, check_reimport,
	check_import_changes,
};

/* SQLite: each check on its own in-memory database. */

static void
run_sqlite(void (*check)(struct db *))
{
	struct db *db = open_imported("sqlite::memory:");

	check(db);
	db_close(db);
}

Test(units, counts_by_kind_and_date) { run_sqlite(check_counts); }
Test(units, find_by_code_and_date) { run_sqlite(check_find); }
Test(units, search_without_diacritics) { run_sqlite(check_search); }
Test(units, scope_follows_succession) { run_sqlite(check_scope); }
Test(units, children_paths_succession) { run_sqlite(check_navigation); }
Test(units, create_organisation) { run_sqlite(check_create_org); }
Test(units, update_organisation) { run_sqlite(check_update_org); }
Test(units, second_import_changes_nothing) { run_sqlite(check_reimport); }
Test(units, import_applies_changes) { run_sqlite(check_import_changes); }

Test(units, kinds_and_labels)
{
	cr_assert(units_kind_is_org(UNIT_SCHOOL));
	cr_assert(units_kind_is_org(UNIT_VILLAGE));
	cr_assert(units_kind_is_org(UNIT_ASSOCIATION));
	cr_assert(!units_kind_is_org(UNIT_COMMUNE));
	cr_assert(!units_kind_is_org(UNIT_COUNTRY));
	cr_assert(!units_kind_is_org("planet"));
	cr_assert(!units_kind_is_org(NULL));
	cr_assert_str_eq(units_kind_label(UNIT_PROVINCE, "vi"), "Tỉnh/Thành phố");
	cr_assert_str_eq(units_kind_label(UNIT_COMMUNE, "vi"), "Xã/Phường");
	cr_assert_str_eq(units_kind_label(UNIT_CLC, "vi"),
	    "Trung tâm học tập cộng đồng");
	cr_assert_str_eq(units_kind_label(UNIT_ARMED, "vi"),
	    "Đơn vị lực lượng vũ trang");
	cr_assert_str_eq(units_kind_label(UNIT_COMMUNE, "en"), "Commune/Ward");
	cr_assert_str_eq(units_kind_label(UNIT_SCHOOL, "en"), "School");
	cr_assert_str_eq(units_kind_label("planet", "en"), "planet");
	cr_assert_str_eq(units_kind_label(NULL, "vi"), "");
}

/* PostgreSQL: one database for the run. */

static char *pg_admin_url;	/* KHUYENHOC_TEST_PG */
static char *pg_name;		/* the run's database */

/* url with its database name replaced by name. */
static char *
pg_url_with(const char *url, const char *name)
{
	const char *start = strstr(url, "://"), *slash, *q;

	cr_assert_not_null(start, "not a URL: %s", url);
	slash = strchr(start + 3, '/');
	q = strchr(start + 3, '?');
	if (slash == NULL || (q != NULL && q < slash))
		slash = q != NULL ? q : url + strlen(url);
	return xasprintf("%.*s/%s%s", (int)(slash - url), url, name,
	    q != NULL ? q : "");
}

static void
pg_admin(const char *sql)
{
	struct kh_err err = KH_ERR_INIT;
	struct db *db = NULL;

	cr_assert_eq(db_open(pg_admin_url, &db, &err), 0, "%s", err.detail);
	cr_assert_eq(db_exec_script(db, sql, &err), 0, "%s: %s", sql,
	    err.detail);
	db_close(db);
}

static void
pg_fini(void)
{
	char *sql;

	if (pg_name == NULL)
		return;
	sql = xasprintf("DROP DATABASE IF EXISTS %s", pg_name);
	pg_admin(sql);
	free(sql);
	free(pg_name);
	free(pg_admin_url);
	pg_name = NULL;
}

Test(units, postgresql, .fini = pg_fini, .timeout = 600)
{
	const char *env = getenv("KHUYENHOC_TEST_PG");
	struct db *db;
	char *sql, *url;
	size_t i;

	if (env == NULL || *env == '\0')
		cr_skip_test("KHUYENHOC_TEST_PG is not set");
	pg_admin_url = xstrdup(env);
	pg_name = xasprintf("kh_units_test_%ld_%ld", (long)getpid(),
	    (long)time(NULL));
	sql = xasprintf("CREATE DATABASE %s", pg_name);
	pg_admin(sql);
	free(sql);
	url = pg_url_with(pg_admin_url, pg_name);
	db = open_imported(url);
	free(url);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		checks[i](db);
	db_close(db);
}
