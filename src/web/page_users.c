/*
 * page_users.c - accounts in the user's scope, creating one, and setting a
 * password.
 */
#include "web/web.h"
#include "core/date.h"
#include "web/html.h"

#include <string.h>

static void
user_form(struct http_req *req, struct buf *b, const struct kh_err *err)
{
	struct web_req *w = web(req);
	static const enum role roles[] = {ROLE_VIEWER, ROLE_OFFICER, ROLE_MANAGER,
	    ROLE_ADMIN};
	const char *values[4], *labels[4];
	const char *unit = http_form(req, "unit");
	size_t n = 0;

	/* Roles up to the actor's own. */
	for (size_t i = 0; i < 4 && roles[i] <= w->actor.role; i++, n++) {
		values[n] = auth_role_name(roles[i]);
		labels[n] = page_role_label(req, roles[i]);
	}
	page_form_begin(req, b, "new-account", N_("New account"), err, "/users",
	    NULL);
	page_input(req, b, "u-login", "login", N_("Login"), http_form(req, "login"),
	    "required autocapitalize=\"none\" spellcheck=\"false\""
	    " pattern=\"[a-z0-9._\\-]{3,64}\"");
	page_input(req, b, "u-name", "full_name", N_("Full name"),
	    http_form(req, "full_name"), "required");
	page_select(req, b, "u-role", "role", N_("Role"), values, labels, n,
	    http_form(req, "role"));
	page_input(req, b, "u-unit", "unit", N_("Unit code (the account sees this"
	    " unit and everything below it)"), unit != NULL ? unit :
	    w->actor.unit_code, "required");
	page_input(req, b, "u-password", "password",
	    N_("Password (at least 8 characters)"), NULL, "type=\"password\""
	    " autocomplete=\"new-password\" minlength=\"8\" required");
	page_form_end(req, b, N_("Create the account"));
}

static void
render_users(struct http_req *req, struct http_resp *resp,
    const struct kh_err *form_err, const char *notice)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct user_list l = {0};
	struct buf *b = &resp->body;
	size_t i;

	if (users_list(w->db, &w->actor, &l, &err) != 0) {
		web_error(req, resp, &err);
		return;
	}
	page_begin(req, resp, tr(req, N_("Accounts")));
	html_raw(b, "<h1>");
	html_text(b, tr(req, N_("Accounts")));
	html_raw(b, "</h1>");
	if (notice != NULL) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		html_raw(b, "</p>");
	}
	html_raw(b, "<div class=\"table-wrap\"><table id=\"accounts\"><thead><tr><th>");
	html_text(b, tr(req, N_("Login")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Full name")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Role")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Unit")));
	html_raw(b, "</th><th>");
	html_text(b, tr(req, N_("Created")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (i = 0; i < l.n; i++) {
		html_raw(b, "<tr><td class=\"code\">");
		html_text(b, l.items[i].login);
		html_raw(b, "</td><td>");
		html_text(b, l.items[i].full_name);
		html_raw(b, "</td><td>");
		html_text(b, page_role_label(req, l.items[i].role));
		html_raw(b, "</td><td><a href=\"/units/");
		html_url(b, l.items[i].unit_code);
		html_raw(b, "\">");
		html_text(b, l.items[i].unit_name);
		html_raw(b, "</a></td><td>");
		page_date(b, l.items[i].created_at);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (w->actor.role >= ROLE_MANAGER)
		user_form(req, b, form_err);
	page_end(req, resp);
	user_list_cleanup(&l);
}

int
page_users_list(struct http_req *req, struct http_resp *resp)
{
	struct kh_err err = KH_ERR_INIT;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (auth_need_role(&web(req)->actor, ROLE_MANAGER, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	render_users(req, resp, NULL, http_query(req, "created") != NULL ?
	    tr(req, N_("The account was created.")) : NULL);
	return 0;
}

int
page_users_create(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct user_input in;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (auth_need_role(&w->actor, ROLE_MANAGER, &err) != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	in.login = http_form(req, "login");
	in.full_name = http_form(req, "full_name");
	in.role = http_form(req, "role");
	in.unit_code = http_form(req, "unit");
	in.password = http_form(req, "password");
	rc = users_create(w->db, &w->actor, &in, NULL, &err);
	if (rc != 0) {
		render_users(req, resp, &err, NULL);
		resp->status = kh_kind_http_status(rc);
		return 0;
	}
	http_redirect(req, resp, "/users?created=1");
	return 0;
}

int
page_users_password(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	int rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	rc = users_set_password(w->db, &w->actor, http_param(req, "login"),
	    http_form(req, "password"), &err);
	if (rc != 0) {
		web_error(req, resp, &err);
		return 0;
	}
	if (w->actor.role >= ROLE_MANAGER)
		http_redirect(req, resp, "/users");
	else
		http_redirect(req, resp, "/");
	return 0;
}
