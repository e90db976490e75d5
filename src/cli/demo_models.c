/*
 * demo_models.c - four years of the learning-models cycle in the demo
 * communes (see demo_models.h).
 *
 * Everything goes through models.h and people.h as the system actor, so the
 * demo holds exactly what the pages would have produced: audit entries,
 * transition histories, computed ratios, certificate numbers.
 *
 * Where past years are recorded: a family, clan or village is registered in
 * the unit it belongs to (models_register takes the subject's own unit; only
 * a citizen may be registered through another unit), and a decision only
 * recognises registrations of the issuing unit's subtree. The demo villages
 * and schools exist in today's wards only (they were created under the
 * communes formed on 1 July 2025), so the 2023 and 2024 registrations are
 * recorded under today's Phường Lê Chân and Phường Hồng Bàng, and their
 * decisions are issued in the name of today's people's committees. Real data
 * of those years would sit under the old wards' own villages.
 *
 * Every action is done today, so the histories of past years carry today's
 * dates and are flagged late against the year's deadlines: the demo shows
 * the figures of past years, not their calendar.
 */
#include "cli/demo_models.h"
#include "core/buf.h"
#include "models/models.h"
#include "people/people.h"
#include "units/units.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_FIRST_YEAR 2023
#define DEMO_MAX_REGS 2048

struct demo_commune {
	const char *code;		/* today's ward */
	const char *committee;		/* issuing body of its decisions */
	const char *chair;		/* made-up chairman who signs them */
	const char *villages[3];	/* community registrations */
	const char *schools[3];		/* learning units; citizens' schools */
	int first_number;		/* decisions numbered from here each year */
};

static const struct demo_commune demo_communes[] = {
	{"11383", "Ủy ban nhân dân phường Lê Chân", "Đỗ Mạnh Hùng",
	    {"11383-TDP05", "11383-TDP12", NULL},
	    {"11383-THHK", "11383-THCSLC", NULL}, 212},
	{"11311", "Ủy ban nhân dân phường Hồng Bàng", "Hoàng Văn Tiến",
	    {"11311-TDP03", NULL, NULL}, {"11311-THMK", NULL, NULL}, 148},
};

struct demo_clan {
	const char *commune, *name, *branch;
	const char *family;	/* households whose head bears this name join */
};

static const struct demo_clan demo_clans[] = {
	{"11383", "Họ Nguyễn", "Chi 1", "Nguyễn"},
	{"11383", "Họ Trần", "", "Trần"},
	{"11311", "Họ Vũ Đình", "", "Vũ"},
	{"11311", "Họ Phạm", "", "Phạm"},
};

/* Reasons a verifier gives when changing a self-assessed score. */
static const char *const demo_reasons[] = {
	"Chưa có minh chứng đầy đủ (giấy chứng nhận hoàn thành khóa học)",
	"Ban khuyến học tổ dân phố kiểm tra thực tế, điều chỉnh điểm",
};

/* The demo's own sequence: a commune's year comes out the same whichever
 * other parts of the demo ran before it. */
static uint32_t dm_seed;

static uint32_t
dm_rand(void)
{
	dm_seed = dm_seed * 1664525u + 1013904223u;
	return dm_seed >> 8;
}

/* Criteria sets met so far, by id (a handful: one per model). */
struct dm_sets {
	struct criteria_set items[8];
	size_t n;
};

static int
dm_set(struct db *db, const struct actor *sys, struct dm_sets *c,
    int64_t set_id, const struct criteria_set **out, struct kh_err *err)
{
	int rc;

	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].id == set_id) {
			*out = &c->items[i];
			return 0;
		}
	if (c->n == sizeof(c->items) / sizeof(c->items[0]))
		return kh_fail(err, KH_E_INVALID, N_("Too many criteria sets."),
		    NULL);
	rc = models_set_get_id(db, sys, set_id, &c->items[c->n], err);
	if (rc == 0)
		*out = &c->items[c->n++];
	return rc;
}

/* One year of one commune: the registrations made, by model. */
struct dm_year {
	const struct demo_commune *c;
	int64_t commune_id;
	int year;
	int64_t first[DEMO_MAX_REGS];	/* families and citizens */
	size_t n_first;
	int64_t second[64];		/* clans, villages, schools */
	size_t n_second;
	int changes;			/* verifications with a changed score */
};

