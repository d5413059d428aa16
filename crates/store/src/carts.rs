//! Cart Connect storage: carts, links, imported orders, failed imports, runs and the outbox.

use crate::{Result, Tx, execute, fetch_all, fetch_opt, row::DbRow};

/// A cart as stored (credentials still encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Cart type, e.g. `prestashop`.
    pub cart_type: String,
    /// Shop URL.
    pub url: String,
    /// Encrypted credentials.
    pub secret_enc: String,
    /// Price list code.
    pub price_list: Option<String>,
    /// Units held back from every item (×10⁴).
    pub safety_buffer_e4: i64,
    /// Who hears about failed runs.
    pub notify_email: String,
    /// Document type orders import as.
    pub import_as: String,
    /// `STOPPED` or `RUNNING`.
    pub status: String,
    /// Order watermark (UTC, RFC 3339).
    pub last_order_from: String,
    /// Customer/item watermark (UTC, RFC 3339).
    pub last_update_time: String,
    /// FROM CART customer updates.
    pub from_customer_updates: bool,
    /// FROM CART item updates.
    pub from_item_updates: bool,
    /// TO CART customer updates.
    pub to_customer_updates: bool,
    /// TO CART real-time stock updates.
    pub to_stock_updates: bool,
    /// TO CART item updates.
    pub to_item_updates: bool,
    /// Seconds between runs.
    pub interval_secs: i64,
    /// Fingerprint of the settings the last passed test used.
    pub tested_fingerprint: Option<String>,
    /// When the last test passed.
    pub tested_at: Option<String>,
    /// The shop's time zone, learnt by the test.
    pub shop_timezone: Option<String>,
    /// When the last run started.
    pub last_run_at: Option<String>,
    /// Site codes whose stock the cart sells.
    pub sites: Vec<String>,
    /// Site ids, same order.
    pub site_ids: Vec<i64>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created.
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
}

/// The writable fields of a cart.
#[derive(Debug, Clone)]
pub struct CartWrite {
    /// Name.
    pub name: String,
    /// Type.
    pub cart_type: String,
    /// URL.
    pub url: String,
    /// Encrypted credentials.
    pub secret_enc: String,
    /// Price list id.
    pub price_list_id: Option<i64>,
    /// Safety buffer ×10⁴.
    pub safety_buffer_e4: i64,
    /// Notification e-mail.
    pub notify_email: String,
    /// Import orders as.
    pub import_as: String,
    /// Order watermark.
    pub last_order_from: String,
    /// Update watermark.
    pub last_update_time: String,
    /// Toggles, in seed order: from customer, from item, to customer, to stock, to item.
    pub toggles: [bool; 5],
    /// Seconds between runs.
    pub interval_secs: i64,
    /// Site ids.
    pub site_ids: Vec<i64>,
}

/// An imported order's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartOrderRow {
    /// The cart's order id.
    pub remote_id: String,
    /// Our document (`None` once a PENDING one was deleted: the link stays, so the
    /// order is not imported again).
    pub document_id: Option<i64>,
    /// The cart's display reference.
    pub reference: String,
    /// The cart's last change (UTC).
    pub remote_updated: Option<String>,
    /// The cart status last seen.
    pub remote_status: String,
    /// Cart total in minor units.
    pub cart_total_minor: i64,
    /// Document total at import in minor units.
    pub document_total_minor: i64,
    /// Currency.
    pub currency: String,
    /// Imported.
    pub imported_at: String,
    /// Last status change recorded.
    pub updated_at: String,
}

/// A cart order that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRow {
    /// Id.
    pub id: i64,
    /// The cart's order id.
    pub remote_id: String,
    /// Why.
    pub reason: String,
    /// The cart's data or reply excerpt.
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

/// One sync run's log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// Id.
    pub id: i64,
    /// `schedule`, `manual` or `start`.
    pub trigger: String,
    /// Started.
    pub started_at: String,
    /// Finished.
    pub finished_at: Option<String>,
    /// `running`, `ok`, `errors` or `failed`.
    pub outcome: String,
    /// Counters, JSON.
    pub counts: String,
    /// Errors, JSON.
    pub errors: String,
}

