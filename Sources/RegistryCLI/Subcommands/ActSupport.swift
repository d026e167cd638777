import ArgumentParser
import Foundation
import RightsRegistry

/// Reads a JSON body from a file or standard input (`-`).
func readBody(_ path: String) throws -> JSONValue {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw RegistryError.invalid("body", "cannot read \(path)")
        }
        data = contents
    }
    do {
        return try JSONParser.parse(Array(data))
    } catch {
        throw RegistryError.invalid("body", "\(error)")
    }
}

/// Performs an act given as the body of `POST /v1/rights/{id}/acts` — every act subcommand builds
/// such a body, so the CLI and the server go through one parser and one `Registrar`.
func performAct(_ global: GlobalOptions, id: String, body: JSONValue) async throws {
    let rightID = try parseRightID(id)
    var reader = FieldReader(body)
    let parsedAct = ApplicationParser.rightAct(&reader)
    let act = try reader.finish(parsedAct)
    let registry = try await global.openRegistry()
    let entry = try await registry.perform(act.registryAct(on: rightID), actor: global.actorName)
    try await printOutcome(global, entry: entry, right: rightID, registry: registry)
}

func printOutcome(_ global: GlobalOptions, entry: LogEntry, right: RightID?, registry: Registry) async throws {
    if global.json {
        var answer: [String: JSONValue] = ["index": .number(Double(entry.index)), "kind": .string(entry.kind)]
        if let right, let report = try? await RegistryQueries(registry: registry).report(right) {
            answer["right"] = report.json(.full)
        }
        Console.current.out(CanonicalJSON.string(.object(answer)))
    } else {
        Console.current.out("entry #\(entry.index): \(entry.kind)\(right.map { " on \($0)" } ?? "")")
    }
}

/// `PARTY:BY:DOCUMENT:DATE`, e.g. `contracting-party:东港村股份经济合作社:同意书2026-01:2026-11-01`.
func consentBody(_ text: String) throws -> JSONValue {
    let parts = text.split(separator: ":", maxSplits: 3).map(String.init)
    guard parts.count == 4 else {
        throw RegistryError.invalid(
            "consent", "write PARTY:BY:DOCUMENT:DATE (e.g. contracting-party:村委会:同意书1:2026-11-01)")
    }
    return [
        "party": .string(parts[0]), "by": .string(parts[1]), "document": .string(parts[2]), "on": .string(parts[3]),
    ]
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets `key` only when there is a value: absent options stay absent in the body.
    mutating func set(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }
}
