/*
 * trace_file_write.c — write a trace in the text format of trace_file.h:
 * one event per line, strings quoted and escaped so the file is ASCII,
 * packet bytes in hex.
 */
#include "tools/draw/trace_file.h"

#include <errno.h>
#include <inttypes.h>

/* A fixed-size field's length: it may lack its NUL if a caller filled it
 * by hand, so never look past `size`. */
static size_t field_len(const char *s, size_t size)
{
    size_t n = 0;
    while (n < size && s[n] != '\0')
        n++;
    return n;
}

static void write_quoted(FILE *out, const char *s, size_t size)
{
    size_t n = field_len(s, size);
    putc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            putc(c, out);
    }
    putc('"', out);
}

static void write_link(FILE *out, enum trace_link link)
{
    if (link == TRACE_LINK_IP)
        fputs("ip", out);
    else if (link == TRACE_LINK_ETHERNET)
        fputs("eth", out);
    else
        fprintf(out, "%d", (int)link);
}

static void write_event(FILE *out, const struct trace_event *ev)
{
    char when[32];

    trace_format_time(ev->time, when, sizeof when);
    fprintf(out, "%s ", when);
    write_quoted(out, ev->node, sizeof ev->node);
    fprintf(out, " %s ", trace_kind_name(ev->kind));
    write_quoted(out, ev->subject, sizeof ev->subject);
    putc(' ', out);
    switch (ev->kind) {
    case TRACE_PKT_IN:
    case TRACE_PKT_OUT:
    case TRACE_PKT_LOST: {
        size_t cap = ev->cap_len < TRACE_PKT_BYTES ? ev->cap_len : TRACE_PKT_BYTES;
        write_link(out, ev->link);
        fprintf(out, " %" PRIu32 " ", ev->wire_len);
        if (cap == 0)
            putc('-', out);
        for (size_t i = 0; i < cap; i++)
            fprintf(out, "%02x", ev->bytes[i]);
        break;
    }
    case TRACE_VAR:
        write_quoted(out, ev->text, sizeof ev->text);
        fprintf(out, " %" PRId64, ev->value);
        break;
    case TRACE_STATE:
    case TRACE_NOTE:
    default:
        write_quoted(out, ev->text, sizeof ev->text);
        break;
    }
    putc('\n', out);
}

int trace_file_write(const struct trace *t, FILE *out)
{
    fprintf(out, "%s\n", TRACE_FILE_MAGIC);
    fprintf(out, "# time node kind subject | in/out/lost: link wire_len hex"
                 " | state: \"text\" | var: \"name\" value | note: \"text\"\n");
    for (size_t i = 0; i < t->count; i++)
        write_event(out, &t->events[i]);
    if (t->dropped > 0)
        fprintf(out, "dropped %" PRIu64 "\n", t->dropped);
    return ferror(out) ? -EIO : 0;
}

int trace_file_save(const struct trace *t, const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return -errno;
    int rc = trace_file_write(t, out);
    if (fclose(out) != 0 && rc == 0)
        rc = -EIO;
    return rc;
}

