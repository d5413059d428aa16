//! Fresh, migrated databases for tests: a temporary SQLite file, or a new
//! PostgreSQL database with a random name on the server named by
//! `CARTWRIGHT_TEST_PG_URL`.

use crate::{Backend, Store};

/// Environment variable naming the PostgreSQL server for tests
/// (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
pub const PG_URL_VAR: &str = "CARTWRIGHT_TEST_PG_URL";

/// Keeps a test database alive; a SQLite file is deleted when this drops.
pub struct TestDb {
    /// The migrated store.
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

/// Whether PostgreSQL tests can run here. In CI (`CI` set) a missing server is an error, not a skip.
pub fn postgres_available() -> bool {
    let set = std::env::var(PG_URL_VAR).is_ok_and(|v| !v.is_empty());
    assert!(
        set || std::env::var("CI").is_err(),
        "{PG_URL_VAR} must be set in CI: the PostgreSQL suite may not be skipped"
    );
    if !set {
        eprintln!("PostgreSQL tests skipped: set {PG_URL_VAR} (the README's test command does)");
    }
    set
}

/// A fresh, migrated database on `backend`.
///
/// # Panics
/// When the database cannot be created: a test cannot go on without it.
#[allow(clippy::expect_used)]
pub async fn fresh(backend: Backend) -> TestDb {
    let db = fresh_unmigrated(backend).await;
    db.store.migrate().await.expect("migrate test database");
    db
}

/// A fresh database on `backend` with no schema yet (for migration tests).
///
/// # Panics
/// When the database cannot be created.
#[allow(clippy::expect_used)]
pub async fn fresh_unmigrated(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let store = Store::open_sqlite(&dir.path().join("test.sqlite"))
                .await
                .expect("open sqlite");
            TestDb {
                store,
                _dir: Some(dir),
            }
        }
        Backend::Postgres => {
            let url = std::env::var(PG_URL_VAR).expect("CARTWRIGHT_TEST_PG_URL");
            let name = format!("cwtest_{}", uuid::Uuid::new_v4().simple());
            let admin = Store::open_postgres(&url)
                .await
                .expect("connect to PostgreSQL");
            admin
                .create_database(&name)
                .await
                .expect("create test database");
            admin.close().await;
            let (base, _) = url
                .rsplit_once('/')
                .expect("PostgreSQL URL with a database name");
            let store = Store::open_postgres(&format!("{base}/{name}"))
                .await
                .expect("open test database");
            TestDb { store, _dir: None }
        }
    }
}
