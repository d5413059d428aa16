//! Currencies, their minor units, and exchange rates against the base currency.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    error::FieldError,
    iso4217,
    money::{RATE_SCALE, round_half_away},
    validate::{self, NAME_MAX_LEN},
};

/// An ISO 4217 code known to the ISO table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode(String);

impl CurrencyCode {
    /// Parses a code (case-insensitive) and refuses codes ISO 4217 does not list.
    pub fn parse_known(field: &str, value: &str) -> Result<Self, FieldError> {
        let upper = value.trim().to_ascii_uppercase();
        if upper.len() != 3 || !upper.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(FieldError::new(
                field,
                format!("'{value}' is not a three-letter ISO 4217 currency code"),
            ));
        }
        if iso4217::lookup(&upper).is_none() {
            return Err(FieldError::new(
                field,
                format!("unknown currency '{upper}': not an ISO 4217 code"),
            ));
        }
        Ok(Self(upper))
    }

    /// The code, e.g. `EUR`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point for this currency.
    pub fn minor_units(&self) -> u32 {
        iso4217::lookup(&self.0).map_or(2, |c| c.minor_units)
    }
}

impl std::fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A currency enabled for the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Currency {
    /// ISO 4217 code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Digits after the decimal point (from ISO 4217).
    pub minor_units: u32,
    /// True for the company's base currency.
    pub is_base: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to enable a currency (or rename one).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencyInput {
    /// ISO 4217 code.
    pub code: String,
    /// Display name (default: the ISO name).
    #[serde(default)]
    pub name: Option<String>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A currency input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCurrency {
    /// Code.
    pub code: CurrencyCode,
    /// Name (ISO name when none was given).
    pub name: String,
    /// Minor units from ISO 4217.
    pub minor_units: u32,
}

impl CurrencyInput {
    /// Checks the code against ISO 4217 and the name's length.
    pub fn validate(&self) -> Result<ValidCurrency, FieldErrors> {
        let code = CurrencyCode::parse_known("code", &self.code)?;
        let iso = iso4217::lookup(code.as_str());
        let name = match self.name.as_deref() {
            Some(n) if !n.trim().is_empty() => validate::required_text("name", n, NAME_MAX_LEN)?,
            _ => iso.map(|c| c.name.to_owned()).unwrap_or_default(),
        };
        let minor_units = code.minor_units();
        Ok(ValidCurrency {
            code,
            name,
            minor_units,
        })
    }
}

/// One exchange rate: base units per one foreign unit on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExchangeRate {
    /// Record id.
    pub id: i64,
    /// Foreign currency code.
    pub currency: String,
    /// Date the rate applies from, `YYYY-MM-DD`.
    pub date: String,
    /// Base units per one foreign unit, 6 decimal places.
    #[schema(value_type = String, example = "1.084500")]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    /// The figure as quoted outside (foreign per one base unit), when it was entered that way.
    #[schema(value_type = Option<String>)]
    #[serde(with = "rust_decimal::serde::str_option")]
    pub quoted_foreign_per_base: Option<Decimal>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to record an exchange rate; give `rate` or `foreign_per_base`, not both.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRateInput {
    /// Foreign currency code (must be enabled and not the base).
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Base units per one foreign unit (at most 6 decimals).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub rate: Option<Decimal>,
    /// The rate quoted the other way: foreign units per one base unit.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub foreign_per_base: Option<Decimal>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// An exchange-rate input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidExchangeRate {
    /// Foreign currency.
    pub currency: CurrencyCode,
    /// Date.
    pub date: Date,
    /// Base per foreign, exact to 6 dp.
    pub rate: Decimal,
    /// The inverse figure as quoted, if entered that way.
    pub quoted_foreign_per_base: Option<Decimal>,
}

impl ExchangeRateInput {
    /// Checks currency, date and a positive rate with at most 6 decimals.
    pub fn validate(&self) -> Result<ValidExchangeRate, FieldErrors> {
        let mut errs = FieldErrors::default();
        let currency = errs.check(CurrencyCode::parse_known("currency", &self.currency));
        let date = errs.check(validate::date("date", &self.date));
        let rate = match (self.rate, self.foreign_per_base) {
            (Some(r), None) => errs.check(positive_rate("rate", r)).map(|r| (r, None)),
            (None, Some(q)) => errs
                .check(positive_rate("foreign_per_base", q))
                .map(|q| (round_half_away(Decimal::ONE / q, RATE_SCALE), Some(q))),
            (Some(_), Some(_)) => {
                errs.push("rate", "give either rate or foreign_per_base, not both");
                None
            }
            (None, None) => {
                errs.push("rate", "is required (base units per one foreign unit)");
                None
            }
        };
        match (currency, date, rate) {
            (Some(currency), Some(date), Some((rate, quoted))) if errs.is_empty() => {
                if rate.is_zero() {
                    errs.push(
                        "foreign_per_base",
                        "is so large that the rate rounds to zero at 6 decimals",
                    );
                    return Err(errs);
                }
                Ok(ValidExchangeRate {
                    currency,
                    date,
                    rate,
                    quoted_foreign_per_base: quoted,
                })
            }
            _ => Err(errs),
        }
    }
}

fn positive_rate(field: &str, r: Decimal) -> Result<Decimal, FieldError> {
    if r <= Decimal::ZERO {
        return Err(FieldError::new(
            field,
            format!("must be greater than zero (got {r})"),
        ));
    }
    if r.normalize().scale() > RATE_SCALE {
        return Err(FieldError::new(
            field,
            format!("{r} has more than {RATE_SCALE} decimal places"),
        ));
    }
    Ok(r.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn codes_are_checked_against_iso() {
        assert_eq!(
            CurrencyCode::parse_known("c", "eur").unwrap().as_str(),
            "EUR"
        );
        assert!(CurrencyCode::parse_known("c", "EURO").is_err());
        let e = CurrencyCode::parse_known("c", "ABC").unwrap_err();
        assert!(e.message.contains("unknown currency"));
    }

    #[test]
    fn minor_units_come_from_iso() {
        let mu = |c: &str| CurrencyCode::parse_known("c", c).unwrap().minor_units();
        assert_eq!((mu("JPY"), mu("USD"), mu("BHD")), (0, 2, 3));
    }

    #[test]
    fn inverse_quote_is_stored_beside_rate() {
        let v = ExchangeRateInput {
            currency: "EUR".into(),
            date: "2026-01-01".into(),
            rate: None,
            foreign_per_base: Some(dec!(1.20)),
            version: None,
        }
        .validate()
        .unwrap();
        assert_eq!(v.rate, dec!(0.833333));
        assert_eq!(v.quoted_foreign_per_base, Some(dec!(1.2)));
    }

    #[test]
    fn rate_needs_six_decimals_at_most_and_positive() {
        let mk = |r| ExchangeRateInput {
            currency: "EUR".into(),
            date: "2026-01-01".into(),
            rate: Some(r),
            foreign_per_base: None,
            version: None,
        };
        assert!(mk(dec!(1.1234567)).validate().is_err());
        assert!(mk(dec!(0)).validate().is_err());
        assert!(mk(dec!(-1)).validate().is_err());
        assert_eq!(mk(dec!(1.123456)).validate().unwrap().rate, dec!(1.123456));
    }
}
