/*
 * dump_buf.h — an append-only text buffer for the decoders in dump.c: every
 * append is bounded by the buffer's size, so a hostile packet can make a line
 * short but never overflow it.
 */
#ifndef TUNLAB_DUMP_DUMP_BUF_H
#define TUNLAB_DUMP_DUMP_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct dump_buf {
    char *out;
    size_t size;   /* bytes at out, including room for the final NUL */
    size_t len;    /* characters written so far (never more than size - 1) */
};

static inline void dump_buf_init(struct dump_buf *b, char *out, size_t size)
{
    b->out = out;
    b->size = size;
    b->len = 0;
    if (size > 0)
        out[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static inline void dump_buf_add(struct dump_buf *b,
                                                                      const char *fmt, ...)
{
    if (b->size == 0 || b->len + 1 >= b->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->out + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    b->len += (size_t)n;
    if (b->len > b->size - 1)
        b->len = b->size - 1;
}

#endif
