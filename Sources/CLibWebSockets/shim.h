// Shim over Debian's libwebsockets-dev (4.1.x). Macros that do not import into Swift
// (LWS_PRE, the lwsl_* log macros) are re-exported as constants and inline functions.
#ifndef HFT_CLIBWEBSOCKETS_SHIM_H
#define HFT_CLIBWEBSOCKETS_SHIM_H

#include <libwebsockets.h>

/// Bytes of headroom libwebsockets needs in front of every buffer passed to lws_write.
static const size_t hft_lws_pre = LWS_PRE;

static inline void hft_lwsl_err(const char *msg) { lwsl_err("%s\n", msg); }
static inline void hft_lwsl_warn(const char *msg) { lwsl_warn("%s\n", msg); }
static inline void hft_lwsl_notice(const char *msg) { lwsl_notice("%s\n", msg); }
static inline void hft_lwsl_user(const char *msg) { lwsl_user("%s\n", msg); }

/// A libwebsockets timer (`lws_sorted_usec_list_t`) with an owner pointer, so that the C timer
/// callback, which only receives the `sul`, can find the Swift object that scheduled it.
/// `sul` is the first member: a `lws_sorted_usec_list_t *` handed to the callback is also a
/// `hft_lws_timer *`.
typedef struct hft_lws_timer {
    lws_sorted_usec_list_t sul;
    void *owner;
    uint64_t tag;
} hft_lws_timer;

/// The `hft_lws_timer` whose `sul` member is `sul` (container_of; `sul` is at offset 0).
static inline hft_lws_timer *hft_lws_timer_of(lws_sorted_usec_list_t *sul) {
    return (hft_lws_timer *)(void *)sul;
}

/// `LWS_TO_KILL_ASYNC` (a macro): pass to `lws_set_timeout` to close a wsi on the next service pass.
static const int hft_lws_to_kill_async = LWS_TO_KILL_ASYNC;

/// Keeps OpenSSL's record buffers for the connection's lifetime. lws sets SSL_MODE_RELEASE_BUFFERS,
/// which frees and re-allocates the read/write buffers around every TLS record (allocations per
/// message on the hot path). No-op for a plain connection.
static inline void hft_lws_keep_tls_buffers(struct lws *wsi) {
    SSL *ssl = lws_get_ssl(wsi);
    if (ssl != NULL) { SSL_clear_mode(ssl, SSL_MODE_RELEASE_BUFFERS); }
}

#endif
