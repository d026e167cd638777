import Foundation

/// Turns JSON bodies — the import format's lines, the HTTP request bodies and the CLI's `--body`
/// files — into the register's typed acts. One parser, so all three accept exactly the same
/// documents and report the same field problems.
public enum ApplicationParser {
    // MARK: Parties

    public static func collective(_ reader: inout FieldReader, origin: RightOrigin) -> CollectiveApplication? {
        let code = reader.value("code", CollectiveCode.init)
        let name = reader.string("name")
        let creditCode = reader.value("uscc", CreditCode.init)
        let region = reader.value("region", RegionCode.init)
        var charter: ShareCharter?
        if var nested = reader.object("charter", required: false) {
            charter = self.charter(&nested)
        }
        guard let code, let name, let creditCode, let region else { return nil }
        return CollectiveApplication(
            code: code, name: name, creditCode: creditCode, region: region, charter: charter, origin: origin)
    }

    public static func charter(_ reader: inout FieldReader) -> ShareCharter {
        let cap = reader.integer("holding_cap", required: false, in: 1...Int64(Int32.max))
        let others = reader.bool("non_member_holders", required: false)
        let redemption = reader.integer("annual_redemption_cap_bp", required: false, in: 0...10_000)
        reader.rejectUnknownFields()
        return ShareCharter(
            holdingCap: cap.map(Int.init), nonMemberHolders: others ?? false,
            annualRedemptionCapBasisPoints: redemption.map(Int.init))
    }

    public static func person(_ reader: inout FieldReader) -> Person? {
        let name = reader.string("name")
        let id = reader.value("id_number", CitizenID.init)
        reader.rejectUnknownFields()
        guard let name, let id else { return nil }
        return Person(name: name, idNumber: id)
    }

    public static func member(_ reader: inout FieldReader) -> HouseholdMember? {
        let name = reader.string("name")
        let id = reader.value("id_number", CitizenID.init)
        let relation = reader.string("relation")
        reader.rejectUnknownFields()
        guard let name, let id, let relation else { return nil }
        return HouseholdMember(person: Person(name: name, idNumber: id), relation: relation)
    }

    public static func household(_ reader: inout FieldReader, origin: RightOrigin) -> HouseholdApplication? {
        let code = reader.value("code", HouseholdCode.init)
        if let collective = reader.value("collective", required: false, CollectiveCode.init), let code,
            code.collective != collective
        {
            reader.problem("code", "household code \(code) is not under 发包方 \(collective)")
        }
        var head: Person?
        if var nested = reader.object("head") { head = person(&nested) }
        let members = reader.objects("members", required: false)?.map { element in
            var element = element
            return member(&element)
        }
        guard let code, let head else { return nil }
        let parsed = members?.compactMap { $0 } ?? []
        guard parsed.count == (members?.count ?? 0) else { return nil }
        return HouseholdApplication(code: code, head: head, members: parsed, origin: origin)
    }

    /// A holder named in a body: `{"household": …}`, `{"id_number": …}`, `{"uscc": …}`, or
    /// `{"collective": …}`, or the `kind:code` string the register prints.
    public static func holder(_ reader: inout FieldReader, _ name: String, required: Bool = true) -> Holder? {
        if reader.isString(name) {
            return reader.value(name, required: required, Holder.init)
        }
        guard var nested = reader.object(name, required: required) else { return nil }
        var holder: Holder?
        if nested.has("household") {
            holder = nested.value("household", HouseholdCode.init).map(Holder.household)
        } else if nested.has("id_number") {
            holder = nested.value("id_number", CitizenID.init).map(Holder.person)
            _ = nested.string("name", required: false)
        } else if nested.has("uscc") {
            holder = nested.value("uscc", CreditCode.init).map(Holder.organisation)
            _ = nested.string("name", required: false)
        } else if nested.has("collective") {
            holder = nested.value("collective", CollectiveCode.init).map(Holder.collective)
        } else {
            reader.problem(name, "name the holder by household, id_number, uscc or collective")
            return nil
        }
        nested.rejectUnknownFields()
        return holder
    }

