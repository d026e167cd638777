public import ArgumentParser
import Exchange
import Foundation
import RightsRegistry

// The exchange from the desk's terminal. Every body is the HTTP route's body (INTERFACE.md),
// read by the same `ExchangeParser`, and every step is the same `ExchangeService` call.

extension ExchangeID: ExpressibleByArgument {
    init?(argument: String) { try? self.init(argument) }
}

extension ForfeitReason: ExpressibleByArgument {}
extension ContractParty: ExpressibleByArgument {}

/// Opens the exchange on the registry and prints what a step returned, as canonical JSON.
struct ExchangeDesk {
    let global: GlobalOptions

    func open() async throws -> ExchangeService { ExchangeService(registry: try await global.openRegistry()) }

    func print(_ value: some Encodable) throws {
        Console.current.out(CanonicalJSON.string(try JSONValueEncoder().encode(value)))
    }

    /// Parses a body file with `parse`, reporting every field problem at once.
    func body<T>(_ path: String, _ parse: (inout FieldReader) -> T?) throws -> T {
        var reader = FieldReader(try readBody(path))
        let value = parse(&reader)
        return try reader.finish(value)
    }
}

struct ListingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listing", abstract: "Exchange listings (E-1…E-6): submit, review, intents, bids, close.",
        subcommands: [
            Submit.self, Review.self, Intent.self, Bid.self, Close.self, Match.self, Suspend.self, Resume.self,
            Terminate.self, Show.self, List.self, Rules.self,
        ])

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit a listing; the body is that of POST /v1/listings.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "JSON body file (- for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let application = try desk.body(body) { ExchangeParser.listing(&$0) }
                try desk.print(try await desk.open().submit(application, by: .desk, actor: global.actorName))
            }
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve (announce) or reject a listing after checking it against the register (E-2).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID (L…).") var id: ListingID
        @Flag(help: "Reject instead of approving.") var reject = false
        @Option(help: "Why (required to reject).") var reason: String?

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                var body: [String: JSONValue] = ["decision": .string(reject ? "reject" : "approve")]
                body.set("reason", reason)
                var reader = FieldReader(.object(body))
                let parsedReview = ExchangeParser.review(&reader)
                let review = try reader.finish(parsedReview)
                try desk.print(
                    try await desk.open().review(
                        id, approve: review.approve, reason: review.reason, actor: global.actorName))
            }
        }
    }

    struct Intent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a buyer with its deposit (E-4); the body is that of POST /v1/listings/{id}/intents.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID
        @Option(help: "JSON body file (- for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let application = try desk.body(body) { ExchangeParser.intent(&$0) }
                try desk.print(
                    try await desk.open().registerIntent(id, application, by: .desk, actor: global.actorName))
            }
        }
    }

    struct Bid: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enter a bid for a registered buyer (E-6).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID
        @Option(help: "The buyer's intent (I…).") var intent: IntentID
        @Option(help: "The bid in fen.") var amountFen: Int64

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                var reader = FieldReader(["intent": .string(intent.rawValue), "amount_fen": .number(Double(amountFen))])
                let parsedBid = ExchangeParser.bid(&reader)
                let bid = try reader.finish(parsedBid)
                try desk.print(
                    try await desk.open().bid(
                        id, intent: bid.intent, amount: bid.amount, by: .desk, actor: global.actorName))
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close after the announcement, auction or matching period (E-5): deal, matching or failed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().close(id, actor: global.actorName))
            }
        }
    }

    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A priority holder matches the best price (L-18, FLM-10); the close decides, by lot among equals."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID
        @Option(help: "The priority holder's intent (I…).") var intent: IntentID

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(
                    try await desk.open().claimPriority(id, intent: intent, by: .desk, actor: global.actorName))
            }
        }
    }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The exchange's rule set: show it, or set it from a body file (PUT /v1/exchange/rules's body).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A JSON file with the options to set (those left out keep their defaults).") var set: String?

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let exchange = try await desk.open()
                guard let set else { return try desk.print(try await exchange.reads.rules()) }
                try desk.print(
                    try await exchange.setRules(try desk.body(set, ExchangeParser.rules), actor: global.actorName))
            }
        }
    }

    /// 中止, resumption and 终结: one shape, three acts.
    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "中止: stop a listing's clock, with the reason.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().suspend(id, reason: reason, actor: global.actorName))
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a suspended listing; its deadlines move by the days it was stopped.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID
        @Option(help: "Why the cause is gone.") var reason: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().resume(id, reason: reason, actor: global.actorName))
            }
        }
    }

    struct Terminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "终结: end a listing whose sale became impossible; every deposit is released in full.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().terminate(id, reason: reason, actor: global.actorName))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One listing with its intents and bids.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The listing's ID.") var id: ListingID

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().listing(id))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The notice board.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only listings in this status (announced, auction …).") var status: String?

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let filter = try status.map { text in
                    guard let status = ListingStatus(rawValue: text) else {
                        throw RegistryError.invalid("status", "not a listing status")
                    }
                    return status
                }
                try desk.print(try await desk.open().listings(status: filter, after: nil, limit: 10_000))
            }
        }
    }
}

