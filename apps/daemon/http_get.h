/*
 * http_get.h — the stack's own HTTP client, run from the daemon's control
 * socket: `./tunlab get URL [-o FILE]` (like curl, but every packet comes
 * from tunlab: DNS query, handshake, GET, the body).
 *
 * The client (apps/http/http_client.h) runs in the event-loop thread; this
 * file is the bridge to the caller's thread, which writes the body out: a
 * bounded buffer with its own mutex and condition variable (lock order as in
 * ping.c: the stack's mutex may be held while taking the buffer's, never the
 * reverse). When the buffer is full the client stops reading, so a slow
 * reader slows the server down through TCP's window instead of filling our
 * memory.
 */
#ifndef TUNLAB_APPS_DAEMON_HTTP_GET_H
#define TUNLAB_APPS_DAEMON_HTTP_GET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct daemon;

struct http_get_options {
    uint32_t dns_server;        /* host order; 0: the default route's gateway (the
                                   kernel's side, where a host's resolver usually is) */
    const char *output_path;    /* write the bodies here; NULL: to out */
    bool verbose;               /* "* resolving ...", "* connected", like curl -v */
    usec_t timeout;             /* for everything; 0: 120 s */
};

/* Fetch urls (same host) through d's stack. Bodies go to the file or to out;
 * progress (verbose) and the summary go to out, errors always. Returns 0 if
 * every URL got a response, else a negative errno. */
int http_get_run(struct daemon *d, const struct http_get_options *opt, const char *const *urls,
                 size_t count, FILE *out);

/* The control command "get [-d DNS] [-o FILE] [-v] URL..." (args after
 * "get "), answering on out. */
void http_get_command(struct daemon *d, char *args, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
