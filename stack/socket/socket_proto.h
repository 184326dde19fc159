/*
 * socket_proto.h — what a transport protocol provides to the socket layer.
 *
 * The socket layer keeps a table of descriptors; each open descriptor points
 * at a protocol control block (`pcb`: a struct udp_pcb or a struct tcb) and
 * the ops of its protocol. socket_udp.c and socket_tcp.c implement these ops
 * by calling the transport's own user calls (RFC 9293 §3.10's OPEN, SEND,
 * RECEIVE, CLOSE, ABORT, STATUS for TCP), and pass readiness changes back
 * with sock_notify(). Every op returns a negative errno on failure, and a
 * missing op (NULL) means -EOPNOTSUPP.
 */
#ifndef TUNLAB_SOCKET_SOCKET_PROTO_H
#define TUNLAB_SOCKET_SOCKET_PROTO_H

#include "stack/socket/socket.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sock;   /* one descriptor's socket (socket.c) */

struct sock_proto_ops {
    int type;   /* SOCK_TYPE_STREAM or SOCK_TYPE_DGRAM */
    /* Create the pcb for a new socket s; store it with sock_set_pcb. */
    int (*create)(struct stack *st, struct sock *s);
    int (*bind)(struct stack *st, struct sock *s, const struct sock_addr *addr);
    int (*listen)(struct stack *st, struct sock *s, int backlog, usec_t now);
    /* Fill *child with a new, ready struct sock (the layer allocates it with
     * sock_new_child), or -EAGAIN. */
    int (*accept)(struct stack *st, struct sock *s, struct sock **child, struct sock_addr *peer,
                  usec_t now);
    int (*connect)(struct stack *st, struct sock *s, const struct sock_addr *addr, usec_t now);
    ssize_t (*sendto)(struct stack *st, struct sock *s, const void *buf, size_t len,
                      const struct sock_addr *to /* NULL: connected peer */, usec_t now);
    ssize_t (*recvfrom)(struct stack *st, struct sock *s, void *buf, size_t len,
                        struct sock_addr *from /* may be NULL */, usec_t now);
    int (*shutdown)(struct stack *st, struct sock *s, int how, usec_t now);
    /* Release the pcb (TCP may keep the connection alive to finish closing,
     * detached from the socket). */
    int (*close)(struct stack *st, struct sock *s, usec_t now);
    int (*setsockopt)(struct stack *st, struct sock *s, enum sock_option opt, int value,
                      usec_t now);
    int (*getsockopt)(struct stack *st, struct sock *s, enum sock_option opt, int *value);
    int (*getname)(struct stack *st, struct sock *s, struct sock_addr *local,
                   struct sock_addr *peer);
    /* Current SOCK_POLL* bits. */
    unsigned (*events)(struct stack *st, struct sock *s);
};

void *sock_pcb(const struct sock *s);
void sock_set_pcb(struct sock *s, void *pcb);
/* A new socket of the same protocol, for accept(); not yet in the table. */
struct sock *sock_new_child(struct stack *st, struct sock *parent, void *pcb);
/* The transport calls this when readiness may have changed (data arrived,
 * window opened, connection established or reset). */
void sock_notify(struct sock *s, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
