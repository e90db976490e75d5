/*
 * testdb.h - databases for unit tests.
 *
 * testdb_open_units() gives each test its own SQLite database that already
 * holds the migrations and the administrative units: the first caller builds
 * a template file (under $KH_TEST_CACHE or /tmp, keyed by the units data and
 * the migrations) while holding a lock; later callers copy it.
 * testdb_pg_url() gives a fresh PostgreSQL database when
 * $KHUYENHOC_TEST_PG is set (NULL otherwise, and the test skips).
 */
#ifndef KH_TEST_TESTDB_H
#define KH_TEST_TESTDB_H

#include "db/db.h"

/* A new empty SQLite database with migrations applied. */
struct db *testdb_open_empty(void);

/* A new SQLite database with migrations and units. */
struct db *testdb_open_units(void);

/* A new PostgreSQL database with migrations and units; NULL without PG. */
struct db *testdb_open_units_pg(void);

/* A new empty PostgreSQL database with migrations; NULL without PG. */
struct db *testdb_open_empty_pg(void);

#endif
