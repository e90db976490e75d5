/*
 * svg.h - small charts as inline SVG written on the server: a bar chart (one
 * bar per unit) or a line chart (one point per year), each with an optional
 * target line. No script runs in the browser and the page prints as it is
 * shown.
 *
 * Values are integers in hundredths (x100, as the indicators compute them);
 * a value may be missing (no bar, no point: a "—" mark on the axis), zero or
 * negative (the zero line then lies inside the plot). Every text written
 * (labels, title, description) is escaped through html.h. The chart carries
 * role="img" with <title> and <desc> named by aria-labelledby, and each bar
 * or point its own <title> with the label and value, so that a screen reader
 * reads the figures; the page still shows the same figures in a table beside
 * the chart.
 */
#ifndef KH_WEB_SVG_H
#define KH_WEB_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum svg_kind {
	SVG_BARS,
	SVG_LINE,
};

/* Size of the drawing in user units; the element scales to its box. */
#define SVG_WIDTH 640
#define SVG_HEIGHT 300
#define SVG_TOP 16
#define SVG_BOTTOM 96	/* room for the category labels, slanted when many */
#define SVG_LEFT 72
#define SVG_RIGHT 12
/* Category labels are written up to this many categories. */
#define SVG_MAX_LABELS 24

struct svg_chart {
	enum svg_kind kind;
	const char *id;			/* element id (code-written: [a-z0-9-]) */
	const char *title;		/* <title> */
	const char *desc;		/* <desc>, or NULL */
	size_t n;
	const char *const *labels;	/* n category labels */
	const int64_t *values;		/* n values x100 */
	const bool *has;		/* n flags: the value exists */
	bool has_target;
	int64_t target_x100;
	const char *target_label;	/* text beside the target line, or NULL */
	const char *unit;		/* appended to values ("%"), or NULL */
	char decimal;			/* '.' or ',' */
};

/* The vertical scale: the range always holds 0, every value and the
 * target, with some room above; an all-zero or empty chart gets 0..1. */
struct svg_scale {
	int64_t lo, hi;			/* x100 */
};

void svg_scale_fit(struct svg_scale *s, const struct svg_chart *c);
/* The y coordinate of v on the plot (SVG_TOP at hi, SVG_HEIGHT -
 * SVG_BOTTOM at lo), rounded to a tenth. */
double svg_scale_y(const struct svg_scale *s, int64_t v);

/* Write the chart as an <svg> element. */
void svg_chart(struct buf *b, const struct svg_chart *c);

/* A value x100 as text with the chart's decimal mark: 2750 -> "27,5". */
void svg_value_str(int64_t x100, char decimal, char *out, size_t outsz);

#endif
