/*
 * cmd_report.c - khuyenhoc report ... and khuyenhoc indicator ...
 *
 *   report forms load [--dir data/reports]
 *   report forms list [--format csv|json]
 *   report assign --form F --kind K --period P [--deadline DATE]
 *   report save --form F --unit CODE --period P [--structure old|new]
 *       FIELD=VALUE ...          (stored even when invalid; problems listed)
 *   report submit|approve --form F --unit CODE --period P [--comment TEXT]
 *   report return|reopen --form F --unit CODE --period P --comment TEXT
 *   report get --form F --unit CODE --period P [--format csv|json]
 *   report show --form F --unit CODE --period P [--structure old|new]
 *       [--format csv|json|xlsx|pdf] [--out FILE]
 *   report status --form F --unit CODE --period P [--structure old|new]
 *   report share --old CODE --new CODE --percent N [--note TEXT]
 *   indicator load [--dir data/indicators]
 *   indicator show --unit CODE --period P [--structure old|new]
 *       [--format csv|json]
 *
 * A unit code names the unit in the structure given (default: the one in
 * force on the period's last day), because codes are reused across 1 July
 * 2025. The command line acts as the system actor (auth.h).
 */
#include "cli/cli.h"
#include "cli/cmd_report.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "io/doc.h"
#include "reports/reports.h"
#include "units/units.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_DB, O_FORM, O_UNIT, O_PERIOD, O_STRUCTURE, O_FORMAT, O_OUT, O_DIR,
    O_KIND, O_DEADLINE, O_COMMENT, O_OLD, O_NEW, O_PERCENT, O_NOTE, O_N };

static void
opts_init(struct cli_opt o[O_N])
{
	static const char *const names[O_N] = {"db", "form", "unit", "period",
	    "structure", "format", "out", "dir", "kind", "deadline", "comment",
	    "old", "new", "percent", "note"};

	for (int i = 0; i < O_N; i++) {
		o[i].name = names[i];
		o[i].has_arg = true;
		o[i].value = NULL;
		o[i].seen = false;
	}
}

static int
usage(void)
{
	return cli_usage_error(N_("Use: khuyenhoc report forms load|list, assign,"
	    " save, submit, approve, return, reopen, get, show, status, share"
	    " (see docs/api.md)"), NULL);
}

static int
need(const struct cli_opt *o, int i)
{
	if (o[i].value == NULL || *o[i].value == '\0')
		return cli_usage_error(N_("Missing option --%s."), o[i].name);
	return 0;
}

/* Find a unit by code in the structure of a period. */
static int
unit_in(struct db *db, const struct actor *a, const char *code,
    const char *period, const char *structure, struct unit *u,
    struct kh_err *err)
{
	struct report_period p;
	const char *on;
	int rc;

	rc = reports_period_parse(period, &p, err);
	if (rc != 0)
		return rc;
	if (structure == NULL)
		structure = strcmp(p.to, UNITS_NEW_STRUCTURE_FROM) >= 0 ?
		    REPORT_NEW : REPORT_OLD;
	on = strcmp(structure, REPORT_OLD) == 0 ? UNITS_OLD_STRUCTURE_TO :
	    UNITS_NEW_STRUCTURE_FROM;
	return units_find(db, a, code, on, u, err);
}

static void
print_problems(const struct report_problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct kh_err e = KH_ERR_INIT;
		char msg[600];

		e.kind = KH_E_INVALID;
		e.msg = p->items[i].msg;
		snprintf(e.arg, sizeof(e.arg), "%s", p->items[i].arg);
		kh_err_format(&e, cli_lang(), msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", p->items[i].field, msg);
	}
}

/* ---- forms, assign ---- */

/* A folder of definitions loaded by the reports module: report forms or
 * indicators, with what the command prints of the counts. */
struct loader {
	const char *folder;	/* under the project's data folder */
	int (*load)(struct db *, const struct actor *, const char *,
	    struct report_load_stats *, struct kh_err *);
	const char *loaded, *updated, *unchanged;	/* msgids */
};

static const struct loader forms_loader = {"reports", reports_forms_load,
    N_("Report forms loaded"), N_("Report forms updated"),
    N_("Report forms unchanged")};
static const struct loader indicators_loader = {"indicators",
    reports_indicators_load, N_("Indicators loaded"),
    N_("Indicators updated"), N_("Indicators unchanged")};

