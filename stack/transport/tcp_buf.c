/*
 * tcp_buf.c — the byte ring. Copies wrap at the end of the storage in at
 * most two pieces.
 */
#include "stack/transport/tcp_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tcp_buf_init(struct tcp_buf *b, size_t cap)
{
    b->data = NULL;
    b->cap = cap;
    b->head = 0;
    b->len = 0;
}

void tcp_buf_free(struct tcp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->head = 0;
    b->len = 0;
}

int tcp_buf_set_cap(struct tcp_buf *b, size_t cap)
{
    if (b->len != 0)
        return -EBUSY;
    free(b->data);
    b->data = NULL;
    b->head = 0;
    b->cap = cap;
    return 0;
}

size_t tcp_buf_write(struct tcp_buf *b, const void *src, size_t len)
{
    size_t tail, first;

    if (len > tcp_buf_space(b))
        len = tcp_buf_space(b);
    if (len == 0)
        return 0;
    if (!b->data) {
        b->data = malloc(b->cap);
        if (!b->data)
            return 0;
    }
    tail = (b->head + b->len) % b->cap;
    first = b->cap - tail < len ? b->cap - tail : len;
    memcpy(b->data + tail, src, first);
    memcpy(b->data, (const uint8_t *)src + first, len - first);
    b->len += len;
    return len;
}

size_t tcp_buf_peek(const struct tcp_buf *b, size_t off, void *dst, size_t len)
{
    size_t start, first;

    if (off >= b->len)
        return 0;
    if (len > b->len - off)
        len = b->len - off;
    if (len == 0)
        return 0;
    start = (b->head + off) % b->cap;
    first = b->cap - start < len ? b->cap - start : len;
    memcpy(dst, b->data + start, first);
    memcpy((uint8_t *)dst + first, b->data, len - first);
    return len;
}

void tcp_buf_consume(struct tcp_buf *b, size_t n)
{
    if (n > b->len)
        n = b->len;
    b->len -= n;
    /* head moves on even when the ring empties: out-of-order bytes may be
     * waiting beyond the end, at positions relative to head + len. */
    if (b->cap > 0)
        b->head = (b->head + n) % b->cap;
}

size_t tcp_buf_write_at(struct tcp_buf *b, size_t gap, const void *src, size_t len)
{
    size_t space = tcp_buf_space(b), pos, first;

    if (gap >= space)
        return 0;
    if (len > space - gap)
        len = space - gap;
    if (len == 0)
        return 0;
    if (!b->data) {
        b->data = malloc(b->cap);
        if (!b->data)
            return 0;
    }
    pos = (b->head + b->len + gap) % b->cap;
    first = b->cap - pos < len ? b->cap - pos : len;
    memcpy(b->data + pos, src, first);
    memcpy(b->data, (const uint8_t *)src + first, len - first);
    return len;
}

void tcp_buf_extend(struct tcp_buf *b, size_t n)
{
    if (n > tcp_buf_space(b))
        n = tcp_buf_space(b);
    b->len += n;
}

size_t tcp_buf_read(struct tcp_buf *b, void *dst, size_t len)
{
    size_t n = tcp_buf_peek(b, 0, dst, len);

    tcp_buf_consume(b, n);
    return n;
}
