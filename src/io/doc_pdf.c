/*
 * doc_pdf.c - official documents as PDF: the layout of Decree 30/2020/NĐ-CP
 * on administrative documents (Appendix I, "Thể thức, kỹ thuật trình bày văn
 * bản hành chính"), drawn with pango and cairo.
 *
 * This file owns the page: margins, header block, title, body flow with page
 * breaks, tables, signature block, distribution list and page numbers. It
 * knows nothing of where the text comes from: callers fill a struct doc.
 *
 * Text is always handed to pango as plain text (pango_layout_set_text), with
 * the style set on the layout, never as markup: a name like "<b>" or "&" in
 * user data prints as typed.
 *
 * The font is "Liberation Serif", metric-compatible with Times New Roman, the
 * font the decree prescribes (Appendix I, I.4: Unicode fonts of TCVN
 * 6909:2001, black); cairo embeds the subset used. A machine without it is
 * refused rather than printed in a substitute font.
 *
 * Units are PDF points (1/72 inch) throughout; MM() converts millimetres.
 */
#include "io/doc.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/buf.h"
#include "io/doc_impl.h"

#define MM(x)		((x) * 72.0 / 25.4)
#define FONT_FAMILY	"Liberation Serif"

/* Decree 30/2020/NĐ-CP, Appendix I, I.5: A4 (210 x 297 mm); margins top
 * 20-25 mm, bottom 20-25 mm, left 30-35 mm, right 15-20 mm. */
#define PAGE_W		MM(210.0)
#define PAGE_H		MM(297.0)
#define MARGIN_TOP	MM(20.0)
#define MARGIN_BOTTOM	MM(20.0)
#define MARGIN_LEFT	MM(30.0)
#define MARGIN_RIGHT	MM(15.0)

/* Appendix I, II.6 (content): 13-14 pt, justified, first-line indent 1-1.27
 * cm, at least 6 pt between paragraphs, line spacing single to 1.5 lines. */
#define BODY_SIZE	14.0
#define FIRST_INDENT	MM(12.7)
#define PARA_AFTER	6.0
#define LINE_SPACING	1.15
#define LINE_EM		1.149	/* Liberation Serif ascent + descent, in em */

/* Appendix I, II.1-II.4: header block sizes. */
#define HEAD_SIZE	13.0	/* bodies, national name, "Số:" */
#define MOTTO_SIZE	14.0	/* motto, place and date */

/* Appendix I, II.7-II.9: signature and distribution list. */
#define SIGN_SIZE	14.0
#define SIGN_SPACE	MM(25.0)	/* room for the signature and the seal */
#define SIGN_BEFORE	12.0		/* under the last paragraph */
#define NOTE_HEAD_SIZE	12.0	/* "Nơi nhận:" */
#define NOTE_SIZE	11.0	/* recipients */

/* Tables are set in 13 pt, the lower end of the body range, so lists of
 * hundreds of rows stay readable and shorter. */
#define TABLE_SIZE	13.0
#define CELL_PAD_X	4.0
#define CELL_PAD_Y	2.5
#define RULE_WIDTH	0.6	/* the decree's "nét liền" rules */
#define BORDER_WIDTH	0.5

/* Layout flags. */
#define F_BOLD		0x1
#define F_ITALIC	0x2
#define F_JUSTIFY	0x4

struct pdf {
	cairo_t *cr;
	PangoContext *ctx;
	double page_w, page_h;	/* the sheet, landscape or portrait */
	double x0, x1;		/* left and right edges of the text area */
	double top, bottom;	/* top and bottom edges of the text area */
	double y;		/* next free position on the current page */
	int page;		/* number of the current page, from 1 */
};

/* Nothing drawn yet below the top margin of the current page. */
static int
page_empty(const struct pdf *p)
{
	return p->y <= p->top + 0.01;
}

/*
 * A layout of plain text (never markup) in the document font. width in
 * points; wrapping at words, inside a word only when it cannot fit a line.
 * The caller unrefs it.
 */
static PangoLayout *
text_layout(struct pdf *p, const char *text, double size, int flags,
    double width, PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(p->ctx);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family_static(fd, FONT_FAMILY);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, (flags & F_BOLD) ?
	    PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, (flags & F_ITALIC) ?
	    PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, width > 0 ? pango_units_from_double(width) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_justify(l, (flags & F_JUSTIFY) != 0);
	pango_layout_set_text(l, text != NULL ? text : "", -1);
	return l;
}

/* Logical extents of l in points: x offset, width, height. */
static void
extents(PangoLayout *l, double *x, double *w, double *h)
{
	PangoRectangle r;

	pango_layout_get_extents(l, NULL, &r);
	if (x != NULL)
		*x = pango_units_to_double(r.x);
	if (w != NULL)
		*w = pango_units_to_double(r.width);
	if (h != NULL)
		*h = pango_units_to_double(r.height);
}

/* First baseline of l from its top, points. */
static double
baseline(PangoLayout *l)
{
	return pango_units_to_double(pango_layout_get_baseline(l));
}

static double
height(PangoLayout *l)
{
	double h;

	extents(l, NULL, NULL, &h);
	return h;
}

