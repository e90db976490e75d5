/*
 * users.h - accounts, passwords, sessions and API tokens.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str, 64 MiB per
 * hash); at most two hashes run at once so a burst of logins cannot exhaust
 * memory, and failed logins are limited per login and per address.
 * Session cookies and API tokens are 256-bit random values; only their
 * BLAKE2b hash is stored, so a copy of the database yields no usable token.
 */
#ifndef KH_AUTH_USERS_H
#define KH_AUTH_USERS_H

#include <stdint.h>

#include "auth/auth.h"

#define AUTH_TOKEN_LEN 64	/* printable token, NUL included: 43 chars */
#define AUTH_CSRF_LEN 64
#define AUTH_SESSION_SECONDS (12 * 3600)
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 256
/* Failed logins allowed in AUTH_LIMIT_WINDOW seconds, per login / per IP. */
#define AUTH_LIMIT_WINDOW (15 * 60)
#define AUTH_LIMIT_PER_LOGIN 5
#define AUTH_LIMIT_PER_IP 30

struct user {
	int64_t id;
	char *login;
	char *full_name;
	enum role role;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	int active;
	char *created_at;
};

struct user_list {
	struct user *items;
	size_t n, cap;
};

struct user_input {
	const char *login;	/* 3-64 of a-z 0-9 . _ - */
	const char *full_name;	/* required */
	const char *role;	/* admin, manager, officer, viewer */
	const char *unit_code;	/* scope unit, today's unit with that code */
	const char *password;	/* AUTH_PASSWORD_MIN..MAX bytes */
};

void user_cleanup(struct user *u);
void user_list_cleanup(struct user_list *l);

/*
 * Create an account. The actor needs role manager or above, the new role may
 * not exceed the actor's, and the scope unit must lie in the actor's scope.
 * Audited. *id_out (may be NULL) receives the new id.
 */
int users_create(struct db *db, const struct actor *a,
    const struct user_input *in, int64_t *id_out, struct kh_err *err);

/* Accounts whose scope unit lies in the actor's scope, by login. */
int users_list(struct db *db, const struct actor *a, struct user_list *out,
    struct kh_err *err);

/* Set a password: one's own, or (manager and above) an account in scope. */
int users_set_password(struct db *db, const struct actor *a,
    const char *login, const char *password, struct kh_err *err);

/*
 * Check credentials and open a session. On success token receives the cookie
 * value, csrf the session's CSRF token and *out the actor. Failed attempts
 * are counted; over the limit the answer is KH_E_LIMIT whatever the password.
 */
int auth_login(struct db *db, const char *login, const char *password,
    const char *ip, char token[AUTH_TOKEN_LEN], char csrf[AUTH_CSRF_LEN],
    struct actor *out, struct kh_err *err);

/* The actor of a live session, and its CSRF token. KH_E_AUTH otherwise. */
int auth_session(struct db *db, const char *token, struct actor *out,
    char csrf[AUTH_CSRF_LEN], struct kh_err *err);

/* End a session (no error when it does not exist). */
int auth_logout(struct db *db, const char *token, struct kh_err *err);

/*
 * Create an API token for `login` (the actor must be that user, or a manager
 * or above with the user in scope). token receives the value, shown once.
 */
int auth_token_create(struct db *db, const struct actor *a, const char *login,
    const char *name, char token[AUTH_TOKEN_LEN], struct kh_err *err);

/* The actor of a valid API token. KH_E_AUTH otherwise. */
int auth_token_actor(struct db *db, const char *token, struct actor *out,
    struct kh_err *err);

/* Constant-time comparison of two NUL-terminated secrets. */
int auth_secret_equal(const char *a, const char *b);

#endif
