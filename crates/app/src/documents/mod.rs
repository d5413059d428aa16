//! Documents: create and edit while PENDING, save (apply effects), void (reverse them), delete.

mod convert;
mod effects;
mod reorder;
mod resolve;

use cartwright_core::{
    document::{DocStatus, DocumentInput, record::Document},
    page::Page,
    posting::reversal,
    user::{Access, Resource},
};
use cartwright_store::{DocumentQuery, Tx};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, audit, company::no_company, required_version};

pub use convert::{ConvertInput, ConvertLine, PurchaseMode, Related};

pub use effects::{BinStock, LevelMismatch, StockLevelView, StockMoveView};
pub use reorder::ReorderLine;

/// One debit or credit of a document ("Show Account Entries").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Entry {
    /// Journal id.
    pub journal_id: i64,
    /// Posting date.
    pub date: String,
    /// Account code.
    pub account: String,
    /// Account name.
    pub account_name: String,
    /// Debit in base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: rust_decimal::Decimal,
    /// Credit in base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: rust_decimal::Decimal,
    /// Currency of the source amount.
    pub currency: String,
    /// Source amount, signed (debit positive).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: rust_decimal::Decimal,
    /// Rate used.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: rust_decimal::Decimal,
    /// True for the lines of a void's reversing journal.
    pub reversal: bool,
}

/// Fills in each line's progress and the order statuses of `docs` (sorted by id).
pub(crate) async fn annotate(tx: &mut Tx, docs: &mut [Document]) -> Result<()> {
    let (Some(first), Some(last)) = (docs.first().map(|d| d.id), docs.last().map(|d| d.id)) else {
        return Ok(());
    };
    let converted: Vec<(
        i64,
        cartwright_core::document::DocType,
        rust_decimal::Decimal,
    )> = tx
        .converted(first, last)
        .await?
        .into_iter()
        .map(|c| {
            (
                c.source_line_id,
                c.into,
                cartwright_core::money::from_scaled(
                    c.qty_e4,
                    cartwright_core::money::QUANTITY_SCALE,
                )
                .normalize(),
            )
        })
        .collect();
    for d in docs {
        cartwright_core::document::progress::annotate(d, &converted);
    }
    Ok(())
}

async fn load(tx: &mut Tx, id: i64) -> Result<Document> {
    let mut doc = tx
        .document(id)
        .await?
        .ok_or_else(|| AppError::not_found("document", id))?;
    annotate(tx, std::slice::from_mut(&mut doc)).await?;
    Ok(doc)
}

/// Queues stock pushes for a document's items: PENDING cart orders count against what
/// carts may sell, so editing, deleting or saving one changes the figure even when no
/// stock level moves.
async fn touch_cart_stock(tx: &mut Tx, doc: &Document) -> Result<()> {
    let mut ids = Vec::new();
    for l in &doc.lines {
        if let Some(id) = tx.item_id(&l.item).await? {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    tx.enqueue_stock(&ids).await?;
    Ok(())
}

/// One document, read inside the caller's transaction.
pub(crate) async fn load_in(tx: &mut Tx, id: i64) -> Result<Document> {
    load(tx, id).await
}

/// Creates a PENDING document inside the caller's transaction (validated input), with its audit entry.
pub(crate) async fn create_in(
    tx: &mut Tx,
    who: &Principal,
    input: &DocumentInput,
) -> Result<Document> {
    let row = resolve::document_row(tx, input).await?;
    let id = tx.insert_document(&row).await?;
    let doc = load(tx, id).await?;
    audit(tx, who, "documents", id, "create", None, Some(&doc)).await?;
    Ok(doc)
}

fn not_pending(d: &Document, what: &str) -> AppError {
    AppError::invalid(
        "status",
        format!(
            "document {} is {}; only a PENDING document can be {what}",
            d.number.as_deref().unwrap_or("(unnumbered)"),
            d.status.as_str()
        ),
    )
}

/// Numbering of one document type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct Sequence {
    /// Document type.
    pub doc_type: cartwright_core::document::DocType,
    /// Prefix, e.g. `INV-`.
    pub prefix: String,
    /// The number the next saved document gets.
    pub next_number: i64,
}

/// Body to change a prefix.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefixInput {
    /// New prefix: 1 to 12 characters, no spaces.
    pub prefix: String,
}

