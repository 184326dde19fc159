/*
 * tcp_internal.h — what TCP's source files share: the instance, and the
 * functions one file offers the others. Private to stack/transport/tcp*.c.
 */
#ifndef TUNLAB_TRANSPORT_TCP_INTERNAL_H
#define TUNLAB_TRANSPORT_TCP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/pkb.h"
#include "stack/core/rng.h"
#include "stack/core/siphash.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/net/ip4.h"
#include "stack/transport/tcb.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_hdr.h"
#include "stack/transport/tcp_syncache.h"
#include "stack/transport/tcp_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 9293 §3.7.1: without an MSS option, assume 536 (576 - 40). */
#define TCP_DEFAULT_MSS 536

struct tcp {
    struct ip4 *ip;
    struct timerq *timers;
    struct rng *rng;
    struct trace *trace;
    char node[TRACE_NODE_LEN];
    struct tcp_config cfg;
    struct tcp_stats stats;

    struct siphash_key isn_key;    /* RFC 6528's secret key */
    struct siphash_key hash_key;   /* keys the connection hash (no hash flooding) */

    struct tcb *all;               /* every tcb, newest first */
    struct tcp_table table;        /* finding them by 4-tuple and by port */

    /* SYN cookies (tcp_syncookie.c): their secret, drawn from the rng the
     * first time a cookie is needed. */
    struct siphash_key cookie_key;
    bool cookie_keyed;

    /* RFC 5961 §7: challenge ACKs sent in the current one-second slot. */
    usec_t challenge_slot_start;
    unsigned challenge_count;

    /* The TIME-WAIT bound (tcp_timewait.c): connections that entered
     * TIME-WAIT and have not expired or been reopened. Never fewer than
     * are in TIME-WAIT (a reset may end one unseen), so it is recounted
     * exactly before it refuses one. */
    unsigned timewait_held;
};

/* A received segment as tcp_input sees it: the parsed header plus what
 * IPv4 told us. seg_len is RFC 9293's SEG.LEN: data plus one for SYN and
 * one for FIN. */
struct tcp_seg {
    struct tcp_hdr h;
    uint32_t src_ip, dst_ip;
    uint32_t seg_len;
};

/* ---- tcp_table.c: finding tcbs (tcp_table.h) ---- */
/* SipHash of a 4-tuple under the stack's hash key. */
uint64_t tcp_tuple_hash(const struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                        uint16_t rport);
int tcp_table_init(struct tcp_table *tab);
void tcp_table_free(struct tcp_table *tab);
/* Exact 4-tuple match among hashed connections. */
struct tcb *tcp_lookup(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                       uint16_t rport);
/* The listener for lip:lport, an exact address before a wildcard. */
struct tcb *tcp_lookup_listener(struct tcp *tcp, uint32_t lip, uint16_t lport);
void tcp_hash_insert(struct tcb *tcb);
void tcp_hash_remove(struct tcb *tcb);
/* The entry of a local port in use, or NULL: no tcb is bound to it. */
struct tcp_port *tcp_port_find(struct tcp *tcp, uint16_t port);
/* Add a tcb with local_port set to its port's holders (it becomes bound):
 * 0, or -ENOMEM. */
int tcp_port_hold(struct tcb *tcb);
/* Take it off its port (and the port's listeners); the last holder frees
 * the entry. Nothing happens to a tcb that holds no port. */
void tcp_port_release(struct tcb *tcb);
/* A bound tcb enters LISTEN / leaves it (tcp_set_state keeps this). */
void tcp_listener_add(struct tcb *tcb);
void tcp_listener_remove(struct tcb *tcb);

/* ---- tcp.c: life cycle ---- */
struct tcb *tcp_tcb_alloc(struct tcp *tcp);
/* Fill tcb->subject from the 4-tuple. */
void tcp_set_subject(struct tcb *tcb);
/* The same name for a 4-tuple without a tcb (a SYN cache entry). */
void tcp_format_subject(char *out, size_t outlen, uint32_t lip, uint16_t lport, uint32_t rip,
                        uint16_t rport);
/* Count and trace a transition of a connection that has no tcb (a SYN cache
 * entry: LISTEN -> SYN_RECV, SYN_RECV -> CLOSED), as tcp_set_state does. */
