//! The cart tabs: Orders, Items and Customers (ours, with export), and Orders (Cart),
//! Items (Cart) and Customers (Cart) (theirs, with import and link by hand).

use cartwright_carts::{CartError, Connector};
use cartwright_core::{
    document::{DocType, DocumentInput, LineInput},
    item::{ItemInput, ItemType},
    party::PartyKind,
    user::{Access, Resource},
};
use cartwright_store::{CartRow, ListQuery};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    available::available_in,
    import::Imported,
    push::{customer_out, item_out},
    sync::{Log, RunCounts, RunError},
};
use crate::{App, AppError, Principal, Result, refs::Refs};

fn upstream(e: CartError) -> AppError {
    AppError::Upstream(e.to_string())
}

/// A page of records read from the cart.
#[derive(Debug, Clone, Serialize)]
pub struct RemotePage<T> {
    /// Records.
    pub items: Vec<T>,
    /// Cursor for the next page; absent on the last.
    pub next: Option<String>,
}

/// An imported order (Orders tab).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CartOrderView {
    /// The cart's order id.
    pub remote_id: String,
    /// The cart's reference.
    pub reference: String,
    /// Our document (absent once a PENDING one was deleted).
    pub document_id: Option<i64>,
    /// Its number once saved.
    pub document_number: Option<String>,
    /// Its type.
    pub document_type: String,
    /// PENDING, SAVED, VOID, or DELETED (deleted while PENDING; not imported again).
    pub document_status: String,
    /// Cart status last seen (open, paid, shipped, cancelled).
    pub cart_status: String,
    /// Cart total.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub cart_total: Decimal,
    /// Document total at import.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub document_total: Decimal,
    /// The two totals differ.
    pub totals_differ: bool,
    /// Currency.
    pub currency: String,
    /// Imported at.
    pub imported_at: String,
}

/// One of our items as the Items tab shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CartItemRow {
    /// Item code.
    pub item: String,
    /// Description.
    pub description: String,
    /// Type.
    pub item_type: ItemType,
    /// Sold by this cart (linked to a cart product).
    pub sold: bool,
    /// The cart's keys for it.
    pub remote_ids: Vec<String>,
    /// Free stock to send: the computed available to sell.
    pub free_stock: i64,
}

/// One of our customers as the Customers tab shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CartCustomerRow {
    /// Customer code.
    pub customer: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// The cart's ids for it (empty: not in this cart).
    pub remote_ids: Vec<String>,
}

/// One item to export, with the free stock to send (default: available to sell).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemExport {
    /// Item code.
    pub item: String,
    /// Quantity to send instead of the computed figure.
    #[serde(default)]
    pub free_stock: Option<i64>,
}

/// One customer to export.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerExport {
    /// Customer code.
    pub customer: String,
}

/// One cart product to create as an item (Items (Cart) tab).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemImport {
    /// The cart's item key.
    pub remote_id: String,
    /// Item Code (default: the cart's SKU).
    #[serde(default)]
    pub item_code: Option<String>,
    /// Cost (default: the cart's cost price).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub cost: Option<Decimal>,
    /// Stock level to record on the cart's first site (default: none).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub stock_level: Option<Decimal>,
}

/// One cart customer to create (Customers (Cart) tab).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerImport {
    /// The cart's customer id.
    pub remote_id: String,
    /// Customer code (default: `CART{cart}-{id}`).
    #[serde(default)]
    pub code: Option<String>,
}

/// Ties a cart record to an existing one of ours.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The cart's id or key.
    pub remote_id: String,
    /// Our item or customer code.
    pub local: String,
}

/// A cart order (Orders (Cart) tab).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RemoteOrderView {
    /// The cart's id.
    pub remote_id: String,
    /// Reference.
    pub reference: String,
    /// Placed (UTC).
    pub placed: String,
    /// Buyer e-mail.
    pub customer_email: String,
    /// Buyer name.
    pub customer_name: String,
    /// Currency.
    pub currency: String,
    /// Total.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Status.
    pub status: String,
    /// Our document, once imported.
    pub document_id: Option<i64>,
    /// Why it cannot be imported, if it cannot.
    pub problem: Option<String>,
}

