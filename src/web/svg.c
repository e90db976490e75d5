/*
 * svg.c - bar and line charts as inline SVG (svg.h). Coordinates are
 * printed with one decimal so that the output is the same on every
 * machine and easy to check in tests.
 */
#include "web/svg.h"
#include "reports/reports.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

#define PLOT_W (SVG_WIDTH - SVG_LEFT - SVG_RIGHT)
#define PLOT_BOTTOM (SVG_HEIGHT - SVG_BOTTOM)
#define PLOT_H (PLOT_BOTTOM - SVG_TOP)

void
svg_value_str(int64_t x100, char decimal, char *out, size_t outsz)
{
	char *dot;

	reports_x100_str(x100, out, outsz);
	if (decimal != '.' && (dot = strchr(out, '.')) != NULL)
		*dot = decimal;
}

/* A round step (1, 2 or 5 times a power of ten, x100) above span / 4. */
static int64_t
nice_step(int64_t span)
{
	int64_t p = 1;

	while (p * 10 <= span / 4)
		p *= 10;
	if (p * 2 >= span / 4)
		return p * 2;
	if (p * 5 >= span / 4)
		return p * 5;
	return p * 10;
}

void
svg_scale_fit(struct svg_scale *s, const struct svg_chart *c)
{
	int64_t lo = 0, hi = 0, step;

	for (size_t i = 0; i < c->n; i++) {
		if (!c->has[i])
			continue;
		if (c->values[i] < lo)
			lo = c->values[i];
		if (c->values[i] > hi)
			hi = c->values[i];
	}
	if (c->has_target) {
		if (c->target_x100 < lo)
			lo = c->target_x100;
		if (c->target_x100 > hi)
			hi = c->target_x100;
	}
	if (lo == hi) {
		/* Nothing but zeros: a unit scale keeps the arithmetic
		 * finite. */
		s->lo = 0;
		s->hi = 100;
		return;
	}
	/* Round outwards to the grid step so that the top value is not
	 * drawn against the frame. */
	step = nice_step(hi - lo);
	s->hi = hi > 0 ? (hi / step + 1) * step : 0;
	s->lo = lo < 0 ? -((-lo) / step + 1) * step : 0;
}

double
svg_scale_y(const struct svg_scale *s, int64_t v)
{
	double y = PLOT_BOTTOM - (double)(v - s->lo) * PLOT_H /
	    (double)(s->hi - s->lo);

	return (double)(long long)(y * 10 + (y >= 0 ? 0.5 : -0.5)) / 10;
}

static void
num(struct buf *b, double v)
{
	buf_printf(b, "%.1f", v);
}

static void
value_text(struct buf *b, const struct svg_chart *c, int64_t v)
{
	char s[32];

	svg_value_str(v, c->decimal, s, sizeof(s));
	html_text(b, s);
	if (c->unit != NULL) {
		html_raw(b, " ");
		html_text(b, c->unit);
	}
}

/* The <title> of a bar or point: "label: value". */
static void
item_title(struct buf *b, const struct svg_chart *c, size_t i)
{
	html_raw(b, "<title>");
	html_text(b, c->labels[i]);
	html_raw(b, ": ");
	if (c->has[i])
		value_text(b, c, c->values[i]);
	else
		html_raw(b, "—");
	html_raw(b, "</title>");
}

static void
axes(struct buf *b, const struct svg_chart *c, const struct svg_scale *s)
{
	int64_t step = nice_step(s->hi - s->lo);
	double zero = svg_scale_y(s, 0);

	html_raw(b, "<g class=\"grid\" aria-hidden=\"true\">");
	for (int64_t v = s->lo; v <= s->hi; v += step) {
		double y = svg_scale_y(s, v);

		buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"", SVG_LEFT,
		    SVG_WIDTH - SVG_RIGHT);
		num(b, y);
		html_raw(b, "\" y2=\"");
		num(b, y);
		buf_printf(b, "\"/><text class=\"tick\" x=\"%d\" y=\"",
		    SVG_LEFT - 4);
		num(b, y + 4);
		html_raw(b, "\" text-anchor=\"end\">");
		value_text(b, c, v);
		html_raw(b, "</text>");
	}
	buf_printf(b, "<line class=\"zero\" x1=\"%d\" x2=\"%d\" y1=\"", SVG_LEFT,
	    SVG_WIDTH - SVG_RIGHT);
	num(b, zero);
	html_raw(b, "\" y2=\"");
	num(b, zero);
	html_raw(b, "\"/></g>");
}

static void
category_label(struct buf *b, const struct svg_chart *c, size_t i, double x)
{
	bool slant = c->n > 6;

	/* Past SVG_MAX_LABELS the names would overwrite each other: the bars
	 * keep their <title> and the table beside names every unit. */
	if (c->n > SVG_MAX_LABELS)
		return;
	html_raw(b, "<text class=\"label\" x=\"");
	num(b, x);
	buf_printf(b, "\" y=\"%d\"", PLOT_BOTTOM + 14);
	if (slant) {
		html_raw(b, " text-anchor=\"end\" transform=\"rotate(-45 ");
		num(b, x);
		buf_printf(b, " %d)\"", PLOT_BOTTOM + 14);
	} else
		html_raw(b, " text-anchor=\"middle\"");
	html_raw(b, ">");
	html_text(b, c->labels[i]);
	html_raw(b, "</text>");
}

