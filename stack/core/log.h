/*
 * log.h — leveled logging for humans (traces are for machines: trace.h).
 *
 * One process-wide level and sink: logging is a diagnostic side channel, not
 * per-packet state. The default sink writes "level module: message" to
 * stderr; tests may install a sink that collects lines.
 */
#ifndef TUNLAB_CORE_LOG_H
#define TUNLAB_CORE_LOG_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

typedef void (*log_sink_fn)(void *ctx, enum log_level level, const char *module,
                            const char *message);

/* Messages above `level` are discarded. Default: LOG_WARN. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* NULL restores the stderr sink. */
void log_set_sink(log_sink_fn fn, void *ctx);

const char *log_level_name(enum log_level level);

/* `module` is the file prefix of the caller: "arp", "ip4", "tcp". */
void log_write(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vwrite(enum log_level level, const char *module, const char *fmt, va_list ap);

#define log_error(module, ...) log_write(LOG_ERROR, module, __VA_ARGS__)
#define log_warn(module, ...) log_write(LOG_WARN, module, __VA_ARGS__)
#define log_info(module, ...) log_write(LOG_INFO, module, __VA_ARGS__)
#define log_debug(module, ...) log_write(LOG_DEBUG, module, __VA_ARGS__)

#ifdef __cplusplus
}
#endif

#endif
