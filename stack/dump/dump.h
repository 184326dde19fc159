/*
 * dump.h — print packets and traces the way tcpdump does, so a student can
 * hold tunlab's trace next to `tcpdump -n -S` of the same exchange.
 *
 *   0.000000 client out IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, options [mss 1460], length 0
 *   0.000000 client state tcp 10.0.0.1:40000>10.0.0.2:80 CLOSED -> SYN_SENT
 *
 * Sequence numbers are absolute (tcpdump -S). The decoder reads only the
 * bytes the trace kept and says "[|tcp]" where a header was cut short, like
 * tcpdump; it never trusts a length field beyond the bytes it has.
 */
#ifndef TUNLAB_DUMP_DUMP_H
#define TUNLAB_DUMP_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decode one packet (an IP datagram or an Ethernet frame) into a single
 * line without a trailing newline. `wire_len` is the packet's real length,
 * `cap_len` how many bytes are at `bytes`. Returns the length written
 * (truncated to outlen - 1). */
size_t dump_packet(enum trace_link link, const uint8_t *bytes, size_t cap_len, size_t wire_len,
                   char *out, size_t outlen);

/* One trace event as one line (no newline). */
size_t dump_event(const struct trace_event *ev, char *out, size_t outlen);

/* Every event of a trace, one per line. */
void dump_trace(const struct trace *t, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
