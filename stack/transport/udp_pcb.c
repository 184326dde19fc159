/*
 * udp_pcb.c — the user calls of UDP: bind (with ephemeral ports), connect,
 * sendto, recvfrom, shutdown and the options, on a protocol control block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/pkb.h"
#include "stack/net/ip4.h"
#include "stack/transport/udp.h"
#include "stack/transport/udp_hdr.h"
#include "stack/transport/udp_internal.h"

struct udp_pcb *udp_pcb_new(struct udp *udp)
{
    struct udp_pcb *pcb = calloc(1, sizeof *pcb);

    if (pcb == NULL)
        return NULL;
    pcb->udp = udp;
    pkb_queue_init(&pcb->rcvq);
    pcb->rcvbuf = UDP_DEFAULT_RCVBUF;
    pcb->next = udp->pcbs;
    udp->pcbs = pcb;
    return pcb;
}

void udp_pcb_free(struct udp_pcb *pcb)
{
    struct udp_pcb **link;

    if (pcb == NULL)
        return;
    for (link = &pcb->udp->pcbs; *link != NULL; link = &(*link)->next) {
        if (*link == pcb) {
            *link = pcb->next;
            break;
        }
    }
    pkb_queue_purge(&pcb->rcvq);
    free(pcb);
}

void udp_pcb_set_notify(struct udp_pcb *pcb, udp_notify_fn fn, void *ctx)
{
    pcb->notify = fn;
    pcb->notify_ctx = ctx;
}

/* Would binding `self` to ip:port collide with another pcb? Two pcbs
 * collide on the same port when their addresses overlap (equal, or either is
 * the wildcard 0.0.0.0), unless both asked for reuseaddr. */
static bool port_taken(const struct udp *udp, const struct udp_pcb *self, uint32_t ip,
                       uint16_t port)
{
    for (const struct udp_pcb *o = udp->pcbs; o != NULL; o = o->next) {
        if (o == self || o->local_port != port)
            continue;
        if (o->local_ip != 0 && ip != 0 && o->local_ip != ip)
            continue;
        if (self->reuseaddr && o->reuseaddr)
            continue;
        return true;
    }
    return false;
}

/* Pick a free ephemeral port: start at a random point of the range (so a
 * peer cannot guess the next port, RFC 6056 §3.3.1's "simple port
 * randomization") and walk it, skipping ports in use. Returns 0 if the
 * whole range is taken. */
static uint16_t ephemeral_port(struct udp *udp, const struct udp_pcb *self, uint32_t ip)
{
    const uint32_t range = UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST + 1;
    uint32_t offset = rng_below(udp->rng, range);

    for (uint32_t i = 0; i < range; i++) {
        uint16_t port = (uint16_t)(UDP_EPHEMERAL_FIRST + (offset + i) % range);
        if (!port_taken(udp, self, ip, port))
            return port;
    }
    return 0;
}

int udp_pcb_bind(struct udp_pcb *pcb, uint32_t ip, uint16_t port)
{
    if (pcb->local_port != 0)
        return -EINVAL;
    if (ip != 0 && !ip4_is_local(pcb->udp->ip, ip))
        return -EADDRNOTAVAIL;
    if (port == 0) {
        port = ephemeral_port(pcb->udp, pcb, ip);
        if (port == 0)
            return -EADDRINUSE;
    } else if (port_taken(pcb->udp, pcb, ip, port)) {
        return -EADDRINUSE;
    }
    pcb->local_ip = ip;
    pcb->local_port = port;
    return 0;
}

int udp_pcb_connect(struct udp_pcb *pcb, uint32_t ip, uint16_t port)
{
    uint32_t src;
    int rc;

    if (port == 0 || ip == 0)
        return -EINVAL;
    src = pcb->local_ip != 0 ? pcb->local_ip : ip4_source_for(pcb->udp->ip, ip);
    if (src == 0)
        return -ENETUNREACH;
    if (pcb->local_port == 0) {
        rc = udp_pcb_bind(pcb, 0, 0);
        if (rc < 0)
            return rc;
    }
    /* Linux's ip4_datagram_connect() fixes the source address too, so that
     * getsockname() shows it and replies must come to that address. */
    pcb->local_ip = src;
    pcb->remote_ip = ip;
    pcb->remote_port = port;
    return 0;
}

