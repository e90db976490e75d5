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

#include <stdbool.h>
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
	int restricted;		/* processing restricted at the person's request */
	int erased;		/* personal data erased at the person's request */
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

/*
 * A person as the actor may see them. The personal data of a person whose
 * processing is restricted (people_request_handle, kind "restrict") are
 * hidden (name PEOPLE_RESTRICTED_NAME, birth date, CCCD, phone and relation
 * empty) unless the actor may write the person's unit: officers and above
 * in scope, who handle the requests.
 */
int people_get(struct db *db, const struct actor *a, int64_t id,
    struct person *out, struct kh_err *err);

struct people_query {
	int64_t unit_id;	/* the subtree to list */
	const char *q;		/* name search without diacritics, or NULL */
	int64_t household_id;	/* only this household, or 0 */
	int limit;		/* page size (default 50, max 1000) */
	int offset;
};

/* People of a subtree in Vietnamese name order. Restricted people appear
 * with their personal data hidden, for every role: lists and exports are
 * processing; the record is opened whole through people_get. */
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

/* ---- Requests of data subjects (Decree 13/2023, Law 91/2025) ----
 *
 * A person (or their legal representative) may ask to see what is held
 * about them (access), to correct it, to erase it, to restrict its
 * processing or to object to it. Officers and above in scope of the
 * person's unit record a request with the date it was received and answer
 * it: "done" (carried out) or "refused", always with an outcome text.
 * Every step is audited.
 *
 * Answer deadline: rules.md §7 states none. PEOPLE_REQUEST_DAYS (30 days
 * from receipt) is a default to confirm with the city's legal service
 * before use; Decree 13/2023 sets 72 hours for some steps (see
 * PEOPLE_WITHDRAW_HOURS), which a withdrawal of consent meets at once since
 * it takes effect when recorded.
 */
#define PEOPLE_REQUEST_DAYS 30
#define PEOPLE_WITHDRAW_HOURS 72
/* What an erased or a restricted person is shown as. */
#define PEOPLE_ERASED_NAME "(đã xoá theo yêu cầu)"
#define PEOPLE_RESTRICTED_NAME "(hạn chế xử lý theo yêu cầu)"

/*
 * Who sees a restricted person's name where a list reads it in SQL (the
 * registrations and their list, decisions with their list and
 * certificates, households and their heads, clans and their heads, the
 * village board's queue): one rule, owned here so it cannot drift.
 *
 * The name of a person whose processing is restricted is shown only to an
 * actor who may write the person's unit (officers and above in scope: the
 * people who handle the requests and print the documents already issued,
 * such as a recognition decision); everybody else (viewers, users out of
 * the unit's scope) sees PEOPLE_RESTRICTED_NAME. An erased person's stored
 * name already is PEOPLE_ERASED_NAME, for everybody. people_get applies
 * the same rule in C (auth_can_write). people_list and people_requests are
 * stricter on purpose: the registry's lists hide a restricted person from
 * every role.
 *
 * PEOPLE_HIDDEN_SQL(P, W) is an SQL condition, true when the name of the
 * person row aliased P must be hidden; PEOPLE_NAME_SQL(P, W) is the name to
 * show. W is the SQL parameter (e.g. "$2") bound to people_name_scope(actor).
 * Both P and W are written in code, never input.
 */
#define PEOPLE_HIDDEN_SQL(P, W) \
	"(" P ".restricted <> 0 AND NOT " AUTH_IN_SCOPE(P ".unit_id", W) ")"
#define PEOPLE_NAME_SQL(P, W) \
	"(CASE WHEN " PEOPLE_HIDDEN_SQL(P, W) " THEN '" PEOPLE_RESTRICTED_NAME \
	"' ELSE " P ".full_name END)"

/*
 * The value bound to W above: the root of the actor's scope when the actor
 * may record data (officer and above), 0 otherwise (no unit has the id 0,
 * so a viewer sees no restricted name).
 */
int64_t people_name_scope(const struct actor *a);

