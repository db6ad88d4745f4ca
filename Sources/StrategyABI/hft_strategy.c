#include "hft_strategy.h"

/// Layout guards: a change of any of these is an ABI change (bump HFT_STRATEGY_ABI_VERSION).
_Static_assert(sizeof(hft_level) == 16, "hft_level layout");
_Static_assert(sizeof(hft_intent) == 32, "hft_intent layout");
_Static_assert(sizeof(hft_fill) == 64, "hft_fill layout");
_Static_assert(sizeof(hft_intent_buffer) == 16, "hft_intent_buffer layout");
_Static_assert(sizeof(hft_host_api) == 56, "hft_host_api layout");

/// The ABI version this library was compiled with (lets Swift read the macro as a value).
uint32_t hft_strategy_abi_version(void) { return HFT_STRATEGY_ABI_VERSION; }