static int
dm_register(struct db *db, const struct actor *sys, struct dm_year *y,
    const char *model, int64_t subject, int64_t unit, int group,
    struct demo_models_stats *st, struct kh_err *err)
{
	struct model_reg_input in;
	int64_t id = 0;
	bool first = strcmp(model, MODEL_FAMILY) == 0 ||
	    strcmp(model, MODEL_CITIZEN) == 0;
	int rc;

	if ((first && y->n_first == DEMO_MAX_REGS) ||
	    (!first && y->n_second == sizeof(y->second) / sizeof(y->second[0])))
		return 0;
	memset(&in, 0, sizeof(in));
	in.model = model;
	in.year = y->year;
	in.subject_id = subject;
	in.unit_id = unit;
	in.subject_group = group;
	rc = models_register(db, sys, &in, &id, err);
	if (rc != 0)
		return rc;
	st->registrations++;
	if (first)
		y->first[y->n_first++] = id;
	else
		y->second[y->n_second++] = id;
	return 0;
}

/*
 * Answers for every indicator of the set: most subjects score 80 to 100 %
 * of each indicator's points and meet nearly every condition; about one in
 * fifteen is weak and usually falls short of the standard.
 */
static int
dm_self_assess(struct db *db, const struct actor *sys, struct dm_sets *sets,
    int64_t reg_id, struct kh_err *err)
{
	struct model_registration r;
	const struct criteria_set *s = NULL;
	struct model_answer *ans;
	size_t n = 0;
	bool weak = dm_rand() % 15 == 0;
	int rc;

	rc = models_get(db, sys, reg_id, &r, err);
	if (rc != 0)
		return rc;
	rc = dm_set(db, sys, sets, r.set_id, &s, err);
	model_registration_cleanup(&r);
	if (rc != 0)
		return rc;
	ans = xcalloc(s->n_items + 1, sizeof(*ans));
	for (size_t i = 0; i < s->n_items; i++) {
		const struct criteria_item *it = &s->items[i];
		struct model_answer *a = &ans[n];
		int pct = weak ? 35 + (int)(dm_rand() % 40) :
		    80 + (int)(dm_rand() % 21);

		if (strcmp(it->kind, CRIT_POINTS) == 0) {
			/* Whole points, as a board scores on paper. */
			a->value_x100 = it->max_x100 * pct / 10000 * 100;
		} else if (strcmp(it->kind, CRIT_BOOL) == 0 ||
		    strcmp(it->kind, CRIT_LEVEL) == 0)
			a->met = (int)(dm_rand() % 100) < (weak ? 60 : 99);
		else
			continue;	/* criteria; ratios are computed */
		a->code = it->code;
		n++;
	}
	rc = models_self_assess(db, sys, reg_id, ans, n, NULL, err);
	free(ans);
	return rc;
}

/*
 * Verify; the first two registrations of a year that have a points
 * indicator get it lowered by the board, with the reason written down.
 */
static int
dm_verify(struct db *db, const struct actor *sys, struct dm_sets *sets,
    struct dm_year *y, int64_t reg_id, struct kh_err *err)
{
	struct model_registration r;
	const struct criteria_set *s = NULL;
	struct model_change ch;
	size_t n = 0;
	int rc;

	memset(&ch, 0, sizeof(ch));
	if (y->changes < 2) {
		rc = models_get(db, sys, reg_id, &r, err);
		if (rc != 0)
			return rc;
		rc = dm_set(db, sys, sets, r.set_id, &s, err);
		model_registration_cleanup(&r);
		if (rc != 0)
			return rc;
		for (size_t i = 0; n == 0 && i < s->n_items; i++) {
			const struct criteria_item *it = &s->items[i];

			if (strcmp(it->kind, CRIT_POINTS) != 0 ||
			    it->max_x100 < 400)
				continue;
			ch.code = it->code;
			ch.value_x100 = it->max_x100 / 200 * 100;
			ch.reason = demo_reasons[y->changes];
			n = 1;
		}
		y->changes += (int)n;
	}
	return models_verify(db, sys, reg_id, n > 0 ? &ch : NULL, n, NULL, err);
}

