import Exchange
import Foundation
import Hummingbird
import RightsRegistry
import ServiceLifecycle

/// `GET /v1/listings/{id}/events`: the auction as Server-Sent Events, so bidders watch it live.
/// `standing` carries the listing (as the notice board shows it) whenever it changes — a bid, a
/// new round, a suspension; `countdown` each second while bidding runs (phase, round, end and
/// seconds left by the server's clock); `result` once bidding is over (matching, a deal, 流拍,
/// termination), and then the stream ends. The listing is read from the store, so a bid taken
/// by any server on the same database is seen. A stream also ends after ten minutes and when
/// the server shuts down (an EventSource reconnects by itself), so it never holds a shutdown.
struct AuctionStream {
    let exchange: ExchangeService
    let id: ListingID
    /// How often the listing is read again.
    static let interval: Duration = .milliseconds(200)
    /// A stream ends after this long even if bidding still runs; the client reconnects.
    static let longest: Duration = .seconds(600)

    /// The listing shown as the public notice board shows it.
    let view: @Sendable (Listing) throws -> JSONValue

    func response() async throws -> Response {
        let first = try await exchange.listing(id)  // 404 before the stream starts
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                var last: JSONValue?
                var ticks = 0
                let clock = ContinuousClock()
                let deadline = clock.now.advanced(by: Self.longest)
                var listing = first
                while clock.now < deadline, !Task.isShuttingDownGracefully {
                    let shown = try view(listing)
                    if shown != last {
                        try await writer.write(Self.event("standing", shown))
                        last = shown
                    }
                    if !Self.isBidding(listing.status) {
                        try await writer.write(Self.event("result", Self.result(listing)))
                        break
                    }
                    if ticks % 5 == 0, let schedule = listing.auction {
                        try await writer.write(Self.event("countdown", countdown(schedule)))
                    }
                    ticks += 1
                    try await Task.sleep(for: Self.interval)
                    listing = try await exchange.listing(id)
                }
                try await writer.finish(nil)
            })
    }

    static func isBidding(_ status: ListingStatus) -> Bool {
        switch status {
        case .announced, .auction, .suspended: true
        case .submitted, .rejected, .matching, .awaitingPayment, .settled, .failed, .terminated: false
        }
    }

    func countdown(_ schedule: AuctionSchedule) -> JSONValue {
        let now = exchange.registry.clock.now()
        let phase = schedule.phase(at: now)
        return [
            "phase": phase.map { .string($0.rawValue) } ?? (now < schedule.opens ? "not-open" : "over"),
            "round": .number(Double(schedule.round)), "ends_at": .string(schedule.endsAt),
            "seconds_left": .number(max(0, schedule.ends.timeIntervalSince(now).rounded(.down))),
        ]
    }

    static func result(_ listing: Listing) -> JSONValue {
        var result: [String: JSONValue] = ["status": .string(listing.status.rawValue)]
        if let bid = listing.leadingBid {
            result["best_bid_fen"] = .number(Double(bid.amount.value))
            result["intent"] = .string(bid.intent.rawValue)
        }
        if let deal = listing.deal { result["deal"] = .string(deal.rawValue) }
        if let note = listing.note { result["note"] = .string(note) }
        return .object(result)
    }

    static func event(_ name: String, _ data: JSONValue) -> ByteBuffer {
        ByteBuffer(string: "event: \(name)\ndata: \(CanonicalJSON.string(data))\n\n")
    }
}
