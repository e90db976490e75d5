/*
 * doc.c - dates and amounts of money written in Vietnamese words, as printed
 * documents carry them. The PDF layout lives in doc_pdf.c, the .xlsx lists
 * in doc_xlsx.c.
 *
 * Dates follow Decree 30/2020/NĐ-CP, Appendix I, section II.4 (place and date
 * of issue): "ngày 02 tháng 9 năm 2023", with a leading zero for days below
 * 10 and for months 1 and 2, so nobody can add a digit in front afterwards.
 *
 * Amounts follow the reading used on receipts, vouchers and decisions
 * (Circular 200/2014/TT-BTC forms, "Số tiền viết bằng chữ"): groups of three
 * digits with "nghìn", "triệu", "tỷ"; "mười" for one ten and "mươi" after
 * two tens or more; "mốt" for a final one and "tư" for a final four after
 * twenty or more; "lăm" for a final five after ten or more; "linh" for a zero
 * ten followed by units; and "không trăm" for an empty hundred inside a
 * number (1005 -> "một nghìn không trăm linh năm").
 */
#include "io/doc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/vntext.h"
#include "io/doc_impl.h"

char *
doc_tmp_create(const char *path, struct kh_err *err)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);

	if (fd < 0) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "mkstemp %s: %s", tmp, strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

int
doc_tmp_publish(char *tmp, const char *path, struct kh_err *err)
{
	if (rename(tmp, path) != 0) {
		kh_fail(err, KH_E_IO, N_("Cannot write the file %s."), path);
		kh_err_detail(err, "rename %s: %s", tmp, strerror(errno));
		doc_tmp_discard(tmp);
		return KH_E_IO;
	}
	free(tmp);
	return 0;
}

void
doc_tmp_discard(char *tmp)
{
	if (tmp == NULL)
		return;
	unlink(tmp);
	free(tmp);
}

int
doc_check_text(const char *s, const char *field, struct kh_err *err)
{
	if (s == NULL || vn_utf8_valid(s, strlen(s)))
		return 0;
	return kh_fail_field(err, KH_E_INVALID, field,
	    N_("The document holds text that is not valid UTF-8."), NULL);
}

/* Copy s into out (outsz > 0), cut at a UTF-8 character boundary if it does
 * not fit, so a short buffer never ends inside a letter. */
