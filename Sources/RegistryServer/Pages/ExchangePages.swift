import Foundation
import Hummingbird
import RightsRegistry

/// A listing's page (its announcement, the intent form) and the auction room (the standing
/// bid, the countdown, the bid form, live updates from the listing's event stream).
struct ExchangePages: Sendable {
    let pages: Pages
    var services: RegistryServices { pages.services }

    /// A listing as a notice-board row.
    static func summary(_ listing: JSONValue) -> [String: Any] {
        [
            "id": listing["id"]?.stringValue ?? "", "right": listing["right"]?.stringValue ?? "",
            "kind": PageText.listingKind(listing["kind"]?.stringValue ?? ""),
            "status": PageText.listingStatus(listing["status"]?.stringValue ?? ""),
            "price": PageText.yuan(listing["price_fen"]), "deposit": PageText.yuan(listing["deposit_fen"]),
            "increment": PageText.yuan(listing["increment_fen"]),
            "announced_from": listing["announcement"]?["start"]?.stringValue ?? "",
            "announced_until": listing["announcement"]?["end"]?.stringValue ?? "",
            "opens_at": listing["auction"]?["opens_at"]?.stringValue ?? "",
            "best": PageText.yuan(Self.leadingBid(listing)?["amount_fen"]),
        ]
    }

    /// The leading bid: the highest amount, the earlier between equals (E-6).
    static func leadingBid(_ listing: JSONValue) -> JSONValue? {
        var best: JSONValue?
        for bid in listing["bids"]?.arrayValue ?? [] {
            if (bid["amount_fen"]?.integerValue ?? 0) > (best?["amount_fen"]?.integerValue ?? -1) { best = bid }
        }
        return best
    }

    func load(_ id: String, _ session: Session?, _ context: RegistryRequestContext) async throws -> JSONValue {
        try await pages.api.call(
            .get, "/v1/listings/{id}", parameters: ["id": id], as: session?.principal, context: context
        ).get()
    }

    func listing(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        // Only an intent's ID is shown back (`I` and digits): the URL cannot carry other words.
        let registered = try request.query("intent").flatMap { id in
            id.count <= 20 && id.first == "I" && id.dropFirst().allSatisfy(\.isNumber) ? id : nil
        }
        return try await listingPage(context, session, registered: registered)
    }

    /// The listing's page, with the intent just registered or the refusal of one (rendered,
    /// never carried in the URL, so no link can put words in the exchange's mouth).
    func listingPage(
        _ context: RegistryRequestContext, _ session: Session?, registered: String? = nil, refusal: Problem? = nil
    ) async throws -> Response {
        let id = try context.parameter("id")
        let listing = try await load(id, session, context)
        var data = Self.summary(listing)
        data["rules"] = Self.rules(listing)
        data["lease_term"] =
            listing["lease"].map {
                "\($0["term"]?["start"]?.stringValue ?? "") 至 \($0["term"]?["end"]?.stringValue ?? "")"
            }
            ?? ""
        data["use"] = listing["lease"]?["use"]?.stringValue ?? ""
        data["may_register"] = session.map { [.exchange, .agent].contains($0.principal.role) } ?? false
        data["intent_error"] = refusal.map(Self.message) ?? ""
        data["intent_done"] = registered ?? ""
        return pages.renderer.render(
            "listing", title: "交易公告 \(id)", session: session, data: data, status: refusal?.status ?? .ok)
    }

    static func rules(_ listing: JSONValue) -> [String] {
        let rules = listing["rules"]
        var lines = [
            "保证金 \(PageText.yuan(listing["deposit_fen"])),于报名时交纳;未成交者在规定期限内全额退还。",
            "挂牌底价 \(PageText.yuan(listing["price_fen"])),加价幅度 \(PageText.yuan(listing["increment_fen"])) 的整数倍。",
        ]
        if let minutes = rules?["timed_round_minutes"]?.integerValue {
            lines.append("自由竞价结束后进入限时竞价:每轮 \(Int(minutes)) 分钟,轮内有新出价则开始新一轮,无人出价则竞价结束。")
        }
        lines.append("同等条件下,本集体经济组织成员享有优先权(L-18)。")
        return lines
    }

    func room(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        try await roomPage(context, session)
    }

