/*
 * udp_internal.h — the layout of UDP's state, shared by udp.c (input,
 * demultiplexing, ICMP errors) and udp_pcb.c (the user calls). Not for use
 * outside stack/transport: everyone else goes through udp.h.
 */
#ifndef TUNLAB_TRANSPORT_UDP_INTERNAL_H
#define TUNLAB_TRANSPORT_UDP_INTERNAL_H

#include "stack/core/pkb.h"
#include "stack/transport/udp.h"

#ifdef __cplusplus
extern "C" {
#endif

struct udp {
    struct ip4 *ip;
    struct icmp *icmp;          /* may be NULL: no port unreachable errors */
    struct rng *rng;
    struct trace *trace;
    char node[TRACE_NODE_LEN];
    struct udp_pcb *pcbs;       /* every open pcb, newest first */
    struct udp_stats stats;
};

struct udp_pcb {
    struct udp *udp;
    struct udp_pcb *next;

    /* The local end; local_port 0 = not bound yet. */
    uint32_t local_ip;          /* 0 = every local address */
    uint16_t local_port;
    /* The connected peer; remote_port 0 = not connected. */
    uint32_t remote_ip;
    uint16_t remote_port;

    /* Datagrams waiting for recvfrom. Each pkb's data is the payload;
     * p->network_header and p->transport_header still point at its IP and
     * UDP headers, which is where recvfrom reads the sender from (Linux's
     * ip_hdr(skb) / udp_hdr(skb)). */
    struct pkb_queue rcvq;
    size_t rcvbuf;              /* limit of rcvq.bytes */

    int pending_error;          /* positive errno from an ICMP error, or 0 */
    bool reuseaddr;
    bool shut_rd, shut_wr;

    udp_notify_fn notify;
    void *notify_ctx;
};

/* The pcb a datagram dst_ip:dst_port from src_ip:src_port belongs to, or
 * NULL (udp.c). */
struct udp_pcb *udp_demux(struct udp *udp, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
                          uint16_t dst_port);

#ifdef __cplusplus
}
#endif

#endif
