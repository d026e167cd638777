import Crypto
import Foundation
import Hummingbird
import RightsRegistry

/// What anyone may open: the notice board (公示), the certificate check (权证查验) and the
/// register's public face (its checkpoint and witnesses).
struct PublicPages: Sendable {
    let pages: Pages
    var services: RegistryServices { pages.services }

    func home(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let checkpoint = try await services.registry.store.latestCheckpoint()
        return pages.renderer.render(
            "home", title: "农村产权登记与交易", session: session,
            data: ["origin": services.registry.origin ?? "", "size": checkpoint?.size ?? 0])
    }

    // MARK: 公示

    static let pageSize = 20

    /// First registrations in their notice period, exchange announcements and results, by
    /// village (a region or 发包方 code prefix) and kind, paged.
    func notices(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let village = try request.query("village")?.trimmingCharacters(in: .whitespaces) ?? ""
        let kindText = try request.query("kind") ?? ""
        var query = RightQuery(
            status: StatusFilter([.announced], on: services.registry.today), limit: Self.pageSize + 1)
        var filters: [String: Any] = ["village": village, "kind": kindText]
        if !village.isEmpty {
            guard village.count <= 14, village.allSatisfy(\.isASCII), village.allSatisfy(\.isNumber) else {
                throw RegistryError.invalid("village", "村(组)代码:6–14 位数字")
            }
            query.region = village
        }
        if !kindText.isEmpty, kindText != "listing" {
            guard let kind = RightKind(rawValue: kindText) else { throw RegistryError.invalid("kind", "不是权利类型") }
            query.kind = kind
        }
        if let after = try request.query("after") { query.after = try services.parse("after") { try RightID(after) } }
        var registrations: [[String: Any]] = []
        var next: String?
        if kindText != "listing" {
            let rights = try await services.queries.list(query)
            for right in rights.prefix(Self.pageSize) {
                let report = try await services.queries.report(right)
                let collective = try await services.registry.reads.collective(right.collective)
                registrations.append([
                    "id": right.id.rawValue, "kind": right.kind.chineseName,
                    "holder": report.holderName.map(PageText.maskedName) ?? right.holder.masked,
                    "collective": collective?.name ?? right.collective.rawValue,
                    "area_m2": right.area?.description ?? "", "area_mu": right.area?.mu ?? "",
                    "notice_ends": right.noticeEnds?.description ?? "",
                ])
            }
            if rights.count > Self.pageSize, let last = rights.prefix(Self.pageSize).last { next = last.id.rawValue }
        }
        var listings: [[String: Any]] = []
        var results: [[String: Any]] = []
        if kindText.isEmpty || kindText == "listing" {
            for status in ["announced", "auction"] {
                listings += try await listingRows(status: status, village: village, context: context)
            }
            for status in ["awaiting-payment", "settled"] {
                results += try await listingRows(status: status, village: village, context: context)
            }
        }
        filters["kinds"] = [
            ("", "全部"), ("contract-land", "土地承包经营权"), ("homestead", "宅基地"),
            ("collective-share", "集体资产股权"), ("listing", "交易公告"),
        ].map {
            ["value": $0.0, "label": $0.1, "selected": $0.0 == kindText]
        }
        var data: [String: Any] = [
            "registrations": registrations, "listings": listings, "results": results, "filters": filters,
            "today": services.registry.today.description,
        ]
        if let next {
            var items = ["after=\(next)"]
            if !village.isEmpty { items.append("village=\(village)") }
            if !kindText.isEmpty { items.append("kind=\(kindText)") }
            data["next"] = "/notices?" + items.joined(separator: "&")
        }
        return pages.renderer.render("notices", title: "公示", session: session, data: data)
    }

    func listingRows(status: String, village: String, context: RegistryRequestContext) async throws -> [[String: Any]] {
        let answer = try await pages.api.call(
            .get, "/v1/listings", query: "?status=\(status)&limit=100", as: nil,
            context: context
        ).get()
        return (answer["listings"]?.arrayValue ?? []).compactMap { listing -> [String: Any]? in
            let right = listing["right"]?.stringValue ?? ""
            guard village.isEmpty || right.hasPrefix(village) else { return nil }
            return ExchangePages.summary(listing)
        }
    }

