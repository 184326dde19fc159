/*
 * ping.c — the stack's ping client (see ping.h).
 *
 * The echo replies arrive in the event-loop thread (inside the stack); the
 * client waits in its own thread. A small mailbox with its own mutex and
 * condition variable joins the two. Lock order: the stack's mutex may be
 * held while taking the mailbox's (the reply handler), never the reverse.
 */
#define _GNU_SOURCE
#include "apps/daemon/ping.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "apps/daemon/daemon.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4.h"
#include "stack/phy/loop.h"
#include <unistd.h>

struct ping_mailbox {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    uint16_t id;
    uint16_t want_seq;
    bool got_reply;
    bool got_error;
    struct icmp_echo_reply_info reply;
    uint8_t error_type, error_code;
    uint32_t error_from;
};

static void on_reply(void *ctx, const struct icmp_echo_reply_info *reply, usec_t now)
{
    (void)now;
    struct ping_mailbox *box = ctx;
    pthread_mutex_lock(&box->mutex);
    if (reply->id == box->id && reply->seq == box->want_seq) {
        box->reply = *reply;
        box->got_reply = true;
        pthread_cond_broadcast(&box->cond);
    }
    pthread_mutex_unlock(&box->mutex);
}

static void on_error(void *ctx, uint32_t from, uint8_t type, uint8_t code, uint16_t id,
                     uint16_t seq, usec_t now)
{
    (void)now;
    struct ping_mailbox *box = ctx;
    pthread_mutex_lock(&box->mutex);
    if (id == box->id && seq == box->want_seq) {
        box->got_error = true;
        box->error_type = type;
        box->error_code = code;
        box->error_from = from;
        pthread_cond_broadcast(&box->cond);
    }
    pthread_mutex_unlock(&box->mutex);
}

/* Wait until a reply/error for the current seq or `deadline` (realtime). */
static void wait_for_answer(struct ping_mailbox *box, const struct timespec *deadline)
{
    pthread_mutex_lock(&box->mutex);
    while (!box->got_reply && !box->got_error) {
        if (pthread_cond_timedwait(&box->cond, &box->mutex, deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&box->mutex);
}

static struct timespec realtime_in(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static void print_summary(FILE *out, const char *dst_text, const struct ping_result *r)
{
    if (out == NULL)
        return;
    int loss = r->sent ? 100 * (r->sent - r->received) / r->sent : 0;
    fprintf(out, "\n--- %s ping statistics ---\n", dst_text);
    fprintf(out, "%d packets transmitted, %d received, %d%% packet loss\n", r->sent,
            r->received, loss);
    if (r->received > 0)
        fprintf(out, "rtt min/avg/max = %.3f/%.3f/%.3f ms\n", r->rtt_min_ms, r->rtt_avg_ms,
                r->rtt_max_ms);
}

struct ping_result ping_run(struct daemon *d, uint32_t dst, int count, size_t size, FILE *out)
{
    struct ping_result r = {0};
    struct ping_mailbox box = {.id = (uint16_t)(getpid() & 0xffff)};
    pthread_mutex_init(&box.mutex, NULL);
    pthread_cond_init(&box.cond, NULL);
    struct stack *st = daemon_stack(d);
    struct tl_stack *tl = daemon_tl(d);
    char dst_text[16];
    ip4_format_addr(dst, dst_text, sizeof(dst_text));
    if (out)
        fprintf(out, "PING %s %zu data bytes, from the tunlab stack\n", dst_text, size);

    tl_stack_lock(tl);
    icmp_ping_set_handler(st->icmp, on_reply, on_error, &box);
    tl_stack_unlock(tl);

    double rtt_sum = 0;
    for (int seq = 1; seq <= count; seq++) {
        pthread_mutex_lock(&box.mutex);
        box.want_seq = (uint16_t)seq;
        box.got_reply = box.got_error = false;
        pthread_mutex_unlock(&box.mutex);

        struct timespec next = realtime_in(1000);
        tl_stack_lock(tl);
        int rc = icmp_ping_send(st->icmp, dst, box.id, (uint16_t)seq, size, loop_clock_now());
        tl_stack_unlock(tl);
        daemon_wake(d);   /* the send may have armed a timer (ARP retry) */
        r.sent++;
        if (rc < 0) {
            r.errors++;
            if (out)
                fprintf(out, "icmp_seq=%d send failed: %s\n", seq, strerror(-rc));
        } else {
            wait_for_answer(&box, &next);
        }
        pthread_mutex_lock(&box.mutex);
        if (box.got_reply) {
            double ms = (double)box.reply.rtt / 1000.0;
            r.received++;
            rtt_sum += ms;
            if (r.received == 1 || ms < r.rtt_min_ms)
                r.rtt_min_ms = ms;
            if (ms > r.rtt_max_ms)
                r.rtt_max_ms = ms;
            if (out)
                fprintf(out, "%zu bytes from %s: icmp_seq=%d ttl=%u time=%.3f ms%s\n",
                        box.reply.len + 8, dst_text, seq, box.reply.ttl, ms,
                        box.reply.data_ok ? "" : " (wrong data)");
        } else if (box.got_error) {
            r.errors++;
            if (out)
                fprintf(out, "From %s icmp_seq=%d %s\n", dst_text, seq,
                        icmp_type_name(box.error_type));
        }
        pthread_mutex_unlock(&box.mutex);
        if (out)
            fflush(out);
        if (seq < count)   /* one request per second, like ping(8) */
            while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &next, NULL) == EINTR)
                ;
    }
    r.rtt_avg_ms = r.received ? rtt_sum / r.received : 0;

    tl_stack_lock(tl);
    icmp_ping_set_handler(st->icmp, NULL, NULL, NULL);
    tl_stack_unlock(tl);
    print_summary(out, dst_text, &r);
    pthread_mutex_destroy(&box.mutex);
    pthread_cond_destroy(&box.cond);
    return r;
}