    // MARK: First registration

    /// A first-registration body; `kind` is the import line's `type` or the body's `kind`.
    public static func right(kind: RightKind, _ reader: inout FieldReader, origin: RightOrigin) -> RightApplication? {
        switch kind {
        case .contractLand:
            let household = reader.value("household", HouseholdCode.init)
            let contract = reader.value("contract_no", ContractCode.init)
            if let household, let contract, contract.household != household {
                reader.problem("contract_no", "must be the 承包方 code \(household) followed by J")
            }
            let term = self.term(&reader, "term")
            let parcels = reader.objects("parcels")?.map { element in
                var element = element
                return parcel(&element)
            }
            if let parcels, parcels.isEmpty { reader.problem("parcels", "a contract has at least one parcel") }
            guard let contract, let term, let parcels, household != nil, !parcels.isEmpty,
                parcels.allSatisfy({ $0 != nil })
            else { return nil }
            return RightApplication(
                subject: .contractLand(contract: contract, parcels: parcels.map { $0! }), term: term, origin: origin)

        case .homestead:
            let household = reader.value("household", HouseholdCode.init)
            let unit = reader.value("unit_code", UnitCode.init)
            guard let detail = homestead(&reader), let household, let unit else { return nil }
            return RightApplication(
                subject: .homestead(household: household, unit: unit, homestead: detail), term: nil, origin: origin)

        case .collectiveShare:
            let collective = reader.value("collective", CollectiveCode.init)
            let holder = holder(&reader, "holder")
            let shares = reader.integer("shares", in: ShareHolding.inputRange)
            let shareClass = reader.string("class")
            guard let collective, let holder, let shares, let shareClass else { return nil }
            return RightApplication(
                subject: .collectiveShare(
                    collective: collective, holder: holder,
                    holding: ShareHolding(shares: Int(shares), shareClass: shareClass)),
                term: nil, origin: origin)

        case .landManagement:
            let parent = reader.value("parent") { text throws(InvalidValue) in try RightID(text) }
            let holder = holder(&reader, "holder")
            let term = self.term(&reader, "term")
            let parcels = reader.strings("parcels", required: false, ParcelCode.init)
            let method = reader.value("method", required: false) { text throws(InvalidValue) in
                guard let method = TransferMethod(rawValue: text) else {
                    throw InvalidValue("lease or share-contribution")
                }
                return method
            }
            let use = reader.string("use", required: false)
            var filing: Filing?
            if var nested = reader.object("filing", required: false) { filing = self.filing(&nested) }
            let consents = self.consents(&reader)
            guard let parent, let holder, let term, let consents else { return nil }
            return RightApplication(
                subject: .landManagement(
                    parent: parent, holder: holder, parcels: parcels, method: method ?? .lease, use: use,
                    filing: filing,
                    consents: consents),
                term: term, origin: .transfer)
        }
    }

    static func homestead(_ reader: inout FieldReader) -> Homestead? {
        let location = reader.string("location")
        let plot = reader.value("plot_area_m2", SquareMetres.init)
        let floor = reader.value("floor_area_m2", required: false, SquareMetres.init)
        let category = reader.value("land_category", required: false) { text throws(InvalidValue) in
            guard let category = HomesteadLandCategory(rawValue: text) else {
                throw InvalidValue("cultivated, other or mountain")
            }
            return category
        }
        guard let location, let plot else { return nil }
        return Homestead(location: location, plotArea: plot, floorArea: floor, landCategory: category ?? .other)
    }

    public static func term(_ reader: inout FieldReader, _ name: String, required: Bool = true) -> Term? {
        guard var nested = reader.object(name, required: required) else { return nil }
        let start = nested.day("start")
        let end = nested.day("end")
        nested.rejectUnknownFields()
        guard let start, let end else { return nil }
        do {
            return try Term(start: start, end: end)
        } catch {
            reader.problem(name, error.reason)
            return nil
        }
    }

