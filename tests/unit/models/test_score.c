/*
 * The scoring engine against every shipped criteria set, with totals
 * computed by hand: full marks, each band or threshold edge from both
 * sides, a failed prerequisite, a failed minimum per criterion, levels.
 * Pure: the sets are parsed from data/criteria, no database.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "models/models.h"

#define MAXA 40

struct form {
	struct model_answer a[MAXA];
	size_t n;
};

static void
load(const char *name, struct criteria_set *s)
{
	struct kh_err err = KH_ERR_INIT;
	struct buf b = BUF_INIT;
	char *path = xasprintf("data/criteria/%s.json", name), chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "open %s (tests run from the repository root)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	cr_assert_eq(criteria_parse(buf_str(&b), s, &err), 0, "%s: %s [%s] %s",
	    name, err.msg ? err.msg : "", err.field, err.arg);
	buf_free(&b);
	free(path);
}

static void
pts(struct form *f, const char *code, double points)
{
	cr_assert(f->n < MAXA);
	memset(&f->a[f->n], 0, sizeof(f->a[0]));
	f->a[f->n].code = code;
	f->a[f->n].value_x100 = (int64_t)(points * 100 + 0.5);
	f->n++;
}

static void
met(struct form *f, const char *code, int yes)
{
	cr_assert(f->n < MAXA);
	memset(&f->a[f->n], 0, sizeof(f->a[0]));
	f->a[f->n].code = code;
	f->a[f->n].met = yes;
	f->n++;
}

static void
ratio(struct form *f, const char *code, int64_t num, int64_t den)
{
	cr_assert(f->n < MAXA);
	memset(&f->a[f->n], 0, sizeof(f->a[0]));
	f->a[f->n].code = code;
	f->a[f->n].num = num;
	f->a[f->n].den = den;
	f->n++;
}

static void
na(struct form *f, const char *code)
{
	cr_assert(f->n < MAXA);
	memset(&f->a[f->n], 0, sizeof(f->a[0]));
	f->a[f->n].code = code;
	f->a[f->n].na = 1;
	f->n++;
}

/* Set the points of an answer already in the form. */
static void
repts(struct form *f, const char *code, double points)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->a[i].code, code) == 0) {
			f->a[i].value_x100 = (int64_t)(points * 100 + 0.5);
			return;
		}
	cr_assert_fail("no answer %s", code);
}

static void
remet(struct form *f, const char *code, int yes)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->a[i].code, code) == 0) {
			f->a[i].met = yes;
			return;
		}
	cr_assert_fail("no answer %s", code);
}

static void
reratio(struct form *f, const char *code, int64_t num, int64_t den)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->a[i].code, code) == 0) {
			f->a[i].num = num;
			f->a[i].den = den;
			return;
		}
	cr_assert_fail("no answer %s", code);
}

