/*
 * trace.c — the trace recorder: a growable array of events.
 *
 * The array grows by doubling up to max_events; past that, events are
 * counted in `dropped` but not stored, so a long run cannot eat the memory.
 * The listener still sees every event, stored or not: it is how a running
 * program prints its trace live.
 */
#include "stack/core/trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_DEFAULT_MAX_EVENTS 1000000
#define TRACE_INITIAL_CAPACITY 64

void trace_init(struct trace *t, size_t max_events)
{
    t->events = NULL;
    t->count = 0;
    t->capacity = 0;
    t->max_events = max_events ? max_events : TRACE_DEFAULT_MAX_EVENTS;
    t->dropped = 0;
    t->listener = NULL;
    t->listener_ctx = NULL;
}

void trace_destroy(struct trace *t)
{
    if (!t)
        return;
    free(t->events);
    t->events = NULL;
    t->count = 0;
    t->capacity = 0;
    t->dropped = 0;
}

void trace_clear(struct trace *t)
{
    if (!t)
        return;
    t->count = 0;
    t->dropped = 0;
}

void trace_set_listener(struct trace *t, trace_listener_fn fn, void *ctx)
{
    if (!t)
        return;
    t->listener = fn;
    t->listener_ctx = ctx;
}

/* Make room for one more stored event; false when full or out of memory. */
static int reserve_slot(struct trace *t)
{
    size_t capacity;
    struct trace_event *events;

    if (t->count >= t->max_events)
        return 0;
    if (t->count < t->capacity)
        return 1;
    capacity = t->capacity ? t->capacity * 2 : TRACE_INITIAL_CAPACITY;
    if (capacity > t->max_events)
        capacity = t->max_events;
    if (capacity > SIZE_MAX / sizeof(*events))
        return 0;
    events = realloc(t->events, capacity * sizeof(*events));
    if (!events)
        return 0;
    t->events = events;
    t->capacity = capacity;
    return 1;
}

static void record(struct trace *t, const struct trace_event *ev)
{
    if (reserve_slot(t))
        t->events[t->count++] = *ev;
    else
        t->dropped++;
    if (t->listener)
        t->listener(t->listener_ctx, ev);
}

/* Copy a string into a fixed field, cutting it if needed; NULL becomes "". */
static void copy_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void event_start(struct trace_event *ev, usec_t time, enum trace_kind kind,
                        const char *node, const char *subject)
{
    memset(ev, 0, sizeof *ev);
    ev->time = time;
    ev->kind = kind;
    copy_field(ev->node, sizeof ev->node, node);
    copy_field(ev->subject, sizeof ev->subject, subject);
}

void trace_packet(struct trace *t, usec_t time, const char *node, enum trace_kind kind,
                  const char *subject, enum trace_link link, const uint8_t *bytes,
                  size_t len)
{
    struct trace_event ev;

    if (!t)
        return;
    event_start(&ev, time, kind, node, subject);
    ev.link = link;
    ev.wire_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    ev.cap_len = (uint16_t)(len < TRACE_PKT_BYTES ? len : TRACE_PKT_BYTES);
    if (ev.cap_len > 0 && bytes)
        memcpy(ev.bytes, bytes, ev.cap_len);
    else
        ev.cap_len = 0;
    record(t, &ev);
}

void trace_state(struct trace *t, usec_t time, const char *node, const char *subject,
                 const char *from, const char *to)
{
    struct trace_event ev;

    if (!t)
        return;
    event_start(&ev, time, TRACE_STATE, node, subject);
    snprintf(ev.text, sizeof ev.text, "%s -> %s", from ? from : "?", to ? to : "?");
    record(t, &ev);
}

void trace_var(struct trace *t, usec_t time, const char *node, const char *subject,
               const char *name, int64_t value)
{
    struct trace_event ev;

    if (!t)
        return;
    event_start(&ev, time, TRACE_VAR, node, subject);
    copy_field(ev.text, sizeof ev.text, name);
    ev.value = value;
    record(t, &ev);
}

void trace_note(struct trace *t, usec_t time, const char *node, const char *subject,
                const char *fmt, ...)
{
    struct trace_event ev;
    va_list ap;

    if (!t)
        return;
    event_start(&ev, time, TRACE_NOTE, node, subject);
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof ev.text, fmt, ap);
    va_end(ap);
    record(t, &ev);
}

const char *trace_kind_name(enum trace_kind kind)
{
    switch (kind) {
    case TRACE_PKT_IN: return "in";
    case TRACE_PKT_OUT: return "out";
    case TRACE_PKT_LOST: return "lost";
    case TRACE_STATE: return "state";
    case TRACE_VAR: return "var";
    case TRACE_NOTE: return "note";
    }
    return "?";
}

void trace_format_time(usec_t time, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return;
    snprintf(out, outlen, "%" PRIu64 ".%06" PRIu64, time / USEC_PER_SEC,
             time % USEC_PER_SEC);
}
