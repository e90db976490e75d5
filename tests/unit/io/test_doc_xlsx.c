/*
 * Lists as .xlsx: read back with libzip and searched in the sheet's XML, to
 * see what Excel will see: ID numbers stay text with their leading zeros,
 * amounts are numbers, the title is merged, the header frozen.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "core/buf.h"
#include "io/doc.h"

static char *
temp_dir(void)
{
	const char *base = getenv("KH_TEST_CACHE");
	char *d = xasprintf("%s/kh-xlsx-XXXXXX", base != NULL && *base ? base : "/tmp");

	cr_assert_not_null(mkdtemp(d), "mkdtemp %s", d);
	return d;
}

static void
remove_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	cr_expect_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* One member of the archive as a string (malloc'd), or NULL when absent. */
static char *
zip_member(const char *path, const char *name)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	zip_file_t *f;
	zip_stat_t st;
	char *data;

	cr_assert_not_null(z, "zip_open %s: %d", path, zerr);
	if (zip_stat(z, name, 0, &st) != 0) {
		zip_close(z);
		return NULL;
	}
	f = zip_fopen(z, name, 0);
	cr_assert_not_null(f);
	data = xmalloc(st.size + 1);
	cr_assert_eq(zip_fread(f, data, st.size), (zip_int64_t)st.size);
	data[st.size] = '\0';
	zip_fclose(f);
	zip_close(z);
	return data;
}

/*
 * The <c ...> element of the sheet holding the cell reference ref ("C3"), up
 * to its </c> (malloc'd), or NULL.
 */
static char *
cell_xml(const char *sheet, const char *ref)
{
	char *needle = xasprintf("<c r=\"%s\"", ref);
	const char *p = strstr(sheet, needle), *end;
	char *out = NULL;

	if (p != NULL) {
		end = strstr(p, "</c>");
		if (end == NULL || (strstr(p, "/>") != NULL && strstr(p, "/>") < end))
			end = strstr(p, "/>");	/* an empty cell */
		cr_assert_not_null(end);
		out = xstrndup(p, (size_t)(end - p) + 4);
	}
	free(needle);
	return out;
}

static const char *const header[] = {"STT", "Họ và tên", "Số CCCD",
    "Số tiền (đồng)", "Số điện thoại", "Mã hộ", "Năm sinh"};
static const char *const rows[] = {
	"1", "Nguyễn Thị Ánh Tuyết", "001234567890", "1500000", "0912345678", "HP-01", "1985",
	"2", "Đặng Văn Ưng", "031099000123", "250000.5", "", "00123", "1990",
	"3", "Hoàng Thị Quỳnh Trâm", "", "-20000", "0225 3841 234", "7", "",
};

