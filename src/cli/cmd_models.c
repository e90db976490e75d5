/*
 * cmd_models.c - khuyenhoc models register|assess|verify|propose|list: the
 * yearly cycle of the learning models from the command line, for an
 * operator who prepares or repairs records in bulk (and for the tests of the
 * pages built on them). Recognition is not here: it is a decision, recorded
 * on its page by a manager of the commune.
 *
 *   models register --model M --year YYYY --unit CODE
 *                   [--household CODE | --person ID] [--to STATE]
 *       register a subject: the household CODE of the unit (family; found
 *       or created, as the people registry does), the person ID (citizen),
 *       or the unit itself (community, unit, commune_community); prints the
 *       registration's id. --to self_assessed|verified|proposed carries it
 *       on through assess (full marks), verify and propose.
 *   models assess ID --full        self-assessment with every entered
 *                                  indicator at its maximum and every
 *                                  condition met (ratios are computed)
 *   models verify ID               verification without changes
 *   models propose ID              proposal to the commune
 *   models list --unit CODE [--year YYYY] [--model M] [--state S]
 *               [--format csv|json]
 *   models recount [--check]       compare the registered and recognised
 *                                  counts behind the roll-up with a recount
 *                                  of the registrations and, without
 *                                  --check, repair them (after a bulk load
 *                                  or an edit made in SQL); exit status 1
 *                                  when --check finds a difference
 *
 * The command line acts as the system actor (auth.h); each step is checked,
 * recorded in the registration's history and audited by the models module.
 */
#include "cli/cli.h"
#include "cli/cmd_models.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "models/models.h"
#include "people/people.h"
#include "units/units.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A registration id given on the command line: 0 when it is not one. */
static int64_t
parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? (int64_t)v : 0;
}

/* Answers giving every indicator of the registration's set its best value. */
static int
full_marks(struct db *db, const struct actor *a, int64_t reg_id,
    struct criteria_set *set, struct model_answer **out, size_t *n,
    struct kh_err *err)
{
	struct model_registration r;
	struct model_answer *ans;
	size_t i, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = models_get(db, a, reg_id, &r, err);
	if (rc != 0)
		return rc;
	rc = models_set_get(db, a, r.set_code, r.set_version, set, err);
	model_registration_cleanup(&r);
	if (rc != 0)
		return rc;
	ans = xcalloc(set->n_items + 1, sizeof(*ans));
	for (i = 0; i < set->n_items; i++) {
		const struct criteria_item *it = &set->items[i];

		if (strcmp(it->kind, "criterion") == 0 ||
		    strcmp(it->kind, CRIT_RATIO) == 0)
			continue;
		ans[k].code = it->code;
		ans[k].value_x100 = strcmp(it->kind, CRIT_POINTS) == 0 ?
		    it->max_x100 : 0;
		ans[k].met = 1;
		k++;
	}
	*out = ans;
	*n = k;
	return 0;
}

static int
assess_full(struct db *db, const struct actor *a, int64_t id,
    struct kh_err *err)
{
	struct criteria_set set;
	struct model_answer *ans = NULL;
	size_t n = 0;
	int rc;

	memset(&set, 0, sizeof(set));
	rc = full_marks(db, a, id, &set, &ans, &n, err);
	if (rc == 0)
		rc = models_self_assess(db, a, id, ans, n, NULL, err);
	free(ans);
	criteria_set_cleanup(&set);
	return rc;
}

/* Carry a registered subject on to state `to`. */
static int
advance(struct db *db, const struct actor *a, int64_t id, const char *to,
    struct kh_err *err)
{
	int rc = assess_full(db, a, id, err);

	if (rc == 0 && strcmp(to, REG_SELF_ASSESSED) != 0)
		rc = models_verify(db, a, id, NULL, 0, NULL, err);
	if (rc == 0 && strcmp(to, REG_PROPOSED) == 0)
		rc = models_propose(db, a, id, NULL, err);
	return rc;
}