/* Score and compare total (points), achieved, band (or level). */
static void
expect(const struct criteria_set *s, int group, const struct form *f,
    double total, bool achieved, const char *band, const char *failed)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_score sc;

	cr_assert_eq(models_score(s, group, f->a, f->n, &sc, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert_eq(sc.total_x100, (int64_t)(total * 100 + 0.5),
	    "%s: total %lld, expected %.2f", s->code, (long long)sc.total_x100,
	    total);
	cr_assert_eq(sc.achieved, achieved, "%s: achieved %d at %.2f (failed %s)",
	    s->code, sc.achieved, total, sc.failed);
	cr_assert_str_eq(sc.band, band, "%s: band %s at %.2f", s->code, sc.band,
	    total);
	if (failed != NULL)
		cr_assert_str_eq(sc.failed, failed, "%s: failed \"%s\"", s->code,
		    sc.failed);
	model_score_cleanup(&sc);
}

static void
expect_level(const struct criteria_set *s, const struct form *f, int level,
    const char *failed)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_score sc;

	cr_assert_eq(models_score(s, 0, f->a, f->n, &sc, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.arg);
	cr_assert_eq(sc.level, level, "%s: level %d, expected %d (failed %s)",
	    s->code, sc.level, level, sc.failed);
	cr_assert_eq(sc.achieved, level >= 1);
	if (failed != NULL)
		cr_assert_str_eq(sc.failed, failed, "%s: failed \"%s\"", s->code,
		    sc.failed);
	model_score_cleanup(&sc);
}

static void
expect_invalid(const struct criteria_set *s, int group, const struct form *f)
{
	struct kh_err err = KH_ERR_INIT;
	struct model_score sc;

	cr_assert_eq(models_score(s, group, f->a, f->n, &sc, &err), KH_E_INVALID);
}

Test(models_score, every_shipped_set_parses_and_marks_its_hypotheses)
{
	static const char *const names[] = {"qd448-gdht", "qd448-dhht",
	    "qd448-cdht-thon", "qd448-dvht-xa", "tt22-dvht", "tt24-dvht",
	    "tt25-cdht-xa", "qd244-cdht", NULL};
	struct criteria_set s;

	for (const char *const *n = names; *n != NULL; n++) {
		load(*n, &s);
		cr_assert_str_eq(s.code, *n);
		cr_assert_eq(s.version, 1);
		/* None of them is confirmed in full (rules.md §9). */
		cr_assert_not(s.verified, "%s", *n);
		cr_assert_gt(s.n_unverified, 0, "%s", *n);
		if (strcmp(s.scale, "points") == 0)
			cr_assert_eq(s.max_total_x100, 10000, "%s: %lld", *n,
			    (long long)s.max_total_x100);
		criteria_set_cleanup(&s);
	}
	/* Values from the sources stay marked verified, guesses do not. */
	load("qd448-gdht", &s);
	cr_assert(criteria_find(&s, "A1.1")->max_verified);
	cr_assert_not(criteria_find(&s, "A2.3")->max_verified);
	cr_assert_not(criteria_find(&s, "A2.3")->verified);
	cr_assert_not(s.min_total_verified);
	criteria_set_cleanup(&s);
	load("tt22-dvht", &s);
	cr_assert(s.bands[0].verified);
	cr_assert_str_eq(s.bands[0].code, "tot");
	cr_assert_eq(s.bands[2].min_x100, 5000);
	cr_assert_not(criteria_find(&s, "U3.2")->verified);
	criteria_set_cleanup(&s);
}

/* QĐ 448 A: 30 + 30 + 20 + 20; pass 80 [GK], each criterion half [GK]. */
static void
gdht_full(struct form *f)
{
	memset(f, 0, sizeof(*f));
	pts(f, "A1.1", 10);
	pts(f, "A1.2", 10);
	pts(f, "A1.3", 10);
	pts(f, "A2.1", 10);
	pts(f, "A2.2", 10);
	pts(f, "A2.3", 10);
	pts(f, "A3.1", 5);
	pts(f, "A3.2", 5);
	pts(f, "A3.3", 5);
	pts(f, "A3.4", 5);
	pts(f, "A4.1", 10);
	pts(f, "A4.2", 10);
}

Test(models_score, family_qd448)
{
	struct criteria_set s;
	struct form f;

	load("qd448-gdht", &s);
	gdht_full(&f);
	expect(&s, 0, &f, 100, true, "", "");
	/* 30 + 30 + 10 + 10 = 80: the pass mark, every criterion at half. */
	repts(&f, "A3.1", 0);
	repts(&f, "A3.2", 0);
	repts(&f, "A4.2", 0);
	expect(&s, 0, &f, 80, true, "", "");
	/* 29 + 30 + 10 + 10 = 79: one point short. */
	repts(&f, "A1.3", 9);
	expect(&s, 0, &f, 79, false, "", "min_total");
	/* Half a point counts: 79.5 is still short. */
	repts(&f, "A1.3", 9.5);
	expect(&s, 0, &f, 79.5, false, "", "min_total");
	/* 30 + 30 + 5 + 20 = 85 but A3 is below half of 20. */
	gdht_full(&f);
	repts(&f, "A3.1", 0);
	repts(&f, "A3.2", 0);
	repts(&f, "A3.3", 0);
	expect(&s, 0, &f, 85, false, "", "A3");
	/* A family without school-age children: A1 not applicable, full 30. */
	gdht_full(&f);
	f.n = 0;
	na(&f, "A1.1");
	na(&f, "A1.2");
	na(&f, "A1.3");
	pts(&f, "A2.1", 10);
	pts(&f, "A2.2", 10);
	pts(&f, "A2.3", 5);
	pts(&f, "A3.1", 5);
	pts(&f, "A3.2", 5);
	pts(&f, "A3.3", 5);
	pts(&f, "A3.4", 0);
	pts(&f, "A4.1", 10);
	pts(&f, "A4.2", 5);
	expect(&s, 0, &f, 85, true, "", "");
	/* Bad answers, one by one. */
	f.n = 0;
	pts(&f, "A1.1", 11);
	expect_invalid(&s, 0, &f);
	f.n = 0;
	pts(&f, "A9.9", 1);
	expect_invalid(&s, 0, &f);
	f.n = 0;
	na(&f, "A2.1");
	expect_invalid(&s, 0, &f);
	f.n = 0;
	pts(&f, "A1", 10);
	expect_invalid(&s, 0, &f);
	f.n = 0;
	pts(&f, "A1.1", 10);
	pts(&f, "A1.1", 5);
	expect_invalid(&s, 0, &f);
	criteria_set_cleanup(&s);
}

/* QĐ 448 B: prerequisites B0.1 (half the families) and B0.2 (a fund);
 * 40 + 30 + 30 [GK]; pass 80, half per criterion [GK]. */
static void
dhht_full(struct form *f)
{
	memset(f, 0, sizeof(*f));
	ratio(f, "B0.1", 2, 4);
	met(f, "B0.2", 1);
	pts(f, "B1.1", 20);
	pts(f, "B1.2", 20);
	pts(f, "B2.1", 15);
	pts(f, "B2.2", 15);
	pts(f, "B3.1", 15);
	pts(f, "B3.2", 15);
}

Test(models_score, clan_qd448)
{
	struct criteria_set s;
	struct form f;

	load("qd448-dhht", &s);
	dhht_full(&f);
	expect(&s, 0, &f, 100, true, "", "");
	/* Exactly half the families: met. One of four: the prerequisite fails
	 * whatever the points. */
	reratio(&f, "B0.1", 1, 4);
	expect(&s, 0, &f, 100, false, "", "B0.1");
	/* No family recorded at all: not met (nothing to divide). */
	reratio(&f, "B0.1", 0, 0);
	expect(&s, 0, &f, 100, false, "", "B0.1");
	/* No fund. */
	dhht_full(&f);
	remet(&f, "B0.2", 0);
	expect(&s, 0, &f, 100, false, "", "B0.2");
	/* 20 + 30 + 30 = 80 at the edge, B1 at exactly half. */
	dhht_full(&f);
	repts(&f, "B1.2", 0);
	expect(&s, 0, &f, 80, true, "", "");
	/* 19 + 30 + 30 = 79: short, and B1 below half. */
	repts(&f, "B1.1", 19);
	expect(&s, 0, &f, 79, false, "", "B1, min_total");
	criteria_set_cleanup(&s);
}

/* QĐ 448 C (all [GK]): C1.1 families >= 60 % (20, required), C1.2 citizens
 * >= 40 % (10), C1.3 10; C2 3 x 10; C3.1 15 (met), C3.2 15. */
static void
cdht_full(struct form *f)
{
	memset(f, 0, sizeof(*f));
	ratio(f, "C1.1", 60, 100);
	ratio(f, "C1.2", 40, 100);
	pts(f, "C1.3", 10);
	pts(f, "C2.1", 10);
	pts(f, "C2.2", 10);
	pts(f, "C2.3", 10);
	met(f, "C3.1", 1);
	pts(f, "C3.2", 15);
}

Test(models_score, village_community_qd448)
{
	struct criteria_set s;
	struct form f;

	load("qd448-cdht-thon", &s);
	cdht_full(&f);
	expect(&s, 0, &f, 100, true, "", "");
	/* 59 % of households: the required share fails. */
	reratio(&f, "C1.1", 59, 100);
	expect(&s, 0, &f, 80, false, "", "C1.1");
	/* 30 (C1.2 at 39 %) + 20 + 30 = 80. */
	cdht_full(&f);
	reratio(&f, "C1.2", 39, 100);
	repts(&f, "C2.3", 0);
	expect(&s, 0, &f, 80, true, "", "");
	/* Without the cultural title: 30 + 20 + 15 = 65. */
	remet(&f, "C3.1", 0);
	expect(&s, 0, &f, 65, false, "", "min_total");
	criteria_set_cleanup(&s);
}

/* TT 22/2020 bands Tốt >= 85, Khá >= 70, Trung bình >= 50 (S19); the
 * commune-level QĐ 448 set copies them as hypotheses. */
static void
dvht_full(struct form *f, const char *p)
{
	static char codes[10][8];
	static const char *const sfx[] = {"1.1", "1.2", "1.3", "2.1", "2.2",
	    "2.3", "2.4", "3.2"};
	static const double max[] = {10, 10, 10, 10, 5, 10, 5, 15};

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 8; i++) {
		snprintf(codes[i], sizeof(codes[i]), "%s%s", p, sfx[i]);
		pts(f, codes[i], max[i]);
	}
	snprintf(codes[8], sizeof(codes[8]), "%s3.1", p);
	ratio(f, codes[8], 40, 40);
}

