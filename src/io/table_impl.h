/*
 * table_impl.h - what the parts of the table reader share: the reader
 * itself, the row being built, cell cleaning, the byte source, and the entry
 * points of the two formats (table_csv.c, table_xlsx.c).
 *
 * Not a public header: only src/io/table*.c include it.
 */
#ifndef KH_IO_TABLE_IMPL_H
#define KH_IO_TABLE_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "io/table.h"

struct table_csv;
struct table_xlsx;

/* Bytes of a file or of memory, read front to back. */
struct table_src {
	const unsigned char *mem;	/* memory source, or NULL */
	size_t len;			/* bytes at mem */
	size_t pos;			/* next byte to read at mem */
	FILE *f;			/* file source, or NULL */
};

struct table_reader {
	const char *format;		/* "csv" or "xlsx" */
	struct table_limits lim;
	struct buf data;		/* cells of the current row, NUL-separated */
	size_t *offs;			/* start of each materialised cell in data */
	const char **ptrs;		/* cells handed out in struct table_row */
	size_t n;			/* materialised cells */
	size_t cap;			/* room in offs and ptrs */
	size_t pending;			/* empty cells after the last materialised
					 * one, kept as a count so that trailing
					 * empty cells cost no memory */
	struct buf clean;		/* scratch for table_clean() */
	long row_no;			/* row being built */
	long nrows;			/* non-empty rows returned */
	int failed;			/* an error ended the reading */
	struct kh_err failure;		/* that error, repeated on later calls */
	struct table_csv *csv;
	struct table_xlsx *xlsx;
};

/* Size of the chunks read from files, zip entries and converters. */
#define TABLE_CHUNK (64 * 1024)

/*
 * Read up to n bytes: the count, 0 at the end, -1 on a read error (errno
 * set).
 */
long table_src_read(struct table_src *s, void *dst, size_t n);

/* Start a new row numbered row_no; forgets the previous row's cells. */
void table_row_begin(struct table_reader *r, long row_no);

/*
 * Add the next cell of the current row from s[0..len). With clean set the
 * text passes table_clean(); without, it is used as it is (already clean).
 * An empty cell only counts. Errors: KH_E_TOO_LARGE over max_cells or
 * max_cell_bytes, with err->row set.
 */
int table_row_cell(struct table_reader *r, const char *s, size_t len,
    int clean, struct kh_err *err);

/* Add n empty cells (columns skipped by a worksheet). */
void table_row_skip(struct table_reader *r, size_t n);

/*
 * End the current row: 1 and *row filled when it holds a non-empty cell,
 * 0 for an empty row, KH_E_TOO_LARGE past max_rows.
 */
int table_row_end(struct table_reader *r, struct table_row *row,
    struct kh_err *err);

/* KH_E_TOO_LARGE for a cell over max_cell_bytes in the current row. */
int table_fail_cell_size(struct table_reader *r, struct kh_err *err);

/*
 * Clean cell text into out (reset first): invalid UTF-8 sequences become
 * U+FFFD, control characters other than tab and newline are dropped, the
 * text is put in NFC and trimmed of spaces, tabs, newlines, no-break and
 * zero-width spaces at both ends. out->data is NUL-terminated afterwards.
 */
void table_clean(const char *s, size_t len, struct buf *out);

/*
 * Length of the valid UTF-8 sequence at p[0..n) and its code point in *cp,
 * or 0 when the bytes there are not valid UTF-8 (overlong forms and
 * surrogates included).
 */
size_t table_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * Decode the _xHHHH_ escapes with which Excel writes characters XML cannot
 * hold (a carriage return is "_x000D_", a literal "_x" is "_x005F_x"), in
 * place; returns the new length.
 */
size_t table_unescape_ooxml(char *s, size_t len);

/*
 * ISO date of an Excel serial day number (days since 1899-12-31 with the
 * fake 29 February 1900 of the 1900 system, or since 1904-01-01 in the 1904
 * system): 0, or -1 when the serial has no date (out of range, day 60 of
 * the 1900 system).
 */
int table_serial_to_iso(long serial, int date1904, char out[11]);

/*
 * The text of a number as a worksheet stores it ("<v>"), as a person would
 * write it: a whole number in exponent form ("1.23456789012E+11") becomes
 * its digits, exactly; a number with more than 15 significant digits
 * ("0.30000000000000004") is rounded to 15, as Excel shows it; anything
 * else is kept ("12.0" too). 1 and out filled, or 0 when s is not a number.
 */
int table_number_text(const char *s, size_t len, char *out, size_t outsz);

/* CSV: src is taken over (closed by table_csv_free). */
int table_csv_open(struct table_reader *r, struct table_src *src,
    struct kh_err *err);
int table_csv_next(struct table_reader *r, struct table_row *row,
    struct kh_err *err);
const char *table_csv_enc(const struct table_reader *r);
char table_csv_sep(const struct table_reader *r);
void table_csv_free(struct table_reader *r);

/* XLSX from a file (path) or from memory (mem, len). */
int table_xlsx_open(struct table_reader *r, const char *path,
    const void *mem, size_t len, struct kh_err *err);
int table_xlsx_next(struct table_reader *r, struct table_row *row,
    struct kh_err *err);
void table_xlsx_free(struct table_reader *r);

#endif
