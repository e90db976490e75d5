/*
 * api.c - the JSON API under /api/v1. Errors come in one envelope:
 * {"error": {"code": "forbidden", "message": "...", "field": "..."}}; lists
 * as {"items": [...]}; a single object as itself.
 */
#include "web/web.h"
#include "auth/audit.h"
#include "core/date.h"
#include "units/units.h"

#include <string.h>

static json_t *
str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
unit_json(const struct unit *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", json_string(u->code));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "kind", json_string(u->kind));
	json_object_set_new(o, "type_name", json_string(u->type_name));
	json_object_set_new(o, "parent_code", str_or_null(u->parent_code));
	json_object_set_new(o, "valid_from",
	    u->valid_from != NULL && strcmp(u->valid_from, "1900-01-01") != 0 ?
	    json_string(u->valid_from) : json_null());
	json_object_set_new(o, "valid_to", str_or_null(u->valid_to));
	json_object_set_new(o, "address", json_string(u->address != NULL ?
	    u->address : ""));
	return o;
}

static json_t *
units_json(const struct unit_list *l, bool counts)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_t *o = unit_json(&l->items[i]);

		if (counts)
			json_object_set_new(o, "n_children",
			    json_integer(l->items[i].n_children));
		json_array_append_new(a, o);
	}
	return a;
}

static int
query_date(struct http_req *req, char on[DATE_LEN], const char **out,
    struct kh_err *err)
{
	const char *s = http_query(req, "on");

	*out = NULL;
	if (s == NULL || s[0] == '\0')
		return 0;
	if (!date_parse(s, on))
		return kh_fail_field(err, KH_E_INVALID, "on",
		    N_("The date %s is not valid: write it as dd/mm/yyyy."), s);
	*out = on;
	return 0;
}

int
api_me(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);

	if (web_need_login(req, resp) != 0)
		return 0;
	web_json(req, resp, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}",
	    "login", w->actor.login, "full_name", w->actor.full_name,
	    "role", auth_role_name(w->actor.role), "unit_code", w->actor.unit_code,
	    "unit_name", w->actor.unit_name));
	return 0;
}

int
api_units_search(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_list l = UNIT_LIST_INIT;
	const char *q = http_query(req, "q"), *on;
	const char *lim = http_query(req, "limit");
	char d[DATE_LEN];
	int rc, limit = lim != NULL ? atoi(lim) : 50;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (q == NULL || q[0] == '\0' || strlen(q) > 200) {
		kh_fail_field(&err, KH_E_INVALID, "q",
		    N_("Give the text to search for (at most 200 characters)."), NULL);
		web_error(req, resp, &err);
		return 0;
	}
	if (limit < 1 || limit > 500)
		limit = 50;
	rc = query_date(req, d, &on, &err);
	if (rc == 0)
		rc = units_search(w->db, &w->actor, q, on, limit, &l, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	else
		web_json(req, resp, 200, json_pack("{s:o, s:I}", "items",
		    units_json(&l, false), "count", (json_int_t)l.n));
	unit_list_cleanup(&l);
	return 0;
}

int
api_units_get(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT;
	struct unit_list kids = UNIT_LIST_INIT;
	const char *on;
	char d[DATE_LEN], today[DATE_LEN];
	json_t *o;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = query_date(req, d, &on, &err);
	if (rc == 0)
		rc = units_find(w->db, &w->actor, http_param(req, "code"), on, &u,
		    &err);
	if (rc == 0) {
		date_today(today);
		if (on == NULL)
			on = u.valid_to == NULL || strcmp(u.valid_to, today) >= 0 ?
			    today : u.valid_to;
		rc = units_children(w->db, &w->actor, u.id, on, &kids, &err);
	}
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	o = unit_json(&u);
	json_object_set_new(o, "children", units_json(&kids, true));
	web_json(req, resp, 200, o);
out:
	unit_cleanup(&u);
	unit_list_cleanup(&kids);
	return 0;
}

/* A string member of a JSON object, or NULL; sets err when it is not one. */
static const char *
json_field(json_t *body, const char *name, struct kh_err *err)
{
	json_t *v = json_object_get(body, name);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		kh_fail_field(err, KH_E_INVALID, name,
		    N_("The field %s must be text."), name);
		return NULL;
	}
	return json_string_value(v);
}

