/*
 * registration.c - registering a subject for a model's title in a year, and
 * reading registrations back (one, a list, the history).
 */
#include "models/models_impl.h"
#include "core/buf.h"
#include "core/vntext.h"
#include "units/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
model_registration_cleanup(struct model_registration *r)
{
	free(r->model);
	free(r->subject_kind);
	free(r->subject_name);
	free(r->unit_code);
	free(r->unit_name);
	free(r->set_code);
	free(r->state);
	free(r->registered_on);
	free(r->note);
	free(r->band);
	free(r->certificate_no);
	memset(r, 0, sizeof(*r));
}

void
model_reg_list_cleanup(struct model_reg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		model_registration_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* The subject kind of a model. */
static const char *
subject_kind_of(const char *model)
{
	if (strcmp(model, MODEL_CITIZEN) == 0)
		return "person";
	if (strcmp(model, MODEL_FAMILY) == 0)
		return "household";
	if (strcmp(model, MODEL_CLAN) == 0)
		return "clan";
	return "unit";
}

/* The subject's own unit and, for a person, their recorded group. */
static int
subject_resolve(struct db *db, const char *model, int64_t subject_id,
    int64_t *unit_id, int *group, struct kh_err *err)
{
	const char *kind = subject_kind_of(model);
	struct db_stmt *st;
	char ids[24];
	int rc;

	*unit_id = 0;
	*group = 0;
	models_id_str(subject_id, ids);
	if (strcmp(kind, "person") == 0)
		rc = db_prepare(db, "SELECT unit_id, COALESCE(subject_group, 0)"
		    " FROM people WHERE id = $1", DB_ARGS(DB_INT(subject_id)), &st,
		    err);
	else if (strcmp(kind, "household") == 0)
		rc = db_prepare(db, "SELECT unit_id, 0 FROM households WHERE id = $1",
		    DB_ARGS(DB_INT(subject_id)), &st, err);
	else if (strcmp(kind, "clan") == 0)
		rc = db_prepare(db, "SELECT unit_id, 0 FROM clans WHERE id = $1",
		    DB_ARGS(DB_INT(subject_id)), &st, err);
	else
		rc = db_prepare(db, "SELECT id, kind FROM units WHERE id = $1",
		    DB_ARGS(DB_INT(subject_id)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		*unit_id = db_col_int(st, 0);
		rc = 0;
		if (strcmp(kind, "unit") != 0)
			*group = (int)db_col_int(st, 1);
		else {
			const char *uk = db_col_text(st, 1);
			bool fits;

			/* A village community is a village or residential group;
			 * a learning unit is an organisation; the commune learning
			 * community is a commune. */
			if (strcmp(model, MODEL_COMMUNITY) == 0)
				fits = strcmp(uk, UNIT_VILLAGE) == 0;
			else if (strcmp(model, MODEL_COMMUNE_COMMUNITY) == 0)
				fits = strcmp(uk, UNIT_COMMUNE) == 0;
			else
				fits = units_kind_is_org(uk) &&
				    strcmp(uk, UNIT_VILLAGE) != 0;
			if (!fits)
				rc = kh_fail_field(err, KH_E_INVALID, "subject_id",
				    N_("The unit %s is not of a kind this model"
				    " recognises."), ids);
		}
	} else if (rc == 0)
		rc = kh_fail_field(err, KH_E_NOT_FOUND, "subject_id",
		    N_("The subject %s of this registration does not exist."), ids);
	db_finalize(st);
	return rc;
}

/* The set chosen by code (and version), checked against model, year and
 * unit; or the one in force. */
static int
pick_set(struct db *db, const struct actor *a, const struct model_reg_input *in,
    int64_t unit_id, struct criteria_set *out, struct kh_err *err)
{
	char first[DATE_LEN + 8], last[DATE_LEN + 8];
	int64_t ok = 0;
	int rc;

	if (in->set_code == NULL || in->set_code[0] == '\0')
		return models_set_for(db, a, in->model, in->year, unit_id, out, err);
	rc = models_set_get(db, a, in->set_code, in->set_version, out, err);
	if (rc != 0)
		return rc;
	snprintf(first, sizeof(first), "%04d-01-01", in->year);
	snprintf(last, sizeof(last), "%04d-12-31", in->year);
	if (strcmp(out->model, in->model) != 0)
		rc = kh_fail_field(err, KH_E_INVALID, "set_code", N_("The criteria"
		    " set %s is for another model."), in->set_code);
	else if (strcmp(out->effective_from, last) > 0 ||
	    (out->effective_to != NULL && strcmp(out->effective_to, first) < 0))
		rc = kh_fail_field(err, KH_E_INVALID, "set_code", N_("The criteria"
		    " set %s is not in force that year."), in->set_code);
	else if (out->owner_unit_id > 0) {
		rc = db_query_int(db, "SELECT count(*) FROM unit_tree WHERE"
		    " ancestor_id = $1 AND descendant_id = $2",
		    DB_ARGS(DB_INT(out->owner_unit_id), DB_INT(unit_id)), &ok, err);
		if (rc == 0 && ok == 0)
			rc = kh_fail_field(err, KH_E_INVALID, "set_code",
			    N_("The criteria set %s belongs to another province."),
			    in->set_code);
	}
	if (rc != 0)
		criteria_set_cleanup(out);
	return rc;
}

int
models_register(struct db *db, const struct actor *a,
    const struct model_reg_input *in, int64_t *id_out, struct kh_err *err)
{
	struct criteria_set set;
	struct model_deadlines dl;
	struct reg_core r;
	char today[DATE_LEN], now[STAMP_LEN], yr[12], *note = NULL;
	char *state = NULL;
	int64_t subject_unit = 0, unit_id, id = 0;
	int group = 0, rc;
	json_t *extra = NULL;

	memset(&set, 0, sizeof(set));
	memset(&r, 0, sizeof(r));
	date_today(today);
	if (in->model == NULL || !models_model_valid(in->model))
		return kh_fail_field(err, KH_E_INVALID, "model", N_("%s is not a"
		    " known learning model."), in->model != NULL ? in->model : "");
	snprintf(yr, sizeof(yr), "%d", in->year);
	if (in->year < 2000 || in->year > atoi(today) + 1)
		return kh_fail_field(err, KH_E_INVALID, "year", N_("The year %s is"
		    " outside the years one may register for."), yr);
	rc = auth_need_role(a, ROLE_OFFICER, err);
	if (rc == 0)
		rc = subject_resolve(db, in->model, in->subject_id, &subject_unit,
		    &group, err);
	if (rc != 0)
		return rc;
	unit_id = subject_unit;
	if (in->unit_id > 0 && in->unit_id != subject_unit) {
		if (strcmp(in->model, MODEL_CITIZEN) != 0)
			return kh_fail_field(err, KH_E_INVALID, "unit_id",
			    N_("Only a citizen may be registered through another"
			    " unit than their own."), NULL);
		unit_id = in->unit_id;
	}
	rc = auth_can_write(db, a, unit_id, err);
	if (rc == 0)
		rc = auth_can_read(db, a, subject_unit, err);
	if (rc != 0)
		return rc;
	if (strcmp(in->model, MODEL_CITIZEN) == 0) {
		if (in->subject_group > 0)
			group = in->subject_group;
		if (group < 1 || group > 4)
			return kh_fail_field(err, KH_E_INVALID, "subject_group",
			    N_("Choose the learning-citizen group (1 to 4)."), NULL);
	} else
		group = 0;
	rc = pick_set(db, a, in, unit_id, &set, err);
	if (rc != 0)
		return rc;
	if (set.n_groups > 0) {
		bool known = false;

		for (size_t g = 0; g < set.n_groups; g++)
			if (set.groups[g].group == group)
				known = true;
		if (!known) {
			rc = kh_fail_field(err, KH_E_INVALID, "subject_group",
			    N_("Choose one of the subject groups of the criteria"
			    " set."), NULL);
			goto out;
		}
	}
	if (in->note != NULL) {
		note = vn_nfc(in->note, strlen(in->note));
		if (note == NULL || strlen(note) > 2000) {
			rc = kh_fail_field(err, KH_E_INVALID, "note", N_("The note is"
			    " not valid text of at most 2000 bytes."), NULL);
			goto out;
		}
	}
	rc = models_deadlines_for(db, unit_id, in->year, in->model, &dl, err);
	if (rc != 0)
		goto out;
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = db_query_text(db, "SELECT state FROM model_registrations WHERE"
	    " model = $1 AND year = $2 AND subject_kind = $3 AND subject_id = $4",
	    DB_ARGS(DB_TEXT(in->model), DB_INT(in->year),
	    DB_TEXT(subject_kind_of(in->model)), DB_INT(in->subject_id)), &state,
	    err);
	if (rc == 0)
		rc = kh_fail(err, KH_E_CONFLICT, N_("This subject is already"
		    " registered for this title that year (%s)."),
		    models_state_label(state, a->lang));
	else if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		rc = db_query_int(db, "INSERT INTO model_registrations (model, year,"
		    " subject_kind, subject_id, unit_id, subject_group, set_id, state,"
		    " registered_on, note, created_at, updated_at) VALUES ($1, $2, $3,"
		    " $4, $5, $6, $7, 'registered', $8, $9, $10, $10) RETURNING id",
		    DB_ARGS(DB_TEXT(in->model), DB_INT(in->year),
		    DB_TEXT(subject_kind_of(in->model)), DB_INT(in->subject_id),
		    DB_INT(unit_id), group > 0 ? DB_INT(group) : DB_NULL,
		    DB_INT(set.id), DB_TEXT(today), DB_TEXT(note != NULL ? note : ""),
		    DB_TEXT(now)), &id, err);
	}
	if (rc == 0) {
		memset(&r, 0, sizeof(r));
		r.id = id;
		r.unit_id = unit_id;
		r.year = in->year;
		r.subject_group = group;
		snprintf(r.model, sizeof(r.model), "%s", in->model);
		rc = models_counts_move(db, &r, NULL, REG_REGISTERED, err);
	}
	if (rc == 0)
		rc = models_log_transition(db, a, id, "register", NULL,
		    REG_REGISTERED, NULL, dl.register_by, err);
	if (rc == 0) {
		extra = json_pack("{s:s, s:I, s:s, s:i}", "subject_kind",
		    subject_kind_of(in->model), "subject_id",
		    (json_int_t)in->subject_id, "set", set.code, "set_version",
		    set.version);
		if (group > 0)
			json_object_set_new(extra, "subject_group", json_integer(group));
		rc = models_audit_reg(db, a, &r, "register", NULL, REG_REGISTERED,
		    extra, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0 && id_out != NULL)
		*id_out = id;
out:
	json_decref(extra);
	free(state);
	free(note);
	criteria_set_cleanup(&set);
	return rc;
}

/* W: the SQL parameter bound to people_name_scope(actor) (people.h). */
#define SQL_REG_COLS(W) \
	"SELECT r.id, r.model, r.year, r.subject_kind, r.subject_id, " \
	MODELS_SUBJECT_NAME(W) ", r.unit_id, u.code, u.name," \
	" COALESCE(r.subject_group, 0), r.set_id, s.code, s.version, r.state," \
	" r.returned, r.late, r.registered_on, r.note, COALESCE(r.total_x100, -1)," \
	" COALESCE(r.max_x100, 0), r.achieved, r.band, r.level," \
	" COALESCE(r.decision_id, 0), r.certificate_no" \
	" FROM model_registrations r JOIN units u ON u.id = r.unit_id" \
	" JOIN criteria_sets s ON s.id = r.set_id"

static void
reg_from_row(struct db_stmt *st, struct model_registration *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->model = models_col_str(st, 1);
	r->year = (int)db_col_int(st, 2);
	r->subject_kind = models_col_str(st, 3);
	r->subject_id = db_col_int(st, 4);
	r->subject_name = models_col_str(st, 5);
	r->unit_id = db_col_int(st, 6);
	r->unit_code = models_col_str(st, 7);
	r->unit_name = models_col_str(st, 8);
	r->subject_group = (int)db_col_int(st, 9);
	r->set_id = db_col_int(st, 10);
	r->set_code = models_col_str(st, 11);
	r->set_version = (int)db_col_int(st, 12);
	r->state = models_col_str(st, 13);
	r->returned = db_col_int(st, 14) != 0;
	r->late = db_col_int(st, 15) != 0;
	r->registered_on = models_col_str(st, 16);
	r->note = models_col_str(st, 17);
	r->total_x100 = db_col_int(st, 18);
	r->max_x100 = db_col_int(st, 19);
	r->achieved = db_col_int(st, 20) != 0;
	r->band = models_col_str(st, 21);
	r->level = (int)db_col_int(st, 22);
	r->decision_id = db_col_int(st, 23);
	r->certificate_no = models_col_dup(st, 24);
}

int
models_get(struct db *db, const struct actor *a, int64_t id,
    struct model_registration *out, struct kh_err *err)
{
	struct db_stmt *st;
	char ids[24];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_prepare(db, SQL_REG_COLS("$2") " WHERE r.id = $1",
	    DB_ARGS(DB_INT(id), DB_INT(people_name_scope(a))), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		reg_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		models_id_str(id, ids);
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No registration has the"
		    " number %s."), ids);
	}
	db_finalize(st);
	if (rc == 0) {
		rc = auth_can_read(db, a, out->unit_id, err);
		if (rc != 0)
			model_registration_cleanup(out);
	}
	return rc;
}

