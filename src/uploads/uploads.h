/*
 * uploads.h - files sent for import, kept between preview and import.
 *
 * An upload belongs to the account that sent it and to the unit it is for;
 * it is known by a random token, never by a guessable number, and removed
 * after UPLOADS_KEEP_SECONDS.
 */
#ifndef KH_UPLOADS_UPLOADS_H
#define KH_UPLOADS_UPLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"

#define UPLOADS_KEEP_SECONDS (24 * 3600)
#define UPLOADS_TOKEN_LEN 33	/* 32 hex digits and NUL */

struct upload {
	int64_t id;
	int64_t unit_id;
	char *kind;		/* what it is for: "people" */
	char *filename;
	unsigned char *data;
	size_t size;
};

void upload_cleanup(struct upload *u);

/* Keep a file for the actor (officer and above, unit in scope). */
int uploads_put(struct db *db, const struct actor *a, int64_t unit_id,
    const char *kind, const char *filename, const void *data, size_t size,
    char token[UPLOADS_TOKEN_LEN], struct kh_err *err);

/* The actor's own upload with this token (KH_E_NOT_FOUND otherwise). */
int uploads_get(struct db *db, const struct actor *a, const char *token,
    struct upload *out, struct kh_err *err);

#endif
