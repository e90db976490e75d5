/*
 * public.c - the public learning-citizen self-assessment: submissions
 * without an account, their receipt codes and rate limits, and the queue in
 * which the village board accepts or rejects them.
 */
#include "public/public.h"
#include "auth/audit.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/vntext.h"
#include "people/people.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No I, L, O, 0 or 1: a code is read off a phone and typed again. */
static const char CODE_ALPHABET[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

#define PURPOSE "learning-society movement"
#define CHANNEL "public page"

char *
public_notice(const char *lang, const char *commune_name)
{
	const char *fmt = i18n_tr(lang, N_("Notice on the processing of"
	    " personal data (Decree 13/2023/ND-CP). Controller: the Study"
	    " Encouragement Association of %s, with the village or residential"
	    " group's study encouragement board. Purpose: to register you for the"
	    " Learning Citizen title of this year, to verify your self-assessment"
	    " and to count the results of the learning-society movement. Data"
	    " kept: full name, date or year of birth, sex, CCCD number and phone"
	    " if you give them, your subject group and your answers. Ethnicity"
	    " and religion are not collected. Nothing about you is published."
	    " Retention: for as long as the movement's records of the year are"
	    " kept, at most 5 years, then deleted; a form that is not"
	    " accepted is deleted after 1 year. Your rights: to be informed, to see, correct"
	    " or delete your data, to withdraw this consent at any time (at the"
	    " association or the commune's people's committee) and to complain."
	    " Withdrawing does not affect processing done before it."));
	const char *p = strstr(fmt, "%s");
	struct buf b = BUF_INIT;

	if (p == NULL)
		return xstrdup(fmt);
	buf_append(&b, fmt, (size_t)(p - fmt));
	buf_puts(&b, commune_name != NULL ? commune_name : "");
	buf_puts(&b, p + 2);
	return buf_steal(&b);
}

static void
sha256_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
public_unit_check(struct db *db, int64_t unit_id, struct kh_err *err)
{
	struct db_stmt *st = NULL;
	char today[DATE_LEN];
	int rc, ok = 0;

	date_today(today);
	/* A village in force, or a commune in force without villages in force. */
	rc = db_prepare(db, "SELECT u.kind, (SELECT count(*) FROM units c"
	    " WHERE c.parent_id = u.id AND c.kind = 'village'"
	    " AND c.valid_from <= $2 AND (c.valid_to IS NULL OR c.valid_to >= $2))"
	    " FROM units u WHERE u.id = $1 AND u.valid_from <= $2"
	    " AND (u.valid_to IS NULL OR u.valid_to >= $2)",
	    DB_ARGS(DB_INT(unit_id), DB_TEXT(today)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		const char *kind = db_col_text(st, 0);

		ok = strcmp(kind, "village") == 0 ||
		    (strcmp(kind, "commune") == 0 && db_col_int(st, 1) == 0);
		rc = 0;
	}
	db_finalize(st);
	if (rc != 0)
		return rc;
	if (!ok)
		return kh_fail_field(err, KH_E_INVALID, "unit", N_("Choose your"
		    " village or residential group from the list."), NULL);
	return 0;
}

/* The commune a village belongs to (itself for a commune), for the notice. */
static int
commune_name(struct db *db, int64_t unit_id, char **out, struct kh_err *err)
{
	return db_query_text(db, "SELECT u.name FROM unit_tree t JOIN units u"
	    " ON u.id = t.ancestor_id WHERE t.descendant_id = $1"
	    " AND u.kind = 'commune' ORDER BY t.depth LIMIT 1",
	    DB_ARGS(DB_INT(unit_id)), out, err);
}

/* A name as people write it: NFC, single spaces, letters and a few marks. */
static int
clean_name(const char *in, char **out, struct kh_err *err)
{
	char *s, *r, *w;
	bool space = true;

	*out = NULL;
	if (in == NULL)
		in = "";
	s = vn_nfc(in, strlen(in));
	if (s == NULL)
		return kh_fail_field(err, KH_E_INVALID, "full_name",
		    N_("The text is not valid UTF-8."), NULL);
	for (r = s, w = s; *r != '\0'; r++) {
		char c = *r == '\t' ? ' ' : *r;

		if (c == ' ' && space)
			continue;
		space = c == ' ';
		*w++ = c;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	for (r = s; *r != '\0'; r++)
		if ((unsigned char)*r < 0x20 || isdigit((unsigned char)*r) ||
		    strchr("<>\"@#$%^&*=_{}[]|\\/;:!?", *r) != NULL) {
			free(s);
			return kh_fail_field(err, KH_E_INVALID, "full_name",
			    N_("A full name holds letters only."), NULL);
		}
	if (s[0] == '\0' || strlen(s) > PEOPLE_NAME_MAX * 4 ||
	    strchr(s, ' ') == NULL) {
		free(s);
		return kh_fail_field(err, KH_E_INVALID, "full_name",
		    N_("Enter your full name: family name, middle and given names"
		    " (at most 120 characters)."), NULL);
	}
	*out = s;
	return 0;
}

static bool
digits(const char *s, size_t lo, size_t hi)
{
	size_t n = strlen(s);

	if (n < lo || n > hi)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int
check_person(const struct public_input *in, char *phone, struct kh_err *err)
{
	char today[DATE_LEN];
	size_t i, j;

	date_today(today);
	if (in->birth_date == NULL || !date_valid(in->birth_date))
		return kh_fail_field(err, KH_E_INVALID, "birth", N_("Enter your date"
		    " of birth (dd/mm/yyyy) or year of birth."), NULL);
	if (strcmp(in->birth_date, today) > 0 ||
	    strcmp(in->birth_date, "1900-01-01") < 0)
		return kh_fail_field(err, KH_E_INVALID, "birth", N_("The birth date"
		    " %s is not possible."), in->birth_date);
	if (in->sex != 'M' && in->sex != 'F')
		return kh_fail_field(err, KH_E_INVALID, "sex",
		    N_("Choose male or female."), NULL);
	if (in->id_number != NULL && in->id_number[0] != '\0' &&
	    !digits(in->id_number, 12, 12))
		return kh_fail_field(err, KH_E_INVALID, "id_number",
		    N_("A CCCD number has 12 digits."), NULL);
	/* The phone: digits, with spaces, dots, dashes and a leading + dropped. */
	phone[0] = '\0';
	if (in->phone != NULL) {
		for (i = 0, j = 0; in->phone[i] != '\0'; i++) {
			char c = in->phone[i];

			if (isdigit((unsigned char)c) || (c == '+' && j == 0)) {
				if (j >= 15)
					return kh_fail_field(err, KH_E_INVALID,
					    "phone", N_("The phone number is not"
					    " valid."), NULL);
				phone[j++] = c;
			} else if (c != ' ' && c != '.' && c != '-')
				return kh_fail_field(err, KH_E_INVALID, "phone",
				    N_("The phone number is not valid."), NULL);
		}
		phone[j] = '\0';
		if (j > 0 && j < 9)
			return kh_fail_field(err, KH_E_INVALID, "phone",
			    N_("The phone number is not valid."), NULL);
	}
	if (in->subject_group < 1 || in->subject_group > 4)
		return kh_fail_field(err, KH_E_INVALID, "subject_group",
		    N_("Choose your subject group."), NULL);
	return 0;
}

int
public_check_identity(struct db *db, const struct public_input *in,
    struct kh_err *err)
{
	char phone[16], *name = NULL;
	int rc;

	rc = public_unit_check(db, in->unit_id, err);
	if (rc == 0)
		rc = clean_name(in->full_name, &name, err);
	if (rc == 0)
		rc = check_person(in, phone, err);
	if (rc == 0 && !in->consent)
		rc = kh_fail_field(err, KH_E_INVALID, "consent", N_("Your consent"
		    " to the processing of your data is needed to send the form."),
		    NULL);
	free(name);
	return rc;
}

/* Answers only for indicators of the set that apply to the group, that a
 * person enters (points, yes/no), once each, within their maximum. */
static int
check_answers(const struct criteria_set *set, int group,
    const struct model_answer *ans, size_t n, struct kh_err *err)
{
	struct model_score sc;
	int rc;

	if (n > PUBLIC_MAX_ANSWERS)
		return kh_fail_field(err, KH_E_INVALID, "answers",
		    N_("Too many answers."), NULL);
	for (size_t i = 0; i < n; i++) {
		const struct criteria_item *it = criteria_find(set, ans[i].code);

		if (it == NULL || strcmp(it->kind, "criterion") == 0 ||
		    (strcmp(it->kind, CRIT_POINTS) != 0 &&
		    strcmp(it->kind, CRIT_BOOL) != 0) ||
		    !criteria_applies(it, group))
			return kh_fail_field(err, KH_E_INVALID, "answers",
			    N_("The form has no question %s for your group."),
			    ans[i].code);
		if (ans[i].na || ans[i].note != NULL)
			return kh_fail_field(err, KH_E_INVALID, "answers",
			    N_("The form has no question %s for your group."),
			    ans[i].code);
		for (size_t j = 0; j < i; j++)
			if (strcmp(ans[j].code, ans[i].code) == 0)
				return kh_fail_field(err, KH_E_INVALID, "answers",
				    N_("The question %s is answered twice."),
				    ans[i].code);
	}
	memset(&sc, 0, sizeof(sc));
	rc = models_score(set, group, ans, n, &sc, err);
	model_score_cleanup(&sc);
	if (rc != 0)
		snprintf(err->field, sizeof(err->field), "answers");
	return rc;
}

/* The key of the client address hash, made on first use. */
static int
secret_key(struct db *db, unsigned char key[crypto_generichash_KEYBYTES],
    struct kh_err *err)
{
	unsigned char raw[crypto_generichash_KEYBYTES];
	char hex[crypto_generichash_KEYBYTES * 2 + 1], now[STAMP_LEN];
	char *val = NULL;
	int rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	stamp_now(now);
	rc = db_exec_args(db, "INSERT INTO public_secrets (name, value, created_at)"
	    " VALUES ('client_key', $1, $2) ON CONFLICT (name) DO NOTHING",
	    DB_ARGS(DB_TEXT(hex), DB_TEXT(now)), NULL, err);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(hex, sizeof(hex));
	if (rc == 0)
		rc = db_query_text(db, "SELECT value FROM public_secrets"
		    " WHERE name = 'client_key'", DB_NOARGS, &val, err);
	if (rc != 0)
		return rc;
	if (val == NULL || sodium_hex2bin(key, crypto_generichash_KEYBYTES, val,
	    strlen(val), NULL, NULL, NULL) != 0) {
		free(val);
		return kh_fail(err, KH_E_DB, NULL, NULL);
	}
	free(val);
	return 0;
}

static int
client_hash(struct db *db, const char *ip, char out[33], struct kh_err *err)
{
	unsigned char key[crypto_generichash_KEYBYTES], h[16];
	int rc;

	rc = secret_key(db, key, err);
	if (rc != 0)
		return rc;
	if (ip == NULL)
		ip = "";
	crypto_generichash(h, sizeof(h), (const unsigned char *)ip, strlen(ip),
	    key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	sodium_bin2hex(out, 33, h, sizeof(h));
	return 0;
}

static int
rate_limits(struct db *db, const char *hash, int64_t unit_id,
    struct kh_err *err)
{
	char hour[STAMP_LEN], day[STAMP_LEN];
	int64_t n = 0;
	int rc;

	stamp_after(-3600, hour);
	stamp_after(-86400, day);
	rc = db_query_int(db, "SELECT count(*) FROM public_submissions"
	    " WHERE client_hash = $1 AND created_at >= $2",
	    DB_ARGS(DB_TEXT(hash), DB_TEXT(hour)), &n, err);
	if (rc == 0 && n >= PUBLIC_MAX_PER_HOUR)
		return kh_fail(err, KH_E_LIMIT, N_("Too many forms were sent from"
		    " this connection in the last hour. Please try again later."),
		    NULL);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM public_submissions"
		    " WHERE client_hash = $1 AND created_at >= $2",
		    DB_ARGS(DB_TEXT(hash), DB_TEXT(day)), &n, err);
	if (rc == 0 && n >= PUBLIC_MAX_PER_DAY)
		return kh_fail(err, KH_E_LIMIT, N_("Too many forms were sent from"
		    " this connection today. Please try again tomorrow."), NULL);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM public_submissions"
		    " WHERE unit_id = $1 AND created_at >= $2",
		    DB_ARGS(DB_INT(unit_id), DB_TEXT(day)), &n, err);
	if (rc == 0 && n >= PUBLIC_MAX_PER_UNIT_DAY)
		return kh_fail(err, KH_E_LIMIT, N_("This village has received too"
		    " many forms today. Please try again tomorrow or contact its"
		    " study encouragement board."), NULL);
	return rc;
}

/* The retention the notice promises: a form not accepted within a year
 * (rejected, or never decided) is deleted. Accepted forms stay with the
 * movement's records of their year. */
static int
purge(struct db *db, const struct actor *sys, struct kh_err *err)
{
	char year_ago[STAMP_LEN];
	int64_t n = 0;
	json_t *before;
	int rc;

	stamp_after(-366L * 24 * 3600, year_ago);
	rc = db_exec_args(db, "DELETE FROM public_submissions WHERE state <> $1"
	    " AND COALESCE(decided_at, created_at) < $2",
	    DB_ARGS(DB_TEXT(PUBLIC_ACCEPTED), DB_TEXT(year_ago)), &n, err);
	if (rc != 0 || n == 0)
		return rc;
	before = json_pack("{s:I, s:s}", "deleted", (json_int_t)n,
	    "older_than", year_ago);
	rc = audit_record(db, sys, 0, "purge", "public_submission", "", before,
	    NULL, err);
	json_decref(before);
	return rc;
}

static void
new_code(char code[PUBLIC_CODE_LEN + 1])
{
	for (int i = 0; i < PUBLIC_CODE_LEN; i++)
		code[i] = CODE_ALPHABET[randombytes_uniform(
		    sizeof(CODE_ALPHABET) - 1)];
	code[PUBLIC_CODE_LEN] = '\0';
}

static char *
answers_json(const struct model_answer *ans, size_t n)
{
	json_t *arr = json_array();
	char *s;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:i}", "code",
		    ans[i].code, "value_x100", (json_int_t)ans[i].value_x100,
		    "met", ans[i].met ? 1 : 0));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

int
public_submit(struct db *db, const struct public_input *in,
    char code[PUBLIC_CODE_LEN + 1], struct kh_err *err)
{
	struct criteria_set set;
	struct actor sys, pub;
	char today[DATE_LEN], now[STAMP_LEN], hash[33], phone[16];
	char notice_sha[65], *name = NULL, *note = NULL, *commune = NULL;
	char *notice = NULL, *answers = NULL;
	int64_t n = 0, id = 0;
	json_t *after = NULL;
	int rc, year;

	memset(&set, 0, sizeof(set));
	code[0] = '\0';
	if (sodium_init() < 0)
		return kh_fail(err, KH_E_IO, NULL, NULL);
	date_today(today);
	year = atoi(today);
	rc = public_unit_check(db, in->unit_id, err);
	if (rc == 0)
		rc = clean_name(in->full_name, &name, err);
	if (rc == 0)
		rc = check_person(in, phone, err);
	if (rc != 0)
		goto out;
	if (in->note != NULL && in->note[0] != '\0') {
		if (strlen(in->note) > PUBLIC_NOTE_MAX) {
			rc = kh_fail_field(err, KH_E_INVALID, "note", N_("The note is"
			    " too long (at most 1000 characters)."), NULL);
			goto out;
		}
		note = vn_nfc(in->note, strlen(in->note));
		if (note == NULL) {
			rc = kh_fail_field(err, KH_E_INVALID, "note",
			    N_("The text is not valid UTF-8."), NULL);
			goto out;
		}
	}
	rc = auth_system_actor(db, &sys, err);
	if (rc == 0)
		rc = models_set_for(db, &sys, MODEL_CITIZEN, year, in->unit_id, &set,
		    err);
	if (rc == KH_E_NOT_FOUND)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No learning-citizen form is in"
		    " force for this place this year."), NULL);
	if (rc == 0)
		rc = check_answers(&set, in->subject_group, in->answers,
		    in->n_answers, err);
	if (rc == 0 && !in->consent)
		rc = kh_fail_field(err, KH_E_INVALID, "consent", N_("Your consent"
		    " to the processing of your data is needed to send the form."),
		    NULL);
	if (rc == 0)
		rc = commune_name(db, in->unit_id, &commune, err);
	if (rc != 0)
		goto out;
	notice = public_notice(in->notice_lang != NULL ? in->notice_lang : "vi",
	    commune);
	sha256_hex(notice, notice_sha);
	answers = answers_json(in->answers, in->n_answers);
	stamp_now(now);
	rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = client_hash(db, in->client_ip, hash, err);
	if (rc == 0)
		rc = purge(db, &sys, err);
	if (rc == 0)
		rc = rate_limits(db, hash, in->unit_id, err);
	/* 31^10 codes: a clash is unlikely, but never reuse one. */
	for (int tries = 0; rc == 0 && tries < 5; tries++) {
		new_code(code);
		rc = db_query_int(db, "SELECT count(*) FROM public_submissions"
		    " WHERE code = $1", DB_ARGS(DB_TEXT(code)), &n, err);
		if (rc == 0 && n == 0)
			break;
	}
	if (rc == 0 && n != 0)
		rc = kh_fail(err, KH_E_CONFLICT, NULL, NULL);
	if (rc == 0)
		rc = db_query_int(db, "INSERT INTO public_submissions (code, unit_id,"
		    " year, full_name, birth_date, birth_year_only, sex, id_number,"
		    " phone, subject_group, set_id, answers, note, consent_version,"
		    " consent_sha256, consent_at, client_hash, state, created_at)"
		    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
		    " $14, $15, $16, $17, 'pending', $16) RETURNING id",
		    DB_ARGS(DB_TEXT(code), DB_INT(in->unit_id), DB_INT(year),
		    DB_TEXT(name), DB_TEXT(in->birth_date),
		    DB_INT(in->birth_year_only ? 1 : 0),
		    DB_TEXT(in->sex == 'M' ? "M" : "F"),
		    DB_TEXT(in->id_number != NULL && in->id_number[0] != '\0' ?
		    in->id_number : NULL), DB_TEXT(phone),
		    DB_INT(in->subject_group), DB_INT(set.id), DB_TEXT(answers),
		    DB_TEXT(note != NULL ? note : ""),
		    DB_TEXT(PUBLIC_NOTICE_VERSION), DB_TEXT(notice_sha),
		    DB_TEXT(now), DB_TEXT(hash)), &id, err);
	if (rc == 0) {
		/* Who sent it is unknown: the audit names the receipt, and holds
		 * nothing personal. */
		memset(&pub, 0, sizeof(pub));
		snprintf(pub.login, sizeof(pub.login), "public:%s", code);
		pub.role = ROLE_NONE;
		pub.unit_id = in->unit_id;
		after = json_pack("{s:s, s:i, s:i, s:s}", "state", PUBLIC_PENDING,
		    "year", year, "subject_group", in->subject_group,
		    "consent_version", PUBLIC_NOTICE_VERSION);
		rc = audit_record(db, &pub, in->unit_id, "submit",
		    "public_submission", code, NULL, after, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
out:
	if (rc != 0)
		code[0] = '\0';
	json_decref(after);
	criteria_set_cleanup(&set);
	free(name);
	free(note);
	free(commune);
	free(notice);
	free(answers);
	return rc;
}

int
public_status(struct db *db, const char *code_in, struct public_status *out,
    struct kh_err *err)
{
	char code[PUBLIC_CODE_LEN + 1];
	struct db_stmt *st = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	for (const char *p = code_in != NULL ? code_in : ""; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n >= PUBLIC_CODE_LEN)
			return kh_fail(err, KH_E_NOT_FOUND, N_("No form has this"
			    " receipt code."), NULL);
		code[n++] = (char)toupper((unsigned char)*p);
	}
	code[n] = '\0';
	if (n != PUBLIC_CODE_LEN)
		return kh_fail(err, KH_E_NOT_FOUND, N_("No form has this receipt"
		    " code."), NULL);
	rc = db_prepare(db, "SELECT s.state, s.created_at,"
	    " COALESCE(s.decided_at, ''), COALESCE(r.state, '')"
	    " FROM public_submissions s LEFT JOIN model_registrations r"
	    " ON r.id = s.registration_id WHERE s.code = $1",
	    DB_ARGS(DB_TEXT(code)), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		snprintf(out->state, sizeof(out->state), "%s", db_col_text(st, 0));
		snprintf(out->submitted_on, sizeof(out->submitted_on), "%.10s",
		    db_col_text(st, 1));
		snprintf(out->decided_on, sizeof(out->decided_on), "%.10s",
		    db_col_text(st, 2));
		snprintf(out->reg_state, sizeof(out->reg_state), "%s",
		    db_col_text(st, 3));
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("No form has this receipt"
		    " code."), NULL);
	db_finalize(st);
	return rc;
}

