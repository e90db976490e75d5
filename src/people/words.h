/*
 * words.h - the word index of people's names (table people_words, migration
 * 0006), private to src/people/.
 *
 * Each person has one row per distinct word of their search key. A name
 * search takes the people having a word that begins with the rarest word of
 * the query from this table (an index range scan), then checks the other
 * words on those few people only: the same answer as testing every name of
 * the subtree, without the scan.
 */
#ifndef KH_PEOPLE_WORDS_H
#define KH_PEOPLE_WORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "db/db.h"

/*
 * Replace the words of person_id by those of key (a search key, with or
 * without the leading space of name_key). Inside the caller's transaction.
 */
int people_words_set(struct db *db, int64_t person_id, const char *key,
    struct kh_err *err);

/*
 * Give their words to the people with ids from first to last that have
 * none (an import's new people: a bulk write instead of a few statements
 * per row). Inside the caller's transaction.
 */
int people_words_fill(struct db *db, int64_t first, int64_t last,
    struct kh_err *err);

/*
 * The range of words that begin with `word`: word <= w < *upper. Only for
 * words of letters a-z and digits, whose order is the same in every
 * collation the databases may use; false (no range: search without the
 * index) for any other word. *upper is malloc'd.
 */
bool people_word_range(const char *word, char **upper);

#endif
