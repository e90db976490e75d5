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

#endif
