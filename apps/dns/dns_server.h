/*
 * dns_server.h — a small authoritative DNS server (RFC 1035) for one
 * built-in zone, on port 53 of a tunlab stack.
 *
 * It answers only what it is authoritative for and says exactly why when it
 * does not (RFC 1035 §4.1.1 RCODEs):
 *   A (or ANY) query for a name in the zone   NOERROR, AA, the A records
 *   other type for a name in the zone         NOERROR, AA, no answer + SOA
 *   a name in the zone that does not exist    NXDOMAIN, AA, SOA (RFC 2308)
 *   a name outside the zone, or class not IN  REFUSED (no recursion: RA=0)
 *   an opcode other than QUERY                NOTIMP
 *   not exactly one question, a bad name,
 *   a message cut short                       FORMERR
 * Every response copies ID, opcode and RD from the query and sets QR; RA
 * is 0 because the server never recurses. Answers name their owner with a
 * compression pointer to the question's name (0xC00C). Messages shorter
 * than a header, and responses (QR=1: answering them could start a loop
 * between two servers), are dropped and counted. Additional records of a
 * query (dig sends an EDNS OPT record) are ignored.
 *
 *     $ dig @10.0.0.2 www.tunlab.test
 *     ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242
 *     ;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
 *     www.tunlab.test.        300     IN      A       10.0.0.2
 */
#ifndef TUNLAB_APPS_DNS_SERVER_H
#define TUNLAB_APPS_DNS_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "apps/dns/dns_zone.h"
#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct dns_server;

struct dns_server_stats {
    uint64_t queries;            /* datagrams received */
    uint64_t noerror, nxdomain, refused, formerr, notimp;   /* responses by RCODE */
    uint64_t dropped_short;      /* shorter than the 12-byte header */
    uint64_t dropped_response;   /* QR=1: not a query */
    uint64_t send_errors;
};

/* The pure core, with no stack: the response to the query of `len` bytes,
 * written to out (cap >= DNS_UDP_MAX). Returns its length, or 0 when the
 * query must be dropped. Counts into stats (may be NULL). */
size_t dns_server_respond(const struct dns_zone *zone, const uint8_t *query, size_t len,
                          uint8_t *out, size_t cap, struct dns_server_stats *stats);

/* Serve `zone` (copied; NULL = dns_zone_default) on UDP port (DNS_PORT) of
 * every address of st. Returns 0 and *out, or a negative errno. */
int dns_server_service_start(struct stack *st, uint16_t port, const struct dns_zone *zone,
                             struct dns_server **out);
void dns_server_service_stop(struct dns_server *srv, usec_t now);
const struct dns_server_stats *dns_server_get_stats(const struct dns_server *srv);

#ifdef __cplusplus
}
#endif

#endif
