/*
 * Evidence files of a report on SQLite and PostgreSQL: listed in the order
 * attached with name, size, who and when, for the unit and the approving
 * level; opened whole (bytes equal, NUL bytes kept); refused to a
 * neighbouring commune; never opened through another report.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/reports.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

BOTH(reports_evidence, listed_and_opened_by_readers_only)
{
	static const unsigned char scan[] = {0x89, 'P', 'N', 'G', 0, 1, 0, 2, 0xff};
	struct report_load_stats st;
	struct report_evidence_list l = {0};
	struct report_evidence f;
	struct kh_err err = KH_ERR_INIT;
	struct actor sys, off, off_other, city_mgr, city_view;
	int64_t commune, other, city, id, id_other, e1, e2, e3;

	setenv("KHUYENHOC_TODAY", "2025-11-20", 1);
	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(reports_forms_load(db, &sys, "data/reports", &st, &err) == 0);
	commune = fx_unit(db, &sys, "11383", UNITS_NEW_STRUCTURE_FROM);
	other = fx_unit(db, &sys, "11311", UNITS_NEW_STRUCTURE_FROM);
	city = fx_unit(db, &sys, "31", UNITS_NEW_STRUCTURE_FROM);
	fx_actor(&off, "hkh.lechan", ROLE_OFFICER, commune);
	fx_actor(&off_other, "hkh.hongbang", ROLE_OFFICER, other);
	fx_actor(&city_mgr, "hkh.haiphong", ROLE_MANAGER, city);
	fx_actor(&city_view, "xem.haiphong", ROLE_VIEWER, city);

	cr_assert(reports_save(db, &off, "yearly", commune, "2025", NULL, 0, &id,
	    NULL, &err) == 0, "%s", err.msg ? err.msg : "");
	cr_assert(reports_save(db, &off_other, "yearly", other, "2025", NULL, 0,
	    &id_other, NULL, &err) == 0);
	/* Nothing yet: an empty list, not an error. */
	cr_assert(reports_evidence_list(db, &off, id, &l, &err) == 0);
	cr_expect_eq(l.n, 0);
	report_evidence_list_cleanup(&l);

	cr_assert(reports_evidence_add(db, &off, id, "Biên bản họp.pdf",
	    "application/pdf", "%PDF-1.4", 8, &e1, &err) == 0);
	cr_assert(reports_evidence_add(db, &off, id, "ảnh.png", "image/png",
	    scan, sizeof(scan), &e2, &err) == 0);
	cr_assert(reports_evidence_add(db, &off_other, id_other, "khac.pdf",
	    "application/pdf", "%PDF", 4, &e3, &err) == 0);

	/* The unit, the city's manager (the approving level) and the city's
	 * viewer read the list; the neighbouring commune does not. */
	{
		const struct actor *readers[] = {&off, &city_mgr, &city_view};

		for (size_t i = 0; i < 3; i++) {
			cr_assert(reports_evidence_list(db, readers[i], id, &l,
			    &err) == 0, "%s", readers[i]->login);
			cr_assert_eq(l.n, 2);
			cr_expect_eq(l.items[0].id, e1);
			cr_expect_str_eq(l.items[0].name, "Biên bản họp.pdf");
			cr_expect_str_eq(l.items[0].content_type,
			    "application/pdf");
			cr_expect_eq(l.items[0].size, 8);
			cr_expect_str_eq(l.items[0].actor, "hkh.lechan");
			cr_expect_eq(strncmp(l.items[0].created_at, "20", 2), 0);
			cr_expect_null(l.items[0].data, "the list carries no data");
			cr_expect_eq(l.items[1].id, e2);
			cr_expect_eq(l.items[1].size, sizeof(scan));
			report_evidence_list_cleanup(&l);
		}
	}
	cr_expect_eq(reports_evidence_list(db, &off_other, id, &l, &err),
	    KH_E_FORBIDDEN);
	cr_expect_eq(l.n, 0);
	kh_err_clear(&err);

	/* Opened whole, bytes equal, by a reader. */
	cr_assert(reports_evidence_get(db, &city_view, id, e2, &f, &err) == 0);
	cr_expect_str_eq(f.name, "ảnh.png");
	cr_expect_str_eq(f.content_type, "image/png");
	cr_assert_eq(f.size, sizeof(scan));
	cr_expect_eq(memcmp(f.data, scan, sizeof(scan)), 0);
	report_evidence_cleanup(&f);
	/* Out of scope: refused; through another report: not found. */
	cr_expect_eq(reports_evidence_get(db, &off_other, id, e2, &f, &err),
	    KH_E_FORBIDDEN);
	kh_err_clear(&err);
	cr_expect_eq(reports_evidence_get(db, &off_other, id_other, e2, &f,
	    &err), KH_E_NOT_FOUND);
	kh_err_clear(&err);
	cr_expect_eq(reports_evidence_get(db, &city_mgr, id, e3, &f, &err),
	    KH_E_NOT_FOUND);
	kh_err_clear(&err);
	cr_expect_eq(reports_evidence_get(db, &off, id, 999999, &f, &err),
	    KH_E_NOT_FOUND);
	kh_err_clear(&err);
	cr_expect_eq(reports_evidence_get(db, &off, 999999, e1, &f, &err),
	    KH_E_NOT_FOUND);
	kh_err_clear(&err);
	cr_expect_null(f.data);
}
