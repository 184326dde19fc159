/*
 * log.c — leveled logging with one process-wide level and sink.
 *
 * The level is atomic because any thread may log; the sink is meant to be
 * installed once, before threads start (a test's SetUp, a program's main).
 */
#include "stack/core/log.h"

#include <stdatomic.h>
#include <stdio.h>

/* Longer messages are cut: a log line is for a human to read. */
#define LOG_LINE_MAX 512

static _Atomic int current_level = LOG_WARN;
static log_sink_fn sink_fn;
static void *sink_ctx;

void log_set_level(enum log_level level)
{
    atomic_store(&current_level, (int)level);
}

enum log_level log_get_level(void)
{
    return (enum log_level)atomic_load(&current_level);
}

void log_set_sink(log_sink_fn fn, void *ctx)
{
    sink_fn = fn;
    sink_ctx = fn ? ctx : NULL;
}

const char *log_level_name(enum log_level level)
{
    switch (level) {
    case LOG_ERROR: return "error";
    case LOG_WARN: return "warn";
    case LOG_INFO: return "info";
    case LOG_DEBUG: return "debug";
    }
    return "?";
}

void log_vwrite(enum log_level level, const char *module, const char *fmt, va_list ap)
{
    char message[LOG_LINE_MAX];

    if ((int)level > atomic_load(&current_level))
        return;
    vsnprintf(message, sizeof message, fmt, ap);
    if (!module)
        module = "-";
    if (sink_fn)
        sink_fn(sink_ctx, level, module, message);
    else
        fprintf(stderr, "%s %s: %s\n", log_level_name(level), module, message);
}

void log_write(enum log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vwrite(level, module, fmt, ap);
    va_end(ap);
}