/* Propose the registrations of ids[] that reached the standard; the
 * proposed ones of `model` are kept in out[]. */
static int
dm_propose(struct db *db, const struct actor *sys, const int64_t *ids,
    size_t n, const char *model, int64_t *out, size_t *n_out,
    struct kh_err *err)
{
	int rc = 0;

	*n_out = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct model_registration r;
		bool ok;

		rc = models_get(db, sys, ids[i], &r, err);
		if (rc != 0)
			break;
		ok = strcmp(r.model, model) == 0 &&
		    strcmp(r.state, REG_VERIFIED) == 0 && r.achieved;
		model_registration_cleanup(&r);
		if (!ok)
			continue;
		rc = models_propose(db, sys, ids[i], "Đề nghị công nhận", err);
		if (rc == 0)
			out[(*n_out)++] = ids[i];
	}
	return rc;
}

/* Propose and recognise, by one decision of the commune, the achieved
 * registrations of one model. */
static int
dm_recognise(struct db *db, const struct actor *sys, struct dm_year *y,
    const int64_t *ids, size_t n, const char *model, int number, int day,
    struct demo_models_stats *st, struct kh_err *err)
{
	struct model_decision_input in;
	int64_t *prop = xcalloc(n + 1, sizeof(*prop));
	char num[32], date[16];
	size_t np = 0;
	int rc;

	rc = dm_propose(db, sys, ids, n, model, prop, &np, err);
	if (rc == 0 && np > 0) {
		snprintf(num, sizeof(num), "%d/QĐ-UBND", number);
		snprintf(date, sizeof(date), "%04d-12-%02d", y->year, day);
		memset(&in, 0, sizeof(in));
		in.unit_id = y->commune_id;
		in.model = model;
		in.year = y->year;
		in.number = num;
		in.decided_on = date;
		in.signer = y->c->chair;
		in.signer_title = "Chủ tịch UBND";
		in.issuing_body = y->c->committee;
		rc = models_decision_create(db, sys, &in, prop, np, NULL, err);
		if (rc == 0)
			st->decisions++;
	}
	free(prop);
	return rc;
}

/* Subject group of a citizen of `age`: pupils and students are group 4;
 * adults of this urban ward are mostly workers and officials. */
static int
dm_group(int age)
{
	uint32_t r = dm_rand() % 100;

	if (age <= 22)
		return 4;
	return r < 10 ? 1 : r < 55 ? 2 : 3;
}

static int
dm_unit_id(struct db *db, const struct actor *sys, const char *code,
    int64_t *id, struct kh_err *err)
{
	struct unit u = UNIT_INIT;
	int rc = units_find(db, sys, code, NULL, &u, err);

	*id = u.id;
	unit_cleanup(&u);
	return rc;
}

/* Register the year's subjects of a commune. */
static int
dm_register_all(struct db *db, const struct actor *sys, struct dm_year *y,
    struct demo_models_stats *st, struct kh_err *err)
{
	struct household_list hl;
	struct person_list pl;
	struct people_query q;
	struct clan_list cl;
	int64_t school[3] = {0, 0, 0}, uid;
	int n_school = 0, rc;

