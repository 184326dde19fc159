/*
 * scenario.c — helpers shared by the slide scenarios (scenario.h).
 */
#include "slides/scenarios/scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "stack/socket/socket.h"
#include "stack/transport/tcp_state.h"
#include "tools/draw/trace_file.h"

int scenario_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("slide_scenario: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

void scenario_note(struct shim_pair *p, const char *node, const char *fmt, ...)
{
    char text[TRACE_TEXT_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    trace_note(sim_world_trace(p->world), shim_now(p), node, "app", "%s", text);
}

void scenario_note_state(struct shim_pair *p, struct stack *st, const char *node, int fd)
{
    int state = -1;
    if (socket_getsockopt(st, fd, SOCK_OPT_TCP_STATE, &state) == 0)
        scenario_note(p, node, "%s", tcp_state_name(state));
}

int scenario_save(struct shim_pair *p, const char *path)
{
    if (trace_file_save(sim_world_trace(p->world), path) < 0)
        return scenario_fail("cannot write %s", path);
    return 0;
}

int scenario_connect(struct shim_pair *p, uint16_t port, int rcvbuf, int *lfd, int *cfd,
                     int *afd)
{
    struct sock_addr any = {0, port}, to = {SHIM_SERVER_ADDR, port}, peer;

    *lfd = socket_open(p->server, SOCK_TYPE_STREAM);
    if (*lfd < 0)
        return scenario_fail("server socket: %d", *lfd);
    if (rcvbuf > 0 && socket_setsockopt(p->server, *lfd, SOCK_OPT_RCVBUF, rcvbuf, shim_now(p)) < 0)
        return scenario_fail("SO_RCVBUF %d refused", rcvbuf);
    if (socket_bind(p->server, *lfd, &any) < 0 || socket_listen(p->server, *lfd, 4, shim_now(p)) < 0)
        return scenario_fail("server bind/listen on port %u failed", port);
    *cfd = socket_open(p->client, SOCK_TYPE_STREAM);
    if (*cfd < 0 || socket_connect(p->client, *cfd, &to, shim_now(p)) != -EINPROGRESS)
        return scenario_fail("client socket/connect failed");
    /* The handshake takes a round trip (and one more for the final ACK to
     * arrive); bounded: 2 s of virtual time. */
    *afd = -EAGAIN;
    for (int ms = 0; ms < 2000 && *afd == -EAGAIN; ms++) {
        shim_run_for(p, MSEC(1));
        *afd = socket_accept(p->server, *lfd, &peer, shim_now(p));
    }
    if (*afd < 0)
        return scenario_fail("accept failed: %d", *afd);
    return 0;
}
