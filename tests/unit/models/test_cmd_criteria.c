/*
 * khuyenhoc criteria load|list, run in-process on a temporary SQLite file
 * holding only the country unit, each command's output captured in a file.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd_criteria.h"
#include "core/buf.h"
#include "db/db.h"

static char *db_path;
static char *db_url;
static char *out_path;

static char *
temp_file(void)
{
	char tmpl[] = "/tmp/kh-cmd-criteria-XXXXXX";
	int fd = mkstemp(tmpl);

	cr_assert(fd >= 0);
	close(fd);
	return xstrdup(tmpl);
}

static void
setup(void)
{
	struct kh_err err = KH_ERR_INIT;
	struct db *db;

	db_path = temp_file();
	out_path = temp_file();
	db_url = xasprintf("sqlite:%s", db_path);
	setenv("KHUYENHOC_LANG", "en", 1);
	cr_assert(db_open(db_url, &db, &err) == 0);
	cr_assert(db_migrate(db, NULL, &err) == 0);
	/* The system actor needs the country. */
	cr_assert(db_exec_script(db, "INSERT INTO units (code, name, kind,"
	    " valid_from, search_key, created_at, updated_at) VALUES ('VN',"
	    " 'Việt Nam', 'country', '1900-01-01', 'viet nam',"
	    " '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"
	    " INSERT INTO unit_tree SELECT id, id, 0 FROM units;", &err) == 0,
	    "%s", err.detail);
	db_close(db);
}

static void
teardown(void)
{
	char *p;

	unlink(db_path);
	unlink(out_path);
	p = xasprintf("%s-wal", db_path);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", db_path);
	unlink(p);
	free(p);
	free(db_path);
	free(db_url);
	free(out_path);
}

static int
run(char **out, const char *a0, const char *a1, const char *a2,
    const char *a3)
{
	const char *words[] = {a0, a1, a2, a3};
	struct buf b = BUF_INIT;
	char *argv[8], chunk[4096];
	int argc = 0, i, saved, fd, rc;
	ssize_t n;

	for (i = 0; i < 4 && words[i] != NULL; i++)
		argv[argc++] = (char *)words[i];
	argv[argc++] = "--db";
	argv[argc++] = db_url;
	argv[argc] = NULL;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(out_path, O_WRONLY | O_TRUNC);
	cr_assert(saved >= 0 && fd >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	rc = cmd_criteria(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fd = open(out_path, O_RDONLY);
	cr_assert(fd >= 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, (size_t)n);
	close(fd);
	*out = buf_steal(&b);
	return rc;
}

Test(models_cli, criteria_load_and_list, .init = setup, .fini = teardown)
{
	json_error_t jerr;
	json_t *j, *o;
	char *out;
	size_t i;
	bool seen = false;

	cr_assert_eq(run(&out, "load", "--dir", "data/criteria", NULL), 0);
	cr_assert_str_eq(out, "Criteria sets loaded: 8\n"
	    "Criteria sets updated: 0\nCriteria sets unchanged: 0\n");
	free(out);
	/* Again, from the default folder: nothing changes. */
	cr_assert_eq(run(&out, "load", NULL, NULL, NULL), 0);
	cr_assert_str_eq(out, "Criteria sets loaded: 0\n"
	    "Criteria sets updated: 0\nCriteria sets unchanged: 8\n");
	free(out);
	cr_assert_eq(run(&out, "list", "--format", "json", NULL), 0);
	j = json_loads(out, 0, &jerr);
	cr_assert_not_null(j, "%s", jerr.text);
	cr_assert_eq(json_array_size(j), 8);
	json_array_foreach(j, i, o) {
		cr_assert(json_is_false(json_object_get(o, "verified")));
		cr_assert_gt(json_integer_value(json_object_get(o,
		    "unverified_values")), 0);
		if (strcmp(json_string_value(json_object_get(o, "code")),
		    "tt22-dvht") == 0) {
			cr_assert_str_eq(json_string_value(json_object_get(o,
			    "max_total")), "100");
			cr_assert_str_eq(json_string_value(json_object_get(o,
			    "effective_from")), "2020-09-21");
			seen = true;
		}
	}
	cr_assert(seen);
	json_decref(j);
	free(out);
	cr_assert_eq(run(&out, "list", NULL, NULL, NULL), 0);
	cr_assert(strncmp(out, "code,version,model,scale,", 25) == 0);
	cr_assert_not_null(strstr(out, "\nqd448-gdht,1,family,points,2016-01-01,,"
	    "100,0,"));
	free(out);
	cr_assert_eq(run(&out, "list", "--format", "xml", NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "load", "--dir", "/nonexistent-folder", NULL), 1);
	free(out);
	cr_assert_eq(run(&out, "load", "--bogus", NULL, NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "frobnicate", NULL, NULL, NULL), 2);
	free(out);
}