void
public_submission_cleanup(struct public_submission *s)
{
	free(s->code);
	free(s->unit_code);
	free(s->unit_name);
	free(s->full_name);
	free(s->birth_date);
	free(s->id_number);
	free(s->phone);
	free(s->answers_json);
	free(s->note);
	free(s->consent_version);
	free(s->consent_sha256);
	free(s->consent_at);
	free(s->state);
	free(s->reviewer);
	free(s->reason);
	free(s->created_at);
	free(s->decided_at);
	memset(s, 0, sizeof(*s));
}

void
public_list_cleanup(struct public_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		public_submission_cleanup(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/*
 * The last column says whether the person the form was matched to is
 * restricted and hidden from the actor (people.h, PEOPLE_HIDDEN_SQL; W is
 * the SQL parameter bound to people_name_scope): the form then shows the same
 * mark as the registry.
 */
#define SQL_SUB_COLS(W) \
    "SELECT s.id, s.code, s.unit_id, u.code, u.name, s.year, s.full_name," \
    " s.birth_date, s.birth_year_only, COALESCE(s.sex, ''), s.id_number," \
    " s.phone, s.subject_group, s.set_id, s.answers, s.note," \
    " s.consent_version, s.consent_sha256, s.consent_at, s.state," \
    " COALESCE(s.person_id, 0), COALESCE(s.registration_id, 0), s.reviewer," \
    " s.reason, s.created_at, s.decided_at," \
    " COALESCE((SELECT 1 FROM people hp WHERE hp.id = s.person_id" \
    "   AND " PEOPLE_HIDDEN_SQL("hp", W) "), 0)" \
    " FROM public_submissions s JOIN units u ON u.id = s.unit_id"

static void
sub_from_row(struct db_stmt *st, struct public_submission *s)
{
	const char *sex = db_col_text(st, 9);

	s->id = db_col_int(st, 0);
	s->code = db_col_strdup(st, 1, false);
	s->unit_id = db_col_int(st, 2);
	s->unit_code = db_col_strdup(st, 3, false);
	s->unit_name = db_col_strdup(st, 4, false);
	s->year = (int)db_col_int(st, 5);
	s->full_name = db_col_strdup(st, 6, false);
	s->birth_date = db_col_strdup(st, 7, false);
	s->birth_year_only = (int)db_col_int(st, 8);
	s->sex = sex != NULL && sex[0] != '\0' ? sex[0] : 0;
	s->id_number = db_col_strdup(st, 10, false);
	s->phone = db_col_strdup(st, 11, true);
	s->subject_group = (int)db_col_int(st, 12);
	s->set_id = db_col_int(st, 13);
	s->answers_json = db_col_strdup(st, 14, true);
	s->note = db_col_strdup(st, 15, true);
	s->consent_version = db_col_strdup(st, 16, true);
	s->consent_sha256 = db_col_strdup(st, 17, true);
	s->consent_at = db_col_strdup(st, 18, true);
	s->state = db_col_strdup(st, 19, true);
	s->person_id = db_col_int(st, 20);
	s->registration_id = db_col_int(st, 21);
	s->reviewer = db_col_strdup(st, 22, false);
	s->reason = db_col_strdup(st, 23, false);
	s->created_at = db_col_strdup(st, 24, true);
	s->decided_at = db_col_strdup(st, 25, false);
	if (db_col_int(st, 26) != 0) {
		free(s->full_name);
		s->full_name = xstrdup(PEOPLE_RESTRICTED_NAME);
		free(s->birth_date);
		s->birth_date = NULL;
		s->birth_year_only = 0;
		free(s->id_number);
		s->id_number = NULL;
		free(s->phone);
		s->phone = xstrdup("");
	}
}

int
public_queue(struct db *db, const struct actor *a, int64_t unit_id,
    int limit, struct public_list *out, struct kh_err *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (limit <= 0)
		limit = 50;
	if (limit > 500)
		limit = 500;
	rc = auth_need_role(a, ROLE_OFFICER, err);
	if (rc == 0)
		rc = auth_can_read(db, a, unit_id, err);
	if (rc == 0)
		rc = db_query_int(db, "SELECT count(*) FROM public_submissions s"
		    " WHERE s.state = 'pending' AND s.unit_id IN (SELECT"
		    " descendant_id FROM unit_tree WHERE ancestor_id = $1)"
		    " AND " AUTH_IN_SCOPE("s.unit_id", "$2"),
		    DB_ARGS(DB_INT(unit_id), DB_INT(a->unit_id)), &out->pending,
		    err);
	if (rc == 0)
		rc = db_prepare(db, SQL_SUB_COLS("$4") " WHERE s.unit_id IN (SELECT"
		    " descendant_id FROM unit_tree WHERE ancestor_id = $1)"
		    " AND " AUTH_IN_SCOPE("s.unit_id", "$2")
		    " ORDER BY CASE WHEN s.state = 'pending' THEN 0 ELSE 1 END,"
		    " CASE WHEN s.state = 'pending' THEN s.created_at ELSE '' END,"
		    " s.decided_at DESC, s.id DESC LIMIT $3",
		    DB_ARGS(DB_INT(unit_id), DB_INT(a->unit_id), DB_INT(limit),
		    DB_INT(people_name_scope(a))), &st, err);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, err)) == 1) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->items = xrealloc(out->items,
			    out->cap * sizeof(*out->items));
		}
		memset(&out->items[out->n], 0, sizeof(out->items[0]));
		sub_from_row(st, &out->items[out->n++]);
	}
	db_finalize(st);
	if (rc != 0)
		public_list_cleanup(out);
	return rc;
}

