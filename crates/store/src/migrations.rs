//! Versioned migrations per backend, embedded in the binary (no sqlx `macros`).

use std::borrow::Cow;

use sqlx::{
    AssertSqlSafe, SqlSafeStr,
    migrate::{Migration, MigrationType, Migrator},
};

/// `(version, description, sqlite sql, postgres sql)`; append only, never edit a shipped one.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "master data",
        include_str!("../migrations/sqlite/0001_master_data.sql"),
        include_str!("../migrations/postgres/0001_master_data.sql"),
    ),
    (
        2,
        "users and audit",
        include_str!("../migrations/sqlite/0002_users_audit.sql"),
        include_str!("../migrations/postgres/0002_users_audit.sql"),
    ),
    (
        3,
        "documents, stock and ledger",
        include_str!("../migrations/sqlite/0003_documents.sql"),
        include_str!("../migrations/postgres/0003_documents.sql"),
    ),
    (
        4,
        "conversions",
        include_str!("../migrations/sqlite/0004_conversions.sql"),
        include_str!("../migrations/postgres/0004_conversions.sql"),
    ),
    (
        5,
        "kit and assembly components",
        include_str!("../migrations/sqlite/0005_components.sql"),
        include_str!("../migrations/postgres/0005_components.sql"),
    ),
    (
        6,
        "drop shipping",
        include_str!("../migrations/sqlite/0006_drop_ship.sql"),
        include_str!("../migrations/postgres/0006_drop_ship.sql"),
    ),
    (
        7,
        "landed costs",
        include_str!("../migrations/sqlite/0007_landed_costs.sql"),
        include_str!("../migrations/postgres/0007_landed_costs.sql"),
    ),
    (
        8,
        "period lock",
        include_str!("../migrations/sqlite/0008_period_lock.sql"),
        include_str!("../migrations/postgres/0008_period_lock.sql"),
    ),
    (
        9,
        "payments and allocations",
        include_str!("../migrations/sqlite/0009_payments.sql"),
        include_str!("../migrations/postgres/0009_payments.sql"),
    ),
    (
        10,
        "year-end close",
        include_str!("../migrations/sqlite/0010_year_end.sql"),
        include_str!("../migrations/postgres/0010_year_end.sql"),
    ),
    (
        11,
        "bin transfers",
        include_str!("../migrations/sqlite/0011_bin_transfers.sql"),
        include_str!("../migrations/postgres/0011_bin_transfers.sql"),
    ),
    (
        12,
        "cart connect",
        include_str!("../migrations/sqlite/0012_carts.sql"),
        include_str!("../migrations/postgres/0012_carts.sql"),
    ),
    (
        13,
        "ledger day balances",
        include_str!("../migrations/sqlite/0013_ledger_days.sql"),
        include_str!("../migrations/postgres/0013_ledger_days.sql"),
    ),
];

/// Number of migrations shipped.
pub const MIGRATION_COUNT: usize = MIGRATIONS.len();

fn migrator(pick: impl Fn(&(i64, &str, &'static str, &'static str)) -> &'static str) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|m| {
                Migration::new(
                    m.0,
                    Cow::Borrowed(m.1),
                    MigrationType::Simple,
                    AssertSqlSafe(pick(m)).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

pub(crate) fn sqlite() -> Migrator {
    migrator(|m| m.2)
}

pub(crate) fn postgres() -> Migrator {
    migrator(|m| m.3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_listed_for_both_backends() {
        for backend in ["sqlite", "postgres"] {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/");
            let mut files: Vec<_> = std::fs::read_dir(format!("{dir}{backend}"))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            files.sort();
            assert_eq!(files.len(), MIGRATIONS.len(), "{backend}: {files:?}");
            for (f, m) in files.iter().zip(MIGRATIONS) {
                assert!(f.starts_with(&format!("{:04}_", m.0)), "{backend}: {f}");
            }
        }
    }
}
