//! Conversions (quote → order → dispatch → invoice, PO → receipt → bill, invoice → credit),
//! closing orders, allocating stock by hand, and the related-documents list.

use cartwright_core::{
    document::{
        DocStatus, DocType, DocumentInput, LineInput,
        progress::{conversions, fulfilled, reached, stage},
        record::Document,
    },
    money::{QUANTITY_SCALE, to_scaled},
    user::{Access, Resource},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{load, resolve};
use crate::{App, AppError, Principal, Result, audit};

/// Body of `…/convert`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertInput {
    /// Type of the new document.
    pub to: DocType,
    /// Lines and quantities to convert (default: every line's remaining quantity).
    #[serde(default)]
    pub lines: Option<Vec<ConvertLine>>,
    /// Date of the new document (default: the source's date).
    #[serde(default)]
    pub date: Option<String>,
    /// Sales order → purchase order: `drop_ship` (the vendor delivers to the customer) or
    /// `special_order` (bought for this order; allocated to it on receipt).
    #[serde(default)]
    pub purchase: Option<PurchaseMode>,
    /// Sales order → purchase order: the vendor (default: the first line's preferred vendor).
    #[serde(default)]
    pub vendor: Option<String>,
}

/// How a sales order is bought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseMode {
    /// The vendor ships to the customer's address; the goods never enter a site.
    DropShip,
    /// Bought for this order and allocated to it when received.
    SpecialOrder,
}

/// One line to convert.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertLine {
    /// Id of the source line.
    pub line_id: i64,
    /// Quantity (default: what remains).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub quantity: Option<Decimal>,
}

/// A document linked to another by conversion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Related {
    /// `to` when it was made from this document, `from` when this one was made from it.
    pub direction: String,
    /// Document id.
    pub id: i64,
    /// Type.
    pub doc_type: DocType,
    /// Number.
    pub number: Option<String>,
    /// Status.
    pub status: DocStatus,
}

fn remaining_of(
    source: &Document,
    line: &cartwright_core::document::record::DocumentLine,
    target: DocType,
) -> Decimal {
    let name = stage(source.doc_type, target).unwrap_or("");
    let done = match source.doc_type {
        // An order line is used up by whichever fulfilling stage went furthest.
        DocType::SalesOrder | DocType::PurchaseOrder if name != "purchased" => {
            fulfilled(source.doc_type, &line.progress)
        }
        _ => reached(&line.progress, name),
    };
    (line.quantity - done).max(Decimal::ZERO)
}