int
public_get(struct db *db, const struct actor *a, int64_t id,
    struct public_submission *out, struct kh_err *err)
{
	struct db_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_need_role(a, ROLE_OFFICER, err);
	if (rc == 0)
		rc = db_prepare(db, SQL_SUB_COLS("$2") " WHERE s.id = $1",
		    DB_ARGS(DB_INT(id), DB_INT(people_name_scope(a))), &st, err);
	if (rc != 0)
		return rc;
	rc = db_step(st, err);
	if (rc == 1) {
		sub_from_row(st, out);
		rc = 0;
	} else if (rc == 0)
		rc = kh_fail(err, KH_E_NOT_FOUND, N_("This form does not exist."),
		    NULL);
	db_finalize(st);
	if (rc == 0)
		rc = auth_can_read(db, a, out->unit_id, err);
	if (rc != 0)
		public_submission_cleanup(out);
	return rc;
}

void
public_answers_cleanup(struct public_answers *pa)
{
	for (size_t i = 0; i < pa->n; i++)
		free(pa->codes[i]);
	free(pa->codes);
	free(pa->items);
	memset(pa, 0, sizeof(*pa));
}

int
public_answers_parse(const char *text, struct public_answers *out,
    struct kh_err *err)
{
	json_error_t jerr;
	json_t *arr, *o;
	size_t i;

