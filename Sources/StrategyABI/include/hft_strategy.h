/// HFT Core strategy plugin ABI: the only contract a strategy plugin sees.
///
/// A plugin is a shared library exporting one C symbol, `hft_strategy_entry`, that returns a
/// pointer to a static `hft_strategy_api`: the manifest and a table of C function pointers. Only
/// trivial C structs and pointer+length pairs cross; failures are `hft_status` codes, never
/// exceptions or Swift errors. The host checks the manifest before calling anything else and
/// refuses a different ABI version, Swift toolchain or feature schema.
///
/// Threading: every call on one instance comes from one thread (the strategy stage), never
/// concurrently. Hot calls (`on_tick`, `on_fill`, `on_timer`) must not allocate, lock, block or log.
#ifndef HFT_STRATEGY_H
#define HFT_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bumped on any change of a struct layout, a function signature or a semantic rule below.
/// Version 2 appended `hft_host_api.model_evaluate` (TabNet on demand).
#define HFT_STRATEGY_ABI_VERSION 2u
/// The exported entry symbol (`hft_strategy_entry_fn`).
#define HFT_STRATEGY_ENTRY_SYMBOL "hft_strategy_entry"
/// Book levels per side in a market view.
#define HFT_STRATEGY_MAX_LEVELS 10
/// Model output slots in a market view.
#define HFT_STRATEGY_MAX_MODEL_OUTPUTS 4

/// Return codes. 0 is success; every failure is negative.
typedef enum hft_status {
    HFT_OK = 0,
    /// A null pointer or an out-of-range argument.
    HFT_ERR_INVALID_ARGUMENT = -1,
    /// The JSON config could not be parsed or a parameter is out of range.
    HFT_ERR_CONFIG = -2,
    /// `load_state` got a blob of another strategy, version or size.
    HFT_ERR_STATE = -3,
    /// The caller's buffer is too small (`save_state`: `*out_length` holds the size needed).
    HFT_ERR_BUFFER_TOO_SMALL = -4,
    /// The intent buffer was full; the intents already written stand.
    HFT_ERR_INTENTS_FULL = -5,
    /// A host service is not available (e.g. no PPO policy configured).
    HFT_ERR_UNAVAILABLE = -6,
    /// Anything else; the host counts it and keeps running.
    HFT_ERR_INTERNAL = -7
} hft_status;

/// Order side (same raw values as the engine's `Side`).
enum { HFT_SIDE_BUY = 0, HFT_SIDE_SELL = 1 };
/// Order kind (same raw values as `OrderKind`).
enum { HFT_KIND_LIMIT = 0, HFT_KIND_MARKET = 1 };
/// Time in force (same raw values as `TimeInForce`).
enum { HFT_TIF_GTC = 0, HFT_TIF_IOC = 1, HFT_TIF_FOK = 2, HFT_TIF_POST_ONLY = 3 };
/// What an intent asks for.
enum {
    /// A new order.
    HFT_ACTION_NEW = 0,
    /// Cancel every working order of this instrument carrying `tag`.
    HFT_ACTION_CANCEL_TAG = 1
};
/// Model output slots (`hft_market_view.model_outputs`), valid when the bit `1 << slot` is set in `model_valid`.
enum {
    /// TCN momentum: expected mid return over its horizon (log units).
    HFT_MODEL_TCN = 0,
    /// TabNet mean reversion: expected mid return over its horizon (log units).
    HFT_MODEL_TABNET = 1
};
/// Kinds of `hft_fill`.
enum { HFT_FILL_ACK = 0, HFT_FILL_TRADE = 1, HFT_FILL_CANCELED = 2, HFT_FILL_REJECTED = 3 };
/// `hft_host_api.log` levels.
enum { HFT_LOG_DEBUG = 0, HFT_LOG_INFO = 1, HFT_LOG_WARNING = 2, HFT_LOG_ERROR = 3 };

/// One book level in integer units of the instrument (`price_places`, `quantity_places`).
typedef struct hft_level {
    int64_t price;
    int64_t quantity;
} hft_level;