static void
copy_utf8(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s);

	if (outsz == 0)
		return;
	if (n >= outsz) {
		n = outsz - 1;
		/* Back off continuation bytes (10xxxxxx) and the lead byte of
		 * the character they belong to. */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

void
doc_date_words(const char *iso, char *out, size_t outsz)
{
	char s[64];
	int y, m, d;

	/*
	 * Without a valid date the blanks are left for the hand of the signer,
	 * as drafts are printed: "ngày     tháng     năm     ".
	 */
	if (iso == NULL || !date_valid(iso) ||
	    sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		copy_utf8(out, outsz, "ngày      tháng      năm       ");
		return;
	}
	/* Decree 30/2020/NĐ-CP, Appendix I, II.4.b: days below 10 and months
	 * 1 and 2 take a leading zero; other months do not. */
	if (m <= 2)
		snprintf(s, sizeof(s), "ngày %02d tháng %02d năm %d", d, m, y);
	else
		snprintf(s, sizeof(s), "ngày %02d tháng %d năm %d", d, m, y);
	copy_utf8(out, outsz, s);
}

static const char *const digit_words[10] = {
	"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

static void
add_word(struct buf *b, const char *w)
{
	if (b->len > 0)
		buf_putc(b, ' ');
	buf_puts(b, w);
}

/*
 * Words for 0 < n < 1000. full: a higher group was already read, so an empty
 * hundred is spoken ("không trăm") and a zero ten before units is "linh".
 */
static void
group_words(struct buf *b, unsigned n, int full)
{
	unsigned h = n / 100, t = n / 10 % 10, u = n % 10;

	if (h > 0 || full) {
		add_word(b, digit_words[h]);
		add_word(b, "trăm");
	}
	if (t == 0) {
		if (u == 0)
			return;
		if (h > 0 || full)
			add_word(b, "linh");
		add_word(b, digit_words[u]);	/* "linh một", "linh bốn", "linh năm" */
		return;
	}
	if (t == 1) {
		add_word(b, "mười");
		if (u == 5)
			add_word(b, "lăm");
		else if (u > 0)
			add_word(b, digit_words[u]);	/* "mười một", "mười bốn" */
		return;
	}
	add_word(b, digit_words[t]);
	add_word(b, "mươi");
	if (u == 1)
		add_word(b, "mốt");
	else if (u == 4)
		add_word(b, "tư");
	else if (u == 5)
		add_word(b, "lăm");
	else if (u > 0)
		add_word(b, digit_words[u]);
}

/*
 * Words for n > 0. Numbers of a billion and more read the part above the
 * billions the same way, then "tỷ": 2e12 -> "hai nghìn tỷ". full as above.
 */
static void
number_words(struct buf *b, unsigned long long n, int full)
{
	static const char *const scale[] = {"", "nghìn", "triệu"};
	const unsigned long long billion = 1000000000ULL;
	unsigned groups[3];
	int top = -1;

	if (n >= billion) {
		number_words(b, n / billion, full);
		add_word(b, "tỷ");
		n %= billion;
		if (n == 0)
			return;
		full = 1;
	}
	for (int i = 0; i < 3; i++) {
		groups[i] = (unsigned)(n % 1000);
		n /= 1000;
		if (groups[i] != 0)
			top = i;
	}
	for (int i = top; i >= 0; i--) {
		/* Empty groups are skipped: 1000005 is "một triệu không trăm
		 * linh năm", not "... không nghìn ...". */
		if (groups[i] == 0)
			continue;
		group_words(b, groups[i], full || i < top);
		if (i > 0)
			add_word(b, scale[i]);
	}
}

/*
 * A negative amount (a refund, a correction) is written with "Âm" in front:
 * "Âm năm trăm nghìn đồng". The function cannot fail, so it does not refuse;
 * callers printing receipts check the sign before.
 */
void
doc_money_words(long long dong, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	unsigned long long n;
	int neg = dong < 0;

	/* The magnitude computed without overflow, LLONG_MIN included. */
	n = neg ? (unsigned long long)(-(dong + 1)) + 1 : (unsigned long long)dong;
	if (neg)
		buf_puts(&b, "âm");
	if (n == 0)
		add_word(&b, "không");
	else
		number_words(&b, n, 0);
	add_word(&b, "đồng");
	/* Capital first letter: every first word starts with an ASCII letter
	 * except "âm". */
	if (neg)
		memcpy(b.data, "Â", strlen("Â"));
	else
		b.data[0] = (char)toupper((unsigned char)b.data[0]);
	copy_utf8(out, outsz, buf_str(&b));
	buf_free(&b);
}

/* Signature blocks ------------------------------------------------------ */

/* True when the search key `key` starts with the words of `prefix` (a
 * search key too), a whole word. */
static bool
key_starts(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(key, prefix, n) == 0 && (key[n] == '\0' || key[n] == ' ');
}

/* The collectives that sign "TM.", by the search key of the start of the
 * body's name, most specific first. */
static const struct {
	const char *key, *line;
} collectives[] = {
	{"uy ban nhan dan", "TM. ỦY BAN NHÂN DÂN"},
	{"hoi dong nhan dan", "TM. HỘI ĐỒNG NHÂN DÂN"},
	{"ban chap hanh", "TM. BAN CHẤP HÀNH"},
	{"ban thuong vu", "TM. BAN THƯỜNG VỤ"},
	{"ban chi dao", "TM. BAN CHỈ ĐẠO"},
	{"ban dai dien", "TM. BAN ĐẠI DIỆN"},
	{"hoi dong", "TM. HỘI ĐỒNG"},
	/* An association acts through its executive committee. */
	{"hoi", "TM. BAN CHẤP HÀNH"},
};

size_t
doc_sign_authority(const char *issuing_body, const char *title, char *out[4])
{
	char *bkey = vn_search_key(issuing_body != NULL ? issuing_body : "");
	char *tkey = vn_search_key(title != NULL ? title : "");
	size_t n = 0;

	memset(out, 0, 4 * sizeof(char *));
	for (size_t i = 0; i < sizeof(collectives) / sizeof(collectives[0]); i++)
		if (key_starts(bkey, collectives[i].key)) {
			out[n++] = xstrdup(collectives[i].line);
			break;
		}
	if (key_starts(tkey, "pho") && strchr(title, ' ') != NULL) {
		/* The head's title: the deputy's without "Phó" and without a
		 * trailing "Thường trực" (the standing deputy signs for the
		 * head like any other). */
		const char *head = strchr(title, ' ') + 1;
		size_t len = strlen(head);
		char *hkey, *up;

		while (*head == ' ')
			head++, len--;
		hkey = vn_search_key(head);
		if (strlen(hkey) > strlen(" thuong truc") &&
		    strcmp(hkey + strlen(hkey) - strlen(" thuong truc"),
		    " thuong truc") == 0) {
			/* "Thường trực" is 14 bytes in NFC ("thường" 8, "trực" 6)
			 * whatever its case; cut before its space. */
			const char *sp = head + len;
			int spaces = 0;

			while (sp > head && spaces < 2)
				if (*--sp == ' ')
					spaces++;
			len = (size_t)(sp - head);
		}
		free(hkey);
		up = g_utf8_strup(head, (gssize)len);
		out[n++] = xasprintf("KT. %s", up);
		g_free(up);
	}
	if (title != NULL && title[0] != '\0') {
		char *up = g_utf8_strup(title, -1);

		out[n++] = xstrdup(up);
		g_free(up);
	}
	out[n] = NULL;
	free(bkey);
	free(tkey);
	return n;
}

void
doc_sign_authority_free(char *out[4])
{
	for (size_t i = 0; i < 4; i++) {
		free(out[i]);
		out[i] = NULL;
	}
}
