/*
 * tcp_state.h — the eleven connection states of RFC 9293 §3.3.2 and the
 * transitions between them (Figure 5, plus the reset/abort paths of §3.10).
 *
 *                              +---------+ ---------\      active OPEN
 *                              |  CLOSED |            \    -----------
 *                              +---------+<---------\   \   create TCB
 *                                |     ^              \   \  snd SYN
 *                   passive OPEN |     |   CLOSE        \   \
 *                   ------------ |     | ----------       \   \
 *                    create TCB  |     | delete TCB         \   \
 *                                V     |                      \   \
 *            rcv RST (note 1)  +---------+            CLOSE    |    \
 *         -------------------->|  LISTEN |          ---------- |     |
 *        /                     +---------+          delete TCB |     |
 *       /           rcv SYN      |     |     SEND              |     |
 *      /           -----------   |     |    -------            |     V
 *  +--------+      snd SYN,ACK  /       \   snd SYN          +--------+
 *  |        |<-----------------           ------------------>|        |
 *  |  SYN   |                    rcv SYN                     |  SYN   |
 *  |  RCVD  |<-----------------------------------------------|  SENT  |
 *  |        |                  snd SYN,ACK                   |        |
 *  |        |------------------           -------------------|        |
 *  +--------+   rcv ACK of SYN  \       /  rcv SYN,ACK       +--------+
 *     |         --------------   |     |   -----------
 *     |                x         |     |     snd ACK
 *     |                          V     V
 *     |  CLOSE                 +---------+
 *     | -------                |  ESTAB  |
 *     | snd FIN                +---------+
 *     |                 CLOSE    |     |    rcv FIN
 *     V                -------   |     |    -------
 *  +---------+         snd FIN  /       \   snd ACK         +---------+
 *  |  FIN    |<----------------          ------------------>|  CLOSE  |
 *  | WAIT-1  |------------------                            |   WAIT  |
 *  +---------+          rcv FIN  \                          +---------+
 *    | rcv ACK of FIN   -------   |                          CLOSE  |
 *    | --------------   snd ACK   |                         ------- |
 *    V        x                   V                         snd FIN V
 *  +---------+               +---------+                    +---------+
 *  |FINWAIT-2|               | CLOSING |                    | LAST-ACK|
 *  +---------+               +---------+                    +---------+
 *    |              rcv ACK of FIN |                 rcv ACK of FIN |
 *    |  rcv FIN     -------------- |    Timeout=2MSL -------------- |
 *    |  -------            x       V    ------------        x       V
 *     \ snd ACK              +---------+delete TCB          +---------+
 *       -------------------->|TIME-WAIT|------------------->| CLOSED  |
 *                            +---------+                    +---------+
 *
 *                    RFC 9293 Figure 5: TCP Connection State Diagram
 *
 * Names: the ones Linux prints in `netstat` and /proc/net/tcp (SYN_SENT,
 * SYN_RECV, FIN_WAIT_1 ...; RFC 9293 writes SYN-SENT, SYN-RECEIVED,
 * FIN-WAIT-1), so a trace reads like the seed and like the kernel. The enum
 * values are Linux's too (include/net/tcp_states.h), so they match the `st`
 * column of /proc/net/tcp. tcp_state_ss_name() gives `ss -tan`'s short
 * names (ESTAB, SYN-SENT ...).
 */
#ifndef TUNLAB_TRANSPORT_TCP_STATE_H
#define TUNLAB_TRANSPORT_TCP_STATE_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tcp_state {
    TCP_ESTABLISHED = 1,
    TCP_SYN_SENT = 2,
    TCP_SYN_RECV = 3,       /* RFC 9293: SYN-RECEIVED */
    TCP_FIN_WAIT_1 = 4,
    TCP_FIN_WAIT_2 = 5,
    TCP_TIME_WAIT = 6,
    TCP_CLOSED = 7,
    TCP_CLOSE_WAIT = 8,
    TCP_LAST_ACK = 9,
    TCP_LISTEN = 10,
    TCP_CLOSING = 11,
};

#define TCP_STATE_MIN 1
#define TCP_STATE_MAX 11

/* "ESTABLISHED", "SYN_SENT", ...; "?" for a value outside the enum. */
const char *tcp_state_name(int state);
/* `ss -tan` column: "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
 * "FIN-WAIT-2", "TIME-WAIT", "CLOSED", "CLOSE-WAIT", "LAST-ACK", "LISTEN",
 * "CLOSING". */
const char *tcp_state_ss_name(int state);
/* Parse either spelling ("SYN_SENT", "SYN-SENT", "SYN-RECEIVED", "ESTAB");
 * returns the state or -1. For the trace-script engine. */
int tcp_state_from_name(const char *name);

/* Is from -> to a transition RFC 9293 allows? (Figure 5, plus: any
 * synchronized or opening state -> CLOSED on RST, ABORT or timeout, §3.10.) */
bool tcp_state_transition_legal(int from, int to);

/* RFC 9293 §3.3.2: the synchronized states, ESTABLISHED and after, where
 * both sides know each other's ISN. */
bool tcp_state_synchronized(int state);

#ifdef __cplusplus
}
#endif

#endif
