import Foundation
import Hummingbird
import RightsRegistry

/// The printable certificate (权证): A4, laid out like the national 农村土地承包经营权证 /
/// 不动产权证书 (rule book §6.1, §6.2), with the QR code that opens the check page.
struct CertificatePage: Sendable {
    let pages: Pages
    var services: RegistryServices { pages.services }

    func print(_ request: Request, _ context: RegistryRequestContext, _ session: Session?) async throws -> Response {
        let principal = try session.required.principal
        let id = try context.parameter("id")
        // The right as the API shows it to this clerk (404 unknown, 403 outside the clerk's
        // region), then the state checks every certificate goes through (current, certified) —
        // without signing a JWS the page does not print.
        _ = try await pages.api.call(.get, "/v1/rights/{id}", parameters: ["id": id], as: principal, context: context)
            .get()
        let (record, right) = try await Certificates(registry: services.registry).current(for: id)
        guard let entry = try await services.registry.store.entry(record.entry) else {
            throw RegistryError.notFound("entry", String(record.entry))
        }
        let report = try await services.queries.report(right)
        let base = services.publicURL ?? Self.origin(of: request)
        let link = CertificateCheck.link(base: base, number: record.number, entry: entry)
        guard let qr = QRCode(link) else { throw RegistryError.invalid("link", "二维码内容过长") }
        let collective = try await services.registry.reads.collective(right.collective)
        var data: [String: Any] = [
            "number": record.number, "issued": record.issuedOn.description, "issuer": record.issuer,
            "kind": right.kind.chineseName, "right_id": right.id.rawValue,
            "holder": report.holderName ?? right.holder.rawValue, "holder_code": right.holder.rawValue,
            "collective": collective?.name ?? right.collective.rawValue,
            "term": right.term.map { "\($0.start) 至 \($0.end)" } ?? "长期",
            "area_m2": right.area?.description ?? "", "area_mu": right.area?.mu ?? "",
            "qr": qr.svg(size: 132, label: "查验二维码:\(record.number)"), "link": base + "/check",
            "members": report.householdMembers.map { member in
                [
                    "name": member.person.name, "relation": member.relation,
                    "id_number": member.person.idNumber.rawValue,
                ]
            },
            "flags": report.flags.names.map(PageText.flag),
        ]
        switch right.detail {
        case .contractLand(let land):
            data["contract"] = true
            data["parcel_count"] = land.parcels.count
            data["parcels"] = land.parcels.map { parcel in
                [
                    "code": parcel.code.rawValue, "location": parcel.location, "east": parcel.bounds.east,
                    "south": parcel.bounds.south, "west": parcel.bounds.west, "north": parcel.bounds.north,
                    "area_m2": parcel.area.description, "area_mu": parcel.area.mu,
                    "basic": parcel.basicFarmland ? "是" : "否",
                ]
            }
            data["location"] = land.parcels.map(\.location).first ?? ""
        case .landManagement(let lease):
            data["lease"] = true
            data["location"] = "承包合同 \(lease.parent.rawValue) 项下地块"
            data["parcel_codes"] = lease.parcels.map(\.rawValue).joined(separator: "、")
            data["use"] = lease.use ?? ""
        case .homestead(let homestead):
            data["homestead"] = true
            data["location"] = homestead.location
            data["plot_area"] = homestead.plotArea.description
            data["floor_area"] = homestead.floorArea?.description ?? "—"
        case .collectiveShare(let holding):
            data["share"] = true
            data["shares"] = holding.shares
            data["share_class"] = holding.shareClass
            data["location"] = collective?.name ?? ""
        }
        return pages.renderer.render(
            "certificate", title: record.number, session: session, data: data, printable: true)
    }

    /// This server as the browser reached it, for the QR link when no public URL is configured.
    static func origin(of request: Request) -> String {
        let scheme = SessionCookie.isSecure(request) ? "https" : "http"
        let host = request.head.authority ?? "127.0.0.1:8080"
        return "\(scheme)://\(host)"
    }
}
