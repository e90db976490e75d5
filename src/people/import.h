/*
 * import.h - importing lists of residents from .xlsx or .csv files.
 *
 * The usual Vietnamese headers are recognised in any order, with or without
 * diacritics (STT, Họ và tên, Ngày sinh, Giới tính, Số CCCD/CMND, Quan hệ với
 * chủ hộ, Mã hộ/Số hộ, Thôn/Tổ dân phố, Số điện thoại). Every row is checked;
 * a refused row is reported with its row number, its column and the reason,
 * and can be written back as an .xlsx with a reason column. The user chooses
 * all-or-nothing (one refused row keeps the whole file out) or good rows only.
 * Re-importing the same file changes nothing: a person is matched by CCCD,
 * else by name, birth date and household.
 */
#ifndef KH_PEOPLE_IMPORT_H
#define KH_PEOPLE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

enum people_import_mode {
	PEOPLE_IMPORT_ALL = 0,		/* all rows or none */
	PEOPLE_IMPORT_GOOD_ROWS = 1,	/* the good rows, refused ones reported */
};

/* One refused row. */
struct people_import_problem {
	long row;		/* row number in the file */
	char column[64];	/* the header of the offending column, or "" */
	struct kh_err err;	/* the reason (translated when shown) */
	char **cells;		/* the row as read */
	size_t ncells;
};

struct people_import_result {
	long read;		/* data rows read */
	long imported;		/* new people recorded */
	long updated;		/* existing people whose record changed */
	long unchanged;		/* rows matching a record as it is */
	long refused;		/* rows refused */
	bool committed;		/* the changes were kept */
	char format[8];		/* "xlsx" or "csv" */
	char **header;		/* the header row as read */
	const char **header_field; /* per header column: the field it was
				 * read as ("full_name", ...) or NULL */
	size_t nheader;
	struct people_import_problem *problems;
	size_t nproblems, cap;
};

void people_import_result_cleanup(struct people_import_result *r);

/*
 * Import the file at path into the subtree of unit_id (officer and above in
 * scope). A village column names a village or residential group under the
 * unit by code or by name; without it people go into the unit itself. With
 * dry_run nothing is kept and the result says what would happen. Returns 0
 * when the file could be read to its end (even with refused rows: see
 * result->refused), or an error for the file as a whole.
 */
int people_import_file(struct db *db, const struct actor *a, int64_t unit_id,
    const char *path, enum people_import_mode mode, bool dry_run,
    struct people_import_result *result, struct kh_err *err);

/* The same for an uploaded file held in memory. */
int people_import_mem(struct db *db, const struct actor *a, int64_t unit_id,
    const void *data, size_t len, enum people_import_mode mode, bool dry_run,
    struct people_import_result *result, struct kh_err *err);

/*
 * Write the refused rows as .xlsx: the original header plus a "Dòng" (row)
 * and a "Lý do" (reason) column, reasons in lang. Fix them and import this
 * file again.
 */
int people_import_errors_xlsx(const struct people_import_result *r,
    const char *lang, const char *path, struct kh_err *err);

#endif
