/*
 * The table reader on .xlsx workbooks: cell kinds, dates, finding the
 * sheet, a file from a real writer (libxlsxwriter), and damaged or hostile
 * zips.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/buf.h"
#include "io/table.h"
#include "test_table_fix.h"

static const char sst_xml[] =
    "<si><t>Họ và tên</t></si>"
    /* Rich text runs joined; the phonetic run left out. */
    "<si><r><t xml:space=\"preserve\">Nguyễn </t></r><r><rPr><b/></rPr>"
    "<t>Văn An</t></r><rPh sb=\"0\" eb=\"1\"><t>XX</t></rPh></si>"
    "<si><t>Ngày sinh</t></si>"
    "<si><t xml:space=\"preserve\">  spaced\xc2\xa0 </t></si>"
    "<si><t>Dòng 1_x000D_\nDòng 2</t></si>"
    "<si><t>Nguye\xcc\x82\xcc\x83n</t></si>";

static const char styles_xml[] =
    "<numFmts count=\"4\">"
    "<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"h:mm\"/>"
    "<numFmt numFmtId=\"167\" formatCode=\"0&quot; ngày&quot;\"/>"
    "<numFmt numFmtId=\"168\" formatCode=\"#,##0.00\"/>"
    "</numFmts>"
    /* Cell style formats are not cell formats: not counted. */
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"7\">"
    "<xf numFmtId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"14\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"165\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"167\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"22\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"168\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "</cellXfs>";

static const char rows_xml[] =
    "<row r=\"1\" spans=\"1:5\">"
    "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>2</v></c>"
    "<c r=\"C1\" t=\"inlineStr\"><is><t>Giới tính</t></is></c>"
    "<c r=\"E1\" t=\"inlineStr\"><is><r><t>Ghi </t></r><r><t>chú</t></r></is></c>"
    "</row>"
    "<row r=\"3\">"
    "<c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\" s=\"1\"><v>36526</v></c>"
    "<c r=\"C3\" t=\"inlineStr\"><is><t>Nam</t></is></c>"
    "<c r=\"D3\"><v>1.23456789012E+11</v></c>"
    "<c r=\"E3\" t=\"str\"><f>IF(1,\"Xong\",\"\")</f><v>Xong</v></c>"
    "</row>"
    "<row r=\"4\"><c r=\"A4\" s=\"1\"/><c r=\"B4\" t=\"s\"/></row>"
    "<row r=\"5\">"
    "<c r=\"A5\" t=\"s\"><v>5</v></c><c r=\"B5\" s=\"2\"><v>32874</v></c>"
    "<c r=\"C5\" s=\"3\"><v>0.5</v></c><c r=\"D5\" t=\"b\"><v>1</v></c>"
    "<c r=\"E5\" t=\"e\"><f>VLOOKUP(1,A1:A2,2)</f><v>#N/A</v></c>"
    "<c r=\"F5\"><f>1+2</f><v>3</v></c><c r=\"G5\" t=\"s\"><v>3</v></c>"
    "</row>"
    "<row r=\"6\">"
    "<c r=\"A6\"><v>0.30000000000000004</v></c><c r=\"B6\"><v>12.0</v></c>"
    "<c r=\"C6\" s=\"4\"><v>5</v></c><c r=\"D6\" s=\"5\"><v>36526.5</v></c>"
    "<c r=\"E6\" t=\"s\"><v>4</v></c><c r=\"F6\"><v>-1.5E-3</v></c>"
    "<c r=\"G6\" s=\"6\"><v>1234.5</v></c>"
    "<c r=\"H6\" t=\"d\"><v>2020-05-06T00:00:00</v></c>"
    "<c r=\"I6\" t=\"b\"><v>0</v></c>"
    "</row>"
    "<row><c><v>1</v></c><c><v>2</v></c></row>";

static const char rows_want[] =
    "1:Họ và tên|Ngày sinh|Giới tính||Ghi chú\n"
    "3:Nguyễn Văn An|2000-01-01|Nam|123456789012|Xong\n"
    "5:Nguyễn|1990-01-01|0.5|1||3|spaced\n"
    "6:0.3|12.0|5|2000-01-01|Dòng 1\nDòng 2|-0.0015|1234.5|2020-05-06|0\n"
    "7:1|2\n";

