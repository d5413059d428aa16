//! One sync run: take the cart's lease, import orders since the watermark (with an
//! overlap), retry failed imports, apply FROM CART changes, push the outbox, write the
//! sync log, and e-mail the notification address when anything went wrong.

use std::time::Duration;

use cartwright_carts::{Connector, Fetched, RemoteOrder};
use cartwright_core::user::{Access, Resource};
use cartwright_store::CartRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::{
    import::Imported,
    settings,
    settings::{instant_text, parse_instant},
};
use crate::{App, AppError, Principal, Result};

/// How far back each run re-reads, for clock skew and same-second changes.
const OVERLAP: Duration = Duration::from_secs(5 * 60);
/// Pages per phase and run: a run always ends.
const MAX_PAGES: usize = 500;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RunCounts {
    /// Orders read from the cart.
    pub orders_read: u64,
    /// New PENDING documents.
    pub orders_created: u64,
    /// Orders already imported and unchanged.
    pub orders_skipped: u64,
    /// Status changes recorded on imported orders.
    pub orders_updated: u64,
    /// Orders that could not be imported.
    pub orders_failed: u64,
    /// Failed imports that now succeeded.
    pub orders_retried: u64,
    /// Orders whose document total differs from the cart's.
    pub totals_differ: u64,
    /// Customers created.
    pub customers_created: u64,
    /// Customers changed from the cart.
    pub customers_updated: u64,
    /// Customers linked.
    pub customers_linked: u64,
    /// Items created.
    pub items_created: u64,
    /// Items changed from the cart.
    pub items_updated: u64,
    /// Items linked.
    pub items_linked: u64,
    /// Stock levels sent to the cart.
    pub stock_pushes: u64,
    /// Item and customer changes sent to the cart.
    pub record_pushes: u64,
}

/// One error in a run, with the cart's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RunError {
    /// What was being done.
    pub what: String,
    /// The error.
    pub message: String,
    /// Start of the cart's reply or data.
    pub response: Option<String>,
    /// True when a retry followed (and may have succeeded).
    #[serde(default)]
    pub retried: bool,
}

/// A sync-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RunView {
    /// Id.
    pub id: i64,
    /// `schedule`, `manual`.
    pub trigger: String,
    /// Started (UTC).
    pub started_at: String,
    /// Finished (UTC).
    pub finished_at: Option<String>,
    /// `running`, `ok`, `errors`.
    pub outcome: String,
    /// Counters.
    pub counts: RunCounts,
    /// Errors, each with the cart's reply.
    pub errors: Vec<RunError>,
}

fn run_view(r: cartwright_store::RunRow) -> RunView {
    RunView {
        id: r.id,
        trigger: r.trigger,
        started_at: r.started_at,
        finished_at: r.finished_at,
        outcome: r.outcome,
        counts: serde_json::from_str(&r.counts).unwrap_or_default(),
        errors: serde_json::from_str(&r.errors).unwrap_or_default(),
    }
}

/// A run in progress: counters and errors.
#[derive(Default)]
pub(crate) struct Log {
    pub counts: RunCounts,
    pub errors: Vec<RunError>,
    /// Orders that failed in this run already (not retried again in it).
    pub failed_now: std::collections::HashSet<String>,
    /// Failed imports dismissed by hand: auto-sync leaves them alone.
    pub dismissed: std::collections::HashSet<String>,
}

impl Log {
    pub fn error(
        &mut self,
        what: impl Into<String>,
        message: impl Into<String>,
        response: Option<String>,
    ) {
        let (what, message) = (what.into(), message.into());
        tracing::warn!(what = %what, error = %message, "cart sync error");
        self.errors.push(RunError {
            what,
            message,
            response,
            retried: false,
        });
    }