static int
load_folder(struct cli_opt *o, const struct loader *l)
{
	struct report_load_stats st;
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	char *dir;
	int rc;

	dir = o[O_DIR].value != NULL ? xstrdup(o[O_DIR].value) :
	    cli_data_dir(l->folder, "README.md");
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0) {
		free(dir);
		return rc;
	}
	rc = l->load(db, &sys, dir, &st, &err);
	db_close(db);
	free(dir);
	if (rc != 0)
		return cli_fail(&err);
	printf("%s: %d\n", i18n_tr(cli_lang(), l->loaded), st.loaded);
	printf("%s: %d\n", i18n_tr(cli_lang(), l->updated), st.updated);
	printf("%s: %d\n", i18n_tr(cli_lang(), l->unchanged), st.unchanged);
	return 0;
}

static int
forms_list(struct cli_opt *o)
{
	struct kh_err err = KH_ERR_INIT;
	struct db_stmt *st = NULL;
	struct actor sys;
	struct db *db;
	bool json = o[O_FORMAT].value != NULL &&
	    strcmp(o[O_FORMAT].value, "json") == 0;
	json_t *arr = json_array();
	int rc;

	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0) {
		json_decref(arr);
		return rc;
	}
	rc = db_prepare(db, "SELECT code, title_vi, n_fields, verified FROM"
	    " report_forms ORDER BY code", DB_NOARGS, &st, &err);
	if (rc == 0 && !json)
		fputs("code,fields,verified,title_vi\n", stdout);
	while (rc == 0 && (rc = db_step(st, &err)) == 1) {
		char num[24];

		rc = 0;
		if (json) {
			json_array_append_new(arr, json_pack("{s:s, s:I, s:b, s:s}",
			    "code", db_col_text(st, 0), "fields",
			    (json_int_t)db_col_int(st, 2), "verified",
			    db_col_int(st, 3) != 0, "title_vi", db_col_text(st, 1)));
			continue;
		}
		cli_csv_field(stdout, db_col_text(st, 0), false);
		snprintf(num, sizeof(num), "%lld", (long long)db_col_int(st, 2));
		cli_csv_field(stdout, num, false);
		cli_csv_field(stdout, db_col_int(st, 3) ? "1" : "0", false);
		cli_csv_field(stdout, db_col_text(st, 1), true);
	}
	if (st != NULL)
		db_finalize(st);
	db_close(db);
	if (rc < 0) {
		json_decref(arr);
		return cli_fail(&err);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	}
	json_decref(arr);
	return 0;
}

static int
assign(struct cli_opt *o)
{
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	int rc;

	if ((rc = need(o, O_FORM)) != 0 || (rc = need(o, O_KIND)) != 0 ||
	    (rc = need(o, O_PERIOD)) != 0)
		return rc;
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = reports_assign(db, &sys, o[O_FORM].value, o[O_KIND].value,
	    o[O_PERIOD].value, o[O_DEADLINE].value, &err);
	db_close(db);
	return rc != 0 ? cli_fail(&err) : 0;
}

/* ---- one unit's report ---- */

