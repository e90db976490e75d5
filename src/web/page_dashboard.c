/*
 * page_dashboard.c - the indicators dashboard of a unit: each indicator's
 * value against its target for the chosen period, with the numerator and
 * the denominator, by sub-unit and over the years from 2023, under the
 * structure before or after 1 July 2025; the same figures as .xlsx, as a
 * PDF report in the official layout and through the JSON API (with CSV);
 * and the administrators' page of the shares used to carry figures of
 * partly merged communes across the restructuring.
 *
 * The page opens with an overview of every indicator (one row each), then
 * shows one indicator in detail (?indicator=, default the first): a
 * province has over a hundred communes and some twenty indicators, and a
 * page drawing them all was a megabyte nobody read through. Beyond
 * DASH_PAGE_ROWS units below, the per-unit table is paged (&page=, the
 * total row on every page) and the bar chart, which keeps every unit, is
 * sorted by value. The exports keep every indicator and every unit.
 *
 * The figures all come from reports_indicators() (approved reports,
 * consolidated): nothing is computed here but the layout. Charts are inline
 * SVG written by svg.c, each beside a table of the same figures, so the page
 * needs no script and reads the same in a screen reader or on paper. Where
 * a figure of a unit holds a part of an old commune's figure (a share), the
 * row carries a footnote naming the old commune and the share.
 */
#include "web/web.h"
#include "core/date.h"
#include "core/i18n.h"
#include "io/doc.h"
#include "reports/reports.h"
#include "units/units.h"
#include "web/html.h"
#include "web/svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first year of the series: the movement's figures are kept from
 * 2023 on. */
#define DASH_FIRST_YEAR 2023

struct dash {
	char period[48];
	char structure[4];		/* the structure used */
	struct report_period p;
	struct report_indicators cur;	/* the period: the unit and children */
	size_t n_years;
	char (*year_codes)[48];		/* the same period in each year */
	struct report_indicators *years;
};

static void
dash_cleanup(struct dash *d)
{
	report_indicators_cleanup(&d->cur);
	for (size_t i = 0; i < d->n_years; i++)
		report_indicators_cleanup(&d->years[i]);
	free(d->years);
	free(d->year_codes);
	memset(d, 0, sizeof(*d));
}

/* The period asked (default: the current year) and the structure
 * (REPORT_OLD, REPORT_NEW, or NULL: the one in force at the period's
 * end). */
static int
dash_params(const char *period_q, const char *struct_q,
    char period[48], const char **structure, struct kh_err *err)
{
	char today[DATE_LEN];

	if (period_q == NULL || period_q[0] == '\0') {
		date_today(today);
		snprintf(period, 48, "%.4s", today);
	} else
		snprintf(period, 48, "%s", period_q);
	*structure = NULL;
	if (struct_q == NULL || struct_q[0] == '\0')
		return 0;
	if (strcmp(struct_q, REPORT_OLD) == 0)
		*structure = REPORT_OLD;
	else if (strcmp(struct_q, REPORT_NEW) == 0)
		*structure = REPORT_NEW;
	else
		return kh_fail_field(err, KH_E_INVALID, "structure",
		    N_("The structure is \"old\" or \"new\"."), NULL);
	return 0;
}

/*
 * Load the period's indicators, then the same period in each year from
 * 2023 (or the period's year when earlier) to the current year, under the
 * one structure, so that the series is consistent. A window of dates has
 * no yearly counterpart: its series is itself.
 */
static int
dash_load(struct web_req *w, const char *code, const char *period,
    const char *structure, struct dash *d, struct kh_err *err)
{
	char today[DATE_LEN];
	const char *suffix;
	int y0, y1, rc;

	memset(d, 0, sizeof(*d));
	rc = reports_period_parse(period, &d->p, err);
	if (rc == 0)
		rc = reports_indicators(w->db, &w->actor, code, d->p.code,
		    structure, &d->cur, err);
	if (rc != 0)
		return rc;
	snprintf(d->period, sizeof(d->period), "%s", d->p.code);
	snprintf(d->structure, sizeof(d->structure), "%s", d->cur.structure);
	date_today(today);
	y1 = atoi(today);
	if (d->p.year > y1)
		y1 = d->p.year;
	y0 = d->p.year < DASH_FIRST_YEAR ? d->p.year : DASH_FIRST_YEAR;
	if (strcmp(d->p.kind, "window") == 0)
		y0 = y1 = d->p.year;
	suffix = strcmp(d->p.kind, "window") == 0 ? NULL : d->p.code + 4;
	d->n_years = (size_t)(y1 - y0 + 1);
	d->years = xcalloc(d->n_years, sizeof(*d->years));
	d->year_codes = xcalloc(d->n_years, sizeof(*d->year_codes));
	for (int y = y0; rc == 0 && y <= y1; y++) {
		size_t k = (size_t)(y - y0);

		if (suffix == NULL)
			snprintf(d->year_codes[k], 48, "%s", d->p.code);
		else
			snprintf(d->year_codes[k], 48, "%d%s", y, suffix);
		/* The period itself is already loaded (year_row reads it);
		 * the other years are drawn for the unit alone. */
		if (strcmp(d->year_codes[k], d->p.code) != 0)
			rc = reports_indicators_totals(w->db, &w->actor, code,
			    d->year_codes[k], d->structure, &d->years[k], err);
	}
	if (rc != 0)
		dash_cleanup(d);
	return rc;
}

/* The unit's own row of an indicator in one year, or NULL. */
static const struct report_indicator_row *
year_row(const struct dash *d, size_t k, const char *code)
{
	const struct report_indicators *l = strcmp(d->year_codes[k],
	    d->period) == 0 ? &d->cur : &d->years[k];

	for (size_t i = 0; i < l->n; i++) {
		const struct report_indicator_row *r = &l->items[i];

		if (r->total && strcmp(r->code, code) == 0)
			return r;
	}
	return NULL;
}

/* The rows of one indicator in l: [*from, *to) from index i (a total). */
static size_t
indicator_end(const struct report_indicators *l, size_t i)
{
	size_t j = i + 1;

	while (j < l->n && strcmp(l->items[j].code, l->items[i].code) == 0 &&
	    !l->items[j].total)
		j++;
	return j;
}

static const char *
ind_title(struct http_req *req, const struct report_indicator_row *r)
{
	return strcmp(web(req)->lang, "vi") == 0 || r->title_en[0] == '\0' ?
	    r->title_vi : r->title_en;
}

static char
decimal_mark(struct http_req *req)
{
	return strcmp(web(req)->lang, "vi") == 0 ? ',' : '.';
}

static void
value_html(struct http_req *req, struct buf *b, bool has, int64_t x100,
    const char *unit)
{
	char s[32];

	if (!has) {
		html_raw(b, "—");
		return;
	}
	svg_value_str(x100, decimal_mark(req), s, sizeof(s));
	html_text(b, s);
	if (unit != NULL && unit[0] != '\0') {
		html_raw(b, " ");
		html_text(b, unit);
	}
}

static void
target_html(struct http_req *req, struct buf *b,
    const struct report_indicator_row *r)
{
	if (!r->has_target) {
		html_raw(b, "—");
		return;
	}
	html_text(b, reports_op_symbol(r->target_op));
	html_raw(b, " ");
	value_html(req, b, true, r->target_x100, r->unit);
	if (!r->verified) {
		html_raw(b, " <span class=\"badge unverified\" title=\"");
		html_attr(b, tr(req, N_("This value awaits the province's"
		    " confirmation.")));
		html_raw(b, "\">");
		html_text(b, tr(req, N_("unverified")));
		html_raw(b, "</span>");
	}
}

static void
met_html(struct http_req *req, struct buf *b, int met)
{
	if (met < 0)
		html_raw(b, "<span class=\"nomet\">—</span>");
	else if (met > 0) {
		html_raw(b, "<span class=\"met\">");
		html_text(b, tr(req, N_("Met")));
		html_raw(b, "</span>");
	} else {
		html_raw(b, "<span class=\"unmet\">");
		html_text(b, tr(req, N_("Not met")));
		html_raw(b, "</span>");
	}
}

/* ---- Footnotes on shares ---- */

struct share_note {
	const char *unit_name;
	const char *note;		/* the consolidation's note */
};

struct share_notes {
	struct share_note items[64];
	size_t n;
};

/* The footnote number of a row (1-based), 0 when no share applies. Notes
 * are shared by rows with the same unit and note (the indicators of one
 * form). */
