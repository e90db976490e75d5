/*
 * users.c - accounts, passwords, login limits, sessions and API tokens.
 */
#include "auth/users.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/log.h"
#include "core/vntext.h"
#include "units/units.h"

#include <ctype.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most two argon2id hashes (64 MiB each) at any time. */
static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void
hash_init(void)
{
	if (sodium_init() < 0) {
		log_error("libsodium cannot start");
		abort();
	}
	sem_init(&hash_slots, 0, 2);
}

static void
slot_take(void)
{
	pthread_once(&hash_once, hash_init);
	while (sem_wait(&hash_slots) != 0)
		;
}

static void
slot_give(void)
{
	sem_post(&hash_slots);
}

static int
hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	int rc;

	slot_take();
	rc = crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	slot_give();
	return rc;
}

static int
verify_password(const char *hash, const char *pw)
{
	int rc;

	slot_take();
	rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	slot_give();
	return rc;
}

/* 32 random bytes as unpadded base64url (43 characters). */
static void
random_token(char out[AUTH_TOKEN_LEN])
{
	unsigned char raw[32];

	pthread_once(&hash_once, hash_init);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, AUTH_TOKEN_LEN, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* Hex BLAKE2b-256 of a token: what the database stores. */
static void
token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
auth_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb || la == 0)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

void
user_cleanup(struct user *u)
{
	free(u->login);
	free(u->full_name);
	free(u->unit_code);
	free(u->unit_name);
	free(u->created_at);
	memset(u, 0, sizeof(*u));
}

