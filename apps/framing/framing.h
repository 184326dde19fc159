/*
 * framing.h — message framing over a byte stream: the session/presentation
 * lesson of the seed ("TCP 粘包、拆包").
 *
 * TCP delivers a stream of bytes, not messages. Two small send() calls may
 * arrive in one recv() (they "stick together": Nagle coalesced them, or the
 * receiver read late), and one large send() may take several recv() calls
 * (it was "split": cut into MSS-sized segments, or the receiver's buffer was
 * smaller). The receiver can find the messages again only if the sender
 * marks where each one ends. The three classic ways, each a codec here:
 *
 *   FRAMING_LENGTH_PREFIX   a 4-byte big-endian length, then that many bytes
 *                           +--------+--------+--------+--------+---------//---+
 *                           |       length (network order)      | payload      |
 *                           +--------+--------+--------+--------+---------//---+
 *   FRAMING_FIXED           every message is exactly fixed_len bytes (the
 *                           encoder pads a shorter one with zero bytes)
 *   FRAMING_DELIMITER       the payload, then one delimiter byte ('\n'); the
 *                           payload must not contain the delimiter
 *
 * The decoder is streaming: feed it bytes exactly as recv() returned them,
 * in pieces of ANY size and at ANY boundary, and pop complete messages as
 * they become whole. It holds at most one frame's worth of bytes, so a peer
 * cannot make it grow without bound: a length above max_message, or
 * max_message bytes without a delimiter, is an error that stays (the stream
 * has lost its framing; the only safe thing left is to close it).
 */
#ifndef TUNLAB_APPS_FRAMING_H
#define TUNLAB_APPS_FRAMING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum framing_kind {
    FRAMING_LENGTH_PREFIX,
    FRAMING_FIXED,
    FRAMING_DELIMITER,
};

#define FRAMING_LENGTH_BYTES 4
/* A hard ceiling on any limit, so that buffer sizes never overflow. */
#define FRAMING_MAX_LIMIT (16u * 1024 * 1024)

struct framing_config {
    enum framing_kind kind;
    size_t max_message;   /* LENGTH_PREFIX, DELIMITER: the largest payload accepted */
    size_t fixed_len;     /* FIXED: the size of every message */
    uint8_t delimiter;    /* DELIMITER: the byte that ends a message ('\n') */
};

/* A config of each kind with common values. */
struct framing_config framing_length_prefix(size_t max_message);
struct framing_config framing_fixed(size_t fixed_len);
struct framing_config framing_delimiter(uint8_t delimiter, size_t max_message);

/* "length-prefix", "fixed-length", "delimiter". */
const char *framing_kind_name(enum framing_kind kind);

/* -EINVAL if the config makes no sense (a limit of 0 or above
 * FRAMING_MAX_LIMIT, an unknown kind), else 0. */
int framing_config_check(const struct framing_config *cfg);

/* The bytes framing_encode() writes for a payload of len bytes. */
size_t framing_encoded_size(const struct framing_config *cfg, size_t len);

/* Frame one message into out. Returns the bytes written, or -EMSGSIZE (the
 * payload is above the limit / longer than fixed_len), -EINVAL (a
 * delimited payload contains the delimiter; a bad config), -ENOSPC (cap is
 * too small). */
ssize_t framing_encode(const struct framing_config *cfg, const void *msg, size_t len,
                       uint8_t *out, size_t cap);

struct framing_decoder {
    struct framing_config cfg;
    uint8_t *buf;         /* bytes fed but not yet popped: buf[start, end) */
    size_t start, end, cap;
    size_t scanned;       /* DELIMITER: bytes after start known to hold no delimiter */
    int error;            /* 0, or the sticky error (negative errno) */
    char why[96];         /* the error in words */
    uint64_t messages;    /* messages popped so far */
    uint64_t bytes_in;    /* bytes fed so far */
};

/* Returns 0, -EINVAL (bad config) or -ENOMEM. */
int framing_decoder_init(struct framing_decoder *d, const struct framing_config *cfg);
void framing_decoder_free(struct framing_decoder *d);

/* Feed bytes. Returns how many were taken: all of them unless the decoder
 * holds a whole frame already (pop it, then feed the rest), or has failed
 * (then 0). */
size_t framing_feed(struct framing_decoder *d, const void *bytes, size_t len);

/* Pop the next complete message. Returns 1 with *msg and *len set (the bytes
 * stay valid until the next feed or pop), 0 when more bytes are needed, or
 * the decoder's error: -EMSGSIZE (length above the limit, or no delimiter
 * within max_message bytes). */
int framing_next(struct framing_decoder *d, const uint8_t **msg, size_t *len);

/* Bytes held that are not yet a whole message. */
size_t framing_pending(const struct framing_decoder *d);

/* The error in words ("length 70000 exceeds the limit of 65536 bytes"),
 * "" when there is none. */
const char *framing_error_text(const struct framing_decoder *d);

#ifdef __cplusplus
}
#endif

#endif
