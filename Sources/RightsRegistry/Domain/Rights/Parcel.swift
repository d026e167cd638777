/// A contracted parcel (承包地块) as the contract and the certificate describe it (L-5, rule book §6.1).
public struct Parcel: Hashable, Sendable, Codable {
    public var code: ParcelCode
    /// 坐落.
    public var location: String
    /// 四至.
    public var bounds: Bounds
    public var area: SquareMetres
    /// 土地用途 code of NY/T 2539 C.9: 1 种植业, 2 林业, 3 畜牧业, 4 渔业, 5 其他.
    public var landUse: LandUse
    /// 是否基本农田.
    public var basicFarmland: Bool

    public init(
        code: ParcelCode, location: String, bounds: Bounds, area: SquareMetres, landUse: LandUse, basicFarmland: Bool
    ) {
        self.code = code
        self.location = location
        self.bounds = bounds
        self.area = area
        self.landUse = landUse
        self.basicFarmland = basicFarmland
    }

    enum CodingKeys: String, CodingKey {
        case code, location, bounds
        case area = "area_m2"
        case landUse = "land_use"
        case basicFarmland = "basic_farmland"
    }
}

/// 四至: what a parcel borders on each side.
public struct Bounds: Hashable, Sendable, Codable {
    public var east: String
    public var south: String
    public var west: String
    public var north: String

    public init(east: String, south: String, west: String, north: String) {
        self.east = east
        self.south = south
        self.west = west
        self.north = north
    }
}

/// 土地用途 (NY/T 2539 C.9), which also sets the contract term the law allows (L-4).
public enum LandUse: String, Sendable, Codable, CaseIterable {
    case cropping = "1"
    case forestry = "2"
    case husbandry = "3"
    case fishery = "4"
    case other = "5"

    /// Contract terms allowed for land of this use, in years (L-4: 耕地 30; 草地 30–50; 林地 30–70).
    public var allowedTermYears: ClosedRange<Int> {
        switch self {
        case .forestry: 30...70
        case .husbandry: 30...50
        case .cropping, .fishery, .other: 30...30
        }
    }
}