/// A cart item (Items (Cart) tab).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RemoteItemView {
    /// The cart's key.
    pub remote_id: String,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Price without tax.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub price: Decimal,
    /// Cost.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub cost: Decimal,
    /// Quantity in the cart.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// Enabled.
    pub active: bool,
    /// Our linked item.
    pub linked_item: Option<String>,
    /// Why it cannot be read, if so.
    pub problem: Option<String>,
}

/// A cart customer (Customers (Cart) tab).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RemoteCustomerView {
    /// The cart's id.
    pub remote_id: String,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Guest checkout.
    pub is_guest: bool,
    /// Our linked customer.
    pub linked_customer: Option<String>,
    /// Why it cannot be read, if so.
    pub problem: Option<String>,
}

/// A failed import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FailedImport {
    /// Id (for retry and dismiss).
    pub id: i64,
    /// The cart's order id.
    pub remote_id: String,
    /// Precise reason.
    pub reason: String,
    /// The cart's data or reply.
    pub response: String,
    /// Tries so far.
    pub attempts: i64,
    /// First failure.
    pub first_failed_at: String,
    /// Last try.
    pub last_tried_at: String,
    /// Dismissed by hand.
    pub dismissed: bool,
}

/// What a by-hand import or export did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct TabResult {
    /// Counters.
    pub counts: RunCounts,
    /// Per-record errors; the other records went ahead.
    pub errors: Vec<RunError>,
}

impl From<Log> for TabResult {
    fn from(l: Log) -> Self {
        Self {
            counts: l.counts,
            errors: l.errors,
        }
    }
}

impl App {
    async fn cart_and_conn(
        &self,
        who: &Principal,
        id: i64,
        access: Access,
    ) -> Result<(CartRow, Connector)> {
        who.require(Resource::Carts, access)?;
        let cart = {
            let mut tx = self.store.read().await?;
            super::load(&mut tx, id).await?
        };
        let conn = self.connector(&cart)?;
        Ok((cart, conn))
    }

