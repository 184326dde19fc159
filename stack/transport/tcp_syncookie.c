/*
 * tcp_syncookie.c — SYN cookies (RFC 4987 §3.6), the defence against the
 * seed's SYN flood (三次握手的隐患).
 *
 * The attack: spoofed SYNs each make the listener keep a half-open
 * connection and retransmit a SYN+ACK that nobody answers, until the
 * bounded SYN cache (max_syn_backlog) is full and real clients' SYNs are
 * dropped. The defence: when the cache is full, keep no state at all.
 * Everything the server must remember about the handshake is encoded in
 * its own ISS, which the client echoes back as ACK-1 in the final ACK:
 *
 *   bit 31 ........ 27 26 25 24 ............................... 0
 *   | counter mod 32  | MSS |      hash (25 bits, SipHash-2-4)    |
 *
 *   counter  now / 64 s: a cookie older than TCP_COOKIE_MAX_AGE slots is
 *            refused, so a captured cookie cannot be replayed for long;
 *   MSS      an index into tcp_cookie_mss[] — the largest entry not above
 *            the peer's MSS option (its table, like Linux's msstab, holds
 *            the values real peers send, so little is lost);
 *   hash     SipHash of the 4-tuple, the full counter, the MSS index and
 *            the peer's ISN, keyed by a secret drawn from the stack's rng:
 *            an attacker who cannot see our SYN+ACK cannot forge it.
 *
 * What a cookie cannot carry (RFC 4987 §3.6's "disadvantages"): window
 * scaling and SACK, which would need the peer's options. tunlab has no
 * TCP timestamps to hide them in (Linux does), so a connection made from a
 * cookie runs without window scaling (our SYN+ACK does not offer it, so
 * the peer does not scale either) and with an MSS from the table.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>
#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/seq.h"

const uint16_t tcp_cookie_mss[TCP_COOKIE_MSS_COUNT] = {536, 1300, 1440, 1460};

#define COOKIE_SLOT_SHIFT 27          /* counter: bits 31..27 */
#define COOKIE_MSS_SHIFT 25           /* MSS index: bits 26..25 */
#define COOKIE_HASH_MASK 0x01FFFFFFu  /* hash: bits 24..0 */

uint32_t tcp_cookie_counter(usec_t now)
{
    return (uint32_t)(now / TCP_COOKIE_SLOT);
}

static void ensure_key(struct tcp *tcp)
{
    uint8_t b[16];

    if (tcp->cookie_keyed)
        return;
    for (int i = 0; i < 16; i += 8) {
        uint64_t r = rng_u64(tcp->rng);
        memcpy(b + i, &r, 8);
    }
    tcp->cookie_key = siphash_key_from_bytes(b);
    tcp->cookie_keyed = true;
}

static uint32_t cookie_hash(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                            uint16_t rport, uint32_t counter, unsigned mss_idx,
                            uint32_t peer_isn)
{
    uint8_t b[24];

    ensure_key(tcp);
    be32_write(b, lip);
    be16_write(b + 4, lport);
    be32_write(b + 6, rip);
    be16_write(b + 10, rport);
    be32_write(b + 12, counter);
    be32_write(b + 16, peer_isn);
    be32_write(b + 20, mss_idx);
    return (uint32_t)siphash(b, sizeof b, &tcp->cookie_key) & COOKIE_HASH_MASK;
}

unsigned tcp_cookie_mss_index(uint16_t peer_mss)
{
    unsigned idx = 0;

    for (unsigned i = 0; i < TCP_COOKIE_MSS_COUNT; i++)
        if (tcp_cookie_mss[i] <= peer_mss)
            idx = i;
    return idx;
}

uint32_t tcp_cookie_make(struct tcp *tcp, const struct tcp_seg *seg, unsigned mss_idx,
                         usec_t now)
{
    uint32_t counter = tcp_cookie_counter(now);
    uint32_t hash = cookie_hash(tcp, seg->dst_ip, seg->h.dst_port, seg->src_ip,
                                seg->h.src_port, counter, mss_idx, seg->h.seq);

    return (counter << COOKIE_SLOT_SHIFT) | ((uint32_t)mss_idx << COOKIE_MSS_SHIFT) | hash;
}

int tcp_cookie_check(struct tcp *tcp, const struct tcp_seg *seg, usec_t now)
{
    uint32_t cookie = seg->h.ack - 1;          /* our ISS, echoed */
    uint32_t peer_isn = seg->h.seq - 1;        /* the final ACK follows the SYN */
    uint32_t now_counter = tcp_cookie_counter(now);
    uint32_t age = (now_counter - (cookie >> COOKIE_SLOT_SHIFT)) & 31u;
    unsigned mss_idx = (cookie >> COOKIE_MSS_SHIFT) & 3u;
    uint32_t counter = now_counter - age;

    if (age > TCP_COOKIE_MAX_AGE)
        return -ETIMEDOUT;   /* older than the slots we accept (or from the future) */
    if (cookie_hash(tcp, seg->dst_ip, seg->h.dst_port, seg->src_ip, seg->h.src_port, counter,
                    mss_idx, peer_isn) != (cookie & COOKIE_HASH_MASK))
        return -EINVAL;
    return (int)mss_idx;
}

int tcp_cookie_send_synack(struct tcp *tcp, const struct tcb *listener,
                           const struct tcp_seg *seg, uint32_t iss, usec_t now)
{
    size_t wnd = listener->rcvbuf.cap;
    struct tcp_no_tcb_segment s = {
        .local_ip = seg->dst_ip,
        .remote_ip = seg->src_ip,
        .local_port = seg->h.dst_port,
        .remote_port = seg->h.src_port,
        .seq = iss,
        .ack = seg->h.seq + 1,
        .flags = TCP_FLAG_SYN | TCP_FLAG_ACK,
        .window = (uint16_t)(wnd > 65535 ? 65535 : wnd),   /* unscaled: no wscale offered */
        .mss = tcp_mss_for(tcp, seg->src_ip),
        .wscale = -1,
    };

    return tcp_send_no_tcb(tcp, &s, false, now);
}
