/*
 * udp.c — UDP input (RFC 768, RFC 1122 §4.1.3): length and checksum checks,
 * port demultiplexing, ICMP port unreachable for closed ports, and ICMP
 * errors about datagrams we sent. The user calls live in udp_pcb.c.
 */
#include "stack/transport/udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/pkb.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4.h"
#include "stack/transport/udp_hdr.h"
#include "stack/transport/udp_internal.h"

/* Multicast destinations (224.0.0.0/4) are treated like broadcast: never
 * answered with an ICMP error (RFC 1122 §3.2.2). */
static bool is_multicast(uint32_t addr) { return (addr >> 28) == 0xE; }

/* The best pcb for a datagram, the way Linux's compute_score() ranks them:
 * a pcb must match the destination port; a pcb bound to one address must
 * match the destination address, and a connected pcb must match the source.
 * Each exact match scores, so a pcb bound to 10.0.0.2 wins over one bound to
 * 0.0.0.0, and a connected pcb wins over both. */
struct udp_pcb *udp_demux(struct udp *udp, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
                          uint16_t dst_port)
{
#ifdef LAB4_SOLUTION
    struct udp_pcb *best = NULL;
    int best_score = -1;

    for (struct udp_pcb *pcb = udp->pcbs; pcb != NULL; pcb = pcb->next) {
        int score = 0;
        if (pcb->local_port != dst_port)
            continue;
        if (pcb->local_ip != 0) {
            if (pcb->local_ip != dst_ip)
                continue;
            score += 1;
        }
        if (pcb->remote_port != 0) {
            if (pcb->remote_ip != src_ip || pcb->remote_port != src_port)
                continue;
            score += 2;
        }
        if (score > best_score) {
            best = pcb;
            best_score = score;
        }
    }
    return best;
#else
    /* TODO(lab 4): udp_demux() — labs/lab4-udp/README.md, "Part A".
     * Walk udp->pcbs. A pcb must have local_port == dst_port; if it is
     * bound to an address, that address must be dst_ip (score +1); if it is
     * connected (remote_port != 0), the datagram must come from its remote
     * address and port (score +2). Return the best-scoring pcb, or NULL. */
    (void)udp;
    (void)src_ip;
    (void)src_port;
    (void)dst_ip;
    (void)dst_port;
    return NULL;   /* no socket ever receives anything */
#endif
}

/* No pcb on the port: RFC 1122 §4.1.3.1, "If a datagram arrives addressed
 * to a UDP port for which there is no pending LISTEN call, UDP SHOULD send
 * an ICMP Port Unreachable message" — but never about a broadcast or
 * multicast datagram (§3.2.2), which would make every host answer. */
static void udp_no_port(struct udp *udp, struct pkb *p, const struct ip4_rx_info *info,
                        const struct udp_hdr *h, usec_t now)
{
#ifdef LAB4_SOLUTION
    char src[16], dst[16];

    udp->stats.no_ports++;
    ip4_format_addr(info->src, src, sizeof src);
    ip4_format_addr(info->dst, dst, sizeof dst);
    if (info->dst_is_broadcast || is_multicast(info->dst)) {
        udp->stats.no_ports_bcast++;
        trace_note(udp->trace, now, udp->node, "udp", "no socket on %s.%u (broadcast): dropped",
                   dst, h->dst_port);
        return;
    }
    trace_note(udp->trace, now, udp->node, "udp", "no socket on %s.%u from %s.%u: port unreachable",
               dst, h->dst_port, src, h->src_port);
    if (udp->icmp != NULL)
        icmp_send_error(udp->icmp, p, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, now);
#else
    /* TODO(lab 4): udp_no_port() — labs/lab4-udp/README.md, "Part A".
     * Count no_ports. A datagram sent to a broadcast or multicast address
     * (is_multicast) is dropped silently (count no_ports_bcast); for any
     * other, send ICMP Destination Unreachable, code Port Unreachable
     * (icmp_send_error, when udp->icmp is set). The caller frees p. */
    (void)p;
    (void)info;
    (void)h;
    (void)now;
    (void)is_multicast;
    udp->stats.no_ports++;   /* silent: never an ICMP error */
#endif
}

