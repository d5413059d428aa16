//! One row-reading interface over both engines' row types.

use sqlx::Row;

use crate::StoreError;

/// Typed column access that works the same for SQLite and PostgreSQL rows.
pub(crate) trait DbRow {
    fn i64(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn string(&self, col: &str) -> Result<String, StoreError>;
    fn opt_string(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn bool(&self, col: &str) -> Result<bool, StoreError>;
}

macro_rules! impl_db_row {
    ($t:ty) => {
        impl DbRow for $t {
            fn i64(&self, col: &str) -> Result<i64, StoreError> {
                Ok(self.try_get(col)?)
            }
            fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError> {
                Ok(self.try_get(col)?)
            }
            fn string(&self, col: &str) -> Result<String, StoreError> {
                Ok(self.try_get(col)?)
            }
            fn opt_string(&self, col: &str) -> Result<Option<String>, StoreError> {
                Ok(self.try_get(col)?)
            }
            fn bool(&self, col: &str) -> Result<bool, StoreError> {
                Ok(self.try_get(col)?)
            }
        }
    };
}

impl_db_row!(sqlx::sqlite::SqliteRow);
impl_db_row!(sqlx::postgres::PgRow);

/// Reads a stored enum spelling back, reporting corrupt values by column.
pub(crate) fn parse_enum<T>(
    entity: &'static str,
    column: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::Corrupt {
        entity,
        column,
        detail: format!("unknown value '{value}'"),
    })
}

/// Reads a stored JSON column back.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    entity: &'static str,
    column: &'static str,
    value: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(value).map_err(|e| StoreError::Corrupt {
        entity,
        column,
        detail: e.to_string(),
    })
}

/// Converts a stored non-negative count (minor units digits, days) to `u32`.
pub(crate) fn to_u32(
    entity: &'static str,
    column: &'static str,
    v: i64,
) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt {
        entity,
        column,
        detail: format!("{v} is out of range"),
    })
}
