/*
 * Printed documents: dates and amounts in words, and PDFs checked the way a
 * reader would see them, through poppler's pdftotext, pdfinfo and pdffonts
 * (skipped when poppler-utils is missing).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "io/doc.h"

/* Words ------------------------------------------------------------------ */

static void
money_is(long long v, const char *want)
{
	char out[512];

	doc_money_words(v, out, sizeof(out));
	cr_expect_str_eq(out, want, "%lld", v);
}

Test(doc_words, money_small_numbers)
{
	money_is(0, "Không đồng");
	money_is(1, "Một đồng");
	money_is(5, "Năm đồng");
	money_is(10, "Mười đồng");
	money_is(11, "Mười một đồng");
	money_is(14, "Mười bốn đồng");
	money_is(15, "Mười lăm đồng");
	money_is(20, "Hai mươi đồng");
	money_is(21, "Hai mươi mốt đồng");
	money_is(24, "Hai mươi tư đồng");
	money_is(25, "Hai mươi lăm đồng");
	money_is(55, "Năm mươi lăm đồng");
	money_is(99, "Chín mươi chín đồng");
}

Test(doc_words, money_hundreds_and_linh)
{
	money_is(100, "Một trăm đồng");
	money_is(101, "Một trăm linh một đồng");
	money_is(104, "Một trăm linh bốn đồng");
	money_is(105, "Một trăm linh năm đồng");
	money_is(110, "Một trăm mười đồng");
	money_is(115, "Một trăm mười lăm đồng");
	money_is(121, "Một trăm hai mươi mốt đồng");
	money_is(999, "Chín trăm chín mươi chín đồng");
}

Test(doc_words, money_thousands_millions_billions)
{
	money_is(1000, "Một nghìn đồng");
	money_is(1005, "Một nghìn không trăm linh năm đồng");
	money_is(1050, "Một nghìn không trăm năm mươi đồng");
	money_is(10000, "Mười nghìn đồng");
	money_is(15000, "Mười lăm nghìn đồng");
	money_is(21000, "Hai mươi mốt nghìn đồng");
	money_is(100500, "Một trăm nghìn năm trăm đồng");
	money_is(105000, "Một trăm linh năm nghìn đồng");
	money_is(1500000, "Một triệu năm trăm nghìn đồng");
	money_is(1000005, "Một triệu không trăm linh năm đồng");
	money_is(2050000, "Hai triệu không trăm năm mươi nghìn đồng");
	money_is(1000000000, "Một tỷ đồng");
	money_is(2024000000, "Hai tỷ không trăm hai mươi tư triệu đồng");
	money_is(1000000001, "Một tỷ không trăm linh một đồng");
	money_is(999999999999LL, "Chín trăm chín mươi chín tỷ chín trăm chín mươi "
	    "chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng");
	money_is(1000000000000LL, "Một nghìn tỷ đồng");
	money_is(2500000000000LL, "Hai nghìn năm trăm tỷ đồng");
}

Test(doc_words, money_negative_is_prefixed)
{
	char out[1024];

	money_is(-500000, "Âm năm trăm nghìn đồng");
	money_is(-1, "Âm một đồng");
	doc_money_words(LLONG_MIN, out, sizeof(out));
	/* -9 223 372 036 854 775 808 */
	cr_expect_str_eq(out, "Âm chín tỷ hai trăm hai mươi ba triệu ba trăm bảy "
	    "mươi hai nghìn không trăm ba mươi sáu tỷ tám trăm năm mươi tư triệu bảy "
	    "trăm bảy mươi lăm nghìn tám trăm linh tám đồng");
}

Test(doc_words, money_short_buffer_keeps_whole_letters)
{
	char out[6];

	/* "Một " is 'M', 3 bytes for 'ộ', 't', ' ': 5 bytes fit. */
	doc_money_words(1500000, out, sizeof(out));
	cr_expect_str_eq(out, "Một");
	doc_money_words(1500000, out, 3);	/* room for 'M' only: 'ộ' not cut */
	cr_expect_str_eq(out, "M");
	doc_money_words(1500000, out, 1);
	cr_expect_str_eq(out, "");
}

