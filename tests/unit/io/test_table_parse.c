/*
 * The cell parsers and the header mapping shared by every import: each
 * accepted spelling and each refused value, one by one.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "io/table.h"

Test(table, parse_date_accepted)
{
	static const struct {
		const char *in, *out;
		int year_only;
	} ok[] = {
		{"12/03/1985", "1985-03-12", 0},
		{"1/2/1990", "1990-02-01", 0},
		{"01-02-1990", "1990-02-01", 0},
		{"1.2.1990", "1990-02-01", 0},
		{" 29/02/2000 ", "2000-02-29", 0},
		{"1985-03-12", "1985-03-12", 0},
		{"1985/3/2", "1985-03-02", 0},
		{"12/03/1985 00:00:00", "1985-03-12", 0},
		{"1985-03-12T00:00:00Z", "1985-03-12", 0},
		{"36526", "2000-01-01", 0},
		{"36526.0", "2000-01-01", 0},
		{"36526.75", "2000-01-01", 0},
		{"1", "1900-01-01", 0},
		{"59", "1900-02-28", 0},
		{"61", "1900-03-01", 0},
		{"2958465", "9999-12-31", 0},
		{"1985", "1985-01-01", 1},
		{"1900", "1900-01-01", 1},
		{"2100", "2100-01-01", 1},
		{"1985.0", "1985-01-01", 1},
	};
	char out[11];
	int yo;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct kh_err err = KH_ERR_INIT;

		yo = -1;
		cr_assert_eq(table_parse_date(ok[i].in, out, &yo, &err), 0,
		    "%s refused", ok[i].in);
		cr_assert_str_eq(out, ok[i].out, "%s", ok[i].in);
		cr_assert_eq(yo, ok[i].year_only, "%s year_only", ok[i].in);
	}
	/* year_only may be NULL. */
	cr_assert_eq(table_parse_date("1985", out, NULL, NULL), 0);
}

Test(table, parse_date_refused)
{
	static const char *const bad[] = {
		"31/02/2020", "29/02/2019", "32/01/2000", "12/13/2000",
		"0/1/2000", "12/03/85", "12/03-1985", "12//1985", "60",
		"0", "2958466", "-5", "12/03/1985x", "ngày 12", "", "   ",
		"1985-02-30", "1/1/1799", "1/1/2200", "12345678901",
		"03/1985", "1985-1", "1.2.3.4",
	};
	char out[11];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kh_err err = KH_ERR_INIT;

		cr_assert_eq(table_parse_date(bad[i], out, NULL, &err),
		    KH_E_INVALID, "%s accepted as %s", bad[i], out);
		cr_assert_str_eq(err.msg, "%s is not a valid date.");
		cr_assert_str_eq(err.arg, bad[i]);
	}
}

Test(table, parse_id_number)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"001190012345", "001190012345"},
		{"'001190012345", "001190012345"},
		{"\xe2\x80\x99" "001190012345", "001190012345"},
		{"001 190 012 345", "001190012345"},
		{"001.190.012.345", "001190012345"},
		{"001-190-012-345", "001190012345"},
		{"1190012345", "001190012345"},		/* 10 digits */
		{"31190012345", "031190012345"},	/* 11 digits */
		{"1.23456789012E+11", "123456789012"},
		{"1.23456789E+10", "012345678900"},
		{"3.1190012345e10", "031190012345"},
		{"123456789012.0", "123456789012"},
		{"012345678", "012345678"},		/* CMND */
		{" 186 123 456 ", "186123456"},
	};
	static const char *const bad[] = {
		"12345678", "1234567890123", "00119001234a", "", "abc",
		"1.5E+2", "1.23456789012345E+11", "+84 912 345 678",
		"0011900123-45-6", "''001190012345",
	};
	char out[13];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct kh_err err = KH_ERR_INIT;

		cr_assert_eq(table_parse_id_number(ok[i].in, out, &err), 0,
		    "%s refused", ok[i].in);
		cr_assert_str_eq(out, ok[i].out, "%s", ok[i].in);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kh_err err = KH_ERR_INIT;

		cr_assert_eq(table_parse_id_number(bad[i], out, &err),
		    KH_E_INVALID, "%s accepted as %s", bad[i], out);
		cr_assert_str_eq(err.msg,
		    "%s is not a CCCD (12 digits) or CMND (9 digits) number.");
		cr_assert_str_eq(err.arg, bad[i]);
	}
}

