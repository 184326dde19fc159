/*
 * daemon.c — a stack on a real device (see daemon.h).
 */
#define _GNU_SOURCE
#include "apps/daemon/daemon.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "apps/daemon/control.h"
#include "apps/daemon/services.h"
#include "stack/dump/dump.h"
#include "stack/phy/loop.h"
#include "stack/phy/pcap.h"
#include "stack/phy/tap.h"
#include "stack/phy/tuntap.h"
#include "stack/transport/tcp.h"

struct daemon {
    struct daemon_config cfg;
    struct netdev dev;
    bool dev_open;
    struct trace trace;
    struct pcap_writer pcap;
    bool pcap_open;
    struct stack *st;
    struct tl_stack *tl;
    struct loop *loop;
    struct control *control;
    struct services *services;
    pthread_t thread;
    bool thread_started;
};

void daemon_config_default(struct daemon_config *cfg)
{
    static const uint8_t default_mac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};
    memset(cfg, 0, sizeof(*cfg));
    cfg->dev_name = "tun0";
    cfg->link = NETDEV_LINK_IP;
    cfg->addr = 0x0A000002;          /* 10.0.0.2 */
    cfg->prefix_len = 24;
    cfg->kernel_addr = 0x0A000001;   /* 10.0.0.1 */
    memcpy(cfg->mac, default_mac, ETH_ADDR_LEN);
    cfg->seed = 1;
    cfg->services = true;
}

/* ---- the event loop's view of the stack ------------------------------
 * The loop calls these with the real clock; each holds the stack's mutex so
 * that app threads in tl_* calls never see the stack half-way through. */

static usec_t daemon_clock(void *ctx)
{
    (void)ctx;
    return loop_clock_now();
}

static void loop_enter(void *ctx)
{
    tl_stack_lock(((struct daemon *)ctx)->tl);
}

static void loop_leave(void *ctx)
{
    tl_stack_unlock(((struct daemon *)ctx)->tl);
}

static void loop_run_timers(void *ctx, usec_t now)
{
    stack_run_timers(((struct daemon *)ctx)->st, now);
}

static usec_t loop_next_deadline(void *ctx)
{
    return stack_next_deadline(((struct daemon *)ctx)->st);
}

static void loop_on_wakeup(void *ctx, usec_t now)
{
    struct daemon *d = ctx;
    services_on_wakeup(d->services, now);
}

static const struct loop_ops daemon_loop_ops = {
    .enter = loop_enter,
    .leave = loop_leave,
    .run_timers = loop_run_timers,
    .next_deadline = loop_next_deadline,
    .on_wakeup = loop_on_wakeup,
};

/* tl_* calls made by other threads kick the loop so it re-computes its
 * sleep (a blocking connect() armed a new timer, say). */
static void daemon_kick(void *ctx)
{
    loop_wake(ctx);
}

static void print_live_event(void *ctx, const struct trace_event *ev)
{
    (void)ctx;
    char line[768];
    dump_event(ev, line, sizeof(line));
    fprintf(stderr, "%s\n", line);
}

/* ---- building it ----------------------------------------------------- */

static int open_device(struct daemon *d, char *err, size_t errlen)
{
    const struct daemon_config *cfg = &d->cfg;
    int rc = cfg->link == NETDEV_LINK_ETHERNET ? tap_open(&d->dev, cfg->dev_name, cfg->mac)
                                               : tuntap_open(&d->dev, cfg->dev_name, NETDEV_LINK_IP);
    if (rc < 0) {
        snprintf(err, errlen, "cannot open %s: %s. %s", cfg->dev_name, strerror(-rc),
                 tuntap_error_hint(rc));
        return rc;
    }
    d->dev_open = true;
    if (cfg->kernel_addr != 0) {
        rc = tuntap_configure_kernel(d->dev.name, cfg->kernel_addr, cfg->prefix_len, d->dev.mtu);
        if (rc < 0) {
            snprintf(err, errlen, "cannot configure the kernel side of %s: %s", d->dev.name,
                     strerror(-rc));
            return rc;
        }
    }
    return 0;
}

static int open_capture(struct daemon *d, char *err, size_t errlen)
{
    if (d->cfg.pcap_path == NULL)
        return 0;
    int rc = pcap_writer_open(&d->pcap, d->cfg.pcap_path, pcap_linktype_of(&d->dev));
    if (rc < 0) {
        snprintf(err, errlen, "cannot write %s: %s", d->cfg.pcap_path, strerror(-rc));
        return rc;
    }
    d->pcap_open = true;
    return pcap_attach(&d->pcap, &d->dev);
}

