// Hand-written canonical JSON for a household — its registration entry, its document and its
// members' roster lines — and for certificates: after rights, the most encoded values of an
// import (issue 16). Each writes what its `Codable` conformance gives (member names from its
// `CodingKeys`, sorted; nil optionals omitted); `CanonicalOutputTests` holds them to that.

extension Household: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) throws {
        try output.object { output in
            output.key("code")
            output.string(code.rawValue)
            output.key("collective")
            output.string(collective.rawValue)
            if let contractLandBarredUntil {
                output.key("contract_land_barred_until")
                output.string(contractLandBarredUntil.description)
            }
            if let disposedDwelling {
                output.key("disposed_dwelling")
                try output.encodable(disposedDwelling)
            }
            if let extinct {
                output.key("extinct")
                output.string(extinct.description)
            }
            output.key("head")
            head.write(to: &output)
            if let homesteadEligibilityGivenUp {
                output.key("homestead_eligibility_given_up")
                output.string(homesteadEligibilityGivenUp.description)
            }
            output.key("members")
            output.array(members) { output, member in member.write(to: &output) }
            if let movedToTown {
                output.key("moved_to_town")
                try output.encodable(movedToTown)
            }
            output.key("registered_at")
            output.number(registeredAt)
        }
    }
}

extension HouseholdRegistered: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("code")
            output.string(code.rawValue)
            output.key("head")
            head.write(to: &output)
            output.key("members")
            output.array(members) { output, member in member.write(to: &output) }
            output.key("origin")
            output.string(origin.rawValue)
        }
    }
}

extension Membership: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("collective")
            output.string(collective.rawValue)
            if let household {
                output.key("household")
                output.string(household.rawValue)
            }
            output.key("person")
            person.write(to: &output)
            output.key("since")
            output.number(since)
        }
    }
}

extension CertificateRecord: CanonicalOutputWritable {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("entry")
            output.number(entry)
            output.key("issued_on")
            output.string(issuedOn.description)
            output.key("issuer")
            output.string(issuer)
            output.key("number")
            output.string(number)
            output.key("right")
            output.string(right.rawValue)
            if let supersedes {
                output.key("supersedes")
                output.string(supersedes)
            }
        }
    }
}

extension Person {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("id_number")
            output.string(idNumber.rawValue)
            output.key("name")
            output.string(name)
        }
    }
}

extension HouseholdMember {
    /// The person's members and the relation in one object, as its `Codable` conformance has it.
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("id_number")
            output.string(person.idNumber.rawValue)
            output.key("name")
            output.string(person.name)
            output.key("relation")
            output.string(relation)
        }
    }
}