    /// The auction room, with the refusal of the bid just made if it was refused.
    func roomPage(_ context: RegistryRequestContext, _ session: Session?, refusal: Problem? = nil) async throws
        -> Response
    {
        let id = try context.parameter("id")
        let listing = try await load(id, session, context)
        let biddable = try await biddable(listing, session)
        // A bidder's own bids are marked; the desk enters bids for every bidder, so none is its own.
        let mine = session?.principal.role == .agent ? biddable : []
        let leading = Self.leadingBid(listing)
        let bids: [[String: Any]] = (listing["bids"]?.arrayValue ?? []).reversed().map { bid in
            let intent = bid["intent"]?.stringValue ?? ""
            return [
                "intent": intent, "amount": PageText.yuan(bid["amount_fen"]), "at": bid["at"]?.stringValue ?? "",
                "own": mine.contains(intent),
            ]
        }
        var data = Self.summary(listing)
        data["status_code"] = listing["status"]?.stringValue ?? ""
        data["bids"] = bids
        data["leading"] = PageText.yuan(leading?["amount_fen"])
        data["leading_intent"] = leading?["intent"]?.stringValue ?? ""
        data["ends_at"] = listing["auction"]?["ends_at"]?.stringValue ?? ""
        data["free_ends_at"] = listing["auction"]?["free_ends_at"]?.stringValue ?? ""
        data["own_intents"] = mine.sorted().joined(separator: " ")
        data["intents"] = biddable.sorted().map { ["id": $0] }
        data["may_bid"] = !biddable.isEmpty
        let increment = listing["increment_fen"]?.integerValue ?? 0
        let minimum: Int64 =
            if let best = leading?["amount_fen"]?.integerValue { best + increment } else {
                listing["price_fen"]?.integerValue ?? 0
            }
        data["minimum"] = PageText.yuan(.number(Double(minimum)))
        data["increment_fen"] = String(increment)
        data["price_fen"] = String(listing["price_fen"]?.integerValue ?? 0)
        data["minimum_yuan"] = "\(minimum / 100).\(String(minimum % 100).leftPadded(to: 2))"
        data["bid_error"] = refusal.map(Self.message) ?? ""
        return pages.renderer.render(
            "room", title: "竞价室 \(id)", session: session, data: data, status: refusal?.status ?? .ok)
    }

    /// The intents the signed-in user may bid for: every intent in the running for the desk;
    /// for an agent, those of buyers whose mandate covering purchase it holds (FLM-8).
    func biddable(_ listing: JSONValue, _ session: Session?) async throws -> Set<String> {
        guard let principal = session?.principal else { return [] }
        let running = (listing["intents"]?.arrayValue ?? []).filter { $0["deposit_status"]?.stringValue == "held" }
        switch principal.role {
        case .exchange: return Set(running.compactMap { $0["id"]?.stringValue })
        case .agent:
            let today = services.registry.today
            let mandates = try await services.registry.reads.mandates(agent: principal.party ?? "")
                .filter { $0.covers(.purchase, on: today) }
            let buyers = Set(mandates.map { $0.principal.rawValue })
            let masked = Set(mandates.map { $0.principal.masked })
            return Set(
                running.filter { intent in
                    let buyer = intent["buyer"]?.stringValue ?? ""
                    return buyers.contains(buyer) || masked.contains(buyer)
                }.compactMap { $0["id"]?.stringValue })
        case .admin, .clerk, .bank: return []
        }
    }

    /// A bid from the room's form: the amount in 元, sent as `amount_fen` to the bids route.
    func bid(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let id = try context.parameter("id")
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        guard let amount = form["amount"].flatMap(Self.fen) else {
            return try await roomPage(
                context, session, refusal: Problem(RegistryError.invalid("amount", "出价金额请填写元,至多两位小数")))
        }
        let body: JSONValue = ["intent": .string(form["intent"] ?? ""), "amount_fen": .number(Double(amount))]
        switch await pages.api.call(
            .post, "/v1/listings/{id}/bids", parameters: ["id": id], body: body, as: try session.required.principal,
            context: context)
        {
        case .success: return .seeOther("/listings/\(id)/room")
        case .failure(let problem): return try await roomPage(context, session, refusal: problem)
        }
    }

    /// An intent (报名) from the listing's page.
    func intent(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let id = try context.parameter("id")
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        var body: [String: JSONValue] = ["buyer": .string(form["buyer"] ?? "")]
        if let deposit = form["deposit"].flatMap(Self.fen) { body["deposit_fen"] = .number(Double(deposit)) }
        if let capacity = form["capacity"] { body["capacity"] = .string(capacity) }
        if let priority = form["priority"] { body["priority"] = .string(priority) }
        let page = "/listings/\(id)"
        switch await pages.api.call(
            .post, "/v1/listings/{id}/intents", parameters: ["id": id], body: .object(body),
            as: try session.required.principal, context: context)
        {
        case .success(let answer): return .seeOther(page + "?intent=" + Self.encode(answer["id"]?.stringValue ?? ""))
        case .failure(let problem): return try await listingPage(context, session, refusal: problem)
        }
    }

    /// 元 with at most two decimals → 分; nil for anything else.
    static func fen(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count <= 13, parts[0].allSatisfy(\.isASCII),
            let whole = Int64(parts[0]), whole >= 0
        else { return nil }
        guard parts.count == 2 else { return whole * 100 }
        guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let cents = Int64(parts[1].count == 1 ? parts[1] + "0" : parts[1])
        else { return nil }
        return whole * 100 + cents
    }

    /// A refusal as the pages show it: its rule (or code) and what it says.
    static func message(_ problem: Problem) -> String { Pages.message(problem) }

    static func encode(_ text: String) -> String {
        text.prefix(300).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
