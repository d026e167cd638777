// Hand-written canonical JSON for a household — its registration entry, its document and its
// members' roster lines — and for certificates: after rights, the most encoded values of an
// import (issue 16). Each writes what its `Codable` conformance gives (member names from its
// `CodingKeys`, sorted; nil optionals omitted); `CanonicalOutputTests` holds them to that.

extension Household: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) throws {
        try output.object { output in
            output.member("code", code.rawValue)
            output.member("collective", collective.rawValue)
            output.member("contract_land_barred_until", ifPresent: contractLandBarredUntil?.description)
            if let disposedDwelling {
                output.key("disposed_dwelling")
                try output.encodable(disposedDwelling)
            }
            output.member("extinct", ifPresent: extinct?.description)
            output.key("head")
            head.write(to: &output)
            output.member("homestead_eligibility_given_up", ifPresent: homesteadEligibilityGivenUp?.description)
            output.key("members")
            output.array(members) { output, member in member.write(to: &output) }
            if let movedToTown {
                output.key("moved_to_town")
                try output.encodable(movedToTown)
            }
            output.member("registered_at", registeredAt)
        }
    }
}

extension HouseholdRegistered: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("code", code.rawValue)
            output.key("head")
            head.write(to: &output)
            output.key("members")
            output.array(members) { output, member in member.write(to: &output) }
            output.member("origin", origin.rawValue)
        }
    }
}

extension Membership: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("collective", collective.rawValue)
            output.member("household", ifPresent: household?.rawValue)
            output.key("person")
            person.write(to: &output)
            output.member("since", since)
        }
    }
}

extension CertificateRecord: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("entry", entry)
            output.member("issued_on", issuedOn.description)
            output.member("issuer", issuer)
            output.member("number", number)
            output.member("right", right.rawValue)
            output.member("supersedes", ifPresent: supersedes)
        }
    }
}

extension Person {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("id_number", idNumber.rawValue)
            output.member("name", name)
        }
    }
}

extension HouseholdMember {
    /// The person's members and the relation in one object, as its `Codable` conformance has it.
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("id_number", person.idNumber.rawValue)
            output.member("name", person.name)
            output.member("relation", relation)
        }
    }
}
