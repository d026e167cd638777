import Hummingbird

/// A known path asked with a method it does not have — any method, `QUERY` or `BREW` included —
/// is 405 with `Allow`, not the router's 404. It sits inside `ProblemMiddleware`, so it sees the
/// router's own not-found error before that becomes an answer.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = RegistryRequestContext

    /// Path templates (`/v1/rights/{id}`) split into segments, with the methods each answers.
    let routes: [(segments: [Substring], allowed: String)]

    init(endpoints: [Endpoint]) {
        routes = Dictionary(grouping: endpoints, by: \.path).map { path, endpoints in
            var methods = Set(endpoints.map(\.method.rawValue))
            if methods.contains("GET") { methods.insert("HEAD") }
            return (path.split(separator: "/"), methods.sorted().joined(separator: ", "))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            guard let route = routes.first(where: { Self.matches($0.segments, segments) }) else { throw error }
            throw Problem(
                status: .methodNotAllowed, code: "http.405",
                detail: "\(request.uri.path) answers \(route.allowed)", allow: route.allowed)
        }
    }

    static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        template.count == segments.count
            && zip(template, segments).allSatisfy { pattern, segment in
                pattern.first == "{" || pattern == segment
            }
    }
}
