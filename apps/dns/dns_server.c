/*
 * dns_server.c — the authoritative server: build the response to one query
 * (dns_server_respond), and the service that feeds it from a socket.
 */
#include "apps/dns/dns_server.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "apps/service/service_socket.h"
#include "stack/net/ip4.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"

#define DNS_MAX_ANSWERS 8
#define DNS_QUERY_BUF 4096   /* EDNS queries may exceed 512 bytes */

/* The SOA record of the zone (RFC 1035 §3.3.13), sent in the authority
 * section of negative answers so resolvers may cache them (RFC 2308 §3).
 * `origin_off` is where the zone's name occurs in the message already. */
static void put_soa(struct dns_writer *w, const struct dns_zone *zone, uint16_t origin_off)
{
    size_t rdlen_at;
    static const char ns[] = "ns", host[] = "hostmaster";

    dns_put_pointer(w, origin_off);                   /* owner: the zone */
    dns_put16(w, DNS_TYPE_SOA);
    dns_put16(w, DNS_CLASS_IN);
    dns_put32(w, zone->ttl);
    rdlen_at = w->len;
    dns_put16(w, 0);                                  /* RDLENGTH, patched below */
    dns_put8(w, sizeof ns - 1);                       /* MNAME ns.<zone> */
    dns_put_bytes(w, ns, sizeof ns - 1);
    dns_put_pointer(w, origin_off);
    dns_put8(w, sizeof host - 1);                     /* RNAME hostmaster.<zone> */
    dns_put_bytes(w, host, sizeof host - 1);
    dns_put_pointer(w, origin_off);
    dns_put32(w, 1);                                  /* SERIAL */
    dns_put32(w, 3600);                               /* REFRESH */
    dns_put32(w, 600);                                /* RETRY */
    dns_put32(w, 86400);                              /* EXPIRE */
    dns_put32(w, zone->ttl);                          /* MINIMUM: negative TTL */
    if (!w->overflow) {
        uint16_t rdlen = (uint16_t)(w->len - rdlen_at - 2);
        w->buf[rdlen_at] = (uint8_t)(rdlen >> 8);
        w->buf[rdlen_at + 1] = (uint8_t)rdlen;
    }
}

static void count_rcode(struct dns_server_stats *stats, uint8_t rcode)
{
    if (stats == NULL)
        return;
    switch (rcode) {
    case DNS_RCODE_NOERROR: stats->noerror++; break;
    case DNS_RCODE_NXDOMAIN: stats->nxdomain++; break;
    case DNS_RCODE_REFUSED: stats->refused++; break;
    case DNS_RCODE_FORMERR: stats->formerr++; break;
    case DNS_RCODE_NOTIMP: stats->notimp++; break;
    default: break;
    }
}

size_t dns_server_respond(const struct dns_zone *zone, const uint8_t *query, size_t len,
                          uint8_t *out, size_t cap, struct dns_server_stats *stats)
{
    struct dns_header q, r;
    struct dns_question question;
    struct dns_writer w;
    uint32_t addrs[DNS_MAX_ANSWERS];
    size_t count = 0, off = DNS_HDR_LEN;
    bool have_question = false, negative = false;
    enum dns_zone_result found = DNS_ZONE_NOT_IN_ZONE;

    if (dns_header_parse(query, len, &q) < 0) {
        if (stats != NULL)
            stats->dropped_short++;
        return 0;
    }
    if (q.qr) {
        if (stats != NULL)
            stats->dropped_response++;
        return 0;
    }

    memset(&r, 0, sizeof r);
    r.id = q.id;
    r.qr = true;
    r.opcode = q.opcode;
    r.rd = q.rd;   /* §4.1.1: "RD ... is copied into the response" */
    r.ra = false;  /* we never recurse */

    if (q.opcode != DNS_OPCODE_QUERY) {
        r.rcode = DNS_RCODE_NOTIMP;
    } else if (q.qdcount != 1 || dns_question_parse(query, len, &off, &question) < 0) {
        r.rcode = DNS_RCODE_FORMERR;
    } else {
        have_question = true;
        if (question.qclass != DNS_CLASS_IN && question.qclass != DNS_CLASS_ANY)
            found = DNS_ZONE_NOT_IN_ZONE;
        else
            found = dns_zone_lookup(zone, &question.name, addrs, DNS_MAX_ANSWERS, &count);
        if (found == DNS_ZONE_NOT_IN_ZONE) {
            r.rcode = DNS_RCODE_REFUSED;
        } else {
            r.aa = true;
            if (found == DNS_ZONE_NO_NAME)
                r.rcode = DNS_RCODE_NXDOMAIN;
            if (question.qtype != DNS_TYPE_A && question.qtype != DNS_TYPE_ANY)
                count = 0;   /* the name exists, but has no record of that type */
            negative = count == 0;
        }
    }

    r.qdcount = have_question ? 1 : 0;
    r.ancount = (uint16_t)count;
    r.nscount = negative ? 1 : 0;
    if (cap < DNS_HDR_LEN)
        return 0;
    dns_writer_init(&w, out, cap);
    w.len = DNS_HDR_LEN;   /* the header is written last, when the counts are known */
    if (have_question) {
        /* The question goes back as it came (its case too, RFC 4343 §4). */
        dns_put_name(&w, &question.name);
        dns_put16(&w, question.qtype);
        dns_put16(&w, question.qclass);
    }
    for (size_t i = 0; i < count; i++) {
        dns_put_pointer(&w, DNS_HDR_LEN);   /* the owner is the question's name */
        dns_put16(&w, DNS_TYPE_A);
        dns_put16(&w, DNS_CLASS_IN);
        dns_put32(&w, zone->ttl);
        dns_put16(&w, 4);
        dns_put32(&w, addrs[i]);
    }
    if (negative)
        put_soa(&w, zone, (uint16_t)(DNS_HDR_LEN + question.name.len - zone->origin.len));
    if (w.overflow)
        return 0;
    dns_header_emit(&r, out);
    count_rcode(stats, r.rcode);
    return w.len;
}

