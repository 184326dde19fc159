// The seeded generator: reproducible, in bounds, roughly uniform.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "stack/core/rng.h"

namespace {

TEST(Rng, SeedingIsSplitmix64)
{
    // The first four outputs of splitmix64 from state 0, as published with
    // the reference splitmix64.c (prng.di.unimi.it).
    struct rng r;
    rng_seed(&r, 0);
    EXPECT_EQ(r.s[0], 0xe220a8397b1dcdafull);
    EXPECT_EQ(r.s[1], 0x6e789e6aa1b965f4ull);
    EXPECT_EQ(r.s[2], 0x06c45d188009454full);
    EXPECT_EQ(r.s[3], 0xf88bb8a8724c81ecull);
}

TEST(Rng, SameSeedSameSequenceDifferentSeedDifferent)
{
    struct rng a, b, c;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    rng_seed(&c, 43);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = rng_u64(&a);
        ASSERT_EQ(x, rng_u64(&b)) << "draw " << i;
        differ += x != rng_u64(&c);
    }
    EXPECT_GT(differ, 990);
}

TEST(Rng, BelowStaysInBounds)
{
    const uint64_t seed = 7;
    SCOPED_TRACE("seed " + std::to_string(seed));
    struct rng r;
    rng_seed(&r, seed);
    // 0x80000001 is the worst case for rejection: almost half is rejected.
    const uint32_t bounds[] = {1, 2, 3, 7, 1000, 0x80000001u, 0xFFFFFFFFu};
    for (uint32_t bound : bounds)
        for (int i = 0; i < 10000; i++)
            ASSERT_LT(rng_below(&r, bound), bound) << "bound " << bound;
}

TEST(Rng, BelowIsRoughlyUniform)
{
    const uint64_t seed = 99;
    SCOPED_TRACE("seed " + std::to_string(seed));
    struct rng r;
    rng_seed(&r, seed);
    const int buckets = 10, draws = 100000;
    std::vector<int> count(buckets, 0);
    for (int i = 0; i < draws; i++)
        count[rng_below(&r, buckets)]++;
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value.
    double expected = (double)draws / buckets, chi2 = 0;
    for (int c : count)
        chi2 += (c - expected) * (c - expected) / expected;
    EXPECT_LT(chi2, 27.9);
}

TEST(Rng, BelowHasNoModuloBiasForLargeBound)
{
    // With bound = 3 * 2^30, x % bound on 32-bit x would put values below
    // 2^30 twice as often as the rest (2/4 of draws instead of 1/3).
    const uint64_t seed = 123;
    SCOPED_TRACE("seed " + std::to_string(seed));
    struct rng r;
    rng_seed(&r, seed);
    const uint32_t bound = 3u << 30;
    const int draws = 60000;
    int low = 0;
    for (int i = 0; i < draws; i++)
        low += rng_below(&r, bound) < (1u << 30);
    EXPECT_NEAR((double)low / draws, 1.0 / 3, 0.01);
}

TEST(Rng, ChanceRateWithinTolerance)
{
    const uint64_t seed = 2024;
    SCOPED_TRACE("seed " + std::to_string(seed));
    struct rng r;
    rng_seed(&r, seed);
    const int draws = 100000;
    for (double p : {0.01, 0.1, 0.5, 0.9}) {
        int hits = 0;
        for (int i = 0; i < draws; i++)
            hits += rng_chance(&r, p);
        double sd = std::sqrt(p * (1 - p) / draws);
        EXPECT_NEAR((double)hits / draws, p, 5 * sd) << "p=" << p;
    }
    for (int i = 0; i < 1000; i++) {
        ASSERT_FALSE(rng_chance(&r, 0.0));
        ASSERT_TRUE(rng_chance(&r, 1.0));
    }
}

TEST(Rng, UnitIsInHalfOpenInterval)
{
    struct rng r;
    rng_seed(&r, 5);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = rng_unit(&r);
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
    }
    EXPECT_NEAR(sum / 100000, 0.5, 0.01);
}

}  // namespace
