/*
 * forms.c - report forms as data: the JSON format (data/reports/README.md)
 * with its breakdowns expanded into fields, periods, typed values, storage
 * of the shipped forms and their assignment to unit kinds.
 */
#include "reports/reports_impl.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/vntext.h"
#include "models/models.h"
#include "units/units.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Small shared helpers ---- */

char *
reports_col_str(struct db_stmt *st, int col)
{
	return db_col_strdup(st, col, true);
}

void
reports_id_str(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

char *
reports_read_file(const char *path, struct kh_err *err)
{
	struct buf b = {0};
	char chunk[8192];
	size_t got;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		kh_fail(err, KH_E_IO, N_("Cannot read the file %s."), path);
		return NULL;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, got);
	fclose(f);
	buf_putc(&b, '\0');
	return buf_steal(&b);
}

static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
reports_json_files(const char *dir, char ***names, size_t *n,
    struct kh_err *err)
{
	size_t cap = 0;
	struct dirent *e;
	DIR *d;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (d == NULL)
		return kh_fail(err, KH_E_IO, N_("Cannot open the folder %s."), dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 6 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*names = xrealloc(*names, cap * sizeof(**names));
		}
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), name_cmp);
	return 0;
}

const char *
reports_unit_structure(const char *valid_from, const char *valid_to)
{
	if (valid_to != NULL && *valid_to != '\0' &&
	    strcmp(valid_to, UNITS_OLD_STRUCTURE_TO) <= 0)
		return REPORT_OLD;
	if (valid_from != NULL && strcmp(valid_from, UNITS_NEW_STRUCTURE_FROM) >= 0)
		return REPORT_NEW;
	return "";
}

int
reports_structure_resolve(const char *structure, const struct report_period *p,
    char out[4], char on[11], struct kh_err *err)
{
	if (structure == NULL || *structure == '\0')
		structure = strcmp(p->to, UNITS_NEW_STRUCTURE_FROM) >= 0 ?
		    REPORT_NEW : REPORT_OLD;
	if (strcmp(structure, REPORT_OLD) != 0 && strcmp(structure, REPORT_NEW) != 0)
		return kh_fail_field(err, KH_E_INVALID, "structure",
		    N_("The structure must be \"old\" or \"new\", not %s."),
		    structure);
	snprintf(out, 4, "%s", structure);
	snprintf(on, 11, "%s", strcmp(structure, REPORT_OLD) == 0 ?
	    UNITS_OLD_STRUCTURE_TO : UNITS_NEW_STRUCTURE_FROM);
	return 0;
}

void
reports_x100_str(int64_t x100, char *out, size_t outsz)
{
	int64_t a = x100 < 0 ? -x100 : x100;

	if (a % 100 == 0)
		snprintf(out, outsz, "%s%lld", x100 < 0 ? "-" : "",
		    (long long)(a / 100));
	else if (a % 10 == 0)
		snprintf(out, outsz, "%s%lld.%lld", x100 < 0 ? "-" : "",
		    (long long)(a / 100), (long long)(a % 100 / 10));
	else
		snprintf(out, outsz, "%s%lld.%02lld", x100 < 0 ? "-" : "",
		    (long long)(a / 100), (long long)(a % 100));
}

/* ---- Periods ---- */

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

int
reports_period_parse(const char *s, struct report_period *out,
    struct kh_err *err)
{
	static const char *const q_from[] = {"01-01", "04-01", "07-01", "10-01"};
	static const char *const q_to[] = {"03-31", "06-30", "09-30", "12-31"};
	const char *dots;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return kh_fail_field(err, KH_E_INVALID, "period",
		    N_("Give the period of the report."), NULL);
	len = strlen(s);
	if (len >= sizeof(out->code))
		goto bad;
	dots = strstr(s, "..");
	if (dots != NULL) {
		char a[16], b[16];

		if ((size_t)(dots - s) >= sizeof(a) || strlen(dots + 2) >= sizeof(b))
			goto bad;
		memcpy(a, s, (size_t)(dots - s));
		a[dots - s] = '\0';
		snprintf(b, sizeof(b), "%s", dots + 2);
		if (!date_parse(a, out->from) || !date_parse(b, out->to) ||
		    strcmp(out->from, out->to) > 0)
			goto bad;
		snprintf(out->kind, sizeof(out->kind), "window");
		snprintf(out->code, sizeof(out->code), "%s..%s", out->from, out->to);
		out->year = atoi(out->from);
		return 0;
	}
	if (len < 4 || !all_digits(s, 4))
		goto bad;
	out->year = atoi(s);
	if (out->year < 1990 || out->year > 2100)
		goto bad;
	if (len == 4) {
		snprintf(out->kind, sizeof(out->kind), "year");
		snprintf(out->from, 11, "%d-01-01", out->year);
		snprintf(out->to, 11, "%d-12-31", out->year);
	} else if (len == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') &&
	    s[6] >= '1' && s[6] <= '4') {
		int q = s[6] - '1';

		snprintf(out->kind, sizeof(out->kind), "quarter");
		snprintf(out->from, 11, "%d-%s", out->year, q_from[q]);
		snprintf(out->to, 11, "%d-%s", out->year, q_to[q]);
	} else if (strcasecmp(s + 4, "-KH") == 0) {
		/* Tháng Khuyến học: 2 September (the National Day) to 2 October
		 * (the Vietnam Study Encouragement Day). */
		snprintf(out->kind, sizeof(out->kind), "month");
		snprintf(out->from, 11, "%d-09-02", out->year);
		snprintf(out->to, 11, "%d-10-02", out->year);
	} else if (strcasecmp(s + 4, "-LLW") == 0 ||
	    strcmp(s + 4, "-HTSĐ") == 0 || strcasecmp(s + 4, "-HTSD") == 0) {
		/* Tuần lễ hưởng ứng học tập suốt đời: 1-7 October. */
		snprintf(out->kind, sizeof(out->kind), "week");
		snprintf(out->from, 11, "%d-10-01", out->year);
		snprintf(out->to, 11, "%d-10-07", out->year);
	} else {
		goto bad;
	}
	if (strcmp(out->kind, "week") == 0)
		snprintf(out->code, sizeof(out->code), "%d-LLW", out->year);
	else if (strcmp(out->kind, "month") == 0)
		snprintf(out->code, sizeof(out->code), "%d-KH", out->year);
	else if (strcmp(out->kind, "quarter") == 0)
		snprintf(out->code, sizeof(out->code), "%d-Q%c", out->year, s[6]);
	else
		snprintf(out->code, sizeof(out->code), "%d", out->year);
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return kh_fail_field(err, KH_E_INVALID, "period", N_("Unknown period %s:"
	    " write a year (2025), a quarter (2025-Q3), the Study Encouragement"
	    " Month (2023-KH), the Lifelong Learning Week (2023-LLW) or dates"
	    " (2023-09-02..2023-10-02)."), s);
}