    static func parcel(_ reader: inout FieldReader) -> Parcel? {
        let code = reader.value("code", ParcelCode.init)
        let location = reader.string("location")
        var bounds: Bounds?
        if var nested = reader.object("bounds") {
            let east = nested.string("east")
            let south = nested.string("south")
            let west = nested.string("west")
            let north = nested.string("north")
            nested.rejectUnknownFields()
            if let east, let south, let west, let north {
                bounds = Bounds(east: east, south: south, west: west, north: north)
            }
        }
        let area = reader.value("area_m2", SquareMetres.init)
        if let area, area == .zero { reader.problem("area_m2", "must be more than 0") }
        let landUse = reader.value("land_use") { text throws(InvalidValue) in
            guard let use = LandUse(rawValue: text) else { throw InvalidValue("a 土地用途 code 1–5 (NY/T 2539 C.9)") }
            return use
        }
        let basic = reader.bool("basic_farmland")
        reader.rejectUnknownFields()
        guard let code, let location, let bounds, let area, let landUse, let basic else { return nil }
        return Parcel(
            code: code, location: location, bounds: bounds, area: area, landUse: landUse, basicFarmland: basic)
    }

    public static func filing(_ reader: inout FieldReader) -> Filing? {
        let matter = reader.string("matter", required: false)
        let filedWith = reader.string("filed_with")
        let document = reader.string("document")
        let on = reader.day("on")
        reader.rejectUnknownFields()
        guard let filedWith, let document, let on else { return nil }
        return Filing(matter: matter ?? "流转", filedWith: filedWith, document: document, on: on)
    }

