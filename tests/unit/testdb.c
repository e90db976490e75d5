/*
 * testdb.c - see testdb.h.
 */
#include "testdb.h"
#include "core/buf.h"
#include "units/units.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

extern const int db_n_migrations;

static const char *
cache_dir(void)
{
	const char *d = getenv("KH_TEST_CACHE");

	return d != NULL && *d != '\0' ? d : "/tmp";
}

static char *
temp_path(void)
{
	char *p = xasprintf("%s/kh-unit-XXXXXX", cache_dir());
	int fd = mkstemp(p);

	cr_assert(fd >= 0, "mkstemp %s", p);
	close(fd);
	unlink(p);
	return p;
}

static void
copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	cr_assert(in >= 0, "open %s", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(out >= 0, "create %s", to);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
}

struct db *
testdb_open_empty(void)
{
	struct kh_err err = KH_ERR_INIT;
	char *path = temp_path(), *url = xasprintf("sqlite:%s", path);
	struct db *db = NULL;

	cr_assert(db_open(url, &db, &err) == 0, "open %s: %s", url, err.detail);
	cr_assert(db_migrate(db, NULL, &err) == 0, "migrate: %s", err.detail);
	free(path);
	free(url);
	return db;
}

static void
load_units(struct db *db)
{
	struct units_import_stats st = {0};
	struct kh_err err = KH_ERR_INIT;

	cr_assert(db_migrate(db, NULL, &err) == 0, "migrate: %s", err.detail);
	cr_assert(units_import(db, "data/units", &st, &err) == 0,
	    "units import: %s %s", err.msg ? err.msg : "", err.detail);
}

struct db *
testdb_open_units(void)
{
	struct kh_err err = KH_ERR_INIT;
	struct stat sb;
	char *tmpl, *lock, *path, *url;
	struct db *db = NULL;
	int fd;

	cr_assert(stat("data/units/units.csv", &sb) == 0,
	    "tests run from the repository root");
	tmpl = xasprintf("%s/kh-units-%ld-%ld-%d.db", cache_dir(),
	    (long)sb.st_size, (long)sb.st_mtime, db_n_migrations);
	lock = xasprintf("%s.lock", tmpl);
	fd = open(lock, O_CREAT | O_RDWR, 0600);
	cr_assert(fd >= 0);
	flock(fd, LOCK_EX);
	if (access(tmpl, R_OK) != 0) {
		char *part = xasprintf("%s.part", tmpl), *purl;

		unlink(part);
		purl = xasprintf("sqlite:%s", part);
		cr_assert(db_open(purl, &db, &err) == 0);
		load_units(db);
		/* One file, no WAL beside it, so a plain copy is complete. */
		cr_assert(db_exec_script(db, "PRAGMA wal_checkpoint(TRUNCATE);"
		    " PRAGMA journal_mode=DELETE;", &err) == 0, "%s", err.detail);
		db_close(db);
		cr_assert(rename(part, tmpl) == 0);
		free(part);
		free(purl);
	}
	flock(fd, LOCK_UN);
	close(fd);
	path = temp_path();
	copy_file(tmpl, path);
	url = xasprintf("sqlite:%s", path);
	cr_assert(db_open(url, &db, &err) == 0, "%s", err.detail);
	cr_assert(db_migrate(db, NULL, &err) == 0);
	free(tmpl);
	free(lock);
	free(path);
	free(url);
	return db;
}

/* The admin URL with its database name replaced by name. */
static char *
pg_url_for(const char *admin, const char *name)
{
	const char *slash = strrchr(admin, '/'), *q = strchr(admin, '?');

	cr_assert(slash != NULL && slash > admin + 12, "bad URL %s", admin);
	return xasprintf("%.*s/%s%s", (int)(slash - admin), admin, name,
	    q != NULL && q > slash ? q : "");
}

static void
pg_exec(const char *url, const char *sql)
{
	struct kh_err err = KH_ERR_INIT;
	struct db *db = NULL;

	cr_assert(db_open(url, &db, &err) == 0, "%s", err.detail);
	cr_assert(db_exec_script(db, sql, &err) == 0, "%s: %s", sql, err.detail);
	db_close(db);
}

struct db *
testdb_open_units_pg(void)
{
	const char *admin = getenv("KHUYENHOC_TEST_PG_ADMIN");
	struct kh_err err = KH_ERR_INIT;
	struct db *db = NULL;
	char *lock, *name, *url, *sql, *marker;
	int fd;

	if (admin == NULL || *admin == '\0')
		return NULL;
	/* Build the template once per run (marker file), under a lock. */
	lock = xasprintf("%s/kh-unit-pg.lock", cache_dir());
	{
		unsigned long h = 5381;

		for (const char *c = admin; *c != '\0'; c++)
			h = h * 33 + (unsigned char)*c;
		marker = xasprintf("%s/kh-unit-pg-%d-%lx.ready", cache_dir(),
		    db_n_migrations, h);
	}
	fd = open(lock, O_CREAT | O_RDWR, 0600);
	cr_assert(fd >= 0);
	flock(fd, LOCK_EX);
	if (access(marker, R_OK) != 0) {
		pg_exec(admin, "DROP DATABASE IF EXISTS kh_unit_template");
		pg_exec(admin, "CREATE DATABASE kh_unit_template");
		url = pg_url_for(admin, "kh_unit_template");
		cr_assert(db_open(url, &db, &err) == 0, "%s", err.detail);
		load_units(db);
		db_close(db);
		free(url);
		close(open(marker, O_CREAT | O_WRONLY, 0600));
	}
	name = xasprintf("kh_unit_%d_%u", (int)getpid(), (unsigned)rand());
	sql = xasprintf("CREATE DATABASE %s TEMPLATE kh_unit_template", name);
	pg_exec(admin, sql);
	flock(fd, LOCK_UN);
	close(fd);
	url = pg_url_for(admin, name);
	cr_assert(db_open(url, &db, &err) == 0, "%s", err.detail);
	free(lock);
	free(marker);
	free(name);
	free(sql);
	free(url);
	return db;
}

struct db *
testdb_open_empty_pg(void)
{
	const char *admin = getenv("KHUYENHOC_TEST_PG_ADMIN");
	struct kh_err err = KH_ERR_INIT;
	struct db *db = NULL;
	char *name, *sql, *url;

	if (admin == NULL || *admin == '\0')
		return NULL;
	name = xasprintf("kh_empty_%d_%u", (int)getpid(), (unsigned)rand());
	sql = xasprintf("CREATE DATABASE %s", name);
	pg_exec(admin, sql);
	url = pg_url_for(admin, name);
	cr_assert(db_open(url, &db, &err) == 0, "%s", err.detail);
	cr_assert(db_migrate(db, NULL, &err) == 0, "%s", err.detail);
	free(name);
	free(sql);
	free(url);
	return db;
}
