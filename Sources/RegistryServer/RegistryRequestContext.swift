public import Hummingbird

/// The request context of every route: Hummingbird's core storage and who is calling.
public struct RegistryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller named by the bearer token; nil for the public.
    public var principal: Principal?
    /// Why the bearer token given was not taken — not one this registry issued (401), too many
    /// failures from this address (429), the store not answering (503): every route answers it.
    public var tokenProblem: Problem?
    /// The peer's IP address, for limits per source; nil when the request did not come over
    /// the network (the router tests).
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The register's bodies are small; 1 MB leaves room for a contract with many parcels.
    public var maxUploadSize: Int { 1 << 20 }
}