static void
missing_mark(struct buf *b, double x)
{
	html_raw(b, "<text class=\"missing\" x=\"");
	num(b, x);
	buf_printf(b, "\" y=\"%d\" text-anchor=\"middle\">—</text>",
	    PLOT_BOTTOM - 4);
}

static void
bars(struct buf *b, const struct svg_chart *c, const struct svg_scale *s)
{
	double band = (double)PLOT_W / (double)(c->n > 0 ? c->n : 1);
	double zero = svg_scale_y(s, 0);

	for (size_t i = 0; i < c->n; i++) {
		double x = SVG_LEFT + band * (double)i, mid = x + band / 2;

		html_raw(b, "<g class=\"item\">");
		item_title(b, c, i);
		if (c->has[i]) {
			double y = svg_scale_y(s, c->values[i]);
			double top = y < zero ? y : zero;
			double h = y < zero ? zero - y : y - zero;

			html_raw(b, "<rect class=\"bar");
			if (c->has_target)
				html_raw(b, c->values[i] >= c->target_x100 ?
				    " met" : " unmet");
			html_raw(b, "\" x=\"");
			num(b, x + band * 0.15);
			html_raw(b, "\" y=\"");
			num(b, top);
			html_raw(b, "\" width=\"");
			num(b, band * 0.7);
			html_raw(b, "\" height=\"");
			num(b, h);
			html_raw(b, "\"/>");
		} else
			missing_mark(b, mid);
		category_label(b, c, i, mid);
		html_raw(b, "</g>");
	}
}

static void
line(struct buf *b, const struct svg_chart *c, const struct svg_scale *s)
{
	double band = (double)PLOT_W / (double)(c->n > 0 ? c->n : 1);
	bool open = false;

	/* One polyline per run of known values: a missing year breaks the
	 * line rather than being drawn as zero. */
	for (size_t i = 0; i < c->n; i++) {
		double mid = SVG_LEFT + band * (double)i + band / 2;

		if (!c->has[i]) {
			if (open)
				html_raw(b, "\"/>");
			open = false;
			continue;
		}
		html_raw(b, open ? " " : "<polyline class=\"series\" points=\"");
		open = true;
		num(b, mid);
		html_raw(b, ",");
		num(b, svg_scale_y(s, c->values[i]));
	}
	if (open)
		html_raw(b, "\"/>");
	for (size_t i = 0; i < c->n; i++) {
		double mid = SVG_LEFT + band * (double)i + band / 2;

		html_raw(b, "<g class=\"item\">");
		item_title(b, c, i);
		if (c->has[i]) {
			html_raw(b, "<circle class=\"point\" cx=\"");
			num(b, mid);
			html_raw(b, "\" cy=\"");
			num(b, svg_scale_y(s, c->values[i]));
			html_raw(b, "\" r=\"4\"/>");
		} else
			missing_mark(b, mid);
		category_label(b, c, i, mid);
		html_raw(b, "</g>");
	}
}

void
svg_chart(struct buf *b, const struct svg_chart *c)
{
	struct svg_scale s;

	svg_scale_fit(&s, c);
	html_raw(b, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"");
	buf_printf(b, " viewBox=\"0 0 %d %d\" role=\"img\" id=\"", SVG_WIDTH,
	    SVG_HEIGHT);
	html_attr(b, c->id);
	html_raw(b, "\" aria-labelledby=\"");
	html_attr(b, c->id);
	html_raw(b, "-t");
	if (c->desc != NULL) {
		html_raw(b, " ");
		html_attr(b, c->id);
		html_raw(b, "-d");
	}
	html_raw(b, "\"><title id=\"");
	html_attr(b, c->id);
	html_raw(b, "-t\">");
	html_text(b, c->title);
	html_raw(b, "</title>");
	if (c->desc != NULL) {
		html_raw(b, "<desc id=\"");
		html_attr(b, c->id);
		html_raw(b, "-d\">");
		html_text(b, c->desc);
		html_raw(b, "</desc>");
	}
	axes(b, c, &s);
	if (c->kind == SVG_BARS)
		bars(b, c, &s);
	else
		line(b, c, &s);
	if (c->has_target) {
		double y = svg_scale_y(&s, c->target_x100);

		buf_printf(b, "<g class=\"target\"><line x1=\"%d\" x2=\"%d\" y1=\"",
		    SVG_LEFT, SVG_WIDTH - SVG_RIGHT);
		num(b, y);
		html_raw(b, "\" y2=\"");
		num(b, y);
		html_raw(b, "\"/>");
		if (c->target_label != NULL) {
			buf_printf(b, "<text x=\"%d\" y=\"", SVG_WIDTH - SVG_RIGHT);
			num(b, y - 4);
			html_raw(b, "\" text-anchor=\"end\">");
			html_text(b, c->target_label);
			html_raw(b, "</text>");
		}
		html_raw(b, "</g>");
	}
	html_raw(b, "</svg>");
}
