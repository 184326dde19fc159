/*
 * dns_msg.c — parse and write DNS messages (RFC 1035 §3.1, §4.1).
 */
#include "apps/dns/dns_msg.h"

#include <stdio.h>
#include <string.h>

#include "stack/core/byteorder.h"

const char *dns_error_name(int err)
{
    switch (err) {
    case DNS_OK: return "ok";
    case DNS_ERR_TRUNCATED: return "truncated";
    case DNS_ERR_LABEL_TYPE: return "reserved label type";
    case DNS_ERR_NAME_TOO_LONG: return "name longer than 255 bytes";
    case DNS_ERR_BAD_POINTER: return "compression pointer does not point backwards";
    case DNS_ERR_POINTER_LOOP: return "too many compression pointers";
    case DNS_ERR_BAD_TEXT: return "bad name text";
    default: return "unknown";
    }
}

/* ---- header ---------------------------------------------------------- */

int dns_header_parse(const uint8_t *msg, size_t len, struct dns_header *h)
{
    uint16_t flags;

    if (len < DNS_HDR_LEN)
        return DNS_ERR_TRUNCATED;
    flags = be16_read(msg + 2);
    h->id = be16_read(msg);
    h->qr = (flags >> 15) & 1;
    h->opcode = (flags >> 11) & 0xF;
    h->aa = (flags >> 10) & 1;
    h->tc = (flags >> 9) & 1;
    h->rd = (flags >> 8) & 1;
    h->ra = (flags >> 7) & 1;
    h->z = (flags >> 4) & 0x7;
    h->rcode = flags & 0xF;
    h->qdcount = be16_read(msg + 4);
    h->ancount = be16_read(msg + 6);
    h->nscount = be16_read(msg + 8);
    h->arcount = be16_read(msg + 10);
    return DNS_OK;
}

void dns_header_emit(const struct dns_header *h, uint8_t out[DNS_HDR_LEN])
{
    uint16_t flags = (uint16_t)((h->qr ? 1u : 0u) << 15 | (h->opcode & 0xFu) << 11 |
                                (h->aa ? 1u : 0u) << 10 | (h->tc ? 1u : 0u) << 9 |
                                (h->rd ? 1u : 0u) << 8 | (h->ra ? 1u : 0u) << 7 |
                                (h->z & 0x7u) << 4 | (h->rcode & 0xFu));
    be16_write(out, h->id);
    be16_write(out + 2, flags);
    be16_write(out + 4, h->qdcount);
    be16_write(out + 6, h->ancount);
    be16_write(out + 8, h->nscount);
    be16_write(out + 10, h->arcount);
}

/* ---- names ----------------------------------------------------------- */

int dns_name_parse(const uint8_t *msg, size_t len, size_t *off, struct dns_name *n)
{
    size_t pos = *off;
    size_t segment_start = pos;   /* where the bytes we are reading began */
    size_t end = 0;               /* where the name ends in the message */
    bool jumped = false;
    int hops = 0;

    n->len = 0;
    for (;;) {
        uint8_t b;
        if (pos >= len)
            return DNS_ERR_TRUNCATED;
        b = msg[pos];
        if ((b & 0xC0) == 0xC0) {
            size_t target;
            if (pos + 1 >= len)
                return DNS_ERR_TRUNCATED;
            target = (size_t)(b & 0x3F) << 8 | msg[pos + 1];
            if (!jumped) {
                end = pos + 2;
                jumped = true;
            }
            /* §4.1.4: a pointer refers to a "prior occurrence". Demanding
             * that each jump lands before the bytes we were reading makes
             * every walk strictly backwards, so no loop can exist; the hop
             * count is a second, independent bound. */
            if (target >= segment_start)
                return DNS_ERR_BAD_POINTER;
            if (++hops > DNS_MAX_POINTER_HOPS)
                return DNS_ERR_POINTER_LOOP;
            pos = segment_start = target;
            continue;
        }
        if ((b & 0xC0) != 0)
            return DNS_ERR_LABEL_TYPE;   /* 01 and 10 are reserved (§4.1.4) */
        if (b == 0) {
            n->wire[n->len++] = 0;
            if (!jumped)
                end = pos + 1;
            break;
        }
        if (pos + 1 + b > len)
            return DNS_ERR_TRUNCATED;
        /* Room for the label and, after it, at least the root's 0. */
        if ((size_t)n->len + 1 + b + 1 > DNS_NAME_MAX)
            return DNS_ERR_NAME_TOO_LONG;
        memcpy(n->wire + n->len, msg + pos, (size_t)1 + b);
        n->len = (uint8_t)(n->len + 1 + b);
        pos += (size_t)1 + b;
    }
    *off = end;
    return DNS_OK;
}

