/*
 * report.c — the daemon's printable views of its stack: what `netstat -s`,
 * `ip route`, `ip neigh` and `ss -an` show for the kernel.
 */
#include <errno.h>
#include <string.h>

#include "apps/daemon/daemon.h"
#include "stack/link/arp.h"
#include "stack/net/ip4_route.h"
#include "stack/phy/loop.h"
#include "stack/transport/tcp.h"
#include "stack/transport/udp.h"

static void report_arp(const struct stack *st, FILE *out, usec_t now)
{
    bool any = false;
    for (int i = 0; i < st->iface_count; i++) {
        if (st->arps[i] != NULL) {
            arp_print_cache(st->arps[i], out, now);
            any = true;
        }
    }
    if (!any)
        fprintf(out, "no ARP on a TUN device: it carries bare IP packets, no MAC addresses\n");
}

int daemon_report(struct daemon *d, const char *what, FILE *out)
{
    struct stack *st = daemon_stack(d);
    struct tl_stack *tl = daemon_tl(d);
    int rc = 0;
    tl_stack_lock(tl);
    if (strcmp(what, "stats") == 0)
        stack_print_stats(st, out);
    else if (strcmp(what, "route") == 0)
        ip4_route_print(st->ip, out);
    else if (strcmp(what, "arp") == 0)
        report_arp(st, out, loop_clock_now());
    else if (strcmp(what, "sockets") == 0) {
        tcp_print_conns(st->tcp, out, loop_clock_now());
        udp_print_pcbs(st->udp, out);
    }
    else
        rc = -EINVAL;
    tl_stack_unlock(tl);
    return rc;
}