	for (int i = 0; i < 3 && y->c->schools[i] != NULL; i++) {
		rc = dm_unit_id(db, sys, y->c->schools[i], &school[i], err);
		if (rc != 0)
			return rc;
		n_school++;
	}
	/* Families: most households of the wards' residential groups. */
	rc = people_households(db, sys, y->commune_id, NULL, 1000, 0, &hl, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < hl.n; i++)
		if (dm_rand() % 100 < 92)
			rc = dm_register(db, sys, y, MODEL_FAMILY, hl.items[i].id,
			    0, 0, st, err);
	household_list_cleanup(&hl);
	if (rc != 0)
		return rc;
	/* Citizens: about a third of the residents aged 6 and over; a
	 * schoolchild now and then through their school. */
	memset(&q, 0, sizeof(q));
	q.unit_id = y->commune_id;
	q.limit = 1000;
	rc = people_list(db, sys, &q, &pl, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < pl.n; i++) {
		const struct person *p = &pl.items[i];
		int age = p->birth_date != NULL ? y->year - atoi(p->birth_date) : 40;
		int group;

		if (age < 6 || dm_rand() % 100 >= 35)
			continue;
		group = dm_group(age);
		uid = 0;
		if (group == 4 && age <= 15 && n_school > 0 && dm_rand() % 2 == 0)
			uid = school[dm_rand() % (uint32_t)n_school];
		rc = dm_register(db, sys, y, MODEL_CITIZEN, p->id, uid, group, st,
		    err);
	}
	person_list_cleanup(&pl);
	if (rc != 0)
		return rc;
	/* Clans, residential groups and schools. */
	rc = people_clans(db, sys, y->commune_id, &cl, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < cl.n; i++)
		rc = dm_register(db, sys, y, MODEL_CLAN, cl.items[i].id, 0, 0, st,
		    err);
	clan_list_cleanup(&cl);
	for (int i = 0; rc == 0 && i < 3 && y->c->villages[i] != NULL; i++) {
		rc = dm_unit_id(db, sys, y->c->villages[i], &uid, err);
		if (rc == 0)
			rc = dm_register(db, sys, y, MODEL_COMMUNITY, uid, 0, 0,
			    st, err);
	}
	for (int i = 0; rc == 0 && i < n_school; i++)
		rc = dm_register(db, sys, y, MODEL_UNIT, school[i], 0, 0, st, err);
	return rc;
}

/*
 * Take registrations through the cycle. A past year: every registration is
 * self-assessed and verified. The open year: about two thirds are
 * self-assessed, half of those verified, and a few of those proposed,
 * so that the officers of the demo have work at every step.
 */
static int
dm_assess(struct db *db, const struct actor *sys, struct dm_sets *sets,
    struct dm_year *y, const int64_t *ids, size_t n, struct kh_err *err)
{
	bool open = y->year >= DEMO_OPEN_YEAR;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (open && dm_rand() % 3 == 0)
			continue;
		rc = dm_self_assess(db, sys, sets, ids[i], err);
		if (rc != 0 || (open && dm_rand() % 2 == 0))
			continue;
		rc = dm_verify(db, sys, sets, y, ids[i], err);
		if (rc == 0 && open && dm_rand() % 4 == 0) {
			struct model_registration r;
			bool ok;

			rc = models_get(db, sys, ids[i], &r, err);
			if (rc != 0)
				break;
			ok = r.achieved;
			model_registration_cleanup(&r);
			if (ok)
				rc = models_propose(db, sys, ids[i],
				    "Đề nghị công nhận", err);
		}
	}
	return rc;
}

static int
dm_year_run(struct db *db, const struct actor *sys, struct dm_sets *sets,
    struct dm_year *y, struct demo_models_stats *st, struct kh_err *err)
{
	static const char *const second_models[] = {MODEL_CLAN,
	    MODEL_COMMUNITY, MODEL_UNIT};
	int rc = dm_register_all(db, sys, y, st, err);

	/* Families and citizens first: the ratios of clans, villages and
	 * schools count the families and citizens recognised that year. */
	if (rc == 0)
		rc = dm_assess(db, sys, sets, y, y->first, y->n_first, err);
	if (rc == 0 && y->year < DEMO_OPEN_YEAR)
		rc = dm_recognise(db, sys, y, y->first, y->n_first, MODEL_FAMILY,
		    y->c->first_number, 15, st, err);
	if (rc == 0 && y->year < DEMO_OPEN_YEAR)
		rc = dm_recognise(db, sys, y, y->first, y->n_first, MODEL_CITIZEN,
		    y->c->first_number + 1, 15, st, err);
	if (rc == 0)
		rc = dm_assess(db, sys, sets, y, y->second, y->n_second, err);
	for (int m = 0; rc == 0 && y->year < DEMO_OPEN_YEAR && m < 3; m++)
		rc = dm_recognise(db, sys, y, y->second, y->n_second,
		    second_models[m], y->c->first_number + 2 + m, 26, st, err);
	return rc;
}

