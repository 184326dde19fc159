/*
 * http_target.c — from a request-target to a file path that cannot leave
 * the document root (see http_parser.h).
 *
 * The order matters: decode first, then look at the segments. A check
 * before decoding would let "%2e%2e/" (which is "../") through; decoding
 * twice would let "%252e" through. We decode exactly once and judge what
 * the file system would see.
 */
#include "apps/http/http_parser.h"

#include <string.h>
#include <strings.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode [s, s+len) into out (RFC 3986 §2.1). -400 for a bad or a
 * NUL escape, -414 if out is too small. */
static int percent_decode(const char *s, size_t len, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (len - i < 3)   /* fewer than two characters follow */
                return -400;
            int h = hex_value(s[i + 1]), l = hex_value(s[i + 2]);
            if (h < 0 || l < 0)
                return -400;
            c = (char)(h * 16 + l);
            if (c == '\0')
                return -400;   /* a NUL would cut the path short in open(2) */
            i += 2;
        }
        if (n + 1 >= cap)
            return -414;
        out[n++] = c;
    }
    out[n] = '\0';
    *out_len = n;
    return 0;
}

int http_target_to_path(const char *target, char *out, size_t cap)
{
    char decoded[HTTP_MAX_TARGET + 1];
    size_t len, n = 0, dlen;
    const char *path = target;
    int rc;

    if (cap < 2)
        return -414;
    /* absolute-form (RFC 9112 §3.2.2): a server MUST accept it; we serve
     * the path and ignore the authority (there is one host here). */
    if (strncasecmp(path, "http://", 7) == 0) {
        path = strchr(path + 7, '/');
        if (path == NULL)
            path = "/";
    }
    if (path[0] != '/')
        return -400;   /* origin-form must start with '/' (RFC 9112 §3.2.1) */
    len = strcspn(path, "?#");   /* the query is not part of the file's name */
    if (len > HTTP_MAX_TARGET)
        return -414;
    if ((rc = percent_decode(path, len, decoded, sizeof(decoded), &dlen)) < 0)
        return rc;

    /* Rebuild "/seg/seg" from the segments between slashes. */
    for (size_t i = 0; i < dlen;) {
        size_t seg_len;
        while (i < dlen && decoded[i] == '/')
            i++;
        seg_len = strcspn(decoded + i, "/");
        if (seg_len == 0)
            break;
        if (seg_len == 1 && decoded[i] == '.') {
            i += 1;
            continue;   /* "." is this directory */
        }
        if (seg_len == 2 && decoded[i] == '.' && decoded[i + 1] == '.')
            return -400;   /* ".." would climb out of the document root */
        if (decoded[i] == '.')
            return -404;   /* hidden files (.git, .htpasswd) are not for the web */
        if (n + 1 + seg_len + 1 > cap)
            return -414;
        out[n++] = '/';
        memcpy(out + n, decoded + i, seg_len);
        n += seg_len;
        i += seg_len;
    }
    if (n == 0)
        out[n++] = '/';
    /* A trailing slash means "the directory": keep it for the index file. */
    else if (dlen > 0 && decoded[dlen - 1] == '/') {
        if (n + 2 > cap)
            return -414;
        out[n++] = '/';
    }
    out[n] = '\0';
    return 0;
}
