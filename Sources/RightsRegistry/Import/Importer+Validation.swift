extension Importer {
    /// Pass 1: every line parsed and checked — against the rules of its record, the lines before
    /// it, and the register. Returns the summary (with all problems), the log size it checked
    /// against (pass 2 appends only if the log still has that size), and the file's slices:
    /// parsed, if the file takes at most `keptBytes`, else their digests.
    func validate(_ path: String, keeping keptBytes: UInt64, progress: (ImportProgress) -> Void) async throws
        -> CheckedFile
    {
        let store = registry.store
        let startSize = try await store.size()
        let policy = try await registry.reads.policy()
        var index = ImportIndex()
        var lines = try ParallelLines(path: path, size: batchSize)
        var checked = CheckedFile(path: path, size: startSize, totalBytes: lines.totalBytes)
        while let slice = try await lines.next() {
            checked.keep(slice, within: keptBytes)
            var chunk: [(Int, ImportRecord)] = []
            for line in slice.lines {
                switch line.parsed {
                case .record(let record): chunk.append((line.number, record))
                case .problems(let problems):
                    checked.summary.problems += problems.map {
                        ImportProblem(line: line.number, field: $0.field, reason: $0.reason)
                    }
                }
            }
            checked.summary.lines = slice.lineNumber
            if chunk.isEmpty { continue }
            let facts =
                startSize == 0
                ? .empty : try await RegisterFacts.load(for: chunk.map(\.1), from: store, on: registry.today)
            for (line, record) in chunk {
                var check = LineCheck(line: line, facts: facts, policy: policy, today: registry.today)
                let registers = check.run(record, index: &index)
                checked.summary.problems += check.problems
                if check.problems.isEmpty {
                    if registers {
                        checked.summary.registered[record.typeName, default: 0] += 1
                    } else {
                        checked.summary.skipped[record.typeName, default: 0] += 1
                    }
                }
            }
            progress(
                ImportProgress(
                    phase: .checking, lines: slice.lineNumber, bytes: slice.bytesRead, totalBytes: lines.totalBytes))
        }
        return checked
    }
}

/// What pass 1 leaves pass 2: its summary, and the file as it checked it — every slice parsed,
/// when the file fits in the budget (pass 2 takes them as they are: the file is parsed once,
/// issue 16); else the slices' digests (pass 2 reads the file again and refuses a slice that
/// changed in between: lines no check saw would be registered).
struct CheckedFile: Sendable {
    let path: String
    /// The log's size the file was checked against.
    let size: UInt64
    let totalBytes: UInt64
    var summary = ImportSummary()
    /// Every slice, when the file fits in the budget: a larger file is read again, not kept in
    /// part (a part would cost a county's import memory and save it little time).
    private(set) var kept: [ParallelLines.Slice] = []
    private(set) var digests: [Int] = []

    init(path: String, size: UInt64, totalBytes: UInt64) {
        (self.path, self.size, self.totalBytes) = (path, size, totalBytes)
    }

    /// Keeps `slice` parsed if the file fits in `budget` bytes.
    mutating func keep(_ slice: ParallelLines.Slice, within budget: UInt64) {
        digests.append(slice.digest)
        if totalBytes <= budget, slice.bytesRead <= budget {
            kept.append(slice)
        } else if !kept.isEmpty {
            // The file grew past the budget while it was read.
            kept = []
        }
    }

    /// Pass 2's slices, of up to `size` lines when the file is read again (the size pass 1 read).
    func lines(size: Int) throws -> CheckedLines { try CheckedLines(self, size: size) }
}

/// Pass 2's slices: the ones pass 1 kept, or the file read again, each slice refused unless its
/// bytes are the ones pass 1 checked.
struct CheckedLines {
    /// In reverse, so that each is let go once handed out.
    private var kept: [ParallelLines.Slice]
    private var reread: ParallelLines?
    private var digests: IndexingIterator<[Int]>
    private let path: String

    fileprivate init(_ file: CheckedFile, size: Int) throws {
        kept = file.kept.reversed()
        reread = file.kept.isEmpty ? try ParallelLines(path: file.path, size: size) : nil
        digests = file.digests.makeIterator()
        path = file.path
    }

    mutating func next() async throws -> ParallelLines.Slice? {
        guard reread != nil else { return kept.popLast() }
        let (slice, expected) = (try await reread?.next(), digests.next())
        guard slice?.digest == expected else { throw Self.changed(path) }
        return slice
    }

