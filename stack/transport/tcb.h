/*
 * tcb.h — the Transmission Control Block: everything TCP remembers about
 * one connection (RFC 9293 §3.3.1), with the RFC's names.
 *
 *   Send Sequence Space (RFC 9293 Figure 3)
 *
 *                1         2          3          4
 *           ----------|----------|----------|----------
 *                  SND.UNA    SND.NXT    SND.UNA
 *                                       +SND.WND
 *
 *     1 - old sequence numbers that have been acknowledged
 *     2 - sequence numbers of unacknowledged data
 *     3 - sequence numbers allowed for new data transmission
 *     4 - future sequence numbers that are not yet allowed
 *
 *   Receive Sequence Space (RFC 9293 Figure 4)
 *
 *                    1          2          3
 *                ----------|----------|----------
 *                       RCV.NXT    RCV.NXT
 *                                 +RCV.WND
 *
 *     1 - old sequence numbers that have been acknowledged
 *     2 - sequence numbers allowed for new reception
 *     3 - future sequence numbers that are not yet allowed
 *
 * One addition to the RFC's variables, from BSD: snd_max, the highest
 * sequence number sent so far. After a retransmission timeout snd_nxt goes
 * back to snd_una (go back N) while snd_max remembers how far we had got; the
 * RFC's "SEG.ACK =< SND.NXT" acceptability tests use snd_max.
 *
 * A tcb is private to TCP's sources (the user holds an opaque pointer).
 */
#ifndef TUNLAB_TRANSPORT_TCB_H
#define TUNLAB_TRANSPORT_TCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_buf.h"
#include "stack/transport/tcp_reass.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A FIFO of tcbs linked through queue_next: a listener's two queues. */
struct tcp_cong_ops;
struct tcp_syncache;
struct tcp_port;

struct tcb_queue {
    struct tcb *head, *tail;
    unsigned count;
};

struct tcb {
    struct tcp *tcp;
    int state;                  /* enum tcp_state */

    /* The connection's identity: the 4-tuple (host order). */
    uint32_t local_ip, remote_ip;
    uint16_t local_port, remote_port;
    char subject[TRACE_SUBJECT_LEN];   /* "tcp 10.0.0.1:49152>10.0.0.2:7" */

    /* Send sequence variables (RFC 9293 §3.3.1). */
    uint32_t iss;               /* initial send sequence number */
    uint32_t snd_una;           /* oldest unacknowledged sequence number */
    uint32_t snd_nxt;           /* next sequence number to send */
    uint32_t snd_max;           /* highest sequence number sent + 1 (BSD) */
    uint32_t snd_wnd;           /* send window: the peer's advertised window */
    uint32_t snd_wl1;           /* segment sequence number used for last window update */
    uint32_t snd_wl2;           /* segment acknowledgment number used for last window update */
    uint32_t max_snd_wnd;       /* largest window the peer has offered (RFC 5961 §5.2) */
    uint16_t snd_mss;           /* largest segment we send: min(peer's MSS, ours) */
    uint8_t snd_wscale;         /* the peer's window is SEG.WND << snd_wscale (RFC 7323) */
    uint8_t rcv_wscale;         /* ours is sent as RCV.WND >> rcv_wscale */
    bool wscale_ok;             /* both SYNs carried the option */
    uint32_t cwnd;              /* congestion window, bytes (tcp_cong.c) */
    uint32_t ssthresh;          /* slow start threshold, bytes */
    const struct tcp_cong_ops *cong;   /* the algorithm (tcp_cong.h) */
    unsigned dupacks;           /* duplicate ACKs in a row */
    bool in_recovery;           /* fast recovery (RFC 6582) ... */
    uint32_t recover;           /* ... until this is acknowledged */
    uint32_t bytes_acked;       /* congestion avoidance's byte counter */

    /* Receive sequence variables. */
    uint32_t irs;               /* initial receive sequence number */
    uint32_t rcv_nxt;           /* next sequence number expected */
    uint32_t rcv_wnd;           /* receive window we last advertised */
    uint32_t rcv_adv;           /* its right edge, RCV.NXT + RCV.WND: never moves left */
    uint16_t rcv_mss;           /* the MSS we announced in our SYN */

    /* Buffers. The send buffer's first byte has sequence number
     * snd_buf_seq (ISS + 1 plus every byte acknowledged so far). */
    struct tcp_buf sndbuf;
    uint32_t snd_buf_seq;
    struct tcp_buf rcvbuf;
    struct tcp_reass reass;     /* what arrived beyond RCV.NXT (tcp_reass.h) */

