/*
 * date.h - calendar dates and timestamps.
 *
 * Storage uses ISO text: dates "YYYY-MM-DD", instants "YYYY-MM-DDTHH:MM:SSZ"
 * in UTC, so they compare correctly as strings on both databases. Screens and
 * paper show dates as dd/mm/yyyy.
 */
#ifndef KH_CORE_DATE_H
#define KH_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define DATE_LEN 11	/* "YYYY-MM-DD" and NUL */
#define STAMP_LEN 21	/* "YYYY-MM-DDTHH:MM:SSZ" and NUL */

/* True when s is a real calendar date in ISO form. */
bool date_valid(const char *s);

/*
 * Parse a date typed by a person: "YYYY-MM-DD" or "dd/mm/yyyy" (also with
 * '-' or '.' separators and one-digit day or month) into ISO form.
 */
bool date_parse(const char *s, char out[DATE_LEN]);

/* Today's date in Vietnam (UTC+7), or $KHUYENHOC_TODAY when set (tests). */
void date_today(char out[DATE_LEN]);

/* Format an ISO date as dd/mm/yyyy; "" for NULL or empty. */
void date_display(const char *iso, char out[DATE_LEN]);

/* The current instant, and the instant secs seconds from now. */
void stamp_now(char out[STAMP_LEN]);
void stamp_after(long secs, char out[STAMP_LEN]);

/* Monotonic clock in milliseconds. */
double clock_ms(void);

#endif
