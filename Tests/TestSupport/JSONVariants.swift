import Foundation

/// One-change variants of a JSON document, for the tests that feed every config and bundle reader
/// what a typo or a hostile file gives it: each number replaced by the extremes (negative, zero,
/// huge, fractional, past Int64), each string by empty, numeric, overlong or control-character text,
/// each bool by its negation and by a string, each array emptied and each object key removed (and
/// one unknown key added), one change at a time.
public enum JSONVariants {
    /// The numbers put in place of a number (a value past Int64 and an exponent past Double included).
    public static let numbers: [String] = ["-1", "0", "1", "0.5", "-0.5", "1099511627776", "9223372036854775807",
                                           "-9223372036854775808", "18446744073709551616", "1e308", "-1e308", "1e-308"]
    /// The strings put in place of a string.
    public static let strings: [String] = ["", "-1", "0", "1e400", "NaN", "\u{1}", String(repeating: "9", count: 400)]

    /// Every variant of `document` (a JSON text): `(path, text)` with a dotted path of the change.
    public static func of(_ document: String) throws -> [(path: String, json: String)] {
        let root = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
        var out: [(String, String)] = []
        walk(root, path: "") { path, replacement in
            // Rebuilt from the text of the replacement, so that numbers keep exactly the spelling above.
            let placeholder = "HFT-VARIANT-7f3a9c"
            let edited = replaced(root, at: path.split(separator: ".", omittingEmptySubsequences: true).map(String.init),
                                  with: replacement.map { _ in placeholder as Any })
            guard let data = try? JSONSerialization.data(withJSONObject: edited, options: [.fragmentsAllowed, .sortedKeys]) else { return }
            var text = String(decoding: data, as: UTF8.self)
            if let replacement {
                text = text.replacingOccurrences(of: "\"\(placeholder)\"", with: replacement)
            }
            precondition(!text.contains(placeholder), "JSONVariants: the placeholder at \(path) was not replaced")
            out.append((path, text))
        }
        return out
    }

    /// Calls `emit(path, json text of the new value)` for each change; nil text removes the key.
    static func walk(_ value: Any, path: String, emit: (String, String?) -> Void) {
        func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                emit(child(key), nil)
                walk(object[key]!, path: child(key), emit: emit)
            }
            emit(child("unknownVariantKey"), "1")
        case let array as [Any]:
            emit(path, "[]")
            for (i, element) in array.enumerated() { walk(element, path: child(String(i)), emit: emit) }
        // JSONSerialization gives true/false as NSNumbers of ObjC type `c` (`char`); no JSON number is one.
        case let number as NSNumber where String(cString: number.objCType) == "c":
            emit(path, number.boolValue ? "false" : "true")
            emit(path, "\"true\"")
        case is NSNumber:
            for n in numbers { emit(path, n) }
            emit(path, "\"1\"")
        case is String:
            for s in strings {
                let data = try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed])
                emit(path, String(decoding: data, as: UTF8.self))
            }
            emit(path, "1")
        default:
            emit(path, "1")
        }
    }

    /// `root` with the value at `path` replaced (`replacement` non-nil) or removed.
    static func replaced(_ root: Any, at path: [String], with replacement: Any?) -> Any {
        guard let head = path.first else { return replacement ?? NSNull() }
        let rest = Array(path.dropFirst())
        if var object = root as? [String: Any] {
            if rest.isEmpty && replacement == nil {
                object.removeValue(forKey: head)
            } else {
                object[head] = replaced(object[head] ?? NSNull(), at: rest, with: replacement)
            }
            return object
        }
        if var array = root as? [Any], let i = Int(head), array.indices.contains(i) {
            array[i] = replaced(array[i], at: rest, with: replacement)
            return array
        }
        return root
    }
}
