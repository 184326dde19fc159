/*
 * tunlabd — the tunlab stack on a TUN or TAP device, serving until Ctrl-C.
 *
 *   tunlabd --dev tun0 --mode tun --kernel-addr 10.0.0.1/24 --addr 10.0.0.2
 *
 * `./tunlab demo` runs it inside the network namespace `tunlab`; run it by
 * hand the same way: sudo ip netns exec tunlab bazel-bin/apps/tunlabd/tunlabd
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/daemon/daemon.h"
#include "stack/core/log.h"
#include "stack/net/ip4.h"

static struct daemon *running;

static void on_signal(int sig)
{
    (void)sig;
    if (running != NULL)
        daemon_stop(running);   /* only sets the loop's stop flag and wakes it */
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tunlabd [options]\n"
            "  --dev NAME           device to create or attach (default tun0)\n"
            "  --mode tun|tap       TUN: IP packets; TAP: Ethernet frames with ARP (default tun)\n"
            "  --addr A.B.C.D       the stack's address (default 10.0.0.2)\n"
            "  --kernel-addr A.B.C.D/LEN\n"
            "                       give the kernel's side this address (default 10.0.0.1/24)\n"
            "  --mac XX:XX:XX:XX:XX:XX  the stack's MAC in TAP mode (default 02:00:00:00:01:02)\n"
            "  --pcap FILE          capture every packet in and out (Wireshark, tcpdump -r)\n"
            "  --control PATH       control socket for tunlabctl (ss, stats, route, arp, ping)\n"
            "  --seed N             seed of the stack's random choices (default 1)\n"
            "  --trace              print every packet and state change as it happens\n"
            "  --no-services        no built-in services (ICMP echo still answers)\n"
            "  --www DIR            the HTTP server (port 80) also serves the files in DIR\n"
            "  --log-level LEVEL    error, warn, info or debug (default warn)\n"
            "  --help               this text\n");
}

static int parse_prefix(const char *text, uint32_t *addr, uint8_t *len)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%s", text);
    char *slash = strchr(buf, '/');
    long bits = 24;
    if (slash != NULL) {
        char *end;
        *slash = '\0';
        bits = strtol(slash + 1, &end, 10);
        if (*end != '\0' || bits < 1 || bits > 30)
            return -1;
    }
    if (ip4_parse_addr(buf, addr) < 0)
        return -1;
    *len = (uint8_t)bits;
    return 0;
}

static int parse_mac(const char *text, uint8_t mac[ETH_ADDR_LEN])
{
    unsigned v[ETH_ADDR_LEN];
    char extra;
    if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &extra) != 6)
        return -1;
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        if (v[i] > 0xff)
            return -1;
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

static int parse_log_level(const char *text)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0)
            return i;
    return -1;
}

/* Exits with status 2 and a hint on any bad argument. */
static void parse_args(int argc, char **argv, struct daemon_config *cfg)
{
    enum { OPT_DEV = 1, OPT_MODE, OPT_ADDR, OPT_KADDR, OPT_MAC, OPT_PCAP, OPT_CONTROL,
           OPT_SEED, OPT_TRACE, OPT_NOSERV, OPT_LOG, OPT_HELP, OPT_WWW };
    static const struct option opts[] = {
        {"dev", required_argument, 0, OPT_DEV},       {"mode", required_argument, 0, OPT_MODE},
        {"addr", required_argument, 0, OPT_ADDR},     {"kernel-addr", required_argument, 0, OPT_KADDR},
        {"mac", required_argument, 0, OPT_MAC},       {"pcap", required_argument, 0, OPT_PCAP},
        {"control", required_argument, 0, OPT_CONTROL}, {"seed", required_argument, 0, OPT_SEED},
        {"trace", no_argument, 0, OPT_TRACE},         {"no-services", no_argument, 0, OPT_NOSERV},
        {"log-level", required_argument, 0, OPT_LOG}, {"help", no_argument, 0, OPT_HELP},
        {"www", required_argument, 0, OPT_WWW},
        {0, 0, 0, 0},
    };
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *bad = NULL;
        char *end;
        switch (opt) {
        case OPT_DEV:
            if (strlen(optarg) == 0 || strlen(optarg) >= NETDEV_NAME_LEN)
                bad = "--dev needs a name of 1 to 15 characters";
            cfg->dev_name = optarg;
            break;
        case OPT_MODE:
            if (strcmp(optarg, "tun") == 0)
                cfg->link = NETDEV_LINK_IP;
            else if (strcmp(optarg, "tap") == 0)
                cfg->link = NETDEV_LINK_ETHERNET;
            else
                bad = "--mode is tun or tap";
            break;
        case OPT_ADDR:
            if (ip4_parse_addr(optarg, &cfg->addr) < 0)
                bad = "--addr needs an IPv4 address like 10.0.0.2";
            break;
        case OPT_KADDR:
            if (parse_prefix(optarg, &cfg->kernel_addr, &cfg->prefix_len) < 0)
                bad = "--kernel-addr needs ADDRESS/LENGTH like 10.0.0.1/24 (length 1..30)";
            break;
        case OPT_MAC:
            if (parse_mac(optarg, cfg->mac) < 0)
                bad = "--mac needs six hex bytes like 02:00:00:00:01:02";
            break;
        case OPT_PCAP: cfg->pcap_path = optarg; break;
        case OPT_CONTROL: cfg->control_path = optarg; break;
        case OPT_SEED:
            errno = 0;
            cfg->seed = strtoull(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || *optarg == '\0')
                bad = "--seed needs a whole number";
            break;
        case OPT_TRACE: cfg->live_trace = true; break;
        case OPT_NOSERV: cfg->services = false; break;
        case OPT_WWW: cfg->www_root = optarg; break;
        case OPT_LOG: {
            int level = parse_log_level(optarg);
            if (level < 0)
                bad = "--log-level is error, warn, info or debug";
            else
                log_set_level((enum log_level)level);
            break;
        }
        case OPT_HELP: usage(stdout); exit(0);
        default:
            fprintf(stderr, "tunlabd: unknown option '%s' (try --help)\n", argv[optind - 1]);
            exit(2);
        }
        if (bad != NULL) {
            fprintf(stderr, "tunlabd: %s (got '%s'; try --help)\n", bad, optarg);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "tunlabd: unexpected argument '%s' (try --help)\n", argv[optind]);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    struct daemon_config cfg;
    daemon_config_default(&cfg);
    parse_args(argc, argv, &cfg);

    char err[256];
    struct daemon *d = daemon_new(&cfg, err, sizeof(err));
    if (d == NULL) {
        fprintf(stderr, "tunlabd: %s\n", err);
        return 1;
    }
    running = d;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    char addr[16];
    ip4_format_addr(cfg.addr, addr, sizeof(addr));
    printf("tunlabd: stack at %s on %s (%s mode), ready\n", addr, cfg.dev_name,
           cfg.link == NETDEV_LINK_IP ? "tun" : "tap");
    fflush(stdout);
    int rc = daemon_run(d);
    running = NULL;
    fprintf(stderr, "tunlabd: stopping%s%s\n", rc < 0 ? ": " : "", rc < 0 ? strerror(-rc) : "");
    daemon_report(d, "stats", stderr);
    daemon_free(d);
    return rc < 0 ? 1 : 0;
}
