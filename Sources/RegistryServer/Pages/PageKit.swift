import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import RightsRegistry

/// The pages' templates (Mustache, HTML-escaping every `{{value}}`), rendered inside one layout.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// The templates compiled into the binary (`Pages/Assets/*.mustache`).
    static let templates: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache, "home": PackageResources.home_mustache,
        "notices": PackageResources.notices_mustache, "check": PackageResources.check_mustache,
        "transparency": PackageResources.transparency_mustache, "login": PackageResources.login_mustache,
        "form": PackageResources.form_mustache, "desk": PackageResources.desk_mustache,
        "search": PackageResources.search_mustache, "right": PackageResources.right_mustache,
        "certificate": PackageResources.certificate_mustache, "listing": PackageResources.listing_mustache,
        "room": PackageResources.room_mustache, "bank": PackageResources.bank_mustache,
        "bank-result": PackageResources.bank_result_mustache, "error": PackageResources.error_mustache,
    ]

    init() {
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates {
            // The templates are part of the program and every page is rendered by the tests, so a
            // template that does not parse is a build defect: it shows as a one-line notice rather
            // than stopping the server.
            let template =
                (try? MustacheTemplate(string: String(decoding: bytes, as: UTF8.self)))
                ?? (try? MustacheTemplate(string: "<p>页面模板 \(name) 有误,请联系管理员。</p>"))
            if let template { library.register(template, named: name) }
        }
        self.library = library
    }

    /// `template` rendered with `data`, inside the layout (title, navigation for the signed-in
    /// user, the flash message).
    func render(
        _ template: String, title: String, session: Session?, data: [String: Any], status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:], printable: Bool = false
    ) -> Response {
        var user: [String: Any]?
        if let session {
            let role = session.principal.role
            user = [
                "name": session.principal.name, "role": PageText.role(role), "csrf": session.csrf,
                "clerk": role == .clerk || role == .admin, "bank": role == .bank,
                "exchange": role == .exchange || role == .agent,
            ]
        }
        // The page sees the signed-in user too (`{{user.csrf}}` in its forms).
        var page = data
        page["user"] = user
        let body = library.render(Self.prune(page), withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body, "printable": printable]
        layout["user"] = user
        let html = library.render(layout, withTemplate: "layout") ?? body
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        Self.secure(&fields)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The data without empty strings: Mustache renders a section for any string, the empty
    /// one included, so `{{#error}}…{{/error}}` must not see an error that is "". A field's
    /// `value` stays, so that an empty value never climbs to an outer one.
    static func prune(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            var pruned: [String: Any] = [:]
            for (key, member) in object {
                if let text = member as? String, text.isEmpty, key != "value" { continue }
                pruned[key] = prune(member)
            }
            return pruned
        case let array as [[String: Any]]: return array.map { prune($0) }
        case let array as [Any]: return array.map(prune)
        default: return value
        }
    }

    /// What every page is sent with: no script but our own, no framing, no sniffing, no
    /// caching of pages that may show personal data.
    static func secure(_ fields: inout HTTPFields) {
        fields[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if fields[.cacheControl] == nil { fields[.cacheControl] = "no-store" }
    }
}

/// Words the pages show for the register's codes (the JSON API keeps its English names).
enum PageText {
    static func role(_ role: Role) -> String {
        switch role {
        case .admin: "管理员"
        case .clerk: "登记员"
        case .exchange: "交易中心"
        case .agent: "代理人"
        case .bank: "银行"
        }
    }

    static func kind(_ kind: String) -> String {
        switch kind {
        case "contract-land": "土地承包经营权"
        case "land-management": "土地经营权"
        case "homestead": "宅基地使用权及房屋所有权"
        case "collective-share": "集体资产股权"
        default: kind
        }
    }

    static func status(_ status: String) -> String {
        switch status {
        case "announced": "公示中"
        case "current": "现势"
        case "cancelled": "已注销"
        case "expired": "已到期"
        case "superseded": "已被新证替代"
        case "filed_only": "已备案"
        default: status
        }
    }

    /// A right's flags (`RightFlags.names`) as the certificate check and the desk say them.
    static func flag(_ flag: String) -> String {
        switch flag {
        case "mortgage": "有抵押"
        case "seizure": "已查封"
        case "objection": "有异议"
        case "advance-notice": "有预告登记"
        default: flag
        }
    }

    static func listingKind(_ kind: String) -> String {
        switch kind {
        case "lease": "出租(土地经营权流转)"
        case "transfer": "转让"
        case "share-sale": "股权转让"
        case "foreclosure-sale": "抵押物处置"
        default: kind
        }
    }

