/*
 * models_list: the name search (without diacritics, every word the start of
 * a word of the subject's name) and the Vietnamese order, with paging and
 * the total counted in SQL, on SQLite and on PostgreSQL.
 *
 * The scene: Phường Lê Chân (11383) with two residential groups whose codes
 * and names sort in opposite orders, people stored the way the people
 * registry stores them (search key, Vietnamese sort key), a household, a
 * clan and a village community.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vntext.h"
#include "models/models.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

struct scene {
	struct db *db;
	struct actor sys, viewer;
	int64_t commune, dong_hai, an_bien;
};

/* A person with the keys the people registry gives: name_key with a
 * leading space, the Vietnamese name sort key. */
static int64_t
person(struct scene *s, int64_t unit, int64_t household, const char *name)
{
	struct kh_err err = KH_ERR_INIT;
	char *key = vn_search_key(name), *spaced = NULL;
	unsigned char *sort;
	size_t len = 0;
	int64_t id;

	sort = vn_name_sort_key(name, &len);
	cr_assert(sort != NULL);
	spaced = malloc(strlen(key) + 2);
	sprintf(spaced, " %s", key);
	cr_assert(db_query_int(s->db, "INSERT INTO people (unit_id,"
	    " household_id, relation, is_head, full_name, name_key, sort_key,"
	    " subject_group, valid_from, created_at, updated_at) VALUES ($1, $2,"
	    " 'Chủ hộ', $3, $4, $5, $6, 1, '2025-01-01', '2025-01-01T00:00:00Z',"
	    " '2025-01-01T00:00:00Z') RETURNING id",
	    DB_ARGS(DB_INT(unit), household > 0 ? DB_INT(household) : DB_NULL,
	    DB_INT(household > 0), DB_TEXT(name), DB_TEXT(spaced),
	    DB_BLOB(sort, len)), &id, &err) == 0, "%s", err.detail);
	free(key);
	free(spaced);
	free(sort);
	return id;
}

static int64_t
reg(struct scene *s, const char *model, int64_t subject)
{
	struct model_reg_input in;
	struct kh_err err = KH_ERR_INIT;
	int64_t id = 0;

	memset(&in, 0, sizeof(in));
	in.model = model;
	in.year = 2025;
	in.subject_id = subject;
	cr_assert(models_register(s->db, &s->sys, &in, &id, &err) == 0,
	    "register %s %lld: %s %s", model, (long long)subject,
	    err.msg != NULL ? err.msg : "", err.detail);
	return id;
}

static void
scene_init(struct scene *s, struct db *db)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	fx_models_begin(db, "2025-11-15", &s->sys);
	s->commune = fx_unit(db, &s->sys, "11383", NULL);
	/* Codes in one order, names in the other. */
	s->dong_hai = fx_village(s->db, &s->sys, s->commune, "11383-T01",
	    "Tổ dân phố Đông Hải");
	s->an_bien = fx_village(s->db, &s->sys, s->commune, "11383-T02",
	    "Tổ dân phố An Biên");
	s->viewer.role = ROLE_VIEWER;
	s->viewer.unit_id = s->commune;
	snprintf(s->viewer.login, sizeof(s->viewer.login), "xem.lechan");
	snprintf(s->viewer.lang, sizeof(s->viewer.lang), "en");
}

/* The subject names of a list, "|"-separated. */
static void
names(const struct model_reg_list *l, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n && used < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s",
		    i > 0 ? "|" : "", l->items[i].subject_name);
}

static void
expect(struct scene *s, const struct model_query *q, int64_t total,
    const char *want)
{
	struct model_reg_list l;
	struct kh_err err = KH_ERR_INIT;
	char got[1024];

	cr_assert(models_list(s->db, &s->viewer, q, &l, &err) == 0, "list: %s",
	    err.detail);
	names(&l, got, sizeof(got));
	cr_expect_eq(l.total, total, "q=%s: total %lld, want %lld",
	    q->q != NULL ? q->q : "", (long long)l.total, (long long)total);
	cr_expect_str_eq(got, want, "q=%s", q->q != NULL ? q->q : "");
	model_reg_list_cleanup(&l);
}

