/*
 * socket_udp.h — UDP behind the socket API: the sock_proto_ops that
 * sock_table_new() registers for SOCK_TYPE_DGRAM.
 */
#ifndef TUNLAB_SOCKET_SOCKET_UDP_H
#define TUNLAB_SOCKET_SOCKET_UDP_H

#include "stack/socket/socket_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const struct sock_proto_ops socket_udp_ops;

#ifdef __cplusplus
}
#endif

#endif
