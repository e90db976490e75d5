/*
 * reports.h - reports up the hierarchy: report forms as data, submissions
 * and their approval, consolidation over a subtree under the structure
 * before or after 1 July 2025, and indicators with targets.
 *
 * Forms. A form (one JSON file per form in data/reports, format in its
 * README.md) has sections and fields. A field is an integer count, an
 * amount of money (đồng), a percentage, a text or a yes/no. A field may be
 * broken down (by model, subject group, sex or organisation kind): the
 * parser expands it into one field per value, coded "FIELD.VALUE". A field
 * may name its source, a figure the system already knows (REPORT_SRC_*):
 * when a unit opens the form, those fields are filled from the data and keep
 * the name of their source; sources whose modules do not exist yet
 * (association members, fund, training) are declared and typed by hand.
 * A percentage field with a numerator and a denominator is computed, never
 * typed. Rules compare two fields ("recognised <= registered"). A form is
 * assigned to a unit kind for a period with a deadline.
 *
 * Values are integers: counts; money in đồng; percentages in hundredths of
 * a percent (x100: 2750 is 27.5 %); yes/no as 0 or 1 (summed, a yes/no
 * consolidates as the number of units answering yes). Text is never summed.
 *
 * Periods (reports_period_parse):
 *   "2025"                      the calendar year
 *   "2025-Q3"                   a quarter
 *   "2023-KH"                   the Study Encouragement Month, 02/09-02/10
 *   "2023-HTSĐ" or "2023-LLW"   the Lifelong Learning Week, 01/10-07/10
 *   "2023-09-02..2023-10-02"    any window of dates
 * The year of a period is the year of its first day; sources count the
 * registrations and recognitions of that year.
 *
 * The workflow of one unit's report for a form and period:
 *
 *   (none) -> draft -> submitted -> approved (locked)
 *                ^          \-> returned (with a comment) -> submitted
 *                 \__ reopen: approved -> returned (with a reason)
 *
 *   action    from               who
 *   save      none/draft/returned officer+ who may write in the unit
 *   submit    draft/returned      officer+ who may write in the unit; every
 *                                 value valid and every rule kept
 *   approve   submitted           manager+ whose scope holds the approver
 *   return    submitted           (the district above the unit when it was
 *   reopen    approved            submitted before 1 July 2025, the
 *                                 province after), never inside the unit
 *
 * A save stores what was typed even when it is invalid, and answers the
 * problems found (nothing entered is lost); a submit with problems is
 * refused (KH_E_INVALID) and the report stays a draft. Saving a submitted or
 * approved report is KH_E_CONFLICT. Every action appends a transition and
 * an audit record in one transaction.
 *
 * Consolidation (reports_consolidate): the report of a unit for a period is
 * its own approved report when it has one, else the sum of the reports of
 * the units below it (approved reports only); percentages are recomputed
 * from their numerator and denominator. Figures are placed in the structure
 * asked for: a commune's report recorded under the other structure is
 * carried through unit_succession (REPORT_SHARE_RULE below), and each
 * output row says whether a share was applied. Restatement works on commune
 * figures (and the island districts without communes that became special
 * zones); a district's own report is used in the old structure only. In the
 * structure it was recorded in, a commune's own report also wins over
 * figures carried to it from the other structure. Reports of organisations
 * (when a form is filed by them) add up under their territorial unit, unless
 * that unit has its own report.
 *
 * Every call takes the acting user and checks role and scope (auth.h).
 * Strings in returned structs are malloc'd and freed by the *_cleanup call.
 */
#ifndef KH_REPORTS_REPORTS_H
#define KH_REPORTS_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

/* Kinds of field. */
#define RF_INT "int"
#define RF_MONEY "money"
#define RF_PCT "pct"
#define RF_TEXT "text"
#define RF_BOOL "bool"