void tcp_note_transition(struct tcp *tcp, const char *subject, int from, int to, usec_t now);
/* Move to a new state: check the transition table, record it in the trace,
 * count it. */
void tcp_set_state(struct tcb *tcb, int state, usec_t now);
/* The connection is over: CLOSED, unhashed, timers off, `err` (0 or a
 * negative errno) kept for the user, who is notified. Frees the tcb when no
 * user holds it: the caller must not touch tcb afterwards. */
void tcp_tcb_done(struct tcb *tcb, int err, usec_t now);
/* Free a tcb in CLOSED that no user holds and no queue links. */
void tcp_tcb_free(struct tcb *tcb);
/* Tell the user (if any) that something changed. */
void tcp_notify_user(struct tcb *tcb, usec_t now);
/* A free ephemeral port, or 0. */
uint16_t tcp_pick_ephemeral(struct tcp *tcp);
/* Our MSS for a connection to dst: cfg.mss, else the route's MTU - 40. */
uint16_t tcp_mss_for(struct tcp *tcp, uint32_t dst);
/* Allocate buffers sizes etc. for a connection about to open. */
void tcp_tcb_init_send(struct tcb *tcb, uint32_t iss, usec_t now);

/* ---- tcp_isn.c ---- */
uint32_t tcp_isn(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip,
                 uint16_t rport, usec_t now);

/* ---- tcp_input.c, tcp_icmp.c ---- */
void tcp_input(void *ctx, struct pkb *p, const struct ip4_rx_info *info, usec_t now);
void tcp_icmp_error(void *ctx, uint8_t type, uint8_t code, const uint8_t *quoted,
                    size_t quoted_len, usec_t now);
/* RFC 9293 §3.10.7.4's checks for SYN_RECV and the synchronized states
 * (tcp_listen.c and tcp_timewait.c hand segments here). */
void tcp_input_synchronized(struct tcb *tcb, struct tcp_seg *seg, usec_t now);
/* Process the peer's options on a SYN: MSS and window scale. */
void tcp_input_syn_options(struct tcb *tcb, const struct tcp_seg *seg);
/* The same from remembered values (a SYN cache entry, a cookie): the SYN's
 * window scale option (has_wscale, wscale) and MSS option (0: none). */
void tcp_apply_syn_options(struct tcb *tcb, bool has_wscale, uint8_t wscale, uint16_t peer_mss);

/* ---- tcp_recv.c ---- */
enum tcp_text_result {
    TEXT_IN_ORDER,       /* processed; its FIN (if any) may be processed next */
    TEXT_OUT_OF_ORDER,   /* held or dropped; an ACK at once tells the peer what we expect */
    TEXT_CLOSED,         /* the connection was reset: the tcb is gone */
};
/* Seventh check: the segment's text. *fin: its FIN is next in sequence. */
enum tcp_text_result tcp_recv_text(struct tcb *tcb, struct tcp_seg *seg, bool *fin, usec_t now);
/* Eighth check: the FIN. False when the segment is done with (TIME-WAIT). */
bool tcp_recv_fin(struct tcb *tcb, usec_t now);

/* ---- tcp_listen.c ---- */
/* SEGMENT ARRIVES in LISTEN (RFC 9293 §3.10.7.2). iss_hint != 0 is the ISS
 * to use (a SYN that reopens a TIME-WAIT connection, RFC 6191). */
void tcp_listen_input(struct tcb *listener, struct tcp_seg *seg, uint32_t iss_hint,
                      usec_t now);
/* What a listener remembers of a handshake until its final ACK: a SYN
 * cache entry's fields, or what a SYN cookie encodes. */
struct tcp_handshake {
    uint32_t iss, irs;
    uint16_t peer_mss;         /* the SYN's MSS option; 0: none (536) */
    bool wscale_ok;            /* both SYNs carried the window scale option */
    uint8_t snd_wscale;        /* the peer's shift, when wscale_ok */
    uint16_t peer_window;      /* the SYN's window */
    usec_t synack_sent;        /* when our SYN+ACK first left (the RTT sample) */
    unsigned retries;          /* SYN+ACK retransmissions: > 0, no RTT sample */
    bool announced;            /* LISTEN -> SYN_RECV was already counted and traced */
};
/* The final ACK of a handshake (RFC 9293 §3.10.7.4, SYN-RECEIVED): build
 * the connection from hs in SYN_RECV and let seg take it to ESTABLISHED and
 * onto the accept queue (fifth check), delivering any data it carries. The
 * one way both the SYN cache and SYN cookies make a connection. The caller
 * has checked SEG.ACK = ISS + 1 and room in the accept queue. */
