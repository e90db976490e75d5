/*
 * The table reader at size: 200,000-row CSV and .xlsx files read in
 * constant memory, and zip bombs refused (one whose directory tells the
 * truth, one whose directory lies). The big files are generated while they
 * are written, never held whole in memory.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/buf.h"
#include "io/table.h"
#include "test_table_fix.h"

#define BIG_ROWS 200000

/* Read every row, checking that live heap does not grow with the rows. */
static long
read_all(struct table_reader *r, struct table_row *last_row, char *last,
    size_t lastsz)
{
	struct table_row row;
	struct kh_err err = KH_ERR_INIT;
	size_t base = 0, peak = 0, h;
	long n = 0;
	int rc;

	while ((rc = table_next(r, &row, &err)) == 1) {
		n++;
		if (n == 1000)
			base = tt_heap();
		if (n > 1000 && n % 5000 == 0 && (h = tt_heap()) > peak)
			peak = h;
		*last_row = row;
		snprintf(last, lastsz, "%s|%s|%s|%s", row.cells[0],
		    row.cells[1], row.cells[2], row.n > 7 ? row.cells[7] : "");
	}
	cr_assert_eq(rc, 0, "%s [%s] row %ld %s", err.msg ? err.msg : "",
	    err.arg, err.row, err.detail);
	/* tt_heap() is 0 under sanitizers: nothing to compare there. */
	cr_assert(peak <= base + 2 * 1024 * 1024,
	    "heap grew from %zu to %zu bytes", base, peak);
	return n;
}

static void
person(struct buf *b, long i, const char *sep)
{
	buf_printf(b, "%ld%sNguyễn Văn Người %ld%s%02ld/%02ld/%ld%s%s%s"
	    "0011900%05ld%sCon%sHGĐ-%ld%sThôn %ld\r\n", i, sep, i, sep,
	    i % 28 + 1, i % 12 + 1, 1930 + i % 90, sep, i % 2 ? "Nam" : "Nữ",
	    sep, i % 100000, sep, sep, i / 4, sep, i % 20 + 1);
}

Test(table, big_csv_constant_memory)
{
	char *path = tt_temp(".csv"), last[256];
	struct table_reader *r;
	struct table_row row;
	struct kh_err err = KH_ERR_INIT;
	struct buf b = BUF_INIT;
	FILE *f = fopen(path, "wb");
	long i;

	cr_assert_not_null(f);
	fputs("\xef\xbb\xbfSTT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;"
	    "Quan hệ;Mã hộ;Thôn\r\n", f);
	for (i = 1; i <= BIG_ROWS; i++) {
		person(&b, i, ";");
		if (b.len > 60000 || i == BIG_ROWS) {
			fwrite(b.data, 1, b.len, f);
			buf_reset(&b);
		}
	}
	fclose(f);
	buf_free(&b);
	cr_assert_eq(table_open(path, NULL, &r, &err), 0);
	cr_assert_eq(table_csv_separator(r), ';');
	cr_assert_eq(read_all(r, &row, last, sizeof(last)), BIG_ROWS + 1);
	cr_assert_eq(row.row_no, BIG_ROWS + 1);
	cr_assert_str_eq(last, "200000|Nguyễn Văn Người 200000|25/09/1950|Thôn 1");
	table_close(r);
	tt_drop(path);
}

/* Zip entries generated as libzip asks for them. */
struct gen {
	long rows;		/* sheet rows to write; -1: zeros */
	uint64_t zeros;		/* bytes of filler to write */
	const char *head;	/* written before the filler, or NULL */
	char fill;		/* the filler byte */
	long next;		/* next row */
	int stage;		/* 0 head, 1 rows, 2 tail, 3 end */
	struct buf pend;	/* generated, not yet handed out */
	size_t pos;
	zip_error_t error;
};

