/*
 * words.c - the word index of people's names (see words.h).
 */
#include "people/words.h"
#include "core/buf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int
people_words_set(struct db *db, int64_t person_id, const char *key,
    struct kh_err *err)
{
	char *copy = xstrdup(key != NULL ? key : ""), *w, *save = NULL;
	char *seen[16];
	size_t n = 0;
	int rc;

	rc = db_exec_args(db, "DELETE FROM people_words WHERE person_id = $1",
	    DB_ARGS(DB_INT(person_id)), NULL, err);
	for (w = strtok_r(copy, " ", &save); rc == 0 && w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		bool dup = false;

		/* "Nguyễn Thị Nguyệt": one row for "nguyen". */
		for (size_t i = 0; i < n; i++)
			if (strcmp(seen[i], w) == 0)
				dup = true;
		if (dup)
			continue;
		if (n < sizeof(seen) / sizeof(seen[0]))
			seen[n++] = w;
		rc = db_exec_args(db, "INSERT INTO people_words (word, person_id)"
		    " VALUES ($1, $2) ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_TEXT(w), DB_INT(person_id)), NULL, err);
	}
	free(copy);
	return rc;
}

/* Words of one search key, each once, into w[] (at most max). */
static size_t
split_words(char *key, char **w, size_t max)
{
	char *save = NULL, *t;
	size_t n = 0;

	for (t = strtok_r(key, " ", &save); t != NULL && n < max;
	    t = strtok_r(NULL, " ", &save)) {
		bool dup = false;

		for (size_t i = 0; i < n; i++)
			if (strcmp(w[i], t) == 0)
				dup = true;
		if (!dup)
			w[n++] = t;
	}
	return n;
}

#define FILL_CHUNK 5000

int
people_words_fill(struct db *db, int64_t first, int64_t last,
    struct kh_err *err)
{
	/*
	 * The keys are read a chunk at a time, split here, and the words
	 * written with db_copy_* (COPY on PostgreSQL). Splitting in SQL (a
	 * recursive query, as migration 0006 does once) took 5 s for 100,000
	 * people on PostgreSQL.
	 */
	static const char *const cols[] = {"word", "person_id"};
	int64_t *ids = xcalloc(FILL_CHUNK, sizeof(*ids));
	char **keys = xcalloc(FILL_CHUNK, sizeof(*keys));
	int64_t from = first;
	int rc = 0;

	for (;;) {
		struct db_stmt *st;
		struct db_copy *c = NULL;
		size_t n = 0;
		int rc2;

		rc = db_prepare(db, "SELECT p.id, p.name_key FROM people p"
		    " WHERE p.id >= $1 AND p.id <= $2 AND NOT EXISTS (SELECT 1"
		    " FROM people_words x WHERE x.person_id = p.id)"
		    " ORDER BY p.id LIMIT $3", DB_ARGS(DB_INT(from), DB_INT(last),
		    DB_INT(FILL_CHUNK)), &st, err);
		if (rc != 0)
			break;
		while (n < FILL_CHUNK && (rc = db_step(st, err)) == 1) {
			ids[n] = db_col_int(st, 0);
			keys[n++] = xstrdup(db_col_text(st, 1) != NULL ?
			    db_col_text(st, 1) : "");
		}
		db_finalize(st);
		if (rc < 0 || n == 0)
			break;
		rc = db_copy_begin(db, "people_words", cols, 2, &c, err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char *w[16];
			size_t nw = split_words(keys[i], w, 16);

			for (size_t k = 0; rc == 0 && k < nw; k++)
				rc = db_copy_row(c, DB_ARGS(DB_TEXT(w[k]),
				    DB_INT(ids[i])), err);
		}
		if (c != NULL) {
			rc2 = db_copy_end(c, rc == 0 ? err : NULL);
			if (rc == 0)
				rc = rc2;
		}
		for (size_t i = 0; i < n; i++)
			free(keys[i]);
		if (rc != 0 || n < FILL_CHUNK)
			break;
		from = ids[n - 1] + 1;
	}
	free(ids);
	free(keys);
	return rc < 0 ? rc : 0;
}

bool
people_word_range(const char *word, char **upper)
{
	size_t n = strlen(word);

	*upper = NULL;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((word[i] >= 'a' && word[i] <= 'z') ||
		    (word[i] >= '0' && word[i] <= '9')))
			return false;
	/*
	 * The next string after every word with that beginning: "an" -> "ao",
	 * "anz" -> "ao", "a9" -> "b" (a wider range than needed; the caller
	 * checks each word exactly anyway). Only letters and digits come out,
	 * so the bound is right in any collation.
	 */
	*upper = xstrdup(word);
	while (n > 0 && ((*upper)[n - 1] == 'z' || (*upper)[n - 1] == '9'))
		(*upper)[--n] = '\0';
	if (n == 0) {
		free(*upper);
		*upper = NULL;
		return false;
	}
	(*upper)[n - 1]++;
	return true;
}