int dns_name_from_text(struct dns_name *n, const char *text)
{
    size_t tlen = strlen(text);
    size_t i = 0;

    n->len = 0;
    if (tlen > 0 && text[tlen - 1] == '.')
        tlen--;   /* a trailing dot: the name is absolute anyway */
    while (i < tlen) {
        size_t j = i;
        while (j < tlen && text[j] != '.')
            j++;
        if (j == i || j - i > DNS_LABEL_MAX)
            return DNS_ERR_BAD_TEXT;
        if ((size_t)n->len + 1 + (j - i) + 1 > DNS_NAME_MAX)
            return DNS_ERR_NAME_TOO_LONG;
        n->wire[n->len++] = (uint8_t)(j - i);
        memcpy(n->wire + n->len, text + i, j - i);
        n->len = (uint8_t)(n->len + (j - i));
        i = j + 1;
    }
    n->wire[n->len++] = 0;
    return DNS_OK;
}

static bool plain_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

void dns_name_to_text(const struct dns_name *n, char *out, size_t outlen)
{
    size_t pos = 0, w = 0;

    if (outlen == 0)
        return;
    if (n->len <= 1) {
        snprintf(out, outlen, ".");
        return;
    }
    while (pos < n->len && n->wire[pos] != 0) {
        uint8_t l = n->wire[pos++];
        if (w > 0 && w + 1 < outlen)
            out[w++] = '.';
        for (uint8_t k = 0; k < l && pos < n->len; k++, pos++) {
            uint8_t c = n->wire[pos];
            if (plain_char(c)) {
                if (w + 1 < outlen)
                    out[w++] = (char)c;
            } else if (w + 4 < outlen) {
                w += (size_t)snprintf(out + w, outlen - w, "\\%03u", c);
            }
        }
    }
    out[w < outlen ? w : outlen - 1] = '\0';
}

static uint8_t lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }

/* Length bytes are at most 63, below 'A', so lowering the whole wire form
 * changes only the letters. */
static bool wire_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

bool dns_name_equal(const struct dns_name *a, const struct dns_name *b)
{
    return a->len == b->len && wire_equal(a->wire, b->wire, a->len);
}

bool dns_name_in_zone(const struct dns_name *n, const struct dns_name *zone)
{
    size_t pos = 0;

    /* Try each label boundary of n as the start of the zone's labels. */
    while (pos < n->len) {
        if ((size_t)(n->len - pos) == zone->len)
            return wire_equal(n->wire + pos, zone->wire, zone->len);
        if (n->wire[pos] == 0)
            break;
        pos += (size_t)1 + n->wire[pos];
    }
    return false;
}

/* ---- questions and resource records ----------------------------------- */

int dns_question_parse(const uint8_t *msg, size_t len, size_t *off, struct dns_question *q)
{
    size_t pos = *off;
    int rc = dns_name_parse(msg, len, &pos, &q->name);

    if (rc < 0)
        return rc;
    if (pos + 4 > len)
        return DNS_ERR_TRUNCATED;
    q->qtype = be16_read(msg + pos);
    q->qclass = be16_read(msg + pos + 2);
    *off = pos + 4;
    return DNS_OK;
}

int dns_rr_parse(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr)
{
    size_t pos = *off;
    int rc = dns_name_parse(msg, len, &pos, &rr->name);

    if (rc < 0)
        return rc;
    if (pos + 10 > len)
        return DNS_ERR_TRUNCATED;
    rr->type = be16_read(msg + pos);
    rr->rclass = be16_read(msg + pos + 2);
    rr->ttl = be32_read(msg + pos + 4);
    rr->rdlength = be16_read(msg + pos + 8);
    pos += 10;
    if (pos + rr->rdlength > len)
        return DNS_ERR_TRUNCATED;
    rr->rdata_off = pos;
    *off = pos + rr->rdlength;
    return DNS_OK;
}

/* ---- writer ----------------------------------------------------------- */

void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = false;
}

void dns_put_bytes(struct dns_writer *w, const void *p, size_t n)
{
    if (w->overflow || w->len + n > w->cap) {
        w->overflow = true;
        return;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void dns_put8(struct dns_writer *w, uint8_t v) { dns_put_bytes(w, &v, 1); }

void dns_put16(struct dns_writer *w, uint16_t v)
{
    uint8_t b[2];
    be16_write(b, v);
    dns_put_bytes(w, b, 2);
}

void dns_put32(struct dns_writer *w, uint32_t v)
{
    uint8_t b[4];
    be32_write(b, v);
    dns_put_bytes(w, b, 4);
}

void dns_put_name(struct dns_writer *w, const struct dns_name *n)
{
    dns_put_bytes(w, n->wire, n->len);
}

void dns_put_pointer(struct dns_writer *w, uint16_t offset)
{
    dns_put16(w, (uint16_t)(0xC000 | (offset & 0x3FFF)));
}
