/*
 * cli.c - option parsing and shared helpers of the commands.
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
cli_lang(void)
{
	const char *l = getenv("KHUYENHOC_LANG");

	if (l == NULL || *l == '\0')
		l = getenv("LANG");
	return l != NULL && strncmp(l, "en", 2) == 0 ? "en" : "vi";
}

void
cli_print_err(const struct kh_err *err)
{
	char msg[1024];

	kh_err_format(err, cli_lang(), msg, sizeof(msg));
	if (err->row > 0)
		fprintf(stderr, "khuyenhoc: %s %ld: %s\n",
		    i18n_tr(cli_lang(), N_("row")), err->row, msg);
	else
		fprintf(stderr, "khuyenhoc: %s\n", msg);
	if (err->detail[0] != '\0')
		fprintf(stderr, "khuyenhoc: (%s)\n", err->detail);
}

int
cli_fail(const struct kh_err *err)
{
	cli_print_err(err);
	return err->kind != 0 ? kh_kind_exit_code(err->kind) : 1;
}

int
cli_usage_error(const char *msgid, const char *arg)
{
	struct kh_err err = KH_ERR_INIT;

	kh_fail(&err, KH_E_INVALID, msgid, arg);
	cli_print_err(&err);
	return 2;
}

static int
bad_option(const char *msgid, const char *arg)
{
	cli_usage_error(msgid, arg);
	return KH_E_INVALID;
}

int
cli_open_system(const char *url, struct db **db, struct actor *sys)
{
	struct kh_err err = KH_ERR_INIT;

	if (cli_open_db(url, db) != 0)
		return 1;
	if (auth_system_actor(*db, sys, &err) != 0) {
		db_close(*db);
		*db = NULL;
		return cli_fail(&err);
	}
	return 0;
}

void
cli_csv_field(FILE *f, const char *s, bool last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, f);
	else {
		fputc('"', f);
		for (const char *p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	fputc(last ? '\n' : ',', f);
}

int
cli_parse(int argc, char **argv, struct cli_opt *opts, int nopts,
    const char **pos, int max_pos, int *npos)
{
	const char *name, *eq;
	size_t len;
	int i, k;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (*npos >= max_pos)
				return bad_option(N_("Unexpected argument %s."),
				    argv[i]);
			pos[(*npos)++] = argv[i];
			continue;
		}
		name = argv[i] + 2;
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (k = 0; k < nopts; k++)
			if (strlen(opts[k].name) == len &&
			    strncmp(opts[k].name, name, len) == 0)
				break;
		if (k == nopts)
			return bad_option(N_("Unknown option %s."), argv[i]);
		opts[k].seen = true;
		if (!opts[k].has_arg) {
			if (eq != NULL)
				return bad_option(
				    N_("The option %s takes no value."), argv[i]);
			continue;
		}
		if (eq != NULL)
			opts[k].value = eq + 1;
		else if (i + 1 < argc)
			opts[k].value = argv[++i];
		else
			return bad_option(N_("The option %s needs a value."),
			    argv[i]);
	}
	return 0;
}

const char *
cli_get(const struct cli_opt *opts, int nopts, const char *name)
{
	for (int k = 0; k < nopts; k++)
		if (strcmp(opts[k].name, name) == 0)
			return opts[k].value;
	return NULL;
}

bool
cli_has(const struct cli_opt *opts, int nopts, const char *name)
{
	for (int k = 0; k < nopts; k++)
		if (strcmp(opts[k].name, name) == 0)
			return opts[k].seen;
	return false;
}

/* mkdir -p of the folder holding an SQLite file. */
static void
make_parent_dir(const char *path)
{
	char *dir = xstrdup(path), *p;

	p = strrchr(dir, '/');
	if (p != NULL) {
		*p = '\0';
		for (p = dir + 1; *p != '\0'; p++) {
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		}
		if (*dir != '\0' && mkdir(dir, 0755) != 0 && errno != EEXIST)
			log_warn("cannot create %s", dir);
	}
	free(dir);
}

int
cli_open_db(const char *url, struct db **out)
{
	struct kh_err err = KH_ERR_INIT;
	int rc;

	if (url == NULL)
		url = db_default_url();
	if (strncmp(url, "sqlite:", 7) == 0 && strcmp(url + 7, ":memory:") != 0)
		make_parent_dir(url + 7);
	rc = db_open(url, out, &err);
	if (rc == 0)
		rc = db_migrate(*out, NULL, &err);
	if (rc != 0) {
		cli_print_err(&err);
		db_close(*out);
		*out = NULL;
	}
	return rc;
}

char *
cli_read_line(void)
{
	struct buf b = BUF_INIT;
	int c;

	while ((c = getchar()) != EOF && c != '\n')
		buf_putc(&b, (char)c);
	if (b.len > 0 && b.data[b.len - 1] == '\r')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}

static bool
has_file(const char *dir, const char *probe)
{
	char *path = xasprintf("%s/%s", dir, probe);
	bool ok = access(path, R_OK) == 0;

	free(path);
	return ok;
}

char *
cli_data_dir(const char *sub, const char *probe)
{
	char exe[PATH_MAX], *slash, *here = xasprintf("data/%s", sub), *dir;
	ssize_t n;

	if (has_file(here, probe))
		return here;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			dir = xasprintf("%s/../data/%s", exe, sub);
			if (has_file(dir, probe)) {
				free(here);
				return dir;
			}
			free(dir);
		}
	}
	return here;
}
