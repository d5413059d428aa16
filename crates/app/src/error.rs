//! Use-case errors: each says what is wrong and, where it can, which field.

use cartwright_core::{FieldError, FieldErrors};
use cartwright_store::StoreError;
use serde::Serialize;

/// One bad row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Column name from the header.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One or more fields are invalid.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The record does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// Entity.
        entity: String,
        /// Key looked up.
        key: String,
    },
    /// A unique value is taken.
    #[error("{message}")]
    Duplicate {
        /// The field holding the duplicate value.
        field: String,
        /// Message naming the value.
        message: String,
    },
    /// The record changed since the caller read it.
    #[error(
        "{entity} {id} was changed by someone else since version {version}; reload it and try again"
    )]
    Stale {
        /// Entity.
        entity: String,
        /// Record id.
        id: i64,
        /// The stale version sent.
        version: i64,
    },
    /// The request conflicts with the state of the system (e.g. no company yet).
    #[error("{0}")]
    Conflict(String),
    /// Missing or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// An import file had bad rows; nothing was stored.
    #[error("{} bad rows; nothing was imported", .0.len())]
    Import(Vec<RowError>),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// A shopping cart failed or refused (network, credentials, its own error).
    #[error("{0}")]
    Upstream(String),
    /// Something that should not happen (no randomness, unwritable key file).
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(FieldError::new(field, message).into())
    }

    /// A record that does not exist.
    pub fn not_found(entity: impl Into<String>, key: impl ToString) -> Self {
        Self::NotFound {
            entity: entity.into(),
            key: key.to_string(),
        }
    }

    /// Maps a unique-constraint refusal on `field` to a duplicate error naming the value.
    pub fn duplicate_or(e: StoreError, entity: &str, field: &str, value: &str) -> Self {
        if e.is_conflict() {
            Self::Duplicate {
                field: field.to_owned(),
                message: format!(
                    "{} {entity} with {field} '{value}' already exists",
                    if entity.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    }
                ),
            }
        } else {
            e.into()
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        Self::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, key } => Self::NotFound {
                entity: entity.to_owned(),
                key,
            },
            StoreError::Stale {
                entity,
                id,
                expected,
            } => Self::Stale {
                entity: entity.to_owned(),
                id,
                version: expected,
            },
            other => Self::Store(other),
        }
    }
}
