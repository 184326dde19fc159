/*
 * draw_input.c — a pcap capture as a trace (see draw_input.h).
 */
#include "tools/draw/draw_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stack/phy/pcap.h"
#include "tools/draw/pkt_info.h"
#include "tools/draw/trace_file.h"

static void packet_event(struct trace_event *ev, usec_t time, enum trace_kind kind,
                         const char *node, enum trace_link link, const struct pcap_record *rec)
{
    size_t cap = rec->cap_len < rec->wire_len ? rec->cap_len : rec->wire_len;
    if (cap > TRACE_PKT_BYTES)
        cap = TRACE_PKT_BYTES;
    memset(ev, 0, sizeof *ev);
    ev->time = time;
    ev->kind = kind;
    snprintf(ev->node, sizeof ev->node, "%s", node);
    snprintf(ev->subject, sizeof ev->subject, "pcap");
    ev->link = link;
    ev->wire_len = rec->wire_len;
    ev->cap_len = (uint16_t)cap;
    if (cap > 0)
        memcpy(ev->bytes, rec->bytes, cap);
}

int draw_load_pcap(const char *path, struct trace *t, size_t *skipped, char *err, size_t errlen)
{
    struct pcap_reader r;
    struct pcap_record rec;
    size_t n = 0, skip = 0;
    int rc = pcap_read_open(&r, path);

    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", path,
                 rc == -EPROTO ? "not a pcap file (microsecond libpcap format)" : strerror(-rc));
        return rc;
    }
    if (r.linktype != TRACE_LINK_IP && r.linktype != TRACE_LINK_ETHERNET) {
        snprintf(err, errlen, "%s: link type %u is neither raw IP (101) nor Ethernet (1)", path,
                 (unsigned)r.linktype);
        pcap_read_close(&r);
        return -EPROTO;
    }
    while ((rc = pcap_read_next(&r, &rec)) == 1) {
        struct pkt_info info;
        struct trace_event ev;
        char src[16], dst[16];
        n++;
        pkt_info_decode_bytes((enum trace_link)r.linktype, rec.bytes, rec.cap_len, rec.wire_len,
                              &info);
        if (!info.has_ip) {
            skip++;
            continue;
        }
        pkt_format_ip(info.src, src, sizeof src);
        pkt_format_ip(info.dst, dst, sizeof dst);
        packet_event(&ev, rec.time, TRACE_PKT_OUT, src, (enum trace_link)r.linktype, &rec);
        trace_file_record_event(t, &ev);
        packet_event(&ev, rec.time, TRACE_PKT_IN, dst, (enum trace_link)r.linktype, &rec);
        trace_file_record_event(t, &ev);
    }
    pcap_read_close(&r);
    if (rc < 0) {
        snprintf(err, errlen, "%s: record %zu: truncated or malformed record", path, n + 1);
        return rc;
    }
    if (skipped != NULL)
        *skipped = skip;
    return 0;
}