struct DealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deal", abstract: "Deals: payment and settlement (E-7…E-9), forfeit, the 交易鉴证书.",
        subcommands: [Show.self, Sign.self, Pay.self, Forfeit.self, Certificate.self, Refunds.self, Refund.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One deal.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The deal's ID (D…).") var id: DealID

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().deal(id))
            }
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Payment confirmed: settle in one transaction (registry act, refunds, attestation).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The deal's ID.") var id: DealID
        @Option(help: "The payment's reference (bank slip).") var reference: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().confirmPayment(id, reference: reference, actor: global.actorName))
            }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a party's signature of the deal's contract (E-7).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The deal's ID.") var id: DealID
        @Option(help: "transferor or transferee.") var party: ContractParty

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().sign(id, as: party, by: .desk, actor: global.actorName))
            }
        }
    }

    struct Refunds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deposits released and owed back, with their due days (E-6).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only those past their due day.") var overdue = false

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let exchange = try await desk.open()
                let today = exchange.registry.today
                try desk.print(
                    try await exchange.reads.refunds(paid: false, after: nil, limit: 10_000)
                        .filter { !overdue || $0.isOverdue(on: today) })
            }
        }
    }

    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a released deposit was paid back.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The buyer's intent (I…).") var intent: IntentID
        @Option(help: "The payment's reference.") var reference: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().refund(intent, reference: reference, actor: global.actorName))
            }
        }
    }

    struct Forfeit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The buyer's own default: forfeit the deposit; the next successor gets the deal or the listing fails.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The deal's ID.") var id: DealID
        @Option(help: "Why: withdrew, did-not-sign, did-not-pay or fraud.") var reason: ForfeitReason

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let (forfeited, next) = try await desk.open().forfeit(id, reason: reason, actor: global.actorName)
                try desk.print(next ?? forfeited)
            }
        }
    }

    struct Certificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the 交易鉴证书 (JWS); check it with `rights certificate verify`.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The deal's ID.") var id: DealID
        @Flag(help: "Append the proof bundle binding it to a signed checkpoint.") var withProof = false

        func run() async throws {
            try await runReporting {
                let export = try await ExchangeDesk(global: global).open().attestation(id, withProof: withProof)
                Console.current.out(withProof ? export.text : export.jws)
            }
        }
    }
}

