/*
 * auth.h - who is acting, and what they may see and change.
 *
 * Every domain call takes the acting user (struct actor). A user has a role
 * and a scope unit; they see and change only units in their scope:
 *   - the scope unit's subtree (closure table unit_tree), and
 *   - the subtrees of the units it succeeded on a restructuring (an officer
 *     of a new commune reads the history of the old communes merged into it;
 *     the city administrator of the new Hải Phòng browses the old districts).
 * Roles, from least to most: viewer (reads), officer (reads and records data
 * such as organisations), manager (also manages accounts below their own
 * role), admin (everything in scope, including other administrators).
 * The command line acts as the system actor: an operator with shell access
 * to the server is trusted with the whole database.
 */
#ifndef KH_AUTH_AUTH_H
#define KH_AUTH_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

enum role {
	ROLE_NONE = 0,
	ROLE_VIEWER = 1,
	ROLE_OFFICER = 2,
	ROLE_MANAGER = 3,
	ROLE_ADMIN = 4,
};

struct actor {
	int64_t user_id;	/* 0 for the system actor */
	char login[64];		/* "system" for the system actor */
	char full_name[128];
	enum role role;
	int64_t unit_id;	/* root of the scope */
	char unit_code[32];	/* its code, for display */
	char unit_name[160];	/* its name, for display */
	char lang[4];		/* "vi" or "en" */
	char ip[64];		/* client address, "" for the CLI */
};

/* The system actor, scoped to the whole country (unit code "VN"). */
int auth_system_actor(struct db *db, struct actor *out, struct kh_err *err);

const char *auth_role_name(enum role r);	/* "admin", ... */
enum role auth_role_parse(const char *s);	/* ROLE_NONE if unknown */

/*
 * SQL condition, true when the unit whose id is the SQL expression U lies in
 * the scope rooted at the unit whose id is the expression S. Both are SQL
 * fragments written in code (a column or a $n placeholder), never input:
 *     "... WHERE " AUTH_IN_SCOPE("u.id", "$2")
 */
#define AUTH_IN_SCOPE(U, S) \
	"EXISTS (SELECT 1 FROM unit_tree t_scope WHERE t_scope.descendant_id = " U \
	" AND (t_scope.ancestor_id = " S " OR t_scope.ancestor_id IN" \
	" (SELECT old_id FROM unit_succession WHERE new_id = " S ")))"

/* 0 when a may read unit_id, KH_E_FORBIDDEN (or KH_E_NOT_FOUND) otherwise. */
int auth_can_read(struct db *db, const struct actor *a, int64_t unit_id,
    struct kh_err *err);

/* 0 when a may record data in unit_id: in scope and role >= officer. */
int auth_can_write(struct db *db, const struct actor *a, int64_t unit_id,
    struct kh_err *err);

/* 0 when a has at least role r (scope not considered). */
int auth_need_role(const struct actor *a, enum role r, struct kh_err *err);

#endif