/* Parse the request body as a JSON object; answer 400 when it is not. */
static json_t *
json_body(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;
	json_error_t jerr;
	json_t *body = NULL;

	if (req->body != NULL)
		body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
		    &jerr);
	if (body == NULL || !json_is_object(body)) {
		json_decref(body);
		kh_fail(&err, KH_E_INVALID, N_("The body must be a JSON object in"
		    " valid UTF-8."), NULL);
		web_error(req, resp, &err);
		return NULL;
	}
	return body;
}

int
api_units_org_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit u = UNIT_INIT, created = UNIT_INIT;
	struct unit_input in;
	json_t *body;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	body = json_body(req, resp);
	if (body == NULL)
		return 0;
	memset(&in, 0, sizeof(in));
	in.name = json_field(body, "name", &err);
	in.kind = json_field(body, "kind", &err);
	in.code = json_field(body, "code", &err);
	in.valid_from = json_field(body, "valid_from", &err);
	in.address = json_field(body, "address", &err);
	in.note = json_field(body, "note", &err);
	rc = err.kind;
	if (rc == 0)
		rc = units_find(w->db, &w->actor, http_param(req, "code"), NULL, &u,
		    &err);
	if (rc == 0)
		rc = units_create_org(w->db, &w->actor, u.id, &in, &created, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	else
		web_json(req, resp, 201, unit_json(&created));
	json_decref(body);
	unit_cleanup(&u);
	unit_cleanup(&created);
	return 0;
}

int
api_users_list(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct user_list l = {0};
	json_t *a;
	size_t i;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (auth_need_role(&w->actor, ROLE_MANAGER, &err) != 0 ||
	    users_list(w->db, &w->actor, &l, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	a = json_array();
	for (i = 0; i < l.n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:b}",
		    "login", l.items[i].login, "full_name", l.items[i].full_name,
		    "role", auth_role_name(l.items[i].role), "unit_code",
		    l.items[i].unit_code, "active", l.items[i].active));
	web_json(req, resp, 200, json_pack("{s:o}", "items", a));
	user_list_cleanup(&l);
	return 0;
}

int
api_users_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct user_input in;
	json_t *body;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	body = json_body(req, resp);
	if (body == NULL)
		return 0;
	in.login = json_field(body, "login", &err);
	in.full_name = json_field(body, "full_name", &err);
	in.role = json_field(body, "role", &err);
	in.unit_code = json_field(body, "unit_code", &err);
	in.password = json_field(body, "password", &err);
	rc = err.kind;
	if (rc == 0)
		rc = users_create(w->db, &w->actor, &in, NULL, &err);
	if (rc != 0)
		web_error(req, resp, &err);
	else
		web_json(req, resp, 201, json_pack("{s:s, s:s, s:s}", "login",
		    in.login, "role", in.role, "unit_code", in.unit_code));
	json_decref(body);
	return 0;
}

int
api_audit(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct audit_filter f;
	struct audit_list l = {0};
	struct unit u = UNIT_INIT;
	char from[DATE_LEN], to[DATE_LEN];
	json_t *a;
	size_t i;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = auth_need_role(&w->actor, ROLE_MANAGER, &err);
	if (rc == 0)
		rc = web_audit_filter(req, &f, &u, from, to, &err);
	if (rc == 0)
		rc = audit_list(w->db, &w->actor, &f, &l, &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	a = json_array();
	for (i = 0; i < l.n; i++) {
		const struct audit_entry *e = &l.items[i];
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}",
		    "id", (json_int_t)e->id, "at", e->at, "actor", e->actor,
		    "action", e->action, "entity", e->entity, "entity_id",
		    e->entity_id, "unit_code", str_or_null(e->unit_code));

		json_object_set_new(o, "before", e->before_json != NULL ?
		    json_loads(e->before_json, 0, NULL) : json_null());
		json_object_set_new(o, "after", e->after_json != NULL ?
		    json_loads(e->after_json, 0, NULL) : json_null());
		json_array_append_new(a, o);
	}
	web_json(req, resp, 200, json_pack("{s:o}", "items", a));
out:
	audit_list_cleanup(&l);
	unit_cleanup(&u);
	return 0;
}
