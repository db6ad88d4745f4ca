// jemalloc reads `malloc_conf` once, at its initialisation (before `main`), then the `MALLOC_CONF`
// environment variable, which overrides it (`MALLOC_CONF=thp:default` restores the system's choice).
//
// `thp:always` has jemalloc advise transparent huge pages (`MADV_HUGEPAGE`) on every extent it
// maps, `metadata_thp:always` on its own metadata too. The pipeline's books, rings, feature state
// and model weights then sit on 2 MiB pages, one TLB entry each instead of 512 (under a hypervisor
// a TLB miss walks two page tables). Measured on the 2-vCPU VM (README, row *transparent huge
// pages*): tick→order p50 0.96× (within the noise), the p99 of rarely run hops (TabNet, send) about
// half. The kernel honours it when `transparent_hugepage/enabled` is `madvise` (what
// `hft tune check` asks for) or `always`; with `never` it is a no-op. Only the `hft` executable links
// this target: tests and benchmarks keep jemalloc's (or the system's) defaults.
#include "CJemallocConfig.h"
#include <stddef.h>
#include <jemalloc/jemalloc.h>

const char *malloc_conf = "thp:always,metadata_thp:always";

const char *hft_jemalloc_compiled_conf(void) { return malloc_conf; }

const char *hft_jemalloc_thp(void) {
    const char *value = NULL;
    size_t len = sizeof(value);
    if (mallctl("opt.thp", (void *)&value, &len, NULL, 0) != 0) { return NULL; }
    return value;
}