/* $1: the subtree's root, or 0 for the actor's whole scope ($2). */
#define SQL_LIST_WHERE \
	" WHERE (($1 = 0 AND " AUTH_IN_SCOPE("r.unit_id", "$2") ")" \
	"   OR ($1 <> 0 AND EXISTS (SELECT 1 FROM unit_tree t" \
	"   WHERE t.ancestor_id = $1 AND t.descendant_id = r.unit_id)))" \
	" AND ($3 IS NULL OR r.model = $3) AND ($4 = 0 OR r.year = $4)" \
	" AND ($5 IS NULL OR r.state = $5)"

/*
 * The search key of a registration's subject other than a clan (clans have
 * no stored key: their names are matched here, in C), with a leading space
 * so that " word%" patterns find the start of each word. A name the actor
 * may not see (people.h, PEOPLE_HIDDEN_SQL; $6 is people_name_scope) is not
 * searched either: finding the row would tell who it is.
 */
#define SQL_SUBJECT_KEY \
	"(CASE r.subject_kind" \
	" WHEN 'person' THEN (SELECT ' ' || kp.name_key FROM people kp" \
	"   WHERE kp.id = r.subject_id AND NOT " PEOPLE_HIDDEN_SQL("kp", "$6") ")" \
	" WHEN 'household' THEN (SELECT ' ' || lower(kh.code) || ' ' ||" \
	"   COALESCE((SELECT CASE WHEN " PEOPLE_HIDDEN_SQL("hp", "$6") \
	"   THEN '' ELSE hp.name_key END FROM people hp WHERE" \
	"   hp.household_id = kh.id AND hp.is_head = 1 ORDER BY hp.id LIMIT 1)," \
	"   '') FROM households kh WHERE kh.id = r.subject_id)" \
	" WHEN 'unit' THEN (SELECT ' ' || ku.search_key FROM units ku" \
	"   WHERE ku.id = r.subject_id) END)"

