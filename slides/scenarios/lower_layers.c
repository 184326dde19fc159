/*
 * lower_layers.c — the physical, data-link, network and UDP slides: ARP
 * before the first ping on Ethernet, a 4000-byte ping cut into IP
 * fragments, a wire that loses, duplicates and reorders, and UDP keeping
 * message boundaries (and not order).
 */
#include <string.h>

#include "slides/scenarios/scenario.h"
#include "stack/net/icmp.h"
#include "stack/socket/socket.h"

#define UDP_PORT 7000

static void on_reply(void *ctx, const struct icmp_echo_reply_info *r, usec_t now)
{
    struct shim_pair *p = ctx;
    (void)now;
    scenario_note(p, "client", "reply seq=%u, %zu bytes, rtt %llu us", r->seq, r->len,
                  (unsigned long long)r->rtt);
}

static int ping_run(const char *out, enum netdev_link link, size_t size, int count)
{
    struct shim_pair *p = shim_pair_new(1, link);
    int rc = -1;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    icmp_ping_set_handler(p->client->icmp, on_reply, NULL, p);
    shim_run_for(p, MSEC(10));   /* gratuitous ARPs of the two stacks */
    if (link == NETDEV_LINK_ETHERNET)
        trace_clear(sim_world_trace(p->world));   /* the figure starts at the ping */
    for (int seq = 1; seq <= count; seq++) {
        scenario_note(p, "client", "ping 10.0.0.2 (%zu bytes)", size);
        int err = icmp_ping_send(p->client->icmp, SHIM_SERVER_ADDR, 42, (uint16_t)seq, size,
                                 shim_now(p));
        if (err < 0) {
            scenario_fail("icmp_ping_send: %d", err);
            goto done;
        }
        shim_run_for(p, MSEC(10));
    }
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* Ethernet (TAP mode): the first ping waits for ARP (who-has 10.0.0.2?),
 * the second finds the MAC in the cache. */
static int arp_ping(const char *out)
{
    return ping_run(out, NETDEV_LINK_ETHERNET, 56, 2);
}

/* A 4000-byte ping over a 1500-byte MTU: three IP fragments each way
 * (1480 + 1480 + 1048 bytes of payload), reassembled at the far end. */
static int fragments(const char *out)
{
    return ping_run(out, NETDEV_LINK_IP, 4000, 1);
}

/* Send `count` datagrams of the given sizes 1 ms apart; the server reads
 * each with one recvfrom() into a 2000-byte buffer and says what it got. */
static int udp_run(const char *out, const struct sim_impairments *imp, const size_t *sizes,
                   int count, usec_t gap)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int rc = -1;
    char buf[2000];
    struct sock_addr any = {0, UDP_PORT}, to = {SHIM_SERVER_ADDR, UDP_PORT}, from;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    int sfd = socket_open(p->server, SOCK_TYPE_DGRAM);
    int cfd = socket_open(p->client, SOCK_TYPE_DGRAM);
    if (sfd < 0 || cfd < 0 || socket_bind(p->server, sfd, &any) < 0) {
        scenario_fail("udp sockets");
        goto done;
    }
    if (imp != NULL)
        sim_link_set_impairments(p->link, 0, imp);
    for (int i = 0; i < count; i++) {
        memset(buf, '0' + i % 10, sizes[i]);
        buf[0] = (char)('A' + i);
        scenario_note(p, "client", "sendto(%zu bytes, \"%c...\")", sizes[i], buf[0]);
        if (socket_sendto(p->client, cfd, buf, sizes[i], &to, shim_now(p)) != (ssize_t)sizes[i]) {
            scenario_fail("sendto %d failed", i);
            goto done;
        }
        shim_run_for(p, gap);
    }
    shim_run_for(p, MSEC(20));
    ssize_t n;
    while ((n = socket_recvfrom(p->server, sfd, buf, sizeof buf, &from, shim_now(p))) > 0)
        scenario_note(p, "server", "recvfrom() = %zd bytes, \"%c...\"", n, buf[0]);
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* UDP 会不会粘包: three sends, three datagrams, three receives of exactly
 * those sizes, however long the receiver waits before reading. */
static int udp_boundaries(const char *out)
{
    static const size_t sizes[] = {200, 400, 600};
    return udp_run(out, NULL, sizes, 3, 100);
}

/* UDP 为什么会乱序: a wire that holds some packets back; UDP has no
 * sequence numbers, so the receiver gets them in arrival order. The
 * physical-layer slide uses the same run to show the simulated wire. */
static int udp_reorder(const char *out)
{
    static const size_t sizes[] = {100, 100, 100, 100, 100, 100};
    struct sim_impairments imp = {
        .delay = MSEC(1), .reorder = 0.3, .reorder_delay = MSEC(3), .duplicate = 0.15,
        .loss = 0.15,
    };
    return udp_run(out, &imp, sizes, 6, MSEC(1));
}

const struct scenario lower_layer_scenarios[] = {
    {"arp_ping", "two pings over Ethernet: ARP first, then the cache", arp_ping},
    {"ip_fragments", "a 4000-byte ping over MTU 1500: fragments both ways", fragments},
    {"udp_boundaries", "three datagrams of 200, 400, 600 bytes: three receives", udp_boundaries},
    {"udp_reorder", "six datagrams over a wire that loses, duplicates, reorders", udp_reorder},
    {NULL, NULL, NULL},
};
