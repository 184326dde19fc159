/*
 * http_message.c — request and response heads (RFC 9112 §2-§6), see
 * http_parser.h.
 *
 * One loop reads lines: a line ends at LF, and a CR right before the LF is
 * dropped (RFC 9112 §2.2 lets a recipient accept a bare LF; a CR anywhere
 * else is an error). The first non-empty line is the start line, then come
 * field lines until the empty line.
 */
#include "apps/http/http_parser.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* tchar (RFC 9110 §5.6.2): the characters of a token (method, field name). */
static bool is_tchar(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool is_token(const uint8_t *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_tchar(s[i]))
            return false;
    return true;
}

/* A field value may hold VCHAR, SP, HTAB and obs-text, no other control
 * characters (RFC 9110 §5.5): a NUL or a CR inside is an attack or a bug. */
static bool is_field_value(const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return false;
    return true;
}

struct line {
    const uint8_t *p;
    size_t len;
};

/* The next line at buf[*pos]: 1 (and *pos moves past it), 0 if its LF has
 * not arrived, -1 if it holds a bare CR. */
static int next_line(const uint8_t *buf, size_t len, size_t *pos, struct line *out)
{
    const uint8_t *start = buf + *pos;
    const uint8_t *lf = memchr(start, '\n', len - *pos);
    size_t n;

    if (lf == NULL)
        return 0;
    n = (size_t)(lf - start);
    *pos += n + 1;
    if (n > 0 && start[n - 1] == '\r')
        n--;
    if (memchr(start, '\r', n) != NULL)
        return -1;
    out->p = start;
    out->len = n;
    return 1;
}

static bool name_is(const struct line *name, const char *want)
{
    return name->len == strlen(want) && strncasecmp((const char *)name->p, want, name->len) == 0;
}

/* Trim optional whitespace (OWS = *( SP / HTAB )) from both ends. */
static void trim_ows(struct line *v)
{
    while (v->len > 0 && (v->p[0] == ' ' || v->p[0] == '\t')) {
        v->p++;
        v->len--;
    }
    while (v->len > 0 && (v->p[v->len - 1] == ' ' || v->p[v->len - 1] == '\t'))
        v->len--;
}

/* Content-Length = 1*DIGIT (RFC 9110 §8.6). A list of equal values is
 * allowed there; we keep it simple and refuse anything but one number. */
static bool parse_length(const struct line *v, uint64_t *out)
{
    uint64_t n = 0;
    if (v->len == 0 || v->len > 18)
        return false;
    for (size_t i = 0; i < v->len; i++) {
        if (v->p[i] < '0' || v->p[i] > '9')
            return false;
        n = n * 10 + (uint64_t)(v->p[i] - '0');
    }
    *out = n;
    return true;
}

/* Connection is a comma-separated list of options (RFC 9110 §7.6.1). */
static void parse_connection(const struct line *v, bool *close, bool *keep_alive)
{
    size_t i = 0;
    while (i < v->len) {
        struct line opt = {v->p + i, 0};
        while (i < v->len && v->p[i] != ',') {
            i++;
            opt.len++;
        }
        i++;   /* the comma */
        trim_ows(&opt);
        if (name_is(&opt, "close"))
            *close = true;
        else if (name_is(&opt, "keep-alive"))
            *keep_alive = true;
    }
}

/* Split "name: value". -1 when malformed: no colon, an empty or non-token
 * name (which is also how whitespace before the colon is refused, RFC 9112
 * §5.1), or a bad value. */
static int split_field(const struct line *l, struct line *name, struct line *value)
{
    const uint8_t *colon = memchr(l->p, ':', l->len);
    if (colon == NULL)
        return -1;
    name->p = l->p;
    name->len = (size_t)(colon - l->p);
    value->p = colon + 1;
    value->len = l->len - name->len - 1;
    trim_ows(value);
    if (!is_token(name->p, name->len) || !is_field_value(value->p, value->len))
        return -1;
    return 0;
}

/* "HTTP/1.1" -> major 1, minor 1 (RFC 9112 §2.3: exactly one digit each). */
static bool parse_version(const struct line *v, int *major, int *minor)
{
    if (v->len != 8 || memcmp(v->p, "HTTP/", 5) != 0 || v->p[6] != '.' || v->p[5] < '0' ||
        v->p[5] > '9' || v->p[7] < '0' || v->p[7] > '9')
        return false;
    *major = v->p[5] - '0';
    *minor = v->p[7] - '0';
    return true;
}

