/*
 * Accounts, roles, scopes, logins, sessions and tokens on a database with
 * the real administrative units.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/users.h"
#include "units/units.h"
#include "../testdb.h"

#define PW "mat-khau-tot-1"

static void
add(struct db *db, const struct actor *by, const char *login, const char *role,
    const char *unit, int expect)
{
	struct kh_err err = KH_ERR_INIT;
	struct user_input in = {login, "Nguyễn Văn Thử", role, unit, PW};
	int rc = users_create(db, by, &in, NULL, &err);

	cr_assert_eq(rc, expect, "create %s %s %s: got %d (%s %s)", login, role,
	    unit, rc, err.msg ? err.msg : "", err.detail);
}

static void
login_as(struct db *db, const char *login, struct actor *a)
{
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN], csrf[AUTH_CSRF_LEN];

	cr_assert(auth_login(db, login, PW, "127.0.0.1", token, csrf, a, &err) == 0,
	    "login %s: %s", login, err.detail);
}

Test(users, roles_and_scopes_bound_who_may_create_accounts)
{
	struct db *db = testdb_open_units();
	struct actor sys, mgr;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "admin.hp", "admin", "31", 0);
	add(db, &sys, "ql.lechan", "manager", "11383", 0);
	login_as(db, "ql.lechan", &mgr);
	cr_assert_eq(mgr.role, ROLE_MANAGER);
	cr_assert_str_eq(mgr.unit_code, "11383");
	/* Below their role and inside their commune: allowed. */
	add(db, &mgr, "cb.lechan", "officer", "11383", 0);
	/* A role above their own. */
	add(db, &mgr, "boss", "admin", "11383", KH_E_FORBIDDEN);
	/* Another commune. */
	add(db, &mgr, "cb.hongbang", "officer", "11311", KH_E_FORBIDDEN);
	/* Bad input, one by one. */
	add(db, &mgr, "Có Dấu", "officer", "11383", KH_E_INVALID);
	add(db, &mgr, "ab", "officer", "11383", KH_E_INVALID);
	add(db, &mgr, "cb2", "chief", "11383", KH_E_INVALID);
	add(db, &mgr, "cb3", "officer", "99999", KH_E_NOT_FOUND);
	add(db, &mgr, "cb.lechan", "officer", "11383", KH_E_CONFLICT);
	{
		struct kh_err err = KH_ERR_INIT;
		struct user_input in = {"cb4", "Tên", "officer", "11383", "short"};

		cr_assert_eq(users_create(db, &mgr, &in, NULL, &err), KH_E_INVALID);
		cr_assert_str_eq(err.field, "password");
	}
	/* An officer cannot create accounts at all. */
	{
		struct actor off;

		login_as(db, "cb.lechan", &off);
		add(db, &off, "cb5", "viewer", "11383", KH_E_FORBIDDEN);
	}
	db_close(db);
}

Test(users, list_shows_only_accounts_in_scope)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct user_list l = {0};
	struct actor sys, mgr;
	size_t i;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "ql.lechan", "manager", "11383", 0);
	add(db, &sys, "cb.lechan", "officer", "11383", 0);
	add(db, &sys, "cb.hongbang", "officer", "11311", 0);
	add(db, &sys, "admin.hp", "admin", "31", 0);
	login_as(db, "ql.lechan", &mgr);
	cr_assert(users_list(db, &mgr, &l, &err) == 0);
	cr_assert_eq(l.n, 2);
	for (i = 0; i < l.n; i++)
		cr_assert_str_eq(l.items[i].unit_code, "11383");
	user_list_cleanup(&l);
	cr_assert(users_list(db, &sys, &l, &err) == 0);
	cr_assert_eq(l.n, 4);
	user_list_cleanup(&l);
	db_close(db);
}