	memset(out, 0, sizeof(*out));
	arr = json_loads(text != NULL ? text : "[]", 0, &jerr);
	if (arr == NULL || !json_is_array(arr)) {
		json_decref(arr);
		return kh_fail(err, KH_E_DB, NULL, NULL);
	}
	out->items = xcalloc(json_array_size(arr) + 1, sizeof(*out->items));
	out->codes = xcalloc(json_array_size(arr) + 1, sizeof(*out->codes));
	json_array_foreach(arr, i, o) {
		const char *c = json_string_value(json_object_get(o, "code"));

		out->codes[out->n] = xstrdup(c != NULL ? c : "");
		out->items[out->n].code = out->codes[out->n];
		out->items[out->n].value_x100 =
		    json_integer_value(json_object_get(o, "value_x100"));
		out->items[out->n].met =
		    (int)json_integer_value(json_object_get(o, "met"));
		out->n++;
	}
	json_decref(arr);
	return 0;
}

int
public_score(struct db *db, const struct actor *a,
    const struct public_submission *s, struct criteria_set *set,
    struct model_score *out, struct kh_err *err)
{
	struct public_answers pa;
	int rc;

	memset(&pa, 0, sizeof(pa));
	rc = models_set_get_id(db, a, s->set_id, set, err);
	if (rc == 0)
		rc = public_answers_parse(s->answers_json, &pa, err);
	if (rc == 0)
		rc = models_score(set, s->subject_group, pa.items, pa.n, out, err);
	public_answers_cleanup(&pa);
	return rc;
}

