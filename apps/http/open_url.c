/*
 * open_url.c — the "open a URL" scenario (see open_url.h).
 */
#include "apps/http/open_url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apps/dns/dns_server.h"
#include "apps/framing/demo_pair.h"
#include "apps/http/http_client.h"
#include "apps/http/http_server.h"
#include "stack/core/byteorder.h"

struct fetch {
    struct open_url_result *run;
    size_t kept;
};

static int keep_body(void *ctx, size_t index, const uint8_t *data, size_t len)
{
    struct fetch *f = ctx;
    size_t room = sizeof(f->run->body_start) - 1 - f->kept;
    (void)index;
    if (len > room)
        len = room;
    memcpy(f->run->body_start + f->kept, data, len);
    f->kept += len;
    return 0;
}

int open_url_run(uint64_t seed, const char *url, struct open_url_result *run)
{
    struct demo_pair *p;
    struct dns_server *dns = NULL;
    struct http_server *web = NULL;
    struct http_client *cl = NULL;
    struct http_client_config cc = {.dns_server = DEMO_SERVER_ADDR};
    struct http_client_ops ops = {.on_body = keep_body};
    struct fetch f = {run, 0};
    const char *urls[1] = {url != NULL ? url : "http://www.tunlab.test/"};
    int rc = 0;

    memset(run, 0, sizeof(*run));
    p = demo_pair_new(seed, NETDEV_LINK_ETHERNET);
    if (p == NULL)
        return -ENOMEM;
    /* Let the stacks' start-up (gratuitous ARP) pass, then start clean:
     * the trace begins with the user pressing Enter. */
    demo_run_for(p, usec_from_sec(1));
    trace_clear(demo_trace(p));
    if (dns_server_service_start(p->server, 53, NULL, &dns) < 0 ||
        http_server_service_start(p->server, NULL, &web) < 0 ||
        http_client_start(p->client, &cc, urls, 1, &ops, &f, demo_now(p), &cl) < 0) {
        rc = -ENOMEM;
        goto out;
    }
    for (int ms = 0; ms < 30000 && !http_client_done(cl); ms++)
        demo_run_for(p, usec_from_msec(1));
    run->error = http_client_result(cl, 0)->error;
    run->status = http_client_result(cl, 0)->status;
    run->body_bytes = http_client_result(cl, 0)->body_bytes;
    http_client_free(cl, demo_now(p));
    /* The close: FINs both ways; the client waits in TIME-WAIT. */
    demo_run_for(p, usec_from_sec(1));
    run->pair = p;
    run->trace = demo_trace(p);
    http_server_service_stop(web, demo_now(p));
    dns_server_service_stop(dns, demo_now(p));
    return 0;

out:
    http_server_service_stop(web, demo_now(p));
    dns_server_service_stop(dns, demo_now(p));
    demo_pair_free(p);
    return rc;
}

void open_url_free(struct open_url_result *run)
{
    demo_pair_free(run->pair);
    run->pair = NULL;
    run->trace = NULL;
}

/* "tcp SYN", "tcp SYN+ACK", "tcp ACK", "tcp FIN+ACK", ... */
static void tcp_flags_name(uint8_t flags, char *out, size_t len)
{
    snprintf(out, len, "tcp %s%s%s%s", flags & 0x02 ? "SYN" : "", flags & 0x01 ? "FIN" : "",
             flags & 0x04 ? "RST" : "",
             flags & 0x10 ? (flags & 0x07 ? "+ACK" : "ACK") : "");
}

/* A DNS name at p (labels), as text, without following pointers. */
static void dns_name(const uint8_t *p, size_t len, char *out, size_t cap)
{
    size_t i = 0, n = 0;
    while (i < len && p[i] != 0 && p[i] < 64 && n + 1 < cap) {
        size_t l = p[i++];
        if (n > 0 && n + 1 < cap)
            out[n++] = '.';
        for (size_t k = 0; k < l && i < len && n + 1 < cap; k++)
            out[n++] = (char)p[i++];
    }
    out[n] = '\0';
}

static void name_packet(const struct trace_event *ev, char *out, size_t cap)
{
    const uint8_t *b = ev->bytes;
    size_t len = ev->cap_len;

    snprintf(out, cap, "?");
    if (len < 14)
        return;
    if (be16_read(b + 12) == 0x0806 && len >= 42) {
        char ip[16];
        uint32_t target = be32_read(b + 14 + 24), sender = be32_read(b + 14 + 14);
        if (be16_read(b + 14 + 6) == 1) {
            snprintf(ip, sizeof(ip), "%u.%u.%u.%u", target >> 24, (target >> 16) & 255,
                     (target >> 8) & 255, target & 255);
            snprintf(out, cap, "arp who-has %s", ip);
        } else {
            snprintf(ip, sizeof(ip), "%u.%u.%u.%u", sender >> 24, (sender >> 16) & 255,
                     (sender >> 8) & 255, sender & 255);
            snprintf(out, cap, "arp %s is-at", ip);
        }
        return;
    }
    if (be16_read(b + 12) != 0x0800 || len < 14 + 20)
        return;
    const uint8_t *ip = b + 14;
    size_t ihl = (size_t)(ip[0] & 15) * 4, total = be16_read(ip + 2);
    const uint8_t *l4 = ip + ihl;
    size_t l4_cap = len - 14 > ihl ? len - 14 - ihl : 0;
    if (ip[9] == 17 && l4_cap >= 8 + 12) {
        char name[64];
        bool query = be16_read(l4 + 2) == 53;
        dns_name(l4 + 8 + 12, l4_cap - 20, name, sizeof(name));
        /* Names are cut at 40 characters: a label, not the whole name. */
        snprintf(out, cap, "dns %s %.40s", query ? "query" : "answer", name);
        return;
    }
    if (ip[9] == 6 && l4_cap >= 20) {
        size_t doff = (size_t)(l4[12] >> 4) * 4;
        size_t payload = total > ihl + doff ? total - ihl - doff : 0;
        if (payload > 0 && l4_cap > doff + 4) {
            const char *data = (const char *)l4 + doff;
            size_t have = l4_cap - doff;
            if (have >= 4 && memcmp(data, "GET ", 4) == 0) {
                size_t n = strcspn(data + 4, " \r\n");
                snprintf(out, cap, "http GET %.*s", (int)(n < 32 && n < have - 4 ? n : 0),
                         data + 4);
                return;
            }
            if (have >= 12 && memcmp(data, "HTTP/1.", 7) == 0) {
                snprintf(out, cap, "http %.12s", data);
                return;
            }
            snprintf(out, cap, "tcp data %zu bytes", payload);
            return;
        }
        tcp_flags_name(l4[13], out, cap);
    }
}

size_t open_url_steps(const struct trace *t, char (*steps)[OPEN_URL_STEP_LEN], size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        if (ev->kind != TRACE_PKT_OUT)
            continue;
        if (count < max)
            name_packet(ev, steps[count], OPEN_URL_STEP_LEN);
        count++;
    }
    return count;
}