/* Draw l with its top-left corner at (x, y). */
static void
show(struct pdf *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/*
 * Narrow a centred layout of width `width` to the smallest width that keeps
 * its number of lines, so a name over two lines breaks near its middle
 * ("HỘI KHUYẾN HỌC / THÀNH PHỐ HẢI PHÒNG") as typists break it, rather than
 * after the last word that fits. Returns the offset at which to draw it so
 * that it stays centred on the original width.
 */
static double
balance(PangoLayout *l, double width)
{
	int lines = pango_layout_get_line_count(l);
	double lo = width / (lines + 1), hi = width;

	if (lines < 2)
		return 0;
	for (int i = 0; i < 16; i++) {
		double mid = (lo + hi) / 2;

		pango_layout_set_width(l, pango_units_from_double(mid));
		if (pango_layout_get_line_count(l) > lines)
			lo = mid;
		else
			hi = mid;
	}
	pango_layout_set_width(l, pango_units_from_double(hi));
	return (width - hi) / 2;
}

/* A solid horizontal rule from xa to xb at height y. */
static void
rule(struct pdf *p, double xa, double xb, double y)
{
	cairo_set_line_width(p->cr, RULE_WIDTH);
	cairo_move_to(p->cr, xa, y);
	cairo_line_to(p->cr, xb, y);
	cairo_stroke(p->cr);
}

/*
 * Appendix I, II.12 (page numbers): Arabic numerals, 13-14 pt, centred in
 * the top margin, none on the first page.
 */
static void
new_page(struct pdf *p)
{
	char num[16];
	PangoLayout *l;

	cairo_show_page(p->cr);
	p->page++;
	p->y = p->top;
	snprintf(num, sizeof(num), "%d", p->page);
	l = text_layout(p, num, HEAD_SIZE, 0, p->x1 - p->x0, PANGO_ALIGN_CENTER);
	show(p, l, p->x0, (p->top - height(l)) / 2);
	g_object_unref(l);
}

struct line_pos {
	PangoLayoutLine *line;	/* owned by the layout */
	double x;		/* left of the line, from the layout's left */
	double top, bottom;	/* logical extent, from the layout's top */
	double baseline;
};

/* The lines of l with their positions; *n set to their count. Free with free(). */
static struct line_pos *
line_positions(PangoLayout *l, int *n)
{
	int count = pango_layout_get_line_count(l), i = 0;
	struct line_pos *lp = xcalloc((size_t)count, sizeof(*lp));
	PangoLayoutIter *it = pango_layout_get_iter(l);

	do {
		PangoRectangle r;

		assert(i < count);
		pango_layout_iter_get_line_extents(it, NULL, &r);
		lp[i].line = pango_layout_iter_get_line_readonly(it);
		lp[i].x = pango_units_to_double(r.x);
		lp[i].top = pango_units_to_double(r.y);
		lp[i].bottom = pango_units_to_double(r.y + r.height);
		lp[i].baseline = pango_units_to_double(
		    pango_layout_iter_get_baseline(it));
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	*n = i;
	return lp;
}

/*
 * Draw l at x from the current position, line by line, turning pages between
 * lines. keep: room wanted under the layout on the same page (a heading keeps
 * with the start of what follows it). No single line of a paragraph is left
 * at the foot of a page (orphan) or carried alone to the next (widow), as
 * word processors do by default.
 */
static void
flow(struct pdf *p, PangoLayout *l, double x, double keep)
{
	int n, first = 0;
	struct line_pos *lp = line_positions(l, &n);
	double shift;

	if (keep > 0 && !page_empty(p) &&
	    p->y + (lp[n - 1].bottom - lp[0].top) + keep > p->bottom)
		new_page(p);
	shift = p->y - lp[0].top;
	while (first < n) {
		int last = first;

		while (last < n && shift + lp[last].bottom <= p->bottom + 0.01)
			last++;
		if (last < n) {
			if (first == 0 && last == 1 && n > 1 && !page_empty(p))
				last = 0;		/* orphan */
			else if (last == n - 1 && last - first >= 3)
				last--;			/* widow */
			if (last == first && page_empty(p))
				last = first + 1;	/* taller than a page */
		}
		for (int i = first; i < last; i++) {
			cairo_move_to(p->cr, x + lp[i].x, shift + lp[i].baseline);
			pango_cairo_show_layout_line(p->cr, lp[i].line);
		}
		if (last < n) {
			new_page(p);
			shift = p->y - lp[last].top;
		} else {
			p->y = shift + lp[n - 1].bottom;
		}
		first = last;
	}
	free(lp);
}

/* A body paragraph: justified, first-line indent, 1.15 lines, 6 pt after. */
static void
paragraph(struct pdf *p, const char *text, double size, int flags)
{
	PangoLayout *l = text_layout(p, text, size, flags | F_JUSTIFY,
	    p->x1 - p->x0, PANGO_ALIGN_LEFT);

	pango_layout_set_indent(l, pango_units_from_double(FIRST_INDENT));
	pango_layout_set_line_spacing(l, LINE_SPACING);
	flow(p, l, p->x0, 0);
	p->y += PARA_AFTER;
	g_object_unref(l);
}

/* A section heading: bold, indented like paragraphs, kept with the two
 * lines that follow it. */
static void
heading(struct pdf *p, const char *text, double size)
{
	PangoLayout *l = text_layout(p, text, size, F_BOLD | F_JUSTIFY,
	    p->x1 - p->x0, PANGO_ALIGN_LEFT);

	if (!page_empty(p))
		p->y += PARA_AFTER;
	pango_layout_set_indent(l, pango_units_from_double(FIRST_INDENT));
	pango_layout_set_line_spacing(l, LINE_SPACING);
	flow(p, l, p->x0, 2 * size * LINE_EM * LINE_SPACING);
	p->y += PARA_AFTER;
	g_object_unref(l);
}

/*
 * Length in bytes of the marker opening an item ("- ", "+ ", "a) ", "1. ",
 * "• ") including its space, or 0.
 */
static size_t
item_marker(const char *s)
{
	static const char *const marks[] = {"- ", "+ ", "– ", "• ", "* ", NULL};
	size_t i = 0;

	for (const char *const *m = marks; *m != NULL; m++)
		if (strncmp(s, *m, strlen(*m)) == 0)
			return strlen(*m);
	while (i < 3 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
		i++;
	if (i > 0 && (s[i] == ')' || s[i] == '.') && s[i + 1] == ' ')
		return i + 2;
	return 0;
}

/*
 * An item: the marker at the paragraph indent, the text after it, and the
 * following lines aligned under the text (hanging indent).
 */
static void
item(struct pdf *p, const char *text, double size, int flags)
{
	size_t mlen = item_marker(text);
	double mw = 0, x = p->x0 + FIRST_INDENT;
	PangoLayout *l;

	if (mlen > 0) {
		char *mark = xstrndup(text, mlen);

		l = text_layout(p, mark, size, flags, -1, PANGO_ALIGN_LEFT);
		extents(l, NULL, &mw, NULL);
		g_object_unref(l);
		free(mark);
	}
	l = text_layout(p, text, size, flags | F_JUSTIFY, p->x1 - x - mw,
	    PANGO_ALIGN_LEFT);
	pango_layout_set_indent(l, pango_units_from_double(-mw));
	pango_layout_set_line_spacing(l, LINE_SPACING);
	/* A negative indent starts the first line at the layout's left edge
	 * and moves the others right by mw. */
	flow(p, l, x, 0);
	p->y += PARA_AFTER;
	g_object_unref(l);
}

static void
centered(struct pdf *p, const char *text, double size, int flags)
{
	PangoLayout *l = text_layout(p, text, size, flags, p->x1 - p->x0,
	    PANGO_ALIGN_CENTER);

	pango_layout_set_line_spacing(l, LINE_SPACING);
	flow(p, l, p->x0, 0);
	p->y += PARA_AFTER;
	g_object_unref(l);
}

/* Tables --------------------------------------------------------------- */

struct tbl {
	const struct doc_table *t;
	double size;
	double *edge;		/* ncols + 1 column edges, points */
	PangoAlignment *align;	/* per column */
	PangoLayout **head;	/* header cells */
	double head_h;		/* header row height, padding included */
};

static const char *
cell_text(const struct doc_table *t, size_t r, size_t c)
{
	const char *s = t->cells[r * t->ncols + c];

	return s != NULL ? s : "";
}

/* Digits with separators: an amount, a date, a code, a count. */
static int
numberish(const char *s)
{
	int digits = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (strchr(".,-/ %", *s) == NULL)
			return 0;
	}
	return digits > 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The rows sampled to size and align the columns of long tables. */
#define TABLE_SAMPLE	400

/*
 * Column widths filling the text width: from t->widths when given, otherwise
 * from the content: every column gets at least its longest word, then the
 * room left is shared so that short columns keep their values on one line
 * (see the water filling below). Numeric columns are centred,
 * or right-aligned when they hold amounts with thousands separators.
 */
static void
table_columns(struct pdf *p, struct tbl *tb)
{
	const struct doc_table *t = tb->t;
	size_t nc = t->ncols;
	size_t sample = t->nrows < TABLE_SAMPLE ? t->nrows : TABLE_SAMPLE;
	double avail = p->x1 - p->x0, sum_min = 0, sum_max = 0;
	double *minw = xcalloc(nc, sizeof(double)), *maxw = xcalloc(nc, sizeof(double));
	double *w = xcalloc(nc, sizeof(double));
	double *nat = xcalloc(sample + 1, sizeof(double));
	PangoLayout *l = text_layout(p, "", tb->size, 0, -1, PANGO_ALIGN_LEFT);
	PangoLayout *lb = text_layout(p, "", tb->size, F_BOLD, -1, PANGO_ALIGN_LEFT);

	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_set_wrap(lb, PANGO_WRAP_WORD);
	for (size_t c = 0; c < nc; c++) {
		int numeric = 0, all_numeric = 1, separators = 0;
		size_t longest = 0;

		for (size_t r = 0; r <= sample; r++) {
			const char *s = r > 0 ? cell_text(t, r - 1, c) :
			    t->header[c] != NULL ? t->header[c] : "";
			PangoLayout *m = r == 0 ? lb : l;
			double mw;

			if (r > 0 && *s != '\0') {
				if (numberish(s)) {
					numeric = 1;
					separators |= strchr(s, '.') != NULL ||
					    strchr(s, ',') != NULL;
					if (strlen(s) > longest)
						longest = strlen(s);
				} else {
					all_numeric = 0;
				}
			}
			if (t->widths != NULL)
				continue;
			pango_layout_set_text(m, s, -1);
			if (r > 0) {
				pango_layout_set_width(m, -1);
				extents(m, NULL, &nat[r - 1], NULL);
			}
			pango_layout_set_width(m, 1);	/* one word a line */
			extents(m, NULL, &mw, NULL);
			if (mw > minw[c])
				minw[c] = mw;
		}
		/*
		 * The unwrapped width a column asks for: its longest value
		 * when the column is mostly filled (names, addresses), else
		 * its 95th percentile value, so that a note on a few rows
		 * does not take the room of the names. The header wraps at
		 * its words.
		 */
		if (sample > 0 && t->widths == NULL) {
			qsort(nat, sample, sizeof(double), cmp_double);
			maxw[c] = nat[sample / 2] > 0 ? nat[sample - 1] :
			    nat[(size_t)((double)(sample - 1) * 0.95)];
		}
		if (maxw[c] < minw[c])
			maxw[c] = minw[c];
		tb->align[c] = PANGO_ALIGN_LEFT;
		if (numeric && all_numeric)
			tb->align[c] = separators && longest > 4 ?
			    PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER;
		minw[c] += 2 * CELL_PAD_X + 1;
		maxw[c] += 2 * CELL_PAD_X + 1;
		sum_min += minw[c];
		sum_max += maxw[c];
	}
	g_object_unref(l);
	g_object_unref(lb);

	if (t->widths != NULL) {
		double sum = 0;

		for (size_t c = 0; c < nc; c++)
			sum += t->widths[c] > 0 ? t->widths[c] : 0;
		for (size_t c = 0; c < nc; c++)
			w[c] = sum > 0 && t->widths[c] > 0 ?
			    avail * t->widths[c] / sum : avail / (double)nc;
	} else if (sum_max <= avail) {
		for (size_t c = 0; c < nc; c++)
			w[c] = maxw[c] + (avail - sum_max) * maxw[c] / sum_max;
	} else if (sum_min >= avail) {
		for (size_t c = 0; c < nc; c++)
			w[c] = avail * minw[c] / sum_min;
	} else {
		/* Water filling: every column gets min(its unwrapped width,
		 * a common level), never less than its longest word; the level
		 * is found by bisection so the widths add up to the text width.
		 * Short columns (numbers, names) then never wrap, and the long
		 * ones share the rest equally. */
		double lo = 0, hi = 0, level = 0;

		for (size_t c = 0; c < nc; c++)
			if (maxw[c] > hi)
				hi = maxw[c];
		for (int i = 0; i < 60; i++) {
			double sum = 0;

			level = (lo + hi) / 2;
			for (size_t c = 0; c < nc; c++)
				sum += level < minw[c] ? minw[c] :
				    level > maxw[c] ? maxw[c] : level;
			if (sum > avail)
				hi = level;
			else
				lo = level;
		}
		for (size_t c = 0; c < nc; c++)
			w[c] = lo < minw[c] ? minw[c] : lo > maxw[c] ? maxw[c] : lo;
	}
	tb->edge[0] = p->x0;
	for (size_t c = 0; c < nc; c++)
		tb->edge[c + 1] = tb->edge[c] + w[c];
	tb->edge[nc] = p->x1;	/* no rounding gap at the right margin */
	free(minw);
	free(maxw);
	free(w);
	free(nat);
}

/* Layouts of one row's cells (header when header != 0); returns the row
 * height, padding included. */
static double
row_layouts(struct pdf *p, const struct tbl *tb, size_t r, int header,
    PangoLayout **cells)
{
	const struct doc_table *t = tb->t;
	double rh = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		double cw = tb->edge[c + 1] - tb->edge[c] - 2 * CELL_PAD_X, h;
		const char *s = header ? (t->header[c] != NULL ? t->header[c] : "") :
		    cell_text(t, r, c);

		cells[c] = text_layout(p, s, tb->size, header ? F_BOLD : 0,
		    cw > 1 ? cw : 1, header ? PANGO_ALIGN_CENTER : tb->align[c]);
		h = height(cells[c]);
		if (h > rh)
			rh = h;
	}
	return rh + 2 * CELL_PAD_Y;
}

/* Draw a row that fits at p->y, cells centred vertically, with borders. */
static void
row_draw(struct pdf *p, const struct tbl *tb, PangoLayout **cells, double rh)
{
	for (size_t c = 0; c < tb->t->ncols; c++) {
		double h = height(cells[c]);

		show(p, cells[c], tb->edge[c] + CELL_PAD_X, p->y + (rh - h) / 2);
		cairo_rectangle(p->cr, tb->edge[c], p->y,
		    tb->edge[c + 1] - tb->edge[c], rh);
	}
	cairo_set_line_width(p->cr, BORDER_WIDTH);
	cairo_stroke(p->cr);
	p->y += rh;
}

static void
table_new_page(struct pdf *p, const struct tbl *tb)
{
	new_page(p);
	row_draw(p, tb, tb->head, tb->head_h);	/* the header repeats */
}

/*
 * A row taller than a whole page: each cell flows line by line down to the
 * page foot and goes on under the repeated header of the next page.
 */
static void
row_split(struct pdf *p, const struct tbl *tb, PangoLayout **cells)
{
	size_t nc = tb->t->ncols;
	struct line_pos **lp = xcalloc(nc, sizeof(*lp));
	int *n = xcalloc(nc, sizeof(int)), *next = xcalloc(nc, sizeof(int));

	for (size_t c = 0; c < nc; c++)
		lp[c] = line_positions(cells[c], &n[c]);
	for (;;) {
		double top = p->y, used = p->y + CELL_PAD_Y, bottom;
		int done = 1;

		for (size_t c = 0; c < nc; c++) {
			int i = next[c];
			double shift = 0;

			if (i < n[c])
				shift = top + CELL_PAD_Y - lp[c][i].top;
			for (; i < n[c]; i++) {
				if (shift + lp[c][i].bottom > p->bottom - CELL_PAD_Y &&
				    i > next[c])
					break;
				cairo_move_to(p->cr, tb->edge[c] + CELL_PAD_X + lp[c][i].x,
				    shift + lp[c][i].baseline);
				pango_cairo_show_layout_line(p->cr, lp[c][i].line);
				if (shift + lp[c][i].bottom > used)
					used = shift + lp[c][i].bottom;
			}
			next[c] = i;
			if (i < n[c])
				done = 0;
		}
		bottom = done ? used + CELL_PAD_Y : p->bottom;
		for (size_t c = 0; c < nc; c++)
			cairo_rectangle(p->cr, tb->edge[c], top,
			    tb->edge[c + 1] - tb->edge[c], bottom - top);
		cairo_set_line_width(p->cr, BORDER_WIDTH);
		cairo_stroke(p->cr);
		p->y = bottom;
		if (done)
			break;
		table_new_page(p, tb);
	}
	for (size_t c = 0; c < nc; c++)
		free(lp[c]);
	free(lp);
	free(n);
	free(next);
}

/*
 * A bordered table over the text width: bold header row repeated at the top
 * of every page the table runs onto; a row moves whole to the next page
 * when it does not fit at the foot of this one.
 */
static void
table(struct pdf *p, const struct doc_table *t, double size)
{
	struct tbl tb = {t, size, NULL, NULL, NULL, 0};
	PangoLayout **cells;

	if (t == NULL || t->ncols == 0)
		return;
	tb.edge = xcalloc(t->ncols + 1, sizeof(double));
	tb.align = xcalloc(t->ncols, sizeof(PangoAlignment));
	tb.head = xcalloc(t->ncols, sizeof(PangoLayout *));
	cells = xcalloc(t->ncols, sizeof(PangoLayout *));
	table_columns(p, &tb);
	tb.head_h = row_layouts(p, &tb, 0, 1, tb.head);

	for (size_t r = 0; r <= t->nrows; r++) {
		double rh = 0;

		if (r < t->nrows)
			rh = row_layouts(p, &tb, r, 0, cells);
		if (r == 0) {
			/* The header never stands alone at a page foot: the
			 * first row comes with it, or its first lines when it
			 * is taller than a page anyway. */
			double first = rh;

			if (p->top + tb.head_h + rh > p->bottom)
				first = 2 * CELL_PAD_Y + 2 * tb.size * LINE_EM;
			if (!page_empty(p) && p->y + tb.head_h + first > p->bottom)
				new_page(p);
			row_draw(p, &tb, tb.head, tb.head_h);
		}
		if (r == t->nrows)
			break;
		if (p->y + rh > p->bottom && p->top + tb.head_h + rh <= p->bottom)
			table_new_page(p, &tb);
		if (p->y + rh <= p->bottom)
			row_draw(p, &tb, cells, rh);
		else
			row_split(p, &tb, cells);
		for (size_t c = 0; c < t->ncols; c++)
			g_object_unref(cells[c]);
	}
	p->y += PARA_AFTER;
	for (size_t c = 0; c < t->ncols; c++)
		g_object_unref(tb.head[c]);
	free(cells);
	free(tb.head);
	free(tb.align);
	free(tb.edge);
}

/* The header block, title and signature ------------------------------ */

/* g_utf8_strup of s (caps for bodies, types, authority lines), g_free it. */
static char *
caps(const char *s)
{
	return g_utf8_strup(s != NULL ? s : "", -1);
}

/*
 * Appendix I, II.1-II.4: two columns at the top of the first page.
 * Left (boxes 2 and 3): supervising body, caps, 13, regular; issuing body,
 * caps, 13, bold, a solid rule under it a third of its width, centred; then
 * "Số: ..." in 13. Right (boxes 1 and 4): national name, caps, 13, bold;
 * motto, 14, bold, with a rule under it as wide as the text; then place and
 * date, italic, 14, on the line of the number. Each column is centred on
 * itself. The right column is as wide as the national name needs; returns
 * the left edge of the right column, used again for the signature.
 */
static double
header_block(struct pdf *p, const struct doc *d)
{
	const char *nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
	const char *motto = "Độc lập - Tự do - Hạnh phúc";
	PangoLayout *l, *num = NULL;
	double rw, lx, lw, rx, yl = p->top, yr = p->top, x, w, h, base;
	char date[64];
	struct buf b = BUF_INIT;

	l = text_layout(p, nation, HEAD_SIZE, F_BOLD, -1, PANGO_ALIGN_CENTER);
	extents(l, NULL, &rw, NULL);
	rw += MM(6);
	if (rw > (p->x1 - p->x0) * 0.62)
		rw = (p->x1 - p->x0) * 0.62;
	lx = p->x0;
	lw = p->x1 - p->x0 - rw - MM(2);
	rx = p->x1 - rw;

	/* Right column. */
	pango_layout_set_width(l, pango_units_from_double(rw));
	show(p, l, rx, yr);
	yr += height(l);
	g_object_unref(l);
	l = text_layout(p, motto, MOTTO_SIZE, F_BOLD, rw, PANGO_ALIGN_CENTER);
	show(p, l, rx, yr);
	extents(l, &x, &w, &h);
	yr += h + 3;
	rule(p, rx + x, rx + x + w, yr);
	g_object_unref(l);

	/* Left column. */
	if (d->supervisor != NULL && d->supervisor[0] != '\0') {
		char *s = caps(d->supervisor);

		l = text_layout(p, s, HEAD_SIZE, 0, lw, PANGO_ALIGN_CENTER);
		show(p, l, lx + balance(l, lw), yl);
		yl += height(l);
		g_object_unref(l);
		g_free(s);
	}
	if (d->issuer != NULL && d->issuer[0] != '\0') {
		char *s = caps(d->issuer);

		l = text_layout(p, s, HEAD_SIZE, F_BOLD, lw, PANGO_ALIGN_CENTER);
		show(p, l, lx + balance(l, lw), yl);
		extents(l, NULL, &w, &h);
		yl += h + 3;
		rule(p, lx + lw / 2 - w / 6, lx + lw / 2 + w / 6, yl);
		g_object_unref(l);
		g_free(s);
	}

	/* Number and date on one line under the taller column, their
	 * baselines level. */
	p->y = (yl > yr ? yl : yr) + 7;
	if (d->number != NULL && d->number[0] != '\0') {
		/* "Số: 12/QĐ-HKH"; the word is added when the caller left it out. */
		if (strncmp(d->number, "Số", strlen("Số")) != 0)
			buf_puts(&b, "Số: ");
		buf_puts(&b, d->number);
		num = text_layout(p, buf_str(&b), HEAD_SIZE, 0, lw, PANGO_ALIGN_CENTER);
		buf_reset(&b);
	}
	doc_date_words(d->date, date, sizeof(date));
	if (d->place != NULL && d->place[0] != '\0') {
		buf_puts(&b, d->place);
		buf_puts(&b, ", ");
		buf_puts(&b, date);
	} else {
		buf_puts(&b, "Ngày");
		buf_puts(&b, date + strlen("ngày"));
	}
	l = text_layout(p, buf_str(&b), MOTTO_SIZE, F_ITALIC, rw, PANGO_ALIGN_CENTER);
	base = baseline(l);
	if (num != NULL && baseline(num) > base)
		base = baseline(num);
	show(p, l, rx, p->y + base - baseline(l));
	h = p->y + base - baseline(l) + height(l);
	g_object_unref(l);
	if (num != NULL) {
		show(p, num, lx, p->y + base - baseline(num));
		if (p->y + base - baseline(num) + height(num) > h)
			h = p->y + base - baseline(num) + height(num);
		g_object_unref(num);
	}
	buf_free(&b);
	p->y = h;
	return rx;
}

/*
 * Appendix I, II.5: the type in caps, bold, 14, centred; the summary under
 * it, bold, 14, centred, with a short solid rule under it (a third of the
 * line, centred).
 */
static void
title_block(struct pdf *p, const struct doc *d)
{
	double wt = p->x1 - p->x0, x, w, h;
	PangoLayout *l;

	p->y += 20;
	if (d->type != NULL && d->type[0] != '\0') {
		char *s = caps(d->type);

		l = text_layout(p, s, BODY_SIZE, F_BOLD, wt, PANGO_ALIGN_CENTER);
		show(p, l, p->x0 + balance(l, wt), p->y);
		p->y += height(l);
		g_object_unref(l);
		g_free(s);
	}
	if (d->summary != NULL && d->summary[0] != '\0') {
		l = text_layout(p, d->summary, BODY_SIZE, F_BOLD, wt,
		    PANGO_ALIGN_CENTER);
		show(p, l, p->x0 + balance(l, wt), p->y);
		extents(l, &x, &w, &h);
		p->y += h + 3;
		rule(p, p->x0 + wt / 2 - w / 6, p->x0 + wt / 2 + w / 6, p->y);
		g_object_unref(l);
	}
	p->y += 16;
}

/*
 * Appendix I, II.7 and II.9: the signature block on the right (authority in
 * caps, bold, 14; room for signature and seal; the name, bold, 14) and the
 * distribution list on the left, "Nơi nhận:" bold italic 12 level with the
 * first authority line, one recipient per line in 11.
 */
static void
signature_block(struct pdf *p, const struct doc *d, double rx)
{
	double rw = p->x1 - rx, lw, ws = 0, hs = 0, hn = 0, y, w;
	size_t na = 0, nr = 0, i;
	PangoLayout **auth, **rec, *name = NULL, *note = NULL;

	for (; d->sign_authority != NULL && d->sign_authority[na] != NULL; na++)
		;
	for (; d->recipients != NULL && d->recipients[nr] != NULL; nr++)
		;
	if (na == 0 && (d->signer == NULL || d->signer[0] == '\0') && nr == 0)
		return;
	auth = xcalloc(na + 1, sizeof(*auth));
	rec = xcalloc(nr + 1, sizeof(*rec));
	for (i = 0; i < na; i++) {
		char *s = caps(d->sign_authority[i]);

		auth[i] = text_layout(p, s, SIGN_SIZE, F_BOLD, rw, PANGO_ALIGN_CENTER);
		hs += height(auth[i]);
		extents(auth[i], NULL, &w, NULL);
		ws = w > ws ? w : ws;
		g_free(s);
	}
	hs += SIGN_SPACE;
	if (d->signer != NULL && d->signer[0] != '\0') {
		name = text_layout(p, d->signer, SIGN_SIZE, F_BOLD, rw,
		    PANGO_ALIGN_CENTER);
		hs += height(name);
		extents(name, NULL, &w, NULL);
		ws = w > ws ? w : ws;
	}
	/* The list may run under the right column up to where the signature
	 * text starts, with a gap; never past the middle of the page. */
	lw = rx + (rw - ws) / 2 - p->x0 - MM(5);
	if (lw > (p->x1 - p->x0) * 0.5)
		lw = (p->x1 - p->x0) * 0.5;
	if (lw < rx - p->x0 - MM(4))
		lw = rx - p->x0 - MM(4);
	if (nr > 0) {
		note = text_layout(p, "Nơi nhận:", NOTE_HEAD_SIZE, F_BOLD | F_ITALIC,
		    lw, PANGO_ALIGN_LEFT);
		hn = height(note);
		if (na > 0 && baseline(auth[0]) > baseline(note))
			hn += baseline(auth[0]) - baseline(note);
		for (i = 0; i < nr; i++) {
			double mw = 0;
			size_t mlen = item_marker(d->recipients[i]);

			if (mlen > 0) {
				char *m = xstrndup(d->recipients[i], mlen);
				PangoLayout *ml = text_layout(p, m, NOTE_SIZE, 0, -1,
				    PANGO_ALIGN_LEFT);

				extents(ml, NULL, &mw, NULL);
				g_object_unref(ml);
				free(m);
			}
			rec[i] = text_layout(p, d->recipients[i], NOTE_SIZE, 0,
			    lw - mw, PANGO_ALIGN_LEFT);
			pango_layout_set_indent(rec[i], pango_units_from_double(-mw));
			hn += height(rec[i]);
		}
	}

	if (!page_empty(p))
		p->y += SIGN_BEFORE;
	if (!page_empty(p) && p->y + (hs > hn ? hs : hn) > p->bottom)
		new_page(p);
	y = p->y;
	for (i = 0; i < na; i++) {
		show(p, auth[i], rx, y);
		y += height(auth[i]);
	}
	y += SIGN_SPACE;
	if (name != NULL) {
		show(p, name, rx, y);
		y += height(name);
	}
	hs = y;
	if (note != NULL) {
		/* Baseline level with the first authority line's. */
		y = p->y;
		if (na > 0 && baseline(auth[0]) > baseline(note))
			y += baseline(auth[0]) - baseline(note);
		show(p, note, p->x0, y);
		y += height(note);
		for (i = 0; i < nr; i++) {
			double h = height(rec[i]);

			if (y + h > p->bottom) {
				/* A list longer than the page goes on overleaf. */
				new_page(p);
				hs = p->y;
				y = p->y;
			}
			show(p, rec[i], p->x0, y);
			y += h;
		}
	}
	p->y = hs > y ? hs : y;
	for (i = 0; i < na; i++)
		g_object_unref(auth[i]);
	for (i = 0; i < nr; i++)
		g_object_unref(rec[i]);
	if (name != NULL)
		g_object_unref(name);
	if (note != NULL)
		g_object_unref(note);
	free(auth);
	free(rec);
}

static void
body(struct pdf *p, const struct doc *d)
{
	for (const char *const *b = d->bases; b != NULL && *b != NULL; b++)
		paragraph(p, *b, BODY_SIZE, F_ITALIC);
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct doc_block *bl = &d->blocks[i];
		double size = bl->size > 0 ? bl->size : BODY_SIZE;
		int flags = (bl->bold ? F_BOLD : 0) | (bl->italic ? F_ITALIC : 0);

		switch (bl->kind) {
		case DOC_PARA:
			paragraph(p, bl->text, size, flags);
			break;
		case DOC_HEADING:
			heading(p, bl->text, size);
			break;
		case DOC_ITEM:
			item(p, bl->text, size, flags);
			break;
		case DOC_TABLE:
			table(p, bl->table, bl->size > 0 ? bl->size : TABLE_SIZE);
			break;
		case DOC_CENTER:
			centered(p, bl->text, size, flags);
			break;
		case DOC_CENTER_CAPS: {
			char *up = caps(bl->text);

			centered(p, up, size, flags);
			g_free(up);
			break;
		}
		}
	}
}

/* Every string of d is valid UTF-8 (pango would replace bytes silently). */
static int
check_doc(const struct doc *d, struct kh_err *err)
{
	int rc = 0;

	if ((rc = doc_check_text(d->supervisor, "supervisor", err)) != 0 ||
	    (rc = doc_check_text(d->issuer, "issuer", err)) != 0 ||
	    (rc = doc_check_text(d->number, "number", err)) != 0 ||
	    (rc = doc_check_text(d->place, "place", err)) != 0 ||
	    (rc = doc_check_text(d->type, "type", err)) != 0 ||
	    (rc = doc_check_text(d->summary, "summary", err)) != 0 ||
	    (rc = doc_check_text(d->signer, "signer", err)) != 0)
		return rc;
	for (const char *const *s = d->bases; s != NULL && *s != NULL; s++)
		if ((rc = doc_check_text(*s, "bases", err)) != 0)
			return rc;
	for (const char *const *s = d->sign_authority; s != NULL && *s != NULL; s++)
		if ((rc = doc_check_text(*s, "sign_authority", err)) != 0)
			return rc;
	for (const char *const *s = d->recipients; s != NULL && *s != NULL; s++)
		if ((rc = doc_check_text(*s, "recipients", err)) != 0)
			return rc;
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct doc_table *t = d->blocks[i].table;

		if ((rc = doc_check_text(d->blocks[i].text, "blocks", err)) != 0)
			return rc;
		if (d->blocks[i].kind != DOC_TABLE || t == NULL)
			continue;
		if (t->ncols > 0 && (t->header == NULL ||
		    (t->nrows > 0 && t->cells == NULL)))
			return kh_fail_field(err, KH_E_INVALID, "blocks",
			    N_("A table of the document has no header or no cells."),
			    NULL);
		for (size_t c = 0; c < t->ncols; c++)
			if ((rc = doc_check_text(t->header[c], "blocks", err)) != 0)
				return rc;
		for (size_t c = 0; c < t->ncols * t->nrows; c++)
			if ((rc = doc_check_text(t->cells[c], "blocks", err)) != 0)
				return rc;
	}
	return 0;
}

