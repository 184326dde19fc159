/*
 * stack.h — one tunlab stack instance: the layers composed.
 *
 *   sockets ─► udp, tcp ─► ip4 + icmp ─► (eth + arp on TAP) ─► netdev
 *
 * A stack owns its timer queue, rng, and every layer's state; nothing is
 * global, so a test can run two stacks in one process joined by a simulated
 * link. The stack is a deterministic machine: packets enter through the
 * devices (netdev_receive), time enters through stack_run_timers(now), and
 * apps enter through the socket calls (stack/socket/socket.h), each of which
 * takes `now` too.
 */
#ifndef TUNLAB_STACK_H
#define TUNLAB_STACK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"
#include "stack/core/rng.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct eth_port;
struct arp;
struct ip4;
struct icmp;
struct udp;
struct tcp;
struct sock_table;

#define STACK_MAX_IFACES 4

struct stack_config {
    const char *name;      /* node name in traces and logs: "client", "server", "stack" */
    uint64_t seed;         /* seeds the rng: IP ids, ephemeral ports, ISN and cookie keys */
    struct trace *trace;   /* where events go; may be NULL (not owned) */
};

struct stack {
    char name[16];
    struct rng rng;
    struct timerq timers;
    struct trace *trace;

    int iface_count;
    struct netdev *devs[STACK_MAX_IFACES];      /* not owned */
    struct eth_port *eths[STACK_MAX_IFACES];    /* NULL for IP (TUN) devices */
    struct arp *arps[STACK_MAX_IFACES];         /* NULL for IP (TUN) devices */

    struct ip4 *ip;
    struct icmp *icmp;
    struct udp *udp;
    struct tcp *tcp;
    struct sock_table *socks;
};

/* Resource limits (issue 11); a zero field means "the default". They are a
 * struct of their own rather than fields of stack_config so that the many
 * `{name, seed, trace}` initializers keep compiling without warnings. */
struct stack_limits {
    size_t pkb_memory;          /* bytes all packet buffers may hold: PKB_DEFAULT_LIMIT,
                                   64 MiB. Process-wide (pkb_set_limit): set here, it
                                   applies to every stack in the process; 0 leaves it
                                   as it is */
    size_t reass_max_bytes;     /* fragments held for reassembly: 256 KiB */
    size_t reass_max_datagrams; /* datagrams being reassembled at once: 64 */
    unsigned tcp_max_tw_buckets; /* TCP connections in TIME-WAIT: 32768 */
};

/* Returns NULL when out of memory. stack_new takes every default limit. */
struct stack *stack_new(const struct stack_config *cfg);
struct stack *stack_new_ex(const struct stack_config *cfg, const struct stack_limits *limits);
/* Frees every layer; devices are not closed (their owner does that). */
void stack_free(struct stack *st);

/* Give the stack a device with an IPv4 address. IP devices (TUN) feed IPv4
 * directly; Ethernet devices (TAP) get an Ethernet port and ARP, and announce
 * themselves with a gratuitous ARP. Adds the connected route. Returns the
 * interface index or a negative errno. */
int stack_add_iface(struct stack *st, struct netdev *dev, uint32_t addr, uint8_t prefix_len,
                    usec_t now);

/* Add a route: prefix/len via gateway (0 = directly connected on the
 * interface that covers it). Returns 0 or a negative errno. */
int stack_add_route(struct stack *st, uint32_t prefix, uint8_t prefix_len, uint32_t gateway);

/* Fire due timers. */
void stack_run_timers(struct stack *st, usec_t now);
/* The earliest timer deadline, USEC_NEVER if none. */
usec_t stack_next_deadline(const struct stack *st);

/* Counters of every layer, like `netstat -s`. */
void stack_print_stats(const struct stack *st, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
