// Hand-written canonical JSON for a right — its registration entry and its document — with its
// parcels and their claims: the most encoded values of an import (issue 16). Each writes what its `Codable`
// conformance gives (member names from its `CodingKeys`, sorted; nil optionals omitted);
// `CanonicalOutputTests` holds them to that.

extension Right: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) throws {
        try output.object { output in
            if let certificate {
                output.key("certificate")
                output.string(certificate)
            }
            output.key("collective")
            output.string(collective.rawValue)
            output.key("detail")
            try detail.write(to: &output)
            output.key("filings")
            try output.array(filings) { output, filing in try output.encodable(filing) }
            output.key("history")
            output.array(history) { output, index in output.number(index) }
            output.key("holder")
            output.string(holder.rawValue)
            output.key("id")
            output.string(id.rawValue)
            output.key("kind")
            output.string(kind.rawValue)
            if let noticeEnds {
                output.key("notice_ends")
                output.string(noticeEnds.description)
            }
            output.key("origin")
            output.string(origin.rawValue)
            output.key("registered_at")
            output.number(registeredAt)
            output.key("status")
            output.string(recordedStatus.rawValue)
            if let term {
                output.key("term")
                term.write(to: &output)
            }
            output.key("updated_at")
            output.number(updatedAt)
        }
    }
}

extension RightRegistered: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) throws {
        try output.object { output in
            output.key("collective")
            output.string(collective.rawValue)
            if let consents {
                output.key("consents")
                try output.encodable(consents)
            }
            output.key("detail")
            try detail.write(to: &output)
            if let filing {
                output.key("filing")
                try output.encodable(filing)
            }
            output.key("holder")
            output.string(holder.rawValue)
            output.key("id")
            output.string(id.rawValue)
            if let noticeEnds {
                output.key("notice_ends")
                output.string(noticeEnds.description)
            }
            output.key("origin")
            output.string(origin.rawValue)
            if let term {
                output.key("term")
                term.write(to: &output)
            }
        }
    }
}

extension RightDetail {
    /// One member named after the kind; contract land written here, the others through `Codable`.
    func write(to output: inout CanonicalOutput) throws {
        try output.object { output in
            switch self {
            case .contractLand(let land):
                output.key("contract_land")
                output.object { output in
                    output.key("parcels")
                    output.array(land.parcels) { output, parcel in parcel.write(to: &output) }
                }
            case .landManagement(let lease):
                output.key("land_management")
                try output.encodable(lease)
            case .homestead(let homestead):
                output.key("homestead")
                try output.encodable(homestead)
            case .collectiveShare(let holding):
                output.key("collective_share")
                try output.encodable(holding)
            }
        }
    }
}

extension Parcel {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("area_m2")
            output.string(area.description)
            output.key("basic_farmland")
            output.bool(basicFarmland)
            output.key("bounds")
            output.object { output in
                output.key("east")
                output.string(bounds.east)
                output.key("north")
                output.string(bounds.north)
                output.key("south")
                output.string(bounds.south)
                output.key("west")
                output.string(bounds.west)
            }
            output.key("code")
            output.string(code.rawValue)
            output.key("land_use")
            output.string(landUse.rawValue)
            output.key("location")
            output.string(location)
        }
    }
}

extension Term {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("end")
            output.string(end.description)
            output.key("start")
            output.string(start.description)
        }
    }
}

extension ParcelClaim: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("parcel")
            output.string(parcel.rawValue)
            output.key("right")
            output.string(right.rawValue)
        }
    }
}
