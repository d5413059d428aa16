//! Typed record ids, so an item id can never be passed where a site id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// Id of a currency enabled for the company.
    CurrencyId,
    /// Id of one exchange rate (currency, date).
    ExchangeRateId,
    /// Id of a ledger account.
    AccountId,
    /// Id of a tax code.
    TaxCodeId,
    /// Id of a payment-terms record.
    PaymentTermsId,
    /// Id of a price list.
    PriceListId,
    /// Id of a site (warehouse).
    SiteId,
    /// Id of a bin inside a site.
    BinId,
    /// Id of an item (SKU).
    ItemId,
    /// Id of a customer or vendor.
    PartyId,
    /// Id of a user.
    UserId,
    /// Id of an audit-trail entry.
    AuditId,
);
