/*
 * demo_models.h - the learning-models part of `khuyenhoc demo`: clans of the
 * demo communes and four years (2023 to 2026) of the yearly cycle, made
 * through the models and people APIs like an officer would.
 */
#ifndef KH_CLI_DEMO_MODELS_H
#define KH_CLI_DEMO_MODELS_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

/* The year the demo leaves open (registered, assessed, nothing recognised). */
#define DEMO_OPEN_YEAR 2026

struct demo_models_stats {
	int clans;		/* clans created */
	int registrations;	/* registrations created */
	int decisions;		/* recognition decisions recorded */
};

/*
 * Clans with member households in the demo communes, then for each year
 * from 2023 to DEMO_OPEN_YEAR and each demo commune without registrations
 * that year: families, citizens of the four subject groups, clans, villages
 * and schools registered, self-assessed with points drawn from a fixed seed,
 * verified (a few scores changed with a reason), proposed when they reach
 * the standard and recognised by the commune's decisions in December;
 * DEMO_OPEN_YEAR stops part-way. Families and citizens are recognised before
 * clans, villages and schools are assessed, because those take their ratios
 * from the year's recognised families and citizens.
 *
 * Idempotent: a commune's year is made in one transaction, and a year that
 * has registrations is left alone. The demo villages, schools and residents
 * must exist (cmd_demo makes them first). Counts of what was added go to
 * *stats.
 */
int demo_models(struct db *db, const struct actor *sys,
    struct demo_models_stats *stats, struct kh_err *err);

#endif
