//! Customers and vendors.

use cartwright_core::{
    money::from_scaled,
    page::Page,
    party::{Address, Contact, Party, PartyKind},
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
    masters::version_outcome,
    row::{DbRow, parse_enum, parse_json, to_u32},
};

/// A party as written: references resolved to ids, credit limit in minor units.
#[derive(Debug, Clone)]
pub struct PartyRow {
    /// Customer or vendor.
    pub kind: PartyKind,
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
    /// Currency code.
    pub currency: String,
    /// Payment terms id.
    pub payment_terms_id: Option<i64>,
    /// Tax code id.
    pub tax_code_id: Option<i64>,
    /// Credit limit in the currency's minor units.
    pub credit_limit_minor: i64,
    /// Notes.
    pub notes: String,
    /// Active.
    pub active: bool,
}

fn party_from(r: &dyn DbRow) -> Result<Party> {
    let minor_units = to_u32("currencies", "minor_units", r.i64("minor_units")?)?;
    Ok(Party {
        id: r.i64("id")?,
        kind: parse_enum("parties", "kind", &r.string("kind")?, PartyKind::parse)?,
        code: r.string("code")?,
        name: r.string("name")?,
        email: r.string("email")?,
        phone: r.string("phone")?,
        contacts: parse_json("parties", "contacts_json", &r.string("contacts_json")?)?,
        billing_address: parse_json(
            "parties",
            "billing_address_json",
            &r.string("billing_address_json")?,
        )?,
        shipping_address: parse_json(
            "parties",
            "shipping_address_json",
            &r.string("shipping_address_json")?,
        )?,
        currency: r.string("currency")?,
        payment_terms: r.opt_string("payment_terms")?,
        tax_code: r.opt_string("tax_code")?,
        credit_limit: from_scaled(r.i64("credit_limit_minor")?, minor_units),
        notes: r.string("notes")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
        created_at: r.string("created_at")?,
        updated_at: r.string("updated_at")?,
    })
}

fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

impl Tx {
    /// Creates a customer or vendor.
    pub async fn insert_party(&mut self, p: &PartyRow) -> Result<Party> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO parties (kind, code, name, email, phone, contacts_json, billing_address_json, shipping_address_json,
                 currency, payment_terms_id, tax_code_id, credit_limit_minor, notes, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id"
            )
            .bind(p.kind.as_str())
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.email)
            .bind(&p.phone)
            .bind(json(&p.contacts))
            .bind(json(&p.billing_address))
            .bind(json(&p.shipping_address))
            .bind(&p.currency)
            .bind(p.payment_terms_id)
            .bind(p.tax_code_id)
            .bind(p.credit_limit_minor)
            .bind(&p.notes)
            .bind(p.active)
            .bind(&now),
            |r: &dyn DbRow| r.i64("id")
        )
        .ok_or_else(|| StoreError::NotFound { entity: "party", key: p.code.clone() })?;
        self.party(p.kind, id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "party",
                key: p.code.clone(),
            })
    }

    /// Replaces every field of a party, if `version` is current.
    pub async fn update_party(&mut self, id: i64, version: i64, p: &PartyRow) -> Result<Party> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE parties SET code = $1, name = $2, email = $3, phone = $4, contacts_json = $5, billing_address_json = $6,
                 shipping_address_json = $7, currency = $8, payment_terms_id = $9, tax_code_id = $10, credit_limit_minor = $11,
                 notes = $12, active = $13, version = version + 1, updated_at = $14
                 WHERE id = $15 AND version = $16 AND kind = $17"
            )
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.email)
            .bind(&p.phone)
            .bind(json(&p.contacts))
            .bind(json(&p.billing_address))
            .bind(json(&p.shipping_address))
            .bind(&p.currency)
            .bind(p.payment_terms_id)
            .bind(p.tax_code_id)
            .bind(p.credit_limit_minor)
            .bind(&p.notes)
            .bind(p.active)
            .bind(&now)
            .bind(id)
            .bind(version)
            .bind(p.kind.as_str())
        );
        let current = self.party(p.kind, id).await?;
        version_outcome(p.kind.as_str(), id, version, n, current)
    }

    /// One party of `kind` by id.
    pub async fn party(&mut self, kind: PartyKind, id: i64) -> Result<Option<Party>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT p.id, p.kind, p.code, p.name, p.email, p.phone, p.contacts_json, p.billing_address_json, p.shipping_address_json,
                 p.currency, c.minor_units, pt.code AS payment_terms, t.code AS tax_code, p.credit_limit_minor, p.notes, p.active,
                 p.version, p.created_at, p.updated_at
                 FROM parties p JOIN currencies c ON c.code = p.currency
                 LEFT JOIN payment_terms pt ON pt.id = p.payment_terms_id LEFT JOIN tax_codes t ON t.id = p.tax_code_id
                 WHERE p.id = $1 AND p.kind = $2"
            )
            .bind(id)
            .bind(kind.as_str()),
            party_from
        ))
    }

    /// The id of a party of `kind` by code, ignoring case.
    pub async fn party_id(&mut self, kind: PartyKind, code: &str) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM parties WHERE kind = $1 AND lower(code) = lower($2)")
                .bind(kind.as_str())
                .bind(code),
            |r: &dyn DbRow| r.i64("id")
        ))
    }

    /// Every party code of `kind` (lower-cased) with id and version, for bulk imports.
    pub async fn party_keys(&mut self, kind: PartyKind) -> Result<Vec<(String, i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT lower(code) AS k, id, version FROM parties WHERE kind = $1")
                .bind(kind.as_str()),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.string("k")?, r.i64("id")?, r.i64("version")?))
        ))
    }

    /// Parties of `kind` by id; `filter` is a currency code.
    pub async fn list_parties(&mut self, kind: PartyKind, q: &ListQuery) -> Result<Page<Party>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT p.id, p.kind, p.code, p.name, p.email, p.phone, p.contacts_json, p.billing_address_json, p.shipping_address_json,
                 p.currency, c.minor_units, pt.code AS payment_terms, t.code AS tax_code, p.credit_limit_minor, p.notes, p.active,
                 p.version, p.created_at, p.updated_at
                 FROM parties p JOIN currencies c ON c.code = p.currency
                 LEFT JOIN payment_terms pt ON pt.id = p.payment_terms_id LEFT JOIN tax_codes t ON t.id = p.tax_code_id
                 WHERE p.kind = $1 AND p.id > $2
                 AND ($3 IS NULL OR lower(p.code) LIKE $3 ESCAPE '\\' OR lower(p.name) LIKE $3 ESCAPE '\\' OR lower(p.email) LIKE $3 ESCAPE '\\')
                 AND ($4 IS NULL OR p.currency = $4) AND ($5 IS NULL OR p.active = $5)
                 ORDER BY p.id LIMIT $6"
            )
            .bind(kind.as_str())
            .bind(q.after)
            .bind(q.pattern())
            .bind(&q.filter)
            .bind(q.active)
            .bind(q.fetch_limit()),
            party_from
        );
        Ok(page_from_rows(rows, q, |p| p.id))
    }
}