Test(doc_words, date_leading_zeros_per_decree_30)
{
	char out[64];

	doc_date_words("2023-09-02", out, sizeof(out));
	cr_expect_str_eq(out, "ngày 02 tháng 9 năm 2023");
	doc_date_words("2025-05-06", out, sizeof(out));
	cr_expect_str_eq(out, "ngày 06 tháng 5 năm 2025");
	doc_date_words("2025-01-15", out, sizeof(out));
	cr_expect_str_eq(out, "ngày 15 tháng 01 năm 2025");
	doc_date_words("2024-02-29", out, sizeof(out));
	cr_expect_str_eq(out, "ngày 29 tháng 02 năm 2024");
	doc_date_words("2025-03-10", out, sizeof(out));
	cr_expect_str_eq(out, "ngày 10 tháng 3 năm 2025");
	doc_date_words("2025-12-31", out, sizeof(out));
	cr_expect_str_eq(out, "ngày 31 tháng 12 năm 2025");
}

Test(doc_words, date_missing_leaves_blanks_to_fill_by_hand)
{
	const char *bad[] = {NULL, "", "2023-02-29", "02/09/2023", "tomorrow"};
	char out[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		doc_date_words(bad[i], out, sizeof(out));
		cr_expect(strncmp(out, "ngày ", 6) == 0 && strstr(out, " tháng ") != NULL &&
		    strstr(out, " năm ") != NULL && strpbrk(out, "0123456789") == NULL,
		    "%s -> %s", bad[i] ? bad[i] : "NULL", out);
	}
}

/* PDF helpers ------------------------------------------------------------ */

static char *
temp_dir(void)
{
	const char *base = getenv("KH_TEST_CACHE");
	char *d = xasprintf("%s/kh-doc-XXXXXX", base != NULL && *base ? base : "/tmp");

	cr_assert_not_null(mkdtemp(d), "mkdtemp %s", d);
	return d;
}

/* rm -r of a test folder holding only files. */
static void
remove_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	cr_expect_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

static int
have_tool(const char *tool)
{
	char *cmd = xasprintf("command -v %s >/dev/null 2>&1", tool);
	int ok = system(cmd) == 0;

	free(cmd);
	return ok;
}

static void
need_poppler(void)
{
	if (!have_tool("pdftotext") || !have_tool("pdfinfo") || !have_tool("pdffonts"))
		cr_skip_test("poppler-utils (pdftotext, pdfinfo, pdffonts) not installed");
}

