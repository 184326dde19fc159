/*
 * http_client.c — the client's steps (see http_client.h).
 *
 *   RESOLVE ─► CONNECT ─► SEND ─► READ_HEAD ─► READ_BODY ─┬─► DONE
 *                 ▲         ▲                             │
 *                 │         └──── next URL, kept open ◄───┤
 *                 └────────────── next URL, closed ◄──────┘
 *
 * A kept connection may have been closed by the server just before our
 * request (its idle timeout): when it ends before any byte of the response,
 * the request is sent again once on a new connection — GET is idempotent,
 * so RFC 9112 §9.3.1 allows the retry.
 */
#include "apps/http/http_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apps/dns/dns_resolver.h"
#include "stack/net/ip4.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"

#define CLIENT_BUF (HTTP_MAX_HEAD + 16384)
#define CLIENT_BUDGET 64

enum client_step { C_RESOLVE, C_CONNECT, C_SEND, C_READ_HEAD, C_READ_BODY, C_DONE };
enum body_mode { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_CLOSE };

struct http_client {
    struct stack *st;
    struct http_client_config cfg;
    struct http_client_ops ops;
    void *ctx;
    struct http_url urls[HTTP_CLIENT_MAX_URLS];
    struct http_fetch_result results[HTTP_CLIENT_MAX_URLS];
    size_t count, current;

    enum client_step step;
    uint32_t addr;                 /* the server, once resolved */
    struct dns_resolver *resolver;
    int fd;                        /* the connection, or -1 */
    struct sock_watch watch;
    struct timer deadline;
    unsigned connections;
    bool fresh;                    /* no response has come on this connection yet */
    bool retried;                  /* the current request was sent again once */
    bool keep;                     /* the server will keep the connection */

    char request[HTTP_MAX_TARGET + HTTP_MAX_HOST + 128];
    size_t req_off, req_len;
    uint8_t in[CLIENT_BUF];
    size_t in_len;
    enum body_mode mode;
    uint64_t left;                 /* BODY_LENGTH: bytes still to come */
    struct http_chunked chunked;
};

