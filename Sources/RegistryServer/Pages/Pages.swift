import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RightsRegistry

/// The pages people use, served beside the JSON API by the same process: the public notice
/// board and certificate check, the printable certificate, the clerk's desk, the auction room
/// and the bank's search. Every page reads through the same services and every form is sent
/// to the same route as the API (`APIDispatch`), as the signed-in user: no rule is written twice.
struct Pages: Sendable {
    let services: RegistryServices
    let renderer: PageRenderer
    let api: APIDispatch
    let accounts: Accounts

    init(services: RegistryServices) {
        self.services = services
        renderer = PageRenderer()
        api = APIDispatch(endpoints: services.endpoints)
        accounts = services.accounts
    }

    typealias Handler = @Sendable (Request, RegistryRequestContext, Session?) async throws -> Response

    func add(to router: Router<RegistryRequestContext>) {
        router.get("/assets/site.css") { _, _ in Self.asset(PackageResources.site_css, type: "text/css; charset=utf-8")
        }
        router.get("/assets/room.js") { _, _ in
            Self.asset(PackageResources.room_js, type: "text/javascript; charset=utf-8")
        }
        let publicPages = PublicPages(pages: self)
        route(router, .get, "/", publicPages.home)
        route(router, .get, "/notices", publicPages.notices)
        route(router, .get, "/check", publicPages.checkForm)
        route(router, .post, "/check", publicPages.check)
        route(router, .get, "/transparency", publicPages.transparency)
        route(router, .get, "/login", signInForm)
        route(router, .post, "/login", signIn)
        route(router, .post, "/logout", signOut)

        let desk = DeskPages(pages: self)
        let clerks: Set<Role> = [.clerk, .admin]
        route(router, .get, "/desk", roles: clerks, desk.workList)
        route(router, .get, "/desk/search", roles: clerks, desk.search)
        route(router, .get, "/desk/forms/{form}", roles: clerks, desk.form)
        route(router, .post, "/desk/forms/{form}", roles: clerks, desk.submitForm)
        route(router, .get, "/desk/rights/{id}", roles: clerks, desk.right)
        route(router, .get, "/desk/rights/{id}/acts/{act}", roles: clerks, desk.actForm)
        route(router, .post, "/desk/rights/{id}/acts/{act}", roles: clerks, desk.submitAct)
        route(router, .get, "/desk/mortgages/{id}/mortgagor", roles: clerks, desk.mortgagorForm)
        route(router, .post, "/desk/mortgages/{id}/mortgagor", roles: clerks, desk.submitMortgagor)
        route(router, .get, "/desk/rights/{id}/certificate", roles: clerks, CertificatePage(pages: self).print)

        let market = ExchangePages(pages: self)
        route(router, .get, "/listings/{id}", market.listing)
        route(router, .get, "/listings/{id}/room", market.room)
        route(router, .post, "/listings/{id}/room/bids", roles: [.exchange, .agent], market.bid)
        route(router, .post, "/listings/{id}/intents", roles: [.exchange, .agent], market.intent)

        let bank = BankPages(pages: self)
        route(router, .get, "/bank", roles: [.bank], bank.home)
        route(router, .post, "/bank/searches", roles: [.bank], bank.search)
        route(router, .post, "/bank/verify", roles: [.bank], bank.verify)
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Registers a page: the session is read from its cookie; a page for `roles` sends a visitor
    /// without one to the sign-in page and answers another role 403; a POST must carry the
    /// session's CSRF token and come from this site. Errors are pages, not JSON.
    func route(
        _ router: Router<RegistryRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        roles: Set<Role>? = nil, _ handler: @escaping Handler
    ) {
        router.on(RouterPath(path), method: method) { request, context in
            var session: Session?
            do {
                if let secret = SessionCookie.value(in: request) { session = try await accounts.session(secret) }
                if method == .post { try Self.checkOrigin(request) }
                if let roles {
                    guard let session else {
                        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
                        return Response.seeOther("/login?next=\(next)")
                    }
                    guard roles.contains(session.principal.role) else {
                        throw Problem.forbidden(
                            "auth.role", "此页面供\(roles.map(PageText.role).sorted().joined(separator: "、"))使用")
                    }
                }
                return try await handler(request, context, session)
            } catch {
                return self.error(error, session: session, context: context)
            }
        }
    }

    /// A form post from another site is refused even before its CSRF token is looked at.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        guard let host = request.head.authority,
            URL(string: origin).map({ ($0.host ?? "") + ($0.port.map { ":\($0)" } ?? "") }) == host
        else { throw Problem.forbidden("auth.origin", "表单须从本站提交") }
    }

