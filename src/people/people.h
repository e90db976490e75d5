/*
 * people.h - the people registry: citizens, households and clans.
 *
 * A person lives in a unit (a village or residential group, or a commune),
 * may belong to a household (with a relationship to its head), and is known
 * by a CCCD/CMND number when one is recorded. Lists of people are sorted the
 * Vietnamese way (given name, then middle names, then family name: the sort
 * key of vn_name_sort_key) and searchable without diacritics.
 *
 * Personal data (Decree 13/2023/NĐ-CP, Law 91/2025/QH15): ethnicity and
 * religion are not collected; CCCD numbers are shown whole only to roles that
 * record them (officer and above) and masked for viewers and on public
 * pages; consents and data-subject requests are recorded; every change is
 * audited. All calls check the actor's scope.
 */
#ifndef KH_PEOPLE_PEOPLE_H
#define KH_PEOPLE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

#define PEOPLE_NAME_MAX 120

struct person {
	int64_t id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	int64_t household_id;	/* 0 when none */
	char *household_code;	/* "" when none */
	char *relation;		/* relationship to the head: "Chủ hộ", "Vợ", ... */
	int is_head;
	char *full_name;
	char *birth_date;	/* ISO, or NULL */
	int birth_year_only;	/* only the year is known */
	char sex;		/* 'M', 'F' or 0 */
	char *id_number;	/* CCCD/CMND, or NULL */
	char *phone;
	int subject_group;	/* learning-citizen group 1-4, or 0 */
};

struct person_list {
	struct person *items;
	size_t n, cap;
	int64_t total;		/* matching rows in all (for paging) */
};

void person_cleanup(struct person *p);
void person_list_cleanup(struct person_list *l);

/* What a person record is made from (typed in a form or read from a file). */
struct person_input {
	const char *full_name;		/* required */
	const char *birth_date;		/* ISO date, or NULL */
	int birth_year_only;
	char sex;			/* 'M', 'F' or 0 */
	const char *id_number;		/* 9 or 12 digits, or NULL */
	const char *phone;
	const char *relation;
	int is_head;
	const char *household_code;	/* created in the unit when new; or NULL */
	int subject_group;		/* 0-4 */
};

/*
 * Create a person living in unit_id (officer and above, in scope). A CCCD
 * already recorded is KH_E_CONFLICT naming the number. Audited.
 */
int people_create(struct db *db, const struct actor *a, int64_t unit_id,
    const struct person_input *in, int64_t *id_out, struct kh_err *err);

/* Change a person's record (fields of in that are NULL keep their value). */
int people_update(struct db *db, const struct actor *a, int64_t id,
    const struct person_input *in, struct kh_err *err);

int people_get(struct db *db, const struct actor *a, int64_t id,
    struct person *out, struct kh_err *err);

struct people_query {
	int64_t unit_id;	/* the subtree to list */
	const char *q;		/* name search without diacritics, or NULL */
	int64_t household_id;	/* only this household, or 0 */
	int limit;		/* page size (default 50, max 1000) */
	int offset;
};

/* People of a subtree in Vietnamese name order. */
int people_list(struct db *db, const struct actor *a,
    const struct people_query *q, struct person_list *out, struct kh_err *err);

/*
 * The id number as the actor may see it: whole for officers and above,
 * otherwise all but the last three digits masked ("*********012").
 */
void people_id_display(const struct actor *a, const char *id_number,
    char *out, size_t outsz);

/* Find or create the household `code` in unit_id; *id receives it. */
int people_household(struct db *db, const struct actor *a, int64_t unit_id,
    const char *code, int64_t *id, struct kh_err *err);

/* Record consent to processing for a purpose, given through a channel
 * ("paper form", "public page", ...). Audited. */
int people_consent(struct db *db, const struct actor *a, int64_t person_id,
    const char *purpose, const char *channel, struct kh_err *err);

/* Counts for a subtree: people, households, clans. */
struct people_counts {
	int64_t people, households, clans;
};
int people_count(struct db *db, const struct actor *a, int64_t unit_id,
    struct people_counts *out, struct kh_err *err);

/* ---- Households and clans ---- */

struct household {
	int64_t id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *code;		/* the household number in its village */
	char *head_name;	/* the member marked head, or "" */
	int64_t members;
};

struct household_list {
	struct household *items;
	size_t n, cap;
	int64_t total;		/* matching rows in all (for paging) */
};

void household_list_cleanup(struct household_list *l);

/*
 * Households of a subtree, by unit then household number (numbers compared
 * as numbers: "2" before "10"); q, when given, matches the household number
 * or the head's name without diacritics. Readers in scope.
 */
int people_households(struct db *db, const struct actor *a, int64_t unit_id,
    const char *q, int limit, int offset, struct household_list *out,
    struct kh_err *err);

/*
 * A clan (dòng họ) is one branch of a lineage living in one commune: its
 * unit is the commune (or a unit under it), its members are households of
 * that commune. Rule 2.2 of the domain rules (QĐ 448) counts a clan's
 * recognised learning families among these member households.
 */
struct clan {
	int64_t id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *name;		/* "Họ Nguyễn" */
	char *branch;		/* "Chi 2", or "" */
	int64_t head_person_id;	/* the clan head (trưởng họ), or 0 */
	char *head_name;	/* or "" */
	int64_t households;	/* member households */
};

struct clan_list {
	struct clan *items;
	size_t n, cap;
};

void clan_cleanup(struct clan *c);
void clan_list_cleanup(struct clan_list *l);

/*
 * Create a clan in unit_id (officer+ in scope). The name is required
 * (1..PEOPLE_NAME_MAX characters); (unit, name, branch) is unique:
 * KH_E_CONFLICT otherwise. The head, when given, must live in the clan's
 * commune. Audited.
 */
int people_clan_create(struct db *db, const struct actor *a, int64_t unit_id,
    const char *name, const char *branch, int64_t head_person_id,
    int64_t *id, struct kh_err *err);

int people_clan_get(struct db *db, const struct actor *a, int64_t id,
    struct clan *out, struct kh_err *err);

/* Clans of a subtree in Vietnamese name order. */
int people_clans(struct db *db, const struct actor *a, int64_t unit_id,
    struct clan_list *out, struct kh_err *err);

/*
 * Add (add = 1) or remove (add = 0) member households. Every household must
 * lie in the clan's commune (KH_E_INVALID naming it otherwise); adding a
 * member already there or removing one that is not changes nothing. All or
 * none. Audited.
 */
int people_clan_members(struct db *db, const struct actor *a, int64_t clan_id,
    const int64_t *household_ids, size_t n, int add, struct kh_err *err);

/* Member households of a clan, in the order of people_households. */
int people_clan_households(struct db *db, const struct actor *a,
    int64_t clan_id, struct household_list *out, struct kh_err *err);

#endif