/* Sources of prefilled fields. Computed from the data: */
#define REPORT_SRC_REGISTRATIONS "registrations" /* of a model (and group) */
#define REPORT_SRC_RECOGNITIONS "recognitions"	/* idem, recognised */
#define REPORT_SRC_POPULATION "population"	/* people registry (by sex) */
#define REPORT_SRC_HOUSEHOLDS "households"	/* people registry */
#define REPORT_SRC_BOARDS "boards"		/* boards existing at the end */
#define REPORT_SRC_BOARDS_NEW "boards_new"	/* boards formed in the period */
#define REPORT_SRC_CLCS "clcs"			/* community learning centres */
#define REPORT_SRC_ORGS "orgs"			/* organisations of a kind */
/* Declared, typed by hand until their modules exist: */
#define REPORT_SRC_MEMBERS "members"
#define REPORT_SRC_FUND "fund"
#define REPORT_SRC_TRAINING "training"

/* States. */
#define REPORT_DRAFT "draft"
#define REPORT_SUBMITTED "submitted"
#define REPORT_RETURNED "returned"
#define REPORT_APPROVED "approved"

/* Structures for consolidation. */
#define REPORT_OLD "old"
#define REPORT_NEW "new"

/*
 * REPORT_SHARE_RULE: how much of an old commune's figure a new commune
 * receives (old -> new), in this order:
 *   1. the administrator's share (reports_share_set);
 *   2. share_pct of the succession, when the unit data carries one;
 *   3. a whole merge ('full') carries everything; the part of a partly
 *      merged commune not given by 1-2 is split equally among its other
 *      successors.
 * Shares of one old commune are apportioned by largest remainder, so that
 * the pieces add up exactly to the original figure and totals agree in both
 * structures. New -> old uses the same weights reversed: a new commune's
 * figure is split among its predecessors in proportion to the share each
 * gave it (a whole merge weighs 100 %).
 */
#define REPORT_SHARE_FULL 10000

struct report_period {
	char code[48];		/* as given, normalised */
	char from[11];		/* ISO dates, inclusive */
	char to[11];
	int year;
	char kind[8];		/* "year", "quarter", "month" (KH), "week", "window" */
};

/* Parse a period code (syntax above). */
int reports_period_parse(const char *s, struct report_period *out,
    struct kh_err *err);

/* ---- Forms ---- */

struct report_field {
	char *code;		/* "reg.family" */
	char *section;		/* the section's code */
	char *kind;		/* RF_* */
	char *title_vi;
	char *title_en;
	char *source;		/* REPORT_SRC_* or NULL */
	char *model;		/* for registrations/recognitions, or NULL */
	int group;		/* citizens' subject group 1..4, 0 all */
	char *sex;		/* "M", "F" or NULL */
	char *unit_kind;	/* an organisation kind, or NULL */
	char *num, *den;	/* RF_PCT computed from these fields, or NULL */
	bool required;
	bool verified;
};

struct report_section {
	char *code;
	char *title_vi;
	char *title_en;
};

struct report_rule {
	char *left;		/* field code */
	char *op;		/* "<=", "<", ">=", ">", "==" */
	char *right;		/* field code */
};

struct report_form {
	int64_t id;		/* 0 until stored */
	char *code;		/* "yearly" */
	char *title_vi;
	char *title_en;
	char *legal_basis;
	char *period_kind;	/* the kind of period it is filed for */
	char *deadline;		/* "MM-DD" after the period's year, or NULL */
	char **unit_kinds;	/* kinds that file it */
	size_t n_unit_kinds;
	struct report_section *sections;
	size_t n_sections;
	struct report_field *fields;
	size_t n_fields;
	struct report_rule *rules;
	size_t n_rules;
	bool verified;
	char *json;
};

void report_form_cleanup(struct report_form *f);

/* Parse and check a form's JSON text (format in data/reports/README.md). */
int reports_form_parse(const char *json_text, struct report_form *out,
    struct kh_err *err);
/* Where the system fills a field from, in words: an English msgid to
 * translate (N_), or src itself when it is not a known source. */
const char *reports_source_words(const char *src);
/* A figure with at most two decimals ("27,5", "27.5 %", "10") into
 * hundredths; false for anything else (negative, more decimals, more than
 * max_whole_digits before the decimals). */
