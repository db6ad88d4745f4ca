import Foundation
import HFTPrimitives

/// Typed, path-aware reads from a parsed JSON object: every error names the dotted key, and keys
/// the caller did not ask about are reported as unknown (typos fail loudly). Cold path.
struct ConfigReader {
    let path: String
    let object: [String: Any]
    private var seen: Set<String> = []

    init(_ object: [String: Any], path: String = "") {
        self.object = object
        self.path = path
    }

    func key(_ k: String) -> String { path.isEmpty ? k : path + "." + k }

    mutating func has(_ k: String) -> Bool {
        seen.insert(k)
        return object[k] != nil && !(object[k] is NSNull)
    }

    mutating func string(_ k: String) throws(EngineConfigError) -> String? {
        guard has(k) else { return nil }
        guard let s = object[k] as? String else { throw .invalid(key: key(k), problem: "expected a string") }
        return s
    }

    mutating func string(_ k: String, default d: String) throws(EngineConfigError) -> String { try string(k) ?? d }

    mutating func requiredString(_ k: String) throws(EngineConfigError) -> String {
        guard let s = try string(k) else { throw .missing(key(k)) }
        return s
    }

    mutating func int(_ k: String, default d: Int, range: ClosedRange<Int> = Int.min...Int.max) throws(EngineConfigError) -> Int {
        guard has(k) else { return d }
        guard let v = object[k] as? Int else { throw .invalid(key: key(k), problem: "expected an integer") }
        guard range.contains(v) else { throw .invalid(key: key(k), problem: "\(v) is outside \(range.lowerBound)...\(range.upperBound)") }
        return v
    }

    mutating func double(_ k: String, default d: Double) throws(EngineConfigError) -> Double {
        guard has(k) else { return d }
        guard let v = object[k] as? Double, v.isFinite else { throw .invalid(key: key(k), problem: "expected a number") }
        return v
    }

    mutating func bool(_ k: String, default d: Bool) throws(EngineConfigError) -> Bool {
        guard has(k) else { return d }
        guard let b = object[k] as? Bool else { throw .invalid(key: key(k), problem: "expected true or false") }
        return b
    }

    mutating func strings(_ k: String) throws(EngineConfigError) -> [String]? {
        guard has(k) else { return nil }
        guard let a = object[k] as? [Any] else { throw .invalid(key: key(k), problem: "expected an array of strings") }
        var out: [String] = []
        for (i, e) in a.enumerated() {
            guard let s = e as? String else { throw .invalid(key: key(k) + "[\(i)]", problem: "expected a string") }
            out.append(s)
        }
        return out
    }

    mutating func object(_ k: String) throws(EngineConfigError) -> ConfigReader? {
        guard has(k) else { return nil }
        guard let o = object[k] as? [String: Any] else { throw .invalid(key: key(k), problem: "expected an object") }
        return ConfigReader(o, path: key(k))
    }

    /// The raw JSON value (for a plugin's own config, passed through as JSON text).
    mutating func raw(_ k: String) -> Any? {
        guard has(k) else { return nil }
        return object[k]
    }

    /// A decimal string ("0.01") as an exact value with `places` digits, or nil when absent.
    mutating func decimal(_ k: String, places: Int) throws(EngineConfigError) -> Int64? {
        guard has(k) else { return nil }
        let text: String
        if let s = object[k] as? String { text = s } else if let v = object[k] as? Int { text = String(v) } else {
            throw .invalid(key: key(k), problem: "expected a decimal string such as \"0.01\"")
        }
        do {
            return try DecimalParser.parse(text, places: places)
        } catch {
            throw .invalid(key: key(k), problem: "\"\(text)\" is not a decimal with at most \(places) fraction digits (\(error))")
        }
    }

    /// Fails on the first key nobody asked about.
    func checkUnknown() throws(EngineConfigError) {
        for k in object.keys.sorted() where !seen.contains(k) { throw .unknownKey(key(k)) }
    }
}