static size_t
note_index(struct share_notes *ns, const struct report_indicator_row *r)
{
	if (!r->share_applied || r->share_note == NULL || r->share_note[0] == '\0')
		return 0;
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->items[i].unit_name, r->unit_name) == 0 &&
		    strcmp(ns->items[i].note, r->share_note) == 0)
			return i + 1;
	if (ns->n == sizeof(ns->items) / sizeof(ns->items[0]))
		return 0;
	ns->items[ns->n].unit_name = r->unit_name;
	ns->items[ns->n].note = r->share_note;
	return ++ns->n;
}

static void
note_mark(struct buf *b, size_t k)
{
	if (k == 0)
		return;
	buf_printf(b, "<sup class=\"share-mark\"><a href=\"#share-%zu\">%zu</a></sup>",
	    k, k);
}

/*
 * A note "11344: 50%, 11365: 33.33%" as text: "50 % of the figures of
 * Phường Cầu Đất (11344); ...". The codes name units of the other
 * structure: their names are looked up on its side of 1 July 2025.
 */
static void
note_text(struct http_req *req, struct buf *out, const char *note,
    const char *structure, char decimal)
{
	struct web_req *w = web(req);
	const char *on = strcmp(structure, REPORT_NEW) == 0 ?
	    UNITS_OLD_STRUCTURE_TO : UNITS_NEW_STRUCTURE_FROM;
	char *copy = xstrdup(note), *save = NULL, *tok;
	bool first = true;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		struct kh_err err = KH_ERR_INIT;
		struct unit u = UNIT_INIT;
		char *colon, *pct, *dot;

		while (*tok == ' ')
			tok++;
		colon = strchr(tok, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		pct = colon + 1;
		while (*pct == ' ')
			pct++;
		pct[strcspn(pct, "%")] = '\0';
		if (decimal != '.' && (dot = strchr(pct, '.')) != NULL)
			*dot = decimal;
		if (!first)
			buf_puts(out, "; ");
		first = false;
		if (units_find(w->db, &w->actor, tok, on, &u, &err) == 0)
			buf_printf(out, tr(req, N_("%s %% of the figures of %s (%s)")),
			    pct, u.name, tok);
		else
			buf_printf(out, tr(req, N_("%s %% of the figures of %s (%s)")),
			    pct, tok, tok);
		unit_cleanup(&u);
	}
	free(copy);
}

static void
notes_html(struct http_req *req, struct buf *b, const struct share_notes *ns,
    const struct dash *d, const char *unit_code)
{
	if (ns->n == 0)
		return;
	html_raw(b, "<section class=\"card\" id=\"share-notes\"><h2>");
	html_text(b, tr(req, N_("Where a share was applied")));
	html_raw(b, "</h2><p class=\"muted\">");
	html_text(b, tr(req, N_("These figures hold a part of the figures of a"
	    " commune that was split in the restructuring of 1 July 2025.")));
	html_raw(b, "</p><ol>");
	for (size_t i = 0; i < ns->n; i++) {
		struct buf t = BUF_INIT;

		note_text(req, &t, ns->items[i].note, d->structure,
		    decimal_mark(req));
		buf_printf(b, "<li id=\"share-%zu\">", i + 1);
		html_text(b, ns->items[i].unit_name);
		html_raw(b, ": ");
		html_text(b, buf_str(&t));
		html_raw(b, "</li>");
		buf_free(&t);
	}
	html_raw(b, "</ol>");
	if (web(req)->actor.role == ROLE_ADMIN) {
		html_raw(b, "<p><a href=\"/units/");
		html_url(b, unit_code);
		html_raw(b, "/shares\">");
		html_text(b, tr(req, N_("Shares for restated figures")));
		html_raw(b, "</a></p>");
	}
	html_raw(b, "</section>");
}

/* ---- The page ---- */

/*
 * The request's unit, period and structure, loaded: 0, or an error answer
 * given. The API names the unit by ?unit=, the pages by the path. The unit
 * is looked up on ?on= when given, else on a day of the structure asked
 * (an old commune exists only before 1 July 2025), else today.
 */
static int
dash_request(struct http_req *req, struct http_resp *resp, bool api,
    struct unit *u, struct dash *d)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	const char *structure, *code, *on = http_query(req, "on");
	char period[48];

	memset(d, 0, sizeof(*d));
	if (dash_params(http_query(req, "period"),
	    http_query(req, "structure"), period, &structure, &err) != 0) {
		web_error(req, resp, &err);
		return -1;
	}
	if (on == NULL || on[0] == '\0')
		on = structure == NULL ? NULL : strcmp(structure, REPORT_OLD) == 0 ?
		    UNITS_OLD_STRUCTURE_TO : UNITS_NEW_STRUCTURE_FROM;
	code = api ? http_query(req, "unit") : http_param(req, "code");
	if (units_find(w->db, &w->actor, code != NULL ? code : "", on, u,
	    &err) != 0 || dash_load(w, u->code, period, structure, d, &err) != 0) {
		web_error(req, resp, &err);
		return -1;
	}
	return 0;
}


/* A cell named by its column (data-label): on a phone the rows of the
 * dashboard's tables are shown as cards, each figure under the name of its
 * column. */
static void
cell_open(struct http_req *req, struct buf *b, const char *cls,
    const char *label)
{
	html_raw(b, "<td");
	if (cls != NULL) {
		html_raw(b, " class=\"");
		html_raw(b, cls);
		html_raw(b, "\"");
	}
	html_raw(b, " data-label=\"");
	html_attr(b, tr(req, label));
	html_raw(b, "\">");
}

static void
fig_table_head(struct http_req *req, struct buf *b, const char *first)
{
	html_raw(b, "<thead><tr><th scope=\"col\">");
	html_text(b, tr(req, first));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Numerator")));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Denominator")));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Value")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("Target")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("Result")));
	html_raw(b, "</th></tr></thead><tbody>");
}

static void
fig_cells(struct http_req *req, struct buf *b,
    const struct report_indicator_row *r)
{
	cell_open(req, b, "num", N_("Numerator"));
	html_int(b, r->numerator);
	html_raw(b, "</td>");
	cell_open(req, b, "num", N_("Denominator"));
	if (r->has_den)
		html_int(b, r->denominator);
	else
		html_raw(b, "—");
	html_raw(b, "</td>");
	cell_open(req, b, "num value", N_("Value"));
	value_html(req, b, r->has_value, r->value_x100, r->unit);
	html_raw(b, "</td>");
	cell_open(req, b, NULL, N_("Target"));
	target_html(req, b, r);
	html_raw(b, "</td>");
	cell_open(req, b, NULL, N_("Result"));
	met_html(req, b, r->met);
	html_raw(b, "</td>");
}

/* The chart's <desc>: what it shows, for screen readers. */
static char *
chart_desc(struct http_req *req, const struct report_indicator_row *t,
    const char *what)
{
	char tv[32];

	if (!t->has_target)
		return xasprintf("%s", what);
	svg_value_str(t->target_x100, decimal_mark(req), tv, sizeof(tv));
	return xasprintf("%s %s %s%s%s", what, tr(req, N_("The line marks the"
	    " target:")), tv, t->unit[0] != '\0' ? " " : "", t->unit);
}

/* ---- Which indicator, which page ---- */

/* Rows of the per-unit table on one page, and the number of units below
 * from which the bar chart is sorted by value: beyond it a chart in the
 * order of the codes can no longer be read at a glance. */
#define DASH_PAGE_ROWS 30

/* What the page shows: the indicator in detail ([from, to) of d->cur, the
 * first row its total) and the page of its per-unit table. */
struct dash_view {
	size_t from, to;
	const char *asked;	/* ?indicator= when it names none: a notice */
	size_t page;		/* 1-based */
};

/*
 * The indicator asked (?indicator=CODE), else the first; an unknown code
 * falls back to the first with a notice, so an old link still opens the
 * page. The page number is clamped to the pages there are.
 */
static void
dash_view(struct http_req *req, const struct dash *d, struct dash_view *v)
{
	const char *code = http_query(req, "indicator");
	const char *ps = http_query(req, "page");
	long page = ps != NULL ? strtol(ps, NULL, 10) : 1;
	size_t nc, pages;

	memset(v, 0, sizeof(*v));
	if (d->cur.n == 0)
		return;
	v->to = indicator_end(&d->cur, 0);
	if (code != NULL && code[0] != '\0') {
		size_t i;

		for (i = 0; i < d->cur.n; i = indicator_end(&d->cur, i))
			if (strcmp(d->cur.items[i].code, code) == 0)
				break;
		if (i < d->cur.n) {
			v->from = i;
			v->to = indicator_end(&d->cur, i);
		} else
			v->asked = code;
	}
	nc = v->to - v->from - 1;
	pages = nc > DASH_PAGE_ROWS ? (nc + DASH_PAGE_ROWS - 1) / DASH_PAGE_ROWS : 1;
	v->page = page < 1 ? 1 : (size_t)page > pages ? pages : (size_t)page;
}

