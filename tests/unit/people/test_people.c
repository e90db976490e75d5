/*
 * The people registry: records, Vietnamese order, search, masking, scope,
 * and imports of messy lists with their refusals and re-imports.
 */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/users.h"
#include "core/buf.h"
#include "people/import.h"
#include "people/people.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

static void
add_person(struct db *db, const struct actor *a, int64_t unit,
    const char *name, const char *id_number, int expect)
{
	struct person_input in;
	struct kh_err err = KH_ERR_INIT;
	int rc;

	memset(&in, 0, sizeof(in));
	in.full_name = name;
	in.id_number = id_number;
	in.birth_date = "1980-05-01";
	rc = people_create(db, a, unit, &in, NULL, &err);
	cr_assert_eq(rc, expect, "%s: %d %s", name, rc, err.msg ? err.msg : "");
}

Test(people, lists_sort_the_vietnamese_way_and_search_without_diacritics)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	struct actor off;
	int64_t v;

	fx_user(db, "cb.lechan", "officer", "11383", &off);
	v = fx_village(db, &off, fx_unit(db, &off, "11383", NULL), "11383-T05",
	    "Tổ dân phố số 5");
	add_person(db, &off, v, "Trần Văn Bình", NULL, 0);
	add_person(db, &off, v, "Nguyễn Thị Ánh", NULL, 0);
	add_person(db, &off, v, "Lê Văn An", NULL, 0);
	add_person(db, &off, v, "Phạm Đức", NULL, 0);
	add_person(db, &off, v, "Vũ Dũng", NULL, 0);
	memset(&q, 0, sizeof(q));
	q.unit_id = fx_unit(db, &off, "11383", NULL);
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.n, 5);
	cr_assert_eq(l.total, 5);
	/* Given names decide: An < Ánh < Bình < Dũng < Đức. */
	cr_assert_str_eq(l.items[0].full_name, "Lê Văn An");
	cr_assert_str_eq(l.items[1].full_name, "Nguyễn Thị Ánh");
	cr_assert_str_eq(l.items[2].full_name, "Trần Văn Bình");
	cr_assert_str_eq(l.items[3].full_name, "Vũ Dũng");
	cr_assert_str_eq(l.items[4].full_name, "Phạm Đức");
	person_list_cleanup(&l);
	q.q = "van";
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.n, 2);
	person_list_cleanup(&l);
	q.q = "pham duc";
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].full_name, "Phạm Đức");
	person_list_cleanup(&l);
	db_close(db);
}

Test(people, id_numbers_are_unique_checked_and_masked_for_viewers)
{
	struct db *db = testdb_open_units();
	struct actor off, viewer;
	char shown[16];
	int64_t u;

	fx_user(db, "cb.lechan", "officer", "11383", &off);
	fx_user(db, "xem.lechan", "viewer", "11383", &viewer);
	u = fx_unit(db, &off, "11383", NULL);
	add_person(db, &off, u, "Đỗ Văn Hải", "031080001234", 0);
	add_person(db, &off, u, "Đỗ Văn Hà", "031080001234", KH_E_CONFLICT);
	add_person(db, &off, u, "Đỗ Thị Hoa", "12345", KH_E_INVALID);
	add_person(db, &off, u, "", NULL, KH_E_INVALID);
	add_person(db, &viewer, u, "Không Được", NULL, KH_E_FORBIDDEN);
	add_person(db, &off, fx_unit(db, &off, "11383", NULL), "Hồ Thị Mai",
	    "123456789", 0);
	people_id_display(&off, "031080001234", shown, sizeof(shown));
	cr_assert_str_eq(shown, "031080001234");
	people_id_display(&viewer, "031080001234", shown, sizeof(shown));
	cr_assert_str_eq(shown, "*********234");
	people_id_display(NULL, "123456789", shown, sizeof(shown));
	cr_assert_str_eq(shown, "******789");
	db_close(db);
}

