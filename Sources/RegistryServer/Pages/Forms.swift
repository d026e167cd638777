import Foundation
import HTTPTypes
import RightsRegistry

/// A counter form: the fields of one API body, labelled in Chinese, and the route it is sent
/// to. A form is only a way of writing the JSON body — the route parses and decides it — so
/// whatever the registrar refuses comes back naming a field of the body, shown beside the
/// field of the form with that name.
struct FormSpec: Sendable {
    let title: String
    let intro: String
    /// Every counter form creates something: a POST.
    var method: HTTPRequest.Method = .post
    /// The API route, e.g. `/v1/rights/{id}/acts`; its parameters come from the page's URL.
    let route: String
    /// Fields of the body the form does not ask for (`kind`).
    var fixed: [String: JSONValue] = [:]
    let groups: [FormGroup]
    var submit = "提交"

    /// A field of the body (a path such as `head.id_number` or `parcels[1].area_m2`).
    struct Field: Sendable {
        enum Kind: Sendable {
            case text
            case integer
            case date
            case checkbox
            case choice([(value: String, label: String)])
            case longText
            /// Several codes in one field (separated by spaces, commas or 、), sent as an array.
            case codes
        }
        let name: String
        let label: String
        var kind: Kind = .text
        var required = true
        var hint: String?
        /// Room for the value, in characters (a hint for the input's width).
        var size = 24
    }

    /// A fieldset: once, or `rows` times as the array `array` (members, parcels, consents).
    struct FormGroup: Sendable {
        let legend: String
        var array: String?
        var rows = 1
        let fields: [Field]
    }

    /// The form's field names, in order.
    var names: [String] {
        groups.flatMap { group in
            (0..<group.rows).flatMap { row in
                group.fields.map { field in group.array.map { "\($0)[\(row)].\(field.name)" } ?? field.name }
            }
        }
    }

    /// The JSON body the submitted `form` makes, and for each array element the form row it came
    /// from (rows left empty are skipped, so element 0 may be row 2). Values are typed as the API
    /// takes them; empty fields are left out, for the API to say which are required.
    func body(from form: FormData) -> (body: JSONValue, rows: [String: [Int]]) {
        var body = JSONValue.object(fixed)
        var rows: [String: [Int]] = [:]
        for group in groups {
            guard let array = group.array else {
                for field in group.fields {
                    if let value = Self.value(field, form[field.name]) { Self.set(&body, path: field.name, value) }
                }
                continue
            }
            var elements: [JSONValue] = []
            for row in 0..<group.rows {
                let names = group.fields.map { "\(array)[\(row)].\($0.name)" }
                // A row counts when any of its typed fields was filled: a checkbox or a choice
                // alone (which always have a value) is not a row.
                let filled = zip(group.fields, names).contains { field, name in
                    switch field.kind {
                    case .checkbox, .choice: return false
                    case .text, .integer, .date, .longText, .codes: return form[name] != nil
                    }
                }
                guard filled else { continue }
                var element = JSONValue.object([:])
                for (field, name) in zip(group.fields, names) {
                    if let value = Self.value(field, form[name]) { Self.set(&element, path: field.name, value) }
                }
                elements.append(element)
                rows[array, default: []].append(row)
            }
            // No row filled: the array is left out, for the API to say whether it is required.
            if !elements.isEmpty { Self.set(&body, path: array, .array(elements)) }
        }
        return (body, rows)
    }

    /// The form's name for a field the API named: `parcels[0].area_m2` is row 2's if element 0
    /// came from row 2.
    static func formName(_ field: String, rows: [String: [Int]]) -> String {
        guard let open = field.firstIndex(of: "["), let close = field.firstIndex(of: "]"), open < close,
            let element = Int(field[field.index(after: open)..<close])
        else { return field }
        let array = String(field[..<open])
        guard let row = rows[array].flatMap({ $0.indices.contains(element) ? $0[element] : nil }) else { return field }
        return "\(array)[\(row)]" + field[field.index(after: close)...]
    }

