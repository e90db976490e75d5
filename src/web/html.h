/*
 * html.h - writing HTML safely. The short calls escape; raw output has the
 * longer, visible name html_raw. Never printf user data into markup.
 */
#ifndef KH_WEB_HTML_H
#define KH_WEB_HTML_H

#include <stdint.h>

#include "core/buf.h"

/* Literal markup written by code. */
void html_raw(struct buf *b, const char *s);
/* Text content: escapes & < > " '. NULL writes nothing. */
void html_text(struct buf *b, const char *s);
/* An attribute value (inside double quotes): same escaping as text. */
void html_attr(struct buf *b, const char *s);
/* A URL component (path segment or query value): percent-encoded. */
void html_url(struct buf *b, const char *s);
/* An integer as text, with '.' between thousands as written in Vietnam. */
void html_int(struct buf *b, int64_t v);

#endif