Test(table, parse_sex)
{
	static const struct {
		const char *in;
		char sex;
	} ok[] = {
		{"Nam", 'M'}, {"nam", 'M'}, {"NAM", 'M'}, {" Nam ", 'M'},
		{"M", 'M'}, {"male", 'M'}, {"1", 'M'}, {"Nam giới", 'M'},
		{"Nữ", 'F'}, {"nữ", 'F'}, {"NỮ", 'F'}, {"nu", 'F'}, {"F", 'F'},
		{"female", 'F'}, {"0", 'F'}, {"2", 'F'},
		{"Nu\xcc\x83", 'F'},	/* NFD */
	};
	static const char *const bad[] = {"", "x", "Nam/Nữ", "3", "nx",
	    "khác", "Ông"};
	char sex;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct kh_err err = KH_ERR_INIT;

		sex = '?';
		cr_assert_eq(table_parse_sex(ok[i].in, &sex, &err), 0, "%s",
		    ok[i].in);
		cr_assert_eq(sex, ok[i].sex, "%s", ok[i].in);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kh_err err = KH_ERR_INIT;

		cr_assert_eq(table_parse_sex(bad[i], &sex, &err), KH_E_INVALID,
		    "%s", bad[i]);
		cr_assert_str_eq(err.arg, bad[i]);
	}
}

static const char *const a_name[] = {"ho va ten", "ho ten", NULL};
static const char *const a_birth[] = {"ngay sinh", "nam sinh", NULL};
static const char *const a_sex[] = {"gioi tinh", NULL};
static const char *const a_id[] = {"so cccd", "cccd", "so cmnd", NULL};
static const struct table_field fields[] = {
	{"full_name", a_name, 1},
	{"birth_date", a_birth, 0},
	{"sex", a_sex, 0},
	{"id_number", a_id, 1},
};

static struct table_row
row_of(const char *const *cells, size_t n)
{
	struct table_row r = {1, n, cells};

	return r;
}

Test(table, header_any_order_with_or_without_marks)
{
	static const char *const h1[] = {"STT", "Số CCCD (*)", "Giới tính:",
	    "Họ và tên (*)", "Ghi chú"};
	static const char *const h2[] = {"ho ten", "NGAY SINH", "", "cccd"};
	struct table_row row = row_of(h1, 5);
	struct kh_err err = KH_ERR_INIT;
	int col[4];

	cr_assert_eq(table_map_header(&row, fields, 4, col, &err), 0);
	cr_assert_eq(col[0], 3);
	cr_assert_eq(col[1], -1);
	cr_assert_eq(col[2], 2);
	cr_assert_eq(col[3], 1);
	row = row_of(h2, 4);
	cr_assert_eq(table_map_header(&row, fields, 4, col, &err), 0);
	cr_assert_eq(col[0], 0);
	cr_assert_eq(col[1], 1);
	cr_assert_eq(col[2], -1);
	cr_assert_eq(col[3], 3);
}

Test(table, header_alias_order_wins)
{
	/* "Năm sinh" and "Ngày sinh" both there: the first alias wins. */
	static const char *const h[] = {"Họ tên", "Năm sinh", "Ngày sinh",
	    "CMND", "Số CCCD"};
	struct table_row row = row_of(h, 5);
	int col[4];

	cr_assert_eq(table_map_header(&row, fields, 4, col, NULL), 0);
	cr_assert_eq(col[1], 2);
	cr_assert_eq(col[3], 4);
}

Test(table, header_missing_required_column)
{
	static const char *const h[] = {"STT", "Họ và tên", "Ngày sinh"};
	struct table_row row = row_of(h, 3);
	struct kh_err err = KH_ERR_INIT;
	int col[4];

	cr_assert_eq(table_map_header(&row, fields, 4, col, &err),
	    KH_E_INVALID);
	cr_assert_str_eq(err.msg, "The column %s is missing.");
	cr_assert_str_eq(err.arg, "so cccd");
	cr_assert_str_eq(err.field, "id_number");
	/* A title row is no header either. */
	{
		static const char *const t[] = {"DANH SÁCH NHÂN KHẨU"};

		row = row_of(t, 1);
		kh_err_clear(&err);
		cr_assert_eq(table_map_header(&row, fields, 4, col, &err),
		    KH_E_INVALID);
		cr_assert_str_eq(err.field, "full_name");
	}
}

Test(table, header_column_claimed_twice)
{
	static const char *const a_other[] = {"ho ten", NULL};
	const struct table_field two[] = {
		{"full_name", a_name, 1},
		{"contact", a_other, 0},
	};
	static const char *const h[] = {"Họ tên"};
	struct table_row row = row_of(h, 1);
	struct kh_err err = KH_ERR_INIT;
	int col[2];

	cr_assert_eq(table_map_header(&row, two, 2, col, &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "contact");
	cr_assert_str_eq(err.arg, "Họ tên");
}