/* Read path both ways, expecting success and the same rows. */
static char *
xlsx_read(const char *path, const struct table_limits *lim)
{
	struct kh_err err = KH_ERR_INIT;
	char *a, *b;
	int rc;

	a = tt_read(path, lim, 0, &rc, &err);
	cr_assert_eq(rc, 0, "read: %s [%s] %s", err.msg ? err.msg : "",
	    err.arg, err.detail);
	b = tt_read(path, lim, 1, &rc, &err);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(a, b);
	free(b);
	return a;
}

/* Read path both ways, expecting the error kind; returns the message. */
static const char *
xlsx_refused(const char *path, const struct table_limits *lim, int kind,
    struct kh_err *err)
{
	struct kh_err err2 = KH_ERR_INIT;
	int rc, rc2;

	free(tt_read(path, lim, 0, &rc, err));
	cr_assert_eq(rc, kind, "file: %d (%s) wanted %d", rc,
	    err->msg ? err->msg : "", kind);
	free(tt_read(path, lim, 1, &rc2, &err2));
	cr_assert_eq(rc2, kind, "memory: %d (%s)", rc2,
	    err2.msg ? err2.msg : "");
	cr_assert_not_null(err->msg);
	return err->msg;
}

Test(table, xlsx_cells)
{
	char *path = tt_temp(".xlsx"), *out;
	struct table_reader *r;
	struct kh_err err = KH_ERR_INIT;

	tt_xlsx(path, rows_xml, sst_xml, styles_xml, 0);
	out = xlsx_read(path, NULL);
	cr_assert_str_eq(out, rows_want);
	free(out);
	cr_assert_eq(table_open(path, NULL, &r, &err), 0);
	cr_assert_str_eq(table_format(r), "xlsx");
	cr_assert_str_eq(table_csv_encoding(r), "");
	cr_assert_eq(table_csv_separator(r), '\0');
	table_close(r);
	tt_drop(path);
}

Test(table, xlsx_date1904)
{
	char *path = tt_temp(".xlsx"), *out;

	tt_xlsx(path, "<row r=\"2\"><c r=\"B2\" s=\"1\"><v>0</v></c>"
	    "<c r=\"C2\" s=\"2\"><v>35064</v></c><c r=\"D2\"><v>35064</v></c>"
	    "</row>", NULL, styles_xml, 1);
	out = xlsx_read(path, NULL);
	cr_assert_str_eq(out, "2:|1904-01-01|2000-01-01|35064\n");
	free(out);
	tt_drop(path);
}

Test(table, xlsx_first_visible_sheet_found_through_relationships)
{
	/* A hidden sheet first, a chart sheet, then the list in a part that
	 * is not sheet1.xml, with an absolute target and prefixed XML. */
	static const char wb[] =
	    "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
	    " xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	    "<x:sheets>"
	    "<x:sheet name=\"Cấu hình\" sheetId=\"3\" state=\"hidden\" rel:id=\"rId3\"/>"
	    "<x:sheet name=\"Biểu đồ\" sheetId=\"4\" rel:id=\"rId4\"/>"
	    "<x:sheet name=\"DS\" sheetId=\"1\" rel:id=\"rId1\"/>"
	    "</x:sheets></x:workbook>";
	static const char rels[] =
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/data/../lists/ds.xml\"/>"
	    "</Relationships>";
	static const char hidden[] =
	    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>hidden</t></is></c></row></sheetData></worksheet>";
	static const char ds[] =
	    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>Thôn 1</x:t></x:is></x:c>"
	    "<x:c r=\"C1\"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>";
	const struct tt_part parts[] = {
		{"xl/workbook.xml", wb, 0},
		{"xl/_rels/workbook.xml.rels", rels, 0},
		{"xl/worksheets/sheet1.xml", hidden, 0},
		{"xl/chartsheets/sheet1.xml", "<chartsheet/>", 0},
		{"xl/lists/ds.xml", ds, 0},
		{NULL, NULL, 0},
	};
	char *path = tt_temp(".xlsx"), *out;

	tt_zip(path, parts);
	out = xlsx_read(path, NULL);
	cr_assert_str_eq(out, "1:Thôn 1||7\n");
	free(out);
	tt_drop(path);
}

