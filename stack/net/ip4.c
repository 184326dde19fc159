/*
 * ip4.c — the IPv4 layer's life cycle, its registered transports, and the
 * questions the layers above ask ("is this address ours?").
 *
 * Input is in ip4_input.c, output in ip4_output.c and ip4_frag.c, routing
 * in ip4_route.c, reassembly in ip4_reass.c, interfaces in ip4_iface.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/net/icmp.h"
#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_priv.h"

#define IP4_DEFAULT_REASS_TIMEOUT (30 * USEC_PER_SEC)
#define IP4_DEFAULT_REASS_MAX_BYTES (256 * 1024)
#define IP4_DEFAULT_REASS_MAX_DATAGRAMS 64
#define ICMP_DEFAULT_ERROR_BURST 10
#define ICMP_DEFAULT_ERROR_RATE 100

static void fill_defaults(struct ip4_config *c)
{
    if (c->default_ttl == 0)
        c->default_ttl = IP4_DEFAULT_TTL;
    if (c->reass_timeout == 0)
        c->reass_timeout = IP4_DEFAULT_REASS_TIMEOUT;
    if (c->reass_max_bytes == 0)
        c->reass_max_bytes = IP4_DEFAULT_REASS_MAX_BYTES;
    if (c->reass_max_datagrams == 0)
        c->reass_max_datagrams = IP4_DEFAULT_REASS_MAX_DATAGRAMS;
    if (c->icmp_error_burst == 0)
        c->icmp_error_burst = ICMP_DEFAULT_ERROR_BURST;
    if (c->icmp_error_rate == 0)
        c->icmp_error_rate = ICMP_DEFAULT_ERROR_RATE;
}

/* RFC 1122 §3.3.2: when reassembly times out with fragment zero present,
 * send Time Exceeded (code 1, "fragment reassembly time exceeded"). */
static void reass_timed_out(void *ctx, const struct pkb *first, usec_t now)
{
    struct ip4 *ip = ctx;
    icmp_send_error(ip->icmp, first, ICMP_TIME_EXCEEDED, ICMP_EXCEEDED_REASSEMBLY, now);
}

struct ip4 *ip4_new(const struct ip4_config *cfg, struct timerq *timers, struct rng *rng,
                    struct trace *trace, const char *trace_node)
{
    struct ip4 *ip = calloc(1, sizeof(*ip));
    if (ip == NULL)
        return NULL;
    if (cfg != NULL)
        ip->cfg = *cfg;
    fill_defaults(&ip->cfg);
    ip->timers = timers;
    ip->trace = trace;
    strncpy(ip->trace_node, trace_node ? trace_node : "stack", sizeof(ip->trace_node) - 1);
    /* A per-stack counter starting at a random value, so two stacks (or two
     * runs with different seeds) do not use the same ids (RFC 6864 §4.1
     * only asks ids to be unique per source, destination and protocol for
     * the datagram's lifetime; a counter does that). */
    ip->next_id = (uint16_t)(rng != NULL ? rng_u32(rng) : 0);

    ip4_reass_init(&ip->reass, timers, ip->cfg.reass_timeout, ip->cfg.reass_max_bytes,
                   ip->cfg.reass_max_datagrams, reass_timed_out, ip);
    ip->reass.trace = trace;
    ip->reass.trace_node = ip->trace_node;

    ip->icmp = icmp_new(ip, ip->cfg.icmp_error_burst, ip->cfg.icmp_error_rate, trace,
                        ip->trace_node);
    if (ip->icmp == NULL) {
        free(ip);
        return NULL;
    }
    return ip;
}

void ip4_free(struct ip4 *ip)
{
    if (ip == NULL)
        return;
    for (int i = 0; i < ip->iface_count; i++) {
        struct ip4_iface *iface = &ip->ifaces[i];
        if (iface->eth == NULL) {
            netdev_set_input(iface->dev, NULL, NULL);
        } else {
            eth_unregister(iface->eth, ETH_TYPE_IPV4);
            arp_set_unreachable_handler(iface->arp, NULL, NULL);
        }
    }
    ip4_reass_destroy(&ip->reass);
    icmp_free(ip->icmp);
    free(ip);
}

struct icmp *ip4_icmp(struct ip4 *ip) { return ip->icmp; }

int ip4_register_protocol(struct ip4 *ip, uint8_t protocol, ip4_input_fn input,
                          ip4_error_fn error, void *ctx)
{
    if (input == NULL)
        return -EINVAL;
    if (ip4_find_protocol(ip, protocol) != NULL)
        return -EEXIST;
    if (ip->protocol_count == IP4_MAX_PROTOCOLS)
        return -ENOSPC;
    struct ip4_protocol *pr = &ip->protocols[ip->protocol_count++];
    pr->protocol = protocol;
    pr->input = input;
    pr->error = error;
    pr->ctx = ctx;
    return 0;
}

const struct ip4_protocol *ip4_find_protocol(const struct ip4 *ip, uint8_t protocol)
{
    for (int i = 0; i < ip->protocol_count; i++)
        if (ip->protocols[i].protocol == protocol)
            return &ip->protocols[i];
    return NULL;
}

bool ip4_is_broadcast(const struct ip4 *ip, uint32_t dst)
{
    /* 255.255.255.255 is the limited broadcast; 0.0.0.0 its old form that
     * RFC 1122 §3.2.1.3 asks hosts to accept. */
    if (dst == IP4_ADDR_BROADCAST || dst == IP4_ADDR_ANY)
        return true;
    for (int i = 0; i < ip->iface_count; i++)
        if (ip4_is_broadcast_for(dst, ip->ifaces[i].addr, ip->ifaces[i].prefix_len))
            return true;
    return false;
}

bool ip4_is_local(const struct ip4 *ip, uint32_t addr)
{
    for (int i = 0; i < ip->iface_count; i++)
        if (ip->ifaces[i].addr == addr)
            return true;
    return ip4_is_broadcast(ip, addr);
}

uint32_t ip4_source_for(struct ip4 *ip, uint32_t dst)
{
    const struct ip4_route *rt = ip4_route_lookup(ip, dst);
    if (rt == NULL)
        return 0;
    return ip->ifaces[rt->ifindex].addr;
}

int ip4_deliver_error(struct ip4 *ip, uint8_t type, uint8_t code, const uint8_t *quoted,
                      size_t quoted_len, usec_t now)
{
    if (quoted_len < IP4_HDR_MIN_LEN)
        return -EINVAL;
    const struct ip4_protocol *pr = ip4_find_protocol(ip, quoted[IP4_OFF_PROTOCOL]);
    if (pr == NULL || pr->error == NULL)
        return -ENOENT;
    pr->error(pr->ctx, type, code, quoted, quoted_len, now);
    return 0;
}

const struct ip4_stats *ip4_stats(const struct ip4 *ip) { return &ip->stats; }

const struct ip4_reass_stats *ip4_reass_stats(const struct ip4 *ip) { return &ip->reass.stats; }

uint16_t ip4_peek_next_id(const struct ip4 *ip) { return ip->next_id; }
