//! Sites (warehouses) and the bins inside them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    validate::{self, NAME_MAX_LEN, TEXT_MAX_LEN},
};

/// A site as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Site {
    /// Record id.
    pub id: i64,
    /// Code, e.g. `MAIN`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Postal address, free text.
    pub address: String,
    /// Active flag.
    pub active: bool,
    /// Bins in this site.
    pub bins: Vec<Bin>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// A bin (shelf location) inside a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Bin {
    /// Record id.
    pub id: i64,
    /// Code, unique within its site.
    pub code: String,
    /// Name.
    pub name: String,
    /// Active flag.
    pub active: bool,
}

/// Body to create or update a site.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address (optional).
    #[serde(default)]
    pub address: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Body to add a bin to a site or rename it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BinInput {
    /// Code, unique within the site.
    pub code: String,
    /// Name (default: the code).
    #[serde(default)]
    pub name: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
}

/// A site input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSite {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Active.
    pub active: bool,
}

/// A bin input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidBin {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Active.
    pub active: bool,
}

impl SiteInput {
    /// Checks code, name and address length.
    pub fn validate(&self) -> Result<ValidSite, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        let address = errs.check(validate::optional_text(
            "address",
            self.address.as_deref().unwrap_or(""),
            TEXT_MAX_LEN,
        ));
        match (code, name, address) {
            (Some(code), Some(name), Some(address)) if errs.is_empty() => Ok(ValidSite {
                code,
                name,
                address,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}

impl BinInput {
    /// Checks code and name.
    pub fn validate(&self) -> Result<ValidBin, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = match self.name.as_deref() {
            Some(n) if !n.trim().is_empty() => {
                errs.check(validate::required_text("name", n, NAME_MAX_LEN))
            }
            _ => code.clone(),
        };
        match (code, name) {
            (Some(code), Some(name)) if errs.is_empty() => Ok(ValidBin {
                code,
                name,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}
