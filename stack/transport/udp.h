/*
 * udp.h — UDP (RFC 768) for one stack instance: datagram input with
 * checksum and port demultiplexing, output, ICMP port unreachable for closed
 * ports, and the protocol control blocks (pcbs) that sockets sit on.
 *
 * What UDP adds to IP is small, and all of it is here:
 *   - ports, so that several applications share one address;
 *   - a checksum over the data and a pseudo-header (udp_hdr.h);
 *   - message boundaries: one send is one datagram is one receive, which is
 *     why UDP never "sticks packets together" the way a TCP byte stream can.
 * What it does not add — no sequence numbers, no acknowledgements, no
 * retransmission, no congestion control — is why datagrams may be lost,
 * duplicated or reordered, and why UDP is fast (apps/rudp builds the
 * missing reliability on top).
 *
 * A pcb is owned by UDP: udp_free() frees every pcb that is still open. The
 * socket layer (stack/socket/socket_udp.c) adapts the pcb calls to the
 * socket API; UDP never includes a socket header.
 */
#ifndef TUNLAB_TRANSPORT_UDP_H
#define TUNLAB_TRANSPORT_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "stack/core/clock.h"
#include "stack/core/rng.h"
#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ip4;
struct icmp;
struct udp;
struct udp_pcb;

/* The ephemeral port range (RFC 6335 §6, the IANA dynamic ports). */
#define UDP_EPHEMERAL_FIRST 49152
#define UDP_EPHEMERAL_LAST 65535

/* Default receive queue limit of a pcb, in payload bytes. */
#define UDP_DEFAULT_RCVBUF (64 * 1024)
/* The largest receive queue limit a pcb may have: larger requests are
 * clamped to it, as Linux clamps SO_RCVBUF to net.core.rmem_max. 8 MiB
 * holds a full window of the largest RUDP receiver (4096 packets). */
#define UDP_MAX_RCVBUF (8 * 1024 * 1024)

/* Counters, printed like the Udp: section of `netstat -s`. */
struct udp_stats {
    uint64_t in_datagrams;     /* delivered to a pcb's receive queue */
    uint64_t no_ports;         /* no pcb on the destination port */
    uint64_t no_ports_bcast;   /*   ... of which broadcast (no ICMP error sent) */
    uint64_t truncated;        /* shorter than the 8-byte header */
    uint64_t bad_length;       /* Length field < 8 or beyond the IP payload */
    uint64_t bad_checksum;     /* InCsumErrors */
    uint64_t rcvbuf_errors;    /* receive queue full: datagram dropped */
    uint64_t out_datagrams;    /* handed to IPv4 */
    uint64_t out_errors;       /* IPv4 refused them (no route, no buffers) */
    uint64_t icmp_errors;      /* ICMP errors about datagrams we sent */
    uint64_t icmp_to_socket;   /*   ... turned into a pcb's pending error */
};

/* Create UDP on the IPv4 layer `ip` and register it for protocol 17.
 * `icmp` sends port unreachable errors (may be NULL: then none are sent);
 * `rng` chooses ephemeral ports; `trace` (may be NULL) and `node` name the
 * trace events. Returns NULL when out of memory or when the protocol could
 * not be registered. */
struct udp *udp_new(struct ip4 *ip, struct icmp *icmp, struct rng *rng, struct trace *trace,
                    const char *node);
/* Frees every pcb still open and UDP itself. */
void udp_free(struct udp *udp);

const struct udp_stats *udp_get_stats(const struct udp *udp);
void udp_print_stats(const struct udp *udp, FILE *out);
/* Print the open pcbs like `ss -uan`. */
void udp_print_pcbs(const struct udp *udp, FILE *out);

/* ---- Protocol control blocks: the user calls of UDP ------------------ */

/* Called when a datagram was queued or an error became pending. Runs inside
 * UDP input: it must not call back into the stack (queue the work). */
typedef void (*udp_notify_fn)(void *ctx, struct udp_pcb *pcb, usec_t now);

/* A new, unbound pcb. NULL when out of memory. */
struct udp_pcb *udp_pcb_new(struct udp *udp);
/* Close: unhook from the demux table, drop queued datagrams, free. */
void udp_pcb_free(struct udp_pcb *pcb);

void udp_pcb_set_notify(struct udp_pcb *pcb, udp_notify_fn fn, void *ctx);

