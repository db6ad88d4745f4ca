// simdjson On-Demand walk of a Binance depth diff, written the way simdjson's documentation shows:
// one reusable parser, padded input, error codes via .get(), fields accessed in document order.
#include "CSimdjson.h"

#include <simdjson.h>
#include <cstdio>
#include <string_view>

struct hft_simdjson_parser {
    simdjson::ondemand::parser parser;
    explicit hft_simdjson_parser(size_t capacity) : parser(capacity) {}
};

extern "C" size_t hft_simdjson_padding(void) { return simdjson::SIMDJSON_PADDING; }

#define HFT_STRINGIFY2(x) #x
#define HFT_STRINGIFY(x) HFT_STRINGIFY2(x)

// Stage 1 runs the kernel chosen at run time (get_active_implementation); the On-Demand walk is
// compiled into this file for SIMDJSON_BUILTIN_IMPLEMENTATION (-march=native). Note that
// builtin_implementation()->name() would name the library's own build target, not this file's.
extern "C" const char *hft_simdjson_implementation(void) {
    static char name[96];
    if (name[0] == 0) {
        snprintf(name, sizeof name, "stage1 %s, ondemand %s", simdjson::get_active_implementation()->name().data(),
                 HFT_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION));
    }
    return name;
}

extern "C" hft_simdjson_parser *hft_simdjson_parser_create(size_t max_capacity) {
    auto *p = new hft_simdjson_parser(max_capacity);
    if (p->parser.allocate(max_capacity) != simdjson::SUCCESS) {
        delete p;
        return nullptr;
    }
    return p;
}

extern "C" void hft_simdjson_parser_destroy(hft_simdjson_parser *parser) { delete parser; }

static inline simdjson::error_code read_levels(simdjson::ondemand::object &data, const char *key, uint64_t &count,
                                               uint64_t &bytes) {
    simdjson::ondemand::array levels;
    auto error = data[key].get_array().get(levels);
    if (error) return error;
    for (auto level : levels) {
        simdjson::ondemand::array pair;
        if ((error = level.get_array().get(pair))) return error;
        for (auto value : pair) {
            std::string_view text;
            if ((error = value.get_string().get(text))) return error;
            bytes += text.size();
        }
        count++;
    }
    return simdjson::SUCCESS;
}

extern "C" int hft_simdjson_parse_depth(hft_simdjson_parser *parser, const char *json, size_t len, size_t capacity,
                                        hft_simdjson_depth *out) {
    simdjson::ondemand::document doc;
    auto error = parser->parser.iterate(json, len, capacity).get(doc);
    if (error) return error;
    simdjson::ondemand::object data;
    if ((error = doc["data"].get_object().get(data))) return error;
    if ((error = data["E"].get_uint64().get(out->event_time_ms))) return error;
    if ((error = data["U"].get_uint64().get(out->first_update_id))) return error;
    if ((error = data["u"].get_uint64().get(out->final_update_id))) return error;
    out->bid_count = 0;
    out->ask_count = 0;
    out->string_bytes = 0;
    if ((error = read_levels(data, "b", out->bid_count, out->string_bytes))) return error;
    if ((error = read_levels(data, "a", out->ask_count, out->string_bytes))) return error;
    return simdjson::SUCCESS;
}
