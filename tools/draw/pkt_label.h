/*
 * pkt_label.h — the label of a packet on a ladder diagram, in textbook form:
 *
 *   SYN seq=0 win=65535 mss=1460        SYN+ACK seq=0 ack=1 win=65535 mss=1460
 *   ACK ack=1                           seq=1:101 (100) ack=1
 *   FIN seq=101 ack=1                   ACK ack=102 win=400
 *   FIN seq=101 ack=1 (retx)            RST seq=1
 *   UDP 40000>7000 (15)                 ICMP echo request seq=1
 *   ARP who-has 10.0.0.2 tell 10.0.0.1  ARP 10.0.0.2 is-at 02:00:00:00:00:02
 *
 * Sequence numbers are relative to each side's initial sequence number
 * (its SYN's seq is 0, its first data byte 1), as textbooks, packetdrill and
 * Wireshark show them; an option gives the absolute ones (tcpdump -S). A side
 * whose SYN the trace does not hold gets base "first seq seen - 1", so its
 * data still starts at 1. The window is printed scaled (RFC 7323 §2.3, when
 * both SYNs carried the option) and, by default, only when it changes, so a
 * handshake reads cleanly and a flow-control exchange still shows every
 * window update.
 *
 * The context learns as it goes, so packets must be labelled in the order
 * they were sent.
 */
#ifndef TUNLAB_TOOLS_DRAW_PKT_LABEL_H
#define TUNLAB_TOOLS_DRAW_PKT_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/draw/pkt_info.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PKT_LABEL_LEN 96
#define PKT_LABEL_MAX_ENDPOINTS 64

enum label_window {
    LABEL_WIN_CHANGES,   /* default: when a side's window differs from its last one */
    LABEL_WIN_ALWAYS,
    LABEL_WIN_NEVER,
};

/* What the context knows about one TCP endpoint (address and port). */
struct label_endpoint {
    uint32_t ip;
    uint16_t port;
    bool isn_known;
    uint32_t isn;          /* base of relative numbers */
    int wscale;            /* from its SYN, -1 if none */
    bool win_known;
    uint32_t last_win;     /* scaled */
    bool high_known;
    uint32_t high;         /* one past the highest sequence number sent */
};

struct label_ctx {
    bool absolute;
    enum label_window window;
    size_t count;
    struct label_endpoint ends[PKT_LABEL_MAX_ENDPOINTS];
};

/* What the label says, for drawing choices (colors) and the plots. */
struct label_facts {
    bool retransmission;   /* occupies sequence space already sent */
    uint32_t rel_seq;      /* relative (or absolute) seq of a TCP segment */
    uint32_t rel_ack;
    uint32_t scaled_window;
};

void label_ctx_init(struct label_ctx *c, bool absolute, enum label_window window);

/* Write the label of one packet (decoded into `info`; `ev` is its event,
 * for the tcpdump fallback of undecoded packets). `facts` may be NULL. */
void pkt_label(struct label_ctx *c, const struct pkt_info *info, const struct trace_event *ev,
               char *out, size_t outlen, struct label_facts *facts);

/* The TCP segment's sequence-space length: data, plus one for SYN and FIN. */
uint32_t pkt_tcp_seg_len(const struct pkt_info *info);

#ifdef __cplusplus
}
#endif

#endif
