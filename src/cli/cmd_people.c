/*
 * cmd_people.c - khuyenhoc import people and khuyenhoc people list.
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "people/import.h"
#include "people/people.h"
#include "units/units.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int
import_people(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}, {"unit", true, NULL, false},
	    {"dry-run", false, NULL, false}, {"mode", true, NULL, false},
	    {"errors", true, NULL, false}, {"on", true, NULL, false}};
	const int no = (int)(sizeof(o) / sizeof(o[0]));
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result res;
	enum people_import_mode mode = PEOPLE_IMPORT_ALL;
	const char *lang = cli_lang(), *pos[1], *m;
	struct unit u = UNIT_INIT;
	struct actor sys;
	struct db *db;
	int npos, rc;
	size_t i;

	if (cli_parse(argc, argv, o, no, pos, 1, &npos) != 0)
		return 2;
	if (npos != 1 || o[1].value == NULL) {
		kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc import people FILE"
		    " --unit CODE [--dry-run] [--mode all|good-rows] [--errors OUT.xlsx]"),
		    NULL);
		return cli_fail(&err);
	}
	m = cli_get(o, no, "mode");
	if (m != NULL && strcmp(m, "good-rows") == 0)
		mode = PEOPLE_IMPORT_GOOD_ROWS;
	else if (m != NULL && strcmp(m, "all") != 0) {
		kh_fail(&err, KH_E_INVALID, N_("Unknown mode %s: use all or"
		    " good-rows."), m);
		return cli_fail(&err);
	}
	rc = cli_open_system(o[0].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = units_find(db, &sys, o[1].value, cli_get(o, no, "on"), &u, &err);
	if (rc == 0)
		rc = people_import_file(db, &sys, u.id, pos[0], mode,
		    cli_has(o, no, "dry-run"), &res, &err);
	unit_cleanup(&u);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	for (i = 0; i < res.nproblems; i++) {
		char msg[600];

		kh_err_format(&res.problems[i].err, lang, msg, sizeof(msg));
		fprintf(stderr, "%s %ld%s%s: %s\n", i18n_tr(lang, N_("row")),
		    res.problems[i].row, res.problems[i].column[0] ? ", " : "",
		    res.problems[i].column, msg);
	}
	printf("%s: %ld\n", i18n_tr(lang, N_("Rows read")), res.read);
	printf("%s: %ld\n", i18n_tr(lang, N_("Imported")), res.imported);
	printf("%s: %ld\n", i18n_tr(lang, N_("Updated")), res.updated);
	printf("%s: %ld\n", i18n_tr(lang, N_("Unchanged")), res.unchanged);
	printf("%s: %ld\n", i18n_tr(lang, N_("Refused")), res.refused);
	if (cli_has(o, no, "dry-run"))
		printf("%s\n", i18n_tr(lang, N_("Dry run: nothing was kept.")));
	else if (!res.committed)
		printf("%s\n", i18n_tr(lang, N_("Nothing was kept: fix the refused"
		    " rows, or import with --mode good-rows.")));
	rc = res.refused > 0 ? 1 : 0;
	if (res.nproblems > 0 && cli_get(o, no, "errors") != NULL) {
		if (people_import_errors_xlsx(&res, lang, cli_get(o, no, "errors"),
		    &err) != 0)
			rc = cli_fail(&err);
		else
			printf("%s: %s\n", i18n_tr(lang, N_("Refused rows written to")),
			    cli_get(o, no, "errors"));
	}
	people_import_result_cleanup(&res);
	return rc;
}

int
cmd_import(int argc, char **argv)
{
	struct kh_err err = KH_ERR_INIT;

	if (argc >= 1 && strcmp(argv[0], "people") == 0)
		return import_people(argc - 1, argv + 1);
	kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc import people FILE --unit"
	    " CODE ..."), NULL);
	return cli_fail(&err);
}

static int
people_list_cmd(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}, {"unit", true, NULL, false},
	    {"format", true, NULL, false}, {"q", true, NULL, false}};
	const int no = (int)(sizeof(o) / sizeof(o[0]));
	struct kh_err err = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	struct unit u = UNIT_INIT;
	const char *fmt, *pos[1];
	struct actor sys;
	struct db *db;
	json_t *arr = NULL;
	int npos, rc;

	if (cli_parse(argc, argv, o, no, pos, 0, &npos) != 0)
		return 2;
	fmt = o[2].value != NULL ? o[2].value : "csv";
	if (o[1].value == NULL || (strcmp(fmt, "csv") != 0 &&
	    strcmp(fmt, "json") != 0)) {
		kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc people list --unit"
		    " CODE [--format csv|json]"), NULL);
		return cli_fail(&err);
	}
	rc = cli_open_system(o[0].value, &db, &sys);
	if (rc != 0)
		return rc;
	rc = units_find(db, &sys, o[1].value, NULL, &u, &err);
	memset(&q, 0, sizeof(q));
	q.unit_id = u.id;
	q.q = o[3].value;
	q.limit = 1000;
	if (strcmp(fmt, "csv") == 0 && rc == 0)
		printf("full_name,birth_date,sex,id_number,household,relation,unit_code,unit_name\n");
	else
		arr = json_array();
	/* Page through the whole subtree in Vietnamese name order. */
	while (rc == 0) {
		rc = people_list(db, &sys, &q, &l, &err);
		if (rc != 0)
			break;
		for (size_t i = 0; i < l.n; i++) {
			const struct person *p = &l.items[i];
			char sex[2] = {p->sex, '\0'};

			if (arr != NULL) {
				json_array_append_new(arr, json_pack("{s:s, s:s?, s:s,"
				    " s:s?, s:s, s:s, s:s, s:s}", "full_name", p->full_name,
				    "birth_date", p->birth_date, "sex", sex, "id_number",
				    p->id_number, "household", p->household_code,
				    "relation", p->relation, "unit_code", p->unit_code,
				    "unit_name", p->unit_name));
				continue;
			}
			cli_csv_field(stdout, p->full_name, false);
			cli_csv_field(stdout, p->birth_date, false);
			cli_csv_field(stdout, sex, false);
			cli_csv_field(stdout, p->id_number, false);
			cli_csv_field(stdout, p->household_code, false);
			cli_csv_field(stdout, p->relation, false);
			cli_csv_field(stdout, p->unit_code, false);
			cli_csv_field(stdout, p->unit_name, true);
		}
		q.offset += (int)l.n;
		if (l.n == 0 || q.offset >= l.total) {
			person_list_cleanup(&l);
			break;
		}
		person_list_cleanup(&l);
	}
	unit_cleanup(&u);
	db_close(db);
	if (arr != NULL) {
		if (rc == 0) {
			json_dumpf(arr, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
			putchar('\n');
		}
		json_decref(arr);
	}
	return rc != 0 ? cli_fail(&err) : 0;
}

int
cmd_people(int argc, char **argv)
{
	struct kh_err err = KH_ERR_INIT;

	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return people_list_cmd(argc - 1, argv + 1);
	kh_fail(&err, KH_E_INVALID, N_("Use: khuyenhoc people list --unit CODE"
	    " [--format csv|json]"), NULL);
	return cli_fail(&err);
}
