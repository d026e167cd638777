public import RightsRegistry

/// Mutations of a valid request body, for fuzzing the parsers: each replaces (or adds, or
/// removes) the value at one of the body's paths with a value from a catalogue of awkward ones —
/// dates out of range or not dates, huge and negative numbers, fractions, long or control-laden
/// text, wrong types. A mutation is two small numbers, so a failing case shrinks to the fewest,
/// simplest mutations.
public enum BodyFuzzing {
    /// The awkward values; `nil` removes the field.
    public static let values: [JSONValue?] = [
        nil, .null, "", " ", "9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01", "2026-02-30", "2026-11-20",
        "20261120", "-1", "1e400", .number(-1), .number(0), .number(0.5), .number(1e300), .number(-1e300),
        .number(9_007_199_254_740_994), .number(1_000_000_000_000_001), .number(Double(Int64.max)), .bool(true),
        .array([]), .array([.null, "x"]), .object([:]), .object(["start": "2028-01-01", "end": "9998-12-31"]),
        .string(String(repeating: "长", count: 600)), "a\nb", "\u{0}", "household:330424100200000001",
        "person:330424195001010019", "E1", "E99999999999999999999", "330424100200000001J", "33042410020000100001",
        "lease", "transfer", "mortgage", "death", "marriage", "land-lost", "surrender", "co-holders",
        .array([.object(["party": "co-holders", "by": "全体", "document": "同意书", "on": "2026-11-01"])]),
    ]

    /// Every path to a value in `body`, plus one unknown field at the top.
    public static func paths(of body: JSONValue) -> [[String]] {
        var found: [[String]] = [["unknown_field"]]
        func walk(_ value: JSONValue, _ path: [String]) {
            if !path.isEmpty { found.append(path) }
            switch value {
            case .object(let members):
                for (key, member) in members.sorted(by: { $0.key < $1.key }) { walk(member, path + [key]) }
            case .array(let elements):
                for (index, element) in elements.enumerated() { walk(element, path + [String(index)]) }
            case .null, .bool, .number, .string: break
            }
        }
        walk(body, [])
        return found
    }

    /// `body` with each mutation (path index, value index) applied in turn.
    public static func mutate(_ body: JSONValue, _ mutations: [(Int, Int)]) -> JSONValue {
        var body = body
        for (pathIndex, valueIndex) in mutations {
            let paths = paths(of: body)
            body = set(body, at: paths[pathIndex % paths.count][...], values[valueIndex % values.count])
        }
        return body
    }

    static func set(_ value: JSONValue, at path: ArraySlice<String>, _ new: JSONValue?) -> JSONValue {
        guard let key = path.first else { return new ?? .null }
        switch value {
        case .object(var members):
            if path.count == 1 {
                members[key] = new
            } else {
                members[key] = set(members[key] ?? .null, at: path.dropFirst(), new)
            }
            return .object(members)
        case .array(var elements):
            guard let index = Int(key), elements.indices.contains(index) else { return value }
            if path.count == 1 {
                if let new { elements[index] = new } else { elements.remove(at: index) }
            } else {
                elements[index] = set(elements[index], at: path.dropFirst(), new)
            }
            return .array(elements)
        case .null, .bool, .number, .string:
            return value
        }
    }
}
