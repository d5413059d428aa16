//! Cartwright's use cases. Each one loads state through the store, asks the
//! core what a change means, and writes the result with its audit entry in one
//! transaction. HTTP handlers, the CLI and (later) the scheduler call these and
//! never each other.

pub mod auth;
pub mod banks;
pub mod carts;
pub mod company;
pub mod csv_io;
pub mod currencies;
pub mod demo;
pub mod documents;
mod error;
pub mod items;
pub mod ledger;
pub mod masters;
pub mod parties;
pub mod payments;
mod principal;
mod refs;
pub mod reports;
pub mod revaluation;

pub use cartwright_store::{AuditQuery, ListQuery, Store};
pub use error::{AppError, RowError};
pub use principal::Principal;

use cartwright_core::user::{Access, Resource};
use cartwright_store::{AuditEntry, Tx};
use serde::Serialize;

/// Result of every use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a store plus the rules for using it.
#[derive(Clone)]
pub struct App {
    store: Store,
    secrets: carts::secrets::SecretKey,
    cart_http: cartwright_carts::HttpOptions,
    node: String,
    lease: std::time::Duration,
    cart_page: usize,
    push_locks: carts::PushLocks,
}

impl App {
    /// Wraps a migrated store with a throw-away credentials key (tests; see [`App::with_secret_key`]).
    pub fn new(store: Store) -> Self {
        Self::with_secret_key(store, carts::secrets::SecretKey::ephemeral())
    }

    /// Wraps a migrated store; cart credentials are sealed with `key` (kept outside the database).
    pub fn with_secret_key(store: Store, key: carts::secrets::SecretKey) -> Self {
        Self {
            store,
            secrets: key,
            cart_http: cartwright_carts::HttpOptions::default(),
            node: node_id(),
            lease: std::time::Duration::from_secs(120),
            cart_page: 100,
            push_locks: carts::PushLocks::default(),
        }
    }

    /// How long a sync run's lease lasts without renewal (a crashed process's runs resume after it).
    pub fn with_lease(mut self, lease: std::time::Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Names this process in run leases (default: pid and a random tag).
    pub fn with_node(mut self, node: &str) -> Self {
        self.node = node.to_string();
        self
    }

    /// Records per page asked of carts (tests use small pages to exercise paging).
    pub fn with_cart_page_size(mut self, n: usize) -> Self {
        self.cart_page = n.clamp(1, 1000);
        self
    }

    /// Time limits and retries for cart requests (tests shorten them).
    pub fn with_cart_http(mut self, opts: cartwright_carts::HttpOptions) -> Self {
        self.cart_http = opts;
        self
    }

    /// The underlying store (health checks, tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Lists the audit trail, newest first, if `who` may read it.
    pub async fn audit(
        &self,
        who: &Principal,
        q: &cartwright_store::AuditQuery,
    ) -> Result<cartwright_core::page::Page<cartwright_core::audit::AuditRecord>> {
        who.require(Resource::Audit, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_audit(q).await?)
    }
}

/// A name for this process in run leases: host-independent, unique per start.
fn node_id() -> String {
    let mut b = [0u8; 6];
    let _ = getrandom::fill(&mut b);
    let tag: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("pid{}-{tag}", std::process::id())
}

/// Serializes a record for the audit trail.
pub(crate) fn snapshot(v: &impl Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// Records one write of `entity` in the audit trail.
pub(crate) async fn audit<T: Serialize>(
    tx: &mut Tx,
    who: &Principal,
    entity: &str,
    id: i64,
    action: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    tx.audit(AuditEntry {
        actor: &who.actor(),
        entity,
        entity_id: Some(id),
        action,
        before: before.and_then(snapshot),
        after: after.and_then(snapshot),
    })
    .await?;
    Ok(())
}

/// The version an update must carry.
pub(crate) fn required_version(v: Option<i64>) -> Result<i64> {
    v.ok_or_else(|| {
        AppError::invalid(
            "version",
            "is required for an update: send the version you last read",
        )
    })
}