/* True when the font map gives Liberation Serif for the family, not a
 * fallback. */
static int
font_present(PangoContext *ctx)
{
	PangoFontDescription *want = pango_font_description_new();
	PangoFont *f;
	int ok = 0;

	pango_font_description_set_family_static(want, FONT_FAMILY);
	pango_font_description_set_absolute_size(want, BODY_SIZE * PANGO_SCALE);
	f = pango_context_load_font(ctx, want);
	if (f != NULL) {
		PangoFontDescription *got = pango_font_describe(f);
		const char *fam = pango_font_description_get_family(got);

		ok = fam != NULL && g_ascii_strcasecmp(fam, FONT_FAMILY) == 0;
		pango_font_description_free(got);
		g_object_unref(f);
	}
	pango_font_description_free(want);
	return ok;
}

static cairo_status_t
write_stream(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

/*
 * Pango context for print: 72 units an inch so sizes are points, no hinting
 * and unrounded glyph positions so text measures as it prints, Vietnamese for
 * line breaking.
 */
static PangoContext *
print_context(cairo_t *cr)
{
	PangoContext *ctx = pango_cairo_create_context(cr);
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(ctx, 72.0);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	pango_context_set_language(ctx, pango_language_from_string("vi"));
	return ctx;
}

/*
 * Lay out one document from the top of a fresh page of the surface: the
 * sheet takes the document's orientation and its page numbers start again
 * at 1 (none on its first page), as if it had been printed on its own.
 */
static void
render(struct pdf *p, cairo_surface_t *surface, const struct doc *d)
{
	double rx;

	p->page_w = d->landscape ? PAGE_H : PAGE_W;
	p->page_h = d->landscape ? PAGE_W : PAGE_H;
	p->x0 = MARGIN_LEFT;
	p->x1 = p->page_w - MARGIN_RIGHT;
	p->top = MARGIN_TOP;
	p->bottom = p->page_h - MARGIN_BOTTOM;
	p->y = p->top;
	p->page = 1;
	/* Takes effect from the next page drawn: this document's first. */
	cairo_pdf_surface_set_size(surface, p->page_w, p->page_h);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	rx = header_block(p, d);
	title_block(p, d);
	body(p, d);
	signature_block(p, d, rx);
	cairo_show_page(p->cr);
}

int
doc_pdf(const struct doc *d, const char *path, struct kh_err *err)
{
	const struct doc *one[1];

	assert(d != NULL && path != NULL);
	one[0] = d;
	return doc_pdf_many(one, 1, path, err);
}

int
doc_pdf_many(const struct doc *const *docs, size_t n, const char *path,
    struct kh_err *err)
{
	const struct doc *d;
	struct pdf p;
	cairo_surface_t *surface = NULL;
	cairo_status_t st;
	char *tmp = NULL;
	FILE *f = NULL;
	size_t i;
	int rc;

	assert(path != NULL);
	memset(&p, 0, sizeof(p));
	if (n == 0 || docs == NULL)
		return kh_fail(err, KH_E_INVALID, N_("There is nothing to print."),
		    NULL);
	for (i = 0; i < n; i++) {
		assert(docs[i] != NULL);
		if ((rc = check_doc(docs[i], err)) != 0)
			return rc;
	}
	d = docs[0];
	rc = KH_E_IO;
	if ((tmp = doc_tmp_create(path, err)) == NULL)
		goto out;
	if ((f = fopen(tmp, "wb")) == NULL) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "open %s: %s", tmp, strerror(errno));
		goto out;
	}
	surface = cairo_pdf_surface_create_for_stream(write_stream, f,
	    d->landscape ? PAGE_H : PAGE_W, d->landscape ? PAGE_W : PAGE_H);
	p.cr = cairo_create(surface);
	p.ctx = print_context(p.cr);
	if (!font_present(p.ctx)) {
		kh_fail(err, KH_E_IO, N_("The font %s is not installed."), FONT_FAMILY);
		kh_err_detail(err, "install fonts-liberation2");
		goto out;
	}
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
	    "khuyenhoc");
	if (d->issuer != NULL)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
		    d->issuer);
	if (d->type != NULL || d->summary != NULL) {
		char *title = xasprintf("%s%s%s", d->type != NULL ? d->type : "",
		    d->type != NULL && d->summary != NULL ? " - " : "",
		    d->summary != NULL ? d->summary : "");

		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
		    title);
		free(title);
	}
	for (i = 0; i < n; i++)
		render(&p, surface, docs[i]);

	g_object_unref(p.ctx);
	p.ctx = NULL;
	cairo_destroy(p.cr);
	p.cr = NULL;
	cairo_surface_finish(surface);
	st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	surface = NULL;
	if (st != CAIRO_STATUS_SUCCESS) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "cairo: %s", cairo_status_to_string(st));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "close %s: %s", tmp, strerror(errno));
		goto out;
	}
	f = NULL;
	rc = doc_tmp_publish(tmp, path, err);
	tmp = NULL;
out:
	if (p.ctx != NULL)
		g_object_unref(p.ctx);
	if (p.cr != NULL)
		cairo_destroy(p.cr);
	if (surface != NULL) {
		cairo_surface_finish(surface);
		cairo_surface_destroy(surface);
	}
	if (f != NULL)
		fclose(f);
	doc_tmp_discard(tmp);
	return rc;
}

/*
 * Release pango's default font map. Cairo's and fontconfig's caches stay
 * for the life of the process: cairo_debug_reset_static_data() and FcFini()
 * would free them, but both assert and abort at exit when a font is still
 * referenced (pango loads fonts from a thread of its own). The sanitizer
 * stages tell the leak checker about fontconfig's caches instead
 * (tests/lsan.supp).
 */
void
doc_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
}