impl App {
    /// Converts a SAVED document, whole or in part, into a new PENDING one linked to it.
    pub async fn convert_document(
        &self,
        who: &Principal,
        id: i64,
        input: &ConvertInput,
    ) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let source = load(&mut tx, id).await?;
        if source.status != DocStatus::Saved {
            return Err(AppError::invalid(
                "status",
                format!(
                    "only a SAVED document can be converted; this one is {}",
                    source.status.as_str()
                ),
            ));
        }
        if source.closed {
            return Err(AppError::invalid("status", "the document is closed"));
        }
        if !conversions(source.doc_type).contains(&input.to) {
            let allowed: Vec<&str> = conversions(source.doc_type)
                .iter()
                .map(|t| t.as_str())
                .collect();
            return Err(AppError::invalid(
                "to",
                format!(
                    "a {} converts into {}, not {}",
                    source.doc_type.as_str(),
                    if allowed.is_empty() {
                        "nothing".to_owned()
                    } else {
                        allowed.join(", ")
                    },
                    input.to.as_str()
                ),
            ));
        }
        let to_purchase =
            source.doc_type == DocType::SalesOrder && input.to == DocType::PurchaseOrder;
        if to_purchase != input.purchase.is_some() {
            return Err(AppError::invalid(
                "purchase",
                if to_purchase {
                    "say how to buy it: drop_ship or special_order"
                } else {
                    "only a sales order converted into a purchase order takes a purchase mode"
                },
            ));
        }
        let drop_ship = input.purchase == Some(PurchaseMode::DropShip);
        let picked: Vec<(i64, Option<Decimal>)> = match &input.lines {
            Some(ls) => ls.iter().map(|l| (l.line_id, l.quantity)).collect(),
            None => source.lines.iter().map(|l| (l.id, None)).collect(),
        };
        let mut lines = Vec::new();
        let mut sources = Vec::new();
        for (i, (line_id, qty)) in picked.iter().enumerate() {
            let Some(line) = source.lines.iter().find(|l| l.id == *line_id) else {
                return Err(AppError::invalid(
                    format!("lines[{i}].line_id"),
                    format!(
                        "line {line_id} is not on document {}",
                        source.number.as_deref().unwrap_or("")
                    ),
                ));
            };
            let remaining = remaining_of(&source, line, input.to);
            let q = qty.unwrap_or(remaining);
            if qty.is_some() && q <= Decimal::ZERO {
                return Err(AppError::invalid(
                    format!("lines[{i}].quantity"),
                    format!("must be greater than zero (got {q})"),
                ));
            }
            if q > remaining && input.to != DocType::CreditNote {
                return Err(AppError::invalid(
                    format!("lines[{i}].quantity"),
                    format!(
                        "line {} has {remaining} left to convert into a {}, not {q}",
                        line.line_no,
                        input.to.as_str()
                    ),
                ));
            }
            if q.is_zero() {
                continue;
            }
            lines.push(LineInput {
                item: line.item.clone(),
                description: Some(line.description.clone()),
                site: line.site.clone(),
                bin: line.bin.clone(),
                quantity: q,
                // Buying in: the vendor's price is not the customer's; start from nothing to be filled in.
                unit_price: if to_purchase {
                    None
                } else {
                    Some(line.unit_price)
                },
                discount_percent: if to_purchase {
                    None
                } else {
                    Some(line.discount_percent)
                },
                tax_code: if to_purchase {
                    None
                } else {
                    line.tax_code.clone()
                },
                unit_cost: None,
                source_line: Some(line.id),
                drop_ship: Some(drop_ship || line.drop_ship),
            });
            sources.push(line.id);
        }
        if lines.is_empty() {
            return Err(AppError::invalid("lines", "nothing is left to convert"));
        }
        let (party, currency, ship_to) = if to_purchase {
            let vendor = match &input.vendor {
                Some(v) => v.clone(),
                None => {
                    let first = source
                        .lines
                        .iter()
                        .find(|l| sources.contains(&l.id))
                        .map(|l| l.item.clone())
                        .unwrap_or_default();
                    let item_id = tx.item_id(&first).await?.unwrap_or_default();
                    tx.item(item_id)
                        .await?
                        .and_then(|i| i.preferred_vendor)
                        .ok_or_else(|| {
                            AppError::invalid(
                                "vendor",
                                format!("{first} has no preferred vendor: name one"),
                            )
                        })?
                }
            };
            let ship_to = if drop_ship {
                let customer = source.party.clone().unwrap_or_default();
                let id = tx
                    .party_id(cartwright_core::party::PartyKind::Customer, &customer)
                    .await?
                    .unwrap_or_default();
                tx.party(cartwright_core::party::PartyKind::Customer, id)
                    .await?
                    .map(|c| c.shipping_address)
            } else {
                None
            };
            (Some(vendor), None, ship_to)
        } else {
            (source.party.clone(), Some(source.currency.clone()), None)
        };
        // Drop-shipped order lines hold no stock: release what they had allocated.
        if drop_ship {
            for row in tx.document_line_rows(id).await? {
                if sources.contains(&row.id) {
                    if row.allocated_e4 > 0
                        && let Some(site) = row.site_id
                    {
                        tx.change_level(row.item_id, site, 0, -row.allocated_e4, 0)
                            .await?;
                        tx.set_line_allocation(row.id, 0).await?;
                    }
                    tx.set_line_drop_ship(row.id).await?;
                }
            }
        }
        let new_input = DocumentInput {
            doc_type: input.to,
            party,
            date: input.date.clone().unwrap_or_else(|| source.date.clone()),
            due_date: None,
            currency,
            exchange_rate: None,
            site: source.site.clone(),
            to_site: None,
            to_bin: None,
            reference: Some(source.reference.clone()),
            memo: Some(format!("from {}", source.number.as_deref().unwrap_or(""))),
            prices_include_tax: Some(source.prices_include_tax && !to_purchase),
            ship_to,
            landed_spread: None,
            lines,
            version: None,
        };
        new_input.validate()?;
        let row = resolve::document_row(&mut tx, &new_input).await?;
        debug_assert!(
            row.lines
                .iter()
                .zip(&sources)
                .all(|(l, s)| l.source_line_id == Some(*s))
        );
        let new_id = tx.insert_document(&row).await?;
        tx.link_documents(id, new_id).await?;
        let doc = load(&mut tx, new_id).await?;
        audit(
            &mut tx,
            who,
            "documents",
            new_id,
            "convert",
            Some(&source),
            Some(&doc),
        )
        .await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// Raises purchase orders for what a saved sales order cannot fill from stock, one per
    /// preferred vendor; the goods are allocated to the order when received.
    pub async fn back_order(&self, who: &Principal, id: i64) -> Result<Vec<Document>> {
        who.require(Resource::Documents, Access::Write)?;
        let order = {
            let mut tx = self.store.read().await?;
            load(&mut tx, id).await?
        };
        if order.doc_type != DocType::SalesOrder || order.status != DocStatus::Saved || order.closed
        {
            return Err(AppError::invalid(
                "status",
                "only an open saved sales order can be back-ordered",
            ));
        }
        let mut by_vendor: std::collections::BTreeMap<String, Vec<ConvertLine>> =
            std::collections::BTreeMap::new();
        let mut tx = self.store.read().await?;
        for line in &order.lines {
            if line.drop_ship {
                continue;
            }
            let Some(item_id) = tx.item_id(&line.item).await? else {
                continue;
            };
            let Some(item) = tx.item(item_id).await? else {
                continue;
            };
            if !matches!(
                item.item_type,
                cartwright_core::item::ItemType::Stock | cartwright_core::item::ItemType::Assembly
            ) {
                continue;
            }
            let short = line.quantity
                - fulfilled(DocType::SalesOrder, &line.progress)
                - line.allocated
                - reached(&line.progress, "purchased");
            if short <= Decimal::ZERO {
                continue;
            }
            let Some(vendor) = item.preferred_vendor else {
                return Err(AppError::invalid(
                    "lines",
                    format!(
                        "{} is short by {short} and has no preferred vendor",
                        item.code
                    ),
                ));
            };
            by_vendor.entry(vendor).or_default().push(ConvertLine {
                line_id: line.id,
                quantity: Some(short),
            });
        }
        drop(tx);
        let mut made = Vec::new();
        for (vendor, lines) in by_vendor {
            let input = ConvertInput {
                to: DocType::PurchaseOrder,
                lines: Some(lines),
                date: None,
                purchase: Some(PurchaseMode::SpecialOrder),
                vendor: Some(vendor),
            };
            made.push(self.convert_document(who, id, &input).await?);
        }
        Ok(made)
    }

