/*
 * seq.h — 32-bit sequence-number arithmetic that survives the wrap at 2^32.
 *
 * RFC 9293 §3.4: "It is essential to remember that the actual sequence number
 * space is finite, though very large ... all arithmetic dealing with sequence
 * numbers must be performed modulo 2^32." a < b means "b is ahead of a by less
 * than half the space", computed as the sign of the 32-bit difference
 * (RFC 1982 serial-number arithmetic). Never compare sequence numbers with a
 * plain < : 0xFFFFFFF0 comes before 0x00000010.
 */
#ifndef TUNLAB_CORE_SEQ_H
#define TUNLAB_CORE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }
static inline bool seq_lt(uint32_t a, uint32_t b) { return seq_diff(a, b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return seq_diff(a, b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return seq_diff(a, b) > 0; }
static inline bool seq_ge(uint32_t a, uint32_t b) { return seq_diff(a, b) >= 0; }

/* lo <= x < hi, the half-open window test used all over RFC 9293 §3.10.7.4. */
static inline bool seq_in_window(uint32_t x, uint32_t lo, uint32_t hi)
{
    return seq_le(lo, x) && seq_lt(x, hi);
}

/* lo <= x <= hi. */
static inline bool seq_between(uint32_t x, uint32_t lo, uint32_t hi)
{
    return seq_le(lo, x) && seq_le(x, hi);
}

static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_lt(a, b) ? b : a; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

#ifdef __cplusplus
}
#endif

#endif