/* ---- Values ---- */

/* Digits with optional thousands separators ('.', ' ' or ',' in groups of
 * three): "1.500.000", "1 500 000". */
static bool
parse_count(const char *s, int64_t *v)
{
	int64_t x = 0;
	int digits = 0, group = -1;
	char sep = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s)) {
			if (x > (INT64_MAX - 9) / 10)
				return false;
			x = x * 10 + (*s - '0');
			digits++;
			if (group >= 0)
				group++;
		} else if ((*s == '.' || *s == ' ' || *s == ',') && digits > 0 &&
		    (sep == 0 || sep == *s) && (group < 0 || group == 3)) {
			if (group < 0 && digits > 3)
				return false;
			sep = *s;
			group = 0;
		} else {
			return false;
		}
	}
	if (digits == 0 || (group >= 0 && group != 3))
		return false;
	*v = x;
	return true;
}

/*
 * A figure with at most two decimals, a comma or a dot before them and an
 * optional "%" after ("27.5", "27,5", "27.5 %", "10") into hundredths: the
 * one reading of percentages typed in a report and of targets set by an
 * administrator. More than two decimals is refused, not rounded, so that
 * nothing typed is silently changed.
 */
bool
reports_hundredths_parse(const char *s, int max_whole_digits, int64_t *v)
{
	int64_t whole = 0, frac = 0;
	int fd = 0, wd = 0;

	if (s == NULL)
		return false;
	for (; *s == ' '; s++)
		;
	if (*s == '-')
		return false;
	for (; isdigit((unsigned char)*s); s++, wd++) {
		if (wd >= max_whole_digits)
			return false;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.' || *s == ',') {
		for (s++; isdigit((unsigned char)*s); s++, fd++) {
			if (fd >= 2)
				return false;
			frac = frac * 10 + (*s - '0');
		}
		if (fd == 0)
			return false;
		if (fd == 1)
			frac *= 10;
	}
	for (; *s == ' '; s++)
		;
	if (*s == '%')
		s++;
	for (; *s == ' '; s++)
		;
	if (*s != '\0' || wd == 0)
		return false;
	*v = whole * 100 + frac;
	return true;
}

/* A percentage typed in a report. */
static bool
parse_pct(const char *s, int64_t *v)
{
	return reports_hundredths_parse(s, 7, v);
}

const char *
reports_value_parse(const struct report_field *f, const char *raw, int64_t *v,
    bool *has)
{
	char *t, *p, *e;
	const char *msg = NULL;

	*has = false;
	*v = 0;
	if (raw == NULL)
		return NULL;
	t = xstrdup(raw);
	for (p = t; *p == ' ' || *p == '\t'; p++)
		;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (*p == '\0' || strcmp(f->kind, RF_TEXT) == 0) {
		free(t);
		return NULL;
	}
	if (strcmp(f->kind, RF_INT) == 0 || strcmp(f->kind, RF_MONEY) == 0) {
		if (*p == '-')
			msg = N_("%s: a count or an amount cannot be negative.");
		else if (!parse_count(p, v))
			msg = strcmp(f->kind, RF_INT) == 0 ?
			    N_("%s: write a whole number (for example 1250).") :
			    N_("%s: write an amount in đồng (for example 1.500.000).");
	} else if (strcmp(f->kind, RF_PCT) == 0) {
		if (*p == '-')
			msg = N_("%s: a percentage cannot be negative.");
		else if (!parse_pct(p, v))
			msg = N_("%s: write a percentage (for example 27,5).");
		else if (*v > 10000)
			msg = N_("%s: a percentage cannot be over 100.");
	} else if (strcmp(f->kind, RF_BOOL) == 0) {
		char *k = vn_search_key(p);

		if (strcmp(k, "1") == 0 || strcmp(k, "co") == 0 ||
		    strcmp(k, "yes") == 0 || strcmp(k, "x") == 0)
			*v = 1;
		else if (strcmp(k, "0") == 0 || strcmp(k, "khong") == 0 ||
		    strcmp(k, "no") == 0)
			*v = 0;
		else
			msg = N_("%s: answer yes (có) or no (không).");
		free(k);
	}
	free(t);
	if (msg != NULL) {
		*v = 0;
		return msg;
	}
	*has = true;
	return NULL;
}