    fn incidents(&mut self, conn: &Connector) {
        for i in conn.take_incidents() {
            // The final failure of a request is logged by its caller too; keep retried ones here.
            if i.retried {
                self.errors.push(RunError {
                    what: i.what,
                    message: i.error,
                    response: i.excerpt,
                    retried: true,
                });
            }
        }
    }
}

fn since(watermark: &str) -> OffsetDateTime {
    parse_instant("watermark", watermark)
        .map(|t| t - OVERLAP)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl App {
    /// Run now: one run of this cart, whatever its status.
    pub async fn run_cart_now(&self, who: &Principal, id: i64) -> Result<RunView> {
        who.require(Resource::Carts, Access::Write)?;
        self.run_cart(id, "manual").await
    }

    /// The sync log, newest first.
    pub async fn cart_runs(&self, who: &Principal, id: i64, limit: i64) -> Result<Vec<RunView>> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        super::load(&mut tx, id).await?;
        Ok(tx
            .runs(id, limit.clamp(1, 500))
            .await?
            .into_iter()
            .map(run_view)
            .collect())
    }

    /// One run of a cart. Only one run per cart at a time, across processes: the run
    /// holds the cart's lease in the database.
    pub async fn run_cart(&self, id: i64, trigger: &str) -> Result<RunView> {
        let until = settings::instant_micros(OffsetDateTime::now_utc() + self.lease);
        let (cart, run_id) = {
            let mut tx = self.store.write().await?;
            let cart = super::load(&mut tx, id).await?;
            if !tx.take_cart_lease(id, &self.node, &until).await? {
                return Err(AppError::Conflict(format!(
                    "cart '{}' is already being synchronised",
                    cart.name
                )));
            }
            let run = tx.start_run(id, trigger).await?;
            tx.commit().await?;
            (cart, run)
        };
        let mut log = Log::default();
        let outcome = self.run_phases(&cart, &mut log).await;
        if let Err(e) = outcome {
            log.error("run", e.to_string(), None);
        }
        let result = if log.errors.is_empty() {
            "ok"
        } else {
            "errors"
        };
        {
            let mut tx = self.store.write().await?;
            let counts = serde_json::to_string(&log.counts).unwrap_or_default();
            let errors = serde_json::to_string(&log.errors).unwrap_or_default();
            tx.finish_run(run_id, result, &counts, &errors).await?;
            tx.release_cart_lease(id, &self.node).await?;
            tx.commit().await?;
        }
        if result == "errors" && self.news_in(&cart, run_id, &log).await? {
            self.notify(&cart, run_id, &log).await?;
        }
        let mut tx = self.store.read().await?;
        let runs = tx.runs(id, 50).await?;
        runs.into_iter()
            .find(|r| r.id == run_id)
            .map(run_view)
            .ok_or_else(|| AppError::not_found("run", run_id))
    }

    async fn renew_lease(&self, id: i64) -> Result<()> {
        let until = settings::instant_micros(OffsetDateTime::now_utc() + self.lease);
        let mut tx = self.store.write().await?;
        if !tx.take_cart_lease(id, &self.node, &until).await? {
            return Err(AppError::Conflict(
                "the run lost its lease to another process".into(),
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn run_phases(&self, cart: &CartRow, log: &mut Log) -> Result<()> {
        let conn = self.connector(cart)?;
        {
            let mut tx = self.store.read().await?;
            log.dismissed = tx
                .failed_imports(cart.id, true)
                .await?
                .into_iter()
                .filter(|f| f.dismissed)
                .map(|f| f.remote_id)
                .collect();
        }
        let r = self.import_orders(cart, &conn, log).await;
        log.incidents(&conn);
        r?;
        self.retry_failed(cart, &conn, log).await?;
        log.incidents(&conn);
        if cart.from_customer_updates || cart.from_item_updates {
            self.apply_cart_updates(cart, &conn, log).await?;
            log.incidents(&conn);
        }
        self.push_due(cart, &conn, log).await?;
        log.incidents(&conn);
        Ok(())
    }

    /// Orders changed since the watermark, page by page; the watermark moves only past
    /// orders that were stored (imported, already there, or recorded as failed).
    async fn import_orders(&self, cart: &CartRow, conn: &Connector, log: &mut Log) -> Result<()> {
        let from = since(&cart.last_order_from);
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = match conn
                .orders_since(from, cursor.as_deref(), self.cart_page)
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    log.error(
                        "reading orders",
                        e.to_string(),
                        e.excerpt().map(str::to_string),
                    );
                    return Ok(());
                }
            };
            let mut high: Option<OffsetDateTime> = None;
            for f in &page.records {
                log.counts.orders_read += 1;
                self.import_one(cart, f, log).await?;
                if let Some(u) = f.updated {
                    high = Some(high.map_or(u, |h| h.max(u)));
                }
            }
            if let Some(h) = high {
                let mut tx = self.store.write().await?;
                tx.advance_cart_watermark(cart.id, "orders", &instant_text(h))
                    .await?;
                tx.commit().await?;
            }
            self.renew_lease(cart.id).await?;
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        Ok(())
    }

    async fn import_one(
        &self,
        cart: &CartRow,
        f: &Fetched<RemoteOrder>,
        log: &mut Log,
    ) -> Result<bool> {
        if log.dismissed.contains(&f.remote_id) {
            log.counts.orders_skipped += 1;
            return Ok(true);
        }
        let failure = match &f.record {
            Err(e) => e.to_string(),
            Ok(o) => match self.import_order(cart, o, f.updated).await {
                Ok(Imported::Created {
                    customer_created,
                    totals_differ,
                    ..
                }) => {
                    log.counts.orders_created += 1;
                    log.counts.customers_created += u64::from(customer_created);
                    log.counts.totals_differ += u64::from(totals_differ);
                    return Ok(true);
                }
                Ok(Imported::StatusChanged) => {
                    log.counts.orders_updated += 1;
                    return Ok(true);
                }
                Ok(Imported::Unchanged) => {
                    log.counts.orders_skipped += 1;
                    return Ok(true);
                }
                Err(AppError::Store(e)) if !e.is_conflict() => return Err(AppError::Store(e)),
                Err(e) => {
                    // Another process may have stored it (or its new customer) first.
                    let mut tx = self.store.read().await?;
                    if tx.cart_order(cart.id, &f.remote_id).await?.is_some() {
                        log.counts.orders_skipped += 1;
                        return Ok(true);
                    }
                    format!("order {}: {e}", f.remote_id)
                }
            },
        };
        log.counts.orders_failed += 1;
        log.failed_now.insert(f.remote_id.clone());
        log.error(
            format!("importing order {}", f.remote_id),
            failure.clone(),
            Some(f.raw.clone()),
        );
        let mut tx = self.store.write().await?;
        tx.record_failed(cart.id, &f.remote_id, &failure, &f.raw)
            .await?;
        tx.commit().await?;
        Ok(false)
    }

    async fn retry_failed(&self, cart: &CartRow, conn: &Connector, log: &mut Log) -> Result<()> {
        let failed = {
            let mut tx = self.store.read().await?;
            tx.failed_imports(cart.id, false).await?
        };
        if failed.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = failed
            .iter()
            .map(|f| f.remote_id.clone())
            .filter(|id| !log.failed_now.contains(id))
            .collect();
        for chunk in ids.chunks(50) {
            match conn.orders_by_id(chunk).await {
                Ok(found) => {
                    for f in &found {
                        if self.import_one(cart, f, log).await? {
                            log.counts.orders_retried += 1;
                        }
                    }
                }
                Err(e) => log.error(
                    "retrying failed imports",
                    e.to_string(),
                    e.excerpt().map(str::to_string),
                ),
            }
        }
        Ok(())
    }

    /// Retries or dismisses failed imports by hand.
    pub async fn retry_failed_import(
        &self,
        who: &Principal,
        cart_id: i64,
        failed_id: i64,
    ) -> Result<RunCounts> {
        who.require(Resource::Carts, Access::Write)?;
        let (cart, f) = {
            let mut tx = self.store.read().await?;
            let cart = super::load(&mut tx, cart_id).await?;
            let f = tx
                .failed_import(cart_id, failed_id)
                .await?
                .ok_or_else(|| AppError::not_found("failed import", failed_id))?;
            (cart, f)
        };
        let conn = self.connector(&cart)?;
        let mut log = Log::default();
        let found = conn
            .orders_by_id(std::slice::from_ref(&f.remote_id))
            .await
            .map_err(|e| AppError::Upstream(e.to_string()))?;
        if found.is_empty() {
            return Err(AppError::Upstream(format!(
                "order {} no longer exists in the cart",
                f.remote_id
            )));
        }
        for o in &found {
            self.import_one(&cart, o, &mut log).await?;
        }
        if let Some(e) = log.errors.first() {
            return Err(AppError::Conflict(e.message.clone()));
        }
        Ok(log.counts)
    }

    /// Whether this run's errors differ from the previous run's: the same failure every
    /// minute is mailed once, not once a minute.
    async fn news_in(&self, cart: &CartRow, run_id: i64, log: &Log) -> Result<bool> {
        let mut tx = self.store.read().await?;
        let previous = tx
            .runs(cart.id, 2)
            .await?
            .into_iter()
            .find(|r| r.id != run_id);
        let Some(previous) = previous else {
            return Ok(true);
        };
        let before: Vec<RunError> = serde_json::from_str(&previous.errors).unwrap_or_default();
        let key = |e: &RunError| format!("{}\u{0}{}", e.what, e.message);
        let mut a: Vec<String> = before.iter().map(key).collect();
        let mut b: Vec<String> = log.errors.iter().map(key).collect();
        a.sort();
        b.sort();
        Ok(a != b)
    }

    /// Sends the run's errors to the cart's notification address (when mail is set up).
    async fn notify(&self, cart: &CartRow, run_id: i64, log: &Log) -> Result<()> {
        if cart.notify_email.is_empty() {
            return Ok(());
        }
        let smtp = {
            let mut tx = self.store.read().await?;
            super::notify::load_smtp(&mut tx).await?
        };
        let Some(smtp) = smtp else { return Ok(()) };
        let mut body = format!(
            "Cart Connect run {run_id} of cart '{}' had {} error(s):\n\n",
            cart.name,
            log.errors.len()
        );
        for e in &log.errors {
            body.push_str(&format!("- {}: {}\n", e.what, e.message));
            if let Some(r) = &e.response {
                body.push_str(&format!("  cart reply: {}\n", r.replace('\n', " ")));
            }
        }
        body.push_str(&format!(
            "\nCounts: {}\n",
            serde_json::to_string(&log.counts).unwrap_or_default()
        ));
        let subject = format!(
            "Cartwright: cart '{}' sync run {run_id} had errors",
            cart.name
        );
        if let Err(e) = super::notify::send_mail(&smtp, &cart.notify_email, &subject, &body).await {
            tracing::warn!(cart = cart.id, error = %e, "run notification not sent");
        }
        Ok(())
    }
}

impl App {
    /// Whether a RUNNING cart's next scheduled run is due.
    pub async fn cart_due(&self, id: i64) -> Result<bool> {
        let mut tx = self.store.read().await?;
        let cart = super::load(&mut tx, id).await?;
        if cart.status != "RUNNING" {
            return Ok(false);
        }
        let Some(last) = cart.last_run_at.as_deref() else {
            return Ok(true);
        };
        let last = parse_instant("last_run_at", last).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Ok(
            last + Duration::from_secs(cart.interval_secs.max(60) as u64)
                <= OffsetDateTime::now_utc(),
        )
    }
}