/* ip4_input_fn: p's data is the UDP header, its length the IP payload's. */
static void udp_input(void *ctx, struct pkb *p, const struct ip4_rx_info *info, usec_t now)
{
    struct udp *udp = ctx;
    struct udp_hdr h;
    struct udp_pcb *pcb;
    size_t payload;
    int rc;

    rc = udp_hdr_parse(p->data, p->len, &h);
    if (rc == UDP_PARSE_TRUNCATED) {
        udp->stats.truncated++;
        goto drop;
    }
    if (rc == UDP_PARSE_BAD_LENGTH) {
        udp->stats.bad_length++;
        goto drop;
    }
    /* Bytes after Length (link-layer padding) are not part of the
     * datagram, and the checksum does not cover them. */
    pkb_trim(p, h.length);

    if (!udp_checksum_verify(info->src, info->dst, p->data, p->len)) {
        udp->stats.bad_checksum++;
        goto drop;
    }

    pcb = udp_demux(udp, info->src, h.src_port, info->dst, h.dst_port);
    if (pcb == NULL) {
        udp_no_port(udp, p, info, &h, now);
        goto drop;
    }

    /* The receive queue is bounded in bytes, so a fast sender cannot eat
     * the stack's memory: a datagram that does not fit is dropped and
     * counted (netstat's "receive buffer errors"). */
    payload = p->len - UDP_HDR_LEN;
    if (pcb->rcvq.bytes + payload > pcb->rcvbuf) {
        udp->stats.rcvbuf_errors++;
        goto drop;
    }

    p->transport_header = p->data;
    pkb_pull(p, UDP_HDR_LEN);
    pkb_queue_push(&pcb->rcvq, p);
    udp->stats.in_datagrams++;
    if (pcb->notify != NULL)
        pcb->notify(pcb->notify_ctx, pcb, now);
    return;

drop:
    pkb_free(p);
}

/* Linux's icmp_err_convert[] for Destination Unreachable, by code. */
static const struct {
    int err;
    bool hard;
} unreach_errors[] = {
    {ENETUNREACH, false},  /* 0 net unreachable */
    {EHOSTUNREACH, false}, /* 1 host unreachable */
    {ENOPROTOOPT, true},   /* 2 protocol unreachable */
    {ECONNREFUSED, true},  /* 3 port unreachable */
    {EMSGSIZE, false},     /* 4 fragmentation needed and DF set */
    {EOPNOTSUPP, false},   /* 5 source route failed */
    {ENETUNREACH, true},   /* 6 destination network unknown */
    {EHOSTDOWN, true},     /* 7 destination host unknown */
    {ENONET, true},        /* 8 source host isolated */
    {ENETUNREACH, true},   /* 9 network administratively prohibited */
    {EHOSTUNREACH, true},  /* 10 host administratively prohibited */
    {ENETUNREACH, false},  /* 11 network unreachable for TOS */
    {EHOSTUNREACH, false}, /* 12 host unreachable for TOS */
    {EHOSTUNREACH, true},  /* 13 communication administratively prohibited */
    {EHOSTUNREACH, true},  /* 14 host precedence violation */
    {EHOSTUNREACH, true},  /* 15 precedence cutoff in effect */
};

int udp_icmp_errno(uint8_t type, uint8_t code, bool *hard)
{
    bool is_hard = false;
    int err = 0;

    switch (type) {
    case ICMP_DEST_UNREACH:
        if (code < sizeof unreach_errors / sizeof unreach_errors[0]) {
            err = unreach_errors[code].err;
            is_hard = unreach_errors[code].hard;
        } else {
            err = EHOSTUNREACH;
        }
        break;
    case ICMP_TIME_EXCEEDED:
        err = EHOSTUNREACH;
        break;
    case ICMP_PARAM_PROBLEM:
        err = EPROTO;
        is_hard = true;
        break;
    default:
        break;
    }
    if (hard != NULL)
        *hard = is_hard;
    return err;
}

/* ip4_error_fn: an ICMP error quoting a datagram we sent. The quote is its
 * IP header and at least its 8-byte UDP header, enough to find the pcb. */
