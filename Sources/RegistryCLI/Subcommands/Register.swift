import ArgumentParser
import Foundation
import RightsRegistry

struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "First registration (首次登记) of a party or a right, from a JSON body.",
        discussion: """
            The body is that of the HTTP route (POST /v1/collectives, /v1/households, /v1/rights) \
            and of the import format, e.g. for contract land: {"household": …, "contract_no": …, \
            "term": {"start": …, "end": …}, "parcels": [ … ]}. Rights registered this way are \
            announced for 15 working days; complete them with `rights complete ID`.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case collective, household, organisation, person
        case contractLand = "contract-land"
        case homestead
        case collectiveShare = "collective-share"
        case landManagement = "land-management"
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What to register: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Kind

    @Option(name: .long, help: "The JSON body (a file, or - for standard input).")
    var body: String

    func run() async throws {
        try await runReporting {
            var reader = FieldReader(try readBody(body))
            reader.skip("kind")
            let parsed = Self.act(kind, &reader)
            reader.rejectUnknownFields()
            let act = try reader.finish(parsed)
            let registry = try await global.openRegistry()
            let entry = try await registry.perform(act, actor: global.actorName)
            var right: RightID?
            if let id = entry.payload["id"]?.stringValue { right = try? RightID(id) }
            try await printOutcome(global, entry: entry, right: right, registry: registry)
        }
    }

    static func act(_ kind: Kind, _ reader: inout FieldReader) -> RegistryAct? {
        switch kind {
        case .collective:
            return ApplicationParser.collective(&reader, origin: .application).map(RegistryAct.registerCollective)
        case .household:
            return ApplicationParser.household(&reader, origin: .application).map(RegistryAct.registerHousehold)
        case .organisation:
            let code = reader.value("uscc", CreditCode.init)
            let name = reader.string("name")
            guard let code, let name else { return nil }
            return .registerOrganisation(Organisation(creditCode: code, name: name))
        case .person:
            return ApplicationParser.person(&reader).map(RegistryAct.registerPerson)
        case .contractLand:
            return ApplicationParser.right(kind: .contractLand, &reader, origin: .application).map(
                RegistryAct.registerRight)
        case .homestead:
            return ApplicationParser.right(kind: .homestead, &reader, origin: .application).map(
                RegistryAct.registerRight)
        case .collectiveShare:
            return ApplicationParser.right(kind: .collectiveShare, &reader, origin: .application).map(
                RegistryAct.registerRight)
        case .landManagement:
            return ApplicationParser.right(kind: .landManagement, &reader, origin: .application).map(
                RegistryAct.registerRight)
        }
    }
}

struct Act: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Any registry act on a right, from the JSON body of POST /v1/rights/{id}/acts.",
        discussion: "Kinds: \(ApplicationParser.rightActKinds.joined(separator: ", ")).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The right's ID.")
    var id: String

    @Option(name: .long, help: "The JSON body (a file, or - for standard input).")
    var body: String

    func run() async throws {
        try await runReporting { try await performAct(global, id: id, body: try readBody(body)) }
    }
}

struct Complete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enter an announced first registration in the register (登簿) after its public notice.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The right's ID.")
    var id: String

    func run() async throws {
        try await runReporting { try await performAct(global, id: id, body: ["kind": "completion"]) }
    }
}

struct Transfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transfer registration (转移登记): all or part of a right to another holder.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The right's ID.")
    var id: String

    @Option(help: "The receiving holder: household:CODE, person:ID_NUMBER or organisation:USCC.")
    var to: String

    @Option(name: .customLong("parcel"), help: "A parcel that passes (contract land; repeat; default all).")
    var parcels: [String] = []

    @Option(help: "Shares that pass (collective shares; default all).")
    var shares: Int?

    @Option(name: .customLong("consent"), help: "A written consent PARTY:BY:DOCUMENT:DATE (repeat).")
    var consents: [String] = []

    @Option(help: "For a homestead: how the dwelling was disposed of (sale, gift).")
    var disposal: String?

    func run() async throws {
        try await runReporting {
            var body: [String: JSONValue] = ["kind": "transfer", "to": .string(to)]
            if !parcels.isEmpty { body["parcels"] = .array(parcels.map(JSONValue.string)) }
            if let shares { body["shares"] = .number(Double(shares)) }
            if !consents.isEmpty { body["consents"] = .array(try consents.map(consentBody)) }
            body.set("disposal", disposal)
            try await performAct(global, id: id, body: .object(body))
        }
    }
}

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancellation registration (注销登记) on a ground the law lists.",
        discussion: """
            Grounds: \(CancellationGround.allCases.map(\.rawValue).joined(separator: ", ")). A voluntary \
            surrender is a paid withdrawal (rights withdraw apply; L-10); the 发包方 takes nothing back during the \
            term (L-8).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The right's ID.") var id: String
    @Option(help: "The ground (land-lost, expropriated, household-extinct, term-ended, court-ruling, agreement).")
    var ground: String
    @Option(help: "The document that proves it (survey, decision, judgment …).") var document: String
    @Option(help: "Further explanation.") var reason: String?
    @Option(name: .customLong("consent"), help: "A written consent PARTY:BY:DOCUMENT:DATE (repeat; agreement).")
    var consents: [String] = []

    func run() async throws {
        try await runReporting {
            var body: [String: JSONValue] = [
                "kind": "cancellation", "ground": .string(ground), "document": .string(document),
            ]
            body.set("reason", reason)
            if !consents.isEmpty { body["consents"] = .array(try consents.map(consentBody)) }
            try await performAct(global, id: id, body: .object(body))
        }
    }
}