    /* Closing. */
    bool fin_queued;            /* CLOSE or shutdown(WR): a FIN follows the data */
    bool fin_sent;              /* the FIN has been sent at least once */
    uint32_t fin_seq;           /* its sequence number, once sent */
    bool fin_received;          /* the peer's FIN is in (RCV.NXT counts it) */
    bool rd_shutdown;           /* shutdown(RD): received data is discarded */
    bool ack_pending;           /* an ACK is owed; any segment with ACK pays it */
    bool ack_now;               /* ... and must not be delayed */
    uint32_t rcv_acked;         /* RCV.NXT as of the last ACK we sent */
    bool data_seen;             /* data has arrived (delayed ACKs begin) */
    unsigned quickack;          /* ACKs still sent at once at the start (Linux) */
    struct timer delack_timer;  /* the delayed ACK (RFC 1122 §4.2.3.2) */
    bool nodelay;               /* TCP_NODELAY: Nagle off */
    uint32_t snd_sml;           /* end of the last small segment sent (Minshall) */

    /* Round-trip time (RFC 6298, tcp_rtt.c). */
    bool has_rtt;               /* a sample has been taken */
    usec_t srtt, rttvar;        /* smoothed RTT and its mean deviation */
    bool rtt_timing;            /* a segment is being timed ... */
    uint32_t rtt_seq;           /* ... the ACK of this sequence number ends it */
    usec_t rtt_start;           /* ... it left at this time */

    /* Retransmission and other timers. */
    usec_t rto;                 /* current retransmission timeout (backed off) */
    unsigned retries;           /* timeouts of the current segment */
    struct timer rto_timer;     /* SYN, SYN+ACK, FIN and data retransmission */
    struct timer persist_timer; /* zero window: probe it (RFC 9293 §3.8.6.1) */
    unsigned persist_backoff;   /* probes sent into this zero window */
    unsigned probes_unanswered; /* probes since the last ACK of any kind */
    struct timer conn_timer;    /* connect timeout */
    struct timer tw_timer;      /* TIME-WAIT's 2MSL, or FIN-WAIT-2's timeout */
    usec_t opened_at;           /* when the SYN was first sent */

    /* Keep-alive (tcp_keepalive.c) and the user timeout. */
    bool keepalive;
    usec_t keepalive_idle, keepalive_interval;
    unsigned keepalive_count, keepalive_probes_out;
    struct timer keepalive_timer;
    usec_t user_timeout;        /* 0: none; else data unacknowledged this long fails */
    usec_t unacked_since;       /* when the oldest unacknowledged data was sent */

    /* The user. */
    bool user_attached;         /* a user (socket) holds this tcb */
    bool user_closed;           /* the user called CLOSE: the tcb is an orphan */
    bool passive;               /* made by a listener (RFC 9293: passive OPEN) */
    int error;                  /* pending error for the user, negative errno */
    bool reuseaddr;
    bool linger_zero;
    tcp_notify_fn notify;
    void *notify_ctx;
    int soft_error;             /* last ICMP error, reported if the connect times out */

    /* A listener's queues, and a child's link to its listener. */
    struct tcb *parent;         /* the listener, while in one of its queues */
    struct tcb *queue_next;
    struct tcp_syncache *syncache;  /* half-open connections (tcp_syncache.h) */
    struct tcb_queue syn_queue;     /* SYN_RECV tcbs just built by a final ACK
                                       (tcp_listen_complete), until it is processed */
    struct tcb_queue accept_queue;  /* ESTABLISHED (or later), not yet accepted */
    unsigned backlog;               /* bound on accept_queue */

    /* Tables (tcp_table.h): every tcb is on the `all` list; connections
     * with a remote end are also in the hash table by 4-tuple; a bound tcb
     * is one of its port's holders, and a listener one of its listeners. */
    struct tcb *all_prev, *all_next;
    struct tcb *hash_next;
    bool hashed;
    struct tcp_port *port_entry;    /* its local port's entry while it holds
                                       local_port: NULL = not bound */
    struct tcb *port_prev, *port_next;
    struct tcb *listen_next;
    bool listed;                    /* on port_entry->listeners (in LISTEN) */
};

/* Holds local_port: bind() or an accepted SYN gave it one. */
static inline bool tcb_bound(const struct tcb *tcb) { return tcb->port_entry != NULL; }

#ifdef __cplusplus
}
#endif

#endif
