/*
 * page_decisions.c - recognition decisions: the decisions issued in a
 * unit's subtree, the form a commune's manager records one with (the
 * proposed registrations of a model and year, all ticked, each may be left
 * out), a decision with its list and certificate numbers, and its printed
 * forms: the decision with its attached list as one PDF, one certificate
 * page per recognised registration, and the list as .xlsx.
 *
 * Printed documents follow Decree 30/2020/NĐ-CP (io/doc.h lays them out);
 * this file only says what they contain. Files are written to a temporary
 * file, read into the answer and removed.
 */
#include "web/web.h"
#include "core/date.h"
#include "core/vntext.h"
#include "io/doc.h"
#include "models/models.h"
#include "units/units.h"
#include "web/html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const model_codes[] = {MODEL_CITIZEN, MODEL_FAMILY,
    MODEL_CLAN, MODEL_COMMUNITY, MODEL_UNIT, MODEL_COMMUNE_COMMUNITY};
#define N_MODELS (sizeof(model_codes) / sizeof(model_codes[0]))

/* Territorial units from the commune up issue decisions; villages and
 * organisations do not. */
static bool
unit_issues(const struct unit *u)
{
	return strcmp(u->kind, UNIT_COMMUNE) == 0 ||
	    strcmp(u->kind, UNIT_DISTRICT) == 0 ||
	    strcmp(u->kind, UNIT_PROVINCE) == 0 ||
	    strcmp(u->kind, UNIT_COUNTRY) == 0;
}

static bool
may_issue(struct http_req *req, const struct unit *u)
{
	return web(req)->actor.role >= ROLE_MANAGER && u->valid_to == NULL &&
	    unit_issues(u);
}

/* "Phường Lê Chân" -> "phường Lê Chân", as it reads inside a sentence
 * ("Ủy ban nhân dân phường Lê Chân"). Only the first letter changes. */
static void
name_in_sentence(struct buf *b, const char *name)
{
	if (name == NULL)
		return;
	if (isupper((unsigned char)name[0])) {
		buf_putc(b, (char)tolower((unsigned char)name[0]));
		buf_puts(b, name + 1);
	} else if (strncmp(name, "Đ", strlen("Đ")) == 0) {
		buf_puts(b, "đ");
		buf_puts(b, name + strlen("Đ"));
	} else
		buf_puts(b, name);
}

/* The place name of the header's date line: the unit's name without its
 * type ("Phường Lê Chân" -> "Lê Chân"; Decree 30, Appendix I, II.4). */
static const char *
place_of(const char *name)
{
	static const char *const types[] = {"Thành phố ", "Tỉnh ", "Quận ",
	    "Huyện ", "Thị xã ", "Thị trấn ", "Phường ", "Xã ", "Đặc khu "};

	for (size_t i = 0; name != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strncmp(name, types[i], strlen(types[i])) == 0)
			return name + strlen(types[i]);
	return name;
}

/* What the recognised subjects are called in a decision's text. */
static const char *
subjects_word(const char *model)
{
	if (strcmp(model, MODEL_CITIZEN) == 0)
		return "công dân";
	if (strcmp(model, MODEL_FAMILY) == 0)
		return "hộ gia đình";
	if (strcmp(model, MODEL_CLAN) == 0)
		return "dòng họ";
	if (strcmp(model, MODEL_COMMUNITY) == 0)
		return "thôn, tổ dân phố";
	if (strcmp(model, MODEL_COMMUNE_COMMUNITY) == 0)
		return "xã, phường";
	return "đơn vị";
}

/* The column title of the subject's name in lists. */
static const char *
name_title(const char *model)
{
	if (strcmp(model, MODEL_CITIZEN) == 0)
		return "Họ và tên";
	if (strcmp(model, MODEL_FAMILY) == 0)
		return "Chủ hộ";
	return "Tên";
}

/* ---- Shared with the other pages of documents ---- */

int
page_temp_file(char path[200], const char *stem)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, 200, "%s/khuyenhoc-%s-XXXXXX", dir != NULL &&
	    dir[0] != '\0' && strlen(dir) < 150 ? dir : "/tmp", stem);
	return mkstemp(path);
}

int
page_send_file(struct http_req *req, struct http_resp *resp, const char *path,
    const char *content_type, const char *filename)
{
	struct kh_err err = KH_ERR_INIT;
	char chunk[8192], *disp;
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		return -1;
	}
	buf_reset(&resp->body);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&resp->body, chunk, n);
	fclose(fp);
	resp->content_type = content_type;
	disp = xasprintf("attachment; filename=\"%s\"", filename);
	http_resp_header(req, resp, "Content-Disposition", disp);
	free(disp);
	return 0;
}

void
page_ascii_slug(char *out, size_t outsz, const char *s)
{
	size_t k = 0;
	bool dash = false;

	for (; s != NULL && *s != '\0' && k + 1 < outsz; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80) {
			out[k++] = (char)tolower(c);
			dash = false;
		} else if (!dash && k > 0) {
			out[k++] = '-';
			dash = true;
		}
	}
	while (k > 0 && out[k - 1] == '-')
		k--;
	out[k] = '\0';
}

