/*
 * http_static.c — static files under the document root (see
 * http_server_internal.h).
 *
 * The path has already been cleaned (http_target_to_path: no "..", no
 * hidden segments). One more guard covers what a clean path cannot: a
 * symbolic link inside the root that points outside it. realpath() resolves
 * every link, and the result must still lie under the (resolved) root.
 */
#define _GNU_SOURCE
#include "apps/http/http_server_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *content_type_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".md", "text/plain; charset=utf-8"},
        {".css", "text/css"},                  {".js", "text/javascript"},
        {".json", "application/json"},         {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},               {".gif", "image/gif"},
        {".pdf", "application/pdf"},           {".pcap", "application/vnd.tcpdump.pcap"},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (dot != NULL && (slash == NULL || dot > slash))
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcasecmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";   /* RFC 9110 §8.3: "just bytes" */
}

static bool under_root(const char *root, const char *real)
{
    size_t n = strlen(root);
    return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

int http_static_open(const char *root, const char *path, int *fd, uint64_t *size,
                     const char **content_type)
{
    char full[PATH_MAX], real[PATH_MAX];
    struct stat sb;
    int n;

    n = snprintf(full, sizeof(full), "%s%s", root, path);
    if (n < 0 || (size_t)n >= sizeof(full))
        return -404;
    if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        /* A directory: its index.html, the custom of every web server. */
        n = snprintf(full, sizeof(full), "%s%s%sindex.html", root, path,
                     path[strlen(path) - 1] == '/' ? "" : "/");
        if (n < 0 || (size_t)n >= sizeof(full))
            return -404;
    }
    if (realpath(full, real) == NULL || !under_root(root, real))
        return -404;
    *fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (*fd < 0)
        return errno == EACCES ? -403 : -404;
    /* fstat the file we opened, not the name: it cannot change in between. */
    if (fstat(*fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(*fd);
        *fd = -1;
        return -404;   /* a FIFO or a device would block or never end */
    }
    *size = (uint64_t)sb.st_size;
    *content_type = content_type_of(real);
    return 0;
}