static void
gen_more(struct gen *g)
{
	long i;

	buf_reset(&g->pend);
	g->pos = 0;
	if (g->rows < 0) {
		size_t n = g->zeros < 65536 ? (size_t)g->zeros : 65536;

		if (g->stage == 0 && g->head != NULL)
			buf_puts(&g->pend, g->head);
		g->stage = 1;
		if (n == 0) {
			g->stage = 3;
			return;
		}
		{
			char blk[65536];

			memset(blk, g->fill, sizeof(blk));
			if (g->pend.len < n)
				buf_append(&g->pend, blk, n - g->pend.len);
		}
		g->zeros -= n;
		return;
	}
	switch (g->stage) {
	case 0:
		buf_puts(&g->pend, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		    "<sheetData><row r=\"1\">"
		    "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		    "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"H1\" t=\"s\"><v>3</v></c>"
		    "</row>");
		g->stage = 1;
		g->next = 2;
		break;
	case 1:
		for (i = 0; i < 200 && g->next <= g->rows + 1; i++, g->next++)
			buf_printf(&g->pend, "<row r=\"%ld\" spans=\"1:8\">"
			    "<c r=\"A%ld\"><v>%ld</v></c>"
			    "<c r=\"B%ld\" t=\"inlineStr\"><is><t>Trần Thị Người %ld</t></is></c>"
			    "<c r=\"C%ld\" s=\"1\"><v>%ld</v></c>"
			    "<c r=\"D%ld\" t=\"s\"><v>%ld</v></c>"
			    "<c r=\"E%ld\" t=\"str\"><f>TEXT(A%ld,\"0\")</f><v>0011900%05ld</v></c>"
			    "<c r=\"F%ld\" t=\"s\"><v>6</v></c>"
			    "<c r=\"G%ld\"><v>%ld</v></c>"
			    "<c r=\"H%ld\" t=\"s\"><v>%ld</v></c></row>",
			    g->next, g->next, g->next - 1, g->next, g->next - 1,
			    g->next, 10000 + g->next % 30000, g->next,
			    4 + g->next % 2, g->next, g->next, g->next % 100000,
			    g->next, g->next, g->next / 4, g->next,
			    7 + g->next % 20);
		if (g->next > g->rows + 1)
			g->stage = 2;
		break;
	case 2:
		buf_puts(&g->pend, "</sheetData></worksheet>");
		g->stage = 3;
		break;
	default:
		break;
	}
}