static void
dvht_bands(const char *name, const char *p)
{
	struct criteria_set s;
	struct form f;
	char c11[8], c12[8], c31[8], c32[8];

	snprintf(c11, sizeof(c11), "%s1.1", p);
	snprintf(c12, sizeof(c12), "%s1.2", p);
	snprintf(c31, sizeof(c31), "%s3.1", p);
	snprintf(c32, sizeof(c32), "%s3.2", p);
	load(name, &s);
	dvht_full(&f, p);
	expect(&s, 0, &f, 100, true, "tot", "");
	/* 85: U3.2 gives nothing. */
	repts(&f, c32, 0);
	expect(&s, 0, &f, 85, true, "tot", "");
	/* 84. */
	repts(&f, c11, 9);
	expect(&s, 0, &f, 84, true, "kha", "");
	/* 39 of 40 members recognised: U3.1 is all or nothing (100 %): 60 + 10. */
	dvht_full(&f, p);
	reratio(&f, c31, 39, 40);
	repts(&f, c32, 10);
	expect(&s, 0, &f, 70, true, "kha", "");
	repts(&f, c32, 9);
	expect(&s, 0, &f, 69, true, "tb", "");
	/* 50: without U1.1 and U3.2. */
	repts(&f, c32, 0);
	repts(&f, c11, 0);
	expect(&s, 0, &f, 50, true, "tb", "");
	/* 49: below every band. */
	repts(&f, c12, 9);
	expect(&s, 0, &f, 49, false, "", "bands");
	criteria_set_cleanup(&s);
}