/* Clans of the demo communes, their member households (by the head's family
 * name) and head (the head of the first member household). */
static int
dm_clans(struct db *db, const struct actor *sys, struct demo_models_stats *st,
    struct kh_err *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(demo_clans) /
	    sizeof(demo_clans[0]); i++) {
		const struct demo_clan *d = &demo_clans[i];
		struct household_list hl;
		struct person_list pl;
		struct people_query q;
		int64_t commune, head = 0, clan = 0, *members;
		size_t n = 0, flen = strlen(d->family);

		rc = dm_unit_id(db, sys, d->commune, &commune, err);
		if (rc == 0)
			rc = people_households(db, sys, commune, NULL, 1000, 0, &hl,
			    err);
		if (rc != 0)
			break;
		members = xcalloc(hl.n + 1, sizeof(*members));
		for (size_t h = 0; h < hl.n; h++)
			if (strncmp(hl.items[h].head_name, d->family, flen) == 0 &&
			    hl.items[h].head_name[flen] == ' ')
				members[n++] = hl.items[h].id;
		if (n > 0) {
			memset(&q, 0, sizeof(q));
			q.unit_id = commune;
			q.household_id = members[0];
			rc = people_list(db, sys, &q, &pl, err);
			for (size_t p = 0; rc == 0 && p < pl.n; p++)
				if (pl.items[p].is_head)
					head = pl.items[p].id;
			if (rc == 0)
				person_list_cleanup(&pl);
		}
		if (rc == 0) {
			rc = people_clan_create(db, sys, commune, d->name, d->branch,
			    head, &clan, err);
			if (rc == 0)
				st->clans++;
			else if (rc == KH_E_CONFLICT) {
				/* Made by an earlier run: its members are
				 * added again, which changes nothing. */
				struct clan_list cl;

				kh_err_clear(err);
				rc = people_clans(db, sys, commune, &cl, err);
				for (size_t c = 0; rc == 0 && c < cl.n; c++)
					if (strcmp(cl.items[c].name, d->name) == 0 &&
					    strcmp(cl.items[c].branch, d->branch) == 0)
						clan = cl.items[c].id;
				if (rc == 0)
					clan_list_cleanup(&cl);
			}
		}
		if (rc == 0 && clan > 0 && n > 0)
			rc = people_clan_members(db, sys, clan, members, n, 1, err);
		free(members);
		household_list_cleanup(&hl);
	}
	return rc;
}

int
demo_models(struct db *db, const struct actor *sys,
    struct demo_models_stats *st, struct kh_err *err)
{
	struct dm_sets sets;
	struct dm_year *y;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&sets, 0, sizeof(sets));
	y = xcalloc(1, sizeof(*y));
	rc = dm_clans(db, sys, st, err);
	for (int year = DEMO_FIRST_YEAR; rc == 0 && year <= DEMO_OPEN_YEAR;
	    year++)
		for (size_t c = 0; rc == 0 && c < sizeof(demo_communes) /
		    sizeof(demo_communes[0]); c++) {
			struct model_query q;
			struct model_reg_list l;

			memset(y, 0, sizeof(*y));
			y->c = &demo_communes[c];
			y->year = year;
			rc = dm_unit_id(db, sys, y->c->code, &y->commune_id, err);
			if (rc != 0)
				break;
			memset(&q, 0, sizeof(q));
			q.unit_id = y->commune_id;
			q.year = year;
			q.limit = 1;
			rc = models_list(db, sys, &q, &l, err);
			if (rc != 0)
				break;
			if (l.total > 0) {	/* made by an earlier run */
				model_reg_list_cleanup(&l);
				continue;
			}
			model_reg_list_cleanup(&l);
			dm_seed = (uint32_t)year * 7919u + (uint32_t)c * 104729u;
			rc = db_begin(db, err);
			if (rc != 0)
				break;
			rc = dm_year_run(db, sys, &sets, y, st, err);
			if (rc == 0)
				rc = db_commit(db, err);
			else
				db_rollback(db);
		}
	for (size_t i = 0; i < sets.n; i++)
		criteria_set_cleanup(&sets.items[i]);
	free(y);
	return rc;
}
