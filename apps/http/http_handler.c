/*
 * http_handler.c — what the server answers to a request (see
 * http_server.h): method, then target, then the page or the file; and
 * whether the connection stays open afterwards.
 */
#define _GNU_SOURCE
#include "apps/http/http_server_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/http/http_parser.h"

void http_write_head(struct http_conn *c, int status, const char *content_type,
                     uint64_t content_length, const char *extra)
{
    const struct http_server_config *cfg = &c->srv->cfg;
    char keep_alive[64] = "";
    int n;

    if (!c->close_after)
        snprintf(keep_alive, sizeof(keep_alive), "Keep-Alive: timeout=%llu, max=%u\r\n",
                 (unsigned long long)(cfg->idle_timeout / USEC_PER_SEC),
                 cfg->max_requests - c->requests);
    /* We answer HTTP/1.1 to 1.0 clients too (RFC 9112 §2.3: the highest
     * version we conform to); the Connection field says what happens next,
     * spelled out even where it is the default, for the student's eyes. */
    n = snprintf((char *)c->out, sizeof(c->out),
                 "HTTP/1.1 %d %s\r\n"
                 "Server: tunlab\r\n"
                 "Content-Type: %s\r\n"
                 "Content-Length: %llu\r\n"
                 "Connection: %s\r\n"
                 "%s%s\r\n",
                 status, http_reason(status), content_type, (unsigned long long)content_length,
                 c->close_after ? "close" : "keep-alive", keep_alive, extra ? extra : "");
    c->out_off = 0;
    c->out_len = n > 0 && (size_t)n < sizeof(c->out) ? (size_t)n : 0;
    c->srv->stats.status[status / 100 % 6]++;
}

/* A status with a short text body; c->close_after is already decided. */
static void respond_status(struct http_conn *c, int status, bool head_only, const char *why)
{
    char *body = NULL;
    int len;
    const char *extra = NULL;

    if (status == 405)
        extra = "Allow: GET, HEAD\r\n";   /* RFC 9110 §15.5.6: MUST list them */
    else if (status == 503)
        extra = "Retry-After: 1\r\n";
    len = asprintf(&body, "%d %s\n%s\n", status, http_reason(status), why);
    if (len < 0) {
        body = NULL;
        len = 0;
    }
    http_write_head(c, status, "text/plain; charset=utf-8", (uint64_t)len, extra);
    if (head_only) {
        free(body);
        return;
    }
    c->body_mem = body;
    c->body_len = (size_t)len;
    c->body_off = 0;
}

void http_respond_error(struct http_conn *c, int status, bool head_only, const char *why)
{
    c->close_after = true;
    respond_status(c, status, head_only, why);
}

/* Methods of RFC 9110 §9 (and PATCH) that exist but that we do not allow:
 * 405. Anything else is a method we have never heard of: 501. */
static bool known_method(const char *m)
{
    static const char *const known[] = {"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                                        "PATCH"};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(m, known[i]) == 0)
            return true;
    return false;
}

static const char *error_text(int status)
{
    switch (status) {
    case 400: return "the request is not valid HTTP/1.1 (RFC 9112)";
    case 403: return "the file is not readable";
    case 404: return "no such page";
    case 405: return "this server only reads: GET and HEAD";
    case 411: return "a request body needs Content-Length here";
    case 413: return "the request body is larger than this server reads";
    case 414: return "the request-target is longer than this server reads";
    case 431: return "the request's header section is larger than this server reads";
    case 501: return "unknown method";
    case 505: return "only HTTP/1.0 and HTTP/1.1 are spoken here";
    }
    return "error";
}

static void respond_page(struct http_conn *c, char *page, size_t len, const char *type,
                         bool head_only)
{
    if (page == NULL) {
        http_respond_error(c, 500, head_only, "out of memory");
        return;
    }
    http_write_head(c, 200, type, len, NULL);
    if (head_only) {
        free(page);
        return;
    }
    c->body_mem = page;
    c->body_len = len;
    c->body_off = 0;
}

/* A static file; -404 (no root, no file) or -403 if there is none to send. */
static int respond_file(struct http_conn *c, const char *path, bool head_only)
{
    struct http_server *srv = c->srv;
    const char *type = NULL;
    uint64_t size = 0;
    int fd = -1, rc;

    if (srv->root[0] == '\0')
        return -404;
    if ((rc = http_static_open(srv->root, path, &fd, &size, &type)) < 0)
        return rc;
    http_write_head(c, 200, type, size, NULL);
    if (head_only || size == 0) {
        close(fd);
        return 0;
    }
    c->file_fd = fd;
    c->file_left = size;
    return 0;
}

void http_handle_request(struct http_conn *c, const struct http_request *req, int parse_rc,
                         usec_t now)
{
    struct http_server *srv = c->srv;
    bool head_only = parse_rc > 0 && strcmp(req->method, "HEAD") == 0;
    char path[HTTP_MAX_TARGET + 1];
    size_t len = 0;
    int rc;

    srv->stats.requests++;
    if (c->requests++ > 0)
        srv->stats.reused++;
    if (parse_rc < 0) {
        /* The head is broken: where the next request starts is unknown. */
        http_respond_error(c, -parse_rc, false, error_text(-parse_rc));
        return;
    }
#ifdef LAB9_SOLUTION
    /* RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive". */
    c->close_after = req->conn_close || (req->minor == 0 && !req->conn_keep_alive);
    if (c->requests >= srv->cfg.max_requests && !c->close_after) {
        c->close_after = true;
        srv->stats.limit_closed++;
    }
#else
    /* TODO(lab 9): keep the connection or not — labs/lab9-http/README.md,
     * "Part B". RFC 9112 §9.3: HTTP/1.1 (req->minor 1) persists unless the
     * request says "Connection: close" (req->conn_close); HTTP/1.0 closes
     * unless it says "Connection: keep-alive" (req->conn_keep_alive). And
     * after srv->cfg.max_requests requests on one connection, close it
     * anyway (count limit_closed). Set c->close_after. */
    c->close_after = true;   /* every connection is a short one */
#endif
    if (strcmp(req->method, "GET") != 0 && !head_only) {
        /* The message was well framed, so the connection may go on. */
        int status = known_method(req->method) ? 405 : 501;
        respond_status(c, status, false, error_text(status));
        return;
    }
    if ((rc = http_target_to_path(req->target, path, sizeof(path))) < 0) {
        respond_status(c, -rc, head_only, error_text(-rc));
        return;
    }
    if (strcmp(path, "/status") == 0) {
        char *page = http_page_status(srv, false, &len, now);
        respond_page(c, page, len, "text/plain; charset=utf-8", head_only);
        return;
    }
    if (strcmp(path, "/status.html") == 0) {
        char *page = http_page_status(srv, true, &len, now);
        respond_page(c, page, len, "text/html; charset=utf-8", head_only);
        return;
    }
    rc = respond_file(c, path, head_only);
    if (rc == -404 && strcmp(path, "/") == 0) {
        /* No www_root/index.html: the built-in index. */
        char *page = http_page_index(srv, &len);
        respond_page(c, page, len, "text/html; charset=utf-8", head_only);
        return;
    }
    if (rc < 0)
        respond_status(c, -rc, head_only, error_text(-rc));
}