/* The person the submission is about: by CCCD anywhere, else by name and
 * birth date in the unit; 0 when none is recorded. A CCCD recorded for
 * another name, or for a person outside the officer's scope, is a conflict
 * for the officer to settle, never a silent match. */
static int
match_person(struct db *db, const struct actor *a,
    const struct public_submission *s, int64_t *id, struct kh_err *err)
{
	char *key, *spaced;
	int rc;

	*id = 0;
	key = vn_search_key(s->full_name);
	spaced = xasprintf(" %s", key);
	if (s->id_number != NULL && s->id_number[0] != '\0') {
		struct db_stmt *st = NULL;

		/* The name in the refusal follows the restriction rule
		 * (people.h). */
		rc = db_prepare(db, "SELECT p.id, p.unit_id, p.name_key, "
		    PEOPLE_NAME_SQL("p", "$2") " FROM people p"
		    " WHERE p.id_number = $1", DB_ARGS(DB_TEXT(s->id_number),
		    DB_INT(people_name_scope(a))), &st, err);
		if (rc == 0 && (rc = db_step(st, err)) == 1) {
			rc = 0;
			/* The number is someone's already: it must be the same
			 * person, in a unit the officer records data for. */
			if (strcmp(db_col_text(st, 2), spaced) != 0)
				rc = kh_fail_field(err, KH_E_CONFLICT, "id_number",
				    N_("This CCCD number is recorded for another"
				    " name (%s): check with the sender before"
				    " accepting."), db_col_text(st, 3));
			else if (auth_can_write(db, a, db_col_int(st, 1), err) != 0)
				rc = kh_fail_field(err, KH_E_CONFLICT, "id_number",
				    N_("This person is recorded in a unit outside"
				    " your scope; reject the form or ask that"
				    " unit."), NULL);
			else
				*id = db_col_int(st, 0);
		}
		db_finalize(st);
		if (rc != 0 || *id > 0)
			goto out;
	}
	rc = db_query_int(db, "SELECT id FROM people WHERE unit_id = $1"
	    " AND name_key = $2 AND birth_date = $3 AND valid_to IS NULL"
	    " ORDER BY id LIMIT 1", DB_ARGS(DB_INT(s->unit_id), DB_TEXT(spaced),
	    DB_TEXT(s->birth_date)), id, err);
	if (rc == KH_E_NOT_FOUND) {
		kh_err_clear(err);
		*id = 0;
		rc = 0;
	}
out:
	free(key);
	free(spaced);
	return rc;
}

