/*
 * tcp.h — TCP (RFC 9293) for one stack instance: the public side.
 *
 * What TCP adds to IP: a reliable, ordered byte stream between two ports,
 * set up by the three-way handshake (SYN, SYN+ACK, ACK), torn down by each
 * side sending a FIN that the other acknowledges (four segments, because a
 * side may go on sending after it has received the other's FIN), and
 * protected against old duplicates by TIME-WAIT lasting 2×MSL.
 *
 * The user calls are RFC 9293 §3.10's OPEN, SEND, RECEIVE, CLOSE, ABORT and
 * STATUS, in the shape the socket layer needs (bind, listen and connect are
 * the two kinds of OPEN; shutdown is a CLOSE of one direction). They never
 * block: a call that would wait returns -EAGAIN, and the connection tells
 * its user that something changed through the notify callback
 * (tcp_set_notify). stack/socket/socket_tcp.c adapts them to the socket API.
 *
 * The sources, split by concern as Linux does:
 *   tcp.c          the instance, life cycle, states, bind, ephemeral ports
 *   tcp_table.c    finding tcbs: by 4-tuple, by local port, the listeners
 *   tcp_user.c     the user calls
 *   tcp_input.c    SEGMENT ARRIVES, in RFC 9293 §3.10.7's order of checks
 *   tcp_recv.c     ... its seventh and eighth checks: segment text, FIN
 *   tcp_reass.c    out-of-order segments held until the gap fills
 *   tcp_listen.c   LISTEN: SYN handling, the two backlog queues, accept
 *   tcp_timewait.c TIME-WAIT: the 2MSL timer, FINs and SYNs that hit it
 *   tcp_output.c   building and sending segments; Nagle; RST and ACK replies
 *   tcp_timer.c    retransmission, connect timeout, persist, delayed ACK
 *   tcp_rtt.c      RTT estimation and the RTO (RFC 6298)
 *   tcp_cong.c     congestion control shared part (RFC 5681, RFC 6582);
 *   tcp_reno.c     ... Reno's rules behind struct tcp_cong_ops (tcp_cong.h)
 *   tcp_keepalive.c keep-alive probes (RFC 1122 §4.2.3.6)
 *   tcp_icmp.c     ICMP errors about our segments
 *   tcp_isn.c      initial sequence numbers (RFC 6528)
 *   tcp_buf.c      the byte rings behind the send and receive buffers
 *   tcp_print.c    the `ss -tan`-like listing and the counters
 *   tcp_hdr.c      the header on the wire; tcp_state.c the state names
 */
#ifndef TUNLAB_TRANSPORT_TCP_H
#define TUNLAB_TRANSPORT_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "stack/core/clock.h"
#include "stack/core/rng.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/transport/tcp_state.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ip4;
struct tcp;
struct tcb;

/* The ephemeral port range (RFC 6335 §6). */
#define TCP_EPHEMERAL_FIRST 49152
#define TCP_EPHEMERAL_LAST 65535

/*
 * Tunables. tcp_config_default() fills the defaults; tcp_new(..., NULL)
 * uses them. Times are in microseconds.
 */
