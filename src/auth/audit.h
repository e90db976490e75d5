/*
 * audit.h - the append-only record of every write.
 *
 * Each domain operation that changes data calls audit_record() inside the
 * same transaction as the change, so a change and its record commit or roll
 * back together. before/after are JSON objects of the changed fields (NULL
 * for a creation's before or a deletion's after).
 */
#ifndef KH_AUTH_AUDIT_H
#define KH_AUTH_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "auth/auth.h"

/* Does not steal before/after. */
int audit_record(struct db *db, const struct actor *a, int64_t unit_id,
    const char *action, const char *entity, const char *entity_id,
    json_t *before, json_t *after, struct kh_err *err);

struct audit_entry {
	int64_t id;
	char *at;		/* ISO instant */
	char *actor;		/* login */
	int64_t user_id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *action;		/* "create", "update", "delete", "login", ... */
	char *entity;		/* "unit", "user", "session", "token" */
	char *entity_id;
	char *before_json;
	char *after_json;
};

struct audit_filter {
	const char *login;	/* actor's login, or NULL */
	int64_t unit_id;	/* entries about this unit's subtree, or 0 */
	const char *from;	/* ISO date, inclusive, or NULL */
	const char *to;		/* ISO date, inclusive, or NULL */
	int64_t before_id;	/* page: entries with id below this, or 0 */
	int limit;		/* at most this many (default 50, max 500) */
};

struct audit_list {
	struct audit_entry *items;
	size_t n, cap;
};

/*
 * Entries the actor may read: those about units in their scope, and, for
 * administrators, also entries without a unit. Newest first.
 */
int audit_list(struct db *db, const struct actor *a,
    const struct audit_filter *f, struct audit_list *out, struct kh_err *err);
void audit_list_cleanup(struct audit_list *l);

#endif
