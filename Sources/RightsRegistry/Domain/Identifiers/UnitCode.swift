/// 不动产单元代码 — the 28-character real-estate unit code of GB/T 37346-2019.
///
/// | chars | content |
/// |---|---|
/// | 1–6 | county code |
/// | 7–12 | cadastral district (3) and sub-district (3) |
/// | 13 | ownership: G state, J collective, Z undetermined |
/// | 14 | parcel type: A B S X C D E F H G W Y (C = 宅基地使用权) |
/// | 15–19 | parcel sequence |
/// | 20 | attached structure: F building, L forest, Q other, W none |
/// | 21–28 | structure unit number (`00000000` when W) |
///
/// There is no check digit (rule book §5.6), so the layout is all that can be checked.
public struct UnitCode: Identifier {
    public let rawValue: String

    static let ownershipTypes = Set("GJZ".utf8)
    static let parcelTypes = Set("ABSXCDEFHGWY".utf8)
    static let structureTypes = Set("FLQW".utf8)

    public init(_ text: String) throws(InvalidValue) {
        let normalised = text.uppercased()
        let bytes = Array(normalised.utf8)
        guard bytes.count == 28 else {
            throw InvalidValue("不动产单元代码 must have 28 characters, got \(bytes.count)")
        }
        func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard digits(0..<12) else { throw InvalidValue("不动产单元代码: characters 1–12 must be digits") }
        guard Self.ownershipTypes.contains(bytes[12]) else {
            throw InvalidValue("不动产单元代码: character 13 must be G, J or Z (ownership type)")
        }
        guard Self.parcelTypes.contains(bytes[13]) else {
            throw InvalidValue("不动产单元代码: character 14 is not a parcel type of GB/T 37346")
        }
        guard digits(14..<19) else { throw InvalidValue("不动产单元代码: characters 15–19 must be digits") }
        guard Self.structureTypes.contains(bytes[19]) else {
            throw InvalidValue("不动产单元代码: character 20 must be F, L, Q or W (attached structure)")
        }
        guard digits(20..<28) else { throw InvalidValue("不动产单元代码: characters 21–28 must be digits") }
        if bytes[19] == UInt8(ascii: "W"), !bytes[20..<28].allSatisfy({ $0 == 0x30 }) {
            throw InvalidValue("不动产单元代码: with no attached structure (W) characters 21–28 must be 00000000")
        }
        rawValue = normalised
    }

    public var county: String { String(rawValue.prefix(6)) }
    public var ownershipType: Character { rawValue[rawValue.index(rawValue.startIndex, offsetBy: 12)] }
    public var parcelType: Character { rawValue[rawValue.index(rawValue.startIndex, offsetBy: 13)] }
    public var hasBuilding: Bool { rawValue[rawValue.index(rawValue.startIndex, offsetBy: 19)] == "F" }
}