    /// Orders tab: orders imported from this cart, newest first.
    pub async fn cart_orders(&self, who: &Principal, id: i64) -> Result<Vec<CartOrderView>> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        super::load(&mut tx, id).await?;
        let mut out = Vec::new();
        for o in tx.cart_orders(id, 500).await? {
            let doc = match o.document_id {
                Some(d) => Some(crate::documents::load_in(&mut tx, d).await?),
                None => None,
            };
            let mu = tx.currency(&o.currency).await?.map_or(2, |c| c.minor_units);
            out.push(CartOrderView {
                remote_id: o.remote_id,
                reference: o.reference,
                document_id: o.document_id,
                document_number: doc.as_ref().and_then(|d| d.number.clone()),
                document_type: doc
                    .as_ref()
                    .map(|d| d.doc_type.as_str().to_string())
                    .unwrap_or_default(),
                // A PENDING document deleted here keeps its link, so the order is not imported again.
                document_status: doc
                    .as_ref()
                    .map_or_else(|| "DELETED".to_string(), |d| d.status.as_str().to_string()),
                cart_status: o.remote_status,
                cart_total: cartwright_core::money::from_scaled(o.cart_total_minor, mu),
                document_total: cartwright_core::money::from_scaled(o.document_total_minor, mu),
                totals_differ: o.cart_total_minor != o.document_total_minor,
                currency: o.currency,
                imported_at: o.imported_at,
            });
        }
        Ok(out)
    }

    /// Items tab: every item, whether this cart sells it, and the free stock to send.
    pub async fn cart_items(&self, who: &Principal, id: i64) -> Result<Vec<CartItemRow>> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        let cart = super::load(&mut tx, id).await?;
        let links = tx.cart_links(id, "item").await?;
        let mut out = Vec::new();
        let mut q = ListQuery {
            limit: 500,
            ..ListQuery::default()
        };
        loop {
            let page = tx.list_items(&q).await?;
            for item in &page.items {
                let remote_ids: Vec<String> = links
                    .iter()
                    .filter(|l| l.1 == item.id)
                    .map(|l| l.0.clone())
                    .collect();
                let free_stock = available_in(&mut tx, &cart, item.id).await?.available;
                out.push(CartItemRow {
                    item: item.code.clone(),
                    description: item.description.clone(),
                    item_type: item.item_type,
                    sold: !remote_ids.is_empty(),
                    remote_ids,
                    free_stock,
                });
            }
            match page.items.last() {
                Some(last) if page.next_cursor.is_some() => q.after = last.id,
                _ => break,
            }
        }
        Ok(out)
    }

    /// "Export selected Items": creates (or updates) each in the cart, links it, sends its free stock.
    pub async fn export_items(
        &self,
        who: &Principal,
        id: i64,
        rows: &[ItemExport],
    ) -> Result<TabResult> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Write).await?;
        let mut log = Log::default();
        for r in rows {
            let what = format!("exporting item {}", r.item);
            let (item, links, avail) = {
                let mut tx = self.store.read().await?;
                let Some(item_id) = tx.item_id(&r.item).await? else {
                    log.error(what, format!("unknown item '{}'", r.item), None);
                    continue;
                };
                let item = tx
                    .item(item_id)
                    .await?
                    .ok_or_else(|| AppError::not_found("item", item_id))?;
                let links = tx.cart_remote_ids(id, "item", item_id).await?;
                let avail = available_in(&mut tx, &cart, item_id).await?;
                (item, links, avail)
            };
            if r.free_stock.is_some_and(|q| q < 0) {
                log.error(
                    what,
                    format!(
                        "free_stock must not be negative (got {})",
                        r.free_stock.unwrap_or_default()
                    ),
                    None,
                );
                continue;
            }
            let out = item_out(&item, cart.price_list.as_deref());
            let remote = match links.first() {
                Some(remote) => match conn.update_item(remote, &out).await {
                    Ok(()) => {
                        log.counts.items_updated += 1;
                        remote.clone()
                    }
                    Err(e) => {
                        log.error(what, e.to_string(), e.excerpt().map(str::to_string));
                        continue;
                    }
                },
                None => match conn.create_item(&out).await {
                    Ok(remote) => {
                        let mut tx = self.store.write().await?;
                        tx.set_cart_link(id, "item", &remote, item.id, &item.code)
                            .await?;
                        crate::audit(
                            &mut tx,
                            who,
                            "carts",
                            id,
                            "export_item",
                            None::<&serde_json::Value>,
                            Some(&serde_json::json!({"item": item.code, "remote_id": remote})),
                        )
                        .await?;
                        tx.commit().await?;
                        log.counts.items_created += 1;
                        remote
                    }
                    Err(e) => {
                        log.error(what, e.to_string(), e.excerpt().map(str::to_string));
                        continue;
                    }
                },
            };
            if avail.tracked || r.free_stock.is_some() {
                let qty = r.free_stock.unwrap_or(avail.available);
                match conn.set_stock(&remote, qty).await {
                    Ok(()) => log.counts.stock_pushes += 1,
                    Err(e) => log.error(
                        format!("sending stock of item {}", r.item),
                        e.to_string(),
                        e.excerpt().map(str::to_string),
                    ),
                }
            }
        }
        Ok(log.into())
    }

    /// Customers tab: our customers and whether each is linked to this cart.
    pub async fn cart_customers(&self, who: &Principal, id: i64) -> Result<Vec<CartCustomerRow>> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        super::load(&mut tx, id).await?;
        let links = tx.cart_links(id, "customer").await?;
        let mut out = Vec::new();
        let mut q = ListQuery {
            limit: 500,
            ..ListQuery::default()
        };
        loop {
            let page = tx.list_parties(PartyKind::Customer, &q).await?;
            for p in &page.items {
                let remote: Vec<String> = links
                    .iter()
                    .filter(|l| l.1 == p.id)
                    .map(|l| l.0.clone())
                    .collect();
                out.push(CartCustomerRow {
                    customer: p.code.clone(),
                    name: p.name.clone(),
                    email: p.email.clone(),
                    remote_ids: remote,
                });
            }
            match page.items.last() {
                Some(last) if page.next_cursor.is_some() => q.after = last.id,
                _ => break,
            }
        }
        Ok(out)
    }

    /// "Export selected Customers": creates (or updates) each in the cart and links it.
    pub async fn export_customers(
        &self,
        who: &Principal,
        id: i64,
        rows: &[CustomerExport],
    ) -> Result<TabResult> {
        let (_, conn) = self.cart_and_conn(who, id, Access::Write).await?;
        let mut log = Log::default();
        for r in rows {
            let what = format!("exporting customer {}", r.customer);
            let (party, links) = {
                let mut tx = self.store.read().await?;
                let Some(pid) = tx.party_id(PartyKind::Customer, &r.customer).await? else {
                    log.error(what, format!("unknown customer '{}'", r.customer), None);
                    continue;
                };
                let p = tx
                    .party(PartyKind::Customer, pid)
                    .await?
                    .ok_or_else(|| AppError::not_found("customer", pid))?;
                let links = tx.cart_remote_ids(id, "customer", pid).await?;
                (p, links)
            };
            if party.email.is_empty() {
                log.error(
                    what,
                    format!("customer {} has no e-mail, which carts require", party.code),
                    None,
                );
                continue;
            }
            let out = customer_out(&party);
            match links.first() {
                Some(remote) => match conn.update_customer(remote, &out).await {
                    Ok(()) => log.counts.customers_updated += 1,
                    Err(e) => log.error(what, e.to_string(), e.excerpt().map(str::to_string)),
                },
                None => match conn.create_customer(&out).await {
                    Ok(remote) => {
                        let mut tx = self.store.write().await?;
                        tx.set_cart_link(id, "customer", &remote, party.id, &party.email)
                            .await?;
                        tx.commit().await?;
                        log.counts.customers_created += 1;
                    }
                    Err(e) => log.error(what, e.to_string(), e.excerpt().map(str::to_string)),
                },
            }
        }
        Ok(log.into())
    }

    /// Orders (Cart) tab: a page of the cart's orders, newest first.
    pub async fn remote_orders(
        &self,
        who: &Principal,
        id: i64,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<RemotePage<RemoteOrderView>> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Read).await?;
        let page = conn
            .orders_page(cursor, limit.clamp(1, 200))
            .await
            .map_err(upstream)?;
        let mut tx = self.store.read().await?;
        let mut items = Vec::new();
        for f in page.records {
            let document_id = tx
                .cart_order(cart.id, &f.remote_id)
                .await?
                .and_then(|o| o.document_id);
            items.push(match f.record {
                Ok(o) => RemoteOrderView {
                    remote_id: o.remote_id,
                    reference: o.reference,
                    placed: super::settings::instant_text(o.placed),
                    customer_email: o.customer.email.clone(),
                    customer_name: o.customer.display_name(),
                    currency: o.currency,
                    total: o.total_incl,
                    status: o.status.summary().to_string(),
                    document_id,
                    problem: None,
                },
                Err(e) => RemoteOrderView {
                    remote_id: f.remote_id,
                    reference: String::new(),
                    placed: String::new(),
                    customer_email: String::new(),
                    customer_name: String::new(),
                    currency: String::new(),
                    total: Decimal::ZERO,
                    status: String::new(),
                    document_id,
                    problem: Some(e.to_string()),
                },
            });
        }
        Ok(RemotePage {
            items,
            next: page.next,
        })
    }

    /// Imports the selected cart orders by hand (same rules as auto-sync; each exactly once).
    pub async fn import_remote_orders(
        &self,
        who: &Principal,
        id: i64,
        ids: &[String],
    ) -> Result<TabResult> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Write).await?;
        let mut log = Log::default();
        let found = conn.orders_by_id(ids).await.map_err(upstream)?;
        for want in ids {
            match found.iter().find(|f| &f.remote_id == want) {
                Some(f) => {
                    self.import_fetched(&cart, f, &mut log).await?;
                }
                None => log.error(
                    format!("importing order {want}"),
                    format!("order {want} does not exist in the cart"),
                    None,
                ),
            }
        }
        Ok(log.into())
    }

    async fn import_fetched(
        &self,
        cart: &CartRow,
        f: &cartwright_carts::Fetched<cartwright_carts::RemoteOrder>,
        log: &mut Log,
    ) -> Result<()> {
        log.counts.orders_read += 1;
        match &f.record {
            Err(e) => log.error(
                format!("importing order {}", f.remote_id),
                e.to_string(),
                Some(f.raw.clone()),
            ),
            Ok(o) => match self.import_order(cart, o, f.updated).await {
                Ok(Imported::Created {
                    customer_created, ..
                }) => {
                    log.counts.orders_created += 1;
                    log.counts.customers_created += u64::from(customer_created);
                }
                Ok(Imported::StatusChanged) => log.counts.orders_updated += 1,
                Ok(Imported::Unchanged) => log.counts.orders_skipped += 1,
                Err(AppError::Store(e)) => return Err(AppError::Store(e)),
                Err(e) => {
                    log.counts.orders_failed += 1;
                    log.error(
                        format!("importing order {}", f.remote_id),
                        e.to_string(),
                        Some(f.raw.clone()),
                    );
                }
            },
        }
        Ok(())
    }

    /// Items (Cart) tab: a page of the cart's items (variants expanded).
    pub async fn remote_items(
        &self,
        who: &Principal,
        id: i64,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<RemotePage<RemoteItemView>> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Read).await?;
        let page = conn
            .items_page(cursor, limit.clamp(1, 200))
            .await
            .map_err(upstream)?;
        let mut tx = self.store.read().await?;
        let mut items = Vec::new();
        for f in page.records {
            let linked_item = match tx.cart_link(cart.id, "item", &f.remote_id).await? {
                Some(lid) => tx.item(lid).await?.map(|i| i.code),
                None => None,
            };
            items.push(match f.record {
                Ok(i) => RemoteItemView {
                    remote_id: i.remote_id,
                    sku: i.sku,
                    name: i.name,
                    price: i.price,
                    cost: i.cost,
                    quantity: i.quantity,
                    active: i.active,
                    linked_item,
                    problem: None,
                },
                Err(e) => RemoteItemView {
                    remote_id: f.remote_id,
                    sku: String::new(),
                    name: String::new(),
                    price: Decimal::ZERO,
                    cost: Decimal::ZERO,
                    quantity: Decimal::ZERO,
                    active: false,
                    linked_item,
                    problem: Some(e.to_string()),
                },
            });
        }
        Ok(RemotePage {
            items,
            next: page.next,
        })
    }

    /// "Create selected Items": one item per cart item, with Item Code, Cost and stock level.
    pub async fn import_remote_items(
        &self,
        who: &Principal,
        id: i64,
        rows: &[ItemImport],
    ) -> Result<TabResult> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Write).await?;
        who.require(Resource::Items, Access::Write)?;
        let keys: Vec<String> = rows.iter().map(|r| r.remote_id.clone()).collect();
        let found = conn.items_by_id(&keys).await.map_err(upstream)?;
        let mut log = Log::default();
        for r in rows {
            let what = format!("creating item from cart item {}", r.remote_id);
            let Some(f) = found.iter().find(|f| f.remote_id == r.remote_id) else {
                log.error(
                    what,
                    format!("cart item {} does not exist", r.remote_id),
                    None,
                );
                continue;
            };
            let remote = match &f.record {
                Ok(i) => i.clone(),
                Err(e) => {
                    log.error(what, e.to_string(), Some(f.raw.clone()));
                    continue;
                }
            };
            match self.create_item_from_cart(who, &cart, &remote, r).await {
                Ok(()) => log.counts.items_created += 1,
                Err(AppError::Store(e)) => return Err(AppError::Store(e)),
                Err(e) => log.error(what, e.to_string(), None),
            }
        }
        Ok(log.into())
    }

    async fn create_item_from_cart(
        &self,
        who: &Principal,
        cart: &CartRow,
        remote: &cartwright_carts::RemoteItem,
        r: &ItemImport,
    ) -> Result<()> {
        let code = r
            .item_code
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| remote.sku.clone());
        if code.trim().is_empty() {
            return Err(AppError::invalid(
                "item_code",
                format!(
                    "cart item {} has no SKU: enter an Item Code",
                    remote.remote_id
                ),
            ));
        }
        if let Some(level) = r.stock_level.filter(|l| *l < Decimal::ZERO) {
            return Err(AppError::invalid(
                "stock_level",
                format!("must not be negative (got {level})"),
            ));
        }
        let cost = r.cost.unwrap_or(remote.cost);
        let mut prices = Vec::new();
        if let Some(pl) = &cart.price_list {
            prices.push(serde_json::json!({"price_list": pl, "price": remote.price.round_dp(6).normalize().to_string()}));
        }
        let input: ItemInput = serde_json::from_value(serde_json::json!({
            "code": code.trim(),
            "description": remote.name.chars().take(200).collect::<String>(),
            "item_type": "stock",
            "standard_cost": cost.round_dp(4).normalize().to_string(),
            "prices": prices,
        }))
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let v = input.validate()?;
        let item = {
            let mut tx = self.store.write().await?;
            let row = crate::items::item_row(&mut tx, &mut Refs::default(), &v).await??;
            let item = tx
                .insert_item(&row)
                .await
                .map_err(|e| AppError::duplicate_or(e, "item", "code", &v.code))?;
            crate::audit(&mut tx, who, "items", item.id, "create", None, Some(&item)).await?;
            tx.set_cart_link(cart.id, "item", &remote.remote_id, item.id, &remote.sku)
                .await?;
            tx.commit().await?;
            item
        };
        if let Some(level) = r.stock_level.filter(|l| !l.is_zero()) {
            let today =
                cartwright_core::validate::format_date(time::OffsetDateTime::now_utc().date());
            let input = DocumentInput {
                doc_type: DocType::StockAdjustment,
                party: None,
                date: today,
                due_date: None,
                currency: None,
                exchange_rate: None,
                site: cart.sites.first().cloned(),
                to_site: None,
                to_bin: None,
                reference: Some(
                    format!("Opening stock from cart '{}'", cart.name)
                        .chars()
                        .take(100)
                        .collect(),
                ),
                memo: None,
                prices_include_tax: None,
                ship_to: None,
                landed_spread: None,
                lines: vec![LineInput {
                    item: item.code.clone(),
                    description: None,
                    site: None,
                    bin: None,
                    quantity: level,
                    unit_price: None,
                    discount_percent: None,
                    tax_code: None,
                    unit_cost: Some(cost.round_dp(4)),
                    source_line: None,
                    drop_ship: None,
                }],
                version: None,
            };
            let doc = self.create_document(who, &input).await?;
            self.save_document(who, doc.id, None).await?;
        }
        Ok(())
    }

    /// "Link selected Items": ties cart items to existing items.
    pub async fn link_remote_items(
        &self,
        who: &Principal,
        id: i64,
        rows: &[LinkRequest],
    ) -> Result<TabResult> {
        self.link(who, id, "item", rows).await
    }

    /// "Link selected Customers": ties cart customers to existing customers.
    pub async fn link_remote_customers(
        &self,
        who: &Principal,
        id: i64,
        rows: &[LinkRequest],
    ) -> Result<TabResult> {
        self.link(who, id, "customer", rows).await
    }

    async fn link(
        &self,
        who: &Principal,
        id: i64,
        entity: &str,
        rows: &[LinkRequest],
    ) -> Result<TabResult> {
        who.require(Resource::Carts, Access::Write)?;
        let mut log = Log::default();
        let mut tx = self.store.write().await?;
        let cart = super::load(&mut tx, id).await?;
        for r in rows {
            let local = if entity == "item" {
                tx.item_id(&r.local).await?
            } else {
                tx.party_id(PartyKind::Customer, &r.local).await?
            };
            let Some(local) = local else {
                log.error(
                    format!("linking {entity} {}", r.remote_id),
                    format!("unknown {entity} '{}'", r.local),
                    None,
                );
                continue;
            };
            if r.remote_id.trim().is_empty() || r.remote_id.len() > 100 {
                log.error(
                    format!("linking {entity}"),
                    "remote_id must be 1 to 100 characters",
                    None,
                );
                continue;
            }
            tx.set_cart_link(cart.id, entity, r.remote_id.trim(), local, "")
                .await?;
            if entity == "item" {
                log.counts.items_linked += 1;
                tx.enqueue_stock(&[local]).await?;
            } else {
                log.counts.customers_linked += 1;
            }
        }
        crate::audit(
            &mut tx,
            who,
            "carts",
            id,
            &format!("link_{entity}s"),
            None::<&serde_json::Value>,
            Some(&serde_json::json!(
                rows.iter()
                    .map(|r| (&r.remote_id, &r.local))
                    .collect::<Vec<_>>()
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(log.into())
    }

    /// Customers (Cart) tab: a page of the cart's customers.
    pub async fn remote_customers(
        &self,
        who: &Principal,
        id: i64,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<RemotePage<RemoteCustomerView>> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Read).await?;
        let page = conn
            .customers_page(cursor, limit.clamp(1, 200))
            .await
            .map_err(upstream)?;
        let mut tx = self.store.read().await?;
        let mut items = Vec::new();
        for f in page.records {
            let linked_customer = match tx.cart_link(cart.id, "customer", &f.remote_id).await? {
                Some(pid) => tx.party(PartyKind::Customer, pid).await?.map(|p| p.code),
                None => None,
            };
            items.push(match f.record {
                Ok(c) => RemoteCustomerView {
                    remote_id: c.remote_id.clone(),
                    email: c.email.clone(),
                    name: c.display_name(),
                    is_guest: c.is_guest,
                    linked_customer,
                    problem: None,
                },
                Err(e) => RemoteCustomerView {
                    remote_id: f.remote_id,
                    email: String::new(),
                    name: String::new(),
                    is_guest: false,
                    linked_customer,
                    problem: Some(e.to_string()),
                },
            });
        }
        Ok(RemotePage {
            items,
            next: page.next,
        })
    }

    /// "Create selected Customers".
    pub async fn import_remote_customers(
        &self,
        who: &Principal,
        id: i64,
        rows: &[CustomerImport],
    ) -> Result<TabResult> {
        let (cart, conn) = self.cart_and_conn(who, id, Access::Write).await?;
        who.require(Resource::Customers, Access::Write)?;
        let ids: Vec<String> = rows.iter().map(|r| r.remote_id.clone()).collect();
        let found = conn.customers_by_id(&ids).await.map_err(upstream)?;
        let mut log = Log::default();
        for r in rows {
            let what = format!("creating customer from cart customer {}", r.remote_id);
            let Some(f) = found.iter().find(|f| f.remote_id == r.remote_id) else {
                log.error(
                    what,
                    format!("cart customer {} does not exist", r.remote_id),
                    None,
                );
                continue;
            };
            let c = match &f.record {
                Ok(c) => c.clone(),
                Err(e) => {
                    log.error(what, e.to_string(), Some(f.raw.clone()));
                    continue;
                }
            };
            let mut tx = self.store.write().await?;
            if tx
                .cart_link(cart.id, "customer", &c.remote_id)
                .await?
                .is_some()
            {
                log.error(
                    what,
                    format!("cart customer {} is already linked", c.remote_id),
                    None,
                );
                continue;
            }
            let company = tx.company().await?.ok_or_else(crate::company::no_company)?;
            let code = r
                .code
                .clone()
                .unwrap_or_else(|| format!("CART{}-{}", cart.id, c.remote_id));
            match self
                .new_customer_in(&mut tx, &code, &c, &company.base_currency)
                .await
            {
                Ok(pid) => {
                    tx.set_cart_link(cart.id, "customer", &c.remote_id, pid, &c.email)
                        .await?;
                    tx.commit().await?;
                    log.counts.customers_created += 1;
                }
                Err(AppError::Store(e)) => return Err(AppError::Store(e)),
                Err(e) => log.error(what, e.to_string(), None),
            }
        }
        Ok(log.into())
    }

    /// Failed imports of a cart (dismissed ones too when asked).
    pub async fn failed_imports(
        &self,
        who: &Principal,
        id: i64,
        all: bool,
    ) -> Result<Vec<FailedImport>> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        super::load(&mut tx, id).await?;
        Ok(tx
            .failed_imports(id, all)
            .await?
            .into_iter()
            .map(|f| FailedImport {
                id: f.id,
                remote_id: f.remote_id,
                reason: f.reason,
                response: f.response,
                attempts: f.attempts,
                first_failed_at: f.first_failed_at,
                last_tried_at: f.last_tried_at,
                dismissed: f.dismissed,
            })
            .collect())
    }

    /// Dismisses a failed import: it is no longer retried.
    pub async fn dismiss_failed_import(
        &self,
        who: &Principal,
        id: i64,
        failed_id: i64,
    ) -> Result<()> {
        who.require(Resource::Carts, Access::Write)?;
        let mut tx = self.store.write().await?;
        if !tx.dismiss_failed(id, failed_id).await? {
            return Err(AppError::not_found("failed import", failed_id));
        }
        crate::audit(
            &mut tx,
            who,
            "carts",
            id,
            "dismiss_failed",
            None::<&i64>,
            Some(&failed_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
