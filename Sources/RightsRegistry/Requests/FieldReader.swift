/// Reads a JSON object field by field, collecting every problem (field path + reason) instead of
/// stopping at the first, so an import line or an HTTP body is answered with all that is wrong.
public struct FieldReader {
    final class Problems {
        var list: [FieldProblem] = []
    }

    let object: [String: JSONValue]
    let path: String
    let problems: Problems
    /// The names asked for, each once; and how many of them the object has. An object has a
    /// dozen members or so: a list beats a set here, and counting spares hashing every name
    /// again to find the unknown ones (issue 16: hashing member names was a third of parsing an
    /// import line).
    private var read: [String] = []
    private var presentRead = 0

    public init(_ value: JSONValue) {
        self.init(value, path: "", problems: Problems())
    }

    init(_ value: JSONValue, path: String, problems: Problems) {
        self.path = path
        self.problems = problems
        if case .object(let members) = value {
            object = members
            // Room for every name the object has, at once: growing the list name by name cost
            // an import line a dozen allocations (issue 16).
            read.reserveCapacity(members.count)
        } else {
            object = [:]
            problems.list.append(
                FieldProblem(
                    field: path.isEmpty ? "(body)" : path, reason: "expected an object, found \(value.typeName)"))
        }
    }

    public var allProblems: [FieldProblem] { problems.list }

    func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    public mutating func problem(_ name: String, _ reason: String) {
        problems.list.append(FieldProblem(field: field(name), reason: reason))
    }

    public func has(_ name: String) -> Bool {
        guard let value = object[name] else { return false }
        return value != .null
    }

    /// Notes `name` as read; `value` is the object's member of that name, if it has one.
    private mutating func noteRead(_ name: String, _ value: JSONValue?) {
        guard !read.contains(name) else { return }
        read.append(name)
        if value != nil { presentRead += 1 }
    }

    mutating func raw(_ name: String, required: Bool) -> JSONValue? {
        let member = object[name]
        noteRead(name, member)
        guard let value = member, value != .null else {
            if required { problem(name, "required") }
            return nil
        }
        return value
    }

    /// The most characters a text field takes unless it says otherwise: names, locations,
    /// document references and reasons all fit, and no body can make a log entry unbounded.
    public static let defaultMaximumLength = 500
    /// The most elements an array field takes unless it says otherwise.
    public static let defaultMaximumCount = 1_000

    public mutating func string(_ name: String, required: Bool = true, maximumLength: Int = defaultMaximumLength)
        -> String?
    {
        guard let value = raw(name, required: required) else { return nil }
        guard case .string(let text) = value else {
            problem(name, "expected a string, found \(value.typeName)")
            return nil
        }
        if required, text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            problem(name, "must not be empty")
            return nil
        }
        if let reason = InputText.problem(text, maximumLength: maximumLength) {
            problem(name, reason)
            return nil
        }
        return text
    }

    /// A string field made into a validating value (an identifier, a date, an area).
    public mutating func value<T>(_ name: String, required: Bool = true, _ make: (String) throws(InvalidValue) -> T)
        -> T?
    {
        guard let text = string(name, required: required) else { return nil }
        do {
            return try make(text)
        } catch {
            problem(name, error.reason)
            return nil
        }
    }

    /// A date in `Day.inputRange`.
    public mutating func day(_ name: String, required: Bool = true) -> Day? {
        value(name, required: required) { text throws(InvalidValue) in try Day.input(text) }
    }

    /// An amount of money in fen, within `Fen.inputRange` (zero only where `allowZero`).
    public mutating func fen(_ name: String, required: Bool = true, allowZero: Bool = false) -> Fen? {
        integer(name, required: required, in: (allowZero ? 0 : 1)...Fen.inputRange.upperBound.value).map { Fen($0) }
    }

    public mutating func bool(_ name: String, required: Bool = true) -> Bool? {
        guard let value = raw(name, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            problem(name, "expected true or false, found \(value.typeName)")
            return nil
        }
        return flag
    }

    public mutating func integer(_ name: String, required: Bool = true, in range: ClosedRange<Int64>? = nil) -> Int64? {
        guard let value = raw(name, required: required) else { return nil }
        guard let integer = value.integerValue else {
            problem(name, "expected an integer, found \(value.typeName == "number" ? "a fraction" : value.typeName)")
            return nil
        }
        if let range, !range.contains(integer) {
            problem(name, "must be \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return integer
    }

    public mutating func object(_ name: String, required: Bool = true) -> FieldReader? {
        guard let value = raw(name, required: required) else { return nil }
        return FieldReader(value, path: field(name), problems: problems)
    }

    /// The elements of an array field, at most `maximumCount` of them.
    mutating func array(_ name: String, required: Bool, maximumCount: Int) -> [JSONValue]? {
        guard let value = raw(name, required: required) else { return nil }
        guard case .array(let elements) = value else {
            problem(name, "expected an array, found \(value.typeName)")
            return nil
        }
        guard elements.count <= maximumCount else {
            problem(name, "at most \(maximumCount) elements")
            return nil
        }
        return elements
    }

    public mutating func objects(_ name: String, required: Bool = true, maximumCount: Int = defaultMaximumCount)
        -> [FieldReader]?
    {
        guard let elements = array(name, required: required, maximumCount: maximumCount) else { return nil }
        return elements.enumerated().map { FieldReader($1, path: "\(field(name))[\($0)]", problems: problems) }
    }

    public mutating func strings<T>(
        _ name: String, required: Bool = true, maximumCount: Int = defaultMaximumCount,
        _ make: (String) throws(InvalidValue) -> T
    ) -> [T]? {
        guard let elements = array(name, required: required, maximumCount: maximumCount) else { return nil }
        var result: [T] = []
        for (position, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                problems.list.append(FieldProblem(field: "\(field(name))[\(position)]", reason: "expected a string"))
                continue
            }
            if let reason = InputText.problem(text, maximumLength: Self.defaultMaximumLength) {
                problems.list.append(FieldProblem(field: "\(field(name))[\(position)]", reason: reason))
                continue
            }
            do {
                result.append(try make(text))
            } catch {
                problems.list.append(FieldProblem(field: "\(field(name))[\(position)]", reason: error.reason))
            }
        }
        return result.count == elements.count ? result : nil
    }

    /// Marks a field as understood without reading it (e.g. the `type` of an import line).
    public mutating func skip(_ name: String) { noteRead(name, object[name]) }

    /// Reports every field that was not read: a misspelt name must not be silently ignored.
    public mutating func rejectUnknownFields() {
        guard presentRead != object.count else { return }
        let known = Set(read)
        for name in object.keys.sorted() where !known.contains(name) { problem(name, "unknown field") }
    }

    /// Throws all collected problems as one validation error.
    public func finish() throws(RegistryError) {
        if !problems.list.isEmpty { throw RegistryError.invalid(problems.list) }
    }

    /// Throws all collected problems; otherwise returns what the parser made of the body. A
    /// parser that made nothing without naming a problem is answered as a body not understood,
    /// never unwrapped.
    public func finish<T>(_ parsed: T?) throws(RegistryError) -> T {
        try finish()
        guard let parsed else { throw RegistryError.invalid("(body)", "not understood") }
        return parsed
    }
}
