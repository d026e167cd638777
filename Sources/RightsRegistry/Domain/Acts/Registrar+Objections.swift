extension Registrar {
    /// 异议登记 (C-5): it lapses unless suit is filed within 15 days, and an applicant may not
    /// register it again on the same grounds (实施细则 art. 83) — otherwise one neighbour could keep
    /// a right undisposable for ever, re-filing every sixteenth day.
    func object(to right: Right, _ applicant: String, _ grounds: String) async throws -> any RegistryEvent {
        let applicant = try required(applicant, "applicant")
        let grounds = try required(grounds, "grounds")
        let key = Self.normalised(grounds)
        if let earlier = try await reads.encumbrances(on: right.id).first(where: {
            $0.kind == .objection && $0.holder == applicant && Self.normalised($0.reference) == key
        }) {
            throw RegistryError.rule(
                "IR-83",
                "\(applicant) registered this objection on \(earlier.registeredOn) (\(earlier.id), \(earlier.status(on: today).rawValue)); it is not registered again on the same grounds",
                field: "grounds")
        }
        return EncumbranceRegistered(
            right: right.id, encumbrance: .objection, holder: applicant, reference: grounds,
            lapsesAfter: lapse(today.adding(days: policy.objectionDays), on: right))
    }

    /// The applicant filed suit within the period and the court accepted it: the objection stays
    /// in effect until the court decides (实施细则 art. 83).
    func fileSuit(on right: Right, _ id: EncumbranceID, _ suit: Suit) async throws -> any RegistryEvent {
        let objection = try await objection(id, on: right)
        _ = try required(suit.court, "court")
        _ = try required(suit.caseNumber, "case_number")
        guard objection.suit == nil else {
            throw RegistryError.conflict("objection", "suit \(objection.suit?.caseNumber ?? "") is already on record")
        }
        switch objection.status(on: today) {
        case .active: break
        case .lapsed:
            throw RegistryError.rule(
                "C-5",
                "\(id) lapsed after \(objection.lapsesAfter?.description ?? "its period"): no suit was on record within \(policy.objectionDays) days"
            )
        case .released, .pending:
            throw RegistryError.conflict("objection", "\(id) is \(objection.status(on: today).rawValue)")
        }
        guard objection.registeredOn <= suit.acceptedOn, suit.acceptedOn <= today,
            suit.acceptedOn <= (objection.lapsesAfter ?? today)
        else {
            throw RegistryError.rule(
                "IR-83",
                "the court accepts the suit between the objection (\(objection.registeredOn)) and its lapse (\(objection.lapsesAfter?.description ?? "-")), not after today",
                field: "accepted_on")
        }
        return ObjectionSuitFiled(objection: id, right: right.id, suit: suit, lapsesAfter: lapse(nil, on: right))
    }

    /// Only the applicant withdraws its objection.
    func withdrawObjection(on right: Right, _ id: EncumbranceID, by applicant: String) async throws
        -> any RegistryEvent
    {
        let objection = try await objection(id, on: right)
        guard objection.holder == applicant.trimmingCharacters(in: .whitespaces) else {
            throw RegistryError.invalid("by", "only the applicant (\(objection.holder)) withdraws \(id)")
        }
        guard objection.isActive(on: today) else {
            throw RegistryError.conflict("objection", "\(id) is \(objection.status(on: today).rawValue)")
        }
        return EncumbranceReleased(encumbrance: id, right: right.id, by: "withdrawn by \(objection.holder)")
    }

    /// The court that accepted the suit decided it; the objection ends (a correction, if the
    /// court found for the applicant, is its own act).
    func decideObjection(on right: Right, _ id: EncumbranceID, court: String, document: String) async throws
        -> any RegistryEvent
    {
        let objection = try await objection(id, on: right)
        _ = try required(document, "document")
        guard let suit = objection.suit, objection.isActive(on: today) else {
            throw RegistryError.conflict("objection", "\(id) has no suit in progress")
        }
        guard suit.court == court.trimmingCharacters(in: .whitespaces) else {
            throw RegistryError.invalid("court", "the suit on \(id) is before \(suit.court)")
        }
        return EncumbranceReleased(encumbrance: id, right: right.id, by: "\(suit.court) \(document)")
    }

    func objection(_ id: EncumbranceID, on right: Right) async throws -> Encumbrance {
        guard let objection = try await reads.encumbrance(id), objection.right == right.id,
            objection.kind == .objection
        else { throw RegistryError.notFound("objection", id.rawValue) }
        return objection
    }

    /// Grounds compared as a clerk would read them: case and runs of spaces do not matter.
    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
