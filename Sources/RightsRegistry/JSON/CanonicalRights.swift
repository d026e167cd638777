// Hand-written canonical JSON for a right — its registration entry and its document — with its
// parcels and their claims: the most encoded values of an import (issue 16). Each writes what
// its `Codable` conformance gives (member names from its `CodingKeys`, sorted; nil optionals
// omitted); `CanonicalOutputTests` holds them to that.

extension Right: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) throws {
        output.object { output in
            output.member("certificate", ifPresent: certificate)
            output.member("collective", collective.rawValue)
            output.key("detail")
            detail.write(to: &output)
            output.key("filings")
            output.array(filings) { output, filing in filing.write(to: &output) }
            output.key("history")
            output.array(history) { output, index in output.number(index) }
            output.member("holder", holder.rawValue)
            output.member("id", id.rawValue)
            output.member("kind", kind.rawValue)
            output.member("notice_ends", ifPresent: noticeEnds?.description)
            output.member("origin", origin.rawValue)
            output.member("registered_at", registeredAt)
            output.member("status", recordedStatus.rawValue)
            if let term {
                output.key("term")
                term.write(to: &output)
            }
            output.member("updated_at", updatedAt)
        }
    }
}

extension RightRegistered: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) throws {
        output.object { output in
            output.member("collective", collective.rawValue)
            if let consents {
                output.key("consents")
                output.array(consents) { output, consent in consent.write(to: &output) }
            }
            output.key("detail")
            detail.write(to: &output)
            if let filing {
                output.key("filing")
                filing.write(to: &output)
            }
            output.member("holder", holder.rawValue)
            output.member("id", id.rawValue)
            output.member("notice_ends", ifPresent: noticeEnds?.description)
            output.member("origin", origin.rawValue)
            if let term {
                output.key("term")
                term.write(to: &output)
            }
        }
    }
}

extension RightDetail {
    /// One member named after the kind.
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            switch self {
            case .contractLand(let land):
                output.key("contract_land")
                output.object { output in
                    output.key("parcels")
                    output.array(land.parcels) { output, parcel in parcel.write(to: &output) }
                }
            case .landManagement(let lease):
                output.key("land_management")
                lease.write(to: &output)
            case .homestead(let homestead):
                output.key("homestead")
                homestead.write(to: &output)
            case .collectiveShare(let holding):
                output.key("collective_share")
                holding.write(to: &output)
            }
        }
    }
}

/// Every household's homestead: its registration and its document (issue 16: through `Codable`
/// the homesteads and share holdings were a twentieth of an import's own CPU on PostgreSQL).
extension Homestead {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("eligibility")
            output.bool(eligibility)
            output.key("exceeds_area_standard")
            output.bool(exceedsAreaStandard)
            output.member("floor_area_m2", ifPresent: floorArea?.description)
            output.member("land_category", landCategory.rawValue)
            output.member("location", location)
            output.member("plot_area_m2", plotArea.description)
        }
    }
}

extension ShareHolding {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("class", shareClass)
            output.member("shares", shares)
        }
    }
}

extension Parcel {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("area_m2", area.description)
            output.key("basic_farmland")
            output.bool(basicFarmland)
            output.key("bounds")
            output.object { output in
                output.member("east", bounds.east)
                output.member("north", bounds.north)
                output.member("south", bounds.south)
                output.member("west", bounds.west)
            }
            output.member("code", code.rawValue)
            output.member("land_use", landUse.rawValue)
            output.member("location", location)
        }
    }
}

/// A 土地经营权: every settled lease writes it twice, in its registration and in its document
/// (issue 16: through `Codable` it was a twentieth of a settlement's time).
extension LandManagement {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("area_m2", area.description)
            output.member("contract_right", contractRight.rawValue)
            if let filedOnly {
                output.key("filed_only")
                output.bool(filedOnly)
            }
            output.member("method", method.rawValue)
            output.key("parcels")
            output.array(parcels) { output, parcel in output.string(parcel.rawValue) }
            output.member("parent", parent.rawValue)
            if let rent {
                output.key("rent")
                output.object { output in
                    output.member("annual_fen", rent.annual.value)
                    output.key("schedule")
                    output.array(rent.schedule) { output, instalment in
                        output.object { output in
                            output.member("amount_fen", instalment.amount.value)
                            output.member("due", instalment.due.description)
                        }
                    }
                }
            }
            output.member("use", ifPresent: use)
        }
    }
}

extension Term {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("end", end.description)
            output.member("start", start.description)
        }
    }
}

/// What a settled lease's right, its registration and its listing each carry (through `Codable`
/// a filing was a hundredth of a settlement's samples).
extension Filing {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("document", document)
            output.member("entry", ifPresent: entry)
            output.member("filed_with", filedWith)
            output.member("matter", matter)
            output.member("on", on.description)
        }
    }
}

extension Consent {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("by", by)
            output.member("document", document)
            output.member("on", on.description)
            output.member("party", party.rawValue)
        }
    }
}

extension ParcelClaim: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("parcel", parcel.rawValue)
            output.member("right", right.rawValue)
        }
    }
}
