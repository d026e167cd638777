import ArgumentParser
import Foundation
import RightsRegistry

struct HouseholdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "household", abstract: "Household acts: members, moving to town.",
        subcommands: [AddMember.self, RemoveMember.self, Split.self, MoveToTown.self])

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member",
            abstract: "A member leaves the household: death, or marriage with land at the new home (L-11).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The household's 承包方 code.") var code: String
        @Option(help: "The body of POST /v1/households/{code}/member-removals (a file, or -).") var body: String

        func run() async throws {
            try await runReporting {
                let household = try field("code") { try HouseholdCode(code) }
                var reader = FieldReader(try readBody(body))
                let parsedRemoval = ApplicationParser.memberRemoval(&reader)
                let removal = try reader.finish(parsedRemoval)
                let registry = try await global.openRegistry()
                let entry = try await registry.perform(.removeMember(household, removal), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: nil, registry: registry)
            }
        }
    }

    struct Split: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "分户: members leave for a new household with what their agreement gives them.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The household's 承包方 code.") var code: String
        @Option(help: "The body of POST /v1/households/{code}/splits (a file, or -).") var body: String

        func run() async throws {
            try await runReporting {
                let household = try field("code") { try HouseholdCode(code) }
                var reader = FieldReader(try readBody(body))
                let parsedSplit = ApplicationParser.householdSplit(&reader, of: household)
                let split = try reader.finish(parsedSplit)
                let registry = try await global.openRegistry()
                let entry = try await registry.perform(.splitHousehold(split), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: nil, registry: registry)
            }
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member", abstract: "Add a member to a household (and so to the collective's roster).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The household's 承包方 code.") var code: String
        @Option(help: "The member's name.") var name: String
        @Option(help: "The member's citizen ID number.") var idNumber: String
        @Option(help: "Relation to the head (配偶, 子女 …).") var relation: String

        func run() async throws {
            try await runReporting {
                let household = try field("code") { try HouseholdCode(code) }
                var reader = FieldReader([
                    "name": .string(name), "id_number": .string(idNumber), "relation": .string(relation),
                ])
                let parsedMember = ApplicationParser.member(&reader)
                let member = try reader.finish(parsedMember)
                let registry = try await global.openRegistry()
                let entry = try await registry.perform(.addMember(household, member), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: nil, registry: registry)
            }
        }
    }

    struct MoveToTown: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move-to-town",
            abstract: "Record that a household settled in town (进城落户). Its rights stay with it (L-8, T-10).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The household's 承包方 code.") var code: String
        @Option(help: "Date of the move (YYYY-MM-DD).") var on: String
        @Option(help: "Where to.") var place: String?

        func run() async throws {
            try await runReporting {
                let household = try field("code") { try HouseholdCode(code) }
                let day = try field("on") { try Day.input(on) }
                let registry = try await global.openRegistry()
                let entry = try await registry.perform(
                    .recordTownMove(household, TownMove(on: day, place: place)), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: nil, registry: registry)
            }
        }
    }
}

struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "File a collective's member roster with the township and county (成员名册备案, S-4).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The collective's code.") var collective: String
    @Option(help: "The body it is filed with.") var filedWith: String

    func run() async throws {
        try await runReporting {
            let code = try field("collective") { try CollectiveCode(collective) }
            let registry = try await global.openRegistry()
            let entry = try await registry.perform(.fileRoster(code, filedWith: filedWith), actor: global.actorName)
            try await printOutcome(global, entry: entry, right: nil, registry: registry)
        }
    }
}

struct Charter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "File the share provisions of a collective's charter (S-10).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The collective's code.") var collective: String
    @Option(help: "The most shares one holder may hold.") var holdingCap: Int?
    @Flag(help: "Non-members may hold shares (临安).") var nonMemberHolders = false
    @Option(help: "Annual redemption cap in hundredths of a percent (柯桥: 500 = 5%).") var redemptionCapBp: Int?

    func run() async throws {
        try await runReporting {
            let code = try field("collective") { try CollectiveCode(collective) }
            var body: [String: JSONValue] = ["non_member_holders": .bool(nonMemberHolders)]
            if let holdingCap { body["holding_cap"] = .number(Double(holdingCap)) }
            if let redemptionCapBp { body["annual_redemption_cap_bp"] = .number(Double(redemptionCapBp)) }
            var reader = FieldReader(.object(body))
            let charter = ApplicationParser.charter(&reader)
            try reader.finish()
            let registry = try await global.openRegistry()
            let entry = try await registry.perform(.fileCharter(code, charter), actor: global.actorName)
            try await printOutcome(global, entry: entry, right: nil, registry: registry)
        }
    }
}

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The registry's policy: periods, area standards, pilots, holidays.",
        subcommands: [Show.self, Update.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the policy in force (JSON).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry()
                Console.current.out(
                    CanonicalJSON.string(try JSONValueEncoder().encode(try await registry.reads.policy())))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the policy from a JSON body (as `policy show` prints it); logged as a policy entry.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The JSON body (a file, or - for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry()
                var reader = FieldReader(try readBody(body))
                let policy = ApplicationParser.policy(&reader, base: try await registry.reads.policy())
                try reader.finish()
                guard let policy else { throw RegistryError.invalid("(body)", "not a policy") }
                let entry = try await registry.perform(.setPolicy(policy), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: nil, registry: registry)
            }
        }
    }
}