void
reports_recompute(const struct report_form *f, int64_t *values, bool *has)
{
	for (size_t i = 0; i < f->n_fields; i++) {
		const struct report_field *fd = &f->fields[i];
		int ni, di;

		if (fd->num == NULL || fd->den == NULL)
			continue;
		ni = reports_form_field(f, fd->num);
		di = reports_form_field(f, fd->den);
		has[i] = false;
		values[i] = 0;
		if (ni < 0 || di < 0 || !has[ni] || !has[di] || values[di] <= 0)
			continue;
		/* Hundredths of a percent, rounded half up. */
		values[i] = (values[ni] * 10000 * 2 / values[di] + 1) / 2;
		has[i] = true;
	}
}

/* ---- Parsing ---- */

void
report_form_cleanup(struct report_form *f)
{
	size_t i;

	free(f->code);
	free(f->title_vi);
	free(f->title_en);
	free(f->legal_basis);
	free(f->period_kind);
	free(f->deadline);
	for (i = 0; i < f->n_unit_kinds; i++)
		free(f->unit_kinds[i]);
	free(f->unit_kinds);
	for (i = 0; i < f->n_sections; i++) {
		free(f->sections[i].code);
		free(f->sections[i].title_vi);
		free(f->sections[i].title_en);
	}
	free(f->sections);
	for (i = 0; i < f->n_fields; i++) {
		struct report_field *fd = &f->fields[i];

		free(fd->code);
		free(fd->section);
		free(fd->kind);
		free(fd->title_vi);
		free(fd->title_en);
		free(fd->source);
		free(fd->model);
		free(fd->sex);
		free(fd->unit_kind);
		free(fd->num);
		free(fd->den);
	}
	free(f->fields);
	for (i = 0; i < f->n_rules; i++) {
		free(f->rules[i].left);
		free(f->rules[i].op);
		free(f->rules[i].right);
	}
	free(f->rules);
	free(f->json);
	memset(f, 0, sizeof(*f));
}