struct tcp_config {
    usec_t msl;               /* Maximum Segment Lifetime: 30 s; TIME-WAIT lasts 2×MSL
                                 (RFC 9293 §3.4.2 suggests 2 minutes; Linux's
                                 TIME-WAIT is 60 s, i.e. MSL 30 s) */
    usec_t rto_initial;       /* 1 s (RFC 6298 §2.1) */
    usec_t rto_min;           /* 200 ms (Linux; RFC 6298 §2.4 says 1 s) */
    usec_t rto_max;           /* 120 s (Linux TCP_RTO_MAX; RFC 6298 §2.5 allows >= 60 s) */
    unsigned syn_retries;     /* 6 (Linux tcp_syn_retries): SYN at 0,1,3,7,15,31,63 s,
                                 connect fails with ETIMEDOUT at 127 s */
    unsigned synack_retries;  /* 5 (Linux tcp_synack_retries) */
    unsigned retries;         /* 15 (Linux tcp_retries2): data/FIN retransmissions
                                 before the connection is dropped with ETIMEDOUT */
    usec_t connect_timeout;   /* 0: none beyond syn_retries; else SYN-SENT fails with
                                 ETIMEDOUT after this long */
    usec_t fin_wait_2_timeout; /* 60 s (Linux tcp_fin_timeout): how long a connection
                                 whose user has closed waits in FIN-WAIT-2 for the
                                 peer's FIN; 0 = forever (RFC 9293) */
    unsigned max_syn_backlog; /* 128: handshakes in SYN_RECV per listener (entries
                                 of its SYN cache, sized when the first SYN comes) */
    unsigned max_backlog;     /* 128 (Linux somaxconn): cap on listen()'s backlog */
    size_t sndbuf;            /* 64 KiB: send buffer per connection */
    size_t rcvbuf;            /* 1 MiB: receive buffer, enough window for a TUN
                                 link's bandwidth-delay product (wscale 5) */
    uint16_t mss;             /* 0: interface MTU - 40 (RFC 9293 §3.7.1), else this */
    bool window_scaling;      /* true (default): our SYN offers
                                 <nop,wscale S> with the smallest S that fits the
                                 receive buffer in 16 bits, as Linux's SYNs do;
                                 false: RFC 7323 window scaling is neither offered
                                 nor accepted, SYNs carry only <mss> */
    unsigned init_cwnd;       /* 10: initial congestion window in segments (RFC 6928,
                                 Linux); RFC 5681 would be 2-4 */
    const char *congestion;   /* "reno" (NewReno, RFC 5681 + RFC 6582); NULL = reno */
    usec_t delack_timeout;    /* 40 ms (Linux's minimum ATO): how long an ACK may wait
                                 for data to ride on; 0 = ACK every segment at once.
                                 RFC 1122 §4.2.3.2: at most 0.5 s, and at least every
                                 second full-sized segment is ACKed at once */
    usec_t keepalive_idle;    /* 2 h (RFC 1122 §4.2.3.6: at least two hours) */
    usec_t keepalive_interval; /* 75 s between probes (Linux tcp_keepalive_intvl) */
    unsigned keepalive_count; /* 9 unanswered probes, then the connection is dropped */
    unsigned challenge_ack_limit; /* 1000 challenge ACKs per second per stack
                                 (RFC 5961 §7, Linux tcp_challenge_ack_limit) */
    bool rfc1337;             /* false: an acceptable RST ends TIME-WAIT (RFC 9293);
                                 true: TIME-WAIT ignores RSTs (RFC 1337 §3 fix F1) */
    bool syncookies;          /* false: a SYN that finds the SYN queue (max_syn_backlog)
                                 full is dropped, so a student can watch a flood fill
                                 it; true: it is answered with a SYN cookie
                                 (RFC 4987 §3.6, tcp_syncookie.c), as Linux's
                                 tcp_syncookies = 1 does */
    unsigned max_tw_buckets;  /* 0 = TCP_DEFAULT_MAX_TW_BUCKETS (32768): connections
                                 held in TIME-WAIT at once; beyond it a connection
                                 closes without TIME-WAIT, counted in
                                 timewait_overflow (Linux tcp_max_tw_buckets) */
};

#define TCP_DEFAULT_MAX_TW_BUCKETS 32768

void tcp_config_default(struct tcp_config *cfg);

/* Counters, printed like the Tcp: / TcpExt: sections of `netstat -s`
 * (RFC 4022 MIB names in the comments where one exists). */
