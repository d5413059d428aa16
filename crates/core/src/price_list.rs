//! Price lists: a named set of sales prices in one currency.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    currency::CurrencyCode,
    validate::{self, NAME_MAX_LEN},
};

/// A price list as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PriceList {
    /// Record id.
    pub id: i64,
    /// Code, e.g. `RETAIL-EUR`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Currency of every price on the list (fixed once the list holds prices).
    pub currency: String,
    /// Whether prices include tax (as web carts often show them).
    pub prices_include_tax: bool,
    /// Active flag.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to create or update a price list.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListInput {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Currency code (must be enabled).
    pub currency: String,
    /// Prices include tax (default false).
    #[serde(default)]
    pub prices_include_tax: Option<bool>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A price-list input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPriceList {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Currency.
    pub currency: CurrencyCode,
    /// Prices include tax.
    pub prices_include_tax: bool,
    /// Active.
    pub active: bool,
}

impl PriceListInput {
    /// Checks code, name and currency.
    pub fn validate(&self) -> Result<ValidPriceList, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        let currency = errs.check(CurrencyCode::parse_known("currency", &self.currency));
        match (code, name, currency) {
            (Some(code), Some(name), Some(currency)) if errs.is_empty() => Ok(ValidPriceList {
                code,
                name,
                currency,
                prices_include_tax: self.prices_include_tax.unwrap_or(false),
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}
