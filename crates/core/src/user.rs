//! Users, roles and what each role may read and write.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    company::str_enum,
    validate::{self, NAME_MAX_LEN},
};

/// A user's role; decides what they may read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users.
    Admin,
    /// Company settings, currencies, rates, accounts, tax, terms, parties; reads the audit trail.
    Accountant,
    /// Customers and price lists.
    Sales,
    /// Items and sites.
    Warehouse,
    /// Reads master data; writes nothing.
    ReadOnly,
}

str_enum!(Role {
    Admin => "admin", Accountant => "accountant", Sales => "sales",
    Warehouse => "warehouse", ReadOnly => "read_only",
});

impl Role {
    /// Parses a role, also accepting `read-only` as written on the command line.
    pub fn parse_lenient(s: &str) -> Option<Self> {
        Self::parse(&s.trim().to_ascii_lowercase().replace('-', "_"))
    }
}

/// A guarded part of the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Company settings.
    Company,
    /// Currencies and exchange rates.
    Currencies,
    /// Chart of accounts.
    Accounts,
    /// Tax codes.
    TaxCodes,
    /// Payment terms.
    PaymentTerms,
    /// Price lists.
    PriceLists,
    /// Sites and bins.
    Sites,
    /// Items.
    Items,
    /// Customers.
    Customers,
    /// Vendors.
    Vendors,
    /// Users and their tokens.
    Users,
    /// The audit trail.
    Audit,
    /// Sales, purchase and stock documents, and stock levels.
    Documents,
    /// Shopping carts (Cart Connect).
    Carts,
}

/// Reading or writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// List and view.
    Read,
    /// Create, update, import.
    Write,
}

/// Whether `role` may have `access` to `resource`.
pub fn allows(role: Role, resource: Resource, access: Access) -> bool {
    use Resource as R;
    match (role, access) {
        (Role::Admin, _) => true,
        (_, Access::Read) => match resource {
            R::Users => false,
            R::Audit => role == Role::Accountant,
            _ => true,
        },
        (Role::Accountant, Access::Write) => matches!(
            resource,
            R::Company
                | R::Currencies
                | R::Accounts
                | R::TaxCodes
                | R::PaymentTerms
                | R::PriceLists
                | R::Customers
                | R::Vendors
        ),
        (Role::Sales, Access::Write) => {
            matches!(resource, R::Customers | R::PriceLists | R::Carts)
        }
        (Role::Warehouse, Access::Write) => matches!(resource, R::Items | R::Sites),
        (Role::ReadOnly, Access::Write) => false,
    }
}

/// A user as the API shows it (never the password or its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// Record id.
    pub id: i64,
    /// Login email, unique ignoring case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Inactive users cannot log in and their tokens stop working.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to create or update a user.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// Login email.
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Role.
    pub role: Role,
    /// Password: required on create; on update, a new one replaces the old.
    #[serde(default)]
    pub password: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Shortest password accepted.
pub const PASSWORD_MIN_LEN: usize = 8;
/// Longest password accepted (argon2 cost grows with it).
pub const PASSWORD_MAX_LEN: usize = 256;

/// A user input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    /// Email, lower-cased.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// New password, if one was given.
    pub password: Option<String>,
    /// Active.
    pub active: bool,
}

impl UserInput {
    /// Checks email, name and password length; `creating` makes the password required.
    pub fn validate(&self, creating: bool) -> Result<ValidUser, FieldErrors> {
        let mut errs = FieldErrors::default();
        let email = errs.check(validate::email("email", &self.email));
        if email.as_deref() == Some("") {
            errs.push("email", "is required");
        }
        let name = errs.check(validate::optional_text(
            "name",
            self.name.as_deref().unwrap_or(""),
            NAME_MAX_LEN,
        ));
        match self.password.as_deref() {
            None if creating => errs.push("password", "is required"),
            Some(p) if p.chars().count() < PASSWORD_MIN_LEN => {
                errs.push(
                    "password",
                    format!("must be at least {PASSWORD_MIN_LEN} characters"),
                );
            }
            Some(p) if p.chars().count() > PASSWORD_MAX_LEN => {
                errs.push(
                    "password",
                    format!("must be at most {PASSWORD_MAX_LEN} characters"),
                );
            }
            _ => {}
        }
        match (email, name) {
            (Some(email), Some(name)) if errs.is_empty() => Ok(ValidUser {
                email: email.to_ascii_lowercase(),
                name,
                role: self.role,
                password: self.password.clone(),
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_writes_nothing_and_admin_everything() {
        for r in [
            Resource::Company,
            Resource::Currencies,
            Resource::Items,
            Resource::Users,
            Resource::Audit,
        ] {
            assert!(!allows(Role::ReadOnly, r, Access::Write));
            assert!(allows(Role::Admin, r, Access::Write));
        }
        assert!(allows(Role::ReadOnly, Resource::Items, Access::Read));
        assert!(!allows(Role::ReadOnly, Resource::Users, Access::Read));
        assert!(allows(Role::Warehouse, Resource::Items, Access::Write));
        assert!(!allows(Role::Warehouse, Resource::Customers, Access::Write));
        assert!(allows(Role::Accountant, Resource::Audit, Access::Read));
    }

    #[test]
    fn roles_parse_from_the_command_line() {
        assert_eq!(Role::parse_lenient("read-only"), Some(Role::ReadOnly));
        assert_eq!(Role::parse_lenient("Admin"), Some(Role::Admin));
        assert_eq!(Role::parse_lenient("boss"), None);
    }

    #[test]
    fn password_rules() {
        let mk = |p: Option<&str>| UserInput {
            email: "a@b.com".into(),
            name: None,
            role: Role::Sales,
            password: p.map(str::to_owned),
            active: None,
            version: None,
        };
        assert!(mk(None).validate(true).is_err());
        assert!(mk(None).validate(false).is_ok());
        assert!(mk(Some("short")).validate(true).is_err());
        assert!(mk(Some("long enough")).validate(true).is_ok());
    }
}
