//! Customers and vendors ("parties"): who we sell to and buy from.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    company::str_enum,
    currency::CurrencyCode,
    error::FieldError,
    money::non_negative,
    validate::{self, NAME_MAX_LEN, TEXT_MAX_LEN},
};

/// Whether a party is a customer or a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Someone we sell to.
    Customer,
    /// Someone we buy from.
    Vendor,
}

str_enum!(PartyKind { Customer => "customer", Vendor => "vendor" });

impl PartyKind {
    /// The API collection name: `customers` or `vendors`.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Customer => "customers",
            Self::Vendor => "vendors",
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Address {
    /// First line.
    pub line1: String,
    /// Second line.
    pub line2: String,
    /// Town or city.
    pub city: String,
    /// State, county or region.
    pub region: String,
    /// Postal code.
    pub postcode: String,
    /// ISO 3166 country code or name.
    pub country: String,
}

/// A contact person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// A customer or vendor as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Party {
    /// Record id.
    pub id: i64,
    /// Customer or vendor.
    pub kind: PartyKind,
    /// Code, unique ignoring case among parties of the same kind.
    pub code: String,
    /// Name.
    pub name: String,
    /// Main email address.
    pub email: String,
    /// Main phone.
    pub phone: String,
    /// Contact people.
    pub contacts: Vec<Contact>,
    /// Billing address.
    pub billing_address: Address,
    /// Shipping address.
    pub shipping_address: Address,
    /// Currency of every document with this party (fixed after the first document).
    pub currency: String,
    /// Payment-terms code.
    pub payment_terms: Option<String>,
    /// Tax code.
    pub tax_code: Option<String>,
    /// Credit limit in the party's currency (0 = none set).
    #[schema(value_type = String, example = "5000.00")]
    #[serde(with = "rust_decimal::serde::str")]
    pub credit_limit: Decimal,
    /// Notes.
    pub notes: String,
    /// Active flag.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created, RFC 3339 UTC.
    pub created_at: String,
    /// Last changed, RFC 3339 UTC.
    pub updated_at: String,
}

/// Body to create or update a customer or vendor (an update replaces every field).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Main email.
    #[serde(default)]
    pub email: Option<String>,
    /// Main phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Contact people.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Billing address.
    #[serde(default)]
    pub billing_address: Option<Address>,
    /// Shipping address (default: the billing address).
    #[serde(default)]
    pub shipping_address: Option<Address>,
    /// Currency code (default: base currency).
    #[serde(default)]
    pub currency: Option<String>,
    /// Payment-terms code.
    #[serde(default)]
    pub payment_terms: Option<String>,
    /// Tax code.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Credit limit in the party's currency.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub credit_limit: Option<Decimal>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A party input that passed its own checks (codes unresolved, credit limit not yet checked against the currency's minor units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidParty {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Billing address.
    pub billing_address: Address,
    /// Shipping address.
    pub shipping_address: Address,
    /// Currency, if given.
    pub currency: Option<CurrencyCode>,
    /// Payment-terms code.
    pub payment_terms: Option<String>,
    /// Tax code.
    pub tax_code: Option<String>,
    /// Credit limit.
    pub credit_limit: Decimal,
    /// Notes.
    pub notes: String,
    /// Active.
    pub active: bool,
}

/// Longest phone number accepted.
pub const PHONE_MAX_LEN: usize = 40;

fn check_address(errs: &mut FieldErrors, field: &str, a: &Address) -> Address {
    let mut f = |name: &str, v: &str| {
        errs.check(validate::optional_text(
            &format!("{field}.{name}"),
            v,
            NAME_MAX_LEN,
        ))
        .unwrap_or_default()
    };
    Address {
        line1: f("line1", &a.line1),
        line2: f("line2", &a.line2),
        city: f("city", &a.city),
        region: f("region", &a.region),
        postcode: f("postcode", &a.postcode),
        country: f("country", &a.country),
    }
}

