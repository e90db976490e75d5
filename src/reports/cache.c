/*
 * cache.c - consolidations kept in the process, and the generation number
 * that says when they no longer hold.
 *
 * The dashboard of a province consolidates the same form, period, unit and
 * structure for every page shown, and the figures only change when a report
 * changes state, a share is set, a form is loaded or the units change. A
 * consolidation is kept under a token made of:
 *   - report_generation.n (migration 0010), which every change of a report
 *     or a share, and every form loaded, sets to a new random number in the
 *     same transaction (reports_generation_bump);
 *   - the newest units.updated_at and the largest unit id (a unit renamed,
 *     moved, closed or created), and the number of successions, of partial
 *     ones and of shares given by the unit data with their sum (a
 *     succession imported or changed), which the units module changes
 *     without knowing about this cache (each read through an index);
 *   - the form's stored JSON.
 * A kept consolidation is used only when every part of the token read now
 * is the same. Nothing is kept while the connection is inside a
 * transaction (it may see changes that are later rolled back), nor while
 * the newest unit change is less than two seconds old (two changes within
 * one second of the stamp would leave the same token).
 *
 * The token is read before the figures, so a consolidation kept under it
 * may only be newer than the token says, never older.
 */
#include "reports/reports_impl.h"
#include "core/buf.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 64

struct slot {
	char *key;		/* form, unit, period and structure */
	char *token;
	char *form_json;
	size_t nf;
	struct report_row *rows;
	size_t n;
	unsigned long used;	/* for replacing the least recently used */
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot cache[CACHE_SLOTS];
static unsigned long cache_clock;

static int64_t
random_generation(void)
{
	uint64_t v;

	randombytes_buf(&v, sizeof(v));
	/* Positive and never 0 (0 means "not yet used"). */
	return (int64_t)(v >> 2) + 1;
}

int
reports_generation_bump(struct db *db, struct kh_err *err)
{
	return db_exec_args(db, "UPDATE report_generation SET n = $1 WHERE"
	    " id = 1", DB_ARGS(DB_INT(random_generation())), NULL, err);
}

int
reports_cache_token(struct db *db, char **token, struct kh_err *err)
{
	char *units = NULL, recent[STAMP_LEN];
	int64_t gen;
	int rc;

	*token = NULL;
	if (db_in_tx(db))
		return 0;
	rc = db_query_int(db, "SELECT n FROM report_generation WHERE id = 1",
	    DB_NOARGS, &gen, err);
	if (rc == 0 && gen == 0) {
		/* A database never changed since migration 0010: give it a
		 * number of its own before keeping anything under it. */
		rc = db_exec_args(db, "UPDATE report_generation SET n = $1 WHERE"
		    " id = 1 AND n = 0", DB_ARGS(DB_INT(random_generation())),
		    NULL, err);
		if (rc == 0)
			rc = db_query_int(db, "SELECT n FROM report_generation"
			    " WHERE id = 1", DB_NOARGS, &gen, err);
	}
	if (rc == 0)
		rc = db_query_text(db, "SELECT COALESCE((SELECT max(updated_at)"
		    " FROM units), '') || '|' || COALESCE((SELECT max(id) FROM"
		    " units), 0) || '|' || (SELECT count(*) FROM unit_succession)"
		    " || '|' || (SELECT count(*) FROM unit_succession WHERE kind ="
		    " 'partial') || '|' || (SELECT count(share_pct) FROM"
		    " unit_succession WHERE share_pct IS NOT NULL) || '|' ||"
		    " (SELECT COALESCE(sum(share_pct), 0) FROM unit_succession"
		    " WHERE share_pct IS NOT NULL)", DB_NOARGS, &units, err);
	if (rc != 0) {
		free(units);
		return rc;
	}
	stamp_after(-2, recent);
	if (strncmp(units, recent, STAMP_LEN - 1) >= 0 || gen == 0) {
		free(units);
		return 0;
	}
	*token = xmalloc(strlen(units) + 32);
	sprintf(*token, "%lld|%s", (long long)gen, units);
	free(units);
	return 0;
}

static void
rows_free(struct report_row *rows, size_t n, size_t nf)
{
	for (size_t i = 0; i < n; i++) {
		struct report_row *r = &rows[i];

		free(r->unit_code);
		free(r->unit_name);
		free(r->unit_kind);
		free(r->share_note);
		free(r->values);
		free(r->has);
		if (r->texts != NULL)
			for (size_t k = 0; k < nf; k++)
				free(r->texts[k]);
		free(r->texts);
	}
	free(rows);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static struct report_row *
rows_copy(const struct report_row *from, size_t n, size_t nf)
{
	struct report_row *rows = xcalloc(n + 1, sizeof(*rows));

	for (size_t i = 0; i < n; i++) {
		const struct report_row *f = &from[i];
		struct report_row *r = &rows[i];

		*r = *f;
		r->unit_code = dup_or_null(f->unit_code);
		r->unit_name = dup_or_null(f->unit_name);
		r->unit_kind = dup_or_null(f->unit_kind);
		r->share_note = dup_or_null(f->share_note);
		r->values = xcalloc(nf + 1, sizeof(*r->values));
		r->has = xcalloc(nf + 1, sizeof(*r->has));
		if (nf > 0) {
			memcpy(r->values, f->values, nf * sizeof(*r->values));
			memcpy(r->has, f->has, nf * sizeof(*r->has));
		}
		if (f->texts != NULL) {
			r->texts = xcalloc(nf + 1, sizeof(*r->texts));
			for (size_t k = 0; k < nf; k++)
				r->texts[k] = dup_or_null(f->texts[k]);
		}
	}
	return rows;
}

bool
reports_cache_get(const char *key, const char *token,
    struct report_consolidated *c)
{
	bool hit = false;

	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &cache[i];

		if (s->key == NULL || strcmp(s->key, key) != 0)
			continue;
		if (strcmp(s->token, token) == 0 && s->nf == c->form.n_fields &&
		    strcmp(s->form_json, c->form.json) == 0) {
			c->rows = rows_copy(s->rows, s->n, s->nf);
			c->n = s->n;
			s->used = ++cache_clock;
			hit = true;
		}
		break;
	}
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

void
reports_cache_put(const char *key, const char *token,
    const struct report_consolidated *c)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < CACHE_SLOTS && s == NULL; i++)
		if (cache[i].key != NULL && strcmp(cache[i].key, key) == 0)
			s = &cache[i];
	for (size_t i = 0; i < CACHE_SLOTS && s == NULL; i++)
		if (cache[i].key == NULL)
			s = &cache[i];
	if (s == NULL) {
		s = &cache[0];
		for (size_t i = 1; i < CACHE_SLOTS; i++)
			if (cache[i].used < s->used)
				s = &cache[i];
	}
	free(s->key);
	free(s->token);
	free(s->form_json);
	rows_free(s->rows, s->n, s->nf);
	s->key = xstrdup(key);
	s->token = xstrdup(token);
	s->form_json = xstrdup(c->form.json);
	s->nf = c->form.n_fields;
	s->rows = rows_copy(c->rows, c->n, s->nf);
	s->n = c->n;
	s->used = ++cache_clock;
	pthread_mutex_unlock(&cache_mu);
}

void
reports_cache_clear(void)
{
	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &cache[i];

		free(s->key);
		free(s->token);
		free(s->form_json);
		rows_free(s->rows, s->n, s->nf);
		memset(s, 0, sizeof(*s));
	}
	pthread_mutex_unlock(&cache_mu);
}