Test(doc_xlsx, ids_stay_text_amounts_are_numbers)
{
	struct doc_sheet s = {"Danh sách hộ gia đình học tập năm 2025", 7, header,
	    NULL, 3, rows};
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/ds.xlsx", dir);
	char *sheet, *strings, *book, *c;

	cr_assert_eq(doc_xlsx(&s, path, &err), 0, "%s %s", err.msg, err.detail);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	strings = zip_member(path, "xl/sharedStrings.xml");
	book = zip_member(path, "xl/workbook.xml");
	cr_assert_not_null(sheet);
	cr_assert_not_null(strings);
	cr_assert_not_null(book);

	/* CCCD: a shared string with its zeros, never the number 1234567890. */
	cr_expect_not_null(strstr(strings, "<t>001234567890</t>"));
	cr_expect_null(strstr(sheet, "<v>1234567890</v>"));
	c = cell_xml(sheet, "C3");
	cr_expect(c != NULL && strstr(c, "t=\"s\"") != NULL, "C3: %s", c);
	free(c);
	/* Amounts: numbers, not strings. */
	c = cell_xml(sheet, "D3");
	cr_expect(c != NULL && strstr(c, "<v>1500000</v>") != NULL &&
	    strstr(c, "t=\"s\"") == NULL, "D3: %s", c);
	free(c);
	c = cell_xml(sheet, "D4");
	cr_expect(c != NULL && strstr(c, "<v>250000.5</v>") != NULL, "D4: %s", c);
	free(c);
	c = cell_xml(sheet, "D5");
	cr_expect(c != NULL && strstr(c, "<v>-20000</v>") != NULL, "D5: %s", c);
	free(c);
	/* A phone number and codes stay text, "7" in a code column too. */
	cr_expect_not_null(strstr(strings, "<t>0912345678</t>"));
	cr_expect_not_null(strstr(strings, "<t>00123</t>"));
	c = cell_xml(sheet, "F5");
	cr_expect(c != NULL && strstr(c, "t=\"s\"") != NULL, "F5: %s", c);
	free(c);
	/* The number and the year are numbers. */
	c = cell_xml(sheet, "A3");
	cr_expect(c != NULL && strstr(c, "<v>1</v>") != NULL, "A3: %s", c);
	free(c);
	c = cell_xml(sheet, "G3");
	cr_expect(c != NULL && strstr(c, "<v>1985</v>") != NULL, "G3: %s", c);
	free(c);

	/* Title merged over the columns, header row bold and frozen. */
	cr_expect_not_null(strstr(sheet, "<mergeCell ref=\"A1:G1\"/>"));
	cr_expect_not_null(strstr(strings, "Danh sách hộ gia đình học tập năm 2025"));
	cr_expect_not_null(strstr(sheet, "ySplit=\"2\""), "header frozen");
	cr_expect_not_null(strstr(sheet, "<col "), "column widths set");
	/* Sheet name: the title cut to Excel's 31 characters. */
	cr_expect_not_null(strstr(book, "name=\"Danh sách hộ gia đình học tập n\""), "%s", book);

	free(sheet);
	free(strings);
	free(book);
	free(path);
	remove_dir(dir);
}

Test(doc_xlsx, text_columns_as_marked)
{
	static const int text_cols[] = {0, 0, 0, 1, 0, 0, 0};	/* amounts as text */
	static const int none[] = {0, 0, 0, 0, 0, 0, 0};
	struct doc_sheet s = {"Báo cáo [quý 1]: 2025/2026?", 7, header, text_cols, 3, rows};
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/t.xlsx", dir);
	char *sheet, *strings, *book, *c;

	cr_assert_eq(doc_xlsx(&s, path, &err), 0, "%s %s", err.msg, err.detail);
	strings = zip_member(path, "xl/sharedStrings.xml");
	book = zip_member(path, "xl/workbook.xml");
	cr_expect_not_null(strstr(strings, "<t>1500000</t>"));
	cr_expect_not_null(strstr(book, "name=\"Báo cáo quý 1 20252026\""), "%s", book);
	free(strings);
	free(book);

	/* Flags given: no guessing, the CCCD column is then a number (the
	 * caller said so). */
	s.text_cols = none;
	cr_assert_eq(doc_xlsx(&s, path, &err), 0, "%s %s", err.msg, err.detail);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	c = cell_xml(sheet, "C4");
	cr_expect(c != NULL && strstr(c, "t=\"s\"") != NULL,
	    "leading zero: never a number: %s", c);
	free(c);
	c = cell_xml(sheet, "E5");
	cr_expect(c != NULL && strstr(c, "t=\"s\"") != NULL, "spaces: text: %s", c);
	free(c);
	free(sheet);
	free(path);
	remove_dir(dir);
}