    static func value(_ field: Field, _ text: String?) -> JSONValue? {
        switch field.kind {
        case .checkbox: return .bool(text != nil)
        case .integer:
            guard let text else { return nil }
            // Not a number: sent as text, so the API names the field and says what it takes.
            return Int64(text).map { .number(Double($0)) } ?? .string(text)
        case .text, .date, .choice, .longText: return text.map(JSONValue.string)
        case .codes:
            guard let text else { return nil }
            let separators = CharacterSet(charactersIn: " ,,、;;\n\t")
            return .array(text.components(separatedBy: separators).filter { !$0.isEmpty }.map(JSONValue.string))
        }
    }

    /// Sets `value` at a dotted path (`bounds.east`) inside an object.
    static func set(_ root: inout JSONValue, path: String, _ value: JSONValue) {
        let keys = path.split(separator: ".").map(String.init)
        func assign(_ node: inout JSONValue, _ keys: ArraySlice<String>) {
            guard let key = keys.first else {
                node = value
                return
            }
            var object: [String: JSONValue] = [:]
            if case .object(let existing) = node { object = existing }
            var child = object[key] ?? .object([:])
            assign(&child, keys.dropFirst())
            object[key] = child
            node = .object(object)
        }
        assign(&root, keys[...])
    }

    /// The template's view of the form: every field with its value and the problem named for it.
    func view(values: FormData, problems: [String: String]) -> [String: Any] {
        var groupsView: [[String: Any]] = []
        for group in groups {
            var rowsView: [[String: Any]] = []
            for row in 0..<group.rows {
                let fields: [[String: Any]] = group.fields.map { field in
                    let name = group.array.map { "\($0)[\(row)].\(field.name)" } ?? field.name
                    let value = values.fields[name] ?? ""
                    var view: [String: Any] = [
                        "name": name,
                        "id": "f-" + name.map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined(),
                        "label": field.label, "value": value, "size": field.size,
                        "required": field.required && (group.array == nil || row == 0),
                    ]
                    if let hint = field.hint { view["hint"] = hint }
                    if let problem = problems[name] { view["error"] = problem }
                    switch field.kind {
                    case .text: view["input"] = "text"
                    case .integer: view["input"] = "number"
                    case .date: view["input"] = "date"
                    case .checkbox:
                        view["checkbox"] = true
                        view["checked"] = !value.isEmpty
                    case .choice(let options):
                        view["select"] = true
                        view["options"] = options.map {
                            ["value": $0.value, "label": $0.label, "selected": $0.value == value]
                        }
                    case .longText: view["textarea"] = true
                    case .codes: view["input"] = "text"
                    }
                    return view
                }
                var rowView: [String: Any] = ["fields": fields]
                if group.rows > 1 { rowView["caption"] = "第 \(row + 1) 行" }
                rowsView.append(rowView)
            }
            groupsView.append(["legend": group.legend, "rows": rowsView])
        }
        return ["title": title, "intro": intro, "groups": groupsView, "submit": submit]
    }
}

/// The counter's forms, by the name in their URL (`/desk/forms/household`).
enum CounterForms {
    static let bounds: [FormSpec.Field] = [
        .init(name: "bounds.east", label: "东至", size: 10), .init(name: "bounds.south", label: "南至", size: 10),
        .init(name: "bounds.west", label: "西至", size: 10), .init(name: "bounds.north", label: "北至", size: 10),
    ]
    static let landUses: [(value: String, label: String)] = [
        ("", "(请选择)"), ("1", "1 种植业"), ("2", "2 林业"), ("3", "3 畜牧业"), ("4", "4 渔业"), ("5", "5 非农业用途"),
    ]
    static let consentParties: [(value: String, label: String)] = [
        ("", "(无)"), ("contracting-party", "发包方"), ("contract-holder", "承包方"), ("collective", "集体经济组织"),
        ("co-holders", "家庭其他成员"), ("mortgagee", "抵押权人"),
    ]
    static let holderHint = "household:承包方代码、person:身份证号码或 organisation:统一社会信用代码"

    static let consents = FormSpec.FormGroup(
        legend: "书面同意", array: "consents", rows: 2,
        fields: [
            .init(name: "party", label: "同意方", kind: .choice(consentParties), required: false),
            .init(name: "by", label: "签署人", required: false, size: 12),
            .init(name: "document", label: "文书编号", required: false, size: 16),
            .init(name: "on", label: "签署日期", kind: .date, required: false),
        ])