struct MortgageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mortgage",
        abstract: "Mortgages: the joint application (bank and mortgagor), release, foreclosure.",
        subcommands: [Register.self, Join.self, Release.self, Foreclose.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A mortgage application; the body is that of POST /v1/mortgages.",
            discussion: """
                Without a "mortgagor" object the bank's application waits for the mortgagor's side \
                (rights mortgage join). At the counter, with both parties present, the body may carry \
                {"mortgagor": {"application": …, "consents": [ … ]}} and the mortgage is registered at once (R-6).
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The mortgagee bank's credit code.") var bank: String
        @Option(help: "JSON body file (- for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let (right, application) = try desk.body(body) {
                    ApplicationParser.mortgage(&$0, mortgagee: bank, withMortgagor: true)
                }
                let registry = try await global.openRegistry()
                let entry = try await registry.perform(.onRight(right, .mortgage(application)), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: right, registry: registry)
            }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The mortgagor's side of a pending mortgage (R-6); the body is that of POST /v1/mortgages/{id}/mortgagor."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The mortgage's ID (E…).") var id: String
        @Option(help: "JSON body file (- for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let mortgage = try field("id") { try EncumbranceID(id) }
                let mortgagor = try desk.body(body) { ApplicationParser.mortgagor(&$0) }
                let registry = try await global.openRegistry()
                guard let current = try await registry.reads.encumbrance(mortgage), current.kind == .mortgage else {
                    throw RegistryError.notFound("mortgage", id)
                }
                let entry = try await registry.perform(
                    .onRight(current.right, .mortgageJoin(mortgage, mortgagor)), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: current.right, registry: registry)
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The mortgagee discharges its mortgage.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The mortgage's ID (E…).") var id: String
        @Option(help: "The mortgagee bank's credit code.") var bank: String

        func run() async throws {
            try await runReporting {
                let mortgage = try field("id") { try EncumbranceID(id) }
                let registry = try await global.openRegistry()
                guard let current = try await registry.reads.encumbrance(mortgage), current.kind == .mortgage else {
                    throw RegistryError.notFound("mortgage", id)
                }
                let entry = try await registry.perform(
                    .onRight(current.right, .mortgageRelease(mortgage: mortgage, by: bank)), actor: global.actorName)
                try await printOutcome(global, entry: entry, right: current.right, registry: registry)
            }
        }
    }

    struct Foreclose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a foreclosure-sale listing; the body is that of POST /v1/mortgages/{id}/foreclosure.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The mortgage's ID (E…).") var id: String
        @Option(help: "The mortgagee bank's credit code.") var bank: String
        @Option(help: "JSON body file (- for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let mortgage = try field("id") { try EncumbranceID(id) }
                let exchange = try await desk.open()
                guard let current = try await exchange.registry.reads.encumbrance(mortgage) else {
                    throw RegistryError.notFound("mortgage", id)
                }
                let application = try desk.body(body) { ExchangeParser.listing(&$0, foreclosing: current.right) }
                try desk.print(try await exchange.foreclose(mortgage, application, bank: bank, actor: global.actorName))
            }
        }
    }
}

struct WithdrawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Voluntary paid withdrawal (自愿有偿退出): apply, approve, pay.",
        subcommands: [Apply.self, Approve.self, Pay.self, Show.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A household's application; the body is that of POST /v1/withdrawals.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "JSON body file (- for standard input).") var body: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                let application = try desk.body(body) { ExchangeParser.withdrawal(&$0) }
                try desk.print(try await desk.open().applyWithdrawal(application, by: .desk, actor: global.actorName))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the collective's approval.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The withdrawal's ID (W…).") var id: WithdrawalID
        @Option(help: "The collective's decision.") var approval: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().approveWithdrawal(id, approval: approval, actor: global.actorName))
            }
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The collective paid: the right returns to it, in the payment's transaction.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The withdrawal's ID.") var id: WithdrawalID
        @Option(help: "The payment's reference.") var reference: String

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().payWithdrawal(id, reference: reference, actor: global.actorName))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One withdrawal.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The withdrawal's ID.") var id: WithdrawalID

        func run() async throws {
            try await runReporting {
                let desk = ExchangeDesk(global: global)
                try desk.print(try await desk.open().withdrawal(id))
            }
        }
    }
}
