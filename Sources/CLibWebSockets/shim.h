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

#endif