/* ---- the service ------------------------------------------------------ */

struct dns_server {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct dns_zone zone;
    struct dns_server_stats stats;
    uint8_t query[DNS_QUERY_BUF];
    uint8_t response[DNS_UDP_MAX];
};

static const char *rcode_name(uint8_t rcode)
{
    static const char *names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                  "REFUSED"};
    return rcode < 6 ? names[rcode] : "?";
}

/* One note per query in the trace: who asked, what, and the answer. */
static void trace_query(struct dns_server *srv, const struct sock_addr *from, size_t qlen,
                        size_t rlen, usec_t now)
{
    struct dns_header rh;
    struct dns_question q;
    char who[16], name[DNS_NAME_TEXT_MAX] = "?";
    size_t off = DNS_HDR_LEN;

    if (srv->st->trace == NULL)
        return;
    ip4_format_addr(from->ip, who, sizeof who);
    if (dns_question_parse(srv->query, qlen, &off, &q) == DNS_OK)
        dns_name_to_text(&q.name, name, sizeof name);
    if (rlen == 0) {
        trace_note(srv->st->trace, now, srv->st->name, "dns", "query from %s.%u dropped", who,
                   from->port);
        return;
    }
    dns_header_parse(srv->response, rlen, &rh);
    trace_note(srv->st->trace, now, srv->st->name, "dns", "%s.%u %s type %u -> %s, %u answer(s)",
               who, from->port, name, q.qtype, rcode_name(rh.rcode), rh.ancount);
}

static void dns_server_serve(void *ctx, int fd, usec_t now)
{
    struct dns_server *srv = ctx;
    struct sock_addr from;
    ssize_t n;
    size_t rlen;

    for (int budget = 64; budget > 0; budget--) {
        n = socket_recvfrom(srv->st, fd, srv->query, sizeof srv->query, &from, now);
        if (n == -EAGAIN)
            return;
        if (n < 0)
            continue;
        srv->stats.queries++;
        rlen = dns_server_respond(&srv->zone, srv->query, (size_t)n, srv->response,
                                  sizeof srv->response, &srv->stats);
        trace_query(srv, &from, (size_t)n, rlen, now);
        if (rlen > 0 && socket_sendto(srv->st, fd, srv->response, rlen, &from, now) < 0)
            srv->stats.send_errors++;
    }
    sock_watch_kick(&srv->watch, now);
}

int dns_server_service_start(struct stack *st, uint16_t port, const struct dns_zone *zone,
                             struct dns_server **out)
{
    struct dns_server *srv;

    srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return -ENOMEM;
    srv->st = st;
    if (zone != NULL)
        srv->zone = *zone;
    else
        dns_zone_default(&srv->zone);
    srv->fd = service_socket_open(st, SOCK_TYPE_DGRAM, port, 0, &srv->watch, dns_server_serve,
                                  srv);
    if (srv->fd < 0) {
        int rc = srv->fd;
        free(srv);
        return rc;
    }
    *out = srv;
    return 0;
}

void dns_server_service_stop(struct dns_server *srv, usec_t now)
{
    if (srv == NULL)
        return;
    service_socket_close(srv->st, srv->fd, &srv->watch, now);
    free(srv);
}

const struct dns_server_stats *dns_server_get_stats(const struct dns_server *srv)
{
    return &srv->stats;
}