bool reports_hundredths_parse(const char *s, int max_whole_digits,
    int64_t *v);
/* What a field's figure is counted in, from its kind and code: an English
 * msgid to translate ("đồng", "households", "people") or "%", or NULL when
 * nothing more can be said than its kind (a plain count, a text). */
const char *reports_unit_words(const char *kind, const char *code);
/* Index of a field by code, or -1. */
int reports_form_field(const struct report_form *f, const char *code);

struct report_load_stats {
	int loaded, updated, unchanged;
};

/*
 * Store every *.json form of dir (admin). All files are checked first; a
 * changed file replaces its form unless the form has reports (then
 * KH_E_CONFLICT naming it). Idempotent. Audited.
 */
int reports_forms_load(struct db *db, const struct actor *a, const char *dir,
    struct report_load_stats *stats, struct kh_err *err);
/* A stored form by code (forms are public rules: any actor). */
int reports_form_get(struct db *db, const struct actor *a, const char *code,
    struct report_form *out, struct kh_err *err);

/*
 * Assign a form to a unit kind for a period with a deadline (ISO date;
 * NULL: the form's default deadline). Admin. Replaces the deadline of an
 * existing assignment. Audited.
 */
int reports_assign(struct db *db, const struct actor *a, const char *form,
    const char *unit_kind, const char *period, const char *deadline,
    struct kh_err *err);

/* ---- Submissions ---- */

struct report_value_in {
	const char *field;
	const char *raw;	/* as typed ("1.500.000", "27,5", "có") */
};

struct report_problem {
	char field[64];		/* "" for a problem of the whole report */
	const char *msg;	/* English msgid with at most one %s */
	char arg[160];
};

struct report_problems {
	struct report_problem *items;
	size_t n, cap;
};

void report_problems_cleanup(struct report_problems *p);

struct report_value {
	char *field;
	char *raw;
	bool has_value;
	int64_t value;
	char *source;		/* "" when typed */
};

struct report_submission {
	int64_t id;
	char *form;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *period;
	char *state;
	int64_t approver_unit_id;	/* 0 until submitted */
	char *deadline;		/* or NULL */
	bool late;
	char *submitted_on;	/* or NULL */
	char *approved_on;	/* or NULL */
	char *comment;		/* the last return or reopen comment */
	struct report_value *values;	/* in the form's order */
	size_t n_values;
	int n_evidence;
};

void report_submission_cleanup(struct report_submission *s);

/*
 * Save values of the unit's report (created as a draft with the known
 * figures filled in when it does not exist). Always stores what was typed,
 * then checks every value and rule into *problems (may be NULL). 0 when
 * saved (even with problems); KH_E_CONFLICT when the report is submitted or
 * approved; KH_E_FORBIDDEN; KH_E_NOT_FOUND (form, unit); KH_E_INVALID
 * (unknown field, bad period; nothing saved).
 */
int reports_save(struct db *db, const struct actor *a, const char *form,
    int64_t unit_id, const char *period, const struct report_value_in *vals,
    size_t n, int64_t *sub_id, struct report_problems *problems,
    struct kh_err *err);

/* The report of a unit for a form and period (KH_E_NOT_FOUND when none). */
int reports_find(struct db *db, const struct actor *a, const char *form,
    int64_t unit_id, const char *period, int64_t *sub_id, struct kh_err *err);
int reports_get(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_submission *out, struct kh_err *err);

int reports_submit(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_problems *problems, struct kh_err *err);
int reports_approve(struct db *db, const struct actor *a, int64_t sub_id,
    const char *comment, struct kh_err *err);
/* comment / reason required (KH_E_INVALID when empty). */
int reports_return(struct db *db, const struct actor *a, int64_t sub_id,
    const char *comment, struct kh_err *err);
int reports_reopen(struct db *db, const struct actor *a, int64_t sub_id,
    const char *reason, struct kh_err *err);

