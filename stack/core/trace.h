/*
 * trace.h — the trace recorder: what crossed the link and what changed
 * inside, in time order.
 *
 * Tests assert traces, and the tools draw them (ladder diagrams, sequence
 * plots) or write them as pcap. One event per line when printed:
 *
 *   12.000300 client  out  IP 10.0.0.1.40000 > 10.0.0.2.80: S 0:0(0) win 65535 <mss 1460>
 *   12.000300 client  state tcp 10.0.0.1:40000>10.0.0.2:80 CLOSED -> SYN_SENT
 *   12.010300 server  in   ...
 *
 * Packets are stored as bytes (the first TRACE_PKT_BYTES of them: enough for
 * every header), not as text, so that a formatter in a higher layer
 * (stack/dump) can print them in any notation and the pcap writer can export
 * them. The core knows nothing about the protocols.
 *
 * Every function accepts a NULL trace and then does nothing, so code records
 * unconditionally and a stack without a trace pays one branch.
 */
#ifndef TUNLAB_CORE_TRACE_H
#define TUNLAB_CORE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

enum trace_kind {
    TRACE_PKT_IN,     /* a device handed the stack a packet */
    TRACE_PKT_OUT,    /* the stack handed a device a packet */
    TRACE_PKT_LOST,   /* the simulated link dropped a packet in flight */
    TRACE_STATE,      /* a state machine moved: text = "FROM -> TO" */
    TRACE_VAR,        /* a variable took a value (cwnd, ssthresh, rto): text = name */
    TRACE_NOTE,       /* free text: "arp: resolved 10.0.1.1", "timer 2msl fired" */
};

/* How the bytes of a packet event begin: a bare IP packet (TUN) or an
 * Ethernet frame (TAP). Values are the pcap LINKTYPE numbers. */
enum trace_link {
    TRACE_LINK_ETHERNET = 1,
    TRACE_LINK_IP = 101,
};

#define TRACE_NODE_LEN 16
#define TRACE_SUBJECT_LEN 64
#define TRACE_TEXT_LEN 96
#define TRACE_PKT_BYTES 128

struct trace_event {
    usec_t time;
    enum trace_kind kind;
    char node[TRACE_NODE_LEN];       /* which host: "client", "server", "stack" */
    char subject[TRACE_SUBJECT_LEN]; /* what: "tcp 10.0.0.1:40000>10.0.0.2:80", "tun0" */
    char text[TRACE_TEXT_LEN];       /* state change, variable name, or note */
    int64_t value;                   /* TRACE_VAR's value */
    enum trace_link link;            /* packets only */
    uint32_t wire_len;               /* packets: the whole packet's length */
    uint16_t cap_len;                /* packets: bytes kept in bytes[] */
    uint8_t bytes[TRACE_PKT_BYTES];
};

typedef void (*trace_listener_fn)(void *ctx, const struct trace_event *ev);

struct trace {
    struct trace_event *events;
    size_t count;
    size_t capacity;
    size_t max_events;      /* recording stops here; `dropped` counts the rest */
    uint64_t dropped;
    trace_listener_fn listener;   /* optional: sees every event as it happens */
    void *listener_ctx;
};

/* max_events == 0 means the default (1,000,000). */
void trace_init(struct trace *t, size_t max_events);
void trace_destroy(struct trace *t);
void trace_clear(struct trace *t);
void trace_set_listener(struct trace *t, trace_listener_fn fn, void *ctx);

void trace_packet(struct trace *t, usec_t time, const char *node, enum trace_kind kind,
                  const char *subject, enum trace_link link, const uint8_t *bytes,
                  size_t len);
void trace_state(struct trace *t, usec_t time, const char *node, const char *subject,
                 const char *from, const char *to);
void trace_var(struct trace *t, usec_t time, const char *node, const char *subject,
               const char *name, int64_t value);
void trace_note(struct trace *t, usec_t time, const char *node, const char *subject,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

const char *trace_kind_name(enum trace_kind kind);

/* Writes "S.UUUUUU" for a time, the notation of every trace line. */
void trace_format_time(usec_t time, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif

#endif
