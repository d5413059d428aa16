//! Reading PrestaShop's JSON: values are mostly strings, lists may be a bare `[]`,
//! and i18n fields are a string or a list of `{id, value}`.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::{CartError, RecordError, http::body_excerpt};

/// Parses a body as JSON; a cut-off or invalid body is a malformed reply.
pub(crate) fn parse(what: &str, body: &str) -> Result<Value, CartError> {
    serde_json::from_str(body).map_err(|e| CartError::Malformed {
        what: what.to_string(),
        detail: format!("truncated or invalid JSON ({e})"),
        excerpt: body_excerpt(body),
    })
}

/// The records of a list reply: `{"orders":[…]}`, or `[]` for an empty list.
pub(crate) fn list<'a>(
    what: &str,
    v: &'a Value,
    key: &str,
    body: &str,
) -> Result<&'a [Value], CartError> {
    match v {
        Value::Array(a) if a.is_empty() => Ok(&[]),
        Value::Object(o) => match o.get(key) {
            Some(Value::Array(a)) => Ok(a),
            _ => Err(malformed(
                what,
                &format!("no '{key}' list in the reply"),
                body,
            )),
        },
        _ => Err(malformed(what, &format!("expected a '{key}' list"), body)),
    }
}

pub(crate) fn malformed(what: &str, detail: &str, body: &str) -> CartError {
    CartError::Malformed {
        what: what.to_string(),
        detail: detail.to_string(),
        excerpt: body_excerpt(body),
    }
}

/// A field as text: strings as they are, numbers printed, absent or null as "".
pub(crate) fn text(o: &Value, field: &str) -> String {
    match o.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => if *b { "1" } else { "0" }.to_string(),
        Some(Value::Array(a)) => i18n(a),
        _ => String::new(),
    }
}

/// The first language's value of an i18n list.
fn i18n(a: &[Value]) -> String {
    a.iter()
        .find_map(|l| l.get("value").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

/// A flag stored as "0"/"1".
pub(crate) fn flag(o: &Value, field: &str) -> bool {
    matches!(text(o, field).trim(), "1" | "true")
}

/// Reads fields of one record, naming the record in every error.
pub(crate) struct Fields<'a> {
    pub record: String,
    pub v: &'a Value,
}

impl Fields<'_> {
    pub fn err(&self, field: &str, detail: impl Into<String>) -> RecordError {
        RecordError {
            record: self.record.clone(),
            field: field.to_string(),
            detail: detail.into(),
        }
    }

    pub fn text(&self, field: &str) -> String {
        text(self.v, field)
    }

    pub fn required(&self, field: &str) -> Result<String, RecordError> {
        let t = self.text(field);
        if t.trim().is_empty() {
            Err(self.err(field, "is missing"))
        } else {
            Ok(t)
        }
    }

    pub fn decimal(&self, field: &str) -> Result<Decimal, RecordError> {
        let t = self.required(field)?;
        t.trim()
            .parse::<Decimal>()
            .map(|d| d.normalize())
            .map_err(|_| self.err(field, format!("'{t}' is not a number")))
    }

    /// A decimal that may be absent (0).
    pub fn decimal_or_zero(&self, field: &str) -> Result<Decimal, RecordError> {
        if self.text(field).trim().is_empty() {
            Ok(Decimal::ZERO)
        } else {
            self.decimal(field)
        }
    }

    pub fn id(&self, field: &str) -> Result<i64, RecordError> {
        let t = self.required(field)?;
        t.trim()
            .parse::<i64>()
            .map_err(|_| self.err(field, format!("'{t}' is not an id")))
    }
}
