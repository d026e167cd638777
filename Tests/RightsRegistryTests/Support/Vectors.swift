import Foundation
import RightsRegistry
import Testing

/// The public test vectors in ../shared/vectors (RFC 6962/9162, RFC 8785, GB 11643, GB 32100 …).
enum Vectors {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["RIGHTS_VECTORS"] { return URL(fileURLWithPath: path) }
        // Tests/RightsRegistryTests/Support/Vectors.swift → package root → ../shared/vectors
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/vectors")
    }()

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(path))
    }

    static func json(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try data(path)))
    }

    static func files(in directory: String) throws -> [String] {
        let base = root.appendingPathComponent(directory)
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
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
