/*
 * Households as lists and clans: creation, members limited to the clan's
 * commune, Vietnamese order, scope.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/users.h"
#include "people/people.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

/* A head of household in a new household; returns the household's id. */
static int64_t
add_household(struct db *db, const struct actor *a, int64_t unit,
    const char *code, const char *head, int64_t *person)
{
	struct person_input in;
	struct person p;
	struct kh_err err = KH_ERR_INIT;
	int64_t id, hh;

	memset(&in, 0, sizeof(in));
	in.full_name = head;
	in.household_code = code;
	in.relation = "Chủ hộ";
	in.is_head = 1;
	cr_assert(people_create(db, a, unit, &in, &id, &err) == 0, "%s", err.detail);
	cr_assert(people_get(db, a, id, &p, &err) == 0);
	hh = p.household_id;
	person_cleanup(&p);
	if (person != NULL)
		*person = id;
	return hh;
}

static void
households_list(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct household_list l;
	struct actor off;
	int64_t v;

	fx_user(db, "cb.lechan", "officer", "11383", &off);
	v = fx_village(db, &off, fx_unit(db, &off, "11383", NULL), "11383-T05",
	    NULL);
	add_household(db, &off, v, "10", "Trần Văn Bình", NULL);
	add_household(db, &off, v, "2", "Nguyễn Thị Ánh", NULL);
	add_household(db, &off, v, "H01", "Lê Văn Đức", NULL);
	cr_assert(people_households(db, &off, fx_unit(db, &off, "11383", NULL),
	    NULL, 0, 0, &l, &err) == 0);
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.total, 3);
	cr_assert_str_eq(l.items[0].code, "2");
	cr_assert_str_eq(l.items[1].code, "10");
	cr_assert_str_eq(l.items[2].code, "H01");
	cr_assert_str_eq(l.items[0].head_name, "Nguyễn Thị Ánh");
	cr_assert_eq(l.items[0].members, 1);
	household_list_cleanup(&l);
	cr_assert(people_households(db, &off, v, "le duc", 0, 0, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].code, "H01");
	household_list_cleanup(&l);
	cr_assert(people_households(db, &off, v, "10", 0, 0, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	household_list_cleanup(&l);
	db_close(db);
}

static void
clan_members(struct db *db)
{
	struct kh_err err = KH_ERR_INIT;
	struct household_list l;
	struct clan_list cl;
	struct clan c;
	struct actor sys, off, other;
	int64_t v, w, h1, h2, hx, head, clan, clan2, id;

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	fx_user(db, "cb.lechan", "officer", "11383", &off);
	fx_user(db, "cb.hongbang", "officer", "11311", &other);
	v = fx_village(db, &off, fx_unit(db, &off, "11383", NULL), "11383-T05",
	    NULL);
	w = fx_village(db, &sys, fx_unit(db, &sys, "11311", NULL), "11311-T01",
	    NULL);
	h1 = add_household(db, &off, v, "1", "Nguyễn Văn Hùng", &head);
	h2 = add_household(db, &off, v, "2", "Nguyễn Thị Lan", NULL);
	hx = add_household(db, &sys, w, "1", "Nguyễn Văn Xa", NULL);

	cr_assert_eq(people_clan_create(db, &off, fx_unit(db, &off, "11383",
	    NULL), "  ", "", 0, &id, &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "name");
	cr_assert(people_clan_create(db, &off, fx_unit(db, &off, "11383", NULL),
	    "Họ Nguyễn", "Chi 2", head, &clan, &err) == 0, "%s", err.detail);
	cr_assert_eq(people_clan_create(db, &off, fx_unit(db, &off, "11383",
	    NULL), "Họ Nguyễn", "Chi 2", 0, &id, &err), KH_E_CONFLICT);
	cr_assert(people_clan_create(db, &off, v, "Họ Đào", "", 0, &clan2,
	    &err) == 0);
	/* Another commune's officer may not create one here, nor read it. */
	cr_assert_eq(people_clan_create(db, &other, v, "Họ Lê", "", 0, &id,
	    &err), KH_E_FORBIDDEN);
	cr_assert_eq(people_clan_get(db, &other, clan, &c, &err), KH_E_FORBIDDEN);

	{
		int64_t ok[] = {h1, h2}, bad[] = {h1, hx};

		/* A household of another commune refuses the whole change. */
		cr_assert_eq(people_clan_members(db, &off, clan, bad, 2, 1, &err),
		    KH_E_INVALID);
		cr_assert(people_clan_get(db, &off, clan, &c, &err) == 0);
		cr_assert_eq(c.households, 0);
		clan_cleanup(&c);
		cr_assert(people_clan_members(db, &off, clan, ok, 2, 1, &err) == 0);
		/* Adding again changes nothing. */
		cr_assert(people_clan_members(db, &off, clan, ok, 2, 1, &err) == 0);
		cr_assert(people_clan_get(db, &off, clan, &c, &err) == 0);
		cr_assert_eq(c.households, 2);
		cr_assert_str_eq(c.head_name, "Nguyễn Văn Hùng");
		cr_assert_str_eq(c.branch, "Chi 2");
		clan_cleanup(&c);
		cr_assert(people_clan_members(db, &off, clan, ok + 1, 1, 0, &err) == 0);
		cr_assert(people_clan_households(db, &off, clan, &l, &err) == 0);
		cr_assert_eq(l.n, 1);
		cr_assert_eq(l.items[0].id, h1);
		household_list_cleanup(&l);
	}
	/* Vietnamese order: "Họ Đào" comes before "Họ Nguyễn". */
	cr_assert(people_clans(db, &off, fx_unit(db, &off, "11383", NULL), &cl,
	    &err) == 0);
	cr_assert_eq(cl.n, 2);
	cr_assert_str_eq(cl.items[0].name, "Họ Đào");
	cr_assert_str_eq(cl.items[1].name, "Họ Nguyễn");
	clan_list_cleanup(&cl);
	cr_assert(people_clans(db, &sys, fx_unit(db, &sys, "11311", NULL), &cl,
	    &err) == 0);
	cr_assert_eq(cl.n, 0);
	clan_list_cleanup(&cl);
	db_close(db);
}

Test(clans, households_list_in_number_order_and_search_by_head)
{
	households_list(testdb_open_units());
}

Test(clans, households_list_on_postgresql)
{
	struct db *db = testdb_open_units_pg();

	if (db == NULL)
		cr_skip_test("no PostgreSQL");
	households_list(db);
}

Test(clans, a_clan_gathers_households_of_its_commune_only)
{
	clan_members(testdb_open_units());
}

Test(clans, clans_on_postgresql)
{
	struct db *db = testdb_open_units_pg();

	if (db == NULL)
		cr_skip_test("no PostgreSQL");
	clan_members(db);
}
