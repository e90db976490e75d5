/*
 * cmd_criteria.c - khuyenhoc criteria load|list.
 *
 *   criteria load [--dir data/criteria] [--db URL]
 *       store every criteria set file of the folder; idempotent: new sets
 *       and versions are added, a file changed since an unused version was
 *       loaded replaces it, a version some registration uses is never
 *       changed (the command names it and exits with the status of a
 *       conflict, 5)
 *   criteria list [--format csv|json] [--db URL]
 *       every set and version, with how many values are still unverified
 *
 * The command line acts as the system actor (auth.h).
 */
#include "cli/cli.h"
#include "cli/cmd_criteria.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "models/models.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
cmd_criteria_default_dir(void)
{
	return cli_data_dir("criteria", "README.md");
}

static int
cmd_load(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", true, NULL, false},
		{"dir", true, NULL, false},
	};
	struct criteria_load_stats st;
	struct kh_err err = KH_ERR_INIT;
	const char *lang = cli_lang(), *pos[1];
	struct actor sys;
	struct db *db;
	char *dir;
	int npos, rc;

	if (cli_parse(argc, argv, opts, 2, pos, 0, &npos) != 0)
		return 2;
	dir = opts[1].value != NULL ? xstrdup(opts[1].value) :
	    cmd_criteria_default_dir();
	if (cli_open_db(opts[0].value, &db) != 0) {
		free(dir);
		return 1;
	}
	rc = auth_system_actor(db, &sys, &err);
	if (rc == 0)
		rc = models_criteria_load(db, &sys, dir, &st, &err);
	db_close(db);
	free(dir);
	if (rc != 0)
		return cli_fail(&err);
	printf("%s: %d\n", i18n_tr(lang, N_("Criteria sets loaded")), st.loaded);
	printf("%s: %d\n", i18n_tr(lang, N_("Criteria sets updated")), st.updated);
	printf("%s: %d\n", i18n_tr(lang, N_("Criteria sets unchanged")),
	    st.unchanged);
	if (st.refused > 0) {
		fprintf(stderr, "khuyenhoc: %s: %s\n", i18n_tr(lang,
		    N_("These sets are in use or were edited, so their changed files"
		    " were not loaded; give the file a new version number")),
		    st.refused_codes);
		return kh_kind_exit_code(KH_E_CONFLICT);
	}
	return 0;
}

enum format { FORMAT_CSV, FORMAT_JSON };

static json_t *
str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static int
print_sets(const struct criteria_set_list *l, enum format fmt)
{
	char pts[32], num[24];
	size_t i;

	if (fmt == FORMAT_JSON) {
		json_t *arr = json_array();
		int rc;

		for (i = 0; i < l->n; i++) {
			const struct criteria_set *s = &l->items[i];

			models_points_str(s->max_total_x100, pts, sizeof(pts));
			json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:s,"
			    " s:o, s:o, s:s, s:b, s:i, s:b, s:b, s:s, s:s, s:s, s:s}",
			    "code", s->code, "version", s->version, "model", s->model,
			    "scale", s->scale, "effective_from",
			    str_or_null(s->effective_from), "effective_to",
			    str_or_null(s->effective_to), "max_total", pts,
			    "verified", s->verified, "unverified_values",
			    s->n_unverified, "default", s->is_default, "used", s->used,
			    "origin", s->origin, "title_vi", s->title_vi,
			    "legal_basis", s->legal_basis, "sha256", s->sha256));
		}
		rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(arr);
		return rc == 0 ? 0 : 1;
	}
	fputs("code,version,model,scale,effective_from,effective_to,max_total,"
	    "verified,unverified_values,default,used,origin,title_vi\n", stdout);
	for (i = 0; i < l->n; i++) {
		const struct criteria_set *s = &l->items[i];

		cli_csv_field(stdout, s->code, false);
		snprintf(num, sizeof(num), "%d", s->version);
		cli_csv_field(stdout, num, false);
		cli_csv_field(stdout, s->model, false);
		cli_csv_field(stdout, s->scale, false);
		cli_csv_field(stdout, s->effective_from, false);
		cli_csv_field(stdout, s->effective_to, false);
		models_points_str(s->max_total_x100, pts, sizeof(pts));
		cli_csv_field(stdout, pts, false);
		cli_csv_field(stdout, s->verified ? "1" : "0", false);
		snprintf(num, sizeof(num), "%d", s->n_unverified);
		cli_csv_field(stdout, num, false);
		cli_csv_field(stdout, s->is_default ? "1" : "0", false);
		cli_csv_field(stdout, s->used ? "1" : "0", false);
		cli_csv_field(stdout, s->origin, false);
		cli_csv_field(stdout, s->title_vi, true);
	}
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", true, NULL, false},
		{"format", true, NULL, false},
	};
	struct criteria_set_list l = {0};
	struct kh_err err = KH_ERR_INIT;
	const char *pos[1];
	enum format fmt = FORMAT_CSV;
	struct actor sys;
	struct db *db;
	int npos, rc;

	if (cli_parse(argc, argv, opts, 2, pos, 0, &npos) != 0)
		return 2;
	if (opts[1].value != NULL && strcmp(opts[1].value, "json") == 0)
		fmt = FORMAT_JSON;
	else if (opts[1].value != NULL && strcmp(opts[1].value, "csv") != 0)
		return cli_usage_error(N_("Unknown format %s: use csv or json."),
		    opts[1].value);
	if (cli_open_db(opts[0].value, &db) != 0)
		return 1;
	rc = auth_system_actor(db, &sys, &err);
	if (rc == 0)
		rc = models_set_list(db, &sys, &l, &err);
	db_close(db);
	if (rc == 0)
		rc = print_sets(&l, fmt);
	else
		rc = cli_fail(&err);
	criteria_set_list_cleanup(&l);
	return rc;
}

int
cmd_criteria(int argc, char **argv)
{
	const char *lang = cli_lang();

	if (argc >= 1 && strcmp(argv[0], "load") == 0)
		return cmd_load(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	fprintf(stderr, "%s:\n", i18n_tr(lang, N_("Usage")));
	fprintf(stderr, "  khuyenhoc criteria load [--dir data/criteria]"
	    " [--db URL]\n");
	fprintf(stderr, "  khuyenhoc criteria list [--format csv|json]"
	    " [--db URL]\n");
	return 2;
}