/// A pending push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Id.
    pub id: i64,
    /// `stock`, `item` or `customer`.
    pub kind: String,
    /// Local record id.
    pub local_id: i64,
    /// Bumped by every new change, so a push only clears what it saw.
    pub seq: i64,
    /// Failed tries.
    pub attempts: i64,
}

const CART_COLS: &str = "c.id, c.name, c.cart_type, c.url, c.secret_enc, pl.code AS price_list, c.safety_buffer_e4, c.notify_email,
    c.import_as, c.status, c.last_order_from, c.last_update_time, c.from_customer_updates, c.from_item_updates,
    c.to_customer_updates, c.to_stock_updates, c.to_item_updates, c.interval_secs, c.tested_fingerprint, c.tested_at,
    c.shop_timezone, c.last_run_at, c.version, c.created_at, c.updated_at";

fn cart_from(r: &dyn DbRow) -> Result<CartRow> {
    Ok(CartRow {
        id: r.i64("id")?,
        name: r.string("name")?,
        cart_type: r.string("cart_type")?,
        url: r.string("url")?,
        secret_enc: r.string("secret_enc")?,
        price_list: r.opt_string("price_list")?,
        safety_buffer_e4: r.i64("safety_buffer_e4")?,
        notify_email: r.string("notify_email")?,
        import_as: r.string("import_as")?,
        status: r.string("status")?,
        last_order_from: r.string("last_order_from")?,
        last_update_time: r.string("last_update_time")?,
        from_customer_updates: r.bool("from_customer_updates")?,
        from_item_updates: r.bool("from_item_updates")?,
        to_customer_updates: r.bool("to_customer_updates")?,
        to_stock_updates: r.bool("to_stock_updates")?,
        to_item_updates: r.bool("to_item_updates")?,
        interval_secs: r.i64("interval_secs")?,
        tested_fingerprint: r.opt_string("tested_fingerprint")?,
        tested_at: r.opt_string("tested_at")?,
        shop_timezone: r.opt_string("shop_timezone")?,
        last_run_at: r.opt_string("last_run_at")?,
        sites: Vec::new(),
        site_ids: Vec::new(),
        version: r.i64("version")?,
        created_at: r.string("created_at")?,
        updated_at: r.string("updated_at")?,
    })
}

fn cart_order_from(r: &dyn DbRow) -> Result<CartOrderRow> {
    Ok(CartOrderRow {
        remote_id: r.string("remote_id")?,
        document_id: r.opt_i64("document_id")?,
        reference: r.string("reference")?,
        remote_updated: r.opt_string("remote_updated")?,
        remote_status: r.string("remote_status")?,
        cart_total_minor: r.i64("cart_total_minor")?,
        document_total_minor: r.i64("document_total_minor")?,
        currency: r.string("currency")?,
        imported_at: r.string("imported_at")?,
        updated_at: r.string("updated_at")?,
    })
}

fn failed_from(r: &dyn DbRow) -> Result<FailedRow> {
    Ok(FailedRow {
        id: r.i64("id")?,
        remote_id: r.string("remote_id")?,
        reason: r.string("reason")?,
        response: r.string("response")?,
        attempts: r.i64("attempts")?,
        first_failed_at: r.string("first_failed_at")?,
        last_tried_at: r.string("last_tried_at")?,
        dismissed: r.bool("dismissed")?,
    })
}

fn run_from(r: &dyn DbRow) -> Result<RunRow> {
    Ok(RunRow {
        id: r.i64("id")?,
        trigger: r.string("trigger")?,
        started_at: r.string("started_at")?,
        finished_at: r.opt_string("finished_at")?,
        outcome: r.string("outcome")?,
        counts: r.string("counts")?,
        errors: r.string("errors")?,
    })
}

