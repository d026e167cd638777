import Foundation
import Hummingbird
import RightsRegistry

/// The clerk's desk: the day's work list, search, the counter's forms and a right's page.
struct DeskPages: Sendable {
    let pages: Pages
    var services: RegistryServices { pages.services }

    /// Notices ending (registrations to enter once their notice is over), objections lapsing,
    /// deals awaiting payment — within the clerk's region.
    func workList(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let principal = try session.required.principal
        let today = services.registry.today
        let announced = try await services.queries.list(
            RightQuery(status: StatusFilter([.announced], on: today), region: principal.scope?.rawValue, limit: 200))
        let notices: [[String: Any]] = announced.map { right in
            let ended = right.noticeEnds.map { $0 < today } ?? false
            return [
                "id": right.id.rawValue, "kind": right.kind.chineseName, "ends": right.noticeEnds?.description ?? "",
                "ended": ended,
            ]
        }
        var objections: [[String: Any]] = []
        let current = try await services.queries.list(
            RightQuery(status: StatusFilter([.current], on: today), region: principal.scope?.rawValue, limit: 1000))
        for right in current {
            for encumbrance in try await services.registry.reads.encumbrances(on: right.id)
            where encumbrance.kind == .objection && encumbrance.isActive(on: today) {
                var row: [String: Any] = ["right": right.id.rawValue, "id": encumbrance.id.rawValue]
                if let lapses = encumbrance.lapsesAfter { row["lapses"] = lapses.description }
                objections.append(row)
            }
        }
        let payments = await pages.api.call(
            .get, "/v1/listings", query: "?status=awaiting-payment&limit=100", as: principal, context: context)
        let due: [[String: Any]] = ((try? payments.get())?["listings"]?.arrayValue ?? []).map(ExchangePages.summary)
        return pages.renderer.render(
            "desk", title: "登记员工作台", session: session,
            data: [
                "notices": notices, "objections": objections, "payments": due, "today": today.description,
                "forms": Self.formLinks, "scope": principal.scope?.rawValue ?? "全县",
            ])
    }

    static let formLinks: [[String: String]] = [
        ["href": "/desk/forms/household", "label": "农户登记"],
        ["href": "/desk/forms/contract-land", "label": "土地承包经营权首次登记"],
        ["href": "/desk/forms/homestead", "label": "宅基地使用权首次登记"],
        ["href": "/desk/forms/collective-share", "label": "集体资产股权登记"],
        ["href": "/desk/forms/land-management", "label": "土地经营权登记(流转)"],
        ["href": "/desk/forms/member", "label": "增加家庭成员"],
    ]

    /// By right ID or certificate number, 承包方 code, ID number or name — in full, for the
    /// clerk's region only; every search is written to the audit trail with who asked.
    func search(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let principal = try session.required.principal
        let text = (try request.query("q") ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            return pages.renderer.render("search", title: "查询", session: session, data: ["q": ""])
        }
        guard text.count <= 60 else { throw RegistryError.invalid("q", "至多 60 个字符") }
        var rights: [Right] = []
        if let right = try? await services.queries.right(idOrCertificate: text) {
            rights = [right]
        } else if let household = try? HouseholdCode(text) {
            rights = try await services.queries.list(RightQuery(holder: .household(household), limit: 100))
        } else if let person = try? CitizenID(text.uppercased()) {
            for household in try await services.registry.reads.memberships(of: person).compactMap(\.household) {
                rights += try await services.queries.list(RightQuery(holder: .household(household), limit: 100))
            }
            rights += try await services.queries.list(RightQuery(holder: .person(person), limit: 100))
        } else {
            rights = try await byName(text, in: principal.scope)
        }
        let visible = rights.filter { principal.mayAct(on: $0.region) }
        var rows: [[String: Any]] = []
        for right in visible.prefix(100) {
            let report = try await services.queries.report(right)
            rows.append(RightView.summary(report))
        }
        try await SearchAudit(store: services.registry.store).record(
            actor: principal.actor, query: text, results: rows.count, at: services.registry.clock.now())
        var data: [String: Any] = ["q": text, "rows": rows, "none": rows.isEmpty]
        if rights.count > visible.count { data["hidden"] = rights.count - visible.count }
        return pages.renderer.render("search", title: "查询", session: session, data: data)
    }

