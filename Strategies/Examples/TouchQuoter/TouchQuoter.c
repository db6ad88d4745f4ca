#include "touch_quoter.h"

#include <stdlib.h>
#include <string.h>

/// FeatureSchema.id of the default AnalyticsConfig (10 imbalance levels, 5 OFI levels, no HMM).
#define TOUCH_QUOTER_SCHEMA_ID "a09ed7bd8a11265d"
#define TOUCH_QUOTER_STATE_MAGIC 0x54515354u /* "TQST" */
#define TOUCH_QUOTER_STATE_VERSION 1u
#define TAG_ENTRY 1u
#define TAG_EXIT 2u

#if defined(DEBUG)
#define TOUCH_QUOTER_CONFIGURATION "debug"
#else
#define TOUCH_QUOTER_CONFIGURATION "release"
#endif

/// Parameters (JSON keys of the same name).
typedef struct tq_params {
    double ofi_threshold;  /* |ofi_depth_normalized| that opens a quote */
    int64_t quantity;      /* order size, quantity units */
    int64_t target_ticks;  /* exit when the touch is this many ticks in our favour */
    int64_t stop_ticks;    /* exit when this many ticks against us */
    int64_t max_hold_ns;   /* exit after holding this long */
    int64_t quote_ttl_ns;  /* cancel an unfilled entry quote after this long */
} tq_params;

/// Everything `save_state` carries across a hot swap.
typedef struct tq_state {
    uint32_t magic;
    uint32_t version;
    uint64_t ticks_seen;
    uint64_t first_sequence;
    uint64_t last_sequence;
    uint64_t sequence_gaps;
    uint64_t sequence_repeats;
    uint64_t fills;
    uint64_t intents;
    int64_t position;
    int64_t entry_time_ns;
    int64_t quote_time_ns;
    int32_t quoting;
    int32_t exiting;
} tq_state;

typedef struct tq_instance {
    hft_host_api host;
    tq_params params;
    int32_t ofi_index;
    int32_t reserved;
    tq_state state;
} tq_instance;

/// Reads a number after `"key":` in a flat JSON object; keeps `*out` when the key is absent.
/// Returns 0 on success, -1 when the value is not a number.
static int tq_json_number(const char *json, size_t length, const char *key, double *out) {
    size_t key_length = strlen(key);
    for (size_t i = 0; i + key_length + 2 < length; i++) {
        if (json[i] != '"' || memcmp(json + i + 1, key, key_length) != 0 || json[i + 1 + key_length] != '"') continue;
        size_t j = i + key_length + 2;
        while (j < length && (json[j] == ' ' || json[j] == ':' || json[j] == '\t' || json[j] == '\n')) j++;
        char number[64];
        size_t n = 0;
        while (j < length && n + 1 < sizeof number && strchr("+-0123456789.eE", json[j]) != NULL) number[n++] = json[j++];
        number[n] = '\0';
        if (n == 0) return -1;
        char *end = NULL;
        double v = strtod(number, &end);
        if (end != number + n) return -1;
        *out = v;
        return 0;
    }
    return 0;
}