static int
cmd_register(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false},
	    {"model", true, NULL, false}, {"year", true, NULL, false},
	    {"unit", true, NULL, false}, {"household", true, NULL, false},
	    {"person", true, NULL, false}, {"to", true, NULL, false}};
	const int no = (int)(sizeof(o) / sizeof(o[0]));
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_input in;
	struct unit u = UNIT_INIT;
	const char *pos[1], *model, *to;
	struct actor sys;
	struct db *db;
	int64_t id = 0;
	int npos, rc;

	if (cli_parse(argc, argv, o, no, pos, 0, &npos) != 0)
		return 2;
	model = cli_get(o, no, "model");
	to = cli_get(o, no, "to");
	if (model == NULL || cli_get(o, no, "year") == NULL ||
	    cli_get(o, no, "unit") == NULL)
		return cli_usage_error(N_("Use: khuyenhoc models register --model M"
		    " --year YYYY --unit CODE [--household CODE | --person ID]"
		    " [--to self_assessed|verified|proposed]"), NULL);
	if (to != NULL && strcmp(to, REG_REGISTERED) != 0 &&
	    strcmp(to, REG_SELF_ASSESSED) != 0 && strcmp(to, REG_VERIFIED) != 0 &&
	    strcmp(to, REG_PROPOSED) != 0)
		return cli_usage_error(N_("Unknown state %s: use self_assessed,"
		    " verified or proposed."), to);
	rc = cli_open_system(cli_get(o, no, "db"), &db, &sys);
	if (rc != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.model = model;
	in.year = atoi(cli_get(o, no, "year"));
	rc = units_find(db, &sys, cli_get(o, no, "unit"), NULL, &u, &err);
	if (rc == 0 && cli_get(o, no, "household") != NULL)
		rc = people_household(db, &sys, u.id, cli_get(o, no, "household"),
		    &in.subject_id, &err);
	else if (rc == 0 && cli_get(o, no, "person") != NULL) {
		in.subject_id = parse_id(cli_get(o, no, "person"));
		in.unit_id = u.id;
	} else if (rc == 0)
		in.subject_id = u.id;
	if (rc == 0)
		rc = models_register(db, &sys, &in, &id, &err);
	if (rc == 0 && to != NULL && strcmp(to, REG_REGISTERED) != 0)
		rc = advance(db, &sys, id, to, &err);
	unit_cleanup(&u);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	printf("%lld\n", (long long)id);
	return 0;
}

/* models assess|verify|propose ID */
static int
cmd_step(const char *step, int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false},
	    {"full", false, NULL, false}};
	const int no = (int)(sizeof(o) / sizeof(o[0]));
	struct kh_err err = KH_ERR_INIT;
	const char *pos[1];
	struct actor sys;
	struct db *db;
	int64_t id;
	int npos, rc;

	if (cli_parse(argc, argv, o, no, pos, 1, &npos) != 0)
		return 2;
	id = npos == 1 ? parse_id(pos[0]) : 0;
	if (id == 0 || (strcmp(step, "assess") == 0 && !cli_has(o, no, "full")))
		return cli_usage_error(N_("Use: khuyenhoc models assess ID --full |"
		    " verify ID | propose ID"), NULL);
	rc = cli_open_system(cli_get(o, no, "db"), &db, &sys);
	if (rc != 0)
		return rc;
	if (strcmp(step, "assess") == 0)
		rc = assess_full(db, &sys, id, &err);
	else if (strcmp(step, "verify") == 0)
		rc = models_verify(db, &sys, id, NULL, 0, NULL, &err);
	else
		rc = models_propose(db, &sys, id, NULL, &err);
	db_close(db);
	return rc != 0 ? cli_fail(&err) : 0;
}

