// OpenSSL libcrypto (Debian libssl-dev): HMAC-SHA256 and Ed25519 for request signing (cold path).
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