#define REPORTS_EVIDENCE_MAX (10 * 1024 * 1024)

/* Attach a file to a draft or returned report (same rights as save). */
int reports_evidence_add(struct db *db, const struct actor *a, int64_t sub_id,
    const char *name, const char *content_type, const void *data, size_t size,
    int64_t *id, struct kh_err *err);

/* A file attached to a report (reports_evidence_add). */
struct report_evidence {
	int64_t id;
	int64_t submission_id;
	char *name;		/* the file's name as sent */
	char *content_type;	/* as sent; "application/octet-stream" if none */
	size_t size;		/* bytes */
	char *created_at;	/* ISO instant */
	char *actor;		/* login of who attached it */
	unsigned char *data;	/* only from reports_evidence_get */
};

struct report_evidence_list {
	struct report_evidence *items;
	size_t n, cap;
};

void report_evidence_cleanup(struct report_evidence *e);
void report_evidence_list_cleanup(struct report_evidence_list *l);

/*
 * The files attached to a report, oldest first, without their data.
 * Everyone who may read the report may list them: the unit's scope and the
 * approving level's (KH_E_FORBIDDEN otherwise).
 */
int reports_evidence_list(struct db *db, const struct actor *a,
    int64_t sub_id, struct report_evidence_list *out, struct kh_err *err);

/*
 * One file of report sub_id with its data (same readers as the list).
 * KH_E_NOT_FOUND when no file has that id or the file belongs to another
 * report, so that a file cannot be opened through a report it is not on.
 */
int reports_evidence_get(struct db *db, const struct actor *a, int64_t sub_id,
    int64_t id, struct report_evidence *out, struct kh_err *err);

struct report_transition {
	char *at, *action, *from_state, *to_state, *actor, *comment;
};

struct report_history {
	struct report_transition *items;
	size_t n, cap;
};

void report_history_cleanup(struct report_history *h);
int reports_history(struct db *db, const struct actor *a, int64_t sub_id,
    struct report_history *out, struct kh_err *err);

/* ---- Consolidation ---- */

struct report_row {
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *unit_kind;
	bool total;		/* the asked unit itself */
	bool own;		/* its own approved report was used */
	int n_reports;		/* approved reports summed into the row */
	bool share_applied;	/* some figure came through a share */
	char *share_note;	/* which old units were split, or "" */
	int64_t *values;	/* per form field */
	bool *has;		/* per form field: a value exists */
	char **texts;		/* per form field: text of an own report, or NULL */
};

struct report_consolidated {
	struct report_form form;
	struct report_period period;
	char structure[4];	/* REPORT_OLD or REPORT_NEW */
	struct report_row *rows;	/* the unit (total) first, then its children */
	size_t n;
};

void report_consolidated_cleanup(struct report_consolidated *c);

/*
 * The consolidated report of unit_code for a form and period, under
 * structure (REPORT_OLD, REPORT_NEW, or NULL: the structure in force on the
 * period's last day). The code is looked up in that structure
 * (KH_E_NOT_FOUND when it has no such unit). Rows: the unit, then each of
 * its territorial children in that structure.
 */
int reports_consolidate(struct db *db, const struct actor *a,
    const char *form, const char *unit_code, const char *period,
    const char *structure, struct report_consolidated *out,
    struct kh_err *err);

/* Forget the consolidations this process keeps (reports_consolidate keeps
 * the last ones it computed until a change makes them stale; benchmarks
 * clear them to measure the computation). */
void reports_cache_clear(void);

/* Set the administrator's share of old_code's figures carried to new_code
 * (basis points 0..10000; the shares of one old commune may not exceed
 * 10000). Admin. Audited. */
int reports_share_set(struct db *db, const struct actor *a,
    const char *old_code, const char *new_code, int share_bp,
    const char *note, struct kh_err *err);

/* ---- Exports of a consolidated report (export.c) ---- */

struct buf;
struct json_t;

/* A value of field f as text: numbers plain, percentages x100 with a '.'
 * decimal point ("27.5"); "" when !has. */