static int
save(struct cli_opt *o, const char **pos, int npos)
{
	struct report_value_in *vals;
	struct report_problems probs;
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct actor sys;
	struct db *db;
	char **keys;
	int64_t id = 0;
	int rc, i, n = 0;

	if ((rc = need(o, O_FORM)) != 0 || (rc = need(o, O_UNIT)) != 0 ||
	    (rc = need(o, O_PERIOD)) != 0)
		return rc;
	vals = xcalloc((size_t)npos + 1, sizeof(*vals));
	keys = xcalloc((size_t)npos + 1, sizeof(*keys));
	for (i = 1; i < npos; i++) {
		const char *eq = strchr(pos[i], '=');

		if (eq == NULL) {
			rc = cli_usage_error(N_("Write values as FIELD=VALUE, not %s."),
			    pos[i]);
			goto out;
		}
		keys[n] = xstrndup(pos[i], (size_t)(eq - pos[i]));
		vals[n].field = keys[n];
		vals[n].raw = eq + 1;
		n++;
	}
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		goto out;
	rc = unit_in(db, &sys, o[O_UNIT].value, o[O_PERIOD].value,
	    o[O_STRUCTURE].value, &u, &err);
	if (rc == 0)
		rc = reports_save(db, &sys, o[O_FORM].value, u.id, o[O_PERIOD].value,
		    vals, (size_t)n, &id, &probs, &err);
	db_close(db);
	unit_cleanup(&u);
	if (rc != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	printf("%s: %lld\n", i18n_tr(cli_lang(), N_("Report saved")),
	    (long long)id);
	print_problems(&probs);
	rc = probs.n > 0 ? kh_kind_exit_code(KH_E_INVALID) : 0;
	report_problems_cleanup(&probs);
out:
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(vals);
	return rc;
}

static int
transition(struct cli_opt *o, const char *action)
{
	struct report_problems probs = {0};
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct actor sys;
	struct db *db;
	int64_t id = 0;
	int rc;

	if ((rc = need(o, O_FORM)) != 0 || (rc = need(o, O_UNIT)) != 0 ||
	    (rc = need(o, O_PERIOD)) != 0)
		return rc;
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = unit_in(db, &sys, o[O_UNIT].value, o[O_PERIOD].value,
	    o[O_STRUCTURE].value, &u, &err);
	if (rc == 0)
		rc = reports_find(db, &sys, o[O_FORM].value, u.id,
		    o[O_PERIOD].value, &id, &err);
	if (rc == 0 && strcmp(action, "submit") == 0)
		rc = reports_submit(db, &sys, id, &probs, &err);
	else if (rc == 0 && strcmp(action, "approve") == 0)
		rc = reports_approve(db, &sys, id, o[O_COMMENT].value, &err);
	else if (rc == 0 && strcmp(action, "return") == 0)
		rc = reports_return(db, &sys, id, o[O_COMMENT].value, &err);
	else if (rc == 0)
		rc = reports_reopen(db, &sys, id, o[O_COMMENT].value, &err);
	db_close(db);
	unit_cleanup(&u);
	print_problems(&probs);
	report_problems_cleanup(&probs);
	return rc != 0 ? cli_fail(&err) : 0;
}

static int
get(struct cli_opt *o)
{
	struct report_submission s;
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct actor sys;
	struct db *db;
	int64_t id = 0;
	int rc;

	if ((rc = need(o, O_FORM)) != 0 || (rc = need(o, O_UNIT)) != 0 ||
	    (rc = need(o, O_PERIOD)) != 0)
		return rc;
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = unit_in(db, &sys, o[O_UNIT].value, o[O_PERIOD].value,
	    o[O_STRUCTURE].value, &u, &err);
	if (rc == 0)
		rc = reports_find(db, &sys, o[O_FORM].value, u.id,
		    o[O_PERIOD].value, &id, &err);
	if (rc == 0)
		rc = reports_get(db, &sys, id, &s, &err);
	db_close(db);
	unit_cleanup(&u);
	if (rc != 0)
		return cli_fail(&err);
	if (o[O_FORMAT].value != NULL && strcmp(o[O_FORMAT].value, "json") == 0) {
		json_t *vals = json_object(), *root;

		for (size_t i = 0; i < s.n_values; i++)
			json_object_set_new(vals, s.values[i].field, json_pack(
			    "{s:s, s:s}", "raw", s.values[i].raw, "source",
			    s.values[i].source));
		root = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:o}", "id",
		    (json_int_t)s.id, "form", s.form, "unit", s.unit_code, "period",
		    s.period, "state", s.state, "late", s.late, "comment", s.comment,
		    "values", vals);
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
	} else {
		printf("state,%s\n", s.state);
		fputs("field,value,source\n", stdout);
		for (size_t i = 0; i < s.n_values; i++) {
			cli_csv_field(stdout, s.values[i].field, false);
			cli_csv_field(stdout, s.values[i].raw, false);
			cli_csv_field(stdout, s.values[i].source, true);
		}
	}
	report_submission_cleanup(&s);
	return 0;
}

/* ---- consolidated report ---- */

