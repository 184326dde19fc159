/*
 * tcp_buf.h — a byte ring: the storage behind a connection's send and
 * receive buffers.
 *
 *   send buffer:    [ sent, not yet acknowledged | not yet sent ]
 *                   ^ SND.UNA                    ^ SND.NXT        (data bytes)
 *   receive buffer: [ received in order, not yet read by the user ]
 *                   ^ next byte the user reads   ^ RCV.NXT
 *
 * The ring knows nothing about sequence numbers; the control block maps
 * them (tcb.h: snd_buf_seq). Storage is allocated on the first write, so
 * a connection that never carries data costs no buffer memory, and it
 * grows with what is held (doubling from TCP_BUF_MIN up to the capacity):
 * ten thousand connections that each received a few bytes hold a few
 * kilobytes each, not the 1 MiB their window allows.
 */
#ifndef TUNLAB_TRANSPORT_TCP_BUF_H
#define TUNLAB_TRANSPORT_TCP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first allocation: enough for a small request or reply. */
#define TCP_BUF_MIN 1024

struct tcp_buf {
    uint8_t *data;   /* NULL until the first write */
    size_t size;     /* bytes of storage: 0, then TCP_BUF_MIN doubled up to cap */
    size_t cap;      /* capacity: the most bytes the ring may hold */
    size_t head;     /* index of the oldest byte */
    size_t len;      /* bytes held */
    size_t extent;   /* bytes from head on that carry data: len, plus any
                        out-of-order bytes written beyond it (write_at) */
};

void tcp_buf_init(struct tcp_buf *b, size_t cap);
void tcp_buf_free(struct tcp_buf *b);
/* Change the capacity; only while empty. Returns 0 or -EBUSY. */
int tcp_buf_set_cap(struct tcp_buf *b, size_t cap);

static inline size_t tcp_buf_len(const struct tcp_buf *b) { return b->len; }
static inline size_t tcp_buf_space(const struct tcp_buf *b) { return b->cap - b->len; }

/* Append up to len bytes; returns how many fit (0 if the storage could not
 * be allocated or grown: the ring is then unchanged). */
size_t tcp_buf_write(struct tcp_buf *b, const void *src, size_t len);
/* Copy up to len bytes starting `off` bytes after the oldest, without
 * consuming them; returns how many were copied. */
size_t tcp_buf_peek(const struct tcp_buf *b, size_t off, void *dst, size_t len);
/* Drop the oldest n bytes (n <= len). */
void tcp_buf_consume(struct tcp_buf *b, size_t n);
/* peek(0) then consume. */
size_t tcp_buf_read(struct tcp_buf *b, void *dst, size_t len);

/* Out-of-order data (tcp_reass.c): write up to len bytes `gap` bytes after
 * the end of the held data, into the free space, without holding them yet.
 * Returns how many fit (0 if the storage could not grow). Held bytes do not
 * move when the user reads, and growing the storage carries the written
 * ones along, so they stay put until tcp_buf_extend holds them. */
size_t tcp_buf_write_at(struct tcp_buf *b, size_t gap, const void *src, size_t len);
/* Hold n more bytes after the end: ones tcp_buf_write_at put there. */
void tcp_buf_extend(struct tcp_buf *b, size_t n);

#ifdef __cplusplus
}
#endif

#endif
