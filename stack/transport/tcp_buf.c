/*
 * tcp_buf.c — the byte ring. Copies wrap at the end of the storage in at
 * most two pieces.
 *
 * The storage starts small and doubles (up to the capacity) when a write
 * needs more: growing copies the bytes from head on into a new block, so
 * the ring starts again at index 0. What it copies is `extent` bytes: the
 * held ones and any out-of-order ones tcp_buf_write_at put beyond them.
 */
#include "stack/transport/tcp_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tcp_buf_init(struct tcp_buf *b, size_t cap)
{
    b->data = NULL;
    b->size = 0;
    b->cap = cap;
    b->head = 0;
    b->len = 0;
    b->extent = 0;
}

void tcp_buf_free(struct tcp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->size = 0;
    b->head = 0;
    b->len = 0;
    b->extent = 0;
}

int tcp_buf_set_cap(struct tcp_buf *b, size_t cap)
{
    if (b->len != 0)
        return -EBUSY;
    tcp_buf_free(b);
    b->cap = cap;
    return 0;
}

/* The index `off` bytes after head, come round to the start if past the end
 * (off <= size, so one subtraction does; a `%` would cost a division per
 * segment). */
static size_t index_after_head(const struct tcp_buf *b, size_t off)
{
    size_t pos = b->head + off;

    return pos < b->size ? pos : pos - b->size;
}

/* Copy n bytes from src into the ring at index pos, wrapping at the end. */
static void copy_in(struct tcp_buf *b, size_t pos, const void *src, size_t n)
{
    size_t first = b->size - pos < n ? b->size - pos : n;

    memcpy(b->data + pos, src, first);
    memcpy(b->data, (const uint8_t *)src + first, n - first);
}

/* Copy n bytes out of the ring from index pos, wrapping at the end. */
static void copy_out(const struct tcp_buf *b, size_t pos, void *dst, size_t n)
{
    size_t first = b->size - pos < n ? b->size - pos : n;

    memcpy(dst, b->data + pos, first);
    memcpy((uint8_t *)dst + first, b->data, n - first);
}

/* Grow the storage to hold at least `need` bytes from head on (need <=
 * cap). False when the allocation failed: the ring is then as it was. */
static bool grow(struct tcp_buf *b, size_t need)
{
    size_t size = b->size ? b->size : TCP_BUF_MIN;
    uint8_t *data;

    while (size < need)
        size = size > b->cap / 2 ? b->cap : 2 * size;
    if (size > b->cap)
        size = b->cap;   /* a capacity below TCP_BUF_MIN */
    data = malloc(size);
    if (!data)
        return false;
    if (b->extent > 0)
        copy_out(b, b->head, data, b->extent);
    free(b->data);
    b->data = data;
    b->size = size;
    b->head = 0;
    return true;
}

/* The common case, room already, costs one comparison. */
static bool reserve(struct tcp_buf *b, size_t need)
{
    return need <= b->size || grow(b, need);
}

size_t tcp_buf_write(struct tcp_buf *b, const void *src, size_t len)
{
    if (len > tcp_buf_space(b))
        len = tcp_buf_space(b);
    if (len == 0 || !reserve(b, b->len + len))
        return 0;
    copy_in(b, index_after_head(b, b->len), src, len);
    b->len += len;
    if (b->extent < b->len)
        b->extent = b->len;
    return len;
}

size_t tcp_buf_peek(const struct tcp_buf *b, size_t off, void *dst, size_t len)
{
    if (off >= b->len)
        return 0;
    if (len > b->len - off)
        len = b->len - off;
    if (len == 0)
        return 0;
    copy_out(b, index_after_head(b, off), dst, len);
    return len;
}

void tcp_buf_consume(struct tcp_buf *b, size_t n)
{
    if (n > b->len)
        n = b->len;
    b->len -= n;
    b->extent -= n;
    /* Empty with nothing beyond: start again at the front, in bytes the
     * cache still holds (a reader that keeps up never leaves the first few
     * KiB, and the storage never grows). Out-of-order bytes beyond the end
     * sit at positions relative to head + len: then head moves on, even
     * when the ring empties. */
    if (b->extent == 0)
        b->head = 0;
    else
        b->head = index_after_head(b, n);
}

size_t tcp_buf_write_at(struct tcp_buf *b, size_t gap, const void *src, size_t len)
{
    size_t space = tcp_buf_space(b);

    if (gap >= space)
        return 0;
    if (len > space - gap)
        len = space - gap;
    if (len == 0 || !reserve(b, b->len + gap + len))
        return 0;
    copy_in(b, index_after_head(b, b->len + gap), src, len);
    if (b->extent < b->len + gap + len)
        b->extent = b->len + gap + len;
    return len;
}

void tcp_buf_extend(struct tcp_buf *b, size_t n)
{
    if (n > tcp_buf_space(b))
        n = tcp_buf_space(b);
    b->len += n;
    if (b->extent < b->len)
        b->extent = b->len;
}

size_t tcp_buf_read(struct tcp_buf *b, void *dst, size_t len)
{
    size_t n = tcp_buf_peek(b, 0, dst, len);

    tcp_buf_consume(b, n);
    return n;
}