static int
show(struct cli_opt *o)
{
	struct report_consolidated c;
	struct kh_err err = KH_ERR_INIT;
	const char *fmt = o[O_FORMAT].value != NULL ? o[O_FORMAT].value : "csv";
	struct actor sys;
	struct db *db;
	int rc;

	if ((rc = need(o, O_FORM)) != 0 || (rc = need(o, O_UNIT)) != 0 ||
	    (rc = need(o, O_PERIOD)) != 0)
		return rc;
	if (strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0 &&
	    strcmp(fmt, "xlsx") != 0 && strcmp(fmt, "pdf") != 0)
		return cli_usage_error(N_("Unknown format %s: use csv, json, xlsx"
		    " or pdf."), fmt);
	if ((strcmp(fmt, "xlsx") == 0 || strcmp(fmt, "pdf") == 0) &&
	    (rc = need(o, O_OUT)) != 0)
		return rc;
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = reports_consolidate(db, &sys, o[O_FORM].value, o[O_UNIT].value,
	    o[O_PERIOD].value, o[O_STRUCTURE].value, &c, &err);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	if (strcmp(fmt, "json") == 0) {
		json_t *root = reports_export_json(&c, cli_lang());

		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
	} else if (strcmp(fmt, "xlsx") == 0)
		rc = reports_export_xlsx(&c, o[O_OUT].value, &err);
	else if (strcmp(fmt, "pdf") == 0) {
		rc = reports_export_pdf(&c, o[O_OUT].value, &err);
		doc_shutdown();
	} else {
		struct buf b = BUF_INIT;

		reports_export_csv(&c, cli_lang(), false, &b);
		fwrite(buf_str(&b), 1, b.len, stdout);
		buf_free(&b);
	}
	report_consolidated_cleanup(&c);
	return rc < 0 ? cli_fail(&err) : rc;
}

static int
status(struct cli_opt *o)
{
	struct report_status_list l;
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	int rc;

	if ((rc = need(o, O_FORM)) != 0 || (rc = need(o, O_UNIT)) != 0 ||
	    (rc = need(o, O_PERIOD)) != 0)
		return rc;
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = reports_completeness(db, &sys, o[O_FORM].value, o[O_UNIT].value,
	    o[O_PERIOD].value, o[O_STRUCTURE].value, &l, &err);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	fputs("unit,name,state,submitted_on,late\n", stdout);
	for (size_t i = 0; i < l.n; i++) {
		cli_csv_field(stdout, l.items[i].unit_code, false);
		cli_csv_field(stdout, l.items[i].unit_name, false);
		cli_csv_field(stdout, l.items[i].state, false);
		cli_csv_field(stdout, l.items[i].submitted_on, false);
		cli_csv_field(stdout, l.items[i].late ? "1" : "0", true);
	}
	fprintf(stderr, "%s: %d, %s: %d, %s: %d, %s: %d, %s: %d\n",
	    i18n_tr(cli_lang(), N_("reports expected")), l.expected,
	    i18n_tr(cli_lang(), N_("reports submitted")), l.submitted,
	    i18n_tr(cli_lang(), N_("reports approved")), l.approved,
	    i18n_tr(cli_lang(), N_("reports late")), l.late,
	    i18n_tr(cli_lang(), N_("reports missing")), l.missing);
	report_status_list_cleanup(&l);
	return 0;
}

static int
share(struct cli_opt *o)
{
	struct kh_err err = KH_ERR_INIT;
	struct actor sys;
	struct db *db;
	char *end = NULL;
	double pct;
	int rc;

	if ((rc = need(o, O_OLD)) != 0 || (rc = need(o, O_NEW)) != 0 ||
	    (rc = need(o, O_PERCENT)) != 0)
		return rc;
	pct = strtod(o[O_PERCENT].value, &end);
	if (end == o[O_PERCENT].value || *end != '\0' || pct < 0 || pct > 100)
		return cli_usage_error(N_("The share is a percentage from 0 to 100,"
		    " not %s."), o[O_PERCENT].value);
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = reports_share_set(db, &sys, o[O_OLD].value, o[O_NEW].value,
	    (int)(pct * 100 + 0.5), o[O_NOTE].value, &err);
	db_close(db);
	return rc != 0 ? cli_fail(&err) : 0;
}

int
cmd_report(int argc, char **argv)
{
	struct cli_opt o[O_N];
	const char *pos[256];
	int npos;

	opts_init(o);
	if (cli_parse(argc, argv, o, O_N, pos, 256, &npos) != 0)
		return 2;
	if (npos < 1)
		return usage();
	if (strcmp(pos[0], "forms") == 0 && npos == 2 &&
	    strcmp(pos[1], "load") == 0)
		return load_folder(o, &forms_loader);
	if (strcmp(pos[0], "forms") == 0 && npos == 2 &&
	    strcmp(pos[1], "list") == 0)
		return forms_list(o);
	if (strcmp(pos[0], "assign") == 0)
		return assign(o);
	if (strcmp(pos[0], "save") == 0)
		return save(o, pos, npos);
	if (strcmp(pos[0], "submit") == 0 || strcmp(pos[0], "approve") == 0 ||
	    strcmp(pos[0], "return") == 0 || strcmp(pos[0], "reopen") == 0)
		return transition(o, pos[0]);
	if (strcmp(pos[0], "get") == 0)
		return get(o);
	if (strcmp(pos[0], "show") == 0)
		return show(o);
	if (strcmp(pos[0], "status") == 0)
		return status(o);
	if (strcmp(pos[0], "share") == 0)
		return share(o);
	return usage();
}

