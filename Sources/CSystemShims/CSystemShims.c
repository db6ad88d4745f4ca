// Most shims are static inline in include/CSystemShims.h; this file holds the process clock's state.
#include "CSystemShims.h"
#include <stdlib.h>

const struct hft_tsc_params *hft_tsc_params_current = NULL;

void hft_clock_install_tsc(uint64_t multiplier, uint64_t base_ticks, int64_t base_ns) {
    struct hft_tsc_params *p = malloc(sizeof *p);
    if (p == NULL) { return; }
    p->multiplier = multiplier;
    p->base_ticks = base_ticks;
    p->base_ns = base_ns;
    // ORDERING: release: a reader that sees the pointer sees the parameters. The block is never freed.
    __atomic_store_n(&hft_tsc_params_current, p, __ATOMIC_RELEASE);
}

void hft_clock_use_monotonic(void) {
    // ORDERING: release, for symmetry with the install; readers fall back to CLOCK_MONOTONIC.
    __atomic_store_n(&hft_tsc_params_current, NULL, __ATOMIC_RELEASE);
}