/* Move a pending submission to its decision, or KH_E_CONFLICT when another
 * officer decided first. */
static int
decide(struct db *db, const struct actor *a, const struct public_submission *s,
    const char *state, int64_t person_id, int64_t reg_id, const char *reason,
    struct kh_err *err)
{
	char now[STAMP_LEN];
	int64_t changed = 0;
	json_t *before, *after;
	int rc;

	stamp_now(now);
	rc = db_exec_args(db, "UPDATE public_submissions SET state = $2,"
	    " person_id = $3, registration_id = $4, reviewer = $5, reason = $6,"
	    " decided_at = $7 WHERE id = $1 AND state = 'pending'",
	    DB_ARGS(DB_INT(s->id), DB_TEXT(state),
	    person_id > 0 ? DB_INT(person_id) : DB_NULL,
	    reg_id > 0 ? DB_INT(reg_id) : DB_NULL, DB_TEXT(a->login),
	    DB_TEXT(reason), DB_TEXT(now)), &changed, err);
	if (rc == 0 && changed != 1)
		return kh_fail(err, KH_E_CONFLICT, N_("This form was already"
		    " decided; reload the page."), NULL);
	if (rc != 0)
		return rc;
	before = json_pack("{s:s}", "state", PUBLIC_PENDING);
	after = json_pack("{s:s}", "state", state);
	if (person_id > 0)
		json_object_set_new(after, "person_id", json_integer(person_id));
	if (reg_id > 0)
		json_object_set_new(after, "registration_id", json_integer(reg_id));
	if (reason != NULL)
		json_object_set_new(after, "reason", json_string(reason));
	rc = audit_record(db, a, s->unit_id, strcmp(state, PUBLIC_ACCEPTED) == 0 ?
	    "accept" : "reject", "public_submission", s->code, before, after, err);
	json_decref(before);
	json_decref(after);
	return rc;
}

