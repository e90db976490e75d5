/*
 * page_public.c - the public learning-citizen self-assessment, without an
 * account, on a phone: choose the commune and the village (step 1), give
 * who you are, your subject group and your consent (step 2), answer the form
 * of your group (step 3), keep the receipt code, follow the status. And the
 * village board's queue of these forms, where an officer sees the answers and
 * their score and accepts or rejects each one.
 *
 * The public forms carry the double-submit CSRF token of the login form
 * (page_presession_csrf) when nobody is logged in; a logged-in officer's
 * session token otherwise.
 */
#include "web/web.h"
#include "core/date.h"
#include "io/table.h"
#include "models/models.h"
#include "people/people.h"
#include "public/public.h"
#include "units/units.h"
#include "web/html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC_PATH "/public/citizen"

/* The anonymous side reads units and criteria as the system: only what the
 * public form needs is shown (names of communes and villages, the form). */
static int
sys_actor(struct http_req *req, struct actor *sys, struct kh_err *err)
{
	return auth_system_actor(web(req)->db, sys, err);
}

/* Before any public form: the token a form without a session carries. */
static void
public_csrf(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);

	if (!w->authed)
		snprintf(w->csrf, sizeof(w->csrf), "%s",
		    page_presession_csrf(req, resp));
}

static const char *
lang_pick(struct http_req *req, const char *vi, const char *en)
{
	return strcmp(web(req)->lang, "en") == 0 && en != NULL && en[0] != '\0' ?
	    en : vi;
}

static void
steps(struct http_req *req, struct buf *b, int step)
{
	static const char *const names[] = {N_("Where you live"), N_("About you"),
	    N_("Your answers"), N_("Your receipt")};

	html_raw(b, "<ol class=\"steps\">");
	for (int i = 0; i < 4; i++) {
		html_raw(b, i + 1 == step ? "<li aria-current=\"step\">" : "<li>");
		html_text(b, tr(req, names[i]));
		html_raw(b, "</li>");
	}
	html_raw(b, "</ol>");
}

static void
public_begin(struct http_req *req, struct http_resp *resp, int step)
{
	struct buf *b = &resp->body;

	page_begin(req, resp, tr(req, N_("Learning citizen self-assessment")));
	html_raw(b, "<div class=\"public\"><h1>");
	html_text(b, tr(req, N_("Learning citizen self-assessment")));
	html_raw(b, "</h1>");
	if (step > 0)
		steps(req, b, step);
}

static void
public_end(struct http_req *req, struct http_resp *resp)
{
	struct buf *b = &resp->body;

	html_raw(b, "<p class=\"muted\"><a href=\"/public/status\">");
	html_text(b, tr(req, N_("Follow a form already sent")));
	html_raw(b, "</a></p></div>");
	page_end(req, resp);
}

/* ---- Step 1: the commune, then the village ---- */

