/// Which contract-land right a parcel belongs to: one parcel, one right. Kept as its own record so
/// that a parcel code finds its right in one read and cannot be registered twice.
public struct ParcelClaim: Hashable, Sendable, Codable {
    public var parcel: ParcelCode
    public var right: RightID

    public init(parcel: ParcelCode, right: RightID) {
        self.parcel = parcel
        self.right = right
    }
}

/// The policy in force, as the last `policy` entry set it.
public struct PolicyRecord: Hashable, Sendable, Codable {
    public var policy: RegistryPolicy
    public var setAt: UInt64

    enum CodingKeys: String, CodingKey {
        case policy
        case setAt = "set_at"
    }
}
