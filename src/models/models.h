/*
 * models.h - the five learning models (citizen, family, clan, community,
 * unit, and the commune-level learning community): criteria sets loaded from
 * data, the scoring engine, and the yearly cycle of registration,
 * self-assessment, verification, proposal and recognition with numbered
 * certificates.
 *
 * Criteria sets are data (one JSON file per set in data/criteria, format
 * in its README.md),
 * versioned by code and version number. A set that some registration uses is
 * never changed: an administrator's edit creates version n+1. Every number of
 * a set carries a "verified" flag, so that values that are hypotheses (the
 * regulations could not be read in full; data/criteria/README.md says where
 * each value comes from) stay visibly marked until a province confirms them.
 *
 * Points are kept exactly, in hundredths of a point ("x100": 8550 is 85.5
 * points), and shares in basis points (1/10000: 0.5 is 5000), so that a total
 * on a band edge (85 for "Tốt") is never lost to rounding.
 *
 * The yearly cycle:
 *
 *   registered -> self_assessed -> verified -> proposed -> recognised
 *        \______________\______________\___________\-> withdrawn
 *   return: self_assessed -> registered, verified -> self_assessed,
 *           proposed -> verified (with a reason)
 *
 *   action       from            who
 *   register     -               officer+ in scope of the registration's unit
 *   self_assess  registered      officer+ in scope (or the public channel)
 *   verify       self_assessed   officer+ in scope (the village board)
 *   propose      verified        officer+ whose scope unit is a commune or
 *                                above (the commune association); the result
 *                                must reach the standard
 *   recognise    proposed        manager+ whose scope unit is a commune or
 *                                above, through a recorded decision
 *   return       see above       officer+ in scope; from proposed only at
 *                                commune level or above
 *   withdraw     any but recognised and withdrawn; officer+ in scope
 *
 * A refused action is KH_E_CONFLICT (wrong state, or the standard not
 * reached) or KH_E_FORBIDDEN (role or scope). Each action appends a row to
 * the registration's history and an audit record in one transaction. An
 * action after its deadline (per year and province, models_deadlines) is
 * allowed but flagged late.
 *
 * Rules that depend on other data are computed, never typed: ratio
 * indicators take their figure from the recognitions recorded that year
 * (MODELS_SRC_*), and the assessment keeps the numerator, denominator and
 * source it used.
 *
 * Every call takes the acting user and checks role and scope (auth.h).
 * Strings in returned structs are malloc'd and freed by the *_cleanup call.
 */
#ifndef KH_MODELS_MODELS_H
#define KH_MODELS_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

/* Models. */
#define MODEL_CITIZEN "citizen"			/* Công dân học tập */
#define MODEL_FAMILY "family"			/* Gia đình học tập */
#define MODEL_CLAN "clan"			/* Dòng họ học tập */
#define MODEL_COMMUNITY "community"		/* Cộng đồng học tập cấp thôn */
#define MODEL_UNIT "unit"			/* Đơn vị học tập */
#define MODEL_COMMUNE_COMMUNITY "commune_community" /* CĐHT cấp xã */

/* States of a registration. */
#define REG_REGISTERED "registered"
#define REG_SELF_ASSESSED "self_assessed"
#define REG_VERIFIED "verified"
#define REG_PROPOSED "proposed"
#define REG_RECOGNISED "recognised"
#define REG_WITHDRAWN "withdrawn"

/* Kinds of indicator. */
#define CRIT_POINTS "points"		/* 0..max, entered */
#define CRIT_BOOL "bool"		/* met or not: max points, or a prerequisite */
#define CRIT_RATIO "ratio"		/* a share computed from data */
#define CRIT_LEVEL "level_condition"	/* met or not, levels scale */

/* Computations behind ratio indicators (the "source" of the indicator). */
#define MODELS_SRC_CLAN_FAMILIES "clan_families_recognised"
#define MODELS_SRC_VILLAGE_FAMILIES "village_families_recognised"
#define MODELS_SRC_UNIT_CITIZENS "unit_citizens_recognised"

