/*
 * services.c — start and stop the built-in services (see services.h).
 *
 *   icmp     echo       answered by the IPv4 layer itself
 *   udp/7    echo       RFC 862         apps/udp_echo
 *   udp/53   dns        RFC 1035        apps/dns (zone tunlab.test)
 *   tcp/7    echo       RFC 862         apps/tcp_echo
 *   tcp/9    discard    RFC 863         apps/discard
 *   tcp/80   http       RFC 9110/9112   apps/http (static files from www_root, /status)
 */
#include "apps/daemon/services.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apps/discard/discard.h"
#include "apps/dns/dns_server.h"
#include "apps/http/http_server.h"
#include "apps/tcp_echo/tcp_echo.h"
#include "apps/udp_echo/udp_echo.h"

struct services {
    struct stack *st;
    struct udp_echo *udp_echo;
    struct dns_server *dns;
    struct tcp_echo *tcp_echo;
    struct discard *discard;
    struct http_server *http;
};

struct services *services_start(struct stack *st, usec_t now, char *err, size_t errlen)
{
    return services_start_www(st, NULL, now, err, errlen);
}

struct services *services_start_www(struct stack *st, const char *www_root, usec_t now, char *err,
                                    size_t errlen)
{
    struct http_server_config http_cfg;
    struct services *sv = calloc(1, sizeof(*sv));
    if (sv == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    sv->st = st;
    const char *which = NULL;
    int rc;
    if ((rc = udp_echo_service_start(st, 7, &sv->udp_echo)) < 0)
        which = "udp echo on port 7";
    else if ((rc = dns_server_service_start(st, 53, NULL, &sv->dns)) < 0)
        which = "dns on port 53";
    else if ((rc = tcp_echo_service_start(st, 7, &sv->tcp_echo)) < 0)
        which = "tcp echo on port 7";
    else if ((rc = discard_service_start(st, 9, &sv->discard)) < 0)
        which = "tcp discard on port 9";
    else {
        http_server_config_default(&http_cfg);
        http_cfg.www_root = www_root;
        if ((rc = http_server_service_start(st, &http_cfg, &sv->http)) < 0)
            which = rc == -ENOENT ? "http on port 80 (no such --www directory)" : "http on port 80";
    }
    if (which != NULL) {
        snprintf(err, errlen, "cannot start %s: %s", which, strerror(-rc));
        services_stop(sv, now);
        return NULL;
    }
    return sv;
}

void services_on_wakeup(struct services *sv, usec_t now)
{
    (void)sv;
    (void)now;
}

void services_stop(struct services *sv, usec_t now)
{
    if (sv == NULL)
        return;
    if (sv->http != NULL)
        http_server_service_stop(sv->http, now);
    if (sv->discard != NULL)
        discard_service_stop(sv->discard, now);
    if (sv->tcp_echo != NULL)
        tcp_echo_service_stop(sv->tcp_echo, now);
    if (sv->dns != NULL)
        dns_server_service_stop(sv->dns, now);
    if (sv->udp_echo != NULL)
        udp_echo_service_stop(sv->udp_echo, now);
    free(sv);
}

void services_print(const struct services *sv, FILE *out)
{
    (void)sv;
    fprintf(out, "icmp     echo     (answered by the IPv4 layer)\n"
                 "udp/7    echo     RFC 862\n"
                 "udp/53   dns      RFC 1035, zone tunlab.test\n"
                 "tcp/7    echo     RFC 862\n"
                 "tcp/9    discard  RFC 863\n"
                 "tcp/80   http     RFC 9110/9112 (/, /status, static files)\n");
}
