/*
 * control.h — the daemon's control socket: how `./tunlab ss`, `stats`,
 * `route`, `arp` and `ping` reach a running stack.
 *
 * A Unix stream socket at a file path (a path, not an abstract name, so it
 * is reachable from outside the daemon's network namespace). A client
 * connects, writes one command line, and reads the answer until the daemon
 * closes the connection:
 *
 *   stats | route | arp | sockets       a report (daemon_report)
 *   ping ADDR [COUNT [SIZE]]            the stack pings ADDR, lines like ping(8)
 *   get [-v] [-d DNS] [-o FILE] URL...  the stack's HTTP client fetches URL (http_get.h)
 *
 * One thread of its own serves the clients one at a time; it touches the
 * stack only with the stack's mutex held.
 */
#ifndef TUNLAB_APPS_CONTROL_H
#define TUNLAB_APPS_CONTROL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest command line, newline included (a `get` with several URLs). */
#define CONTROL_LINE_MAX 2048

struct daemon;
struct control;

/* Listen on `path` (replacing a stale socket file). NULL with err on failure. */
struct control *control_start(struct daemon *d, const char *path, char *err, size_t errlen);
/* Stop serving, remove the socket file, free. NULL-safe. */
void control_stop(struct control *c);

/* The client side: send `command` to the daemon at `path` and copy its
 * answer to stdout. Returns 0, or a negative errno if it is not running. */
int control_request(const char *path, const char *command);

#ifdef __cplusplus
}
#endif

#endif
