/*
 * control.c — the control socket (see control.h).
 */
#define _GNU_SOURCE
#include "apps/daemon/control.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "apps/daemon/daemon.h"
#include "apps/daemon/http_get.h"
#include "apps/daemon/ping.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4.h"

/* One command line; a `get` with a few URLs needs more than a report. */

struct control {
    struct daemon *d;
    int listen_fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    pthread_t thread;
    atomic_bool stopping;
};

/* "ping 10.0.0.1 5 56" -> the stack's ping client, answering like ping(8). */
static void serve_ping(struct control *c, char *args, FILE *out)
{
    char *addr_text = strtok(args, " ");
    char *count_text = strtok(NULL, " ");
    char *size_text = strtok(NULL, " ");
    uint32_t dst;
    int count = count_text ? atoi(count_text) : 4;
    int size = size_text ? atoi(size_text) : 56;
    if (addr_text == NULL || ip4_parse_addr(addr_text, &dst) < 0 || count < 1 ||
        count > 1000 || size < 0 || size > ICMP_PING_MAX_PAYLOAD) {
        fprintf(out, "usage: ping ADDR [COUNT 1..1000 [SIZE 0..%d]]\n",
                ICMP_PING_MAX_PAYLOAD);
        return;
    }
    ping_run(c->d, dst, count, (size_t)size, out);
}

static void serve_client(struct control *c, int fd)
{
    char line[CONTROL_LINE_MAX];
    ssize_t n = read(fd, line, sizeof(line) - 1);
    if (n <= 0)
        return;
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    FILE *out = fdopen(dup(fd), "w");
    if (out == NULL)
        return;
    if (strncmp(line, "ping ", 5) == 0)
        serve_ping(c, line + 5, out);
    else if (strncmp(line, "get ", 4) == 0)
        http_get_command(c->d, line + 4, out);   /* the stack's HTTP client */
    else if (daemon_report(c->d, line, out) < 0)
        fprintf(out, "unknown command '%s': try stats, route, arp, sockets, ping ADDR, "
                     "get URL\n", line);
    fclose(out);
}

static void *control_thread(void *arg)
{
    struct control *c = arg;
    while (!atomic_load(&c->stopping)) {
        int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;   /* the listening socket was shut down: we are stopping */
        }
        serve_client(c, fd);
        close(fd);
    }
    return NULL;
}

static int make_address(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path))
        return -ENAMETOOLONG;
    strcpy(sa->sun_path, path);
    return 0;
}

struct control *control_start(struct daemon *d, const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    if (make_address(path, &sa) < 0) {
        snprintf(err, errlen, "control socket path too long: %s", path);
        return NULL;
    }
    struct control *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->d = d;
    strcpy(c->path, path);
    c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);   /* a socket file left by a daemon that was killed */
    if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(c->listen_fd, 8) < 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
        goto fail;
    }
    if (pthread_create(&c->thread, NULL, control_thread, c) != 0) {
        snprintf(err, errlen, "cannot start the control thread");
        goto fail;
    }
    return c;

fail:
    if (c->listen_fd >= 0)
        close(c->listen_fd);
    free(c);
    return NULL;
}

void control_stop(struct control *c)
{
    if (c == NULL)
        return;
    atomic_store(&c->stopping, true);
    shutdown(c->listen_fd, SHUT_RDWR);   /* makes the blocked accept() return */
    pthread_join(c->thread, NULL);
    close(c->listen_fd);
    unlink(c->path);
    free(c);
}

int control_request(const char *path, const char *command)
{
    struct sockaddr_un sa;
    if (make_address(path, &sa) < 0)
        return -ENAMETOOLONG;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    char line[CONTROL_LINE_MAX];
    int len = snprintf(line, sizeof(line), "%s\n", command);
    if (len < 0 || (size_t)len >= sizeof(line) || write(fd, line, (size_t)len) != len) {
        close(fd);
        return -EINVAL;
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    close(fd);
    return 0;
}
