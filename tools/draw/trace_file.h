/*
 * trace_file.h — save a struct trace as text and read it back, so a test, a
 * trace script or a demo can keep its run and the drawing tools can draw it
 * later.
 *
 * The format (version 1) is plain text, one event per line:
 *
 *   tunlab-trace 1
 *   # comments start with '#'; blank lines are ignored
 *   0.000000 "client" out "client-eth" ip 60 4500003c00004000...
 *   0.000000 "client" state "tcp 10.0.0.1:40000>10.0.0.2:80" "CLOSED -> SYN_SENT"
 *   0.001000 "server" in "server-eth" ip 60 4500003c00004000...
 *   0.004000 "client" var "tcp 10.0.0.1:40000>10.0.0.2:80" "cwnd" 14600
 *   0.004000 "client" note "arp" "gratuitous ARP for 10.0.0.1"
 *   dropped 12
 *
 * Every event line is   TIME NODE KIND SUBJECT REST   separated by single
 * spaces or tabs:
 *
 *   TIME     seconds '.' exactly six digits of microseconds (trace_format_time)
 *   NODE     quoted string, at most 15 bytes ("client", "server", "stack")
 *   KIND     in | out | lost | state | var | note   (trace_kind_name)
 *   SUBJECT  quoted string, at most 63 bytes
 *   REST     in/out/lost: LINK WIRE_LEN BYTES
 *                LINK      ip (101, bare IPv4) | eth (1, Ethernet) | a number
 *                WIRE_LEN  the packet's whole length, decimal
 *                BYTES     the kept bytes in hex, two digits each, at most 128
 *                          bytes and never more than WIRE_LEN; "-" when none
 *            state: TEXT         quoted, at most 95 bytes ("FROM -> TO")
 *            var:   NAME VALUE   NAME quoted, VALUE a signed decimal (int64)
 *            note:  TEXT         quoted, at most 95 bytes
 *
 * A quoted string is '"' ... '"' where '\\' stands for a backslash, '\"' for
 * a quote and '\xHH' for any byte (the writer uses it for bytes below 0x20
 * and from 0x7f up, so files are ASCII). The optional last line
 * "dropped N" carries the count of events the recorder could not store.
 *
 * The reader is strict: any deviation is an error that names the line
 * ("run.trace:12: bad hex digit 'g' in packet bytes"); a hostile file gives
 * an error, never a crash or an out-of-bounds write.
 */
#ifndef TUNLAB_TOOLS_DRAW_TRACE_FILE_H
#define TUNLAB_TOOLS_DRAW_TRACE_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRACE_FILE_MAGIC "tunlab-trace 1"
/* Longest line the reader accepts (a packet line needs about 400). */
#define TRACE_FILE_MAX_LINE 4096

/* Write every event of `t` to `out`. Returns 0, or -EIO if writing failed. */
int trace_file_write(const struct trace *t, FILE *out);

/* Append the events read from `in` to `t` (initialized by the caller with
 * trace_init). Events pass through the trace's recorder, so its limit and
 * listener apply as for live events. `name` names the input in error
 * messages. Returns 0, or -EPROTO with "name:LINE: what went wrong" in
 * `err`; the events before the bad line stay in `t`. */
int trace_file_read(FILE *in, const char *name, struct trace *t, char *err, size_t errlen);

/* The same on a path. Returns 0, a negative errno if the file cannot be
 * opened or written, or -EPROTO for malformed content (message in err). */
int trace_file_save(const struct trace *t, const char *path);
int trace_file_load(const char *path, struct trace *t, char *err, size_t errlen);

/* Append one whole event, exactly as given (the readers use it). It goes
 * through the recorder's function for its kind, so the trace's limit and
 * listener apply as for a live event, then the stored copy is made exact. */
void trace_file_record_event(struct trace *t, const struct trace_event *ev);

#ifdef __cplusplus
}
#endif

#endif
