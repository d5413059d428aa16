//! Who is acting: an authenticated user, or the command line.

use cartwright_core::user::{Access, Resource, Role, allows};
use cartwright_store::Actor;

use crate::AppError;

/// The party making a request, with the role that decides what they may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User id, when a user is logged in.
    pub user_id: Option<i64>,
    /// Email or `cli` / `system`.
    pub label: String,
    /// Role.
    pub role: Role,
}

impl Principal {
    /// The operator at the command line: full rights, audited as `cli`.
    pub fn cli() -> Self {
        Self {
            user_id: None,
            label: "cli".to_owned(),
            role: Role::Admin,
        }
    }

    /// Cartwright itself (demo set-up).
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "system".to_owned(),
            role: Role::Admin,
        }
    }

    /// Refuses with 403 unless the role allows `access` to `resource`.
    pub fn require(&self, resource: Resource, access: Access) -> Result<(), AppError> {
        if allows(self.role, resource, access) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "role {} may not {} {resource:?}",
                self.role.as_str(),
                match access {
                    Access::Read => "read",
                    Access::Write => "change",
                }
            )))
        }
    }

    /// The audit-trail actor for this principal.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user_id,
            label: self.label.clone(),
        }
    }
}
