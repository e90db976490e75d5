/*
 * The table reader on CSV files: encodings, separators, quoting, cleaning,
 * limits, and files that are not lists at all.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/vntext.h"
#include "io/table.h"
#include "test_table_fix.h"

/* Read CSV bytes through both table_open() and table_open_mem(). */
static char *
csv(const char *bytes, size_t len, const struct table_limits *lim, int *rc,
    struct kh_err *err)
{
	char *path = tt_temp(".csv"), *a, *b;
	struct kh_err err2 = KH_ERR_INIT;
	int rc2;

	tt_write(path, bytes, len);
	a = tt_read(path, lim, 0, rc, err);
	b = tt_read(path, lim, 1, &rc2, &err2);
	cr_assert_eq(*rc, rc2, "file and memory agree on the result");
	if (a != NULL || b != NULL)
		cr_assert_str_eq(a, b, "file and memory agree on the rows");
	free(b);
	tt_drop(path);
	return a;
}

static char *
csv_str(const char *s, int *rc)
{
	struct kh_err err = KH_ERR_INIT;
	char *out = csv(s, strlen(s), NULL, rc, &err);

	cr_assert_eq(*rc, 0, "read: %s %s", err.msg ? err.msg : "", err.arg);
	return out;
}

/* Format, encoding and separator the reader found. */
static void
sniffed(const char *bytes, size_t len, const char *enc, char sep)
{
	struct table_reader *r;
	struct kh_err err = KH_ERR_INIT;

	cr_assert_eq(table_open_mem(bytes, len, NULL, &r, &err), 0);
	cr_assert_str_eq(table_format(r), "csv");
	cr_assert_str_eq(table_csv_encoding(r), enc);
	cr_assert_eq(table_csv_separator(r), sep, "separator '%c' wanted '%c'",
	    table_csv_separator(r), sep);
	table_close(r);
}

Test(table, csv_utf8_bom_semicolon)
{
	const char s[] = "\xef\xbb\xbfHọ và tên;Ngày sinh;Giới tính\r\n"
	    "Nguyễn Văn An;12/03/1985;Nam\r\n"
	    "\"Trần, Thị Bình\";1/1/1990;Nữ\r\n";
	char *out;
	int rc;

	sniffed(s, strlen(s), "UTF-8", ';');
	out = csv_str(s, &rc);
	cr_assert_str_eq(out, "1:Họ và tên|Ngày sinh|Giới tính\n"
	    "2:Nguyễn Văn An|12/03/1985|Nam\n"
	    "3:Trần, Thị Bình|1/1/1990|Nữ\n");
	free(out);
}

Test(table, csv_cp1258_converted_and_composed)
{
	const char *text = "Họ tên,Quê quán\nNguyễn Thị Ánh Tuyết,Hải Dương\n"
	    "Đặng Văn Ệ,Bắc Kạn\n";
	size_t len;
	char *bytes = tt_iconv("CP1258", text, &len), *out, *want;
	int rc;

	/* Sanity: the bytes are not UTF-8, and CP1258 writes tones apart. */
	cr_assert_not(vn_utf8_valid(bytes, len));
	cr_assert_not_null(memchr(bytes, 0xde, len), "combining tilde 0xDE");
	sniffed(bytes, len, "CP1258", ',');
	{
		struct kh_err err = KH_ERR_INIT;

		out = csv(bytes, len, NULL, &rc, &err);
	}
	cr_assert_eq(rc, 0);
	want = "1:Họ tên|Quê quán\n2:Nguyễn Thị Ánh Tuyết|Hải Dương\n"
	    "3:Đặng Văn Ệ|Bắc Kạn\n";
	cr_assert_str_eq(out, want);
	/* "ễ" is the single code point U+1EC5, not e + marks. */
	cr_assert_not_null(strstr(out, "\xe1\xbb\x85"));
	free(out);
	free(bytes);
}

Test(table, csv_utf16_unicode_text)
{
	const char *text = "Họ tên\tSố CCCD\nLê Thị Hoa\t001190012345\n";
	size_t len;
	char *body = tt_iconv("UTF-16LE", text, &len), *bytes, *out;
	struct kh_err err = KH_ERR_INIT;
	int rc;

	bytes = xmalloc(len + 2);
	memcpy(bytes, "\xff\xfe", 2);
	memcpy(bytes + 2, body, len);
	sniffed(bytes, len + 2, "UTF-16LE", '\t');
	out = csv(bytes, len + 2, NULL, &rc, &err);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(out, "1:Họ tên|Số CCCD\n2:Lê Thị Hoa|001190012345\n");
	free(out);
	free(body);
	free(bytes);
}

Test(table, csv_nfd_input_normalised)
{
	/* "Nguyễn Thị Hoà" with combining marks (as macOS writes names). */
	const char s[] = "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Hoa\xcc\x80,x\n";
	char *out;
	int rc;

	out = csv_str(s, &rc);
	cr_assert_str_eq(out, "1:Nguyễn Thị Hoà|x\n");
	cr_assert_null(strstr(out, "\xcc"), "no combining mark is left");
	free(out);
}