/* RFC 9112 §3: method SP request-target SP HTTP-version, single spaces. */
static int parse_request_line(const struct line *l, struct http_request *req)
{
    const uint8_t *sp1 = memchr(l->p, ' ', l->len);
    const uint8_t *sp2;
    struct line method, target, version;
    int major;

    if (sp1 == NULL)
        return -400;
    method = (struct line){l->p, (size_t)(sp1 - l->p)};
    sp2 = memchr(sp1 + 1, ' ', l->len - method.len - 1);
    if (sp2 == NULL)
        return -400;
    target = (struct line){sp1 + 1, (size_t)(sp2 - sp1 - 1)};
    version = (struct line){sp2 + 1, l->len - method.len - target.len - 2};
    if (!is_token(method.p, method.len) || method.len >= sizeof(req->method))
        return method.len >= sizeof(req->method) && is_token(method.p, method.len) ? -501 : -400;
    if (target.len > HTTP_MAX_TARGET)
        return -414;
    if (target.len == 0 || !is_field_value(target.p, target.len) ||
        memchr(target.p, ' ', target.len) != NULL || memchr(target.p, '\t', target.len) != NULL)
        return -400;
    if (!parse_version(&version, &major, &req->minor))
        return -400;
    if (major != 1)
        return -505;   /* RFC 9110 §15.6.6 */
    if (req->minor > 1)
        req->minor = 1;   /* RFC 9110 §6.2: a higher minor is handled as ours */
    memcpy(req->method, method.p, method.len);
    req->method[method.len] = '\0';
    memcpy(req->target, target.p, target.len);
    req->target[target.len] = '\0';
    return 0;
}

static int request_field(const struct line *name, const struct line *value,
                         struct http_request *req)
{
    if (name_is(name, "Host")) {
        /* RFC 9112 §3.2: two Host lines, or a bad one, get 400. */
        if (req->has_host || value->len > HTTP_MAX_HOST)
            return -400;
        req->has_host = true;
        memcpy(req->host, value->p, value->len);
        req->host[value->len] = '\0';
    } else if (name_is(name, "Connection")) {
        parse_connection(value, &req->conn_close, &req->conn_keep_alive);
    } else if (name_is(name, "Content-Length")) {
        uint64_t n;
        if (!parse_length(value, &n) || (req->has_content_length && n != req->content_length))
            return -400;   /* RFC 9112 §6.3 item 5: an invalid length is unrecoverable */
        req->has_content_length = true;
        req->content_length = n;
    } else if (name_is(name, "Transfer-Encoding")) {
        req->has_transfer_encoding = true;
    }
    return 0;
}

/* Where the head cannot be finished within the limits: say which limit. */
static int over_limit(const uint8_t *buf, size_t len, size_t pos, bool have_start_line)
{
    if (!have_start_line) {
        /* Still inside the request-line: a long target is 414, and a
         * "line" with no spaces at all is just garbage. */
        const uint8_t *sp = memchr(buf + pos, ' ', len - pos);
        return sp != NULL ? -414 : -400;
    }
    return -431;   /* RFC 6585 §5 Request Header Fields Too Large */
}

int http_parse_request(const uint8_t *buf, size_t len, struct http_request *req)
{
    size_t pos = 0, empty = 0;
    bool have_start_line = false;
    struct line l;
    int rc;

    memset(req, 0, sizeof(*req));
    for (;;) {
        size_t line_start = pos;
        rc = next_line(buf, len, &pos, &l);
        if (rc < 0)
            return -400;   /* a bare CR (RFC 9112 §2.2) */
        if (rc == 0 || pos > HTTP_MAX_HEAD) {
            if (len >= HTTP_MAX_HEAD || pos > HTTP_MAX_HEAD)
                return over_limit(buf, len, line_start, have_start_line);
            if (!have_start_line && len - line_start > HTTP_MAX_TARGET + 32)
                return over_limit(buf, len, line_start, false);
            return 0;
        }
        if (!have_start_line) {
            if (l.len == 0) {
                /* RFC 9112 §2.2: ignore a few empty lines before the request-line. */
                if (++empty > 4)
                    return -400;
                continue;
            }
            if ((rc = parse_request_line(&l, req)) < 0)
                return rc;
            have_start_line = true;
            continue;
        }
        if (l.len == 0)
            break;   /* the end of the head */
        if (l.p[0] == ' ' || l.p[0] == '\t')
            return -400;   /* obs-fold: RFC 9112 §5.2 lets a server reject it */
        if (++req->fields > HTTP_MAX_FIELDS)
            return -431;
        struct line name, value;
        if (split_field(&l, &name, &value) < 0)
            return -400;
        if ((rc = request_field(&name, &value, req)) < 0)
            return rc;
    }
    if (req->minor == 1 && !req->has_host)
        return -400;   /* RFC 9112 §3.2: a 1.1 request without Host */
    if (req->has_transfer_encoding)
        /* RFC 9112 §6.3 item 3: both framings at once is how requests are
         * smuggled: refuse. TE alone: we read only Content-Length bodies
         * (RFC 9110 §15.5.12, 411 Length Required). */
        return req->has_content_length ? -400 : -411;
    if (req->has_content_length && req->content_length > HTTP_MAX_BODY)
        return -413;
    return (int)pos;
}

