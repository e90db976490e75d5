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
	DOC_CENTER_CAPS, /* centred line printed in capitals whatever the
			   text's case (the issuing body heading a
			   certificate); a kind rather than a field, so that
			   positional initialisers of doc_block stay whole */
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
	const char *text;		/* DOC_PARA, DOC_HEADING, DOC_ITEM, DOC_CENTER* */
	int bold, italic;		/* for DOC_PARA, DOC_ITEM and DOC_CENTER* */
	double size;			/* points; 0 = the body size (14), or 13
					 * for DOC_TABLE */
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

/*
 * Write d as a PDF file at path, replaced whole when complete (a temporary
 * file is renamed over it; mode 0600). Bodies, types and authority lines are
 * printed in capitals whatever their case; "Số: " is added to a number that
 * lacks it; a NULL or invalid date leaves "ngày ... tháng ... năm ..." blank
 * for the signer to fill in. Errors: KH_E_INVALID when a text is not valid
 * UTF-8 (err->field names which) or a table has no header; KH_E_IO when the
 * file cannot be written or the font is not installed.
 */
int doc_pdf(const struct doc *d, const char *path, struct kh_err *err);

/*
 * Write several documents into one PDF file at path, in order: a decision
 * followed by its attached list, or one certificate per recognised
 * household. Each document starts on a new sheet of its own orientation and
 * is laid out exactly as doc_pdf() would lay it out alone (its page numbers
 * start again, none on its first page). The file's metadata come from the
 * first document. Nothing is written unless every document is valid; the
 * errors are doc_pdf()'s, and KH_E_INVALID when n is 0.
 */
int doc_pdf_many(const struct doc *const *docs, size_t n, const char *path,
    struct kh_err *err);

/*
 * Release pango's default font map of the calling thread at exit. The
 * caches of cairo and fontconfig are left to the end of the process:
 * cairo_debug_reset_static_data() and FcFini() assert and abort the process
 * when a font is still referenced, which happened at exit under load
 * (pango loads fonts from a thread of its own). Fontconfig keeps them behind
 * offset-encoded pointers that LeakSanitizer reports as leaks, so the
 * sanitizer stages suppress those (tests/lsan.supp). Call it once at exit,
 * after every other thread that rendered a document has ended; doc_pdf()
 * still works afterwards.
 */
void doc_shutdown(void);

/* The date as written in running text: "ngày 02 tháng 9 năm 2023" (Decree 30:
 * day below 10 and months 1-2 with a leading zero). */
void doc_date_words(const char *iso, char *out, size_t outsz);

/* An amount of đồng in words with a capital first letter:
 * 1500000 -> "Một triệu năm trăm nghìn đồng", 0 -> "Không đồng"; a negative
 * amount is written with "Âm" in front ("Âm năm trăm nghìn đồng"). Output
 * longer than outsz is cut between letters. */
void doc_money_words(long long dong, char *out, size_t outsz);

/*
 * The authority lines of a signature block (Decree 30, Appendix I, II.8),
 * derived from the issuing body and the signer's title, in capitals, into
 * out (NULL-terminated, at most three lines; each malloc'd, released with
 * doc_sign_authority_free). Returns the number of lines.
 *
 * A collective body signs "TM." (on behalf of) the collective's name
 * without its place or parent: "Ủy ban nhân dân phường Lê Chân" ->
 * "TM. ỦY BAN NHÂN DÂN"; likewise "Hội đồng nhân dân", "Ban Chấp hành",
 * "Ban Thường vụ", "Ban Chỉ đạo", "Ban Đại diện" and any "Hội đồng ...".
 * An association ("Hội Khuyến học phường Lê Chân", "Hội Cựu giáo chức
 * ...") decides through its executive committee: "TM. BAN CHẤP HÀNH".
 * Any other body (a school, a centre) is headed by one person: no "TM."
 * line. A deputy ("Phó Chủ tịch", "Phó Chủ tịch Thường trực", "Phó Hiệu
 * trưởng") signs "KT." for the head ("KT. CHỦ TỊCH", "KT. HIỆU TRƯỞNG"),
 * then their own title. Case and diacritics do not matter in the
 * recognition ("uỷ ban", "UBND" is not recognised: write the name out).
 */
size_t doc_sign_authority(const char *issuing_body, const char *title,
    char *out[4]);
void doc_sign_authority_free(char *out[4]);

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

/*
 * Write s as an .xlsx file at path (replaced whole when complete, mode 0600).
 * A cell is a number when it is entirely a plain decimal ("1500000",
 * "-20.5"; not "1.500.000", "007", or more than 15 digits) and its column is
 * not text. With text_cols NULL a column is text when its header names codes
 * or ID or phone numbers ("Mã", "CCCD", "CMND", "Số điện thoại", "SĐT", ...)
 * or a value has a leading zero. Errors: KH_E_INVALID (no columns, text not
 * valid UTF-8), KH_E_TOO_LARGE (more rows or columns than a sheet holds, a
 * cell over 32767 characters), KH_E_IO.
 */
int doc_xlsx(const struct doc_sheet *s, const char *path, struct kh_err *err);

/*
 * doc_xlsx() with band rows: bands (NULL, or nrows flags) marks the rows
 * that head a part of the list, such as the sections of a report form
 * ("I. Tổ chức"): such a row's first cell is written bold across every
 * column (the cells merged), its other cells are ignored, and the
 * autofilter and frozen header are unchanged. Same errors as doc_xlsx().
 */
int doc_xlsx_bands(const struct doc_sheet *s, const unsigned char *bands,
    const char *path, struct kh_err *err);

#endif
