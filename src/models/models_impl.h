/*
 * models_impl.h - what the files of src/models/ share. Private to the module.
 */
#ifndef KH_MODELS_IMPL_H
#define KH_MODELS_IMPL_H

#include <jansson.h>

#include "core/date.h"
#include "models/models.h"
#include "people/people.h"

/* The core of a registration, as the transitions need it. */
struct reg_core {
	int64_t id;
	char model[24];
	int year;
	char subject_kind[12];
	int64_t subject_id;
	int64_t unit_id;
	int subject_group;
	int64_t set_id;
	char state[16];
	bool achieved;
};

/* A copy of a text column (NULL for NULL). */
char *models_col_dup(struct db_stmt *st, int col);
/* A copy of a text column, "" for NULL. */
char *models_col_str(struct db_stmt *st, int col);
/* Decimal text of an id. */
void models_id_str(int64_t id, char out[24]);

/* Load a registration whoever asks (callers check the scope). */
int models_reg_load(struct db *db, int64_t id, struct reg_core *out,
    struct kh_err *err);

/* Load a stored set by id whoever asks (sets are public rules). */
int models_set_load(struct db *db, int64_t id, struct criteria_set *out,
    struct kh_err *err);

/* 0 when the actor's own scope unit is a commune or above (the level that
 * proposes and recognises), KH_E_FORBIDDEN otherwise. */
int models_need_commune_level(struct db *db, const struct actor *a,
    struct kh_err *err);

/*
 * The figure behind a ratio indicator for a registration: *num of *den
 * subjects recognised in the registration's year (see MODELS_SRC_*).
 * KH_E_INVALID when the source does not fit the subject.
 */
int models_ratio_compute(struct db *db, const struct reg_core *r,
    const char *source, int64_t *num, int64_t *den, struct kh_err *err);

/* Threshold of a ratio indicator at a level (levels scale), -1 when none. */
int64_t models_level_threshold(const struct criteria_item *it, int level);

/* Deadlines (no scope check; used inside transitions). */
int models_deadlines_for(struct db *db, int64_t unit_id, int year,
    const char *model, struct model_deadlines *out, struct kh_err *err);

/*
 * The "subject name" expression for a registration aliased r. A person's
 * name, and a household head's, follow the restriction rule of people.h:
 * W is the SQL parameter bound to people_name_scope(actor).
 */
#define MODELS_SUBJECT_NAME(W) \
	"(CASE r.subject_kind" \
	" WHEN 'person' THEN (SELECT " PEOPLE_NAME_SQL("sp", W) " FROM people sp" \
	"   WHERE sp.id = r.subject_id)" \
	" WHEN 'household' THEN (SELECT COALESCE((SELECT " PEOPLE_NAME_SQL("hp", W) \
	"   FROM people hp" \
	"   WHERE hp.household_id = sh.id AND hp.is_head = 1 ORDER BY hp.id LIMIT 1)," \
	"   sh.code) FROM households sh WHERE sh.id = r.subject_id)" \
	" WHEN 'clan' THEN (SELECT sc.name || CASE WHEN sc.branch <> '' THEN" \
	"   ' (' || sc.branch || ')' ELSE '' END FROM clans sc WHERE sc.id = r.subject_id)" \
	" ELSE (SELECT su.name FROM units su WHERE su.id = r.subject_id) END)"

/* Append a transition row and mark the registration late when the action
 * came after `deadline` (NULL: none). Inside the caller's transaction. */
int models_log_transition(struct db *db, const struct actor *a, int64_t reg_id,
    const char *action, const char *from, const char *to, const char *reason,
    const char *deadline, struct kh_err *err);

/* Audit an action on a registration (entity "registration"). */
int models_audit_reg(struct db *db, const struct actor *a,
    const struct reg_core *r, const char *action, const char *from,
    const char *to, json_t *extra, struct kh_err *err);

/*
 * Keep model_counts in step with a registration moving from `from` (NULL
 * for a new one) to `to`: models_counts_apply() with the difference, if any.
 * Called by every path that creates a registration or writes its state,
 * inside that path's transaction.
 */
int models_counts_move(struct db *db, const struct reg_core *r,
    const char *from, const char *to, struct kh_err *err);

/* Refusal for a state: "This registration is %s; it cannot be ... now." */
int models_wrong_state(struct kh_err *err, const struct actor *a,
    const char *msgid, const char *state);

#endif
