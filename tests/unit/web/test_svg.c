#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "web/svg.h"

static const char *const labels3[] = {"Lê Chân", "<b>&\"x\"", "Ngô Quyền"};

static struct svg_chart
chart3(const int64_t *v, const bool *has)
{
	struct svg_chart c;

	memset(&c, 0, sizeof(c));
	c.kind = SVG_BARS;
	c.id = "c1";
	c.title = "Tỷ lệ <hội viên>";
	c.desc = "Mô tả & chú thích";
	c.n = 3;
	c.labels = labels3;
	c.values = v;
	c.has = has;
	c.unit = "%";
	c.decimal = ',';
	return c;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

Test(svg, escapes_every_text_and_names_title_and_desc)
{
	static const int64_t v[] = {2750, 1000, 500};
	static const bool has[] = {true, true, true};
	struct svg_chart c = chart3(v, has);
	struct buf b = BUF_INIT;

	svg_chart(&b, &c);
	cr_assert(strstr(buf_str(&b), "<b>") == NULL);
	cr_assert(strstr(buf_str(&b), "&lt;b&gt;&amp;&quot;x&quot;") != NULL);
	cr_assert(strstr(buf_str(&b), "<title id=\"c1-t\">Tỷ lệ &lt;hội viên&gt;</title>") != NULL);
	cr_assert(strstr(buf_str(&b), "<desc id=\"c1-d\">Mô tả &amp; chú thích</desc>") != NULL);
	cr_assert(strstr(buf_str(&b), "role=\"img\"") != NULL);
	cr_assert(strstr(buf_str(&b), "aria-labelledby=\"c1-t c1-d\"") != NULL);
	/* Each bar says its figure with the decimal comma. */
	cr_assert(strstr(buf_str(&b), "<title>Lê Chân: 27,5 %</title>") != NULL);
	cr_assert_eq(count(buf_str(&b), "<rect class=\"bar"), 3);
	buf_free(&b);
}

Test(svg, all_zero_values_get_a_finite_unit_scale)
{
	static const int64_t v[] = {0, 0, 0};
	static const bool has[] = {true, true, true};
	struct svg_chart c = chart3(v, has);
	struct svg_scale s;
	struct buf b = BUF_INIT;

	svg_scale_fit(&s, &c);
	cr_assert_eq(s.lo, 0);
	cr_assert_eq(s.hi, 100);
	cr_assert_float_eq(svg_scale_y(&s, 0), SVG_HEIGHT - SVG_BOTTOM, 1e-9);
	cr_assert_float_eq(svg_scale_y(&s, 100), SVG_TOP, 1e-9);
	svg_chart(&b, &c);
	cr_assert(strstr(buf_str(&b), "nan") == NULL);
	cr_assert(strstr(buf_str(&b), "inf") == NULL);
	/* Zero-height bars, drawn on the axis. */
	cr_assert_eq(count(buf_str(&b), "height=\"0.0\""), 3);
	buf_free(&b);
}

Test(svg, negative_values_hang_below_the_zero_line)
{
	static const int64_t v[] = {-500, 1000, 0};
	static const bool has[] = {true, true, true};
	struct svg_chart c = chart3(v, has);
	struct svg_scale s;
	struct buf b = BUF_INIT;
	char want[96];
	double zero;

	svg_scale_fit(&s, &c);
	cr_assert(s.lo <= -500, "lo %lld", (long long)s.lo);
	cr_assert(s.hi >= 1000, "hi %lld", (long long)s.hi);
	zero = svg_scale_y(&s, 0);
	cr_assert(zero > SVG_TOP && zero < SVG_HEIGHT - SVG_BOTTOM);
	cr_assert(svg_scale_y(&s, -500) > zero);
	cr_assert(svg_scale_y(&s, 1000) < zero);
	svg_chart(&b, &c);
	/* The negative bar starts at the zero line and goes down. */
	snprintf(want, sizeof(want), "y=\"%.1f\" width=", zero);
	cr_assert(strstr(buf_str(&b), want) != NULL, "%s", buf_str(&b));
	snprintf(want, sizeof(want), "class=\"zero\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\"",
	    SVG_LEFT, SVG_WIDTH - SVG_RIGHT, zero);
	cr_assert(strstr(buf_str(&b), want) != NULL);
	buf_free(&b);
}

Test(svg, missing_values_draw_no_bar_and_break_the_line)
{
	static const int64_t v[] = {1000, 0, 3000};
	static const bool has[] = {true, false, true};
	struct svg_chart c = chart3(v, has);
	struct buf b = BUF_INIT;

	svg_chart(&b, &c);
	cr_assert_eq(count(buf_str(&b), "<rect class=\"bar"), 2);
	cr_assert_eq(count(buf_str(&b), "class=\"missing\""), 1);
	cr_assert(strstr(buf_str(&b), "<title>&lt;b&gt;&amp;&quot;x&quot;: —</title>") != NULL);
	buf_reset(&b);
	c.kind = SVG_LINE;
	svg_chart(&b, &c);
	/* Two runs of one point each, not a line through a made-up zero. */
	cr_assert_eq(count(buf_str(&b), "<polyline"), 2);
	cr_assert_eq(count(buf_str(&b), "<circle"), 2);
	buf_free(&b);
}

Test(svg, target_line_sits_at_the_target_value)
{
	static const int64_t v[] = {1000, 2000, 3000};
	static const bool has[] = {true, true, true};
	struct svg_chart c = chart3(v, has);
	struct svg_scale s;
	struct buf b = BUF_INIT;
	char want[128];

	c.has_target = true;
	c.target_x100 = 2750;
	c.target_label = "≥ 27,5 %";
	svg_scale_fit(&s, &c);
	/* 0..40 (x100: 4000) with a step of 10: the target at 27.5 % lies
	 * 27.5/40 of the plot height above the axis. */
	cr_assert_eq(s.lo, 0);
	cr_assert_eq(s.hi, 4000);
	cr_assert_float_eq(svg_scale_y(&s, 2750),
	    SVG_HEIGHT - SVG_BOTTOM - 0.6875 * (SVG_HEIGHT - SVG_BOTTOM - SVG_TOP),
	    0.051);
	svg_chart(&b, &c);
	snprintf(want, sizeof(want), "<g class=\"target\"><line x1=\"%d\" x2=\"%d\""
	    " y1=\"%.1f\" y2=\"%.1f\"/>", SVG_LEFT, SVG_WIDTH - SVG_RIGHT,
	    svg_scale_y(&s, 2750), svg_scale_y(&s, 2750));
	cr_assert(strstr(buf_str(&b), want) != NULL, "%s", buf_str(&b));
	cr_assert(strstr(buf_str(&b), "≥ 27,5 %") != NULL);
	/* Bars under the target are marked unmet, the one above met. */
	cr_assert_eq(count(buf_str(&b), "bar unmet"), 2);
	cr_assert_eq(count(buf_str(&b), "bar met"), 1);
	/* A target above every value still fits in the scale. */
	c.target_x100 = 9000;
	svg_scale_fit(&s, &c);
	cr_assert(s.hi >= 9000);
	cr_assert(svg_scale_y(&s, 9000) >= SVG_TOP);
	buf_free(&b);
}