struct tcp_stats {
    uint64_t active_opens;       /* tcpActiveOpens: CLOSED -> SYN_SENT */
    uint64_t passive_opens;      /* tcpPassiveOpens: LISTEN -> SYN_RECV */
    uint64_t attempt_fails;      /* tcpAttemptFails: SYN_SENT/SYN_RECV -> CLOSED or LISTEN */
    uint64_t estab_resets;       /* tcpEstabResets: ESTABLISHED/CLOSE_WAIT -> CLOSED */
    uint64_t segs_in;            /* tcpInSegs: every segment received, errors included */
    uint64_t segs_out;           /* tcpOutSegs: every segment sent, retransmissions excluded */
    uint64_t retrans_segs;       /* tcpRetransSegs */
    uint64_t in_errs;            /* tcpInErrs: bad checksum, header or options */
    uint64_t out_rsts;           /* tcpOutRsts: segments sent with RST */
    uint64_t in_rsts;            /* RSTs received that reset a connection */
    uint64_t bad_checksum;       /* InCsumErrors */
    uint64_t bad_header;         /* shorter than 20 bytes, or bad data offset */
    uint64_t bad_options;        /* an option with length 0/1 or past the header */
    uint64_t no_port;            /* no connection and no listener: answered with RST */
    uint64_t drop_rst_no_tcb;    /* an RST for no connection: dropped, never answered */
    uint64_t drop_bcast;         /* to a broadcast address: never answered */
    uint64_t drop_not_acceptable; /* failed the sequence number check (§3.10.7.4 first) */
    uint64_t drop_bad_ack;       /* unacceptable ACK (§3.10.7.4 fifth, RFC 5961 §5.2) */
    uint64_t drop_no_ack;        /* synchronized state, ACK bit off */
    uint64_t drop_listen;        /* LISTEN: neither SYN nor RST nor ACK */
    uint64_t drop_syn_sent;      /* SYN-SENT: neither SYN nor RST */
    uint64_t ooo_queued;         /* segments held beyond RCV.NXT (out of order) */
    uint64_t drop_out_of_order;  /* ... dropped instead: too many holes */
    uint64_t syn_queue_full;     /* SYNs dropped: the SYN cache was full, cookies off */
    uint64_t accept_queue_full;  /* SYNs and final ACKs dropped: accept queue full
                                    (Linux ListenOverflows) */
    uint64_t challenge_acks;     /* RFC 5961 challenge ACKs sent */
    uint64_t challenge_acks_limited; /* ... suppressed by the rate limit */
    uint64_t rst_in_window;      /* in-window but not exact RSTs (challenged) */
    uint64_t syn_in_window;      /* SYNs in synchronized states (challenged) */
    uint64_t timeouts;           /* connections dropped after their retries */
    uint64_t persist_probes;     /* zero-window probes sent */
    uint64_t keepalive_probes;   /* keep-alive probes sent */
    uint64_t keepalive_drops;    /* connections dropped: keep-alive unanswered */
    uint64_t user_timeouts;      /* connections dropped by their user timeout */
    uint64_t dup_acks;           /* duplicate ACKs received (RFC 5681 §2) */
    uint64_t fast_retransmits;   /* segments resent on 3 dup ACKs or a partial ACK */
    uint64_t timewait_reacks;    /* retransmitted FINs re-ACKed in TIME-WAIT */
    uint64_t timewait_recycled;  /* new SYNs accepted in TIME-WAIT (RFC 6191) */
    uint64_t timewait_rst_ignored; /* RSTs ignored in TIME-WAIT (rfc1337) */
    uint64_t timewait_overflow;  /* connections closed without TIME-WAIT: max_tw_buckets
                                    were in use (Linux TCPTimeWaitOverflow) */
    uint64_t data_after_close;   /* data for a closed user: answered with RST */
    uint64_t out_no_route;       /* segments IPv4 refused (no route, no buffers) */
    uint64_t icmp_errors;        /* ICMP errors about our segments */
    /* SYN flood defence (RFC 4987). Half-open connections are entries of
     * the listener's SYN cache (tcp_syncache.h), at most max_syn_backlog;
     * cookies take over when it is full (cfg.syncookies). */
    uint64_t syncache_added;     /* SYNs given an entry in the SYN cache */
    uint64_t syncache_completed; /* ... whose final ACK built the connection */
    uint64_t syncache_dropped;   /* ... that left it without completing: the three
                                    below, and the listener closing */
    uint64_t syncache_timed_out; /* ... SYN+ACK unanswered after synack_retries */
    uint64_t syncache_reset;     /* ... RST from the peer */
    uint64_t syncache_overflowed; /* SYNs that found it full (answered by a cookie, or
                                    dropped when cookies are off: syn_queue_full) */
    uint64_t syncookies_sent;    /* SYN+ACKs carrying a cookie (Linux SyncookiesSent) */
    uint64_t syncookies_accepted; /* final ACKs whose cookie checked out: connection
                                    built (SyncookiesRecv) */
    uint64_t syncookies_rejected; /* ACKs to a listener with a bad or too old cookie:
                                    dropped (and reset), no connection (SyncookiesFailed) */
};

