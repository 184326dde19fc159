/*
 * http_url.c — the parts of an http URL (RFC 9110 §4.2.1, RFC 3986 §3):
 *
 *   http://www.tunlab.test:8080/files/a.txt?x=1
 *   scheme  host           port path         query
 */
#include "apps/http/http_client.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

int http_url_parse(const char *url, struct http_url *out)
{
    const char *host, *end, *colon;
    size_t host_len, path_len;

    memset(out, 0, sizeof(*out));
    if (strncasecmp(url, "http://", 7) != 0)
        return strstr(url, "://") != NULL ? -EPROTONOSUPPORT : -EINVAL;
    host = url + 7;
    end = host + strcspn(host, "/?#");
    if (memchr(host, '@', (size_t)(end - host)) != NULL)
        return -EINVAL;   /* userinfo: not sent in http URLs (RFC 9110 §4.2.4) */
    colon = memchr(host, ':', (size_t)(end - host));
    host_len = (size_t)((colon != NULL ? colon : end) - host);
    if (host_len == 0 || host_len > HTTP_MAX_HOST)
        return -EINVAL;
    memcpy(out->host, host, host_len);
    out->port = 80;
    if (colon != NULL) {
        unsigned long port = 0;
        if (colon + 1 == end)
            return -EINVAL;
        for (const char *p = colon + 1; p < end; p++) {
            if (*p < '0' || *p > '9')
                return -EINVAL;
            port = port * 10 + (unsigned long)(*p - '0');
            if (port > 65535)
                return -EINVAL;
        }
        if (port == 0)
            return -EINVAL;
        out->port = (uint16_t)port;
    }
    /* The path and query are sent as they are; the fragment never is. */
    path_len = strcspn(end, "#");
    if (path_len + 1 > sizeof(out->path))
        return -EINVAL;
    if (path_len == 0 || end[0] != '/') {
        if (path_len + 2 > sizeof(out->path))
            return -EINVAL;
        out->path[0] = '/';
        memcpy(out->path + 1, end, path_len);
    } else {
        memcpy(out->path, end, path_len);
    }
    for (const char *p = out->path; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return -EINVAL;   /* a space or control character would break the request-line */
    return 0;
}