/* ---- The list of decisions and the form ---- */

static int
query_year(struct http_req *req, const char *name, int def)
{
	const char *s = http_query(req, name);
	int y = s != NULL ? atoi(s) : 0;

	return y >= 2000 && y <= 9999 ? y : def;
}

static int
this_year(void)
{
	char today[DATE_LEN];

	date_today(today);
	return atoi(today);
}

static const char *
model_param(const char *s)
{
	return s != NULL && models_model_valid(s) ? s : NULL;
}

static void
decisions_table(struct http_req *req, struct buf *b,
    const struct model_decision_list *l)
{
	const char *lang = web(req)->lang;

	if (l->n == 0) {
		html_raw(b, "<p class=\"muted\" id=\"no-decisions\">");
		html_text(b, tr(req, N_("No decision has been recorded yet.")));
		html_raw(b, "</p>");
		return;
	}
	html_raw(b, "<div class=\"table-wrap\"><table id=\"decisions\"><thead><tr><th>");
	html_text(b, tr(req, N_("Year")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Model")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Number")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Date")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Issuing body")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Recognised")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		const struct model_decision *d = &l->items[i];

		html_raw(b, "<tr><td>");
		buf_printf(b, "%d", d->year);
		html_raw(b, "</td><td>");
		html_text(b, models_model_label(d->model, lang));
		html_raw(b, "</td><td><a href=\"/decisions/");
		buf_printf(b, "%lld", (long long)d->id);
		html_raw(b, "\">");
		html_text(b, d->number);
		html_raw(b, "</a></td><td>");
		page_date(b, d->decided_on);
		html_raw(b, "</td><td>");
		html_text(b, d->issuing_body);
		html_raw(b, "</td><td class=\"num\">");
		html_int(b, d->count);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

/* Narrow the list to a year and a model. */
static void
decisions_filter(struct http_req *req, struct buf *b, const struct unit *u,
    const char *model, int year)
{
	const char *values[N_MODELS + 1], *texts[N_MODELS + 1];
	char ys[12] = "";

	values[0] = "";
	texts[0] = tr(req, N_("All models"));
	for (size_t i = 0; i < N_MODELS; i++) {
		values[i + 1] = model_codes[i];
		texts[i + 1] = models_model_label(model_codes[i], web(req)->lang);
	}
	if (year > 0)
		snprintf(ys, sizeof(ys), "%d", year);
	html_raw(b, "<form class=\"search\" id=\"filter\" method=\"get\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/decisions\">");
	page_select(req, b, "f-model", "filter_model", N_("Model"), values, texts,
	    N_MODELS + 1, model != NULL ? model : "");
	page_input(req, b, "f-year", "filter_year", N_("Year"), ys,
	    "inputmode=\"numeric\" maxlength=\"4\"");
	html_raw(b, "<button type=\"submit\">");
	html_text(b, tr(req, N_("Filter")));
	html_raw(b, "</button></form>");
}

/* The choice of model and year whose proposals the form lists. */
static void
proposals_chooser(struct http_req *req, struct buf *b, const struct unit *u,
    const char *model, int year)
{
	const char *texts[N_MODELS];
	char ys[12];

	for (size_t i = 0; i < N_MODELS; i++)
		texts[i] = models_model_label(model_codes[i], web(req)->lang);
	snprintf(ys, sizeof(ys), "%d", year);
	html_raw(b, "<section class=\"card\" id=\"choose\"><h2>");
	html_text(b, tr(req, N_("Record a recognition decision")));
	html_raw(b, "</h2><form method=\"get\" action=\"/units/");
	html_url(b, u->code);
	html_raw(b, "/decisions#new-decision\">");
	page_select(req, b, "d-model", "model", N_("Model"), model_codes, texts,
	    N_MODELS, model);
	page_input(req, b, "d-year", "year", N_("Year"), ys,
	    "inputmode=\"numeric\" maxlength=\"4\" required");
	html_raw(b, "<button type=\"submit\" id=\"show-proposals\">");
	html_text(b, tr(req, N_("Show the proposals")));
	html_raw(b, "</button></form></section>");
}

/* True when registration id was ticked in the posted form (or nothing was
 * posted yet: all are ticked by default). */
static bool
ticked(struct http_req *req, int64_t id)
{
	char ids[24];

	if (req->method != HTTP_POST)
		return true;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	for (size_t i = 0; i < req->form.n; i++)
		if (strcmp(req->form.items[i].name, "reg") == 0 &&
		    strcmp(req->form.items[i].value, ids) == 0)
			return true;
	return false;
}

static void
score_cell(struct buf *b, int64_t total_x100)
{
	char pts[32];

	if (total_x100 < 0)
		return;
	models_points_str(total_x100, pts, sizeof(pts));
	html_text(b, pts);
}

/* The band's label, or "Mức N" on the levels scale. */
static void
band_text(struct buf *b, const struct criteria_set *s, const char *band,
    int level)
{
	if (band != NULL && band[0] != '\0') {
		for (size_t i = 0; s != NULL && i < s->n_bands; i++)
			if (strcmp(s->bands[i].code, band) == 0) {
				buf_puts(b, s->bands[i].label_vi);
				return;
			}
		buf_puts(b, band);
		return;
	}
	if (level > 0) {
		for (size_t i = 0; s != NULL && i < s->n_levels; i++)
			if (s->levels[i].level == level) {
				buf_puts(b, s->levels[i].label_vi);
				return;
			}
		buf_printf(b, "Mức %d", level);
	}
}

/* Default issuing body of a unit: "Ủy ban nhân dân phường Lê Chân". */
static char *
default_body(const struct unit *u)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "Ủy ban nhân dân ");
	name_in_sentence(&b, u->name);
	return buf_steal(&b);
}

