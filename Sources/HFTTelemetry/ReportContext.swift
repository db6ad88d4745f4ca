/// What a latency report was measured on and how, in order: machine, topology, idle strategy,
/// offered rate, clock, build. `hft bench` fills it; the JSON carries it as a `context` object and
/// the SVG plots print it under the title, so a plot or a file taken out of its run still says
/// where its numbers come from. Cold path.
public struct ReportContext: Sendable, Hashable {
    /// One named fact (`machine`, `Intel(R) Xeon(R) ... KVM guest`).
    public struct Item: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The facts in the order the plot prints them; a name appears at most once.
    public private(set) var items: [Item] = []

    public init() {}

    public init(_ pairs: KeyValuePairs<String, String>) {
        for (name, value) in pairs { self[name] = value }
    }

    public var isEmpty: Bool { items.isEmpty }

    /// The value of `name`; setting replaces it in place, or appends it; nil removes it.
    public subscript(name: String) -> String? {
        get { items.first { $0.name == name }?.value }
        set {
            let k = items.firstIndex { $0.name == name }
            switch (k, newValue) {
            case let (k?, value?): items[k].value = value
            case let (k?, nil): items.remove(at: k)
            case let (nil, value?): items.append(Item(name: name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Name → value, for the JSON `context` object.
    public var dictionary: [String: String] {
        Dictionary(items.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// `name: value` items joined by ` · ` into lines of at most `width` characters, breaking
    /// between items (an item longer than a line is cut with `…`), at most `maxLines` lines; items
    /// that do not fit are left out of the plot (the JSON keeps them all).
    public func lines(width: Int = 160, maxLines: Int = 4) -> [String] {
        var lines: [String] = []
        var line = ""
        for item in items {
            var text = "\(item.name): \(item.value)"
            if text.count > width { text = String(text.prefix(width - 1)) + "…" }
            if line.isEmpty {
                line = text
            } else if line.count + 3 + text.count <= width {
                line += " · " + text
            } else {
                lines.append(line)
                if lines.count == maxLines { return lines }
                line = text
            }
        }
        if !line.isEmpty && lines.count < maxLines { lines.append(line) }
        return lines
    }
}
