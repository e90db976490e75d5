/*
 * units_impl.h - what units.c, org.c and import.c share. Private to
 * src/units/.
 */
#ifndef KH_UNITS_IMPL_H
#define KH_UNITS_IMPL_H

#include "core/date.h"
#include "units/units.h"

/*
 * The columns unit_from_row() reads, in its order, for a unit u joined to
 * its parent p (LEFT JOIN: the country has none). Queries append their own
 * columns after these.
 */
#define UNIT_COLS \
	"u.id, u.code, u.name, u.kind, u.type_name, COALESCE(u.parent_id, 0)," \
	" COALESCE(p.code, ''), COALESCE(p.name, ''), u.valid_from, u.valid_to," \
	" u.address, u.note"
#define UNIT_NCOLS 12
#define UNIT_JOIN_PARENT " LEFT JOIN units p ON p.id = u.parent_id"

/* SQL: the unit U is in force on the date D (both SQL fragments). */
#define UNIT_VALID_ON(U, D) \
	"(" U ".valid_from <= " D " AND (" U ".valid_to IS NULL OR " U \
	".valid_to >= " D "))"

/* SQL: the rank of a kind: territorial units top down, then organisations. */
#define UNIT_KIND_RANK(K) \
	"(CASE " K " WHEN 'country' THEN 0 WHEN 'province' THEN 1" \
	" WHEN 'district' THEN 2 WHEN 'commune' THEN 3 ELSE 4 END)"

/* Fill u (which must be empty) from the UNIT_COLS of the current row. */
void unit_from_row(struct db_stmt *st, struct unit *u);

/* The unit with this id, whoever asks (callers check the scope):
 * KH_E_NOT_FOUND when there is none. */
int unit_load(struct db *db, int64_t id, struct unit *out,
    struct kh_err *err);

/* Append an empty unit to l and return it. */
struct unit *unit_list_add(struct unit_list *l);

/* Same rank as UNIT_KIND_RANK, in C. */
int units_kind_rank(const char *kind);

/* True for the kinds loaded from the official data. */
int units_kind_is_territorial(const char *kind);

/*
 * A date given by a caller (ISO or dd/mm/yyyy) into out; NULL or "" gives
 * today when want_today, else leaves out empty. KH_E_INVALID when it is not
 * a date, naming field.
 */
int units_date_arg(const char *in, bool want_today, char out[DATE_LEN],
    const char *field, struct kh_err *err);

#endif