#define MODELS_MAX_LEVEL 5
#define MODELS_EVIDENCE_MAX (5 * 1024 * 1024)
#define MODELS_CODE_MAX 40

/* True for one of the MODEL_* names. */
bool models_model_valid(const char *model);
/* Display name of a model in a language ("vi" or "en"). */
const char *models_model_label(const char *model, const char *lang);
/* Display name of a state. */
const char *models_state_label(const char *state, const char *lang);
/* English msgid describing a ratio source (translate with i18n_tr). */
const char *models_source_msgid(const char *source);
/* Points in hundredths as text: 8550 -> "85.5", 8000 -> "80". */
void models_points_str(int64_t x100, char *out, size_t outsz);

/* ---- Criteria sets ---- */

struct criteria_item {
	char *code;		/* "A1" (criterion), "A1.1" (indicator) */
	char *parent_code;	/* the criterion of an indicator; NULL for a criterion */
	char *kind;		/* "criterion" or one of CRIT_* */
	char *title_vi;
	char *title_en;
	char *ref;		/* where the text comes from: "S1", "GK", ... */
	char *note_vi;		/* remark, or NULL */
	bool verified;		/* the text is confirmed */
	int64_t max_x100;	/* points; a criterion: the declared total */
	bool max_verified;
	bool required;		/* a prerequisite: not met -> not recognised */
	bool na_allowed;	/* may be marked not applicable (counts as met) */
	char *source;		/* CRIT_RATIO: MODELS_SRC_* */
	int64_t min_ratio_bp;	/* CRIT_RATIO on the points scale; -1 none */
	bool min_ratio_verified;
	/* CRIT_RATIO on the levels scale: threshold at each level, -1 none. */
	int64_t level_ratio_bp[MODELS_MAX_LEVEL + 1];
	bool level_ratio_verified[MODELS_MAX_LEVEL + 1];
	int from_level;		/* levels scale: first level requiring it (1) */
	unsigned groups;	/* bit g: applies to subject group g; 0 = all */
};

struct criteria_band {
	char *code;		/* "tot" */
	char *label_vi;		/* "Tốt" */
	char *label_en;
	int64_t min_x100;	/* lowest total of the band */
	bool verified;
};

struct criteria_level {
	int level;		/* 1, 2, 3 */
	char *label_vi;
	char *label_en;
	char **criteria;	/* codes of the criteria the level requires */
	size_t n_criteria;
	bool verified;
};

struct criteria_group {
	int group;		/* learning-citizen subject group 1..4 */
	char *label_vi;
	char *label_en;
	bool verified;
};

struct criteria_set {
	int64_t id;		/* 0 until stored */
	char *code;		/* "qd448-gdht" */
	int version;
	char *model;		/* MODEL_* */
	char *title_vi;
	char *title_en;
	char *legal_basis;
	char *ref;
	char *note_vi;
	char *effective_from;	/* ISO date */
	char *effective_to;	/* ISO date, or NULL while in force */
	bool dates_verified;
	char *scale;		/* "points" or "levels" */
	bool verified;		/* the set as a whole is confirmed */
	bool is_default;	/* chosen when several sets of a model are in force */
	char *certificate_prefix; /* "GĐHT" */
	int64_t owner_unit_id;	/* 0: national; else the province (or unit) that owns it */
	int64_t min_total_x100;	/* -1 none */
	bool min_total_verified;
	int64_t min_ratio_per_criterion_bp; /* -1 none */
	bool min_ratio_per_criterion_verified;
	int64_t max_total_x100;	/* most points a form can reach */
	struct criteria_band *bands;	/* highest first */
	size_t n_bands;
	struct criteria_level *levels;	/* level 1 first */
	size_t n_levels;
	struct criteria_group *groups;
	size_t n_groups;
	struct criteria_item *items;	/* each criterion followed by its indicators */
	size_t n_items;
	int n_unverified;	/* texts and values still marked unverified */
	bool used;		/* some registration uses it (filled from the database) */
	char *origin;		/* "file" or "edit" (from the database) */
	char *json;		/* the source text */
	char *sha256;		/* of the canonical JSON, hex */
};

