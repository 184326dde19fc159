#define _GNU_SOURCE
/*
 * tl_socket.c — blocking sockets over the non-blocking socket API, with a
 * mutex and a condition variable (the threading model is in tl_socket.h).
 *
 * Every blocking call has the same shape:
 *
 *     lock
 *     loop: try the non-blocking call; if it did not say -EAGAIN, stop;
 *           otherwise wait on the condition variable and try again
 *     unlock, kick the event loop, turn -errno into -1 + errno
 */
#include "stack/socket/tl_socket.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct tl_stack {
    struct stack *st;
    pthread_mutex_t lock;
    pthread_cond_t changed;     /* some socket's readiness may have changed */
    bool stopping;
    tl_clock_fn clock;
    void *clock_ctx;
    tl_kick_fn kick;
    void *kick_ctx;
};

struct tl_stack *tl_stack_new(struct stack *st, tl_clock_fn clock, void *clock_ctx)
{
    struct tl_stack *tl;
    pthread_condattr_t attr;

    if (clock == NULL)
        return NULL;
    tl = calloc(1, sizeof *tl);
    if (tl == NULL)
        return NULL;
    tl->st = st;
    tl->clock = clock;
    tl->clock_ctx = clock_ctx;
    pthread_mutex_init(&tl->lock, NULL);
    /* Timed waits measure a monotonic clock, so that setting the date does
     * not stretch or cut a tl_poll timeout. */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&tl->changed, &attr);
    pthread_condattr_destroy(&attr);
    return tl;
}

void tl_stack_free(struct tl_stack *tl)
{
    if (tl == NULL)
        return;
    pthread_cond_destroy(&tl->changed);
    pthread_mutex_destroy(&tl->lock);
    free(tl);
}

void tl_stack_set_kick(struct tl_stack *tl, tl_kick_fn kick, void *ctx)
{
    pthread_mutex_lock(&tl->lock);
    tl->kick = kick;
    tl->kick_ctx = ctx;
    pthread_mutex_unlock(&tl->lock);
}

void tl_stack_lock(struct tl_stack *tl) { pthread_mutex_lock(&tl->lock); }
void tl_stack_unlock(struct tl_stack *tl) { pthread_mutex_unlock(&tl->lock); }

void tl_stack_stop(struct tl_stack *tl)
{
    pthread_mutex_lock(&tl->lock);
    tl->stopping = true;
    pthread_cond_broadcast(&tl->changed);
    pthread_mutex_unlock(&tl->lock);
}

/* ---- the pieces every call is made of -------------------------------- */

static void enter(struct tl_stack *tl) { pthread_mutex_lock(&tl->lock); }

static usec_t now_of(struct tl_stack *tl) { return tl->clock(tl->clock_ctx); }

