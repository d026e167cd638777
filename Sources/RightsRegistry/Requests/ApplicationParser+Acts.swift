extension ApplicationParser {
    /// The body of `POST /v1/rights/{id}/acts` (and of `rights act ID --body`): a `kind` and the
    /// fields of that act.
    public static func rightAct(_ reader: inout FieldReader) -> RegistryActOnRight? {
        guard let kind = reader.string("kind") else { return nil }
        let act: RegistryActOnRight?
        switch kind {
        case "completion":
            act = .completion
        case "transfer":
            let to = holder(&reader, "to")
            let parcels = reader.strings("parcels", required: false, ParcelCode.init)
            let shares = reader.integer("shares", required: false, in: ShareHolding.inputRange)
            let consents = consents(&reader)
            let disposal = reader.string("disposal", required: false)
            var filing: Filing?
            if var nested = reader.object("filing", required: false) { filing = self.filing(&nested) }
            act = to.flatMap { to in
                consents.map {
                    .act(
                        .transfer(
                            Transfer(
                                to: to, parcels: parcels, shares: shares.map(Int.init), consents: $0,
                                disposal: disposal,
                                filing: filing)))
                }
            }
        case "change":
            let termChange = self.termChange(&reader)
            let detail = self.detail(&reader)
            let reason = reader.string("reason")
            act = reason.map { .act(.change(term: termChange, detail: detail, reason: $0)) }
        case "correction":
            let term = self.term(&reader, "term", required: false)
            let detail = self.detail(&reader)
            let basis = reader.value("basis") { text throws(InvalidValue) in
                guard let basis = CorrectionBasis(rawValue: text) else {
                    throw InvalidValue("holder-consent or proof-of-error")
                }
                return basis
            }
            let document = reader.string("document")
            act = basis.flatMap { basis in
                document.map { .act(.correction(term: term, detail: detail, basis: basis, document: $0)) }
            }
        case "cancellation":
            let ground = enumeration(&reader, "ground", CancellationGround.self)
            let document = reader.string("document")
            let reason = reader.string("reason", required: false)
            let consents = consents(&reader)
            act = ground.flatMap { ground in
                document.flatMap { document in
                    consents.map {
                        .act(
                            .cancellation(
                                Cancellation(ground: ground, document: document, reason: reason, consents: $0)))
                    }
                }
            }
        case "objection":
            let applicant = reader.string("applicant")
            let grounds = reader.string("grounds")
            act = applicant.flatMap { applicant in grounds.map { .act(.objection(applicant: applicant, grounds: $0)) } }
        case "objection-suit":
            let objection = reader.value("objection", EncumbranceID.init)
            let court = reader.string("court")
            let caseNumber = reader.string("case_number")
            let accepted = reader.day("accepted_on")
            if let objection, let court, let caseNumber, let accepted {
                act = .act(.objectionSuit(objection, Suit(court: court, caseNumber: caseNumber, acceptedOn: accepted)))
            } else {
                act = nil
            }
        case "objection-withdrawal":
            let objection = reader.value("objection", EncumbranceID.init)
            let by = reader.string("by")
            act = objection.flatMap { objection in by.map { .act(.objectionWithdrawal(objection, by: $0)) } }
        case "objection-ruling":
            let objection = reader.value("objection", EncumbranceID.init)
            let court = reader.string("court")
            let document = reader.string("document")
            if let objection, let court, let document {
                act = .act(.objectionRuling(objection, court: court, document: document))
            } else {
                act = nil
            }
        case "swap":
            let with = reader.value("with") { text throws(InvalidValue) in try RightID(text) }
            let gives = reader.strings("gives", ParcelCode.init)
            let takes = reader.strings("takes", ParcelCode.init)
            var filing: Filing?
            if var nested = reader.object("filing") { filing = self.filing(&nested) }
            if let with, let gives, let takes, let filing {
                act = .act(.swap(Swap(with: with, gives: gives, takes: takes, filing: filing)))
            } else {
                act = nil
            }
        case "inheritance":
            let heir = holder(&reader, "heir")
            let deceased = reader.value("deceased", CitizenID.init)
            let basis = enumeration(&reader, "basis", Inheritance.Basis.self)
            let certificate = reader.string("death_certificate")
            let document = reader.string("document")
            if let heir, let deceased, let basis, let certificate, let document {
                act = .act(
                    .inheritance(
                        Inheritance(
                            heir: heir, deceased: deceased, basis: basis, deathCertificate: certificate,
                            document: document)))
            } else {
                act = nil
            }
        case "advance-notice":
            let beneficiary = holder(&reader, "beneficiary")
            let reference = reader.string("reference")
            act = beneficiary.flatMap { beneficiary in
                reference.map { .act(.advanceNotice(beneficiary: beneficiary, reference: $0)) }
            }
        case "seizure":
            let court = reader.string("court")
            let caseNumber = reader.string("case_number")
            act = court.flatMap { court in caseNumber.map { .act(.seizure(court: court, caseNumber: $0)) } }
        case "seizure-release":
            let court = reader.string("court")
            let seizure = reader.value("seizure", required: false, EncumbranceID.init)
            act = court.map { .act(.seizureRelease(court: $0, seizure: seizure)) }
        case "filing":
            act = filing(&reader).map { .act(.filing($0)) }
        case "termination":
            let ground = reader.value("ground") { text throws(InvalidValue) in
                guard let ground = TerminationGround(rawValue: text) else {
                    throw InvalidValue(
                        "L-22 allows only " + TerminationGround.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return ground
            }
            let by = holder(&reader, "by")
            let document = reader.string("document")
            act = ground.flatMap { ground in
                by.flatMap { by in
                    document.map { .act(.termination(LeaseTermination(ground: ground, by: by, document: $0))) }
                }
            }
        default:
            reader.problem("kind", "unknown act; one of " + Self.rightActKinds.joined(separator: ", "))
            return nil
        }
        reader.skip("kind")
        reader.rejectUnknownFields()
        // A body with any problem is no act, even where the problem was in an optional part.
        return reader.allProblems.isEmpty ? act : nil
    }

    /// The `kind`s an acts body may name.
    public static let rightActKinds = [
        "completion", "transfer", "change", "correction", "cancellation", "objection", "objection-suit",
        "objection-withdrawal", "objection-ruling", "advance-notice", "seizure", "seizure-release", "filing",
        "termination", "swap", "inheritance",
    ]

    /// A string field holding one of an enumeration's raw values.
    static func enumeration<T: RawRepresentable & CaseIterable>(
        _ reader: inout FieldReader, _ name: String, _ type: T.Type, required: Bool = true
    ) -> T? where T.RawValue == String {
        reader.value(name, required: required) { text throws(InvalidValue) in
            guard let value = T(rawValue: text) else {
                throw InvalidValue("one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return value
        }
    }

    /// `{"extend_years": 30}` (延包) or `{"start": …, "end": …}`.
    static func termChange(_ reader: inout FieldReader) -> TermChange? {
        guard reader.has("term") else {
            _ = reader.object("term", required: false)
            return nil
        }
        if reader.has("extend_years", in: "term") {
            guard var nested = reader.object("term") else { return nil }
            let years = nested.integer("extend_years", in: 1...70)
            nested.rejectUnknownFields()
            return years.map { .extend(years: Int($0)) }
        }
        return term(&reader, "term").map(TermChange.replace)
    }

    /// New particulars for a change or correction, recognised by their fields: `parcels` for
    /// contract land, `plot_area_m2` for a homestead, `shares` + `class` for a share holding.
    static func detail(_ reader: inout FieldReader) -> RightDetail? {
        if reader.has("parcels") {
            guard
                let parcels = reader.objects("parcels")?.map({ element -> Parcel? in
                    var element = element
                    return parcel(&element)
                }), parcels.allSatisfy({ $0 != nil })
            else { return nil }
            return .contractLand(ContractLand(parcels: parcels.map { $0! }))
        }
        if reader.has("plot_area_m2") {
            return homestead(&reader).map(RightDetail.homestead)
        }
        if reader.has("shares") {
            let shares = reader.integer("shares", in: ShareHolding.inputRange)
            let shareClass = reader.string("class")
            guard let shares, let shareClass else { return nil }
            return .collectiveShare(ShareHolding(shares: Int(shares), shareClass: shareClass))
        }
        return nil
    }
}

extension ApplicationParser {
    /// The body of `POST /v1/mortgages` (and `rights mortgage register --body`); the mortgagee is
    /// the bank the caller's token names.
    ///
    /// `withMortgagor`: the caller may also bring the mortgagor's side (`mortgagor`), as a clerk at
    /// the counter with both parties present can; a bank's own request cannot.
    public static func mortgage(_ reader: inout FieldReader, mortgagee: String, withMortgagor: Bool = false)
        -> (RightID, MortgageApplication)?
    {
        let id = reader.value("right_id") { text throws(InvalidValue) in try RightID(text) }
        let amount = reader.fen("amount_fen")
        let term = term(&reader, "term")
        let contract = reader.string("contract")
        let consents = consents(&reader)
        var filing: Filing?
        if var nested = reader.object("filing", required: false) { filing = self.filing(&nested) }
        let residence = reader.string("other_residence", required: false)
        let parcels = reader.strings("parcels", required: false, ParcelCode.init)
        let shares = reader.integer("shares", required: false, in: ShareHolding.inputRange).map(Int.init)
        var mortgagor: MortgagorApplication?
        if withMortgagor, var nested = reader.object("mortgagor", required: false) {
            mortgagor = self.mortgagor(&nested)
        }
        reader.rejectUnknownFields()
        guard let id, let amount, let term, let contract, let consents else { return nil }
        return (
            id,
            MortgageApplication(
                mortgagee: mortgagee, amount: amount, term: term, contract: contract, consents: consents,
                filing: filing, otherResidence: residence, parcels: parcels, shares: shares, mortgagor: mortgagor)
        )
    }

    /// The mortgagor's side of a joint application: `{"application", "consents"}` — the
    /// body of `POST /v1/mortgages/{id}/mortgagor`, or the `mortgagor` object of a counter
    /// registration.
    public static func mortgagor(_ reader: inout FieldReader) -> MortgagorApplication? {
        let application = reader.string("application")
        let consents = consents(&reader)
        reader.rejectUnknownFields()
        guard let application, let consents else { return nil }
        return MortgagorApplication(application: application, consents: consents)
    }
}

/// What an acts body asks for: completing a first registration, or one of the registry acts.
public enum RegistryActOnRight: Sendable, Hashable {
    case completion
    case act(RightAct)

    public func registryAct(on id: RightID) -> RegistryAct {
        switch self {
        case .completion: .completeRegistration(id)
        case .act(let act): .onRight(id, act)
        }
    }
}
