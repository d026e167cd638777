import Foundation
public import Hummingbird
import Logging

/// One structured log line per request: method, route template (not the URI, whose query may
/// carry ID numbers), status, duration, and who — never the token.
public struct RequestLogMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        func log(_ status: Int) {
            let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
            context.logger.info(
                "request",
                metadata: [
                    "method": .string(request.method.rawValue),
                    "route": .string(context.endpointPath ?? "(no route)"),
                    "status": .stringConvertible(status),
                    "ms": .string(String(format: "%.2f", milliseconds)),
                    "caller": .string(context.principal?.actor ?? "public"),
                ])
        }
        do {
            let response = try await next(request, context)
            log(response.status.code)
            return response
        } catch {
            log(Problem.from(error).status.code)
            throw error
        }
    }
}
