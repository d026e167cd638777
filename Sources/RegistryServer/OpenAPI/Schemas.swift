import Exchange
import RightsRegistry

/// The component schemas of `/openapi.json`.
enum Schemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static let string: JSONValue = ["type": "string", "minLength": 1]
    static let idNumber: JSONValue = [
        "type": "string", "pattern": "^[0-9]{17}[0-9Xx]$", "description": "居民身份证号 (GB 11643)",
    ]
    static let creditCode: JSONValue = [
        "type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        "description": "统一社会信用代码 (GB 32100)",
    ]
    static let collectiveCode: JSONValue = ["type": "string", "pattern": "^[1-8][0-9]{13}$", "description": "发包方代码"]
    static let householdCode: JSONValue = ["type": "string", "pattern": "^[1-8][0-9]{17}$", "description": "承包方代码"]
    static let rightID: JSONValue = ["type": "string", "pattern": "^[0-9A-Z-]{1,64}$"]
    static let date: JSONValue = ["type": "string", "format": "date"]
    static let area: JSONValue = [
        "type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,2})?$", "description": "m², up to two decimals",
    ]
    static let boolean: JSONValue = ["type": "boolean"]
    static let integer: JSONValue = ["type": "integer", "minimum": 0]
    static let anyObject: JSONValue = ["type": "object"]

    static func object(_ properties: [String: JSONValue], required: [String] = [], additional: Bool = false)
        -> JSONValue
    {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
            "additionalProperties": .bool(additional),
        ]
    }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map(JSONValue.string))]
    }

    static let components: [String: JSONValue] = [
        "Problem": object(
            [
                "type": string, "title": string, "status": ["type": "integer"], "detail": string, "code": string,
                // A field may be named "" — an unknown member with an empty name is reported as it is.
                "rule": string, "field": ["type": "string"],
                "errors": array(
                    object(["field": ["type": "string"], "reason": string], required: ["field", "reason"])),

            ], required: ["type", "title", "status", "detail", "code"]),
        "Holder": [
            "description": "kind:code (household:…, person:…, organisation:…, collective:…), or an object naming one",
            "oneOf": [
                ["type": "string", "pattern": "^(household|person|organisation|collective):[0-9A-Z]+$"],
                object(["household": householdCode], required: ["household"]),
                object(["id_number": idNumber, "name": string], required: ["id_number"]),
                object(["uscc": creditCode, "name": string], required: ["uscc"]),
                object(["collective": collectiveCode], required: ["collective"]),
            ],
        ],
        "Term": object(["start": date, "end": date], required: ["start", "end"]),
        "Person": object(["name": string, "id_number": idNumber], required: ["name", "id_number"]),
        "MemberRemoval": object(
            [
                "id_number": idNumber, "reason": enumeration(RemovalReason.allCases.map(\.rawValue)),
                "document": string,
                "land_elsewhere": string, "new_head": idNumber,
            ], required: ["id_number", "reason", "document"]),
        "HouseholdSplit": object(
            [
                "code": householdCode, "head": idNumber, "members": array(idNumber), "parcels": array(string),
                "homestead": boolean, "agreement": string,
            ], required: ["code", "head", "agreement"]),
        "Member": object(
            ["name": string, "id_number": idNumber, "relation": string], required: ["name", "id_number", "relation"]),
        "Consent": object(
            [
                "party": enumeration(ConsentParty.allCases.map(\.rawValue)), "by": string, "document": string,
                "on": date,
            ], required: ["party", "by", "document", "on"]),
        "Filing": object(
            ["matter": string, "filed_with": string, "document": string, "on": date],
            required: ["filed_with", "document", "on"]),
        "Parcel": object(
            [
                "code": ["type": "string", "pattern": "^[0-9]{19}$"], "location": string,
                "bounds": object(
                    ["east": string, "south": string, "west": string, "north": string],
                    required: ["east", "south", "west", "north"]),
                "area_m2": area, "land_use": enumeration(LandUse.allCases.map(\.rawValue)), "basic_farmland": boolean,
            ], required: ["code", "location", "bounds", "area_m2", "land_use", "basic_farmland"]),
        "Charter": object([
            "holding_cap": ["type": "integer", "minimum": 1], "non_member_holders": boolean,
            "annual_redemption_cap_bp": ["type": "integer", "minimum": 0, "maximum": 10000],
        ]),
        "Collective": object(
            [
                "code": collectiveCode, "name": string, "uscc": creditCode,
                "region": ["type": "string", "pattern": "^[1-8][0-9]{11}$"], "charter": ref("Charter"),
            ], required: ["code", "name", "uscc", "region"]),
        "Household": object(
            [
                "code": householdCode, "collective": collectiveCode, "head": ref("Person"),
                "members": array(ref("Member")),
            ], required: ["code", "head"]),
        "Organisation": object(["uscc": creditCode, "name": string], required: ["uscc", "name"]),
        "Mandate": object(
            [
                "principal": ref("Holder"), "agent": string, "agent_name": string,
                "matters": [
                    "type": "array", "minItems": 1,
                    "items": enumeration(MandateMatter.allCases.map(\.rawValue)),
                ],
                "authority": string,
                "term": ref("Term"), "document": string, "signed_by_principal": boolean, "signed_by_agent": boolean,
            ], required: ["principal", "agent", "agent_name", "matters", "authority", "term", "document"]),
        "RightRegistration": [
            "description":
                "A first registration (首次登记); `kind` says which right, the other fields are those of the import format.",
            "oneOf": [
                object(
                    [
                        "kind": enumeration(["contract-land"]), "household": householdCode,
                        "contract_no": ["type": "string", "pattern": "^[1-8][0-9]{17}J$"], "term": ref("Term"),
                        "parcels": ["type": "array", "items": ref("Parcel"), "minItems": 1],
                    ], required: ["kind", "household", "contract_no", "term", "parcels"]),
                object(
                    [
                        "kind": enumeration(["homestead"]), "household": householdCode,
                        "unit_code": [
                            "type": "string", "pattern": "^[0-9]{12}[GJZ][ABSXCDEFHGWY][0-9]{5}[FLQW][0-9]{8}$",
                        ],
                        "location": string,
                        "plot_area_m2": area, "floor_area_m2": area,
                        "land_category": enumeration(HomesteadLandCategory.allCases.map(\.rawValue)),
                    ], required: ["kind", "household", "unit_code", "location", "plot_area_m2"]),
                object(
                    [
                        "kind": enumeration(["collective-share"]), "collective": collectiveCode,
                        "holder": ref("Holder"),
                        "shares": ["type": "integer", "minimum": 1], "class": string,
                    ], required: ["kind", "collective", "holder", "shares", "class"]),
                object(
                    [
                        "kind": enumeration(["land-management"]), "parent": rightID, "holder": ref("Holder"),
                        "term": ref("Term"),
                        "parcels": array(string), "method": enumeration(["lease", "share-contribution"]), "use": string,
                        "filing": ref("Filing"), "consents": array(ref("Consent")),
                    ], required: ["kind", "parent", "holder", "term"]),
            ],
        ],
        "RightAct": [
            "description": "A registry act on a right; `kind` says which.",
            "oneOf": [
                object(["kind": enumeration(["completion"])], required: ["kind"]),
                object(
                    [
                        "kind": enumeration(["transfer"]), "to": ref("Holder"), "parcels": array(string),
                        "shares": ["type": "integer", "minimum": 1], "consents": array(ref("Consent")),
                        "disposal": string,
                        "filing": ref("Filing"),
                    ], required: ["kind", "to"]),
                object(
                    [
                        "kind": enumeration(["change"]), "reason": string,
                        "term": [
                            "oneOf": [
                                ref("Term"),
                                object(["extend_years": ["type": "integer", "minimum": 1, "maximum": 70]]),
                            ]
                        ],
                        "parcels": array(ref("Parcel")), "location": string, "plot_area_m2": area,
                        "floor_area_m2": area,
                    ], required: ["kind", "reason"]),
                object(
                    [
                        "kind": enumeration(["correction"]),
                        "basis": enumeration(CorrectionBasis.allCases.map(\.rawValue)),
                        "document": string, "term": ref("Term"), "parcels": array(ref("Parcel")),
                    ], required: ["kind", "basis", "document"]),
                object(
                    [
                        "kind": enumeration(["cancellation"]),
                        "ground": enumeration(CancellationGround.allCases.map(\.rawValue)), "document": string,
                        "reason": string, "consents": array(ref("Consent")),
                    ], required: ["kind", "ground", "document"]),
                object(
                    ["kind": enumeration(["objection"]), "applicant": string, "grounds": string],
                    required: ["kind", "applicant", "grounds"]),
                object(
                    [
                        "kind": enumeration(["objection-suit"]), "objection": string, "court": string,
                        "case_number": string, "accepted_on": date,
                    ], required: ["kind", "objection", "court", "case_number", "accepted_on"]),
                object(
                    ["kind": enumeration(["objection-withdrawal"]), "objection": string, "by": string],
                    required: ["kind", "objection", "by"]),
                object(
                    [
                        "kind": enumeration(["objection-ruling"]), "objection": string, "court": string,
                        "document": string,
                    ],
                    required: ["kind", "objection", "court", "document"]),
                object(
                    [
                        "kind": enumeration(["swap"]), "with": rightID, "gives": array(string), "takes": array(string),
                        "filing": ref("Filing"),
                    ], required: ["kind", "with", "gives", "takes", "filing"]),
                object(
                    [
                        "kind": enumeration(["inheritance"]), "heir": ref("Holder"), "deceased": idNumber,
                        "basis": enumeration(Inheritance.Basis.allCases.map(\.rawValue)), "death_certificate": string,
                        "document": string,
                    ], required: ["kind", "heir", "deceased", "basis", "death_certificate", "document"]),
                object(
                    ["kind": enumeration(["advance-notice"]), "beneficiary": ref("Holder"), "reference": string],
                    required: ["kind", "beneficiary", "reference"]),
                object(
                    ["kind": enumeration(["seizure"]), "court": string, "case_number": string],
                    required: ["kind", "court", "case_number"]),
                object(
                    ["kind": enumeration(["seizure-release"]), "court": string, "seizure": string],
                    required: ["kind", "court"]),
                object(
                    [
                        "kind": enumeration(["filing"]), "matter": string, "filed_with": string, "document": string,
                        "on": date,
                    ],
                    required: ["kind", "filed_with", "document", "on"]),
                object(
                    [
                        "kind": enumeration(["termination"]),
                        "ground": enumeration(TerminationGround.allCases.map(\.rawValue)), "by": ref("Holder"),
                        "document": string,
                    ],
                    required: ["kind", "ground", "by", "document"]),
            ],
        ],
        "Right": [
            "type": "object",
            "description":
                "A right with its holder, encumbrances and flags; ID numbers masked unless the caller is a clerk.",
            "properties": [
                "id": string, "kind": string, "status": string, "holder": string, "holder_name": string,
                "certificate": string,
                "flags": array(string), "term": ref("Term"), "area_m2": string, "encumbrances": array(anyObject),
            ],
            "required": ["id", "kind", "status", "holder", "flags"],
        ],
        "Recorded": object(
            ["index": integer, "kind": string, "right": ref("Right"), "id": string], required: ["index", "kind"],
            additional: true),
        "Entry": object(
            ["index": integer, "kind": string, "leaf_hash": string, "entry": anyObject],
            required: ["index", "kind", "leaf_hash"]),
        "InclusionProof": object(
            ["index": integer, "tree_size": integer, "root_hash": string, "hashes": array(string)],
            required: ["index", "tree_size", "root_hash", "hashes"]),
        "ConsistencyProof": object(
            ["from": integer, "to": integer, "hashes": array(string)], required: ["from", "to", "hashes"]),
        "CertificateVerification": object(
            [
                "valid": boolean, "status": enumeration(["current", "superseded", "cancelled"]), "flags": array(string),
                "right": ref("Right"), "checks": array(object(["name": string, "passed": boolean, "detail": string])),
            ], required: ["valid", "checks"], additional: true),
        "CollateralSearch": [
            "description": "Name the right by right_id or by certificate_no, not both.",
            "oneOf": [
                object(
                    ["right_id": rightID, "holder_id_number": idNumber, "purpose": string],
                    required: ["right_id", "holder_id_number", "purpose"]),
                object(
                    ["certificate_no": string, "holder_id_number": idNumber, "purpose": string],
                    required: ["certificate_no", "holder_id_number", "purpose"]),
            ],
        ],
        "CollateralSearchResult": object(
            ["search": integer, "result": anyObject, "jws": string, "checkpoint": string],
            required: ["search", "result", "jws"]),
        "Events": object(["events": array(ref("Entry")), "next": integer], required: ["events", "next"]),
        "JWKS": object(["keys": array(anyObject)], required: ["keys"]),
        "Token": object(
            [
                "id": string, "role": enumeration(Role.allCases.map(\.rawValue)), "name": string, "scope": string,
                "party": string, "issued_at": string, "expires_at": string, "revoked_at": string,
                "state": enumeration(["active", "expired", "revoked"]), "last_used": ["type": ["string", "null"]],
            ], required: ["id", "role", "name", "state"]),
    ].merging(exchange) { old, _ in old }

    static let fen: JSONValue = ["type": "integer", "minimum": 1, "description": "an amount in fen (分)"]
    static let fenOrZero: JSONValue = ["type": "integer", "minimum": 0, "description": "an amount in fen (分)"]

    static let listingOffer: [String: JSONValue] = [
        "price_fen": fen, "increment_fen": fen, "deposit_fen": fenOrZero,
        "lease": object(["term": ref("Term"), "use": string], required: ["term", "use"]),
        "shares": ["type": "integer", "minimum": 1], "consents": array(ref("Consent")), "filing": ref("Filing"),
        "collective_decision": object(
            [
                "votes_for": ["type": "integer", "minimum": 0], "votes_cast": ["type": "integer", "minimum": 1],
                "township_approval": string,
            ], required: ["votes_for", "votes_cast", "township_approval"]),
    ]

    /// The exchange's and the bank's bodies and answers.
    static let exchange: [String: JSONValue] = [
        "ListingApplication": object(
            listingOffer.merging([
                "right_id": rightID,
                "kind": enumeration(ListingKind.allCases.filter { $0 != .foreclosureSale }.map(\.rawValue)),
            ]) { old, _ in old },
            required: ["right_id", "kind", "price_fen", "increment_fen", "deposit_fen"]),
        "ForeclosureApplication": object(
            listingOffer.merging([
                "default": object(
                    ["since": date, "amount_fen": fen, "notice": string], required: ["since", "amount_fen", "notice"])
            ]) { old, _ in old }, required: ["price_fen", "increment_fen", "deposit_fen", "default"]),
        "Listing": [
            "type": "object",
            "description": "A listing with its intents and bids; ID numbers masked for all but clerks.",
            "properties": [
                "id": string, "kind": enumeration(ListingKind.allCases.map(\.rawValue)), "right": string,
                "seller": string, "status": enumeration(ListingStatus.allCases.map(\.rawValue)),
                "price_fen": integer, "increment_fen": integer, "deposit_fen": integer,
                "announcement": ref("Term"), "auction": anyObject, "intents": array(ref("Intent")),
                "bids": array(anyObject), "deal": string, "rules": ref("ExchangeRules"),
                "attempt": ["type": "integer", "minimum": 1], "previous": string, "next": string,
                "matching": anyObject, "lot": anyObject, "successors": array(anyObject), "suspension": anyObject,
            ],
            "required": ["id", "kind", "right", "seller", "status", "price_fen", "intents", "bids"],
        ],
        "Listings": object(["listings": array(ref("Listing"))], required: ["listings"]),
        "Review": object(
            ["decision": enumeration(["approve", "reject"]), "reason": string], required: ["decision"]),
        "IntentApplication": object(
            [
                "buyer": ref("Holder"), "deposit_fen": fenOrZero,
                "priority": enumeration(["member", "renewal"]), "capacity": string, "offer_fen": fen,
            ], required: ["buyer", "deposit_fen"]),
        "Intent": [
            "type": "object",
            "properties": [
                "id": string, "buyer": string, "deposit_fen": integer,
                "deposit_status": enumeration(DepositStatus.allCases.map(\.rawValue)), "priority": string,
                "priority_refused": string, "refund": anyObject, "forfeit": string,
            ],
            "required": ["id", "buyer", "deposit_fen", "deposit_status"],
        ],
        "BidRequest": object(["intent": string, "amount_fen": fen], required: ["intent", "amount_fen"]),
        "IntentReference": object(["intent": string], required: ["intent"]),
        "PaymentReference": object(["reference": string], required: ["reference"]),
        "Approval": object(["approval": string], required: ["approval"]),
        "Deal": [
            "type": "object",
            "properties": [
                "id": string, "listing": string, "kind": string, "right": string, "seller": string, "buyer": string,
                "price_fen": integer, "basis": string, "due": date,
                "status": enumeration(DealStatus.allCases.map(\.rawValue)), "resulting_right": string,
                "payouts": array(anyObject), "deposit_fen": integer,
                "contract": [
                    "type": "object", "properties": ["title": string, "text": string, "sha256": string],
                    "required": ["title", "text", "sha256"],
                ],
                "signatures": array(enumeration(ContractParty.allCases.map(\.rawValue))),
                "forfeit": enumeration(ForfeitReason.allCases.map(\.rawValue)), "disposition": anyObject,
            ],
            "required": ["id", "listing", "buyer", "price_fen", "due", "status"],
        ],
        "Forfeit": [
            "type": "object", "properties": ["forfeited": ref("Deal"), "next": ref("Deal")], "required": ["forfeited"],
        ],
        "ForfeitRequest": object(
            ["reason": enumeration(ForfeitReason.allCases.map(\.rawValue))], required: ["reason"]),
        "SignatureRequest": object(
            ["party": enumeration(ContractParty.allCases.map(\.rawValue))], required: ["party"]),
        "Reason": object(["reason": string], required: ["reason"]),
        "Refund": [
            "type": "object",
            "properties": [
                "intent": string, "listing": string, "buyer": string, "amount_fen": integer,
                "refund": [
                    "type": "object", "properties": ["due": date, "paid_on": date, "reference": string],
                    "required": ["due"],
                ],
                "overdue": boolean,
            ],
            "required": ["intent", "listing", "buyer", "amount_fen", "refund"],
        ],
        "Refunds": object(["refunds": array(ref("Refund"))], required: ["refunds"]),
        "ExchangeRules": object(
            [
                "announcement_working_days": integer, "auction_opening_hour": integer,
                "free_bidding_minutes": integer, "timed_round_minutes": integer, "payment_working_days": integer,
                "priority_match_working_days": integer, "priority_backups": integer,
                "minimum_deposit_percent": integer, "minimum_deposit_fen": integer, "refund_working_days": integer,
                "forfeit_fee_percent": integer, "relist_reduction_percent": integer, "maximum_attempts": integer,
                "exchange_name": string,
            ], required: []),
        "WithdrawalApplication": object(
            [
                "right_id": rightID, "compensation_fen": fen, "subsidy_fen": fenOrZero, "residual_value_fen": fenOrZero,
                "notice_on": date, "keep_eligibility": boolean, "shares": ["type": "integer", "minimum": 1],
                "consents": array(ref("Consent")),
            ], required: ["right_id"]),
        "Withdrawal": [
            "type": "object",
            "properties": [
                "id": string, "right": string, "holder": string, "right_kind": string, "compensation_fen": integer,
                "status": enumeration(["applied", "approved", "paid"]),
            ],
            "required": ["id", "right", "status", "compensation_fen"],
        ],
        "MortgageApplication": object(
            [
                "right_id": rightID, "amount_fen": fen, "term": ref("Term"), "contract": string,
                "consents": array(ref("Consent")), "filing": ref("Filing"), "other_residence": string,
                "parcels": array(string), "shares": ["type": "integer", "minimum": 1],
            ], required: ["right_id", "amount_fen", "term", "contract"]),
        "MortgagorApplication": object(
            ["application": string, "consents": array(ref("Consent"))], required: ["application"]),
        "Mortgage": [
            "type": "object",
            "properties": [
                "id": string, "right_id": string, "amount_fen": integer, "outstanding_fen": integer,
                "rank": integer, "index": integer, "released": boolean,
                "status": enumeration(EncumbranceStatus.allCases.map(\.rawValue)),
            ],
            "required": ["id", "right_id", "amount_fen", "released", "status"],
        ],
    ]
}
