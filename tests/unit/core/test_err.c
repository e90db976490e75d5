#include <criterion/criterion.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"

Test(err, kinds_map_to_status_and_exit_codes)
{
	cr_assert_eq(kh_kind_http_status(KH_E_FORBIDDEN), 403);
	cr_assert_eq(kh_kind_http_status(KH_E_NOT_FOUND), 404);
	cr_assert_eq(kh_kind_http_status(KH_E_AUTH), 401);
	cr_assert_eq(kh_kind_http_status(KH_E_TOO_LARGE), 413);
	cr_assert_eq(kh_kind_http_status(KH_E_DB), 500);
	cr_assert_eq(kh_kind_exit_code(KH_OK), 0);
	cr_assert_neq(kh_kind_exit_code(KH_E_INVALID), 0);
	cr_assert_str_eq(kh_kind_code(KH_E_FORBIDDEN), "forbidden");
}

Test(err, format_substitutes_argument_and_translates)
{
	struct kh_err e = KH_ERR_INIT;
	char out[256];

	i18n_init("build/locale");
	cr_assert_eq(kh_fail_field(&e, KH_E_NOT_FOUND, "code",
	    N_("No unit has the code %s."), "99999"), KH_E_NOT_FOUND);
	kh_err_format(&e, "en", out, sizeof(out));
	cr_assert_str_eq(out, "No unit has the code 99999.");
	kh_err_format(&e, "vi", out, sizeof(out));
	cr_assert(strstr(out, "99999") != NULL);
	cr_assert_str_neq(out, "No unit has the code 99999.",
	    "the Vietnamese catalogue is loaded from build/locale");
	cr_assert_str_eq(e.field, "code");
}