Test(table, csv_quotes_newlines_and_doubled_quotes)
{
	const char s[] = "STT,Ghi chú,Địa chỉ\n"
	    "1,\"Nói \"\"có\"\", rồi đi\",\"Thôn 1\r\nxã A\"\n"
	    "2,\"\",\"a,b\"\n"
	    "3,\"x\"y,z\n";
	char *out;
	int rc;

	out = csv_str(s, &rc);
	cr_assert_str_eq(out, "1:STT|Ghi chú|Địa chỉ\n"
	    "2:1|Nói \"có\", rồi đi|Thôn 1\nxã A\n"
	    "4:2||a,b\n"
	    "5:3|xy|z\n");
	free(out);
}

Test(table, csv_unterminated_quote_names_its_row)
{
	const char s[] = "Họ tên,Ghi chú\nAn,ok\nBình,\"chưa đóng\nvẫn trong\n";
	struct kh_err err = KH_ERR_INIT;
	char *out;
	int rc;

	out = csv(s, strlen(s), NULL, &rc, &err);
	cr_assert_eq(rc, KH_E_INVALID);
	cr_assert_str_eq(out, "1:Họ tên|Ghi chú\n2:An|ok\n");
	cr_assert_eq(err.row, 3);
	cr_assert_str_eq(err.arg, "3");
	cr_assert_not_null(strstr(err.msg, "quoted field"));
	free(out);
}

Test(table, csv_error_repeats_after_failure)
{
	const char s[] = "a\n\"open";
	struct table_reader *r;
	struct table_row row;
	struct kh_err err = KH_ERR_INIT;

	cr_assert_eq(table_open_mem(s, strlen(s), NULL, &r, &err), 0);
	cr_assert_eq(table_next(r, &row, &err), 1);
	cr_assert_eq(table_next(r, &row, &err), KH_E_INVALID);
	kh_err_clear(&err);
	cr_assert_eq(table_next(r, &row, &err), KH_E_INVALID);
	cr_assert_eq(err.row, 2);
	table_close(r);
}

Test(table, csv_separator_detection)
{
	sniffed("a\tb\tc\n1\t2\t3\n", 12, "UTF-8", '\t');
	sniffed("a,b;c\n", 6, "UTF-8", ',');		/* tie: comma */
	sniffed("a;b;c,d\n", 8, "UTF-8", ';');
	sniffed("\"x;y;z\",b\n", 10, "UTF-8", ',');	/* quoted ';' ignored */
	sniffed("just one column\n", 16, "UTF-8", ',');
	/* A title line without separators: the next record decides. */
	sniffed("DANH SÁCH\nHọ tên;Năm sinh\n", strlen("DANH SÁCH\nHọ tên;Năm sinh\n"),
	    "UTF-8", ';');
	sniffed("", 0, "UTF-8", ',');
}

Test(table, csv_sep_hint_line)
{
	const char s[] = "sep=;\r\na,b;c\r\n";
	char *out;
	int rc;

	sniffed(s, strlen(s), "UTF-8", ';');
	out = csv_str(s, &rc);
	cr_assert_str_eq(out, "2:a,b|c\n");
	free(out);
}

Test(table, csv_cells_cleaned_rows_skipped)
{
	/* Spaces, no-break spaces, control characters, trailing empty cells,
	 * empty lines, lone CR line ends, last line without newline. */
	const char s[] = "  a  ,\x01" "b\x7f\x1b,\xc2\xa0" "c\xc2\xa0,,\n"
	    "\n,,,\n"
	    "x\ty,\xe2\x80\x8bz\rlast,,w";
	char *out;
	int rc;

	out = csv_str(s, &rc);
	cr_assert_str_eq(out, "1:a|b|c\n4:x\ty|z\n5:last||w\n");
	free(out);
}

Test(table, csv_invalid_utf8_with_bom_replaced)
{
	/* A BOM says UTF-8; a stray byte becomes U+FFFD, nothing is lost. */
	const char s[] = "\xef\xbb\xbf" "ab\xff" "c,d\n";
	char *out;
	int rc;

	sniffed(s, strlen(s), "UTF-8", ',');
	out = csv_str(s, &rc);
	cr_assert_str_eq(out, "1:ab\xef\xbf\xbd" "c|d\n");
	free(out);
}