/* Over the streaming threshold strings are written inline, one row at a time. */
Test(doc_xlsx, long_list_streams, .timeout = 120)
{
	static const char *const h[] = {"STT", "Số CCCD", "Số tiền"};
	const size_t n = 70000;
	char **cells = xcalloc(n * 3, sizeof(char *));
	struct doc_sheet s = {"Danh sách", 3, h, NULL, n, NULL};
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/big.xlsx", dir), *sheet, *c;

	for (size_t r = 0; r < n; r++) {
		cells[r * 3] = xasprintf("%zu", r + 1);
		cells[r * 3 + 1] = xasprintf("%012zu", r * 7919);
		cells[r * 3 + 2] = xstrdup("1500000");
	}
	s.cells = (const char *const *)cells;
	cr_assert_eq(doc_xlsx(&s, path, &err), 0, "%s %s", err.msg, err.detail);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	c = cell_xml(sheet, "B70002");
	cr_expect(c != NULL && strstr(c, "<t>000554322081</t>") != NULL,
	    "B70002: %s", c);
	free(c);
	c = cell_xml(sheet, "C70002");
	cr_expect(c != NULL && strstr(c, "<v>1500000</v>") != NULL, "C70002: %s", c);
	free(c);
	free(sheet);
	for (size_t i = 0; i < n * 3; i++)
		free(cells[i]);
	free(cells);
	free(path);
	remove_dir(dir);
}

Test(doc_xlsx, refuses_bad_input_and_reports_unwritable_paths)
{
	static const char *const h[] = {"Tên"};
	static const char *const bad[] = {"L\xc3"};
	static const char *const ok[] = {"Lê"};
	struct doc_sheet s = {"Danh sách", 1, h, NULL, 1, bad};
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/x.xlsx", dir), *missing;
	struct stat st;

	cr_expect_eq(doc_xlsx(&s, path, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "cells");
	cr_expect_neq(stat(path, &st), 0);
	s.ncols = 0;
	kh_err_clear(&err);
	cr_expect_eq(doc_xlsx(&s, path, &err), KH_E_INVALID);

	s.ncols = 1;
	s.cells = ok;
	missing = xasprintf("%s/no/such/x.xlsx", dir);
	kh_err_clear(&err);
	cr_expect_eq(doc_xlsx(&s, missing, &err), KH_E_IO);
	kh_err_clear(&err);
	cr_expect_eq(doc_xlsx(&s, path, &err), 0, "%s", err.detail);
	cr_expect_eq(stat(path, &st), 0);
	free(missing);
	free(path);
	remove_dir(dir);
}

Test(doc_xlsx, band_rows_are_merged_across)
{
	static const char *const hd[] = {"Mã", "Chỉ tiêu", "Tổng"};
	static const char *const cells[] = {
		"I. Tổ chức", "", "",
		"clcs", "Số trung tâm", "2",
		"II. Hoạt động", "ignored", "ignored",
		"classes", "Số lớp", "19",
	};
	static const unsigned char bands[] = {1, 0, 1, 0};
	struct doc_sheet s = {"Báo cáo", 3, hd, NULL, 4, cells};
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/b.xlsx", dir);
	char *sheet, *strings, *c;

	cr_assert_eq(doc_xlsx_bands(&s, bands, path, &err), 0, "%s",
	    err.msg ? err.msg : "");
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	strings = zip_member(path, "xl/sharedStrings.xml");
	cr_assert_not_null(sheet);
	cr_assert_not_null(strings);
	/* Title on row 1, header on row 2, bands on rows 3 and 5. */
	cr_expect_not_null(strstr(sheet, "<mergeCell ref=\"A1:C1\"/>"), "%s", sheet);
	cr_expect_not_null(strstr(sheet, "<mergeCell ref=\"A3:C3\"/>"), "%s", sheet);
	cr_expect_not_null(strstr(sheet, "<mergeCell ref=\"A5:C5\"/>"), "%s", sheet);
	cr_expect_null(strstr(sheet, "A4:C4"));
	cr_expect_not_null(strstr(strings, "II. Hoạt động"));
	cr_expect_null(strstr(strings, "ignored"));
	/* The figures stay numbers. */
	c = cell_xml(sheet, "C6");
	cr_assert_not_null(c);
	cr_expect_not_null(strstr(c, "<v>19</v>"), "%s", c);
	cr_expect_null(strstr(c, "t=\"s\""), "%s", c);
	free(c);
	free(sheet);
	free(strings);
	unlink(path);
	free(path);
	remove_dir(dir);
}
