public import Foundation

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)` that gives up after `limit` with `URLError(.timedOut)`.
    ///
    /// On Linux, FoundationNetworking does not apply `URLRequest.timeoutInterval` to a peer that
    /// takes the connection and never answers: measured with Swift 6.3.1, a request with a
    /// two-second timeout to a socket that listens but never accepts was still waiting a minute
    /// later. A witness stopped mid-answer would hold the pusher's round for ever, and a test's
    /// request to a server that stopped answering would hold the whole test run. Cancelling the
    /// task does end the request, so the limit cancels it.
    public func data(for request: URLRequest, within limit: Duration) async throws -> (Data, URLResponse) {
        try await withThrowingTaskGroup(of: (Data, URLResponse)?.self) { group in
            group.addTask { try await self.data(for: request) }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let answer = try await group.next() ?? nil else { throw URLError(.timedOut) }
            return answer
        }
    }
}
