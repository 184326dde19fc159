/*
 * tcp_table.h — how TCP finds its tcbs (tcp_table.c) without walking all
 * of them, so that opening the N-th connection costs the same as the first:
 *
 *   - connections with a remote end, by 4-tuple: a hash table that doubles
 *     as it fills, keyed with SipHash (a peer chooses its address and port,
 *     and must not be able to fill one bucket);
 *   - local ports in use, by port number: one tcp_port for each, listing
 *     the tcbs bound to it and, apart, those of them that listen. bind
 *     checks only the holders of its port, an ephemeral port is free when
 *     it has no entry, and a SYN finds its listener among the few on its
 *     port rather than among every connection.
 *
 * Private to stack/transport/tcp*.c; the functions are declared in
 * tcp_internal.h with the rest of tcp.c's table calls.
 */
#ifndef TUNLAB_TRANSPORT_TCP_TABLE_H
#define TUNLAB_TRANSPORT_TCP_TABLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tcb;

/* The first size of the 4-tuple table; it doubles when it holds more
 * connections than buckets. */
#define TCP_CONN_BUCKETS_MIN 256
/* Local ports are ours to choose (a peer cannot pick them), so their table
 * is keyed by the port number itself and does not grow: the whole
 * ephemeral range in use is a few entries per bucket. */
#define TCP_PORT_BUCKETS 1024

/* A local port that at least one tcb holds (tcb_bound). */
struct tcp_port {
    uint16_t port;
    struct tcb *holders;      /* every tcb bound to it (port_prev/port_next) */
    struct tcb *listeners;    /* those of them in LISTEN (listen_next) */
    struct tcp_port *next;    /* the bucket's chain */
};

struct tcp_table {
    struct tcb **conn;        /* 4-tuple buckets, chained through hash_next */
    unsigned conn_buckets;    /* a power of two */
    unsigned conn_count;      /* connections in it */
    struct tcb *last;         /* what the last lookup found, tried first: in a
                                 transfer, segment after segment is for the same
                                 connection (4.3BSD's tcp_last_inpcb) */
    struct tcp_port *port[TCP_PORT_BUCKETS];
};

#ifdef __cplusplus
}
#endif

#endif