/* The stored Vietnamese sort key of the subject (NULL for a clan). */
#define SQL_SUBJECT_SORT \
	"(CASE r.subject_kind" \
	" WHEN 'person' THEN (SELECT op.sort_key FROM people op" \
	"   WHERE op.id = r.subject_id)" \
	" WHEN 'household' THEN (SELECT oh.sort_key FROM people oh WHERE" \
	"   oh.household_id = r.subject_id AND oh.is_head = 1 ORDER BY oh.id" \
	"   LIMIT 1)" \
	" WHEN 'unit' THEN (SELECT ou.sort_key FROM units ou" \
	"   WHERE ou.id = r.subject_id) END)"

/* The clans of the list's subtree whose name and branch match every word
 * of qkey, as ",id,id,...," for a LIKE test in SQL. */
static int
clans_matching(struct db *db, const struct actor *a, int64_t unit_id,
    const char *qkey, char **out, struct kh_err *err)
{
	struct db_stmt *st;
	struct buf b = BUF_INIT;
	int rc;

	*out = NULL;
	buf_putc(&b, ',');
	rc = db_prepare(db, "SELECT c.id, c.name || ' ' || c.branch FROM clans c"
	    " WHERE (($1 = 0 AND " AUTH_IN_SCOPE("c.unit_id", "$2") ")"
	    "   OR ($1 <> 0 AND EXISTS (SELECT 1 FROM unit_tree t"
	    "   WHERE t.ancestor_id = $1 AND t.descendant_id = c.unit_id)))",
	    DB_ARGS(DB_INT(unit_id), DB_INT(a->unit_id)), &st, err);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	while ((rc = db_step(st, err)) == 1) {
		char *key = vn_search_key(db_col_text(st, 1));

		if (vn_key_matches(key, qkey))
			buf_printf(&b, "%lld,", (long long)db_col_int(st, 0));
		free(key);
	}
	db_finalize(st);
	if (rc < 0) {
		buf_free(&b);
		return rc;
	}
	*out = buf_steal(&b);
	return 0;
}

