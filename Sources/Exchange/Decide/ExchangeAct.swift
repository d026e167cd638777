public import RightsRegistry

/// Who applies: the exchange desk on a party's own (paper) application, an agent under a
/// registered mandate (FLM-8), or a bank for its own mortgage.
public enum Applicant: Sendable, Hashable {
    case desk
    case agent(party: String)
    case bank(party: String)
}

/// Everything the exchange can be asked to do (E-1…E-9, 自愿有偿退出). The HTTP routes and the
/// CLI build these values, and one `ExchangeDecider` decides them.
public enum ExchangeAct: Sendable {
    /// The rule set listings submitted from now on run under.
    case setRules(ExchangeRules)
    // Listing (E-1…E-3)
    case submit(ListingApplication, by: Applicant)
    /// A mortgagee bank starts the sale of the collateral on default (C-12, 民法典 410).
    case foreclose(EncumbranceID, ListingApplication, bank: String)
    case review(ListingID, approve: Bool, reason: String?)
    // Intents (E-4)
    case registerIntent(ListingID, IntentApplication, by: Applicant)
    // Auction and priority (E-5, E-6, L-18)
    case bid(ListingID, IntentID, Fen, by: Applicant)
    case close(ListingID)
    case claimPriority(ListingID, IntentID, by: Applicant)
    // Settlement (E-6…E-9)
    case sign(DealID, ContractParty, by: Applicant)
    case confirmPayment(DealID, reference: String)
    case forfeit(DealID, ForfeitReason)
    // Stopping the clock (中止, 终结) and deposits
    case suspend(ListingID, reason: String)
    case resume(ListingID, reason: String)
    case terminate(ListingID, reason: String)
    case refund(IntentID, reference: String)
    // Voluntary paid withdrawal (自愿有偿退出)
    case applyWithdrawal(WithdrawalApplication, by: Applicant)
    case approveWithdrawal(WithdrawalID, approval: String)
    case payWithdrawal(WithdrawalID, reference: String)
}