/* Create TCP on the IPv4 layer `ip` and register it for protocol 6.
 * `timers` runs its timers; `rng` seeds the ISN and hash keys and picks
 * ephemeral ports; `trace` (may be NULL) and `node` name the trace events;
 * cfg NULL = defaults. Returns NULL when out of memory. */
struct tcp *tcp_new(struct ip4 *ip, struct timerq *timers, struct rng *rng,
                    struct trace *trace, const char *node, const struct tcp_config *cfg);
/* Free every connection (without sending anything) and TCP itself. */
void tcp_free(struct tcp *tcp);

const struct tcp_config *tcp_get_config(const struct tcp *tcp);
/* Change tunables (MSL for a lab, say); affects timers armed afterwards. */
void tcp_set_config(struct tcp *tcp, const struct tcp_config *cfg);
const struct tcp_stats *tcp_get_stats(const struct tcp *tcp);
void tcp_print_stats(const struct tcp *tcp, FILE *out);

/* The state of the connection lip:lport <-> rip:rport, or of the listener
 * on lip:lport when rip and rport are 0 (lip 0 matches a wildcard
 * listener). TCP_CLOSED when no such connection exists (RFC 9293 §3.3.2:
 * CLOSED "represents no connection state at all"). */
int tcp_state_of(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);

/* One line of the connection listing. */
struct tcp_conn_info {
    int state;
    uint32_t local_ip, remote_ip;
    uint16_t local_port, remote_port;
    size_t recv_q;           /* bytes not yet read; LISTEN: connections not yet accepted */
    size_t send_q;           /* bytes not yet acknowledged; LISTEN: the backlog */
    const char *timer;       /* "on" (retransmission), "timewait", "persist", or "off" */
    usec_t timer_left;       /* until it fires */
    unsigned retries;        /* retransmissions of the current segment */
    bool orphan;             /* the user has closed (or never accepted) it */
    /* What `ss -i` adds, for synchronized connections (has_detail): */
    bool has_detail;
    usec_t rto, srtt;        /* srtt 0 until the first RTT sample */
    uint32_t mss, cwnd, ssthresh;   /* bytes; ssthresh UINT32_MAX: not set yet */
    uint32_t snd_wnd, rcv_wnd;      /* the peer's window and ours, bytes */
};
typedef void (*tcp_conn_fn)(void *ctx, const struct tcp_conn_info *info);
/* Every connection, listeners first, then by local port. */
void tcp_foreach_conn(struct tcp *tcp, tcp_conn_fn fn, void *ctx, usec_t now);
/* Print them like `ss -tano`:
 *   State      Recv-Q Send-Q  Local Address:Port   Peer Address:Port  Timer
 *   TIME-WAIT  0      0       10.0.0.1:49152       10.0.0.2:7         timer:(timewait,59.5s,0)
 * and, for synchronized connections, a second line like `ss -i`'s:
 *            rto:200 rtt:2.1 mss:1460 cwnd:14600 ssthresh:- snd_wnd:65535 rcv_wnd:65535
 * (rto and rtt in ms, the others in bytes). */
void tcp_print_conns(struct tcp *tcp, FILE *out, usec_t now);

/* ---- The user calls (RFC 9293 §3.10) -------------------------------- */