static void
step_place(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err e2 = KH_ERR_INIT;
	struct actor sys;
	struct unit_list l = UNIT_LIST_INIT;
	struct unit c = UNIT_INIT;
	struct buf *b = &resp->body;
	const char *q = http_query(req, "q"), *commune = http_query(req, "commune");
	char today[DATE_LEN];
	size_t i, shown = 0;

	date_today(today);
	public_begin(req, resp, 1);
	if (err != NULL)
		page_error_box(req, b, err);
	if (sys_actor(req, &sys, &e2) != 0) {
		page_error_box(req, b, &e2);
		public_end(req, resp);
		return;
	}
	if (commune != NULL && units_find(w->db, &sys, commune, NULL, &c, &e2) == 0 &&
	    strcmp(c.kind, UNIT_COMMUNE) == 0) {
		const char **vals, **texts;
		size_t n = 0;

		if (units_children(w->db, &sys, c.id, today, &l, &e2) != 0)
			l.n = 0;
		vals = arena_alloc(&req->arena, (l.n + 1) * sizeof(*vals));
		texts = arena_alloc(&req->arena, (l.n + 1) * sizeof(*texts));
		for (i = 0; i < l.n; i++)
			if (strcmp(l.items[i].kind, UNIT_VILLAGE) == 0) {
				vals[n] = l.items[i].code;
				texts[n++] = l.items[i].name;
			}
		html_raw(b, "<section class=\"card\" id=\"village\"><h2>");
		html_text(b, c.name);
		html_raw(b, "</h2><form method=\"get\" action=\"" PUBLIC_PATH "\">");
		if (n > 0) {
			page_select(req, b, "v-unit", "unit",
			    N_("Your village or residential group"), vals, texts, n,
			    NULL);
		} else {
			html_raw(b, "<input type=\"hidden\" name=\"unit\" value=\"");
			html_attr(b, c.code);
			html_raw(b, "\"><p>");
			html_text(b, tr(req, N_("This commune has no villages or"
			    " residential groups recorded: your form goes to the"
			    " commune's association.")));
			html_raw(b, "</p>");
		}
		html_raw(b, "<button type=\"submit\">");
		html_text(b, tr(req, N_("Next step")));
		html_raw(b, "</button></form><p><a href=\"" PUBLIC_PATH "\">");
		html_text(b, tr(req, N_("Choose another commune")));
		html_raw(b, "</a></p></section>");
		unit_list_cleanup(&l);
		unit_cleanup(&c);
		public_end(req, resp);
		return;
	}
	unit_cleanup(&c);
	html_raw(b, "<section class=\"card\" id=\"commune\"><h2>");
	html_text(b, tr(req, N_("Your commune or ward")));
	html_raw(b, "</h2><p class=\"lead\">");
	html_text(b, tr(req, N_("No account is needed. Your form goes to the study"
	    " encouragement board of your village or residential group, which"
	    " checks it before it counts. Nothing about you is published.")));
	html_raw(b, "</p><form class=\"search\" method=\"get\" action=\""
	    PUBLIC_PATH "\"><input type=\"search\" name=\"q\" id=\"q\" aria-label=\"");
	html_attr(b, tr(req, N_("Find your commune or ward")));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, N_("e.g. le chan")));
	html_raw(b, "\" required value=\"");
	html_attr(b, q);
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Search")));
	html_raw(b, "</button></form>");
	if (q != NULL && q[0] != '\0') {
		if (units_search(w->db, &sys, q, today, 200, &l, &e2) != 0)
			l.n = 0;
		html_raw(b, "<ul class=\"picks\" id=\"communes\">");
		for (i = 0; i < l.n && shown < 20; i++) {
			if (strcmp(l.items[i].kind, UNIT_COMMUNE) != 0)
				continue;
			html_raw(b, "<li><a href=\"" PUBLIC_PATH "?commune=");
			html_url(b, l.items[i].code);
			html_raw(b, "\">");
			html_text(b, l.items[i].name);
			html_raw(b, "</a> <span class=\"muted\">");
			html_text(b, l.items[i].parent_name);
			html_raw(b, "</span></li>");
			shown++;
		}
		html_raw(b, "</ul>");
		if (shown == 0) {
			html_raw(b, "<p>");
			html_text(b, tr(req, N_("No commune or ward matches.")));
			html_raw(b, "</p>");
		}
		unit_list_cleanup(&l);
	}
	html_raw(b, "</section>");
	public_end(req, resp);
}

/* ---- What the forms send ---- */

struct typed {
	struct unit unit;
	struct public_input in;
	char birth[DATE_LEN];
	char idn[13];
	struct model_answer *answers;
	size_t n_answers;
};

/* The unit chosen (its code in "unit", query or form) and checked. */
static int
typed_unit(struct http_req *req, struct unit *u, struct kh_err *err)
{
	struct actor sys;
	const char *code = http_form(req, "unit");
	int rc;

	if (code == NULL)
		code = http_query(req, "unit");
	if (code == NULL || code[0] == '\0')
		return kh_fail_field(err, KH_E_INVALID, "unit", N_("Choose your"
		    " village or residential group from the list."), NULL);
	rc = sys_actor(req, &sys, err);
	if (rc == 0)
		rc = units_find(web(req)->db, &sys, code, NULL, u, err);
	if (rc == KH_E_NOT_FOUND)
		rc = kh_fail_field(err, KH_E_INVALID, "unit", N_("Choose your"
		    " village or residential group from the list."), NULL);
	if (rc == 0)
		rc = public_unit_check(web(req)->db, u->id, err);
	return rc;
}

/* The identity part of the form. */
static int
typed_identity(struct http_req *req, struct typed *t, struct kh_err *err)
{
	const char *s;
	int rc = 0;

	t->in.unit_id = t->unit.id;
	t->in.full_name = http_form(req, "full_name");
	s = http_form(req, "birth");
	if (s != NULL && s[0] != '\0') {
		rc = table_parse_date(s, t->birth, &t->in.birth_year_only, err);
		if (rc != 0)
			snprintf(err->field, sizeof(err->field), "birth");
		t->in.birth_date = t->birth;
	}
	s = http_form(req, "sex");
	t->in.sex = s != NULL && (s[0] == 'M' || s[0] == 'F') ? s[0] : 0;
	s = http_form(req, "id_number");
	if (rc == 0 && s != NULL && s[0] != '\0') {
		rc = table_parse_id_number(s, t->idn, err);
		if (rc != 0)
			snprintf(err->field, sizeof(err->field), "id_number");
		t->in.id_number = t->idn;
	}
	t->in.phone = http_form(req, "phone");
	s = http_form(req, "subject_group");
	t->in.subject_group = s != NULL ? atoi(s) : 0;
	t->in.consent = http_form(req, "consent") != NULL;
	t->in.notice_lang = web(req)->lang;
	t->in.client_ip = req->ip;
	t->in.note = http_form(req, "note");
	if (rc == 0)
		rc = public_check_identity(web(req)->db, &t->in, err);
	return rc;
}