struct criteria_set_list {
	struct criteria_set *items;
	size_t n, cap;
};

void criteria_set_cleanup(struct criteria_set *s);
void criteria_set_list_cleanup(struct criteria_set_list *l);

/*
 * Parse and check a criteria set in the JSON format of data/criteria. Every
 * error is KH_E_INVALID naming the offending field ("criteria[2].max").
 * No database involved.
 */
int criteria_parse(const char *json_text, struct criteria_set *out,
    struct kh_err *err);

/* Indicator of a set by code, or NULL. */
const struct criteria_item *criteria_find(const struct criteria_set *s,
    const char *code);

/* True when the item applies to a subject group (0: any). */
bool criteria_applies(const struct criteria_item *it, int group);

struct criteria_load_stats {
	int loaded;		/* new (code, version) stored */
	int updated;		/* unused file versions replaced by a changed file */
	int unchanged;
	int refused;		/* used (or edited) versions whose file changed */
	char refused_codes[512]; /* "qd448-gdht v1, ..." */
};

/*
 * Load every *.json of dir (administrators). All files are checked first;
 * one invalid file loads nothing (KH_E_INVALID naming the file in err->arg).
 * Idempotent: a known (code, version) with the same content is left alone;
 * a changed file replaces an unused version that came from a file; a used
 * version, or one created by an edit, is never changed (counted as refused).
 */
int models_criteria_load(struct db *db, const struct actor *a, const char *dir,
    struct criteria_load_stats *stats, struct kh_err *err);

/*
 * An administrator's edit: store json_text (same format) as the next
 * version of `code` (max version + 1, whatever the text says), owned by the
 * administrator's unit unless they act for the whole country. Earlier
 * versions stay as they were. *version receives the new number.
 */
int models_set_new_version(struct db *db, const struct actor *a,
    const char *code, const char *json_text, int *version,
    struct kh_err *err);

/* A set by code and version (0: the latest), parsed, with used filled. */
int models_set_get(struct db *db, const struct actor *a, const char *code,
    int version, struct criteria_set *out, struct kh_err *err);
int models_set_get_id(struct db *db, const struct actor *a, int64_t id,
    struct criteria_set *out, struct kh_err *err);

/* All sets and versions (header fields only: no items), by model, code,
 * version. Anyone logged in may read them. */
int models_set_list(struct db *db, const struct actor *a,
    struct criteria_set_list *out, struct kh_err *err);

/*
 * The set a registration of `model` in `year` managed in unit_id uses: among
 * the sets in force on 31 December of the year, owned nationally or by an
 * ancestor of the unit (the nearest owner wins), the latest version of each
 * code; when several codes remain, the one marked default. KH_E_NOT_FOUND
 * when none, KH_E_INVALID when several remain and none is the default.
 */
int models_set_for(struct db *db, const struct actor *a, const char *model,
    int year, int64_t unit_id, struct criteria_set *out, struct kh_err *err);

/* ---- Scoring ---- */

/* What an assessor gives for one indicator. */
struct model_answer {
	const char *code;	/* indicator code */
	int64_t value_x100;	/* CRIT_POINTS: 0..max */
	int met;		/* CRIT_BOOL, CRIT_LEVEL: 1 met, 0 not */
	int na;			/* not applicable (only where na_allowed) */
	int64_t num, den;	/* CRIT_RATIO: the computed share */
	const char *note;	/* assessor's remark, or NULL */
};

struct model_item_score {
	char code[MODELS_CODE_MAX + 1];
	bool criterion;		/* a criterion's subtotal, not an indicator */
	bool applies;		/* for the subject group */
	int64_t points_x100;	/* points given */
	int64_t max_x100;
	int met;		/* bool, ratio, level: 1 met (points scale) */
	int na;
	int64_t num, den;	/* ratio */
	int level_met;		/* levels scale: highest level this item meets */
	bool ok;		/* criterion: reaches its minimum; indicator: not a failed prerequisite */
};

