/*
 * units.h - administrative units and organisations, and their hierarchy over
 * time.
 *
 * One table holds the country, provinces, districts and communes of both
 * structures (before and after 1 July 2025) and the organisations that live
 * under them. A code names a unit at a date: "10507" on 2025-06-30 is the old
 * Phường Cẩm Thượng, from 2025-07-01 the new Phường Thành Đông. Lookups take a
 * date; NULL means today, and when no unit with the code exists today the
 * most recent one is returned (so an old commune's page still opens).
 *
 * Subtree questions use the closure table unit_tree. Every call takes the
 * acting user and refuses units outside their scope (auth.h).
 */
#ifndef KH_UNITS_UNITS_H
#define KH_UNITS_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

/* The date the two-level structure took effect. */
#define UNITS_NEW_STRUCTURE_FROM "2025-07-01"
#define UNITS_OLD_STRUCTURE_TO "2025-06-30"

/*
 * valid_from of units in force "since before the records" (the country and
 * the old structure: the source files give no first day). valid_from is NOT
 * NULL so that date comparisons stay simple; screens show this date as "—".
 */
#define UNITS_BEFORE_RECORDS "1900-01-01"

/* Kinds. Territorial: */
#define UNIT_COUNTRY "country"
#define UNIT_PROVINCE "province"
#define UNIT_DISTRICT "district"
#define UNIT_COMMUNE "commune"
/* Organisations (created by users under a territorial unit or another
 * organisation): */
#define UNIT_VILLAGE "village"		/* thôn, tổ dân phố */
#define UNIT_SCHOOL "school"		/* trường học, cơ sở giáo dục */
#define UNIT_ENTERPRISE "enterprise"	/* doanh nghiệp */
#define UNIT_AGENCY "agency"		/* cơ quan, sở, ban, ngành */
#define UNIT_ARMED "armed"		/* đơn vị lực lượng vũ trang */
#define UNIT_CHAPTER "chapter"		/* chi hội khuyến học */
#define UNIT_BOARD "board"		/* Ban khuyến học */
#define UNIT_CLC "clc"			/* Trung tâm học tập cộng đồng */
#define UNIT_ASSOCIATION "association"	/* Hội Khuyến học (xã, thành phố) */

struct unit {
	int64_t id;
	char *code;
	char *name;
	char *kind;		/* one of UNIT_* */
	char *type_name;	/* official type: "Phường", "Quận", ... or "" */
	int64_t parent_id;	/* 0 for the country */
	char *parent_code;	/* "" for the country */
	char *parent_name;
	char *valid_from;	/* ISO date; UNITS_BEFORE_RECORDS if unknown */
	char *valid_to;		/* ISO date, or NULL while the unit exists */
	char *address;
	char *note;
	int64_t n_children;	/* filled by listing calls; 0 otherwise */
};

struct unit_list {
	struct unit *items;
	size_t n, cap;
};

#define UNIT_INIT {0}
#define UNIT_LIST_INIT {NULL, 0, 0}

void unit_cleanup(struct unit *u);
void unit_list_cleanup(struct unit_list *l);

/* True for the kinds users create (organisations and villages). */
int units_kind_is_org(const char *kind);
/* Display label of a kind in a language. */
const char *units_kind_label(const char *kind, const char *lang);

/* Find the unit with this code on date `on` (NULL: today, see above). */
int units_find(struct db *db, const struct actor *a, const char *code,
    const char *on, struct unit *out, struct kh_err *err);
int units_get(struct db *db, const struct actor *a, int64_t id,
    struct unit *out, struct kh_err *err);

/* Children of a unit valid on `on` (NULL: any date the parent existed),
 * ordered by kind then Vietnamese name, with n_children filled. */
int units_children(struct db *db, const struct actor *a, int64_t unit_id,
    const char *on, struct unit_list *out, struct kh_err *err);

/* Ancestors from the country down to the unit's parent. */
int units_path(struct db *db, const struct actor *a, int64_t unit_id,
    struct unit_list *out, struct kh_err *err);

/* Units valid on `on` (NULL: any) in the actor's scope whose names match
 * text with or without diacritics; at most `limit`. */
int units_search(struct db *db, const struct actor *a, const char *text,
    const char *on, int limit, struct unit_list *out, struct kh_err *err);

/* The whole subtree of a unit valid on `on` (NULL: today), the unit first,
 * then depth-first in name order. */
int units_subtree(struct db *db, const struct actor *a, int64_t unit_id,
    const char *on, struct unit_list *out, struct kh_err *err);

/* *total = how many units below unit_id (itself not counted) are valid on
 * `on` (NULL: today). */
int units_count_subtree(struct db *db, const struct actor *a, int64_t unit_id,
    const char *on, int64_t *total, struct kh_err *err);

/* Units that succeeded (new) or preceded (old) a unit, with kind full/partial
 * in note. */
int units_successors(struct db *db, const struct actor *a, int64_t unit_id,
    struct unit_list *out, struct kh_err *err);
int units_predecessors(struct db *db, const struct actor *a, int64_t unit_id,
    struct unit_list *out, struct kh_err *err);

/* What a user types to create an organisation. */
struct unit_input {
	const char *code;	/* optional; generated from the parent when empty */
	const char *name;	/* required */
	const char *kind;	/* an organisation kind */
	const char *valid_from;	/* optional ISO date; default: today */
	const char *valid_to;	/* optional */
	const char *address;
	const char *note;
};

/* Create an organisation under parent_id; audited. */
int units_create_org(struct db *db, const struct actor *a, int64_t parent_id,
    const struct unit_input *in, struct unit *out, struct kh_err *err);

/* Change an organisation's name, address, note or dates; audited. */
int units_update_org(struct db *db, const struct actor *a, int64_t id,
    const struct unit_input *in, struct kh_err *err);

struct units_import_stats {
	long inserted;		/* units added */
	long updated;		/* units whose name or type changed */
	long unchanged;
	long successions;	/* succession links added */
};

/*
 * Load the project's copy of the administrative units (data/units/) into the
 * database: the country, both structures with their dates, the closure table
 * and the succession. Idempotent: a second run changes nothing.
 */
int units_import(struct db *db, const char *dir,
    struct units_import_stats *stats, struct kh_err *err);

#endif
