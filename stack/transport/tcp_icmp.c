/*
 * tcp_icmp.c — ICMP errors about segments we sent (RFC 1122 §4.2.3.9,
 * RFC 5927).
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>

#include "stack/core/byteorder.h"
#include "stack/core/seq.h"

void tcp_icmp_error(void *ctx, uint8_t type, uint8_t code, const uint8_t *quoted,
                    size_t quoted_len, usec_t now)
{
    struct tcp *tcp = ctx;
    struct tcb *tcb;
    size_t ihl;
    const uint8_t *th;
    uint32_t seq;

    tcp->stats.icmp_errors++;
    if (quoted_len < 20)
        return;
    ihl = (size_t)(quoted[0] & 0x0f) * 4;
    if (ihl < 20 || quoted_len < ihl + 8)
        return;
    th = quoted + ihl;
    /* The quoted datagram is one we sent: its source is our end. */
    tcb = tcp_lookup(tcp, be32_read(quoted + 12), tcp_view_src_port(th),
                     be32_read(quoted + 16), tcp_view_dst_port(th));
    if (!tcb)
        return;
    /* RFC 5927 §4.1: believe only errors that quote a sequence number we
     * have sent and that is not yet acknowledged. */
    seq = tcp_view_seq(th);
    if (!seq_between(seq, tcb->snd_una, tcb->snd_max))
        return;
    if (type != 3)
        return;   /* only Destination Unreachable matters here */
    if (code == 2 || code == 3) {
        /* Protocol or port unreachable: hard errors ("SHOULD abort"); for a
         * connection being opened this is "connection refused". */
        if (tcb->state == TCP_SYN_SENT) {
            tcp_tcb_done(tcb, -ECONNREFUSED, now);
            return;
        }
    }
    /* Net and host unreachable (codes 0, 1, 5...) are soft errors that
     * routing may fix: remember them, report them if we time out. */
    if (code == 4)
        return;   /* fragmentation needed: path MTU discovery, a later issue */
    tcb->soft_error = code == 0 ? -ENETUNREACH : -EHOSTUNREACH;
}
