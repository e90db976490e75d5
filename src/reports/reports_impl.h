/*
 * reports_impl.h - what the files of src/reports/ share. Private to the
 * module.
 */
#ifndef KH_REPORTS_IMPL_H
#define KH_REPORTS_IMPL_H

#include <jansson.h>

#include "core/date.h"
#include "reports/reports.h"

/* A copy of a text column, "" for NULL. */
char *reports_col_str(struct db_stmt *st, int col);
/* Decimal text of an id. */
void reports_id_str(int64_t id, char out[24]);

/* Read a whole file (NUL-terminated, malloc'd), or NULL with err set. */
char *reports_read_file(const char *path, struct kh_err *err);

/* The names of the *.json files of dir, sorted; *n of them. */
int reports_json_files(const char *dir, char ***names, size_t *n,
    struct kh_err *err);

/* Load a stored form by id whoever asks (forms are public rules). */
int reports_form_load_id(struct db *db, int64_t id, struct report_form *out,
    struct kh_err *err);

/*
 * The structure a unit belongs to ("old": its validity ends before the
 * restructuring; "new": it starts on or after it; "" for units of both, the
 * country and organisations without dates).
 */
const char *reports_unit_structure(const char *valid_from,
    const char *valid_to);

/* Resolve structure (NULL: the one in force on the period's last day) and
 * the date that names units in it. */
int reports_structure_resolve(const char *structure,
    const struct report_period *p, char out[4], char on[11],
    struct kh_err *err);

/* Parse a typed value of a field into *v (*has false for empty). A
 * problem's msgid, or NULL when the value is valid. */
const char *reports_value_parse(const struct report_field *f,
    const char *raw, int64_t *v, bool *has);

/* Recompute computed percentages of values[] / has[] (per field). */
void reports_recompute(const struct report_form *f, int64_t *values,
    bool *has);

/*
 * Consolidations kept in the process (cache.c). reports_generation_bump
 * sets the generation to a new number; every change that can alter a
 * consolidated figure calls it inside its transaction. reports_cache_token
 * reads what a kept consolidation is valid for into *token (malloc'd), or
 * leaves it NULL when nothing may be kept now (inside a transaction, units
 * changed a moment ago). reports_cache_get fills c->rows and c->n (c->form
 * already loaded) from a consolidation kept under key and token; false when
 * there is none. reports_cache_put keeps a copy of c's rows.
 */
int reports_generation_bump(struct db *db, struct kh_err *err);
int reports_cache_token(struct db *db, char **token, struct kh_err *err);
bool reports_cache_get(const char *key, const char *token,
    struct report_consolidated *c);
void reports_cache_put(const char *key, const char *token,
    const struct report_consolidated *c);

#endif
