/*
 * tcp_isn.c — initial sequence numbers, RFC 6528.
 *
 *     ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * M is a timer that ticks every 4 microseconds (RFC 6528 §3, inherited from
 * RFC 793's ISN clock), so a new incarnation of the same 4-tuple starts
 * above the sequence numbers the old one used (about 1 GB in 71 minutes,
 * faster than any MSL). F is a keyed hash of the 4-tuple: an attacker who
 * sees the ISNs of its own connections learns nothing about the ISN of
 * someone else's, which is what defeats blind spoofing (RFC 6528 §1). We use
 * SipHash-2-4, as Linux does (secure_tcp_seq), keyed from the stack's seeded
 * rng — so a test that fixes the seed sees the same ISNs every run.
 */
#include "stack/transport/tcp_internal.h"

#include "stack/core/byteorder.h"
#include "stack/core/siphash.h"

uint32_t tcp_isn(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                 uint16_t rport, usec_t now)
{
    uint8_t tuple[12];
    uint32_t m = (uint32_t)(now / 4);   /* RFC 6528 §3: a 4-µs clock */
    uint32_t f;

    be32_write(tuple, lip);
    be16_write(tuple + 4, lport);
    be32_write(tuple + 6, rip);
    be16_write(tuple + 10, rport);
    f = (uint32_t)siphash(tuple, sizeof tuple, &tcp->isn_key);
    return m + f;
}

uint32_t tcp_isn_peek(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                      uint16_t rport, usec_t now)
{
    return tcp_isn(tcp, lip, lport, rip, rport, now);
}