/* Called when something a user waits for may have happened: the connection
 * was established or failed, data or a FIN arrived, send space was freed,
 * a connection is ready to accept. Runs inside TCP: it must not call back
 * into TCP except the read-only queries below; queue the work instead. */
typedef void (*tcp_notify_fn)(void *ctx, struct tcb *tcb, usec_t now);

/* A new connection in CLOSED, unbound, owned by the caller until
 * tcp_close/tcp_abort hands it back to TCP. NULL when out of memory. */
struct tcb *tcp_open(struct tcp *tcp);
void tcp_set_notify(struct tcb *tcb, tcp_notify_fn fn, void *ctx);

/* Bind to ip:port (host order; ip 0 = every local address; port 0 = an
 * ephemeral port). -EINVAL if already bound, -EADDRNOTAVAIL if ip is not
 * ours, -EADDRINUSE if another connection holds the port on an overlapping
 * address — except that with reuseaddr set on this tcb, a port held only by
 * connections in TIME-WAIT (or by connections that set reuseaddr too and
 * are not listening) can be taken: SO_REUSEADDR's meaning. */
int tcp_bind(struct tcb *tcb, uint32_t ip, uint16_t port);
void tcp_set_reuseaddr(struct tcb *tcb, bool on);
bool tcp_get_reuseaddr(const struct tcb *tcb);

/* Passive OPEN: CLOSED -> LISTEN. Binds an ephemeral port if unbound.
 * backlog bounds the completed connections waiting for tcp_accept (clamped
 * to 1..max_backlog); handshakes in progress are bounded by max_syn_backlog. */
int tcp_listen(struct tcb *tcb, int backlog, usec_t now);
/* The oldest completed connection of a listener, now owned by the caller,
 * or NULL (*err = -EAGAIN, or -EINVAL when tcb is not listening). */
struct tcb *tcp_accept(struct tcb *listener, int *err, usec_t now);

/* Active OPEN: CLOSED -> SYN_SENT, the SYN goes out now. Binds an ephemeral
 * port and the route's source address if needed. Returns 0 (the result
 * comes later: ESTABLISHED, or tcp_error() = -ECONNREFUSED / -ETIMEDOUT),
 * -EISCONN / -EALREADY, -ENETUNREACH (no route), -EADDRNOTAVAIL (this
 * 4-tuple exists already, in TIME-WAIT say). */
int tcp_connect(struct tcb *tcb, uint32_t ip, uint16_t port, usec_t now);

/* SEND: queue up to len bytes (fewer if the send buffer is nearly full) and
 * send what the window allows. Returns bytes queued, or -EAGAIN (buffer
 * full or not yet established), -EPIPE (shut down for writing / closing),
 * -ENOTCONN, or the connection's error (-ECONNRESET). */
ssize_t tcp_send(struct tcb *tcb, const void *buf, size_t len, usec_t now);
/* RECEIVE: copy up to len bytes in order. Returns bytes copied, 0 at end of
 * stream (the peer's FIN has been read past), -EAGAIN, or the connection's
 * error. */
ssize_t tcp_receive(struct tcb *tcb, void *buf, size_t len, usec_t now);

/* shutdown(2): rd stops reading (received data is discarded from now on),
 * wr queues a FIN after the data already sent (ESTABLISHED -> FIN_WAIT_1,
 * CLOSE_WAIT -> LAST_ACK). -ENOTCONN if not connected. */
int tcp_shutdown(struct tcb *tcb, bool rd, bool wr, usec_t now);
/* CLOSE: the user is done with tcb, which must not be used afterwards. TCP
 * finishes the close by itself (FIN, FIN-WAIT, TIME-WAIT) and frees the
 * tcb in CLOSED. Unread data, or linger-zero set, aborts instead (RST:
 * RFC 1122 §4.2.2.13, "data was lost"). A listener's pending connections
 * are reset. */
