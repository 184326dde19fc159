/*
 * draw_input.h — the inputs of the drawing tools as a struct trace: a trace
 * file (trace_file.h) or a pcap capture.
 *
 * A pcap holds no nodes and no states, and it was captured at one point, so
 * each record becomes two events at the same instant: an OUT at a node
 * named by the source address and an IN at a node named by the destination
 * (ARP: sender and target protocol addresses). On a ladder the arrows are
 * therefore level: the receive time is the capture time, and the picture
 * says so (DRAW_PCAP_CAPTION).
 */
#ifndef TUNLAB_TOOLS_DRAW_DRAW_INPUT_H
#define TUNLAB_TOOLS_DRAW_DRAW_INPUT_H

#include <stddef.h>

#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DRAW_PCAP_CAPTION \
    "from a pcap: one capture point, so each packet's receive time is its capture time"

/* Append the packets of a pcap file to `t` (trace_init'ed by the caller).
 * Records that are neither IPv4 nor ARP are skipped and counted in
 * *skipped (may be NULL). Returns 0, or a negative errno with a message in
 * err ("f.pcap: record 12: truncated record"). */
int draw_load_pcap(const char *path, struct trace *t, size_t *skipped, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
