/*
 * workflow.c - one unit's report for a form and period: the draft with the
 * known figures filled in, values kept as typed, validation, and the
 * transitions submit, approve, return and reopen (see reports.h for who may
 * do what). Every transition is recorded in report_transitions and in the
 * audit log in the same transaction.
 */
#include "reports/reports_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "units/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The core of a submission, as the transitions need it. */
struct sub_core {
	int64_t id;
	int64_t form_id;
	int64_t unit_id;
	char unit_kind[24];
	char period[48];
	char state[16];
	int64_t approver_id;
};

void
report_problems_cleanup(struct report_problems *p)
{
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static void
problem_add(struct report_problems *p, const char *field, const char *msg,
    const char *arg)
{
	struct report_problem *it;

	if (p == NULL)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->items = xrealloc(p->items, p->cap * sizeof(*it));
	}
	it = &p->items[p->n++];
	snprintf(it->field, sizeof(it->field), "%s", field != NULL ? field : "");
	it->msg = msg;
	snprintf(it->arg, sizeof(it->arg), "%s", arg != NULL ? arg : "");
}

void
report_submission_cleanup(struct report_submission *s)
{
	free(s->form);
	free(s->unit_code);
	free(s->unit_name);
	free(s->period);
	free(s->state);
	free(s->deadline);
	free(s->submitted_on);
	free(s->approved_on);
	free(s->comment);
	for (size_t i = 0; i < s->n_values; i++) {
		free(s->values[i].field);
		free(s->values[i].raw);
		free(s->values[i].source);
	}
	free(s->values);
	memset(s, 0, sizeof(*s));
}

void
report_history_cleanup(struct report_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct report_transition *t = &h->items[i];

		free(t->at);
		free(t->action);
		free(t->from_state);
		free(t->to_state);
		free(t->actor);
		free(t->comment);
	}
	free(h->items);
	memset(h, 0, sizeof(*h));
}

