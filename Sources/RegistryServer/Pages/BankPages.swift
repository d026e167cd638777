import Foundation
import Hummingbird
import RightsRegistry

/// The bank's pages: the collateral search, its signed result (printable, downloadable as the
/// JWS, re-verifiable later), and the bank's mortgages and their events.
struct BankPages: Sendable {
    let pages: Pages
    var services: RegistryServices { pages.services }

    func home(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let principal = try session.required.principal
        let events = await pages.api.call(.get, "/v1/events", query: "?limit=50", as: principal, context: context)
        let rows: [[String: Any]] = ((try? events.get())?["events"]?.arrayValue ?? []).map(Self.event)
        return pages.renderer.render("bank", title: "抵押物查询", session: session, data: ["events": rows])
    }

    func search(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let principal = try session.required.principal
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        var body: [String: JSONValue] = [:]
        let subject = form["subject"] ?? ""
        // A certificate number is written in Chinese (浙(2026)…); a right ID is ASCII.
        body[subject.allSatisfy(\.isASCII) ? "right_id" : "certificate_no"] = subject.isEmpty ? nil : .string(subject)
        if let number = form["holder_id_number"] { body["holder_id_number"] = .string(number) }
        if let purpose = form["purpose"] { body["purpose"] = .string(purpose) }
        switch await pages.api.call(
            .post, "/v1/collateral/searches", body: .object(body), as: principal, context: context)
        {
        case .failure(let problem):
            var (fields, general) = Pages.fieldProblems(problem, rows: [:])
            if let message = fields.removeValue(forKey: "right_id") ?? fields.removeValue(forKey: "certificate_no") {
                fields["subject"] = message
            }
            return pages.renderer.render(
                "bank", title: "抵押物查询", session: session,
                data: [
                    "subject": subject, "holder_id_number": form["holder_id_number"] ?? "",
                    "purpose": form["purpose"] ?? "",
                    "errors": fields, "general": general,
                ], status: problem.status)
        case .success(let answer):
            let result = answer["result"] ?? .null
            let jws = answer["jws"]?.stringValue ?? ""
            return pages.renderer.render(
                "bank-result", title: "查询结果", session: session,
                data: Self.result(result, jws: jws, search: Int(answer["search"]?.integerValue ?? 0)))
        }
    }

    static func event(_ event: JSONValue) -> [String: Any] {
        let entry = event["entry"]
        let payload = entry?["payload"]
        let right: String = payload?["right"]?.stringValue ?? payload?["right_id"]?.stringValue ?? ""
        let kind: String = entry?["kind"]?.stringValue ?? event["kind"]?.stringValue ?? ""
        return [
            "index": Int(event["index"]?.integerValue ?? 0), "kind": kind, "time": entry?["time"]?.stringValue ?? "",
            "right": right,
        ]
    }

    static func result(_ result: JSONValue, jws: String, search: Int) -> [String: Any] {
        let mortgages: [[String: Any]] = (result["mortgages"]?.arrayValue ?? []).map { mortgage in
            [
                "rank": Int(mortgage["rank"]?.integerValue ?? 0), "amount": PageText.yuan(mortgage["amount_fen"]),
                "outstanding": PageText.yuan(mortgage["outstanding_fen"]),
                "mortgagee": mortgage["mortgagee"]?.stringValue ?? "",
                "registered_on": mortgage["registered_on"]?.stringValue ?? "",
            ]
        }
        let flags: [String] = (result["flags"]?.arrayValue ?? []).compactMap(\.stringValue).map(PageText.flag)
        let days: Int = Int(result["term"]?["days"]?.integerValue ?? 0)
        let download: String = "data:application/jose;base64," + Data(jws.utf8).base64EncodedString()
        return [
            "search": search, "right": result["right_id"]?.stringValue ?? "",
            "kind": PageText.kind(result["right_kind"]?.stringValue ?? ""),
            "certificate": result["certificate_no"]?.stringValue ?? "",
            "status": PageText.status(result["status"]?.stringValue ?? ""),
            "holder_match": result["holder_match"]?.boolValue == true ? "一致" : "不一致",
            "flags": flags, "term_end": result["term"]?["end"]?.stringValue ?? "", "days_left": days,
            "area": result["area_m2"]?.stringValue ?? "",
            "mortgages": mortgages,
            "warning": result["warning"]?.stringValue ?? "",
            "searched_at": result["searched_at"]?.stringValue ?? "", "purpose": result["purpose"]?.stringValue ?? "",
            "checkpoint": Int(result["checkpoint"]?["size"]?.integerValue ?? 0), "jws": jws,
            "download": download,
            "filename": "collateral-search-\(search).jws",
        ]
    }

    /// A search result kept as its JWS, checked again: the signature against the registry's
    /// certificate keys (old ones included), and what it said.
    func verify(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let form = try await FormData(request, context: context)
        try Pages.checkCSRF(form, session)
        let text = (form["jws"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var data: [String: Any] = ["verify_text": text]
        do {
            let parsed = try JWS.parse(text)
            try parsed.verify(with: try services.keys().certificateKeys.map(\.publicKey))
            guard parsed.payload["type"]?.stringValue == "collateral-search" else {
                throw RegistryError.invalid("jws", "不是抵押物查询结果")
            }
            data = Self.result(parsed.payload, jws: text, search: Int(parsed.payload["search"]?.integerValue ?? 0))
            data["verified"] = "签名有效:此结果由本登记机构签发,内容未被改动"
        } catch {
            data["verify_error"] = "验证未通过:\(error)"
            return pages.renderer.render(
                "bank", title: "抵押物查询", session: session, data: data, status: .unprocessableContent)
        }
        return pages.renderer.render("bank-result", title: "查询结果(复核)", session: session, data: data)
    }
}