/* The page's own address for another indicator or page, period and
 * structure kept; page 0 leaves it out. */
static void
dash_href(struct buf *b, const char *unit_code, const struct dash *d,
    const char *indicator, size_t page, const char *fragment)
{
	html_raw(b, "/units/");
	html_url(b, unit_code);
	html_raw(b, "/dashboard?period=");
	html_url(b, d->period);
	html_raw(b, "&amp;structure=");
	html_url(b, d->structure);
	html_raw(b, "&amp;indicator=");
	html_url(b, indicator);
	if (page > 0)
		buf_printf(b, "&amp;page=%zu", page);
	if (fragment != NULL) {
		html_raw(b, "#");
		html_attr(b, fragment);
	}
}

/* ---- The overview of every indicator ---- */

/*
 * One row per indicator: its title (a link to its detail), the unit's
 * value, target, result, numerator and denominator, and when the unit has
 * units below, how many of those with a value and a target reach it.
 */
static void
overview_html(struct http_req *req, struct buf *b, const struct unit *u,
    const struct dash *d, const struct dash_view *v, struct share_notes *ns)
{
	bool below = false;

	for (size_t i = 0; i < d->cur.n && !below; i = indicator_end(&d->cur, i))
		below = indicator_end(&d->cur, i) - i > 1;
	html_raw(b, "<section class=\"card\" id=\"dash-overview\"><h2>");
	html_text(b, tr(req, N_("All indicators at a glance")));
	html_raw(b, "</h2><div class=\"table-wrap\"><table class=\"fig overview\">"
	    "<thead><tr><th scope=\"col\">");
	html_text(b, tr(req, N_("Indicator")));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Value")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("Target")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("Result")));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Numerator")));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Denominator")));
	if (below) {
		html_raw(b, "</th><th scope=\"col\" class=\"num\">");
		html_text(b, tr(req, N_("Units below reaching the target")));
	}
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < d->cur.n; ) {
		const struct report_indicator_row *t = &d->cur.items[i];
		size_t j = indicator_end(&d->cur, i), met = 0, with_value = 0;

		html_raw(b, "<tr data-indicator=\"");
		html_attr(b, t->code);
		html_raw(b, i == v->from ? "\" class=\"current\"><th scope=\"row\">"
		    "<a aria-current=\"page\" href=\"" : "\"><th scope=\"row\"><a href=\"");
		dash_href(b, u->code, d, t->code, 0, NULL);
		html_raw(b, "#ind-");
		html_attr(b, t->code);
		html_raw(b, "\">");
		html_text(b, ind_title(req, t));
		html_raw(b, "</a></th>");
		cell_open(req, b, "num value", N_("Value"));
		value_html(req, b, t->has_value, t->value_x100, t->unit);
		/* As in the detail: a total over units below holds their
		 * shares, which their own rows mark. */
		if (j - i == 1)
			note_mark(b, note_index(ns, t));
		html_raw(b, "</td>");
		cell_open(req, b, NULL, N_("Target"));
		target_html(req, b, t);
		html_raw(b, "</td>");
		cell_open(req, b, NULL, N_("Result"));
		met_html(req, b, t->met);
		html_raw(b, "</td>");
		cell_open(req, b, "num", N_("Numerator"));
		html_int(b, t->numerator);
		html_raw(b, "</td>");
		cell_open(req, b, "num", N_("Denominator"));
		if (t->has_den)
			html_int(b, t->denominator);
		else
			html_raw(b, "—");
		html_raw(b, "</td>");
		if (below) {
			/* Units with both a value and a target: without a
			 * target there is nothing to reach. */
			for (size_t k = i + 1; k < j; k++) {
				with_value += d->cur.items[k].met >= 0;
				met += d->cur.items[k].met > 0;
			}
			buf_printf(b, "<td class=\"num reach\" data-met=\"%zu\""
			    " data-with-value=\"%zu\" data-label=\"", met, with_value);
			html_attr(b, tr(req, N_("Units below reaching the target")));
			html_raw(b, "\">");
			/* No unit below with a value and a target: nothing
			 * to count. */
			if (with_value == 0)
				html_raw(b, "—");
			else
				buf_printf(b, tr(req, N_("%zu of %zu units")), met,
				    with_value);
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
		i = j;
	}
	html_raw(b, "</tbody></table></div></section>");
}

/* ---- The detail of one indicator ---- */

/* Bars by value, highest first, units without a value last; equal values
 * keep the order of the codes. */
struct bar_ref {
	const struct report_indicator_row *r;
	size_t pos;
};