    static func listingStatus(_ status: String) -> String {
        switch status {
        case "pending": "待审核"
        case "announced": "挂牌公告中"
        case "bidding": "竞价中"
        case "matching": "优先权行使期"
        case "dealt": "已成交"
        case "settled": "已结算"
        case "failed": "流拍"
        case "suspended": "中止"
        case "terminated": "终结"
        case "rejected": "不予挂牌"
        default: status
        }
    }

    /// 分 → 元, with two decimals.
    static func yuan(_ fen: JSONValue?) -> String {
        guard let fen = fen?.integerValue else { return "" }
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        return "\(sign)\(magnitude / 100).\(String(magnitude % 100).leftPadded(to: 2)) 元"
    }

    /// m² → 亩, as the register rounds it (`SquareMetres.mu`).
    static func mu(_ squareMetres: String?) -> String {
        guard let squareMetres, let area = try? SquareMetres(squareMetres) else { return "" }
        return area.mu
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// A submitted form: `application/x-www-form-urlencoded` fields, each name at most once.
struct FormData: Sendable {
    private(set) var fields: [String: String] = [:]

    init(fields: [String: String]) { self.fields = fields }

    /// Reads the body (at most 256 KB: the largest form, a contract with its parcels, is far less).
    init(_ request: Request, context: RegistryRequestContext) async throws {
        let buffer = try await request.body.collect(upTo: 256 << 10)
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            guard !name.isEmpty, fields.count < 2_000 else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}

/// One of the API's routes called from a page, as the signed-in user: the same parser, the same
/// standing checks (role, scope, mandate) and the same registrar as over HTTP with a token.
struct APIDispatch: Sendable {
    private let endpoints: [String: Endpoint]

    init(endpoints: [Endpoint]) {
        self.endpoints = Dictionary(endpoints.map { ("\($0.method.rawValue) \($0.path)", $0) }) { first, _ in first }
    }

    /// Calls `method path` (its template, e.g. `/v1/rights/{id}`) with `parameters` filled in.
    /// An error the API would answer is returned as its problem.
    func call(
        _ method: HTTPRequest.Method, _ template: String, parameters: [String: String] = [:], query: String = "",
        body: JSONValue? = nil, as principal: Principal?, context: RegistryRequestContext
    ) async -> Result<JSONValue, Problem> {
        guard let endpoint = endpoints["\(method.rawValue) \(template)"] else {
            return .failure(Problem(status: .notFound, code: "http.404", detail: "no route \(template)"))
        }
        var path = template
        for (name, value) in parameters {
            path = path.replacingOccurrences(
                of: "{\(name)}", with: value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value)
        }
        var context = context
        context.principal = principal
        context.tokenProblem = nil
        context.coreContext.parameters = Parameters(parameters.map { (Substring($0.key), Substring($0.value)) })
        var head = HTTPRequest(method: method, scheme: "http", authority: "pages", path: path + query)
        head.headerFields[.contentType] = "application/json"
        let bytes = body.map(CanonicalJSON.bytes) ?? []
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: bytes)))
        do {
            try endpoint.access.check(principal)
            let response = try await endpoint.handler(request, context)
            let collected = try await Self.collect(response)
            guard !collected.isEmpty else { return .success(.null) }
            if let json = try? JSONParser.parse(collected) { return .success(json) }
            return .success(.string(String(decoding: collected, as: UTF8.self)))
        } catch {
            return .failure(Problem.from(error))
        }
    }

    static func collect(_ response: Response) async throws -> [UInt8] {
        let sink = BodySink()
        try await response.body.write(CollectingWriter(sink: sink))
        return sink.bytes
    }

    private final class BodySink: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    private struct CollectingWriter: ResponseBodyWriter {
        let sink: BodySink
        mutating func write(_ buffer: ByteBuffer) async throws { sink.bytes += buffer.readableBytesView }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// Cookies: the session cookie is HttpOnly, SameSite=Strict, and Secure whenever the page was
/// reached over TLS (directly or through a proxy that says so).
enum SessionCookie {
    static let name = "rr_session"

    static func value(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    static func isSecure(_ request: Request) -> Bool {
        request.head.scheme == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
    }

    static func set(_ secret: String, for request: Request) -> String {
        "\(name)=\(secret); Path=/; HttpOnly; SameSite=Strict" + (isSecure(request) ? "; Secure" : "")
    }

    static func clear(for request: Request) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (isSecure(request) ? "; Secure" : "")
    }
}

extension Response {
    /// 303 See Other: after a form that changed something, the browser loads the result with GET
    /// (a reload does not submit the form again).
    static func seeOther(_ location: String, cookie: String? = nil) -> Response {
        var fields: HTTPFields = [.location: location]
        if let cookie { fields[.setCookie] = cookie }
        PageRenderer.secure(&fields)
        return Response(status: .seeOther, headers: fields)
    }
}

extension PageText {
    /// A name as the public sees it: the surname, the rest as 某 (`张某某`).
    static func maskedName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "某", count: max(1, name.count - 1))
    }
}
