import Foundation
import RightsRegistry
import Testing

/// The public test vectors (RFC 6962/9162, RFC 8785, GB 11643, GB 32100 …), copied into this
/// test target's `Vectors` resource folder with their sources (Vectors/README.md).
enum Vectors {
    enum Missing: Error, CustomStringConvertible {
        case resources
        var description: String { "the test target's Vectors resource folder is missing" }
    }

    static func root() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Vectors", withExtension: nil) else { throw Missing.resources }
        return url
    }

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: try root().appendingPathComponent(path))
    }

    static func json(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try data(path)))
    }

    static func files(in directory: String) throws -> [String] {
        let base = try root().appendingPathComponent(directory)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            throw Missing.resources
        }
        return enumerator.compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".json") }.sorted()
    }
}

extension JSONValue {
    var string: String { stringValue! }
    var array: [JSONValue] { arrayValue! }
    var int: Int { Int(integerValue!) }
    var bool: Bool { boolValue! }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        bytes.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
