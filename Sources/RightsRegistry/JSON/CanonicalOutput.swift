/// A value that writes its own canonical JSON, byte for byte what its `Codable` conformance gives
/// through `JSONValueEncoder` (issue 16: encoding through `Codable` was the largest item of an
/// import's profile, and a right — its entry and its document — the largest part of that).
///
/// Only for the few types that dominate: everything else keeps to `Codable`. A test encodes
/// values of each such type both ways and compares the bytes. Open to the package, so the
/// exchange's listings and deals, which every settlement writes, can write themselves too.
package protocol CanonicalOutputWritable: Encodable {
    /// Writes `self` to `output`, an object's members in RFC 8785 order, omitting nil optionals
    /// as `encodeIfPresent` does.
    func write(to output: inout CanonicalOutput) throws
}

/// Canonical JSON bytes as a hand-written encoder produces them (`CanonicalOutputWritable`):
/// the writer names each member, in RFC 8785 order; this adds the brackets, the commas and the
/// escapes.
package struct CanonicalOutput {
    package private(set) var bytes: [UInt8] = []
    /// Whether the container being written has no member or element yet.
    private var empty = true

    /// Room for most documents (a parcel's claim is ~60 bytes, a household's ~270); a right's
    /// grows to its size. A kilobyte each, as it was, kept the unused rest alive with every row
    /// of an import's batches (peak RSS of the 20,000-household import 213–217 MB, now 185–187)
    /// and missed glibc's per-thread cache on every allocation (issue 16).
    package init() { bytes.reserveCapacity(256) }

    /// An object whose members `members` writes, in RFC 8785 order.
    package mutating func object(_ members: (inout CanonicalOutput) throws -> Void) rethrows {
        try container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), members)
    }

    /// An array of `elements`, each written by `element`.
    package mutating func array<S: Sequence>(
        _ elements: S, _ element: (inout CanonicalOutput, S.Element) throws -> Void
    )
        rethrows
    {
        try container(open: UInt8(ascii: "["), close: UInt8(ascii: "]")) { output in
            for value in elements {
                output.separate()
                try element(&output, value)
            }
        }
    }

    /// The next member's name (an ASCII name without escapes, as every coding key here is).
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    package mutating func string(_ text: String) { CanonicalJSON.writeString(text, into: &bytes) }

    /// A member whose value is text.
    package mutating func member(_ name: StaticString, _ text: String) {
        key(name)
        string(text)
    }

    /// A member whose value is text, left out when there is none (as `encodeIfPresent` does).
    package mutating func member(_ name: StaticString, ifPresent text: String?) {
        if let text { member(name, text) }
    }

    /// A member whose value is a count, a log index or an amount of fen.
    package mutating func member(_ name: StaticString, _ value: some BinaryInteger) {
        key(name)
        CanonicalJSON.writeInteger(value, into: &bytes)
    }

    /// A member whose value is a count or an amount, left out when there is none.
    package mutating func member(_ name: StaticString, ifPresent value: (some BinaryInteger)?) {
        if let value { member(name, value) }
    }

    /// A document held as parsed (a certificate's statement).
    package mutating func json(_ value: JSONValue) { CanonicalJSON.write(value, into: &bytes) }

    package mutating func bool(_ flag: Bool) { bytes.append(contentsOf: (flag ? "true" : "false").utf8) }

    /// A count or a log index, as `JSONValueEncoder` writes integers (digits up to 2⁵³).
    package mutating func number(_ value: UInt64) { CanonicalJSON.writeInteger(value, into: &bytes) }

    /// Any other value, through its `Codable` conformance.
    package mutating func encodable(_ value: some Encodable) throws {
        bytes.append(contentsOf: try JSONValueEncoder().canonicalBytes(value))
    }

    private mutating func separate() {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
    }

    private mutating func container(open: UInt8, close: UInt8, _ body: (inout CanonicalOutput) throws -> Void)
        rethrows
    {
        bytes.append(open)
        let outer = empty
        empty = true
        try body(&self)
        empty = outer
        bytes.append(close)
    }
}