struct model_score {
	int64_t total_x100;
	int64_t max_x100;
	bool prerequisites_met;
	bool criteria_min_met;	/* every criterion reaches its minimum share */
	bool min_total_met;
	bool achieved;		/* reaches the standard: may be proposed */
	char band[16];		/* band code, "" when none or not achieved */
	int level;		/* levels scale: level reached (0: none) */
	char failed[256];	/* codes that failed: prerequisites, criteria */
	struct model_item_score *items;	/* in the set's order */
	size_t n_items;
};

void model_score_cleanup(struct model_score *s);

/*
 * Score answers against a set for a subject group (citizens; 0 otherwise).
 * Unanswered indicators score 0 (not met). KH_E_INVALID for an unknown code,
 * a value outside 0..max, or "not applicable" where the set does not allow
 * it. Pure: no database.
 */
int models_score(const struct criteria_set *s, int group,
    const struct model_answer *answers, size_t n, struct model_score *out,
    struct kh_err *err);

/* ---- Registrations ---- */

struct model_reg_input {
	const char *model;	/* MODEL_* */
	int year;
	int64_t subject_id;	/* person (citizen), household (family), clan,
				   or unit (community, unit, commune_community) */
	int64_t unit_id;	/* managing unit; 0: the subject's own unit. A
				   citizen may be registered through a work unit */
	int subject_group;	/* citizens 1..4; 0: the person's recorded group */
	const char *set_code;	/* criteria set, NULL: the one in force */
	int set_version;	/* 0: latest */
	const char *note;
};

struct model_registration {
	int64_t id;
	char *model;
	int year;
	char *subject_kind;	/* "person", "household", "clan", "unit" */
	int64_t subject_id;
	char *subject_name;	/* person's or clan's name, household code and head, unit name;
				   a restricted person's name as the actor may
				   see it (people.h, PEOPLE_NAME_SQL) */
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	int subject_group;
	int64_t set_id;
	char *set_code;
	int set_version;
	char *state;		/* REG_* */
	bool returned;		/* the last action sent it back one step */
	bool late;		/* some action came after its deadline */
	char *registered_on;	/* ISO date */
	char *note;
	int64_t total_x100;	/* latest score (verified, else self); -1 none */
	int64_t max_x100;
	bool achieved;
	char *band;		/* "" when none */
	int level;
	int64_t decision_id;	/* 0 until recognised */
	char *certificate_no;	/* NULL until recognised */
};

struct model_reg_list {
	struct model_registration *items;
	size_t n, cap;
	int64_t total;		/* matching rows in all (for paging) */
};

void model_registration_cleanup(struct model_registration *r);
void model_reg_list_cleanup(struct model_reg_list *l);

/* Register a subject for a model and year. KH_E_CONFLICT when it is already
 * registered for them (also when withdrawn). Audited. */
int models_register(struct db *db, const struct actor *a,
    const struct model_reg_input *in, int64_t *id, struct kh_err *err);

int models_get(struct db *db, const struct actor *a, int64_t id,
    struct model_registration *out, struct kh_err *err);

/* Orders of models_list. */
#define MODELS_ORDER_CODE 0	/* by unit code, then registration number */
#define MODELS_ORDER_NAME 1	/* Vietnamese order of unit, then subject name */

struct model_query {
	int64_t unit_id;	/* the subtree to list (0: the actor's scope) */
	const char *model;	/* or NULL */
	int year;		/* or 0 */
	const char *state;	/* or NULL */
	const char *q;		/* name search, or NULL/"" */
	int order;		/* MODELS_ORDER_* */
	int limit;		/* default 50, max 1000 */
	int offset;
};