static int
core_load(struct db *db, int64_t id, struct sub_core *c, struct kh_err *err)
{
	struct db_stmt *st;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = db_prepare(db, "SELECT s.id, s.form_id, s.unit_id, u.kind, s.period,"
	    " s.state, COALESCE(s.approver_unit_id, 0) FROM report_submissions s"
	    " JOIN units u ON u.id = s.unit_id WHERE s.id = $1",
	    DB_ARGS(DB_INT(id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		c->id = db_col_int(st, 0);
		c->form_id = db_col_int(st, 1);
		c->unit_id = db_col_int(st, 2);
		snprintf(c->unit_kind, sizeof(c->unit_kind), "%s", db_col_text(st, 3));
		snprintf(c->period, sizeof(c->period), "%s", db_col_text(st, 4));
		snprintf(c->state, sizeof(c->state), "%s", db_col_text(st, 5));
		c->approver_id = db_col_int(st, 6);
		rc = 0;
	} else if (rc == 0) {
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("Unknown report."), NULL);
	}
	db_finalize(st);
	return rc;
}

/* Append a transition and its audit record (inside the caller's
 * transaction). */
static int
record(struct db *db, const struct actor *a, const struct sub_core *c,
    const char *action, const char *from, const char *to, const char *comment,
    struct kh_err *err)
{
	char stamp[STAMP_LEN], idstr[24];
	json_t *before, *after;
	int rc;

	stamp_now(stamp);
	rc = db_exec_args(db, "INSERT INTO report_transitions (submission_id, at,"
	    " action, from_state, to_state, user_id, actor, comment) VALUES ($1,"
	    " $2, $3, $4, $5, $6, $7, $8)", DB_ARGS(DB_INT(c->id),
	    DB_TEXT(stamp), DB_TEXT(action), DB_TEXT(from), DB_TEXT(to),
	    a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL, DB_TEXT(a->login),
	    DB_TEXT(comment != NULL ? comment : "")), NULL, err);
	if (rc != 0)
		return rc;
	reports_id_str(c->id, idstr);
	before = from != NULL ? json_pack("{s:s}", "state", from) : NULL;
	after = json_pack("{s:s, s:s, s:s}", "state", to, "period", c->period,
	    "comment", comment != NULL ? comment : "");
	rc = audit_record(db, a, c->unit_id, action, "report", idstr, before,
	    after, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* ---- Known figures ---- */

#define IN_SUBTREE(U) \
	" EXISTS (SELECT 1 FROM unit_tree t WHERE t.ancestor_id = $1" \
	" AND t.descendant_id = " U ")"

/* The figure of a source for a unit and period, *known false when the
 * source is typed by hand. */
static int
source_value(struct db *db, const struct report_field *f, int64_t unit_id,
    const struct report_period *p, int64_t *v, bool *known,
    struct kh_err *err)
{
	const char *s = f->source;
	const char *kind = NULL;
	int rc;

	*known = false;
	*v = 0;
	if (s == NULL)
		return 0;
	if (strcmp(s, REPORT_SRC_REGISTRATIONS) == 0 ||
	    strcmp(s, REPORT_SRC_RECOGNITIONS) == 0) {
		bool rec = strcmp(s, REPORT_SRC_RECOGNITIONS) == 0;

		if (f->model == NULL)
			return 0;
		rc = db_query_int(db, rec ?
		    "SELECT count(*) FROM model_registrations r WHERE r.year = $2"
		    " AND r.model = $3 AND ($4 = 0 OR r.subject_group = $4)"
		    " AND r.state = 'recognised' AND" IN_SUBTREE("r.unit_id") :
		    "SELECT count(*) FROM model_registrations r WHERE r.year = $2"
		    " AND r.model = $3 AND ($4 = 0 OR r.subject_group = $4)"
		    " AND r.state <> 'withdrawn' AND" IN_SUBTREE("r.unit_id"),
		    DB_ARGS(DB_INT(unit_id), DB_INT(p->year), DB_TEXT(f->model),
		    DB_INT(f->group)), v, err);
	} else if (strcmp(s, REPORT_SRC_POPULATION) == 0) {
		rc = db_query_int(db, "SELECT count(*) FROM people x WHERE"
		    " x.valid_from <= $2 AND (x.valid_to IS NULL OR x.valid_to > $2)"
		    " AND ($3 = '' OR x.sex = $3) AND" IN_SUBTREE("x.unit_id"),
		    DB_ARGS(DB_INT(unit_id), DB_TEXT(p->to),
		    DB_TEXT(f->sex != NULL ? f->sex : "")), v, err);
	} else if (strcmp(s, REPORT_SRC_HOUSEHOLDS) == 0) {
		rc = db_query_int(db, "SELECT count(*) FROM households x WHERE"
		    " x.valid_from <= $2 AND (x.valid_to IS NULL OR x.valid_to > $2)"
		    " AND" IN_SUBTREE("x.unit_id"), DB_ARGS(DB_INT(unit_id),
		    DB_TEXT(p->to)), v, err);
	} else if (strcmp(s, REPORT_SRC_BOARDS_NEW) == 0) {
		rc = db_query_int(db, "SELECT count(*) FROM units x WHERE"
		    " x.kind = 'board' AND x.valid_from >= $2 AND x.valid_from <= $3"
		    " AND" IN_SUBTREE("x.id"), DB_ARGS(DB_INT(unit_id),
		    DB_TEXT(p->from), DB_TEXT(p->to)), v, err);
	} else {
		if (strcmp(s, REPORT_SRC_BOARDS) == 0)
			kind = UNIT_BOARD;
		else if (strcmp(s, REPORT_SRC_CLCS) == 0)
			kind = UNIT_CLC;
		else if (strcmp(s, REPORT_SRC_ORGS) == 0)
			kind = f->unit_kind;
		if (kind == NULL)
			return 0;	/* members, fund, training: typed */
		rc = db_query_int(db, "SELECT count(*) FROM units x WHERE"
		    " x.kind = $3 AND x.valid_from <= $2 AND (x.valid_to IS NULL"
		    " OR x.valid_to > $2) AND" IN_SUBTREE("x.id"),
		    DB_ARGS(DB_INT(unit_id), DB_TEXT(p->to), DB_TEXT(kind)), v, err);
	}
	if (rc == 0)
		*known = true;
	return rc;
}

static int
value_put(struct db *db, int64_t sub_id, const char *field, const char *raw,
    bool has, int64_t v, const char *source, struct kh_err *err)
{
	return db_exec_args(db, "INSERT INTO report_values (submission_id, field,"
	    " raw, value, source) VALUES ($1, $2, $3, $4, $5)"
	    " ON CONFLICT (submission_id, field) DO UPDATE SET raw = excluded.raw,"
	    " value = excluded.value, source = excluded.source",
	    DB_ARGS(DB_INT(sub_id), DB_TEXT(field), DB_TEXT(raw),
	    has ? DB_INT(v) : DB_NULL, DB_TEXT(source)), NULL, err);
}

/* Create the draft and fill every field whose source is known. */
static int
draft_create(struct db *db, const struct actor *a, const struct report_form *f,
    int64_t unit_id, const char *unit_kind, const struct report_period *p,
    int64_t *sub_id, struct kh_err *err)
{
	struct sub_core c = {0};
	char stamp[STAMP_LEN], num[24];
	int rc;

	stamp_now(stamp);
	rc = db_query_int(db, "INSERT INTO report_submissions (form_id, unit_id,"
	    " period, state, created_at, updated_at) VALUES ($1, $2, $3, 'draft',"
	    " $4, $4) RETURNING id", DB_ARGS(DB_INT(f->id), DB_INT(unit_id),
	    DB_TEXT(p->code), DB_TEXT(stamp)), sub_id, err);
	for (size_t i = 0; rc == 0 && i < f->n_fields; i++) {
		const struct report_field *fd = &f->fields[i];
		bool known;
		int64_t v;

		rc = source_value(db, fd, unit_id, p, &v, &known, err);
		if (rc != 0 || !known)
			continue;
		snprintf(num, sizeof(num), "%lld", (long long)v);
		rc = value_put(db, *sub_id, fd->code, num, true, v, fd->source,
		    err);
	}
	if (rc != 0)
		return rc;
	c.id = *sub_id;
	c.unit_id = unit_id;
	snprintf(c.unit_kind, sizeof(c.unit_kind), "%s", unit_kind);
	snprintf(c.period, sizeof(c.period), "%s", p->code);
	return record(db, a, &c, "create", NULL, REPORT_DRAFT, NULL, err);
}

/* Check every stored value and rule of a submission into problems; *bad =
 * how many. */
static int
check(struct db *db, const struct report_form *f, int64_t sub_id,
    struct report_problems *problems, size_t *bad, struct kh_err *err)
{
	int64_t *vals = xcalloc(f->n_fields + 1, sizeof(*vals));
	bool *has = xcalloc(f->n_fields + 1, sizeof(*has));
	bool *filled = xcalloc(f->n_fields + 1, sizeof(*filled));
	struct db_stmt *st = NULL;
	size_t i;
	int rc;

	*bad = 0;
	rc = db_prepare(db, "SELECT field, raw FROM report_values WHERE"
	    " submission_id = $1", DB_ARGS(DB_INT(sub_id)), &st, err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int k = reports_form_field(f, db_col_text(st, 0));
		const char *raw = db_col_text(st, 1), *msg;

		rc = 0;
		if (k < 0)
			continue;
		msg = reports_value_parse(&f->fields[k], raw, &vals[k], &has[k]);
		filled[k] = raw != NULL && raw[strspn(raw, " \t")] != '\0';
		if (msg != NULL) {
			problem_add(problems, f->fields[k].code, msg,
			    f->fields[k].title_vi);
			(*bad)++;
		}
	}
	if (st != NULL)
		db_finalize(st);
	for (i = 0; rc == 0 && i < f->n_fields; i++)
		if (f->fields[i].required && !filled[i] && f->fields[i].num == NULL) {
			problem_add(problems, f->fields[i].code,
			    N_("%s must be filled in."), f->fields[i].title_vi);
			(*bad)++;
		}
	reports_recompute(f, vals, has);
	for (i = 0; rc == 0 && i < f->n_rules; i++) {
		const struct report_rule *r = &f->rules[i];
		int l = reports_form_field(f, r->left), k = reports_form_field(f,
		    r->right);
		bool ok;
		char arg[160];

		if (!has[l] || !has[k])
			continue;
		if (strcmp(r->op, "<=") == 0)
			ok = vals[l] <= vals[k];
		else if (strcmp(r->op, "<") == 0)
			ok = vals[l] < vals[k];
		else if (strcmp(r->op, ">=") == 0)
			ok = vals[l] >= vals[k];
		else if (strcmp(r->op, ">") == 0)
			ok = vals[l] > vals[k];
		else
			ok = vals[l] == vals[k];
		if (ok)
			continue;
		snprintf(arg, sizeof(arg), "%s (%lld) %s %s (%lld)",
		    f->fields[l].title_vi, (long long)vals[l], r->op,
		    f->fields[k].title_vi, (long long)vals[k]);
		problem_add(problems, r->left, N_("This rule is not kept: %s."),
		    arg);
		(*bad)++;
	}
	free(vals);
	free(has);
	free(filled);
	return rc;
}

static bool
kind_files_form(const struct report_form *f, const char *kind)
{
	for (size_t i = 0; i < f->n_unit_kinds; i++)
		if (strcmp(f->unit_kinds[i], kind) == 0)
			return true;
	return false;
}

int
reports_save(struct db *db, const struct actor *a, const char *form,
    int64_t unit_id, const char *period, const struct report_value_in *vals,
    size_t n, int64_t *sub_id, struct report_problems *problems,
    struct kh_err *err)
{
	struct report_form f;
	struct report_period p;
	struct unit u = UNIT_INIT;
	struct sub_core c;
	int64_t id = 0;
	char stamp[STAMP_LEN];
	size_t i, bad;
	int rc;

	if (problems != NULL)
		memset(problems, 0, sizeof(*problems));
	rc = reports_period_parse(period, &p, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	rc = units_get(db, a, unit_id, &u, err);
	if (rc != 0)
		return rc;
	rc = reports_form_get(db, a, form, &f, err);
	if (rc != 0) {
		unit_cleanup(&u);
		return rc;
	}
	if (!kind_files_form(&f, u.kind)) {
		rc = kh_fail_field(err, KH_E_INVALID, "unit",
		    N_("This report form is not filed by units of this kind (%s)."),
		    u.kind);
		goto out;
	}
	if (strcmp(f.period_kind, p.kind) != 0) {
		rc = kh_fail_field(err, KH_E_INVALID, "period",
		    N_("This report form is not filed for a period like %s."),
		    p.code);
		goto out;
	}
	for (i = 0; i < n; i++) {
		int k = reports_form_field(&f, vals[i].field);

		if (k < 0) {
			rc = kh_fail_field(err, KH_E_INVALID, vals[i].field,
			    N_("The report form has no field %s."), vals[i].field);
			goto out;
		}
		if (f.fields[k].num != NULL) {
			rc = kh_fail_field(err, KH_E_INVALID, vals[i].field,
			    N_("%s is computed, not typed."), f.fields[k].title_vi);
			goto out;
		}
	}
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, "SELECT id FROM report_submissions WHERE form_id = $1"
	    " AND period = $2 AND unit_id = $3", DB_ARGS(DB_INT(f.id),
	    DB_TEXT(p.code), DB_INT(unit_id)), &id, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		rc = draft_create(db, a, &f, unit_id, u.kind, &p, &id, err);
	}
	if (rc == 0)
		rc = core_load(db, id, &c, err);
	if (rc == 0 && strcmp(c.state, REPORT_DRAFT) != 0 &&
	    strcmp(c.state, REPORT_RETURNED) != 0)
		rc = kh_fail(err, KH_E_CONFLICT, strcmp(c.state, REPORT_APPROVED) == 0 ?
		    N_("The report is approved and locked; only the approving level"
		    " can reopen it.") : N_("The report has been submitted; it can be"
		    " changed only after the approving level returns it."), NULL);
	for (i = 0; rc == 0 && i < n; i++) {
		const struct report_field *fd = &f.fields[reports_form_field(&f,
		    vals[i].field)];
		bool has;
		int64_t v;

		/* Keep what was typed even when it does not parse. */
		(void)reports_value_parse(fd, vals[i].raw, &v, &has);
		rc = value_put(db, id, fd->code, vals[i].raw != NULL ? vals[i].raw :
		    "", has, v, "", err);
	}
	if (rc == 0 && n > 0) {
		json_t *after = json_object();
		char idstr[24];

		for (i = 0; i < n; i++)
			json_object_set_new(after, vals[i].field,
			    json_string(vals[i].raw != NULL ? vals[i].raw : ""));
		stamp_now(stamp);
		rc = db_exec_args(db, "UPDATE report_submissions SET updated_at = $2"
		    " WHERE id = $1", DB_ARGS(DB_INT(id), DB_TEXT(stamp)), NULL, err);
		reports_id_str(id, idstr);
		if (rc == 0)
			rc = audit_record(db, a, unit_id, "update", "report", idstr,
			    NULL, after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = check(db, &f, id, problems, &bad, err);
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && sub_id != NULL)
		*sub_id = id;
out:
	report_form_cleanup(&f);
	unit_cleanup(&u);
	return rc;
}

int
reports_find(struct db *db, const struct actor *a, const char *form,
    int64_t unit_id, const char *period, int64_t *sub_id, struct kh_err *err)
{
	struct report_period p;
	int rc;

	rc = reports_period_parse(period, &p, err);
	if (rc == 0)
		rc = auth_can_read(db, a, unit_id, err);
	if (rc != 0)
		return rc;
	rc = db_query_int(db, "SELECT s.id FROM report_submissions s JOIN"
	    " report_forms f ON f.id = s.form_id WHERE f.code = $1 AND s.period = $2"
	    " AND s.unit_id = $3", DB_ARGS(DB_TEXT(form), DB_TEXT(p.code),
	    DB_INT(unit_id)), sub_id, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail(err, KH_E_NOT_FOUND, N_("This unit has no report for"
		    " the form and period."), NULL);
	return rc;
}

/* May the actor read the submission (in the scope of its unit or of its
 * approver)? */
static int
can_read_sub(struct db *db, const struct actor *a, const struct sub_core *c,
    struct kh_err *err)
{
	int rc = auth_can_read(db, a, c->unit_id, err);

	if (rc == KH_E_FORBIDDEN && c->approver_id > 0) {
		kh_err_clear(err);
		rc = auth_can_read(db, a, c->approver_id, err);
	}
	return rc;
}

int
reports_get(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_submission *out, struct kh_err *err)
{
	struct report_form f;
	struct sub_core c;
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0)
		rc = can_read_sub(db, a, &c, err);
	if (rc == 0)
		rc = reports_form_load_id(db, c.form_id, &f, err);
	if (rc != 0)
		return rc;
	rc = db_prepare(db, "SELECT s.id, f.code, u.id, u.code, u.name, s.period,"
	    " s.state, COALESCE(s.approver_unit_id, 0), s.deadline, s.late,"
	    " s.submitted_on, s.approved_on, s.comment, (SELECT count(*) FROM"
	    " report_evidence e WHERE e.submission_id = s.id)"
	    " FROM report_submissions s JOIN report_forms f ON f.id = s.form_id"
	    " JOIN units u ON u.id = s.unit_id WHERE s.id = $1",
	    DB_ARGS(DB_INT(sub_id)), &st, err);
	if (rc == 0 && (rc = db_step(st, err)) == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("Unknown report."), NULL);
	if (rc == 1) {
		out->id = db_col_int(st, 0);
		out->form = reports_col_str(st, 1);
		out->unit_id = db_col_int(st, 2);
		out->unit_code = reports_col_str(st, 3);
		out->unit_name = reports_col_str(st, 4);
		out->period = reports_col_str(st, 5);
		out->state = reports_col_str(st, 6);
		out->approver_unit_id = db_col_int(st, 7);
		out->deadline = db_col_strdup(st, 8, false);
		out->late = db_col_int(st, 9) != 0;
		out->submitted_on = db_col_strdup(st, 10, false);
		out->approved_on = db_col_strdup(st, 11, false);
		out->comment = reports_col_str(st, 12);
		out->n_evidence = (int)db_col_int(st, 13);
		rc = 0;
	}
	if (st != NULL)
		db_finalize(st);
	st = NULL;
	out->values = xcalloc(f.n_fields + 1, sizeof(*out->values));
	out->n_values = f.n_fields;
	for (size_t i = 0; i < f.n_fields; i++) {
		out->values[i].field = xstrdup(f.fields[i].code);
		out->values[i].raw = xstrdup("");
		out->values[i].source = xstrdup("");
	}
	if (rc == 0)
		rc = db_prepare(db, "SELECT field, raw, value, source FROM"
		    " report_values WHERE submission_id = $1",
		    DB_ARGS(DB_INT(sub_id)), &st, err);
	while (rc == 0 && (rc = db_step(st, err)) == 1) {
		int k = reports_form_field(&f, db_col_text(st, 0));
		struct report_value *v;

		rc = 0;
		if (k < 0)
			continue;
		v = &out->values[k];
		free(v->raw);
		free(v->source);
		v->raw = reports_col_str(st, 1);
		v->has_value = !db_col_null(st, 2);
		v->value = db_col_int(st, 2);
		v->source = reports_col_str(st, 3);
	}
	if (st != NULL)
		db_finalize(st);
	if (rc == 0) {
		/* Computed percentages are shown with the other values. */
		int64_t *vals = xcalloc(f.n_fields + 1, sizeof(*vals));
		bool *has = xcalloc(f.n_fields + 1, sizeof(*has));
		char num[32];

		for (size_t i = 0; i < f.n_fields; i++) {
			vals[i] = out->values[i].value;
			has[i] = out->values[i].has_value;
		}
		reports_recompute(&f, vals, has);
		for (size_t i = 0; i < f.n_fields; i++)
			if (f.fields[i].num != NULL) {
				out->values[i].has_value = has[i];
				out->values[i].value = vals[i];
				free(out->values[i].raw);
				num[0] = '\0';
				if (has[i])
					reports_x100_str(vals[i], num, sizeof(num));
				out->values[i].raw = xstrdup(num);
			}
		free(vals);
		free(has);
	}
	report_form_cleanup(&f);
	if (rc != 0)
		report_submission_cleanup(out);
	return rc;
}

/*
 * The level that decides on a unit's report submitted on `on`: the nearest
 * district above it before 1 July 2025, the nearest province after (the
 * country for a province); an old province after the restructuring is
 * replaced by the province that succeeded it.
 */
static int
approver_for(struct db *db, int64_t unit_id, const char *on, int64_t *out,
    struct kh_err *err)
{
	bool before = strcmp(on, UNITS_NEW_STRUCTURE_FROM) < 0;
	struct db_stmt *st;
	char *valid_to = NULL;
	int rc;

	*out = 0;
	rc = db_prepare(db, before ?
	    "SELECT u.id, u.valid_to FROM unit_tree t JOIN units u ON u.id ="
	    " t.ancestor_id WHERE t.descendant_id = $1 AND t.depth > 0 AND u.kind"
	    " IN ('district', 'province', 'country') ORDER BY t.depth LIMIT 1" :
	    "SELECT u.id, u.valid_to FROM unit_tree t JOIN units u ON u.id ="
	    " t.ancestor_id WHERE t.descendant_id = $1 AND t.depth > 0 AND u.kind"
	    " IN ('province', 'country') ORDER BY t.depth LIMIT 1",
	    DB_ARGS(DB_INT(unit_id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		*out = db_col_int(st, 0);
		valid_to = db_col_strdup(st, 1, false);
		rc = 0;
	} else if (rc == 0) {
		rc = kh_fail(err, KH_E_INVALID, N_("This unit has no level above it"
		    " to approve its report."), NULL);
	}
	db_finalize(st);
	if (rc == 0 && valid_to != NULL && strcmp(valid_to, on) < 0) {
		int64_t nid;

		rc = db_query_int(db, "SELECT new_id FROM unit_succession WHERE"
		    " old_id = $1 ORDER BY new_id LIMIT 1", DB_ARGS(DB_INT(*out)),
		    &nid, err);
		if (rc == 0)
			*out = nid;
		else if (rc == KH_E_NOT_FOUND) {
			kh_err_clear(err);
			rc = 0;
		}
	}
	free(valid_to);
	return rc;
}

int
reports_submit(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_problems *problems, struct kh_err *err)
{
	struct report_form f;
	struct sub_core c;
	char today[DATE_LEN], stamp[STAMP_LEN];
	char *deadline = NULL;
	int64_t approver;
	size_t bad = 0;
	int rc;

	if (problems != NULL)
		memset(problems, 0, sizeof(*problems));
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0)
		rc = auth_can_write(db, a, c.unit_id, err);
	if (rc == 0)
		rc = reports_form_load_id(db, c.form_id, &f, err);
	if (rc != 0)
		return rc;
	rc = db_begin(db, err);
	if (rc == 0)
		rc = core_load(db, sub_id, &c, err);
	if (rc == 0 && strcmp(c.state, REPORT_DRAFT) != 0 &&
	    strcmp(c.state, REPORT_RETURNED) != 0)
		rc = kh_fail(err, KH_E_CONFLICT, strcmp(c.state, REPORT_APPROVED) == 0 ?
		    N_("The report is approved and locked; only the approving level"
		    " can reopen it.") : N_("The report has already been submitted."),
		    NULL);
	if (rc == 0)
		rc = check(db, &f, sub_id, problems, &bad, err);
	if (rc == 0 && bad > 0) {
		char num[24];

		snprintf(num, sizeof(num), "%zu", bad);
		rc = kh_fail(err, KH_E_INVALID, N_("The report has %s problems to"
		    " correct; it is kept as a draft."), num);
	}
	date_today(today);
	if (rc == 0)
		rc = approver_for(db, c.unit_id, today, &approver, err);
	if (rc == 0) {
		rc = db_query_text(db, "SELECT deadline FROM report_assignments"
		    " WHERE form_id = $1 AND unit_kind = $2 AND period = $3",
		    DB_ARGS(DB_INT(c.form_id), DB_TEXT(c.unit_kind),
		    DB_TEXT(c.period)), &deadline, err);
		if (rc == KH_E_NOT_FOUND) {
			kh_err_clear(err);
			rc = 0;
		}
	}
	stamp_now(stamp);
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE report_submissions SET state ="
		    " 'submitted', approver_unit_id = $2, deadline = $3, late = $4,"
		    " submitted_on = $5, updated_at = $6 WHERE id = $1",
		    DB_ARGS(DB_INT(sub_id), DB_INT(approver), DB_TEXT(deadline),
		    DB_INT(deadline != NULL && strcmp(today, deadline) > 0),
		    DB_TEXT(today), DB_TEXT(stamp)), NULL, err);
	if (rc == 0)
		rc = record(db, a, &c, "submit", c.state, REPORT_SUBMITTED, NULL,
		    err);
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	free(deadline);
	report_form_cleanup(&f);
	return rc;
}

/* Approve, return or reopen: manager+ whose scope holds the approving
 * level, the report in state `from`. */
static int
decide(struct db *db, const struct actor *a, int64_t sub_id, const char *from,
    const char *to, const char *action, const char *comment,
    struct kh_err *err)
{
	struct sub_core c;
	char today[DATE_LEN], stamp[STAMP_LEN];
	int rc;

	rc = core_load(db, sub_id, &c, err);
	if (rc != 0)
		return rc;
	rc = can_read_sub(db, a, &c, err);
	if (rc != 0)
		return rc;
	if (strcmp(action, "approve") != 0 && (comment == NULL ||
	    comment[strspn(comment, " \t\r\n")] == '\0'))
		return kh_fail_field(err, KH_E_INVALID, "comment",
		    N_("Give the reason in a comment."), NULL);
	rc = auth_need_role(a, ROLE_MANAGER, err);
	if (rc == 0 && c.approver_id == 0)
		rc = kh_fail(err, KH_E_CONFLICT, N_("The report has not been"
		    " submitted."), NULL);
	if (rc == 0) {
		rc = auth_can_write(db, a, c.approver_id, err);
		if (rc == KH_E_FORBIDDEN || rc == KH_E_NOT_FOUND)
			rc = kh_fail(err, KH_E_FORBIDDEN, N_("Only the level above"
			    " the unit (the district before 1 July 2025, the province"
			    " after) decides on its report."), NULL);
	}
	if (rc != 0)
		return rc;
	rc = db_begin(db, err);
	if (rc == 0)
		rc = core_load(db, sub_id, &c, err);
	if (rc == 0 && strcmp(c.state, from) != 0)
		rc = kh_fail(err, KH_E_CONFLICT, strcmp(from, REPORT_APPROVED) == 0 ?
		    N_("Only an approved report can be reopened.") :
		    N_("Only a submitted report can be approved or returned."), NULL);
	date_today(today);
	stamp_now(stamp);
	if (rc == 0)
		rc = db_exec_args(db, "UPDATE report_submissions SET state = $2,"
		    " approved_on = $3, comment = $4, updated_at = $5 WHERE id = $1",
		    DB_ARGS(DB_INT(sub_id), DB_TEXT(to),
		    strcmp(to, REPORT_APPROVED) == 0 ? DB_TEXT(today) : DB_NULL,
		    DB_TEXT(comment != NULL ? comment : ""), DB_TEXT(stamp)),
		    NULL, err);
	if (rc == 0)
		rc = record(db, a, &c, action, from, to, comment, err);
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

int
reports_approve(struct db *db, const struct actor *a, int64_t sub_id,
    const char *comment, struct kh_err *err)
{
	return decide(db, a, sub_id, REPORT_SUBMITTED, REPORT_APPROVED, "approve",
	    comment, err);
}

int
reports_return(struct db *db, const struct actor *a, int64_t sub_id,
    const char *comment, struct kh_err *err)
{
	return decide(db, a, sub_id, REPORT_SUBMITTED, REPORT_RETURNED, "return",
	    comment, err);
}

int
reports_reopen(struct db *db, const struct actor *a, int64_t sub_id,
    const char *reason, struct kh_err *err)
{
	return decide(db, a, sub_id, REPORT_APPROVED, REPORT_RETURNED, "reopen",
	    reason, err);
}

int
reports_evidence_add(struct db *db, const struct actor *a, int64_t sub_id,
    const char *name, const char *content_type, const void *data, size_t size,
    int64_t *id, struct kh_err *err)
{
	struct sub_core c;
	char stamp[STAMP_LEN], idstr[24];
	int64_t eid = 0;
	json_t *after;
	int rc;

	if (size > REPORTS_EVIDENCE_MAX)
		return kh_fail(err, KH_E_TOO_LARGE, N_("The file is larger than"
		    " 10 MB."), NULL);
	if (name == NULL || *name == '\0')
		return kh_fail_field(err, KH_E_INVALID, "name",
		    N_("Give the file a name."), NULL);
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0)
		rc = auth_can_write(db, a, c.unit_id, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0 && strcmp(c.state, REPORT_DRAFT) != 0 &&
	    strcmp(c.state, REPORT_RETURNED) != 0)
		rc = kh_fail(err, KH_E_CONFLICT, N_("Evidence can be attached only"
		    " to a draft or returned report."), NULL);
	stamp_now(stamp);
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO report_evidence (submission_id,"
		    " name, content_type, size, data, created_at, actor) VALUES ($1,"
		    " $2, $3, $4, $5, $6, $7) RETURNING id", DB_ARGS(DB_INT(sub_id),
		    DB_TEXT(name), DB_TEXT(content_type != NULL ? content_type :
		    "application/octet-stream"), DB_INT(size), DB_BLOB(data, size),
		    DB_TEXT(stamp), DB_TEXT(a->login)), &eid, err);
	if (rc == 0 && id != NULL)
		*id = eid;
	if (rc == 0) {
		reports_id_str(sub_id, idstr);
		after = json_pack("{s:s, s:I}", "evidence", name, "size",
		    (json_int_t)size);
		rc = audit_record(db, a, c.unit_id, "attach", "report", idstr, NULL,
		    after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

void
report_evidence_cleanup(struct report_evidence *e)
{
	free(e->name);
	free(e->content_type);
	free(e->created_at);
	free(e->actor);
	free(e->data);
	memset(e, 0, sizeof(*e));
}

void
report_evidence_list_cleanup(struct report_evidence_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		report_evidence_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

#define SQL_EVIDENCE_COLS \
	"SELECT e.id, e.submission_id, e.name, e.content_type, e.size," \
	" e.created_at, e.actor"

static void
evidence_from_row(struct db_stmt *st, struct report_evidence *e)
{
	e->id = db_col_int(st, 0);
	e->submission_id = db_col_int(st, 1);
	e->name = reports_col_str(st, 2);
	e->content_type = reports_col_str(st, 3);
	e->size = (size_t)db_col_int(st, 4);
	e->created_at = reports_col_str(st, 5);
	e->actor = reports_col_str(st, 6);
}

int
reports_evidence_list(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_evidence_list *out, struct kh_err *err)
{
	struct sub_core c;
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0)
		rc = can_read_sub(db, a, &c, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_EVIDENCE_COLS " FROM report_evidence e"
		    " WHERE e.submission_id = $1 ORDER BY e.id",
		    DB_ARGS(DB_INT(sub_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->items = xrealloc(out->items,
			    out->cap * sizeof(*out->items));
		}
		memset(&out->items[out->n], 0, sizeof(out->items[0]));
		evidence_from_row(st, &out->items[out->n++]);
	}
	db_finalize(st);
	if (rc < 0) {
		report_evidence_list_cleanup(out);
		return rc;
	}
	return 0;
}

int
reports_evidence_get(struct db *db, const struct actor *a, int64_t sub_id,
    int64_t id, struct report_evidence *out, struct kh_err *err)
{
	struct sub_core c;
	struct db_stmt *st;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	/* The report's readers first: a file of a report out of scope is
	 * refused before anything about it is looked up. */
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0)
		rc = can_read_sub(db, a, &c, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_EVIDENCE_COLS ", e.data FROM report_evidence e"
		    " WHERE e.id = $1 AND e.submission_id = $2",
		    DB_ARGS(DB_INT(id), DB_INT(sub_id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		const void *p;
		size_t n = 0;

		evidence_from_row(st, out);
		p = db_col_blob(st, 7, &n);
		out->data = xmalloc(n + 1);
		if (n > 0)
			memcpy(out->data, p, n);
		out->size = n;
		rc = 0;
	} else if (rc == 0) {
		reports_id_str(id, ids);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No evidence file has the"
		    " number %s."), ids);
	}
	db_finalize(st);
	if (rc != 0)
		report_evidence_cleanup(out);
	return rc;
}

int
reports_history(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_history *out, struct kh_err *err)
{
	struct sub_core c;
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = core_load(db, sub_id, &c, err);
	if (rc == 0)
		rc = can_read_sub(db, a, &c, err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT at, action, from_state, to_state, actor,"
		    " comment FROM report_transitions WHERE submission_id = $1"
		    " ORDER BY id", DB_ARGS(DB_INT(sub_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct report_transition *t;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->items = xrealloc(out->items, out->cap * sizeof(*t));
		}
		t = &out->items[out->n++];
		t->at = reports_col_str(st, 0);
		t->action = reports_col_str(st, 1);
		t->from_state = db_col_strdup(st, 2, false);
		t->to_state = reports_col_str(st, 3);
		t->actor = reports_col_str(st, 4);
		t->comment = reports_col_str(st, 5);
	}
	db_finalize(st);
	if (rc < 0) {
		report_history_cleanup(out);
		return rc;
	}
	return 0;
}
