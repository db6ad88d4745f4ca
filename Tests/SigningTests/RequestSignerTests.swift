import Testing
import Signing

@Suite struct RequestSignerTests {
    /// Binance API docs, "SIGNED Endpoint Examples for POST /api/v3/order", example 1 (query string):
    /// the published signature (binance-official-api-docs `rest-api.md`; `openssl dgst -sha256 -hmac`
    /// prints the same value).
    @Test func binancePublishedHMACExample() {
        let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
        let query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        #expect(RequestSigner.hmacSHA256Hex(secret: secret, message: query)
                == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
        #expect(RequestSigner.hmacSHA256Hex(secret: secret, message: query + "0")
                != "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
    }

    /// RFC 4231 test case 2 (key "Jefe").
    @Test func rfc4231Case2() {
        #expect(RequestSigner.hmacSHA256Hex(secret: "Jefe", message: "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func constantTimeCompare() {
        #expect(RequestSigner.signaturesEqual("abcDEF", "ABCdef"))
        #expect(!RequestSigner.signaturesEqual("abcdef", "abcdee"))
        #expect(!RequestSigner.signaturesEqual("abc", "abcd"))
    }

    /// RFC 8032 §7.1 TEST 1 (empty message).
    @Test func ed25519RFC8032Test1() throws {
        func bytes(_ hex: String) -> [UInt8] {
            var out: [UInt8] = []
            var it = hex.utf8.makeIterator()
            while let a = it.next(), let b = it.next() {
                func v(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57 }
                out.append(v(a) << 4 | v(b))
            }
            return out
        }
        let seed = bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let pub = bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let expected = bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" +
                             "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(RequestSigner.ed25519PublicKey(privateKey: seed) == pub)
        let sig = try #require(RequestSigner.ed25519Sign(privateKey: seed, message: []))
        #expect(sig == expected)
        #expect(RequestSigner.ed25519Verify(publicKey: pub, message: [], signature: sig))
        #expect(!RequestSigner.ed25519Verify(publicKey: pub, message: [1], signature: sig))
    }
}