/*
 * Registrations of a subtree, newest year first; paging and total in SQL.
 *
 * q, with or without diacritics: every word of it must match the start of
 * a word of the subject's name: a person's name (people.name_key), a
 * household's head's name or the household's number, a clan's name and
 * branch, a unit's name (units.search_key). The name of a restricted
 * person the actor may not see (people.h, PEOPLE_HIDDEN_SQL) is neither
 * shown nor searched.
 *
 * MODELS_ORDER_CODE lists by unit code and registration number.
 * MODELS_ORDER_NAME lists by unit in Vietnamese order (units.sort_key),
 * then by the subject's name in Vietnamese order through the stored sort
 * keys: people.sort_key (given name first) for a person and for a
 * household's head, units.sort_key for a unit. Clans have no stored sort
 * key: they come after the subjects that have one, by name in the
 * database's text order. Ties by registration number.
 */
int models_list(struct db *db, const struct actor *a,
    const struct model_query *q, struct model_reg_list *out,
    struct kh_err *err);

/* ---- Assessments ---- */

/* The self-assessment: answers for the indicators (ratio indicators are
 * computed; answers for them are ignored). */
int models_self_assess(struct db *db, const struct actor *a, int64_t reg_id,
    const struct model_answer *answers, size_t n, const char *note,
    struct kh_err *err);

/*
 * The public channel's hook: the same as models_self_assess for an actor
 * without a role (ROLE_NONE) whose login names the channel ("public:..."),
 * after the public page has established who the subject is. The assessment
 * is marked as coming from the public channel. Officers use
 * models_self_assess.
 */
int models_self_assess_public(struct db *db, const struct actor *a,
    int64_t reg_id, const struct model_answer *answers, size_t n,
    const char *note, struct kh_err *err);

/* A verifier's change to one indicator of the self-assessment. */
struct model_change {
	const char *code;
	int64_t value_x100;	/* CRIT_POINTS */
	int met;		/* CRIT_BOOL, CRIT_LEVEL */
	int na;
	const char *reason;	/* required */
};

/*
 * Verify: the self-assessment is copied, ratio indicators are computed
 * again, and the changes applied, each with its reason (KH_E_INVALID without
 * one, or for a ratio indicator). Each change is kept with the value it
 * replaced.
 */
int models_verify(struct db *db, const struct actor *a, int64_t reg_id,
    const struct model_change *changes, size_t n, const char *note,
    struct kh_err *err);

int models_propose(struct db *db, const struct actor *a, int64_t reg_id,
    const char *note, struct kh_err *err);
/* Send back one step; reason required. */
int models_return(struct db *db, const struct actor *a, int64_t reg_id,
    const char *reason, struct kh_err *err);
int models_withdraw(struct db *db, const struct actor *a, int64_t reg_id,
    const char *reason, struct kh_err *err);

struct model_value {
	char *code;
	bool criterion;		/* a criterion's subtotal */
	int64_t value_x100;	/* points given (after scoring) */
	int64_t entered_x100;	/* CRIT_POINTS: as entered */
	int met;
	int na;
	int64_t num, den;	/* ratio: figure used */
	char *source;		/* ratio: MODELS_SRC_* */
	char *computed_at;	/* ratio: when the figure was taken */
	bool changed;		/* verification changed it */
	int64_t old_value_x100;	/* ... from this entered value */
	int old_met;
	int old_na;
	char *reason;		/* ... for this reason */
	char *note;
};

struct model_assessment {
	int64_t id;
	char *stage;		/* "self" or "verify" */
	char *channel;		/* "officer" or "public" */
	char *actor;		/* login */
	char *at;		/* ISO instant */
	char *note;
	int64_t total_x100;
	int64_t max_x100;
	bool achieved;
	char *band;
	int level;
	char *failed;
	struct model_value *values;
	size_t n_values;
};

void model_assessment_cleanup(struct model_assessment *as);

/* The latest assessment of a stage ("self" or "verify"); KH_E_NOT_FOUND
 * when there is none. */
int models_assessment(struct db *db, const struct actor *a, int64_t reg_id,
    const char *stage, struct model_assessment *out, struct kh_err *err);

/* The figures ratio indicators would use now, without recording anything:
 * what the assessor sees before submitting. */
