public import Hummingbird

/// The request context of every route: Hummingbird's core storage and who is calling.
public struct RegistryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller named by the bearer token; nil for the public.
    public var principal: Principal?
    /// A bearer token was given that this registry did not issue: every route answers 401.
    public var rejectedToken = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// The register's bodies are small; 1 MB leaves room for a contract with many parcels.
    public var maxUploadSize: Int { 1 << 20 }
}