void reports_value_str(const struct report_field *f, bool has, int64_t v,
    char *out, size_t outsz);

/*
 * Append c to out as CSV (RFC 4180, UTF-8, no byte-order mark; lines end
 * in CRLF when crlf, else LF): a header "section,code,title,<unit>...",
 * one row per field by code, then the rows "_reports" (approved reports
 * counted) and "_shares" (shares applied). lang translates the two labels.
 */
void reports_export_csv(const struct report_consolidated *c, const char *lang,
    bool crlf, struct buf *out);

/* c as a JSON object (a new reference): form, period, structure, basis,
 * fields (code, section, kind, title_vi, title_en, source: REPORT_SRC_* or
 * null) and rows (unit, name, kind, total,
 * own, reports, share_applied, shares, values by field code; a percentage
 * as a real, nothing known as null). */
struct json_t *reports_export_json(const struct report_consolidated *c,
    const char *lang);

/* c as .xlsx at path in the form's layout: a title row merged across the
 * columns, a header row (section, code, indicator, then each unit), each
 * section headed by a row merged across the columns ("I. Tổ chức"), one row
 * per field with numbers as numbers. doc_xlsx()'s errors. */
int reports_export_xlsx(const struct report_consolidated *c,
    const char *path, struct kh_err *err);

/* c as a PDF report in the official format (Decree 30/2020) at path; more
 * than five units print the total only. doc_pdf()'s errors. */
int reports_export_pdf(const struct report_consolidated *c, const char *path,
    struct kh_err *err);

/* Where the share in force comes from (REPORT_SHARE_RULE, in order). */
#define REPORT_SHARE_ADMIN "admin"	/* 1. reports_share_set */
#define REPORT_SHARE_DATA "data"	/* 2. share_pct of the succession */
#define REPORT_SHARE_WHOLE "full"	/* 3. a whole merge */
#define REPORT_SHARE_DEFAULT "rule"	/* 3. the equal split of the rest */

struct report_share_pair {
	char *old_code, *old_name;
	char *new_code, *new_name;
	bool partial;		/* this pair is a partial succession */
	int share_bp;		/* the share in force, basis points */
	const char *origin;	/* REPORT_SHARE_* */
	char *note;		/* the administrator's note, or "" */
	char *set_by, *set_at;	/* the administrator's, or "" */
};

struct report_share_list {
	struct report_share_pair *items;
	size_t n, cap;
};

void report_share_list_cleanup(struct report_share_list *l);

/*
 * The communes of province_code (old structure) that were merged in part
 * into a new commune, each with every successor and the share
 * in force per pair, computed as REPORT_SHARE_RULE computes it, by old
 * code then new code. Admin (shares are set by administrators only).
 */
int reports_shares_list(struct db *db, const struct actor *a,
    const char *province_code, struct report_share_list *out,
    struct kh_err *err);

/* ---- Completeness and timeliness ---- */

struct report_status {
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	char *state;		/* a state, or "missing" */
	char *submitted_on;	/* or NULL */
	bool late;		/* submitted after the deadline, or missing
				   after it */
};

struct report_status_list {
	struct report_status *items;
	size_t n, cap;
	char deadline[11];	/* "" when the form is not assigned */
	int expected, submitted, approved, late, missing;
};

void report_status_list_cleanup(struct report_status_list *l);

/* Every unit of the form's kinds under unit_code (in structure) with the
 * state of its report, the deadline from the assignment. */
int reports_completeness(struct db *db, const struct actor *a,
    const char *form, const char *unit_code, const char *period,
    const char *structure, struct report_status_list *out,
    struct kh_err *err);

/* ---- Indicators ---- */

/*
 * An indicator (one JSON file in data/indicators) is numerator / denominator x factor
 * over the fields of a consolidated form; targets per unit (code) or per
 * unit kind and period year. Values are in hundredths (x100).
 */
