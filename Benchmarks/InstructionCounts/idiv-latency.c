// The cost of one 64-bit integer division on this machine, against a double division: 20 M
// dependent `int64_t` divisions (`idiv r64`; each quotient feeds the next dividend through an
// xor and an or) and 20 M steps of a dependent double chain (`divsd`, a multiply and an add),
// timed with the time stamp counter. Prints TSC ticks per step (the TSC runs at the nominal
// clock, 2.5 GHz on machine B).
//
//   gcc -O2 -o /tmp/idiv-latency Benchmarks/InstructionCounts/idiv-latency.c && /tmp/idiv-latency
#include <stdint.h>
#include <stdio.h>
#include <x86intrin.h>

int main(int argc, char **argv) {
    (void)argv;
    volatile int64_t seed = 1700000000000000000LL;
    const int n = 20000000;
    int64_t x = seed, d = 86400000000000LL + argc, acc = 0;
    uint64_t t0 = __rdtsc();
    for (int i = 0; i < n; i++) {
        int64_t q = x / d;
        x = (x ^ q) | (1LL << 60);
        acc += q;
    }
    uint64_t t1 = __rdtsc();
    double y = (double)seed, e = (double)d, acc2 = 0;
    for (int i = 0; i < n; i++) {
        double q = y / e;
        y = y + q * 1e-30;
        acc2 += q;
    }
    uint64_t t2 = __rdtsc();
    printf("dependent idiv r64: %.1f TSC ticks each; dependent divsd + mul + add: %.1f (checksums %lld %f)\n",
           (double)(t1 - t0) / n, (double)(t2 - t1) / n, (long long)acc, acc2);
    return 0;
}