static zip_int64_t
gen_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct gen *g = ud;
	size_t n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		g->stage = 0;
		g->pos = 0;
		buf_reset(&g->pend);
		return 0;
	case ZIP_SOURCE_READ:
		while (g->pos == g->pend.len && g->stage != 3)
			gen_more(g);
		n = g->pend.len - g->pos;
		if (n > len)
			n = (size_t)len;
		if (n > 0)
			memcpy(data, g->pend.data + g->pos, n);
		g->pos += n;
		return (zip_int64_t)n;
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		zip_stat_init(st);
		st->mtime = 0;
		st->valid |= ZIP_STAT_MTIME;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&g->error, data, len);
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN,
		    ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		    ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&g->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static const char wb_xml[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
    " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"DS\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_xml[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "</Relationships>";
static const char sst_big[] =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<si><t>STT</t></si><si><t>Họ và tên</t></si><si><t>Ngày sinh</t></si>"
    "<si><t>Thôn</t></si><si><t>Nam</t></si><si><t>Nữ</t></si>"
    "<si><t>Con</t></si>"
    "<si><t>Thôn 1</t></si><si><t>Thôn 2</t></si><si><t>Thôn 3</t></si>"
    "<si><t>Thôn 4</t></si><si><t>Thôn 5</t></si><si><t>Thôn 6</t></si>"
    "<si><t>Thôn 7</t></si><si><t>Thôn 8</t></si><si><t>Thôn 9</t></si>"
    "<si><t>Thôn 10</t></si><si><t>Thôn 11</t></si><si><t>Thôn 12</t></si>"
    "<si><t>Thôn 13</t></si><si><t>Thôn 14</t></si><si><t>Thôn 15</t></si>"
    "<si><t>Thôn 16</t></si><si><t>Thôn 17</t></si><si><t>Thôn 18</t></si>"
    "<si><t>Thôn 19</t></si><si><t>Thôn 20</t></si></sst>";
static const char styles_big[] =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
    "</styleSheet>";

/* A workbook whose sheet1.xml comes from g. */
static void
gen_xlsx(const char *path, struct gen *g, int level)
{
	zip_t *za;
	zip_source_t *src;
	zip_int64_t idx;
	int err = 0;

	zip_error_init(&g->error);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	cr_assert_not_null(za);
	src = zip_source_function(za, gen_cb, g);
	cr_assert_not_null(src);
	idx = zip_file_add(za, "xl/worksheets/sheet1.xml", src, 0);
	cr_assert(idx >= 0);
	cr_assert_eq(zip_set_file_compression(za, (zip_uint64_t)idx,
	    ZIP_CM_DEFLATE, (zip_uint32_t)level), 0);
	cr_assert(zip_file_add(za, "xl/workbook.xml",
	    zip_source_buffer(za, wb_xml, strlen(wb_xml), 0), 0) >= 0);
	cr_assert(zip_file_add(za, "xl/_rels/workbook.xml.rels",
	    zip_source_buffer(za, rels_xml, strlen(rels_xml), 0), 0) >= 0);
	cr_assert(zip_file_add(za, "xl/sharedStrings.xml",
	    zip_source_buffer(za, sst_big, strlen(sst_big), 0), 0) >= 0);
	cr_assert(zip_file_add(za, "xl/styles.xml",
	    zip_source_buffer(za, styles_big, strlen(styles_big), 0), 0) >= 0);
	cr_assert_eq(zip_close(za), 0, "%s", zip_strerror(za));
	buf_free(&g->pend);
	zip_error_fini(&g->error);
}

Test(table, big_xlsx_constant_memory)
{
	char *path = tt_temp(".xlsx"), last[256];
	struct gen g = {.rows = BIG_ROWS};
	struct table_reader *r;
	struct table_row row;
	struct kh_err err = KH_ERR_INIT;

	gen_xlsx(path, &g, 1);
	cr_assert_eq(table_open(path, NULL, &r, &err), 0, "%s %s",
	    err.msg ? err.msg : "", err.detail);
	cr_assert_eq(read_all(r, &row, last, sizeof(last)), BIG_ROWS + 1);
	cr_assert_eq(row.row_no, BIG_ROWS + 1);
	cr_assert_eq(row.n, 8);
	cr_assert_str_eq(row.cells[3], "Nữ");
	cr_assert_str_eq(row.cells[4], "001190000001");
	cr_assert_str_eq(last, "200000|Trần Thị Người 200000|1982-02-19|Thôn 2");
	table_close(r);
	tt_drop(path);
}

Test(table, zip_bomb_refused_from_directory)
{
	/* 200 MB of zeros deflate to about 200 KB. */
	char *path = tt_temp(".xlsx");
	struct gen g = {.rows = -1, .zeros = (uint64_t)200 << 20};
	struct table_reader *r;
	struct kh_err err = KH_ERR_INIT;
	double t0;

	gen_xlsx(path, &g, 1);
	t0 = (double)clock() / CLOCKS_PER_SEC;
	cr_assert_eq(table_open(path, NULL, &r, &err), KH_E_TOO_LARGE);
	cr_assert_not_null(strstr(err.msg, "compressed more than"));
	cr_assert_str_eq(err.arg, "200");
	/* Refused before inflating anything. */
	cr_assert_lt((double)clock() / CLOCKS_PER_SEC - t0, 0.5);
	tt_drop(path);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

Test(table, zip_bomb_refused_while_inflating)
{
	/* A sheet padded with 8 MB of spaces (well-formed XML as far as it
	 * goes) whose directory claims 100 KB: a harmless ratio on paper, so
	 * only counting the inflated bytes finds it. */
	char *path = tt_temp(".xlsx");
	struct gen g = {.rows = -1, .zeros = (uint64_t)8 << 20,
	    .head = "<worksheet><sheetData>", .fill = ' '};
	struct kh_err err = KH_ERR_INIT;
	unsigned char *bytes, *p;
	size_t len;
	int patched = 0, rc;

	gen_xlsx(path, &g, 9);
	bytes = (unsigned char *)tt_slurp(path, &len);
	for (p = bytes; p + 46 < bytes + len; p++) {
		if (memcmp(p, "PK\3\4", 4) == 0 && p[26] == 24 &&
		    memcmp(p + 30, "xl/worksheets/sheet1.xml", 24) == 0) {
			cr_assert_eq(get32(p + 22), 8u << 20);
			put32(p + 22, 100000);
			patched++;
		}
		if (memcmp(p, "PK\1\2", 4) == 0 && p[28] == 24 &&
		    memcmp(p + 46, "xl/worksheets/sheet1.xml", 24) == 0) {
			put32(p + 24, 100000);
			patched++;
		}
	}
	cr_assert_eq(patched, 2);
	tt_write(path, bytes, len);
	free(bytes);
	free(tt_read(path, NULL, 0, &rc, &err));
	cr_assert_eq(rc, KH_E_TOO_LARGE, "rc %d %s", rc, err.detail);
	cr_assert_not_null(strstr(err.msg, "compressed more than"));
	tt_drop(path);
}