    static func changed(_ path: String) -> RegistryError {
        .conflict(
            "file",
            "\(path) changed after it was checked; the lines before the change are registered, check the file and run the import again"
        )
    }
}

/// The checks of one line that need more than the line: references to codes defined earlier in
/// the file or on the register, and the rules that span records (one parcel one contract, one
/// person one household, T-3 one household one homestead, S-14 members' shares, the charter's cap).
struct LineCheck {
    let line: Int
    let facts: RegisterFacts
    let policy: RegistryPolicy
    let today: Day
    var problems: [ImportProblem] = []

    init(line: Int, facts: RegisterFacts, policy: RegistryPolicy, today: Day) {
        self.line = line
        self.facts = facts
        self.policy = policy
        self.today = today
    }

    mutating func problem(_ field: String, _ reason: String) {
        problems.append(ImportProblem(line: line, field: field, reason: reason))
    }

    mutating func rule(_ check: () throws(RegistryError) -> Void) {
        do {
            try check()
        } catch {
            problem(error.field ?? "(line)", error.message)
        }
    }

    /// Checks the record and, if it is valid, enters it into the index. Returns whether it will be
    /// registered (false: the register already holds it and it is skipped).
    mutating func run(_ record: ImportRecord, index: inout ImportIndex) -> Bool {
        switch record {
        case .collective(let application): return collective(application, &index)
        case .household(let application): return household(application, &index)
        case .right(let application):
            switch application.subject {
            case .contractLand(let contract, let parcels):
                return contractLand(contract, parcels, term: application.term!, &index)
            case .homestead(let household, let unit, let homestead):
                return self.homestead(unit, household, homestead, &index)
            case .collectiveShare(let collective, let holder, let holding):
                return shares(holding, collective, holder, &index)
            case .landManagement:
                problem("type", "the import format has no 土地经营权 lines")
                return false
            }
        }
    }

    func charter(of code: CollectiveCode, _ index: ImportIndex) -> ShareCharter? {
        index.collectives[code]?.charter ?? facts.collectives[code]?.charter
    }

    func householdKnown(_ code: HouseholdCode, _ index: ImportIndex) -> Bool {
        index.households[code.packed] != nil || facts.households.contains(code)
    }

    mutating func collective(_ application: CollectiveApplication, _ index: inout ImportIndex) -> Bool {
        if let earlier = index.collectives[application.code] {
            problem("code", "collective \(application.code) is already defined on line \(earlier.line)")
            return false
        }
        rule { () throws(RegistryError) in try Rules.checkCollective(application) }
        let existing = facts.collectives[application.code]
        index.collectives[application.code] = .init(
            line: line, charter: existing?.charter ?? application.charter ?? .default)
        return existing == nil
    }

    mutating func household(_ application: HouseholdApplication, _ index: inout ImportIndex) -> Bool {
        let code = application.code
        if let earlier = index.households[code.packed] {
            problem("code", "household \(code) is already defined on line \(earlier)")
            return false
        }
        let skip = facts.households.contains(code)
        if !skip, charter(of: code.collective, index) == nil {
            problem("code", "collective \(code.collective) is neither on an earlier line nor on the register")
        }
        var seen: Set<CitizenID> = []
        for (position, person) in ([application.head] + application.members.map(\.person)).enumerated() {
            let field = position == 0 ? "head.id_number" : "members[\(position - 1)].id_number"
            if !seen.insert(person.idNumber).inserted {
                problem(field, "\(person.idNumber.masked) appears twice in the household")
            }
            if !skip, let admission = person.idNumber.admissionProblem(on: today) { problem(field, admission) }
            if let other = index.personHousehold[person.idNumber.packed], other != code.packed {
                problem(
                    field,
                    "\(person.idNumber.masked) is already in household \(String(other).leftPadded(to: 18)) in this file"
                )
            } else if !skip, let other = facts.personHousehold[person.idNumber], other != code {
                problem(field, "\(person.idNumber.masked) is already a member of household \(other)")
            }
        }
        guard problems.isEmpty else { return false }
        index.households[code.packed] = Int32(clamping: line)
        for person in [application.head] + application.members.map(\.person) {
            index.personHousehold[person.idNumber.packed] = code.packed
        }
        return !skip
    }

