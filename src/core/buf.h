/*
 * buf.h - growable byte buffers, allocation wrappers and a per-request arena.
 *
 * The x* wrappers never return NULL: running out of memory aborts, so callers
 * stay short. A struct buf always keeps its data NUL-terminated.
 */
#ifndef KH_CORE_BUF_H
#define KH_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct buf {
	char *data;	/* NUL-terminated contents, NULL until first append */
	size_t len;	/* bytes used, without the terminating NUL */
	size_t cap;	/* bytes allocated */
};

#define BUF_INIT {NULL, 0, 0}

void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Contents as a C string; "" for an empty buffer. Owned by b. */
const char *buf_str(const struct buf *b);
void buf_reset(struct buf *b);
/* Hand the contents to the caller (free with free()); b becomes empty. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

/*
 * Arena: many small allocations freed at once (one per request). Memory comes
 * from chained blocks; arena_free() releases everything and leaves the arena
 * empty and reusable.
 */
struct arena_block;
struct arena {
	struct arena_block *head;	/* newest block first */
};

#define ARENA_INIT {NULL}

void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