static int build_stack(struct daemon *d, char *err, size_t errlen)
{
    const struct daemon_config *cfg = &d->cfg;
    /* A long-running daemon keeps no trace in memory; with live_trace the
     * listener prints each event as it happens (the one slot is reused). */
    trace_init(&d->trace, 1);
    if (cfg->live_trace)
        trace_set_listener(&d->trace, print_live_event, NULL);
    struct stack_config sc = {.name = "stack", .seed = cfg->seed,
                              .trace = cfg->live_trace ? &d->trace : NULL};
    d->st = stack_new(&sc);
    if (d->st == NULL) {
        snprintf(err, errlen, "out of memory building the stack");
        return -ENOMEM;
    }
    usec_t now = loop_clock_now();
    int rc = stack_add_iface(d->st, &d->dev, cfg->addr, cfg->prefix_len, now);
    if (rc < 0) {
        snprintf(err, errlen, "cannot give the stack its address: %s", strerror(-rc));
        return rc;
    }
    /* Everything beyond the subnet goes to the kernel's side, the way a
     * host's default route points at its router. */
    if (cfg->kernel_addr != 0 && (rc = stack_add_route(d->st, 0, 0, cfg->kernel_addr)) < 0) {
        snprintf(err, errlen, "cannot add the default route: %s", strerror(-rc));
        return rc;
    }
    /* A stack facing the real kernel defends against SYN floods the way
     * Linux does by default (tcp_syncookies = 1); the library default is off
     * so that a lab can watch the SYN queue fill. */
    struct tcp_config tcp_cfg = *tcp_get_config(d->st->tcp);
    tcp_cfg.syncookies = true;
    tcp_set_config(d->st->tcp, &tcp_cfg);

    d->tl = tl_stack_new(d->st, daemon_clock, NULL);
    if (d->tl == NULL) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    return 0;
}

struct daemon *daemon_new(const struct daemon_config *cfg, char *err, size_t errlen)
{
    struct daemon *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->cfg = *cfg;
    if (open_device(d, err, errlen) < 0 || open_capture(d, err, errlen) < 0 ||
        build_stack(d, err, errlen) < 0)
        goto fail;

    d->loop = loop_new(&daemon_loop_ops, d);
    if (d->loop == NULL || loop_add_device(d->loop, &d->dev) < 0) {
        snprintf(err, errlen, "cannot create the event loop: %s", strerror(errno));
        goto fail;
    }
    tl_stack_set_kick(d->tl, daemon_kick, d->loop);
    if (cfg->services) {
        d->services = services_start_www(d->st, cfg->www_root, loop_clock_now(), err, errlen);
        if (d->services == NULL)
            goto fail;
    }
    if (cfg->control_path != NULL) {
        d->control = control_start(d, cfg->control_path, err, errlen);
        if (d->control == NULL)
            goto fail;
    }
    return d;

fail:
    daemon_free(d);
    return NULL;
}

int daemon_run(struct daemon *d)
{
    return loop_run(d->loop);
}

static void *loop_thread(void *arg)
{
    daemon_run(arg);
    return NULL;
}

int daemon_start_thread(struct daemon *d)
{
    int rc = pthread_create(&d->thread, NULL, loop_thread, d);
    if (rc != 0)
        return -rc;
    d->thread_started = true;
    return 0;
}

void daemon_stop(struct daemon *d)
{
    loop_stop(d->loop);
    if (d->thread_started) {
        pthread_join(d->thread, NULL);
        d->thread_started = false;
    }
}

void daemon_free(struct daemon *d)
{
    if (d == NULL)
        return;
    if (d->thread_started)
        daemon_stop(d);
    control_stop(d->control);
    if (d->tl != NULL)
        tl_stack_stop(d->tl);
    services_stop(d->services, loop_clock_now());
    tl_stack_free(d->tl);
    loop_free(d->loop);
    stack_free(d->st);
    trace_destroy(&d->trace);
    if (d->pcap_open)
        pcap_writer_close(&d->pcap);
    if (d->dev_open)
        netdev_close(&d->dev);
    free(d);
}

void daemon_wake(struct daemon *d)
{
    loop_wake(d->loop);
}

struct stack *daemon_stack(struct daemon *d)
{
    return d->st;
}

struct tl_stack *daemon_tl(struct daemon *d)
{
    return d->tl;
}
