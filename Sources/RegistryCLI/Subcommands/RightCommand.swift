import ArgumentParser
import Foundation
import RightsRegistry

struct RightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "right", abstract: "Look rights up on the register.",
        subcommands: [Show.self, List.self, History.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One right with holders, encumbrances and flags.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The right's ID (a contract code, a 不动产单元代码 …) or a certificate number.")
        var id: String

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                let report = try await RegistryQueries(registry: registry).report(idOrCertificate: id)
                if global.json {
                    Console.current.out(CanonicalJSON.string(report.json(.full)))
                } else {
                    Console.current.out(RightText.describe(report))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rights by holder, collective or region.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Holder as kind:code (household:…, person:…, organisation:…) or a bare household code.")
        var holder: String?

        @Option(help: "发包方 / collective code (14 digits).")
        var collective: String?

        @Option(help: "Region code prefix (6, 9 or 12 digits).")
        var region: String?

        @Option(help: "contract-land, land-management, homestead or collective-share.")
        var kind: String?

        @Option(help: "announced, current, cancelled or expired.")
        var status: String?

        @Option(help: "At most this many rights.")
        var limit = 100

        @Option(help: "Only rights after this ID (paging).")
        var after: String?

        func run() async throws {
            try await runReporting {
                var query = RightQuery(limit: limit)
                if let holder {
                    query.holder = try field("holder") {
                        holder.contains(":") ? try Holder(holder) : .household(try HouseholdCode(holder))
                    }
                }
                if let collective { query.collective = try field("collective") { try CollectiveCode(collective) } }
                if let region {
                    query.region = try field("region") { try RegionCode(region) }.rawValue
                }
                if let kind {
                    guard let parsed = RightKind(rawValue: kind) else {
                        throw RegistryError.invalid(
                            "kind", "one of \(RightKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    query.kind = parsed
                }
                if let after { query.after = try parseRightID(after) }
                let registry = try await global.openRegistry(writing: false)
                if let status {
                    guard let parsed = RightStatus(rawValue: status) else {
                        throw RegistryError.invalid("status", "announced, current, cancelled or expired")
                    }
                    query.status = StatusFilter([parsed], on: registry.today)
                }
                let rights = try await RegistryQueries(registry: registry).list(query)
                if global.json {
                    let encoder = JSONValueEncoder()
                    Console.current.out(CanonicalJSON.string(.array(try rights.map { try encoder.encode($0) })))
                } else {
                    for right in rights { Console.current.out(RightText.line(right, on: registry.today)) }
                    if rights.count == limit {
                        Console.current.err(
                            "(first \(limit); continue with --after \(rights.last?.id.rawValue ?? "-"))")
                    }
                }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The right's log entries, oldest first.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The right's ID.")
        var id: String

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                let entries = try await RegistryQueries(registry: registry).history(try parseRightID(id))
                for entry in entries {
                    if global.json {
                        Console.current.out(String(decoding: entry.bytes, as: UTF8.self))
                    } else {
                        Console.current.out("#\(entry.index)  \(entry.time)  \(entry.kind)  by \(entry.actor)")
                    }
                }
            }
        }
    }
}

/// Turns an invalid value into a validation error naming the option.
func field<T>(_ name: String, _ make: () throws -> T) throws -> T {
    do {
        return try make()
    } catch let error as InvalidValue {
        throw RegistryError.invalid(name, error.reason)
    }
}

func parseRightID(_ text: String) throws -> RightID {
    try field("id") { try RightID(text.uppercased()) }
}

/// Human-readable renderings of register content.
enum RightText {
    static func line(_ right: Right, on day: Day) -> String {
        let area = right.area.map { " \($0) m²" } ?? ""
        return "\(right.id)  \(right.kind.rawValue)  \(right.status(on: day).rawValue)  \(right.holder)\(area)"
    }

    static func describe(_ report: RightReport) -> String {
        let right = report.right
        var lines = [
            "\(right.kind.chineseName)  \(right.id)",
            "status:      \(report.status.rawValue)\(right.noticeEnds.map { " (public notice until \($0))" } ?? "")",
            "holder:      \(right.holder)\(report.holderName.map { " \($0)" } ?? "")",
            "collective:  \(right.collective)",
        ]
        if let term = right.term { lines.append("term:        \(term.start) to \(term.end)") }
        if let area = right.area { lines.append("area:        \(area) m² (\(area.mu) 亩)") }
        if let certificate = right.certificate { lines.append("certificate: \(certificate)") }
        switch right.detail {
        case .contractLand(let land):
            for parcel in land.parcels {
                lines.append(
                    "  parcel \(parcel.code)  \(parcel.area) m²  \(parcel.location)  四至 东\(parcel.bounds.east) 南\(parcel.bounds.south) 西\(parcel.bounds.west) 北\(parcel.bounds.north)\(parcel.basicFarmland ? "  基本农田" : "")"
                )
            }
        case .landManagement(let lease):
            lines.append(
                "from:        \(lease.parent) (\(lease.method.rawValue)), parcels \(lease.parcels.map(\.rawValue).joined(separator: ", "))"
            )
        case .homestead(let homestead):
            lines.append("location:    \(homestead.location)")
            lines.append(
                "floor area:  \(homestead.floorArea.map { "\($0) m²" } ?? "-")\(homestead.exceedsAreaStandard ? "  (plot exceeds today's area standard)" : "")"
            )
        case .collectiveShare(let holding):
            lines.append("shares:      \(holding.shares) \(holding.shareClass)")
        }
        for member in report.householdMembers {
            lines.append("  member \(member.person.name) (\(member.relation)) \(member.person.idNumber)")
        }
        for encumbrance in report.encumbrances {
            let state = encumbrance.status(on: report.today).rawValue
            lines.append(
                "  \(encumbrance.kind.rawValue) \(encumbrance.id) by \(encumbrance.holder) (\(encumbrance.reference)) since \(encumbrance.registeredOn), \(state)"
            )
        }
        lines.append("flags:       \(report.flags.names.isEmpty ? "none" : report.flags.names.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }
}
