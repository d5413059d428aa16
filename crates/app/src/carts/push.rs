//! TO CART: the outbox worker (stock levels, item and customer changes), and FROM CART
//! customer and item updates.

use std::{collections::HashMap, sync::Arc, time::Duration};

use cartwright_carts::{Connector, CustomerOut, ItemOut};
use cartwright_core::party::PartyKind;
use cartwright_store::CartRow;
use rust_decimal::Decimal;
use time::OffsetDateTime;

use super::{available::available_in, settings::instant_text, sync::Log};
use crate::{App, Result};

/// One lock per cart so pushes from the run and from the real-time loop never interleave
/// (absolute quantities must arrive in the order they were read).
#[derive(Clone, Default)]
pub struct PushLocks(Arc<std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>);

impl PushLocks {
    fn get(&self, cart: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(cart).or_default().clone()
    }
}

/// Wait before trying a failed push again.
fn backoff(attempts: i64) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(0, 8) as u32).min(300))
}

/// Our item as the cart should show it.
pub(crate) fn item_out(item: &cartwright_core::item::Item, price_list: Option<&str>) -> ItemOut {
    let price = price_list
        .and_then(|pl| {
            item.prices
                .iter()
                .find(|p| p.price_list.eq_ignore_ascii_case(pl))
        })
        .or(item.prices.first())
        .map_or(Decimal::ZERO, |p| p.price);
    ItemOut {
        sku: item.code.clone(),
        name: if item.description.is_empty() {
            item.code.clone()
        } else {
            item.description.clone()
        },
        price,
        cost: item.standard_cost,
        active: item.active,
    }
}

/// Our customer as the cart should show it.
pub(crate) fn customer_out(p: &cartwright_core::party::Party) -> CustomerOut {
    let mut parts = p.name.splitn(2, ' ');
    let first = parts.next().unwrap_or_default().to_string();
    let last = parts.next().unwrap_or_default().to_string();
    CustomerOut {
        email: p.email.clone(),
        first_name: first,
        last_name: last,
        company: String::new(),
    }
}

impl App {
    /// Pushes what the outbox holds for one cart, if its auto-sync is RUNNING (the real-time loop).
    pub async fn push_pending(&self, cart_id: i64) -> Result<u64> {
        let cart = {
            let mut tx = self.store.read().await?;
            let cart = super::load(&mut tx, cart_id).await?;
            if cart.status != "RUNNING" || tx.pending_pushes(cart_id).await? == 0 {
                return Ok(0);
            }
            cart
        };
        let conn = self.connector(&cart)?;
        let mut log = Log::default();
        self.push_due(&cart, &conn, &mut log).await?;
        Ok(log.counts.stock_pushes + log.counts.record_pushes)
    }

    /// Sends every due outbox row: the current absolute figure, not the change.
    pub(crate) async fn push_due(
        &self,
        cart: &CartRow,
        conn: &Connector,
        log: &mut Log,
    ) -> Result<()> {
        let lock = self.push_locks.get(cart.id);
        let _guard = lock.lock().await;
        for _ in 0..100 {
            let due = {
                let mut tx = self.store.read().await?;
                tx.due_pushes(cart.id, 50).await?
            };
            if due.is_empty() {
                break;
            }
            let mut progressed = false;
            for row in due {
                let (remotes, what) = {
                    let mut tx = self.store.read().await?;
                    let entity = if row.kind == "customer" {
                        "customer"
                    } else {
                        "item"
                    };
                    let remotes = tx.cart_remote_ids(cart.id, entity, row.local_id).await?;
                    (
                        remotes,
                        format!("{} push for {} {}", row.kind, entity, row.local_id),
                    )
                };
                let outcome = match row.kind.as_str() {
                    "stock" if cart.to_stock_updates => {
                        let avail = {
                            let mut tx = self.store.read().await?;
                            available_in(&mut tx, cart, row.local_id).await?
                        };
                        let mut r = Ok(0u64);
                        if avail.tracked {
                            for remote in &remotes {
                                if let Err(e) = conn.set_stock(remote, avail.available).await {
                                    r = Err(e);
                                    break;
                                }
                                r = r.map(|n| n + 1);
                            }
                        }
                        r.map(|n| log.counts.stock_pushes += n)
                    }
                    "item" if cart.to_item_updates => {
                        let item = {
                            let mut tx = self.store.read().await?;
                            tx.item(row.local_id).await?
                        };
                        let mut r = Ok(());
                        if let Some(item) = item {
                            let out = item_out(&item, cart.price_list.as_deref());
                            for remote in &remotes {
                                r = conn.update_item(remote, &out).await;
                                if r.is_err() {
                                    break;
                                }
                                log.counts.record_pushes += 1;
                            }
                        }
                        r
                    }
                    "customer" if cart.to_customer_updates => {
                        let party = {
                            let mut tx = self.store.read().await?;
                            tx.party(PartyKind::Customer, row.local_id).await?
                        };
                        let mut r = Ok(());
                        if let Some(p) = party {
                            let out = customer_out(&p);
                            for remote in &remotes {
                                r = conn.update_customer(remote, &out).await;
                                if r.is_err() {
                                    break;
                                }
                                log.counts.record_pushes += 1;
                            }
                        }
                        r
                    }
                    // The toggle is off now: nothing to send.
                    _ => Ok(()),
                };
                let mut tx = self.store.write().await?;
                match outcome {
                    Ok(()) => {
                        tx.push_done(row.id, row.seq).await?;
                        progressed = true;
                    }
                    Err(e) => {
                        log.error(what, e.to_string(), e.excerpt().map(str::to_string));
                        let not_before = super::settings::instant_micros(
                            OffsetDateTime::now_utc() + backoff(row.attempts + 1),
                        );
                        tx.push_failed(row.id, &not_before).await?;
                    }
                }
                tx.commit().await?;
            }
            if !progressed {
                break;
            }
        }
        Ok(())
    }

