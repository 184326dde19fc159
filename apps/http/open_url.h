/*
 * open_url.h — the seed's "what happens when you open a URL", as one
 * deterministic run: two tunlab stacks on a simulated Ethernet link (TAP
 * mode, so ARP is there), in virtual time.
 *
 *   client 10.0.0.1                              server 10.0.0.2
 *   (HTTP client, resolver)  ═══ Ethernet ═══   (DNS server for tunlab.test,
 *                                                 HTTP server on port 80)
 *
 * The client opens http://www.tunlab.test/: ARP for the server's MAC, a
 * DNS query for www.tunlab.test, the TCP handshake, GET, the response, and
 * the close. The run's trace is kept (for the test, the pcap and the
 * printed ladder); open_url_steps() names the packets in the order they
 * crossed the wire.
 */
#ifndef TUNLAB_APPS_HTTP_OPEN_URL_H
#define TUNLAB_APPS_HTTP_OPEN_URL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct demo_pair;

struct open_url_result {
    int error;             /* 0, or why the fetch failed (negative errno) */
    int status;            /* the HTTP status */
    uint64_t body_bytes;
    char body_start[128];  /* the first bytes of the body, for a glance */
    struct demo_pair *pair;      /* the two stacks, kept for a look afterwards */
    const struct trace *trace;   /* every event of both stacks, until open_url_free */
};

/* Run the scenario with this seed, fetching `url` (NULL: http://www.tunlab.test/).
 * Returns 0 (see run->error for the fetch's own result) or -ENOMEM. */
int open_url_run(uint64_t seed, const char *url, struct open_url_result *run);
void open_url_free(struct open_url_result *run);

/* The packets as steps, in wire order, one per packet sent (each packet is
 * named once, by its sender): "arp who-has 10.0.0.2", "dns query
 * www.tunlab.test", "tcp SYN", "http GET /", ... Writes at most max names
 * into steps (each up to 48 bytes) and returns how many packets there were. */
#define OPEN_URL_STEP_LEN 64
size_t open_url_steps(const struct trace *t, char (*steps)[OPEN_URL_STEP_LEN], size_t max);

#ifdef __cplusplus
}
#endif

#endif