static void
new_decision_form(struct http_req *req, struct buf *b, const struct unit *u,
    const char *model, int year, const struct kh_err *form_err)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_list l = {0};
	struct model_query q;
	char *action, *body = NULL, today[DATE_LEN], ys[12];
	const char *v;
	size_t i;

	memset(&q, 0, sizeof(q));
	q.unit_id = u->id;
	q.model = model;
	q.year = year;
	q.state = REG_PROPOSED;
	q.limit = 1000;
	if (models_list(w->db, &w->actor, &q, &l, &err) != 0) {
		page_error_box(req, b, &err);
		return;
	}
	action = xasprintf("/units/%s/decisions", u->code);
	page_form_begin(req, b, "new-decision", N_("Proposed for recognition"),
	    form_err, action, NULL);
	snprintf(ys, sizeof(ys), "%d", year);
	html_raw(b, "<input type=\"hidden\" name=\"model\" value=\"");
	html_attr(b, model);
	html_raw(b, "\"><input type=\"hidden\" name=\"year\" value=\"");
	html_attr(b, ys);
	html_raw(b, "\"><p class=\"muted\">");
	html_text(b, models_model_label(model, w->lang));
	html_raw(b, " · ");
	html_text(b, ys);
	html_raw(b, " · ");
	html_text(b, tr(req, N_("Untick a registration to leave it out of the"
	    " decision.")));
	html_raw(b, "</p>");
	if (l.n == 0) {
		html_raw(b, "<p class=\"notice\" id=\"no-proposals\">");
		html_text(b, tr(req, N_("No registration of this model and year is"
		    " proposed for recognition in this unit.")));
		html_raw(b, "</p>");
	} else {
		html_raw(b, "<div class=\"table-wrap\"><table id=\"proposals\"><thead><tr><th></th><th>");
		html_text(b, tr(req, N_("Name")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Unit")));
		html_raw(b, "</th><th class=\"num\">");
		html_text(b, tr(req, N_("Score")));
		html_raw(b, "</th><th>");
		html_text(b, tr(req, N_("Band or level")));
		html_raw(b, "</th></tr></thead><tbody>");
		for (i = 0; i < l.n; i++) {
			const struct model_registration *r = &l.items[i];

			html_raw(b, "<tr><td><input type=\"checkbox\" name=\"reg\" id=\"reg-");
			buf_printf(b, "%lld", (long long)r->id);
			html_raw(b, "\" value=\"");
			buf_printf(b, "%lld", (long long)r->id);
			html_raw(b, ticked(req, r->id) ? "\" checked>" : "\">");
			html_raw(b, "</td><td><label for=\"reg-");
			buf_printf(b, "%lld", (long long)r->id);
			html_raw(b, "\">");
			html_text(b, r->subject_name);
			html_raw(b, "</label></td><td>");
			html_text(b, r->unit_name);
			html_raw(b, "</td><td class=\"num\">");
			score_cell(b, r->total_x100);
			html_raw(b, "</td><td>");
			{
				struct buf t = BUF_INIT;

				band_text(&t, NULL, r->band, r->level);
				html_text(b, buf_str(&t));
				buf_free(&t);
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	date_today(today);
	page_input(req, b, "d-number", "number", N_("Number and symbol (e.g. 12/QĐ-UBND)"),
	    http_form(req, "number"), "required maxlength=\"200\"");
	v = http_form(req, "decided_on");
	page_input(req, b, "d-date", "decided_on", N_("Date of signing"),
	    v != NULL ? v : today, "type=\"date\" required");
	page_input(req, b, "d-signer", "signer", N_("Signer's full name"),
	    http_form(req, "signer"), "required maxlength=\"200\"");
	v = http_form(req, "signer_title");
	page_input(req, b, "d-title", "signer_title", N_("Signer's title"),
	    v != NULL ? v : "Chủ tịch", "required maxlength=\"200\"");
	v = http_form(req, "issuing_body");
	if (v == NULL)
		v = body = default_body(u);
	page_input(req, b, "d-body", "issuing_body", N_("Issuing body"), v,
	    "required maxlength=\"200\"");
	page_form_end(req, b, N_("Record the decision and issue the certificates"));
	free(body);
	free(action);
	model_reg_list_cleanup(&l);
}

static void
render_decisions(struct http_req *req, struct http_resp *resp,
    const struct unit *u, const char *model, int year,
    const struct kh_err *form_err)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_decision_list l = {0};
	struct buf *b = &resp->body;
	const char *fmodel = model_param(http_query(req, "filter_model"));
	int fyear = query_year(req, "filter_year", 0);

	if (models_decision_list(w->db, &w->actor, u->id, fyear, fmodel, &l,
	    &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	page_begin(req, resp, tr(req, N_("Recognition decisions")));
	page_unit_header(req, b, u, (const struct page_tab[]){
	    {"/decisions", N_("Recognition decisions"), true},
	    {"/recognition", N_("Registered and recognised"), false}}, 2,
	    tr(req, N_("Recognition decisions")), u->name);
	decisions_filter(req, b, u, fmodel, fyear);
	decisions_table(req, b, &l);
	if (may_issue(req, u)) {
		proposals_chooser(req, b, u, model != NULL ? model : MODEL_FAMILY,
		    year);
		if (model != NULL)
			new_decision_form(req, b, u, model, year, form_err);
	}
	page_end(req, resp);
	model_decision_list_cleanup(&l);
}

int
page_decisions_list(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) == 0)
		render_decisions(req, resp, &u, model_param(http_query(req, "model")),
		    query_year(req, "year", this_year()), NULL);
	unit_cleanup(&u);
	return 0;
}

int
page_decisions_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_decision_input in;
	struct unit u = UNIT_INIT;
	const char *model = model_param(http_form(req, "model")), *ys;
	char on[DATE_LEN], date[DATE_LEN], to[64];
	int64_t *ids = NULL, id = 0;
	size_t n = 0, i;
	bool has_on;
	int rc = 0, year;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	ys = http_form(req, "year");
	year = ys != NULL ? atoi(ys) : 0;
	if (!unit_issues(&u) || u.valid_to != NULL) {
		kh_fail(&err, KH_E_FORBIDDEN, N_("Only a commune or a higher level"
		    " records recognition decisions."), NULL);
		web_error(req, resp, &err);
		goto out;
	}
	if (model == NULL) {
		kh_fail_field(&err, KH_E_INVALID, "model", N_("%s is not a known"
		    " learning model."), http_form(req, "model"));
		web_error(req, resp, &err);
		goto out;
	}
	ids = xcalloc(req->form.n + 1, sizeof(*ids));
	for (i = 0; i < req->form.n; i++)
		if (strcmp(req->form.items[i].name, "reg") == 0) {
			char *end;
			long long v = strtoll(req->form.items[i].value, &end, 10);

			if (*end == '\0' && v > 0)
				ids[n++] = (int64_t)v;
		}
	memset(&in, 0, sizeof(in));
	in.unit_id = u.id;
	in.model = model;
	in.year = year;
	in.number = http_form(req, "number");
	in.signer = http_form(req, "signer");
	in.signer_title = http_form(req, "signer_title");
	in.issuing_body = http_form(req, "issuing_body");
	/* The date field gives yyyy-mm-dd; a typed dd/mm/yyyy is read too. */
	in.decided_on = http_form(req, "decided_on");
	if (in.decided_on != NULL && date_parse(in.decided_on, date))
		in.decided_on = date;
	if (n == 0)
		rc = kh_fail_field(&err, KH_E_INVALID, "reg", N_("Tick at least one"
		    " registration to recognise."), NULL);
	if (rc == 0)
		rc = models_decision_create(w->db, &w->actor, &in, ids, n, &id, &err);
	if (rc != 0) {
		if (rc == KH_E_FORBIDDEN && err.field[0] == '\0') {
			web_error(req, resp, &err);
			goto out;
		}
		render_decisions(req, resp, &u, model, year, &err);
		resp->status = kh_kind_http_status(rc);
		goto out;
	}
	snprintf(to, sizeof(to), "/decisions/%lld?created=1", (long long)id);
	http_redirect(req, resp, to);
out:
	free(ids);
	unit_cleanup(&u);
	return 0;
}

/* ---- One decision ---- */

/* The decision named by the path's {id}: 0, or an error answer given. */
static int
find_decision(struct http_req *req, struct http_resp *resp,
    struct model_decision *d)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const char *s = http_param(req, "id");
	char *end = NULL;
	long long id = s != NULL ? strtoll(s, &end, 10) : 0;
	int rc;

	memset(d, 0, sizeof(*d));
	if (web_need_login(req, resp) != 0)
		return -1;
	if (id <= 0 || end == NULL || *end != '\0')
		rc = kh_fail(&err, KH_E_NOT_FOUND, N_("No decision has the number"
		    " %s."), s != NULL ? s : "");
	else
		rc = models_decision_get(w->db, &w->actor, (int64_t)id, d, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	return rc;
}

/* The criteria set the decision's registrations were assessed with (for
 * the legal basis and the band labels); s->code stays NULL when none. */
static void
decision_set(struct http_req *req, const struct model_decision *d,
    struct criteria_set *s)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_registration r;

	memset(s, 0, sizeof(*s));
	if (d->n_items > 0 && models_get(w->db, &w->actor,
	    d->items[0].registration_id, &r, &err) == 0) {
		if (models_set_get(w->db, &w->actor, r.set_code, r.set_version, s,
		    &err) != 0)
			memset(s, 0, sizeof(*s));
		model_registration_cleanup(&r);
		return;
	}
	if (models_set_for(w->db, &w->actor, d->model, d->year, d->unit_id, s,
	    &err) != 0)
		memset(s, 0, sizeof(*s));
}

int
page_decision_show(struct http_req *req, struct http_resp *resp)
{
	struct model_decision d;
	struct criteria_set set;
	struct buf *b = &resp->body;
	const char *lang;
	char ids[24];

	if (find_decision(req, resp, &d) != 0)
		return 0;
	lang = web(req)->lang;
	decision_set(req, &d, &set);
	snprintf(ids, sizeof(ids), "%lld", (long long)d.id);
	page_begin(req, resp, d.number);
	html_raw(b, "<nav class=\"tabs\"><a href=\"/units/");
	html_url(b, d.unit_code);
	html_raw(b, "/decisions\">");
	html_text(b, tr(req, N_("Recognition decisions")));
	html_raw(b, "</a> · ");
	html_text(b, d.unit_name);
	html_raw(b, "</nav><h1>");
	html_text(b, tr(req, N_("Decision")));
	html_raw(b, " ");
	html_text(b, d.number);
	html_raw(b, "</h1>");
	if (http_query(req, "created") != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, tr(req, N_("The decision was recorded and the"
		    " certificates numbered.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "<dl class=\"facts\" id=\"decision\"><div><dt>");
	html_text(b, tr(req, N_("Model")));
	html_raw(b, "</dt><dd>");
	html_text(b, models_model_label(d.model, lang));
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Year")));
	html_raw(b, "</dt><dd>");
	buf_printf(b, "%d", d.year);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Date of signing")));
	html_raw(b, "</dt><dd>");
	page_date(b, d.decided_on);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Signer")));
	html_raw(b, "</dt><dd>");
	html_text(b, d.signer);
	html_raw(b, ", ");
	html_text(b, d.signer_title);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Issuing body")));
	html_raw(b, "</dt><dd>");
	html_text(b, d.issuing_body);
	html_raw(b, "</dd></div><div><dt>");
	html_text(b, tr(req, N_("Recognised")));
	html_raw(b, "</dt><dd>");
	html_int(b, d.count);
	html_raw(b, "</dd></div></dl><p class=\"actions\" id=\"downloads\"><a id=\"decision-pdf\" href=\"/decisions/");
	html_raw(b, ids);
	html_raw(b, "/decision.pdf\">");
	html_text(b, tr(req, N_("Decision with its list (PDF)")));
	html_raw(b, "</a> · <a id=\"certificates-pdf\" href=\"/decisions/");
	html_raw(b, ids);
	html_raw(b, "/certificates.pdf\">");
	html_text(b, tr(req, N_("Certificates (PDF)")));
	html_raw(b, "</a> · <a id=\"list-xlsx\" href=\"/decisions/");
	html_raw(b, ids);
	html_raw(b, "/list.xlsx\">");
	html_text(b, tr(req, N_("List (.xlsx)")));
	html_raw(b, "</a></p><div class=\"table-wrap\"><table id=\"recognised\"><thead><tr><th class=\"num\">");
	html_text(b, tr(req, N_("No.")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Certificate number")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Name")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th class=\"num\">");
	html_text(b, tr(req, N_("Score")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Band or level")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < d.n_items; i++) {
		const struct model_decision_item *it = &d.items[i];
		struct buf t = BUF_INIT;

		html_raw(b, "<tr><td class=\"num\">");
		buf_printf(b, "%zu", i + 1);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, it->certificate_no);
		html_raw(b, "</td><td>");
		html_text(b, it->subject_name);
		html_raw(b, "</td><td>");
		html_text(b, it->unit_name);
		html_raw(b, "</td><td class=\"num\">");
		score_cell(b, it->total_x100);
		html_raw(b, "</td><td>");
		band_text(&t, set.code != NULL ? &set : NULL, it->band, it->level);
		html_text(b, buf_str(&t));
		buf_free(&t);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req, resp);
	criteria_set_cleanup(&set);
	model_decision_cleanup(&d);
	return 0;
}

/* ---- Printed forms ---- */

/* Everything the printed decision, list and certificates share, owned here
 * so that the struct doc fields can point into it. */
struct print {
	const struct model_decision *d;
	struct criteria_set set;
	char *label;		/* "Gia đình học tập" */
	const char *place;	/* "Lê Chân" */
	char *summary;
	char *authority[4];	/* "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", NULL */
	char **strings;		/* everything else allocated, freed at the end */
	size_t nstrings, capstrings;
};

static char *
keep(struct print *p, char *s)
{
	if (p->nstrings == p->capstrings) {
		p->capstrings = p->capstrings ? p->capstrings * 2 : 64;
		p->strings = xrealloc(p->strings, p->capstrings * sizeof(char *));
	}
	p->strings[p->nstrings++] = s;
	return s;
}

static void
print_cleanup(struct print *p)
{
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->strings);
	for (size_t i = 0; i < 4; i++)
		free(p->authority[i]);
	free(p->label);
	free(p->summary);
	criteria_set_cleanup(&p->set);
}

static void
print_init(struct http_req *req, struct print *p, const struct model_decision *d)
{
	const char *title = d->signer_title, *body = d->issuing_body;

	memset(p, 0, sizeof(*p));
	p->d = d;
	decision_set(req, d, &p->set);
	p->label = xstrdup(models_model_label(d->model, "vi"));
	p->place = place_of(d->unit_name);
	p->summary = xasprintf("Về việc công nhận danh hiệu “%s” năm %d",
	    p->label, d->year);
	/* Decree 30, Appendix I, II.8: "TM." for a collective, "KT." for a
	 * deputy (doc.h says how they are derived). */
	doc_sign_authority(body, title, p->authority);
}

/* The table of the list: STT, certificate, name, unit, group, score, band. */
static const char *const *
list_cells(struct print *p, size_t *ncols_out, const char ***header_out)
{
	static const char *header[7];
	const struct model_decision *d = p->d;
	const char **cells = xcalloc(d->n_items * 7 + 1, sizeof(char *));

	header[0] = "STT";
	header[1] = "Số giấy chứng nhận";
	header[2] = name_title(d->model);
	header[3] = "Đơn vị";
	header[4] = "Nhóm";
	header[5] = "Điểm";
	header[6] = "Xếp loại/Mức";
	for (size_t i = 0; i < d->n_items; i++) {
		const struct model_decision_item *it = &d->items[i];
		const char **row = cells + i * 7;
		struct buf t = BUF_INIT;
		char pts[32];

		row[0] = keep(p, xasprintf("%zu", i + 1));
		row[1] = it->certificate_no;
		row[2] = it->subject_name;
		row[3] = it->unit_name;
		row[4] = it->subject_group > 0 ?
		    keep(p, xasprintf("%d", it->subject_group)) : "";
		if (it->total_x100 >= 0) {
			models_points_str(it->total_x100, pts, sizeof(pts));
			row[5] = keep(p, xstrdup(pts));
		} else
			row[5] = "";
		band_text(&t, p->set.code != NULL ? &p->set : NULL, it->band,
		    it->level);
		row[6] = keep(p, buf_steal(&t));
	}
	keep(p, (char *)cells);
	*ncols_out = 7;
	*header_out = header;
	return cells;
}

/* A file answer: the document written by write() to a temporary file. */
static void
send_doc(struct http_req *req, struct http_resp *resp, int rc,
    const struct kh_err *err, const char *path, const char *type,
    const char *filename)
{
	if (rc != 0)
		web_error(req, resp, err);
	else
		page_send_file(req, resp, path, type, filename);
	unlink(path);
}

static void
file_name(char *out, size_t outsz, const char *what,
    const struct model_decision *d, const char *ext)
{
	char slug[64];

	page_ascii_slug(slug, sizeof(slug), d->number);
	/* "12/QĐ-UBND" -> "12-q-ubnd": the number before the slash is enough
	 * to tell files apart with the year. */
	{
		char *dash = strchr(slug, '-');

		if (dash != NULL && dash != slug)
			*dash = '\0';
	}
	snprintf(out, outsz, "%s-%s-%d.%s", what, slug[0] ? slug : "so", d->year,
	    ext);
}

int
page_decision_pdf(struct http_req *req, struct http_resp *resp)
{
	struct model_decision d;
	struct print p;
	struct kh_err err = KH_ERR_INIT;
	struct doc dec, list;
	struct doc_table table;
	struct doc_block dblocks[5], lblocks[2];
	const char *bases[4], *recipients[4], **header;
	const struct doc *docs[2];
	char path[200], fname[80], date[64];
	int fd, rc;
	size_t nb = 0;

	if (find_decision(req, resp, &d) != 0)
		return 0;
	print_init(req, &p, &d);
	doc_date_words(d.decided_on, date, sizeof(date));

	/* The decision. */
	nb = 0;
	bases[nb++] = "Căn cứ Luật Tổ chức chính quyền địa phương;";
	if (p.set.legal_basis != NULL && p.set.legal_basis[0] != '\0')
		bases[nb++] = keep(&p, xasprintf("Căn cứ %s;", p.set.legal_basis));
	{
		struct buf t = BUF_INIT;

		buf_puts(&t, "Xét đề nghị của Hội Khuyến học ");
		name_in_sentence(&t, d.unit_name);
		buf_puts(&t, ".");
		bases[nb++] = keep(&p, buf_steal(&t));
	}
	bases[nb] = NULL;
	memset(dblocks, 0, sizeof(dblocks));
	dblocks[0] = (struct doc_block){DOC_CENTER, "QUYẾT ĐỊNH:", 1, 0, 0, NULL};
	dblocks[1] = (struct doc_block){DOC_PARA, keep(&p, xasprintf(
	    "Điều 1. Công nhận %lld %s đạt danh hiệu “%s” năm %d (có danh sách"
	    " kèm theo).", (long long)d.count, subjects_word(d.model), p.label,
	    d.year)), 0, 0, 0, NULL};
	dblocks[2] = (struct doc_block){DOC_PARA, "Điều 2. Quyết định này có"
	    " hiệu lực kể từ ngày ký.", 0, 0, 0, NULL};
	{
		struct buf t = BUF_INIT;

		buf_puts(&t, "Điều 3. Văn phòng ");
		name_in_sentence(&t, d.issuing_body);
		buf_puts(&t, ", Hội Khuyến học ");
		name_in_sentence(&t, d.unit_name);
		buf_printf(&t, ", các %s có tên tại Điều 1 và các cơ quan, đơn vị"
		    " liên quan chịu trách nhiệm thi hành Quyết định này./.",
		    subjects_word(d.model));
		dblocks[3] = (struct doc_block){DOC_PARA, keep(&p, buf_steal(&t)),
		    0, 0, 0, NULL};
	}
	recipients[0] = "- Như Điều 3;";
	{
		struct buf t = BUF_INIT;

		buf_puts(&t, "- Hội Khuyến học ");
		name_in_sentence(&t, d.unit_name);
		buf_puts(&t, ";");
		recipients[1] = keep(&p, buf_steal(&t));
	}
	recipients[2] = "- Lưu: VT.";
	recipients[3] = NULL;
	memset(&dec, 0, sizeof(dec));
	dec.issuer = d.issuing_body;
	dec.number = d.number;
	dec.place = p.place;
	dec.date = d.decided_on;
	dec.type = "Quyết định";
	dec.summary = p.summary;
	dec.bases = bases;
	dec.blocks = dblocks;
	dec.nblocks = 4;
	dec.sign_authority = (const char *const *)p.authority;
	dec.signer = d.signer;
	dec.recipients = recipients;

	/* The attached list, on its own sheets, landscape for its columns. */
	memset(&table, 0, sizeof(table));
	table.cells = list_cells(&p, &table.ncols, &header);
	table.header = header;
	table.widths = (const double[]){0.6, 2.2, 3, 3, 0.8, 0.9, 1.4};
	table.nrows = d.n_items;
	lblocks[0] = (struct doc_block){DOC_CENTER, keep(&p, xasprintf(
	    "(Kèm theo Quyết định số %s %s của %s)", d.number, date,
	    d.issuing_body)), 0, 1, 0, NULL};
	lblocks[1] = (struct doc_block){DOC_TABLE, NULL, 0, 0, 0, &table};
	memset(&list, 0, sizeof(list));
	list.issuer = d.issuing_body;
	list.place = p.place;
	list.date = d.decided_on;
	list.type = "Danh sách";
	list.summary = keep(&p, xasprintf("%s được công nhận danh hiệu “%s” năm %d",
	    strcmp(d.model, MODEL_FAMILY) == 0 ? "Hộ gia đình" :
	    strcmp(d.model, MODEL_CITIZEN) == 0 ? "Công dân" :
	    strcmp(d.model, MODEL_CLAN) == 0 ? "Dòng họ" : "Các đơn vị", p.label,
	    d.year));
	list.blocks = lblocks;
	list.nblocks = 2;
	list.landscape = 1;
	docs[0] = &dec;
	docs[1] = &list;

	fd = page_temp_file(path, "decision");
	if (fd < 0)
		rc = kh_fail(&err, KH_E_IO, NULL, NULL);
	else {
		close(fd);
		rc = doc_pdf_many(docs, 2, path, &err);
	}
	file_name(fname, sizeof(fname), "quyet-dinh", &d, "pdf");
	if (fd >= 0)
		send_doc(req, resp, rc, &err, path, "application/pdf", fname);
	else
		web_error(req, resp, &err);
	print_cleanup(&p);
	model_decision_cleanup(&d);
	return 0;
}

int
page_decision_certificates(struct http_req *req, struct http_resp *resp)
{
	struct model_decision d;
	struct print p;
	struct kh_err err = KH_ERR_INIT;
	struct doc *docs = NULL;
	struct doc_block *blocks = NULL;
	const struct doc **ptrs = NULL;
	char path[200], fname[80], date[64];
	const char *head;
	int fd = -1, rc;

	if (find_decision(req, resp, &d) != 0)
		return 0;
	print_init(req, &p, &d);
	doc_date_words(d.decided_on, date, sizeof(date));
	if (d.n_items == 0) {
		rc = kh_fail(&err, KH_E_NOT_FOUND, N_("This decision recognised no"
		    " one: there is no certificate to print."), NULL);
		web_error(req, resp, &err);
		goto out;
	}
	docs = xcalloc(d.n_items, sizeof(*docs));
	ptrs = xcalloc(d.n_items, sizeof(*ptrs));
	blocks = xcalloc(d.n_items * 6, sizeof(*blocks));
	/* The heading names the head of the body even when a deputy signs
	 * for them ("KT. CHỦ TỊCH": the certificate is the chairman's). */
	head = d.signer_title;
	for (size_t i = 0; p.authority[i] != NULL; i++)
		if (strncmp(p.authority[i], "KT. ", 4) == 0)
			head = p.authority[i] + 4;
	head = keep(&p, xasprintf("%s %s", head, d.issuing_body));
	for (size_t i = 0; i < d.n_items; i++) {
		const struct model_decision_item *it = &d.items[i];
		struct doc_block *bl = blocks + i * 6;
		struct doc *c = &docs[i];
		const char *who;

		if (strcmp(d.model, MODEL_FAMILY) == 0)
			who = keep(&p, xasprintf("Gia đình ông (bà): %s",
			    it->subject_name));
		else if (strcmp(d.model, MODEL_CITIZEN) == 0)
			who = keep(&p, xasprintf("Ông (bà): %s", it->subject_name));
		else
			who = it->subject_name;
		/* The issuing body's heading in capitals (Decree 30, the
		 * name of a body is always written in capitals in a
		 * heading), whatever case it was typed in. */
		bl[0] = (struct doc_block){DOC_CENTER_CAPS, head, 1, 0, 0, NULL};
		bl[1] = (struct doc_block){DOC_CENTER, "Chứng nhận", 0, 1, 0, NULL};
		bl[2] = (struct doc_block){DOC_CENTER, who, 1, 0, 18, NULL};
		{
			struct buf t = BUF_INIT;

			buf_puts(&t, it->unit_name);
			if (strcmp(it->unit_code, d.unit_code) != 0) {
				buf_puts(&t, ", ");
				name_in_sentence(&t, d.unit_name);
			}
			bl[3] = (struct doc_block){DOC_CENTER, keep(&p,
			    buf_steal(&t)), 0, 0, 0, NULL};
		}
		bl[4] = (struct doc_block){DOC_CENTER, keep(&p, xasprintf(
		    "Đạt danh hiệu “%s” năm %d", p.label, d.year)), 1, 0, 20, NULL};
		bl[5] = (struct doc_block){DOC_CENTER, keep(&p, xasprintf(
		    "(Theo Quyết định số %s %s của %s)", d.number, date,
		    d.issuing_body)), 0, 1, 13, NULL};
		c->issuer = d.issuing_body;
		c->number = it->certificate_no;
		c->place = p.place;
		c->date = d.decided_on;
		c->type = "Giấy chứng nhận";
		c->blocks = bl;
		c->nblocks = 6;
		c->sign_authority = (const char *const *)p.authority;
		c->signer = d.signer;
		c->landscape = 1;
		ptrs[i] = c;
	}
	fd = page_temp_file(path, "certificates");
	if (fd < 0) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		goto out;
	}
	close(fd);
	rc = doc_pdf_many(ptrs, d.n_items, path, &err);
	file_name(fname, sizeof(fname), "giay-chung-nhan", &d, "pdf");
	send_doc(req, resp, rc, &err, path, "application/pdf", fname);
out:
	free(docs);
	free(ptrs);
	free(blocks);
	print_cleanup(&p);
	model_decision_cleanup(&d);
	return 0;
}

int
page_decision_xlsx(struct http_req *req, struct http_resp *resp)
{
	/* Certificate numbers and names are text; the rest is guessed (the
	 * STT, group and score are numbers). */
	static const int text_cols[7] = {0, 1, 1, 1, 0, 0, 1};
	struct model_decision d;
	struct print p;
	struct kh_err err = KH_ERR_INIT;
	struct doc_sheet s;
	const char **header;
	char path[200], fname[80];
	int fd, rc;

	if (find_decision(req, resp, &d) != 0)
		return 0;
	print_init(req, &p, &d);
	memset(&s, 0, sizeof(s));
	s.title = keep(&p, xasprintf("Danh sách công nhận danh hiệu “%s” năm %d"
	    " (kèm theo Quyết định số %s)", p.label, d.year, d.number));
	s.cells = list_cells(&p, &s.ncols, &header);
	s.header = header;
	s.text_cols = text_cols;
	s.nrows = d.n_items;
	fd = page_temp_file(path, "list");
	if (fd < 0) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
	} else {
		close(fd);
		rc = doc_xlsx(&s, path, &err);
		file_name(fname, sizeof(fname), "danh-sach", &d, "xlsx");
		send_doc(req, resp, rc, &err, path, "application/vnd."
		    "openxmlformats-officedocument.spreadsheetml.sheet", fname);
	}
	print_cleanup(&p);
	model_decision_cleanup(&d);
	return 0;
}
