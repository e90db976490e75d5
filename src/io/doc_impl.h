/*
 * doc_impl.h - what doc.c, doc_pdf.c and doc_xlsx.c share, private to them.
 */
#ifndef KH_IO_DOC_IMPL_H
#define KH_IO_DOC_IMPL_H

#include "core/err.h"

/*
 * Documents are written to a temporary file next to path and renamed over it
 * only when complete, so a reader never sees half a file and a failure leaves
 * no debris. doc_tmp_create() makes the empty file (mode 0600: the lists carry
 * personal data) and returns its malloc'd name, or NULL with KH_E_IO in err.
 */
char *doc_tmp_create(const char *path, struct kh_err *err);

/* Rename tmp to path (0, or KH_E_IO) and free tmp; on failure tmp is removed. */
int doc_tmp_publish(char *tmp, const char *path, struct kh_err *err);

/* Remove tmp and free its name; NULL is a no-op. */
void doc_tmp_discard(char *tmp);

/*
 * Check that s is NULL or valid UTF-8: 0, or KH_E_INVALID naming field, so a
 * broken string is refused instead of reaching pango or the .xlsx file.
 */
int doc_check_text(const char *s, const char *field, struct kh_err *err);

#endif
