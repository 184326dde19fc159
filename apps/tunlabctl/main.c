/*
 * tunlabctl — ask a running tunlabd about its stack.
 *
 *   tunlabctl PATH stats | route | arp | sockets | ping ADDR [COUNT [SIZE]]
 *
 * PATH is the daemon's --control socket. `./tunlab ss`, `./tunlab stats` and
 * `./tunlab ping` call this.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apps/daemon/control.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tunlabctl CONTROL-SOCKET stats|route|arp|sockets|ping ADDR "
                        "[COUNT [SIZE]]\n");
        return 2;
    }
    char command[CONTROL_LINE_MAX - 1] = "";
    for (int i = 2; i < argc; i++) {
        if (strlen(command) + strlen(argv[i]) + 2 > sizeof(command)) {
            fprintf(stderr, "tunlabctl: command too long\n");
            return 2;
        }
        if (i > 2)
            strcat(command, " ");
        strcat(command, argv[i]);
    }
    int rc = control_request(argv[1], command);
    if (rc < 0) {
        fprintf(stderr, "tunlabctl: no tunlabd answers at %s (%s); start it with ./tunlab demo\n",
                argv[1], strerror(-rc));
        return 1;
    }
    return 0;
}
