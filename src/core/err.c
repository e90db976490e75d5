/*
 * err.c - recording errors and mapping their kinds to each front.
 */
#include "core/err.h"
#include "core/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int
fail(struct kh_err *err, int kind, const char *field, const char *msg,
    const char *arg)
{
	if (err == NULL)
		return kind;
	err->kind = kind;
	err->msg = msg;
	snprintf(err->arg, sizeof(err->arg), "%s", arg != NULL ? arg : "");
	snprintf(err->field, sizeof(err->field), "%s", field != NULL ? field : "");
	return kind;
}

int
kh_fail(struct kh_err *err, int kind, const char *msg, const char *arg)
{
	return fail(err, kind, NULL, msg, arg);
}

int
kh_fail_field(struct kh_err *err, int kind, const char *field,
    const char *msg, const char *arg)
{
	return fail(err, kind, field, msg, arg);
}

void
kh_err_detail(struct kh_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

void
kh_err_clear(struct kh_err *err)
{
	if (err != NULL)
		*err = (struct kh_err)KH_ERR_INIT;
}

const char *
kh_kind_code(int kind)
{
	switch (kind) {
	case KH_OK: return "ok";
	case KH_E_INVALID: return "invalid";
	case KH_E_NOT_FOUND: return "not_found";
	case KH_E_FORBIDDEN: return "forbidden";
	case KH_E_CONFLICT: return "conflict";
	case KH_E_DB: return "database";
	case KH_E_IO: return "io";
	case KH_E_AUTH: return "unauthenticated";
	case KH_E_LIMIT: return "rate_limited";
	case KH_E_TOO_LARGE: return "too_large";
	}
	return "error";
}

int
kh_kind_http_status(int kind)
{
	switch (kind) {
	case KH_OK: return 200;
	case KH_E_INVALID: return 400;
	case KH_E_NOT_FOUND: return 404;
	case KH_E_FORBIDDEN: return 403;
	case KH_E_CONFLICT: return 409;
	case KH_E_AUTH: return 401;
	case KH_E_LIMIT: return 429;
	case KH_E_TOO_LARGE: return 413;
	}
	return 500;
}

int
kh_kind_exit_code(int kind)
{
	switch (kind) {
	case KH_OK: return 0;
	case KH_E_INVALID: return 2;
	case KH_E_NOT_FOUND: return 3;
	case KH_E_FORBIDDEN: return 4;
	case KH_E_CONFLICT: return 5;
	case KH_E_AUTH: return 6;
	}
	return 1;
}

static const char *
generic_msg(int kind)
{
	switch (kind) {
	case KH_E_INVALID: return N_("The request is not valid.");
	case KH_E_NOT_FOUND: return N_("Not found.");
	case KH_E_FORBIDDEN: return N_("You do not have access to this.");
	case KH_E_CONFLICT: return N_("This conflicts with existing data.");
	case KH_E_AUTH: return N_("Please log in.");
	case KH_E_LIMIT: return N_("Too many attempts. Please wait a few minutes and try again.");
	case KH_E_TOO_LARGE: return N_("The data sent is too large.");
	}
	return N_("An internal error occurred. Please try again later.");
}

void
kh_err_format(const struct kh_err *err, const char *lang, char *out,
    size_t outsz)
{
	const char *fmt;

	if (err->msg == NULL) {
		snprintf(out, outsz, "%s", i18n_tr(lang, generic_msg(err->kind)));
		return;
	}
	fmt = i18n_tr(lang, err->msg);
	if (strstr(fmt, "%s") != NULL) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(out, outsz, fmt, err->arg);
#pragma GCC diagnostic pop
	} else
		snprintf(out, outsz, "%s", fmt);
}