Test(people, another_commune_is_out_of_scope)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct person_list l;
	struct people_query q;
	struct actor sys, off;

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	fx_user(db, "cb.lechan", "officer", "11383", &off);
	add_person(db, &sys, fx_unit(db, &sys, "11311", NULL),
	    "Người Hồng Bàng", NULL, 0);
	add_person(db, &off, fx_unit(db, &sys, "11311", NULL), "Không Được",
	    NULL, KH_E_FORBIDDEN);
	memset(&q, 0, sizeof(q));
	q.unit_id = fx_unit(db, &sys, "11311", NULL);
	cr_assert_eq(people_list(db, &off, &q, &l, &err), KH_E_FORBIDDEN);
	db_close(db);
}

/* Write bytes to a temporary file; returns its path (free it). */
static char *
temp_file(const char *suffix, const void *data, size_t len)
{
	char *path = xasprintf("%s/kh-import-XXXXXX%s", getenv("KH_TEST_CACHE") ?
	    getenv("KH_TEST_CACHE") : "/tmp", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));

	cr_assert(fd >= 0);
	cr_assert(write(fd, data, len) == (ssize_t)len);
	close(fd);
	return path;
}

static const char MESSY_CSV[] =
    "\xEF\xBB\xBF" "DANH SÁCH NHÂN KHẨU TỔ DÂN PHỐ SỐ 5;;;;;;;\r\n"
    "STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD/CMND;Quan hệ với chủ hộ;Mã hộ;Thôn/Tổ dân phố\r\n"
    "1;Nguyễn Văn Hùng;05/03/1975;Nam;31075001234;Chủ hộ;H01;11383-T05\r\n"
    "2;Nguye\xCC\x82\xCC\x83n Thị Lan;27713;Nữ;031178002345;Vợ;H01;Tổ dân phố số 5\r\n"
    "3;Nguyễn Minh Khôi;2008;Nam;;Con;H01;số 5\r\n"
    "4;Trần Thị Bé;31/02/1990;Nữ;;Chủ hộ;H02;11383-T05\r\n"
    "5;Lê Văn Tám;01/01/1960;Nam;12345;Chủ hộ;H03;11383-T05\r\n"
    "6;Phạm Thị Hồng;12/12/1962;Nữ;031075001234;Chủ hộ;H04;11383-T05\r\n"
    "7;Hoàng Văn Nam;01/01/1970;Nam;;Chủ hộ;H05;Tổ 99\r\n"
    "8;Vũ Thị Thanh;15.06.1985;F;;Chủ hộ;H06;11383-T05\r\n";

