import Foundation

/// One-change variants of a JSON document, for the tests that feed every config and bundle reader
/// what a typo or a hostile file gives it: each number replaced by the extremes (negative, zero,
/// huge, fractional, past Int64), each string by empty, numeric, overlong or control-character text,
/// each bool by its negation and by a string, each array emptied, each object and array replaced by
/// a value of another type, and each object key removed (and one unknown key added), one change at
/// a time.
public enum JSONVariants {
    /// The numbers put in place of a number (a value past Int64 and an exponent past Double included).
    public static let numbers: [String] = ["-1", "0", "1", "0.5", "-0.5", "1099511627776", "9223372036854775807",
                                           "-9223372036854775808", "18446744073709551616", "1e308", "-1e308", "1e-308"]
    /// The strings put in place of a string.
    public static let strings: [String] = ["", "-1", "0", "1e400", "NaN", "\u{1}", String(repeating: "9", count: 400)]

    /// Every variant of `document` (a JSON text): `(path, text)`, the path the keys and indices of the
    /// change joined by `/` (keys may contain dots: safetensors names its tensors `a.b.weight`).
    /// - Parameters:
    ///   - arrayElements: how many leading elements of each array are varied (the others are read by
    ///     the same code; long arrays of numbers would multiply the variants).
    ///   - topLevelKeys: when given, only these keys of the top-level object are varied inside (every
    ///     top-level key is still removed once): for documents of many entries read by the same code.
    public static func of(_ document: String, arrayElements: Int = .max, topLevelKeys: Set<String>? = nil) throws -> [(path: String, json: String)] {
        let root = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
        var out: [(String, String)] = []
        walk(root, at: [], arrayElements: arrayElements, topLevelKeys: topLevelKeys) { components, replacement in
            // Rebuilt from the text of the replacement, so that numbers keep exactly the spelling above.
            let placeholder = "HFT-VARIANT-7f3a9c"
            let path = components.joined(separator: "/")
            let edited = replaced(root, at: components[...], with: replacement.map { _ in placeholder as Any })
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

    /// Calls `emit(components, json text of the new value)` for each change; nil text removes the key.
    static func walk(_ value: Any, at components: [String], arrayElements: Int, topLevelKeys: Set<String>? = nil,
                     emit: ([String], String?) -> Void) {
        switch value {
        case let object as [String: Any]:
            if !components.isEmpty {
                emit(components, "1")
                emit(components, "[]")
            }
            for key in object.keys.sorted() {
                emit(components + [key], nil)
                if components.isEmpty, let topLevelKeys, !topLevelKeys.contains(key) { continue }
                walk(object[key]!, at: components + [key], arrayElements: arrayElements, emit: emit)
            }
            emit(components + ["unknownVariantKey"], "1")
        case let array as [Any]:
            emit(components, "[]")
            if !components.isEmpty {
                emit(components, "1")
                emit(components, "{}")
            }
            for (i, element) in array.prefix(arrayElements).enumerated() {
                walk(element, at: components + [String(i)], arrayElements: arrayElements, emit: emit)
            }
        // JSONSerialization gives true/false as NSNumbers of ObjC type `c` (`char`); no JSON number is one.
        case let number as NSNumber where String(cString: number.objCType) == "c":
            emit(components, number.boolValue ? "false" : "true")
            emit(components, "\"true\"")
        case is NSNumber:
            for n in numbers { emit(components, n) }
            emit(components, "\"1\"")
        case is String:
            for s in strings {
                let data = try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed])
                emit(components, String(decoding: data, as: UTF8.self))
            }
            emit(components, "1")
        default:
            emit(components, "1")
        }
    }

    /// `root` with the value at `components` replaced (`replacement` non-nil) or removed.
    static func replaced(_ root: Any, at components: ArraySlice<String>, with replacement: Any?) -> Any {
        guard let head = components.first else { return replacement ?? NSNull() }
        let rest = components.dropFirst()
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