struct Object: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "object", abstract: "Objection registration (异议登记); lapses after 15 days (C-5).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The right's ID.") var id: String
    @Option(help: "Who objects.") var applicant: String
    @Option(help: "On what grounds.") var grounds: String

    func run() async throws {
        try await runReporting {
            try await performAct(
                global, id: id,
                body: ["kind": "objection", "applicant": .string(applicant), "grounds": .string(grounds)])
        }
    }
}

struct AdvanceNotice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advance-notice", abstract: "Advance notice registration (预告登记); lapses after 90 days (C-6).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The right's ID.") var id: String
    @Option(help: "Who the right is promised to: household:…, person:…, organisation:….") var beneficiary: String
    @Option(help: "The contract it rests on.") var reference: String

    func run() async throws {
        try await runReporting {
            try await performAct(
                global, id: id,
                body: ["kind": "advance-notice", "beneficiary": .string(beneficiary), "reference": .string(reference)])
        }
    }
}

struct Seize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seizure registration (查封); later seizures queue (轮候).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The right's ID.") var id: String
    @Option(help: "The court.") var court: String
    @Option(help: "The case number.") var caseNumber: String

    func run() async throws {
        try await runReporting {
            try await performAct(
                global, id: id, body: ["kind": "seizure", "court": .string(court), "case_number": .string(caseNumber)])
        }
    }
}

struct ReleaseSeizure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release-seizure", abstract: "A court releases its seizure.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The right's ID.") var id: String
    @Option(help: "The court that seized.") var court: String
    @Option(help: "Which of its seizures (E…), if it has several.") var seizure: String?

    func run() async throws {
        try await runReporting {
            var body: [String: JSONValue] = ["kind": "seizure-release", "court": .string(court)]
            body.set("seizure", seizure)
            try await performAct(global, id: id, body: .object(body))
        }
    }
}

struct File: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file", abstract: "Record a filing (备案) about a right, e.g. a 流转 filed with the 发包方 (L-16).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The right's ID.") var id: String
    @Option(help: "What was filed (流转, 互换, 融资担保, 再流转 …).") var matter: String
    @Option(help: "Filed with whom.") var filedWith: String
    @Option(help: "The filed document's reference.") var document: String
    @Option(help: "Date of the filing (YYYY-MM-DD).") var on: String

    func run() async throws {
        try await runReporting {
            try await performAct(
                global, id: id,
                body: [
                    "kind": "filing", "matter": .string(matter), "filed_with": .string(filedWith),
                    "document": .string(document), "on": .string(on),
                ])
        }
    }
}