struct data_request {
	int64_t id;
	int64_t person_id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *person_name;	/* as the actor may see it */
	char *kind;		/* access, correct, delete, restrict, object */
	char *received_at;	/* ISO date */
	char *deadline;		/* ISO date: received_at + PEOPLE_REQUEST_DAYS */
	char *detail;
	char *received_by;
	char *handled_at;	/* ISO instant, NULL while open */
	char *handled_by;	/* NULL while open */
	char *answer;		/* "done", "refused", NULL while open */
	char *outcome;		/* NULL while open */
	int overdue;		/* open past its deadline, or answered after it */
};

struct data_request_list {
	struct data_request *items;
	size_t n, cap;
};

void data_request_cleanup(struct data_request *r);
void data_request_list_cleanup(struct data_request_list *l);

/* True for the five kinds the law names. */
bool people_request_kind_valid(const char *kind);

/*
 * Record a request of kind about person_id, received on received_on (ISO
 * date, not in the future; NULL for today). detail is what was asked (for
 * a correction, the fields to change). Officer+ in scope. Audited.
 */
int people_request_add(struct db *db, const struct actor *a,
    int64_t person_id, const char *kind, const char *detail,
    const char *received_on, int64_t *id, struct kh_err *err);

int people_request_get(struct db *db, const struct actor *a, int64_t id,
    struct data_request *out, struct kh_err *err);

/* Requests about people of a subtree: open ones first, by deadline; then
 * answered ones, latest first. Readers in scope. */
int people_requests(struct db *db, const struct actor *a, int64_t unit_id,
    struct data_request_list *out, struct kh_err *err);

/* Requests about one person, latest first. Readers in scope. */
int people_person_requests(struct db *db, const struct actor *a,
    int64_t person_id, struct data_request_list *out, struct kh_err *err);

/*
 * Answer an open request (officer+ in scope; KH_E_CONFLICT when already
 * answered). outcome is required. refuse answers "refused" and changes
 * nothing else. Otherwise, by kind, in one transaction with the answer:
 *   correct:  the fields of corr (not NULL, at least one set) are applied
 *             through people_update;
 *   delete:   the personal data are erased: name replaced by
 *             PEOPLE_ERASED_NAME, birth date, CCCD, phone and relation
 *             cleared, search keys and index rows rebuilt, the same data in
 *             public submissions erased. The row and its id stay (counts,
 *             registrations and certificates already issued keep their
 *             subject). Refused with KH_E_CONFLICT while a legal retention
 *             applies: the person is on a recognition decision, which the
 *             archive must keep; the answer is then a restriction;
 *   restrict: the person is marked restricted (see people_get);
 *   access, object: answered (the access export is people_access_export).
 * The audit record of an erasure names the erased fields, never their
 * values.
 */
int people_request_handle(struct db *db, const struct actor *a, int64_t id,
    bool refuse, const char *outcome, const struct person_input *corr,
    struct kh_err *err);

/* Everything held about a person (record, consents, requests,
 * registrations) as a JSON text, malloc'd. Officer+ in scope. Audited (the
 * record names who was given the data). */
int people_access_export(struct db *db, const struct actor *a,
    int64_t person_id, char **json_out, struct kh_err *err);

struct consent {
	int64_t id;
	char *purpose;
	char *channel;
	char *given_at;
	char *given_by;
	char *withdrawn_at;	/* NULL while in force */
};

struct consent_list {
	struct consent *items;
	size_t n, cap;
};

void consent_list_cleanup(struct consent_list *l);

/* Consents of a person, oldest first. Readers in scope. */
int people_consents(struct db *db, const struct actor *a, int64_t person_id,
    struct consent_list *out, struct kh_err *err);

/* Withdraw a consent (officer+ in scope): withdrawn_at is set now, the
 * record stays. KH_E_CONFLICT when already withdrawn. Audited. */
int people_consent_withdraw(struct db *db, const struct actor *a,
    int64_t consent_id, struct kh_err *err);

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
