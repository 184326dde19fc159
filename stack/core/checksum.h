/*
 * checksum.h — the Internet checksum (RFC 1071) used by IPv4, ICMP, UDP and
 * TCP: the 16-bit one's complement of the one's complement sum of the data
 * taken as 16-bit big-endian words, an odd last byte padded with zero.
 *
 * A received header whose checksum field is included in the sum verifies when
 * checksum_finish(...) returns 0.
 */
#ifndef TUNLAB_CORE_CHECKSUM_H
#define TUNLAB_CORE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Add `len` bytes to a running 32-bit sum (not yet folded). Sums of several
 * pieces can be chained only if every piece but the last has an even length. */
uint32_t checksum_add(uint32_t sum, const void *data, size_t len);

/* Fold the carries of a running sum and return its one's complement: the
 * value to store in a checksum field (in host order; write it with
 * be16_write). */
uint16_t checksum_finish(uint32_t sum);

/* checksum_finish(checksum_add(0, data, len)). */
uint16_t checksum_inet(const void *data, size_t len);

/* The running sum of the IPv4 pseudo-header that UDP (RFC 768) and TCP
 * (RFC 9293 §3.1) put in front of their checksum: source address,
 * destination address (host order), zero, protocol, and the transport
 * length. Continue it with checksum_add() over the transport header and
 * data. */
uint32_t checksum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t protocol,
                              uint16_t transport_len);

#ifdef __cplusplus
}
#endif

#endif
