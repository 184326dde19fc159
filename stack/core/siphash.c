/*
 * siphash.c — SipHash-2-4, written from the paper's description
 * ("SipHash: a fast short-input PRF", Aumasson and Bernstein, 2012, §2).
 *
 * The state is four 64-bit words v0..v3 initialised from the key. The
 * message is cut into 64-bit little-endian words m; each is absorbed with
 * v3 ^= m, two SipRounds ("2"), v0 ^= m. The last word carries the final
 * 0..7 bytes and, in its top byte, the message length mod 256. Finalization
 * is v2 ^= 0xff and four SipRounds ("4"); the output is v0^v1^v2^v3.
 */
#include "stack/core/siphash.h"

/* Read 8 bytes as a little-endian integer (the paper's byte order). */
static uint64_t le64_read(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

/* One SipRound: the ARX network of the paper's Figure 2.1. */
static void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = rotl(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = rotl(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = rotl(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = rotl(s->v2, 32);
}

static void absorb(struct sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    sip_round(s);
    s->v0 ^= m;
}

struct siphash_key siphash_key_from_bytes(const uint8_t bytes[16])
{
    struct siphash_key key;

    key.k[0] = le64_read(bytes);
    key.k[1] = le64_read(bytes + 8);
    return key;
}

uint64_t siphash(const void *data, size_t len, const struct siphash_key *key)
{
    const uint8_t *p = data;
    struct sip_state s;
    uint64_t last;
    size_t tail = len % 8;

    /* Initialization: the key xored with "somepseudorandomlygeneratedbytes". */
    s.v0 = key->k[0] ^ 0x736f6d6570736575u;
    s.v1 = key->k[1] ^ 0x646f72616e646f6du;
    s.v2 = key->k[0] ^ 0x6c7967656e657261u;
    s.v3 = key->k[1] ^ 0x7465646279746573u;

    for (size_t i = 0; i + 8 <= len; i += 8)
        absorb(&s, le64_read(p + i));

    /* The final word: the remaining bytes little-endian, length on top. */
    last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < tail; i++)
        last |= (uint64_t)p[len - tail + i] << (8 * i);
    absorb(&s, last);

    s.v2 ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
