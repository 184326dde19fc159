/*
 * http_server_internal.h — what the server's files share: the server and
 * connection structs, and the calls between the I/O half (http_server.c),
 * the request handler (http_handler.c), the pages (http_pages.c) and the
 * static files (http_static.c). Not for users of the server.
 */
#ifndef TUNLAB_APPS_HTTP_SERVER_INTERNAL_H
#define TUNLAB_APPS_HTTP_SERVER_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "apps/http/http_parser.h"
#include "apps/http/http_server.h"
#include "stack/core/timer.h"
#include "stack/socket/sock_watch.h"

#define HTTP_OUT_BUF 16384

enum http_phase {
    HTTP_READ_REQUEST,   /* waiting for (the rest of) a request head */
    HTTP_DISCARD_BODY,   /* reading a request body we do not need */
    HTTP_SEND_RESPONSE,  /* the head, then the body from memory or a file */
    HTTP_LINGER,         /* our FIN is out; reading until the client's */
};

struct http_conn {
    struct http_server *srv;
    int fd;
    struct sock_watch watch;
    struct timer timer;          /* idle / send stall / linger */
    enum http_phase phase;
    unsigned requests;           /* requests answered on this connection */
    bool close_after;            /* close once this response is out */
    bool overload;               /* a 503 connection */

    uint8_t in[HTTP_MAX_HEAD];   /* request bytes not yet parsed */
    size_t in_len;
    uint64_t discard_left;       /* request body bytes still to drop */

    uint8_t out[HTTP_OUT_BUF];   /* the head, then file data */
    size_t out_off, out_len;
    char *body_mem;              /* a page made in memory (malloc'd), or NULL */
    size_t body_off, body_len;
    int file_fd;                 /* a static file being sent, or -1 */
    uint64_t file_left;

    struct http_conn *next;
};

struct http_server {
    struct stack *st;
    struct http_server_config cfg;
    char root[PATH_MAX];         /* www_root resolved (realpath), "" if none */
    int fd;
    struct sock_watch watch;
    struct http_conn *conns;
    unsigned count;
    struct http_server_stats stats;
};

/* http_handler.c: answer the request whose head was parsed (parse_rc is
 * http_parse_request's result: > 0, or the negative error status); fills
 * the connection's response and sets close_after. */
void http_handle_request(struct http_conn *c, const struct http_request *req, int parse_rc,
                         usec_t now);
/* An error response (status >= 400) with a short text body; closes after. */
void http_respond_error(struct http_conn *c, int status, bool head_only, const char *why);

/* Write the status line and header fields into c->out (RFC 9112 §4). */
void http_write_head(struct http_conn *c, int status, const char *content_type,
                     uint64_t content_length, const char *extra);

/* http_pages.c: the built-in pages as malloc'd text; NULL if out of memory. */
char *http_page_index(struct http_server *srv, size_t *len);
char *http_page_status(struct http_server *srv, bool html, size_t *len, usec_t now);

/* http_static.c: open root/path for reading. 0 with *fd, *size and the
 * Content-Type, or -404 (missing, not a regular file, outside the root),
 * -403 (not readable). A directory path serves its index.html. */
int http_static_open(const char *root, const char *path, int *fd, uint64_t *size,
                     const char **content_type);

#endif
