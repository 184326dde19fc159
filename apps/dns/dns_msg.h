/*
 * dns_msg.h — the DNS message format (RFC 1035 §4): header, names with
 * compression, questions and resource records; parsing that treats every
 * byte as hostile, and a small writer.
 *
 * RFC 1035 §4.1.1, the header (12 bytes):
 *
 *                                     1  1  1  1  1  1
 *       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |                      ID                       |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |                    QDCOUNT                    |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |                    ANCOUNT                    |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |                    NSCOUNT                    |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     |                    ARCOUNT                    |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * §4.1.2, a question: QNAME (a name), QTYPE (16 bits), QCLASS (16 bits).
 * §4.1.3, a resource record: NAME, TYPE, CLASS, TTL (32 bits), RDLENGTH,
 * RDATA (RDLENGTH bytes; 4 bytes of address for an A record).
 *
 * §3.1 and §4.1.4, names: a sequence of labels, each a length byte (0-63)
 * and that many bytes, ended by the zero-length root label; at most 255
 * bytes in all. To save space a name may end in a pointer — two bytes whose
 * top bits are 11 — to a prior occurrence of the rest of the name:
 *
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *     | 1  1|                OFFSET                   |
 *     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * A hostile message can make pointers go round in a circle; the parser only
 * follows pointers that go backwards and at most DNS_MAX_POINTER_HOPS of
 * them, so it always stops.
 */
#ifndef TUNLAB_APPS_DNS_MSG_H
#define TUNLAB_APPS_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DNS_PORT 53
#define DNS_HDR_LEN 12
#define DNS_UDP_MAX 512           /* RFC 1035 §2.3.4: UDP messages */
#define DNS_NAME_MAX 255          /* §2.3.4: names, in wire form */
#define DNS_LABEL_MAX 63
#define DNS_MAX_POINTER_HOPS 16
#define DNS_NAME_TEXT_MAX (4 * DNS_NAME_MAX + 1)   /* every byte escaped as \DDD */

/* Header flags. */
#define DNS_OPCODE_QUERY 0
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

/* Types and classes used here (§3.2.2, §3.2.4). */
#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_ANY 255
#define DNS_CLASS_IN 1
#define DNS_CLASS_ANY 255

/* Why parsing failed. */
enum dns_error {
    DNS_OK = 0,
    DNS_ERR_TRUNCATED = -1,      /* the message ends inside a field */
    DNS_ERR_LABEL_TYPE = -2,     /* a length byte starting 01 or 10 (reserved) */
    DNS_ERR_NAME_TOO_LONG = -3,  /* more than 255 bytes */
    DNS_ERR_BAD_POINTER = -4,    /* a pointer that does not point backwards */
    DNS_ERR_POINTER_LOOP = -5,   /* more than DNS_MAX_POINTER_HOPS pointers */
    DNS_ERR_BAD_TEXT = -6,       /* dns_name_from_text: empty label, label > 63 */
};
const char *dns_error_name(int err);

struct dns_header {
    uint16_t id;
    bool qr;          /* 0 query, 1 response */
    uint8_t opcode;   /* 0 QUERY, 1 IQUERY, 2 STATUS, ... */
    bool aa, tc, rd, ra;
    uint8_t z;        /* reserved, 3 bits */
    uint8_t rcode;
    uint16_t qdcount, ancount, nscount, arcount;
};

int dns_header_parse(const uint8_t *msg, size_t len, struct dns_header *h);
void dns_header_emit(const struct dns_header *h, uint8_t out[DNS_HDR_LEN]);

/* A name in uncompressed wire form ("\3www\6tunlab\4test\0"), so that
 * names are compared label by label and no text escaping can confuse
 * them. */
struct dns_name {
    uint8_t len;                   /* bytes in wire, the final 0 included */
    uint8_t wire[DNS_NAME_MAX];
};

/* Read the name at *off in msg, following pointers; advance *off past the
 * name where it started (past the first pointer, if any). */
int dns_name_parse(const uint8_t *msg, size_t len, size_t *off, struct dns_name *n);
/* "www.tunlab.test" or "www.tunlab.test." -> wire form. "" and "." are the
 * root. */
int dns_name_from_text(struct dns_name *n, const char *text);
/* Wire form -> "www.tunlab.test" ("." for the root); bytes other than
 * letters, digits, '-' and '_' are written as \DDD. */
void dns_name_to_text(const struct dns_name *n, char *out, size_t outlen);
/* Equal ignoring ASCII case (RFC 1035 §2.3.3, RFC 4343). */
bool dns_name_equal(const struct dns_name *a, const struct dns_name *b);
/* Is n the zone apex or below it? */
bool dns_name_in_zone(const struct dns_name *n, const struct dns_name *zone);

struct dns_question {
    struct dns_name name;
    uint16_t qtype, qclass;
};
int dns_question_parse(const uint8_t *msg, size_t len, size_t *off, struct dns_question *q);

struct dns_rr {
    struct dns_name name;
    uint16_t type, rclass;
    uint32_t ttl;
    uint16_t rdlength;
    size_t rdata_off;    /* where RDATA starts in the message */
};
int dns_rr_parse(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr);

/* A bounded writer: writes past cap set `overflow` instead of writing. */
struct dns_writer {
    uint8_t *buf;
    size_t cap, len;
    bool overflow;
};
void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap);
void dns_put8(struct dns_writer *w, uint8_t v);
void dns_put16(struct dns_writer *w, uint16_t v);
void dns_put32(struct dns_writer *w, uint32_t v);
void dns_put_bytes(struct dns_writer *w, const void *p, size_t n);
void dns_put_name(struct dns_writer *w, const struct dns_name *n);
/* A compression pointer to `offset` (< 0x4000) in place of a name. */
void dns_put_pointer(struct dns_writer *w, uint16_t offset);

#ifdef __cplusplus
}
#endif

#endif
