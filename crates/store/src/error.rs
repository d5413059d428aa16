//! Storage errors, typed so the edges can map them to the right answer.

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No record with that key.
    #[error("{entity} {key} not found")]
    NotFound {
        /// Table or entity name.
        entity: &'static str,
        /// The key looked up.
        key: String,
    },
    /// A unique constraint refused the write.
    #[error("duplicate value refused by {constraint}")]
    Conflict {
        /// Name of the constraint or the engine's message.
        constraint: String,
    },
    /// The record changed since the version the caller read.
    #[error("{entity} {id} was changed by someone else (version {expected} is stale)")]
    Stale {
        /// Entity name.
        entity: &'static str,
        /// Record id.
        id: i64,
        /// The version the caller sent.
        expected: i64,
    },
    /// A stored value could not be read back (corrupt or hand-edited data).
    #[error("stored {entity}.{column} is invalid: {detail}")]
    Corrupt {
        /// Entity name.
        entity: &'static str,
        /// Column.
        column: &'static str,
        /// What was found.
        detail: String,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return Self::Conflict {
                constraint: db
                    .constraint()
                    .map_or_else(|| db.message().to_owned(), str::to_owned),
            };
        }
        Self::Db(e)
    }
}

impl StoreError {
    /// True when a unique constraint refused the write.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }
}