Test(users, login_session_logout)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN], csrf[AUTH_CSRF_LEN], csrf2[AUTH_CSRF_LEN];
	struct actor sys, a, b;
	char *stored;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "cb.lechan", "officer", "11383", 0);
	cr_assert(auth_login(db, "cb.lechan", PW, "10.0.0.1", token, csrf, &a, &err) == 0);
	cr_assert_eq(strlen(token), 43);
	/* Only a hash of the token is stored. */
	cr_assert(db_query_text(db, "SELECT token_hash FROM sessions", DB_NOARGS,
	    &stored, &err) == 0);
	cr_assert_str_neq(stored, token);
	cr_assert_eq(strlen(stored), 64);
	free(stored);
	cr_assert(auth_session(db, token, &b, csrf2, &err) == 0);
	cr_assert_str_eq(b.login, "cb.lechan");
	cr_assert_str_eq(csrf, csrf2);
	cr_assert(auth_logout(db, token, &err) == 0);
	cr_assert_eq(auth_session(db, token, &b, csrf2, &err), KH_E_AUTH);
	cr_assert_eq(auth_session(db, "forged", &b, csrf2, &err), KH_E_AUTH);
	db_close(db);
}

Test(users, failed_logins_are_limited)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN], csrf[AUTH_CSRF_LEN];
	struct actor sys, a;
	int i;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "cb.lechan", "officer", "11383", 0);
	cr_assert_eq(auth_login(db, "nobody", PW, "10.0.0.2", token, csrf, &a, &err),
	    KH_E_AUTH);
	for (i = 0; i < AUTH_LIMIT_PER_LOGIN; i++)
		cr_assert_eq(auth_login(db, "cb.lechan", "wrong-password", "10.0.0.2",
		    token, csrf, &a, &err), KH_E_AUTH);
	/* Now even the right password is refused for a while. */
	cr_assert_eq(auth_login(db, "cb.lechan", PW, "10.0.0.2", token, csrf, &a,
	    &err), KH_E_LIMIT);
	db_close(db);
}

Test(users, api_tokens_identify_their_user)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN];
	struct actor sys, a, off;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "cb.lechan", "officer", "11383", 0);
	add(db, &sys, "cb.hongbang", "officer", "11311", 0);
	cr_assert(auth_token_create(db, &sys, "cb.lechan", "script", token, &err) == 0);
	cr_assert(auth_token_actor(db, token, &a, &err) == 0);
	cr_assert_str_eq(a.login, "cb.lechan");
	cr_assert_eq(auth_token_actor(db, "x", &a, &err), KH_E_AUTH);
	/* An officer cannot mint a token for someone else. */
	login_as(db, "cb.lechan", &off);
	cr_assert_neq(auth_token_create(db, &off, "cb.hongbang", "", token, &err), 0);
	/* ... but can for themself. */
	cr_assert(auth_token_create(db, &off, "cb.lechan", "", token, &err) == 0);
	db_close(db);
}

Test(users, password_change_ends_sessions_and_is_audited)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN], csrf[AUTH_CSRF_LEN];
	struct audit_filter f = {0};
	struct audit_list l = {0};
	struct actor sys, a;
	size_t i;
	bool seen = false;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "cb.lechan", "officer", "11383", 0);
	cr_assert(auth_login(db, "cb.lechan", PW, "", token, csrf, &a, &err) == 0);
	cr_assert(users_set_password(db, &a, "cb.lechan", "mat-khau-moi-2", &err) == 0);
	cr_assert_eq(auth_session(db, token, &a, csrf, &err), KH_E_AUTH);
	cr_assert(audit_list(db, &sys, &f, &l, &err) == 0);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.items[i].action, "password") == 0 &&
		    strcmp(l.items[i].entity_id, "cb.lechan") == 0)
			seen = true;
	cr_assert(seen);
	audit_list_cleanup(&l);
	db_close(db);
}

Test(users, scope_covers_predecessors_but_not_neighbours)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct actor sys, off;

	cr_assert(auth_system_actor(db, &sys, NULL) == 0);
	add(db, &sys, "cb.lechan", "officer", "11383", 0);
	login_as(db, "cb.lechan", &off);
	/* Old Phường Hàng Kênh (11395) went whole into the new Phường Lê Chân. */
	cr_assert(units_find(db, &off, "11395", "2025-06-30", &u, &err) == 0,
	    "%s", err.msg ? err.msg : "");
	unit_cleanup(&u);
	/* The new Phường Hồng Bàng is another commune. */
	cr_assert_eq(units_find(db, &off, "11311", NULL, &u, &err), KH_E_FORBIDDEN);
	/* Neither is the city. */
	cr_assert_eq(units_find(db, &off, "31", NULL, &u, &err), KH_E_FORBIDDEN);
	db_close(db);
}