    static let all: [String: FormSpec] = [
        "household": FormSpec(
            title: "承包方(农户)登记", intro: "户主和家庭成员按户口簿登记;身份证号码逐位校验。", route: "/v1/households",
            groups: [
                .init(
                    legend: "农户",
                    fields: [
                        .init(name: "code", label: "承包方代码(18 位)", hint: "发包方代码 + 4 位户序号", size: 20),
                        .init(name: "collective", label: "发包方代码(14 位)", required: false, size: 16),
                    ]),
                .init(
                    legend: "户主",
                    fields: [
                        .init(name: "head.name", label: "户主姓名", size: 12),
                        .init(name: "head.id_number", label: "户主身份证号码", size: 20),
                    ]),
                .init(
                    legend: "家庭成员", array: "members", rows: 4,
                    fields: [
                        .init(name: "name", label: "姓名", required: false, size: 10),
                        .init(name: "id_number", label: "身份证号码", required: false, size: 20),
                        .init(name: "relation", label: "与户主关系", required: false, hint: "配偶、子、女、父亲…", size: 8),
                    ]),
            ], submit: "登记农户"),
        "contract-land": firstRegistration(
            "contract-land", title: "土地承包经营权首次登记", intro: "登记后公示 15 个工作日(异议期),期满无异议方可登簿发证。",
            groups: [
                .init(
                    legend: "承包合同",
                    fields: [
                        .init(name: "household", label: "承包方代码", size: 20),
                        .init(name: "contract_no", label: "承包合同编号", hint: "承包方代码 + J", size: 20),
                        .init(name: "term.start", label: "承包期起", kind: .date),
                        .init(name: "term.end", label: "承包期止", kind: .date),
                    ]),
                .init(
                    legend: "承包地块", array: "parcels", rows: 3,
                    fields: [
                        .init(name: "code", label: "地块编码(19 位)", required: false, size: 20),
                        .init(name: "location", label: "坐落", required: false, size: 16),
                    ] + bounds + [
                        .init(name: "area_m2", label: "面积(m²)", required: false, size: 10),
                        .init(name: "land_use", label: "土地用途", kind: .choice(landUses), required: false),
                        .init(name: "basic_farmland", label: "基本农田", kind: .checkbox, required: false),
                    ]),
            ], submit: "登记并公示"),
        "homestead": firstRegistration(
            "homestead", title: "宅基地使用权及房屋所有权首次登记", intro: "一户一宅(H-1);登记后公示 15 个工作日。",
            groups: [
                .init(
                    legend: "宅基地",
                    fields: [
                        .init(name: "household", label: "农户代码", size: 20),
                        .init(name: "unit_code", label: "不动产单元代码(28 位)", size: 30),
                        .init(name: "location", label: "坐落", size: 24),
                        .init(name: "plot_area_m2", label: "宗地面积(m²)", size: 10),
                        .init(name: "floor_area_m2", label: "房屋建筑面积(m²)", required: false, size: 10),
                    ])
            ], submit: "登记并公示"),
        "collective-share": firstRegistration(
            "collective-share", title: "集体资产股权登记", intro: "股份合作制改革确认的成员股份。",
            groups: [
                .init(
                    legend: "股权",
                    fields: [
                        .init(name: "collective", label: "集体经济组织代码", size: 16),
                        .init(name: "holder.id_number", label: "股东身份证号码", size: 20),
                        .init(name: "shares", label: "股数", kind: .integer, size: 8),
                        .init(name: "class", label: "股种", hint: "人口股、劳龄股…", size: 8),
                    ])
            ], submit: "登记股权"),
        "land-management": firstRegistration(
            "land-management", title: "土地经营权登记(流转)", intro: "五年以上的土地经营权可登记发证;不足五年的予以备案(L-16)。",
            groups: [
                .init(
                    legend: "流转",
                    fields: [
                        .init(name: "parent", label: "承包合同编号", size: 20),
                        .init(name: "holder", label: "受让方", hint: holderHint, size: 30),
                        .init(name: "term.start", label: "流转期起", kind: .date),
                        .init(name: "term.end", label: "流转期止", kind: .date),
                        .init(name: "use", label: "用途", required: false, size: 12),
                        .init(name: "filing.filed_with", label: "备案机关", size: 16),
                        .init(name: "filing.document", label: "备案文号", size: 16),
                        .init(name: "filing.on", label: "备案日期", kind: .date),
                    ]),
                consents,
            ], submit: "登记流转"),
        "member": FormSpec(
            title: "增加家庭成员", intro: "出生、婚入、收养等(L-11)。", route: "/v1/households/{code}/members",
            groups: [
                .init(
                    legend: "成员",
                    fields: [
                        .init(name: "name", label: "姓名", size: 10), .init(name: "id_number", label: "身份证号码", size: 20),
                        .init(name: "relation", label: "与户主关系", size: 8),
                    ])
            ], submit: "增加成员"),
    ]