struct report_indicator_row {
	char *code;
	char *title_vi;
	char *title_en;
	char *unit;		/* of the value: "%", or "" for a count */
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	bool total;		/* the asked unit itself */
	int64_t numerator;
	int64_t denominator;	/* 0 with has_den false: a plain count */
	bool has_den;
	int64_t factor;
	bool has_value;		/* false when the denominator is 0 */
	int64_t value_x100;
	bool has_target;
	char *target_op;	/* ">=" ... */
	int64_t target_x100;
	int met;		/* 1, 0, or -1 when no target or no value */
	bool verified;		/* the target's figure is confirmed */
	bool share_applied;
	char *share_note;	/* the consolidation's note: "11344: 50%" per
				   old unit split into this row, or "" */
	char *source;		/* where the target comes from */
};

struct report_indicators {
	struct report_indicator_row *items;
	size_t n, cap;
	char structure[4];
	void *strings;		/* the rows' strings live here, a few blocks
				   freed by report_indicators_cleanup */
};

void report_indicators_cleanup(struct report_indicators *l);

/* Store every *.json indicator of dir (admin). Idempotent. */
int reports_indicators_load(struct db *db, const struct actor *a,
    const char *dir, struct report_load_stats *stats, struct kh_err *err);

/* Every indicator whose form is filed for the period's kind, for the unit
 * and each of its children in the structure. */
int reports_indicators(struct db *db, const struct actor *a,
    const char *unit_code, const char *period, const char *structure,
    struct report_indicators *out, struct kh_err *err);
/* The same, the unit's own rows only (the totals): what a series over the
 * years needs, without a row per child. */
int reports_indicators_totals(struct db *db, const struct actor *a,
    const char *unit_code, const char *period, const char *structure,
    struct report_indicators *out, struct kh_err *err);

/* A target's comparison as printed: ">=" -> "≥", "<=" -> "≤", "=" -> "=". */
const char *reports_op_symbol(const char *op);

/* Value x100 as text: 2750 -> "27.5", 1000 -> "10". */
void reports_x100_str(int64_t x100, char *out, size_t outsz);

/* ---- Forms and targets administered in the browser ---- */

/*
 * Check the JSON text of one form (reports_form_parse) and store it (admin):
 * a new form is added; a changed one replaces the stored form unless a unit
 * has a report on it (KH_E_CONFLICT naming it: give the changed form a new
 * code); the same text changes nothing. code (may be NULL) receives the
 * form's code once the text parses. Adds to *stats (not zeroed: the
 * directory loader counts with it). One transaction, nested in the
 * caller's when one is open. Audited ("load" for a new form, "replace").
 */
int reports_form_store(struct db *db, const struct actor *a, const char *text,
    char code[48], struct report_load_stats *stats, struct kh_err *err);

/* A target of an indicator for one unit and period, as an administrator
 * sets it. */
struct report_target_in {
	const char *indicator;	/* the indicator's code */
	const char *unit;	/* a unit code (either structure) */
	const char *period;	/* reports_period_parse */
	const char *op;		/* ">=", "<=" or "=" */
	const char *value;	/* "27,5", "27.5", "10" (not below 0) */
	const char *source;	/* where the figure comes from, or NULL */
	bool verified;		/* the figure is confirmed */
};

/*
 * Set the target of an indicator for a unit and period (admin): replaces
 * the target for the same unit and period, else adds one. The target is
 * kept in the indicator's stored JSON with the administrator's login
 * ("set_by"). KH_E_NOT_FOUND for an unknown indicator or unit; KH_E_INVALID
 * for a bad period, comparison or value. Audited; the kept consolidations
 * are let go (reports_cache_clear's generation), so a dashboard shows the
 * new target at once.
 */
int reports_target_set(struct db *db, const struct actor *a,
    const struct report_target_in *t, struct kh_err *err);
/* Remove the target of an indicator for a unit and period (admin);
 * KH_E_NOT_FOUND when there is none. Audited. */
int reports_target_remove(struct db *db, const struct actor *a,
    const char *indicator, const char *unit, const char *period,
    struct kh_err *err);

#endif
