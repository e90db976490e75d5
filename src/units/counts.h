/*
 * counts.h - how many units of each kind a scope holds on a date (the home
 * page's figures and the benchmarks' subtree counts).
 */
#ifndef KH_UNITS_COUNTS_H
#define KH_UNITS_COUNTS_H

#include <stdint.h>

#include "auth/auth.h"

struct unit_kind_count {
	char kind[24];		/* a UNIT_* kind */
	int64_t n;		/* units of that kind */
};

#define UNIT_KINDS_MAX 16

/*
 * Count the units valid on `on` (ISO date) in the subtree of root_id and of
 * the units it succeeded, by kind. root_id must be readable by the actor.
 * Fills at most UNIT_KINDS_MAX entries; *n_out = entries filled.
 */
int units_count_by_kind(struct db *db, const struct actor *a, int64_t root_id,
    const char *on, struct unit_kind_count out[UNIT_KINDS_MAX], int *n_out,
    struct kh_err *err);

/* Number of accounts and of audit entries since `since` in the scope. */
int units_scope_activity(struct db *db, const struct actor *a,
    const char *since, int64_t *n_users, int64_t *n_audit, struct kh_err *err);

#endif
