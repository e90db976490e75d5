/*
 * cmd_units.c - khuyenhoc units import|list|search.
 *
 *   units import [--db URL] [--dir DIR]
 *       load data/units (or DIR) into the database; idempotent
 *   units list --under CODE [--on DATE] [--format csv|json] [--db URL]
 *       the subtree of a unit as it stood on a date (default today)
 *   units search TEXT [--on DATE] [--limit N] [--format csv|json] [--db URL]
 *       units whose names match TEXT, with or without diacritics
 *
 * The command line acts as the system actor (auth.h).
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "units/units.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WORDS 16

static int
cmd_units_import(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", true, NULL, false},
		{"dir", true, NULL, false},
	};
	struct units_import_stats st;
	struct kh_err err = KH_ERR_INIT;
	const char *lang = cli_lang(), *pos[1];
	struct db *db;
	char *dir;
	int npos, rc;

	if (cli_parse(argc, argv, opts, 2, pos, 0, &npos) != 0)
		return 2;
	dir = opts[1].value != NULL ? xstrdup(opts[1].value) : cli_data_dir("units", "units.csv");
	if (cli_open_db(opts[0].value, &db) != 0) {
		free(dir);
		return 1;
	}
	rc = units_import(db, dir, &st, &err);
	db_close(db);
	free(dir);
	if (rc != 0)
		return cli_fail(&err);
	printf("%s: %ld\n", i18n_tr(lang, N_("Units inserted")), st.inserted);
	printf("%s: %ld\n", i18n_tr(lang, N_("Units updated")), st.updated);
	printf("%s: %ld\n", i18n_tr(lang, N_("Units unchanged")), st.unchanged);
	printf("%s: %ld\n", i18n_tr(lang, N_("Succession links added")),
	    st.successions);
	return 0;
}

/* Output. */

enum format { FORMAT_CSV, FORMAT_JSON };