/* "8", "8.5" or "8,5" points as hundredths; -1 when not a number. */
static int64_t
points_x100(const char *s)
{
	int64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;

	while (*s == ' ')
		s++;
	for (; isdigit((unsigned char)*s) && nd < 6; s++, nd++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.' || *s == ',') {
		for (s++; isdigit((unsigned char)*s) && nf < 2; s++, nf++)
			frac = frac * 10 + (*s - '0');
		if (nf == 1)
			frac *= 10;
	}
	while (*s == ' ')
		s++;
	if (*s != '\0' || nd == 0)
		return -1;
	return whole * 100 + frac;
}

/* The answers of step 3: a field a_CODE per question of the group. */
static int
typed_answers(struct http_req *req, const struct criteria_set *set,
    struct typed *t, struct kh_err *err)
{
	size_t i, n = 0;

	t->answers = arena_alloc(&req->arena,
	    (set->n_items + 1) * sizeof(*t->answers));
	for (i = 0; i < set->n_items; i++) {
		const struct criteria_item *it = &set->items[i];
		char *name;
		const char *v;

		if (strcmp(it->kind, "criterion") == 0 ||
		    !criteria_applies(it, t->in.subject_group))
			continue;
		name = arena_printf(&req->arena, "a_%s", it->code);
		v = http_form(req, name);
		if (strcmp(it->kind, CRIT_POINTS) == 0) {
			int64_t x;

			if (v == NULL || v[0] == '\0')
				continue;
			x = points_x100(v);
			if (x < 0)
				return kh_fail_field(err, KH_E_INVALID, "answers",
				    N_("The answer to question %s is not a"
				    " number."), it->code);
			memset(&t->answers[n], 0, sizeof(t->answers[n]));
			t->answers[n].code = it->code;
			t->answers[n++].value_x100 = x;
		} else if (strcmp(it->kind, CRIT_BOOL) == 0) {
			memset(&t->answers[n], 0, sizeof(t->answers[n]));
			t->answers[n].code = it->code;
			t->answers[n++].met = v != NULL;
		}
	}
	t->n_answers = n;
	t->in.answers = t->answers;
	t->in.n_answers = n;
	return 0;
}

static void
hidden(struct buf *b, const char *name, const char *value)
{
	html_raw(b, "<input type=\"hidden\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" value=\"");
	html_attr(b, value);
	html_raw(b, "\">");
}

static void
unverified_tag(struct http_req *req, struct buf *b, bool verified)
{
	if (verified)
		return;
	html_raw(b, " <span class=\"tag\">");
	html_text(b, tr(req, N_("value not verified")));
	html_raw(b, "</span>");
}

/* ---- Step 2: who you are, your group, your consent ---- */

