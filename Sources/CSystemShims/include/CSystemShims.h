// System shims for the runtime: CPU affinity (cpu_set_t macros do not import into Swift),
// TSC reads, spin hints, prefetch, memory locking and huge pages, thread identity.
// Every function is static inline so that it compiles to the instruction(s) it wraps.
#ifndef HFT_CSYSTEMSHIMS_H
#define HFT_CSYSTEMSHIMS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <pthread.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif
#include <sched.h>
#include <unistd.h>
#include <time.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#include <cpuid.h>
#endif

// MARK: Build

/// The CPU the release build was compiled for (`HFT_TARGET_CPU`, an LLVM CPU name such as `haswell`),
/// or NULL for a baseline x86-64 build. When set, a start-up check in CSystemShims.c has already made
/// sure this machine has that CPU's instruction sets.
const char *hft_build_target_cpu(void);

// MARK: CPU affinity

/// Number of CPUs the system has online.
static inline int hft_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/// Whether `cpu` is in the calling process's allowed CPU set (cgroups/taskset included).
static inline bool hft_cpu_is_allowed(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) { return false; }
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) { return false; }
    return CPU_ISSET(cpu, &set) != 0;
}

/// Binds the calling thread to one CPU. Returns 0 or an errno value.
static inline int hft_pin_current_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) { return EINVAL; }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/// The CPU the calling thread runs on now, or -1.
static inline int hft_current_cpu(void) { return sched_getcpu(); }

/// Kernel thread id of the calling thread.
static inline int32_t hft_gettid(void) { return (int32_t)syscall(SYS_gettid); }

/// Names the calling thread (truncated to 15 bytes by the kernel). Returns 0 or an errno value.
static inline int hft_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

/// Sets the calling thread's timer slack (`PR_SET_TIMERSLACK`): how late the kernel may fire its
/// sleeps to batch wake-ups (default 50 µs, which turns a 1 µs park into ≈ 50 µs). Returns 0 or an
/// errno value.
static inline int hft_set_timer_slack(uint64_t nanoseconds) {
#if defined(__linux__)
    return prctl(PR_SET_TIMERSLACK, (unsigned long)nanoseconds, 0, 0, 0) == 0 ? 0 : errno;
#else
    (void)nanoseconds;
    return 0;
#endif
}

// MARK: Time stamp counter

/// Reads the TSC (not serializing; ~9 ns here). Returns 0 on architectures without one.
static inline uint64_t hft_rdtsc(void) {
#if defined(__x86_64__)
    return __rdtsc();
#else
    return 0;
#endif
}

/// Reads the TSC after all earlier instructions have executed (rdtscp); `aux` receives IA32_TSC_AUX (the CPU id on Linux).
static inline uint64_t hft_rdtscp(uint32_t *aux) {
#if defined(__x86_64__)
    return __rdtscp(aux);
#else
    *aux = 0;
    return 0;
#endif
}

/// The hypervisor's CPUID vendor signature (leaf 0x40000000, EBX ECX EDX: `KVMKVMKVM`, `Microsoft Hv`,
/// `VMwareVMware`, ...) into `out` (13 bytes, NUL-terminated), when CPUID.1:ECX[31] says a hypervisor
/// is present. Returns false on bare metal, other architectures, or a hypervisor without the leaf.
static inline bool hft_cpuid_hypervisor_vendor(char out[13]) {
    out[0] = 0;
#if defined(__x86_64__)
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    __cpuid(1, eax, ebx, ecx, edx);
    if ((ecx & (1u << 31)) == 0) { return false; }
    __cpuid(0x40000000u, eax, ebx, ecx, edx);
    if (eax < 0x40000000u) { return false; }
    unsigned int words[3] = { ebx, ecx, edx };
    for (int i = 0; i < 12; i++) { out[i] = (char)((words[i / 4] >> (8 * (i % 4))) & 0xff); }
    out[12] = 0;
    return true;
#else
    return false;
#endif
}

/// Whether CPUID reports an invariant TSC (CPUID.80000007H:EDX[8]).
static inline bool hft_cpu_has_invariant_tsc(void) {
#if defined(__x86_64__)
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_max(0x80000000u, NULL) < 0x80000007u) { return false; }
    __cpuid(0x80000007u, eax, ebx, ecx, edx);
    return (edx & (1u << 8)) != 0;
#else
    return false;
#endif
}

/// CLOCK_MONOTONIC in nanoseconds.
static inline int64_t hft_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + (int64_t)ts.tv_nsec;
}

/// CLOCK_REALTIME in nanoseconds since the Unix epoch.
static inline int64_t hft_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + (int64_t)ts.tv_nsec;
}

// MARK: Spin hints and prefetch

/// The spin-wait hint (x86 `pause`).
static inline void hft_cpu_relax(void) {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Prefetch a line for reading into all cache levels.
static inline void hft_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Prefetch a line for writing into all cache levels.
static inline void hft_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// A compiler-only barrier: no instruction, stops reordering by the optimizer.
static inline void hft_compiler_barrier(void) { __asm__ __volatile__("" ::: "memory"); }

// MARK: Memory

/// Cache-line-aligned allocation (posix_memalign); NULL on failure. Free with free().
static inline void *hft_aligned_alloc(size_t alignment, size_t size) {
    void *p = NULL;
    if (posix_memalign(&p, alignment, size) != 0) { return NULL; }
    return p;
}

/// Locks all current and future pages in RAM. Returns 0 or an errno value.
static inline int hft_mlockall(void) {
    return mlockall(MCL_CURRENT | MCL_FUTURE) == 0 ? 0 : errno;
}

/// Asks for transparent huge pages on a range (madvise MADV_HUGEPAGE). Returns 0 or an errno value.
static inline int hft_madvise_hugepage(void *p, size_t len) {
#ifdef MADV_HUGEPAGE
    return madvise(p, len, MADV_HUGEPAGE) == 0 ? 0 : errno;
#else
    return ENOTSUP;
#endif
}

/// Maps anonymous memory backed by explicit huge pages (MAP_HUGETLB); NULL when none are reserved.
static inline void *hft_mmap_hugetlb(size_t len) {
#ifdef MAP_HUGETLB
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    return p == MAP_FAILED ? NULL : p;
#else
    return NULL;
#endif
}


// MARK: CRC32C (Castagnoli)

/// Whether the CPU has SSE4.2 (the `crc32` instruction).
static inline bool hft_cpu_has_sse42(void) {
#if defined(__x86_64__)
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) { return false; }
    return (ecx & (1u << 20)) != 0;
#else
    return false;
#endif
}

#if defined(__x86_64__)
/// Continues a CRC32C over `len` bytes with the SSE4.2 `crc32` instruction (8 bytes per step).
/// `crc` is the running value in the non-inverted form: start with 0xFFFFFFFF and invert the
/// result (the Swift wrapper does both). Only call when `hft_cpu_has_sse42()` is true.
__attribute__((target("sse4.2")))
static inline uint32_t hft_crc32c_sse42(uint32_t crc, const void *data, size_t len) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = crc;
    while (len >= 8) {
        uint64_t v;
        __builtin_memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        len -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (len > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p++;
        len--;
    }
    return c32;
}
#else
static inline uint32_t hft_crc32c_sse42(uint32_t crc, const void *data, size_t len) {
    (void)data; (void)len;
    return crc;
}
#endif

#endif