    /// Allocates free stock to every open sales order, oldest first.
    pub async fn allocate_open_orders(&self, who: &Principal) -> Result<Vec<Document>> {
        who.require(Resource::Documents, Access::Write)?;
        let mut ids = Vec::new();
        {
            let mut tx = self.store.read().await?;
            let mut q = cartwright_store::DocumentQuery {
                doc_type: Some(DocType::SalesOrder.as_str().to_owned()),
                status: Some(DocStatus::Saved.as_str().to_owned()),
                page: cartwright_store::ListQuery {
                    limit: 500,
                    ..cartwright_store::ListQuery::default()
                },
                ..cartwright_store::DocumentQuery::default()
            };
            loop {
                let page = tx.list_documents(&q).await?;
                ids.extend(
                    page.items
                        .iter()
                        .filter(|d| !d.closed)
                        .map(|d| (d.date.clone(), d.id)),
                );
                match page.next_cursor.and_then(|c| c.parse().ok()) {
                    Some(after) => q.page.after = after,
                    None => break,
                }
            }
        }
        ids.sort();
        let mut out = Vec::with_capacity(ids.len());
        for (_, id) in ids {
            out.push(self.allocate_document(who, id).await?);
        }
        Ok(out)
    }

    /// Documents converted from or into this one.
    pub async fn related_documents(&self, who: &Principal, id: i64) -> Result<Vec<Related>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        load(&mut tx, id).await?;
        let mut out = Vec::new();
        for (outgoing, other) in tx.related(id).await? {
            if let Some(d) = tx.document(other).await? {
                out.push(Related {
                    direction: if outgoing { "to" } else { "from" }.to_owned(),
                    id: d.id,
                    doc_type: d.doc_type,
                    number: d.number,
                    status: d.status,
                });
            }
        }
        Ok(out)
    }

    /// Closes a saved order: releases what is still allocated (sales) or on order (purchases).
    pub async fn close_document(&self, who: &Principal, id: i64) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        if !matches!(
            before.doc_type,
            DocType::SalesOrder | DocType::PurchaseOrder
        ) || before.status != DocStatus::Saved
        {
            return Err(AppError::invalid(
                "status",
                "only a saved sales or purchase order can be closed",
            ));
        }
        if before.closed {
            return Err(AppError::invalid("status", "the order is already closed"));
        }
        for l in tx.document_line_rows(id).await? {
            if l.allocated_e4 > 0
                && let Some(site) = l.site_id
            {
                match before.doc_type {
                    DocType::SalesOrder => {
                        tx.change_level(l.item_id, site, 0, -l.allocated_e4, 0)
                            .await?
                    }
                    _ => {
                        tx.change_level(l.item_id, site, 0, 0, -l.allocated_e4)
                            .await?
                    }
                }
                tx.set_line_allocation(l.id, 0).await?;
            }
        }
        tx.set_closed(id, true).await?;
        let after = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "documents",
            id,
            "close",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Allocates free stock to what a saved sales order still needs.
    pub async fn allocate_document(&self, who: &Principal, id: i64) -> Result<Document> {
        who.require(Resource::Documents, Access::Write)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        if before.doc_type != DocType::SalesOrder
            || before.status != DocStatus::Saved
            || before.closed
        {
            return Err(AppError::invalid(
                "status",
                "only an open saved sales order can be allocated",
            ));
        }
        let rows = tx.document_line_rows(id).await?;
        let item_ids: Vec<i64> = rows.iter().map(|l| l.item_id).collect();
        tx.lock_items(&item_ids).await?;
        for (row, line) in rows.iter().zip(&before.lines) {
            let Some(site) = row.site_id else { continue };
            let item = tx.item(row.item_id).await?;
            if !item.is_some_and(|i| {
                matches!(
                    i.item_type,
                    cartwright_core::item::ItemType::Stock
                        | cartwright_core::item::ItemType::Assembly
                )
            }) {
                continue;
            }
            let outstanding = to_scaled(
                (line.quantity - fulfilled(DocType::SalesOrder, &line.progress)).max(Decimal::ZERO),
                QUANTITY_SCALE,
                "quantity",
            )?;
            let wanted = outstanding - row.allocated_e4;
            if wanted <= 0 {
                continue;
            }
            let level = tx.level(row.item_id, site).await?;
            let take = wanted.min((level.on_hand_e4 - level.allocated_e4).max(0));
            if take > 0 {
                tx.change_level(row.item_id, site, 0, take, 0).await?;
                tx.set_line_allocation(row.id, row.allocated_e4 + take)
                    .await?;
            }
        }
        let after = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "documents",
            id,
            "allocate",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
