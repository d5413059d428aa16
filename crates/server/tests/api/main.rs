//! The HTTP API, end to end through the router, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod ledger;

mod audit;
mod auth;
mod bad_input;
mod carts;
mod concurrency;
mod conversions;
mod csv;
mod documents;
mod master_data;
mod openapi;
mod payments;
mod reports;

/// Runs each API test once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                super::$name(cartwright_store::Backend::Sqlite).await
            } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                if cartwright_store::testing::postgres_available() {
                    super::$name(cartwright_store::Backend::Postgres).await
                }
            } )*
        }
    };
}