static int
bar_cmp(const void *pa, const void *pb)
{
	const struct bar_ref *a = pa, *b = pb;

	if (a->r->has_value != b->r->has_value)
		return a->r->has_value ? -1 : 1;
	if (a->r->has_value && a->r->value_x100 != b->r->value_x100)
		return a->r->value_x100 > b->r->value_x100 ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* "Units 31–60 of 114" and a link to every page of the per-unit table. */
static void
pager_html(struct http_req *req, struct buf *b, const struct unit *u,
    const struct dash *d, const char *code, size_t nc, size_t page)
{
	size_t pages = (nc + DASH_PAGE_ROWS - 1) / DASH_PAGE_ROWS;
	size_t first = (page - 1) * DASH_PAGE_ROWS + 1;
	size_t last = first + DASH_PAGE_ROWS - 1 < nc ?
	    first + DASH_PAGE_ROWS - 1 : nc;
	char *frag = xasprintf("units-%s", code);

	buf_printf(b, "<p class=\"pager\" data-page=\"%zu\" data-pages=\"%zu\""
	    " data-units=\"%zu\"><span class=\"range\">", page, pages, nc);
	buf_printf(b, tr(req, N_("Units %zu–%zu of %zu")), first, last, nc);
	html_raw(b, "</span> ");
	if (page > 1) {
		html_raw(b, "<a rel=\"prev\" href=\"");
		dash_href(b, u->code, d, code, page - 1, frag);
		html_raw(b, "\">‹ ");
		html_text(b, tr(req, N_("Previous")));
		html_raw(b, "</a> ");
	}
	for (size_t p = 1; p <= pages; p++) {
		if (p == page) {
			buf_printf(b, "<strong aria-current=\"page\">%zu</strong> ", p);
			continue;
		}
		html_raw(b, "<a class=\"page\" href=\"");
		dash_href(b, u->code, d, code, p, frag);
		buf_printf(b, "\">%zu</a> ", p);
	}
	if (page < pages) {
		html_raw(b, "<a rel=\"next\" href=\"");
		dash_href(b, u->code, d, code, page + 1, frag);
		html_raw(b, "\">");
		html_text(b, tr(req, N_("Next")));
		html_raw(b, " ›</a>");
	}
	html_raw(b, "</p>");
	free(frag);
}

/* Links to the indicators before and after this one. */
static void
ind_steps_html(struct http_req *req, struct buf *b, const struct unit *u,
    const struct dash *d, const struct dash_view *v)
{
	const struct report_indicator_row *prev = NULL, *next = NULL;

	for (size_t i = 0; i < d->cur.n; i = indicator_end(&d->cur, i))
		if (indicator_end(&d->cur, i) == v->from)
			prev = &d->cur.items[i];
	if (v->to < d->cur.n)
		next = &d->cur.items[v->to];
	if (prev == NULL && next == NULL)
		return;
	html_raw(b, "<nav class=\"tabs ind-steps\">");
	if (prev != NULL) {
		html_raw(b, "<a rel=\"prev\" href=\"");
		dash_href(b, u->code, d, prev->code, 0, NULL);
		html_raw(b, "#ind-");
		html_attr(b, prev->code);
		html_raw(b, "\">‹ ");
		html_text(b, ind_title(req, prev));
		html_raw(b, "</a>");
	}
	if (prev != NULL && next != NULL)
		html_raw(b, " · ");
	if (next != NULL) {
		html_raw(b, "<a rel=\"next\" href=\"");
		dash_href(b, u->code, d, next->code, 0, NULL);
		html_raw(b, "#ind-");
		html_attr(b, next->code);
		html_raw(b, "\">");
		html_text(b, ind_title(req, next));
		html_raw(b, " ›</a>");
	}
	html_raw(b, "</nav>");
}

/*
 * The indicator of v in detail: the headline, the bar chart by unit below
 * (sorted by value beyond DASH_PAGE_ROWS units) beside the per-unit table
 * (the total row, then one page of units in the order of their codes),
 * then the series over the years. Footnotes are numbered for the rows
 * shown only.
 */
static void
indicator_html(struct http_req *req, struct buf *b, const struct unit *u,
    const struct dash *d, const struct dash_view *v, struct share_notes *ns)
{
	size_t from = v->from, to = v->to;
	const struct report_indicator_row *t = &d->cur.items[from];
	size_t nc = to - from - 1, row0, row1;
	const char **labels = xcalloc(nc > d->n_years ? nc + 1 : d->n_years + 1,
	    sizeof(*labels));
	int64_t *vals = xcalloc((nc > d->n_years ? nc : d->n_years) + 1,
	    sizeof(*vals));
	bool *has = xcalloc((nc > d->n_years ? nc : d->n_years) + 1,
	    sizeof(*has));
	bool sorted = nc > DASH_PAGE_ROWS;
	char tlabel[64], tv[32], *desc, *id;
	struct svg_chart c;

	html_raw(b, "<section class=\"card indicator\" id=\"ind-");
	html_attr(b, t->code);
	html_raw(b, "\" data-indicator=\"");
	html_attr(b, t->code);
	html_raw(b, "\">");
	ind_steps_html(req, b, u, d, v);
	html_raw(b, "<h2>");
	html_text(b, ind_title(req, t));
	html_raw(b, "</h2><p class=\"headline\"><strong class=\"value\">");
	value_html(req, b, t->has_value, t->value_x100, t->unit);
	html_raw(b, "</strong>");
	/* A total over units below holds their shares, which their own rows
	 * mark; the unit's own figure is marked when it stands alone. */
	if (nc == 0)
		note_mark(b, note_index(ns, t));
	html_raw(b, " · ");
	html_text(b, tr(req, N_("Target")));
	html_raw(b, ": ");
	target_html(req, b, t);
	html_raw(b, " · ");
	met_html(req, b, t->met);
	html_raw(b, "<br><span class=\"formula\">");
	html_text(b, tr(req, N_("Numerator")));
	html_raw(b, " ");
	html_int(b, t->numerator);
	if (t->has_den) {
		html_raw(b, " / ");
		html_text(b, tr(req, N_("denominator")));
		html_raw(b, " ");
		html_int(b, t->denominator);
		html_raw(b, " × ");
		html_int(b, t->factor);
	}
	html_raw(b, "</span>");
	if (!t->has_target && t->source[0] != '\0') {
		html_raw(b, "<br><span class=\"muted\">");
		html_text(b, tr(req, N_("Target not set yet:")));
		html_raw(b, " ");
		html_text(b, t->source);
		html_raw(b, "</span>");
	}
	html_raw(b, "</p>");

	/* By sub-unit. */
	memset(&c, 0, sizeof(c));
	c.decimal = decimal_mark(req);
	c.unit = t->unit[0] != '\0' ? t->unit : NULL;
	c.has_target = t->has_target;
	c.target_x100 = t->target_x100;
	if (t->has_target) {
		svg_value_str(t->target_x100, c.decimal, tv, sizeof(tv));
		snprintf(tlabel, sizeof(tlabel), "%s %s%s%s", tr(req, N_("Target")),
		    tv, c.unit != NULL ? " " : "", c.unit != NULL ? c.unit : "");
		c.target_label = tlabel;
	}
	html_raw(b, "<h3>");
	html_text(b, tr(req, N_("By unit below")));
	html_raw(b, " · ");
	html_text(b, d->period);
	html_raw(b, "</h3>");
	if (sorted) {
		html_raw(b, "<p class=\"muted chart-order\">");
		html_text(b, tr(req, N_("The bars are sorted by value, highest"
		    " first; units without a value come last. The table lists"
		    " the units by code.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "<div class=\"chart-pair\">");
	if (nc > 0) {
		struct bar_ref *refs = xcalloc(nc, sizeof(*refs));

		for (size_t i = 0; i < nc; i++) {
			refs[i].r = &d->cur.items[from + 1 + i];
			refs[i].pos = i;
		}
		if (sorted)
			qsort(refs, nc, sizeof(*refs), bar_cmp);
		for (size_t i = 0; i < nc; i++) {
			labels[i] = refs[i].r->unit_name;
			vals[i] = refs[i].r->value_x100;
			has[i] = refs[i].r->has_value;
		}
		free(refs);
		c.kind = SVG_BARS;
		id = xasprintf("chart-units-%s", t->code);
		desc = chart_desc(req, t, tr(req, sorted ? N_("One bar per unit"
		    " below, highest value first.") : N_("One bar per unit below.")));
		c.id = id;
		c.title = ind_title(req, t);
		c.desc = desc;
		c.n = nc;
		c.labels = labels;
		c.values = vals;
		c.has = has;
		html_raw(b, "<figure class=\"chart-box\">");
		svg_chart(b, &c);
		html_raw(b, "</figure>");
		free(id);
		free(desc);
	}
	/* The total row first on every page, then the page's units. */
	row0 = from + 1 + (v->page - 1) * DASH_PAGE_ROWS;
	row1 = sorted && row0 + DASH_PAGE_ROWS < to ? row0 + DASH_PAGE_ROWS : to;
	html_raw(b, "<div class=\"table-wrap\" id=\"units-");
	html_attr(b, t->code);
	html_raw(b, "\">");
	if (sorted)
		pager_html(req, b, u, d, t->code, nc, v->page);
	html_raw(b, "<table class=\"fig units\">");
	fig_table_head(req, b, N_("Unit"));
	for (size_t i = from; i < row1; i = i == from ? row0 : i + 1) {
		const struct report_indicator_row *r = &d->cur.items[i];

		html_raw(b, r->total ? "<tr class=\"total\" data-unit=\"" :
		    "<tr data-unit=\"");
		html_attr(b, r->unit_code);
		html_raw(b, "\"><th scope=\"row\">");
		if (!r->total) {
			html_raw(b, "<a href=\"");
			dash_href(b, r->unit_code, d, t->code, 0, NULL);
			html_raw(b, "\">");
		}
		html_text(b, r->unit_name);
		if (!r->total)
			html_raw(b, "</a>");
		if (!r->total || nc == 0)
			note_mark(b, note_index(ns, r));
		html_raw(b, "</th>");
		fig_cells(req, b, r);
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table>");
	if (sorted)
		pager_html(req, b, u, d, t->code, nc, v->page);
	html_raw(b, "</div></div>");

	/* Over the years. */
	html_raw(b, "<h3>");
	html_text(b, tr(req, N_("Over the years")));
	html_raw(b, "</h3><div class=\"chart-pair\">");
	for (size_t k = 0; k < d->n_years; k++) {
		const struct report_indicator_row *r = year_row(d, k, t->code);

		labels[k] = d->year_codes[k];
		vals[k] = r != NULL ? r->value_x100 : 0;
		has[k] = r != NULL && r->has_value;
	}
	c.kind = SVG_LINE;
	id = xasprintf("chart-years-%s", t->code);
	desc = chart_desc(req, t, tr(req, N_("One point per year.")));
	c.id = id;
	c.desc = desc;
	c.title = ind_title(req, t);
	c.n = d->n_years;
	c.labels = labels;
	c.values = vals;
	c.has = has;
	html_raw(b, "<figure class=\"chart-box\">");
	svg_chart(b, &c);
	html_raw(b, "</figure><div class=\"table-wrap\"><table class=\"fig years\">");
	free(id);
	free(desc);
	fig_table_head(req, b, N_("Period"));
	for (size_t k = 0; k < d->n_years; k++) {
		const struct report_indicator_row *r = year_row(d, k, t->code);

		html_raw(b, "<tr data-period=\"");
		html_attr(b, d->year_codes[k]);
		html_raw(b, "\"><th scope=\"row\">");
		html_text(b, d->year_codes[k]);
		if (r != NULL && nc == 0)
			note_mark(b, note_index(ns, r));
		html_raw(b, "</th>");
		if (r != NULL)
			fig_cells(req, b, r);
		else
			html_raw(b, "<td colspan=\"5\" class=\"muted\">—</td>");
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div></div></section>");
	free(labels);
	free(vals);
	free(has);
}

static void
export_link(struct buf *b, const struct unit *u, const struct dash *d,
    const char *id, const char *path_tail, const char *label)
{
	html_raw(b, "<a id=\"");
	html_raw(b, id);
	html_raw(b, "\" href=\"");
	if (strncmp(path_tail, "/api/", 5) == 0) {
		html_raw(b, path_tail);
		html_raw(b, "unit=");
		html_url(b, u->code);
		html_raw(b, "&amp;");
	} else {
		html_raw(b, "/units/");
		html_url(b, u->code);
		html_raw(b, path_tail);
	}
	html_raw(b, "period=");
	html_url(b, d->period);
	html_raw(b, "&amp;structure=");
	html_url(b, d->structure);
	html_raw(b, "\">");
	html_text(b, label);
	html_raw(b, "</a>");
}

int
page_dashboard(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	struct dash d;
	struct share_notes *ns = NULL;
	struct buf *b = &resp->body;
	struct dash_view v;
	const char *st_values[] = {REPORT_NEW, REPORT_OLD};
	const char *st_texts[2];
	char *sub;

	memset(&d, 0, sizeof(d));
	if (web_need_login(req, resp) != 0)
		return 0;
	if (dash_request(req, resp, false, &u, &d) != 0)
		goto out;
	ns = xcalloc(1, sizeof(*ns));
	st_texts[0] = tr(req, N_("After 1 July 2025 (province, commune)"));
	st_texts[1] = tr(req, N_("Before 1 July 2025 (province, district,"
	    " commune)"));
	page_begin(req, resp, tr(req, N_("Indicators and targets")));
	sub = xasprintf("%s · %s", u.name, d.period);
	page_unit_header(req, b, &u, (const struct page_tab[]){
	    {"/dashboard", N_("Indicators and targets"), true}}, 1,
	    tr(req, N_("Indicators and targets")), sub);
	free(sub);
	html_raw(b, "<form class=\"search\" id=\"dash-form\""
	    " method=\"get\" action=\"/units/");
	html_url(b, u.code);
	html_raw(b, "/dashboard\">");
	page_input(req, b, "d-period", "period", N_("Period"), d.period,
	    "maxlength=\"40\" placeholder=\"2025, 2023-KH\"");
	page_select(req, b, "d-structure", "structure", N_("Structure"),
	    st_values, st_texts, 2, d.structure);
	/* Another period or structure keeps the indicator read. */
	dash_view(req, &d, &v);
	if (d.cur.n > 0) {
		html_raw(b, "<input type=\"hidden\" name=\"indicator\" value=\"");
		html_attr(b, d.cur.items[v.from].code);
		html_raw(b, "\">");
	}
	html_raw(b, "<button type=\"submit\">");
	html_text(b, tr(req, N_("Show")));
	html_raw(b, "</button></form><p class=\"muted\" id=\"dash-structure\""
	    " data-structure=\"");
	html_attr(b, d.structure);
	html_raw(b, "\">");
	html_text(b, strcmp(d.structure, REPORT_NEW) == 0 ? st_texts[0] :
	    st_texts[1]);
	html_raw(b, ". ");
	html_text(b, tr(req, N_("Figures come from approved reports, added up"
	    " over the units below; a unit without an approved report has no"
	    " value.")));
	html_raw(b, "</p><p class=\"exports\">");
	export_link(b, &u, &d, "dash-xlsx", "/dashboard.xlsx?", ".xlsx");
	html_raw(b, " · ");
	export_link(b, &u, &d, "dash-pdf", "/dashboard.pdf?", "PDF");
	html_raw(b, " · ");
	export_link(b, &u, &d, "dash-csv", "/api/v1/indicators?format=csv&amp;",
	    "CSV");
	html_raw(b, " · ");
	export_link(b, &u, &d, "dash-json", "/api/v1/indicators?", "JSON");
	html_raw(b, "</p>");
	if (d.cur.n == 0) {
		html_raw(b, "<p class=\"muted\" id=\"dash-empty\">");
		html_text(b, tr(req, N_("No indicator is defined for this kind of"
		    " period.")));
		html_raw(b, "</p>");
	}
	if (d.cur.n > 0) {
		if (v.asked != NULL) {
			char asked[64], *msg;

			/* The code as typed, cut short and escaped. */
			if (snprintf(asked, sizeof(asked), "%s", v.asked) >=
			    (int)sizeof(asked)) {
				size_t n = sizeof(asked) - 1;

				/* Not within a UTF-8 character. */
				while (n > 0 &&
				    ((unsigned char)v.asked[n] & 0xC0) == 0x80)
					n--;
				asked[n] = '\0';
			}
			msg = xasprintf(tr(req, N_("There is no indicator \"%s\""
			    " for this period: the first indicator is shown.")),
			    asked);
			html_raw(b, "<p class=\"notice\" id=\"dash-notice\""
			    " role=\"status\">");
			html_text(b, msg);
			html_raw(b, "</p>");
			free(msg);
		}
		overview_html(req, b, &u, &d, &v, ns);
		indicator_html(req, b, &u, &d, &v, ns);
	}
	notes_html(req, b, ns, &d, u.code);
	page_end(req, resp);
out:
	free(ns);
	dash_cleanup(&d);
	unit_cleanup(&u);
	return 0;
}

static const char *
x100_dup(struct arena *a, bool has, int64_t x100)
{
	char s[32];

	if (!has)
		return "";
	reports_x100_str(x100, s, sizeof(s));
	return arena_strdup(a, s);
}

static const char *
met_code(int met)
{
	return met < 0 ? "" : met > 0 ? "1" : "0";
}

/* One flat row of the exports: the period, then the indicator's row. */
struct flat_row {
	const char *period;
	const struct report_indicator_row *r;
};

/* The period's rows, then each other year's row of the unit itself. */
static struct flat_row *
flat_rows(const struct dash *d, size_t *n)
{
	struct flat_row *out;
	size_t cap = d->cur.n + 1, k, i;

	for (k = 0; k < d->n_years; k++)
		cap += d->years[k].n;
	out = xcalloc(cap, sizeof(*out));
	*n = 0;
	for (i = 0; i < d->cur.n; i++) {
		out[*n].period = d->period;
		out[(*n)++].r = &d->cur.items[i];
	}
	for (k = 0; k < d->n_years; k++) {
		if (strcmp(d->year_codes[k], d->period) == 0)
			continue;
		for (i = 0; i < d->years[k].n; i++)
			if (d->years[k].items[i].total) {
				out[*n].period = d->year_codes[k];
				out[(*n)++].r = &d->years[k].items[i];
			}
	}
	return out;
}

static char *
export_name(const struct unit *u, const struct dash *d, const char *ext)
{
	char slug[40], ps[48];

	page_ascii_slug(slug, sizeof(slug), u->code);
	page_ascii_slug(ps, sizeof(ps), d->period);
	return xasprintf("chi-tieu-%s-%s-%s.%s", slug, ps, d->structure, ext);
}

int
page_dashboard_xlsx(struct http_req *req, struct http_resp *resp)
{
	static const char *const header[] = {"Kỳ", "Mã chỉ tiêu", "Chỉ tiêu",
	    "Mã đơn vị", "Đơn vị", "Tử số", "Mẫu số", "Hệ số", "Giá trị",
	    "Đơn vị tính", "Điều kiện", "Mục tiêu", "Đạt (1) / chưa đạt (0)",
	    "Mục tiêu đã xác minh", "Phần chia từ đơn vị cũ"};
	static const int text_cols[] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1};
	enum { NC = 15 };
	struct kh_err err = KH_ERR_INIT;
	struct arena a = ARENA_INIT;
	struct unit u = UNIT_INIT;
	struct flat_row *rows = NULL;
	struct doc_sheet s;
	struct dash d;
	const char **cells = NULL;
	char path[200], *fname = NULL;
	size_t n = 0;
	int fd, rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (dash_request(req, resp, false, &u, &d) != 0)
		goto out;
	rows = flat_rows(&d, &n);
	cells = xcalloc(n * NC + 1, sizeof(*cells));
	for (size_t i = 0; i < n; i++) {
		const struct report_indicator_row *r = rows[i].r;
		const char **c = cells + i * NC;

		c[0] = rows[i].period;
		c[1] = r->code;
		c[2] = r->title_vi;
		c[3] = r->unit_code;
		c[4] = r->unit_name;
		c[5] = arena_printf(&a, "%lld", (long long)r->numerator);
		c[6] = r->has_den ? arena_printf(&a, "%lld",
		    (long long)r->denominator) : "";
		c[7] = r->has_den ? arena_printf(&a, "%lld", (long long)r->factor) : "";
		c[8] = x100_dup(&a, r->has_value, r->value_x100);
		c[9] = r->unit;
		c[10] = r->has_target ? r->target_op : "";
		c[11] = x100_dup(&a, r->has_target, r->target_x100);
		c[12] = met_code(r->met);
		c[13] = !r->has_target ? "" : r->verified ? "có" : "chưa xác minh";
		c[14] = r->share_applied ? r->share_note : "";
	}
	memset(&s, 0, sizeof(s));
	s.title = arena_printf(&a, "Chỉ tiêu xây dựng xã hội học tập - %s - kỳ %s"
	    " (%s)", u.name, d.period, strcmp(d.structure, REPORT_NEW) == 0 ?
	    "cấu trúc sau 01/7/2025" : "cấu trúc trước 01/7/2025");
	s.ncols = NC;
	s.header = header;
	s.text_cols = text_cols;
	s.nrows = n;
	s.cells = cells;
	fd = page_temp_file(path, "dashboard");
	if (fd < 0) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		goto out;
	}
	close(fd);
	rc = doc_xlsx(&s, path, &err);
	fname = export_name(&u, &d, "xlsx");
	if (rc != 0)
		web_error(req, resp, &err);
	else
		page_send_file(req, resp, path, "application/vnd."
		    "openxmlformats-officedocument.spreadsheetml.sheet", fname);
	unlink(path);
out:
	free(fname);
	free(cells);
	free(rows);
	arena_free(&a);
	dash_cleanup(&d);
	unit_cleanup(&u);
	return 0;
}

/* A count as printed: "1.500.000". */
static const char *
int_vi(struct arena *a, int64_t v)
{
	struct buf b = BUF_INIT;
	const char *s;

	html_int(&b, v);
	s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static const char *
value_vi(struct arena *a, bool has, int64_t x100, const char *unit)
{
	char s[32];

	if (!has)
		return "—";
	svg_value_str(x100, ',', s, sizeof(s));
	return arena_printf(a, "%s%s%s", s, unit[0] != '\0' ? " " : "", unit);
}

static const char *
target_vi(struct arena *a, const struct report_indicator_row *r)
{
	if (!r->has_target)
		return "—";
	return arena_printf(a, "%s %s%s", reports_op_symbol(r->target_op),
	    value_vi(a, true, r->target_x100, r->unit),
	    r->verified ? "" : " (chưa xác minh)");
}

static void
pdf_row(struct arena *a, const char **c, const char *first,
    const struct report_indicator_row *r)
{
	const char *vi = "vi";

	c[0] = first;
	c[1] = int_vi(a, r->numerator);
	c[2] = r->has_den ? int_vi(a, r->denominator) : "—";
	c[3] = value_vi(a, r->has_value, r->value_x100, r->unit);
	c[4] = target_vi(a, r);
	c[5] = r->met < 0 ? "—" : i18n_tr(vi, r->met ? N_("Met") : N_("Not met"));
}

/* The province's short name for the document's place line ("Hải Phòng"),
 * or "" when it cannot be read. */
static const char *
place_name(struct http_req *req, struct arena *a, const struct unit *u)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct unit_list path = UNIT_LIST_INIT;
	const char *name = NULL, *out;

	if (strcmp(u->kind, UNIT_PROVINCE) == 0)
		name = u->name;
	else if (units_path(w->db, &w->actor, u->id, &path, &err) == 0)
		for (size_t i = 0; i < path.n; i++)
			if (strcmp(path.items[i].kind, UNIT_PROVINCE) == 0)
				name = path.items[i].name;
	if (name == NULL)
		name = "";
	if (strncmp(name, "Thành phố ", strlen("Thành phố ")) == 0)
		name += strlen("Thành phố ");
	else if (strncmp(name, "Tỉnh ", strlen("Tỉnh ")) == 0)
		name += strlen("Tỉnh ");
	out = arena_strdup(a, name);
	unit_list_cleanup(&path);
	return out;
}

/*
 * The dashboard as a report in the official layout (Decree 30/2020): one
 * heading per indicator with its table by unit below and its table over
 * the years, then the notes on shares. The document is Vietnamese whatever
 * the screen's language.
 */
int
page_dashboard_pdf(struct http_req *req, struct http_resp *resp)
{
	static const double widths[] = {3.2, 1.5, 1.5, 1.3, 1.8, 1.2};
	const char *vi = "vi";
	struct kh_err err = KH_ERR_INIT;
	struct arena a = ARENA_INIT;
	struct unit u = UNIT_INIT;
	struct dash d;
	struct share_notes *ns = NULL;
	struct doc_block *blocks = NULL;
	struct doc_table *tables = NULL;
	struct doc doc;
	const char *hdr_u[6], *hdr_y[6], *authority[3], *recips[3];
	char path[200], today[DATE_LEN], *fname = NULL;
	size_t nind = 0, nb = 0, nt = 0;
	int fd, rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (dash_request(req, resp, false, &u, &d) != 0)
		goto out;
	ns = xcalloc(1, sizeof(*ns));
	hdr_u[0] = i18n_tr(vi, N_("Unit"));
	hdr_y[0] = i18n_tr(vi, N_("Period"));
	hdr_u[1] = hdr_y[1] = i18n_tr(vi, N_("Numerator"));
	hdr_u[2] = hdr_y[2] = i18n_tr(vi, N_("Denominator"));
	hdr_u[3] = hdr_y[3] = i18n_tr(vi, N_("Value"));
	hdr_u[4] = hdr_y[4] = i18n_tr(vi, N_("Target"));
	hdr_u[5] = hdr_y[5] = i18n_tr(vi, N_("Result"));
	for (size_t i = 0; i < d.cur.n; i++)
		nind += d.cur.items[i].total;
	blocks = xcalloc(nind * 4 + 2 + 64, sizeof(*blocks));
	tables = xcalloc(nind * 2 + 1, sizeof(*tables));
	blocks[nb].kind = DOC_PARA;
	blocks[nb++].text = arena_printf(&a, "%s %s. %s",
	    i18n_tr(vi, N_("Figures under the structure")),
	    strcmp(d.structure, REPORT_NEW) == 0 ? i18n_tr(vi, N_("after 1 July"
	    " 2025 (province, commune)")) : i18n_tr(vi, N_("before 1 July 2025"
	    " (province, district, commune)")), i18n_tr(vi, N_("Figures come from"
	    " approved reports, added up over the units below; a unit without"
	    " an approved report has no value.")));
	if (nind == 0) {
		blocks[nb].kind = DOC_PARA;
		blocks[nb++].text = i18n_tr(vi, N_("No indicator is defined for"
		    " this kind of period."));
	}
	for (size_t i = 0, k = 0; i < d.cur.n; k++) {
		size_t j = indicator_end(&d.cur, i);
		const struct report_indicator_row *t = &d.cur.items[i];
		struct doc_table *tu = &tables[nt++], *ty = &tables[nt++];
		const char **cu = arena_alloc(&a, (j - i) * 6 * sizeof(*cu));
		const char **cy = arena_alloc(&a, (d.n_years + 1) * 6 * sizeof(*cy));
		size_t ny = 0;

		for (size_t m = i; m < j; m++) {
			const struct report_indicator_row *r = &d.cur.items[m];
			size_t mk = !r->total || j - i == 1 ? note_index(ns, r) : 0;

			pdf_row(&a, cu + (m - i) * 6, mk > 0 ? arena_printf(&a,
			    "%s (%zu)", r->unit_name, mk) : r->unit_name, r);
		}
		for (size_t y = 0; y < d.n_years; y++) {
			const struct report_indicator_row *r = year_row(&d, y, t->code);

			if (r != NULL)
				pdf_row(&a, cy + ny++ * 6, d.year_codes[y], r);
		}
		*tu = (struct doc_table){.ncols = 6, .header = hdr_u, .widths = widths,
		    .nrows = j - i, .cells = cu};
		*ty = (struct doc_table){.ncols = 6, .header = hdr_y, .widths = widths,
		    .nrows = ny, .cells = cy};
		blocks[nb].kind = DOC_HEADING;
		blocks[nb++].text = arena_printf(&a, "%zu. %s", k + 1, t->title_vi);
		blocks[nb].kind = DOC_TABLE;
		blocks[nb++].table = tu;
		blocks[nb].kind = DOC_PARA;
		blocks[nb].italic = 1;
		blocks[nb++].text = i18n_tr(vi, N_("Over the years"));
		blocks[nb].kind = DOC_TABLE;
		blocks[nb++].table = ty;
		i = j;
	}
	if (ns->n > 0) {
		blocks[nb].kind = DOC_HEADING;
		blocks[nb++].text = i18n_tr(vi, N_("Where a share was applied"));
	}
	for (size_t i = 0; i < ns->n && nb < nind * 4 + 2 + 64; i++) {
		struct buf t = BUF_INIT;
		struct web_req *w = web(req);
		const char *lang = w->lang;

		/* The notes in Vietnamese like the rest of the document. */
		w->lang = vi;
		note_text(req, &t, ns->items[i].note, d.structure, ',');
		w->lang = lang;
		blocks[nb].kind = DOC_ITEM;
		blocks[nb++].text = arena_printf(&a, "(%zu) %s: %s", i + 1,
		    ns->items[i].unit_name, buf_str(&t));
		buf_free(&t);
	}
	authority[0] = i18n_tr(vi, N_("On behalf of the executive committee"));
	authority[1] = i18n_tr(vi, N_("Chairperson"));
	authority[2] = NULL;
	recips[0] = i18n_tr(vi, N_("- Archived: office."));
	recips[1] = NULL;
	date_today(today);
	memset(&doc, 0, sizeof(doc));
	if (u.parent_name != NULL && u.parent_name[0] != '\0')
		doc.supervisor = arena_printf(&a, "%s %s", i18n_tr(vi,
		    N_("Study Encouragement Association of")), u.parent_name);
	doc.issuer = arena_printf(&a, "%s %s", i18n_tr(vi,
	    N_("Study Encouragement Association of")), u.name);
	doc.place = place_name(req, &a, &u);
	doc.date = today;
	doc.type = i18n_tr(vi, N_("Report"));
	doc.summary = arena_printf(&a, i18n_tr(vi, N_("Indicators of the"
	    " learning society, period %s")), d.period);
	doc.blocks = blocks;
	doc.nblocks = nb;
	doc.sign_authority = authority;
	doc.signer = "";
	doc.recipients = recips;
	fd = page_temp_file(path, "dashboard");
	if (fd < 0) {
		kh_fail(&err, KH_E_IO, NULL, NULL);
		web_error(req, resp, &err);
		goto out;
	}
	close(fd);
	rc = doc_pdf(&doc, path, &err);
	fname = export_name(&u, &d, "pdf");
	if (rc != 0)
		web_error(req, resp, &err);
	else
		page_send_file(req, resp, path, "application/pdf", fname);
	unlink(path);
out:
	free(fname);
	free(blocks);
	free(tables);
	free(ns);
	arena_free(&a);
	dash_cleanup(&d);
	unit_cleanup(&u);
	return 0;
}

/* ---- JSON API ---- */

static json_t *
x100_json(bool has, int64_t x100)
{
	char s[32];

	if (!has)
		return json_null();
	reports_x100_str(x100, s, sizeof(s));
	return json_real(strtod(s, NULL));
}

static json_t *
row_json(const struct report_indicator_row *r, const char *period)
{
	json_t *o = json_object();

	if (period != NULL)
		json_object_set_new(o, "period", json_string(period));
	json_object_set_new(o, "unit_code", json_string(r->unit_code));
	json_object_set_new(o, "unit_name", json_string(r->unit_name));
	json_object_set_new(o, "total", json_boolean(r->total));
	json_object_set_new(o, "numerator", json_integer(r->numerator));
	json_object_set_new(o, "denominator", r->has_den ?
	    json_integer(r->denominator) : json_null());
	json_object_set_new(o, "factor", json_integer(r->factor));
	json_object_set_new(o, "value", x100_json(r->has_value, r->value_x100));
	json_object_set_new(o, "target_op", r->has_target ?
	    json_string(r->target_op) : json_null());
	json_object_set_new(o, "target", x100_json(r->has_target, r->target_x100));
	json_object_set_new(o, "met", r->met < 0 ? json_null() :
	    json_boolean(r->met));
	json_object_set_new(o, "target_verified", json_boolean(r->verified));
	json_object_set_new(o, "share_applied", json_boolean(r->share_applied));
	json_object_set_new(o, "share_note", json_string(r->share_note));
	return o;
}

/* One CSV field (RFC 4180). */
static void
csv_field(struct buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		buf_putc(b, '"');
		for (; *s != '\0'; s++) {
			if (*s == '"')
				buf_putc(b, '"');
			buf_putc(b, *s);
		}
		buf_putc(b, '"');
	} else
		buf_puts(b, s);
	buf_puts(b, last ? "\r\n" : ",");
}

static void
indicators_csv(struct http_req *req, struct http_resp *resp,
    const struct unit *u, const struct dash *d)
{
	static const char *const header[] = {"period", "indicator", "unit_code",
	    "unit_name", "total", "numerator", "denominator", "factor", "value",
	    "unit", "target_op", "target", "met", "target_verified",
	    "share_applied", "share_note"};
	enum { NC = sizeof(header) / sizeof(header[0]) };
	struct arena a = ARENA_INIT;
	struct flat_row *rows;
	struct buf *b = &resp->body;
	size_t n;
	char *fname, *disp;

	buf_reset(b);
	for (size_t i = 0; i < NC; i++)
		csv_field(b, header[i], i == NC - 1);
	rows = flat_rows(d, &n);
	for (size_t i = 0; i < n; i++) {
		const struct report_indicator_row *r = rows[i].r;

		csv_field(b, rows[i].period, false);
		csv_field(b, r->code, false);
		csv_field(b, r->unit_code, false);
		csv_field(b, r->unit_name, false);
		csv_field(b, r->total ? "1" : "0", false);
		csv_field(b, arena_printf(&a, "%lld", (long long)r->numerator), false);
		csv_field(b, r->has_den ? arena_printf(&a, "%lld",
		    (long long)r->denominator) : "", false);
		csv_field(b, arena_printf(&a, "%lld", (long long)r->factor), false);
		csv_field(b, x100_dup(&a, r->has_value, r->value_x100), false);
		csv_field(b, r->unit, false);
		csv_field(b, r->has_target ? r->target_op : "", false);
		csv_field(b, x100_dup(&a, r->has_target, r->target_x100), false);
		csv_field(b, met_code(r->met), false);
		csv_field(b, r->verified ? "1" : "0", false);
		csv_field(b, r->share_applied ? "1" : "0", false);
		csv_field(b, r->share_note, true);
	}
	free(rows);
	arena_free(&a);
	resp->status = 200;
	resp->content_type = "text/csv; charset=utf-8";
	fname = export_name(u, d, "csv");
	disp = xasprintf("attachment; filename=\"%s\"", fname);
	http_resp_header(req, resp, "Content-Disposition", disp);
	free(disp);
	free(fname);
}

/*
 * GET /api/v1/indicators?unit=&period=&structure=[&format=csv]: every
 * indicator of the period for the unit and its children, with the unit's
 * series over the years.
 */
int
api_indicators(struct http_req *req, struct http_resp *resp)
{
	struct unit u = UNIT_INIT;
	struct dash d;
	const char *format = http_query(req, "format");
	json_t *items;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (dash_request(req, resp, true, &u, &d) != 0)
		goto out;
	if (format != NULL && strcmp(format, "csv") == 0) {
		indicators_csv(req, resp, &u, &d);
		goto out;
	}
	items = json_array();
	for (size_t i = 0; i < d.cur.n; ) {
		size_t j = indicator_end(&d.cur, i);
		const struct report_indicator_row *t = &d.cur.items[i];
		json_t *rows = json_array(), *series = json_array();

		for (size_t m = i; m < j; m++)
			json_array_append_new(rows, row_json(&d.cur.items[m], NULL));
		for (size_t y = 0; y < d.n_years; y++) {
			const struct report_indicator_row *r = year_row(&d, y, t->code);

			if (r != NULL)
				json_array_append_new(series, row_json(r,
				    d.year_codes[y]));
		}
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o,"
		    " s:o}", "code", t->code, "title_vi", t->title_vi, "title_en",
		    t->title_en, "unit", t->unit, "rows", rows, "series", series));
		i = j;
	}
	web_json(req, resp, 200, json_pack("{s:s, s:s, s:s, s:s, s:o}", "unit",
	    u.code, "unit_name", u.name, "period", d.period, "structure",
	    d.structure, "indicators", items));
out:
	dash_cleanup(&d);
	unit_cleanup(&u);
	return 0;
}

/* ---- Shares for restated figures ---- */

static const char *
origin_label(struct http_req *req, const char *origin)
{
	if (strcmp(origin, REPORT_SHARE_ADMIN) == 0)
		return tr(req, N_("set by an administrator"));
	if (strcmp(origin, REPORT_SHARE_DATA) == 0)
		return tr(req, N_("from the unit data"));
	if (strcmp(origin, REPORT_SHARE_WHOLE) == 0)
		return tr(req, N_("merged whole"));
	return tr(req, N_("default rule (equal split)"));
}

/* "33,33" or "33.33" (percent, up to two decimals) as basis points; -1
 * when it is not such a number. */
static int
percent_bp(const char *s)
{
	long whole = 0, frac = 0;
	int digits = 0, fd = 0;

	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		whole = whole * 10 + (*s - '0');
	if (digits == 0)
		return -1;
	if (*s == ',' || *s == '.') {
		for (s++; *s >= '0' && *s <= '9' && fd < 2; s++, fd++)
			frac = frac * 10 + (*s - '0');
		if (fd == 0)
			return -1;
		if (fd == 1)
			frac *= 10;
	}
	while (*s == ' ' || *s == '%')
		s++;
	if (*s != '\0')
		return -1;
	return (int)(whole * 100 + frac);
}

static void
shares_render(struct http_req *req, struct http_resp *resp,
    const struct unit *u, const struct report_share_list *l,
    const struct kh_err *err, const char *pair, const char *percent,
    const char *note, bool done)
{
	struct buf *b = &resp->body;
	const char **values = xcalloc(l->n + 1, sizeof(*values));
	const char **texts = xcalloc(l->n + 1, sizeof(*texts));
	char pct[32];

	page_begin(req, resp, tr(req, N_("Shares for restated figures")));
	page_unit_header(req, b, u, (const struct page_tab[]){
	    {"/dashboard", N_("Indicators and targets"), false}}, 1,
	    tr(req, N_("Shares for restated figures")), u->name);
	if (done) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, tr(req, N_("The share was saved.")));
		html_raw(b, "</p>");
	}
	html_raw(b, "<section class=\"card\" id=\"share-rule\"><h2>");
	html_text(b, tr(req, N_("How figures are carried across 1 July 2025")));
	html_raw(b, "</h2><p>");
	html_text(b, tr(req, N_("Figures recorded for a commune before 1 July"
	    " 2025 are carried to the communes that succeeded it, and back."
	    " A commune merged whole counts whole in its successor. For a"
	    " commune split among several successors, each successor receives"
	    " the share in force: first the share set here by an administrator,"
	    " else the share recorded in the unit data, else the part not yet"
	    " given is split equally among the successors without a share.")));
	html_raw(b, "</p><p>");
	html_text(b, tr(req, N_("The pieces of a figure are rounded so that they"
	    " add up exactly to the original figure: totals are the same under"
	    " both structures. The dashboard marks every figure that holds such"
	    " a piece with a footnote naming the old commune and the share.")));
	html_raw(b, "</p></section>");

	html_raw(b, "<div class=\"table-wrap\"><table id=\"shares\"><thead><tr>"
	    "<th scope=\"col\">");
	html_text(b, tr(req, N_("Old commune")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("New commune")));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, tr(req, N_("Share in force")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("Source")));
	html_raw(b, "</th><th scope=\"col\">");
	html_text(b, tr(req, N_("Note")));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		const struct report_share_pair *p = &l->items[i];

		html_raw(b, "<tr data-old=\"");
		html_attr(b, p->old_code);
		html_raw(b, "\" data-new=\"");
		html_attr(b, p->new_code);
		html_raw(b, "\" data-origin=\"");
		html_attr(b, p->origin);
		html_raw(b, "\"><td>");
		html_text(b, p->old_name);
		html_raw(b, " (");
		html_text(b, p->old_code);
		html_raw(b, ")</td><td>");
		html_text(b, p->new_name);
		html_raw(b, " (");
		html_text(b, p->new_code);
		html_raw(b, ")</td><td class=\"num share\">");
		svg_value_str(p->share_bp, decimal_mark(req), pct, sizeof(pct));
		html_text(b, pct);
		html_raw(b, " %</td><td>");
		html_text(b, origin_label(req, p->origin));
		html_raw(b, "</td><td>");
		html_text(b, p->note);
		if (p->set_by[0] != '\0') {
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, p->set_by);
			html_raw(b, ", ");
			page_date(b, p->set_at);
			html_raw(b, ")</span>");
		}
		html_raw(b, "</td></tr>");
		values[i] = texts[i] = NULL;
	}
	html_raw(b, "</tbody></table></div>");
	if (l->n == 0) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, tr(req, N_("No commune of this unit was split in"
		    " the restructuring.")));
		html_raw(b, "</p>");
	}

	/* The pairs as "old>new" values of one select. */
	{
		struct arena a = ARENA_INIT;
		struct buf action = BUF_INIT;

		for (size_t i = 0; i < l->n; i++) {
			const struct report_share_pair *p = &l->items[i];

			values[i] = arena_printf(&a, "%s>%s", p->old_code, p->new_code);
			texts[i] = arena_printf(&a, "%s (%s) → %s (%s)", p->old_name,
			    p->old_code, p->new_name, p->new_code);
		}
		buf_puts(&action, "/units/");
		html_url(&action, u->code);
		buf_puts(&action, "/shares");
		page_form_begin(req, b, "share-form", N_("Set a share"), err,
		    buf_str(&action), NULL);
		page_select(req, b, "s-pair", "pair", N_("Old commune → new commune"),
		    values, texts, l->n, pair);
		page_input(req, b, "s-percent", "percent", N_("Share (%)"),
		    percent, "required inputmode=\"decimal\" maxlength=\"7\"");
		page_input(req, b, "s-note", "note", N_("Note (the basis of the"
		    " share)"), note, "maxlength=\"300\"");
		page_form_end(req, b, N_("Save the share"));
		buf_free(&action);
		arena_free(&a);
	}
	page_end(req, resp);
	free(values);
	free(texts);
}

