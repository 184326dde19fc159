/*
 * checksum.c — the Internet checksum, RFC 1071.
 *
 * The textbook loop adds the data as 16-bit big-endian words. This one adds
 * 8 bytes at a time, which is the same sum for two reasons RFC 1071 §2 gives:
 *
 *  (A) the one's complement sum is associative and commutative, and a carry
 *      out of the top bit is added back at the bottom ("end-around carry"),
 *      so summing 64-bit words and folding 64 -> 32 -> 16 bits at the end
 *      gives the same 16-bit result as summing 16-bit words;
 *  (B) it is byte-order independent: summing the words in the host's byte
 *      order gives the byte-swapped sum, so we swap once at the end instead
 *      of once per word.
 *
 * Words are loaded with memcpy, which is legal at any alignment (the compiler
 * turns it into one load), so data may start at an odd address.
 */
#include "stack/core/checksum.h"

#include <string.h>

#include "stack/core/byteorder.h"

#ifdef LAB1_SOLUTION
/* acc + w with the carry out of bit 63 added back in (RFC 1071 §2(A)). */
static uint64_t add_with_carry(uint64_t acc, uint64_t w)
{
    acc += w;
    return acc + (acc < w);
}

/* Fold a 64-bit one's complement sum to 16 bits. */
static uint16_t fold64(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32);   /* at most 33 bits now */
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffu) + (sum >> 16);       /* at most 17 bits now */
    sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)sum;
}

uint32_t checksum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = 0, acc2 = 0;
    uint64_t w, w2;
    uint16_t host16;
    uint8_t bytes[8];

    /* Two sums side by side, joined at the end (RFC 1071 §2(A) again): each
     * add waits for the carry of the one before it, so one chain runs at
     * one word per three cycles or so; two independent chains let the CPU
     * add both at once. It halves the time of a 1,480-byte segment's sum,
     * the stack's largest cost after copying (README, Performance). */
    while (len >= 16) {
        memcpy(&w, p, 8);
        memcpy(&w2, p + 8, 8);
        acc = add_with_carry(acc, w);
        acc2 = add_with_carry(acc2, w2);
        p += 16;
        len -= 16;
    }
    acc = add_with_carry(acc, acc2);
    if (len >= 8) {
        memcpy(&w, p, 8);
        acc = add_with_carry(acc, w);
        p += 8;
        len -= 8;
    }
    if (len > 0) {
        /* The last 1..7 bytes, zero-padded on the right: an odd last byte is
         * the high half of a word whose low half is zero (RFC 1071 §4.1). */
        memset(bytes, 0, sizeof bytes);
        memcpy(bytes, p, len);
        memcpy(&w, bytes, 8);
        acc = add_with_carry(acc, w);
    }

    /* acc is the sum in host byte order (RFC 1071 §2(B)); store its 16-bit
     * fold as bytes and read them back big-endian to get the network-order
     * sum, whatever the host's byte order. */
    host16 = fold64(acc);
    memcpy(bytes, &host16, 2);
    return (uint32_t)fold64((uint64_t)sum + be16_read(bytes));
}

uint16_t checksum_finish(uint32_t sum)
{
    return (uint16_t)~fold64(sum);
}
#else
/* TODO(lab 1): checksum_add() — labs/lab1-physical/README.md, "Part A".
 * Add the `len` bytes at `data` to `sum` as 16-bit big-endian words; an odd
 * last byte is the high half of a word whose low half is zero (RFC 1071
 * §4.1). Return the new running sum (folding it is allowed, not required). */
uint32_t checksum_add(uint32_t sum, const void *data, size_t len)
{
    (void)data;
    (void)len;
    return sum;   /* adds nothing: every checksum comes out wrong */
}

/* TODO(lab 1): checksum_finish() — labs/lab1-physical/README.md, "Part A".
 * Fold the carries above bit 15 back into the low 16 bits until none are
 * left (RFC 1071 §2(A), "end-around carry"), then return the one's
 * complement. */
uint16_t checksum_finish(uint32_t sum)
{
    (void)sum;
    return 0;
}
#endif

uint16_t checksum_inet(const void *data, size_t len)
{
    return checksum_finish(checksum_add(0, data, len));
}

uint32_t checksum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t protocol,
                              uint16_t transport_len)
{
    /* RFC 768 / RFC 9293 §3.1: src (4 bytes), dst (4), zero (1), protocol
     * (1), length (2), summed as six 16-bit words. */
    return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) + protocol +
           transport_len;
}