/* ---- responses (the client's side) ----------------------------------- */

/* "HTTP/1.1 200 OK": RFC 9112 §4, status-code is 3 digits. */
static int parse_status_line(const struct line *l, struct http_response_head *r)
{
    struct line version = {l->p, l->len < 8 ? l->len : 8};
    int major;

    if (l->len < 12 || l->p[8] != ' ' || !parse_version(&version, &major, &r->minor) ||
        major != 1)
        return -EPROTO;
    for (int i = 9; i < 12; i++)
        if (l->p[i] < '0' || l->p[i] > '9')
            return -EPROTO;
    r->status = (l->p[9] - '0') * 100 + (l->p[10] - '0') * 10 + (l->p[11] - '0');
    /* RFC 9110 §15: a status code is 100 to 599; anything else is not HTTP. */
    if (r->status < 100 || r->status > 599)
        return -EPROTO;
    if (l->len > 13) {
        size_t n = l->len - 13 < sizeof(r->reason) - 1 ? l->len - 13 : sizeof(r->reason) - 1;
        memcpy(r->reason, l->p + 13, n);
        r->reason[n] = '\0';
    }
    return 0;
}

static int response_field(const struct line *name, const struct line *value,
                          struct http_response_head *r)
{
    if (name_is(name, "Content-Length")) {
        uint64_t n;
        if (!parse_length(value, &n) || (r->has_content_length && n != r->content_length))
            return -EPROTO;
        r->has_content_length = true;
        r->content_length = n;
    } else if (name_is(name, "Transfer-Encoding")) {
        /* RFC 9112 §6.1: chunked, if present, is the last coding. */
        r->chunked = value->len >= 7 &&
                     strncasecmp((const char *)value->p + value->len - 7, "chunked", 7) == 0;
        if (!r->chunked)
            return -EPROTO;   /* another coding: we could not find the body's end */
    } else if (name_is(name, "Connection")) {
        parse_connection(value, &r->conn_close, &r->conn_keep_alive);
    } else if (name_is(name, "Content-Type")) {
        size_t n = value->len < sizeof(r->content_type) - 1 ? value->len
                                                            : sizeof(r->content_type) - 1;
        memcpy(r->content_type, value->p, n);
        r->content_type[n] = '\0';
    }
    return 0;
}

int http_parse_response(const uint8_t *buf, size_t len, struct http_response_head *r)
{
    size_t pos = 0;
    bool have_start_line = false;
    unsigned fields = 0;
    struct line l;
    int rc;

    memset(r, 0, sizeof(*r));
    for (;;) {
        rc = next_line(buf, len, &pos, &l);
        if (rc < 0)
            return -EPROTO;
        if (rc == 0 || pos > HTTP_MAX_HEAD)
            return len >= HTTP_MAX_HEAD || pos > HTTP_MAX_HEAD ? -EMSGSIZE : 0;
        if (!have_start_line) {
            if ((rc = parse_status_line(&l, r)) < 0)
                return rc;
            have_start_line = true;
            continue;
        }
        if (l.len == 0)
            break;
        if (l.p[0] == ' ' || l.p[0] == '\t' || ++fields > HTTP_MAX_FIELDS)
            return -EPROTO;
        struct line name, value;
        if (split_field(&l, &name, &value) < 0 || (rc = response_field(&name, &value, r)) < 0)
            return -EPROTO;
    }
    if (r->chunked && r->has_content_length)
        r->has_content_length = false;   /* RFC 9112 §6.3 item 3: chunked wins */
    return (int)pos;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    }
    return "";
}
