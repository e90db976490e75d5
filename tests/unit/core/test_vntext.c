#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/vntext.h"

Test(vntext, nfc_composes_nfd_input)
{
	/* "Nguyễn" typed with combining marks (NFD). */
	const char nfd[] = "Nguye\xcc\x82\xcc\x83n";
	char *s = vn_nfc(nfd, strlen(nfd));

	cr_assert_str_eq(s, "Nguyễn");
	free(s);
}

Test(vntext, nfc_rejects_invalid_utf8_and_nul)
{
	cr_assert_null(vn_nfc("abc\xff", 4));
	cr_assert_null(vn_nfc("a\0b", 3));
	cr_assert_null(vn_nfc("\xc3", 1));
	cr_assert(vn_utf8_valid("Hải Phòng", strlen("Hải Phòng")));
}

Test(vntext, search_key_folds_case_marks_and_d)
{
	char *k = vn_search_key("Thành phố Hải Phòng");

	cr_assert_str_eq(k, "thanh pho hai phong");
	free(k);
	k = vn_search_key("ĐƯỜNG Đê  La Thành, (Đống Đa)");
	cr_assert_str_eq(k, "duong de la thanh dong da");
	free(k);
	k = vn_search_key("Quận Lê Chân");
	cr_assert_str_eq(k, "quan le chan");
	free(k);
}

Test(vntext, search_key_same_for_hoa_spellings)
{
	char *a = vn_search_key("Hoà"), *b = vn_search_key("Hòa");

	cr_assert_str_eq(a, b);
	free(a);
	free(b);
}

Test(vntext, key_matches_word_prefixes)
{
	cr_assert(vn_key_matches("quan le chan", "le chan"));
	cr_assert(vn_key_matches("quan le chan", "chan le"));
	cr_assert(vn_key_matches("thanh pho hai phong", "hai pho"));
	cr_assert_not(vn_key_matches("thanh pho hai phong", "an"));
	cr_assert_not(vn_key_matches("quan le chan", "le chau"));
	cr_assert(vn_key_matches("phuong an bien", "an"));
}

static int
cmp_names(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *ka = vn_name_sort_key(a, &la), *kb = vn_name_sort_key(b, &lb);
	int c;

	cr_assert_not_null(ka);
	cr_assert_not_null(kb);
	c = memcmp(ka, kb, la < lb ? la : lb);
	if (c == 0)
		c = la < lb ? -1 : la > lb;
	free(ka);
	free(kb);
	return c;
}

Test(vntext, names_sort_by_given_name_first)
{
	/* Given names decide: An < Bình although Trần > Nguyễn. */
	cr_assert_lt(cmp_names("Trần Văn An", "Nguyễn Thị Bình"), 0);
	/* Same given name: the middle names decide. */
	cr_assert_lt(cmp_names("Trần Thị An", "Nguyễn Văn An"), 0);
	/* Same given and middle names: the family name decides. */
	cr_assert_lt(cmp_names("Lê Văn An", "Nguyễn Văn An"), 0);
	/* Vietnamese letter order: A < Ă < Â, D < Đ. */
	cr_assert_lt(cmp_names("Nguyễn Văn Anh", "Nguyễn Văn Ăn"), 0);
	cr_assert_lt(cmp_names("Phạm Dũng", "Phạm Đức"), 0);
	cr_assert_lt(cmp_names("Vũ Đức", "Hoàng Em"), 0);
}
