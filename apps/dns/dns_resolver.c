/*
 * dns_resolver.c — the stub resolver (see dns_resolver.h).
 */
#include "apps/dns/dns_resolver.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "apps/dns/dns_msg.h"
#include "stack/core/byteorder.h"
#include "stack/core/timer.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"

#define DNS_RESPONSE_BUF 4096

struct dns_query {
    struct dns_resolver *r;
    bool pending;
    uint16_t id;
    struct dns_name name;
    char text[DNS_NAME_TEXT_MAX];
    int attempts;            /* transmissions so far */
    usec_t wait;             /* the current timeout */
    struct timer retry;
    dns_resolve_fn done;
    void *ctx;
};

struct dns_resolver {
    struct stack *st;
    struct dns_resolver_config cfg;
    int fd;
    struct sock_watch watch;
    struct dns_query q[DNS_RESOLVER_MAX_PENDING];
    struct dns_resolver_stats stats;
    uint8_t buf[DNS_RESPONSE_BUF];
};

/* ---- sending ------------------------------------------------------------ */

/* RFC 1035 §4.1: a header with RD set (a server that recurses may do so;
 * ours answers from its zone either way) and one question, "name A IN". */
static int send_query(struct dns_resolver *r, struct dns_query *q, usec_t now)
{
    struct dns_header h;
    struct dns_writer w;
    uint8_t msg[DNS_UDP_MAX];
    ssize_t rc;

    memset(&h, 0, sizeof h);
    h.id = q->id;
    h.rd = true;
    h.qdcount = 1;
    dns_writer_init(&w, msg, sizeof msg);
    w.len = DNS_HDR_LEN;
    dns_header_emit(&h, msg);
    dns_put_name(&w, &q->name);
    dns_put16(&w, DNS_TYPE_A);
    dns_put16(&w, DNS_CLASS_IN);
    rc = socket_send(r->st, r->fd, msg, w.len, now);
    q->attempts++;
    return rc < 0 ? (int)rc : 0;
}

static void finish(struct dns_query *q, struct dns_result *res, usec_t now)
{
    struct dns_resolver *r = q->r;

    timer_cancel(&r->st->timers, &q->retry);
    q->pending = false;
    res->attempts = q->attempts;
    q->done(q->ctx, q->text, res, now);
}

static void finish_error(struct dns_query *q, int error, usec_t now)
{
    struct dns_result res;

    memset(&res, 0, sizeof res);
    res.error = error;
    finish(q, &res, now);
}

/* The socket reported an error (ECONNREFUSED after a port unreachable):
 * the server cannot answer any of our queries. */
static void fail_all(struct dns_resolver *r, int error, usec_t now)
{
    for (int i = 0; i < DNS_RESOLVER_MAX_PENDING; i++) {
        if (r->q[i].pending)
            finish_error(&r->q[i], error, now);
    }
}

/* The query's timer: send again with a doubled wait, or give up. */
static void on_retry(struct timer *t, void *arg, usec_t now)
{
    struct dns_query *q = arg;
    struct dns_resolver *r = q->r;

    (void)t;
    if (q->attempts >= r->cfg.attempts) {
        r->stats.timeouts++;
        finish_error(q, -ETIMEDOUT, now);
        return;
    }
    r->stats.retransmits++;
    if (send_query(r, q, now) == -ECONNREFUSED) {
        fail_all(r, -ECONNREFUSED, now);
        return;
    }
    /* Any other failed send is just another lost query. */
    q->wait *= 2;
    timer_arm(&r->st->timers, &q->retry, now + q->wait);
}

static uint16_t fresh_id(struct dns_resolver *r)
{
    for (;;) {
        uint16_t id = (uint16_t)rng_u32(&r->st->rng);
        bool used = false;
        for (int i = 0; i < DNS_RESOLVER_MAX_PENDING; i++)
            used = used || (r->q[i].pending && r->q[i].id == id);
        if (!used)
            return id;
    }
}

int dns_resolve(struct dns_resolver *r, const char *name, dns_resolve_fn done, void *ctx,
                usec_t now)
{
    struct dns_query *q = NULL;
    int slot, rc;

    for (slot = 0; slot < DNS_RESOLVER_MAX_PENDING; slot++) {
        if (!r->q[slot].pending) {
            q = &r->q[slot];
            break;
        }
    }
    if (q == NULL)
        return -EBUSY;
    if (dns_name_from_text(&q->name, name) < 0 || q->name.len <= 1)
        return -EINVAL;
    dns_name_to_text(&q->name, q->text, sizeof q->text);
    q->id = fresh_id(r);   /* RFC 5452 §9.2: unpredictable IDs */
    q->attempts = 0;
    q->wait = r->cfg.timeout;
    q->done = done;
    q->ctx = ctx;
    rc = send_query(r, q, now);
    if (rc < 0)
        return rc;
    q->pending = true;
    r->stats.queries++;
    timer_arm(&r->st->timers, &q->retry, now + q->wait);
    return slot;
}

int dns_resolve_cancel(struct dns_resolver *r, int handle, usec_t now)
{
    if (handle < 0 || handle >= DNS_RESOLVER_MAX_PENDING || !r->q[handle].pending)
        return -ENOENT;
    finish_error(&r->q[handle], -ECANCELED, now);
    return 0;
}

/* ---- receiving ----------------------------------------------------------- */