int
page_shares(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_share_list l = {0};
	struct unit u = UNIT_INIT;
	char on[DATE_LEN];
	bool has_on;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	if (reports_shares_list(w->db, &w->actor, u.code, &l, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	shares_render(req, resp, &u, &l, NULL, http_query(req, "pair"), NULL,
	    NULL, http_query(req, "done") != NULL);
out:
	report_share_list_cleanup(&l);
	unit_cleanup(&u);
	return 0;
}

int
page_shares_set(struct http_req *req, struct http_resp *resp)
{
	struct web_req *w = web(req);
	struct kh_err err = KH_ERR_INIT;
	struct report_share_list l = {0};
	struct unit u = UNIT_INIT;
	const char *pair = http_form(req, "pair");
	const char *percent = http_form(req, "percent");
	const char *note = http_form(req, "note");
	char on[DATE_LEN], old_code[64], *gt;
	struct buf to = BUF_INIT;
	bool has_on;
	int bp, rc;

	if (web_need_login(req, resp) != 0)
		return 0;
	if (page_find_unit(req, resp, &u, on, &has_on) != 0)
		goto out;
	/* The list first: it refuses whoever is not an administrator. */
	if (reports_shares_list(w->db, &w->actor, u.code, &l, &err) != 0) {
		web_error(req, resp, &err);
		goto out;
	}
	snprintf(old_code, sizeof(old_code), "%s", pair != NULL ? pair : "");
	gt = strchr(old_code, '>');
	bp = percent_bp(percent);
	if (gt == NULL)
		rc = kh_fail_field(&err, KH_E_INVALID, "pair", N_("Choose the old"
		    " commune and the new one."), NULL);
	else if (bp < 0)
		rc = kh_fail_field(&err, KH_E_INVALID, "percent", N_("The share is"
		    " a percentage such as 40 or 33,33."), percent != NULL ?
		    percent : "");
	else {
		*gt = '\0';
		rc = reports_share_set(w->db, &w->actor, old_code, gt + 1, bp,
		    note != NULL ? note : "", &err);
	}
	if (rc != 0) {
		/* Shown again with what was typed. */
		resp->status = err.kind == KH_E_FORBIDDEN ? 403 : 422;
		if (err.kind == KH_E_FORBIDDEN) {
			web_error(req, resp, &err);
			goto out;
		}
		shares_render(req, resp, &u, &l, &err, pair, percent, note, false);
		goto out;
	}
	buf_puts(&to, "/units/");
	html_url(&to, u.code);
	buf_puts(&to, "/shares?done=1");
	http_redirect(req, resp, buf_str(&to));
out:
	buf_free(&to);
	report_share_list_cleanup(&l);
	unit_cleanup(&u);
	return 0;
}
