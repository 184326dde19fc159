/*
 * socket_tcp.h — TCP behind the socket API: the sock_proto_ops that stack.c
 * registers for SOCK_TYPE_STREAM with sock_table_add_proto().
 */
#ifndef TUNLAB_SOCKET_SOCKET_TCP_H
#define TUNLAB_SOCKET_SOCKET_TCP_H

#include "stack/socket/socket_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const struct sock_proto_ops socket_tcp_ops;

#ifdef __cplusplus
}
#endif

#endif