int
reports_form_field(const struct report_form *f, const char *code)
{
	for (size_t i = 0; i < f->n_fields; i++)
		if (strcmp(f->fields[i].code, code) == 0)
			return (int)i;
	return -1;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* One value of a breakdown: the suffix of the code, the words added to the
 * titles and what the value sets on the field. */
struct bd_value {
	const char *key;
	const char *vi, *en;
	const char *model;
	int group;
	const char *sex;
	const char *unit_kind;
};

static const struct bd_value bd_model[] = {
	{"citizen", "Công dân học tập", "Learning citizens", MODEL_CITIZEN, 0, NULL, NULL},
	{"family", "Gia đình học tập", "Learning families", MODEL_FAMILY, 0, NULL, NULL},
	{"clan", "Dòng họ học tập", "Learning clans", MODEL_CLAN, 0, NULL, NULL},
	{"community", "Cộng đồng học tập", "Learning communities", MODEL_COMMUNITY, 0, NULL, NULL},
	{"unit", "Đơn vị học tập", "Learning units", MODEL_UNIT, 0, NULL, NULL},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
static const struct bd_value bd_group[] = {
	{"g1", "nhóm 1", "group 1", MODEL_CITIZEN, 1, NULL, NULL},
	{"g2", "nhóm 2", "group 2", MODEL_CITIZEN, 2, NULL, NULL},
	{"g3", "nhóm 3", "group 3", MODEL_CITIZEN, 3, NULL, NULL},
	{"g4", "nhóm 4", "group 4", MODEL_CITIZEN, 4, NULL, NULL},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
static const struct bd_value bd_sex[] = {
	{"m", "nam", "men", NULL, 0, "M", NULL},
	{"f", "nữ", "women", NULL, 0, "F", NULL},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL},
};
static const struct bd_value bd_unit_kind[] = {
	{"school", "trường học", "schools", NULL, 0, NULL, UNIT_SCHOOL},
	{"agency", "cơ quan", "agencies", NULL, 0, NULL, UNIT_AGENCY},
	{"enterprise", "doanh nghiệp", "enterprises", NULL, 0, NULL, UNIT_ENTERPRISE},
	{"armed", "lực lượng vũ trang", "armed forces", NULL, 0, NULL, UNIT_ARMED},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL},
};

static const struct bd_value *
breakdown_values(const char *name)
{
	if (name == NULL)
		return NULL;
	if (strcmp(name, "model") == 0)
		return bd_model;
	if (strcmp(name, "subject_group") == 0)
		return bd_group;
	if (strcmp(name, "sex") == 0)
		return bd_sex;
	if (strcmp(name, "unit_kind") == 0)
		return bd_unit_kind;
	return NULL;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *const field_kinds[] = {RF_INT, RF_MONEY, RF_PCT, RF_TEXT,
    RF_BOOL, NULL};
static const char *const sources[] = {REPORT_SRC_REGISTRATIONS,
    REPORT_SRC_RECOGNITIONS, REPORT_SRC_POPULATION, REPORT_SRC_HOUSEHOLDS,
    REPORT_SRC_BOARDS, REPORT_SRC_BOARDS_NEW, REPORT_SRC_CLCS, REPORT_SRC_ORGS, REPORT_SRC_MEMBERS, REPORT_SRC_FUND,
    REPORT_SRC_TRAINING, NULL};
static const char *const period_kinds[] = {"year", "quarter", "month", "week",
    "window", NULL};
static const char *const ops[] = {"<=", "<", ">=", ">", "==", NULL};

/* "rec.*" with key "family" -> "rec.family"; other codes unchanged. */
static char *
star_key(const char *code, const char *key)
{
	size_t n = strlen(code);

	if (n > 2 && strcmp(code + n - 2, ".*") == 0)
		return xasprintf("%.*s.%s", (int)(n - 2), code, key);
	return xstrdup(code);
}

static struct report_field *
field_add(struct report_form *f, size_t *cap)
{
	struct report_field *fd;

	if (f->n_fields == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		f->fields = xrealloc(f->fields, *cap * sizeof(*fd));
	}
	fd = &f->fields[f->n_fields++];
	memset(fd, 0, sizeof(*fd));
	return fd;
}

static int
parse_field(struct report_form *f, size_t *cap, const char *section,
    json_t *o, struct kh_err *err)
{
	const char *code = jstr(o, "code"), *kind = jstr(o, "kind");
	const char *tvi = jstr(o, "title_vi"), *ten = jstr(o, "title_en");
	const char *src = jstr(o, "source"), *bd = jstr(o, "breakdown");
	const struct bd_value *vals = NULL, one = {NULL, NULL, NULL, NULL, 0,
	    NULL, NULL};
	json_t *ver = json_object_get(o, "verified");
	size_t i;

	if (code == NULL || *code == '\0' || strlen(code) > 40 ||
	    strchr(code, '.') != NULL)
		return kh_fail(err, KH_E_INVALID, N_("A field has no code, or its"
		    " code is too long or holds a dot (%s)."), code);
	if (kind == NULL || !in_list(kind, field_kinds))
		return kh_fail(err, KH_E_INVALID, N_("Field %s: the kind must be"
		    " int, money, pct, text or bool."), code);
	if (tvi == NULL || ten == NULL)
		return kh_fail(err, KH_E_INVALID, N_("Field %s has no title in"
		    " Vietnamese or English."), code);
	if (src != NULL && !in_list(src, sources))
		return kh_fail(err, KH_E_INVALID, N_("Field %s: unknown source."),
		    code);
	if (bd != NULL) {
		vals = breakdown_values(bd);
		if (vals == NULL)
			return kh_fail(err, KH_E_INVALID, N_("Field %s: unknown"
			    " breakdown."), code);
	}
	if (strcmp(kind, RF_PCT) == 0 && (jstr(o, "num") == NULL) !=
	    (jstr(o, "den") == NULL))
		return kh_fail(err, KH_E_INVALID, N_("Field %s: a computed"
		    " percentage needs both num and den."), code);
	for (i = 0; vals == NULL ? i < 1 : vals[i].key != NULL; i++) {
		const struct bd_value *v = vals != NULL ? &vals[i] : &one;
		struct report_field *fd;

		fd = field_add(f, cap);
		fd->code = v->key != NULL ? xasprintf("%s.%s", code, v->key) :
		    xstrdup(code);
		fd->section = xstrdup(section);
		fd->kind = xstrdup(kind);
		fd->title_vi = v->key != NULL ? xasprintf("%s: %s", tvi, v->vi) :
		    xstrdup(tvi);
		fd->title_en = v->key != NULL ? xasprintf("%s: %s", ten, v->en) :
		    xstrdup(ten);
		fd->source = dup_or_null(src);
		fd->model = dup_or_null(v->model != NULL ? v->model :
		    jstr(o, "model"));
		fd->group = v->group;
		fd->sex = dup_or_null(v->sex);
		fd->unit_kind = dup_or_null(v->unit_kind);
		fd->num = dup_or_null(jstr(o, "num"));
		fd->den = dup_or_null(jstr(o, "den"));
		fd->required = json_is_true(json_object_get(o, "required"));
		fd->verified = ver == NULL || json_is_true(ver);
		if (fd->num != NULL && v->key != NULL) {
			/* In a breakdown, "rec.*" means rec.KEY. */
			char *nm = star_key(fd->num, v->key);
			char *dn = star_key(fd->den, v->key);

			free(fd->num);
			free(fd->den);
			fd->num = nm;
			fd->den = dn;
		}
		if (reports_form_field(f, fd->code) != (int)f->n_fields - 1)
			return kh_fail(err, KH_E_INVALID, N_("Two fields have the"
			    " code %s."), fd->code);
	}
	return 0;
}

static int
add_rule(struct report_form *f, const char *l, const char *op, const char *r,
    struct kh_err *err)
{
	struct report_rule *ru;

	if (reports_form_field(f, l) < 0)
		return kh_fail(err, KH_E_INVALID, N_("A rule names an unknown"
		    " field %s."), l);
	if (reports_form_field(f, r) < 0)
		return kh_fail(err, KH_E_INVALID, N_("A rule names an unknown"
		    " field %s."), r);
	f->rules = xrealloc(f->rules, (f->n_rules + 1) * sizeof(*ru));
	ru = &f->rules[f->n_rules++];
	ru->left = xstrdup(l);
	ru->op = xstrdup(op);
	ru->right = xstrdup(r);
	return 0;
}

/* A rule "rec.* <= reg.*" stands for one rule per value of the breakdown
 * both fields share. */
static int
parse_rule(struct report_form *f, json_t *o, struct kh_err *err)
{
	const char *l = jstr(o, "left"), *op = jstr(o, "op"), *r = jstr(o, "right");
	size_t ll, i;
	int rc = 0;

	if (l == NULL || r == NULL || op == NULL || !in_list(op, ops))
		return kh_fail(err, KH_E_INVALID, N_("A rule needs left, op (<=, <,"
		    " >=, >, ==) and right."), l);
	ll = strlen(l);
	if (ll > 2 && strcmp(l + ll - 2, ".*") == 0) {
		size_t rl = strlen(r), n = 0;

		if (rl < 3 || strcmp(r + rl - 2, ".*") != 0)
			return kh_fail(err, KH_E_INVALID, N_("A rule with .* needs"
			    " .* on both sides (%s)."), l);
		for (i = 0; rc == 0 && i < f->n_fields; i++) {
			const char *c = f->fields[i].code;
			char *rc_code;

			if (strncmp(c, l, ll - 1) != 0)
				continue;
			rc_code = xasprintf("%.*s%s", (int)(rl - 1), r, c + ll - 1);
			if (reports_form_field(f, rc_code) >= 0) {
				rc = add_rule(f, c, op, rc_code, err);
				n++;
			}
			free(rc_code);
		}
		if (rc == 0 && n == 0)
			rc = kh_fail(err, KH_E_INVALID, N_("The rule %s matches no"
			    " field."), l);
		return rc;
	}
	return add_rule(f, l, op, r, err);
}

int
reports_form_parse(const char *text, struct report_form *out,
    struct kh_err *err)
{
	json_t *root, *a, *v;
	json_error_t jerr;
	size_t cap = 0, i, k;
	const char *s;
	char where[32];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL || !vn_utf8_valid(text, strlen(text)))
		return kh_fail(err, KH_E_INVALID, N_("The text is not valid UTF-8."),
		    NULL);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(where, sizeof(where), "%d:%d", jerr.line, jerr.column);
		kh_err_detail(err, "%s", jerr.text);
		return kh_fail(err, KH_E_INVALID, N_("The report form is not valid"
		    " JSON (line:column %s)."), where);
	}
	s = jstr(root, "code");
	if (s == NULL || *s == '\0' || strlen(s) > 40) {
		rc = kh_fail(err, KH_E_INVALID, N_("The report form has no code."),
		    NULL);
		goto out;
	}
	out->code = xstrdup(s);
	out->title_vi = dup_or_null(jstr(root, "title_vi"));
	out->title_en = dup_or_null(jstr(root, "title_en"));
	out->legal_basis = xstrdup(jstr(root, "legal_basis") ?
	    jstr(root, "legal_basis") : "");
	out->period_kind = dup_or_null(jstr(root, "period_kind"));
	out->deadline = dup_or_null(jstr(root, "deadline"));
	out->verified = json_is_true(json_object_get(root, "verified"));
	if (out->title_vi == NULL || out->title_en == NULL) {
		rc = kh_fail(err, KH_E_INVALID, N_("Form %s has no title in"
		    " Vietnamese or English."), out->code);
		goto out;
	}
	if (out->period_kind == NULL || !in_list(out->period_kind, period_kinds)) {
		rc = kh_fail(err, KH_E_INVALID, N_("Form %s: period_kind must be"
		    " year, quarter, month, week or window."), out->code);
		goto out;
	}
	if (out->deadline != NULL && (strlen(out->deadline) != 5 ||
	    out->deadline[2] != '-')) {
		rc = kh_fail(err, KH_E_INVALID, N_("Form %s: the deadline is"
		    " written MM-DD."), out->code);
		goto out;
	}
	a = json_object_get(root, "unit_kinds");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		out->unit_kinds = xrealloc(out->unit_kinds,
		    (out->n_unit_kinds + 1) * sizeof(char *));
		out->unit_kinds[out->n_unit_kinds++] =
		    xstrdup(json_string_value(v));
	}
	a = json_object_get(root, "sections");
	if (!json_is_array(a) || json_array_size(a) == 0) {
		rc = kh_fail(err, KH_E_INVALID, N_("Form %s has no sections."),
		    out->code);
		goto out;
	}
	out->sections = xcalloc(json_array_size(a), sizeof(*out->sections));
	json_array_foreach(a, i, v) {
		struct report_section *sec = &out->sections[out->n_sections++];
		json_t *fields = json_object_get(v, "fields"), *fo;

		sec->code = xstrdup(jstr(v, "code") ? jstr(v, "code") : "");
		sec->title_vi = xstrdup(jstr(v, "title_vi") ? jstr(v, "title_vi") : "");
		sec->title_en = xstrdup(jstr(v, "title_en") ? jstr(v, "title_en") : "");
		json_array_foreach(fields, k, fo) {
			rc = parse_field(out, &cap, sec->code, fo, err);
			if (rc != 0)
				goto out;
		}
	}
	if (out->n_fields == 0) {
		rc = kh_fail(err, KH_E_INVALID, N_("Form %s has no fields."),
		    out->code);
		goto out;
	}
	for (i = 0; i < out->n_fields; i++) {
		const struct report_field *fd = &out->fields[i];

		if (fd->num != NULL && (reports_form_field(out, fd->num) < 0 ||
		    reports_form_field(out, fd->den) < 0)) {
			rc = kh_fail(err, KH_E_INVALID, N_("Field %s computes from a"
			    " field the form does not have."), fd->code);
			goto out;
		}
	}
	a = json_object_get(root, "rules");
	json_array_foreach(a, i, v) {
		rc = parse_rule(out, v, err);
		if (rc != 0)
			goto out;
	}
	out->json = xstrdup(text);