Test(models_score, learning_unit_tt22_and_commune_level)
{
	dvht_bands("tt22-dvht", "U");
	dvht_bands("qd448-dvht-xa", "U");
}

/* TT 24/2023, levels 1-2: members recognised >= 90 % (L1), >= 95 % (L2). */
static void
tt24_all(struct form *f)
{
	static const char *const conds[] = {"V1.1", "V1.2", "V1.3", "V2.1",
	    "V2.2", "V3.3", "V3.4a", "V3.4b", NULL};

	memset(f, 0, sizeof(*f));
	for (const char *const *c = conds; *c != NULL; c++)
		met(f, *c, 1);
	na(f, "V3.2a");
	na(f, "V3.2b");
	na(f, "V3.5");
	na(f, "V3.6");
	ratio(f, "V3.1", 95, 100);
}

Test(models_score, learning_unit_tt24_levels)
{
	struct criteria_set s;
	struct form f;

	load("tt24-dvht", &s);
	tt24_all(&f);
	expect_level(&s, &f, 2, "");
	reratio(&f, "V3.1", 94, 100);
	expect_level(&s, &f, 1, "V3.1");
	reratio(&f, "V3.1", 90, 100);
	expect_level(&s, &f, 1, "V3.1");
	reratio(&f, "V3.1", 89, 100);
	expect_level(&s, &f, 0, "V3.1");
	/* The level-2 title missing keeps the unit at level 1. */
	tt24_all(&f);
	remet(&f, "V3.4b", 0);
	expect_level(&s, &f, 1, "V3.4b");
	/* A condition of level 1 missing: no level. */
	tt24_all(&f);
	remet(&f, "V1.1", 0);
	expect_level(&s, &f, 0, "V1.1");
	/* Not applicable only where the circular allows it. */
	f.n = 0;
	na(&f, "V1.1");
	expect_invalid(&s, 0, &f);
	criteria_set_cleanup(&s);
}

