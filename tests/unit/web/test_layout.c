#include <criterion/criterion.h>

#include <string.h>

#include "core/i18n.h"
#include "units/units.h"
#include "web/html.h"
#include "web/web.h"

/* The header needs a request only for its language. */
struct fake {
	struct http_req req;
	struct web_req w;
	struct buf b;
};

static void
fake_init(struct fake *f, const char *lang)
{
	memset(f, 0, sizeof(*f));
	f->w.lang = lang;
	f->req.app = &f->w;
	f->b = (struct buf)BUF_INIT;
}

static const struct page_tab people_tabs[] = {
	{"/people", N_("Residents"), true},
	{"/import", N_("Import a list"), false},
};

Test(layout, unit_header_escapes_and_marks_the_current_tab)
{
	struct fake f;
	struct unit u = {.code = "11383", .name = "Phường <Lê> & \"Chân\""};

	fake_init(&f, "en");
	page_unit_header(&f.req, &f.b, &u, people_tabs, 2, "Residents <b>", NULL);
	cr_assert_str_eq(buf_str(&f.b),
	    "<nav class=\"tabs\"><a href=\"/units/11383\">"
	    "Phường &lt;Lê&gt; &amp; &quot;Chân&quot;</a>"
	    " · <a href=\"/units/11383/people\" aria-current=\"page\">Residents</a>"
	    " · <a href=\"/units/11383/import\">Import a list</a></nav>"
	    "<h1>Residents &lt;b&gt;</h1>");
	buf_free(&f.b);
}

Test(layout, unit_header_subtitle_only_when_given)
{
	struct fake f;
	struct unit u = {.code = "31", .name = "Thành phố Hải Phòng"};

	fake_init(&f, "en");
	page_unit_header(&f.req, &f.b, &u, NULL, 0, "Shares", "A & B · 2025");
	cr_assert_str_eq(buf_str(&f.b),
	    "<nav class=\"tabs\"><a href=\"/units/31\">Thành phố Hải Phòng</a>"
	    "</nav><h1>Shares <span class=\"muted\">A &amp; B · 2025</span></h1>");
	buf_reset(&f.b);
	page_unit_header(&f.req, &f.b, &u, NULL, 0, "Shares", "");
	cr_assert_str_eq(buf_str(&f.b),
	    "<nav class=\"tabs\"><a href=\"/units/31\">Thành phố Hải Phòng</a>"
	    "</nav><h1>Shares</h1>");
	buf_free(&f.b);
}

Test(layout, unit_tabs_alone_no_current_and_an_ended_unit)
{
	struct fake f;
	struct unit u = {.code = "A B/1", .name = "Xã Cũ", .valid_to = "2025-06-30"};
	const struct page_tab tabs[] = {
		{"/registrations?year=2024&x", N_("Learning models"), false},
	};

	fake_init(&f, "en");
	page_unit_tabs(&f.req, &f.b, &u, tabs, 1);
	/* Only the unit's link carries the date; the code is percent-encoded
	 * and the tab's path escaped as an attribute. Nothing after </nav>. */
	cr_assert_str_eq(buf_str(&f.b),
	    "<nav class=\"tabs\"><a href=\"/units/A%20B%2F1?on=2025-06-30\">Xã Cũ</a>"
	    " · <a href=\"/units/A%20B%2F1/registrations?year=2024&amp;x\">"
	    "Learning models</a></nav>");
	cr_assert_null(strstr(buf_str(&f.b), "aria-current"));
	buf_free(&f.b);
}

Test(layout, unit_tabs_translate_their_labels)
{
	struct fake f;
	struct unit u = {.code = "11383", .name = "Phường Lê Chân"};

	i18n_init("build/locale");
	fake_init(&f, "vi");
	page_unit_tabs(&f.req, &f.b, &u, people_tabs, 1);
	cr_assert_str_eq(buf_str(&f.b),
	    "<nav class=\"tabs\"><a href=\"/units/11383\">Phường Lê Chân</a>"
	    " · <a href=\"/units/11383/people\" aria-current=\"page\">"
	    "Nhân khẩu</a></nav>");
	buf_free(&f.b);
}
