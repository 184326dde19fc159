/*
 * http_get.c — the daemon's `get` command (see http_get.h).
 */
#define _GNU_SOURCE
#include "apps/daemon/http_get.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apps/daemon/daemon.h"
#include "apps/http/http_client.h"
#include "stack/net/ip4.h"
#include "stack/net/ip4_route.h"
#include "stack/phy/loop.h"

#define GET_BUF (1u << 20)        /* body bytes waiting for the writer */
#define GET_ROOM (64u << 10)      /* read more only with this much room (> any one delivery) */
#define GET_NOTES 8192

struct get_box {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    uint8_t *buf;                 /* ring of GET_BUF bytes */
    size_t head, len;
    char notes[GET_NOTES];        /* progress lines not yet written */
    size_t notes_len;
    bool verbose;
    bool paused;                  /* the client stopped reading: resume it after draining */
    bool done;
};

/* ---- in the event-loop thread (the stack's mutex is held) ------------- */

static int box_body(void *ctx, size_t index, const uint8_t *data, size_t len)
{
    struct get_box *b = ctx;
    int rc = 0;
    (void)index;
    pthread_mutex_lock(&b->mutex);
    if (len > GET_BUF - b->len) {
        rc = -ENOBUFS;   /* cannot happen: can_take kept GET_ROOM free */
    } else {
        for (size_t i = 0; i < len; i++)
            b->buf[(b->head + b->len + i) % GET_BUF] = data[i];
        b->len += len;
        pthread_cond_broadcast(&b->cond);
    }
    pthread_mutex_unlock(&b->mutex);
    return rc;
}

static bool box_can_take(void *ctx)
{
    struct get_box *b = ctx;
    bool ok;
    pthread_mutex_lock(&b->mutex);
    ok = GET_BUF - b->len >= GET_ROOM;
    if (!ok)
        b->paused = true;
    pthread_mutex_unlock(&b->mutex);
    return ok;
}

static void box_note(void *ctx, const char *text)
{
    struct get_box *b = ctx;
    pthread_mutex_lock(&b->mutex);
    if (b->verbose) {
        int n = snprintf(b->notes + b->notes_len, GET_NOTES - b->notes_len, "* %s\n", text);
        if (n > 0)
            b->notes_len = b->notes_len + (size_t)n < GET_NOTES ? b->notes_len + (size_t)n
                                                                : GET_NOTES - 1;
        pthread_cond_broadcast(&b->cond);
    }
    pthread_mutex_unlock(&b->mutex);
}

static void box_done(void *ctx)
{
    struct get_box *b = ctx;
    pthread_mutex_lock(&b->mutex);
    b->done = true;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->mutex);
}

static const struct http_client_ops box_ops = {
    .on_body = box_body,
    .can_take = box_can_take,
    .on_note = box_note,
    .on_done = box_done,
};

/* ---- in the caller's thread ------------------------------------------ */