static int
parse_format(const char *s, enum format *out)
{
	if (s == NULL || strcmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else
		return cli_usage_error(N_("Unknown format %s: use csv or json."), s);
	return 0;
}

/* Dates as in data/units: "since before the records" is empty. */
static const char *
shown_from(const struct unit *u)
{
	return u->valid_from == NULL ||
	    strcmp(u->valid_from, UNITS_BEFORE_RECORDS) == 0 ? "" : u->valid_from;
}

static json_t *
json_str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static json_t *
unit_json(const struct unit *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", json_string(u->code));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "kind", json_string(u->kind));
	json_object_set_new(o, "type_name", json_string(u->type_name));
	json_object_set_new(o, "parent_code", json_str_or_null(u->parent_code));
	json_object_set_new(o, "valid_from", json_str_or_null(shown_from(u)));
	json_object_set_new(o, "valid_to", json_str_or_null(u->valid_to));
	return o;
}

static int
print_json(json_t *arr)
{
	int rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	fputc('\n', stdout);
	json_decref(arr);
	return rc == 0 ? 0 : 1;
}

struct id_depth {
	int64_t id;
	int depth;
};

static int
id_depth_cmp(const void *pa, const void *pb)
{
	const struct id_depth *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Depth of each unit below the first, from the parent links: the list is in
 * depth-first order, so a parent comes before its children.
 */
static int *
depths(const struct unit_list *l)
{
	struct id_depth *idx, key, *hit;
	int *d = xcalloc(l->n + 1, sizeof(*d));
	size_t i;

	idx = xmalloc((l->n + 1) * sizeof(*idx));
	for (i = 0; i < l->n; i++) {
		idx[i].id = l->items[i].id;
		idx[i].depth = 0;
	}
	qsort(idx, l->n, sizeof(*idx), id_depth_cmp);
	for (i = 1; i < l->n; i++) {
		key.id = l->items[i].parent_id;
		hit = bsearch(&key, idx, l->n, sizeof(*idx), id_depth_cmp);
		d[i] = hit != NULL ? hit->depth + 1 : 1;
		key.id = l->items[i].id;
		hit = bsearch(&key, idx, l->n, sizeof(*idx), id_depth_cmp);
		if (hit != NULL)
			hit->depth = d[i];
	}
	free(idx);
	return d;
}

static int
print_list(const struct unit_list *l, enum format fmt)
{
	int *d = depths(l);
	json_t *arr, *o;
	size_t i;

	if (fmt == FORMAT_JSON) {
		arr = json_array();
		for (i = 0; i < l->n; i++) {
			o = unit_json(&l->items[i]);
			json_object_set_new(o, "depth", json_integer(d[i]));
			json_array_append_new(arr, o);
		}
		free(d);
		return print_json(arr);
	}
	fputs("code,name,kind,type_name,parent_code,valid_from,valid_to,depth\n",
	    stdout);
	for (i = 0; i < l->n; i++) {
		const struct unit *u = &l->items[i];

		cli_csv_field(stdout, u->code, false);
		cli_csv_field(stdout, u->name, false);
		cli_csv_field(stdout, u->kind, false);
		cli_csv_field(stdout, u->type_name, false);
		cli_csv_field(stdout, u->parent_code, false);
		cli_csv_field(stdout, shown_from(u), false);
		cli_csv_field(stdout, u->valid_to, false);
		printf("%d\n", d[i]);
	}
	free(d);
	return 0;
}

static int
print_found(const struct unit_list *l, enum format fmt)
{
	json_t *arr, *o;
	size_t i;

	if (fmt == FORMAT_JSON) {
		arr = json_array();
		for (i = 0; i < l->n; i++) {
			o = unit_json(&l->items[i]);
			json_object_set_new(o, "parent_name",
			    json_str_or_null(l->items[i].parent_name));
			json_array_append_new(arr, o);
		}
		return print_json(arr);
	}
	fputs("code,name,kind,type_name,parent_code,parent_name,valid_from,"
	    "valid_to\n", stdout);
	for (i = 0; i < l->n; i++) {
		const struct unit *u = &l->items[i];

		cli_csv_field(stdout, u->code, false);
		cli_csv_field(stdout, u->name, false);
		cli_csv_field(stdout, u->kind, false);
		cli_csv_field(stdout, u->type_name, false);
		cli_csv_field(stdout, u->parent_code, false);
		cli_csv_field(stdout, u->parent_name, false);
		cli_csv_field(stdout, shown_from(u), false);
		cli_csv_field(stdout, u->valid_to, true);
	}
	return 0;
}

/* A date option in ISO form, or "" when absent. */
static int
date_option(const char *s, char out[DATE_LEN])
{
	out[0] = '\0';
	if (s == NULL)
		return 0;
	if (!date_parse(s, out))
		return cli_usage_error(N_("%s is not a date: write it as YYYY-MM-DD"
		    " or dd/mm/yyyy."), s);
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", true, NULL, false},
		{"under", true, NULL, false},
		{"on", true, NULL, false},
		{"format", true, NULL, false},
	};
	struct kh_err err = KH_ERR_INIT;
	struct unit root = UNIT_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	char on[DATE_LEN], day[DATE_LEN];
	const char *pos[1];
	enum format fmt;
	struct actor sys;
	struct db *db;
	int npos, rc;

	if (cli_parse(argc, argv, opts, 4, pos, 0, &npos) != 0)
		return 2;
	if (opts[1].value == NULL)
		return cli_usage_error(N_("Name the unit to list: --under CODE."),
		    NULL);
	if (date_option(opts[2].value, on) != 0 ||
	    parse_format(opts[3].value, &fmt) != 0)
		return 2;
	if (cli_open_db(opts[0].value, &db) != 0)
		return 1;
	rc = auth_system_actor(db, &sys, &err);
	if (rc == 0)
		rc = units_find(db, &sys, opts[1].value, on[0] ? on : NULL, &root,
		    &err);
	if (rc == 0) {
		/* Without --on: today, or the last day of a unit that has
		 * ceased to exist (its last state). */
		date_today(day);
		if (on[0] != '\0')
			memcpy(day, on, DATE_LEN);
		else if (root.valid_to != NULL && strcmp(root.valid_to, day) < 0)
			snprintf(day, sizeof(day), "%s", root.valid_to);
		rc = units_subtree(db, &sys, root.id, day, &l, &err);
	}
	db_close(db);
	if (rc == 0)
		rc = print_list(&l, fmt);
	else
		rc = cli_fail(&err);
	unit_cleanup(&root);
	unit_list_cleanup(&l);
	return rc;
}

static int
cmd_search(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", true, NULL, false},
		{"on", true, NULL, false},
		{"limit", true, NULL, false},
		{"format", true, NULL, false},
	};
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	struct buf text = BUF_INIT;
	const char *pos[MAX_WORDS];
	char on[DATE_LEN], *end;
	enum format fmt;
	struct actor sys;
	struct db *db;
	long limit = 0;
	int npos, rc, i;

	if (cli_parse(argc, argv, opts, 4, pos, MAX_WORDS, &npos) != 0)
		return 2;
	if (npos == 0)
		return cli_usage_error(N_("Say what to search for: khuyenhoc units"
		    " search TEXT."), NULL);
	if (date_option(opts[1].value, on) != 0 ||
	    parse_format(opts[3].value, &fmt) != 0)
		return 2;
	if (opts[2].value != NULL) {
		limit = strtol(opts[2].value, &end, 10);
		if (*opts[2].value == '\0' || *end != '\0' || limit < 1 ||
		    limit > 500)
			return cli_usage_error(N_("The limit must be a number from 1"
			    " to 500, not %s."), opts[2].value);
	}
	/* Words typed without quotes make one text. */
	for (i = 0; i < npos; i++) {
		if (i > 0)
			buf_putc(&text, ' ');
		buf_puts(&text, pos[i]);
	}
	if (cli_open_db(opts[0].value, &db) != 0) {
		buf_free(&text);
		return 1;
	}
	rc = auth_system_actor(db, &sys, &err);
	if (rc == 0)
		rc = units_search(db, &sys, buf_str(&text), on[0] ? on : NULL,
		    (int)limit, &l, &err);
	db_close(db);
	buf_free(&text);
	if (rc == 0)
		rc = print_found(&l, fmt);
	else
		rc = cli_fail(&err);
	unit_list_cleanup(&l);
	return rc;
}

int
cmd_units(int argc, char **argv)
{
	const char *lang = cli_lang();

	if (argc >= 1 && strcmp(argv[0], "import") == 0)
		return cmd_units_import(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "search") == 0)
		return cmd_search(argc - 1, argv + 1);
	fprintf(stderr, "%s:\n", i18n_tr(lang, N_("Usage")));
	fprintf(stderr, "  khuyenhoc units import [--db URL] [--dir DIR]\n");
	fprintf(stderr, "  khuyenhoc units list --under CODE [--on YYYY-MM-DD]"
	    " [--format csv|json] [--db URL]\n");
	fprintf(stderr, "  khuyenhoc units search TEXT [--on YYYY-MM-DD]"
	    " [--limit N] [--format csv|json] [--db URL]\n");
	return 2;
}
