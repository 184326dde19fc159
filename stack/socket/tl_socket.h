/*
 * tl_socket.h — blocking sockets for apps that run in their own threads
 * while the stack runs in its event-loop thread.
 *
 * THE THREADING MODEL
 *
 * A stack is a single-threaded, deterministic machine (socket.h). To let
 * ordinary blocking programs use it, one struct tl_stack wraps one stack
 * with a mutex and a condition variable:
 *
 *   event-loop thread                     app threads
 *   -----------------                     -----------
 *   tl_stack_lock(tl)                     tl_recv(tl, fd, ...)
 *   netdev_poll(...), stack_run_timers()    lock
 *     -> UDP queues a datagram              socket_recv() == -EAGAIN
 *     -> socket callback: broadcast  ---->  cond_wait (drops the lock)
 *   tl_stack_unlock(tl)                     wakes, retries socket_recv()
 *   sleep in poll(2) until the next         unlock, return the bytes
 *   timer deadline, a packet, or a kick <-- kick (after every call)
 *
 *  - Every tl_* call holds the mutex around its socket_* calls, and the
 *    event loop holds the same mutex while it runs the stack, so the stack
 *    is only ever entered by one thread at a time.
 *  - A call that would block waits on the condition variable; the callback
 *    that tl_socket()/tl_accept() install on each descriptor broadcasts it
 *    whenever the stack says the socket's readiness may have changed. The
 *    waiter re-checks under the mutex, so no wake-up is lost.
 *  - The stack never reads a clock: the tl layer asks the clock callback
 *    its owner installed for `now` (the wall clock on a real device, the
 *    virtual clock in a test), always while holding the mutex.
 *  - A call may send a packet or arm a timer (connect arms the SYN
 *    retransmission timer), so after every call the tl layer calls the kick
 *    callback (if set): the event loop should wake up and recompute how long
 *    it may sleep (an eventfd or a pipe in its poll set does this).
 *  - tl_stack_stop() wakes every waiter; blocked calls return -1 with
 *    errno ECANCELED, so a daemon can shut down cleanly.
 *
 * Every call returns -1 and sets errno on failure, like the POSIX call of
 * the same name. Descriptors are the stack's (socket.h), not the kernel's.
 */
#ifndef TUNLAB_SOCKET_TL_SOCKET_H
#define TUNLAB_SOCKET_TL_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

#include "stack/core/clock.h"
#include "stack/socket/socket.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct tl_stack;

/* Returns the current time for the stack (called with the mutex held). */
typedef usec_t (*tl_clock_fn)(void *ctx);
/* Wakes the event loop. Must not take the tl mutex (it may be called with
 * it held) and must not block: write to an eventfd or a pipe. */
typedef void (*tl_kick_fn)(void *ctx);

/* Wrap st. `clock` is required. NULL when out of memory. */
struct tl_stack *tl_stack_new(struct stack *st, tl_clock_fn clock, void *clock_ctx);
/* Free the wrapper (not the stack). No thread may be inside a tl_* call. */
void tl_stack_free(struct tl_stack *tl);
void tl_stack_set_kick(struct tl_stack *tl, tl_kick_fn kick, void *ctx);

/* For the event-loop thread: hold the mutex while running the stack. */
void tl_stack_lock(struct tl_stack *tl);
void tl_stack_unlock(struct tl_stack *tl);

/* Wake every blocked call and make it (and every later blocking wait)
 * fail with ECANCELED. */
void tl_stack_stop(struct tl_stack *tl);

/* The blocking calls. */
int tl_socket(struct tl_stack *tl, int type);
int tl_bind(struct tl_stack *tl, int fd, const struct sock_addr *addr);
int tl_listen(struct tl_stack *tl, int fd, int backlog);
/* Waits for a connection. */
int tl_accept(struct tl_stack *tl, int fd, struct sock_addr *peer);
/* TCP: waits until the connection is established or has failed. */
int tl_connect(struct tl_stack *tl, int fd, const struct sock_addr *addr);
/* Waits until all len bytes are accepted (or an error after some were:
 * then returns the count, like send(2) on a blocking socket). */
ssize_t tl_send(struct tl_stack *tl, int fd, const void *buf, size_t len);
ssize_t tl_sendto(struct tl_stack *tl, int fd, const void *buf, size_t len,
                  const struct sock_addr *to);
/* Waits until data (or end of stream, or an error) is there. */
ssize_t tl_recv(struct tl_stack *tl, int fd, void *buf, size_t len);
ssize_t tl_recvfrom(struct tl_stack *tl, int fd, void *buf, size_t len, struct sock_addr *from);
int tl_shutdown(struct tl_stack *tl, int fd, int how);
int tl_close(struct tl_stack *tl, int fd);
int tl_setsockopt(struct tl_stack *tl, int fd, enum sock_option opt, int value);
int tl_getsockopt(struct tl_stack *tl, int fd, enum sock_option opt, int *value);
/* Waits until one of fds is ready or timeout_ms passes (-1: no limit,
 * 0: do not wait). Returns how many are ready, 0 on timeout. */
int tl_poll(struct tl_stack *tl, struct sock_pollfd *fds, size_t count, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