    public static func consents(_ reader: inout FieldReader) -> [Consent]? {
        guard let elements = reader.objects("consents", required: false) else { return [] }
        var consents: [Consent] = []
        for var element in elements {
            let party = element.value("party") { text throws(InvalidValue) in
                guard let party = ConsentParty(rawValue: text) else {
                    throw InvalidValue(ConsentParty.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return party
            }
            let by = element.string("by")
            let document = element.string("document")
            let on = element.day("on")
            element.rejectUnknownFields()
            if let party, let by, let document, let on {
                consents.append(Consent(party: party, by: by, document: document, on: on))
            }
        }
        return consents.count == elements.count ? consents : nil
    }
}

extension ApplicationParser {
    /// The body of `POST /v1/mandates`.
    public static func mandate(_ reader: inout FieldReader) -> MandateApplication? {
        let principal = holder(&reader, "principal")
        let agent = reader.string("agent")
        let agentName = reader.string("agent_name")
        let matters = reader.strings("matters") { text throws(InvalidValue) in
            guard let matter = MandateMatter(rawValue: text) else {
                throw InvalidValue("one of " + MandateMatter.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return matter
        }
        let authority = reader.string("authority")
        let term = term(&reader, "term")
        let document = reader.string("document")
        let byPrincipal = reader.bool("signed_by_principal", required: false)
        let byAgent = reader.bool("signed_by_agent", required: false)
        guard let principal, let agent, let agentName, let matters, let authority, let term, let document else {
            return nil
        }
        return MandateApplication(
            principal: principal, agent: agent, agentName: agentName, matters: matters, authority: authority,
            term: term,
            document: document, signedByPrincipal: byPrincipal ?? false, signedByAgent: byAgent ?? false)
    }
}

extension ApplicationParser {
    /// `rights policy set`: the policy as `policy show` prints it. Fields left out keep their
    /// value in `base` (the policy in force), and every value is checked against its bounds.
    public static func policy(_ reader: inout FieldReader, base: RegistryPolicy) -> RegistryPolicy? {
        var policy = base
        func count(_ name: String, _ range: ClosedRange<Int64>, _ keyPath: WritableKeyPath<RegistryPolicy, Int>) {
            if let value = reader.integer(name, required: false, in: range) { policy[keyPath: keyPath] = Int(value) }
        }
        count(
            "public_notice_working_days", RegistryPolicy.Bounds.publicNoticeWorkingDays, \.publicNoticeWorkingDays)
        count("objection_days", RegistryPolicy.Bounds.objectionDays, \.objectionDays)
        count("advance_notice_days", RegistryPolicy.Bounds.advanceNoticeDays, \.advanceNoticeDays)
        count(
            "minimum_registrable_lease_years", RegistryPolicy.Bounds.minimumRegistrableLeaseYears,
            \.minimumRegistrableLeaseYears)
        if var nested = reader.object("homestead_area_standard_m2", required: false) {
            let cultivated = nested.value("cultivated", SquareMetres.init)
            let other = nested.value("other", SquareMetres.init)
            let mountain = nested.value("mountain", SquareMetres.init)
            nested.rejectUnknownFields()
            if let cultivated, let other, let mountain {
                policy.homesteadAreaStandard = HomesteadAreaStandard(
                    cultivated: cultivated, other: other, mountain: mountain)
            }
        }
        let regions = RegistryPolicy.Bounds.regions
        if let pilots = reader.strings(
            "homestead_mortgage_pilots", required: false, maximumCount: regions, RegionCode.init)
        {
            policy.homesteadMortgagePilots = pilots
        }
        if let pilots = reader.strings(
            "homestead_transfer_pilots", required: false, maximumCount: regions, RegionCode.init)
        {
            policy.homesteadTransferPilots = pilots
        }
        let days = RegistryPolicy.Bounds.days
        if let holidays = reader.strings("holidays", required: false, maximumCount: days, Day.input) {
            policy.holidays = holidays
        }
        if let worked = reader.strings("working_weekend_days", required: false, maximumCount: days, Day.input) {
            policy.workingWeekendDays = worked
        }
        if let issuer = reader.string("issuer", required: false, maximumLength: RegistryPolicy.Bounds.issuerLength) {
            policy.issuer = issuer
        }
        if let place = reader.string(
            "certificate_place", required: false, maximumLength: RegistryPolicy.Bounds.placeLength)
        {
            policy.certificatePlace = place
        }
        reader.rejectUnknownFields()
        for problem in policy.problems { reader.problem(problem.field, problem.reason) }
        return reader.allProblems.isEmpty ? policy : nil
    }
}

extension ApplicationParser {
    /// `POST /v1/households/{code}/member-removals`.
    public static func memberRemoval(_ reader: inout FieldReader) -> MemberRemoval? {
        let person = reader.value("id_number", CitizenID.init)
        let reason = enumeration(&reader, "reason", RemovalReason.self)
        let document = reader.string("document")
        let landElsewhere = reader.string("land_elsewhere", required: false)
        let newHead = reader.value("new_head", required: false, CitizenID.init)
        reader.rejectUnknownFields()
        guard let person, let reason, let document else { return nil }
        return MemberRemoval(
            person: person, reason: reason, document: document, landElsewhere: landElsewhere, newHead: newHead)
    }

    /// `POST /v1/households/{code}/splits`.
    public static func householdSplit(_ reader: inout FieldReader, of household: HouseholdCode) -> HouseholdSplit? {
        let code = reader.value("code", HouseholdCode.init)
        let head = reader.value("head", CitizenID.init)
        let members = reader.strings("members", required: false, maximumCount: 100, CitizenID.init)
        let parcels = reader.strings("parcels", required: false, ParcelCode.init)
        let homestead = reader.bool("homestead", required: false)
        let agreement = reader.string("agreement")
        reader.rejectUnknownFields()
        guard let code, let head, let agreement, reader.allProblems.isEmpty else { return nil }
        return HouseholdSplit(
            household: household, code: code, head: head, members: members ?? [], parcels: parcels ?? [],
            homestead: homestead ?? false, agreement: agreement)
    }
}
