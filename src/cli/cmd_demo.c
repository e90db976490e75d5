/*
 * cmd_demo.c - khuyenhoc demo: the administrative units and a small demo
 * data set for Hải Phòng (made-up people and organisations in real units,
 * clans, and the learning models of 2023 to 2026: demo_models.c), so that
 * `make run` opens on something to look at. Idempotent.
 */
#include "cli/cli.h"
#include "cli/cmd_report.h"
#include "cli/cmd_criteria.h"
#include "cli/demo_models.h"
#include "models/models.h"
#include "auth/users.h"
#include "core/i18n.h"
#include "people/people.h"
#include "units/units.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The password of every demo account; printed by `make run`. Demo
 * databases are for trying the system out, never for real data. */
#define DEMO_PASSWORD "khuyenhoc-demo"

struct demo_user {
	const char *login, *full_name, *role, *unit;
};

static const struct demo_user demo_users[] = {
	{"hkh.haiphong", "Nguyễn Thị Hoa", "admin", "31"},
	{"xem.haiphong", "Lê Quang Huy", "viewer", "31"},
	{"quanly.lechan", "Vũ Thị Thu", "manager", "11383"},
	{"canbo.lechan", "Trần Văn Minh", "officer", "11383"},
	{"canbo.hongbang", "Phạm Thị Lan", "officer", "11311"},
};

struct demo_org {
	const char *parent;	/* parent code (today's unit) */
	const char *code;	/* the organisation's own code */
	const char *kind, *name, *address;
};

static const struct demo_org demo_orgs[] = {
	{"31", "31-HKH", UNIT_ASSOCIATION, "Hội Khuyến học thành phố Hải Phòng", "Số 1 Đinh Tiên Hoàng, Hải Phòng"},
	{"31", "31-SGDDT", UNIT_AGENCY, "Sở Giáo dục và Đào tạo Hải Phòng", ""},
	{"11383", "11383-HKH", UNIT_ASSOCIATION, "Hội Khuyến học phường Lê Chân", ""},
	{"11383", "11383-TDP05", UNIT_VILLAGE, "Tổ dân phố số 5", ""},
	{"11383", "11383-TDP12", UNIT_VILLAGE, "Tổ dân phố Hàng Kênh 12", ""},
	{"11383-TDP05", "11383-TDP05-BKH", UNIT_BOARD, "Ban khuyến học Tổ dân phố số 5", ""},
	{"11383-TDP05", "11383-TDP05-CH", UNIT_CHAPTER, "Chi hội khuyến học Tổ dân phố số 5", ""},
	{"11383", "11383-TTHTCD", UNIT_CLC, "Trung tâm học tập cộng đồng phường Lê Chân", ""},
	{"11383", "11383-THHK", UNIT_SCHOOL, "Trường Tiểu học Hàng Kênh", ""},
	{"11383", "11383-THCSLC", UNIT_SCHOOL, "Trường THCS Lê Chân", ""},
	{"11383", "11383-DN01", UNIT_ENTERPRISE, "Công ty TNHH Cơ khí Lạch Tray", ""},
	{"11311", "11311-HKH", UNIT_ASSOCIATION, "Hội Khuyến học phường Hồng Bàng", ""},
	{"11311", "11311-TDP03", UNIT_VILLAGE, "Tổ dân phố số 3", ""},
	{"11311", "11311-THMK", UNIT_SCHOOL, "Trường Tiểu học Minh Khai", ""},
	{"11311", "11311-TTHTCD", UNIT_CLC, "Trung tâm học tập cộng đồng phường Hồng Bàng", ""},
};

/*
 * Made-up residents for the demo villages: households of a head, a spouse
 * and up to three children, names drawn from common Vietnamese names by a
 * fixed sequence so that every demo database is the same.
 */
static const char *const family_names[] = {"Nguyễn", "Trần", "Lê", "Phạm",
    "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"};
static const char *const male_middle[] = {"Văn", "Đức", "Minh", "Quang",
    "Hữu", "Thanh", "Công", "Xuân"};
