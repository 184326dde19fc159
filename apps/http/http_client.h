/*
 * http_client.h — an HTTP/1.1 client on a tunlab stack: what a browser does
 * when a URL is opened (the seed's "输入 www.baidu.com 发生了什么"):
 *
 *   1. parse the URL: http://www.tunlab.test/index.html
 *   2. resolve the name with the stack's DNS resolver (one configurable
 *      server; a literal address skips this)
 *   3. TCP handshake to port 80 (ARP first on an Ethernet link)
 *   4. send "GET /index.html HTTP/1.1" with a Host field
 *   5. read the response head, then the body, delimited as RFC 9112 §6.3
 *      says: no body (HEAD, 1xx, 204, 304), chunked (§7.1),
 *      Content-Length, or until the server closes
 *   6. more URLs on the same host go over the same connection while the
 *      server keeps it open (keep-alive); otherwise a new one is opened
 *   7. close
 *
 * Event-driven like the services: it runs in the stack's thread, on
 * sockets (sock_watch.h) and one timer (the deadline). The body goes to
 * the caller's on_body as it arrives; with can_take the caller can make
 * the client stop reading (TCP's flow control then slows the server) and
 * restart it with http_client_resume().
 */
#ifndef TUNLAB_APPS_HTTP_CLIENT_H
#define TUNLAB_APPS_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apps/http/http_parser.h"
#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct http_client;

#define HTTP_CLIENT_MAX_URLS 16

struct http_url {
    char host[HTTP_MAX_HOST + 1];   /* a name or a dotted IPv4 address */
    uint16_t port;                  /* 80 unless given */
    char path[HTTP_MAX_TARGET + 1]; /* "/..." with the query; "/" if none */
};

/* http://host[:port][/path][?query]. Returns 0, -EPROTONOSUPPORT (not
 * http://, https:// say), or -EINVAL (no host, a bad port, userinfo, too
 * long). */
int http_url_parse(const char *url, struct http_url *out);

struct http_client_config {
    uint32_t dns_server;   /* host order; names cannot be resolved when 0 */
    uint16_t dns_port;     /* 0 = 53 */
    usec_t timeout;        /* for everything; 0 = 30 s */
    bool head;             /* send HEAD instead of GET */
};

struct http_fetch_result {
    int error;             /* 0, or a negative errno (-ECONNREFUSED, -ETIMEDOUT,
                              -EHOSTUNREACH: name not found, -EPROTO: bad response) */
    int status;            /* the response's status code */
    uint64_t body_bytes;   /* body bytes delivered to on_body */
    unsigned connection;   /* 1 for the first connection, 2 for the second, ... */
    bool resolve_failed;   /* the error came from DNS (error: why), not from HTTP */
};

struct http_client_ops {
    /* The response head for URL `index` (interim 1xx heads are skipped). */
    void (*on_head)(void *ctx, size_t index, const struct http_response_head *head);
    /* Body bytes of URL `index`; return < 0 to abort everything. */
    int (*on_body)(void *ctx, size_t index, const uint8_t *data, size_t len);
    /* May the client read more now? NULL: always. */
    bool (*can_take)(void *ctx);
    /* A line of progress ("connecting to 10.0.0.1:80"), for -v. May be NULL. */
    void (*on_note)(void *ctx, const char *text);
    /* Every URL is through (or failed). Do not free the client in here. */
    void (*on_done)(void *ctx);
};

/* Start fetching urls[0..count) (same host and port, at most
 * HTTP_CLIENT_MAX_URLS) in this order. Returns 0 and *out, or -EINVAL (a
 * bad URL, different hosts), -ENOMEM. */
int http_client_start(struct stack *st, const struct http_client_config *cfg,
                      const char *const *urls, size_t count, const struct http_client_ops *ops,
                      void *ctx, usec_t now, struct http_client **out);
/* After can_take said no: read again. */
void http_client_resume(struct http_client *cl, usec_t now);
/* Stop (closing the connection) and free. NULL-safe. */
void http_client_free(struct http_client *cl, usec_t now);

bool http_client_done(const struct http_client *cl);
const struct http_fetch_result *http_client_result(const struct http_client *cl, size_t index);
/* TCP connections opened so far. */
unsigned http_client_connections(const struct http_client *cl);

#ifdef __cplusplus
}
#endif

#endif
