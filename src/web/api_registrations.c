/*
 * api_registrations.c - the learning models' registrations in the JSON API,
 * read-only: the list of a unit's subtree with the filters of the page, and
 * one registration with its latest self-assessment and verification (every
 * value, the computed figures with their source, the changes with their
 * reasons). Points are numbers of points ("85.5" is 85.5), not hundredths.
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

static json_t *
points_json(int64_t x100)
{
	return x100 < 0 ? json_null() : json_real((double)x100 / 100.0);
}

static json_t *
reg_json(const struct model_registration *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "model", json_string(r->model));
	json_object_set_new(o, "year", json_integer(r->year));
	json_object_set_new(o, "subject_kind", json_string(r->subject_kind));
	json_object_set_new(o, "subject_id", json_integer(r->subject_id));
	json_object_set_new(o, "subject_name", json_string(r->subject_name));
	json_object_set_new(o, "subject_group", r->subject_group > 0 ?
	    json_integer(r->subject_group) : json_null());
	json_object_set_new(o, "unit_code", json_string(r->unit_code));
	json_object_set_new(o, "unit_name", json_string(r->unit_name));
	json_object_set_new(o, "set_code", json_string(r->set_code));
	json_object_set_new(o, "set_version", json_integer(r->set_version));
	json_object_set_new(o, "state", json_string(r->state));
	json_object_set_new(o, "returned", json_boolean(r->returned));
	json_object_set_new(o, "late", json_boolean(r->late));
	json_object_set_new(o, "registered_on", str_or_null(r->registered_on));
	json_object_set_new(o, "total", points_json(r->total_x100));
	json_object_set_new(o, "max", r->total_x100 < 0 ? json_null() :
	    points_json(r->max_x100));
	json_object_set_new(o, "achieved", json_boolean(r->achieved));
	json_object_set_new(o, "band", str_or_null(r->band));
	json_object_set_new(o, "level", json_integer(r->level));
	json_object_set_new(o, "certificate_no", str_or_null(r->certificate_no));
	return o;
}

static json_t *
assessment_json(const struct model_assessment *as)
{
	json_t *o = json_object(), *vals = json_array();
	size_t i;

	json_object_set_new(o, "stage", json_string(as->stage));
	json_object_set_new(o, "channel", str_or_null(as->channel));
	json_object_set_new(o, "actor", str_or_null(as->actor));
	json_object_set_new(o, "at", str_or_null(as->at));
	json_object_set_new(o, "note", str_or_null(as->note));
	json_object_set_new(o, "total", points_json(as->total_x100));
	json_object_set_new(o, "max", points_json(as->max_x100));
	json_object_set_new(o, "achieved", json_boolean(as->achieved));
	json_object_set_new(o, "band", str_or_null(as->band));
	json_object_set_new(o, "level", json_integer(as->level));
	json_object_set_new(o, "failed", str_or_null(as->failed));
	for (i = 0; i < as->n_values; i++) {
		const struct model_value *v = &as->values[i];
		json_t *jv = json_object();

		json_object_set_new(jv, "code", json_string(v->code));
		json_object_set_new(jv, "criterion", json_boolean(v->criterion));
		json_object_set_new(jv, "points", points_json(v->value_x100));
		json_object_set_new(jv, "met", json_boolean(v->met));
		json_object_set_new(jv, "na", json_boolean(v->na));
		if (v->source != NULL) {
			json_object_set_new(jv, "num", json_integer(v->num));
			json_object_set_new(jv, "den", json_integer(v->den));
			json_object_set_new(jv, "source", json_string(v->source));
			json_object_set_new(jv, "computed_at",
			    str_or_null(v->computed_at));
		}
		if (v->changed) {
			json_object_set_new(jv, "changed", json_true());
			json_object_set_new(jv, "old_points",
			    points_json(v->old_value_x100));
			json_object_set_new(jv, "reason", str_or_null(v->reason));
		}
		json_object_set_new(jv, "note", str_or_null(v->note));
		json_array_append_new(vals, jv);
	}
	json_object_set_new(o, "values", vals);
	return o;
}

int
api_registrations_list(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct model_reg_list l;
	struct model_query q;
	struct unit u = UNIT_INIT;
	const char *code = http_query(req, "unit"), *s;
	json_t *items;
	size_t i;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	memset(&q, 0, sizeof(q));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (code != NULL && code[0] != '\0') {
		rc = units_find(w->db, &w->actor, code, NULL, &u, &err);
		q.unit_id = u.id;
	}
	q.model = http_query(req, "model");
	if (q.model != NULL && q.model[0] == '\0')
		q.model = NULL;
	if (rc == 0 && q.model != NULL && !models_model_valid(q.model))
		rc = kh_fail_field(&err, KH_E_INVALID, "model", N_("%s is not a"
		    " known learning model."), q.model);
	q.state = http_query(req, "state");
	if (q.state != NULL && q.state[0] == '\0')
		q.state = NULL;
	s = http_query(req, "year");
	q.year = s != NULL ? atoi(s) : 0;
	s = http_query(req, "limit");
	q.limit = s != NULL ? atoi(s) : 50;
	s = http_query(req, "offset");
	q.offset = s != NULL ? atoi(s) : 0;
	if (q.offset < 0)
		q.offset = 0;
	if (rc == 0)
		rc = models_list(w->db, &w->actor, &q, &l, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	items = json_array();
	for (i = 0; i < l.n; i++)
		json_array_append_new(items, reg_json(&l.items[i]));
	web_json(req, resp, 200, json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)l.total));
out:
	model_reg_list_cleanup(&l);
	unit_cleanup(&u);
	return 0;
}

int
api_registrations_get(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT, none = KH_ERR_INIT;
	struct model_registration r;
	struct model_assessment as;
	const char *s = http_param(req, "id");
	int64_t id = s != NULL ? strtoll(s, NULL, 10) : 0;
	const char *stages[] = {"self", "verify"};
	json_t *o, *list;
	size_t i;

	memset(&r, 0, sizeof(r));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (models_get(w->db, &w->actor, id, &r, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	o = reg_json(&r);
	list = json_array();
	for (i = 0; i < 2; i++) {
		memset(&as, 0, sizeof(as));
		if (models_assessment(w->db, &w->actor, id, stages[i], &as,
		    &none) == 0) {
			json_array_append_new(list, assessment_json(&as));
			model_assessment_cleanup(&as);
		}
	}
	json_object_set_new(o, "assessments", list);
	web_json(req, resp, 200, o);
out:
	model_registration_cleanup(&r);
	return 0;
}