/* Bind to ip:port (host order; ip 0 = every local address, port 0 = an
 * ephemeral port). -EINVAL if already bound, -EADDRNOTAVAIL if ip is not
 * ours, -EADDRINUSE if another pcb holds the port on an overlapping address
 * (unless both set reuseaddr). */
int udp_pcb_bind(struct udp_pcb *pcb, uint32_t ip, uint16_t port);

/* Fix the default peer. Binds an ephemeral port if unbound and fixes the
 * local address to the route's source, as Linux does. Only datagrams from
 * the peer are received afterwards. -EINVAL for port 0, -ENETUNREACH when
 * there is no route. */
int udp_pcb_connect(struct udp_pcb *pcb, uint32_t ip, uint16_t port);

/* Send one datagram of len bytes to ip:port (udp_pcb_send: to the connected
 * peer). Binds an ephemeral port if unbound. Returns len, or a negative
 * errno: the pending error (-ECONNREFUSED after a port unreachable, cleared
 * by reporting it), -EDESTADDRREQ (not connected), -EMSGSIZE (len >
 * UDP_MAX_PAYLOAD), -EPIPE (shut down for writing), -ENOBUFS, or IPv4's
 * error (-ENETUNREACH). */
ssize_t udp_pcb_sendto(struct udp_pcb *pcb, const void *buf, size_t len, uint32_t ip,
                       uint16_t port, usec_t now);
ssize_t udp_pcb_send(struct udp_pcb *pcb, const void *buf, size_t len, usec_t now);

/* Take the oldest queued datagram: copy up to len bytes (the rest of a
 * longer datagram is discarded, as recvfrom(2) does) and return how many
 * were copied; fill *ip and *port with the sender (either may be NULL).
 * Returns the pending error first if there is one, 0 when shut down for
 * reading and empty, -EAGAIN when nothing is queued. */
ssize_t udp_pcb_recvfrom(struct udp_pcb *pcb, void *buf, size_t len, uint32_t *ip,
                         uint16_t *port);

/* shutdown(2) for a connected pcb: reading ends (recv returns 0 once the
 * queue is empty) and/or writing ends (send returns -EPIPE). -ENOTCONN when
 * not connected. */
int udp_pcb_shutdown(struct udp_pcb *pcb, bool rd, bool wr);

/* Options. */
void udp_pcb_set_reuseaddr(struct udp_pcb *pcb, bool on);
bool udp_pcb_reuseaddr(const struct udp_pcb *pcb);
/* Receive queue limit in payload bytes: 0 is -EINVAL; more than
 * UDP_MAX_RCVBUF is clamped to it (udp_pcb_rcvbuf then says what was
 * set). */
int udp_pcb_set_rcvbuf(struct udp_pcb *pcb, size_t bytes);
size_t udp_pcb_rcvbuf(const struct udp_pcb *pcb);

/* State for poll and getsockname/getpeername. */
bool udp_pcb_readable(const struct udp_pcb *pcb);      /* a datagram or EOF waits */
bool udp_pcb_writable(const struct udp_pcb *pcb);      /* not shut down for writing */
int udp_pcb_error(const struct udp_pcb *pcb);          /* pending error (negative) or 0 */
int udp_pcb_take_error(struct udp_pcb *pcb);           /* same, and clears it (SO_ERROR) */
size_t udp_pcb_queued_bytes(const struct udp_pcb *pcb);
size_t udp_pcb_queued_datagrams(const struct udp_pcb *pcb);
void udp_pcb_local(const struct udp_pcb *pcb, uint32_t *ip, uint16_t *port);
/* Returns false (and zeros) when not connected. */
bool udp_pcb_remote(const struct udp_pcb *pcb, uint32_t *ip, uint16_t *port);

/* Map an ICMP error about a datagram to the errno a UDP socket reports
 * (Linux's icmp_err_convert table): destination unreachable code 3 (port)
 * is ECONNREFUSED, code 0 ENETUNREACH, code 1 EHOSTUNREACH, ...; time
 * exceeded EHOSTUNREACH; parameter problem EPROTO. *hard (may be NULL) says
 * whether the error is "hard" — only hard errors become a connected pcb's
 * pending error, as in Linux's udp_err(); soft ones (net/host unreachable,
 * which routing may yet fix) are counted and ignored. Returns a positive
 * errno, or 0 for messages that are not errors (source quench, redirect). */
int udp_icmp_errno(uint8_t type, uint8_t code, bool *hard);

#ifdef __cplusplus
}
#endif

#endif