/* ---- indicators ---- */

static int
indicators_show(struct cli_opt *o)
{
	struct report_indicators l;
	struct kh_err err = KH_ERR_INIT;
	const char *fmt = o[O_FORMAT].value != NULL ? o[O_FORMAT].value : "csv";
	struct actor sys;
	struct db *db;
	json_t *arr;
	int rc;

	if ((rc = need(o, O_UNIT)) != 0 || (rc = need(o, O_PERIOD)) != 0)
		return rc;
	if (strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
		return cli_usage_error(N_("Unknown format %s: use csv or json."), fmt);
	rc = cli_open_system(o[O_DB].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = reports_indicators(db, &sys, o[O_UNIT].value, o[O_PERIOD].value,
	    o[O_STRUCTURE].value, &l, &err);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	arr = json_array();
	if (strcmp(fmt, "csv") == 0)
		fputs("indicator,unit,name,numerator,denominator,value,target_op,"
		    "target,met,target_verified,share_applied,title_vi,source\n",
		    stdout);
	for (size_t i = 0; i < l.n; i++) {
		const struct report_indicator_row *r = &l.items[i];
		char num[24], den[24], val[32], tgt[32];

		snprintf(num, sizeof(num), "%lld", (long long)r->numerator);
		snprintf(den, sizeof(den), "%lld", (long long)r->denominator);
		val[0] = tgt[0] = '\0';
		if (r->has_value)
			reports_x100_str(r->value_x100, val, sizeof(val));
		if (r->has_target)
			reports_x100_str(r->target_x100, tgt, sizeof(tgt));
		if (strcmp(fmt, "json") == 0) {
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b,"
			    " s:I, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:s, s:s}",
			    "indicator", r->code, "unit", r->unit_code, "name",
			    r->unit_name, "total", r->total, "numerator",
			    (json_int_t)r->numerator, "denominator", r->has_den ?
			    json_integer(r->denominator) : json_null(), "value",
			    r->has_value ? json_real((double)r->value_x100 / 100) :
			    json_null(), "target_op", r->has_target ?
			    json_string(r->target_op) : json_null(), "target",
			    r->has_target ? json_real((double)r->target_x100 / 100) :
			    json_null(), "met", r->met < 0 ? json_null() :
			    json_boolean(r->met), "target_verified", r->verified,
			    "share_applied", r->share_applied, "title_vi",
			    r->title_vi, "source", r->source));
			continue;
		}
		cli_csv_field(stdout, r->code, false);
		cli_csv_field(stdout, r->unit_code, false);
		cli_csv_field(stdout, r->unit_name, false);
		cli_csv_field(stdout, num, false);
		cli_csv_field(stdout, r->has_den ? den : "", false);
		cli_csv_field(stdout, val, false);
		cli_csv_field(stdout, r->has_target ? r->target_op : "", false);
		cli_csv_field(stdout, tgt, false);
		cli_csv_field(stdout, r->met < 0 ? "" : r->met ? "1" : "0", false);
		cli_csv_field(stdout, r->verified ? "1" : "0", false);
		cli_csv_field(stdout, r->share_applied ? "1" : "0", false);
		cli_csv_field(stdout, r->title_vi, false);
		cli_csv_field(stdout, r->source, true);
	}
	if (strcmp(fmt, "json") == 0) {
		json_t *root = json_pack("{s:s, s:s, s:o}", "period",
		    o[O_PERIOD].value, "structure", l.structure, "indicators", arr);

		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(root);
	} else {
		json_decref(arr);
	}
	report_indicators_cleanup(&l);
	return 0;
}

int
cmd_indicator(int argc, char **argv)
{
	struct cli_opt o[O_N];
	const char *pos[4];
	int npos;

	opts_init(o);
	if (cli_parse(argc, argv, o, O_N, pos, 4, &npos) != 0)
		return 2;
	if (npos == 1 && strcmp(pos[0], "load") == 0)
		return load_folder(o, &indicators_loader);
	if (npos == 1 && strcmp(pos[0], "show") == 0)
		return indicators_show(o);
	return cli_usage_error(N_("Use: khuyenhoc indicator load|show --unit CODE"
	    " --period PERIOD [--structure old|new] [--format csv|json]"), NULL);
}