    /// Checks the CSRF token of a posted form against the session's.
    static func checkCSRF(_ form: FormData, _ session: Session?) throws {
        guard let session, let sent = form["_csrf"],
            Array(SHA256.hash(data: Array(sent.utf8))) == Array(SHA256.hash(data: Array(session.csrf.utf8)))
        else { throw Problem.forbidden("auth.csrf", "表单已过期或不是从本站提交的,请返回重新填写") }
    }

    func error(_ error: any Error, session: Session?, context: RegistryRequestContext) -> Response {
        let problem = Problem.from(error)
        if problem.status == .internalServerError {
            context.logger.error("page failed", metadata: ["error": "\(error)"])
        }
        return renderer.render(
            "error", title: "无法完成", session: session,
            data: [
                "status": problem.status.code, "code": problem.code, "detail": problem.detail,
                "rule": problem.rule ?? "",
            ],
            status: problem.status)
    }

    /// Problems the API named, by form field: several field problems each beside its field;
    /// a single problem (a rule refusal names its field too) beside its field with its rule.
    static func fieldProblems(_ problem: Problem, rows: [String: [Int]]) -> (
        fields: [String: String], general: [String]
    ) {
        var fields: [String: String] = [:]
        var general: [String] = []
        let listed =
            problem.errors.isEmpty
            ? problem.field.map { [FieldProblem(field: $0, reason: problem.detail)] } ?? []
            : problem.errors
        for item in listed {
            let name = FormSpec.formName(item.field, rows: rows)
            let text = (problem.rule.map { "[\($0)] " } ?? "") + item.reason
            fields[name] = fields[name].map { $0 + ";" + text } ?? text
        }
        // A refusal that names no field (standing, state): its rule or its code, and what it says.
        if listed.isEmpty { general.append(message(problem)) }
        return (fields, general)
    }

    /// A refusal as a page shows it: its rule (or code) first, unless what it says starts with it.
    static func message(_ problem: Problem) -> String {
        let label = problem.rule ?? problem.code
        return problem.detail.hasPrefix(label) ? problem.detail : "[\(label)] " + problem.detail
    }

    // MARK: Sign-in

    func signInForm(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response
    {
        renderer.render(
            "login", title: "登录", session: session, data: ["next": Self.safeNext(try request.query("next")) ?? ""])
    }

    func signIn(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let form = try await FormData(request, context: context)
        let login = form["login"] ?? ""
        let next = Self.safeNext(form["next"]) ?? ""
        let address = context.remoteAddress
        if let address, let wait = services.failedAuthentications.wait(for: address) {
            return renderer.render(
                "login", title: "登录", session: nil,
                data: ["next": next, "login": login, "error": "登录失败次数过多,请 \(wait) 秒后再试"],
                status: .tooManyRequests, headers: [.retryAfter: String(wait)])
        }
        guard let (secret, session) = try await accounts.signIn(login: login, password: form.fields["password"] ?? "")
        else {
            if let address { services.failedAuthentications.failed(address) }
            context.logger.notice("page sign-in refused", metadata: ["login": "\(login.prefix(64))"])
            return renderer.render(
                "login", title: "登录", session: nil, data: ["next": next, "login": login, "error": "用户名或密码不正确"],
                status: .unauthorized)
        }
        if let address { services.failedAuthentications.succeeded(address) }
        let home =
            switch session.principal.role {
            case .clerk, .admin: "/desk"
            case .bank: "/bank"
            case .exchange, .agent: "/notices"
            }
        return .seeOther(next.isEmpty ? home : next, cookie: SessionCookie.set(secret, for: request))
    }

    func signOut(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        try Self.checkCSRF(try await FormData(request, context: context), session)
        if let secret = SessionCookie.value(in: request) { try await accounts.signOut(secret) }
        return .seeOther("/", cookie: SessionCookie.clear(for: request))
    }

    /// Where to go after signing in: a path of this site only (never `//elsewhere`).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 300 else {
            return nil
        }
        return next
    }
}
