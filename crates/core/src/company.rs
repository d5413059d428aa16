//! The company: one per database, with the settings every document obeys.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    costing::CostingMethod,
    currency::CurrencyCode,
    error::FieldError,
    validate::{self, NAME_MAX_LEN},
};

/// How tax is rounded on a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxRounding {
    /// Round each line's tax, then add.
    #[default]
    PerLine,
    /// Add the taxable amounts per tax code, then round once.
    PerDocument,
}

/// What happens when a document would take stock below zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NegativeStockPolicy {
    /// The save fails, naming item, site and shortfall.
    #[default]
    Refuse,
    /// The save goes through and stock goes negative.
    Allow,
}

macro_rules! str_enum {
    ($ty:ty { $($variant:ident => $s:literal),* $(,)? }) => {
        impl $ty {
            /// The stored and JSON spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),* }
            }
            /// Parses the stored and JSON spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$variant),)* _ => None }
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(TaxRounding { PerLine => "per_line", PerDocument => "per_document" });
str_enum!(NegativeStockPolicy { Refuse => "refuse", Allow => "allow" });

/// The company record as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Company {
    /// Legal or trading name.
    pub name: String,
    /// The currency the books are kept in; fixed once anything is posted.
    pub base_currency: String,
    /// First day of the financial year, `MM-DD`.
    pub financial_year_start: String,
    /// Tax rounding rule.
    pub tax_rounding: TaxRounding,
    /// Negative-stock policy.
    pub negative_stock: NegativeStockPolicy,
    /// Code of the item that receives unknown cart products.
    pub default_item: Option<String>,
    /// How the cost of goods issued is measured.
    pub costing_method: CostingMethod,
    /// Allocate stock to sales orders when they are saved.
    pub auto_allocate: bool,
    /// Optimistic-concurrency version; send it back on update.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
}

/// Body to create or update the company.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    /// Legal or trading name.
    pub name: String,
    /// ISO 4217 code of the base currency.
    pub base_currency: String,
    /// First day of the financial year, `MM-DD` (default `01-01`).
    #[serde(default)]
    pub financial_year_start: Option<String>,
    /// Tax rounding rule (default per line).
    #[serde(default)]
    pub tax_rounding: Option<TaxRounding>,
    /// Negative-stock policy (default refuse).
    #[serde(default)]
    pub negative_stock: Option<NegativeStockPolicy>,
    /// Code of the default item for unknown cart products.
    #[serde(default)]
    pub default_item: Option<String>,
    /// Costing method (default moving average); fixed once stock has moved.
    #[serde(default)]
    pub costing_method: Option<CostingMethod>,
    /// Allocate stock to sales orders on save (default true).
    #[serde(default)]
    pub auto_allocate: Option<bool>,
    /// Required on update: the version last read.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A company input that passed its own checks (references still unresolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCompany {
    /// Trimmed name.
    pub name: String,
    /// Base currency.
    pub base_currency: CurrencyCode,
    /// `MM-DD`.
    pub financial_year_start: String,
    /// Tax rounding rule.
    pub tax_rounding: TaxRounding,
    /// Negative-stock policy.
    pub negative_stock: NegativeStockPolicy,
    /// Default item code, if any.
    pub default_item: Option<String>,
    /// Costing method.
    pub costing_method: CostingMethod,
    /// Auto-allocation.
    pub auto_allocate: bool,
}

impl CompanyInput {
    /// Checks every field, reporting all errors at once.
    pub fn validate(&self) -> Result<ValidCompany, FieldErrors> {
        let mut errs = FieldErrors::default();
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        let base = errs.check(CurrencyCode::parse_known(
            "base_currency",
            &self.base_currency,
        ));
        let fy = self
            .financial_year_start
            .clone()
            .unwrap_or_else(|| "01-01".to_owned());
        let fy = errs.check(financial_year_start(&fy));
        let default_item = match self.default_item.as_deref() {
            None | Some("") => None,
            Some(c) => errs.check(validate::code("default_item", c)),
        };
        match (name, base, fy) {
            (Some(name), Some(base_currency), Some(financial_year_start)) if errs.is_empty() => {
                Ok(ValidCompany {
                    name,
                    base_currency,
                    financial_year_start,
                    tax_rounding: self.tax_rounding.unwrap_or_default(),
                    negative_stock: self.negative_stock.unwrap_or_default(),
                    default_item,
                    costing_method: self.costing_method.unwrap_or_default(),
                    auto_allocate: self.auto_allocate.unwrap_or(true),
                })
            }
            _ => Err(errs),
        }
    }
}

/// Checks a financial-year start written `MM-DD` (29 February is refused: it does not recur).
pub fn financial_year_start(value: &str) -> Result<String, FieldError> {
    let err = || {
        FieldError::new(
            "financial_year_start",
            format!("'{value}' is not a day of the year in the form MM-DD"),
        )
    };
    let (m, d) = value.split_once('-').ok_or_else(err)?;
    if m.len() != 2 || d.len() != 2 {
        return Err(err());
    }
    let m: u8 = m.parse().map_err(|_| err())?;
    let d: u8 = d.parse().map_err(|_| err())?;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 28,
        _ => return Err(err()),
    };
    if d == 0 || d > days {
        return Err(err());
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CompanyInput {
        CompanyInput {
            name: "Acme".into(),
            base_currency: "USD".into(),
            financial_year_start: Some("04-01".into()),
            tax_rounding: None,
            negative_stock: None,
            default_item: None,
            costing_method: None,
            auto_allocate: None,
            version: None,
        }
    }

    #[test]
    fn defaults_are_per_line_and_refuse() {
        let v = input().validate().unwrap();
        assert_eq!(v.tax_rounding, TaxRounding::PerLine);
        assert_eq!(v.negative_stock, NegativeStockPolicy::Refuse);
    }

    #[test]
    fn reports_every_bad_field() {
        let mut i = input();
        i.name = String::new();
        i.base_currency = "XYZ".into();
        i.financial_year_start = Some("13-01".into());
        let errs = i.validate().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "base_currency", "financial_year_start"]);
    }

    #[test]
    fn enum_spellings_round_trip() {
        for t in [TaxRounding::PerLine, TaxRounding::PerDocument] {
            assert_eq!(TaxRounding::parse(t.as_str()), Some(t));
        }
        assert_eq!(
            NegativeStockPolicy::parse("allow"),
            Some(NegativeStockPolicy::Allow)
        );
    }
}
