/*
 * layout.c - the page frame: head, header with menu, footer; shared bits of
 * markup (CSRF field, error box, dates, the header of a unit's pages).
 */
#include "web/web.h"
#include "core/date.h"
#include "units/units.h"
#include "web/html.h"

#include <stdlib.h>
#include <string.h>

/*
 * The menu: entries are collected, then the one that owns the request's path
 * is marked current. An entry owns its own path and what is below it, and
 * the patterns given with menu_own(), where a star stands for one segment
 * (a unit's code): "Reports" owns /units/{code}/reports, so a unit's report
 * reads as a page of the reports, not of the units. The longest match wins, so
 * "Units" is not current on a page another entry owns.
 */
#define MENU_MAX 16
#define MENU_OWNS 4

struct menu {
	const char *href[MENU_MAX];
	const char *label[MENU_MAX];
	const char *owns[MENU_MAX][MENU_OWNS];
	size_t n;
};

static void
menu_add(struct menu *m, const char *href, const char *label)
{
	if (m->n < MENU_MAX) {
		m->href[m->n] = href;
		m->label[m->n++] = label;
	}
}

/* The last entry added also owns the paths under pattern. */
static void
menu_own(struct menu *m, const char *pattern)
{
	size_t k;

	if (m->n == 0)
		return;
	for (k = 0; k < MENU_OWNS && m->owns[m->n - 1][k] != NULL; k++)
		;
	if (k < MENU_OWNS)
		m->owns[m->n - 1][k] = pattern;
}

/* How much of path the pattern covers (0: it does not): the pattern's
 * segments equal the path's first ones, a star matching any one segment, and
 * the path going on only with a new segment. */
static size_t
menu_match(const char *path, const char *pattern)
{
	const char *p = path, *q = pattern;

	if (strcmp(pattern, "/") == 0)
		return strcmp(path, "/") == 0 ? 1 : 0;
	while (*q != '\0') {
		if (q[0] == '*' && (q[1] == '/' || q[1] == '\0') && p[0] != '/' &&
		    p[0] != '\0') {
			q++;
			while (*p != '\0' && *p != '/')
				p++;
		} else if (*q == *p) {
			q++;
			p++;
		} else {
			return 0;
		}
	}
	return *p == '/' || *p == '\0' ? (size_t)(p - path) : 0;
}

