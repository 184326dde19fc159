/*
 * rng.h — a small seeded pseudo-random generator (xoshiro256** seeded with
 * splitmix64).
 *
 * Every random choice in the stack (IP identification, ephemeral ports, the
 * secret keys of ISNs and SYN cookies) and in the simulated link (loss,
 * reordering) comes from an rng that was given a seed, so a failing test
 * prints its seed and the same run can be replayed exactly. Not for
 * cryptography; the stack's secrets are only as good as their seed, which a
 * real deployment takes from the operating system.
 */
#ifndef TUNLAB_CORE_RNG_H
#define TUNLAB_CORE_RNG_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_u64(struct rng *r);
uint32_t rng_u32(struct rng *r);
/* Uniform in [0, bound), without modulo bias; bound > 0. */
uint32_t rng_below(struct rng *r, uint32_t bound);
/* True with the given probability (0.0 never, 1.0 always). */
bool rng_chance(struct rng *r, double probability);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);

#ifdef __cplusplus
}
#endif

#endif