static int32_t tq_create(const hft_host_api *host, const char *config_json, size_t config_length, void **out_instance) {
    if (host == NULL || out_instance == NULL || (config_json == NULL && config_length > 0)) return HFT_ERR_INVALID_ARGUMENT;
    double threshold = 0.5, quantity = 0, target = 2, stop = 2, hold_ms = 5000, ttl_ms = 1000;
    if (tq_json_number(config_json, config_length, "ofi_threshold", &threshold) != 0 ||
        tq_json_number(config_json, config_length, "quantity", &quantity) != 0 ||
        tq_json_number(config_json, config_length, "target_ticks", &target) != 0 ||
        tq_json_number(config_json, config_length, "stop_ticks", &stop) != 0 ||
        tq_json_number(config_json, config_length, "max_hold_ms", &hold_ms) != 0 ||
        tq_json_number(config_json, config_length, "quote_ttl_ms", &ttl_ms) != 0) return HFT_ERR_CONFIG;
    // Upper bounds keep every conversion to int64_t and every time sum in range (a C cast of 1e308 is undefined).
    if (!(threshold > 0 && threshold <= 1e12) || !(quantity >= 1 && quantity <= 1e15) || !(target >= 1 && target <= 1e9) ||
        !(stop >= 1 && stop <= 1e9) || !(hold_ms > 0 && hold_ms <= 3.2e10) || !(ttl_ms > 0 && ttl_ms <= 3.2e10)) return HFT_ERR_CONFIG;
    static const char name[] = "ofi_depth_normalized";
    int32_t ofi = host->feature_index(host->context, name, (uint32_t)(sizeof name - 1));
    if (ofi < 0) return HFT_ERR_CONFIG;
    tq_instance *s = calloc(1, sizeof *s);
    if (s == NULL) return HFT_ERR_INTERNAL;
    s->host = *host;
    s->params.ofi_threshold = threshold;
    s->params.quantity = (int64_t)quantity;
    s->params.target_ticks = (int64_t)target;
    s->params.stop_ticks = (int64_t)stop;
    s->params.max_hold_ns = (int64_t)(hold_ms * 1e6);
    s->params.quote_ttl_ns = (int64_t)(ttl_ms * 1e6);
    s->ofi_index = ofi;
    s->state.magic = TOUCH_QUOTER_STATE_MAGIC;
    s->state.version = TOUCH_QUOTER_STATE_VERSION;
    *out_instance = s;
    return HFT_OK;
}

static int32_t tq_push(tq_instance *s, hft_intent_buffer *out, hft_intent intent) {
    int32_t rc = hft_intent_push(out, intent);
    if (rc == HFT_OK) s->state.intents++;
    return rc;
}

static int32_t tq_on_tick(void *instance, const hft_market_view *v, hft_intent_buffer *out) {
    tq_instance *s = instance;
    tq_state *st = &s->state;
    if (st->ticks_seen == 0) st->first_sequence = v->sequence;
    else if (v->sequence == st->last_sequence + 1) {}
    else if (v->sequence <= st->last_sequence) st->sequence_repeats++;
    else st->sequence_gaps++;
    st->ticks_seen++;
    if (v->sequence > st->last_sequence) st->last_sequence = v->sequence;
    st->position = v->position;
    if (v->bid_count == 0 || v->ask_count == 0 || (uint32_t)s->ofi_index >= v->feature_count) return HFT_OK;

    int64_t bid = v->bids[0].price, ask = v->asks[0].price, tick = v->tick > 0 ? v->tick : 1;
    if (v->position != 0) {
        if (st->quoting) {
            st->quoting = 0;
        }
        if (st->exiting) return HFT_OK;
        int64_t mark = v->position > 0 ? bid : ask;
        int64_t move = v->position > 0 ? mark - v->entry_price : v->entry_price - mark;
        int exit = move >= s->params.target_ticks * tick || move <= -s->params.stop_ticks * tick ||
                   v->now_ns - st->entry_time_ns >= s->params.max_hold_ns;
        if (!exit) return HFT_OK;
        hft_intent i = {0};
        i.instrument = v->instrument;
        i.action = HFT_ACTION_NEW;
        i.side = v->position > 0 ? HFT_SIDE_SELL : HFT_SIDE_BUY;
        i.kind = HFT_KIND_LIMIT;
        i.time_in_force = HFT_TIF_IOC;
        i.reduce_only = 1;
        i.tag = TAG_EXIT;
        i.price = v->position > 0 ? bid : ask;
        i.quantity = v->position > 0 ? v->position : -v->position;
        st->exiting = 1;
        return tq_push(s, out, i);
    }
    st->exiting = 0;
    if (st->quoting) {
        if (v->now_ns - st->quote_time_ns < s->params.quote_ttl_ns) return HFT_OK;
        hft_intent c = {0};
        c.instrument = v->instrument;
        c.action = HFT_ACTION_CANCEL_TAG;
        c.tag = TAG_ENTRY;
        st->quoting = 0;
        return tq_push(s, out, c);
    }
    double ofi = v->features[s->ofi_index];
    if (ofi < s->params.ofi_threshold && ofi > -s->params.ofi_threshold) return HFT_OK;
    hft_intent i = {0};
    i.instrument = v->instrument;
    i.action = HFT_ACTION_NEW;
    i.side = ofi > 0 ? HFT_SIDE_BUY : HFT_SIDE_SELL;
    i.kind = HFT_KIND_LIMIT;
    i.time_in_force = HFT_TIF_POST_ONLY;
    i.tag = TAG_ENTRY;
    i.price = ofi > 0 ? bid : ask;
    i.quantity = s->params.quantity;
    st->quoting = 1;
    st->quote_time_ns = v->now_ns;
    return tq_push(s, out, i);
}

