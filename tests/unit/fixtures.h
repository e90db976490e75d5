/*
 * fixtures.h - the setup the unit tests share.
 *
 * Every helper asserts (Criterion) instead of returning an error: a test
 * whose setup fails stops there with the reason. Units are found or created
 * through the units module, users through the users module; households and
 * people are written straight into their tables where a test needs only
 * rows to count (the people registry has its own tests).
 */
#ifndef KH_TEST_FIXTURES_H
#define KH_TEST_FIXTURES_H

#include <criterion/criterion.h>
#include <stdint.h>

#include "auth/auth.h"
#include "db/db.h"
#include "models/models.h"
#include "testdb.h"

/*
 * BOTH(suite, name) { body using db }: the body runs once on a fresh SQLite
 * database with the units and once on PostgreSQL (skipped when
 * KHUYENHOC_TEST_PG is not set).
 */
#define BOTH(suite, name) \
	static void name(struct db *db); \
	Test(suite, name##_sqlite, .timeout = 120) \
	{ \
		struct db *db = testdb_open_units(); \
		name(db); \
		db_close(db); \
	} \
	Test(suite, name##_pg, .timeout = 120) \
	{ \
		struct db *db = testdb_open_units_pg(); \
		if (db == NULL) \
			cr_skip_test("KHUYENHOC_TEST_PG is not set"); \
		name(db); \
		db_close(db); \
	} \
	static void name(struct db *db)

/* The id of the unit with this code as a sees it; on is a date (YYYY-MM-DD)
 * for a code that names different units over time, or NULL for today's. */
int64_t fx_unit(struct db *db, const struct actor *a, const char *code,
    const char *on);

/* A new residential group (village) under parent, valid from 1 July 2025;
 * name NULL gives it its code as name. */
int64_t fx_village(struct db *db, const struct actor *a, int64_t parent,
    const char *code, const char *name);

/* Residential groups 1 and 2 ("Tổ dân phố số 1", "số 2") of the commune
 * with this id and code: codes CODE-T01 and CODE-T02. */
void fx_two_groups(struct db *db, const struct actor *a, int64_t commune,
    const char *code, int64_t *v1, int64_t *v2);

/* An actor in memory only (no user row): login, role and unit, English. */
void fx_actor(struct actor *a, const char *login, enum role role,
    int64_t unit);

/* A real user with this role ("officer", ...) and unit code, created by the
 * system actor and logged in: *out is the session's actor. */
void fx_user(struct db *db, const char *login, const char *role,
    const char *unit, struct actor *out);

/* A household row in unit, with a head of household named head (NULL: no
 * member); returns the household's id. */
int64_t fx_household(struct db *db, int64_t unit, const char *code,
    const char *head);

/* A person row in unit without household; group 0 leaves the subject group
 * empty. Returns the person's id. */
int64_t fx_person(struct db *db, int64_t unit, const char *name, int group);

/*
 * The start of a learning-models test: today is `today` (KHUYENHOC_TODAY,
 * YYYY-MM-DD, so that deadlines and years do not move with the calendar),
 * *sys is the system actor, and the criteria sets of data/criteria are
 * loaded. Returns how many sets the load took in.
 */
int fx_models_begin(struct db *db, const char *today, struct actor *sys);

/* Self-assessment answers with full marks: the QĐ 448 family form (100
 * points) and the QĐ 244 citizen form of group 1. */
extern const struct model_answer FAMILY_FULL[12];
extern const struct model_answer CITIZEN_FULL[10];

#endif
