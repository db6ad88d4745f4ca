// The shims are static inline in include/CSystemShims.h. This translation unit holds what must be
// compiled once: the build's target CPU and the start-up check that the host has it.
#include "CSystemShims.h"

#include <stdio.h>
#include <unistd.h>

#if defined(HFT_TARGET_CPU)

const char *hft_build_target_cpu(void) { return HFT_TARGET_CPU; }

#if defined(__x86_64__)

/// Runs before `main` in every image that links this target (the `hft` executable, plugins, tests).
/// A release build made with `HFT_TARGET_CPU` uses that CPU's instructions (AVX2, FMA, ...) anywhere in
/// our code; on a host without them the first such instruction would kill the process with SIGILL at an
/// arbitrary point. This stops it first, naming the missing feature. The macros tested are the ones the
/// compiler defines for `-march=HFT_TARGET_CPU`, so the list follows the CPU named; this function itself
/// is compiled for baseline x86-64.
__attribute__((constructor, target("arch=x86-64")))
static void hft_check_target_cpu(void) {
    __builtin_cpu_init();
    const char *missing = NULL;
// The last missing set is named; `__builtin_cpu_supports` takes only string literals.
#define HFT_REQUIRE(feature) if (!__builtin_cpu_supports(feature)) { missing = feature; }
#if defined(__POPCNT__)
    HFT_REQUIRE("popcnt")
#endif
#if defined(__AVX__)
    HFT_REQUIRE("avx")
#endif
#if defined(__AVX2__)
    HFT_REQUIRE("avx2")
#endif
#if defined(__FMA__)
    HFT_REQUIRE("fma")
#endif
#if defined(__BMI__)
    HFT_REQUIRE("bmi")
#endif
#if defined(__BMI2__)
    HFT_REQUIRE("bmi2")
#endif
#if defined(__AVX512F__)
    HFT_REQUIRE("avx512f")
#endif
#if defined(__AVX512BW__)
    HFT_REQUIRE("avx512bw")
#endif
#if defined(__AVX512VL__)
    HFT_REQUIRE("avx512vl")
#endif
#undef HFT_REQUIRE
    if (missing != NULL) {
        fprintf(stderr,
                "hft: this build targets the CPU '%s' (HFT_TARGET_CPU) but this machine's CPU lacks %s; "
                "rebuild with HFT_TARGET_CPU unset (baseline x86-64) or set to a CPU this machine has\n",
                HFT_TARGET_CPU, missing);
        _exit(70);
    }
}
#endif

#else

const char *hft_build_target_cpu(void) { return NULL; }

#endif
