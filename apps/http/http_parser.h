/*
 * http_parser.h — HTTP/1.1 message syntax (RFC 9112) for the server and the
 * client: request heads, response heads, the chunked transfer coding, and
 * the request-target as a safe file path. Pure functions on bytes: no
 * sockets, no allocation, so the unit tests can throw anything at them.
 *
 * A message head is the start line and the header fields, up to the empty
 * line (RFC 9112 §2.1):
 *
 *   GET /index.html HTTP/1.1\r\n          request-line = method SP request-target SP HTTP-version
 *   Host: 10.0.0.2\r\n                    field-line   = field-name ":" OWS field-value OWS
 *   Connection: close\r\n
 *   \r\n                                  the head ends; a body may follow
 *
 * The parsers take the bytes received so far and answer "complete, the head
 * is N bytes", "not yet", or an error status, so they work however TCP cut
 * the stream. Every limit is checked before more is buffered.
 */
#ifndef TUNLAB_APPS_HTTP_PARSER_H
#define TUNLAB_APPS_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits on what a peer may make us hold. RFC 9112 §3 asks for request-line
 * support of at least 8000 octets; a teaching server with many connections
 * keeps the whole head within 8 KiB and the target within 2 KiB. */
#define HTTP_MAX_HEAD 8192        /* start line + fields; beyond: 431 (414 if the target is why) */
#define HTTP_MAX_TARGET 2048      /* request-target bytes; beyond: 414 URI Too Long */
#define HTTP_MAX_FIELDS 64        /* header field lines; beyond: 431 */
#define HTTP_MAX_BODY 65536       /* request body the server reads and discards; beyond: 413 */
#define HTTP_MAX_HOST 255

struct http_request {
    char method[16];
    char target[HTTP_MAX_TARGET + 1];
    int minor;                    /* HTTP/1.<minor>: 0 or 1 (1.2+ is treated as 1.1) */
    bool has_host;
    char host[HTTP_MAX_HOST + 1];
    bool conn_close;              /* Connection: close */
    bool conn_keep_alive;         /* Connection: keep-alive (HTTP/1.0's opt-in) */
    bool has_content_length;
    uint64_t content_length;
    bool has_transfer_encoding;
    unsigned fields;              /* header field lines */
};

/* Parse the request head at the start of buf[0, len). Returns the head's
 * length (> 0, empty lines before it included), 0 if the head is not
 * complete yet (and still within the limits), or a negative HTTP status
 * saying why it is refused:
 *   -400 malformed: bad request-line, whitespace before a colon, obs-fold,
 *        control characters, a bare CR, no Host or two of them in 1.1, a bad
 *        Content-Length, both Content-Length and Transfer-Encoding
 *   -411 Transfer-Encoding on a request: bodies need a Content-Length here
 *   -413 Content-Length above HTTP_MAX_BODY
 *   -414 request-target longer than HTTP_MAX_TARGET
 *   -431 head above HTTP_MAX_HEAD or more than HTTP_MAX_FIELDS lines
 *   -505 an HTTP major version other than 1 */
int http_parse_request(const uint8_t *buf, size_t len, struct http_request *req);

struct http_response_head {
    int minor;                    /* HTTP/1.<minor> */
    int status;                   /* 100..599 */
    char reason[64];
    bool has_content_length;
    uint64_t content_length;
    bool chunked;                 /* Transfer-Encoding ends in chunked */
    bool conn_close;
    bool conn_keep_alive;
    char content_type[64];
};

/* Parse a response head. Returns its length, 0 (need more), or -EPROTO
 * (malformed) / -EMSGSIZE (above HTTP_MAX_HEAD). */
int http_parse_response(const uint8_t *buf, size_t len, struct http_response_head *resp);

/* The reason phrase of a status code ("Not Found"), "" if unknown. */
const char *http_reason(int status);

/* The request-target as a path under a document root, RFC 9112 §3.2:
 * origin-form "/a/b?q" or absolute-form "http://host/a/b". The query is
 * dropped, %XX escapes are decoded (RFC 3986 §2.1), then the path is split
 * at '/' and rebuilt from its segments. Returns 0 with out = "/a/b", or
 *   -400 not a path, a bad or NUL escape, a ".." segment (no climbing out
 *        of the root, however it was spelled: "..", "%2e%2e", ".%2E")
 *   -404 a segment starting with '.' (hidden files are not served)
 *   -414 the decoded path does not fit in cap. */
int http_target_to_path(const char *target, char *out, size_t cap);

/* ---- chunked transfer coding (RFC 9112 §7.1), the client's decoder -----
 *
 *   chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, ..., last-chunk
 *   "5\r\nhello\r\n" "0\r\n" trailer-section "\r\n"
 *
 * The decoder is fed the body bytes as they arrive, in any pieces, and
 * hands back spans of chunk-data without copying them. */
struct http_chunked {
    int state;
    uint64_t left;                /* chunk-data bytes still to come */
    unsigned digits;              /* hex digits of the current size */
    size_t line;                  /* bytes of the current ext/trailer line */
    bool done;                    /* the last chunk and the trailers are through */
};

void http_chunked_init(struct http_chunked *c);
/* Consume bytes from in[0, len): *used says how many. If some of them are
 * chunk-data, *data and *data_len point at them (inside in). Call again
 * with the rest until len bytes are used or c->done. Returns 0, or -EPROTO
 * for a malformed coding (bad hex, a size above 2^60, a missing CRLF, a
 * chunk-ext or trailer line over 4 KiB). */
int http_chunked_step(struct http_chunked *c, const uint8_t *in, size_t len, size_t *used,
                      const uint8_t **data, size_t *data_len);

#ifdef __cplusplus
}
#endif

#endif