out:
	json_decref(root);
	if (rc != 0)
		report_form_cleanup(out);
	return rc;
}

/* ---- Storage ---- */

/*
 * Parsed forms kept by their stored JSON text. The dashboard of a province
 * reads the same form a dozen times a page; parsing it was a sixth of the
 * page's time.
 */
#define FORM_MEMO_SLOTS 16

static pthread_mutex_t form_memo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct report_form form_memo[FORM_MEMO_SLOTS];
static size_t form_memo_next;

static void
form_copy(const struct report_form *f, struct report_form *o)
{
	size_t i;

	*o = *f;
	o->code = dup_or_null(f->code);
	o->title_vi = dup_or_null(f->title_vi);
	o->title_en = dup_or_null(f->title_en);
	o->legal_basis = dup_or_null(f->legal_basis);
	o->period_kind = dup_or_null(f->period_kind);
	o->deadline = dup_or_null(f->deadline);
	o->json = dup_or_null(f->json);
	o->unit_kinds = xcalloc(f->n_unit_kinds + 1, sizeof(*o->unit_kinds));
	for (i = 0; i < f->n_unit_kinds; i++)
		o->unit_kinds[i] = dup_or_null(f->unit_kinds[i]);
	o->sections = xcalloc(f->n_sections + 1, sizeof(*o->sections));
	for (i = 0; i < f->n_sections; i++) {
		o->sections[i].code = dup_or_null(f->sections[i].code);
		o->sections[i].title_vi = dup_or_null(f->sections[i].title_vi);
		o->sections[i].title_en = dup_or_null(f->sections[i].title_en);
	}
	o->fields = xcalloc(f->n_fields + 1, sizeof(*o->fields));
	for (i = 0; i < f->n_fields; i++) {
		const struct report_field *a = &f->fields[i];
		struct report_field *b = &o->fields[i];

		*b = *a;
		b->code = dup_or_null(a->code);
		b->section = dup_or_null(a->section);
		b->kind = dup_or_null(a->kind);
		b->title_vi = dup_or_null(a->title_vi);
		b->title_en = dup_or_null(a->title_en);
		b->source = dup_or_null(a->source);
		b->model = dup_or_null(a->model);
		b->sex = dup_or_null(a->sex);
		b->unit_kind = dup_or_null(a->unit_kind);
		b->num = dup_or_null(a->num);
		b->den = dup_or_null(a->den);
	}
	o->rules = xcalloc(f->n_rules + 1, sizeof(*o->rules));
	for (i = 0; i < f->n_rules; i++) {
		o->rules[i].left = dup_or_null(f->rules[i].left);
		o->rules[i].op = dup_or_null(f->rules[i].op);
		o->rules[i].right = dup_or_null(f->rules[i].right);
	}
}