    /// The most rights a name search reads: a township's register, not a province's (a clerk
    /// of a whole county searches by code or ID number).
    static let nameSearchLimit = 20_000

    /// Rights whose holder (a household's head or member, a person) bears `name`, in `scope`.
    func byName(_ name: String, in scope: RegionCode?) async throws -> [Right] {
        var found: [Right] = []
        var scanned = 0
        var after: RightID?
        var households: [HouseholdCode: Bool] = [:]
        repeat {
            let page = try await services.queries.list(RightQuery(region: scope?.rawValue, limit: 1000, after: after))
            for right in page {
                switch right.holder {
                case .household(let code):
                    if households[code] == nil {
                        let household = try await services.registry.reads.household(code)
                        households[code] =
                            household.map { [$0.head.name] + $0.members.map(\.person.name) }?.contains {
                                $0.contains(name)
                            }
                            ?? false
                    }
                    if households[code] == true { found.append(right) }
                case .person, .organisation, .collective:
                    if try await services.queries.report(right).holderName?.contains(name) == true {
                        found.append(right)
                    }
                }
            }
            scanned += page.count
            after = page.count == 1000 ? page.last?.id : nil
        } while after != nil && found.count < 100 && scanned < Self.nameSearchLimit
        return found
    }

    // MARK: Forms

    func form(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let spec = try Self.spec(context)
        var prefilled: [String: String] = [:]
        for name in spec.names { if let value = try request.query(name) { prefilled[name] = value } }
        // A contract's number is its 承包方's code and J (GB/T 35958): written for the clerk.
        if let household = prefilled["household"], spec.names.contains("contract_no"),
            prefilled["contract_no"] == nil
        {
            prefilled["contract_no"] = household + "J"
        }
        return render(spec, action: request.uri.path, values: FormData(fields: prefilled), session: session)
    }

