/*
 * vntext.h - Vietnamese text: normalisation, search keys, name sort keys.
 *
 * Every text that enters the system passes vn_nfc() at the boundary (forms,
 * JSON, files, the command line), so stored text is valid UTF-8 in NFC.
 * Searching never compares display text: it compares search keys, which
 * fold case, strip diacritics and map đ to d, so "le chan" finds "Lê Chân"
 * and "Hoà" finds "Hòa". People are sorted the Vietnamese way by a binary
 * sort key built with ICU's "vi" collation: given name first, then the middle
 * names, then the family name.
 */
#ifndef KH_CORE_VNTEXT_H
#define KH_CORE_VNTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is valid UTF-8 with no NUL byte. */
bool vn_utf8_valid(const char *s, size_t len);

/*
 * NFC copy of s[0..len) (malloc'd, caller frees), or NULL when s is not valid
 * UTF-8 or holds a NUL byte.
 */
char *vn_nfc(const char *s, size_t len);

/*
 * Search key of s (malloc'd): lower case, no diacritics, đ -> d, every run of
 * characters other than letters and digits turned into one space, trimmed.
 * Invalid UTF-8 yields "".
 */
char *vn_search_key(const char *s);

/*
 * True when every word of the search key `query_key` occurs in `key` as the
 * start of a word (both already search keys).
 */
bool vn_key_matches(const char *key, const char *query_key);

/*
 * Sort key of a Vietnamese full name ("Nguyễn Văn An"): ICU "vi" sort keys
 * of the given name ("An"), the middle names ("Văn") and the family name
 * ("Nguyễn"), concatenated. Compare keys with memcmp (or ORDER BY on a blob
 * column). Returns a malloc'd buffer and its length in *len; NULL on error.
 */
unsigned char *vn_name_sort_key(const char *full_name, size_t *len);

/* Sort key of a plain text (unit names): ICU "vi" collation of s. */
unsigned char *vn_text_sort_key(const char *s, size_t *len);

#endif
