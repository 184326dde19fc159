/*
 * daemon.h — one tunlab stack on a real TUN or TAP device, with its
 * services, driven by the real-time event loop.
 *
 * This is what `./tunlab demo` runs (through apps/tunlabd) and what the
 * interop tests start inside their own network namespace, so the tests
 * exercise exactly the program a student runs:
 *
 *   kernel (ping, curl, nc) ── tun0 10.0.0.1 ══ 10.0.0.2 tunlab stack ── services
 *
 * Threads: the event loop owns the stack; every access from another thread
 * (the control socket, apps using the blocking tl_* calls) holds the stack's
 * mutex (tl_stack_lock), which the loop also holds while it works.
 */
#ifndef TUNLAB_APPS_DAEMON_H
#define TUNLAB_APPS_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/netdev.h"
#include "stack/socket/tl_socket.h"
#include "stack/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

struct daemon_config {
    const char *dev_name;         /* "tun0" or "tap0" */
    enum netdev_link link;        /* NETDEV_LINK_IP: TUN; NETDEV_LINK_ETHERNET: TAP */
    uint32_t addr;                /* the stack's address (host order) */
    uint8_t prefix_len;           /* of both sides' subnet */
    uint32_t kernel_addr;         /* configure the kernel's side with this; 0: leave it */
    uint8_t mac[ETH_ADDR_LEN];    /* TAP: the stack's MAC */
    const char *pcap_path;        /* capture everything the stack sees and sends; NULL: none */
    const char *control_path;     /* Unix socket for `tunlab ss`/`stats`/`ping`; NULL: none */
    uint64_t seed;                /* the stack's rng seed */
    bool live_trace;              /* print every trace event to stderr as it happens */
    bool services;                /* start the built-in services */
    const char *www_root;         /* the HTTP server's static files; NULL: built-in pages only */
};

/* Defaults for TUN: tun0, 10.0.0.2/24, kernel side 10.0.0.1, services on. */
void daemon_config_default(struct daemon_config *cfg);

struct daemon;

/* Open and configure the device, build the stack and its services. On
 * failure returns NULL and writes the reason to err. */
struct daemon *daemon_new(const struct daemon_config *cfg, char *err, size_t errlen);

/* Run the event loop in the calling thread until daemon_stop(). Returns 0
 * or a negative errno. */
int daemon_run(struct daemon *d);
/* Run the event loop in a new thread. Returns 0 or a negative errno. */
int daemon_start_thread(struct daemon *d);
/* Stop the loop (safe from any thread and from a signal handler); with a
 * thread started, wait for it. */
void daemon_stop(struct daemon *d);
void daemon_free(struct daemon *d);

/* Wake the event loop: call after touching the stack from another thread
 * (with the mutex held and released), since the touch may have armed a
 * timer the loop's sleep does not know of. The tl_* calls do it themselves. */
void daemon_wake(struct daemon *d);

struct stack *daemon_stack(struct daemon *d);
/* The blocking socket API for app threads, and the stack's mutex. */
struct tl_stack *daemon_tl(struct daemon *d);

/* Print a report: "stats" (netstat -s), "route", "arp", "sockets" (ss).
 * Takes the stack's mutex. Returns 0, or -EINVAL for an unknown report. */
int daemon_report(struct daemon *d, const char *what, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
