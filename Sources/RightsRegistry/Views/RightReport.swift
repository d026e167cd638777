/// Everything the register says about one right, as of today: the right, who holds it (with the
/// household's members, who all hold it — L-7), its encumbrances and the flags a searcher must
/// see (物权编解释（一） art. 15).
public struct RightReport: Sendable {
    public let right: Right
    public let holderName: String?
    public let householdMembers: [HouseholdMember]
    public let encumbrances: [Encumbrance]
    public let flags: RightFlags
    public let today: Day

    /// The right's status today (`Right.status(on:)`), as every view shows it.
    public var status: RightStatus { right.status(on: today) }

    /// Whether the reader may see full ID numbers (clerks and administrators); everyone else
    /// sees `330424********1234`.
    public enum Visibility: Sendable {
        case full
        case masked
    }

    public func json(_ visibility: Visibility) -> JSONValue {
        let encoder = JSONValueEncoder()
        func id(_ number: CitizenID) -> JSONValue { .string(visibility == .full ? number.rawValue : number.masked) }
        var object: [String: JSONValue] = [
            "id": .string(right.id.rawValue),
            "kind": .string(right.kind.rawValue),
            "kind_name": .string(right.kind.chineseName),
            "status": .string(status.rawValue),
            "holder": .string(visibility == .full ? right.holder.rawValue : right.holder.masked),
            "collective": .string(right.collective.rawValue),
            "region": .string(right.region.rawValue),
            "origin": .string(right.origin.rawValue),
            "registered_at": .number(Double(right.registeredAt)),
            "updated_at": .number(Double(right.updatedAt)),
            "flags": .array(flags.names.map(JSONValue.string)),
            "detail": (try? encoder.encode(right.detail)) ?? .null,
            "filings": (try? encoder.encode(right.filings)) ?? .array([]),
            "encumbrances": .array(
                encumbrances.map { encumbrance in
                    var value = (try? encoder.encode(encumbrance)) ?? .null
                    if case .object(var members) = value {
                        members["status"] = .string(encumbrance.status(on: today).rawValue)
                        members["active"] = .bool(encumbrance.isActive(on: today))
                        value = .object(members)
                    }
                    return value
                }),
        ]
        if let holderName { object["holder_name"] = .string(holderName) }
        if let certificate = right.certificate { object["certificate"] = .string(certificate) }
        if let term = right.term { object["term"] = (try? encoder.encode(term)) ?? .null }
        if let area = right.area {
            object["area_m2"] = .string(area.description)
            object["area_mu"] = .string(area.mu)
        }
        if let noticeEnds = right.noticeEnds { object["notice_ends"] = .string(noticeEnds.description) }
        if !householdMembers.isEmpty {
            object["household_members"] = .array(
                householdMembers.map { member in
                    [
                        "name": .string(member.person.name), "id_number": id(member.person.idNumber),
                        "relation": .string(member.relation),
                    ]
                })
        }
        if case .person(let number) = right.holder { object["holder_id_number"] = id(number) }
        return .object(object)
    }
}

/// Read-side questions the CLI and the server ask, answered the same way for both.
public struct RegistryQueries: Sendable {
    public let registry: Registry

    public init(registry: Registry) { self.registry = registry }

    var reads: StoreReads { registry.reads }

    public func report(_ id: RightID) async throws -> RightReport {
        guard let (right, encumbrances, holder) = try await reads.rightWithEncumbrancesAndHolder(id) else {
            throw RegistryError.notFound("right", id.rawValue)
        }
        return report(right, encumbrances, holder)
    }

    /// The report on a right named by its ID or by the number of any certificate issued for it.
    public func report(idOrCertificate text: String) async throws -> RightReport {
        if let id = try? RightID(text.uppercased()), let found = try await reads.rightWithEncumbrancesAndHolder(id) {
            return report(found.right, found.encumbrances, found.holder)
        }
        return try await report(try await right(certificate: text))
    }

    /// A right by its ID or by the number of any certificate issued for it.
    public func right(idOrCertificate text: String) async throws -> Right {
        if let id = try? RightID(text.uppercased()), let right = try await reads.right(id) { return right }
        return try await right(certificate: text)
    }

    /// The right a certificate number was issued for.
    private func right(certificate text: String) async throws -> Right {
        if let document = try await registry.store.document(CertificateRecord.key(text)) {
            let record = try JSONValueDecoder().decode(CertificateRecord.self, from: document)
            if let right = try await reads.right(record.right) { return right }
        }
        throw RegistryError.notFound("right", text)
    }

    public func report(_ right: Right) async throws -> RightReport {
        let (encumbrances, holder) = try await reads.encumbrancesAndHolder(of: right)
        return report(right, encumbrances, holder)
    }

    /// The report on `right` from its encumbrances and its holder's record, read with it.
    func report(_ right: Right, _ encumbrances: [Encumbrance], _ holder: HolderRecord) -> RightReport {
        let today = registry.today
        var name: String?
        var members: [HouseholdMember] = []
        switch holder {
        case .household(let household):
            if let household {
                name = household.head.name
                members = [HouseholdMember(person: household.head, relation: "户主")] + household.members
            }
        case .person(let memberships): name = memberships.first?.person.name
        case .organisation(let organisation): name = organisation?.name
        case .collective(let collective): name = collective?.name
        }
        return RightReport(
            right: right, holderName: name, householdMembers: members, encumbrances: encumbrances,
            flags: RightFlags(encumbrances: encumbrances, on: today), today: today)
    }

    public func list(_ query: RightQuery) async throws -> [Right] {
        try await reads.rights(query)
    }

    /// The right's log entries, oldest first.
    public func history(_ id: RightID) async throws -> [LogEntry] {
        guard let right = try await reads.right(id) else { throw RegistryError.notFound("right", id.rawValue) }
        var entries: [LogEntry] = []
        for index in right.history {
            if let entry = try await registry.store.entry(index) { entries.append(entry) }
        }
        return entries
    }
}
