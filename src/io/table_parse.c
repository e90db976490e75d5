/*
 * table_parse.c - the cell parsers imports share: dates as officials type
 * them or Excel stores them, CCCD/CMND numbers that Excel mangled, and sex.
 *
 * Each parser is strict about what it accepts: a value it cannot read with
 * certainty is refused with a message naming the cell, never guessed.
 */
#include "io/table.h"
#include "io/table_impl.h"
#include "core/vntext.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Oldest and newest years a date in a list may have. */
#define YEAR_MIN 1800
#define YEAR_MAX 2199

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* "YYYY-MM-DD" of a date with 0 < y <= 9999 (no printf: hot in imports). */
static void
iso(int y, int m, int d, char out[11])
{
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int
table_serial_to_iso(long serial, int date1904, char out[11])
{
	long days;
	int y, m, d;

	if (date1904) {
		if (serial < 0 || serial > 2957003)
			return -1;
		days = days_from_civil(1904, 1, 1) + serial;
	} else {
		/* Serial 60 is 29 February 1900, which never was: Excel kept
		 * Lotus 1-2-3's mistake. Before it, serials are one day off. */
		if (serial < 1 || serial > 2958465 || serial == 60)
			return -1;
		days = serial < 60 ? days_from_civil(1899, 12, 31) + serial :
		    days_from_civil(1899, 12, 30) + serial;
	}
	civil_from_days(days, &y, &m, &d);
	iso(y, m, d, out);
	return 0;
}

static int
ymd_ok(long y, long m, long d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Copy cell without surrounding spaces into t; 0 when it does not fit. */
static int
trimmed(const char *cell, char *t, size_t tsz)
{
	size_t n;

	while (*cell == ' ' || *cell == '\t')
		cell++;
	n = strlen(cell);
	while (n > 0 && (cell[n - 1] == ' ' || cell[n - 1] == '\t'))
		n--;
	if (n >= tsz)
		return 0;
	memcpy(t, cell, n);
	t[n] = '\0';
	return 1;
}

/* Digits at *s (at most max): their value, count in *n; s moves past them. */
static long
digits(const char **s, int max, int *n)
{
	long v = 0;

	*n = 0;
	while (isdigit((unsigned char)**s) && *n < max) {
		v = v * 10 + (**s - '0');
		(*s)++;
		(*n)++;
	}
	return v;
}

/* What may follow a date: a time of day, as exports of date-times add. */
static int
time_tail(const char *s)
{
	if (*s == '\0')
		return 1;
	if (*s != ' ' && *s != 'T')
		return 0;
	for (s++; *s != '\0'; s++)
		if (strchr("0123456789:. APMapmZ+", *s) == NULL)
			return 0;
	return 1;
}

int
table_parse_date(const char *cell, char out[11], int *year_only,
    struct kh_err *err)
{
	char t[64];
	const char *s;
	long a, b, c, y, m, d;
	int na, nb, nc, zero;
	char s1, s2;

	if (year_only != NULL)
		*year_only = 0;
	if (cell == NULL || !trimmed(cell, t, sizeof(t)) || t[0] == '\0')
		goto bad;
	s = t;
	a = digits(&s, 9, &na);
	if (na == 0)
		goto bad;
	if (*s == '\0' || (*s == '.' && isdigit((unsigned char)s[1]) &&
	    strchr(s + 1, '.') == NULL && strspn(s + 1, "0123456789") ==
	    strlen(s + 1))) {
		/* A number: a year alone, or an Excel serial day. */
		zero = *s == '\0' || strspn(s + 1, "0") == strlen(s + 1);
		if (na == 4 && zero && a >= 1900 && a <= 2100) {
			iso((int)a, 1, 1, out);
			if (year_only != NULL)
				*year_only = 1;
			return 0;
		}
		/* The time of day in a fraction does not change the day. */
		if (table_serial_to_iso(a, 0, out) == 0)
			return 0;
		goto bad;
	}
	s1 = *s;
	if (s1 != '/' && s1 != '-' && s1 != '.')
		goto bad;
	s++;
	b = digits(&s, 3, &nb);
	s2 = *s;
	if (nb == 0 || nb > 2 || s2 != s1)
		goto bad;
	s++;
	c = digits(&s, 5, &nc);
	if (nc == 0 || !time_tail(s))
		goto bad;
	if (na == 4 && nc <= 2) {
		y = a;
		m = b;
		d = c;
	} else if (na <= 2 && nc == 4) {
		d = a;
		m = b;
		y = c;
	} else
		goto bad;
	if (!ymd_ok(y, m, d))
		goto bad;
	iso((int)y, (int)m, (int)d, out);
	return 0;
bad:
	out[0] = '\0';
	return kh_fail(err, KH_E_INVALID, N_("%s is not a valid date."),
	    cell != NULL ? cell : "");
}

/*
 * Digits of a number Excel wrote in exponent form ("1.23456789012E+11"),
 * exactly, without going through a double; 0 when s is not such a number or
 * not a whole one.
 */
static int
expand_exponent(const char *s, char *out, size_t outsz)
{
	char dig[64];
	size_t nd = 0, nint = 0, point, i;
	const char *p = s;
	long e;
	char *end;

	while (isdigit((unsigned char)*p) && nd < sizeof(dig))
		dig[nd++] = *p++;
	nint = nd;
	if (nint == 0)
		return 0;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && nd < sizeof(dig); p++)
			dig[nd++] = *p;
	if (*p != 'E' && *p != 'e')
		return 0;
	p++;
	if (*p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	e = strtol(p, &end, 10);
	if (*end != '\0' || e > 30)
		return 0;
	point = nint + (size_t)e;
	for (i = point; i < nd; i++)
		if (dig[i] != '0')
			return 0;	/* not a whole number */
	if (point + 1 > outsz)
		return 0;
	for (i = 0; i < point; i++)
		out[i] = i < nd ? dig[i] : '0';
	out[point] = '\0';
	return 1;
}

int
table_number_text(const char *s, size_t len, char *out, size_t outsz)
{
	char t[64], dig[96];
	const char *p;
	size_t i, sig = 0;
	int lead = 1, neg;
	double v;
	char *end;

	if (len == 0 || len >= sizeof(t) || outsz < 32)
		return 0;
	memcpy(t, s, len);
	t[len] = '\0';
	neg = t[0] == '-';
	if (strpbrk(t, "Ee") != NULL) {
		if (expand_exponent(t + neg, dig, sizeof(dig))) {
			/* Whole: plain digits, without leading zeros. */
			for (p = dig; *p == '0' && p[1] != '\0'; p++)
				;
			snprintf(out, outsz, "%s%s",
			    neg && strcmp(p, "0") != 0 ? "-" : "", p);
			return 1;
		}
	} else {
		for (i = (size_t)neg; i < len; i++) {
			if (t[i] == '.')
				continue;
			if (!isdigit((unsigned char)t[i]))
				return 0;
			if (t[i] != '0')
				lead = 0;
			if (!lead)
				sig++;
		}
		if (sig <= 15) {
			memcpy(out, t, len + 1);
			return 1;
		}
	}
	v = strtod(t, &end);
	if (*end != '\0' || end == t)
		return 0;
	/* Excel keeps 15 significant digits; the rest is binary noise. */
	snprintf(out, outsz, "%.15g", v);
	return 1;
}

int
table_parse_id_number(const char *cell, char out[13], struct kh_err *err)
{
	char t[64], d[64];
	const char *s, *dot;
	size_t n = 0, len;

	if (cell == NULL || !trimmed(cell, t, sizeof(t)))
		goto bad;
	s = t;
	/* Excel's "store as text" apostrophe, straight or typographic. */
	if (*s == '\'' || *s == '`')
		s++;
	else if (strncmp(s, "\xe2\x80\x99", 3) == 0 ||
	    strncmp(s, "\xe2\x80\x98", 3) == 0)
		s += 3;
	if (strpbrk(s, "Ee") != NULL) {
		if (!expand_exponent(s, d, sizeof(d)))
			goto bad;
		n = strlen(d);
	} else {
		/* "123456789012.0": a number written with its decimals. */
		dot = strchr(s, '.');
		len = strlen(s);
		if (dot != NULL && strchr(dot + 1, '.') == NULL &&
		    dot - s >= 9 && dot[1] != '\0' &&
		    strspn(dot + 1, "0") == strlen(dot + 1))
			len = (size_t)(dot - s);
		for (; len > 0; s++, len--) {
			if (*s == ' ' || *s == '.' || *s == '-')
				continue;
			if (!isdigit((unsigned char)*s) || n >= 13)
				goto bad;
			d[n++] = *s;
		}
		d[n] = '\0';
	}
	if (n == 9 || n == 12) {
		memcpy(out, d, n + 1);
		return 0;
	}
	if (n == 10 || n == 11) {
		/* Excel read the number as a number and dropped its zeros. */
		memset(out, '0', 12 - n);
		memcpy(out + 12 - n, d, n + 1);
		return 0;
	}
bad:
	out[0] = '\0';
	return kh_fail(err, KH_E_INVALID,
	    N_("%s is not a CCCD (12 digits) or CMND (9 digits) number."),
	    cell != NULL ? cell : "");
}

int
table_parse_sex(const char *cell, char *out, struct kh_err *err)
{
	static const char *const male[] = {"nam", "nam gioi", "m", "male",
	    "1", NULL};
	/* "2" is how the census and many forms code women (1 = Nam, 2 = Nữ). */
	static const char *const female[] = {"nu", "nu gioi", "f", "female",
	    "0", "2", NULL};
	const char *const *p;
	char *key = vn_search_key(cell != NULL ? cell : "");
	int rc = 0;

	for (p = male; *p != NULL; p++)
		if (strcmp(key, *p) == 0) {
			*out = 'M';
			goto out;
		}
	for (p = female; *p != NULL; p++)
		if (strcmp(key, *p) == 0) {
			*out = 'F';
			goto out;
		}
	rc = kh_fail(err, KH_E_INVALID,
	    N_("%s is not a sex: write Nam or Nữ."), cell != NULL ? cell : "");
out:
	free(key);
	return rc;
}
