/*
 * rng.c — xoshiro256** (Blackman and Vigna, 2018), seeded with splitmix64.
 *
 * xoshiro256** is small, fast and passes the statistical test suites; its
 * one weakness is an all-zero state, which it never leaves. splitmix64 turns
 * any 64-bit seed (0 included) into four well-mixed state words; since its
 * output function is a bijection applied to four distinct counter values, at
 * most one of the words can be zero, so the state is never all zero.
 */
#include "stack/core/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

uint64_t rng_u64(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The high bits are the better ones in any xoshiro generator. */
uint32_t rng_u32(struct rng *r)
{
    return (uint32_t)(rng_u64(r) >> 32);
}

/* Taking x % bound directly would favour small results whenever 2^32 is not
 * a multiple of bound. Instead reject the lowest (2^32 mod bound) values, so
 * that the values left form whole copies of [0, bound). (-bound) % bound is
 * 2^32 mod bound computed in 32 bits. This is OpenBSD's arc4random_uniform;
 * fewer than half the draws are rejected even in the worst case. */
uint32_t rng_below(struct rng *r, uint32_t bound)
{
    uint32_t threshold;
    uint32_t x;

    if (bound <= 1)
        return 0;   /* bound 0 is a caller's bug; 0 is the safe answer */
    threshold = (uint32_t)-bound % bound;
    do {
        x = rng_u32(r);
    } while (x < threshold);
    return x % bound;
}

/* 53 random bits, the precision of a double, scaled into [0, 1). */
double rng_unit(struct rng *r)
{
    return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Probabilities of 0 (or less, or NaN) and 1 (or more) draw nothing, so
 * that switching an impairment fully off or on is cheap. */
bool rng_chance(struct rng *r, double probability)
{
    if (!(probability > 0.0))
        return false;
    if (probability >= 1.0)
        return true;
    return rng_unit(r) < probability;
}