Test(table, xlsx_falls_back_to_sheet1)
{
	const struct tt_part parts[] = {
		{"xl/workbook.xml", "<workbook><sheets/></workbook>", 0},
		{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"2\">"
		    "<c r=\"B2\"><v>1</v></c></row></sheetData></worksheet>", 0},
		{NULL, NULL, 0},
	};
	char *path = tt_temp(".xlsx"), *out;

	tt_zip(path, parts);
	out = xlsx_read(path, NULL);
	cr_assert_str_eq(out, "2:|1\n");
	free(out);
	tt_drop(path);
}

Test(table, xlsx_not_a_workbook_or_no_sheet)
{
	const struct tt_part docx[] = {
		{"word/document.xml", "<document/>", 0},
		{NULL, NULL, 0},
	};
	const struct tt_part nosheet[] = {
		{"xl/workbook.xml", "<workbook/>", 0},
		{NULL, NULL, 0},
	};
	const struct tt_part dtd[] = {
		{"xl/workbook.xml", "<!DOCTYPE w [<!ENTITY a \"aaaa\">]><workbook/>", 0},
		{NULL, NULL, 0},
	};
	char *path = tt_temp(".xlsx");
	struct kh_err err = KH_ERR_INIT;

	tt_zip(path, docx);
	cr_assert_str_eq(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "This file is not an Excel workbook (.xlsx).");
	tt_zip(path, nosheet);
	cr_assert_str_eq(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "The workbook has no worksheet.");
	tt_zip(path, dtd);
	cr_assert_not_null(strstr(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "damaged"));
	tt_drop(path);
}

Test(table, xlsx_bad_xml_and_bad_shared_string)
{
	char *path = tt_temp(".xlsx");
	struct kh_err err = KH_ERR_INIT;

	tt_xlsx(path, "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c>",
	    NULL, NULL, 0);
	cr_assert_not_null(strstr(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "damaged"));
	tt_xlsx(path, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>9</v></c></row>",
	    sst_xml, NULL, 0);
	cr_assert_not_null(strstr(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "damaged"));
	tt_drop(path);
}

Test(table, xlsx_truncated_anywhere)
{
	char *path = tt_temp(".xlsx"), *bytes;
	struct kh_err err = KH_ERR_INIT;
	size_t len, cut;

	tt_xlsx(path, rows_xml, sst_xml, styles_xml, 0);
	bytes = tt_slurp(path, &len);
	tt_write(path, bytes, len / 2);
	cr_assert_not_null(strstr(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "damaged or incomplete"));
	for (cut = 4; cut < len; cut += 37) {
		struct table_reader *r;
		int rc;

		kh_err_clear(&err);
		rc = table_open_mem(bytes, cut, NULL, &r, &err);
		cr_assert_eq(rc, KH_E_INVALID, "cut at %zu: %d", cut, rc);
	}
	free(bytes);
	tt_drop(path);
}

Test(table, xlsx_corrupt_entry)
{
	struct buf rows = BUF_INIT;
	char *path = tt_temp(".xlsx"), *bytes, *hit;
	struct kh_err err = KH_ERR_INIT;
	size_t len, data, n;
	int i;

	/* A sheet big enough that its compressed data has a middle. */
	for (i = 1; i <= 3000; i++)
		buf_printf(&rows, "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c>"
		    "<c r=\"B%d\" t=\"inlineStr\"><is><t>Người %d</t></is></c></row>",
		    i, i, i * 7919 % 100003, i, i * 31);
	tt_xlsx(path, rows.data, NULL, NULL, 0);
	bytes = tt_slurp(path, &len);
	hit = memmem(bytes, len, "xl/worksheets/sheet1.xml", 24);
	cr_assert_not_null(hit);
	/* Local header: name at 30, then the extra field, then the data. */
	data = (size_t)(hit - bytes) + 24 +
	    ((unsigned char)hit[-2] | (unsigned char)hit[-1] << 8);
	cr_assert_eq(memcmp(hit - 30, "PK\3\4", 4), 0);
	n = (unsigned char)(hit - 30)[18] | (unsigned char)(hit - 30)[19] << 8 |
	    (size_t)(unsigned char)(hit - 30)[20] << 16;
	cr_assert_gt(n, 200);
	for (size_t k = data + n / 2; k < data + n / 2 + 16; k++)
		bytes[k] ^= 0x5a;
	tt_write(path, bytes, len);
	cr_assert_not_null(strstr(xlsx_refused(path, NULL, KH_E_INVALID, &err),
	    "damaged"));
	free(bytes);
	buf_free(&rows);
	tt_drop(path);
}