void tcp_listen_complete(struct tcb *listener, const struct tcp_handshake *hs,
                         struct tcp_seg *seg, usec_t now);
/* A child in SYN_RECV reached ESTABLISHED: move it to the accept queue.
 * Returns false when the accept queue is full (the ACK is then dropped and
 * the child stays in SYN_RECV, as Linux does). */
bool tcp_listen_child_established(struct tcb *child, usec_t now);
/* Unlink a child from its listener's queue. */
void tcp_listen_unlink(struct tcb *child);
/* Reset and free every child of a closing listener. */
void tcp_listen_close_children(struct tcb *listener, usec_t now);
void tcb_queue_push(struct tcb_queue *q, struct tcb *tcb);
struct tcb *tcb_queue_pop(struct tcb_queue *q);
bool tcb_queue_remove(struct tcb_queue *q, struct tcb *tcb);

/* ---- tcp_syncookie.c: SYN cookies (RFC 4987 §3.6) ---- */
#define TCP_COOKIE_SLOT (64 * USEC_PER_SEC)   /* the time counter's unit */
#define TCP_COOKIE_MAX_AGE 2                 /* slots a cookie stays valid after its own */
#define TCP_COOKIE_MSS_COUNT 4
extern const uint16_t tcp_cookie_mss[TCP_COOKIE_MSS_COUNT];   /* 536, 1300, 1440, 1460 */
uint32_t tcp_cookie_counter(usec_t now);
/* The table entry for a peer's MSS option: the largest not above it. */
unsigned tcp_cookie_mss_index(uint16_t peer_mss);
/* The ISS that encodes this SYN (counter, MSS index, keyed hash). */
uint32_t tcp_cookie_make(struct tcp *tcp, const struct tcp_seg *seg, unsigned mss_idx,
                         usec_t now);
/* Check the final ACK's SEG.ACK-1 as a cookie: the MSS index (>= 0), or
 * -ETIMEDOUT (counter too old) / -EINVAL (hash does not match). */
int tcp_cookie_check(struct tcp *tcp, const struct tcp_seg *seg, usec_t now);
/* Answer seg (a SYN to listener) with <SEQ=iss><ACK=SEG.SEQ+1><CTL=SYN,ACK>
 * and our MSS, without any connection state. */
int tcp_cookie_send_synack(struct tcp *tcp, const struct tcb *listener,
                           const struct tcp_seg *seg, uint32_t iss, usec_t now);

/* ---- tcp_timewait.c ---- */
/* Enter TIME-WAIT (RFC 9293 §3.10.7.4 eighth check): free the buffers,
 * start the 2MSL timer. When cfg.max_tw_buckets connections are in
 * TIME-WAIT already, close instead (tcp_tcb_done): the caller must not
 * touch tcb afterwards. */
void tcp_timewait_enter(struct tcb *tcb, usec_t now);
/* Restart the 2MSL timer (a retransmitted FIN arrived). */
void tcp_timewait_restart(struct tcb *tcb, usec_t now);
/* A segment for a connection in TIME-WAIT. */
void tcp_timewait_input(struct tcb *tcb, struct tcp_seg *seg, usec_t now);
void tcp_timewait_expired(struct timer *t, void *arg, usec_t now);

/* ---- tcp_output.c ---- */
/* Send one segment of tcb: flags, sequence number `seq`, `len` bytes of the
 * send buffer starting at `seq` (0 for none); SYN segments carry our
 * options. Counts it; is_rtx marks retransmissions. Returns 0 or an errno. */
int tcp_send_segment(struct tcb *tcb, uint8_t flags, uint32_t seq, uint32_t len,
                     bool is_rtx, usec_t now);