void tcp_close(struct tcb *tcb, usec_t now);
/* ABORT: send RST (in synchronized states) and free tcb at once. */
void tcp_abort(struct tcb *tcb, usec_t now);
/* close() sends RST instead of FIN (SO_LINGER with l_linger = 0). */
void tcp_set_linger_zero(struct tcb *tcb, bool on);
/* SO_KEEPALIVE: probe an idle connection (off by default). Parameters
 * (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT): 0 leaves one unchanged;
 * times below 1 s are -EINVAL. */
int tcp_set_keepalive(struct tcb *tcb, bool on, usec_t now);
bool tcp_get_keepalive(const struct tcb *tcb);
int tcp_set_keepalive_params(struct tcb *tcb, usec_t idle, usec_t interval, unsigned count,
                             usec_t now);
/* TCP_USER_TIMEOUT (RFC 5482): the connection fails with ETIMEDOUT when sent
 * data stays unacknowledged this long; 0 = only the retry count limits it. */
void tcp_set_user_timeout(struct tcb *tcb, usec_t timeout);
/* TCP_NODELAY: send small segments at once instead of waiting for the
 * outstanding data to be acknowledged (Nagle's algorithm, RFC 896). */
void tcp_set_nodelay(struct tcb *tcb, bool on);
bool tcp_get_nodelay(const struct tcb *tcb);

/* STATUS and friends: read-only, safe inside the notify callback. */
int tcp_get_state(const struct tcb *tcb);
/* The pending error (negative errno) or 0; tcp_take_error clears it. */
int tcp_error(const struct tcb *tcb);
int tcp_take_error(struct tcb *tcb);
bool tcp_readable(const struct tcb *tcb);     /* data, EOF or an error waits */
bool tcp_writable(const struct tcb *tcb);     /* connected and send space free */
bool tcp_acceptable(const struct tcb *tcb);   /* a listener with a completed connection */
bool tcp_connecting(const struct tcb *tcb);   /* SYN_SENT or SYN_RECV after connect */
bool tcp_eof(const struct tcb *tcb);          /* the peer's FIN has arrived */
size_t tcp_recv_queued(const struct tcb *tcb);   /* bytes waiting to be read */
size_t tcp_send_queued(const struct tcb *tcb);   /* bytes not yet acknowledged */
size_t tcp_send_space(const struct tcb *tcb);    /* bytes tcp_send would take now */
void tcp_local(const struct tcb *tcb, uint32_t *ip, uint16_t *port);
void tcp_remote(const struct tcb *tcb, uint32_t *ip, uint16_t *port);

/* A snapshot of a connection's sending and receiving state, in the spirit
 * of Linux's TCP_INFO: for tests, labs and the tools that plot a run. */
struct tcp_info {
    int state;
    uint32_t iss, irs;
    uint32_t snd_una, snd_nxt, snd_max, rcv_nxt;
    uint32_t snd_wnd;        /* the peer's window, bytes */
    uint32_t rcv_wnd;        /* the window we last advertised, bytes */
    uint32_t snd_mss, rcv_mss;
    uint8_t snd_wscale, rcv_wscale;   /* RFC 7323 shifts; 0 when not negotiated */
    uint32_t cwnd, ssthresh; /* bytes; UINT32_MAX: not limiting */
    bool has_rtt;
    usec_t srtt, rttvar;     /* RFC 6298, valid when has_rtt */
    usec_t rto;              /* the current (backed-off) RTO */
    unsigned retries;        /* timeouts of the current segment */
};
void tcp_get_info(const struct tcb *tcb, struct tcp_info *info);

/* Buffer sizes (before connect/listen; a listener passes its own to the
 * connections it accepts). */
int tcp_set_sndbuf(struct tcb *tcb, size_t bytes);
int tcp_set_rcvbuf(struct tcb *tcb, size_t bytes);
size_t tcp_get_sndbuf(const struct tcb *tcb);
size_t tcp_get_rcvbuf(const struct tcb *tcb);

/* The ISN tcp_connect would use for this 4-tuple at time now (RFC 6528),
 * for tests that predict sequence numbers. */
uint32_t tcp_isn_peek(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                      uint16_t rport, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