impl PartyInput {
    /// Checks every field and reports all errors at once.
    pub fn validate(&self) -> Result<ValidParty, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        let email = errs.check(validate::email(
            "email",
            self.email.as_deref().unwrap_or(""),
        ));
        let phone = errs.check(validate::optional_text(
            "phone",
            self.phone.as_deref().unwrap_or(""),
            PHONE_MAX_LEN,
        ));
        let mut contacts = Vec::with_capacity(self.contacts.len());
        for (i, c) in self.contacts.iter().enumerate() {
            let name = errs.check(validate::optional_text(
                &format!("contacts[{i}].name"),
                &c.name,
                NAME_MAX_LEN,
            ));
            let email = errs.check(validate::email(&format!("contacts[{i}].email"), &c.email));
            let phone = errs.check(validate::optional_text(
                &format!("contacts[{i}].phone"),
                &c.phone,
                PHONE_MAX_LEN,
            ));
            if let (Some(name), Some(email), Some(phone)) = (name, email, phone) {
                contacts.push(Contact { name, email, phone });
            }
        }
        let billing = check_address(
            &mut errs,
            "billing_address",
            &self.billing_address.clone().unwrap_or_default(),
        );
        let shipping = match &self.shipping_address {
            Some(a) => check_address(&mut errs, "shipping_address", a),
            None => billing.clone(),
        };
        let currency = match self.currency.as_deref() {
            None | Some("") => None,
            Some(c) => errs.check(CurrencyCode::parse_known("currency", c)),
        };
        let code_ref = |errs: &mut FieldErrors, field: &str, v: Option<&str>| match v {
            None | Some("") => None,
            Some(c) => errs.check(validate::code(field, c)),
        };
        let payment_terms = code_ref(&mut errs, "payment_terms", self.payment_terms.as_deref());
        let tax_code = code_ref(&mut errs, "tax_code", self.tax_code.as_deref());
        let credit_limit = errs.check(non_negative(
            self.credit_limit.unwrap_or_default(),
            "credit_limit",
        ));
        let notes = errs.check(validate::optional_text(
            "notes",
            self.notes.as_deref().unwrap_or(""),
            TEXT_MAX_LEN,
        ));
        match (code, name, email, phone, credit_limit, notes) {
            (Some(code), Some(name), Some(email), Some(phone), Some(credit_limit), Some(notes))
                if errs.is_empty() =>
            {
                Ok(ValidParty {
                    code,
                    name,
                    email,
                    phone,
                    contacts,
                    billing_address: billing,
                    shipping_address: shipping,
                    currency,
                    payment_terms,
                    tax_code,
                    credit_limit: credit_limit.normalize(),
                    notes,
                    active: self.active.unwrap_or(true),
                })
            }
            _ => Err(errs),
        }
    }
}

/// Refuses a change of currency for a party that already has documents.
pub fn check_currency_change(
    code: &str,
    old: &str,
    new: &str,
    has_documents: bool,
) -> Result<(), FieldError> {
    if old != new && has_documents {
        return Err(FieldError::new(
            "currency",
            format!(
                "{code} already has documents in {old}, so its currency cannot change to {new}"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipping_defaults_to_billing_and_errors_are_all_reported() {
        let i: PartyInput = serde_json::from_value(serde_json::json!({
            "code": "C1", "name": "Ann", "billing_address": {"line1": "1 High St", "city": "Leeds"}
        }))
        .unwrap();
        let v = i.validate().unwrap();
        assert_eq!(v.shipping_address.city, "Leeds");

        let bad: PartyInput = serde_json::from_value(serde_json::json!({
            "code": "", "name": "Ann", "email": "nope", "currency": "QQQ", "credit_limit": "-5"
        }))
        .unwrap();
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["code", "email", "currency", "credit_limit"]);
    }

    #[test]
    fn currency_is_fixed_after_documents() {
        assert!(check_currency_change("C1", "EUR", "USD", false).is_ok());
        assert!(check_currency_change("C1", "EUR", "USD", true).is_err());
    }
}
