#include <criterion/criterion.h>

#include "web/html.h"

Test(html, text_escapes_markup_and_quotes)
{
	struct buf b = BUF_INIT;

	html_text(&b, "<script>alert('x')</script> & \"Lê\"");
	cr_assert_str_eq(buf_str(&b),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Lê&quot;");
	buf_free(&b);
}

Test(html, url_percent_encodes_everything_unsafe)
{
	struct buf b = BUF_INIT;

	html_url(&b, "Lê Chân/1?&");
	cr_assert_str_eq(buf_str(&b), "L%C3%AA%20Ch%C3%A2n%2F1%3F%26");
	buf_free(&b);
}

Test(html, int_uses_vietnamese_thousands_separator)
{
	struct buf b = BUF_INIT;

	html_int(&b, 1500000);
	html_raw(&b, " ");
	html_int(&b, -999);
	html_raw(&b, " ");
	html_int(&b, 1000);
	cr_assert_str_eq(buf_str(&b), "1.500.000 -999 1.000");
	buf_free(&b);
}