struct model_ratio {
	char *code;		/* indicator */
	char *source;
	int64_t num, den;
	int64_t min_ratio_bp;	/* points scale threshold, -1 on levels scale */
	bool met;
};

struct model_ratio_list {
	struct model_ratio *items;
	size_t n;
};

void model_ratio_list_cleanup(struct model_ratio_list *l);

int models_ratios(struct db *db, const struct actor *a, int64_t reg_id,
    struct model_ratio_list *out, struct kh_err *err);

/* ---- Evidence files ---- */

struct model_evidence {
	int64_t id;
	int64_t registration_id;
	char *item_code;	/* indicator it supports, or NULL */
	char *name;
	char *content_type;
	size_t size;
	char *sha256;		/* hex */
	char *created_at;
	unsigned char *data;	/* only from models_evidence_get */
};

struct model_evidence_list {
	struct model_evidence *items;
	size_t n, cap;
};

void model_evidence_cleanup(struct model_evidence *e);
void model_evidence_list_cleanup(struct model_evidence_list *l);

/* Attach a file (at most MODELS_EVIDENCE_MAX bytes: KH_E_TOO_LARGE) to a
 * registration that is not yet recognised or withdrawn. Audited. */
int models_evidence_add(struct db *db, const struct actor *a, int64_t reg_id,
    const char *item_code, const char *name, const char *content_type,
    const void *data, size_t size, int64_t *id, struct kh_err *err);
int models_evidence_get(struct db *db, const struct actor *a, int64_t id,
    struct model_evidence *out, struct kh_err *err);
/* Files of a registration, without their data. */
int models_evidence_list(struct db *db, const struct actor *a, int64_t reg_id,
    struct model_evidence_list *out, struct kh_err *err);

/* ---- History ---- */

struct model_transition {
	int64_t id;
	char *at;		/* ISO instant */
	char *action;		/* register, self_assess, verify, propose,
				   recognise, return, withdraw */
	char *from_state;	/* NULL for register */
	char *to_state;
	char *actor;		/* login */
	char *reason;
	bool late;
	char *deadline;		/* ISO date the action was due, or NULL */
};

struct model_transition_list {
	struct model_transition *items;
	size_t n, cap;
};

void model_transition_list_cleanup(struct model_transition_list *l);

/* The registration's history, oldest first. */
int models_history(struct db *db, const struct actor *a, int64_t reg_id,
    struct model_transition_list *out, struct kh_err *err);

/* ---- Deadlines ---- */

struct model_deadlines {
	char register_by[11];	/* ISO dates */
	char self_assess_by[11];
	char verify_by[11];
	char recognise_by[11];
	int64_t unit_id;	/* the unit whose calendar gave them; 0: defaults */
};

/*
 * Deadlines of a model's year for registrations managed in unit_id: the
 * calendar of the nearest ancestor that set one, else the defaults (31/03,
 * 30/11, 10/12, 31/12 of the year; the commune learning community of TT
 * 25/2023 files by 28/02 and is recognised by 31/03 of the next year; see
 * data/criteria/README.md).
 */
int models_deadlines(struct db *db, const struct actor *a, int64_t unit_id,
    int year, const char *model, struct model_deadlines *out,
    struct kh_err *err);

/* Set a unit's calendar for a model's year (manager+ in scope). Audited. */
int models_calendar_set(struct db *db, const struct actor *a, int64_t unit_id,
    int year, const char *model, const struct model_deadlines *d,
    struct kh_err *err);

/* ---- Decisions and certificates ---- */

struct model_decision_input {
	int64_t unit_id;	/* issuing unit (commune or above) */
	const char *model;
	int year;
	const char *number;	/* "12/QĐ-HKH" */
	const char *decided_on;	/* ISO date */
	const char *signer;	/* full name */
	const char *signer_title; /* "Chủ tịch" */
	const char *issuing_body; /* "Ủy ban nhân dân phường Lê Chân" */
};

