/*
 * api_decisions.c - recognition decisions in the JSON API, read-only, for
 * the systems that take the recognised titles over: the decisions issued in
 * a unit's subtree (filters as on the page), and one decision with its list
 * and the certificate number given to each registration. Scope as on the
 * pages: whoever may read the issuing unit (models_decision_list and
 * models_decision_get check it). Points are numbers of points, not
 * hundredths.
 */
#include "web/web.h"
#include "models/models.h"
#include "units/units.h"

#include <stdlib.h>
#include <string.h>

static json_t *
str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

/* The header fields of a decision. */
static json_t *
decision_json(const struct model_decision *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "unit_code", json_string(d->unit_code));
	json_object_set_new(o, "unit_name", json_string(d->unit_name));
	json_object_set_new(o, "model", json_string(d->model));
	json_object_set_new(o, "year", json_integer(d->year));
	json_object_set_new(o, "number", json_string(d->number));
	json_object_set_new(o, "decided_on", json_string(d->decided_on));
	json_object_set_new(o, "signer", json_string(d->signer));
	json_object_set_new(o, "signer_title", json_string(d->signer_title));
	json_object_set_new(o, "issuing_body", json_string(d->issuing_body));
	json_object_set_new(o, "count", json_integer(d->count));
	return o;
}

static json_t *
item_json(const struct model_decision_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "registration_id",
	    json_integer(it->registration_id));
	json_object_set_new(o, "certificate_no", json_string(it->certificate_no));
	json_object_set_new(o, "subject_name", json_string(it->subject_name));
	json_object_set_new(o, "unit_code", json_string(it->unit_code));
	json_object_set_new(o, "unit_name", json_string(it->unit_name));
	json_object_set_new(o, "subject_group", it->subject_group > 0 ?
	    json_integer(it->subject_group) : json_null());
	json_object_set_new(o, "total", it->total_x100 < 0 ? json_null() :
	    json_real((double)it->total_x100 / 100.0));
	json_object_set_new(o, "band", str_or_null(it->band));
	json_object_set_new(o, "level", json_integer(it->level));
	return o;
}

int
api_decisions_list(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_decision_list l;
	struct unit u = UNIT_INIT;
	const char *code = http_query(req, "unit"), *s;
	const char *model = http_query(req, "model");
	int64_t unit_id = w->actor.unit_id;
	int year = 0, rc = 0;
	json_t *items;

	memset(&l, 0, sizeof(l));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (code != NULL && code[0] != '\0') {
		rc = units_find(w->db, &w->actor, code, NULL, &u, &err);
		unit_id = u.id;
	} else if (unit_id <= 0)
		rc = kh_fail_field(&err, KH_E_INVALID, "unit", N_("Choose a"
		    " unit."), NULL);
	if (model != NULL && model[0] == '\0')
		model = NULL;
	if (rc == 0 && model != NULL && !models_model_valid(model))
		rc = kh_fail_field(&err, KH_E_INVALID, "model", N_("%s is not a"
		    " known learning model."), model);
	s = http_query(req, "year");
	if (s != NULL && s[0] != '\0') {
		year = atoi(s);
		if (rc == 0 && (year < 2000 || year > 9999))
			rc = kh_fail_field(&err, KH_E_INVALID, "year", N_("The year"
			    " %s is not valid."), s);
	}
	if (rc == 0)
		rc = models_decision_list(w->db, &w->actor, unit_id, year, model,
		    &l, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	items = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(items, decision_json(&l.items[i]));
	web_json(req, resp, 200, json_pack("{s:o, s:I}", "items", items,
	    "total", (json_int_t)l.n));
out:
	model_decision_list_cleanup(&l);
	unit_cleanup(&u);
	return 0;
}

int
api_decisions_get(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_decision d;
	const char *s = http_param(req, "id");
	char *end = NULL;
	int64_t id = s != NULL ? strtoll(s, &end, 10) : 0;
	json_t *o, *items;

	memset(&d, 0, sizeof(d));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (s == NULL || end == s || *end != '\0' || id <= 0) {
		kh_fail(&err, KH_E_NOT_FOUND, N_("No decision has the number %s."),
		    s != NULL ? s : "");
		web_error(req, resp, &err);
		return 0;
	}
	if (models_decision_get(w->db, &w->actor, id, &d, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	o = decision_json(&d);
	items = json_array();
	for (size_t i = 0; i < d.n_items; i++)
		json_array_append_new(items, item_json(&d.items[i]));
	json_object_set_new(o, "items", items);
	web_json(req, resp, 200, o);
out:
	model_decision_cleanup(&d);
	return 0;
}
