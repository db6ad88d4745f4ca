#define FAULTY_NAME "faulty-missing-entry"
#define FAULTY_ENTRY hft_strategy_entry_misspelled
#include "../Common/faulty_plugin.inc"