static int
load_pending(struct db *db, const struct actor *a, int64_t id,
    struct public_submission *s, struct kh_err *err)
{
	int rc;

	rc = public_get(db, a, id, s, err);
	if (rc != 0)
		return rc;
	rc = auth_can_write(db, a, s->unit_id, err);
	if (rc == 0 && strcmp(s->state, PUBLIC_PENDING) != 0)
		rc = kh_fail(err, KH_E_CONFLICT, N_("This form was already"
		    " decided; reload the page."), NULL);
	if (rc != 0)
		public_submission_cleanup(s);
	return rc;
}

int
public_accept(struct db *db, const struct actor *a, int64_t id,
    int64_t *reg_id, struct kh_err *err)
{
	struct public_submission s;
	struct public_answers pa;
	struct model_reg_input ri;
	struct db_stmt *st = NULL;
	struct actor pub;
	char *set_code = NULL, *state = NULL;
	int64_t person = 0, reg = 0, set_version = 0;
	int rc;

	memset(&pa, 0, sizeof(pa));
	*reg_id = 0;
	rc = load_pending(db, a, id, &s, err);
	if (rc != 0)
		return rc;
	rc = public_answers_parse(s.answers_json, &pa, err);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc != 0)
		goto out;
	rc = match_person(db, a, &s, &person, err);
	if (rc == 0 && person == 0) {
		struct person_input in;

		memset(&in, 0, sizeof(in));
		in.full_name = s.full_name;
		in.birth_date = s.birth_date;
		in.birth_year_only = s.birth_year_only;
		in.sex = s.sex;
		in.id_number = s.id_number;
		in.phone = s.phone;
		in.subject_group = s.subject_group;
		rc = people_create(db, a, s.unit_id, &in, &person, err);
	}
	if (rc == 0)
		rc = people_consent(db, a, person, PURPOSE, CHANNEL, err);
	/* Registered already this year (by the board, or an earlier form)? */
	if (rc == 0)
		rc = db_prepare(db, "SELECT id, state FROM model_registrations"
		    " WHERE model = $1 AND year = $2 AND subject_kind = 'person'"
		    " AND subject_id = $3", DB_ARGS(DB_TEXT(MODEL_CITIZEN),
		    DB_INT(s.year), DB_INT(person)), &st, err);
	if (rc == 0) {
		rc = db_step(st, err);
		if (rc == 1) {
			reg = db_col_int(st, 0);
			state = db_col_strdup(st, 1, true);
			rc = 0;
		}
		db_finalize(st);
	}
	if (rc == 0 && reg > 0 && strcmp(state, REG_REGISTERED) != 0)
		rc = kh_fail(err, KH_E_CONFLICT, N_("This person's learning-citizen"
		    " registration of the year is already %s; reject the form and"
		    " tell them."), models_state_label(state, a->lang));
	if (rc == 0 && reg == 0) {
		rc = db_query_text(db, "SELECT code FROM criteria_sets WHERE id = $1",
		    DB_ARGS(DB_INT(s.set_id)), &set_code, err);
		if (rc == 0)
			rc = db_query_int(db, "SELECT version FROM criteria_sets"
			    " WHERE id = $1", DB_ARGS(DB_INT(s.set_id)), &set_version,
			    err);
		memset(&ri, 0, sizeof(ri));
		ri.model = MODEL_CITIZEN;
		ri.year = s.year;
		ri.subject_id = person;
		ri.unit_id = s.unit_id;
		ri.subject_group = s.subject_group;
		ri.set_code = set_code;
		ri.set_version = (int)set_version;
		if (rc == 0)
			rc = models_register(db, a, &ri, &reg, err);
	}
	if (rc == 0) {
		memset(&pub, 0, sizeof(pub));
		snprintf(pub.login, sizeof(pub.login), "public:%s", s.code);
		pub.role = ROLE_NONE;
		pub.unit_id = s.unit_id;
		snprintf(pub.lang, sizeof(pub.lang), "%s", a->lang);
		rc = models_self_assess_public(db, &pub, reg, pa.items, pa.n,
		    s.note[0] != '\0' ? s.note : NULL, err);
	}
	if (rc == 0)
		rc = decide(db, a, &s, PUBLIC_ACCEPTED, person, reg, NULL, err);
	if (rc == 0)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	if (rc == 0)
		*reg_id = reg;