/// What a strategy sees on each event. Owned by the host; valid only during the call.
typedef struct hft_market_view {
    /// Monotone event number of this instance's stream (ticks only), starting at 1.
    uint64_t sequence;
    uint32_t instrument;
    /// Levels filled in `bids`/`asks` (each ≤ HFT_STRATEGY_MAX_LEVELS).
    uint32_t bid_count;
    uint32_t ask_count;
    int32_t price_places;
    int32_t quantity_places;
    uint32_t model_valid;
    int64_t tick;
    int64_t exchange_time_ns;
    int64_t receive_time_ns;
    /// Engine clock: exchange time when present, else receive time, monotone.
    int64_t now_ns;
    hft_level bids[HFT_STRATEGY_MAX_LEVELS];
    hft_level asks[HFT_STRATEGY_MAX_LEVELS];
    /// The feature vector in schema order, `feature_count` doubles.
    const double *features;
    uint32_t feature_count;
    uint32_t reserved;
    /// FNV-1a id of the feature schema (the 16 hex digits of `FeatureSchema.id`, as a number).
    uint64_t feature_schema_id;
    float model_outputs[HFT_STRATEGY_MAX_MODEL_OUTPUTS];
    /// Signed position in quantity units.
    int64_t position;
    /// Average entry price of the open position (price units; 0 when flat).
    int64_t entry_price;
    /// Realized PnL and fees since start, in price×quantity units (price_places + quantity_places).
    int64_t realized_pnl;
    int64_t unrealized_pnl;
    /// Quantity of own working orders per side.
    int64_t working_buy;
    int64_t working_sell;
    /// Position limit the risk gate enforces (quantity units): strategies size as a share of it.
    int64_t position_limit;
} hft_market_view;

/// An order update for this instance's orders.
typedef struct hft_fill {
    uint64_t client_order_id;
    uint32_t instrument;
    uint32_t tag;
    uint8_t kind;
    uint8_t side;
    uint8_t is_maker;
    uint8_t reserved;
    int32_t code;
    int64_t price;
    int64_t quantity;
    /// Fee of a trade in price×quantity units (price_places + quantity_places), like `realized_pnl`.
    int64_t fee;
    int64_t time_ns;
    /// Position after this update (quantity units).
    int64_t position_after;
} hft_fill;

/// One order request. The host validates it (side, kind, TIF valid, quantity > 0, price > 0 for
/// limits, instrument known) before the risk gate.
typedef struct hft_intent {
    uint32_t instrument;
    uint8_t action;
    uint8_t side;
    uint8_t kind;
    uint8_t time_in_force;
    uint8_t reduce_only;
    uint8_t reserved[3];
    uint32_t tag;
    int64_t price;
    int64_t quantity;
} hft_intent;

/// Where a call writes its intents: `items[0..<count]`, `count ≤ capacity`. The host sets
/// `count = 0` before each call; a strategy appends and returns HFT_ERR_INTENTS_FULL when full.
typedef struct hft_intent_buffer {
    hft_intent *items;
    uint32_t capacity;
    uint32_t count;
} hft_intent_buffer;

/// Services a plugin may ask of the host. `context` is passed back unchanged.
typedef struct hft_host_api {
    uint32_t abi_version;
    uint32_t reserved;
    void *context;
    /// Engine time in ns (replay time in replay mode). Hot-safe.
    int64_t (*now_ns)(void *context);
    /// Evaluates the configured PPO policy on `observation` (`count` floats) into `actions`.
    /// Returns HFT_ERR_UNAVAILABLE when no policy is configured. Hot-safe (no allocation).
    int32_t (*ppo_evaluate)(void *context, const float *observation, uint32_t count,
                            float *actions, uint32_t action_capacity, uint32_t *out_action_count);
    /// Index of the feature named `name` (`length` bytes, not NUL-terminated) or -1. Cold.
    int32_t (*feature_index)(void *context, const char *name, uint32_t length);
    /// A log line. Cold path only (create, load_state, destroy): never from a hot call.
    void (*log)(void *context, int32_t level, const char *message, uint32_t length);
    /// Evaluates model slot `model` (HFT_MODEL_TABNET) on `view`'s features into `*out_value`, in
    /// the units of `model_outputs[model]`: the way to run a model only on the ticks whose
    /// decision uses it. Returns HFT_ERR_UNAVAILABLE when the model is not configured for
    /// on-demand use or a feature is not finite (warm-up), HFT_ERR_INVALID_ARGUMENT for a null
    /// pointer, an unknown slot or a view whose feature count or schema differs. Hot-safe (no
    /// allocation); costs one model evaluation (TabNet: a few µs).
    int32_t (*model_evaluate)(void *context, uint32_t model, const hft_market_view *view, float *out_value);
} hft_host_api;

