/*
 * khuyenhoc units import|list|search, run in-process on a temporary SQLite
 * file, each command's standard output captured in a file.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"

static char *db_path;	/* the test's database file */
static char *db_url;	/* sqlite:db_path */
static char *out_path;	/* where a command's output goes */

static char *
temp_file(void)
{
	char tmpl[] = "/tmp/kh-cmd-units-XXXXXX";
	int fd = mkstemp(tmpl);

	cr_assert(fd >= 0);
	close(fd);
	return xstrdup(tmpl);
}

static void
setup(void)
{
	db_path = temp_file();
	out_path = temp_file();
	db_url = xasprintf("sqlite:%s", db_path);
	setenv("KHUYENHOC_LANG", "en", 1);
	setenv("KHUYENHOC_TODAY", "2026-01-15", 1);
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

/*
 * Run khuyenhoc units with up to six words (NULL ends them) and --db URL;
 * *out gets what it printed (malloc'd). Returns its exit status.
 */
static int
run(char **out, const char *a0, const char *a1, const char *a2,
    const char *a3, const char *a4, const char *a5)
{
	const char *words[] = {a0, a1, a2, a3, a4, a5};
	struct buf b = BUF_INIT;
	char *argv[9], chunk[4096];
	int argc = 0, i, saved, fd, rc;
	ssize_t n;

	for (i = 0; i < 6 && words[i] != NULL; i++)
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
	rc = cmd_units(argc, argv);
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

static json_t *
parse_array(const char *text, size_t want)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);

	cr_assert_not_null(j, "JSON: %s", jerr.text);
	cr_assert(json_is_array(j));
	cr_assert_eq(json_array_size(j), want, "%zu items",
	    json_array_size(j));
	return j;
}

static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

Test(units, cli_import_list_search, .init = setup, .fini = teardown)
{
	json_t *j, *o;
	char *out;
	size_t i;

	cr_assert_eq(run(&out, "import", "--dir", "data/units", NULL, NULL,
	    NULL), 0);
	cr_assert_str_eq(out,
	    "Units inserted: 14162\n"
	    "Units updated: 0\n"
	    "Units unchanged: 0\n"
	    "Succession links added: 10667\n");
	free(out);
	cr_assert_eq(run(&out, "import", NULL, NULL, NULL, NULL, NULL), 0);
	cr_assert_str_eq(out,
	    "Units inserted: 0\n"
	    "Units updated: 0\n"
	    "Units unchanged: 14162\n"
	    "Succession links added: 0\n");
	free(out);

	cr_assert_eq(run(&out, "list", "--under", "318", "--on", "2025-06-30",
	    NULL), 0);
	cr_assert_str_eq(out,
	    "code,name,kind,type_name,parent_code,valid_from,valid_to,depth\n"
	    "318,Huyện Bạch Long Vĩ,district,Huyện,31,,2025-06-30,0\n");
	free(out);

	/* Old Hải Phòng: itself, 15 districts, 167 communes. */
	cr_assert_eq(run(&out, "list", "--under", "31", "--on", "30/06/2025",
	    "--format=json"), 0);
	j = parse_array(out, 1 + 15 + 167);
	o = json_array_get(j, 0);
	cr_assert_str_eq(str_of(o, "code"), "31");
	cr_assert(json_is_null(json_object_get(o, "valid_from")));
	cr_assert_str_eq(str_of(o, "valid_to"), "2025-06-30");
	cr_assert_eq(json_integer_value(json_object_get(o, "depth")), 0);
	for (i = 1; i < json_array_size(j); i++) {
		o = json_array_get(j, i);
		cr_assert_eq(json_integer_value(json_object_get(o, "depth")),
		    strcmp(str_of(o, "kind"), "district") == 0 ? 1 : 2);
	}
	json_decref(j);
	free(out);

	/* Without a date: today, so the new city and its 114 communes. */
	cr_assert_eq(run(&out, "list", "--under", "31", NULL, NULL, NULL), 0);
	cr_assert_not_null(strstr(out, "\n31,Thành phố Hải Phòng,province,"
	    "Thành phố Trung ương,VN,2025-07-01,,0\n"));
	cr_assert_not_null(strstr(out, "\n10507,Phường Thành Đông,commune,"
	    "Phường,31,2025-07-01,,1\n"));
	free(out);

	cr_assert_eq(run(&out, "search", "le", "chan", "--on", "2025-07-01",
	    "--format=json"), 0);
	j = parse_array(out, 1);
	o = json_array_get(j, 0);
	cr_assert_str_eq(str_of(o, "code"), "11383");
	cr_assert_str_eq(str_of(o, "name"), "Phường Lê Chân");
	cr_assert_str_eq(str_of(o, "parent_name"), "Thành phố Hải Phòng");
	cr_assert(json_is_null(json_object_get(o, "valid_to")));
	json_decref(j);
	free(out);

	cr_assert_eq(run(&out, "search", "Lê Chân", "--limit", "1", NULL, NULL),
	    0);
	cr_assert_str_eq(out,
	    "code,name,kind,type_name,parent_code,parent_name,valid_from,"
	    "valid_to\n"
	    "305,Quận Lê Chân,district,Quận,31,Thành phố Hải Phòng,,"
	    "2025-06-30\n");
	free(out);
}

Test(units, cli_refuses_bad_use, .init = setup, .fini = teardown)
{
	char *out;

	cr_assert_eq(run(&out, "import", "--dir", "data/units", NULL, NULL,
	    NULL), 0);
	free(out);
	cr_assert_eq(run(&out, "list", NULL, NULL, NULL, NULL, NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "list", "--under", "99", NULL, NULL, NULL), 3,
	    "not found");
	free(out);
	cr_assert_eq(run(&out, "list", "--under", "31", "--format", "xml",
	    NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "list", "--under", "31", "--on", "yesterday",
	    NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "list", "--under", "31", "--bogus", NULL, NULL),
	    2);
	free(out);
	cr_assert_eq(run(&out, "search", NULL, NULL, NULL, NULL, NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "search", "x", "--limit", "0", NULL, NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "frobnicate", NULL, NULL, NULL, NULL, NULL), 2);
	free(out);
	cr_assert_eq(run(&out, "import", "--dir", "/nonexistent", NULL, NULL,
	    NULL), 1);
	cr_assert_str_eq(out, "");
	free(out);
}
