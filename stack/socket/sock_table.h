/*
 * sock_table.h — a stack's table of socket descriptors, and the protocols
 * that can be opened through it.
 *
 * The table maps a small integer (the descriptor an app holds) to a
 * struct sock, which ties the descriptor to its protocol's ops and control
 * block (socket_proto.h). Descriptors start at 3 and the lowest free one is
 * taken, as in a Unix process whose 0, 1 and 2 are stdin, stdout and stderr,
 * so a packetdrill script's `socket(...) = 3` reads the same here.
 *
 * Used by stack.c (new, free, add_proto) and by socket.c; apps use
 * socket.h.
 */
#ifndef TUNLAB_SOCKET_SOCK_TABLE_H
#define TUNLAB_SOCKET_SOCK_TABLE_H

#include <stddef.h>

#include "stack/socket/socket_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SOCK_TABLE_SIZE 1024   /* descriptors 0 .. 1023 (0..2 never used) */
#define SOCK_FIRST_FD 3
#define SOCK_MAX_PROTOS 4

struct sock_table;

/* A table for stack st with UDP registered (st->udp must exist by the time
 * a UDP socket is opened). NULL when out of memory. */
struct sock_table *sock_table_new(struct stack *st);

/* Free the table and every struct sock in it. Does not call the
 * protocols' close: each transport frees its own control blocks in
 * udp_free()/tcp_free(), so the order of sock_table_free and the transports'
 * free does not matter (neither calls into the other). */
void sock_table_free(struct sock_table *t);

/* Make a protocol available to socket_open(type == ops->type): stack.c
 * registers TCP's ops this way. -EEXIST if the type has ops already,
 * -ENOSPC if the list is full. */
int sock_table_add_proto(struct sock_table *t, const struct sock_proto_ops *ops);

/* Descriptors open now. */
size_t sock_table_count(const struct sock_table *t);

/* ---- for socket.c ---------------------------------------------------- */

/* One open socket. */
struct sock {
    struct stack *st;
    int fd;                               /* -1 until installed in the table */
    const struct sock_proto_ops *ops;
    void *pcb;                            /* the protocol's control block */
    sock_callback_fn callback;
    void *callback_ctx;
};

const struct sock_proto_ops *sock_table_proto(const struct sock_table *t, int type);
/* A new struct sock of protocol ops, not in the table. NULL: no memory. */
struct sock *sock_alloc(struct stack *st, const struct sock_proto_ops *ops, void *pcb);
/* Put s in the lowest free slot: returns its descriptor, or -EMFILE. */
int sock_table_install(struct sock_table *t, struct sock *s);
/* The socket behind fd, or NULL (a bad descriptor). */
struct sock *sock_table_lookup(const struct sock_table *t, int fd);
/* Take s out of the table and free it (the pcb is the protocol's). */
void sock_table_release(struct sock_table *t, struct sock *s);

#ifdef __cplusplus
}
#endif

#endif
