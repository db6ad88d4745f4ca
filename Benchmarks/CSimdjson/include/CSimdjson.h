// C interface to a simdjson On-Demand decoder of Binance depth diffs: the peer of the Swift parser in
// ParserBenchmarks (benchmark-only; links Debian's libsimdjson). Swift imports this header as C.
#ifndef HFT_CSIMDJSON_H
#define HFT_CSIMDJSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What the simdjson walk read from one depth diff (so the work cannot be optimised away).
typedef struct hft_simdjson_depth {
    uint64_t first_update_id;   // U
    uint64_t final_update_id;   // u
    uint64_t event_time_ms;     // E
    uint64_t bid_count;
    uint64_t ask_count;
    uint64_t string_bytes;      // sum of the lengths of every price and quantity string read
} hft_simdjson_depth;

typedef struct hft_simdjson_parser hft_simdjson_parser;

/// Bytes of readable padding simdjson requires after every input (SIMDJSON_PADDING).
size_t hft_simdjson_padding(void);

/// The simdjson kernels in use: stage 1 (chosen at run time) and the On-Demand walk (compiled in), e.g. "stage1 icelake, ondemand icelake".
const char *hft_simdjson_implementation(void);

/// A reusable On-Demand parser for documents up to `max_capacity` bytes (allocates once).
hft_simdjson_parser *hft_simdjson_parser_create(size_t max_capacity);
void hft_simdjson_parser_destroy(hft_simdjson_parser *parser);

/// Parses one combined-stream depth diff `{"stream":..,"data":{"e","E","s","U","u",("pu",)"b","a"}}`:
/// reads data.E, U, u and every price and quantity string of b and a with get_string().
/// `capacity` is the readable size of the buffer at `json` (>= len + padding).
/// Returns 0 on success, else the simdjson error code.
int hft_simdjson_parse_depth(hft_simdjson_parser *parser, const char *json, size_t len, size_t capacity,
                             hft_simdjson_depth *out);

#ifdef __cplusplus
}
#endif

#endif
