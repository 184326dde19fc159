/*
 * tcp_state.c — state names and the table of legal transitions.
 */
#include "stack/transport/tcp_state.h"

#include <string.h>

struct state_names {
    const char *name;       /* netstat / trace */
    const char *ss_name;    /* ss -tan */
    const char *rfc_name;   /* RFC 9293 */
};

static const struct state_names names[TCP_STATE_MAX + 1] = {
    [TCP_ESTABLISHED] = {"ESTABLISHED", "ESTAB", "ESTABLISHED"},
    [TCP_SYN_SENT] = {"SYN_SENT", "SYN-SENT", "SYN-SENT"},
    [TCP_SYN_RECV] = {"SYN_RECV", "SYN-RECV", "SYN-RECEIVED"},
    [TCP_FIN_WAIT_1] = {"FIN_WAIT_1", "FIN-WAIT-1", "FIN-WAIT-1"},
    [TCP_FIN_WAIT_2] = {"FIN_WAIT_2", "FIN-WAIT-2", "FIN-WAIT-2"},
    [TCP_TIME_WAIT] = {"TIME_WAIT", "TIME-WAIT", "TIME-WAIT"},
    [TCP_CLOSED] = {"CLOSED", "CLOSED", "CLOSED"},
    [TCP_CLOSE_WAIT] = {"CLOSE_WAIT", "CLOSE-WAIT", "CLOSE-WAIT"},
    [TCP_LAST_ACK] = {"LAST_ACK", "LAST-ACK", "LAST-ACK"},
    [TCP_LISTEN] = {"LISTEN", "LISTEN", "LISTEN"},
    [TCP_CLOSING] = {"CLOSING", "CLOSING", "CLOSING"},
};

static bool valid(int state)
{
    return state >= TCP_STATE_MIN && state <= TCP_STATE_MAX;
}

const char *tcp_state_name(int state)
{
    return valid(state) ? names[state].name : "?";
}

const char *tcp_state_ss_name(int state)
{
    return valid(state) ? names[state].ss_name : "?";
}

int tcp_state_from_name(const char *name)
{
    for (int s = TCP_STATE_MIN; s <= TCP_STATE_MAX; s++) {
        if (strcmp(name, names[s].name) == 0 || strcmp(name, names[s].ss_name) == 0 ||
            strcmp(name, names[s].rfc_name) == 0)
            return s;
    }
    if (strcmp(name, "CLOSE") == 0)   /* /proc/net/tcp's and netstat's word */
        return TCP_CLOSED;
    return -1;
}

/*
 * legal[from][to]. Rows follow RFC 9293 Figure 5; the extra arcs are marked.
 * A connection leaves every state for CLOSED on ABORT, on an acceptable RST,
 * or when a retransmission timer gives up (§3.10.4, §3.10.7.4 second check,
 * §3.8.3), so CLOSED is legal from everywhere.
 */
static const bool legal[TCP_STATE_MAX + 1][TCP_STATE_MAX + 1] = {
    [TCP_CLOSED] = {[TCP_LISTEN] = true, [TCP_SYN_SENT] = true},
    [TCP_LISTEN] = {[TCP_CLOSED] = true, [TCP_SYN_RECV] = true,
                    [TCP_SYN_SENT] = true /* SEND on a listening TCB, §3.10.2 */},
    [TCP_SYN_SENT] = {[TCP_CLOSED] = true, [TCP_ESTABLISHED] = true,
                      [TCP_SYN_RECV] = true /* simultaneous open */},
    [TCP_SYN_RECV] = {[TCP_CLOSED] = true, [TCP_ESTABLISHED] = true,
                      [TCP_FIN_WAIT_1] = true /* CLOSE */,
                      [TCP_LISTEN] = true /* RST, passive open (note 1) */},
    [TCP_ESTABLISHED] = {[TCP_CLOSED] = true, [TCP_FIN_WAIT_1] = true,
                         [TCP_CLOSE_WAIT] = true},
    [TCP_FIN_WAIT_1] = {[TCP_CLOSED] = true, [TCP_FIN_WAIT_2] = true,
                        [TCP_CLOSING] = true,
                        [TCP_TIME_WAIT] = true /* FIN arrives acking our FIN */},
    [TCP_FIN_WAIT_2] = {[TCP_CLOSED] = true, [TCP_TIME_WAIT] = true},
    [TCP_CLOSE_WAIT] = {[TCP_CLOSED] = true, [TCP_LAST_ACK] = true},
    [TCP_CLOSING] = {[TCP_CLOSED] = true, [TCP_TIME_WAIT] = true},
    [TCP_LAST_ACK] = {[TCP_CLOSED] = true},
    [TCP_TIME_WAIT] = {[TCP_CLOSED] = true},
};

bool tcp_state_transition_legal(int from, int to)
{
    return valid(from) && valid(to) && legal[from][to];
}

bool tcp_state_synchronized(int state)
{
    switch (state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
    case TCP_TIME_WAIT:
        return true;
    default:
        return false;
    }
}
