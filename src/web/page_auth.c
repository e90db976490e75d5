/*
 * page_auth.c - logging in and out, and the language switch.
 */
#include "web/web.h"
#include "core/log.h"
#include "web/html.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SESSION_COOKIE "kh_session"
#define LOGIN_COOKIE "kh_login"

/* A local path to go to after logging in: "/..." but not "//host". */
static const char *
safe_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strchr(next, '\r') != NULL || strchr(next, '\n') != NULL)
		return "/";
	return next;
}

static bool
secure_cookies(void)
{
	const char *s = getenv("KHUYENHOC_SECURE_COOKIES");

	return s != NULL && strcmp(s, "1") == 0;
}

const char *
page_presession_csrf(struct http_req *req, struct http_resp *resp)
{
	const char *old = http_cookie(req, LOGIN_COOKIE);
	char token[48];
	unsigned char raw[24];

	/* Keep the token of a form already open in another tab (its length is
	 * that of a token we made; anything else is replaced). */
	if (old != NULL && strlen(old) == 32 &&
	    strspn(old, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == 32)
		snprintf(token, sizeof(token), "%s", old);
	else {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	http_set_cookie(req, resp, LOGIN_COOKIE, token, 3600, secure_cookies());
	return arena_strdup(&req->arena, token);
}

static void
login_form(struct http_req *req, struct http_resp *resp,
    const struct kh_err *err, const char *login)
{
	struct buf *b = &resp->body;
	/* Double-submit token for the login form (no session exists yet). */
	const char *token = page_presession_csrf(req, resp);

	page_begin(req, resp, tr(req, N_("Log in")));
	html_raw(b, "<section class=\"card narrow\"><h1>");
	html_text(b, tr(req, N_("Log in")));
	html_raw(b, "</h1>");
	if (err != NULL)
		page_error_box(req, b, err);
	html_raw(b, "<form method=\"post\" action=\"/login\">"
	    "<input type=\"hidden\" name=\"_csrf\" value=\"");
	html_attr(b, token);
	html_raw(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
	html_attr(b, safe_next(http_query(req, "next") != NULL ?
	    http_query(req, "next") : http_form(req, "next")));
	html_raw(b, "\"><label for=\"login\">");
	html_text(b, tr(req, N_("Login")));
	html_raw(b, "</label><input id=\"login\" name=\"login\" autocomplete=\"username\""
	    " autocapitalize=\"none\" spellcheck=\"false\" required value=\"");
	html_attr(b, login);
	html_raw(b, "\"><label for=\"password\">");
	html_text(b, tr(req, N_("Password")));
	html_raw(b, "</label><input id=\"password\" name=\"password\" type=\"password\""
	    " autocomplete=\"current-password\" required>"
	    "<button type=\"submit\">");
	html_text(b, tr(req, N_("Log in")));
	html_raw(b, "</button></form></section><p class=\"card narrow\">");
	html_text(b, tr(req, N_("Citizens: no account is needed to assess"
	    " yourself as a learning citizen.")));
	html_raw(b, " <a href=\"/public/citizen\" id=\"public-link\">");
	html_text(b, tr(req, N_("Self-assess online")));
	html_raw(b, "</a></p>");
	page_end(req, resp);
}

int
page_login_form(struct http_req *req, struct http_resp *resp)
{
	if (web(req)->authed) {
		http_redirect(req, resp, safe_next(http_query(req, "next")));
		return 0;
	}
	login_form(req, resp, NULL, "");
	return 0;
}

int
page_login_post(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	char token[AUTH_TOKEN_LEN], csrf[AUTH_CSRF_LEN];
	const char *login = http_form(req, "login");
	int rc;

	rc = auth_login(w->db, login, http_form(req, "password"), req->ip, token,
	    csrf, &w->actor, &err);
	if (rc != 0) {
		if (rc == KH_E_DB)
			log_error("login: %s", err.detail);
		login_form(req, resp, &err, login != NULL ? login : "");
		resp->status = kh_kind_http_status(rc);
		return 0;
	}
	http_set_cookie(req, resp, SESSION_COOKIE, token, -1, secure_cookies());
	http_set_cookie(req, resp, LOGIN_COOKIE, "", 0, secure_cookies());
	http_redirect(req, resp, safe_next(http_form(req, "next")));
	sodium_memzero(token, sizeof(token));
	return 0;
}

int
page_logout(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;

	if (w->session_token != NULL)
		auth_logout(w->db, w->session_token, &err);
	http_set_cookie(req, resp, SESSION_COOKIE, "", 0, secure_cookies());
	http_redirect(req, resp, "/login");
	return 0;
}

/* GET /lang/{vi|en}?next=/path: remember the language in a cookie. Only a
 * display preference changes, so a link (GET) is enough. */
int
page_lang(struct http_req *req, struct http_resp *resp)
{
	const char *l = http_param(req, "lang");

	if (l == NULL || (strcmp(l, "vi") != 0 && strcmp(l, "en") != 0)) {
		web_error_kind(req, resp, KH_E_NOT_FOUND);
		return 0;
	}
	http_set_cookie(req, resp, "lang", l, 365L * 24 * 3600, secure_cookies());
	http_redirect(req, resp, safe_next(http_query(req, "next")));
	return 0;
}
