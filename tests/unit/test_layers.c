/*
 * The direction of dependencies holds: domain modules never include the web
 * or HTTP layers, only src/db/ includes a database client library, and
 * http/ knows no domain. A source check that never forgets.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

static int
scan(const char *dir, const char *const *forbidden, char *bad, size_t badsz)
{
	char path[512], line[512];
	struct dirent *e;
	DIR *d = opendir(dir);
	int hits = 0;

	cr_assert_not_null(d, "open %s (tests run from the repository root)", dir);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		FILE *f;

		if (n < 3 || (strcmp(e->d_name + n - 2, ".c") != 0 &&
		    strcmp(e->d_name + n - 2, ".h") != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "r");
		cr_assert_not_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "#include", 8) != 0)
				continue;
			for (const char *const *p = forbidden; *p != NULL; p++)
				if (strstr(line, *p) != NULL) {
					snprintf(bad, badsz, "%s: %s", path, line);
					hits++;
				}
		}
		fclose(f);
	}
	closedir(d);
	return hits;
}

Test(layers, domain_does_not_include_web_or_http)
{
	static const char *const forbidden[] = {"\"http/", "\"web/", "\"cli/",
	    "sqlite3.h", "libpq-fe.h", "microhttpd.h", NULL};
	static const char *const domain[] = {"src/core", "src/auth", "src/units",
	    "src/people", "src/models", "src/uploads", NULL};
	char bad[1100] = "";

	for (const char *const *d = domain; *d != NULL; d++)
		cr_assert_eq(scan(*d, forbidden, bad, sizeof(bad)), 0, "%s", bad);
}

Test(layers, http_knows_no_domain)
{
	static const char *const forbidden[] = {"\"web/", "\"auth/", "\"units/",
	    "\"db/", "\"cli/", NULL};
	char bad[1100] = "";

	cr_assert_eq(scan("src/http", forbidden, bad, sizeof(bad)), 0, "%s", bad);
}

Test(layers, only_db_talks_to_database_libraries)
{
	static const char *const forbidden[] = {"sqlite3.h", "libpq-fe.h", NULL};
	static const char *const others[] = {"src/web", "src/cli", "src/http",
	    "src/auth", "src/units", "src/core", "src/people", "src/models",
	    "src/uploads", "src/io", NULL};
	char bad[1100] = "";

	for (const char *const *d = others; *d != NULL; d++)
		cr_assert_eq(scan(*d, forbidden, bad, sizeof(bad)), 0, "%s", bad);
}
