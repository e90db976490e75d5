/*
 * The shares in force for partly merged communes (reports_shares_list), on
 * SQLite and on PostgreSQL, over the real units of Hải Phòng: Phường Cầu
 * Đất (11344) was split between the new wards Gia Viên (11359) and Lê Chân
 * (11383); Phường Hàng Kênh (11395) went whole into Lê Chân and is not
 * listed. The list must give the shares the consolidation uses.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/reports.h"
#include "units/units.h"
#include "../fixtures.h"
#include "../testdb.h"

static const struct report_share_pair *
pair(const struct report_share_list *l, const char *old_code,
    const char *new_code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].old_code, old_code) == 0 &&
		    strcmp(l->items[i].new_code, new_code) == 0)
			return &l->items[i];
	return NULL;
}

BOTH(reports_shares, rule_then_administrator_and_refusals)
{
	struct report_share_list l;
	struct kh_err err = KH_ERR_INIT;
	struct actor sys, mgr;
	struct unit city = UNIT_INIT;
	const struct report_share_pair *p;

	cr_assert(auth_system_actor(db, &sys, &err) == 0);
	cr_assert(reports_shares_list(db, &sys, "31", &l, &err) == 0,
	    "%s", err.msg ? err.msg : "");
	cr_assert(l.n > 0);
	/* Default rule: an equal split of Cầu Đất. */
	p = pair(&l, "11344", "11359");
	cr_assert(p != NULL);
	cr_expect_eq(p->share_bp, 5000);
	cr_expect_str_eq(p->origin, REPORT_SHARE_DEFAULT);
	cr_expect_str_eq(p->old_name, "Phường Cầu Đất");
	cr_expect(p->partial);
	p = pair(&l, "11344", "11383");
	cr_assert(p != NULL);
	cr_expect_eq(p->share_bp, 5000);
	/* A whole merge into one successor is not a split. */
	cr_expect(pair(&l, "11395", "11383") == NULL);
	/* Every old commune's shares add up to the whole. */
	for (size_t i = 0; i < l.n; ) {
		size_t j = i;
		int sum = 0;

		for (; j < l.n && strcmp(l.items[j].old_code, l.items[i].old_code) == 0;
		    j++)
			sum += l.items[j].share_bp;
		cr_expect_eq(sum, REPORT_SHARE_FULL, "%s: %d", l.items[i].old_code,
		    sum);
		i = j;
	}
	report_share_list_cleanup(&l);

	/* The administrator's share; the rest goes to the other successor. */
	cr_assert(reports_share_set(db, &sys, "11344", "11383", 6000,
	    "Theo dân số", &err) == 0);
	cr_assert(reports_shares_list(db, &sys, "31", &l, &err) == 0);
	p = pair(&l, "11344", "11383");
	cr_expect_eq(p->share_bp, 6000);
	cr_expect_str_eq(p->origin, REPORT_SHARE_ADMIN);
	cr_expect_str_eq(p->note, "Theo dân số");
	cr_expect_str_eq(p->set_by, sys.login);
	p = pair(&l, "11344", "11359");
	cr_expect_eq(p->share_bp, 4000);
	cr_expect_str_eq(p->origin, REPORT_SHARE_DEFAULT);
	report_share_list_cleanup(&l);

	/* A manager of the city may not see them; nor an unknown unit. */
	cr_assert(units_find(db, &sys, "31", UNITS_NEW_STRUCTURE_FROM, &city,
	    &err) == 0);
	memset(&mgr, 0, sizeof(mgr));
	snprintf(mgr.login, sizeof(mgr.login), "%s", "ql.haiphong");
	snprintf(mgr.lang, sizeof(mgr.lang), "en");
	mgr.role = ROLE_MANAGER;
	mgr.unit_id = city.id;
	cr_expect_eq(reports_shares_list(db, &mgr, "31", &l, &err), KH_E_FORBIDDEN);
	cr_expect_eq(l.n, 0);
	cr_expect_eq(reports_shares_list(db, &sys, "99999", &l, &err),
	    KH_E_NOT_FOUND);
	unit_cleanup(&city);
}
