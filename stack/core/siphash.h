/*
 * siphash.h — SipHash-2-4, a keyed hash (a pseudorandom function) with a
 * 128-bit key and a 64-bit output, by Aumasson and Bernstein (2012).
 *
 * TCP uses it where an attacker must not be able to predict a value from the
 * values it has seen: the initial sequence number, ISN = M + F(4-tuple,
 * secret) (RFC 6528 §3), and the SYN cookie's MAC (RFC 4987 §3.6). The key is
 * the secret; tunlab draws it from a seeded struct rng, so it is only as
 * secret as the seed.
 *
 * The same function as Linux's siphash() (include/linux/siphash.h), with the
 * arguments in the same order.
 */
#ifndef TUNLAB_CORE_SIPHASH_H
#define TUNLAB_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 128-bit key as two 64-bit words: k[0] is bytes 0..7 of the key read
 * little-endian, k[1] bytes 8..15 (the paper's k0 and k1). */
struct siphash_key {
    uint64_t k[2];
};

/* Build a key from its 16 bytes, in the byte order the paper uses. */
struct siphash_key siphash_key_from_bytes(const uint8_t bytes[16]);

/* SipHash-2-4 of `len` bytes at `data` (any alignment). */
uint64_t siphash(const void *data, size_t len, const struct siphash_key *key);

#ifdef __cplusplus
}
#endif

#endif