    // MARK: 权证查验

    func checkForm(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response
    {
        guard let number = try request.query("no") else {
            return pages.renderer.render("check", title: "权证查验", session: session, data: [:])
        }
        let check = try request.query("c") ?? ""
        let verdict = try await CertificateCheck(services: services).byNumber(number, check: check)
        return pages.renderer.render("check", title: "权证查验", session: session, data: ["verdict": verdict])
    }

    func check(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let text: String
        if request.headers[.contentType]?.hasPrefix("multipart/form-data") == true {
            text = try await Multipart.firstFile(request, context: context) ?? ""
        } else {
            text = try await FormData(request, context: context)["certificate"] ?? ""
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return pages.renderer.render(
                "check", title: "权证查验", session: session, data: ["error": "请粘贴电子证书(JWS 文本)或选择证书文件"],
                status: .unprocessableContent)
        }
        let verdict = try await CertificateCheck(services: services).byDocument(text)
        return pages.renderer.render("check", title: "权证查验", session: session, data: ["verdict": verdict])
    }

    // MARK: The register's public face

    func transparency(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws
        -> Response
    {
        let witnesses = try await pages.api.call(.get, "/v1/log/witnesses", as: nil, context: context).get()
        let checkpoint = await pages.api.call(.get, "/v1/log/checkpoint", as: nil, context: context)
        let key = await pages.api.call(.get, "/v1/log/key", as: nil, context: context)
        return pages.renderer.render(
            "transparency", title: "登记簿公开验证", session: session,
            data: [
                "checkpoint": (try? checkpoint.get().stringValue) ?? "(登记簿尚无检查点)",
                "key": (try? key.get().stringValue) ?? "",
                "witnesses": (witnesses["witnesses"]?.arrayValue ?? []).map { witness in
                    [
                        "name": witness["name"]?.stringValue ?? "", "url": witness["url"]?.stringValue ?? "",
                        "size": witness["cosigned_size"]?.integerValue.map { String(Int($0)) } ?? "—",
                    ]
                },
                "cosigned_by": Int(witnesses["latest_cosigned_by"]?.integerValue ?? 0),
            ])
    }
}

/// The verdict of the check page, as the public may see it (C-4): the certificate's standing
/// and what was checked; never who holds it beyond a masked name.
struct CertificateCheck: Sendable {
    let services: RegistryServices

    /// The check value printed in a certificate's QR code: it binds the number to the log entry
    /// that issued it, so a number copied onto a forged paper does not check out.
    static func checkValue(number: String, entry: LogEntry) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(number.utf8))
        hasher.update(data: entry.leafHash.bytes)
        return String(Base64URL.encode(Array(hasher.finalize())).prefix(10))
    }

    /// The link a certificate's QR code carries.
    static func link(base: String, number: String, entry: LogEntry) -> String {
        let allowed = CharacterSet.alphanumerics
        return base + "/check?no=" + (number.addingPercentEncoding(withAllowedCharacters: allowed) ?? number) + "&c="
            + checkValue(number: number, entry: entry)
    }

    func byNumber(_ number: String, check: String) async throws -> [String: Any] {
        guard number.count <= 100, check.count <= 20 else { throw RegistryError.invalid("no", "不是证书编号") }
        guard let (record, right) = try? await Certificates(registry: services.registry).lookup(number: number),
            let entry = try await services.registry.store.entry(record.entry)
        else {
            return ["found": false, "number": number, "headline": "登记簿中没有此证书编号", "tone": "bad"]
        }
        guard Self.checkValue(number: number, entry: entry) == check else {
            return [
                "found": false, "number": number, "tone": "bad",
                "headline": "校验码与登记簿的签发记录不符:此二维码不是本登记机构为该证书生成的",
            ]
        }
        var checks: [[String: Any]] = [
            ["name": "证书编号", "passed": true, "detail": "登记簿第 \(record.entry) 条记录签发于 \(record.issuedOn)"],
            ["name": "校验码", "passed": true, "detail": "与签发记录一致"],
        ]
        let status = CertificateStatus(number: number, right: right, on: services.registry.today)
        if status == .current,
            let export = try? await Certificates(registry: services.registry).export(number, withProof: true)
        {
            let verification = try await services.verifyCertificate(export.text, for: nil)
            checks += Self.checks(verification)
        }
        return try await verdict(number: number, right: right, status: status, checks: checks)
    }