impl Tx {
    /// Inserts a cart and its sites.
    pub async fn insert_cart(&mut self, c: &CartWrite) -> Result<i64> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO carts (name, cart_type, url, secret_enc, price_list_id, safety_buffer_e4, notify_email, import_as,
                 last_order_from, last_update_time, from_customer_updates, from_item_updates, to_customer_updates,
                 to_stock_updates, to_item_updates, interval_secs, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id"
            )
            .bind(&c.name)
            .bind(&c.cart_type)
            .bind(&c.url)
            .bind(&c.secret_enc)
            .bind(c.price_list_id)
            .bind(c.safety_buffer_e4)
            .bind(&c.notify_email)
            .bind(&c.import_as)
            .bind(&c.last_order_from)
            .bind(&c.last_update_time)
            .bind(c.toggles[0])
            .bind(c.toggles[1])
            .bind(c.toggles[2])
            .bind(c.toggles[3])
            .bind(c.toggles[4])
            .bind(c.interval_secs)
            .bind(&now),
            |r: &dyn DbRow| r.i64("id")
        )
        .unwrap_or_default();
        self.set_cart_sites(id, &c.site_ids).await?;
        Ok(id)
    }

    async fn set_cart_sites(&mut self, id: i64, sites: &[i64]) -> Result<()> {
        execute!(
            self,
            sqlx::query("DELETE FROM cart_sites WHERE cart_id = $1").bind(id)
        );
        for s in sites {
            execute!(
                self,
                sqlx::query("INSERT INTO cart_sites (cart_id, site_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(s)
            );
        }
        Ok(())
    }

    /// Replaces a cart's settings if `version` is current; false when stale.
    pub async fn update_cart(&mut self, id: i64, version: i64, c: &CartWrite) -> Result<bool> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE carts SET name = $1, url = $2, secret_enc = $3, price_list_id = $4, safety_buffer_e4 = $5,
                 notify_email = $6, import_as = $7, last_order_from = $8, last_update_time = $9,
                 from_customer_updates = $10, from_item_updates = $11, to_customer_updates = $12,
                 to_stock_updates = $13, to_item_updates = $14, interval_secs = $15,
                 version = version + 1, updated_at = $16 WHERE id = $17 AND version = $18"
            )
            .bind(&c.name)
            .bind(&c.url)
            .bind(&c.secret_enc)
            .bind(c.price_list_id)
            .bind(c.safety_buffer_e4)
            .bind(&c.notify_email)
            .bind(&c.import_as)
            .bind(&c.last_order_from)
            .bind(&c.last_update_time)
            .bind(c.toggles[0])
            .bind(c.toggles[1])
            .bind(c.toggles[2])
            .bind(c.toggles[3])
            .bind(c.toggles[4])
            .bind(c.interval_secs)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        if n == 0 {
            return Ok(false);
        }
        self.set_cart_sites(id, &c.site_ids).await?;
        Ok(true)
    }

    /// Deletes a cart with its links, logs and outbox (imported documents stay).
    pub async fn delete_cart(&mut self, id: i64) -> Result<bool> {
        for t in [
            "cart_sites",
            "cart_links",
            "cart_orders",
            "cart_failed",
            "cart_runs",
            "cart_outbox",
        ] {
            // Table names come from the fixed list above.
            execute!(
                self,
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {t} WHERE cart_id = $1"
                )))
                .bind(id)
            );
        }
        Ok(execute!(
            self,
            sqlx::query("DELETE FROM carts WHERE id = $1").bind(id)
        ) > 0)
    }

    /// One cart with its sites.
    pub async fn cart(&mut self, id: i64) -> Result<Option<CartRow>> {
        let row = fetch_opt!(
            self,
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {CART_COLS} FROM carts c LEFT JOIN price_lists pl ON pl.id = c.price_list_id WHERE c.id = $1"
            )))
            .bind(id),
            cart_from
        );
        let Some(mut row) = row else { return Ok(None) };
        let sites = fetch_all!(
            self,
            sqlx::query("SELECT s.id, s.code FROM cart_sites cs JOIN sites s ON s.id = cs.site_id WHERE cs.cart_id = $1 ORDER BY s.code")
                .bind(id),
            |r: &dyn DbRow| Ok::<_, crate::StoreError>((r.i64("id")?, r.string("code")?))
        );
        row.site_ids = sites.iter().map(|s| s.0).collect();
        row.sites = sites.into_iter().map(|s| s.1).collect();
        Ok(Some(row))
    }

    /// Every cart id, in id order.
    pub async fn cart_ids(&mut self, running_only: bool) -> Result<Vec<i64>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT id FROM carts WHERE ($1 = FALSE OR status = 'RUNNING') ORDER BY id"
            )
            .bind(running_only),
            |r: &dyn DbRow| r.i64("id")
        ))
    }

    /// The cart id with this name (any case).
    pub async fn cart_id_by_name(&mut self, name: &str) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM carts WHERE lower(name) = lower($1)").bind(name),
            |r: &dyn DbRow| r.i64("id")
        ))
    }

    /// Sets STOPPED/RUNNING.
    pub async fn set_cart_status(&mut self, id: i64, status: &str) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "UPDATE carts SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3"
            )
            .bind(status)
            .bind(&now)
            .bind(id)
        );
        Ok(())
    }

    /// Records a passed connection test.
    pub async fn set_cart_tested(
        &mut self,
        id: i64,
        fingerprint: Option<&str>,
        timezone: Option<&str>,
    ) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE carts SET tested_fingerprint = $1, tested_at = $2, shop_timezone = COALESCE($3, shop_timezone) WHERE id = $4")
                .bind(fingerprint)
                .bind(fingerprint.map(|_| now))
                .bind(timezone)
                .bind(id)
        );
        Ok(())
    }

    /// Moves a watermark forward (never back): `last_order_from` or `last_update_time`.
    pub async fn advance_cart_watermark(&mut self, id: i64, which: &str, to: &str) -> Result<()> {
        let col = if which == "orders" {
            "last_order_from"
        } else {
            "last_update_time"
        };
        // `col` is one of two fixed names.
        execute!(
            self,
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE carts SET {col} = $1 WHERE id = $2 AND {col} < $1"
            )))
            .bind(to)
            .bind(id)
        );
        Ok(())
    }

    /// Takes the cart's run lease for `owner` until `until` if it is free or expired.
    pub async fn take_cart_lease(&mut self, id: i64, owner: &str, until: &str) -> Result<bool> {
        let now = self.now.clone();
        Ok(execute!(
            self,
            sqlx::query(
                "UPDATE carts SET lease_owner = $1, lease_until = $2, last_run_at = $3
                 WHERE id = $4 AND (lease_owner IS NULL OR lease_until < $3 OR lease_owner = $1)"
            )
            .bind(owner)
            .bind(until)
            .bind(&now)
            .bind(id)
        ) > 0)
    }

    /// Gives the lease back.
    pub async fn release_cart_lease(&mut self, id: i64, owner: &str) -> Result<()> {
        execute!(
            self,
            sqlx::query("UPDATE carts SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2")
                .bind(id)
                .bind(owner)
        );
        Ok(())
    }

    /// The local record linked to a cart record.
    pub async fn cart_link(
        &mut self,
        cart: i64,
        entity: &str,
        remote_id: &str,
    ) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT local_id FROM cart_links WHERE cart_id = $1 AND entity = $2 AND remote_id = $3")
                .bind(cart)
                .bind(entity)
                .bind(remote_id),
            |r: &dyn DbRow| r.i64("local_id")
        ))
    }

    /// Every link of one entity in a cart: (remote id, local id, remote SKU).
    pub async fn cart_links(
        &mut self,
        cart: i64,
        entity: &str,
    ) -> Result<Vec<(String, i64, String)>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT remote_id, local_id, remote_sku FROM cart_links WHERE cart_id = $1 AND entity = $2 ORDER BY local_id, remote_id")
                .bind(cart)
                .bind(entity),
            |r: &dyn DbRow| Ok::<_, crate::StoreError>((r.string("remote_id")?, r.i64("local_id")?, r.string("remote_sku")?))
        ))
    }

    /// The cart's ids for one local record.
    pub async fn cart_remote_ids(
        &mut self,
        cart: i64,
        entity: &str,
        local_id: i64,
    ) -> Result<Vec<String>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT remote_id FROM cart_links WHERE cart_id = $1 AND entity = $2 AND local_id = $3 ORDER BY remote_id")
                .bind(cart)
                .bind(entity)
                .bind(local_id),
            |r: &dyn DbRow| r.string("remote_id")
        ))
    }

    /// Ties (or re-ties) a cart record to a local one.
    pub async fn set_cart_link(
        &mut self,
        cart: i64,
        entity: &str,
        remote_id: &str,
        local_id: i64,
        sku: &str,
    ) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO cart_links (cart_id, entity, remote_id, local_id, remote_sku, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (cart_id, entity, remote_id) DO UPDATE SET local_id = excluded.local_id, remote_sku = excluded.remote_sku"
            )
            .bind(cart)
            .bind(entity)
            .bind(remote_id)
            .bind(local_id)
            .bind(sku)
            .bind(&now)
        );
        Ok(())
    }

    /// Records an imported order; false if the cart order was already imported.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_cart_order(&mut self, cart: i64, o: &CartOrderRow) -> Result<bool> {
        Ok(execute!(
            self,
            sqlx::query(
                "INSERT INTO cart_orders (cart_id, remote_id, document_id, reference, remote_updated, remote_status,
                 cart_total_minor, document_total_minor, currency, imported_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (cart_id, remote_id) DO NOTHING"
            )
            .bind(cart)
            .bind(&o.remote_id)
            .bind(o.document_id)
            .bind(&o.reference)
            .bind(&o.remote_updated)
            .bind(&o.remote_status)
            .bind(o.cart_total_minor)
            .bind(o.document_total_minor)
            .bind(&o.currency)
            .bind(&o.imported_at)
        ) > 0)
    }

    /// An imported order by the cart's id.
    pub async fn cart_order(&mut self, cart: i64, remote_id: &str) -> Result<Option<CartOrderRow>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT * FROM cart_orders WHERE cart_id = $1 AND remote_id = $2")
                .bind(cart)
                .bind(remote_id),
            cart_order_from
        ))
    }

    /// Records a new cart status and change time for an imported order.
    pub async fn update_cart_order(
        &mut self,
        cart: i64,
        remote_id: &str,
        status: &str,
        remote_updated: Option<&str>,
    ) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE cart_orders SET remote_status = $1, remote_updated = $2, updated_at = $3 WHERE cart_id = $4 AND remote_id = $5")
                .bind(status)
                .bind(remote_updated)
                .bind(&now)
                .bind(cart)
                .bind(remote_id)
        );
        Ok(())
    }

    /// Imported orders, newest first, after `before` (an id cursor, 0 = start).
    pub async fn cart_orders(&mut self, cart: i64, limit: i64) -> Result<Vec<CartOrderRow>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT * FROM cart_orders WHERE cart_id = $1 ORDER BY id DESC LIMIT $2")
                .bind(cart)
                .bind(limit),
            cart_order_from
        ))
    }

    /// Records (or re-records) a failed import.
    pub async fn record_failed(
        &mut self,
        cart: i64,
        remote_id: &str,
        reason: &str,
        response: &str,
    ) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO cart_failed (cart_id, remote_id, reason, response, first_failed_at, last_tried_at) VALUES ($1, $2, $3, $4, $5, $5)
                 ON CONFLICT (cart_id, remote_id) DO UPDATE SET reason = excluded.reason, response = excluded.response,
                 attempts = cart_failed.attempts + 1, last_tried_at = excluded.last_tried_at"
            )
            .bind(cart)
            .bind(remote_id)
            .bind(reason)
            .bind(response)
            .bind(&now)
        );
        Ok(())
    }

    /// Clears a failed import (it has now been imported).
    pub async fn clear_failed(&mut self, cart: i64, remote_id: &str) -> Result<()> {
        execute!(
            self,
            sqlx::query("DELETE FROM cart_failed WHERE cart_id = $1 AND remote_id = $2")
                .bind(cart)
                .bind(remote_id)
        );
        Ok(())
    }

    /// Failed imports; dismissed ones only when asked.
    pub async fn failed_imports(
        &mut self,
        cart: i64,
        include_dismissed: bool,
    ) -> Result<Vec<FailedRow>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT * FROM cart_failed WHERE cart_id = $1 AND ($2 OR dismissed = FALSE) ORDER BY id")
                .bind(cart)
                .bind(include_dismissed),
            failed_from
        ))
    }

    /// One failed import.
    pub async fn failed_import(&mut self, cart: i64, id: i64) -> Result<Option<FailedRow>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT * FROM cart_failed WHERE cart_id = $1 AND id = $2")
                .bind(cart)
                .bind(id),
            failed_from
        ))
    }

    /// Dismisses a failed import: no more retries.
    pub async fn dismiss_failed(&mut self, cart: i64, id: i64) -> Result<bool> {
        Ok(execute!(
            self,
            sqlx::query("UPDATE cart_failed SET dismissed = TRUE WHERE cart_id = $1 AND id = $2")
                .bind(cart)
                .bind(id)
        ) > 0)
    }

    /// Opens a sync-log entry.
    pub async fn start_run(&mut self, cart: i64, trigger: &str) -> Result<i64> {
        let now = self.now.clone();
        Ok(fetch_opt!(
            self,
            sqlx::query("INSERT INTO cart_runs (cart_id, trigger, started_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(cart)
                .bind(trigger)
                .bind(&now),
            |r: &dyn DbRow| r.i64("id")
        )
        .unwrap_or_default())
    }

    /// Closes a sync-log entry.
    pub async fn finish_run(
        &mut self,
        run: i64,
        outcome: &str,
        counts: &str,
        errors: &str,
    ) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE cart_runs SET finished_at = $1, outcome = $2, counts = $3, errors = $4 WHERE id = $5")
                .bind(&now)
                .bind(outcome)
                .bind(counts)
                .bind(errors)
                .bind(run)
        );
        Ok(())
    }

    /// The newest runs first.
    pub async fn runs(&mut self, cart: i64, limit: i64) -> Result<Vec<RunRow>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT * FROM cart_runs WHERE cart_id = $1 ORDER BY id DESC LIMIT $2")
                .bind(cart)
                .bind(limit),
            run_from
        ))
    }

    /// Queues a stock push of these items to every cart that sells them with real-time
    /// stock updates on; repeated changes bump one row per (cart, item).
    pub async fn enqueue_stock(&mut self, item_ids: &[i64]) -> Result<()> {
        let now = self.now.clone();
        for item in item_ids {
            execute!(
                self,
                sqlx::query(
                    "INSERT INTO cart_outbox (cart_id, kind, local_id, created_at)
                     SELECT DISTINCT c.id, 'stock', l.local_id, $2 FROM carts c
                     JOIN cart_links l ON l.cart_id = c.id AND l.entity = 'item' AND l.local_id = $1
                     WHERE c.to_stock_updates = TRUE
                     ON CONFLICT (cart_id, kind, local_id) DO UPDATE SET seq = cart_outbox.seq + 1, attempts = 0, not_before = ''"
                )
                .bind(item)
                .bind(&now)
            );
        }
        Ok(())
    }

    /// Queues a stock push of every item a cart sells (start, or stock updates switched on).
    pub async fn enqueue_all_stock(&mut self, cart: i64) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO cart_outbox (cart_id, kind, local_id, created_at)
                 SELECT DISTINCT l.cart_id, 'stock', l.local_id, $2 FROM cart_links l
                 WHERE l.cart_id = $1 AND l.entity = 'item'
                 ON CONFLICT (cart_id, kind, local_id) DO UPDATE SET seq = cart_outbox.seq + 1, attempts = 0, not_before = ''"
            )
            .bind(cart)
            .bind(&now)
        );
        Ok(())
    }

    /// Queues one push to one cart.
    pub async fn enqueue_push(&mut self, cart: i64, kind: &str, local_id: i64) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO cart_outbox (cart_id, kind, local_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (cart_id, kind, local_id) DO UPDATE SET seq = cart_outbox.seq + 1, attempts = 0, not_before = ''"
            )
            .bind(cart)
            .bind(kind)
            .bind(local_id)
            .bind(&now)
        );
        Ok(())
    }

    /// Queues item or customer pushes to every cart linked to the record with TO CART updates on.
    pub async fn enqueue_record(&mut self, entity: &str, local_id: i64) -> Result<()> {
        let now = self.now.clone();
        let toggle = if entity == "item" {
            "to_item_updates"
        } else {
            "to_customer_updates"
        };
        // `toggle` is one of two fixed column names.
        execute!(
            self,
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO cart_outbox (cart_id, kind, local_id, created_at)
                 SELECT DISTINCT c.id, $1, l.local_id, $3 FROM carts c
                 JOIN cart_links l ON l.cart_id = c.id AND l.entity = $1 AND l.local_id = $2
                 WHERE c.{toggle} = TRUE
                 ON CONFLICT (cart_id, kind, local_id) DO UPDATE SET seq = cart_outbox.seq + 1, attempts = 0, not_before = ''"
            )))
            .bind(entity)
            .bind(local_id)
            .bind(&now)
        );
        Ok(())
    }

    /// Pushes due now for one cart, oldest first.
    pub async fn due_pushes(&mut self, cart: i64, limit: i64) -> Result<Vec<OutboxRow>> {
        let now = self.now.clone();
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT id, kind, local_id, seq, attempts FROM cart_outbox WHERE cart_id = $1 AND not_before <= $2 ORDER BY id LIMIT $3")
                .bind(cart)
                .bind(&now)
                .bind(limit),
            |r: &dyn DbRow| Ok::<_, crate::StoreError>(OutboxRow {
                id: r.i64("id")?,
                kind: r.string("kind")?,
                local_id: r.i64("local_id")?,
                seq: r.i64("seq")?,
                attempts: r.i64("attempts")?,
            })
        ))
    }

    /// Number of pushes waiting for a cart.
    pub async fn pending_pushes(&mut self, cart: i64) -> Result<i64> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM cart_outbox WHERE cart_id = $1")
                .bind(cart),
            |r: &dyn DbRow| r.i64("n")
        )
        .unwrap_or_default())
    }

    /// Clears a push unless a newer change arrived while it was sent.
    pub async fn push_done(&mut self, id: i64, seq: i64) -> Result<()> {
        execute!(
            self,
            sqlx::query("DELETE FROM cart_outbox WHERE id = $1 AND seq = $2")
                .bind(id)
                .bind(seq)
        );
        Ok(())
    }

    /// Puts a failed push off until `not_before`.
    pub async fn push_failed(&mut self, id: i64, not_before: &str) -> Result<()> {
        execute!(
            self,
            sqlx::query(
                "UPDATE cart_outbox SET attempts = attempts + 1, not_before = $1 WHERE id = $2"
            )
            .bind(not_before)
            .bind(id)
        );
        Ok(())
    }

    /// Quantity (×10⁴) on PENDING documents imported from any cart, for one item at these sites
    /// (lines without a site count against the document's site).
    pub async fn pending_cart_qty(&mut self, item_id: i64, site_ids: &[i64]) -> Result<i64> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT COALESCE(l.site_id, d.site_id, 0) AS site_id, CAST(SUM(l.qty_e4) AS BIGINT) AS q FROM document_lines l
                 JOIN documents d ON d.id = l.document_id JOIN cart_orders co ON co.document_id = d.id
                 WHERE d.status = 'PENDING' AND l.item_id = $1 GROUP BY COALESCE(l.site_id, d.site_id, 0)"
            )
            .bind(item_id),
            |r: &dyn DbRow| Ok::<_, crate::StoreError>((r.i64("site_id")?, r.opt_i64("q")?.unwrap_or_default()))
        );
        Ok(rows
            .into_iter()
            .filter(|(s, _)| *s == 0 || site_ids.contains(s))
            .map(|(_, q)| q)
            .sum())
    }
}

