/*
 * arp.c — ARP (RFC 826) for IPv4 over Ethernet: the packets. Receiving
 * (the "Packet Reception" algorithm of RFC 826), answering requests for our
 * address, sending requests and gratuitous announcements, and arp_output,
 * which the IPv4 layer calls for every packet leaving an Ethernet port.
 * The cache itself (states, timers, waiting packets) is in arp_cache.c.
 */
#include "stack/link/arp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/link/arp_cache.h"
#include "stack/link/arp_hdr.h"

void arp_format_ip(uint32_t ip, char *out, size_t outlen)
{
    snprintf(out, outlen, "%u.%u.%u.%u", (unsigned)(ip >> 24), (unsigned)(ip >> 16 & 0xff),
             (unsigned)(ip >> 8 & 0xff), (unsigned)(ip & 0xff));
}

void arp_config_default(struct arp_config *cfg)
{
    cfg->reachable_time = usec_from_sec(30);
    cfg->stale_time = usec_from_sec(60);
    cfg->retry_interval = usec_from_sec(1);   /* RFC 1122 §2.3.2.1: 1 per second */
    cfg->max_requests = 3;
    /* Enough for every fragment of the largest IPv4 datagram (65,535 bytes
     * in 1,480-byte pieces: 45), so a big first ping to an unresolved
     * neighbour is not cut short; Linux's unres_qlen is 101. */
    cfg->max_queued = 48;
    cfg->max_entries = 256;
}

/* Send one ARP packet with our addresses as the sender. */
static int arp_send(struct arp *arp, uint16_t op, const uint8_t tha[ETH_ADDR_LEN], uint32_t tpa,
                    const uint8_t eth_dst[ETH_ADDR_LEN], usec_t now)
{
    /* Room for the padding too, so eth_output need not copy. */
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, ETH_MIN_FRAME - ETH_HDR_LEN);
    struct arp_hdr h = {
        .htype = ARP_HTYPE_ETHERNET,
        .ptype = ARP_PTYPE_IPV4,
        .hlen = ETH_ADDR_LEN,
        .plen = 4,
        .op = op,
        .spa = arp->our_ip,
        .tpa = tpa,
    };

    if (!p) {
        arp->stats.tx_errors++;
        return -ENOBUFS;
    }
    memcpy(h.sha, arp->port->dev->mac, ETH_ADDR_LEN);
    memcpy(h.tha, tha, ETH_ADDR_LEN);
    arp_hdr_emit(&h, pkb_put(p, ARP_HDR_LEN));
    if (eth_output(arp->port, p, eth_dst, ETH_TYPE_ARP, now) < 0) {
        arp->stats.tx_errors++;
        return -ENOBUFS;
    }
    return 0;
}

int arp_send_request(struct arp *arp, uint32_t ip, usec_t now)
{
    /* RFC 826 leaves the target hardware address "don't care"; RFC 5227 §2.1.1
     * asks for zeros, which is what Linux sends too. */
    static const uint8_t unknown[ETH_ADDR_LEN] = {0};

    arp->stats.tx_requests++;
    return arp_send(arp, ARP_OP_REQUEST, unknown, ip, ETH_BROADCAST, now);
}

void arp_announce(struct arp *arp, usec_t now)
{
    /* A gratuitous ARP is a request for our own address (sender = target =
     * our_ip), broadcast: every host that has us in its cache merges our
     * (possibly new) MAC (RFC 826's merge rule; RFC 5227 §3 "ARP
     * Announcement"). Nobody answers it. */
    static const uint8_t unknown[ETH_ADDR_LEN] = {0};
    char ip[16];

    arp_format_ip(arp->our_ip, ip, sizeof(ip));
    trace_note(arp->trace, now, arp->trace_node, "arp", "gratuitous ARP for %s", ip);
    arp->stats.tx_announcements++;
    arp_send(arp, ARP_OP_REQUEST, unknown, arp->our_ip, ETH_BROADCAST, now);
}

/* Addresses no host can own: we must not answer or learn them. */
static bool arp_sender_is_bogus(const struct arp_hdr *h)
{
    bool mac_is_zero = true;

    for (int i = 0; i < ETH_ADDR_LEN; i++)
        if (h->sha[i] != 0)
            mac_is_zero = false;
    if (mac_is_zero || eth_addr_is_group(h->sha))
        return true;
    /* 255.255.255.255 and 224.0.0.0/4 (multicast) are never a host. */
    return h->spa == 0xffffffffu || (h->spa >> 28) == 0xe;
}

static void arp_count_malformed(struct arp *arp, enum arp_hdr_error err)
{
    switch (err) {
    case ARP_HDR_OK:
        break;
    case ARP_HDR_TRUNCATED:
        arp->stats.rx_truncated++;
        break;
    case ARP_HDR_BAD_HTYPE:
        arp->stats.rx_bad_hw_type++;
        break;
    case ARP_HDR_BAD_PTYPE:
        arp->stats.rx_bad_proto_type++;
        break;
    case ARP_HDR_BAD_LENGTHS:
        arp->stats.rx_bad_lengths++;
        break;
    case ARP_HDR_BAD_OPCODE:
        arp->stats.rx_bad_opcode++;
        break;
    }
}

