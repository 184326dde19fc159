/*
 * conn.h — one TCP (or UDP) connection named by its two endpoints, as the
 * tools' --conn option and the trace's subjects write it:
 *
 *   10.0.0.1:40000>10.0.0.2:80        (a "tcp " prefix is accepted too)
 *
 * The order says a direction: the time-sequence plot draws the data that
 * the left endpoint sends; a ladder takes both directions.
 */
#ifndef TUNLAB_TOOLS_DRAW_CONN_H
#define TUNLAB_TOOLS_DRAW_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/draw/pkt_info.h"

#ifdef __cplusplus
extern "C" {
#endif

struct conn_id {
    uint32_t a_ip, b_ip;     /* host order */
    uint16_t a_port, b_port;
};

enum conn_dir {
    CONN_NONE = 0,   /* another connection, or not TCP/UDP */
    CONN_A_TO_B = 1,
    CONN_B_TO_A = 2,
};

/* Returns 0, or -EINVAL if `s` is not "A.B.C.D:PORT>A.B.C.D:PORT". */
int conn_parse(const char *s, struct conn_id *c);
/* "10.0.0.1:40000>10.0.0.2:80" (at least 44 bytes). */
void conn_format(const struct conn_id *c, char *out, size_t outlen);
/* The connection of a TCP segment, oriented from its sender. */
void conn_of_packet(const struct pkt_info *info, struct conn_id *c);
/* Which way a TCP or UDP packet goes on the connection. */
enum conn_dir conn_direction(const struct conn_id *c, const struct pkt_info *info);
/* Is a trace subject ("tcp 10.0.0.1:40000>10.0.0.2:80") this connection,
 * written in either order? */
bool conn_matches_subject(const struct conn_id *c, const char *subject);

#ifdef __cplusplus
}
#endif

#endif
