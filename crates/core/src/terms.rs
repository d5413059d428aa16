//! Payment terms: how the due date of an invoice or bill follows from its date.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    validate::{self, NAME_MAX_LEN},
};

/// Longest credit period accepted, in days.
pub const MAX_TERMS_DAYS: u32 = 3650;

/// Payment terms as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentTerms {
    /// Record id.
    pub id: i64,
    /// Code, e.g. `NET30`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Days of credit.
    pub days: u32,
    /// Count the days from the end of the document's month instead of its date.
    pub from_end_of_month: bool,
    /// Active flag.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to create or update payment terms.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentTermsInput {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Days of credit (0 = due on the document date).
    pub days: u32,
    /// Count from the end of the month (default false).
    #[serde(default)]
    pub from_end_of_month: Option<bool>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A payment-terms input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPaymentTerms {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Days.
    pub days: u32,
    /// From end of month.
    pub from_end_of_month: bool,
    /// Active.
    pub active: bool,
}

impl PaymentTermsInput {
    /// Checks code, name and a credit period of at most [`MAX_TERMS_DAYS`].
    pub fn validate(&self) -> Result<ValidPaymentTerms, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        if self.days > MAX_TERMS_DAYS {
            errs.push(
                "days",
                format!("must be at most {MAX_TERMS_DAYS} (got {})", self.days),
            );
        }
        match (code, name) {
            (Some(code), Some(name)) if errs.is_empty() => Ok(ValidPaymentTerms {
                code,
                name,
                days: self.days,
                from_end_of_month: self.from_end_of_month.unwrap_or(false),
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}

impl PaymentTerms {
    /// The due date of a document dated `date` under these terms.
    pub fn due_date(&self, date: Date) -> Date {
        let start = if self.from_end_of_month {
            let last = date.month().length(date.year());
            date.replace_day(last).unwrap_or(date)
        } else {
            date
        };
        start.saturating_add(Duration::days(i64::from(self.days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn terms(days: u32, eom: bool) -> PaymentTerms {
        PaymentTerms {
            id: 1,
            code: "T".into(),
            name: "T".into(),
            days,
            from_end_of_month: eom,
            active: true,
            version: 1,
        }
    }

    #[test]
    fn due_dates() {
        assert_eq!(
            terms(30, false).due_date(date!(2026 - 01 - 15)),
            date!(2026 - 02 - 14)
        );
        assert_eq!(
            terms(30, true).due_date(date!(2026 - 02 - 10)),
            date!(2026 - 03 - 30)
        );
        assert_eq!(
            terms(0, false).due_date(date!(2026 - 01 - 15)),
            date!(2026 - 01 - 15)
        );
    }
}
