/*
 * stack.c — compose the layers into one stack instance.
 *
 * This file is the only place that knows every layer: it creates them from
 * the bottom up, wires each to the one below, and frees them from the top
 * down. Read it to see the whole stack on one page.
 */
#include "stack/stack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/pkb.h"
#include "stack/link/arp.h"
#include "stack/link/ethernet.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4.h"
#include "stack/net/ip4_route.h"
#include "stack/socket/sock_table.h"
#include "stack/socket/socket_tcp.h"
#include "stack/transport/tcp.h"
#include "stack/transport/udp.h"

struct stack *stack_new(const struct stack_config *cfg)
{
    return stack_new_ex(cfg, NULL);
}

struct stack *stack_new_ex(const struct stack_config *cfg, const struct stack_limits *limits)
{
    static const struct stack_limits defaults;   /* all zero: every default */
    struct ip4_config ip_cfg = {0};
    struct tcp_config tcp_cfg;

    if (limits == NULL)
        limits = &defaults;
    struct stack *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return NULL;
    snprintf(st->name, sizeof(st->name), "%s", cfg->name ? cfg->name : "stack");
    rng_seed(&st->rng, cfg->seed);
    timerq_init(&st->timers);
    st->trace = cfg->trace;
    if (limits->pkb_memory != 0)
        pkb_set_limit(limits->pkb_memory);

    /* Bottom up: IPv4 (with ICMP), then the transports on top of it. Zero
     * fields of the configs mean "the layer's default". */
    ip_cfg.reass_max_bytes = limits->reass_max_bytes;
    ip_cfg.reass_max_datagrams = limits->reass_max_datagrams;
    st->ip = ip4_new(&ip_cfg, &st->timers, &st->rng, st->trace, st->name);
    if (st->ip == NULL)
        goto fail;
    st->icmp = ip4_icmp(st->ip);
    st->udp = udp_new(st->ip, st->icmp, &st->rng, st->trace, st->name);
    if (st->udp == NULL)
        goto fail;
    tcp_config_default(&tcp_cfg);
    tcp_cfg.max_tw_buckets = limits->tcp_max_tw_buckets;
    st->tcp = tcp_new(st->ip, &st->timers, &st->rng, st->trace, st->name, &tcp_cfg);
    if (st->tcp == NULL)
        goto fail;

    /* The sockets on top: UDP registers itself, TCP is added here. */
    st->socks = sock_table_new(st);
    if (st->socks == NULL || sock_table_add_proto(st->socks, &socket_tcp_ops) < 0)
        goto fail;
    return st;

fail:
    stack_free(st);
    return NULL;
}

void stack_free(struct stack *st)
{
    if (st == NULL)
        return;
    /* Top down, so no layer outlives the one it registered with. */
    sock_table_free(st->socks);
    tcp_free(st->tcp);
    udp_free(st->udp);
    ip4_free(st->ip);
    for (int i = 0; i < st->iface_count; i++) {
        arp_free(st->arps[i]);
        free(st->eths[i]);
    }
    timerq_destroy(&st->timers);
    free(st);
}

/* An Ethernet device gets a port (EtherType demux) and ARP for its address;
 * an IP device (TUN) needs neither: IPv4 attaches to it directly. */
static int attach_link_layer(struct stack *st, int slot, struct netdev *dev, uint32_t addr)
{
    if (dev->link != NETDEV_LINK_ETHERNET)
        return 0;
    st->eths[slot] = calloc(1, sizeof(struct eth_port));
    if (st->eths[slot] == NULL)
        return -ENOMEM;
    eth_attach(st->eths[slot], dev);
    st->arps[slot] = arp_new(st->eths[slot], addr, NULL, &st->timers, st->trace, st->name);
    if (st->arps[slot] == NULL) {
        free(st->eths[slot]);
        st->eths[slot] = NULL;
        return -ENOMEM;
    }
    return 0;
}

int stack_add_iface(struct stack *st, struct netdev *dev, uint32_t addr, uint8_t prefix_len,
                    usec_t now)
{
    if (st->iface_count == STACK_MAX_IFACES)
        return -ENOSPC;
    int slot = st->iface_count;
    if (dev->trace == NULL)
        netdev_set_trace(dev, st->trace, st->name);

    int err = attach_link_layer(st, slot, dev, addr);
    if (err < 0)
        return err;
    int index = ip4_add_iface(st->ip, dev, st->eths[slot], st->arps[slot], addr, prefix_len);
    if (index < 0) {
        arp_free(st->arps[slot]);
        free(st->eths[slot]);
        st->arps[slot] = NULL;
        st->eths[slot] = NULL;
        return index;
    }
    st->devs[slot] = dev;
    st->iface_count++;
    /* RFC 5227 §3: announce our address when the interface comes up, so
     * neighbours with a stale mapping learn the new MAC at once. */
    if (st->arps[slot] != NULL)
        arp_announce(st->arps[slot], now);
    return index;
}

int stack_add_route(struct stack *st, uint32_t prefix, uint8_t prefix_len, uint32_t gateway)
{
    return ip4_route_add(st->ip, prefix, prefix_len, gateway, -1);
}

void stack_run_timers(struct stack *st, usec_t now)
{
    timerq_run(&st->timers, now);
}

usec_t stack_next_deadline(const struct stack *st)
{
    return timerq_next_deadline(&st->timers);
}

void stack_print_stats(const struct stack *st, FILE *out)
{
    for (int i = 0; i < st->iface_count; i++) {
        const struct netdev *dev = st->devs[i];
        fprintf(out, "%s: rx %llu packets %llu bytes, tx %llu packets %llu bytes, "
                     "rx dropped %llu, tx dropped %llu\n",
                dev->name, (unsigned long long)dev->stats.rx_packets,
                (unsigned long long)dev->stats.rx_bytes,
                (unsigned long long)dev->stats.tx_packets,
                (unsigned long long)dev->stats.tx_bytes,
                (unsigned long long)dev->stats.rx_dropped,
                (unsigned long long)dev->stats.tx_dropped);
        if (st->eths[i] != NULL)
            eth_print_stats(st->eths[i], out);
        if (st->arps[i] != NULL)
            arp_print_stats(st->arps[i], out);
    }
    ip4_print_stats(st->ip, out);
    icmp_print_stats(st->icmp, out);
    udp_print_stats(st->udp, out);
    tcp_print_stats(st->tcp, out);
}