static bool
form_memo_get(const char *json, struct report_form *out)
{
	bool hit = false;

	pthread_mutex_lock(&form_memo_mu);
	for (size_t i = 0; i < FORM_MEMO_SLOTS && !hit; i++)
		if (form_memo[i].json != NULL &&
		    strcmp(form_memo[i].json, json) == 0) {
			form_copy(&form_memo[i], out);
			hit = true;
		}
	pthread_mutex_unlock(&form_memo_mu);
	return hit;
}

static void
form_memo_put(const char *json, const struct report_form *f)
{
	struct report_form *slot;

	if (f->json == NULL || strcmp(f->json, json) != 0)
		return;
	pthread_mutex_lock(&form_memo_mu);
	slot = &form_memo[form_memo_next++ % FORM_MEMO_SLOTS];
	report_form_cleanup(slot);
	form_copy(f, slot);
	pthread_mutex_unlock(&form_memo_mu);
}

int
reports_form_load_id(struct db *db, int64_t id, struct report_form *out,
    struct kh_err *err)
{
	char *json = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_query_text(db, "SELECT json FROM report_forms WHERE id = $1",
	    DB_ARGS(DB_INT(id)), &json, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail(err, KH_E_NOT_FOUND, N_("Unknown report form."),
		    NULL);
	if (rc != 0)
		return rc;
	/* A form is parsed once per process and text: the same stored JSON
	 * always gives the same form, so a copy is exact. */
	if (form_memo_get(json, out)) {
		free(json);
		out->id = id;
		return 0;
	}
	rc = reports_form_parse(json, out, err);
	if (rc == 0)
		form_memo_put(json, out);
	free(json);
	if (rc == 0)
		out->id = id;
	return rc;
}

int
reports_form_get(struct db *db, const struct actor *a, const char *code,
    struct report_form *out, struct kh_err *err)
{
	int64_t id;
	int rc;

