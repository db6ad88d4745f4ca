// Shim over Debian's libnuma-dev. numa_alloc_onnode on a missing node still returns memory,
// so callers must check hft_numa_node_count() first (see DESIGN.md, measured facts).
#ifndef HFT_CNUMA_SHIM_H
#define HFT_CNUMA_SHIM_H

#include <numa.h>

/// Number of configured NUMA nodes; 1 when the kernel has no NUMA support.
static inline int hft_numa_node_count(void) {
    if (numa_available() < 0) { return 1; }
    int n = numa_num_configured_nodes();
    return n > 0 ? n : 1;
}

/// NUMA node of a CPU, or 0 when unknown.
static inline int hft_numa_node_of_cpu(int cpu) {
    if (numa_available() < 0) { return 0; }
    int node = numa_node_of_cpu(cpu);
    return node >= 0 ? node : 0;
}

#endif