/* Standard output of a command run through the shell (malloc'd). */
static char *
run(const char *fmt, const char *path)
{
	char *cmd = xasprintf(fmt, path), chunk[4096];
	struct buf out = BUF_INIT;
	FILE *f = popen(cmd, "r");
	size_t n;

	cr_assert_not_null(f, "%s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, n);
	cr_assert_eq(pclose(f), 0, "%s failed", cmd);
	free(cmd);
	buf_putc(&out, '\0');
	return buf_steal(&out);
}

static char *
pdf_text(const char *path)
{
	return run("pdftotext -layout -enc UTF-8 '%s' -", path);
}

static int
pdf_pages(const char *path)
{
	char *info = run("pdfinfo '%s'", path), *p = strstr(info, "Pages:");
	int n = -1;

	cr_assert_not_null(p, "%s", info);
	n = atoi(p + strlen("Pages:"));
	free(info);
	return n;
}

/* Every font is embedded and is Liberation Serif. */
static void
expect_fonts_embedded(const char *path)
{
	char *out = run("pdffonts '%s'", path), *save = NULL;
	int line = 0, fonts = 0;

	for (char *l = strtok_r(out, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *tok[16], *s2 = NULL;
		int n = 0;

		if (line++ < 2)	/* the column titles and the dashes */
			continue;
		for (char *t = strtok_r(l, " ", &s2); t != NULL && n < 16;
		    t = strtok_r(NULL, " ", &s2))
			tok[n++] = t;
		cr_assert(n >= 7, "pdffonts line %d", line);
		/* name type... encoding emb sub uni object-id generation */
		cr_expect_str_eq(tok[n - 5], "yes", "font %s is not embedded", tok[0]);
		cr_expect(strstr(tok[0], "LiberationSerif") != NULL, "font %s", tok[0]);
		fonts++;
	}
	cr_expect(fonts > 0, "no fonts listed");
	free(out);
}

static void
expect_has(const char *text, const char *want)
{
	cr_expect(strstr(text, want) != NULL, "the PDF text lacks \"%s\"", want);
}

/* PDF documents ---------------------------------------------------------- */

static void
shutdown_fonts(void)
{
	doc_shutdown();
}

TestSuite(doc_pdf, .fini = shutdown_fonts, .timeout = 120);

static const char *const auth[] = {"TM. Ban chấp hành", "CHỦ TỊCH", NULL};
static const char *const recipients[] = {"- Như Điều 2;",
    "- Hội Khuyến học thành phố (để b/c);", "- Đảng ủy, UBND phường;",
    "- Lưu: VT, HKH.", NULL};

static struct doc
base_doc(void)
{
	struct doc d;

	memset(&d, 0, sizeof(d));
	d.supervisor = "Hội Khuyến học thành phố Hải Phòng";
	d.issuer = "Hội Khuyến học phường Lê Chân";
	d.number = "Số: 12/QĐ-HKH";
	d.place = "Hải Phòng";
	d.date = "2025-05-06";
	d.sign_authority = auth;
	d.signer = "Nguyễn Văn Bình";
	return d;
}

static void
expect_header(const char *text)
{
	expect_has(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	expect_has(text, "Độc lập - Tự do - Hạnh phúc");
	expect_has(text, "HỘI KHUYẾN HỌC");
	expect_has(text, "PHƯỜNG LÊ CHÂN");
	expect_has(text, "Số: 12/QĐ-HKH");
	expect_has(text, "Hải Phòng, ngày 06 tháng 5 năm 2025");
	expect_has(text, "TM. BAN CHẤP HÀNH");	/* authority lines in caps */
	expect_has(text, "Nguyễn Văn Bình");
}

Test(doc_pdf, certificate)
{
	struct doc_block blocks[] = {
		{DOC_CENTER, "CHỦ TỊCH HỘI KHUYẾN HỌC PHƯỜNG LÊ CHÂN", 1, 0, 0, NULL},
		{DOC_CENTER, "Chứng nhận gia đình ông (bà): Nguyễn Thị Ánh Tuyết", 0, 0, 0, NULL},
		{DOC_CENTER, "Đạt danh hiệu", 0, 1, 0, NULL},
		{DOC_CENTER, "GIA ĐÌNH HỌC TẬP NĂM 2025", 1, 0, 18, NULL},
	};
	struct doc d = base_doc();
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text;

	need_poppler();
	dir = temp_dir();
	path = xasprintf("%s/gcn.pdf", dir);
	d.type = "Giấy chứng nhận";
	d.summary = "Gia đình học tập năm 2025";
	d.blocks = blocks;
	d.nblocks = sizeof(blocks) / sizeof(blocks[0]);
	cr_assert_eq(doc_pdf(&d, path, &err), 0, "%s %s", err.msg, err.detail);

	text = pdf_text(path);
	expect_header(text);
	expect_has(text, "GIẤY CHỨNG NHẬN");
	expect_has(text, "Gia đình học tập năm 2025");
	expect_has(text, "Nguyễn Thị Ánh Tuyết");
	expect_has(text, "GIA ĐÌNH HỌC TẬP NĂM 2025");
	cr_expect_null(strstr(text, "Nơi nhận"), "no recipients, no list");
	cr_expect_eq(pdf_pages(path), 1);
	expect_fonts_embedded(path);
	free(text);
	free(path);
	remove_dir(dir);
}

static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng",
    "Đặng", "Vũ", "Bùi", "Đỗ", "Hồ"};
static const char *const middle[] = {"Thị", "Văn", "Đức", "Ngọc", "Thị Ánh", "Quang"};
static const char *const given[] = {"Tuyết", "Ưng", "Quỳnh Trâm", "Ấn", "Ỷ", "Hằng",
    "Dũng", "Ơn", "Khuê", "Nhạn"};

/* A decision with its list of nrows households; cells freed by free_cells. */
static char **
decision_cells(size_t nrows)
{
	char **cells = xcalloc(nrows * 4, sizeof(char *));

	for (size_t r = 0; r < nrows; r++) {
		cells[r * 4] = xasprintf("%zu", r + 1);
		if (r == 0)
			cells[r * 4 + 1] = xstrdup("Nguyễn Thị Ánh Tuyết");
		else if (r == 1)
			cells[r * 4 + 1] = xstrdup("Đặng Văn Ưng");
		else if (r == 2)
			cells[r * 4 + 1] = xstrdup("Hoàng Thị Quỳnh Trâm");
		else	/* 600 distinct names */
			cells[r * 4 + 1] = xasprintf("%s %s %s", family[r % 10],
			    middle[r / 10 % 6], given[r / 60 % 10]);
		cells[r * 4 + 2] = xstrdup(r % 9 == 0 ?
		    "Tổ dân phố số 5, phường Lê Chân, thành phố Hải Phòng" :
		    "Phường Lê Chân");
		cells[r * 4 + 3] = xstrdup("1.500.000");
	}
	return cells;
}

static void
free_cells(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

Test(doc_pdf, decision_with_a_300_row_list)
{
	static const char *const header[] = {"STT", "Họ và tên", "Địa chỉ",
	    "Số tiền (đồng)"};
	static const char *const bases[] = {"Căn cứ Điều lệ Hội Khuyến học Việt Nam;",
	    "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30 tháng 7 năm 2021 của Thủ "
	    "tướng Chính phủ phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn "
	    "2021 - 2030”;", "Xét đề nghị của Ban Thường trực.", NULL};
	const size_t nrows = 300;
	char **cells = decision_cells(nrows);
	struct doc_table t = {4, header, NULL, nrows, (const char *const *)cells};
	struct doc_block blocks[] = {
		{DOC_CENTER, "QUYẾT ĐỊNH:", 1, 0, 0, NULL},
		{DOC_PARA, "Điều 1. Công nhận 300 hộ gia đình đạt danh hiệu “Gia "
		    "đình học tập” năm 2025 (danh sách kèm theo), mỗi hộ được thưởng "
		    "1.500.000 đồng (Một triệu năm trăm nghìn đồng).", 0, 0, 0, NULL},
		{DOC_PARA, "Điều 2. Quyết định có hiệu lực kể từ ngày ký./.", 0, 0, 0, NULL},
		{DOC_HEADING, "DANH SÁCH HỘ GIA ĐÌNH HỌC TẬP", 0, 0, 0, NULL},
		{DOC_TABLE, NULL, 0, 0, 0, &t},
	};
	struct doc d = base_doc();
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text, *page2;
	const char *p;

	need_poppler();
	dir = temp_dir();
	path = xasprintf("%s/qd.pdf", dir);
	d.type = "Quyết định";
	d.summary = "Về việc công nhận danh hiệu “Gia đình học tập” năm 2025";
	d.bases = bases;
	d.blocks = blocks;
	d.nblocks = sizeof(blocks) / sizeof(blocks[0]);
	d.recipients = recipients;
	cr_assert_eq(doc_pdf(&d, path, &err), 0, "%s %s", err.msg, err.detail);

	text = pdf_text(path);
	expect_header(text);
	expect_has(text, "QUYẾT ĐỊNH");
	expect_has(text, "Về việc công nhận danh hiệu “Gia đình học tập” năm 2025");
	expect_has(text, "Căn cứ Điều lệ Hội Khuyến học Việt Nam;");
	expect_has(text, "Nơi nhận:");
	expect_has(text, "- Lưu: VT, HKH.");
	for (size_t r = 0; r < nrows; r++)	/* names never wrap in their column */
		cr_expect_not_null(strstr(text, cells[r * 4 + 1]), "name %zu %s missing",
		    r + 1, cells[r * 4 + 1]);

	cr_expect_gt(pdf_pages(path), 1);
	/* Page 2 starts with its number, centred in the top margin, and the
	 * repeated header row of the table. */
	page2 = run("pdftotext -layout -enc UTF-8 -f 2 -l 2 '%s' -", path);
	for (p = page2; *p == ' ' || *p == '\n'; p++)
		;
	cr_expect(p[0] == '2' && (p[1] == '\n' || p[1] == ' '), "page 2 begins \"%.20s\"", p);
	expect_has(page2, "Họ và tên");
	free(page2);
	/* The first page carries no number: it opens with the header block. */
	for (p = text; *p == ' ' || *p == '\n'; p++)
		;
	cr_expect(p[0] != '1', "page 1 begins \"%.20s\"", p);
	expect_fonts_embedded(path);

	free(text);
	free(path);
	free_cells(cells, nrows * 4);
	remove_dir(dir);
}

Test(doc_pdf, long_body_paginates_with_page_numbers)
{
	const char *para = "Năm 2023, là năm đầu tiên Thủ tướng Chính phủ phát động phong "
	    "trào “Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời "
	    "giai đoạn 2023-2030”, năm tiếp tục thực hiện các Quyết định của Chính phủ "
	    "về xây dựng xã hội học tập, giai đoạn 2021-2030.";
	struct doc_block blocks[60];
	struct doc d = base_doc();
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text;
	int pages;

	need_poppler();
	for (size_t i = 0; i < 60; i++) {
		memset(&blocks[i], 0, sizeof(blocks[i]));
		blocks[i].kind = i % 10 == 0 ? DOC_HEADING : i % 3 == 0 ? DOC_ITEM : DOC_PARA;
		blocks[i].text = i % 10 == 0 ? "I. MỤC ĐÍCH, YÊU CẦU" :
		    i % 3 == 0 ? "- Tiếp tục khơi dậy và phát huy mạnh mẽ truyền thống "
		    "hiếu học và học giỏi của người dân Hải Phòng, nâng cao nhận thức." : para;
	}
	blocks[59].text = "Trên đây là kế hoạch, đề nghị các đơn vị thực hiện./.";
	dir = temp_dir();
	path = xasprintf("%s/kh.pdf", dir);
	d.type = "Kế hoạch";
	d.summary = "Tổ chức Tháng Khuyến học năm 2023";
	d.blocks = blocks;
	d.nblocks = 60;
	d.recipients = recipients;
	cr_assert_eq(doc_pdf(&d, path, &err), 0, "%s %s", err.msg, err.detail);
	pages = pdf_pages(path);
	cr_expect_geq(pages, 3);
	text = run("pdftotext -layout -enc UTF-8 -f 3 -l 3 '%s' -", path);
	{
		const char *p = text;

		while (*p == ' ' || *p == '\n')
			p++;
		cr_expect(p[0] == '3', "page 3 begins \"%.20s\"", p);
	}
	free(text);
	text = pdf_text(path);
	expect_has(text, "đề nghị các đơn vị thực hiện./.");
	expect_has(text, "Nơi nhận:");
	expect_has(text, "Nguyễn Văn Bình");
	free(text);
	free(path);
	remove_dir(dir);
}

Test(doc_pdf, text_is_never_markup)
{
	static const char *const header[] = {"Tên", "Ghi chú"};
	static const char *const cells[] = {"<b>Lê & Co</b>", "&amp; <i>x</i>"};
	struct doc_table t = {2, header, NULL, 1, cells};
	struct doc_block blocks[] = {
		{DOC_PARA, "Giá trị <span size=\"99999\">to</span> & nhỏ", 0, 0, 0, NULL},
		{DOC_TABLE, NULL, 0, 0, 0, &t},
	};
	struct doc d = base_doc();
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text;

	need_poppler();
	dir = temp_dir();
	path = xasprintf("%s/m.pdf", dir);
	d.issuer = "Hội <b>KH</b> & Co";
	d.type = "Báo cáo";
	d.blocks = blocks;
	d.nblocks = 2;
	cr_assert_eq(doc_pdf(&d, path, &err), 0, "%s %s", err.msg, err.detail);
	text = pdf_text(path);
	expect_has(text, "<span size=\"99999\">to</span> & nhỏ");
	expect_has(text, "<b>Lê & Co</b>");
	expect_has(text, "&amp; <i>x</i>");
	expect_has(text, "HỘI <B>KH</B> & CO");
	free(text);
	free(path);
	remove_dir(dir);
}

Test(doc_pdf, landscape_and_a_row_taller_than_a_page)
{
	static const char *const header[] = {"STT", "Nội dung"};
	struct buf big = BUF_INIT;
	const char *cells[4];
	struct doc_table t = {2, header, (const double[]){1, 9}, 2, cells};
	struct doc_block blocks[] = {{DOC_TABLE, NULL, 0, 0, 0, &t}};
	struct doc d = base_doc();
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text, *info;

	need_poppler();
	for (int i = 0; i < 400; i++)
		buf_printf(&big, "dòng %d của một ô rất dài, ", i);
	buf_puts(&big, "HẾT.");
	cells[0] = "1";
	cells[1] = buf_str(&big);
	cells[2] = "2";
	cells[3] = "Dòng sau ô dài";
	dir = temp_dir();
	path = xasprintf("%s/l.pdf", dir);
	d.type = "Phụ lục";
	d.blocks = blocks;
	d.nblocks = 1;
	d.landscape = 1;
	cr_assert_eq(doc_pdf(&d, path, &err), 0, "%s %s", err.msg, err.detail);
	info = run("pdfinfo '%s'", path);
	expect_has(info, "841.89 x 595.276");	/* A4 turned */
	free(info);
	cr_expect_gt(pdf_pages(path), 2);
	text = pdf_text(path);
	expect_has(text, "dòng 0 của");
	expect_has(text, "HẾT.");
	expect_has(text, "Dòng sau ô dài");
	free(text);
	free(path);
	buf_free(&big);
	remove_dir(dir);
}

Test(doc_pdf, refuses_invalid_utf8_and_reports_unwritable_paths)
{
	static const char *const bad_header[] = {"Tên", "Ghi \xff"};
	static const char *const cells[] = {"a", "b"};
	struct doc_table t = {2, bad_header, NULL, 1, cells};
	struct doc_block blocks[] = {{DOC_TABLE, NULL, 0, 0, 0, &t}};
	struct doc d = base_doc();
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/x.pdf", dir), *missing;
	struct stat st;

	d.type = "Báo cáo";
	d.blocks = blocks;
	d.nblocks = 1;
	cr_expect_eq(doc_pdf(&d, path, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "blocks");
	cr_expect_neq(stat(path, &st), 0, "no file is left behind");

	d.nblocks = 0;
	d.signer = "Nguy\xe1\xbb";	/* cut inside a letter */
	kh_err_clear(&err);
	cr_expect_eq(doc_pdf(&d, path, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "signer");

	d.signer = "Nguyễn Văn Bình";
	missing = xasprintf("%s/no/such/dir/x.pdf", dir);
	kh_err_clear(&err);
	cr_expect_eq(doc_pdf(&d, missing, &err), KH_E_IO);
	cr_expect_not_null(err.msg);

	kh_err_clear(&err);
	cr_expect_eq(doc_pdf(&d, path, &err), 0, "%s", err.detail);
	cr_expect_eq(stat(path, &st), 0);
	{
		/* Only the document is in the folder: the temporary file was
		 * renamed, not copied. */
		char *ls = run("ls -A '%s' | wc -l", dir);

		cr_expect_eq(atoi(ls), 1, "%s", ls);
		free(ls);
	}
	free(missing);
	free(path);
	remove_dir(dir);
}

/* Several documents in one file ----------------------------------------- */

/* Page n of the PDF as text (malloc'd). */
static char *
pdf_page(const char *path, int n)
{
	char *fmt = xasprintf("pdftotext -layout -enc UTF-8 -f %d -l %d '%%s' -",
	    n, n), *text = run(fmt, path);

	free(fmt);
	return text;
}

Test(doc_pdf, many_certificates_one_page_each)
{
	static const char *const names[] = {"Nguyễn Thị Ánh Tuyết",
	    "Đặng Văn Ưng", "Hoàng Thị Quỳnh Trâm"};
	struct doc_block blocks[3][2];
	struct doc docs[3];
	const struct doc *ptrs[3];
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text, *numbers[3];

	need_poppler();
	dir = temp_dir();
	path = xasprintf("%s/gcn.pdf", dir);
	for (int i = 0; i < 3; i++) {
		numbers[i] = xasprintf("Số: GĐHT-2025-%06d", i + 1);
		blocks[i][0] = (struct doc_block){DOC_CENTER, names[i], 1, 0, 18, NULL};
		blocks[i][1] = (struct doc_block){DOC_CENTER,
		    "Đạt danh hiệu Gia đình học tập năm 2025", 0, 0, 0, NULL};
		docs[i] = base_doc();
		docs[i].number = numbers[i];
		docs[i].type = "Giấy chứng nhận";
		docs[i].blocks = blocks[i];
		docs[i].nblocks = 2;
		docs[i].landscape = 1;
		ptrs[i] = &docs[i];
	}
	cr_assert_eq(doc_pdf_many(ptrs, 3, path, &err), 0, "%s %s", err.msg,
	    err.detail);
	cr_expect_eq(pdf_pages(path), 3);
	for (int i = 0; i < 3; i++) {
		const char *p;

		text = pdf_page(path, i + 1);
		expect_has(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
		expect_has(text, names[i]);
		expect_has(text, numbers[i]);
		/* Each certificate is a first page: no page number on it. */
		for (p = text; *p == ' ' || *p == '\n'; p++)
			;
		cr_expect(!(p[0] >= '0' && p[0] <= '9'), "page %d begins \"%.20s\"",
		    i + 1, p);
		if (i > 0)
			cr_expect_null(strstr(text, names[i - 1]),
			    "certificate %d printed on page %d", i, i + 1);
		free(text);
	}
	text = run("pdfinfo '%s'", path);
	expect_has(text, "841.89 x 595.276");
	free(text);
	expect_fonts_embedded(path);
	for (int i = 0; i < 3; i++)
		free(numbers[i]);
	free(path);
	remove_dir(dir);
}

Test(doc_pdf, many_decision_then_its_list_in_another_orientation)
{
	static const char *const header[] = {"STT", "Họ và tên", "Địa chỉ",
	    "Số tiền (đồng)"};
	const size_t nrows = 120;
	char **cells = decision_cells(nrows);
	struct doc_table t = {4, header, NULL, nrows, (const char *const *)cells};
	struct doc_block body1[] = {
		{DOC_CENTER, "QUYẾT ĐỊNH:", 1, 0, 0, NULL},
		{DOC_PARA, "Điều 1. Công nhận 120 hộ gia đình (danh sách kèm theo).",
		    0, 0, 0, NULL},
	};
	struct doc_block body2[] = {{DOC_TABLE, NULL, 0, 0, 0, &t}};
	struct doc d1 = base_doc(), d2 = base_doc();
	const struct doc *ptrs[2] = {&d1, &d2};
	struct kh_err err = KH_ERR_INIT;
	char *dir, *path, *text, *info;
	int pages, list_first = 0;

	need_poppler();
	dir = temp_dir();
	path = xasprintf("%s/qd.pdf", dir);
	d1.type = "Quyết định";
	d1.blocks = body1;
	d1.nblocks = 2;
	d1.recipients = recipients;
	d2.type = "Danh sách";
	d2.summary = "Hộ gia đình học tập năm 2025 (Kèm theo Quyết định số "
	    "12/QĐ-HKH)";
	d2.number = NULL;
	d2.sign_authority = NULL;
	d2.signer = NULL;
	d2.blocks = body2;
	d2.nblocks = 1;
	d2.landscape = 1;
	cr_assert_eq(doc_pdf_many(ptrs, 2, path, &err), 0, "%s %s", err.msg,
	    err.detail);
	pages = pdf_pages(path);
	cr_assert_gt(pages, 2, "the decision and a list over several pages");
	/* The decision is alone on page 1, portrait; the list starts on page 2,
	 * landscape, and numbers its own pages from its second page as 2. */
	text = pdf_page(path, 1);
	expect_header(text);
	expect_has(text, "Nơi nhận:");
	cr_expect_null(strstr(text, "Nguyễn Thị Ánh Tuyết"));
	free(text);
	info = run("pdfinfo -f 1 -l 2 '%s'", path);
	cr_expect(strstr(info, "1 size:  595.276 x 841.89") != NULL, "%s", info);
	cr_expect(strstr(info, "2 size:  841.89 x 595.276") != NULL, "%s", info);
	free(info);
	text = pdf_page(path, 2);
	expect_has(text, "DANH SÁCH");
	expect_has(text, "Kèm theo Quyết định số");
	expect_has(text, "Nguyễn Thị Ánh Tuyết");
	list_first = 2;
	free(text);
	text = pdf_page(path, list_first + 1);
	{
		const char *p = text;

		while (*p == ' ' || *p == '\n')
			p++;
		cr_expect(p[0] == '2' && (p[1] == '\n' || p[1] == ' '),
		    "the list's second page begins \"%.20s\"", p);
	}
	free(text);
	expect_fonts_embedded(path);
	free_cells(cells, nrows * 4);
	free(path);
	remove_dir(dir);
}

Test(doc_pdf, many_checks_every_document_before_writing)
{
	struct doc d1 = base_doc(), d2 = base_doc();
	const struct doc *ptrs[2] = {&d1, &d2};
	struct kh_err err = KH_ERR_INIT;
	char *dir = temp_dir(), *path = xasprintf("%s/x.pdf", dir);
	struct stat st;

	d1.type = "Quyết định";
	d2.type = "Danh sách";
	d2.summary = "Tên \xff";
	cr_expect_eq(doc_pdf_many(ptrs, 2, path, &err), KH_E_INVALID);
	cr_expect_str_eq(err.field, "summary");
	cr_expect_neq(stat(path, &st), 0, "no file is left behind");
	kh_err_clear(&err);
	cr_expect_eq(doc_pdf_many(ptrs, 0, path, &err), KH_E_INVALID);
	cr_expect_neq(stat(path, &st), 0);
	free(path);
	remove_dir(dir);
}
