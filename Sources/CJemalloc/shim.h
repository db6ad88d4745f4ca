// Shim over Debian's libjemalloc-dev. Linking this module into an executable makes jemalloc the
// process allocator (Debian builds it without a symbol prefix, so it provides malloc/free).
#ifndef HFT_CJEMALLOC_SHIM_H
#define HFT_CJEMALLOC_SHIM_H

#include <stddef.h>
#include <jemalloc/jemalloc.h>

/// The running jemalloc's version string, or NULL when mallctl is not jemalloc's.
/// Calling it also keeps the link to libjemalloc from being dropped by --as-needed.
static inline const char *hft_jemalloc_version(void) {
    const char *version = NULL;
    size_t len = sizeof(version);
    if (mallctl("version", (void *)&version, &len, NULL, 0) != 0) { return NULL; }
    return version;
}

#endif
