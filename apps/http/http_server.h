/*
 * http_server.h — an HTTP/1.1 origin server (RFC 9110, RFC 9112) on a tunlab
 * stack, port 80: the application layer a student reaches with curl.
 *
 *     $ curl http://10.0.0.2/            the built-in index page
 *     $ curl http://10.0.0.2/status      every socket of the stack, like ss
 *
 * What it does, and the rule behind each behaviour:
 *   GET and HEAD (RFC 9110 §9.3.1, §9.3.2); other standard methods get
 *     405 with Allow: GET, HEAD (§15.5.6), unknown ones 501 (§9.1).
 *   Static files from www_root, the built-in pages "/", "/status" (text)
 *     and "/status.html". A www_root/index.html replaces the built-in "/".
 *   Persistent connections (RFC 9112 §9.3): HTTP/1.1 keeps the connection
 *     open unless a side says "Connection: close"; HTTP/1.0 closes after
 *     each response unless the client sent "Connection: keep-alive". A kept
 *     connection is closed after idle_timeout without a request, and after
 *     max_requests requests (the last response says "Connection: close").
 *   Pipelined requests (§9.3.2) are answered one after the other, in order.
 *   Every response has Content-Length (RFC 9110 §8.6), so the client knows
 *     where it ends without the connection closing.
 *   Errors: 400 (malformed), 404, 405, 408 (idle with half a request), 411
 *     (Transfer-Encoding on a request), 413, 414, 431 (head too large: RFC
 *     6585 §5 — chosen over 400 because it tells the client what to fix),
 *     501, 505. After an error that leaves the stream unreadable the server
 *     closes, "lingering" (RFC 9112 §9.6): FIN first, then it reads and
 *     drops what the client still sends for up to linger_timeout, so the
 *     client reads the error instead of a reset.
 *   Concurrency: max_conns connections are served at once; the next
 *     HTTP_SERVER_OVERLOAD_SLOTS get "503 Service Unavailable" with
 *     Retry-After (RFC 9110 §15.6.4) and are closed; beyond those, new
 *     connections are closed at once without a response.
 *
 * An event-driven service like apps/tcp_echo: it runs in the stack's
 * event-loop thread, woken by its sockets (sock_watch.h) and by timers on
 * the stack's timer queue (real time in the daemon, virtual time in tests).
 */
#ifndef TUNLAB_APPS_HTTP_SERVER_H
#define TUNLAB_APPS_HTTP_SERVER_H

#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct http_server;

#define HTTP_PORT 80
#define HTTP_SERVER_OVERLOAD_SLOTS 16

struct http_server_config {
    uint16_t port;            /* 80 */
    const char *www_root;     /* directory of static files; NULL: built-in pages only */
    usec_t idle_timeout;      /* 5 s: a kept connection with no request; also a stalled send */
    unsigned max_requests;    /* 100 requests per connection (Apache's MaxKeepAliveRequests) */
    unsigned max_conns;       /* 100 connections served at once */
    usec_t linger_timeout;    /* 2 s: reading after our FIN, before closing for good */
};

void http_server_config_default(struct http_server_config *cfg);

struct http_server_stats {
    uint64_t accepted;        /* connections accepted */
    uint64_t requests;        /* requests answered (including errors) */
    uint64_t reused;          /* ... that came on a connection already used (keep-alive) */
    uint64_t status[6];       /* responses by class: status[2] = 2xx, status[4] = 4xx */
    uint64_t overload_503;    /* connections answered 503 at once: max_conns were busy */
    uint64_t refused;         /* connections closed at once: even the 503 slots were busy */
    uint64_t idle_closed;     /* kept connections closed after idle_timeout */
    uint64_t limit_closed;    /* connections closed after max_requests */
    uint64_t resets;          /* connections that ended with an error (reset by the peer) */
    uint64_t bytes_sent;      /* response bytes, heads and bodies */
};

/* Listen on cfg->port (cfg NULL = defaults) on every address of st.
 * Returns 0 and *out, or a negative errno (-EADDRINUSE, -ENOMEM, -ENOENT
 * when www_root does not exist). */
int http_server_service_start(struct stack *st, const struct http_server_config *cfg,
                              struct http_server **out);
/* Close the listener and every connection, free the server. NULL-safe. */
void http_server_service_stop(struct http_server *srv, usec_t now);

const struct http_server_stats *http_server_get_stats(const struct http_server *srv);
/* Connections open now (the 503 ones included). */
unsigned http_server_conns(const struct http_server *srv);
/* The counters, one per line ("requests 12", ...). */
void http_server_print_stats(const struct http_server *srv, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