/// What a plugin declares about itself; the host checks it before `create`.
typedef struct hft_strategy_manifest {
    /// HFT_STRATEGY_ABI_VERSION the plugin was compiled against.
    uint32_t abi_version;
    /// sizeof(hft_strategy_manifest) in the plugin.
    uint32_t struct_size;
    const char *name;
    const char *version;
    /// The compiler that built it (`hft_strategy_toolchain()`): Swift has no stable ABI on Linux.
    const char *toolchain;
    /// "debug" or "release" (reported, not refused).
    const char *build_configuration;
    /// `FeatureSchema.id` (16 hex digits) the plugin's feature indices were built for.
    const char *feature_schema_id;
    /// One line: what the plugin does, which models it uses and its fallbacks.
    const char *description;
} hft_strategy_manifest;

/// The plugin's function table. All pointers are non-null.
typedef struct hft_strategy_api {
    const hft_strategy_manifest *manifest;
    /// Parses `config_json` (`config_length` bytes, UTF-8), allocates an instance. Cold.
    int32_t (*create)(const hft_host_api *host, const char *config_json, size_t config_length, void **out_instance);
    int32_t (*on_tick)(void *instance, const hft_market_view *view, hft_intent_buffer *intents);
    int32_t (*on_fill)(void *instance, const hft_fill *fill, hft_intent_buffer *intents);
    int32_t (*on_timer)(void *instance, int64_t now_ns, hft_intent_buffer *intents);
    /// Serializes the instance's state into `buffer` (`capacity` bytes); `*out_length` = bytes used
    /// (or needed, with HFT_ERR_BUFFER_TOO_SMALL). Called only at a quiescent point. Cold.
    int32_t (*save_state)(void *instance, void *buffer, size_t capacity, size_t *out_length);
    /// Restores a blob from `save_state` of this or an earlier compatible version. Cold.
    int32_t (*load_state)(void *instance, const void *buffer, size_t length);
    void (*destroy)(void *instance);
} hft_strategy_api;

/// HFT_STRATEGY_ABI_VERSION as compiled into the StrategyABI target (for Swift, which does not import the macro as a value everywhere).
uint32_t hft_strategy_abi_version(void);

/// Signature of `hft_strategy_entry`.
typedef const hft_strategy_api *(*hft_strategy_entry_fn)(void);

/// The toolchain identity compiled into whoever includes this header (host and plugin alike):
/// the Clang inside the Swift toolchain that built the binary, which names the toolchain build.
#define HFT_STRATEGY_TOOLCHAIN "clang " __clang_version__
static inline const char *hft_strategy_toolchain(void) {
    return HFT_STRATEGY_TOOLCHAIN;
}

/// The feature schema id string ("0123456789abcdef") as the number in `hft_market_view`; 0 if malformed.
static inline uint64_t hft_strategy_schema_id_value(const char *hex) {
    uint64_t v = 0;
    if (!hex) return 0;
    for (int i = 0; i < 16; i++) {
        char c = hex[i];
        uint64_t d;
        if (c >= '0' && c <= '9') d = (uint64_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint64_t)(c - 'a' + 10);
        else return 0;
        v = (v << 4) | d;
    }
    return hex[16] == '\0' ? v : 0;
}

/// Appends `intent` to `buffer`; HFT_ERR_INTENTS_FULL when it has no room.
static inline int32_t hft_intent_push(hft_intent_buffer *buffer, hft_intent intent) {
    if (buffer->count >= buffer->capacity) return HFT_ERR_INTENTS_FULL;
    buffer->items[buffer->count++] = intent;
    return HFT_OK;
}

#ifdef __cplusplus
}
#endif

#endif