    /// Acts on one right (`/desk/rights/{id}/acts/{act}`), each the body of `POST /v1/rights/{id}/acts`.
    static let acts: [String: FormSpec] = [
        "completion": act("completion", title: "登簿(公示期满)", intro: "公示期满且无异议的,记载于登记簿并发证。", groups: [], submit: "登簿发证"),
        "transfer": act(
            "transfer", title: "转让登记", intro: "土地承包经营权转让须经发包方同意(L-14)。",
            groups: [
                .init(
                    legend: "受让方",
                    fields: [
                        .init(name: "to", label: "受让方", hint: holderHint, size: 30),
                        .init(
                            name: "parcels", label: "转让的地块", kind: .codes, required: false,
                            hint: "部分转让时填写地块编码(多个用空格分隔);不填为全部转让", size: 40),
                        .init(name: "disposal", label: "原承包地处置", required: false, size: 16),
                    ]),
                consents,
            ], submit: "办理转让"),
        "objection": act(
            "objection", title: "异议登记", intro: "异议登记后 15 日内不起诉的,异议失效(IR-83)。",
            groups: [
                .init(
                    legend: "异议",
                    fields: [
                        .init(name: "applicant", label: "申请人", size: 12),
                        .init(name: "grounds", label: "异议事由", kind: .longText, size: 40),
                    ])
            ], submit: "登记异议"),
        "seizure": act(
            "seizure", title: "查封登记", intro: "依人民法院协助执行通知书办理。",
            groups: [
                .init(
                    legend: "查封",
                    fields: [
                        .init(name: "court", label: "人民法院", size: 20),
                        .init(name: "case_number", label: "案号", size: 20),
                    ])
            ], submit: "登记查封"),
        "seizure-release": act(
            "seizure-release", title: "解除查封", intro: "依人民法院解除查封通知书办理。",
            groups: [
                .init(
                    legend: "解封",
                    fields: [
                        .init(name: "court", label: "人民法院", size: 20),
                        .init(name: "seizure", label: "查封登记编号", required: false, size: 16),
                    ])
            ], submit: "解除查封"),
        "advance-notice": act(
            "advance-notice", title: "预告登记", intro: "预告登记后,未经权利人同意处分不动产的,不发生物权效力。",
            groups: [
                .init(
                    legend: "预告",
                    fields: [
                        .init(name: "beneficiary", label: "预告登记权利人", hint: holderHint, size: 30),
                        .init(name: "reference", label: "协议编号", size: 16),
                    ])
            ], submit: "登记预告"),
    ]

    /// A first registration: the body of `POST /v1/rights` with its `kind`.
    static func firstRegistration(
        _ kind: JSONValue, title: String, intro: String, groups: [FormSpec.FormGroup], submit: String
    ) -> FormSpec {
        FormSpec(title: title, intro: intro, route: "/v1/rights", fixed: ["kind": kind], groups: groups, submit: submit)
    }

    /// An act on one right: the body of `POST /v1/rights/{id}/acts` with its `kind`.
    static func act(_ kind: JSONValue, title: String, intro: String, groups: [FormSpec.FormGroup], submit: String)
        -> FormSpec
    {
        FormSpec(
            title: title, intro: intro, route: "/v1/rights/{id}/acts", fixed: ["kind": kind], groups: groups,
            submit: submit)
    }

    /// The mortgagor's side of a bank's mortgage application, signed at the counter.
    static let mortgagor = FormSpec(
        title: "抵押登记(抵押人申请)", intro: "银行已提交抵押权人一方的申请;抵押人到场签署后,双方申请齐备即登记(R-6)。",
        route: "/v1/mortgages/{id}/mortgagor",
        groups: [
            .init(legend: "抵押人申请", fields: [.init(name: "application", label: "申请书编号", size: 16)]), consents,
        ], submit: "提交抵押人申请")
}