static struct dns_query *match_id(struct dns_resolver *r, uint16_t id)
{
    for (int i = 0; i < DNS_RESOLVER_MAX_PENDING; i++) {
        if (r->q[i].pending && r->q[i].id == id)
            return &r->q[i];
    }
    return NULL;
}

/* Collect the A records for the name, following CNAMEs in order (RFC 1034
 * §3.6.2: "the alias ... and then the data for the canonical name"). */
static int read_answers(const uint8_t *msg, size_t len, size_t off, const struct dns_header *h,
                        const struct dns_name *qname, struct dns_result *res)
{
    struct dns_name want = *qname;
    struct dns_rr rr;

    for (uint16_t i = 0; i < h->ancount; i++) {
        if (dns_rr_parse(msg, len, &off, &rr) < 0)
            return -EPROTO;
        if (rr.rclass != DNS_CLASS_IN || !dns_name_equal(&rr.name, &want))
            continue;
        if (rr.type == DNS_TYPE_CNAME) {
            size_t target = rr.rdata_off;
            if (dns_name_parse(msg, len, &target, &want) < 0)
                return -EPROTO;
        } else if (rr.type == DNS_TYPE_A && rr.rdlength == 4 &&
                   res->count < DNS_RESULT_MAX_ADDRS) {
            res->addrs[res->count++] = be32_read(msg + rr.rdata_off);
            if (res->count == 1 || rr.ttl < res->ttl)
                res->ttl = rr.ttl;
        }
    }
    return 0;
}

static void handle_response(struct dns_resolver *r, const uint8_t *msg, size_t len, usec_t now)
{
    struct dns_header h;
    struct dns_question question;
    struct dns_query *q;
    struct dns_result res;
    size_t off = DNS_HDR_LEN;

    r->stats.responses++;
    if (dns_header_parse(msg, len, &h) < 0 || !h.qr || (q = match_id(r, h.id)) == NULL) {
        r->stats.mismatched++;
        return;
    }
    /* The question must be ours too: an ID alone is only 16 bits. */
    if (h.qdcount != 1 || dns_question_parse(msg, len, &off, &question) < 0 ||
        !dns_name_equal(&question.name, &q->name) || question.qtype != DNS_TYPE_A ||
        question.qclass != DNS_CLASS_IN) {
        r->stats.mismatched++;
        return;
    }
    memset(&res, 0, sizeof res);
    res.rcode = h.rcode;
    if (h.tc) {
        res.error = -EMSGSIZE;   /* the answer needs TCP, which we do not speak here */
    } else if (read_answers(msg, len, off, &h, &q->name, &res) < 0) {
        r->stats.malformed++;
        res.error = -EPROTO;
    }
    finish(q, &res, now);
}

static void dns_resolver_receive(void *ctx, int fd, usec_t now)
{
    struct dns_resolver *r = ctx;
    ssize_t n;

    for (;;) {
        n = socket_recv(r->st, fd, r->buf, sizeof r->buf, now);
        if (n == -EAGAIN)
            return;
        if (n < 0) {
            fail_all(r, (int)n, now);
            continue;
        }
        handle_response(r, r->buf, (size_t)n, now);
    }
}

/* ---- life cycle ----------------------------------------------------------- */

int dns_resolver_new(struct stack *st, const struct dns_resolver_config *cfg,
                     struct dns_resolver **out)
{
    struct dns_resolver *r;
    struct sock_addr server;
    int rc;

    if (cfg == NULL || cfg->server == 0)
        return -EINVAL;
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return -ENOMEM;
    r->st = st;
    r->cfg = *cfg;
    if (r->cfg.port == 0)
        r->cfg.port = DNS_PORT;
    if (r->cfg.timeout == 0)
        r->cfg.timeout = USEC_PER_SEC;
    if (r->cfg.attempts <= 0)
        r->cfg.attempts = 3;
    for (int i = 0; i < DNS_RESOLVER_MAX_PENDING; i++) {
        r->q[i].r = r;
        timer_init(&r->q[i].retry, on_retry, &r->q[i], "dns-retry");
    }
    r->fd = socket_open(st, SOCK_TYPE_DGRAM);
    if (r->fd < 0) {
        rc = r->fd;
        goto free_resolver;
    }
    /* Connected: only the server's datagrams are received, and its ICMP
     * errors are reported (ECONNREFUSED). */
    server.ip = r->cfg.server;
    server.port = r->cfg.port;
    rc = socket_connect(st, r->fd, &server, 0);
    if (rc < 0)
        goto close_socket;
    rc = sock_watch_start(&r->watch, st, r->fd, dns_resolver_receive, r);
    if (rc < 0)
        goto close_socket;
    *out = r;
    return 0;

close_socket:
    socket_close(st, r->fd, 0);
free_resolver:
    free(r);
    return rc;
}

void dns_resolver_free(struct dns_resolver *r, usec_t now)
{
    if (r == NULL)
        return;
    for (int i = 0; i < DNS_RESOLVER_MAX_PENDING; i++)
        timer_cancel(&r->st->timers, &r->q[i].retry);
    sock_watch_stop(&r->watch);
    socket_close(r->st, r->fd, now);
    free(r);
}

const struct dns_resolver_stats *dns_resolver_get_stats(const struct dns_resolver *r)
{
    return &r->stats;
}
