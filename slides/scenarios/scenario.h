/*
 * scenario.h — the runs the slides draw: each one a real exchange between
 * two tunlab stacks on the simulated link (tests/shim/pair.h), in virtual
 * time, saved as a trace file that tools/draw turns into a figure.
 *
 *     slide_scenario NAME OUT.trace      (slide_scenario --list names them)
 *
 * Nothing here is drawn by hand: a scenario calls the socket API, runs the
 * clock, and the stacks record what crossed the wire. Notes that a scenario
 * adds (what the application did: "recv() = 300 bytes") are marked as
 * coming from the application, subject "app".
 */
#ifndef TUNLAB_SLIDES_SCENARIOS_SCENARIO_H
#define TUNLAB_SLIDES_SCENARIOS_SCENARIO_H

#include <stdint.h>

#include "stack/core/trace.h"
#include "tests/shim/pair.h"

#define MSEC(n) ((usec_t)(n) * 1000u)
#define SEC(n) ((usec_t)(n) * 1000000u)

struct scenario {
    const char *name;
    const char *what;                 /* one line for --list */
    int (*run)(const char *out_path); /* 0 saved, -1 failed (said why on stderr) */
};

/* The scenarios of each file, terminated by a NULL name. */
extern const struct scenario tcp_connection_scenarios[];
extern const struct scenario tcp_data_scenarios[];
extern const struct scenario lower_layer_scenarios[];
extern const struct scenario session_scenarios[];
extern const struct scenario app_scenarios[];

/* ---- helpers (scenario.c) ---- */

/* Say why a scenario failed; returns -1. */
int scenario_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A note from the application on node `node` ("client"/"server"), now. */
void scenario_note(struct shim_pair *p, const char *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A note with the TCP state of socket fd on that side (queried, not assumed). */
void scenario_note_state(struct shim_pair *p, struct stack *st, const char *node, int fd);

/* Save the world's trace; -1 (and a message) on failure. */
int scenario_save(struct shim_pair *p, const char *path);

/* A TCP connection client -> server:port: listen, connect, run 5 ms,
 * accept. Fills the three descriptors; -1 on failure. `rcvbuf` > 0 sets the
 * listener's receive buffer first (the accepted socket inherits it). */
int scenario_connect(struct shim_pair *p, uint16_t port, int rcvbuf, int *lfd, int *cfd,
                     int *afd);

#endif
