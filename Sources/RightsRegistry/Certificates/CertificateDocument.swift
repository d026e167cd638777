/// The statement a certificate (权证) signs: the right as of one log entry, with the fields of
/// the national certificates (rule book §6: 权利人, 共有情况, 坐落, 不动产单元号 / 地块代码,
/// 权利类型, 权利性质, 用途, 面积, 使用期限, 发证机关, 证号) and the entry it reflects.
public enum CertificateDocument {
    public static let type = "rights-certificate+jws"

    public static func payload(
        record: CertificateRecord, report: RightReport, entry: LogEntry, registry origin: String
    ) -> JSONValue {
        let right = report.right
        var payload: [String: JSONValue] = [
            "type": "rights-certificate",
            "registry": .string(origin),
            "certificate_no": .string(record.number),
            "issuer": .string(record.issuer),
            "issued_on": .string(record.issuedOn.description),
            "right_id": .string(right.id.rawValue),
            "right_kind": .string(right.kind.rawValue),
            "right_type": .string(right.kind.chineseName),
            "right_nature": .string(nature(of: right)),
            "use": .string(use(of: right)),
            "holder": .string(right.holder.rawValue),
            "holder_name": report.holderName.map(JSONValue.string) ?? .null,
            "collective": .string(right.collective.rawValue),
            "log_index": .number(Double(entry.index)),
            "leaf_hash": .string(entry.leafHash.base64),
            "supersedes": record.supersedes.map(JSONValue.string) ?? .null,
        ]
        if case .person(let id) = right.holder { payload["holder_id_number"] = .string(id.rawValue) }
        // 共有情况: family holdings are held by all members (L-3, L-7).
        if report.householdMembers.isEmpty {
            payload["co_ownership"] = "单独所有"
        } else {
            payload["co_ownership"] = "家庭共有"
            payload["members"] = .array(
                report.householdMembers.map { member in
                    [
                        "name": .string(member.person.name), "relation": .string(member.relation),
                        "id_number": .string(member.person.idNumber.rawValue),
                    ]
                })
        }
        if let term = right.term {
            payload["term"] = ["start": .string(term.start.description), "end": .string(term.end.description)]
        } else {
            payload["term"] = .null
        }
        if let area = right.area {
            payload["area_m2"] = .string(area.description)
            payload["area_mu"] = .string(area.mu)
        }
        switch right.detail {
        case .contractLand(let land):
            payload["location"] = .string(Array(Set(land.parcels.map(\.location))).sorted().joined(separator: "、"))
            payload["parcels"] = .array(
                land.parcels.map { parcel in
                    [
                        "code": .string(parcel.code.rawValue), "location": .string(parcel.location),
                        "bounds": [
                            "east": .string(parcel.bounds.east), "south": .string(parcel.bounds.south),
                            "west": .string(parcel.bounds.west), "north": .string(parcel.bounds.north),
                        ],
                        "area_m2": .string(parcel.area.description), "area_mu": .string(parcel.area.mu),
                        "basic_farmland": .bool(parcel.basicFarmland),
                    ]
                })
        case .landManagement(let lease):
            payload["parent"] = .string(lease.parent.rawValue)
            payload["parcels"] = .array(lease.parcels.map { ["code": .string($0.rawValue)] })
        case .homestead(let homestead):
            payload["unit_code"] = .string(right.id.rawValue)
            payload["location"] = .string(homestead.location)
            payload["floor_area_m2"] = homestead.floorArea.map { .string($0.description) } ?? .null
        case .collectiveShare(let holding):
            payload["shares"] = .number(Double(holding.shares))
            payload["share_class"] = .string(holding.shareClass)
        }
        return .object(payload)
    }

    /// 权利性质 (dictionary: 200 集体土地, 201 家庭承包, 204 入股 …).
    static func nature(of right: Right) -> String {
        switch right.detail {
        case .contractLand: "家庭承包"
        case .landManagement(let lease): lease.method == .shareContribution ? "入股" : "出租（转包）"
        case .homestead: "集体土地"
        case .collectiveShare: "集体经营性财产收益权份额"
        }
    }

    /// 用途.
    static func use(of right: Right) -> String {
        switch right.detail {
        case .contractLand(let land):
            let names: [LandUse: String] = [
                .cropping: "种植业", .forestry: "林业", .husbandry: "畜牧业", .fishery: "渔业", .other: "其他",
            ]
            return LandUse.allCases.filter { use in land.parcels.contains { $0.landUse == use } }.map { names[$0]! }
                .joined(separator: "、")
        case .landManagement(let lease): return lease.use ?? "农业"
        case .homestead: return "住宅"
        case .collectiveShare: return "收益分配"
        }
    }
}
