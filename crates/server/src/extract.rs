//! Request extractors that refuse bad input with the house error format.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, header, request::Parts},
};
use cartwright_app::{App, ListQuery, Principal};
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body, read with the path of any bad field and unknown fields refused.
pub struct ApiJson<T>(pub T);

/// Name of the first unknown field in a serde message such as "unknown field `colour`, expected …".
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// Parses `bytes` as JSON into `T`, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request(
                "malformed_json",
                format!("the body is not valid JSON: {message}"),
                None,
            );
        }
        if let Some(name) = unknown_field(&message) {
            // serde_path_to_error's path already ends with the unknown field's name.
            let field = if path == "." || !path.ends_with(name) {
                name.to_owned()
            } else {
                path
            };
            return ApiError::bad_request(
                "unknown_field",
                format!("unknown field '{field}'"),
                Some(field),
            );
        }
        let field = if path == "." {
            // A missing required field is reported at the parent: dig its name out of the message.
            message
                .strip_prefix("missing field `")
                .and_then(|r| r.split('`').next())
                .unwrap_or("body")
                .to_owned()
        } else {
            path
        };
        let message = format!(
            "{field}: {}",
            message.split(" at line ").next().unwrap_or(&message)
        );
        ApiError::invalid(field, message)
    })
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_unreadable",
                format!("the body could not be read: {e}"),
            )
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// An optional JSON body: an empty body reads as `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_unreadable",
                format!("the body could not be read: {e}"),
            )
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        parse_json(&bytes).map(OptionalJson)
    }
}

/// The caller, identified by `Authorization: Bearer <token>`.
pub struct Auth(pub Principal);

impl FromRequestParts<App> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some(header) = header else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing token: send Authorization: Bearer <token> (get one from POST /api/v1/auth/token)",
            ));
        };
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "the Authorization header must be 'Bearer <token>'",
                )
            })?;
        let who = app.authenticate(token).await?;
        // The route's role check runs here, before any body is read.
        if let Some(g) = parts.extensions.get::<crate::Guard>() {
            who.require(g.resource, g.access)?;
        }
        Ok(Self(who))
    }
}

/// A path parameter, refused with a clear message when malformed (e.g. a non-numeric id).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(e) => Err(ApiError::bad_request(
                "bad_path",
                format!("bad path: {}", e.body_text()),
                Some("id".to_owned()),
            )),
        }
    }
}

/// Query parameters of every list endpoint.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Case-insensitive search text.
    pub q: Option<String>,
    /// Only active (`true`) or inactive (`false`) records.
    pub active: Option<bool>,
    /// The collection's own filter (item type, account type, currency, role).
    #[serde(
        alias = "item_type",
        alias = "account_type",
        alias = "currency",
        alias = "role"
    )]
    pub filter: Option<String>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<i64>,
}

/// Query parameters, refused with a clear message when malformed.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(raw).map(Query).map_err(|e| {
            let message = e.to_string();
            let field = unknown_field(&message).map(str::to_owned);
            ApiError::bad_request("bad_query", format!("bad query string: {message}"), field)
        })
    }
}

impl ListParams {
    /// The store's list query, checking cursor and limit.
    pub fn to_query(&self) -> Result<ListQuery, ApiError> {
        let after = match self.cursor.as_deref() {
            None | Some("") => 0,
            Some(c) => c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ApiError::bad_request(
                    "bad_query",
                    format!("cursor '{c}' is not one this API gave out"),
                    Some("cursor".into()),
                )
            })?,
        };
        if let Some(l) = self.limit
            && !(1..=500).contains(&l)
        {
            return Err(ApiError::bad_request(
                "bad_query",
                format!("limit must be between 1 and 500 (got {l})"),
                Some("limit".into()),
            ));
        }
        Ok(ListQuery {
            q: self.q.clone(),
            active: self.active,
            filter: self.filter.clone(),
            after,
            limit: self.limit.unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        code: String,
        n: Option<u32>,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = parse_json::<Body>(br#"{"code":"A","colour":1}"#).unwrap_err();
        assert_eq!(e.field_for_test(), Some("colour"));
        let e = parse_json::<Body>(br#"{"code":"A","n":-1}"#).unwrap_err();
        assert_eq!(e.field_for_test(), Some("n"));
        let e = parse_json::<Body>(br#"{"n":1}"#).unwrap_err();
        assert_eq!(e.field_for_test(), Some("code"));
        let e = parse_json::<Body>(br#"{"code":"#).unwrap_err();
        assert_eq!(e.field_for_test(), None);
    }
}