ssize_t udp_pcb_sendto(struct udp_pcb *pcb, const void *buf, size_t len, uint32_t ip,
                       uint16_t port, usec_t now)
{
    struct udp *udp = pcb->udp;
    struct udp_hdr h;
    struct pkb *p;
    uint8_t *hdr;
    uint32_t src;
    int rc;

    /* An error an ICMP message left behind is reported by the next call,
     * as Linux does (sock_error()). */
    if (pcb->pending_error != 0)
        return udp_pcb_take_error(pcb);
    if (pcb->shut_wr)
        return -EPIPE;
    if (len > UDP_MAX_PAYLOAD)
        return -EMSGSIZE;
    if (ip == 0 || port == 0)
        return -EDESTADDRREQ;
    if (pcb->local_port == 0) {
        rc = udp_pcb_bind(pcb, 0, 0);
        if (rc < 0)
            return rc;
    }
    src = pcb->local_ip != 0 ? pcb->local_ip : ip4_source_for(udp->ip, ip);
    if (src == 0) {
        udp->stats.out_errors++;
        return -ENETUNREACH;
    }

    p = pkb_alloc(PKB_DEFAULT_HEADROOM, UDP_HDR_LEN + len);
    if (p == NULL) {
        udp->stats.out_errors++;
        return -ENOBUFS;
    }
    hdr = pkb_put(p, UDP_HDR_LEN + len);
    h.src_port = pcb->local_port;
    h.dst_port = port;
    h.length = (uint16_t)(UDP_HDR_LEN + len);
    h.checksum = 0;
    udp_hdr_emit(&h, hdr);
    if (len > 0)
        memcpy(hdr + UDP_HDR_LEN, buf, len);
    be16_write(hdr + UDP_OFF_CHECKSUM, udp_checksum_compute(src, ip, hdr, UDP_HDR_LEN + len));

    rc = ip4_output(udp->ip, p, src, ip, IP4_PROTO_UDP, now);
    if (rc < 0) {
        udp->stats.out_errors++;
        return rc;
    }
    udp->stats.out_datagrams++;
    return (ssize_t)len;
}

ssize_t udp_pcb_send(struct udp_pcb *pcb, const void *buf, size_t len, usec_t now)
{
    if (pcb->remote_port == 0)
        return -EDESTADDRREQ;
    return udp_pcb_sendto(pcb, buf, len, pcb->remote_ip, pcb->remote_port, now);
}

ssize_t udp_pcb_recvfrom(struct udp_pcb *pcb, void *buf, size_t len, uint32_t *ip,
                         uint16_t *port)
{
    struct pkb *p;
    size_t n;

    if (pcb->pending_error != 0)
        return udp_pcb_take_error(pcb);
    p = pkb_queue_pop(&pcb->rcvq);
    if (p == NULL)
        return pcb->shut_rd ? 0 : -EAGAIN;
    /* The sender, read from the headers still in the buffer. */
    if (ip != NULL)
        *ip = p->network_header != NULL ? be32_read(p->network_header + 12) : 0;
    if (port != NULL)
        *port = be16_read(p->transport_header + UDP_OFF_SRC_PORT);
    n = p->len < len ? p->len : len;
    if (n > 0)
        memcpy(buf, p->data, n);
    pkb_free(p);
    return (ssize_t)n;
}

int udp_pcb_shutdown(struct udp_pcb *pcb, bool rd, bool wr)
{
    if (pcb->remote_port == 0)
        return -ENOTCONN;
    pcb->shut_rd = pcb->shut_rd || rd;
    pcb->shut_wr = pcb->shut_wr || wr;
    return 0;
}

void udp_pcb_set_reuseaddr(struct udp_pcb *pcb, bool on) { pcb->reuseaddr = on; }
bool udp_pcb_reuseaddr(const struct udp_pcb *pcb) { return pcb->reuseaddr; }

int udp_pcb_set_rcvbuf(struct udp_pcb *pcb, size_t bytes)
{
    if (bytes == 0)
        return -EINVAL;
    /* Clamped, not refused, as Linux does with rmem_max: a program asking
     * for "as much as possible" gets the most there is. */
    if (bytes > UDP_MAX_RCVBUF)
        bytes = UDP_MAX_RCVBUF;
    pcb->rcvbuf = bytes;
    return 0;
}

size_t udp_pcb_rcvbuf(const struct udp_pcb *pcb) { return pcb->rcvbuf; }

bool udp_pcb_readable(const struct udp_pcb *pcb) { return pcb->rcvq.count > 0 || pcb->shut_rd; }
bool udp_pcb_writable(const struct udp_pcb *pcb) { return !pcb->shut_wr; }
int udp_pcb_error(const struct udp_pcb *pcb) { return -pcb->pending_error; }

int udp_pcb_take_error(struct udp_pcb *pcb)
{
    int err = pcb->pending_error;
    pcb->pending_error = 0;
    return -err;
}

size_t udp_pcb_queued_bytes(const struct udp_pcb *pcb) { return pcb->rcvq.bytes; }
size_t udp_pcb_queued_datagrams(const struct udp_pcb *pcb) { return pcb->rcvq.count; }

void udp_pcb_local(const struct udp_pcb *pcb, uint32_t *ip, uint16_t *port)
{
    if (ip != NULL)
        *ip = pcb->local_ip;
    if (port != NULL)
        *port = pcb->local_port;
}

bool udp_pcb_remote(const struct udp_pcb *pcb, uint32_t *ip, uint16_t *port)
{
    bool connected = pcb->remote_port != 0;
    if (ip != NULL)
        *ip = connected ? pcb->remote_ip : 0;
    if (port != NULL)
        *port = connected ? pcb->remote_port : 0;
    return connected;
}
