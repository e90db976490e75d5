/*
 * table.h - reading the lists officials keep in Excel: .xlsx and .csv files,
 * row by row, in constant memory, whatever the size of the file.
 *
 * Every cell comes out as UTF-8 text in NFC. The format is recognised from
 * the content, not the name: a zip archive is read as .xlsx (first worksheet,
 * shared and inline strings, numbers, booleans, cached values of formulas,
 * date-formatted numbers turned into ISO dates), anything else as CSV
 * (UTF-8 with or without BOM, or CP1258 and Windows-1252 text converted to
 * UTF-8; ',' ';' or tab separators found from the first line; quoted fields
 * with doubled quotes and line breaks). Limits guard against zip bombs and
 * runaway rows: a file over them is refused with a clear error, not read.
 *
 * What cells hold, where files leave room for choice:
 *  - every cell is valid UTF-8 in NFC, without control characters other
 *    than tab and newline, trimmed of spaces (also no-break and zero-width
 *    ones) at both ends; invalid UTF-8 bytes become U+FFFD;
 *  - .xlsx booleans are "1" (TRUE) and "0" (FALSE), as Excel stores them;
 *    error values (#N/A, #REF!, #DIV/0!...) are "";
 *  - .xlsx numbers are the stored text, except that a whole number in
 *    exponent form ("1.23456789012E+11") is written as its digits and a
 *    number with more than 15 significant digits is rounded to 15 as Excel
 *    shows it ("0.30000000000000004" is "0.3"); "12.0" stays "12.0";
 *  - numbers in a date format (built-in 14-22, 27-36, 45-47, 50-58, or a
 *    custom code with d, y, or m without h and s) are ISO dates without the
 *    time of day, in the workbook's 1900 or 1904 date system;
 *  - CSV without a BOM is UTF-8 when it is valid UTF-8 (a few stray bytes
 *    among many valid sequences become U+FFFD), otherwise CP1258
 *    (Windows-1252 files are read as CP1258 too: the bytes cannot tell them
 *    apart); UTF-16 with a BOM (Excel's "Unicode Text") is read;
 *  - an .xls file, a password-protected workbook, a web page or a binary
 *    file is refused with a message that says what to do.
 */
#ifndef KH_IO_TABLE_H
#define KH_IO_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct table_limits {
	uint64_t max_unpacked;	/* bytes of XML unpacked from an .xlsx in all */
	uint32_t max_ratio;	/* unpacked / packed size of any zip entry
				 * (entries over 1 MiB; 0: not checked) */
	size_t max_cells;	/* cells in one row, up to the last non-empty */
	size_t max_cell_bytes;	/* bytes in one cell, as read */
	long max_rows;		/* non-empty rows in the sheet */
};

/* 1 GiB unpacked, ratio 200, 512 cells, 32 KiB per cell, 5,000,000 rows. */
extern const struct table_limits table_default_limits;

struct table_row {
	long row_no;		/* the row's number as the sheet shows it (1-based);
				 * for CSV, the line number where the record starts */
	size_t n;		/* cells in this row (trailing empty cells dropped) */
	const char *const *cells; /* n NUL-terminated strings, "" when empty;
				 * valid until the next table_next() */
};

struct table_reader;

/*
 * Open a file. lim NULL means table_default_limits. Errors: KH_E_IO (cannot
 * read), KH_E_INVALID (not a spreadsheet, corrupt or truncated zip, no
 * worksheet), KH_E_TOO_LARGE (over a limit).
 */
int table_open(const char *path, const struct table_limits *lim,
    struct table_reader **out, struct kh_err *err);

/* The same over bytes in memory (an upload); the bytes must outlive the reader. */
int table_open_mem(const void *data, size_t len, const struct table_limits *lim,
    struct table_reader **out, struct kh_err *err);

/*
 * Next non-empty row: 1 and *row filled, 0 at the end, or a negative KH_E_*
 * (a truncated or malformed file, a row over a limit) with err->row set.
 */
int table_next(struct table_reader *r, struct table_row *row,
    struct kh_err *err);

/*
 * "xlsx" or "csv"; for CSV also what was found: the encoding ("UTF-8",
 * "CP1258", "UTF-16LE", "UTF-16BE") and separator (',' ';' or '\t', or the
 * one an Excel "sep=" first line names). For .xlsx "" and '\0'.
 */
const char *table_format(const struct table_reader *r);
const char *table_csv_encoding(const struct table_reader *r);	/* "UTF-8", "CP1258", ... */
char table_csv_separator(const struct table_reader *r);

void table_close(struct table_reader *r);

/*
 * Header mapping shared by every import. A field is known by the search keys
 * (vn_search_key: no diacritics, lower case) of the headers it may have, in
 * any column order: {"ho va ten", "ho ten", "ten"}.
 */
struct table_field {
	const char *key;		/* the program's name for the field */
	const char *const *aliases;	/* NULL-terminated header search keys */
	int required;			/* the import cannot run without it */
};

/*
 * Find each field's column in a header row: col[i] = column of fields[i] or
 * -1. Headers and aliases are compared as search keys, so case, diacritics
 * and punctuation ("Họ và tên (*)", "Giới tính:") do not matter; a field
 * takes the column of its first alias found. A missing required field
 * (N_("The column %s is missing.") with its first alias, err->field its
 * key) or a header claimed by two fields is KH_E_INVALID naming the field.
 */
int table_map_header(const struct table_row *header,
    const struct table_field *fields, int nfields, int *col,
    struct kh_err *err);

/*
 * Cell parsers for the messy values of real lists. Each returns 0, or
 * KH_E_INVALID with a translated reason (msgid) in err.
 *
 * table_parse_date: "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy",
 * ISO "yyyy-mm-dd", an Excel serial number ("36526" or "36526.0"), or a year
 * alone ("1985", then *year_only = 1 and out = "1985-01-01"). A time of day
 * after the date is ignored; years run from 1800 to 2199; a 4-digit number
 * from 1900 to 2100 is a year, not a serial. year_only may be NULL.
 */
int table_parse_date(const char *cell, char out[11], int *year_only,
    struct kh_err *err);

/*
 * A CCCD (12 digits) or old CMND (9 digits) number: spaces, dots and a
 * leading apostrophe removed; a number that lost its leading zeros to Excel
 * (10 or 11 digits, or written like "1.23456789E+10") is padded back to 12.
 */
int table_parse_id_number(const char *cell, char out[13], struct kh_err *err);

/*
 * Male/female from "Nam", "Nữ", "nu", "M", "F", "male", "female", "1", "0":
 * 'M' or 'F'. Digits follow the forms' coding: 1 is Nam; 0 and 2 (the
 * census code) are Nữ.
 */
int table_parse_sex(const char *cell, char *out, struct kh_err *err);

#endif
