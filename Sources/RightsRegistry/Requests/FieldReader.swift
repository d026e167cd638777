/// Reads a JSON object field by field, collecting every problem (field path + reason) instead of
/// stopping at the first, so an import line or an HTTP body is answered with all that is wrong.
public struct FieldReader {
    final class Problems {
        var list: [FieldProblem] = []
    }

    /// The body as parsed, and the node of the object this reader reads (nil: not an object).
    let tape: JSONTape
    let object: Int?
    let path: String
    let problems: Problems
    /// The names asked for, each once; and how many of them the object has. An object has a
    /// dozen members or so: a list beats a set here, and counting spares looking every name up
    /// again to find the unknown ones (issue 16).
    private var read: [String] = []
    private var presentRead = 0

    public init(_ value: JSONValue) {
        self.init(JSONTape(value), node: 0, path: "", problems: Problems())
    }

    /// Reads a JSON text (an HTTP body, an import line) without making a tree of it.
    public init(json bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        self.init(try JSONTape.parse(bytes), node: 0, path: "", problems: Problems())
    }

    init(_ tape: JSONTape, node: Int, path: String, problems: Problems) {
        self.tape = tape
        self.path = path
        self.problems = problems
        if tape.nodes[node].kind == .object {
            object = node
            // Room for every name the object has, at once: growing the list name by name cost
            // an import line a dozen allocations (issue 16).
            read.reserveCapacity(tape.count(node))
        } else {
            object = nil
            problems.list.append(
                FieldProblem(
                    field: path.isEmpty ? "(body)" : path, reason: "expected an object, found \(tape.typeName(node))"))
        }
    }

    public var allProblems: [FieldProblem] { problems.list }

    func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    public mutating func problem(_ name: String, _ reason: String) {
        problems.list.append(FieldProblem(field: field(name), reason: reason))
    }

    /// The node of the member named `name`, if the object has one.
    private func member(_ name: String) -> Int? { object.flatMap { tape.member(name, of: $0) } }

    public func has(_ name: String) -> Bool {
        guard let node = member(name) else { return false }
        return tape.nodes[node].kind != .null
    }

    /// Whether the member named `name` is a string (a holder written as `kind:code`).
    public func isString(_ name: String) -> Bool { member(name).map { tape.nodes[$0].kind == .string } ?? false }

    /// Whether the member named `name` is an object with a member named `inner`.
    public func has(_ inner: String, in name: String) -> Bool {
        guard let node = member(name), tape.nodes[node].kind == .object else { return false }
        return tape.member(inner, of: node) != nil
    }

    /// Notes `name` as read; `present` is whether the object has a member of that name.
    private mutating func noteRead(_ name: String, present: Bool) {
        guard !read.contains(name) else { return }
        read.append(name)
        if present { presentRead += 1 }
    }

    /// The node of the member named `name`, noted as read; nil (and a problem if `required`)
    /// when it is missing or null.
    mutating func raw(_ name: String, required: Bool) -> Int? {
        let node = member(name)
        noteRead(name, present: node != nil)
        guard let node, tape.nodes[node].kind != .null else {
            if required { problem(name, "required") }
            return nil
        }
        return node
    }

    /// The most characters a text field takes unless it says otherwise: names, locations,
    /// document references and reasons all fit, and no body can make a log entry unbounded.
    public static let defaultMaximumLength = 500
    /// The most elements an array field takes unless it says otherwise.
    public static let defaultMaximumCount = 1_000

    public mutating func string(_ name: String, required: Bool = true, maximumLength: Int = defaultMaximumLength)
        -> String?
    {
        guard let node = raw(name, required: required) else { return nil }
        guard tape.nodes[node].kind == .string else {
            problem(name, "expected a string, found \(tape.typeName(node))")
            return nil
        }
        // Checked on the tape's bytes, before a `String` is made of them.
        let reason = tape.withUTF8(node) { text -> String? in
            if required, text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return "must not be empty" }
            return InputText.problem(utf8: text, maximumLength: maximumLength)
        }
        if let reason {
            problem(name, reason)
            return nil
        }
        return tape.string(node)
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
        guard let node = raw(name, required: required) else { return nil }
        guard tape.nodes[node].kind == .bool else {
            problem(name, "expected true or false, found \(tape.typeName(node))")
            return nil
        }
        return tape.nodes[node].number != 0
    }

    public mutating func integer(_ name: String, required: Bool = true, in range: ClosedRange<Int64>? = nil) -> Int64? {
        guard let node = raw(name, required: required) else { return nil }
        guard tape.nodes[node].kind == .number, let integer = JSONValue.number(tape.nodes[node].number).integerValue
        else {
            let type = tape.typeName(node)
            problem(name, "expected an integer, found \(type == "number" ? "a fraction" : type)")
            return nil
        }
        if let range, !range.contains(integer) {
            problem(name, "must be \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return integer
    }

    public mutating func object(_ name: String, required: Bool = true) -> FieldReader? {
        guard let node = raw(name, required: required) else { return nil }
        return FieldReader(tape, node: node, path: field(name), problems: problems)
    }

    /// The element nodes of an array field, at most `maximumCount` of them.
    mutating func array(_ name: String, required: Bool, maximumCount: Int) -> [Int]? {
        guard let node = raw(name, required: required) else { return nil }
        guard tape.nodes[node].kind == .array else {
            problem(name, "expected an array, found \(tape.typeName(node))")
            return nil
        }
        guard tape.count(node) <= maximumCount else {
            problem(name, "at most \(maximumCount) elements")
            return nil
        }
        return tape.elements(node)
    }

    public mutating func objects(_ name: String, required: Bool = true, maximumCount: Int = defaultMaximumCount)
        -> [FieldReader]?
    {
        guard let elements = array(name, required: required, maximumCount: maximumCount) else { return nil }
        return elements.enumerated().map {
            FieldReader(tape, node: $1, path: "\(field(name))[\($0)]", problems: problems)
        }
    }

    public mutating func strings<T>(
        _ name: String, required: Bool = true, maximumCount: Int = defaultMaximumCount,
        _ make: (String) throws(InvalidValue) -> T
    ) -> [T]? {
        guard let elements = array(name, required: required, maximumCount: maximumCount) else { return nil }
        var result: [T] = []
        for (position, element) in elements.enumerated() {
            guard tape.nodes[element].kind == .string else {
                problems.list.append(FieldProblem(field: "\(field(name))[\(position)]", reason: "expected a string"))
                continue
            }
            let text = tape.string(element)
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
    public mutating func skip(_ name: String) { noteRead(name, present: member(name) != nil) }

    /// Reports every field that was not read: a misspelt name must not be silently ignored.
    public mutating func rejectUnknownFields() {
        guard let object, presentRead != tape.count(object) else { return }
        let known = Set(read)
        let names = tape.members(object).map { tape.string($0.name) }
        for name in names.sorted() where !known.contains(name) { problem(name, "unknown field") }
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