static const char *const female_middle[] = {"Thị", "Thu", "Ngọc", "Thanh",
    "Minh", "Thùy", "Kim", "Hồng"};
static const char *const male_given[] = {"An", "Bình", "Cường", "Dũng", "Hải",
    "Hùng", "Khôi", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn",
    "Việt", "Đạt", "Đông", "Huy", "Kiên", "Trung"};
static const char *const female_given[] = {"Anh", "Chi", "Dung", "Hà", "Hoa",
    "Hương", "Lan", "Linh", "Mai", "Ngọc", "Phương", "Thảo", "Trang", "Vân",
    "Yến", "Ánh", "Giang", "Hạnh", "Nhung", "Quỳnh"};

#define PICK(arr, r) (arr[(r) % (sizeof(arr) / sizeof(arr[0]))])

static uint32_t demo_seed = 20250701u;

static uint32_t
demo_rand(void)
{
	demo_seed = demo_seed * 1664525u + 1013904223u;
	return demo_seed >> 8;
}

static int
demo_person(struct db *db, const struct actor *sys, int64_t unit,
    const char *hh, const char *family, bool male, int year,
    const char *relation, struct kh_err *err)
{
	char name[160], birth[16], id[32];
	struct person_input in;
	uint32_t r = demo_rand();
	int64_t pid = 0;
	int rc;

	snprintf(name, sizeof(name), "%s %s %s", family,
	    male ? PICK(male_middle, r) : PICK(female_middle, r),
	    male ? PICK(male_given, r >> 4) : PICK(female_given, r >> 4));
	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year,
	    (int)(r % 12) + 1, (int)(r >> 8) % 28 + 1);
	memset(&in, 0, sizeof(in));
	in.full_name = name;
	in.birth_date = birth;
	in.sex = male ? 'M' : 'F';
	in.household_code = hh;
	in.relation = relation;
	in.is_head = strcmp(relation, "Chủ hộ") == 0;
	if (year <= 2010) {
		/* CCCD: province 031, sex and century digit, year, six digits. */
		snprintf(id, sizeof(id), "031%d%02d%06u",
		    (male ? 0 : 1) + (year >= 2000 ? 2 : 0), (year % 100 + 100) % 100,
		    (unsigned)(demo_rand() % 1000000));
		in.id_number = id;
	}
	rc = people_create(db, sys, unit, &in, &pid, err);
	if (rc == KH_E_CONFLICT) {	/* a drawn number already taken */
		kh_err_clear(err);
		in.id_number = NULL;
		rc = people_create(db, sys, unit, &in, &pid, err);
	}
	if (rc == 0)
		rc = people_consent(db, sys, pid, "learning-society movement",
		    "paper form", err);
	return rc;
}

/* Households in a demo village, unless it already has residents. */
static int
demo_village_people(struct db *db, const struct actor *sys, const char *code,
    int households, int *made, struct kh_err *err)
{
	struct unit v = UNIT_INIT;
	struct people_counts c;
	int rc, h;

	rc = units_find(db, sys, code, NULL, &v, err);
	if (rc == 0)
		rc = people_count(db, sys, v.id, &c, err);
	for (h = 1; rc == 0 && c.people == 0 && h <= households; h++) {
		const char *family = PICK(family_names, demo_rand());
		int head_year = 1955 + (int)(demo_rand() % 35), k, kids;
		char hh[16];

		snprintf(hh, sizeof(hh), "H%03d", h);
		rc = demo_person(db, sys, v.id, hh, family, true, head_year,
		    "Chủ hộ", err);
		if (rc == 0)
			rc = demo_person(db, sys, v.id, hh,
			    PICK(family_names, demo_rand()), false,
			    head_year + (int)(demo_rand() % 5), "Vợ", err);
		kids = (int)(demo_rand() % 4);
		for (k = 0; rc == 0 && k < kids; k++)
			rc = demo_person(db, sys, v.id, hh, family,
			    demo_rand() % 2 == 0, head_year + 22 + k * 3 +
			    (int)(demo_rand() % 3), "Con", err);
		*made += 2 + kids;
	}
	unit_cleanup(&v);
	return rc;
}