void
user_list_cleanup(struct user_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		user_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static bool
login_valid(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n < 3 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static int
password_check(const char *pw, struct kh_err *err)
{
	size_t n = pw != NULL ? strlen(pw) : 0;

	if (n < AUTH_PASSWORD_MIN)
		return kh_fail_field(err, KH_E_INVALID, "password",
		    N_("The password must have at least 8 characters."), NULL);
	if (n > AUTH_PASSWORD_MAX)
		return kh_fail_field(err, KH_E_INVALID, "password",
		    N_("The password is too long."), NULL);
	return 0;
}

/* Fill an actor from a row: id, login, full_name, role, unit_id, unit code,
 * unit name, lang. */
static void
actor_from_row(struct db_stmt *st, struct actor *a)
{
	const char *t;

	memset(a, 0, sizeof(*a));
	a->user_id = db_col_int(st, 0);
	snprintf(a->login, sizeof(a->login), "%s", db_col_text(st, 1));
	snprintf(a->full_name, sizeof(a->full_name), "%s", db_col_text(st, 2));
	a->role = auth_role_parse(db_col_text(st, 3));
	a->unit_id = db_col_int(st, 4);
	snprintf(a->unit_code, sizeof(a->unit_code), "%s", db_col_text(st, 5));
	snprintf(a->unit_name, sizeof(a->unit_name), "%s", db_col_text(st, 6));
	t = db_col_text(st, 7);
	snprintf(a->lang, sizeof(a->lang), "%s", t != NULL ? t : "vi");
}

int
users_create(struct db *db, const struct actor *a, const struct user_input *in,
    int64_t *id_out, struct kh_err *err)
{
	struct unit u = UNIT_INIT;
	char hash[crypto_pwhash_STRBYTES], now[STAMP_LEN];
	char *name = NULL;
	enum role role = auth_role_parse(in->role);
	json_t *after = NULL;
	int64_t id = 0, n;
	int rc;

	rc = auth_need_role(a, ROLE_MANAGER, err);
	if (rc != 0)
		return rc;
	if (!login_valid(in->login))
		return kh_fail_field(err, KH_E_INVALID, "login",
		    N_("The login must have 3 to 64 characters: lower-case"
		    " letters without diacritics, digits, '.', '_' or '-'."), NULL);
	name = in->full_name != NULL ? vn_nfc(in->full_name, strlen(in->full_name)) : NULL;
	if (name == NULL || name[0] == '\0' || strlen(name) > 120) {
		free(name);
		return kh_fail_field(err, KH_E_INVALID, "full_name",
		    N_("Enter the person's full name (at most 120 characters)."),
		    NULL);
	}
	if (role == ROLE_NONE) {
		rc = kh_fail_field(err, KH_E_INVALID, "role",
		    N_("Choose a role: administrator, manager, officer or viewer."),
		    NULL);
		goto out;
	}
	if (role > a->role) {
		rc = kh_fail_field(err, KH_E_FORBIDDEN, "role",
		    N_("You cannot give a role above your own."), NULL);
		goto out;
	}
	rc = password_check(in->password, err);
	if (rc != 0)
		goto out;
	if (in->unit_code == NULL || in->unit_code[0] == '\0') {
		rc = kh_fail_field(err, KH_E_INVALID, "unit",
		    N_("Choose the unit the account works for."), NULL);
		goto out;
	}
	rc = units_find(db, a, in->unit_code, NULL, &u, err);
	if (rc != 0) {
		snprintf(err->field, sizeof(err->field), "unit");
		goto out;
	}
	if (hash_password(in->password, hash) != 0) {
		rc = kh_fail(err, KH_E_IO, NULL, NULL);
		goto out;
	}
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, "SELECT count(*) FROM users WHERE login = $1",
	    DB_ARGS(DB_TEXT(in->login)), &n, err);
	if (rc == 0 && n > 0)
		rc = kh_fail_field(err, KH_E_CONFLICT, "login",
		    N_("The login %s is already taken."), in->login);
	if (rc == 0)
		rc = db_query_int(db,
		    "INSERT INTO users (login, full_name, role, unit_id, pw_hash,"
		    " active, lang, created_at, updated_at)"
		    " VALUES ($1, $2, $3, $4, $5, 1, 'vi', $6, $6) RETURNING id",
		    DB_ARGS(DB_TEXT(in->login), DB_TEXT(name),
		    DB_TEXT(auth_role_name(role)), DB_INT(u.id), DB_TEXT(hash),
		    DB_TEXT(now)), &id, err);
	if (rc == 0) {
		after = json_pack("{s:s, s:s, s:s, s:s}", "login", in->login,
		    "full_name", name, "role", auth_role_name(role), "unit",
		    u.code);
		rc = audit_record(db, a, u.id, "create", "user", in->login,
		    NULL, after, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
out:
	sodium_memzero(hash, sizeof(hash));
	json_decref(after);
	unit_cleanup(&u);
	free(name);
	return rc;
}

int
users_list(struct db *db, const struct actor *a, struct user_list *out,
    struct kh_err *err)
{
	static const char sql[] =
	    "SELECT us.id, us.login, us.full_name, us.role, us.unit_id, u.code,"
	    " u.name, us.active, us.created_at"
	    " FROM users us JOIN units u ON u.id = us.unit_id"
	    " WHERE " AUTH_IN_SCOPE("us.unit_id", "$1") " ORDER BY us.login";
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_VIEWER, err);
	if (rc != 0)
		return rc;
	rc = db_prepare(db, sql, DB_ARGS(DB_INT(a->unit_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct user *u;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->items = xrealloc(out->items, out->cap * sizeof(*u));
		}
		u = &out->items[out->n++];
		u->id = db_col_int(st, 0);
		u->login = db_col_strdup(st, 1, true);
		u->full_name = db_col_strdup(st, 2, true);
		u->role = auth_role_parse(db_col_text(st, 3));
		u->unit_id = db_col_int(st, 4);
		u->unit_code = db_col_strdup(st, 5, true);
		u->unit_name = db_col_strdup(st, 6, true);
		u->active = (int)db_col_int(st, 7);
		u->created_at = db_col_strdup(st, 8, true);
	}
	db_finalize(st);
	if (rc < 0)
		user_list_cleanup(out);
	return rc < 0 ? rc : 0;
}

/* The account named login, if the actor may manage it. */
static int
managed_user(struct db *db, const struct actor *a, const char *login,
    struct actor *target, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db, "SELECT us.id, us.login, us.full_name, us.role,"
	    " us.unit_id, u.code, u.name, us.lang FROM users us"
	    " JOIN units u ON u.id = us.unit_id WHERE us.login = $1",
	    DB_ARGS(DB_TEXT(login)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		actor_from_row(st, target);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No account has the login %s."),
		    login);
	db_finalize(st);
	if (rc != 0)
		return rc;
	if (a->user_id != 0 && a->user_id == target->user_id)
		return 0;
	rc = auth_need_role(a, ROLE_MANAGER, err);
	if (rc == 0 && target->role > a->role)
		rc = kh_fail(err, KH_E_FORBIDDEN,
		    N_("Your role does not allow this."), NULL);
	if (rc == 0) {
		rc = auth_can_read(db, a, target->unit_id, err);
		if (rc == KH_E_FORBIDDEN)
			rc = kh_fail(err, KH_E_NOT_FOUND,
			    N_("No account has the login %s."), login);
	}
	return rc;
}

int
users_set_password(struct db *db, const struct actor *a, const char *login,
    const char *password, struct kh_err *err)
{
	char hash[crypto_pwhash_STRBYTES], now[STAMP_LEN];
	struct actor target;
	int rc;

	rc = managed_user(db, a, login, &target, err);
	if (rc == 0)
		rc = password_check(password, err);
	if (rc != 0)
		return rc;
	if (hash_password(password, hash) != 0)
		return kh_fail(err, KH_E_IO, NULL, NULL);
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_exec_args(db, "UPDATE users SET pw_hash = $1, updated_at = $2"
	    " WHERE id = $3", DB_ARGS(DB_TEXT(hash), DB_TEXT(now),
	    DB_INT(target.user_id)), NULL, err);
	/* Other sessions of that account end with the old password. */
	if (rc == 0)
		rc = db_exec_args(db, "DELETE FROM sessions WHERE user_id = $1",
		    DB_ARGS(DB_INT(target.user_id)), NULL, err);
	if (rc == 0)
		rc = audit_record(db, a, target.unit_id, "password", "user",
		    login, NULL, NULL, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* A valid hash of a random password, so unknown logins take as long. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char pw[AUTH_TOKEN_LEN];

	random_token(pw);
	if (hash_password(pw, dummy) != 0)
		dummy[0] = '\0';
}

static int
record_attempt(struct db *db, const char *login, const char *ip, int ok,
    struct kh_err *err)
{
	char now[STAMP_LEN];

	stamp_now(now);
	return db_exec_args(db, "INSERT INTO login_attempts (login, ip, at, ok)"
	    " VALUES ($1, $2, $3, $4)", DB_ARGS(DB_TEXT(login), DB_TEXT(ip),
	    DB_TEXT(now), DB_INT(ok)), NULL, err);
}

static int
over_limit(struct db *db, const char *login, const char *ip, bool *over,
    struct kh_err *err)
{
	char since[STAMP_LEN];
	int64_t by_login = 0, by_ip = 0;
	int rc;

	stamp_after(-AUTH_LIMIT_WINDOW, since);
	rc = db_query_int(db, "SELECT count(*) FROM login_attempts"
	    " WHERE login = $1 AND ok = 0 AND at >= $2",
	    DB_ARGS(DB_TEXT(login), DB_TEXT(since)), &by_login, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM login_attempts"
		    " WHERE ip = $1 AND ok = 0 AND at >= $2",
		    DB_ARGS(DB_TEXT(ip), DB_TEXT(since)), &by_ip, err);
	*over = by_login >= AUTH_LIMIT_PER_LOGIN || by_ip >= AUTH_LIMIT_PER_IP;
	return rc;
}

int
auth_login(struct db *db, const char *login, const char *password,
    const char *ip, char token[AUTH_TOKEN_LEN], char csrf[AUTH_CSRF_LEN],
    struct actor *out, struct kh_err *err)
{
	char hash[crypto_pwhash_STRBYTES] = "", th[65], now[STAMP_LEN];
	char expires[STAMP_LEN];
	struct db_stmt *st;
	bool over = false, found = false, ok;
	int active = 0, rc;

	if (login == NULL || password == NULL || login[0] == '\0')
		return kh_fail(err, KH_E_AUTH,
		    N_("Enter your login and password."), NULL);
	if (ip == NULL)
		ip = "";
	rc = over_limit(db, login, ip, &over, err);
	if (rc != 0)
		return rc;
	if (over)
		return kh_fail(err, KH_E_LIMIT, N_("Too many failed logins."
		    " Please wait 15 minutes and try again."), NULL);
	rc = db_prepare(db, "SELECT us.id, us.login, us.full_name, us.role,"
	    " us.unit_id, u.code, u.name, us.lang, us.pw_hash, us.active"
	    " FROM users us JOIN units u ON u.id = us.unit_id WHERE us.login = $1",
	    DB_ARGS(DB_TEXT(login)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		actor_from_row(st, out);
		snprintf(hash, sizeof(hash), "%s", db_col_text(st, 8));
		active = (int)db_col_int(st, 9);
		found = true;
		rc = 0;
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	if (!found) {
		pthread_once(&dummy_once, dummy_init);
		verify_password(dummy, password);
		ok = false;
	} else
		ok = verify_password(hash, password) == 0 && active;
	rc = record_attempt(db, login, ip, ok, err);
	if (rc != 0)
		return rc;
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return kh_fail(err, KH_E_AUTH,
		    N_("The login or the password is not correct."), NULL);
	}
	random_token(token);
	random_token(csrf);
	token_hash(token, th);
	stamp_now(now);
	stamp_after(AUTH_SESSION_SECONDS, expires);
	rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	/* Expired sessions of everyone are cleared on each login. */
	rc = db_exec_args(db, "DELETE FROM sessions WHERE expires_at < $1",
	    DB_ARGS(DB_TEXT(now)), NULL, err);
	if (rc == 0)
		rc = db_exec_args(db, "INSERT INTO sessions (token_hash, user_id,"
		    " csrf, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6)",
		    DB_ARGS(DB_TEXT(th), DB_INT(out->user_id), DB_TEXT(csrf),
		    DB_TEXT(now), DB_TEXT(expires), DB_TEXT(ip)), NULL, err);
	if (rc == 0) {
		snprintf(out->ip, sizeof(out->ip), "%s", ip);
		rc = audit_record(db, out, out->unit_id, "login", "session",
		    out->login, NULL, NULL, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int
auth_session(struct db *db, const char *token, struct actor *out,
    char csrf[AUTH_CSRF_LEN], struct kh_err *err)
{
	char th[65], now[STAMP_LEN];
	struct db_stmt *st;
	int rc;

	if (token == NULL || strlen(token) != 43)
		return kh_fail(err, KH_E_AUTH, NULL, NULL);
	token_hash(token, th);
	stamp_now(now);
	rc = db_prepare(db, "SELECT us.id, us.login, us.full_name, us.role,"
	    " us.unit_id, u.code, u.name, us.lang, s.csrf FROM sessions s"
	    " JOIN users us ON us.id = s.user_id JOIN units u ON u.id = us.unit_id"
	    " WHERE s.token_hash = $1 AND s.expires_at > $2 AND us.active = 1",
	    DB_ARGS(DB_TEXT(th), DB_TEXT(now)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		actor_from_row(st, out);
		snprintf(csrf, AUTH_CSRF_LEN, "%s", db_col_text(st, 8));
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_AUTH, NULL, NULL);
	db_finalize(st);
	return rc;
}

int
auth_logout(struct db *db, const char *token, struct kh_err *err)
{
	char th[65];

	if (token == NULL || token[0] == '\0')
		return 0;
	token_hash(token, th);
	return db_exec_args(db, "DELETE FROM sessions WHERE token_hash = $1",
	    DB_ARGS(DB_TEXT(th)), NULL, err);
}

int
auth_token_create(struct db *db, const struct actor *a, const char *login,
    const char *name, char token[AUTH_TOKEN_LEN], struct kh_err *err)
{
	char th[65], now[STAMP_LEN];
	struct actor target;
	int rc;

	rc = managed_user(db, a, login, &target, err);
	if (rc != 0)
		return rc;
	random_token(token);
	token_hash(token, th);
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = db_exec_args(db, "INSERT INTO api_tokens (user_id, token_hash, name,"
	    " created_at) VALUES ($1, $2, $3, $4)", DB_ARGS(DB_INT(target.user_id),
	    DB_TEXT(th), DB_TEXT(name != NULL ? name : ""), DB_TEXT(now)), NULL,
	    err);
	if (rc == 0)
		rc = audit_record(db, a, target.unit_id, "create", "token", login,
		    NULL, NULL, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

int
auth_token_actor(struct db *db, const char *token, struct actor *out,
    struct kh_err *err)
{
	char th[65];
	struct db_stmt *st;
	int rc;

	if (token == NULL || strlen(token) != 43)
		return kh_fail(err, KH_E_AUTH, N_("The API token is not valid."),
		    NULL);
	token_hash(token, th);
	rc = db_prepare(db, "SELECT us.id, us.login, us.full_name, us.role,"
	    " us.unit_id, u.code, u.name, us.lang FROM api_tokens t"
	    " JOIN users us ON us.id = t.user_id JOIN units u ON u.id = us.unit_id"
	    " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND us.active = 1",
	    DB_ARGS(DB_TEXT(th)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		actor_from_row(st, out);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_AUTH, N_("The API token is not valid."),
		    NULL);
	db_finalize(st);
	return rc;
}
