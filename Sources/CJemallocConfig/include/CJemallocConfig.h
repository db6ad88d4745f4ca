// The options jemalloc runs `hft` with (see CJemallocConfig.c).
#ifndef HFT_CJEMALLOC_CONFIG_H
#define HFT_CJEMALLOC_CONFIG_H

/// The options this binary compiles in (jemalloc's `malloc_conf`; `MALLOC_CONF` overrides them).
const char *hft_jemalloc_compiled_conf(void);

/// jemalloc's `opt.thp` as it resolved it at start (`always`, `never`, `default`), or NULL when
/// the allocator is not jemalloc or has no such option.
const char *hft_jemalloc_thp(void);

#endif