    /// FROM CART: customer and item changes made in the cart since Last update time.
    pub(crate) async fn apply_cart_updates(
        &self,
        cart: &CartRow,
        conn: &Connector,
        log: &mut Log,
    ) -> Result<()> {
        let since = super::settings::parse_instant("last_update_time", &cart.last_update_time)
            .map(|t| t - Duration::from_secs(300))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let mut high: Option<OffsetDateTime> = None;
        if cart.from_customer_updates {
            let mut cursor: Option<String> = None;
            for _ in 0..500 {
                let page = match conn.customers_since(since, cursor.as_deref(), 100).await {
                    Ok(p) => p,
                    Err(e) => {
                        log.error(
                            "reading changed customers",
                            e.to_string(),
                            e.excerpt().map(str::to_string),
                        );
                        return Ok(());
                    }
                };
                for f in &page.records {
                    let Ok(c) = &f.record else { continue };
                    if self.update_customer_from_cart(cart, c).await? {
                        log.counts.customers_updated += 1;
                    }
                    if let Some(u) = f.updated {
                        high = Some(high.map_or(u, |h| h.max(u)));
                    }
                }
                match page.next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
        }
        if cart.from_item_updates {
            let mut cursor: Option<String> = None;
            for _ in 0..500 {
                let page = match conn.items_since(since, cursor.as_deref(), 100).await {
                    Ok(p) => p,
                    Err(e) => {
                        log.error(
                            "reading changed items",
                            e.to_string(),
                            e.excerpt().map(str::to_string),
                        );
                        return Ok(());
                    }
                };
                for f in &page.records {
                    let Ok(i) = &f.record else { continue };
                    if self.update_item_from_cart(cart, i).await? {
                        log.counts.items_updated += 1;
                    }
                    if let Some(u) = f.updated {
                        high = Some(high.map_or(u, |h| h.max(u)));
                    }
                }
                match page.next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
        }
        if let Some(h) = high {
            let mut tx = self.store.write().await?;
            tx.advance_cart_watermark(cart.id, "updates", &instant_text(h))
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    async fn update_customer_from_cart(
        &self,
        cart: &CartRow,
        c: &cartwright_carts::RemoteCustomer,
    ) -> Result<bool> {
        let mut tx = self.store.write().await?;
        let Some(id) = tx.cart_link(cart.id, "customer", &c.remote_id).await? else {
            return Ok(false);
        };
        let Some(before) = tx.party(PartyKind::Customer, id).await? else {
            return Ok(false);
        };
        let name: String = c.display_name().chars().take(200).collect();
        if before.name == name && before.email.eq_ignore_ascii_case(&c.email) {
            return Ok(false);
        }
        let mut input = crate::parties::input_of(&before);
        input.name = name;
        input.email = Some(c.email.clone());
        input.version = Some(before.version);
        let v = match input.validate() {
            Ok(v) => v,
            Err(_) => return Ok(false),
        };
        let company = tx.company().await?.ok_or_else(crate::company::no_company)?;
        let row = match crate::parties::party_row(
            &mut tx,
            &mut crate::refs::Refs::default(),
            &company.base_currency,
            PartyKind::Customer,
            &v,
        )
        .await?
        {
            Ok(r) => r,
            Err(_) => return Ok(false),
        };
        let after = tx.update_party(id, before.version, &row).await?;
        crate::audit(
            &mut tx,
            &super::import::cart_actor(cart),
            "customers",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn update_item_from_cart(
        &self,
        cart: &CartRow,
        i: &cartwright_carts::RemoteItem,
    ) -> Result<bool> {
        let mut tx = self.store.write().await?;
        let Some(id) = tx.cart_link(cart.id, "item", &i.remote_id).await? else {
            return Ok(false);
        };
        let Some(before) = tx.item(id).await? else {
            return Ok(false);
        };
        let name: String = i.name.chars().take(200).collect();
        if before.description == name {
            return Ok(false);
        }
        let mut input = crate::items::input_of(&before);
        input.description = name;
        input.version = Some(before.version);
        let Ok(v) = input.validate() else {
            return Ok(false);
        };
        let row =
            match crate::items::item_row(&mut tx, &mut crate::refs::Refs::default(), &v).await? {
                Ok(r) => r,
                Err(_) => return Ok(false),
            };
        let after = tx.update_item(id, before.version, &row).await?;
        crate::audit(
            &mut tx,
            &super::import::cart_actor(cart),
            "items",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