    func byDocument(_ text: String) async throws -> [String: Any] {
        let verification: JSONValue
        do {
            verification = try await services.verifyCertificate(text, for: nil)
        } catch {
            return [
                "found": false, "tone": "bad", "headline": "无法识别的电子证书",
                "checks": [["name": "格式", "passed": false, "detail": Problem.from(error).detail]],
            ]
        }
        let checks = Self.checks(verification)
        guard verification["valid"]?.boolValue == true, let number = verification["certificate_no"]?.stringValue,
            let (_, right) = try? await Certificates(registry: services.registry).lookup(number: number)
        else {
            return ["found": false, "tone": "bad", "headline": "证书未通过验证:签名或登记簿证明不成立", "checks": checks]
        }
        let status = CertificateStatus(number: number, right: right, on: services.registry.today)
        return try await verdict(number: number, right: right, status: status, checks: checks)
    }

    static func checks(_ verification: JSONValue) -> [[String: Any]] {
        (verification["checks"]?.arrayValue ?? []).map { check in
            [
                "name": PageText.check(check["name"]?.stringValue ?? ""), "passed": check["passed"]?.boolValue ?? false,
                "detail": check["detail"]?.stringValue ?? "",
            ]
        }
    }

    func verdict(number: String, right: Right, status: CertificateStatus, checks: [[String: Any]]) async throws
        -> [String: Any]
    {
        let report = try await services.queries.report(right)
        let flags = report.flags.names.map(PageText.flag)
        let headline: String
        let tone: String
        switch status {
        case .current:
            headline = "现势" + (flags.isEmpty ? "" : ":" + flags.joined(separator: "、"))
            tone = flags.isEmpty ? "good" : "warn"
        case .superseded:
            headline = "已被新证替代"
            tone = "bad"
        case .cancelled:
            headline = "已注销"
            tone = "bad"
        }
        var witnesses = ""
        if let status = services.witnesses?.status(), !status.isEmpty,
            let latest = try await services.registry.store.latestCheckpoint()
        {
            // Witnesses that have cosigned the latest checkpoint, which includes every record.
            let cosigned = status.filter { ($0.size ?? 0) >= latest.size }.count
            witnesses = "\(status.count) 个见证人中 \(cosigned) 个已联署最新检查点(大小 \(latest.size))"
        }
        return [
            "found": true, "number": number, "headline": headline, "tone": tone, "status": status.rawValue,
            "flags": flags, "kind": right.kind.chineseName, "holder": report.holderName.map(PageText.maskedName) ?? "",
            "checks": checks, "witnesses": witnesses,
            "checked_at": RegistryTimeZone.shanghai.timestamp(of: services.registry.clock.now()),
        ]
    }
}

extension PageText {
    static func check(_ name: String) -> String {
        switch name {
        case "signature": "登记机构签名"
        case "checkpoint": "检查点签名"
        case "inclusion": "登记簿包含证明"
        case "binding": "证书与登记记录一致"
        case "witnesses": "见证人联署"
        default: name
        }
    }
}

/// The first file of a `multipart/form-data` upload (a certificate file, at most 256 KB).
enum Multipart {
    static func firstFile(_ request: Request, context: RegistryRequestContext) async throws -> String? {
        guard let type = request.headers[.contentType], let range = type.range(of: "boundary=") else { return nil }
        let boundary = "--" + type[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let buffer = try await request.body.collect(upTo: 256 << 10)
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        for part in text.components(separatedBy: boundary) {
            guard part.contains("filename="), let split = part.range(of: "\r\n\r\n") else { continue }
            var content = String(part[split.upperBound...])
            if content.hasSuffix("\r\n") { content.removeLast(2) }
            return content
        }
        // No file chosen: a pasted text field may still be in the form.
        for part in text.components(separatedBy: boundary) where part.contains("name=\"certificate\"") {
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            return String(part[split.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }
}