	(void)a;
	memset(out, 0, sizeof(*out));
	rc = db_query_int(db, "SELECT id FROM report_forms WHERE code = $1",
	    DB_ARGS(DB_TEXT(code != NULL ? code : "")), &id, err);
	if (rc == KH_E_NOT_FOUND)
		return kh_fail_field(err, KH_E_NOT_FOUND, "form",
		    N_("Unknown report form %s."), code);
	if (rc != 0)
		return rc;
	return reports_form_load_id(db, id, out, err);
}

/*
 * Store one parsed form: add it, replace it while no unit has a report on
 * it, or leave it when its text is the same. The caller holds the
 * transaction.
 */
static int
form_store_parsed(struct db *db, const struct actor *a,
    const struct report_form *f, const char *stamp,
    struct report_load_stats *stats, struct kh_err *err)
{
	char *old = NULL, idstr[24];
	int64_t id = 0, used = 0, old_fields = 0;
	json_t *before = NULL, *after;
	const char *action = "load";
	int rc;

	rc = db_query_int(db, "SELECT id FROM report_forms WHERE code = $1",
	    DB_ARGS(DB_TEXT(f->code)), &id, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		rc = db_query_int(db, "INSERT INTO report_forms (code,"
		    " title_vi, n_fields, verified, json, created_at,"
		    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
		    " RETURNING id", DB_ARGS(DB_TEXT(f->code),
		    DB_TEXT(f->title_vi), DB_INT(f->n_fields),
		    DB_INT(f->verified), DB_TEXT(f->json), DB_TEXT(stamp)),
		    &id, err);
		if (rc == 0)
			stats->loaded++;
	} else if (rc == 0) {
		rc = db_query_text(db, "SELECT json FROM report_forms"
		    " WHERE id = $1", DB_ARGS(DB_INT(id)), &old, err);
		if (rc == 0 && strcmp(old, f->json) == 0) {
			stats->unchanged++;
			free(old);
			return 0;
		}
		free(old);
		if (rc == 0)
			rc = db_query_int(db, "SELECT count(*) FROM"
			    " report_submissions WHERE form_id = $1",
			    DB_ARGS(DB_INT(id)), &used, err);
		if (rc == 0 && used > 0)
			rc = kh_fail(err, KH_E_CONFLICT, N_("Form %s already"
			    " has reports, so its changed file was not loaded;"
			    " give the changed form a new code."), f->code);
		if (rc == 0)
			rc = db_query_int(db, "SELECT n_fields FROM report_forms"
			    " WHERE id = $1", DB_ARGS(DB_INT(id)), &old_fields,
			    err);
		if (rc == 0)
			rc = db_exec_args(db, "UPDATE report_forms SET"
			    " title_vi = $2, n_fields = $3, verified = $4,"
			    " json = $5, updated_at = $6 WHERE id = $1",
			    DB_ARGS(DB_INT(id), DB_TEXT(f->title_vi),
			    DB_INT(f->n_fields), DB_INT(f->verified),
			    DB_TEXT(f->json), DB_TEXT(stamp)), NULL, err);
		if (rc == 0) {
			stats->updated++;
			action = "replace";
			before = json_pack("{s:s, s:I}", "code", f->code,
			    "fields", (json_int_t)old_fields);
		}
	}
	if (rc != 0)
		return rc;
	reports_id_str(id, idstr);
	after = json_pack("{s:s, s:I}", "code", f->code, "fields",
	    (json_int_t)f->n_fields);
	rc = audit_record(db, a, 0, action, "report_form", idstr, before, after,
	    err);
	json_decref(before);
	json_decref(after);
	return rc;
}

int
reports_form_store(struct db *db, const struct actor *a, const char *text,
    char code[48], struct report_load_stats *stats, struct kh_err *err)
{
	struct report_form f;
	char stamp[STAMP_LEN];
	int rc;

	if (code != NULL)
		code[0] = '\0';
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc == 0)
		rc = reports_form_parse(text, &f, err);
	if (rc != 0)
		return rc;
	if (code != NULL)
		snprintf(code, 48, "%s", f.code);
	/* Nested in the directory loader's transaction when it calls. */
	rc = db_begin(db, err);
	if (rc != 0) {
		report_form_cleanup(&f);
		return rc;
	}
	stamp_now(stamp);
	rc = form_store_parsed(db, a, &f, stamp, stats, err);
	if (rc == 0)
		rc = reports_generation_bump(db, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	report_form_cleanup(&f);
	return rc;
}

int
reports_forms_load(struct db *db, const struct actor *a, const char *dir,
    struct report_load_stats *stats, struct kh_err *err)
{
	char **names = NULL, **texts = NULL;
	size_t n = 0, i;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc == 0)
		rc = reports_json_files(dir, &names, &n, err);
	if (rc != 0)
		return rc;
	/* Every file is read and checked before anything is stored, so that
	 * a broken file leaves the stored forms as they were. */
	texts = xcalloc(n + 1, sizeof(*texts));
	for (i = 0; rc == 0 && i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct report_form f;

		texts[i] = reports_read_file(path, err);
		free(path);
		if (texts[i] == NULL) {
			rc = KH_E_IO;
			break;
		}
		rc = reports_form_parse(texts[i], &f, err);
		if (rc != 0)
			kh_err_detail(err, "in %s", names[i]);
		else
			report_form_cleanup(&f);
	}
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	for (i = 0; rc == 0 && i < n; i++)
		rc = reports_form_store(db, a, texts[i], NULL, stats, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	for (i = 0; i < n; i++) {
		free(texts[i]);
		free(names[i]);
	}
	free(texts);
	free(names);
	return rc;
}

int
reports_assign(struct db *db, const struct actor *a, const char *form,
    const char *unit_kind, const char *period, const char *deadline,
    struct kh_err *err)
{
	struct report_form f;
	struct report_period p;
	char dl[24], stamp[STAMP_LEN];
	json_t *after;
	int rc;

