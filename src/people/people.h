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

#endif
