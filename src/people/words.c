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

int
people_words_fill(struct db *db, int64_t first, int64_t last,
    struct kh_err *err)
{
	/* The split of migration 0006: one character at a time, a word
	 * ending at each space, in SQL common to both databases. */
	return db_exec_args(db, "WITH RECURSIVE w (pid, s, i, cur) AS ("
	    " SELECT p.id, p.name_key || ' ', 1, '' FROM people p"
	    " WHERE p.id >= $1 AND p.id <= $2 AND NOT EXISTS (SELECT 1"
	    "   FROM people_words x WHERE x.person_id = p.id)"
	    " UNION ALL"
	    " SELECT pid, s, i + 1, CASE WHEN substr(s, i, 1) = ' ' THEN ''"
	    "   ELSE cur || substr(s, i, 1) END FROM w WHERE i <= length(s))"
	    " INSERT INTO people_words (word, person_id)"
	    " SELECT DISTINCT cur, pid FROM w"
	    " WHERE i <= length(s) AND substr(s, i, 1) = ' ' AND cur <> ''"
	    " ON CONFLICT DO NOTHING",
	    DB_ARGS(DB_INT(first), DB_INT(last)), NULL, err);
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
