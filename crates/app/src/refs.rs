//! Resolves the codes a record refers to (tax code, vendor, price list, …) to ids,
//! remembering each answer so a 10,000-row import asks the database once per code.

use std::collections::HashMap;

use cartwright_core::{FieldError, party::PartyKind};
use cartwright_store::Tx;

use crate::Result;

/// Cache of code → id look-ups within one transaction.
#[derive(Default)]
pub(crate) struct Refs {
    tax_codes: HashMap<String, Option<i64>>,
    terms: HashMap<String, Option<i64>>,
    vendors: HashMap<String, Option<i64>>,
    price_lists: HashMap<String, Option<(i64, u32)>>,
    currencies: HashMap<String, Option<u32>>,
}

/// A missing reference, reported on the field that named it.
fn unknown(field: &str, what: &str, code: &str) -> FieldError {
    FieldError::new(field, format!("unknown {what} '{code}'"))
}

impl Refs {
    /// The id of tax code `code`, or an error on `field`.
    pub(crate) async fn tax_code(
        &mut self,
        tx: &mut Tx,
        field: &str,
        code: &str,
    ) -> Result<Result<i64, FieldError>> {
        let key = code.to_lowercase();
        if !self.tax_codes.contains_key(&key) {
            let id = tx.tax_code_id(code).await?;
            self.tax_codes.insert(key.clone(), id);
        }
        Ok(self
            .tax_codes
            .get(&key)
            .copied()
            .flatten()
            .ok_or_else(|| unknown(field, "tax code", code)))
    }

    /// The id of payment terms `code`, or an error on `field`.
    pub(crate) async fn terms(
        &mut self,
        tx: &mut Tx,
        field: &str,
        code: &str,
    ) -> Result<Result<i64, FieldError>> {
        let key = code.to_lowercase();
        if !self.terms.contains_key(&key) {
            let id = tx.terms_id(code).await?;
            self.terms.insert(key.clone(), id);
        }
        Ok(self
            .terms
            .get(&key)
            .copied()
            .flatten()
            .ok_or_else(|| unknown(field, "payment terms", code)))
    }

    /// The id of vendor `code`, or an error on `field`.
    pub(crate) async fn vendor(
        &mut self,
        tx: &mut Tx,
        field: &str,
        code: &str,
    ) -> Result<Result<i64, FieldError>> {
        let key = code.to_lowercase();
        if !self.vendors.contains_key(&key) {
            let id = tx.party_id(PartyKind::Vendor, code).await?;
            self.vendors.insert(key.clone(), id);
        }
        Ok(self
            .vendors
            .get(&key)
            .copied()
            .flatten()
            .ok_or_else(|| unknown(field, "vendor", code)))
    }

    /// The id and currency minor units of price list `code`, or an error on `field`.
    pub(crate) async fn price_list(
        &mut self,
        tx: &mut Tx,
        field: &str,
        code: &str,
    ) -> Result<Result<(i64, u32), FieldError>> {
        let key = code.to_lowercase();
        if !self.price_lists.contains_key(&key) {
            let found = match tx.price_list_by_code(code).await? {
                Some(pl) => tx.minor_units_of(&pl.currency).await?.map(|mu| (pl.id, mu)),
                None => None,
            };
            self.price_lists.insert(key.clone(), found);
        }
        Ok(self
            .price_lists
            .get(&key)
            .copied()
            .flatten()
            .ok_or_else(|| unknown(field, "price list", code)))
    }

    /// The minor units of enabled currency `code`, or an error on `field`.
    pub(crate) async fn currency(
        &mut self,
        tx: &mut Tx,
        field: &str,
        code: &str,
    ) -> Result<Result<u32, FieldError>> {
        if !self.currencies.contains_key(code) {
            let mu = tx.minor_units_of(code).await?;
            self.currencies.insert(code.to_owned(), mu);
        }
        Ok(self.currencies.get(code).copied().flatten().ok_or_else(|| {
            FieldError::new(
                field,
                format!("currency {code} is not enabled; add it first"),
            )
        }))
    }
}