static struct timespec in_ms(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

/* Where a host's resolver usually is: its router, the default route's gateway. */
static uint32_t default_dns(struct stack *st)
{
    const struct ip4_route *r = ip4_route_lookup(st->ip, 0);
    return r != NULL ? r->gateway : 0;
}

/* Move what the client delivered to the sinks; true when everything is over. */
static bool drain(struct daemon *d, struct http_client *cl, struct get_box *b, FILE *body,
                  FILE *out, uint8_t *chunk, size_t chunk_len)
{
    bool done, resume;
    size_t n;
    struct timespec until = in_ms(100);

    pthread_mutex_lock(&b->mutex);
    while (b->len == 0 && b->notes_len == 0 && !b->done)
        if (pthread_cond_timedwait(&b->cond, &b->mutex, &until) == ETIMEDOUT)
            break;
    if (b->notes_len > 0) {
        fwrite(b->notes, 1, b->notes_len, out);
        b->notes_len = 0;
    }
    n = b->len < chunk_len ? b->len : chunk_len;
    for (size_t i = 0; i < n; i++)
        chunk[i] = b->buf[(b->head + i) % GET_BUF];
    b->head = (b->head + n) % GET_BUF;
    b->len -= n;
    resume = b->paused && GET_BUF - b->len >= GET_ROOM;
    if (resume)
        b->paused = false;
    done = b->done && b->len == 0;
    pthread_mutex_unlock(&b->mutex);
    if (n > 0)
        fwrite(chunk, 1, n, body);
    if (resume) {
        tl_stack_lock(daemon_tl(d));
        http_client_resume(cl, loop_clock_now());
        tl_stack_unlock(daemon_tl(d));
        daemon_wake(d);
    }
    return done;
}

static void summary(struct http_client *cl, uint32_t dns, const char *const *urls, size_t count,
                    FILE *out, bool always)
{
    char dns_text[16];
    ip4_format_addr(dns, dns_text, sizeof(dns_text));
    for (size_t i = 0; i < count; i++) {
        const struct http_fetch_result *r = http_client_result(cl, i);
        if (r->resolve_failed)
            fprintf(out, "tunlab get: %s: cannot resolve the name with the DNS server at %s: %s\n",
                    urls[i], dns_text,
                    r->error == -EHOSTUNREACH ? "no such name" : strerror(-r->error));
        else if (r->error != 0)
            fprintf(out, "tunlab get: %s: %s\n", urls[i], strerror(-r->error));
        else if (always)
            fprintf(out, "%s: HTTP %d, %llu bytes, connection #%u\n", urls[i], r->status,
                    (unsigned long long)r->body_bytes, r->connection);
    }
}

int http_get_run(struct daemon *d, const struct http_get_options *opt, const char *const *urls,
                 size_t count, FILE *out)
{
    struct get_box box = {.verbose = opt->verbose};
    struct http_client_config cc = {.timeout = opt->timeout != 0 ? opt->timeout : usec_from_sec(120)};
    struct http_client *cl = NULL;
    FILE *body = out;
    uint8_t *chunk = malloc(GET_ROOM);
    int rc;

    box.buf = malloc(GET_BUF);
    if (box.buf == NULL || chunk == NULL) {
        rc = -ENOMEM;
        goto free_buffers;
    }
    if (opt->output_path != NULL && (body = fopen(opt->output_path, "wb")) == NULL) {
        rc = -errno;
        fprintf(out, "tunlab get: cannot write %s: %s\n", opt->output_path, strerror(errno));
        goto free_buffers;
    }
    pthread_mutex_init(&box.mutex, NULL);
    pthread_cond_init(&box.cond, NULL);

    tl_stack_lock(daemon_tl(d));
    cc.dns_server = opt->dns_server != 0 ? opt->dns_server : default_dns(daemon_stack(d));
    rc = http_client_start(daemon_stack(d), &cc, urls, count, &box_ops, &box, loop_clock_now(),
                           &cl);
    tl_stack_unlock(daemon_tl(d));
    daemon_wake(d);
    if (rc < 0) {
        fprintf(out, "tunlab get: %s\n",
                rc == -EPROTONOSUPPORT ? "only http:// URLs (no TLS here)"
                : rc == -EINVAL        ? "bad URL, or URLs on different hosts"
                                       : strerror(-rc));
        goto close_output;
    }
    /* Bounded: the client's own deadline ends it; this is a second fence. */
    for (long rounds = 0; rounds < 20L * 600; rounds++)
        if (drain(d, cl, &box, body, out, chunk, GET_ROOM))
            break;

    tl_stack_lock(daemon_tl(d));
    rc = 0;
    for (size_t i = 0; i < count; i++)
        if (http_client_result(cl, i)->error != 0 && rc == 0)
            rc = http_client_result(cl, i)->error;
    summary(cl, cc.dns_server, urls, count, out, opt->verbose || opt->output_path != NULL);
    http_client_free(cl, loop_clock_now());
    tl_stack_unlock(daemon_tl(d));
    daemon_wake(d);

close_output:
    pthread_cond_destroy(&box.cond);
    pthread_mutex_destroy(&box.mutex);
    if (body != out)
        fclose(body);
free_buffers:
    free(box.buf);
    free(chunk);
    return rc;
}

void http_get_command(struct daemon *d, char *args, FILE *out)
{
    struct http_get_options opt = {0};
    const char *urls[HTTP_CLIENT_MAX_URLS];
    size_t count = 0;
    char *save = NULL;

    for (char *w = strtok_r(args, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
        if (strcmp(w, "-v") == 0) {
            opt.verbose = true;
        } else if (strcmp(w, "-o") == 0 || strcmp(w, "-d") == 0) {
            char *value = strtok_r(NULL, " ", &save);
            if (value == NULL)
                goto usage;
            if (w[1] == 'o')
                opt.output_path = value;
            else if (ip4_parse_addr(value, &opt.dns_server) < 0)
                goto usage;
        } else if (w[0] == '-' || count == HTTP_CLIENT_MAX_URLS) {
            goto usage;
        } else {
            urls[count++] = w;
        }
    }
    if (count == 0)
        goto usage;
    http_get_run(d, &opt, urls, count, out);
    return;
usage:
    fprintf(out, "usage: get [-v] [-d DNS-SERVER] [-o FILE] URL... (up to %d URLs, one host)\n",
            HTTP_CLIENT_MAX_URLS);
}