/*
 * Record a recognition decision and recognise the listed registrations
 * (proposed, same model and year, managed in the issuing unit's subtree):
 * all or none. Each receives the next certificate number of (issuing unit,
 * model, year): PREFIX-YEAR-NNNNNN, e.g. "GĐHT-2025-000123", the prefix
 * from the criteria set. Manager+ at commune level or above. Audited.
 */
int models_decision_create(struct db *db, const struct actor *a,
    const struct model_decision_input *in, const int64_t *reg_ids, size_t n,
    int64_t *id, struct kh_err *err);

/* Recognise one more registration under an existing decision. */
int models_recognise(struct db *db, const struct actor *a, int64_t reg_id,
    int64_t decision_id, struct kh_err *err);

struct model_decision_item {
	int64_t registration_id;
	char *certificate_no;
	int64_t certificate_seq;
	char *subject_name;	/* as in model_registration: a restricted
				   person's name only for officers in scope */
	char *unit_code;
	char *unit_name;
	int subject_group;
	int64_t total_x100;	/* -1 none */
	char *band;
	int level;
};

struct model_decision {
	int64_t id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *model;
	int year;
	char *number;
	char *decided_on;
	char *signer;
	char *signer_title;
	char *issuing_body;
	char *created_at;
	struct model_decision_item *items;	/* by certificate number */
	size_t n_items;
	int64_t count;		/* registrations it recognised */
};

struct model_decision_list {
	struct model_decision *items;	/* header fields and count, no items */
	size_t n, cap;
};

void model_decision_cleanup(struct model_decision *d);
void model_decision_list_cleanup(struct model_decision_list *l);

/*
 * Decisions issued by the units of unit_id's subtree (in the actor's
 * scope), of a year (0: all) and a model (NULL: all): newest year first,
 * then by model, date and id. Anyone who may read the unit may list them.
 */
int models_decision_list(struct db *db, const struct actor *a,
    int64_t unit_id, int year, const char *model,
    struct model_decision_list *out, struct kh_err *err);

/* A decision with its list (what a printed decision and its certificates
 * need). */
int models_decision_get(struct db *db, const struct actor *a, int64_t id,
    struct model_decision *out, struct kh_err *err);

/* ---- Roll-up ---- */

struct model_rollup_row {
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	bool total;		/* the row of the asked unit itself (whole subtree) */
	char *model;
	int subject_group;	/* citizens 1..4; 0 otherwise */
	int64_t registered;	/* registrations not withdrawn */
	int64_t recognised;
};

struct model_rollup {
	struct model_rollup_row *items;
	size_t n, cap;
};

void model_rollup_cleanup(struct model_rollup *r);

/*
 * Registered and recognised counts of a year under unit_id: first the rows of
 * the whole subtree (total = true), then one row per child unit whose subtree
 * holds registrations, each per model and subject group.
 */
int models_rollup(struct db *db, const struct actor *a, int64_t unit_id,
    int year, struct model_rollup *out, struct kh_err *err);

/* ---- Counts behind the roll-up (table model_counts) ---- */

/*
 * Add d_registered (registrations not withdrawn) and d_recognised to the
 * counts of a managing unit, year, model and subject group (0: none),
 * creating the row at its first registration. The only writer of
 * model_counts besides models_counts_rebuild(); runs inside the caller's
 * transaction, which also writes the registration. No scope check: callers
 * have made theirs.
 */
int models_counts_apply(struct db *db, int64_t unit_id, int year,
    const char *model, int subject_group, int64_t d_registered,
    int64_t d_recognised, struct kh_err *err);

/*
 * *differ: how many rows of model_counts and of a recount from the
 * registrations do not match (0 when the counts are right). Reads only.
 */
int models_counts_check(struct db *db, int64_t *differ, struct kh_err *err);

/*
 * Recount model_counts from the registrations, for an administrator whose
 * scope is the whole country, in one transaction; audited ("recount") when
 * anything differed. *differ (may be NULL) gets what models_counts_check()
 * found before; nothing is written when it is 0.
 */
int models_counts_rebuild(struct db *db, const struct actor *a,
    int64_t *differ, struct kh_err *err);

#endif
