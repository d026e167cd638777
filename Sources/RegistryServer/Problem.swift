import Foundation
public import HTTPTypes
public import Hummingbird
public import RightsRegistry

/// An error answered as RFC 9457 `application/problem+json`, with a stable `code` (and the
/// rule id for rule refusals). Every error the server sends is one of these.
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let detail: String
    public let rule: String?
    public let field: String?
    public let errors: [FieldProblem]
    /// For 405: the methods the path answers.
    public let allow: String?
    /// For 503, 429 and a key in use: when to try again, in seconds (`Retry-After`).
    public var retryAfter: Int?

    public init(
        status: HTTPResponse.Status, code: String, detail: String, rule: String? = nil, field: String? = nil,
        errors: [FieldProblem] = [], allow: String? = nil
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.rule = rule
        self.field = field
        self.errors = errors
        self.allow = allow
    }

    /// The one table from register errors to HTTP statuses.
    public init(_ error: RegistryError) {
        let status: HTTPResponse.Status =
            switch error.category {
            case .validation: error.code == "validation.body" ? .badRequest : .unprocessableContent
            case .rule: .unprocessableContent
            case .notFound: .notFound
            case .conflict: .conflict
            case .auth: error.code == "auth.token" ? .unauthorized : .forbidden
            case .unavailable: .serviceUnavailable
            case .integrity: .internalServerError
            }
        self.init(
            status: status, code: error.code, detail: error.message, rule: error.rule, field: error.field,
            errors: error.problems.count > 1 ? error.problems : [])
        // An outage passes: the client is told when to try again rather than that it erred.
        if error.category == .unavailable { retryAfter = 5 }
    }

    /// Any error thrown while answering a request, as a problem. Unknown errors are a 500 whose
    /// detail says nothing of the internals (they are logged instead).
    public static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let error as RegistryError: return Problem(error)
        case let error as JSONParseError:
            return Problem(status: .badRequest, code: "validation.body", detail: "\(error)")
        case let error as HTTPError:
            return Problem(
                status: error.status, code: "http.\(error.status.code)", detail: error.body ?? error.status.reasonPhrase
            )
        case let error as any HTTPResponseError:
            return Problem(status: error.status, code: "http.\(error.status.code)", detail: error.status.reasonPhrase)
        default:
            if let outage = StoreOutage.classify(error) { return Problem(outage) }
            return Problem(
                status: .internalServerError, code: "internal", detail: "the server could not answer this request")
        }
    }

    public static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, code: "auth.token", detail: detail)
    }

    public static func forbidden(_ code: String, _ detail: String) -> Problem {
        Problem(status: .forbidden, code: code, detail: detail)
    }

    public var body: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string("https://rights.example/problems/\(code)"),
            "title": .string(status.reasonPhrase),
            "status": .number(Double(status.code)),
            "detail": .string(detail),
            "code": .string(code),
        ]
        if let rule { object["rule"] = .string(rule) }
        if let field { object["field"] = .string(field) }
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { ["field": .string($0.field), "reason": .string($0.reason)] })
        }
        return .object(object)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let allow { headers[.allow] = allow }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }

        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.bytes(body))))
    }
}