	rc = auth_need_role(a, ROLE_ADMIN, err);
	if (rc == 0)
		rc = reports_period_parse(period, &p, err);
	if (rc != 0)
		return rc;
	if (unit_kind == NULL || (strcmp(unit_kind, UNIT_COMMUNE) != 0 &&
	    strcmp(unit_kind, UNIT_DISTRICT) != 0 &&
	    strcmp(unit_kind, UNIT_PROVINCE) != 0 && !units_kind_is_org(unit_kind)))
		return kh_fail_field(err, KH_E_INVALID, "unit_kind",
		    N_("Unknown unit kind %s."), unit_kind);
	rc = reports_form_get(db, a, form, &f, err);
	if (rc != 0)
		return rc;
	if (deadline != NULL && *deadline != '\0') {
		if (!date_parse(deadline, dl))
			rc = kh_fail_field(err, KH_E_INVALID, "deadline",
			    N_("The deadline %s is not a date."), deadline);
	} else if (f.deadline != NULL) {
		/* The deadline's day in the period's year: a yearly report
		 * is due on 15/12 of its own year (figures to mid-December),
		 * a campaign's after the campaign. Only a day that would come
		 * before the period even begins (a fourth quarter due on
		 * 15/01) falls in the next year. */
		snprintf(dl, sizeof(dl), "%04d-%.5s", p.year % 10000, f.deadline);
		if (strcmp(dl, p.from) < 0)
			snprintf(dl, sizeof(dl), "%04d-%.5s", (p.year + 1) % 10000,
			    f.deadline);
	} else {
		snprintf(dl, sizeof(dl), "%s", p.to);
	}
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0) {
		report_form_cleanup(&f);
		return rc;
	}
	stamp_now(stamp);
	rc = db_exec_args(db, "DELETE FROM report_assignments WHERE form_id = $1"
	    " AND unit_kind = $2 AND period = $3", DB_ARGS(DB_INT(f.id),
	    DB_TEXT(unit_kind), DB_TEXT(p.code)), NULL, err);
	if (rc == 0)
		rc = db_exec_args(db, "INSERT INTO report_assignments (form_id,"
		    " unit_kind, period, period_from, period_to, deadline,"
		    " created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7,"
		    " $8)", DB_ARGS(DB_INT(f.id), DB_TEXT(unit_kind),
		    DB_TEXT(p.code), DB_TEXT(p.from), DB_TEXT(p.to), DB_TEXT(dl),
		    DB_TEXT(stamp), DB_TEXT(a->login)), NULL, err);
	if (rc == 0) {
		after = json_pack("{s:s, s:s, s:s, s:s}", "form", f.code,
		    "unit_kind", unit_kind, "period", p.code, "deadline", dl);
		rc = audit_record(db, a, 0, "assign", "report_form", f.code, NULL,
		    after, err);
		json_decref(after);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	report_form_cleanup(&f);
	return rc;
}

const char *
reports_source_words(const char *src)
{
	static const struct {
		const char *code, *words;
	} names[] = {
		{REPORT_SRC_REGISTRATIONS, N_("registrations of learning models")},
		{REPORT_SRC_RECOGNITIONS, N_("recognitions of learning models")},
		{REPORT_SRC_POPULATION, N_("the residents' register")},
		{REPORT_SRC_HOUSEHOLDS, N_("the households of the residents'"
		    " register")},
		{REPORT_SRC_BOARDS, N_("study encouragement boards on record")},
		{REPORT_SRC_BOARDS_NEW, N_("boards formed in the period")},
		{REPORT_SRC_CLCS, N_("community learning centres on record")},
		{REPORT_SRC_ORGS, N_("organisations on record")},
		{REPORT_SRC_MEMBERS, N_("association members: typed by hand"
		    " until the membership records exist")},
		{REPORT_SRC_FUND, N_("the study encouragement fund: typed by"
		    " hand until the fund records exist")},
		{REPORT_SRC_TRAINING, N_("training: typed by hand until the"
		    " training records exist")},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(src, names[i].code) == 0)
			return names[i].words;
	return src;
}

const char *
reports_unit_words(const char *kind, const char *code)
{
	if (kind == NULL)
		return NULL;
	if (strcmp(kind, RF_MONEY) == 0)
		return N_("đồng");
	if (strcmp(kind, RF_PCT) == 0)
		return "%";
	if (strcmp(kind, RF_INT) != 0 || code == NULL)
		return NULL;
	if (strstr(code, "household") != NULL)
		return N_("households");
	if (strncmp(code, "pop", 3) == 0 || strstr(code, "member") != NULL ||
	    strstr(code, "participant") != NULL || strncmp(code, "cdht", 4) == 0)
		return N_("people");
	return NULL;
}