/* The Ethernet handler for EtherType 0x0806: RFC 826, "Packet Reception".
 * Takes ownership of p. */
static void arp_input(void *ctx, struct pkb *p, const uint8_t src_mac[ETH_ADDR_LEN], usec_t now)
{
#ifdef LAB2_SOLUTION
    struct arp *arp = ctx;
    struct arp_hdr h;
    enum arp_hdr_error err;
    struct arp_entry *e;
    bool for_us;

    (void)src_mac;   /* RFC 826 trusts ar$sha, not the frame's source (proxies differ) */
    arp->stats.rx_packets++;
    err = arp_hdr_parse(p->data, p->len, &h);
    if (err != ARP_HDR_OK) {
        char reason[48];
        snprintf(reason, sizeof(reason), "dropped: %s", arp_hdr_error_name(err));
        trace_note(arp->trace, now, arp->trace_node, "arp", "%s", reason);
        arp_count_malformed(arp, err);
        goto drop;
    }
    if (h.op == ARP_OP_REQUEST)
        arp->stats.rx_requests++;
    else
        arp->stats.rx_replies++;
    if (arp_sender_is_bogus(&h)) {
        arp->stats.rx_bad_sender++;
        goto drop;
    }
    if (h.spa == arp->our_ip) {
        /* Someone else uses our address (RFC 5227 §2.4 "conflict"). Do not
         * let it into the cache; the log tells the operator. */
        char mac[18];
        eth_format_addr(h.sha, mac, sizeof(mac));
        trace_note(arp->trace, now, arp->trace_node, "arp", "address conflict: %s claims ours",
                   mac);
        arp->stats.rx_conflicts++;
        goto drop;
    }
    for_us = h.tpa == arp->our_ip;

    /* Sender IP 0 is an ARP probe (RFC 5227 §2.1.1): a host checking that
     * an address is free. It teaches us nothing; answer it if it asks for
     * our address, so that the prober sees the address is taken. */
    if (h.spa != 0) {
        /* "If the pair <protocol type, sender protocol address> is already
         * in my translation table, update the sender hardware address field
         * of the entry with the new information in the packet and set
         * Merge_flag to true." */
        e = arp_cache_find(arp, h.spa);
        if (e)
            arp_cache_update(arp, e, h.sha, h.op == ARP_OP_REPLY, now);
        /* "?Am I the target protocol address? Yes: If Merge_flag is false,
         * add the triplet <protocol type, sender protocol address, sender
         * hardware address> to the translation table." */
        else if (for_us)
            arp_cache_learn(arp, h.spa, h.sha, now);
    }
    if (!for_us) {
        if (h.op == ARP_OP_REQUEST)
            arp->stats.rx_not_for_us++;
        goto drop;
    }
    /* "?Is the opcode ares_op$REQUEST? Yes: Swap hardware and protocol
     * fields, putting the local hardware and protocol addresses in the
     * sender fields. Set the ar$op field to ares_op$REPLY. Send the packet
     * to the (new) target hardware address." */
    if (h.op == ARP_OP_REQUEST) {
        arp->stats.tx_replies++;
        arp_send(arp, ARP_OP_REPLY, h.sha, h.spa, h.sha, now);
    }
drop:
    pkb_free(p);
#else
    /* TODO(lab 2): arp_input() — labs/lab2-datalink/README.md, "Part B".
     * RFC 826 "Packet Reception": parse (arp_hdr_parse; a bad packet is
     * counted with arp_count_malformed), drop impossible senders
     * (arp_sender_is_bogus) and senders claiming our address; merge the
     * sender into an existing entry (arp_cache_update), or learn it
     * (arp_cache_learn) if the packet is for us; answer a request for our
     * address with a reply (arp_send). Always free p. */
    struct arp *arp = ctx;

    (void)src_mac;
    (void)now;
    (void)arp_sender_is_bogus;
    (void)arp_count_malformed;
    arp->stats.rx_packets++;
    pkb_free(p);   /* ignores every ARP packet */
#endif
}

struct arp *arp_new(struct eth_port *port, uint32_t our_ip, const struct arp_config *cfg,
                    struct timerq *timers, struct trace *trace, const char *trace_node)
{
    struct arp *arp = calloc(1, sizeof(*arp));
    struct arp_config defaults;

