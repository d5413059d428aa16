//! The reorder report: stock items whose available quantity is below their reorder
//! level, with the purchase orders that would restore them, per preferred vendor.

use std::collections::BTreeMap;

use cartwright_core::{
    document::{DocType, DocumentInput, LineInput, record::Document},
    item::ItemType,
    money::{QUANTITY_SCALE, from_scaled},
    party::PartyKind,
    user::{Access, Resource},
};
use cartwright_store::ListQuery;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, Principal, Result, company::no_company};

/// One item to reorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReorderLine {
    /// Item code.
    pub item: String,
    /// Preferred vendor code (none: the item cannot be ordered automatically).
    pub vendor: Option<String>,
    /// Reorder level.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub reorder_level: Decimal,
    /// Free plus on order, over every site.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub available: Decimal,
    /// Suggested order: what brings available back to the reorder level.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub suggested: Decimal,
    /// Suggested unit price: the standard cost when the vendor trades in base currency, else 0.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
}

impl App {
    /// Items whose available stock is below their reorder level.
    pub async fn reorder_report(&self, who: &Principal) -> Result<Vec<ReorderLine>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let levels = tx.levels(None).await?;
        let mut out = Vec::new();
        let mut q = ListQuery {
            active: Some(true),
            filter: Some(ItemType::Stock.as_str().to_owned()),
            limit: 500,
            ..ListQuery::default()
        };
        loop {
            let page = tx.list_items(&q).await?;
            for item in &page.items {
                if item.reorder_level <= Decimal::ZERO {
                    continue;
                }
                let available_e4: i64 = levels
                    .iter()
                    .filter(|l| l.item_id == item.id)
                    .map(|l| l.on_hand_e4 - l.allocated_e4 + l.on_order_e4)
                    .sum();
                let available = from_scaled(available_e4, QUANTITY_SCALE).normalize();
                if available >= item.reorder_level {
                    continue;
                }
                let base_vendor = match &item.preferred_vendor {
                    Some(code) => match tx.party_id(PartyKind::Vendor, code).await? {
                        Some(id) => tx
                            .party(PartyKind::Vendor, id)
                            .await?
                            .is_some_and(|v| v.currency == company.base_currency),
                        None => false,
                    },
                    None => false,
                };
                out.push(ReorderLine {
                    item: item.code.clone(),
                    vendor: item.preferred_vendor.clone(),
                    reorder_level: item.reorder_level,
                    available,
                    suggested: (item.reorder_level - available).normalize(),
                    unit_price: if base_vendor {
                        item.standard_cost
                    } else {
                        Decimal::ZERO
                    },
                });
            }
            match page.next_cursor.and_then(|c| c.parse().ok()) {
                Some(after) => q.after = after,
                None => break,
            }
        }
        Ok(out)
    }

    /// Creates one PENDING purchase order per preferred vendor for the reorder report's items, dated `date`.
    pub async fn create_reorder_pos(&self, who: &Principal, date: &str) -> Result<Vec<Document>> {
        who.require(Resource::Documents, Access::Write)?;
        let report = self.reorder_report(who).await?;
        let mut by_vendor: BTreeMap<String, Vec<ReorderLine>> = BTreeMap::new();
        for line in report {
            if let Some(v) = line.vendor.clone() {
                by_vendor.entry(v).or_default().push(line);
            }
        }
        let mut created = Vec::new();
        for (vendor, lines) in by_vendor {
            let input = DocumentInput {
                doc_type: DocType::PurchaseOrder,
                party: Some(vendor),
                date: date.to_owned(),
                due_date: None,
                currency: None,
                exchange_rate: None,
                site: None,
                to_site: None,
                to_bin: None,
                reference: None,
                memo: Some("reorder".to_owned()),
                prices_include_tax: None,
                ship_to: None,
                landed_spread: None,
                lines: lines
                    .into_iter()
                    .map(|l| LineInput {
                        item: l.item,
                        description: None,
                        site: None,
                        bin: None,
                        quantity: l.suggested,
                        unit_price: Some(l.unit_price),
                        discount_percent: None,
                        tax_code: None,
                        unit_cost: None,
                        source_line: None,
                        drop_ship: None,
                    })
                    .collect(),
                version: None,
            };
            created.push(self.create_document(who, &input).await?);
        }
        Ok(created)
    }
}
