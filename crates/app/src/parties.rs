//! Customers and vendors: create, update, read, list.

use cartwright_core::{
    FieldErrors,
    money::to_scaled,
    page::Page,
    party::{Party, PartyInput, PartyKind, ValidParty, check_currency_change},
    user::{Access, Resource},
};
use cartwright_store::{ListQuery, PartyRow, Tx};

use crate::{
    App, AppError, Principal, Result, audit, company::no_company, refs::Refs, required_version,
};

fn resource(kind: PartyKind) -> Resource {
    match kind {
        PartyKind::Customer => Resource::Customers,
        PartyKind::Vendor => Resource::Vendors,
    }
}

/// Turns a checked party into the row to store; a party with no currency gets the base currency.
pub(crate) async fn party_row(
    tx: &mut Tx,
    refs: &mut Refs,
    base_currency: &str,
    kind: PartyKind,
    v: &ValidParty,
) -> Result<Result<PartyRow, FieldErrors>> {
    let mut errs = FieldErrors::default();
    let currency = v
        .currency
        .as_ref()
        .map_or(base_currency, |c| c.as_str())
        .to_owned();
    let credit_limit_minor = match errs.check(refs.currency(tx, "currency", &currency).await?) {
        Some(mu) => errs.check(to_scaled(v.credit_limit, mu, "credit_limit")),
        None => None,
    };
    let payment_terms_id = match &v.payment_terms {
        Some(c) => errs.check(refs.terms(tx, "payment_terms", c).await?),
        None => None,
    };
    let tax_code_id = match &v.tax_code {
        Some(c) => errs.check(refs.tax_code(tx, "tax_code", c).await?),
        None => None,
    };
    let Some(credit_limit_minor) = credit_limit_minor else {
        return Ok(Err(errs));
    };
    Ok(errs.into_result(PartyRow {
        kind,
        code: v.code.clone(),
        name: v.name.clone(),
        email: v.email.clone(),
        phone: v.phone.clone(),
        contacts: v.contacts.clone(),
        billing_address: v.billing_address.clone(),
        shipping_address: v.shipping_address.clone(),
        currency,
        payment_terms_id,
        tax_code_id,
        credit_limit_minor,
        notes: v.notes.clone(),
        active: v.active,
    }))
}

impl App {
    /// Creates a customer or vendor.
    pub async fn create_party(
        &self,
        who: &Principal,
        kind: PartyKind,
        input: &PartyInput,
    ) -> Result<Party> {
        who.require(resource(kind), Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let row = party_row(
            &mut tx,
            &mut Refs::default(),
            &company.base_currency,
            kind,
            &v,
        )
        .await??;
        let p = tx
            .insert_party(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, kind.as_str(), "code", &v.code))?;
        audit(&mut tx, who, kind.plural(), p.id, "create", None, Some(&p)).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Replaces a customer's or vendor's fields. Its currency is fixed once it has documents.
    pub async fn update_party(
        &self,
        who: &Principal,
        kind: PartyKind,
        id: i64,
        input: &PartyInput,
    ) -> Result<Party> {
        who.require(resource(kind), Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let before = tx
            .party(kind, id)
            .await?
            .ok_or_else(|| AppError::not_found(kind.as_str(), id))?;
        let row = party_row(
            &mut tx,
            &mut Refs::default(),
            &company.base_currency,
            kind,
            &v,
        )
        .await??;
        check_currency_change(
            &before.code,
            &before.currency,
            &row.currency,
            tx.party_has_documents(id).await?,
        )?;
        let after = tx
            .update_party(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, kind.as_str(), "code", &v.code))?;
        if kind == PartyKind::Customer {
            // Carts with TO CART customer updates hear of it (same transaction).
            tx.enqueue_record("customer", id).await?;
        }
        audit(
            &mut tx,
            who,
            kind.plural(),
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One customer or vendor.
    pub async fn party(&self, who: &Principal, kind: PartyKind, id: i64) -> Result<Party> {
        who.require(resource(kind), Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.party(kind, id)
            .await?
            .ok_or_else(|| AppError::not_found(kind.as_str(), id))
    }

    /// Customers or vendors, paged; `filter` is a currency.
    pub async fn list_parties(
        &self,
        who: &Principal,
        kind: PartyKind,
        q: &ListQuery,
    ) -> Result<Page<Party>> {
        who.require(resource(kind), Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_parties(kind, q).await?)
    }
}

/// The input that would recreate `p` (for changes that touch a few fields).
pub(crate) fn input_of(p: &cartwright_core::party::Party) -> PartyInput {
    PartyInput {
        code: p.code.clone(),
        name: p.name.clone(),
        email: Some(p.email.clone()),
        phone: Some(p.phone.clone()),
        contacts: p.contacts.clone(),
        billing_address: Some(p.billing_address.clone()),
        shipping_address: Some(p.shipping_address.clone()),
        currency: Some(p.currency.clone()),
        payment_terms: p.payment_terms.clone(),
        tax_code: p.tax_code.clone(),
        credit_limit: Some(p.credit_limit),
        notes: Some(p.notes.clone()),
        active: Some(p.active),
        version: Some(p.version),
    }
}