    if (!arp)
        return NULL;
    arp_config_default(&defaults);
    arp->cfg = cfg ? *cfg : defaults;
    /* A zero field means "the default", so a test can set only what it needs. */
    if (arp->cfg.reachable_time == 0)
        arp->cfg.reachable_time = defaults.reachable_time;
    if (arp->cfg.stale_time == 0)
        arp->cfg.stale_time = defaults.stale_time;
    if (arp->cfg.retry_interval == 0)
        arp->cfg.retry_interval = defaults.retry_interval;
    if (arp->cfg.max_requests <= 0)
        arp->cfg.max_requests = defaults.max_requests;
    if (arp->cfg.max_queued <= 0)
        arp->cfg.max_queued = defaults.max_queued;
    if (arp->cfg.max_entries <= 0)
        arp->cfg.max_entries = defaults.max_entries;
    arp->port = port;
    arp->our_ip = our_ip;
    arp->timers = timers;
    arp->trace = trace;
    snprintf(arp->trace_node, sizeof(arp->trace_node), "%s", trace_node ? trace_node : "");
    if (eth_register(port, ETH_TYPE_ARP, arp_input, arp) < 0) {
        free(arp);
        return NULL;
    }
    return arp;
}

void arp_free(struct arp *arp)
{
    if (!arp)
        return;
    eth_unregister(arp->port, ETH_TYPE_ARP);
    arp_cache_clear(arp);
    free(arp);
}

void arp_set_unreachable_handler(struct arp *arp, arp_unreachable_fn fn, void *ctx)
{
    arp->unreachable = fn;
    arp->unreachable_ctx = ctx;
}

/* Destinations that need no ARP: the limited broadcast goes to the
 * broadcast MAC, an IPv4 multicast group to 01:00:5e + its low 23 bits
 * (RFC 1112 §6.4). Returns true and fills mac for those. */
static bool arp_map_group(uint32_t ip, uint8_t mac[ETH_ADDR_LEN])
{
    if (ip == 0xffffffffu) {
        memcpy(mac, ETH_BROADCAST, ETH_ADDR_LEN);
        return true;
    }
    if ((ip >> 28) != 0xe)
        return false;
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = (uint8_t)(ip >> 16 & 0x7f);
    mac[4] = (uint8_t)(ip >> 8);
    mac[5] = (uint8_t)ip;
    return true;
}

int arp_output(struct arp *arp, struct pkb *p, uint32_t nexthop, usec_t now)
{
    uint8_t group[ETH_ADDR_LEN];
    struct arp_entry *e;
    int err;

    if (nexthop == 0) {
        pkb_free(p);
        return -EHOSTUNREACH;
    }
    if (arp_map_group(nexthop, group)) {
        arp->stats.tx_ip_packets++;
        return eth_output(arp->port, p, group, ETH_TYPE_IPV4, now);
    }
    e = arp_cache_find(arp, nexthop);
    if (!e)
        return arp_cache_resolve(arp, nexthop, p, now);
    if (e->state == ARP_STATE_INCOMPLETE) {
        /* A request is already out: wait for its answer, do not ask again
         * (RFC 1122 §2.3.2.1, no flooding). */
        arp_cache_enqueue(arp, e, p, now);
        return 0;
    }
    /* REACHABLE or STALE: a STALE MAC is still our best knowledge. */
    arp->stats.tx_ip_packets++;
    err = eth_output(arp->port, p, e->mac, ETH_TYPE_IPV4, now);
    if (err < 0)
        arp->stats.tx_errors++;
    return err;
}

const struct arp_stats *arp_get_stats(const struct arp *arp) { return &arp->stats; }

void arp_print_stats(const struct arp *arp, FILE *out)
{
    const struct arp_stats *s = &arp->stats;
#define ARP_STAT(field, text) fprintf(out, "    %llu " text "\n", (unsigned long long)s->field)
    fprintf(out, "Arp:\n");
    ARP_STAT(rx_packets, "packets received");
    ARP_STAT(rx_requests, "requests received");
    ARP_STAT(rx_replies, "replies received");
    ARP_STAT(rx_truncated, "dropped: truncated");
    ARP_STAT(rx_bad_hw_type, "dropped: bad hardware type");
    ARP_STAT(rx_bad_proto_type, "dropped: bad protocol type");
    ARP_STAT(rx_bad_lengths, "dropped: bad address lengths");
    ARP_STAT(rx_bad_opcode, "dropped: bad opcode");
    ARP_STAT(rx_bad_sender, "dropped: impossible sender address");
    ARP_STAT(rx_conflicts, "dropped: another host claims our address");
    ARP_STAT(rx_not_for_us, "requests for other hosts");
    ARP_STAT(tx_requests, "requests sent");
    ARP_STAT(tx_replies, "replies sent");
    ARP_STAT(tx_announcements, "gratuitous announcements sent");
    ARP_STAT(tx_ip_packets, "IPv4 packets sent");
    ARP_STAT(queued, "packets queued for resolution");
    ARP_STAT(queue_drops, "queued packets dropped: queue full");
    ARP_STAT(resolved, "addresses resolved");
    ARP_STAT(resolve_failed, "resolutions failed");
    ARP_STAT(unreachable_packets, "packets reported unreachable");
    ARP_STAT(evictions, "stale entries evicted");
    ARP_STAT(cache_full, "entries refused: cache full");
    ARP_STAT(tx_errors, "send errors");
#undef ARP_STAT
}