int
models_list(struct db *db, const struct actor *a, const struct model_query *q,
    struct model_reg_list *out, struct kh_err *err)
{
	struct db_stmt *st;
	struct db_arg *args = NULL;
	struct buf where = BUF_INIT, sql = BUF_INIT;
	char *qkey = NULL, *clans = NULL, *w, *save = NULL;
	char **pats = NULL;
	int limit = q->limit <= 0 ? 50 : q->limit > 1000 ? 1000 : q->limit;
	int nargs = 5, npats = 0, rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_VIEWER, err);
	if (rc == 0 && q->unit_id > 0)
		rc = auth_can_read(db, a, q->unit_id, err);
	if (rc != 0)
		return rc;
	buf_puts(&where, SQL_LIST_WHERE);
	if (q->q != NULL && q->q[0] != '\0') {
		qkey = vn_search_key(q->q);
		if (qkey[0] != '\0') {
			char *words = xstrdup(qkey);

			for (w = strtok_r(words, " ", &save); w != NULL;
			    w = strtok_r(NULL, " ", &save)) {
				pats = xrealloc(pats, (size_t)(npats + 1) *
				    sizeof(*pats));
				pats[npats++] = xasprintf("%% %s%%", w);
			}
			free(words);
			if (q->model == NULL || strcmp(q->model, MODEL_CLAN) == 0)
				rc = clans_matching(db, a, q->unit_id, qkey, &clans,
				    err);
		}
	}
	/* Arguments: $1..$5 of SQL_LIST_WHERE, $6 people_name_scope (the
	 * subject's name and search key), then $7 the matching clans and one
	 * pattern per word, then limit and offset. */
	args = xcalloc((size_t)npats + 9, sizeof(*args));
	args[0] = DB_INT(q->unit_id);
	args[1] = DB_INT(a->unit_id);
	args[2] = DB_TEXT(q->model);
	args[3] = DB_INT(q->year);
	args[4] = DB_TEXT(q->state);
	args[nargs++] = DB_INT(people_name_scope(a));
	if (npats > 0) {
		args[nargs++] = DB_TEXT(clans != NULL ? clans : ",");
		buf_puts(&where, " AND ((r.subject_kind = 'clan' AND $7 LIKE"
		    " '%,' || CAST(r.subject_id AS TEXT) || ',%') OR"
		    " (r.subject_kind <> 'clan'");
		for (int i = 0; i < npats; i++) {
			args[nargs++] = DB_TEXT(pats[i]);
			buf_printf(&where, " AND " SQL_SUBJECT_KEY " LIKE $%d",
			    nargs);
		}
		buf_puts(&where, "))");
	}
	if (rc == 0) {
		buf_printf(&sql, "SELECT count(*) FROM model_registrations r%s",
		    buf_str(&where));
		rc = db_query_int(db, buf_str(&sql), args, nargs, &out->total,
		    err);
	}
	buf_reset(&sql);
	buf_printf(&sql, SQL_REG_COLS("$6") "%s ORDER BY r.year DESC, ",
	    buf_str(&where));
	if (q->order == MODELS_ORDER_NAME)
		buf_puts(&sql, "(u.sort_key IS NULL), u.sort_key, u.name, u.id, "
		    "(" SQL_SUBJECT_SORT " IS NULL), " SQL_SUBJECT_SORT ", "
		    MODELS_SUBJECT_NAME("$6") ", r.id");
	else
		buf_puts(&sql, "u.code, r.id");
	buf_printf(&sql, " LIMIT $%d OFFSET $%d", nargs + 1, nargs + 2);
	args[nargs++] = DB_INT(limit);
	args[nargs++] = DB_INT(q->offset > 0 ? q->offset : 0);
	if (rc == 0)
		rc = db_prepare(db, buf_str(&sql), args, nargs, &st, err);
	if (rc == 0) {
		while ((rc = db_step(st, err)) == 1) {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 32;
				out->items = xrealloc(out->items,
				    out->cap * sizeof(*out->items));
			}
			reg_from_row(st, &out->items[out->n++]);
		}
		db_finalize(st);
		if (rc > 0)
			rc = 0;
	}
	if (rc != 0)
		model_reg_list_cleanup(out);
	for (int i = 0; i < npats; i++)
		free(pats[i]);
	free(pats);
	free(args);
	free(qkey);
	free(clans);
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