    func submitForm(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response
    {
        let spec = try Self.spec(context)
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        // The member form's household is the route's `{code}`.
        var parameters: [String: String] = [:]
        if spec.route.contains("{code}") { parameters["code"] = form["household"] ?? "" }
        return try await submit(
            spec, form: form, parameters: parameters, action: request.uri.path, session: session,
            context: context)
    }

    func actForm(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let id = try context.parameter("id")
        let spec = try Self.act(context)
        return render(spec, action: request.uri.path, values: FormData(fields: [:]), session: session, subject: id)
    }

    func submitAct(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response
    {
        let id = try context.parameter("id")
        let spec = try Self.act(context)
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        return try await submit(
            spec, form: form, parameters: ["id": id], action: request.uri.path, session: session, context: context,
            subject: id)
    }

    func mortgagorForm(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws
        -> Response
    {
        let id = try context.parameter("id")
        return render(
            CounterForms.mortgagor, action: request.uri.path, values: FormData(fields: [:]), session: session,
            subject: id)
    }

    func submitMortgagor(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws
        -> Response
    {
        let id = try context.parameter("id")
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        return try await submit(
            CounterForms.mortgagor, form: form, parameters: ["id": id], action: request.uri.path, session: session,
            context: context, subject: id)
    }

    /// Sends the form's body to its route as the signed-in clerk. Refused: the form again with
    /// every problem beside its field (nothing was written). Done: the right's page.
    func submit(
        _ spec: FormSpec, form: FormData, parameters: [String: String], action: String, session: Session?,
        context: RegistryRequestContext, subject: String? = nil
    ) async throws -> Response {
        let principal = try session.required.principal
        let (body, rows) = spec.body(from: form)
        switch await pages.api.call(
            spec.method, spec.route, parameters: parameters, body: body, as: principal, context: context)
        {
        case .success(let answer):
            if let right = answer["right"]?["id"]?.stringValue ?? answer["id"]?.stringValue,
                (try? RightID(right)) != nil
            {
                return .seeOther("/desk/rights/\(right)?done=1")
            }
            if let subject, (try? RightID(subject)) != nil { return .seeOther("/desk/rights/\(subject)?done=1") }
            let code = answer["code"]?.stringValue ?? answer["household"]?["code"]?.stringValue ?? form["code"] ?? ""
            return .seeOther("/desk/forms/contract-land?household=\(code)&done=household")
        case .failure(let problem):
            let (fields, general) = Pages.fieldProblems(problem, rows: rows)
            return render(
                spec, action: action, values: form, session: session, subject: subject, problems: fields,
                general: general, status: problem.status)
        }
    }

    func render(
        _ spec: FormSpec, action: String, values: FormData, session: Session?, subject: String? = nil,
        problems: [String: String] = [:], general: [String] = [], status: HTTPResponse.Status = .ok
    ) -> Response {
        var data = spec.view(values: values, problems: problems)
        data["action"] = action
        data["general"] = general
        data["subject"] = subject ?? ""
        if spec.route.contains("{code}") {
            data["household_field"] = ["value": values.fields["household"] ?? "", "error": problems["household"] ?? ""]
        }
        return pages.renderer.render("form", title: spec.title, session: session, data: data, status: status)
    }

    static func spec(_ context: RegistryRequestContext) throws -> FormSpec {
        let name = try context.parameter("form")
        guard let spec = CounterForms.all[name] else { throw RegistryError.notFound("form", name) }
        return spec
    }

    static func act(_ context: RegistryRequestContext) throws -> FormSpec {
        let name = try context.parameter("act")
        guard let spec = CounterForms.acts[name] else { throw RegistryError.notFound("act", name) }
        return spec
    }

    // MARK: A right

    func right(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let principal = try session.required.principal
        let id = try context.parameter("id")
        let answer = try await pages.api.call(
            .get, "/v1/rights/{id}", parameters: ["id": id], as: principal, context: context
        )
        .get()
        let history = try await pages.api.call(
            .get, "/v1/rights/{id}/history", parameters: ["id": id], as: principal, context: context
        ).get()
        var data = RightView.page(answer)
        data["history"] = (history["entries"]?.arrayValue ?? []).map { entry in
            [
                "index": Int(entry["index"]?.integerValue ?? 0),
                "kind": entry["entry"]?["kind"]?.stringValue ?? entry["kind"]?.stringValue ?? "",
                "time": entry["entry"]?["time"]?.stringValue ?? "",
                "actor": entry["entry"]?["actor"]?.stringValue ?? "",
            ]
        }
        data["done"] = (try request.query("done")) != nil
        let status = answer["status"]?.stringValue ?? ""
        var acts: [[String: String]] = []
        if status == "announced" {
            acts.append(["href": "/desk/rights/\(id)/acts/completion", "label": "登簿(公示期满)"])
        }
        if status == "current" {
            acts += [
                ["href": "/desk/rights/\(id)/certificate", "label": "打印权证"],
                ["href": "/desk/rights/\(id)/acts/transfer", "label": "转让"],
                ["href": "/desk/forms/land-management?parent=\(id)", "label": "土地经营权流转"],
                ["href": "/desk/rights/\(id)/acts/objection", "label": "异议登记"],
                ["href": "/desk/rights/\(id)/acts/seizure", "label": "查封"],
                ["href": "/desk/rights/\(id)/acts/seizure-release", "label": "解除查封"],
                ["href": "/desk/rights/\(id)/acts/advance-notice", "label": "预告登记"],
            ]
        }
        data["acts"] = acts
        return pages.renderer.render("right", title: "权利 \(id)", session: session, data: data)
    }
}

extension Optional where Wrapped == Session {
    /// The session of a page that required one (`Pages.route` checked it).
    var required: Session {
        get throws {
            guard let self else { throw Problem.unauthorized("请先登录") }
            return self
        }
    }
}

/// How the pages show a right (from its API JSON).
enum RightView {
    static func summary(_ report: RightReport) -> [String: Any] {
        [
            "id": report.right.id.rawValue, "kind": report.right.kind.chineseName,
            "status": PageText.status(report.status.rawValue),
            "holder": report.holderName ?? report.right.holder.rawValue,
            "holder_code": report.right.holder.rawValue, "certificate": report.right.certificate ?? "",
            "flags": report.flags.names.map(PageText.flag).joined(separator: "、"),
        ]
    }

    static func page(_ right: JSONValue) -> [String: Any] {
        let detail = right["detail"]
        let parcels = (detail?["contract_land"]?["parcels"]?.arrayValue ?? []).map(parcel)
        var data: [String: Any] = [
            "id": right["id"]?.stringValue ?? "", "kind": right["kind_name"]?.stringValue ?? "",
            "status": PageText.status(right["status"]?.stringValue ?? ""), "holder": right["holder"]?.stringValue ?? "",
            "holder_name": right["holder_name"]?.stringValue ?? "",
            "certificate": right["certificate"]?.stringValue ?? "",
            "term_start": right["term"]?["start"]?.stringValue ?? "",
            "term_end": right["term"]?["end"]?.stringValue ?? "",
            "area_m2": right["area_m2"]?.stringValue ?? "", "area_mu": right["area_mu"]?.stringValue ?? "",
            "notice_ends": right["notice_ends"]?.stringValue ?? "",
            "flags": (right["flags"]?.arrayValue ?? []).compactMap(\.stringValue).map(PageText.flag),
            "parcels": parcels,
            "members": (right["household_members"]?.arrayValue ?? []).map { member in
                [
                    "name": member["name"]?.stringValue ?? "", "id_number": member["id_number"]?.stringValue ?? "",
                    "relation": member["relation"]?.stringValue ?? "",
                ]
            },
        ]
        data["encumbrances"] = (right["encumbrances"]?.arrayValue ?? []).map { encumbrance in
            [
                "id": encumbrance["id"]?.stringValue ?? "", "kind": encumbrance["kind"]?.stringValue ?? "",
                "status": encumbrance["status"]?.stringValue ?? "", "active": encumbrance["active"]?.boolValue ?? false,
                "mortgage_pending": encumbrance["kind"]?.stringValue == "mortgage"
                    && encumbrance["status"]?.stringValue == "pending",
            ]
        }
        return data
    }

    static func parcel(_ parcel: JSONValue) -> [String: Any] {
        let area = parcel["area_m2"]?.stringValue
        return [
            "code": parcel["code"]?.stringValue ?? "", "location": parcel["location"]?.stringValue ?? "",
            "east": parcel["bounds"]?["east"]?.stringValue ?? "",
            "south": parcel["bounds"]?["south"]?.stringValue ?? "",
            "west": parcel["bounds"]?["west"]?.stringValue ?? "",
            "north": parcel["bounds"]?["north"]?.stringValue ?? "",
            "area_m2": area ?? "", "area_mu": PageText.mu(area),
            "basic": parcel["basic_farmland"]?.boolValue == true ? "是" : "否",
        ]
    }
}

/// Who looked up whom at the desk (R-14: searches are purpose-bound and answerable): a side
/// record per search, kept with the register.
struct SearchAudit: Sendable {
    static let table = "desk_searches"
    let store: any RegistryStore

    func record(actor: String, query: String, results: Int, at instant: Date) async throws {
        let time = RegistryTimeZone.shanghai.timestamp(of: instant)
        let entry: JSONValue = [
            "actor": .string(actor), "query": .string(query), "results": .number(Double(results)), "at": .string(time),
        ]
        // Keyed by time and a random suffix: searches in the same millisecond do not collide.
        try await store.putSideRecord(
            Self.table, key: time + "/" + Accounts.randomToken().prefix(8), value: CanonicalJSON.bytes(entry),
            onlyIfAbsent: true)
    }
}