/* Send what the window allows: new data, then the FIN. */
void tcp_output(struct tcb *tcb, usec_t now);
/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
void tcp_send_ack(struct tcb *tcb, usec_t now);
/* An ACK is owed (ack_pending): send it now or let it wait for the delayed
 * ACK timer, by RFC 1122 §4.2.3.2's rules. */
void tcp_ack_owed(struct tcb *tcb, usec_t now);
/* RFC 5961 §3.2/§4.2: the same ACK, rate limited per stack (§7). */
void tcp_send_challenge_ack(struct tcb *tcb, usec_t now);
/* RFC 5961 §7's per-stack limit: may one more challenge ACK go now?
 * Counts it (or counts it as limited) and traces it under `subject`. */
bool tcp_challenge_ack_allowed(struct tcp *tcp, const char *subject, usec_t now);
/* A segment of a connection that has no tcb (a SYN cache entry, a SYN
 * cookie): <SEQ=seq><ACK=ack><CTL=flags>, window as given; a SYN carries
 * <mss> and, when wscale >= 0, <nop,wscale>, laid out as header_for() does. */
struct tcp_no_tcb_segment {
    uint32_t local_ip, remote_ip;
    uint16_t local_port, remote_port;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    uint16_t mss;
    int wscale;
};
int tcp_send_no_tcb(struct tcp *tcp, const struct tcp_no_tcb_segment *s, bool is_rtx,
                    usec_t now);
/* <SEQ=SND.NXT><CTL=RST>, for ABORT. */
void tcp_send_rst(struct tcb *tcb, usec_t now);
/* The reply to a segment no connection wants (RFC 9293 §3.10.7.1):
 * ACK off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; ACK on: <SEQ=SEG.ACK><CTL=RST>.
 * Never for a segment that carries RST itself. */
void tcp_send_rst_reply(struct tcp *tcp, const struct tcp_seg *seg, usec_t now);
/* The window we advertise now (silly-window avoidance, never shrinking). */
uint32_t tcp_rcv_window(const struct tcb *tcb);
/* Bytes in the send buffer not yet sent (from SND.NXT on). */
uint32_t tcp_unsent(const struct tcb *tcb);

/* ---- tcp_rtt.c ---- */
/* The RTO from SRTT and RTTVAR (RFC 6298 §2), without backoff. */
usec_t tcp_rto_base(const struct tcb *tcb);
void tcp_rtt_sample(struct tcb *tcb, usec_t r, usec_t now);
/* Time the segment ending at end_seq, unless one is timed already. */
void tcp_rtt_start(struct tcb *tcb, uint32_t end_seq, usec_t now);
void tcp_rtt_cancel(struct tcb *tcb);
/* An ACK arrived: a sample if it covers the timed segment. */
void tcp_rtt_ack(struct tcb *tcb, uint32_t ack, usec_t now);

/* ---- tcp_keepalive.c ---- */
void tcp_keepalive_init(struct tcb *tcb);
/* A segment arrived (or the state changed): the idle time starts over. */
void tcp_keepalive_reset(struct tcb *tcb, usec_t now);

/* ---- tcp_timer.c ---- */
void tcp_timer_init(struct tcb *tcb);
void tcp_timer_cancel_all(struct tcb *tcb);
/* Arm the retransmission timer at now + rto unless it runs already. */
void tcp_rto_arm(struct tcb *tcb, usec_t now);
/* Restart it (new data acknowledged), or stop it when nothing is in flight. */
void tcp_rto_restart(struct tcb *tcb, usec_t now);
void tcp_rto_stop(struct tcb *tcb);
/* Start the connect timeout (cfg.connect_timeout, if any). */
void tcp_conn_timer_arm(struct tcb *tcb, usec_t now);
/* Zero window with data waiting and nothing in flight: start probing;
 * an open window: stop. */
void tcp_persist_check(struct tcb *tcb, usec_t now);
void tcp_delack_arm(struct tcb *tcb, usec_t now);
/* Start FIN-WAIT-2's timeout for an orphaned connection. */
void tcp_fin_wait_2_timer_arm(struct tcb *tcb, usec_t now);
/* RFC 6298 §5.5's backoff for a timer that has no tcb (a SYN cache
 * entry): `rto` after one more timeout, by back_off()'s rule. */
usec_t tcp_rto_backed_off(struct tcb *listener, usec_t rto, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