impl Tx {
    /// Customers with this e-mail (any case): (id, currency), oldest first.
    pub async fn customers_by_email(&mut self, email: &str) -> Result<Vec<(i64, String)>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT id, currency FROM parties WHERE kind = 'customer' AND email <> '' AND lower(email) = lower($1) ORDER BY id")
                .bind(email),
            |r: &dyn DbRow| Ok::<_, crate::StoreError>((r.i64("id")?, r.string("currency")?))
        ))
    }

    /// The first active tax code with exactly this rate (×10⁴).
    pub async fn tax_code_with_rate(&mut self, rate_e4: i64) -> Result<Option<String>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT code FROM tax_codes WHERE rate_e4 = $1 AND active = TRUE ORDER BY id LIMIT 1").bind(rate_e4),
            |r: &dyn DbRow| r.string("code")
        ))
    }

    /// Replaces a document's memo (notes only: no amount, stock or posting changes).
    pub async fn set_document_memo(&mut self, id: i64, memo: &str) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE documents SET memo = $1, updated_at = $2, version = version + 1 WHERE id = $3").bind(memo).bind(&now).bind(id)
        );
        Ok(())
    }
}

impl Tx {
    /// The company's SMTP settings as stored (JSON).
    pub async fn smtp_settings(&mut self) -> Result<Option<String>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT smtp FROM company WHERE id = 1"),
            |r: &dyn DbRow| r.string("smtp")
        ))
    }

    /// Replaces the company's SMTP settings (JSON).
    pub async fn set_smtp_settings(&mut self, json: &str) -> Result<bool> {
        Ok(execute!(
            self,
            sqlx::query("UPDATE company SET smtp = $1 WHERE id = 1").bind(json)
        ) > 0)
    }
}