BOTH(models_list, search_and_vietnamese_order)
{
	struct scene s;
	struct model_query q;
	struct kh_err err = KH_ERR_INIT;
	int64_t hh, clan;

	scene_init(&s, db);
	/* Registered out of order: numbers say Bình, Đức, Ánh, Dung, Hà. */
	reg(&s, MODEL_CITIZEN, person(&s, s.an_bien, 0, "Nguyễn Văn Bình"));
	reg(&s, MODEL_CITIZEN, person(&s, s.an_bien, 0, "Lê Văn Đức"));
	reg(&s, MODEL_CITIZEN, person(&s, s.an_bien, 0, "Trần Thị Ánh"));
	reg(&s, MODEL_CITIZEN, person(&s, s.an_bien, 0, "Phạm Thị Dung"));
	reg(&s, MODEL_CITIZEN, person(&s, s.dong_hai, 0, "Vũ Thu Hà"));
	cr_assert(db_query_int(db, "INSERT INTO households (unit_id, code,"
	    " valid_from, created_at, updated_at) VALUES ($1, 'HN-07',"
	    " '2025-01-01', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"
	    " RETURNING id", DB_ARGS(DB_INT(s.dong_hai)), &hh, &err) == 0);
	person(&s, s.dong_hai, hh, "Hoàng Văn Hải");
	reg(&s, MODEL_FAMILY, hh);
	cr_assert(db_query_int(db, "INSERT INTO clans (unit_id, name, branch,"
	    " valid_from, created_at, updated_at) VALUES ($1, 'Nguyễn Đình',"
	    " 'Chi 2', '2025-07-01', '2025-07-01T00:00:00Z',"
	    " '2025-07-01T00:00:00Z') RETURNING id", DB_ARGS(DB_INT(s.commune)),
	    &clan, &err) == 0);
	reg(&s, MODEL_CLAN, clan);
	reg(&s, MODEL_COMMUNITY, s.an_bien);

	/* Vietnamese order: the group "An Biên" before "Đông Hải" (its code
	 * is the later one), and by given name: Ánh before Bình (byte order
	 * would put "Á" after "B"), Dung before Đức. */
	memset(&q, 0, sizeof(q));
	q.model = MODEL_CITIZEN;
	q.year = 2025;
	q.order = MODELS_ORDER_NAME;
	expect(&s, &q, 5, "Trần Thị Ánh|Nguyễn Văn Bình|Phạm Thị Dung|"
	    "Lê Văn Đức|Vũ Thu Hà");
	/* Paging in SQL, the total counting every match. */
	q.limit = 2;
	q.offset = 2;
	expect(&s, &q, 5, "Phạm Thị Dung|Lê Văn Đức");
	/* The default order: unit code, then registration number. */
	q.order = MODELS_ORDER_CODE;
	q.limit = 0;
	q.offset = 0;
	expect(&s, &q, 5, "Vũ Thu Hà|Nguyễn Văn Bình|Lê Văn Đức|Trần Thị Ánh|"
	    "Phạm Thị Dung");

	/* Search without diacritics: every word begins a word of the name. */
	q.order = MODELS_ORDER_NAME;
	q.q = "van";
	expect(&s, &q, 2, "Nguyễn Văn Bình|Lê Văn Đức");
	q.q = "THI a";
	expect(&s, &q, 1, "Trần Thị Ánh");
	q.q = "duc";
	expect(&s, &q, 1, "Lê Văn Đức");
	q.q = "an";		/* not inside a word: "Văn", "Thanh" */
	expect(&s, &q, 1, "Trần Thị Ánh");
	q.q = "nguyen xyz";
	expect(&s, &q, 0, "");
	/* Every model: a clan by its name, a household by its head or its
	 * number, a village community by the group's name. */
	q.model = NULL;
	q.q = "nguyen";
	expect(&s, &q, 2, "Nguyễn Đình (Chi 2)|Nguyễn Văn Bình");
	q.q = "nguyen dinh";
	expect(&s, &q, 1, "Nguyễn Đình (Chi 2)");
	q.q = "hoang hai";
	expect(&s, &q, 1, "Hoàng Văn Hải");
	q.q = "hn";
	expect(&s, &q, 1, "Hoàng Văn Hải");
	q.q = "an bien";
	expect(&s, &q, 1, "Tổ dân phố An Biên");
	/* A clan search within another subtree finds nothing. */
	q.q = "dinh";
	q.unit_id = s.dong_hai;
	expect(&s, &q, 0, "");
}
