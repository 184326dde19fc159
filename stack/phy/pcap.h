/*
 * pcap.h — write and read capture files in the classic libpcap format, the
 * one Wireshark, tshark and tcpdump all read.
 *
 *   file header (24 bytes): magic 0xa1b2c3d4, version 2.4, thiszone 0,
 *                           sigfigs 0, snaplen, linktype
 *   per packet  (16 bytes): ts_sec, ts_usec, incl_len, orig_len, then
 *                           incl_len bytes of packet
 *
 * Timestamps are in microseconds (the stack's usec_t, split in seconds and
 * microseconds). The link type says how each packet begins:
 * LINKTYPE_RAW (101) for a TUN device's bare IP packets, LINKTYPE_ETHERNET
 * (1) for a TAP device's frames — the same numbers as enum trace_link.
 *
 * The writer writes little-endian files whatever the host, so a capture is
 * byte-for-byte reproducible; the reader accepts either byte order.
 */
#ifndef TUNLAB_PHY_PCAP_H
#define TUNLAB_PHY_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_LINKTYPE_RAW 101
/* Longest packet kept in a record, and the largest the reader accepts. */
#define PCAP_SNAPLEN 65535

/* The link type of a device's packets. */
uint32_t pcap_linktype_of(const struct netdev *dev);

struct pcap_writer {
    FILE *file;
    uint32_t linktype;
    uint64_t packets;   /* records written */
    int error;          /* first write error (negative errno); writing stops then */
};

/* Create (truncate) `path` and write the file header. Returns 0 or a
 * negative errno. */
int pcap_writer_open(struct pcap_writer *w, const char *path, uint32_t linktype);

/* Append one record: `cap_len` bytes kept of a packet `wire_len` long.
 * The record is flushed to the file at once, so a capture of a running
 * program can be read while it runs. Returns 0 or a negative errno. */
int pcap_writer_write(struct pcap_writer *w, usec_t time, const uint8_t *bytes,
                      size_t cap_len, size_t wire_len);

/* Close the file. Returns 0, or the first error seen while writing. */
int pcap_writer_close(struct pcap_writer *w);

/* A netdev_capture_fn (ctx = the writer): records every packet the device
 * sends and receives. */
void pcap_capture(void *ctx, const struct netdev *dev, bool outgoing, const struct pkb *p,
                  usec_t now);

/* Hook the writer to a device with netdev_set_capture(). Returns 0, or
 * -EINVAL if the device's link type is not the file's. */
int pcap_attach(struct pcap_writer *w, struct netdev *dev);

/* Write the packet events (TRACE_PKT_IN and TRACE_PKT_OUT) of a trace to a
 * new file at `path`. `node` selects one host's view ("client"); NULL takes
 * every node, so a packet on a simulated link appears twice (out, then in).
 * Events whose link type differs from `linktype` are skipped. A trace keeps
 * only the first TRACE_PKT_BYTES of each packet, so records are truncated
 * (orig_len tells the real length; Wireshark marks them "capture length").
 * Returns the number of records written, or a negative errno. */
long pcap_write_trace(const struct trace *t, const char *path, uint32_t linktype,
                      const char *node);

/* ---- reading ------------------------------------------------------------ */

struct pcap_reader {
    FILE *file;
    bool swapped;       /* file written on a host of the other byte order */
    uint32_t linktype;
    uint32_t snaplen;
    uint8_t *buf;       /* holds the last record's bytes */
};

struct pcap_record {
    usec_t time;
    uint32_t cap_len;
    uint32_t wire_len;
    const uint8_t *bytes;   /* valid until the next pcap_read_next() or close */
};

/* Open a file and check its header. Returns 0, -errno if it cannot be
 * opened, or -EPROTO if it is not a microsecond pcap file. */
int pcap_read_open(struct pcap_reader *r, const char *path);

/* Read the next record. Returns 1 and fills *rec, 0 at the end of the file,
 * or -EPROTO for a truncated or malformed record. */
int pcap_read_next(struct pcap_reader *r, struct pcap_record *rec);

void pcap_read_close(struct pcap_reader *r);

#ifdef __cplusplus
}
#endif

#endif