Test(table, xlsx_limits)
{
	struct table_limits lim = table_default_limits;
	char *path = tt_temp(".xlsx");
	struct kh_err err = KH_ERR_INIT;

	tt_xlsx(path, rows_xml, sst_xml, styles_xml, 0);
	lim.max_unpacked = 1000;
	xlsx_refused(path, &lim, KH_E_TOO_LARGE, &err);
	/* A far column with a value is too many cells; an empty one is not. */
	lim = table_default_limits;
	tt_xlsx(path, "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/></row>"
	    "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"XFD2\"><v>2</v></c></row>",
	    NULL, NULL, 0);
	kh_err_clear(&err);
	free(tt_read(path, &lim, 0, &(int){0}, &err));
	cr_assert_eq(err.kind, KH_E_TOO_LARGE);
	cr_assert_eq(err.row, 2);
	/* Shared and inline strings over max_cell_bytes. */
	lim.max_cell_bytes = 8;
	tt_xlsx(path, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>"
	    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c></row>",
	    sst_xml, NULL, 0);
	kh_err_clear(&err);
	{
		int rc;
		char *out = tt_read(path, &lim, 1, &rc, &err);

		cr_assert_eq(rc, KH_E_TOO_LARGE);
		cr_assert_eq(err.row, 2);
		cr_assert_str_eq(out, "1:Nguyễn\n");
		free(out);
	}
	tt_xlsx(path, "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>0123456789</t></is></c></row>",
	    NULL, NULL, 0);
	kh_err_clear(&err);
	xlsx_refused(path, &lim, KH_E_TOO_LARGE, &err);
	cr_assert_eq(err.row, 3);
	tt_drop(path);
}

Test(table, xlsx_from_libxlsxwriter)
{
	static const char *const header[] = {"Họ và tên", "Ngày sinh",
	    "Số CCCD", "Số", "Tỷ lệ", "Đã duyệt", "Gấp đôi"};
	char *path = tt_temp(".xlsx"), *out;
	lxw_datetime dt = {1985, 3, 12, 0, 0, 0};
	lxw_workbook_options opt = {0};

	for (int mode = 0; mode < 2; mode++) {
		lxw_workbook *wb;
		lxw_worksheet *ws;
		lxw_format *datef, *textf;

		/* Shared strings, then the inline strings of constant memory. */
		opt.constant_memory = mode ? LXW_TRUE : LXW_FALSE;
		wb = workbook_new_opt(path, &opt);
		cr_assert_not_null(wb);
		ws = workbook_add_worksheet(wb, "Danh sách");
		datef = workbook_add_format(wb);
		format_set_num_format(datef, "dd/mm/yyyy");
		textf = workbook_add_format(wb);
		format_set_num_format(textf, "@");
		for (int c = 0; c < 7; c++)
			worksheet_write_string(ws, 0, (lxw_col_t)c, header[c], NULL);
		worksheet_write_string(ws, 1, 0, "  Nguyễn Thị Ánh ", NULL);
		worksheet_write_datetime(ws, 1, 1, &dt, datef);
		worksheet_write_string(ws, 1, 2, "001190012345", textf);
		worksheet_write_number(ws, 1, 3, 42, NULL);
		worksheet_write_number(ws, 1, 4, 3.25, NULL);
		worksheet_write_boolean(ws, 1, 5, 1, NULL);
		worksheet_write_formula_num(ws, 1, 6, "=D2*2", NULL, 84);
		worksheet_write_string(ws, 3, 1, "cách một dòng", NULL);
		worksheet_write_number(ws, 4, 2, 1.23456789012e11, NULL);
		cr_assert_eq(workbook_close(wb), LXW_NO_ERROR);
		out = xlsx_read(path, NULL);
		cr_assert_str_eq(out,
		    "1:Họ và tên|Ngày sinh|Số CCCD|Số|Tỷ lệ|Đã duyệt|Gấp đôi\n"
		    "2:Nguyễn Thị Ánh|1985-03-12|001190012345|42|3.25|1|84\n"
		    "4:|cách một dòng\n"
		    "5:||123456789012\n", "mode %d", mode);
		free(out);
	}
	tt_drop(path);
}