static void udp_error(void *ctx, uint8_t type, uint8_t code, const uint8_t *quoted,
                      size_t quoted_len, usec_t now)
{
    struct udp *udp = ctx;
    uint32_t src, dst;
    uint16_t sport, dport;
    size_t ihl;
    bool hard;
    int err;

    udp->stats.icmp_errors++;
    if (quoted_len < 20)
        return;
    ihl = (size_t)(quoted[0] & 0x0f) * 4;
    if (ihl < 20 || quoted_len < ihl + UDP_HDR_LEN)
        return;
    src = be32_read(quoted + 12);   /* us */
    dst = be32_read(quoted + 16);   /* the peer that did not want it */
    sport = be16_read(quoted + ihl + UDP_OFF_SRC_PORT);
    dport = be16_read(quoted + ihl + UDP_OFF_DST_PORT);

    err = udp_icmp_errno(type, code, &hard);
    if (err == 0 || !hard)
        return;
    /* Like Linux without IP_RECVERR: only a connected pcb hears about it,
     * because an unconnected one cannot tell which of its peers refused. */
    for (struct udp_pcb *pcb = udp->pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->local_port != sport || pcb->remote_port != dport || pcb->remote_ip != dst)
            continue;
        if (pcb->local_ip != 0 && pcb->local_ip != src)
            continue;
        pcb->pending_error = err;
        udp->stats.icmp_to_socket++;
        trace_note(udp->trace, now, udp->node, "udp", "port %u: ICMP type %u code %u -> %s",
                   sport, type, code, strerror(err));
        if (pcb->notify != NULL)
            pcb->notify(pcb->notify_ctx, pcb, now);
        return;
    }
}

struct udp *udp_new(struct ip4 *ip, struct icmp *icmp, struct rng *rng, struct trace *trace,
                    const char *node)
{
    struct udp *udp = calloc(1, sizeof *udp);

    if (udp == NULL)
        return NULL;
    udp->ip = ip;
    udp->icmp = icmp;
    udp->rng = rng;
    udp->trace = trace;
    snprintf(udp->node, sizeof udp->node, "%s", node != NULL ? node : "stack");
    if (ip4_register_protocol(ip, IP4_PROTO_UDP, udp_input, udp_error, udp) < 0) {
        free(udp);
        return NULL;
    }
    return udp;
}

void udp_free(struct udp *udp)
{
    if (udp == NULL)
        return;
    while (udp->pcbs != NULL)
        udp_pcb_free(udp->pcbs);
    free(udp);
}

const struct udp_stats *udp_get_stats(const struct udp *udp) { return &udp->stats; }

void udp_print_stats(const struct udp *udp, FILE *out)
{
    const struct udp_stats *s = &udp->stats;

    fprintf(out, "Udp:\n");
    fprintf(out, "    %llu packets received\n", (unsigned long long)s->in_datagrams);
    fprintf(out, "    %llu packets to unknown port received (%llu broadcast)\n",
            (unsigned long long)s->no_ports, (unsigned long long)s->no_ports_bcast);
    fprintf(out, "    %llu packet receive errors\n",
            (unsigned long long)(s->truncated + s->bad_length + s->bad_checksum +
                                 s->rcvbuf_errors));
    fprintf(out, "        %llu truncated, %llu bad length, %llu bad checksum\n",
            (unsigned long long)s->truncated, (unsigned long long)s->bad_length,
            (unsigned long long)s->bad_checksum);
    fprintf(out, "    %llu packets sent\n", (unsigned long long)s->out_datagrams);
    fprintf(out, "    %llu send errors\n", (unsigned long long)s->out_errors);
    fprintf(out, "    %llu receive buffer errors\n", (unsigned long long)s->rcvbuf_errors);
    fprintf(out, "    %llu ICMP errors received, %llu reported to sockets\n",
            (unsigned long long)s->icmp_errors, (unsigned long long)s->icmp_to_socket);
    fprintf(out, "    InCsumErrors: %llu\n", (unsigned long long)s->bad_checksum);
}

void udp_print_pcbs(const struct udp *udp, FILE *out)
{
    char lip[16], rip[16];

    fprintf(out, "%-7s %8s  %-21s %-21s\n", "State", "Recv-Q", "Local Address:Port",
            "Peer Address:Port");
    for (const struct udp_pcb *pcb = udp->pcbs; pcb != NULL; pcb = pcb->next) {
        char local[32], peer[32];
        ip4_format_addr(pcb->local_ip, lip, sizeof lip);
        snprintf(local, sizeof local, "%s:%u", lip, pcb->local_port);
        if (pcb->remote_port != 0) {
            ip4_format_addr(pcb->remote_ip, rip, sizeof rip);
            snprintf(peer, sizeof peer, "%s:%u", rip, pcb->remote_port);
        } else {
            snprintf(peer, sizeof peer, "*:*");
        }
        fprintf(out, "%-7s %8zu  %-21s %-21s\n", pcb->remote_port != 0 ? "ESTAB" : "UNCONN",
                pcb->rcvq.bytes, local, peer);
    }
}
