/*
 * Fixtures for the table reader's tests (see test_table_fix.h).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <iconv.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/buf.h"
#include "test_table_fix.h"

char *
tt_temp(const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	path = xasprintf("%s/kh-table-XXXXXX%s",
	    dir != NULL && *dir != '\0' ? dir : "/tmp", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	cr_assert(fd >= 0, "mkstemps: %s", strerror(errno));
	close(fd);
	return path;
}

void
tt_drop(char *path)
{
	unlink(path);
	free(path);
}

void
tt_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

char *
tt_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;

	cr_assert_not_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

void
tt_zip(const char *path, const struct tt_part *parts)
{
	zip_t *za;
	zip_source_t *src;
	int err = 0;

	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	cr_assert_not_null(za, "zip_open %d", err);
	for (; parts->name != NULL; parts++) {
		src = zip_source_buffer(za, parts->data,
		    parts->len ? parts->len : strlen(parts->data), 0);
		cr_assert_not_null(src);
		cr_assert(zip_file_add(za, parts->name, src, 0) >= 0);
	}
	cr_assert_eq(zip_close(za), 0, "%s", zip_strerror(za));
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "</Types>";

static const char root_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

void
tt_xlsx(const char *path, const char *rows_xml, const char *sst_xml,
    const char *styles_xml, int date1904)
{
	char *wb, *rels, *sheet, *sst = NULL, *styles = NULL;
	struct tt_part parts[8];
	int n = 0;

	wb = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
	    " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	    "<workbookPr%s/><sheets><sheet name=\"Danh sách\" sheetId=\"1\" r:id=\"rId1\"/>"
	    "</sheets></workbook>", date1904 ? " date1904=\"1\"" : "");
	rels = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	    "</Relationships>");
	sheet = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<dimension ref=\"A1\"/><sheetData>%s</sheetData>"
	    "<mergeCells count=\"0\"/></worksheet>", rows_xml);
	parts[n++] = (struct tt_part){"[Content_Types].xml", content_types, 0};
	parts[n++] = (struct tt_part){"_rels/.rels", root_rels, 0};
	parts[n++] = (struct tt_part){"xl/workbook.xml", wb, 0};
	parts[n++] = (struct tt_part){"xl/_rels/workbook.xml.rels", rels, 0};
	parts[n++] = (struct tt_part){"xl/worksheets/sheet1.xml", sheet, 0};
	if (sst_xml != NULL) {
		sst = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		    "%s</sst>", sst_xml);
		parts[n++] = (struct tt_part){"xl/sharedStrings.xml", sst, 0};
	}
	if (styles_xml != NULL) {
		styles = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		    "%s</styleSheet>", styles_xml);
		parts[n++] = (struct tt_part){"xl/styles.xml", styles, 0};
	}
	parts[n] = (struct tt_part){NULL, NULL, 0};
	tt_zip(path, parts);
	free(wb);
	free(rels);
	free(sheet);
	free(sst);
	free(styles);
}

char *
tt_dump(struct table_reader *r, int *rc, struct kh_err *err)
{
	struct buf b = BUF_INIT;
	struct table_row row;
	size_t i;

	while ((*rc = table_next(r, &row, err)) == 1) {
		buf_printf(&b, "%ld:", row.row_no);
		for (i = 0; i < row.n; i++)
			buf_printf(&b, "%s%s", i ? "|" : "", row.cells[i]);
		buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

char *
tt_read(const char *path, const struct table_limits *lim, int mem,
    int *rc, struct kh_err *err)
{
	struct table_reader *r;
	char *data = NULL, *out;
	size_t len;

	if (mem) {
		data = tt_slurp(path, &len);
		*rc = table_open_mem(data, len, lim, &r, err);
	} else
		*rc = table_open(path, lim, &r, err);
	if (*rc != 0) {
		cr_assert_null(r);
		free(data);
		return NULL;
	}
	out = tt_dump(r, rc, err);
	table_close(r);
	free(data);
	return out;
}

char *
tt_iconv(const char *to, const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	size_t inleft = strlen(utf8), cap = inleft * 4 + 16, left = cap;
	char *in = (char *)utf8, *res = xmalloc(cap), *out = res;

	cr_assert(cd != (iconv_t)-1);
	cr_assert_neq(iconv(cd, &in, &inleft, &out, &left), (size_t)-1,
	    "iconv: %s", strerror(errno));
	cr_assert_neq(iconv(cd, NULL, NULL, &out, &left), (size_t)-1);
	iconv_close(cd);
	*len = cap - left;
	return res;
}

size_t
tt_heap(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0;
#else
	return mallinfo2().uordblks;
#endif
}