out:
	free(set_code);
	free(state);
	public_answers_cleanup(&pa);
	public_submission_cleanup(&s);
	return rc;
}

int
public_reject(struct db *db, const struct actor *a, int64_t id,
    const char *reason_in, struct kh_err *err)
{
	struct public_submission s;
	char *reason = NULL;
	int rc;

	rc = load_pending(db, a, id, &s, err);
	if (rc != 0)
		return rc;
	if (reason_in == NULL || reason_in[strspn(reason_in, " \t\r\n")] == '\0')
		rc = kh_fail_field(err, KH_E_INVALID, "reason", N_("Give the reason"
		    " for rejecting the form."), NULL);
	else if (strlen(reason_in) > PUBLIC_REASON_MAX)
		rc = kh_fail_field(err, KH_E_INVALID, "reason", N_("The reason is"
		    " too long (at most 1000 characters)."), NULL);
	else if ((reason = vn_nfc(reason_in, strlen(reason_in))) == NULL)
		rc = kh_fail_field(err, KH_E_INVALID, "reason",
		    N_("The text is not valid UTF-8."), NULL);
	if (rc == 0)
		rc = db_begin(db, err);
	if (rc == 0) {
		rc = decide(db, a, &s, PUBLIC_REJECTED, 0, 0, reason, err);
		if (rc == 0)
			rc = db_commit(db, err);
		else
			db_rollback(db);
	}
	free(reason);
	public_submission_cleanup(&s);
	return rc;
}