/* Unlock, wake the event loop, and translate the result to POSIX style. */
static ssize_t leave(struct tl_stack *tl, ssize_t rc)
{
    tl_kick_fn kick = tl->kick;
    void *kick_ctx = tl->kick_ctx;

    pthread_mutex_unlock(&tl->lock);
    if (kick != NULL)
        kick(kick_ctx);
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

/* Wait for a readiness change; false when the wrapper is stopping. The
 * lock is held on entry and on return (pthread_cond_wait releases it while
 * sleeping). Kick first: the call that is about to wait may have sent
 * something whose answer the event loop must now wait for. */
static bool wait_change(struct tl_stack *tl)
{
    if (tl->stopping)
        return false;
    if (tl->kick != NULL)
        tl->kick(tl->kick_ctx);
    pthread_cond_wait(&tl->changed, &tl->lock);
    return !tl->stopping;
}

/* The callback installed on every descriptor this layer hands out: runs in
 * the event-loop thread, inside the stack, with the mutex held. */
static void on_socket_event(void *ctx, int fd, unsigned events, usec_t now)
{
    struct tl_stack *tl = ctx;

    (void)fd;
    (void)events;
    (void)now;
    pthread_cond_broadcast(&tl->changed);
}

/* ---- the calls ------------------------------------------------------- */

int tl_socket(struct tl_stack *tl, int type)
{
    int fd;

    enter(tl);
    fd = socket_open(tl->st, type);
    if (fd >= 0)
        socket_set_callback(tl->st, fd, on_socket_event, tl);
    return (int)leave(tl, fd);
}

int tl_bind(struct tl_stack *tl, int fd, const struct sock_addr *addr)
{
    enter(tl);
    return (int)leave(tl, socket_bind(tl->st, fd, addr));
}

int tl_listen(struct tl_stack *tl, int fd, int backlog)
{
    enter(tl);
    return (int)leave(tl, socket_listen(tl->st, fd, backlog, now_of(tl)));
}

int tl_accept(struct tl_stack *tl, int fd, struct sock_addr *peer)
{
    int rc;

    enter(tl);
    while ((rc = socket_accept(tl->st, fd, peer, now_of(tl))) == -EAGAIN) {
        if (!wait_change(tl)) {
            rc = -ECANCELED;
            break;
        }
    }
    if (rc >= 0)
        socket_set_callback(tl->st, rc, on_socket_event, tl);
    return (int)leave(tl, rc);
}

int tl_connect(struct tl_stack *tl, int fd, const struct sock_addr *addr)
{
    int rc, ev, err = 0;

    enter(tl);
    rc = socket_connect(tl->st, fd, addr, now_of(tl));
    if (rc != -EINPROGRESS)
        return (int)leave(tl, rc);
    /* TCP: the SYN is out. The connection is decided when the socket
     * becomes writable (established) or reports an error or hang-up; the
     * result is then read with SO_ERROR, as a non-blocking connect(2)'s is. */
    for (;;) {
        ev = socket_events(tl->st, fd);
        if (ev < 0) {
            rc = ev;
            break;
        }
        if (ev & (SOCK_POLLOUT | SOCK_POLLERR | SOCK_POLLHUP)) {
            rc = socket_getsockopt(tl->st, fd, SOCK_OPT_ERROR, &err);
            if (rc == 0 && err != 0)
                rc = -err;
            break;
        }
        if (!wait_change(tl)) {
            rc = -ECANCELED;
            break;
        }
    }
    return (int)leave(tl, rc);
}

ssize_t tl_sendto(struct tl_stack *tl, int fd, const void *buf, size_t len,
                  const struct sock_addr *to)
{
    const char *p = buf;
    size_t done = 0;
    ssize_t rc = 0;

    enter(tl);
    /* A blocking send(2) returns only when everything is queued: a stream
     * socket may take the data in several pieces as its buffer drains. */
    for (;;) {
        rc = socket_sendto(tl->st, fd, p + done, len - done, to, now_of(tl));
        if (rc == -EAGAIN) {
            if (!wait_change(tl)) {
                rc = -ECANCELED;
                break;
            }
            continue;
        }
        if (rc < 0)
            break;
        done += (size_t)rc;
        if (done >= len)
            break;
    }
    if (rc < 0 && done == 0)
        return leave(tl, rc);
    return leave(tl, (ssize_t)done);
}

ssize_t tl_send(struct tl_stack *tl, int fd, const void *buf, size_t len)
{
    return tl_sendto(tl, fd, buf, len, NULL);
}

ssize_t tl_recvfrom(struct tl_stack *tl, int fd, void *buf, size_t len, struct sock_addr *from)
{
    ssize_t rc;

    enter(tl);
    while ((rc = socket_recvfrom(tl->st, fd, buf, len, from, now_of(tl))) == -EAGAIN) {
        if (!wait_change(tl)) {
            rc = -ECANCELED;
            break;
        }
    }
    return leave(tl, rc);
}

ssize_t tl_recv(struct tl_stack *tl, int fd, void *buf, size_t len)
{
    return tl_recvfrom(tl, fd, buf, len, NULL);
}

int tl_shutdown(struct tl_stack *tl, int fd, int how)
{
    enter(tl);
    return (int)leave(tl, socket_shutdown(tl->st, fd, how, now_of(tl)));
}

int tl_close(struct tl_stack *tl, int fd)
{
    enter(tl);
    return (int)leave(tl, socket_close(tl->st, fd, now_of(tl)));
}

int tl_setsockopt(struct tl_stack *tl, int fd, enum sock_option opt, int value)
{
    enter(tl);
    return (int)leave(tl, socket_setsockopt(tl->st, fd, opt, value, now_of(tl)));
}

int tl_getsockopt(struct tl_stack *tl, int fd, enum sock_option opt, int *value)
{
    enter(tl);
    return (int)leave(tl, socket_getsockopt(tl->st, fd, opt, value));
}

/* deadline = now + ms on CLOCK_MONOTONIC. */
static struct timespec deadline_after_ms(int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int tl_poll(struct tl_stack *tl, struct sock_pollfd *fds, size_t count, int timeout_ms)
{
    struct timespec deadline;
    int rc;

    if (timeout_ms > 0)
        deadline = deadline_after_ms(timeout_ms);
    enter(tl);
    for (;;) {
        rc = socket_poll(tl->st, fds, count);
        if (rc != 0 || timeout_ms == 0)
            break;
        if (tl->stopping) {
            rc = -ECANCELED;
            break;
        }
        if (tl->kick != NULL)
            tl->kick(tl->kick_ctx);
        if (timeout_ms < 0) {
            pthread_cond_wait(&tl->changed, &tl->lock);
        } else if (pthread_cond_timedwait(&tl->changed, &tl->lock, &deadline) == ETIMEDOUT) {
            rc = socket_poll(tl->st, fds, count);
            break;
        }
    }
    return (int)leave(tl, rc);
}
