//! Cartwright's storage: one `Store` over SQLite (embedded default) or PostgreSQL.
//!
//! SQL text is shared between the engines where the dialects agree (`$1`
//! placeholders work on both); each backend has its own migrations. Money is
//! stored as integer minor units, quantities and rates as scaled integers, so
//! sums are exact in both engines. Every method runs inside a [`Tx`]: the
//! caller decides what one transaction holds.

mod audit;
mod carts;
mod company;
mod currencies;
mod documents;
mod error;
mod items;
mod ledger;
mod listing;
mod masters;
mod migrations;
mod parties;
mod row;
mod stock;
#[cfg(feature = "test-support")]
pub mod testing;
mod users;

pub use audit::{Actor, AuditEntry, AuditQuery};
pub use carts::{CartOrderRow, CartRow, CartWrite, FailedRow, OutboxRow, RunRow};
pub use cartwright_core::page::Page;
pub use company::CompanyRow;
pub use documents::{AllocationRow, Converted, DocumentHead, DocumentQuery, DocumentRow, LineRow};
pub use error::StoreError;
pub use items::ItemRow;
pub use ledger::EntryRow;
pub use listing::ListQuery;
pub use masters::{AccountRow, PaymentTermsRow, PriceListRow, SiteRow, TaxCodeRow};
pub use migrations::MIGRATION_COUNT;
pub use parties::PartyRow;
pub use stock::{Level, MoveRow, MoveView};
pub use users::{NewUser, UserAuth};

use std::{str::FromStr, time::Duration};

use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// Result of every store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// One database transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx {
    inner: TxInner,
    now: String,
}

/// Runs `$body` with `$c` bound to the transaction's connection, once per backend.
macro_rules! on_conn {
    ($tx:expr, |$c:ident| $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut **t;
                $body
            }
            $crate::TxInner::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_conn;

/// Fetches at most one row and maps it with `$map(&dyn DbRow)`.
macro_rules! fetch_opt {
    ($tx:expr, $q:expr, $map:expr) => {
        $crate::on_conn!($tx, |c| match $q.fetch_optional(&mut *c).await? {
            Some(r) => Some($map(&r as &dyn $crate::row::DbRow)?),
            None => None,
        })
    };
}
pub(crate) use fetch_opt;

/// Fetches every row and maps each with `$map(&dyn DbRow)`.
macro_rules! fetch_all {
    ($tx:expr, $q:expr, $map:expr) => {
        $crate::on_conn!($tx, |c| {
            let rows = $q.fetch_all(&mut *c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push($map(r as &dyn $crate::row::DbRow)?);
            }
            out
        })
    };
}
pub(crate) use fetch_all;

/// Executes a statement and returns the number of rows it touched.
macro_rules! execute {
    ($tx:expr, $q:expr) => {
        $crate::on_conn!($tx, |c| $q.execute(&mut *c).await?.rows_affected())
    };
}
pub(crate) use execute;

/// The current time as stored: RFC 3339, UTC, microseconds.
pub fn now_rfc3339() -> String {
    rfc3339_micros(time::OffsetDateTime::now_utc())
}

/// An instant the way the store writes its clock (RFC 3339, UTC, microseconds), so stored
/// times compare correctly as text.
pub fn rfc3339_micros(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

impl Store {
    /// Opens (creating if missing) a SQLite file in WAL mode.
    pub async fn open_sqlite(path: &std::path::Path) -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Self {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Connects to PostgreSQL at `url` (`postgres://…`).
    pub async fn open_postgres(url: &str) -> Result<Self> {
        let opts = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }

    /// Opens `postgres://…` URLs on PostgreSQL and anything else as a SQLite file path
    /// (a `sqlite://` prefix is accepted and dropped).
    pub async fn open(location: &str) -> Result<Self> {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            Self::open_postgres(location).await
        } else {
            let path = location.strip_prefix("sqlite://").unwrap_or(location);
            Self::open_sqlite(std::path::Path::new(path)).await
        }
    }

    /// The engine this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema to the newest migration, upgrading an older database in place.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_to(i64::MAX).await
    }

    /// Applies migrations up to and including `version` (tests use it to build an old database).
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => migrations::sqlite().run_to(version, p).await?,
            Pool::Postgres(p) => migrations::postgres().run_to(version, p).await?,
        }
        Ok(())
    }

    /// Creates an empty PostgreSQL database named `name` (letters, digits and `_` only).
    pub async fn create_database(&self, name: &str) -> Result<()> {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::Corrupt {
                entity: "database",
                column: "name",
                detail: format!("'{name}' is not a plain identifier"),
            });
        }
        if let Pool::Postgres(p) = &self.pool {
            // The name was checked above to be a plain identifier, so it is safe to splice.
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// Answers whether the database responds.
    pub async fn ping(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
            Pool::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Starts a transaction for reading.
    pub async fn read(&self) -> Result<Tx> {
        self.begin(false).await
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up
    /// front (`BEGIN IMMEDIATE`), so two writers queue instead of failing mid-way.
    pub async fn write(&self) -> Result<Tx> {
        self.begin(true).await
    }

    async fn begin(&self, write: bool) -> Result<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p) if write => TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Sqlite(p) => TxInner::Sqlite(p.begin().await?),
            Pool::Postgres(p) => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx {
            inner,
            now: now_rfc3339(),
        })
    }

    /// Closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Makes every change of this transaction durable.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// The transaction's timestamp, used for every `created_at`/`updated_at` it writes.
    pub fn now(&self) -> &str {
        &self.now
    }

    /// The engine this transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }
}