static int
cmd_list(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false},
	    {"unit", true, NULL, false}, {"year", true, NULL, false},
	    {"model", true, NULL, false}, {"state", true, NULL, false},
	    {"format", true, NULL, false}};
	const int no = (int)(sizeof(o) / sizeof(o[0]));
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_list l = {0};
	struct model_query q;
	struct unit u = UNIT_INIT;
	const char *pos[1], *fmt;
	struct actor sys;
	struct db *db;
	char pts[32], num[24];
	int npos, rc;
	size_t i;

	if (cli_parse(argc, argv, o, no, pos, 0, &npos) != 0)
		return 2;
	fmt = cli_get(o, no, "format");
	if (cli_get(o, no, "unit") == NULL)
		return cli_usage_error(N_("Use: khuyenhoc models list --unit CODE"
		    " [--year YYYY] [--model M] [--state S] [--format csv|json]"),
		    NULL);
	if (fmt != NULL && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
		return cli_usage_error(N_("Unknown format %s: use csv or json."),
		    fmt);
	rc = cli_open_system(cli_get(o, no, "db"), &db, &sys);
	if (rc != 0)
		return rc;
	rc = units_find(db, &sys, cli_get(o, no, "unit"), NULL, &u, &err);
	memset(&q, 0, sizeof(q));
	q.unit_id = u.id;
	q.model = cli_get(o, no, "model");
	q.state = cli_get(o, no, "state");
	q.year = cli_get(o, no, "year") != NULL ? atoi(cli_get(o, no, "year")) : 0;
	q.limit = 1000;
	if (rc == 0)
		rc = models_list(db, &sys, &q, &l, &err);
	unit_cleanup(&u);
	db_close(db);
	if (rc != 0) {
		model_reg_list_cleanup(&l);
		return cli_fail(&err);
	}
	if (fmt != NULL && strcmp(fmt, "json") == 0) {
		json_t *arr = json_array();

		for (i = 0; i < l.n; i++) {
			const struct model_registration *r = &l.items[i];

			json_array_append_new(arr, json_pack("{s:I, s:s, s:i, s:s,"
			    " s:s, s:s, s:s, s:I, s:s*}", "id", (json_int_t)r->id,
			    "model", r->model, "year", r->year, "subject_name",
			    r->subject_name, "unit_code", r->unit_code, "unit_name",
			    r->unit_name, "state", r->state, "total_x100",
			    (json_int_t)r->total_x100, "certificate_no",
			    r->certificate_no));
		}
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(arr);
	} else {
		fputs("id,model,year,subject_name,unit_code,state,total,"
		    "certificate_no\n", stdout);
		for (i = 0; i < l.n; i++) {
			const struct model_registration *r = &l.items[i];

			snprintf(num, sizeof(num), "%lld", (long long)r->id);
			cli_csv_field(stdout, num, false);
			cli_csv_field(stdout, r->model, false);
			snprintf(num, sizeof(num), "%d", r->year);
			cli_csv_field(stdout, num, false);
			cli_csv_field(stdout, r->subject_name, false);
			cli_csv_field(stdout, r->unit_code, false);
			cli_csv_field(stdout, r->state, false);
			if (r->total_x100 >= 0)
				models_points_str(r->total_x100, pts, sizeof(pts));
			else
				pts[0] = '\0';
			cli_csv_field(stdout, pts, false);
			cli_csv_field(stdout, r->certificate_no, true);
		}
	}
	model_reg_list_cleanup(&l);
	return 0;
}

static int
cmd_recount(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false},
	    {"check", false, NULL, false}};
	const int no = (int)(sizeof(o) / sizeof(o[0]));
	struct kh_err err = KH_ERR_INIT;
	const char *lang = cli_lang();
	struct actor sys;
	struct db *db;
	int64_t differ = 0;
	int npos, rc;
	bool check;

	if (cli_parse(argc, argv, o, no, NULL, 0, &npos) != 0)
		return 2;
	check = cli_has(o, no, "check");
	rc = cli_open_system(cli_get(o, no, "db"), &db, &sys);
	if (rc != 0)
		return rc;
	if (check)
		rc = models_counts_check(db, &differ, &err);
	else
		rc = models_counts_rebuild(db, &sys, &differ, &err);
	db_close(db);
	if (rc != 0)
		return cli_fail(&err);
	printf(i18n_tr(lang, check ? N_("%lld counts differ from a recount.\n") :
	    N_("%lld counts differed from a recount and were repaired.\n")),
	    (long long)differ);
	return check && differ > 0 ? 1 : 0;
}

int
cmd_models(int argc, char **argv)
{
	const char *lang = cli_lang();

	if (argc >= 1 && strcmp(argv[0], "register") == 0)
		return cmd_register(argc - 1, argv + 1);
	if (argc >= 1 && (strcmp(argv[0], "assess") == 0 ||
	    strcmp(argv[0], "verify") == 0 || strcmp(argv[0], "propose") == 0))
		return cmd_step(argv[0], argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "recount") == 0)
		return cmd_recount(argc - 1, argv + 1);
	fprintf(stderr, "%s:\n", i18n_tr(lang, N_("Usage")));
	fprintf(stderr, "  khuyenhoc models register --model M --year YYYY"
	    " --unit CODE [--household CODE | --person ID]"
	    " [--to self_assessed|verified|proposed]\n");
	fprintf(stderr, "  khuyenhoc models assess ID --full | verify ID |"
	    " propose ID\n");
	fprintf(stderr, "  khuyenhoc models list --unit CODE [--year YYYY]"
	    " [--model M] [--state S] [--format csv|json]\n");
	fprintf(stderr, "  khuyenhoc models recount [--check]\n");
	return 2;
}
