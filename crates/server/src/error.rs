//! The one mapping from errors to HTTP answers: `{"error":{"code","message","field"}}`.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use cartwright_app::AppError;
use serde_json::json;

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    details: Option<serde_json::Value>,
}

impl ApiError {
    /// A 400 for a request the server cannot read.
    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        field: Option<String>,
    ) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            field,
            details: None,
        }
    }

    /// A 422 for a readable request with an invalid value.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            message: message.into(),
            field: Some(field.into()),
            details: None,
        }
    }

    /// Any status with a code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            details: None,
        }
    }
}

impl ApiError {
    /// The field named by this error (tests read it).
    #[cfg(test)]
    pub(crate) fn field_for_test(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::Invalid(errs) => {
                let first = errs.first().cloned();
                Self {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "invalid",
                    message: first
                        .as_ref()
                        .map_or(message, |f| format!("{}: {}", f.field, f.message)),
                    field: first.map(|f| f.field),
                    details: serde_json::to_value(&errs.0).ok(),
                }
            }
            AppError::NotFound { .. } => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            AppError::Duplicate { field, .. } => Self {
                field: Some(field),
                ..Self::new(StatusCode::CONFLICT, "duplicate", message)
            },
            AppError::Stale { .. } => Self {
                field: Some("version".to_owned()),
                ..Self::new(StatusCode::CONFLICT, "stale", message)
            },
            AppError::Conflict(_) => Self::new(StatusCode::CONFLICT, "conflict", message),
            AppError::Unauthorized(_) => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            }
            AppError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "forbidden", message),
            AppError::Import(rows) => Self {
                details: serde_json::to_value(&rows).ok(),
                field: rows.first().map(|r| r.column.clone()),
                message: match rows.first() {
                    Some(r) => format!(
                        "{message}; first: line {} column {}: {}",
                        r.line, r.column, r.message
                    ),
                    None => message,
                },
                ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows", "")
            },
            AppError::Store(err) => {
                tracing::error!(error = %err, "storage failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; see the server log",
                )
            }
            AppError::Upstream(_) => Self::new(StatusCode::BAD_GATEWAY, "cart_error", message),
            AppError::Internal(m) => {
                tracing::error!(error = %m, "internal failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; see the server log",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_client_error() {
            tracing::info!(status = self.status.as_u16(), code = self.code, message = %self.message, "request refused");
        }
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(f) = self.field {
            error["field"] = json!(f);
        }
        if let Some(d) = self.details {
            error["details"] = d;
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}
