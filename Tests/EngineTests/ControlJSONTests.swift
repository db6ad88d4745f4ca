import Engine
import Testing

/// The request-body JSON reader of the control endpoint.
@Suite struct ControlJSONTests {
    @Test func parsesEveryKindAndKeepsOrderAndNumberText() throws {
        let v = try ControlJSON.parse(#" {"z":[1, -0.5e+3, 0, 1E2], "a":{"t":true,"f":false,"n":null}, "s":"é\u00e9\ud83d\ude00\n\"\\\/"} "#)
        #expect(v.compact == #"{"z":[1,-0.5e+3,0,1E2],"a":{"t":true,"f":false,"n":null},"s":"éé😀\n\"\\/"}"#)
        #expect(v["s"] == .string("éé😀\n\"\\/"))
        #expect(v["a"]?["n"] == .null)
        #expect(v["missing"] == nil)
        #expect(try ControlJSON.parse(v.compact) == v)
    }

    @Test(arguments: [
        ("", "body is empty"),
        ("{", "expected a string object key at byte 1"),
        ("[1,]", "unexpected character ']' at byte 3"),
        ("01", "leading zero in a number at byte 1"),
        ("1.", "expected a digit after '.' at byte 2"),
        ("-", "expected a digit at byte 1"),
        ("tru", "invalid literal (expected true) at byte 0"),
        ("\"a\u{01}\"", "unescaped control character in a string at byte 2"),
        (#""\ud800""#, "unpaired high surrogate"),
        (#""\udc00""#, "unpaired low surrogate"),
        (#""\u12G4""#, "invalid hex digit"),
        (#"{"a":1,"a":2}"#, #"duplicate object key "a" at byte 7"#),
        ("1 2", "unexpected data after the JSON value at byte 2"),
        (String(repeating: "[", count: 40), "JSON nested deeper than 32"),
    ])
    func rejectsMalformedInputNamingTheProblem(_ input: String, _ problem: String) {
        #expect {
            try ControlJSON.parse(input)
        } throws: { error in
            (error as? ControlJSONError)?.message.contains(problem) == true
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: ControlJSONError("body is not valid UTF-8")) { try ControlJSON.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func quotedEscapesControlCharacters() {
        #expect(ControlJSON.quoted("a\"b\\c\n\u{01}\t") == #""a\"b\\c\n\u0001\t""#)
    }

    @Test func modeAndSwapRequestsDecode() throws {
        #expect(try ControlModeRequest(json: #"{"mode":"live","arm":true}"#) == ControlModeRequest(mode: "live", arm: true))
        #expect(try ControlModeRequest(json: #"{"mode":"paper"}"#) == ControlModeRequest(mode: "paper"))
        #expect(try ControlPluginSwapRequest(json: #"{"config":{"k": [ 1 ]},"path":"/p.so"}"#)
            == ControlPluginSwapRequest(path: "/p.so", configJSON: #"{"k":[1]}"#))
        #expect(throws: ControlJSONError(#"field "arm" must be a boolean, got number"#)) {
            try ControlModeRequest(json: #"{"mode":"live","arm":1}"#)
        }
    }

    @Test func responsesAreJSON() throws {
        #expect(ControlResponse.ok().body == #"{"ok":true}"#)
        #expect(ControlResponse.ok(["mode": #""live""#]) == ControlResponse(status: 200, body: #"{"ok":true,"mode":"live"}"#))
        let error = ControlResponse.error(409, "say \"no\"")
        #expect(error.status == 409)
        #expect(try ControlJSON.parse(error.body)["error"] == .string("say \"no\""))
    }
}