Test(table, csv_utf8_with_a_stray_byte_stays_utf8)
{
	struct buf b = BUF_INIT;
	char *out;
	int rc;

	buf_puts(&b, "Họ tên,Thôn\n");
	for (int i = 0; i < 5; i++)
		buf_puts(&b, "Nguyễn Thị Ánh,Thôn Đông\n");
	buf_puts(&b, "L\xea Lan,x\n");	/* one cell pasted from CP1258 */
	sniffed(b.data, b.len, "UTF-8", ',');
	out = csv_str(b.data, &rc);
	cr_assert_not_null(strstr(out, "7:L\xef\xbf\xbd Lan|x\n"));
	cr_assert_not_null(strstr(out, "2:Nguyễn Thị Ánh|Thôn Đông\n"));
	free(out);
	/* Few valid sequences against the bad ones: CP1258 after all. */
	sniffed("Nguy\xea\xde" "n,L\xea,\xc3\xa1\n", 14, "CP1258", ',');
	buf_free(&b);
}

Test(table, csv_limits)
{
	struct table_limits lim = table_default_limits;
	struct kh_err err = KH_ERR_INIT;
	char *out, *big;
	int rc;

	lim.max_cells = 3;
	/* Trailing empty cells past the limit do not count. */
	out = csv("a,b,c,,,,,,\n1,2,3,4\n", 20, &lim, &rc, &err);
	cr_assert_eq(rc, KH_E_TOO_LARGE);
	cr_assert_eq(err.row, 2);
	cr_assert_str_eq(err.arg, "3");
	cr_assert_str_eq(out, "1:a|b|c\n");
	free(out);

	lim = table_default_limits;
	lim.max_cell_bytes = 10;
	kh_err_clear(&err);
	out = csv("a,0123456789\nb,0123456789X\n", 27, &lim, &rc, &err);
	cr_assert_eq(rc, KH_E_TOO_LARGE);
	cr_assert_eq(err.row, 2);
	free(out);

	lim = table_default_limits;
	lim.max_rows = 2;
	kh_err_clear(&err);
	out = csv("a\n\nb\n\n\nc\n", 9, &lim, &rc, &err);
	cr_assert_eq(rc, KH_E_TOO_LARGE);
	cr_assert_eq(err.row, 6);
	cr_assert_str_eq(out, "1:a\n3:b\n");
	free(out);

	/* A field of 100 KiB inside quotes is refused at the default limit,
	 * before it is all held. */
	big = xmalloc(100 * 1024 + 8);
	memset(big, 'x', 100 * 1024 + 8);
	big[0] = '"';
	kh_err_clear(&err);
	out = csv(big, 100 * 1024 + 8, NULL, &rc, &err);
	cr_assert_eq(rc, KH_E_TOO_LARGE);
	cr_assert_eq(err.row, 1);
	free(out);
	free(big);
}

Test(table, not_a_list_refused)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *word;	/* in the message */
	} cases[] = {
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0", 16, ".xls"},
		{"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 0, "not a spreadsheet"},
		{"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "not a spreadsheet"},
		{"ab\0cd\0ef,gh\n", 12, "not a spreadsheet"},
		{"<html><body><table><tr><td>1</td></tr></table>", 0, "web page"},
		{"\xef\xbb\xbf  <?xml version=\"1.0\"?><Workbook/>", 0, "web page"},
	};
	struct table_reader *r;
	char *path;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kh_err err = KH_ERR_INIT;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].bytes);

		r = (void *)1;
		cr_assert_eq(table_open_mem(cases[i].bytes, len, NULL,
		    &r, &err), KH_E_INVALID, "case %zu", i);
		cr_assert_null(r);
		cr_assert_not_null(strstr(err.msg, cases[i].word),
		    "case %zu: %s", i, err.msg);
		path = tt_temp(".xls");
		tt_write(path, cases[i].bytes, len);
		kh_err_clear(&err);
		cr_assert_eq(table_open(path, NULL, &r, &err), KH_E_INVALID);
		cr_assert_not_null(strstr(err.msg, cases[i].word));
		tt_drop(path);
	}
}

Test(table, encrypted_workbook_named)
{
	/* Excel saves a password-protected .xlsx as an OLE2 file holding an
	 * "EncryptedPackage" stream. */
	char bytes[2048] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
	const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
	struct table_reader *r;
	struct kh_err err = KH_ERR_INIT;

	memcpy(bytes + 1024, name, sizeof(name) - 1);
	cr_assert_eq(table_open_mem(bytes, sizeof(bytes), NULL, &r, &err),
	    KH_E_INVALID);
	cr_assert_not_null(strstr(err.msg, "password"));
}

Test(table, missing_file_is_io)
{
	struct table_reader *r;
	struct kh_err err = KH_ERR_INIT;

	cr_assert_eq(table_open("/nonexistent/kh/list.csv", NULL, &r, &err),
	    KH_E_IO);
	cr_assert_null(r);
}

Test(table, empty_file_has_no_rows)
{
	char *out;
	int rc;

	out = csv_str("", &rc);
	cr_assert_str_eq(out, "");
	free(out);
	out = csv_str("\xef\xbb\xbf\r\n\r\n", &rc);
	cr_assert_str_eq(out, "");
	free(out);
}
