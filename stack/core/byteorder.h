/*
 * byteorder.h — read and write big-endian ("network order") integers at a
 * byte address.
 *
 * Wire headers are never overlaid with packed structs in tunlab: a header
 * field is read with be16_read(p + OFFSET), which works at any alignment and
 * on any host byte order, and cannot be forgotten the way ntohs() can.
 */
#ifndef TUNLAB_CORE_BYTEORDER_H
#define TUNLAB_CORE_BYTEORDER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline uint16_t be16_read(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t be32_read(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void be16_write(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void be32_write(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#ifdef __cplusplus
}
#endif

#endif
