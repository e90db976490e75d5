/*
 * doc.h - printed documents in the official administrative format (Decree
 * 30/2020/NĐ-CP, Appendix I) as PDF, and lists as .xlsx.
 *
 * A document is described, not drawn: header block, number and date, title,
 * legal bases, body paragraphs and tables, signature block and distribution
 * list. doc_pdf() lays it out on A4 with pango and cairo in Liberation Serif
 * (metric-compatible with Times New Roman, full Vietnamese), embedded, with
 * the decree's margins, sizes and page numbers.
 */
#ifndef KH_IO_DOC_H
#define KH_IO_DOC_H

#include <stddef.h>

#include "core/err.h"

enum doc_block_kind {
	DOC_PARA,	/* justified paragraph, first-line indent */
	DOC_HEADING,	/* bold section heading ("I. MỤC ĐÍCH, YÊU CẦU") */
	DOC_ITEM,	/* "- " or "+ " item, hanging indent */
	DOC_TABLE,	/* a table with a header row */
	DOC_CENTER,	/* centred line (certificate body) */
};

struct doc_table {
	size_t ncols;
	const char *const *header;	/* ncols titles */
	const double *widths;		/* ncols relative widths, or NULL */
	size_t nrows;
	const char *const *cells;	/* nrows * ncols, row-major */
};

struct doc_block {
	enum doc_block_kind kind;
	const char *text;		/* DOC_PARA, DOC_HEADING, DOC_ITEM, DOC_CENTER */
	int bold, italic;		/* for DOC_PARA and DOC_CENTER */
	double size;			/* points; 0 = the body size (14) */
	const struct doc_table *table;	/* DOC_TABLE */
};

struct doc {
	const char *supervisor;		/* "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" or NULL */
	const char *issuer;		/* "HỘI KHUYẾN HỌC PHƯỜNG LÊ CHÂN" */
	const char *number;		/* "Số: 12/QĐ-HKH" */
	const char *place;		/* "Hải Phòng" */
	const char *date;		/* ISO date; printed "ngày 02 tháng 9 năm 2023" */
	const char *type;		/* "QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN", ... */
	const char *summary;		/* the summary title under the type, or NULL */
	const char *const *bases;	/* "Căn cứ ...;" lines, NULL-terminated, or NULL */
	const struct doc_block *blocks;
	size_t nblocks;
	const char *const *sign_authority; /* "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", NULL-terminated */
	const char *signer;		/* full name */
	const char *const *recipients;	/* "Nơi nhận:" lines, NULL-terminated, or NULL */
	int landscape;			/* wide tables */
};

/* Write d as a PDF file. */
int doc_pdf(const struct doc *d, const char *path, struct kh_err *err);

/* The date as written in running text: "ngày 02 tháng 9 năm 2023" (Decree 30:
 * day below 10 and months 1-2 with a leading zero). */
void doc_date_words(const char *iso, char *out, size_t outsz);

/* An amount of đồng in words with a capital first letter:
 * 1500000 -> "Một triệu năm trăm nghìn đồng". */
void doc_money_words(long long dong, char *out, size_t outsz);

/* A list as .xlsx: a title row, a bold header row, one row per record; cells
 * that are numbers are written as numbers unless the column is marked text
 * (codes and ID numbers keep their leading zeros). */
struct doc_sheet {
	const char *title;		/* first row, merged across the columns */
	size_t ncols;
	const char *const *header;
	const int *text_cols;		/* ncols flags: 1 = always text; NULL = guess */
	size_t nrows;
	const char *const *cells;	/* nrows * ncols */
};

int doc_xlsx(const struct doc_sheet *s, const char *path, struct kh_err *err);

#endif
