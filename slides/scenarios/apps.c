/*
 * apps.c — the application-layer slides: opening a URL end to end (ARP,
 * DNS, handshake, GET, response, close: apps/http/open_url.h), HTTP/1.0's
 * connection per request against HTTP/1.1's kept connection, and the
 * seed's reliable UDP (stop-and-wait over a lossy wire: apps/rudp).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apps/http/http_server.h"
#include "apps/http/open_url.h"
#include "apps/rudp/rudp.h"
#include "slides/scenarios/scenario.h"
#include "stack/socket/socket.h"
#include "tools/draw/trace_file.h"

/* 输入 URL 发生了什么: the whole run of apps/http's open_url scenario. */
static int open_url(const char *out)
{
    struct open_url_result run;
    int rc = 0;
    if (open_url_run(1, NULL, &run) < 0)
        return scenario_fail("open_url_run: cannot set up the stacks");
    if (run.error != 0)
        rc = scenario_fail("open_url: the fetch failed (%d)", run.error);
    else if (trace_file_save(run.trace, out) < 0)
        rc = scenario_fail("cannot write %s", out);
    open_url_free(&run);
    return rc;
}

/* Read one response: until `want_close` sees EOF, else until the body of
 * Content-Length has come. Bounded by 200 ms of virtual time. */
static ssize_t read_response(struct shim_pair *p, int fd, int until_eof)
{
    char buf[8192];
    size_t have = 0;
    for (int step = 0; step < 200; step++) {
        shim_run_for(p, MSEC(1));
        ssize_t n = socket_recv(p->client, fd, buf + have, sizeof buf - 1 - have, shim_now(p));
        if (n == 0)
            return (ssize_t)have;
        if (n > 0) {
            have += (size_t)n;
            buf[have] = '\0';
            const char *end = strstr(buf, "\r\n\r\n");
            const char *cl = strstr(buf, "Content-Length:");
            if (!until_eof && end && cl) {
                size_t body = 0;
                sscanf(cl + 15, "%zu", &body);
                if (have >= (size_t)(end + 4 - buf) + body)
                    return (ssize_t)have;
            }
            if (have >= sizeof buf - 1)
                return (ssize_t)have;
        }
    }
    return -ETIMEDOUT;
}

static int request(struct shim_pair *p, int fd, const char *req, int until_eof)
{
    char first[40];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(req, "\r"), req);
    scenario_note(p, "client", "send \"%s\"", first);
    if (socket_send(p->client, fd, req, strlen(req), shim_now(p)) != (ssize_t)strlen(req))
        return scenario_fail("send of \"%s\" failed", first);
    ssize_t n = read_response(p, fd, until_eof);
    if (n < 0)
        return scenario_fail("no response to \"%s\"", first);
    scenario_note(p, "client", "response: %zd bytes", n);
    return 0;
}

/* HTTP 长连接与短连接: two requests as HTTP/1.0 (a connection each, the
 * server closes after the response), or as HTTP/1.1 on one kept connection. */
static int http_run(const char *out, int keep_alive)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    struct http_server_config cfg;
    struct http_server *srv = NULL;
    struct sock_addr to = {SHIM_SERVER_ADDR, 80};
    int rc = -1, fd = -1;
    static const char get10[] = "GET /status HTTP/1.0\r\n\r\n";
    static const char get11[] = "GET /status HTTP/1.1\r\nHost: www.tunlab.test\r\n\r\n";
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    http_server_config_default(&cfg);
    if (http_server_service_start(p->server, &cfg, &srv) < 0) {
        scenario_fail("http_server_service_start");
        goto done;
    }
    for (int i = 0; i < 2; i++) {
        if (fd < 0) {
            fd = socket_open(p->client, SOCK_TYPE_STREAM);
            if (fd < 0 || socket_connect(p->client, fd, &to, shim_now(p)) != -EINPROGRESS) {
                scenario_fail("connect");
                goto done;
            }
            shim_run_for(p, MSEC(3));
        }
        if (request(p, fd, keep_alive ? get11 : get10, !keep_alive) < 0)
            goto done;
        if (!keep_alive) {
            socket_close(p->client, fd, shim_now(p));
            fd = -1;
            shim_run_for(p, MSEC(5));
        }
    }
    if (fd >= 0) {
        scenario_note(p, "client", "close()");
        socket_close(p->client, fd, shim_now(p));
    }
    shim_run_for(p, MSEC(100));
    rc = scenario_save(p, out);
done:
    http_server_service_stop(srv, shim_now(p));
    shim_pair_free(p);
    return rc;
}

static int http10(const char *out) { return http_run(out, 0); }
static int http11(const char *out) { return http_run(out, 1); }

struct rudp_outcome {
    int done, error;
};

static void on_done(void *ctx, int error, usec_t now)
{
    struct rudp_outcome *o = ctx;
    (void)now;
    o->done = 1;
    o->error = error;
}

static void on_deliver(void *ctx, uint32_t seq, const uint8_t *data, size_t len, usec_t now)
{
    (void)ctx, (void)seq, (void)data, (void)len, (void)now;   /* the trace has it all */
}

/* UDP 怎么实现可靠传输: stop-and-wait over a wire that loses 30% each way;
 * RTO from the RTT, doubled on each timeout, duplicates discarded. */
static int rudp(const char *out)
{
    struct shim_pair *p = shim_pair_new(3, NETDEV_LINK_IP);
    struct rudp_config cfg = {.window = 1, .mss = 500, .rto_initial = MSEC(200),
                              .rto_min = MSEC(20)};
    struct sim_impairments lossy = {.delay = MSEC(5), .loss = 0.3};
    struct rudp_sender *tx = NULL;
    struct rudp_receiver *rx = NULL;
    struct rudp_outcome o = {0, 0};
    static char data[2000];
    int rc = -1;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    sim_link_set_both(p->link, &lossy);
    memset(data, 'r', sizeof data);
    if (rudp_receiver_service_start(p->server, 9000, &cfg, on_deliver, NULL, NULL, &rx) < 0 ||
        rudp_sender_service_start(p->client, SHIM_SERVER_ADDR, 9000, data, sizeof data, &cfg,
                                  on_done, &o, shim_now(p), &tx) < 0) {
        scenario_fail("rudp services");
        goto done;
    }
    for (int s = 0; s < 60 && !o.done; s++)
        shim_run_for(p, SEC(1));
    if (!o.done || o.error != 0) {
        scenario_fail("rudp transfer did not finish (%d)", o.error);
        goto done;
    }
    shim_run_for(p, SEC(1));
    rc = scenario_save(p, out);
done:
    rudp_sender_service_stop(tx, shim_now(p));
    rudp_receiver_service_stop(rx, shim_now(p));
    shim_pair_free(p);
    return rc;
}

const struct scenario app_scenarios[] = {
    {"open_url", "open http://www.tunlab.test/: ARP, DNS, TCP, HTTP, close", open_url},
    {"http10", "two HTTP/1.0 requests: a connection each", http10},
    {"http11", "two HTTP/1.1 requests on one kept connection", http11},
    {"rudp", "reliable UDP, stop-and-wait over a lossy wire", rudp},
    {NULL, NULL, NULL},
};