static int32_t tq_on_fill(void *instance, const hft_fill *f, hft_intent_buffer *out) {
    (void)out;
    tq_instance *s = instance;
    tq_state *st = &s->state;
    switch (f->kind) {
    case HFT_FILL_TRADE:
        st->fills++;
        if (st->position == 0 && f->position_after != 0) st->entry_time_ns = f->time_ns;
        st->position = f->position_after;
        if (f->position_after == 0) st->exiting = 0;
        if (f->tag == TAG_ENTRY) st->quoting = 0;
        break;
    case HFT_FILL_CANCELED:
    case HFT_FILL_REJECTED:
        if (f->tag == TAG_ENTRY) st->quoting = 0;
        if (f->tag == TAG_EXIT) st->exiting = 0;
        break;
    default:
        break;
    }
    return HFT_OK;
}

static int32_t tq_on_timer(void *instance, int64_t now_ns, hft_intent_buffer *out) {
    (void)instance;
    (void)now_ns;
    (void)out;
    return HFT_OK;
}

static int32_t tq_save_state(void *instance, void *buffer, size_t capacity, size_t *out_length) {
    tq_instance *s = instance;
    if (out_length == NULL) return HFT_ERR_INVALID_ARGUMENT;
    *out_length = sizeof s->state;
    if (capacity < sizeof s->state || buffer == NULL) return HFT_ERR_BUFFER_TOO_SMALL;
    memcpy(buffer, &s->state, sizeof s->state);
    return HFT_OK;
}

static int32_t tq_load_state(void *instance, const void *buffer, size_t length) {
    tq_instance *s = instance;
    tq_state incoming;
    if (buffer == NULL || length != sizeof incoming) return HFT_ERR_STATE;
    memcpy(&incoming, buffer, sizeof incoming);
    if (incoming.magic != TOUCH_QUOTER_STATE_MAGIC || incoming.version != TOUCH_QUOTER_STATE_VERSION) return HFT_ERR_STATE;
    s->state = incoming;
    static const char line[] = "touch-quoter: state loaded";
    s->host.log(s->host.context, HFT_LOG_INFO, line, (uint32_t)(sizeof line - 1));
    return HFT_OK;
}

static void tq_destroy(void *instance) { free(instance); }

#ifndef TOUCH_QUOTER_ABI_VERSION
#define TOUCH_QUOTER_ABI_VERSION HFT_STRATEGY_ABI_VERSION
#endif

static const hft_strategy_manifest tq_manifest = {
    .abi_version = TOUCH_QUOTER_ABI_VERSION,
    .struct_size = sizeof(hft_strategy_manifest),
    .name = "touch-quoter",
    .version = "1.0.0",
    .toolchain = HFT_STRATEGY_TOOLCHAIN,
    .build_configuration = TOUCH_QUOTER_CONFIGURATION,
    .feature_schema_id = TOUCH_QUOTER_SCHEMA_ID,
    .description = "C example: post-only quote at the touch when |ofi_depth_normalized| exceeds a threshold; IOC exit on target, stop or time",
};

static const hft_strategy_api tq_api = {
    .manifest = &tq_manifest,
    .create = tq_create,
    .on_tick = tq_on_tick,
    .on_fill = tq_on_fill,
    .on_timer = tq_on_timer,
    .save_state = tq_save_state,
    .load_state = tq_load_state,
    .destroy = tq_destroy,
};

const hft_strategy_api *hft_strategy_entry(void) { return &tq_api; }
