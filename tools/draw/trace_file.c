/*
 * trace_file.c — read a saved trace (see trace_file.h for the format;
 * trace_file_write.c writes it).
 *
 * The reader parses one line at a time with a cursor that never moves past
 * the line's terminating NUL; every field is checked against its limit
 * before it is copied into the fixed-size arrays of struct trace_event.
 */
#include "tools/draw/trace_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- reading ------------------------------------------------------------ */

struct reader {
    const char *name;   /* for messages */
    size_t line;        /* 1-based number of the line being parsed */
    const char *p;      /* cursor in the current line */
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int fail(struct reader *r, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (r->err != NULL && r->errlen > 0)
        snprintf(r->err, r->errlen, "%s:%zu: %s", r->name, r->line, what);
    return -EPROTO;
}

/* Read one line without its '\n' (and a '\r' before it). Returns 1, 0 at
 * the end of the input, or a negative error (too long, NUL byte, I/O). */
static int read_line(FILE *in, char *buf, size_t size, struct reader *r)
{
    size_t len = 0;
    int c;

    while ((c = getc(in)) != EOF && c != '\n') {
        if (c == '\0')
            return fail(r, "NUL byte in line");
        if (len + 1 >= size)
            return fail(r, "line longer than %zu bytes", size - 1);
        buf[len++] = (char)c;
    }
    if (ferror(in))
        return fail(r, "read error");
    if (c == EOF && len == 0)
        return 0;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return 1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Fields are separated by blanks; `what` names the field that must follow. */
static int skip_blanks(struct reader *r, const char *what)
{
    if (!is_blank(*r->p))
        return fail(r, *r->p ? "expected a blank before %s" : "line ends before %s", what);
    while (is_blank(*r->p))
        r->p++;
    return 0;
}

/* A bare token (up to the next blank) copied into tok. */
static int read_token(struct reader *r, char *tok, size_t size, const char *what)
{
    size_t n = 0;
    while (r->p[n] != '\0' && !is_blank(r->p[n]))
        n++;
    if (n == 0)
        return fail(r, "missing %s", what);
    if (n >= size)
        return fail(r, "%s too long", what);
    memcpy(tok, r->p, n);
    tok[n] = '\0';
    r->p += n;
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A quoted string into dst (size includes the NUL): at most size - 1 bytes. */
static int read_quoted(struct reader *r, char *dst, size_t size, const char *what)
{
    size_t n = 0;

    if (*r->p != '"')
        return fail(r, "%s must be a quoted string", what);
    r->p++;
    while (*r->p != '"') {
        int c = (unsigned char)*r->p;
        if (c == '\0')
            return fail(r, "unterminated string in %s", what);
        if (c == '\\') {
            char e = r->p[1];
            if (e == '\\' || e == '"') {
                c = e;
                r->p += 2;
            } else if (e == 'x') {
                int hi = hex_value(r->p[2]);
                int lo = hi < 0 ? -1 : hex_value(r->p[3]);
                if (lo < 0)
                    return fail(r, "bad \\x escape in %s", what);
                c = hi * 16 + lo;
                if (c == 0)
                    return fail(r, "\\x00 in %s", what);
                r->p += 4;
            } else {
                return fail(r, "unknown escape '\\%c' in %s", e ? e : '0', what);
            }
        } else {
            r->p++;
        }
        if (n + 1 >= size)
            return fail(r, "%s longer than %zu bytes", what, size - 1);
        dst[n++] = (char)c;
    }
    r->p++;   /* the closing quote */
    dst[n] = '\0';
    return 0;
}

/* An unsigned decimal no larger than max. */
static int parse_u64(struct reader *r, const char *s, uint64_t max, uint64_t *out,
                     const char *what)
{
    uint64_t v = 0;
    if (*s == '\0')
        return fail(r, "missing %s", what);
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return fail(r, "%s is not a decimal number", what);
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return fail(r, "%s out of range", what);
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_i64(struct reader *r, const char *s, int64_t *out, const char *what)
{
    uint64_t mag;
    bool neg = *s == '-';
    int rc = parse_u64(r, s + neg, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &mag,
                       what);
    if (rc < 0)
        return rc;
    /* -(INT64_MAX + 1) without overflowing a signed value */
    *out = neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
    return 0;
}

/* "S.UUUUUU", exactly six digits after the point. */
static int parse_time(struct reader *r, const char *s, usec_t *out)
{
    char secs[24];
    const char *dot = strchr(s, '.');
    uint64_t sec, usec;

    if (dot == NULL || strlen(dot + 1) != 6 || (size_t)(dot - s) >= sizeof secs)
        return fail(r, "time must be seconds.microseconds (six digits): '%.32s'", s);
    memcpy(secs, s, (size_t)(dot - s));
    secs[dot - s] = '\0';
    if (parse_u64(r, secs, UINT64_MAX / USEC_PER_SEC, &sec, "time") < 0 ||
        parse_u64(r, dot + 1, 999999, &usec, "time") < 0)
        return -EPROTO;
    if (sec * USEC_PER_SEC > UINT64_MAX - usec)
        return fail(r, "time out of range");
    *out = sec * USEC_PER_SEC + usec;
    return 0;
}

static int parse_kind(struct reader *r, const char *s, enum trace_kind *out)
{
    static const enum trace_kind kinds[] = {TRACE_PKT_IN, TRACE_PKT_OUT, TRACE_PKT_LOST,
                                            TRACE_STATE,  TRACE_VAR,     TRACE_NOTE};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, trace_kind_name(kinds[i])) == 0) {
            *out = kinds[i];
            return 0;
        }
    return fail(r, "unknown event kind '%.16s'", s);
}

static int parse_packet(struct reader *r, struct trace_event *ev)
{
    char tok[2 * TRACE_PKT_BYTES + 2];
    uint64_t v;
    int rc;

    if ((rc = skip_blanks(r, "the link type")) < 0 ||
        (rc = read_token(r, tok, sizeof tok, "link type")) < 0)
        return rc;
    if (strcmp(tok, "ip") == 0)
        ev->link = TRACE_LINK_IP;
    else if (strcmp(tok, "eth") == 0)
        ev->link = TRACE_LINK_ETHERNET;
    else if (parse_u64(r, tok, 65535, &v, "link type") == 0)
        ev->link = (enum trace_link)v;
    else
        return fail(r, "link type must be ip, eth or a number: '%.16s'", tok);

    if ((rc = skip_blanks(r, "the packet length")) < 0 ||
        (rc = read_token(r, tok, sizeof tok, "packet length")) < 0 ||
        (rc = parse_u64(r, tok, UINT32_MAX, &v, "packet length")) < 0)
        return rc;
    ev->wire_len = (uint32_t)v;

    if ((rc = skip_blanks(r, "the packet bytes")) < 0)
        return rc;
    if (read_token(r, tok, sizeof tok, "packet bytes") < 0)
        return fail(r, "packet bytes: more than %d bytes of hex (or missing)", TRACE_PKT_BYTES);
    if (strcmp(tok, "-") == 0)
        return 0;
    size_t digits = strlen(tok);
    if (digits % 2 != 0)
        return fail(r, "odd number of hex digits in packet bytes");
    if (digits / 2 > ev->wire_len)
        return fail(r, "%zu packet bytes kept but the packet is only %" PRIu32 " long",
                    digits / 2, ev->wire_len);
    for (size_t i = 0; i < digits / 2; i++) {
        int hi = hex_value(tok[2 * i]), lo = hex_value(tok[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return fail(r, "bad hex digit '%c' in packet bytes", hi < 0 ? tok[2 * i] : tok[2 * i + 1]);
        ev->bytes[i] = (uint8_t)(hi * 16 + lo);
    }
    ev->cap_len = (uint16_t)(digits / 2);
    return 0;
}

static int parse_event(struct reader *r, struct trace_event *ev)
{
    char tok[32];
    int rc;

    memset(ev, 0, sizeof *ev);
    if ((rc = read_token(r, tok, sizeof tok, "time")) < 0 || (rc = parse_time(r, tok, &ev->time)) < 0)
        return rc;
    if ((rc = skip_blanks(r, "the node")) < 0 ||
        (rc = read_quoted(r, ev->node, sizeof ev->node, "node")) < 0)
        return rc;
    if ((rc = skip_blanks(r, "the kind")) < 0 || (rc = read_token(r, tok, sizeof tok, "kind")) < 0 ||
        (rc = parse_kind(r, tok, &ev->kind)) < 0)
        return rc;
    if ((rc = skip_blanks(r, "the subject")) < 0 ||
        (rc = read_quoted(r, ev->subject, sizeof ev->subject, "subject")) < 0)
        return rc;

    switch (ev->kind) {
    case TRACE_PKT_IN:
    case TRACE_PKT_OUT:
    case TRACE_PKT_LOST:
        rc = parse_packet(r, ev);
        break;
    case TRACE_VAR:
        if ((rc = skip_blanks(r, "the variable name")) < 0 ||
            (rc = read_quoted(r, ev->text, sizeof ev->text, "variable name")) < 0 ||
            (rc = skip_blanks(r, "the value")) < 0 ||
            (rc = read_token(r, tok, sizeof tok, "value")) < 0)
            return rc;
        rc = parse_i64(r, tok, &ev->value, "value");
        break;
    case TRACE_STATE:
    case TRACE_NOTE:
        if ((rc = skip_blanks(r, "the text")) < 0)
            return rc;
        rc = read_quoted(r, ev->text, sizeof ev->text, "text");
        break;
    }
    if (rc < 0)
        return rc;
    while (is_blank(*r->p))
        r->p++;
    if (*r->p != '\0')
        return fail(r, "unexpected text after the event: '%.24s'", r->p);
    return 0;
}

/*
 * Store one event read from the file. It goes through the recorder's own
 * function for its kind, so the trace's growth, limit (max_events, dropped)
 * and listener behave as for a live event; then the stored copy is replaced
 * by the exact event read, because the recorder rebuilds some fields
 * (cap_len from the length, the state text from its two halves).
 * A core function that records a whole struct trace_event would make the
 * second step unnecessary.
 */
void trace_file_record_event(struct trace *t, const struct trace_event *ev)
{
    size_t before = t->count;

    switch (ev->kind) {
    case TRACE_PKT_IN:
    case TRACE_PKT_OUT:
    case TRACE_PKT_LOST:
        /* bytes[] is TRACE_PKT_BYTES long, which is all trace_packet reads. */
        trace_packet(t, ev->time, ev->node, ev->kind, ev->subject, ev->link, ev->bytes,
                     ev->wire_len);
        break;
    case TRACE_STATE: {
        char from[TRACE_TEXT_LEN];
        const char *arrow = strstr(ev->text, " -> ");
        size_t n = arrow ? (size_t)(arrow - ev->text) : strlen(ev->text);
        memcpy(from, ev->text, n);
        from[n] = '\0';
        trace_state(t, ev->time, ev->node, ev->subject, from, arrow ? arrow + 4 : "?");
        break;
    }
    case TRACE_VAR:
        trace_var(t, ev->time, ev->node, ev->subject, ev->text, ev->value);
        break;
    case TRACE_NOTE:
        trace_note(t, ev->time, ev->node, ev->subject, "%s", ev->text);
        break;
    }
    if (t->count == before + 1)
        t->events[before] = *ev;
}

int trace_file_read(FILE *in, const char *name, struct trace *t, char *err, size_t errlen)
{
    char line[TRACE_FILE_MAX_LINE + 1];
    struct reader r = {.name = name ? name : "trace", .line = 0, .err = err, .errlen = errlen};
    bool seen_dropped = false;
    int rc;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    r.line = 1;
    rc = read_line(in, line, sizeof line, &r);
    if (rc < 0)
        return rc;
    if (rc == 0 || strcmp(line, TRACE_FILE_MAGIC) != 0)
        return fail(&r, "not a tunlab trace file: the first line must be '%s'",
                    TRACE_FILE_MAGIC);

    for (;;) {
        r.line++;
        rc = read_line(in, line, sizeof line, &r);
        if (rc <= 0)
            return rc;
        r.p = line;
        while (is_blank(*r.p))
            r.p++;
        if (*r.p == '\0' || *r.p == '#')
            continue;
        if (seen_dropped)
            return fail(&r, "nothing may follow the 'dropped' line");
        if (strncmp(r.p, "dropped", 7) == 0 && (r.p[7] == '\0' || is_blank(r.p[7]))) {
            char tok[24];
            uint64_t n;
            r.p += 7;
            if ((rc = skip_blanks(&r, "the dropped count")) < 0 ||
                (rc = read_token(&r, tok, sizeof tok, "dropped count")) < 0 ||
                (rc = parse_u64(&r, tok, UINT64_MAX, &n, "dropped count")) < 0)
                return rc;
            t->dropped += n;
            seen_dropped = true;
            continue;
        }
        struct trace_event ev;
        if ((rc = parse_event(&r, &ev)) < 0)
            return rc;
        trace_file_record_event(t, &ev);
    }
}

int trace_file_load(const char *path, struct trace *t, char *err, size_t errlen)
{
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        int e = errno;
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    int rc = trace_file_read(in, path, t, err, errlen);
    fclose(in);
    return rc;
}
