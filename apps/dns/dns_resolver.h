/*
 * dns_resolver.h — a stub resolver (RFC 1035 §7, RFC 1123 §6.1.3) for the
 * stack's own clients: ask one server for a name's A records, without
 * blocking and in the time passed in.
 *
 *   dns_resolve(r, "www.tunlab.test", done, ctx, now)
 *       sends a query with a random ID from a connected UDP socket and arms
 *       a timer; nothing waits.
 *   a response arrives
 *       it is accepted only if it comes from the server (the socket is
 *       connected), is a response, carries the query's ID and repeats its
 *       question (RFC 5452 §9.1's checks); then done() gets the RCODE and
 *       the addresses (following CNAMEs inside the answer).
 *   the timer fires
 *       the same query goes out again and the wait doubles (1 s, 2 s, 4 s
 *       by default) until `attempts` transmissions have been made; then
 *       done() gets -ETIMEDOUT.
 *   the server's port is closed
 *       the ICMP port unreachable reaches the connected socket, and every
 *       pending query ends at once with -ECONNREFUSED.
 *
 * done() runs from a timer of the stack, never from inside packet input,
 * so it may call any socket function (start the TCP connection to the
 * address it got, say).
 */
#ifndef TUNLAB_APPS_DNS_RESOLVER_H
#define TUNLAB_APPS_DNS_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct dns_resolver;

#define DNS_RESOLVER_MAX_PENDING 8
#define DNS_RESULT_MAX_ADDRS 8

struct dns_resolver_config {
    uint32_t server;   /* host order, required */
    uint16_t port;     /* 0 = 53 */
    usec_t timeout;    /* the first wait; 0 = 1 s; doubles on each retry */
    int attempts;      /* transmissions per query; 0 = 3 */
};

struct dns_result {
    int error;         /* 0: a valid response came (see rcode), or -ETIMEDOUT,
                          -ECONNREFUSED, -EMSGSIZE (truncated: TC set),
                          -EPROTO (malformed), -ECANCELED (dns_resolve_cancel) */
    uint8_t rcode;     /* DNS_RCODE_NOERROR, DNS_RCODE_NXDOMAIN, ... */
    size_t count;      /* addresses in addrs */
    uint32_t addrs[DNS_RESULT_MAX_ADDRS];   /* host order */
    uint32_t ttl;      /* the smallest TTL among the addresses */
    int attempts;      /* queries sent */
};

typedef void (*dns_resolve_fn)(void *ctx, const char *name, const struct dns_result *res,
                               usec_t now);

struct dns_resolver_stats {
    uint64_t queries, retransmits, responses;
    uint64_t mismatched;   /* wrong ID or question: ignored (maybe spoofed) */
    uint64_t malformed;    /* could not be parsed: the query fails with -EPROTO */
    uint64_t timeouts;
};

/* Open the resolver's socket (an ephemeral port, connected to the server).
 * Returns 0 and *out, or a negative errno. */
int dns_resolver_new(struct stack *st, const struct dns_resolver_config *cfg,
                     struct dns_resolver **out);
/* Close; pending queries end without their callbacks. */
void dns_resolver_free(struct dns_resolver *r, usec_t now);

/* Start resolving name ("www.tunlab.test"). Returns a handle >= 0, or
 * -EINVAL (not a valid name), -EBUSY (DNS_RESOLVER_MAX_PENDING queries are
 * pending), or the socket's send error. */
int dns_resolve(struct dns_resolver *r, const char *name, dns_resolve_fn done, void *ctx,
                usec_t now);
/* End a pending query now: done() gets -ECANCELED. -ENOENT if not pending. */
int dns_resolve_cancel(struct dns_resolver *r, int handle, usec_t now);

const struct dns_resolver_stats *dns_resolver_get_stats(const struct dns_resolver *r);

#ifdef __cplusplus
}
#endif

#endif
