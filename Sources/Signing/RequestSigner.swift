import COpenSSL

/// Request-signing primitives shared by the venue clients and `hft sim`: HMAC-SHA256 (Binance
/// `signature`, Bybit `X-BAPI-SIGN`) and Ed25519 (Binance Ed25519 API keys), over OpenSSL libcrypto.
///
/// Cold path: allocates the hex/base64 result. Thread-safe (no shared state).
public enum RequestSigner {
    /// HMAC-SHA256 of `message` under `secret`, as 32 raw bytes.
    public static func hmacSHA256(secret: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        secret.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { data in
                out.withUnsafeMutableBufferPointer { digest in
                    // SAFETY: key/data are valid for their counts during the call; digest has the 32 bytes SHA-256 writes.
                    _ = HMAC(EVP_sha256(), key.baseAddress, Int32(key.count), data.baseAddress, data.count, digest.baseAddress, &length)
                }
            }
        }
        return out
    }

    /// HMAC-SHA256 of `message` under `secret`, lower-case hex (the Binance `signature` parameter).
    public static func hmacSHA256Hex(secret: String, message: String) -> String {
        hex(hmacSHA256(secret: Array(secret.utf8), message: Array(message.utf8)))
    }

    /// Constant-time comparison of two signatures (ASCII case-insensitive for hex).
    public static func signaturesEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= (x[i] | 0x20) ^ (y[i] | 0x20) }
        return diff == 0
    }

    /// Lower-case hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Ed25519 signature (64 bytes) of `message` with a raw 32-byte private key (seed); nil if OpenSSL refuses the key.
    public static func ed25519Sign(privateKey: [UInt8], message: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        let key = privateKey.withUnsafeBufferPointer { k in
            // SAFETY: k is valid for 32 bytes during the call; OpenSSL copies the key.
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, k.baseAddress, 32)
        }
        guard let key else { return nil }
        defer { EVP_PKEY_free(key) }
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, nil, nil, key) == 1 else { return nil }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let ok = message.withUnsafeBufferPointer { m in
            signature.withUnsafeMutableBufferPointer { s in
                // SAFETY: m valid for m.count bytes; s has the 64 bytes an Ed25519 signature takes.
                EVP_DigestSign(ctx, s.baseAddress, &length, m.baseAddress, m.count)
            }
        }
        return ok == 1 && length == 64 ? signature : nil
    }

    /// Verifies an Ed25519 `signature` of `message` under a raw 32-byte public key.
    public static func ed25519Verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8]) -> Bool {
        guard publicKey.count == 32, signature.count == 64 else { return false }
        let key = publicKey.withUnsafeBufferPointer { k in
            // SAFETY: k is valid for 32 bytes during the call; OpenSSL copies the key.
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, k.baseAddress, 32)
        }
        guard let key else { return false }
        defer { EVP_PKEY_free(key) }
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, key) == 1 else { return false }
        return message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                // SAFETY: both buffers valid for their counts during the call.
                EVP_DigestVerify(ctx, s.baseAddress, 64, m.baseAddress, m.count) == 1
            }
        }
    }

    /// The raw 32-byte public key of a raw Ed25519 private key (seed).
    public static func ed25519PublicKey(privateKey: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        let key = privateKey.withUnsafeBufferPointer { k in
            // SAFETY: k is valid for 32 bytes during the call.
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, k.baseAddress, 32)
        }
        guard let key else { return nil }
        defer { EVP_PKEY_free(key) }
        var out = [UInt8](repeating: 0, count: 32)
        var length = 32
        let ok = out.withUnsafeMutableBufferPointer { o in
            // SAFETY: o has room for the 32-byte key.
            EVP_PKEY_get_raw_public_key(key, o.baseAddress, &length)
        }
        return ok == 1 ? out : nil
    }
}