static void
menu_write(struct http_req *req, struct buf *b, const struct menu *m)
{
	size_t best = m->n, best_len = 0;

	for (size_t i = 0; i < m->n; i++) {
		size_t len = menu_match(req->path, m->href[i]);

		for (size_t k = 0; k < MENU_OWNS && m->owns[i][k] != NULL; k++) {
			size_t l = menu_match(req->path, m->owns[i][k]);

			if (l > len)
				len = l;
		}
		if (len > best_len) {
			best = i;
			best_len = len;
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		html_raw(b, "<li><a href=\"");
		html_attr(b, m->href[i]);
		html_raw(b, i == best ? "\" aria-current=\"page\">" : "\">");
		html_text(b, tr(req, m->label[i]));
		html_raw(b, "</a></li>");
	}
}

void
page_begin(struct http_req *req, struct http_resp *resp, const char *title)
{
	struct web_req *w = web(req);
	struct buf *b = &resp->body;

	resp->content_type = "text/html; charset=utf-8";
	html_raw(b, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(b, w->lang);
	html_raw(b, "\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<link rel=\"stylesheet\" href=\"/static/app.css\">");
	if (w->csrf[0] != '\0') {
		html_raw(b, "<meta name=\"csrf-token\" content=\"");
		html_attr(b, w->csrf);
		html_raw(b, "\">");
	}
	html_raw(b, "<title>");
	html_text(b, title);
	html_raw(b, " · ");
	html_text(b, tr(req, N_("Learning society")));
	html_raw(b, "</title></head><body><header class=\"top\"><a class=\"brand\" href=\"/\">");
	html_text(b, tr(req, N_("Learning society")));
	html_raw(b, "</a>");
	if (w->authed) {
		html_raw(b, "<nav aria-label=\"");
		html_attr(b, tr(req, N_("Menu")));
		html_raw(b, "\"><ul>");
		struct menu m;

		memset(&m, 0, sizeof(m));

		menu_add(&m, "/", N_("Home"));
		menu_add(&m, "/units", N_("Units"));
		/* Learning models: the registrations of the user's own unit. */
		menu_add(&m, arena_printf(&req->arena, "/units/%s/registrations",
		    w->actor.unit_code), N_("Learning models"));
		menu_own(&m, "/units/*/registrations");
		menu_own(&m, "/registrations");
		menu_own(&m, "/units/*/clans");
		menu_own(&m, "/clans");
		/* Recognition decisions of the user's own unit; criteria sets. */
		menu_add(&m, arena_printf(&req->arena, "/units/%s/decisions",
		    w->actor.unit_code), N_("Recognition decisions"));
		menu_own(&m, "/units/*/decisions");
		menu_own(&m, "/decisions");
		/* Indicators against their targets, for the user's unit. */
		menu_add(&m, arena_printf(&req->arena, "/units/%s/dashboard",
		    w->actor.unit_code), N_("Indicators and targets"));
		menu_own(&m, "/units/*/dashboard");
		menu_own(&m, "/units/*/shares");
		menu_add(&m, "/criteria", N_("Criteria sets"));
		/* Reports up the hierarchy: entry, approval, consolidation. */
		menu_add(&m, "/reports", N_("Reports"));
		menu_own(&m, "/units/*/reports");
		if (w->actor.role >= ROLE_OFFICER)
			menu_add(&m, arena_printf(&req->arena,
			    "/units/%s/public-submissions", w->actor.unit_code),
			    N_("Online self-assessment"));
		if (w->actor.role >= ROLE_OFFICER)
			menu_own(&m, "/units/*/public-submissions");
		if (w->actor.role >= ROLE_MANAGER) {
			menu_add(&m, "/users", N_("Accounts"));
			menu_add(&m, "/audit", N_("Audit log"));
		}
		menu_write(req, b, &m);
		html_raw(b, "</ul></nav>");
	}
	html_raw(b, "<div class=\"who\">");
	if (w->authed) {
		html_raw(b, "<span class=\"user\">");
		html_text(b, w->actor.full_name);
		html_raw(b, " · ");
		html_text(b, w->actor.unit_name);
		html_raw(b, "</span><form method=\"post\" action=\"/logout\" class=\"inline\">");
		page_csrf_field(req, b);
		html_raw(b, "<button type=\"submit\" class=\"link\">");
		html_text(b, tr(req, N_("Log out")));
		html_raw(b, "</button></form>");
	}
	html_raw(b, "<a class=\"lang\" href=\"/lang/");
	html_raw(b, strcmp(w->lang, "en") == 0 ? "vi" : "en");
	html_raw(b, "?next=");
	html_url(b, req->path);
	html_raw(b, "\">");
	html_raw(b, strcmp(w->lang, "en") == 0 ? "Tiếng Việt" : "English");
	html_raw(b, "</a></div></header><main>");
}

void
page_end(struct http_req *req, struct http_resp *resp)
{
	html_raw(&resp->body, "</main><footer>");
	html_text(&resp->body, tr(req, N_("khuyenhoc — study encouragement and"
	    " lifelong learning")));
	html_raw(&resp->body, "</footer></body></html>\n");
}

void
page_csrf_field(struct http_req *req, struct buf *b)
{
	struct web_req *w = web(req);

	html_raw(b, "<input type=\"hidden\" name=\"_csrf\" value=\"");
	html_attr(b, w->csrf);
	html_raw(b, "\">");
}

void
page_error_box(struct http_req *req, struct buf *b, const struct kh_err *err)
{
	char msg[1024];

	kh_err_format(err, web(req)->lang, msg, sizeof(msg));
	html_raw(b, "<div class=\"alert\" role=\"alert\">");
	html_text(b, msg);
	html_raw(b, "</div>");
}

void
page_date(struct buf *b, const char *iso)
{
	char d[DATE_LEN];

	if (iso == NULL || iso[0] == '\0' || strncmp(iso, "1900-01-01", 10) == 0) {
		html_raw(b, "—");
		return;
	}
	date_display(iso, d);
	html_text(b, d);
}

const char *
page_role_label(struct http_req *req, enum role r)
{
	switch (r) {
	case ROLE_ADMIN: return tr(req, N_("Administrator"));
	case ROLE_MANAGER: return tr(req, N_("Manager"));
	case ROLE_OFFICER: return tr(req, N_("Officer"));
	case ROLE_VIEWER: return tr(req, N_("Viewer"));
	case ROLE_NONE: break;
	}
	return "";
}

void
page_unit_href(struct buf *b, const char *code, const char *valid_to)
{
	char today[DATE_LEN];

	html_raw(b, "/units/");
	html_url(b, code);
	date_today(today);
	if (valid_to != NULL && valid_to[0] != '\0' && strcmp(valid_to, today) < 0) {
		html_raw(b, "?on=");
		html_url(b, valid_to);
	}
}

void
page_unit_tabs(struct http_req *req, struct buf *b, const struct unit *u,
    const struct page_tab *tabs, size_t n_tabs)
{
	html_raw(b, "<nav class=\"tabs\"><a href=\"");
	page_unit_href(b, u->code, u->valid_to);
	html_raw(b, "\">");
	html_text(b, u->name);
	html_raw(b, "</a>");
	for (size_t i = 0; i < n_tabs; i++) {
		html_raw(b, " · <a href=\"/units/");
		html_url(b, u->code);
		html_attr(b, tabs[i].path);
		html_raw(b, tabs[i].current ? "\" aria-current=\"page\">" : "\">");
		html_text(b, tr(req, tabs[i].label));
		html_raw(b, "</a>");
	}
	html_raw(b, "</nav>");
}

void
page_unit_header(struct http_req *req, struct buf *b, const struct unit *u,
    const struct page_tab *tabs, size_t n_tabs, const char *title,
    const char *subtitle)
{
	page_unit_tabs(req, b, u, tabs, n_tabs);
	html_raw(b, "<h1>");
	html_text(b, title);
	if (subtitle != NULL && subtitle[0] != '\0') {
		html_raw(b, " <span class=\"muted\">");
		html_text(b, subtitle);
		html_raw(b, "</span>");
	}
	html_raw(b, "</h1>");
}

void
page_form_begin(struct http_req *req, struct buf *b, const char *id,
    const char *title, const struct kh_err *err, const char *action,
    const char *cls)
{
	html_raw(b, "<section class=\"card\" id=\"");
	html_attr(b, id);
	html_raw(b, "\"><h2>");
	html_text(b, tr(req, title));
	html_raw(b, "</h2>");
	if (err != NULL)
		page_error_box(req, b, err);
	html_raw(b, "<form method=\"post\"");
	if (cls != NULL) {
		html_raw(b, " class=\"");
		html_attr(b, cls);
		html_raw(b, "\"");
	}
	html_raw(b, " action=\"");
	html_attr(b, action);
	html_raw(b, "\">");
	page_csrf_field(req, b);
}

void
page_form_end(struct http_req *req, struct buf *b, const char *button)
{
	html_raw(b, "<button type=\"submit\">");
	html_text(b, tr(req, button));
	html_raw(b, "</button></form></section>");
}

static void
label_for(struct http_req *req, struct buf *b, const char *id,
    const char *label)
{
	html_raw(b, "<label for=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_text(b, tr(req, label));
	html_raw(b, "</label>");
}

void
page_input(struct http_req *req, struct buf *b, const char *id,
    const char *name, const char *label, const char *value, const char *attrs)
{
	label_for(req, b, id, label);
	html_raw(b, "<input id=\"");
	html_attr(b, id);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\"");
	if (attrs != NULL && attrs[0] != '\0') {
		html_raw(b, " ");
		html_raw(b, attrs);
	}
	html_raw(b, " value=\"");
	html_attr(b, value);
	html_raw(b, "\">");
}

void
page_select(struct http_req *req, struct buf *b, const char *id,
    const char *name, const char *label, const char *const *values,
    const char *const *texts, size_t n, const char *selected)
{
	size_t i;

	label_for(req, b, id, label);
	html_raw(b, "<select id=\"");
	html_attr(b, id);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\">");
	for (i = 0; i < n; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, values[i]);
		html_raw(b, selected != NULL && strcmp(selected, values[i]) == 0 ?
		    "\" selected>" : "\">");
		html_text(b, texts[i]);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
}
