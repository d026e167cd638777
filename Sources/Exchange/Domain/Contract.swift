import Crypto
public import RightsRegistry

/// Who signs the contract before the exchange attests it (E-7).
public enum ContractParty: String, Sendable, Hashable, Codable, CaseIterable {
    /// 转出方 / 出让方: the seller.
    case transferor
    /// 受让方: the buyer.
    case transferee
}

/// The deal's contract (E-7): the 流转合同 for a lease, with the eight clauses L-19 requires,
/// or the 转让合同 for a sale — drawn from the standard clauses and the deal's facts, so the
/// same deal always gives the same text, and its SHA-256 is what the 交易鉴证书 names.
public struct DealContract: Hashable, Sendable, Codable {
    public var title: String
    public var text: String
    public var sha256: String

    public init(title: String, clauses: [String]) {
        self.title = title
        text =
            ([title] + clauses.enumerated().map { "第\($0.offset + 1)条 \($0.element)" }).joined(separator: "\n") + "\n"
        sha256 = Hex.encode(SHA256.hash(data: Array(text.utf8)))
    }

    /// The contract for `listing` sold to `buyer` at `price`, over `right` as the register holds it.
    public static func draft(
        _ deal: DealID, listing: Listing, right: Right, buyer: Holder, price: Fen, exchangeName: String
    ) -> DealContract {
        let parties =
            "转出方（甲方）：\(listing.seller.masked)；受让方（乙方）：\(buyer.masked)；经\(exchangeName)挂牌交易（\(listing.id)，成交编号\(deal)）。"
        let land = Self.land(right)
        let payment = "价款\(price)分，由乙方于成交后按交易中心规则付至交易中心结算账户，保证金\(listing.deposit)分转作首期价款；交易中心在权利变更后向甲方划转。"
        let breach = "任何一方违约，按交易规则与本合同承担违约责任；乙方未按期签约或付款的，保证金不予退还。"
        switch listing.kind {
        case .lease:
            let term = listing.lease.map { "\($0.term.start)至\($0.term.end)" } ?? "—"
            return DealContract(
                title: "农村土地经营权流转合同",
                clauses: [
                    parties,
                    land,
                    "流转期限：\(term)，不超过承包期剩余期限（L-17）。",
                    "土地用途：\(listing.lease?.use ?? "—")，不得改变土地所有权性质和农业用途。",
                    "甲方依法享有收取流转价款的权利，乙方依法享有生产经营自主权，保护和合理利用土地，不得弃耕抛荒。",
                    "流转价款：每年\(price)分。" + payment,
                    "土地被依法征收、征用、占用时，土地补偿费归承包方（甲方），地上附着物及青苗补偿费归实际投入方。",
                    breach,
                ])
        case .transfer, .shareSale, .foreclosureSale:
            let what = listing.shares.map { "股份\($0)股" } ?? "全部权利"
            return DealContract(
                title: listing.kind == .shareSale ? "集体资产股份转让合同" : "农村产权转让合同",
                clauses: [
                    parties,
                    land + "转让标的：\(what)。",
                    payment,
                    "甲方保证标的权属清晰，除本合同载明者外无查封、异议及其他权利负担；抵押权依法随权利转移或以价款清偿（民法典406）。",
                    "双方于价款结清后持本合同及交易鉴证书办理变更登记。",
                    breach,
                ])
        }
    }

    static func land(_ right: Right) -> String {
        var text = "权利：\(right.id)（\(right.kind.rawValue)）"
        if case .contractLand(let contract) = right.detail {
            let parcels = contract.parcels.map { "\($0.code) \($0.location) \($0.area)㎡" }.joined(separator: "、")
            text += "，地块：\(parcels)"
        }
        if let area = right.area { text += "，面积\(area)㎡" }
        return text + "。"
    }
}