    mutating func contractLand(_ contract: ContractCode, _ parcels: [Parcel], term: Term, _ index: inout ImportIndex)
        -> Bool
    {
        let household = contract.household
        if let earlier = index.contracts[household.packed] {
            problem("contract_no", "contract \(contract) is already defined on line \(earlier)")
            return false
        }
        let skip = facts.rights.contains(contract.rawValue)
        if !householdKnown(household, index) {
            problem("household", "household \(household) is neither on an earlier line nor on the register")
        }
        rule { () throws(RegistryError) in try Rules.checkParcels(parcels, of: household) }
        rule { () throws(RegistryError) in try Rules.checkContractTerm(term, parcels: parcels) }
        for (position, parcel) in parcels.enumerated() {
            if index.parcels.contains(parcel.code.packed) {
                problem(
                    "parcels[\(position)].code", "parcel \(parcel.code) is already in a contract earlier in this file")
            } else if !skip, let right = facts.parcels[parcel.code.rawValue] {
                problem("parcels[\(position)].code", "parcel \(parcel.code) is already registered in \(right)")
            }
        }
        guard problems.isEmpty else { return false }
        index.contracts[household.packed] = Int32(clamping: line)
        for parcel in parcels { index.parcels.insert(parcel.code.packed) }
        return !skip
    }

    mutating func homestead(
        _ unit: UnitCode, _ household: HouseholdCode, _ homestead: Homestead, _ index: inout ImportIndex
    )
        -> Bool
    {
        if let earlier = index.units[unit.rawValue] {
            problem("unit_code", "unit \(unit) is already defined on line \(earlier)")
            return false
        }
        let skip = facts.rights.contains(unit.rawValue)
        if !householdKnown(household, index) {
            problem("household", "household \(household) is neither on an earlier line nor on the register")
        }
        rule { () throws(RegistryError) in try Rules.checkHomesteadUnit(unit, of: household) }
        let policy = policy
        rule { () throws(RegistryError) in _ = try Rules.applyAreaStandard(homestead, policy: policy, origin: .imported)
        }
        if index.homesteadHouseholds.contains(household.packed)
            || (!skip && facts.homesteadHolders.contains(.household(household)))
        {
            problem("household", "T-3 household \(household) already has a homestead: one household, one homestead")
        }
        guard problems.isEmpty else { return false }
        index.units[unit.rawValue] = Int32(clamping: line)
        index.homesteadHouseholds.insert(household.packed)
        return !skip
    }

    mutating func shares(
        _ holding: ShareHolding, _ collective: CollectiveCode, _ holder: Holder, _ index: inout ImportIndex
    )
        -> Bool
    {
        let holderKey = ImportIndex.HolderKey(collective: collective, holder: holder)
        let key = ImportIndex.ShareKey(holder: holderKey, shareClass: holding.shareClass)
        if index.shareKeys.contains(key) {
            problem(
                "holder",
                "\(holder.masked) already has \(holding.shareClass) shares in \(collective) earlier in this file")
            return false
        }
        let skip = facts.shareKeys.contains(key)
        rule { () throws(RegistryError) in try Rules.checkHolding(holding) }
        guard let charter = charter(of: collective, index) else {
            problem("collective", "collective \(collective) is neither on an earlier line nor on the register")
            return false
        }
        // S-14: shares are quantified to members unless the charter admits other holders.
        let member: Bool
        switch holder {
        case .person(let id):
            member =
                index.personHousehold[id.packed].map { String($0).leftPadded(to: 18).hasPrefix(collective.rawValue) }
                ?? false
                || facts.memberships.contains(holderKey)
        case .household(let code): member = code.collective == collective && householdKnown(code, index)
        case .organisation, .collective: member = false
        }
        if !member, !charter.nonMemberHolders {
            problem(
                "holder",
                "S-14 \(holder.masked) is not a member of \(collective) and its charter admits no other holders")
        }
        if let cap = charter.holdingCap, !skip {
            let held = index.holdings[holderKey, default: 0] + facts.holdings[holderKey, default: 0]
            if held + holding.shares > cap {
                problem(
                    "shares",
                    "S-CAP holder would hold \(held + holding.shares) shares; the charter caps a holding at \(cap)")
            }
        }
        guard problems.isEmpty else { return false }
        index.shareKeys.insert(key)
        if charter.holdingCap != nil { index.holdings[holderKey, default: 0] += holding.shares }
        return !skip
    }
}
