/*
 * public.h - the public channel of the learning-citizen self-assessment: a
 * citizen (or a family head for them) without an account chooses their
 * village or residential group, gives the minimum data about themselves,
 * consents to its processing, and answers the self-assessment form of their
 * subject group. The submission waits in the village board's queue; nothing
 * counts until an officer accepts it.
 *
 * The contract:
 *   - public_submit checks everything (unit, names, dates, CCCD, subject
 *     group, answers against the citizen criteria set in force for the unit
 *     and year, consent, sizes, rate limits) and stores a pending submission;
 *     it returns a random receipt code (PUBLIC_CODE_LEN characters from an
 *     alphabet without look-alike letters and digits). No actor: the caller
 *     is anonymous; the client address is kept only as a keyed hash.
 *   - public_status answers the state and its dates for a receipt code, and
 *     nothing personal.
 *   - public_queue, public_get, public_accept and public_reject are for
 *     officers and above in scope of the submission's unit. Accepting matches
 *     the person (by CCCD, else by name and birth date in the unit) or
 *     records them, records the consent, registers them for MODEL_CITIZEN of
 *     the year unless they are registered already, and records the answers
 *     as the self-assessment through the public hook of models.h (actor
 *     without a role, login "public:<code>"). The registration then follows
 *     the normal cycle: verification by the village board.
 *   - Every change is audited; the audit never holds a whole CCCD number.
 *
 * Abuse bounds: PUBLIC_MAX_PER_HOUR and PUBLIC_MAX_PER_DAY submissions per
 * client address, PUBLIC_MAX_PER_UNIT_DAY per unit and day (KH_E_LIMIT), and
 * caps on every text and on the number of answers (KH_E_INVALID).
 *
 * Personal data (Decree 13/2023/NĐ-CP): ethnicity and religion are never
 * asked; the consent is stored with the version and SHA-256 of the notice
 * text shown and the instant it was given.
 */
#ifndef KH_PUBLIC_PUBLIC_H
#define KH_PUBLIC_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "models/models.h"

#define PUBLIC_CODE_LEN 10
#define PUBLIC_MAX_PER_HOUR 5
#define PUBLIC_MAX_PER_DAY 20
#define PUBLIC_MAX_PER_UNIT_DAY 300
#define PUBLIC_NOTE_MAX 1000		/* bytes */
#define PUBLIC_MAX_ANSWERS 100
#define PUBLIC_REASON_MAX 1000		/* bytes */

/* Version of the consent notice; change it with the text of public_notice. */
#define PUBLIC_NOTICE_VERSION "2026-1"

/* States of a submission. */
#define PUBLIC_PENDING "pending"
#define PUBLIC_ACCEPTED "accepted"
#define PUBLIC_REJECTED "rejected"

/*
 * The consent notice shown before the form, in a language ("vi" or "en"),
 * naming the controller (the learning association of the commune
 * `commune_name`). Malloc'd. Its SHA-256 is what a submission records.
 */
char *public_notice(const char *lang, const char *commune_name);

/* True when a unit may be chosen on the public page: a village or
 * residential group in force today, or a commune in force without any. */
int public_unit_check(struct db *db, int64_t unit_id, struct kh_err *err);

/* What the public form sends. */
struct public_input {
	int64_t unit_id;		/* the village or residential group */
	const char *full_name;
	const char *birth_date;		/* ISO; a year alone as YYYY-01-01 */
	int birth_year_only;
	char sex;			/* 'M' or 'F' */
	const char *id_number;		/* 12 digits, or NULL/"" */
	const char *phone;		/* or NULL/"" */
	int subject_group;		/* 1..4 */
	const struct model_answer *answers;	/* points and yes/no indicators */
	size_t n_answers;
	const char *note;		/* or NULL */
	bool consent;			/* the box was ticked */
	const char *notice_lang;	/* language the notice was shown in */
	const char *client_ip;		/* hashed with a key, never stored */
};

/* The checks of public_submit on the identity part (unit, person, consent),
 * without answers and without storing anything: the form's second step. */
int public_check_identity(struct db *db, const struct public_input *in,
    struct kh_err *err);

/* Store a pending submission; code receives the receipt code. */
int public_submit(struct db *db, const struct public_input *in,
    char code[PUBLIC_CODE_LEN + 1], struct kh_err *err);

/* What anyone holding the code may know. */
struct public_status {
	char state[16];			/* PUBLIC_* */
	char submitted_on[11];		/* ISO date */
	char decided_on[11];		/* ISO date, or "" */
	char reg_state[16];		/* REG_* of the registration once
					   accepted, or "" */
};

/* KH_E_NOT_FOUND for an unknown code (a code is matched case-insensitively,
 * and spaces or dashes typed in it are ignored). */
int public_status(struct db *db, const char *code, struct public_status *out,
    struct kh_err *err);

struct public_submission {
	int64_t id;
	char *code;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	int year;
	char *full_name;
	char *birth_date;
	int birth_year_only;
	char sex;
	char *id_number;		/* NULL when not given */
	char *phone;
	int subject_group;
	int64_t set_id;
	char *answers_json;		/* [{"code", "value_x100", "met"}] */
	char *note;
	char *consent_version;
	char *consent_sha256;
	char *consent_at;
	char *state;
	int64_t person_id;		/* 0 until accepted */
	int64_t registration_id;	/* 0 until accepted */
	char *reviewer;
	char *reason;
	char *created_at;
	char *decided_at;
};

struct public_list {
	struct public_submission *items;
	size_t n, cap;
	int64_t pending;		/* pending submissions in the subtree */
};

void public_submission_cleanup(struct public_submission *s);
void public_list_cleanup(struct public_list *l);

/* Submissions of unit_id's subtree (officer+ in scope): pending first (the
 * oldest first), then the decided ones, newest first; at most limit (default
 * 50, max 500). */
int public_queue(struct db *db, const struct actor *a, int64_t unit_id,
    int limit, struct public_list *out, struct kh_err *err);

int public_get(struct db *db, const struct actor *a, int64_t id,
    struct public_submission *out, struct kh_err *err);

/* The answers of a submission as models_score takes them. */
struct public_answers {
	struct model_answer *items;
	size_t n;
	char **codes;			/* storage of items[i].code */
};

void public_answers_cleanup(struct public_answers *pa);
int public_answers_parse(const char *json, struct public_answers *out,
    struct kh_err *err);

/* The score the submission's answers reach on its criteria set (what the
 * officer accepts). set receives the set; both are cleaned by the caller. */
int public_score(struct db *db, const struct actor *a,
    const struct public_submission *s, struct criteria_set *set,
    struct model_score *out, struct kh_err *err);

/* Accept a pending submission (officer+ in scope); *reg_id receives the
 * registration, now self_assessed. */
int public_accept(struct db *db, const struct actor *a, int64_t id,
    int64_t *reg_id, struct kh_err *err);

/* Reject a pending submission with a reason (required). */
int public_reject(struct db *db, const struct actor *a, int64_t id,
    const char *reason, struct kh_err *err);

#endif
