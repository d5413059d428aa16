//! Tax codes: a rate and the accounts tax is posted to.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    error::FieldError,
    money::TAX_RATE_SCALE,
    validate::{self, NAME_MAX_LEN},
};

/// A tax code as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TaxCode {
    /// Record id.
    pub id: i64,
    /// Code, e.g. `VAT20`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Rate in percent, e.g. `"20"`.
    #[schema(value_type = String, example = "20.0000")]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_percent: Decimal,
    /// Account code tax on sales is posted to (default: the tax payable account).
    pub sales_account: Option<String>,
    /// Account code tax on purchases is posted to (default: the tax receivable account).
    pub purchase_account: Option<String>,
    /// Active flag.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to create or update a tax code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxCodeInput {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Rate in percent (0 to 100, at most 4 decimals).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_percent: Decimal,
    /// Account code for tax on sales.
    #[serde(default)]
    pub sales_account: Option<String>,
    /// Account code for tax on purchases.
    #[serde(default)]
    pub purchase_account: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A tax-code input that passed its checks (account codes unresolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTaxCode {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Percent.
    pub rate_percent: Decimal,
    /// Sales account code.
    pub sales_account: Option<String>,
    /// Purchase account code.
    pub purchase_account: Option<String>,
    /// Active.
    pub active: bool,
}

impl TaxCodeInput {
    /// Checks code, name and a rate between 0 and 100 percent.
    pub fn validate(&self) -> Result<ValidTaxCode, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        let rate = errs.check(tax_rate(self.rate_percent));
        let opt_code = |errs: &mut FieldErrors, field: &str, v: &Option<String>| match v.as_deref()
        {
            None | Some("") => None,
            Some(c) => errs.check(validate::code(field, c)),
        };
        let sales_account = opt_code(&mut errs, "sales_account", &self.sales_account);
        let purchase_account = opt_code(&mut errs, "purchase_account", &self.purchase_account);
        match (code, name, rate) {
            (Some(code), Some(name), Some(rate_percent)) if errs.is_empty() => Ok(ValidTaxCode {
                code,
                name,
                rate_percent,
                sales_account,
                purchase_account,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}

fn tax_rate(r: Decimal) -> Result<Decimal, FieldError> {
    if r.is_sign_negative() && !r.is_zero() {
        return Err(FieldError::new(
            "rate_percent",
            format!("must not be negative (got {r})"),
        ));
    }
    if r > Decimal::ONE_HUNDRED {
        return Err(FieldError::new(
            "rate_percent",
            format!("must be at most 100 (got {r})"),
        ));
    }
    if r.normalize().scale() > TAX_RATE_SCALE {
        return Err(FieldError::new(
            "rate_percent",
            format!("{r} has more than {TAX_RATE_SCALE} decimal places"),
        ));
    }
    Ok(r.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn rate_must_be_a_percentage() {
        let mk = |r| TaxCodeInput {
            code: "VAT".into(),
            name: "VAT".into(),
            rate_percent: r,
            sales_account: None,
            purchase_account: None,
            active: None,
            version: None,
        };
        assert!(mk(dec!(20)).validate().is_ok());
        assert_eq!(
            mk(dec!(-1)).validate().unwrap_err().0[0].field,
            "rate_percent"
        );
        assert!(mk(dec!(100.5)).validate().is_err());
        assert!(mk(dec!(7.12345)).validate().is_err());
    }
}