static void
step_identity(struct http_req *req, struct http_resp *resp,
    const struct unit *u, const struct criteria_set *set,
    const struct kh_err *err)
{
	struct web_req *w = web(req);
	struct kh_err e2 = KH_ERR_INIT;
	struct buf *b = &resp->body;
	static const char *const sexes[] = {"", "M", "F"};
	const char *sex_labels[] = {"", tr(req, N_("Male")),
	    tr(req, N_("Female"))};
	const char **gv, **gt;
	char *commune = NULL, *notice;
	size_t i;

	public_begin(req, resp, 2);
	page_form_begin(req, b, "about", N_("About you"), err, PUBLIC_PATH, NULL);
	hidden(b, "step", "2");
	hidden(b, "unit", u->code);
	html_raw(b, "<p class=\"muted\">");
	html_text(b, u->name);
	html_raw(b, " · ");
	html_text(b, u->parent_name);
	html_raw(b, " · <a href=\"" PUBLIC_PATH "\">");
	html_text(b, tr(req, N_("choose another place")));
	html_raw(b, "</a></p>");
	page_input(req, b, "f-name", "full_name", N_("Full name"),
	    http_form(req, "full_name"), "required maxlength=\"120\""
	    " autocomplete=\"name\"");
	page_input(req, b, "f-birth", "birth", N_("Date of birth (dd/mm/yyyy) or"
	    " year of birth"), http_form(req, "birth"), "required"
	    " inputmode=\"numeric\" maxlength=\"10\"");
	page_select(req, b, "f-sex", "sex", N_("Sex"), sexes, sex_labels, 3,
	    http_form(req, "sex"));
	page_input(req, b, "f-id", "id_number", N_("CCCD number (12 digits,"
	    " optional)"), http_form(req, "id_number"), "inputmode=\"numeric\""
	    " maxlength=\"14\" autocomplete=\"off\"");
	page_input(req, b, "f-phone", "phone", N_("Phone (optional)"),
	    http_form(req, "phone"), "type=\"tel\" maxlength=\"20\""
	    " autocomplete=\"tel\"");
	gv = arena_alloc(&req->arena, (set->n_groups + 1) * sizeof(*gv));
	gt = arena_alloc(&req->arena, (set->n_groups + 1) * sizeof(*gt));
	gv[0] = "";
	gt[0] = "";
	for (i = 0; i < set->n_groups; i++) {
		gv[i + 1] = arena_printf(&req->arena, "%d", set->groups[i].group);
		gt[i + 1] = lang_pick(req, set->groups[i].label_vi,
		    set->groups[i].label_en);
	}
	page_select(req, b, "f-group", "subject_group", N_("Your subject group"),
	    gv, gt, set->n_groups + 1, http_form(req, "subject_group"));
	/* The notice names the commune's association: the controller. */
	if (db_query_text(w->db, "SELECT u.name FROM unit_tree t JOIN units u"
	    " ON u.id = t.ancestor_id WHERE t.descendant_id = $1"
	    " AND u.kind = 'commune' ORDER BY t.depth LIMIT 1",
	    DB_ARGS(DB_INT(u->id)), &commune, &e2) != 0)
		commune = NULL;
	notice = public_notice(w->lang, commune != NULL ? commune : u->name);
	html_raw(b, "<div class=\"notice consent\" id=\"notice\"><strong>");
	html_text(b, tr(req, N_("Your personal data")));
	html_raw(b, "</strong><p>");
	html_text(b, notice);
	html_raw(b, "</p></div><label class=\"check\"><input type=\"checkbox\""
	    " name=\"consent\" value=\"1\" id=\"f-consent\"> ");
	html_text(b, tr(req, N_("I have read the notice and agree to my data"
	    " being processed for this purpose.")));
	html_raw(b, "</label>");
	page_form_end(req, b, N_("Next step"));
	free(commune);
	free(notice);
	public_end(req, resp);
}

/* ---- Step 3: the form of the group ---- */

static void
step_answers(struct http_req *req, struct http_resp *resp,
    const struct typed *t, const struct criteria_set *set,
    const struct kh_err *err)
{
	struct buf *b = &resp->body;
	char num[32];
	size_t i;

	public_begin(req, resp, 3);
	page_form_begin(req, b, "answers", N_("Your answers"), err, PUBLIC_PATH,
	    "assess");
	hidden(b, "step", "3");
	hidden(b, "unit", t->unit.code);
	hidden(b, "full_name", http_form(req, "full_name"));
	hidden(b, "birth", http_form(req, "birth"));
	hidden(b, "sex", http_form(req, "sex"));
	hidden(b, "id_number", http_form(req, "id_number"));
	hidden(b, "phone", http_form(req, "phone"));
	hidden(b, "subject_group", http_form(req, "subject_group"));
	hidden(b, "consent", "1");
	html_raw(b, "<p class=\"muted\">");
	html_text(b, lang_pick(req, set->title_vi, set->title_en));
	html_raw(b, " — ");
	html_text(b, set->legal_basis);
	unverified_tag(req, b, set->verified);
	html_raw(b, "</p>");
	for (i = 0; i < set->n_items; i++) {
		const struct criteria_item *it = &set->items[i];
		char *id, *name;
		const char *v;

		if (strcmp(it->kind, "criterion") == 0) {
			if (i > 0)
				html_raw(b, "</fieldset>");
			html_raw(b, "<fieldset><legend>");
			html_text(b, it->code);
			html_raw(b, ". ");
			html_text(b, lang_pick(req, it->title_vi, it->title_en));
			unverified_tag(req, b, it->verified);
			html_raw(b, "</legend>");
			continue;
		}
		if (!criteria_applies(it, t->in.subject_group) ||
		    (strcmp(it->kind, CRIT_POINTS) != 0 &&
		    strcmp(it->kind, CRIT_BOOL) != 0))
			continue;
		id = arena_printf(&req->arena, "q-%s", it->code);
		name = arena_printf(&req->arena, "a_%s", it->code);
		v = http_form(req, name);
		models_points_str(it->max_x100, num, sizeof(num));
		if (strcmp(it->kind, CRIT_BOOL) == 0) {
			html_raw(b, "<label class=\"check\"><input type=\"checkbox\""
			    " value=\"1\" name=\"");
			html_attr(b, name);
			html_raw(b, "\" id=\"");
			html_attr(b, id);
			html_raw(b, v != NULL ? "\" checked> " : "\"> ");
			html_text(b, it->code);
			html_raw(b, " ");
			html_text(b, lang_pick(req, it->title_vi, it->title_en));
			unverified_tag(req, b, it->verified);
			html_raw(b, "</label>");
			continue;
		}
		html_raw(b, "<div class=\"question\"><label for=\"");
		html_attr(b, id);
		html_raw(b, "\">");
		html_text(b, it->code);
		html_raw(b, " ");
		html_text(b, lang_pick(req, it->title_vi, it->title_en));
		unverified_tag(req, b, it->verified);
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, tr(req, N_("points at most:")));
		html_raw(b, " ");
		html_text(b, num);
		unverified_tag(req, b, it->max_verified);
		html_raw(b, ")</span></label><input type=\"number\" inputmode=\"decimal\""
		    " min=\"0\" step=\"0.5\" max=\"");
		html_attr(b, num);
		html_raw(b, "\" name=\"");
		html_attr(b, name);
		html_raw(b, "\" id=\"");
		html_attr(b, id);
		html_raw(b, "\" value=\"");
		html_attr(b, v);
		html_raw(b, "\"></div>");
	}
	if (set->n_items > 0)
		html_raw(b, "</fieldset>");
	page_input(req, b, "q-note", "note", N_("Note for the board (optional)"),
	    http_form(req, "note"), "maxlength=\"1000\"");
	page_form_end(req, b, N_("Send the form"));
	public_end(req, resp);
}

