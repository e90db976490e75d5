/*
 * date.c - ISO dates and UTC timestamps.
 */
#include "core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool
ymd_ok(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int max;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1] + (m == 2 && leap(y));
	return d <= max;
}

bool
date_valid(const char *s)
{
	int y, m, d, n = 0;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return ymd_ok(y, m, d);
}

bool
date_parse(const char *s, char out[DATE_LEN])
{
	int a, b, c, n = 0;
	char s1, s2;

	if (s == NULL)
		return false;
	while (*s == ' ')
		s++;
	if (date_valid(s)) {
		memcpy(out, s, DATE_LEN);
		return true;
	}
	if (sscanf(s, "%d%c%d%c%d%n", &a, &s1, &b, &s2, &c, &n) != 5)
		return false;
	while (s[n] == ' ')
		n++;
	if (s[n] != '\0' || s1 != s2 || (s1 != '/' && s1 != '-' && s1 != '.'))
		return false;
	if (!ymd_ok(c, b, a) || c < 1000)
		return false;
	{
		char tmp[40];	/* ranges checked above: always 10 chars */

		snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", c, b, a);
		memcpy(out, tmp, DATE_LEN - 1);
		out[DATE_LEN - 1] = '\0';
	}
	return true;
}

void
date_today(char out[DATE_LEN])
{
	const char *env = getenv("KHUYENHOC_TODAY");
	time_t t;
	struct tm tm;

	if (env != NULL && date_valid(env)) {
		memcpy(out, env, DATE_LEN);
		return;
	}
	t = time(NULL) + 7 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, DATE_LEN, "%Y-%m-%d", &tm);
}

void
date_display(const char *iso, char out[DATE_LEN])
{
	if (iso == NULL || strlen(iso) < 10) {
		out[0] = '\0';
		return;
	}
	snprintf(out, DATE_LEN, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

void
stamp_after(long secs, char out[STAMP_LEN])
{
	time_t t = time(NULL) + secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, STAMP_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
stamp_now(char out[STAMP_LEN])
{
	stamp_after(0, out);
}

double
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
