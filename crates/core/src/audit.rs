//! The audit trail: who changed what, when, with the values before and after.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One write, as recorded in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    /// Entry id (increasing).
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The user who made the change; absent for system and command-line work.
    pub user_id: Option<i64>,
    /// Who: the user's email, or `cli`/`system`.
    pub actor: String,
    /// Entity (collection) name, e.g. `items`.
    pub entity: String,
    /// Id of the record changed.
    pub entity_id: Option<i64>,
    /// `create`, `update`, `import`, `delete`, `login`, …
    pub action: String,
    /// The record before the change (absent on create).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The record after the change (absent on delete).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}