impl App {
    /// Prefix and next number of every document type.
    pub async fn sequences(&self, who: &Principal) -> Result<Vec<Sequence>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let stored = tx.sequences().await?;
        Ok(cartwright_core::document::DocType::ALL
            .iter()
            .map(|t| match stored.iter().find(|s| s.0 == t.as_str()) {
                Some((_, prefix, next)) => Sequence {
                    doc_type: *t,
                    prefix: prefix.clone(),
                    next_number: *next,
                },
                None => Sequence {
                    doc_type: *t,
                    prefix: t.default_prefix().to_owned(),
                    next_number: 1,
                },
            })
            .collect())
    }

    /// Changes the number prefix of a document type; numbers already given stay as they are.
    pub async fn set_prefix(
        &self,
        who: &Principal,
        doc_type: &str,
        input: &PrefixInput,
    ) -> Result<Sequence> {
        who.require(Resource::Company, Access::Write)?;
        let t = cartwright_core::document::DocType::parse(doc_type)
            .ok_or_else(|| AppError::not_found("document type", doc_type))?;
        let p = input.prefix.as_str();
        if p.is_empty()
            || p.chars().count() > 12
            || p.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(AppError::invalid(
                "prefix",
                format!("'{p}' must be 1 to 12 characters without spaces"),
            ));
        }
        let mut tx = self.store.write().await?;
        tx.set_prefix(t, p).await?;
        audit::<PrefixInput>(
            &mut tx,
            who,
            "document_sequences",
            0,
            "update",
            None,
            Some(input),
        )
        .await?;
        tx.commit().await?;
        self.sequences(who)
            .await?
            .into_iter()
            .find(|s| s.doc_type == t)
            .ok_or_else(|| AppError::not_found("document type", doc_type))
    }

    /// Creates a PENDING document: no effect on stock or the books.
    pub async fn create_document(
        &self,
        who: &Principal,
        input: &DocumentInput,
    ) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        input.validate()?;
        let mut tx = self.store.write().await?;
        let doc = create_in(&mut tx, who, input).await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// Replaces a PENDING document (its type is fixed).
    pub async fn update_document(
        &self,
        who: &Principal,
        id: i64,
        input: &DocumentInput,
    ) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        if before.status != DocStatus::Pending {
            return Err(not_pending(&before, "edited"));
        }
        if before.doc_type != input.doc_type {
            return Err(AppError::invalid(
                "doc_type",
                "a document's type cannot change; convert it instead",
            ));
        }
        let row = resolve::document_row(&mut tx, input).await?;
        tx.replace_pending_document(id, version, &row).await?;
        let after = load(&mut tx, id).await?;
        touch_cart_stock(&mut tx, &before).await?;
        touch_cart_stock(&mut tx, &after).await?;
        audit(
            &mut tx,
            who,
            "documents",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a PENDING document.
    pub async fn delete_document(&self, who: &Principal, id: i64) -> Result<()> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        if before.status != DocStatus::Pending || !tx.delete_pending_document(id).await? {
            return Err(not_pending(&before, "deleted; void it instead"));
        }
        touch_cart_stock(&mut tx, &before).await?;
        audit(&mut tx, who, "documents", id, "delete", Some(&before), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One document.
    pub async fn document(&self, who: &Principal, id: i64) -> Result<Document> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        load(&mut tx, id).await
    }

    /// Documents, filtered and paged.
    pub async fn list_documents(
        &self,
        who: &Principal,
        q: &DocumentQuery,
    ) -> Result<Page<Document>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let mut page = tx.list_documents(q).await?;
        annotate(&mut tx, &mut page.items).await?;
        Ok(page)
    }

    /// Saves a PENDING document: numbers it and applies its stock moves, allocations and
    /// journal in one transaction, or nothing.
    pub async fn save_document(
        &self,
        who: &Principal,
        id: i64,
        version: Option<i64>,
    ) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        if before.status != DocStatus::Pending {
            return Err(not_pending(&before, "saved"));
        }
        let version = version.unwrap_or(before.version);
        crate::ledger::check_open(&mut tx, "date", &before.date).await?;
        effects::apply(&mut tx, &before).await?;
        touch_cart_stock(&mut tx, &before).await?;
        let number = tx.next_number(before.doc_type).await?;
        tx.mark_saved(id, version, &number).await?;
        let after = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "documents",
            id,
            "save",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Voids a SAVED document on `date` (default: its own date): every effect is reversed
    /// with new entries and the document becomes read-only.
    pub async fn void_document(
        &self,
        who: &Principal,
        id: i64,
        date: Option<&str>,
        version: Option<i64>,
    ) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        if before.status != DocStatus::Saved {
            return Err(AppError::invalid(
                "status",
                format!(
                    "document {} is {}; only a SAVED document can be voided",
                    before.number.as_deref().unwrap_or("(unnumbered)"),
                    before.status.as_str()
                ),
            ));
        }
        let date = match date {
            Some(d) => {
                cartwright_core::validate::format_date(cartwright_core::validate::date("date", d)?)
            }
            None => before.date.clone(),
        };
        if date < before.date {
            return Err(AppError::invalid(
                "date",
                format!(
                    "a void cannot be dated before the document ({})",
                    before.date
                ),
            ));
        }
        let version = version.unwrap_or(before.version);
        crate::ledger::check_open(&mut tx, "date", &date).await?;
        if tx.settled(id).await? != (0, 0, 0, 0) {
            return Err(AppError::invalid(
                "status",
                format!(
                    "{} is settled against other documents; it cannot be voided",
                    before.number.as_deref().unwrap_or("the document")
                ),
            ));
        }
        effects::reverse(&mut tx, &before, &date).await?;
        let journals: Vec<_> = tx.document_entries(id).await?;
        let mut ids: Vec<i64> = journals
            .iter()
            .filter(|e| e.reverses.is_none())
            .map(|e| e.journal_id)
            .collect();
        ids.dedup();
        for jid in ids {
            let lines: Vec<_> = journals
                .iter()
                .filter(|e| e.journal_id == jid)
                .map(|e| e.line.clone())
                .collect();
            tx.insert_journal(Some(id), &date, "void", Some(jid), &reversal(&lines))
                .await?;
        }
        tx.mark_void(id, version, &date).await?;
        let after = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "documents",
            id,
            "void",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The debits and credits a document posted (and their reversals, if voided).
    pub async fn document_entries(&self, who: &Principal, id: i64) -> Result<Vec<Entry>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        load(&mut tx, id).await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let rows = tx.document_entries(id).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut names = std::collections::HashMap::new();
        for r in rows {
            if let std::collections::hash_map::Entry::Vacant(v) = names.entry(r.line.account_id) {
                let a = tx
                    .account(r.line.account_id)
                    .await?
                    .ok_or_else(|| AppError::not_found("account", r.line.account_id))?;
                v.insert((a.code, a.name));
            }
            let (code, name) = names.get(&r.line.account_id).cloned().unwrap_or_default();
            let mu = tx.minor_units_of(&r.line.currency).await?.unwrap_or(2);
            let base = rust_decimal::Decimal::new(r.line.base_minor, bmu);
            out.push(Entry {
                journal_id: r.journal_id,
                date: r.date,
                account: code,
                account_name: name,
                debit: if r.line.base_minor > 0 {
                    base
                } else {
                    rust_decimal::Decimal::new(0, bmu)
                },
                credit: if r.line.base_minor < 0 {
                    -base
                } else {
                    rust_decimal::Decimal::new(0, bmu)
                },
                currency: r.line.currency.clone(),
                amount: rust_decimal::Decimal::new(r.line.amount_minor, mu),
                rate: r.line.rate.normalize(),
                reversal: r.reverses.is_some(),
            });
        }
        Ok(out)
    }
}
