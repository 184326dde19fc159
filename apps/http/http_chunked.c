/*
 * http_chunked.c — the chunked transfer coding, decoding side (RFC 9112
 * §7.1), see http_parser.h.
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF
 *
 * A byte-at-a-time state machine for the framing, and whole spans for the
 * data, so the body is never copied here.
 */
#include "apps/http/http_parser.h"

#include <errno.h>

enum {
    CH_SIZE,         /* hex digits of chunk-size */
    CH_EXT,          /* chunk-ext: skipped up to the LF */
    CH_DATA,         /* chunk-data */
    CH_DATA_CR,      /* the CRLF after the data */
    CH_DATA_LF,
    CH_TRAILER,      /* a trailer field line (ignored) or the final empty line */
    CH_DONE,
};

#define CH_MAX_LINE 4096   /* a chunk-ext or trailer line longer than this is refused */
#define CH_MAX_DIGITS 15   /* 15 hex digits = 2^60: no overflow in 64 bits */

void http_chunked_init(struct http_chunked *c)
{
    c->state = CH_SIZE;
    c->left = 0;
    c->digits = 0;
    c->line = 0;
    c->done = false;
}

static int hex(uint8_t b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

/* One framing byte. */
static int step_byte(struct http_chunked *c, uint8_t b)
{
    switch (c->state) {
    case CH_SIZE:
        if (hex(b) >= 0) {
            if (++c->digits > CH_MAX_DIGITS)
                return -EPROTO;
            c->left = c->left * 16 + (uint64_t)hex(b);
            return 0;
        }
        if (c->digits == 0)
            return -EPROTO;   /* a size needs at least one digit */
        c->state = CH_EXT;
        c->line = 0;
        /* this byte starts the extension or ends the line */
        __attribute__((fallthrough));
    case CH_EXT:
        if (b == '\n') {
            c->digits = 0;
            c->line = 0;
            c->state = c->left > 0 ? CH_DATA : CH_TRAILER;
            return 0;
        }
        if (++c->line > CH_MAX_LINE)
            return -EPROTO;
        return 0;
    case CH_DATA_CR:
        if (b == '\r') {
            c->state = CH_DATA_LF;
            return 0;
        }
        /* a bare LF is accepted, as for every line */
        __attribute__((fallthrough));
    case CH_DATA_LF:
        if (b != '\n')
            return -EPROTO;
        c->state = CH_SIZE;
        c->left = 0;
        return 0;
    case CH_TRAILER:
        if (b == '\n') {
            if (c->line == 0) {
                c->state = CH_DONE;   /* the empty line: the message is over */
                c->done = true;
            }
            c->line = 0;
            return 0;
        }
        if (b != '\r' && ++c->line > CH_MAX_LINE)
            return -EPROTO;
        return 0;
    }
    return -EPROTO;
}

int http_chunked_step(struct http_chunked *c, const uint8_t *in, size_t len, size_t *used,
                      const uint8_t **data, size_t *data_len)
{
    size_t i = 0;

    *data = NULL;
    *data_len = 0;
    while (i < len && c->state != CH_DONE) {
        if (c->state == CH_DATA) {
            size_t n = len - i < c->left ? len - i : (size_t)c->left;
            *data = in + i;
            *data_len = n;
            c->left -= n;
            i += n;
            if (c->left == 0)
                c->state = CH_DATA_CR;
            break;   /* hand the span over before going on */
        }
        int rc = step_byte(c, in[i]);
        if (rc < 0) {
            *used = i;
            return rc;
        }
        i++;
    }
    *used = i;
    return 0;
}
