/*
 * scope.c - roles and the unit-scope rule (see auth.h).
 */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

const char *
auth_role_name(enum role r)
{
	switch (r) {
	case ROLE_VIEWER: return "viewer";
	case ROLE_OFFICER: return "officer";
	case ROLE_MANAGER: return "manager";
	case ROLE_ADMIN: return "admin";
	case ROLE_NONE: break;
	}
	return "";
}

enum role
auth_role_parse(const char *s)
{
	if (s == NULL)
		return ROLE_NONE;
	if (strcmp(s, "viewer") == 0)
		return ROLE_VIEWER;
	if (strcmp(s, "officer") == 0)
		return ROLE_OFFICER;
	if (strcmp(s, "manager") == 0)
		return ROLE_MANAGER;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	return ROLE_NONE;
}

int
auth_system_actor(struct db *db, struct actor *out, struct kh_err *err)
{
	int64_t id;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_query_int(db, "SELECT id FROM units WHERE code = 'VN'",
	    DB_NOARGS, &id, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail(err, KH_E_NOT_FOUND, N_("The administrative units"
		    " are not loaded yet: run khuyenhoc units import."), NULL);
	if (rc != 0)
		return rc;
	out->user_id = 0;
	snprintf(out->login, sizeof(out->login), "system");
	snprintf(out->full_name, sizeof(out->full_name), "system");
	out->role = ROLE_ADMIN;
	out->unit_id = id;
	snprintf(out->unit_code, sizeof(out->unit_code), "VN");
	snprintf(out->unit_name, sizeof(out->unit_name), "Việt Nam");
	snprintf(out->lang, sizeof(out->lang), "vi");
	return 0;
}

int
auth_can_read(struct db *db, const struct actor *a, int64_t unit_id,
    struct kh_err *err)
{
	static const char sql[] =
	    "SELECT count(*) FROM units u WHERE u.id = $1 AND "
	    AUTH_IN_SCOPE("u.id", "$2");
	int64_t n = 0;
	int rc;

	if (a == NULL || a->role == ROLE_NONE)
		return kh_fail(err, KH_E_AUTH, NULL, NULL);
	rc = db_query_int(db, sql, DB_ARGS(DB_INT(unit_id), DB_INT(a->unit_id)),
	    &n, err);
	if (rc != 0)
		return rc;
	if (n == 0)
		return kh_fail(err, KH_E_FORBIDDEN,
		    N_("This unit is outside your scope."), NULL);
	return 0;
}

int
auth_need_role(const struct actor *a, enum role r, struct kh_err *err)
{
	if (a == NULL || a->role == ROLE_NONE)
		return kh_fail(err, KH_E_AUTH, NULL, NULL);
	if (a->role < r)
		return kh_fail(err, KH_E_FORBIDDEN,
		    N_("Your role does not allow this."), NULL);
	return 0;
}

int
auth_can_write(struct db *db, const struct actor *a, int64_t unit_id,
    struct kh_err *err)
{
	int rc = auth_need_role(a, ROLE_OFFICER, err);

	return rc != 0 ? rc : auth_can_read(db, a, unit_id, err);
}