static void note(struct http_client *cl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct http_client *cl, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    if (cl->ops.on_note == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    cl->ops.on_note(cl->ctx, line);
}

static void close_connection(struct http_client *cl, usec_t now)
{
    if (cl->fd < 0)
        return;
    sock_watch_stop(&cl->watch);
    socket_close(cl->st, cl->fd, now);
    cl->fd = -1;
}

/* Everything is over: fail the URLs not done yet with err (0: none left). */
static void finish(struct http_client *cl, int err, usec_t now)
{
    for (size_t i = cl->current; i < cl->count; i++)
        if (cl->results[i].error == 0 && cl->results[i].status == 0)
            cl->results[i].error = err != 0 ? err : -ECANCELED;
    cl->current = cl->count;
    cl->step = C_DONE;
    close_connection(cl, now);
    timer_cancel(&cl->st->timers, &cl->deadline);
    if (cl->ops.on_done != NULL)
        cl->ops.on_done(cl->ctx);
}

static void serve(void *ctx, int fd, usec_t now);

static void start_connect(struct http_client *cl, usec_t now)
{
    struct sock_addr to = {cl->addr, cl->urls[0].port};
    char text[16];
    int rc;

    cl->fd = socket_open(cl->st, SOCK_TYPE_STREAM);
    if (cl->fd < 0) {
        finish(cl, cl->fd, now);
        return;
    }
    cl->connections++;
    cl->fresh = true;
    cl->in_len = 0;
    ip4_format_addr(cl->addr, text, sizeof(text));
    note(cl, "connecting to %s port %u (TCP handshake)", text, cl->urls[0].port);
    rc = socket_connect(cl->st, cl->fd, &to, now);
    if ((rc < 0 && rc != -EINPROGRESS) || sock_watch_start(&cl->watch, cl->st, cl->fd, serve, cl) < 0) {
        finish(cl, rc < 0 ? rc : -ENOMEM, now);
        return;
    }
    cl->step = C_CONNECT;
    sock_watch_kick(&cl->watch, now);
}

/* The request for the current URL (RFC 9112 §3; Host is required, §3.2). */
static void prepare_request(struct http_client *cl)
{
    const struct http_url *u = &cl->urls[cl->current];
    char host[HTTP_MAX_HOST + 8];
    int n;

    if (u->port == 80)
        snprintf(host, sizeof(host), "%s", u->host);
    else
        snprintf(host, sizeof(host), "%s:%u", u->host, u->port);
    n = snprintf(cl->request, sizeof(cl->request),
                 "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tunlab\r\nAccept: */*\r\n\r\n",
                 cl->cfg.head ? "HEAD" : "GET", u->path, host);
    cl->req_off = 0;
    cl->req_len = n > 0 && (size_t)n < sizeof(cl->request) ? (size_t)n : 0;
    cl->results[cl->current].connection = cl->connections;
    cl->step = C_SEND;
}

/* The current URL is complete: on to the next one, or finish. */
static void url_done(struct http_client *cl, usec_t now)
{
    cl->current++;
    cl->retried = false;
    if (cl->current >= cl->count) {
        finish(cl, 0, now);
        return;
    }
    if (cl->keep && cl->fd >= 0) {
        note(cl, "re-using the connection for %s", cl->urls[cl->current].path);
        prepare_request(cl);
        sock_watch_kick(&cl->watch, now);
        return;
    }
    close_connection(cl, now);
    start_connect(cl, now);   /* the request goes out once it is connected */
}

/* The connection ended (EOF or error, err = 0 or negative errno). */
static void connection_ended(struct http_client *cl, int err, usec_t now)
{
    struct http_fetch_result *r = &cl->results[cl->current];

    if (cl->step == C_READ_BODY && cl->mode == BODY_UNTIL_CLOSE && err == 0) {
        close_connection(cl, now);   /* the close is the body's end (RFC 9112 §6.3 item 8) */
        cl->keep = false;
        url_done(cl, now);
        return;
    }
    close_connection(cl, now);
    if ((cl->step == C_SEND || cl->step == C_READ_HEAD) && cl->in_len == 0 && !cl->fresh &&
        !cl->retried) {
        /* A kept connection closed under us before any answer: retry once. */
        note(cl, "the server closed the kept connection; retrying on a new one");
        cl->retried = true;
        start_connect(cl, now);
        return;
    }
    r->error = err != 0 ? err : -EPROTO;   /* cut short: the body is incomplete */
    finish(cl, r->error, now);
}

/* The head is in: decide how the body is delimited (RFC 9112 §6.3). */
static int start_body(struct http_client *cl, const struct http_response_head *h, usec_t now)
{
    struct http_fetch_result *r = &cl->results[cl->current];

    r->status = h->status;
    cl->fresh = false;
    /* Persistence (RFC 9112 §9.3): 1.1 unless close; 1.0 only with keep-alive. */
    cl->keep = !h->conn_close && (h->minor >= 1 || h->conn_keep_alive);
    if (cl->ops.on_head != NULL)
        cl->ops.on_head(cl->ctx, cl->current, h);
    note(cl, "response: %d %s", h->status, h->reason);
    if (cl->cfg.head || h->status == 204 || h->status == 304) {
        cl->mode = BODY_NONE;
    } else if (h->chunked) {
        cl->mode = BODY_CHUNKED;
        http_chunked_init(&cl->chunked);
    } else if (h->has_content_length) {
        cl->mode = BODY_LENGTH;
        cl->left = h->content_length;
    } else {
        cl->mode = BODY_UNTIL_CLOSE;
        cl->keep = false;
    }
    (void)now;
    cl->step = C_READ_BODY;
    return 0;
}

/* Body bytes from in[0, len): hand them over; returns bytes used, or < 0. */
static ssize_t take_body(struct http_client *cl, const uint8_t *in, size_t len)
{
    struct http_fetch_result *r = &cl->results[cl->current];
    size_t used = 0;

    while (used < len) {
        const uint8_t *data = in + used;
        size_t n = len - used, step = n;
        if (cl->mode == BODY_NONE || (cl->mode == BODY_LENGTH && cl->left == 0) ||
            (cl->mode == BODY_CHUNKED && cl->chunked.done))
            break;
        if (cl->mode == BODY_LENGTH) {
            if (n > cl->left)
                n = step = (size_t)cl->left;
            cl->left -= n;
        } else if (cl->mode == BODY_CHUNKED) {
            if (http_chunked_step(&cl->chunked, in + used, len - used, &step, &data, &n) < 0)
                return -EPROTO;
        }
        if (n > 0) {
            r->body_bytes += n;
            if (cl->ops.on_body != NULL && cl->ops.on_body(cl->ctx, cl->current, data, n) < 0)
                return -ECANCELED;
        }
        used += step;
    }
    return (ssize_t)used;
}

static bool body_complete(const struct http_client *cl)
{
    return cl->mode == BODY_NONE || (cl->mode == BODY_LENGTH && cl->left == 0) ||
           (cl->mode == BODY_CHUNKED && cl->chunked.done);
}

/* One round of work; false when there is nothing to do until an event. */
static bool work(struct http_client *cl, usec_t now)
{
    ssize_t n;
    int rc;

    switch (cl->step) {
    case C_CONNECT: {
        int err = 0;
        socket_getsockopt(cl->st, cl->fd, SOCK_OPT_ERROR, &err);
        if (err != 0) {
            cl->results[cl->current].error = err < 0 ? err : -err;
            note(cl, "connect failed: %s", socket_strerror(err));
            finish(cl, err < 0 ? err : -err, now);
            return false;
        }
        if (!(socket_events(cl->st, cl->fd) & SOCK_POLLOUT))
            return false;
        note(cl, "connected");
        prepare_request(cl);
        return true;
    }
    case C_SEND:
        n = socket_send(cl->st, cl->fd, cl->request + cl->req_off, cl->req_len - cl->req_off, now);
        if (n == -EAGAIN)
            return false;
        if (n < 0) {
            connection_ended(cl, (int)n, now);
            return false;
        }
        if (cl->req_off == 0)
            note(cl, "sent: %s %s HTTP/1.1", cl->cfg.head ? "HEAD" : "GET",
                 cl->urls[cl->current].path);
        cl->req_off += (size_t)n;
        if (cl->req_off == cl->req_len)
            cl->step = C_READ_HEAD;
        return true;
    case C_READ_HEAD:
    case C_READ_BODY:
        if (cl->step == C_READ_HEAD && cl->in_len > 0) {
            struct http_response_head h;
            rc = http_parse_response(cl->in, cl->in_len, &h);
            if (rc < 0) {
                cl->results[cl->current].error = rc;
                finish(cl, rc, now);
                return false;
            }
            if (rc > 0) {
                memmove(cl->in, cl->in + rc, cl->in_len - (size_t)rc);
                cl->in_len -= (size_t)rc;
                if (h.status >= 100 && h.status < 200)
                    return true;   /* interim response (100 Continue): the real one follows */
                start_body(cl, &h, now);
                return true;
            }
        }
        if (cl->step == C_READ_BODY && cl->in_len > 0) {
            n = take_body(cl, cl->in, cl->in_len);
            if (n < 0) {
                cl->results[cl->current].error = (int)n;
                finish(cl, (int)n, now);
                return false;
            }
            memmove(cl->in, cl->in + n, cl->in_len - (size_t)n);
            cl->in_len -= (size_t)n;
        }
        if (cl->step == C_READ_BODY && body_complete(cl)) {
            if (cl->in_len > 0)
                cl->keep = false;   /* bytes after the response: a confused server */
            url_done(cl, now);
            return cl->step != C_DONE;
        }
        if (cl->ops.can_take != NULL && !cl->ops.can_take(cl->ctx))
            return false;   /* the caller is full: http_client_resume() restarts us */
        n = socket_recv(cl->st, cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len, now);
        if (n == -EAGAIN)
            return false;
        if (n <= 0) {
            connection_ended(cl, (int)n, now);
            return false;
        }
        cl->in_len += (size_t)n;
        return true;
    case C_RESOLVE:
    case C_DONE:
        return false;
    }
    return false;
}

static void serve(void *ctx, int fd, usec_t now)
{
    struct http_client *cl = ctx;

    (void)fd;
    for (int i = 0; i < CLIENT_BUDGET; i++)
        if (!work(cl, now))
            return;
    if (cl->fd >= 0)
        sock_watch_kick(&cl->watch, now);
}

static void on_deadline(struct timer *t, void *arg, usec_t now)
{
    struct http_client *cl = arg;
    (void)t;
    note(cl, "timed out");
    if (cl->current < cl->count)
        cl->results[cl->current].error = -ETIMEDOUT;
    finish(cl, -ETIMEDOUT, now);
}

static void on_resolved(void *ctx, const char *name, const struct dns_result *res, usec_t now)
{
    struct http_client *cl = ctx;
    char text[16];

    if (res->error < 0 || res->count == 0) {
        int err = res->error < 0 ? res->error : -EHOSTUNREACH;
        note(cl, "could not resolve %s: %s", name,
             res->error < 0 ? socket_strerror(res->error) : "no address (NXDOMAIN or no A record)");
        cl->results[cl->current].error = err;
        cl->results[cl->current].resolve_failed = true;
        finish(cl, err, now);
        return;
    }
    cl->addr = res->addrs[0];
    ip4_format_addr(cl->addr, text, sizeof(text));
    note(cl, "resolved %s to %s (DNS, %d quer%s)", name, text, res->attempts,
         res->attempts == 1 ? "y" : "ies");
    start_connect(cl, now);
}

static int start_resolving(struct http_client *cl, usec_t now)
{
    struct dns_resolver_config rc = {.server = cl->cfg.dns_server, .port = cl->cfg.dns_port};
    char text[16];
    int err;

    if (cl->cfg.dns_server == 0)
        return -EHOSTUNREACH;
    if ((err = dns_resolver_new(cl->st, &rc, &cl->resolver)) < 0)
        return err;
    ip4_format_addr(cl->cfg.dns_server, text, sizeof(text));
    note(cl, "resolving %s (asking the DNS server at %s)", cl->urls[0].host, text);
    cl->step = C_RESOLVE;
    err = dns_resolve(cl->resolver, cl->urls[0].host, on_resolved, cl, now);
    return err < 0 ? err : 0;
}

int http_client_start(struct stack *st, const struct http_client_config *cfg,
                      const char *const *urls, size_t count, const struct http_client_ops *ops,
                      void *ctx, usec_t now, struct http_client **out)
{
    struct http_client *cl;
    int rc;

    if (count == 0 || count > HTTP_CLIENT_MAX_URLS)
        return -EINVAL;
    cl = calloc(1, sizeof(*cl));
    if (cl == NULL)
        return -ENOMEM;
    cl->st = st;
    cl->cfg = *cfg;
    if (ops != NULL)
        cl->ops = *ops;
    cl->ctx = ctx;
    cl->count = count;
    cl->fd = -1;
    timer_init(&cl->deadline, on_deadline, cl, "http-client");
    for (size_t i = 0; i < count; i++) {
        if ((rc = http_url_parse(urls[i], &cl->urls[i])) < 0)
            goto fail;
        if (i > 0 && (strcasecmp(cl->urls[i].host, cl->urls[0].host) != 0 ||
                      cl->urls[i].port != cl->urls[0].port)) {
            rc = -EINVAL;   /* one host per client: that is what keep-alive is about */
            goto fail;
        }
    }
    timer_arm(&st->timers, &cl->deadline,
              now + (cfg->timeout != 0 ? cfg->timeout : usec_from_sec(30)));
    if (ip4_parse_addr(cl->urls[0].host, &cl->addr) == 0) {
        start_connect(cl, now);   /* a literal address: no DNS */
    } else if ((rc = start_resolving(cl, now)) < 0) {
        timer_cancel(&st->timers, &cl->deadline);
        dns_resolver_free(cl->resolver, now);
        goto fail;
    }
    *out = cl;
    return 0;

fail:
    free(cl);
    return rc;
}

void http_client_resume(struct http_client *cl, usec_t now)
{
    if (cl->fd >= 0)
        sock_watch_kick(&cl->watch, now);
}

void http_client_free(struct http_client *cl, usec_t now)
{
    if (cl == NULL)
        return;
    close_connection(cl, now);
    timer_cancel(&cl->st->timers, &cl->deadline);
    dns_resolver_free(cl->resolver, now);
    free(cl);
}

bool http_client_done(const struct http_client *cl)
{
    return cl->step == C_DONE;
}

const struct http_fetch_result *http_client_result(const struct http_client *cl, size_t index)
{
    return index < cl->count ? &cl->results[index] : NULL;
}

unsigned http_client_connections(const struct http_client *cl)
{
    return cl->connections;
}
