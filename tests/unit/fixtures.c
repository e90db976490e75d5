/*
 * fixtures.c - the setup the unit tests share (see fixtures.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "units/units.h"
#include "fixtures.h"

int64_t
fx_unit(struct db *db, const struct actor *a, const char *code, const char *on)
{
	struct unit u = UNIT_INIT;
	struct kh_err err = KH_ERR_INIT;
	int64_t id;

	cr_assert(units_find(db, a, code, on, &u, &err) == 0, "unit %s on %s",
	    code, on != NULL ? on : "today");
	id = u.id;
	unit_cleanup(&u);
	return id;
}

int64_t
fx_village(struct db *db, const struct actor *a, int64_t parent,
    const char *code, const char *name)
{
	struct unit_input in = {code, name != NULL ? name : code, "village",
	    "2025-07-01", NULL, "", ""};
	struct unit u = UNIT_INIT;
	struct kh_err err = KH_ERR_INIT;
	int64_t id;

	cr_assert(units_create_org(db, a, parent, &in, &u, &err) == 0,
	    "village %s: %s", code, err.detail);
	id = u.id;
	unit_cleanup(&u);
	return id;
}

void
fx_two_groups(struct db *db, const struct actor *a, int64_t commune,
    const char *code, int64_t *v1, int64_t *v2)
{
	char c1[64], c2[64];

	snprintf(c1, sizeof(c1), "%s-T01", code);
	snprintf(c2, sizeof(c2), "%s-T02", code);
	*v1 = fx_village(db, a, commune, c1, "Tổ dân phố số 1");
	*v2 = fx_village(db, a, commune, c2, "Tổ dân phố số 2");
}

void
fx_actor(struct actor *a, const char *login, enum role role, int64_t unit)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->full_name, sizeof(a->full_name), "Người Thử");
	snprintf(a->lang, sizeof(a->lang), "en");
	a->role = role;
	a->unit_id = unit;
}

void
fx_user(struct db *db, const char *login, const char *role, const char *unit,
    struct actor *out)
{
	struct actor sys;
	struct kh_err err = KH_ERR_INIT;
	struct user_input in = {login, "Người Thử", role, unit, "mat-khau-tot-1"};
	char token[AUTH_TOKEN_LEN], csrf[AUTH_CSRF_LEN];

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(users_create(db, &sys, &in, NULL, &err) == 0, "%s", err.detail);
	cr_assert(auth_login(db, login, "mat-khau-tot-1", "", token, csrf, out,
	    &err) == 0);
}

int64_t
fx_household(struct db *db, int64_t unit, const char *code, const char *head)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t id, pid;

	cr_assert(db_query_int(db, "INSERT INTO households (unit_id, code,"
	    " valid_from, created_at, updated_at) VALUES ($1, $2, '2025-01-01',"
	    " '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z') RETURNING id",
	    DB_ARGS(DB_INT(unit), DB_TEXT(code)), &id, &err) == 0, "%s",
	    err.detail);
	if (head != NULL)
		cr_assert(db_query_int(db, "INSERT INTO people (unit_id,"
		    " household_id, relation, is_head, full_name, name_key, sort_key,"
		    " valid_from, created_at, updated_at) VALUES ($1, $2, 'Chủ hộ', 1,"
		    " $3, $3, $4, '2025-01-01', '2025-01-01T00:00:00Z',"
		    " '2025-01-01T00:00:00Z') RETURNING id",
		    DB_ARGS(DB_INT(unit), DB_INT(id), DB_TEXT(head),
		    DB_BLOB("k", 1)), &pid, &err) == 0, "%s", err.detail);
	return id;
}

int64_t
fx_person(struct db *db, int64_t unit, const char *name, int group)
{
	struct kh_err err = KH_ERR_INIT;
	int64_t id;

	cr_assert(db_query_int(db, "INSERT INTO people (unit_id, full_name,"
	    " name_key, sort_key, subject_group, valid_from, created_at,"
	    " updated_at) VALUES ($1, $2, $2, $3, $4, '2025-01-01',"
	    " '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z') RETURNING id",
	    DB_ARGS(DB_INT(unit), DB_TEXT(name), DB_BLOB("k", 1),
	    group > 0 ? DB_INT(group) : DB_NULL), &id, &err) == 0, "%s",
	    err.detail);
	return id;
}

int
fx_models_begin(struct db *db, const char *today, struct actor *sys)
{
	struct criteria_load_stats st;
	struct kh_err err = KH_ERR_INIT;

	setenv("KHUYENHOC_TODAY", today, 1);
	cr_assert(auth_system_actor(db, sys, &err) == 0);
	cr_assert(models_criteria_load(db, sys, "data/criteria", &st, &err) == 0,
	    "load: %s %s %s", err.msg ? err.msg : "", err.arg, err.detail);
	return st.loaded;
}

const struct model_answer FAMILY_FULL[12] = {
	{.code = "A1.1", .value_x100 = 1000}, {.code = "A1.2", .value_x100 = 1000},
	{.code = "A1.3", .value_x100 = 1000}, {.code = "A2.1", .value_x100 = 1000},
	{.code = "A2.2", .value_x100 = 1000}, {.code = "A2.3", .value_x100 = 1000},
	{.code = "A3.1", .value_x100 = 500}, {.code = "A3.2", .value_x100 = 500},
	{.code = "A3.3", .value_x100 = 500}, {.code = "A3.4", .value_x100 = 500},
	{.code = "A4.1", .value_x100 = 1000}, {.code = "A4.2", .value_x100 = 1000},
};

const struct model_answer CITIZEN_FULL[10] = {
	{.code = "N1.1", .value_x100 = 1000}, {.code = "N1.2", .value_x100 = 1000},
	{.code = "N1.3", .value_x100 = 1000}, {.code = "N1.4a", .value_x100 = 1000},
	{.code = "N2.1", .value_x100 = 1000}, {.code = "N2.2", .value_x100 = 1000},
	{.code = "N2.3", .value_x100 = 1000}, {.code = "N3.1", .value_x100 = 1000},
	{.code = "N3.2", .value_x100 = 1000}, {.code = "N3.3", .value_x100 = 1000},
};