static int
citizen_set(struct http_req *req, int64_t unit_id, struct criteria_set *set,
    struct kh_err *err)
{
	struct actor sys;
	char today[DATE_LEN];
	int rc;

	date_today(today);
	rc = sys_actor(req, &sys, err);
	if (rc == 0)
		rc = models_set_for(web(req)->db, &sys, MODEL_CITIZEN, atoi(today),
		    unit_id, set, err);
	if (rc == KH_E_NOT_FOUND)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No learning-citizen form is in"
		    " force for this place this year."), NULL);
	return rc;
}

int
page_public_citizen(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct criteria_set set;

	memset(&set, 0, sizeof(set));
	public_csrf(req, resp);
	if (http_query(req, "unit") == NULL) {
		step_place(req, resp, NULL);
		return 0;
	}
	if (typed_unit(req, &u, &err) != 0) {
		step_place(req, resp, &err);
		resp->status = kh_kind_http_status(err.kind);
	} else if (citizen_set(req, u.id, &set, &err) != 0)
		web_error(req, resp, &err);
	else
		step_identity(req, resp, &u, &set, NULL);
	criteria_set_cleanup(&set);
	unit_cleanup(&u);
	return 0;
}

/* Whether an error of the last step is about step 2's fields. */
static bool
identity_field(const struct kh_err *err)
{
	return err->field[0] != '\0' && strcmp(err->field, "answers") != 0 &&
	    strcmp(err->field, "note") != 0;
}

