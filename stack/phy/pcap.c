/*
 * pcap.c — the classic pcap file format (see pcap.h), written and read
 * field by field: like a wire header, a file header is never a struct
 * overlaid on bytes.
 */
#include "stack/phy/pcap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/byteorder.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

static void le16_write(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32_write(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t le32_read(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t pcap_linktype_of(const struct netdev *dev)
{
    return dev->link == NETDEV_LINK_ETHERNET ? PCAP_LINKTYPE_ETHERNET : PCAP_LINKTYPE_RAW;
}

/* ---- writing ------------------------------------------------------------ */

int pcap_writer_open(struct pcap_writer *w, const char *path, uint32_t linktype)
{
    uint8_t h[PCAP_FILE_HEADER_LEN];

    memset(w, 0, sizeof *w);
    w->linktype = linktype;
    w->file = fopen(path, "wb");
    if (!w->file)
        return -errno;
    le32_write(h + 0, PCAP_MAGIC_USEC);
    le16_write(h + 4, PCAP_VERSION_MAJOR);
    le16_write(h + 6, PCAP_VERSION_MINOR);
    le32_write(h + 8, 0);              /* thiszone: timestamps are UTC */
    le32_write(h + 12, 0);             /* sigfigs: always 0 */
    le32_write(h + 16, PCAP_SNAPLEN);
    le32_write(h + 20, linktype);
    if (fwrite(h, sizeof h, 1, w->file) != 1 || fflush(w->file) != 0) {
        fclose(w->file);
        w->file = NULL;
        return -EIO;
    }
    return 0;
}

int pcap_writer_write(struct pcap_writer *w, usec_t time, const uint8_t *bytes,
                      size_t cap_len, size_t wire_len)
{
#ifdef LAB1_SOLUTION
    uint8_t h[PCAP_RECORD_HEADER_LEN];

    if (!w->file)
        return -EBADF;
    if (w->error)
        return w->error;
    if (cap_len > PCAP_SNAPLEN)
        cap_len = PCAP_SNAPLEN;
    if (wire_len < cap_len)
        wire_len = cap_len;
    if (wire_len > UINT32_MAX)
        wire_len = UINT32_MAX;
    le32_write(h + 0, (uint32_t)(time / USEC_PER_SEC));
    le32_write(h + 4, (uint32_t)(time % USEC_PER_SEC));
    le32_write(h + 8, (uint32_t)cap_len);
    le32_write(h + 12, (uint32_t)wire_len);
    if (fwrite(h, sizeof h, 1, w->file) != 1 ||
        (cap_len > 0 && fwrite(bytes, cap_len, 1, w->file) != 1) || fflush(w->file) != 0) {
        w->error = -EIO;
        return w->error;
    }
    w->packets++;
    return 0;
#else
    /* TODO(lab 1): pcap_writer_write() — labs/lab1-physical/README.md,
     * "Part B". Write one 16-byte record header (ts_sec, ts_usec, incl_len,
     * orig_len, little-endian like the file header that pcap_writer_open
     * wrote) and then the captured bytes; keep at most PCAP_SNAPLEN bytes.
     * Count the record in w->packets. Errors: -EBADF when the writer is not
     * open; after a failed write remember -EIO in w->error and return it
     * from then on. */
    (void)w;
    (void)time;
    (void)bytes;
    (void)cap_len;
    (void)wire_len;
    return -ENOSYS;
#endif
}

int pcap_writer_close(struct pcap_writer *w)
{
    int rc = w->error;

    if (!w->file)
        return rc ? rc : -EBADF;
    if (fclose(w->file) != 0 && rc == 0)
        rc = -EIO;
    w->file = NULL;
    return rc;
}

void pcap_capture(void *ctx, const struct netdev *dev, bool outgoing, const struct pkb *p,
                  usec_t now)
{
    (void)dev;
    (void)outgoing;   /* classic pcap has no direction field */
    /* An error is remembered in the writer; the packet goes on regardless. */
    pcap_writer_write(ctx, now, p->data, p->len, p->len);
}

int pcap_attach(struct pcap_writer *w, struct netdev *dev)
{
    if (pcap_linktype_of(dev) != w->linktype)
        return -EINVAL;
    netdev_set_capture(dev, pcap_capture, w);
    return 0;
}

long pcap_write_trace(const struct trace *t, const char *path, uint32_t linktype,
                      const char *node)
{
    struct pcap_writer w;
    int rc = pcap_writer_open(&w, path, linktype);

    if (rc < 0)
        return rc;
    for (size_t i = 0; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        if (ev->kind != TRACE_PKT_IN && ev->kind != TRACE_PKT_OUT)
            continue;
        if ((uint32_t)ev->link != linktype)
            continue;
        if (node && strcmp(node, ev->node) != 0)
            continue;
        if (pcap_writer_write(&w, ev->time, ev->bytes, ev->cap_len, ev->wire_len) < 0)
            break;
    }
    rc = pcap_writer_close(&w);
    return rc < 0 ? rc : (long)w.packets;
}

/* ---- reading ------------------------------------------------------------ */

static uint32_t field32(const struct pcap_reader *r, const uint8_t *p)
{
    return r->swapped ? be32_read(p) : le32_read(p);
}

int pcap_read_open(struct pcap_reader *r, const char *path)
{
    uint8_t h[PCAP_FILE_HEADER_LEN];

    memset(r, 0, sizeof *r);
    r->file = fopen(path, "rb");
    if (!r->file)
        return -errno;
    if (fread(h, sizeof h, 1, r->file) != 1)
        goto not_pcap;
    if (le32_read(h) == PCAP_MAGIC_USEC)
        r->swapped = false;
    else if (be32_read(h) == PCAP_MAGIC_USEC)
        r->swapped = true;
    else
        goto not_pcap;   /* also the nanosecond and pcapng formats */
    r->snaplen = field32(r, h + 16);
    r->linktype = field32(r, h + 20);
    r->buf = malloc(PCAP_SNAPLEN);
    if (!r->buf) {
        fclose(r->file);
        r->file = NULL;
        return -ENOMEM;
    }
    return 0;

not_pcap:
    fclose(r->file);
    r->file = NULL;
    return -EPROTO;
}

int pcap_read_next(struct pcap_reader *r, struct pcap_record *rec)
{
    uint8_t h[PCAP_RECORD_HEADER_LEN];
    size_t got;
    uint32_t usec;

    if (!r->file)
        return -EBADF;
    got = fread(h, 1, sizeof h, r->file);
    if (got == 0 && feof(r->file))
        return 0;
    if (got != sizeof h)
        return -EPROTO;
    usec = field32(r, h + 4);
    rec->cap_len = field32(r, h + 8);
    rec->wire_len = field32(r, h + 12);
    if (usec >= USEC_PER_SEC || rec->cap_len > PCAP_SNAPLEN || rec->cap_len > rec->wire_len)
        return -EPROTO;
    rec->time = (usec_t)field32(r, h) * USEC_PER_SEC + usec;
    if (rec->cap_len > 0 && fread(r->buf, rec->cap_len, 1, r->file) != 1)
        return -EPROTO;
    rec->bytes = r->buf;
    return 1;
}

void pcap_read_close(struct pcap_reader *r)
{
    if (r->file)
        fclose(r->file);
    r->file = NULL;
    free(r->buf);
    r->buf = NULL;
}