void
model_transition_list_cleanup(struct model_transition_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct model_transition *t = &l->items[i];

		free(t->at);
		free(t->action);
		free(t->from_state);
		free(t->to_state);
		free(t->actor);
		free(t->reason);
		free(t->deadline);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int
models_history(struct db *db, const struct actor *a, int64_t reg_id,
    struct model_transition_list *out, struct kh_err *err)
{
	struct reg_core r;
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = models_reg_load(db, reg_id, &r, err);
	if (rc == 0)
		rc = auth_can_read(db, a, r.unit_id, err);
	if (rc == 0)
		rc = db_prepare(db, "SELECT id, at, action, from_state, to_state,"
		    " actor, reason, late, deadline FROM model_transitions"
		    " WHERE registration_id = $1 ORDER BY id",
		    DB_ARGS(DB_INT(reg_id)), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		struct model_transition *t;

		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->items = xrealloc(out->items, out->cap * sizeof(*t));
		}
		t = &out->items[out->n++];
		t->id = db_col_int(st, 0);
		t->at = models_col_str(st, 1);
		t->action = models_col_str(st, 2);
		t->from_state = models_col_dup(st, 3);
		t->to_state = models_col_str(st, 4);
		t->actor = models_col_str(st, 5);
		t->reason = models_col_str(st, 6);
		t->late = db_col_int(st, 7) != 0;
		t->deadline = models_col_dup(st, 8);
	}
	db_finalize(st);
	if (rc < 0) {
		model_transition_list_cleanup(out);
		return rc;
	}
	return 0;
}