int
page_public_citizen_post(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set set;
	struct typed t;
	struct buf to = BUF_INIT;
	const char *step = http_form(req, "step");
	char code[PUBLIC_CODE_LEN + 1];
	int rc;

	memset(&set, 0, sizeof(set));
	memset(&t, 0, sizeof(t));
	public_csrf(req, resp);
	if (typed_unit(req, &t.unit, &err) != 0) {
		step_place(req, resp, &err);
		resp->status = kh_kind_http_status(err.kind);
		goto out;
	}
	if (citizen_set(req, t.unit.id, &set, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	rc = typed_identity(req, &t, &err);
	if (rc != 0) {
		step_identity(req, resp, &t.unit, &set, &err);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	if (step == NULL || strcmp(step, "3") != 0) {
		step_answers(req, resp, &t, &set, NULL);
		goto out;
	}
	rc = typed_answers(req, &set, &t, &err);
	if (rc == 0)
		rc = public_submit(w->db, &t.in, code, &err);
	if (rc != 0) {
		if (identity_field(&err))
			step_identity(req, resp, &t.unit, &set, &err);
		else
			step_answers(req, resp, &t, &set, &err);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	/* After the POST, a page that a reload does not send again. */
	buf_puts(&to, "/public/status?new=1&code=");
	html_url(&to, code);
	http_redirect(req, resp, buf_str(&to));
out:
	buf_free(&to);
	criteria_set_cleanup(&set);
	unit_cleanup(&t.unit);
	return 0;
}

/* ---- The status of a receipt ---- */

static const char *
status_words(struct http_req *req, const struct public_status *st)
{
	if (strcmp(st->state, PUBLIC_PENDING) == 0)
		return tr(req, N_("Received; waiting for the study encouragement"
		    " board of your village or residential group to check it."));
	if (strcmp(st->state, PUBLIC_REJECTED) == 0)
		return tr(req, N_("Not accepted by the board. Please contact the study"
		    " encouragement board of your village or residential group."));
	return tr(req, N_("Accepted by the board: your self-assessment is"
	    " recorded and follows the yearly review."));
}

int
page_public_status(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct public_status st;
	struct buf *b = &resp->body;
	const char *code = http_query(req, "code");
	bool fresh = http_query(req, "new") != NULL;
	int rc = 0;

	if (code != NULL && code[0] != '\0') {
		rc = public_status(w->db, code, &st, &err);
		if (rc == 0) {
			/* Shown as stored: capitals, without what was typed around. */
			char *c = arena_strdup(&req->arena, code), *o = c;

			for (const char *p = code; *p != '\0'; p++)
				if (*p != ' ' && *p != '-')
					*o++ = (char)toupper((unsigned char)*p);
			*o = '\0';
			code = c;
		}
	}
	public_begin(req, resp, fresh && rc == 0 ? 4 : 0);
	if (code != NULL && code[0] != '\0' && rc == 0) {
		html_raw(b, "<section class=\"card receipt\" id=\"receipt\">");
		if (fresh) {
			html_raw(b, "<p>");
			html_text(b, tr(req, N_("Your form was sent. Keep this receipt"
			    " code to follow it:")));
			html_raw(b, "</p>");
		} else {
			html_raw(b, "<p>");
			html_text(b, tr(req, N_("Receipt code")));
			html_raw(b, "</p>");
		}
		html_raw(b, "<p class=\"receipt-code\" id=\"code\">");
		html_text(b, code);
		html_raw(b, "</p><dl class=\"facts\"><div><dt>");
		html_text(b, tr(req, N_("State of the form")));
		html_raw(b, "</dt><dd id=\"state\" data-state=\"");
		html_attr(b, st.state);
		html_raw(b, "\">");
		html_text(b, status_words(req, &st));
		html_raw(b, "</dd></div><div><dt>");
		html_text(b, tr(req, N_("Sent on")));
		html_raw(b, "</dt><dd>");
		page_date(b, st.submitted_on);
		html_raw(b, "</dd></div>");
		if (st.decided_on[0] != '\0') {
			html_raw(b, "<div><dt>");
			html_text(b, tr(req, N_("Decided on")));
			html_raw(b, "</dt><dd>");
			page_date(b, st.decided_on);
			html_raw(b, "</dd></div>");
		}
		if (st.reg_state[0] != '\0') {
			html_raw(b, "<div><dt>");
			html_text(b, tr(req, N_("Learning citizen review")));
			html_raw(b, "</dt><dd id=\"reg-state\">");
			html_text(b, models_state_label(st.reg_state, w->lang));
			html_raw(b, "</dd></div>");
		}
		html_raw(b, "</dl><p><a id=\"status-link\" href=\"/public/status?code=");
		html_url(b, code);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Link to follow this form")));
		html_raw(b, "</a></p></section>");
	}
	html_raw(b, "<section class=\"card\"><h2>");
	html_text(b, tr(req, N_("Follow a form")));
	html_raw(b, "</h2>");
	if (rc != 0)
		page_error_box(req, b, &err);
	html_raw(b, "<form class=\"search\" method=\"get\" action=\"/public/status\">"
	    "<input name=\"code\" id=\"s-code\" autocapitalize=\"characters\""
	    " autocomplete=\"off\" spellcheck=\"false\" maxlength=\"20\" required"
	    " aria-label=\"");
	html_attr(b, tr(req, N_("Receipt code")));
	html_raw(b, "\" placeholder=\"");
	html_attr(b, tr(req, N_("Receipt code")));
	html_raw(b, "\" value=\"");
	html_attr(b, code);
	html_raw(b, "\"><button type=\"submit\">");
	html_text(b, tr(req, N_("Look up")));
	html_raw(b, "</button></form><p><a href=\"" PUBLIC_PATH "\">");
	html_text(b, tr(req, N_("Fill in a new self-assessment")));
	html_raw(b, "</a></p></section>");
	public_end(req, resp);
	if (rc != 0)
		resp->status = kh_kind_http_status(rc);
	return 0;
}

/* ---- The board's queue ---- */

static void
submission_card(struct http_req *req, struct buf *b, const struct unit *u,
    const struct public_submission *s)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct criteria_set set;
	struct model_score sc;
	struct public_answers pa;
	char idn[16], num[32], max[32];
	size_t i, j;

	memset(&set, 0, sizeof(set));
	memset(&sc, 0, sizeof(sc));
	memset(&pa, 0, sizeof(pa));
	html_raw(b, "<article class=\"card submission\" id=\"sub-");
	html_attr(b, s->code);
	html_raw(b, "\" data-state=\"");
	html_attr(b, s->state);
	html_raw(b, "\"><h2>");
	html_text(b, s->full_name);
	html_raw(b, " <span class=\"tag\">");
	html_text(b, strcmp(s->state, PUBLIC_PENDING) == 0 ?
	    tr(req, N_("waiting for the board")) : strcmp(s->state, PUBLIC_ACCEPTED) == 0 ?
	    tr(req, N_("accepted by the board")) : tr(req, N_("rejected by the board")));
	html_raw(b, "</span></h2><dl class=\"facts\"><div><dt>");
	html_text(b, tr(req, N_("Receipt code")));
	html_raw(b, "</dt><dd class=\"code\">");
	html_text(b, s->code);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Village or residential group")));
	html_raw(b, "</dt><dd>");
	html_text(b, s->unit_name);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Birth date")));
	html_raw(b, "</dt><dd>");
	if (s->birth_year_only)
		html_text(b, (char[5]){s->birth_date[0], s->birth_date[1],
		    s->birth_date[2], s->birth_date[3], '\0'});
	else
		page_date(b, s->birth_date);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Sex")));
	html_raw(b, "</dt><dd>");
	html_text(b, s->sex == 'M' ? tr(req, N_("Male")) : tr(req, N_("Female")));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("CCCD/CMND number")));
	html_raw(b, "</dt><dd class=\"code\">");
	people_id_display(&w->actor, s->id_number, idn, sizeof(idn));
	html_text(b, idn[0] != '\0' ? idn : "—");
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Phone")));
	html_raw(b, "</dt><dd>");
	html_text(b, s->phone[0] != '\0' ? s->phone : "—");
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Sent on")));
	html_raw(b, "</dt><dd>");
	page_date(b, s->created_at);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Consent to data processing")));
	html_raw(b, "</dt><dd>");
	html_text(b, tr(req, N_("notice version")));
	html_raw(b, " ");
	html_text(b, s->consent_version);
	html_raw(b, ", ");
	page_date(b, s->consent_at);
	html_raw(b, "</dd></div>");
	if (s->reason != NULL) {
		html_raw(b, "<div><dt>");
		html_text(b, tr(req, N_("Reason")));
		html_raw(b, "</dt><dd>");
		html_text(b, s->reason);
		html_raw(b, "</dd></div>");
	}
	html_raw(b, "</dl>");
	if (public_score(w->db, &w->actor, s, &set, &sc, &err) == 0 &&
	    public_answers_parse(s->answers_json, &pa, &err) == 0) {
		for (i = 0; i < set.n_groups; i++)
			if (set.groups[i].group == s->subject_group) {
				html_raw(b, "<p>");
				html_text(b, tr(req, N_("Learning-citizen subject group")));
				html_raw(b, ": ");
				html_text(b, lang_pick(req, set.groups[i].label_vi,
				    set.groups[i].label_en));
				html_raw(b, "</p>");
			}
		models_points_str(sc.total_x100, num, sizeof(num));
		models_points_str(sc.max_x100, max, sizeof(max));
		html_raw(b, "<p class=\"score\">");
		html_text(b, tr(req, N_("Score of the answers")));
		html_raw(b, ": <strong class=\"total\">");
		html_text(b, num);
		html_raw(b, "</strong> / ");
		html_text(b, max);
		html_raw(b, " — ");
		html_text(b, sc.achieved ? tr(req, N_("the answers reach the standard")) :
		    tr(req, N_("the answers do not reach the standard")));
		unverified_tag(req, b, set.min_total_verified);
		html_raw(b, "</p><div class=\"table-wrap\"><table class=\"answers\">"
		    "<thead><tr><th>");
		html_text(b, tr(req, N_("Question of the form")));
		html_raw(b, "</th><th class=\"num\">");
		html_text(b, tr(req, N_("Answer given")));
		html_raw(b, "</th></tr></thead><tbody>");
		for (i = 0; i < set.n_items; i++) {
			const struct criteria_item *it = &set.items[i];

			if (strcmp(it->kind, "criterion") == 0 ||
			    !criteria_applies(it, s->subject_group))
				continue;
			html_raw(b, "<tr><td>");
			html_text(b, it->code);
			html_raw(b, " ");
			html_text(b, lang_pick(req, it->title_vi, it->title_en));
			html_raw(b, "</td><td class=\"num\">");
			for (j = 0; j < pa.n; j++)
				if (strcmp(pa.items[j].code, it->code) == 0)
					break;
			if (strcmp(it->kind, CRIT_BOOL) == 0)
				html_text(b, j < pa.n && pa.items[j].met ?
				    tr(req, N_("answered yes")) : tr(req, N_("answered no")));
			else if (j < pa.n) {
				models_points_str(pa.items[j].value_x100, num,
				    sizeof(num));
				models_points_str(it->max_x100, max, sizeof(max));
				html_text(b, num);
				html_raw(b, " / ");
				html_text(b, max);
			} else
				html_raw(b, "—");
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	if (s->note[0] != '\0') {
		html_raw(b, "<p><em>");
		html_text(b, s->note);
		html_raw(b, "</em></p>");
	}
	if (strcmp(s->state, PUBLIC_PENDING) == 0 &&
	    w->actor.role >= ROLE_OFFICER) {
		html_raw(b, "<div class=\"actions\"><form method=\"post\" action=\"/units/");
		html_url(b, u->code);
		buf_printf(b, "/public-submissions/%lld/accept\">", (long long)s->id);
		page_csrf_field(req, b);
		html_raw(b, "<button type=\"submit\" class=\"accept\">");
		html_text(b, tr(req, N_("Accept the form")));
		html_raw(b, "</button></form><form method=\"post\" class=\"reject\""
		    " action=\"/units/");
		html_url(b, u->code);
		buf_printf(b, "/public-submissions/%lld/reject\">", (long long)s->id);
		page_csrf_field(req, b);
		html_raw(b, "<label for=\"r-");
		buf_printf(b, "%lld", (long long)s->id);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Reason for rejecting")));
		html_raw(b, "</label><input name=\"reason\" required maxlength=\"1000\""
		    " id=\"r-");
		buf_printf(b, "%lld", (long long)s->id);
		html_raw(b, "\"><button type=\"submit\">");
		html_text(b, tr(req, N_("Reject the form")));
		html_raw(b, "</button></form></div>");
	} else if (s->registration_id > 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("Learning-citizen registration")));
		buf_printf(b, " #%lld", (long long)s->registration_id);
		html_raw(b, "</p>");
	}
	html_raw(b, "</article>");
	public_answers_cleanup(&pa);
	model_score_cleanup(&sc);
	criteria_set_cleanup(&set);
}

static void
render_queue(struct http_req *req, struct http_resp *resp, const struct unit *u,
    const struct kh_err *form_err, const char *notice)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct public_list l;
	struct buf *b = &resp->body;

	if (public_queue(w->db, &w->actor, u->id, 200, &l, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	page_begin(req, resp, tr(req, N_("Online self-assessments")));
	page_unit_tabs(req, b, u, NULL, 0);
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Online self-assessments")));
	html_raw(b, " <span class=\"muted\" id=\"pending-count\">(");
	html_int(b, l.pending);
	html_raw(b, " ");
	html_text(b, tr(req, N_("waiting for the board")));
	html_raw(b, ")</span></h1><p class=\"lead\">");
	html_text(b, tr(req, N_("Learning-citizen self-assessments sent by citizens"
	    " on the public page. Check who sent each one before accepting it:"
	    " accepting records the person (or finds them by CCCD, or by name and"
	    " birth date), registers them for the year and records the answers as"
	    " their self-assessment, to be verified as usual.")));
	html_raw(b, "</p><p>");
	html_text(b, tr(req, N_("The public page")));
	html_raw(b, ": <a href=\"" PUBLIC_PATH "\">" PUBLIC_PATH "</a></p>");
	if (notice != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		html_raw(b, "</p>");
	}
	if (form_err != NULL)
		page_error_box(req, b, form_err);
	if (l.n == 0) {
		html_raw(b, "<p>");
		html_text(b, tr(req, N_("No form has been sent yet.")));
		html_raw(b, "</p>");
	}
	for (size_t i = 0; i < l.n; i++)
		submission_card(req, b, u, &l.items[i]);
	page_end(req, resp);
	public_list_cleanup(&l);
}

int
page_public_queue(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	const char *done = http_query(req, "done");
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_queue(req, resp, &u, NULL, done == NULL ? NULL :
		    strcmp(done, "accepted") == 0 ? tr(req, N_("The form was"
		    " accepted: the person is registered and self-assessed.")) :
		    tr(req, N_("The form was rejected.")));
	unit_cleanup(&u);
	return 0;
}

static int
decide(struct http_req *req, struct http_resp *resp, bool accept)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct buf to = BUF_INIT;
	const char *ids = http_param(req, "id");
	char on[DATE_LEN];
	bool has_on;
	int64_t id, reg;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	id = ids != NULL ? strtoll(ids, NULL, 10) : 0;
	if (accept)
		rc = public_accept(w->db, &w->actor, id, &reg, &err);
	else
		rc = public_reject(w->db, &w->actor, id, http_form(req, "reason"),
		    &err);
	if (rc == KH_E_FORBIDDEN || rc == KH_E_NOT_FOUND) {
		web_error(req, resp, &err);
		goto out;
	}
	if (rc != 0) {
		render_queue(req, resp, &u, &err, NULL);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	buf_puts(&to, "/units/");
	html_url(&to, u.code);
	buf_puts(&to, accept ? "/public-submissions?done=accepted" :
	    "/public-submissions?done=rejected");
	http_redirect(req, resp, buf_str(&to));
out:
	buf_free(&to);
	unit_cleanup(&u);
	return 0;
}

int
page_public_accept(struct http_req *req, struct http_resp *resp)
{
	return decide(req, resp, true);
}

int
page_public_reject(struct http_req *req, struct http_resp *resp)
{
	return decide(req, resp, false);
}