/* TT 25/2023 commune community, levels 1-3; X4 from level 2 [GK]. */
static void
tt25_all(struct form *f)
{
	static const char *const conds[] = {"X1.1", "X1.2", "X1.3", "X2.1",
	    "X2.2", "X2.3", "X3.1", "X3.2", "X3.3", "X4.3", NULL};

	memset(f, 0, sizeof(*f));
	for (const char *const *c = conds; *c != NULL; c++)
		met(f, *c, 1);
	ratio(f, "X4.1", 70, 100);
	ratio(f, "X4.2", 60, 100);
}

Test(models_score, commune_community_tt25_levels)
{
	struct criteria_set s;
	struct form f;

	load("tt25-cdht-xa", &s);
	tt25_all(&f);
	expect_level(&s, &f, 3, "");
	reratio(&f, "X4.1", 69, 100);
	expect_level(&s, &f, 2, "X4.1");
	reratio(&f, "X4.1", 60, 100);
	reratio(&f, "X4.2", 40, 100);
	expect_level(&s, &f, 2, "X4.1, X4.2");
	reratio(&f, "X4.2", 39, 100);
	expect_level(&s, &f, 1, "X4.2");
	/* Level 1 needs only X1-X3. */
	remet(&f, "X4.3", 0);
	reratio(&f, "X4.1", 0, 100);
	expect_level(&s, &f, 1, "X4.1, X4.2, X4.3");
	remet(&f, "X2.2", 0);
	expect_level(&s, &f, 0, "X2.2");
	criteria_set_cleanup(&s);
}

/* Learning citizen: 40 + 30 + 30, N1.4a for groups 1-3, N1.4b for group 4;
 * pass 50 [GK]. */
static void
cdht_citizen(struct form *f, double each)
{
	static const char *const codes[] = {"N1.1", "N1.2", "N1.3", "N1.4a",
	    "N1.4b", "N2.1", "N2.2", "N2.3", "N3.1", "N3.2", "N3.3", NULL};

	memset(f, 0, sizeof(*f));
	for (const char *const *c = codes; *c != NULL; c++)
		pts(f, *c, each);
}

Test(models_score, learning_citizen_forms)
{
	struct criteria_set s;
	struct form f;

	load("qd244-cdht", &s);
	cr_assert_eq(s.n_groups, 4);
	cr_assert_not(s.groups[3].verified);	/* pupils and students [GK] */
	cdht_citizen(&f, 10);
	/* Each form has 10 indicators: the other group's N1.4 is ignored. */
	expect(&s, 1, &f, 100, true, "", "");
	expect(&s, 4, &f, 100, true, "", "");
	cdht_citizen(&f, 5);
	expect(&s, 2, &f, 50, true, "", "");
	repts(&f, "N3.3", 4);
	expect(&s, 3, &f, 49, false, "", "min_total");
	/* Group 4's own indicator decides for group 4 only. */
	cdht_citizen(&f, 5);
	repts(&f, "N1.4b", 0);
	expect(&s, 1, &f, 50, true, "", "");
	expect(&s, 4, &f, 45, false, "", "min_total");
	/* A group the set does not know. */
	expect_invalid(&s, 5, &f);
	expect_invalid(&s, 0, &f);
	criteria_set_cleanup(&s);
}

Test(models_score, points_print_exactly)
{
	char out[32];

	models_points_str(8550, out, sizeof(out));
	cr_assert_str_eq(out, "85.5");
	models_points_str(8000, out, sizeof(out));
	cr_assert_str_eq(out, "80");
	models_points_str(7925, out, sizeof(out));
	cr_assert_str_eq(out, "79.25");
	models_points_str(-50, out, sizeof(out));
	cr_assert_str_eq(out, "-0.5");
}
