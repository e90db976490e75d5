/*
 * test_table_fix.h - fixtures for the table reader's tests, built at run
 * time: temporary files, .xlsx workbooks assembled with libzip from XML
 * strings, and a dump of every row as text for exact comparisons.
 */
#ifndef KH_TEST_TABLE_FIX_H
#define KH_TEST_TABLE_FIX_H

#include <stddef.h>

#include "io/table.h"

/* A part of a zip: its name and contents (NUL-terminated unless len). */
struct tt_part {
	const char *name;
	const char *data;
	size_t len;		/* 0: strlen(data) */
};

/* A new empty temporary file's path (malloc'd); remove with tt_drop(). */
char *tt_temp(const char *suffix);
void tt_drop(char *path);

/* Write bytes to path. */
void tt_write(const char *path, const void *data, size_t len);

/* Read a whole file (malloc'd) and its length. */
char *tt_slurp(const char *path, size_t *len);

/* A zip of the given parts (NULL name ends the list). */
void tt_zip(const char *path, const struct tt_part *parts);

/*
 * A workbook with one sheet whose <sheetData> holds rows_xml; sst_xml and
 * styles_xml are the inner XML of <sst> and <styleSheet> (NULL: no part).
 */
void tt_xlsx(const char *path, const char *rows_xml, const char *sst_xml,
    const char *styles_xml, int date1904);

/*
 * Every row as "row_no:cell|cell|...\n" (malloc'd); *rc gets the last
 * table_next() result and err its error.
 */
char *tt_dump(struct table_reader *r, int *rc, struct kh_err *err);

/* Open path (or its bytes, when mem) and dump it; NULL when open fails. */
char *tt_read(const char *path, const struct table_limits *lim, int mem,
    int *rc, struct kh_err *err);

/* Convert UTF-8 text to another encoding with iconv (malloc'd). */
char *tt_iconv(const char *to, const char *utf8, size_t *len);

/* Live heap bytes (glibc), or 0 where it cannot be measured (sanitizers). */
size_t tt_heap(void);

#endif
