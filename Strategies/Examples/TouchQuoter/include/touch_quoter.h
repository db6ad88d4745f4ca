/// TouchQuoter: a small OFI-threshold strategy written in C against `hft_strategy.h` (it proves the
/// ABI is language-neutral). The library exports only `hft_strategy_entry`.
#ifndef TOUCH_QUOTER_H
#define TOUCH_QUOTER_H
#include "hft_strategy.h"

/// The entry symbol the host looks up with `dlsym`.
const hft_strategy_api *hft_strategy_entry(void);

#endif