/* ---- demo ----
 *
 * A few approved reports, saved, submitted and approved through the
 * module's API like any other. As with the demo's learning models, every
 * action is done on the day the demo runs, so reports of past periods are
 * flagged late against their deadlines: the demo shows figures, not a
 * calendar. */

struct demo_report {
	const char *form, *unit, *period, *structure;
	const char *values;	/* "field=value;..." */
};

static const struct demo_report demo_reports[] = {
	{"yearly", "11383", "2025", REPORT_NEW, "population=98500;households=27600;"
	    "members=27900;chapters=46;boards=12;fund_raised=1250000000;"
	    "fund_spent=980000000;scholarships=420;scholarship_amount=630000000;"
	    "clc_classes=38;clc_participants=5200;digital_event=có;"
	    "assessment=Phong trào khuyến học được duy trì sau sáp nhập."},
	{"yearly", "11311", "2025", REPORT_NEW, "population=71200;households=19800;"
	    "members=18600;chapters=31;boards=8;fund_raised=760000000;"
	    "fund_spent=700000000;scholarships=260;scholarship_amount=390000000;"
	    "clc_classes=22;clc_participants=3100;digital_event=có"},
	{"study-month", "11383", "2023-KH", REPORT_OLD, "events_major=0;events=6;"
	    "participants=2400;population=21300;members=5900;members_new=310;"
	    "boards_new=3;fund_raised=185000000;hoa_phuong_do=12"},
	{"study-month", "11395", "2023-KH", REPORT_OLD, "events_major=1;events=4;"
	    "participants=1800;population=17600;members=4700;members_new=220;"
	    "boards_new=4;fund_raised=120000000;hoa_phuong_do=8"},
};

static int
demo_one(struct db *db, const struct actor *sys, const struct demo_report *d,
    int *made, struct kh_err *err)
{
	struct report_value_in vals[32];
	struct report_problems probs;
	struct unit u = UNIT_INIT;
	char *copy = xstrdup(d->values), *save = NULL, *tok;
	int64_t id;
	size_t n = 0;
	int rc;

	rc = unit_in(db, sys, d->unit, d->period, d->structure, &u, err);
	if (rc == 0 && reports_find(db, sys, d->form, u.id, d->period, &id,
	    err) == 0) {
		/* Already there: the demo is idempotent. */
		unit_cleanup(&u);
		free(copy);
		return 0;
	}
	kh_err_clear(err);
	for (tok = strtok_r(copy, ";", &save); tok != NULL && n < 32;
	    tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		vals[n].field = tok;
		vals[n].raw = eq + 1;
		n++;
	}
	if (rc == 0)
		rc = reports_save(db, sys, d->form, u.id, d->period, vals, n, &id,
		    &probs, err);
	if (rc == 0) {
		report_problems_cleanup(&probs);
		rc = reports_submit(db, sys, id, &probs, err);
		report_problems_cleanup(&probs);
	}
	if (rc == 0)
		rc = reports_approve(db, sys, id, "", err);
	if (rc == 0)
		(*made)++;
	unit_cleanup(&u);
	free(copy);
	return rc;
}

int
cmd_report_demo(struct db *db, const struct actor *sys, int *made,
    struct kh_err *err)
{
	struct report_load_stats st;
	char *dir = cli_data_dir("reports", "README.md");
	int rc;

	rc = reports_forms_load(db, sys, dir, &st, err);
	free(dir);
	if (rc == 0) {
		dir = cli_data_dir("indicators", "README.md");
		rc = reports_indicators_load(db, sys, dir, &st, err);
		free(dir);
	}
	if (rc == 0)
		rc = reports_assign(db, sys, "yearly", UNIT_COMMUNE, "2025", NULL,
		    err);
	if (rc == 0)
		rc = reports_assign(db, sys, "study-month", UNIT_COMMUNE, "2023-KH",
		    NULL, err);
	for (size_t i = 0; rc == 0 && i < sizeof(demo_reports) /
	    sizeof(demo_reports[0]); i++)
		rc = demo_one(db, sys, &demo_reports[i], made, err);
	return rc;
}
