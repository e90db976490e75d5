#include <criterion/criterion.h>
#include <string.h>

#include "core/date.h"

Test(date, valid_iso_dates)
{
	cr_assert(date_valid("2024-02-29"));
	cr_assert_not(date_valid("2023-02-29"));
	cr_assert_not(date_valid("2023-13-01"));
	cr_assert_not(date_valid("2023-1-01"));
	cr_assert_not(date_valid("abcd-ef-gh"));
	cr_assert_not(date_valid(NULL));
}

Test(date, parse_vietnamese_forms)
{
	char d[DATE_LEN];

	cr_assert(date_parse("02/09/2023", d));
	cr_assert_str_eq(d, "2023-09-02");
	cr_assert(date_parse("2/9/2023", d));
	cr_assert_str_eq(d, "2023-09-02");
	cr_assert(date_parse("15.12.2025", d));
	cr_assert_str_eq(d, "2025-12-15");
	cr_assert(date_parse("2025-07-01", d));
	cr_assert_str_eq(d, "2025-07-01");
	cr_assert_not(date_parse("31/02/2024", d));
	cr_assert_not(date_parse("02/09-2023", d));
	cr_assert_not(date_parse("02/09/23", d));
	cr_assert_not(date_parse("hôm nay", d));
}

Test(date, display_and_today_override)
{
	char d[DATE_LEN];

	date_display("2025-07-01", d);
	cr_assert_str_eq(d, "01/07/2025");
	setenv("KHUYENHOC_TODAY", "2026-01-15", 1);
	date_today(d);
	cr_assert_str_eq(d, "2026-01-15");
	unsetenv("KHUYENHOC_TODAY");
	date_today(d);
	cr_assert(date_valid(d));
}
