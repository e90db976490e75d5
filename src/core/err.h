/*
 * err.h - the one error model of khuyenhoc.
 *
 * Every fallible call returns an int: 0 on success or a negative KH_E_* kind.
 * Detail travels in a caller-owned struct kh_err: the message is an English
 * msgid (a string literal marked with N_()) translated only at the edge (a
 * page, the JSON API, the CLI), plus an optional argument substituted for the
 * single %s in the msgid, the offending field and an import row number.
 * One function maps kinds to HTTP status, one to process exit codes, so every
 * front answers the same way.
 */
#ifndef KH_CORE_ERR_H
#define KH_CORE_ERR_H

#include <stddef.h>

/* Marks a string literal for xgettext without translating it here. */
#define N_(s) (s)

enum kh_kind {
	KH_OK = 0,
	KH_E_INVALID = -1,	/* bad input: 400 / 422 */
	KH_E_NOT_FOUND = -2,	/* 404 */
	KH_E_FORBIDDEN = -3,	/* outside the actor's scope or role: 403 */
	KH_E_CONFLICT = -4,	/* duplicate, stale state: 409 */
	KH_E_DB = -5,		/* storage failure: 500 */
	KH_E_IO = -6,		/* file or network failure: 500 */
	KH_E_AUTH = -7,		/* not logged in, bad credentials: 401 */
	KH_E_LIMIT = -8,	/* rate limit or size cap: 429 / 413 */
	KH_E_TOO_LARGE = -9,	/* body or file over its cap: 413 */
};

struct kh_err {
	int kind;		/* one of enum kh_kind, 0 when no error */
	const char *msg;	/* English msgid, static storage; may hold one %s */
	char arg[256];		/* substituted for %s in msg (already NFC, untrusted) */
	char field[64];		/* form or column name the error is about, or "" */
	long row;		/* 1-based row of an import, 0 when not a row */
	char detail[512];	/* technical detail for logs, never shown to users */
};

#define KH_ERR_INIT {0, NULL, "", "", 0, ""}

/*
 * Record an error and return its kind, so callers write
 *     return kh_fail(err, KH_E_INVALID, N_("Unknown unit code %s"), code);
 * err may be NULL. arg may be NULL.
 */
int kh_fail(struct kh_err *err, int kind, const char *msg, const char *arg);

/* Same, naming the field the error is about. */
int kh_fail_field(struct kh_err *err, int kind, const char *field,
    const char *msg, const char *arg);

/* Record technical detail (printf-style) for the log; keeps kind and msg. */
void kh_err_detail(struct kh_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void kh_err_clear(struct kh_err *err);

/* Stable machine code of a kind ("invalid", "not_found", ...) for the API. */
const char *kh_kind_code(int kind);

/* HTTP status for a kind. */
int kh_kind_http_status(int kind);

/* Process exit status for a kind (0 for KH_OK). */
int kh_kind_exit_code(int kind);

/*
 * Format err's message in the given language ("vi" or "en") into out.
 * Falls back to a generic message for the kind when msg is NULL.
 */
void kh_err_format(const struct kh_err *err, const char *lang, char *out,
    size_t outsz);

#endif