int
cmd_demo(int argc, char **argv)
{
	struct cli_opt o[] = {{"db", true, NULL, false}};
	struct demo_models_stats ms;
	struct kh_err err = KH_ERR_INIT;
	const char *url, *pos[1];
	char *import_argv[3];
	struct actor sys;
	struct db *db;
	int npos, rc, made = 0;
	size_t i;

	if (cli_parse(argc, argv, o, 1, pos, 0, &npos) != 0)
		return 2;
	url = o[0].value != NULL ? o[0].value : db_default_url();
	import_argv[0] = "import";
	import_argv[1] = "--db";
	import_argv[2] = (char *)url;
	rc = cmd_units(3, import_argv);
	if (rc != 0)
		return rc;
	if (cli_open_db(url, &db) != 0)
		return 1;
	rc = auth_system_actor(db, &sys, &err);
	if (rc == 0) {
		/* The criteria sets of the learning models (idempotent). */
		struct criteria_load_stats cst;
		char *dir = cmd_criteria_default_dir();

		memset(&cst, 0, sizeof(cst));
		rc = models_criteria_load(db, &sys, dir, &cst, &err);
		free(dir);
	}
	for (i = 0; rc == 0 && i < sizeof(demo_orgs) / sizeof(demo_orgs[0]); i++) {
		const struct demo_org *d = &demo_orgs[i];
		struct unit parent = UNIT_INIT, existing = UNIT_INIT, made_u = UNIT_INIT;
		struct unit_input in;

		if (units_find(db, &sys, d->code, NULL, &existing, &err) == 0) {
			unit_cleanup(&existing);
			continue;
		}
		kh_err_clear(&err);
		rc = units_find(db, &sys, d->parent, NULL, &parent, &err);
		if (rc == 0) {
			memset(&in, 0, sizeof(in));
			in.code = d->code;
			in.name = d->name;
			in.kind = d->kind;
			in.address = d->address;
			in.valid_from = UNITS_NEW_STRUCTURE_FROM;
			rc = units_create_org(db, &sys, parent.id, &in, &made_u, &err);
			made++;
		}
		unit_cleanup(&parent);
		unit_cleanup(&made_u);
	}
	if (rc == 0)
		rc = demo_village_people(db, &sys, "11383-TDP05", 40, &made, &err);
	if (rc == 0)
		rc = demo_village_people(db, &sys, "11383-TDP12", 35, &made, &err);
	if (rc == 0)
		rc = demo_village_people(db, &sys, "11311-TDP03", 30, &made, &err);
	/* Clans and the learning-models cycle of 2023 to 2026. */
	memset(&ms, 0, sizeof(ms));
	if (rc == 0)
		rc = demo_models(db, &sys, &ms, &err);
	for (i = 0; rc == 0 && i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		const struct demo_user *d = &demo_users[i];
		struct user_input in = {d->login, d->full_name, d->role, d->unit,
		    DEMO_PASSWORD};

		rc = users_create(db, &sys, &in, NULL, &err);
		if (rc == KH_E_CONFLICT) {
			kh_err_clear(&err);
			rc = 0;
			continue;
		}
		made++;
	}
	if (rc == 0)
		rc = cmd_report_demo(db, &sys, &made, &err);
	db_close(db);
	if (rc != 0) {
		cli_print_err(&err);
		return kh_kind_exit_code(rc);
	}
	printf("%s: %d\n", i18n_tr(cli_lang(), N_("Demo records added")), made);
	printf("%s: %d, %s: %d, %s: %d\n",
	    i18n_tr(cli_lang(), N_("clans added")), ms.clans,
	    i18n_tr(cli_lang(), N_("learning-model registrations added")),
	    ms.registrations,
	    i18n_tr(cli_lang(), N_("recognition decisions added")), ms.decisions);
	printf("%s (%s: %s)\n", i18n_tr(cli_lang(), N_("Demo accounts")),
	    i18n_tr(cli_lang(), N_("password")), DEMO_PASSWORD);
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
		printf("  %-16s %-8s %s\n", demo_users[i].login, demo_users[i].role,
		    demo_users[i].full_name);
	return 0;
}