Test(people, messy_import_reports_rows_and_retries_do_not_duplicate)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct person_list l;
	struct people_query q;
	struct actor off;
	char *path = temp_file(".csv", MESSY_CSV, sizeof(MESSY_CSV) - 1);
	int64_t commune;
	size_t i;

	fx_user(db, "cb.lechan", "officer", "11383", &off);
	fx_village(db, &off, fx_unit(db, &off, "11383", NULL), "11383-T05",
	    "Tổ dân phố số 5");
	commune = fx_unit(db, &off, "11383", NULL);
	/* All or nothing: four bad rows keep the whole file out. */
	cr_assert(people_import_file(db, &off, commune, path, PEOPLE_IMPORT_ALL,
	    false, &r, &err) == 0, "%s %s", err.msg ? err.msg : "", err.detail);
	cr_assert_eq(r.read, 8);
	cr_assert_eq(r.refused, 4);
	cr_assert_not(r.committed);
	cr_assert_eq(r.imported, 0);
	cr_assert_str_eq(r.format, "csv");
	/* Row numbers as the file shows them (the title is line 1). */
	cr_assert_eq(r.problems[0].row, 6);	/* 31/02/1990 */
	cr_assert_str_eq(r.problems[0].column, "Ngày sinh");
	cr_assert_eq(r.problems[1].row, 7);	/* 12345 */
	cr_assert_str_eq(r.problems[1].column, "Số CCCD/CMND");
	cr_assert_eq(r.problems[2].row, 8);	/* CCCD of row 3, lost zero */
	cr_assert_eq(r.problems[2].err.kind, KH_E_CONFLICT);
	cr_assert_eq(r.problems[3].row, 9);	/* unknown village */
	cr_assert_str_eq(r.problems[3].column, "Thôn/Tổ dân phố");
	people_import_result_cleanup(&r);
	memset(&q, 0, sizeof(q));
	q.unit_id = commune;
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 0);
	person_list_cleanup(&l);
	/* Good rows only. */
	cr_assert(people_import_file(db, &off, commune, path,
	    PEOPLE_IMPORT_GOOD_ROWS, false, &r, &err) == 0);
	cr_assert_eq(r.imported, 4);
	cr_assert_eq(r.refused, 4);
	cr_assert(r.committed);
	{
		char *xlsx = xasprintf("%s.errors.xlsx", path);

		cr_assert(people_import_errors_xlsx(&r, "vi", xlsx, &err) == 0,
		    "%s", err.detail);
		cr_assert_eq(access(xlsx, R_OK), 0);
		unlink(xlsx);
		free(xlsx);
	}
	people_import_result_cleanup(&r);
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 4);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.items[i].full_name, "Nguyễn Văn Hùng") == 0) {
			/* The zero Excel dropped is back. */
			cr_assert_str_eq(l.items[i].id_number, "031075001234");
			cr_assert_str_eq(l.items[i].birth_date, "1975-03-05");
			cr_assert_str_eq(l.items[i].household_code, "H01");
			cr_assert_str_eq(l.items[i].unit_code, "11383-T05");
		}
		if (strcmp(l.items[i].full_name, "Nguyễn Thị Lan") == 0) {
			/* NFD typed, NFC stored; an Excel serial date. */
			cr_assert_str_eq(l.items[i].birth_date, "1975-11-15");
			cr_assert_eq(l.items[i].sex, 'F');
		}
		if (strcmp(l.items[i].full_name, "Nguyễn Minh Khôi") == 0)
			cr_assert(l.items[i].birth_year_only);
	}
	person_list_cleanup(&l);
	/* The same file again: nothing new. */
	cr_assert(people_import_file(db, &off, commune, path,
	    PEOPLE_IMPORT_GOOD_ROWS, false, &r, &err) == 0);
	cr_assert_eq(r.imported, 0);
	cr_assert_eq(r.unchanged, 4);
	people_import_result_cleanup(&r);
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.total, 4);
	person_list_cleanup(&l);
	unlink(path);
	free(path);
	db_close(db);
}

Test(people, cp1258_csv_with_commas_arrives_in_nfc)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct person_list l;
	struct people_query q;
	struct actor off;
	const char utf8[] = "Họ và tên,Ngày sinh,Giới tính\nĐặng Thị Huyền Trang,1990,Nữ\n";
	char out[256], *in = (char *)utf8, *o = out, *path;
	size_t inleft = sizeof(utf8) - 1, outleft = sizeof(out);
	iconv_t cd = iconv_open("CP1258", "UTF-8");

	cr_assert(cd != (iconv_t)-1);
	cr_assert(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	iconv_close(cd);
	path = temp_file(".csv", out, sizeof(out) - outleft);
	fx_user(db, "cb.lechan", "officer", "11383", &off);
	cr_assert(people_import_file(db, &off, fx_unit(db, &off, "11383", NULL),
	    path, PEOPLE_IMPORT_ALL, false, &r, &err) == 0, "%s", err.detail);
	cr_assert_eq(r.imported, 1);
	people_import_result_cleanup(&r);
	memset(&q, 0, sizeof(q));
	q.unit_id = fx_unit(db, &off, "11383", NULL);
	q.q = "dang thi huyen trang";
	cr_assert(people_list(db, &off, &q, &l, &err) == 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.items[0].full_name, "Đặng Thị Huyền Trang");
	person_list_cleanup(&l);
	unlink(path);
	free(path);
	db_close(db);
}

Test(people, a_file_without_a_name_column_is_refused_whole)
{
	struct db *db = testdb_open_units();
	struct kh_err err = KH_ERR_INIT;
	struct people_import_result r;
	struct actor off;
	const char csv[] = "STT,Ngày sinh\n1,01/01/1990\n";
	char *path = temp_file(".csv", csv, sizeof(csv) - 1);

	fx_user(db, "cb.lechan", "officer", "11383", &off);
	cr_assert_eq(people_import_file(db, &off, fx_unit(db, &off, "11383",
	    NULL), path, PEOPLE_IMPORT_ALL, false, &r, &err), KH_E_INVALID);
	cr_assert_str_eq(err.field, "full_name");
	unlink(path);
	free(path);
	db_close(db);
}
