//! Reports as CSV: every row of a report's `lines` (or `parties`) arrays, with the
//! section it sits in, then one row per total or other figure outside those arrays
//! (`summary`, `summary_value`), so the CSV carries every figure of the JSON.

use axum::{
    Json,
    http::header,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::Value;

use crate::ApiError;

/// Answers `value` as JSON, or as CSV when `format` is `csv`.
pub(crate) fn respond<T: Serialize>(value: &T, format: Option<&str>) -> Result<Response, ApiError> {
    match format {
        None | Some("json") => Ok(Json(value).into_response()),
        Some("csv") => {
            let json = serde_json::to_value(value).map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    e.to_string(),
                )
            })?;
            Ok((
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                to_csv(&json),
            )
                .into_response())
        }
        Some(other) => Err(ApiError::bad_request(
            "bad_query",
            format!("format must be json or csv, not '{other}'"),
            Some("format".into()),
        )),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Collects `(section, row)` for every object in an array called `lines` or `parties`.
fn rows<'a>(
    v: &'a Value,
    section: &str,
    out: &mut Vec<(String, &'a serde_json::Map<String, Value>)>,
) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            match child {
                Value::Array(items) if k == "lines" || k == "parties" => {
                    for item in items {
                        if let Value::Object(row) = item {
                            out.push((section.to_owned(), row));
                        }
                    }
                }
                Value::Object(_) => {
                    let path = if section.is_empty() {
                        k.clone()
                    } else {
                        format!("{section}.{k}")
                    };
                    rows(child, &path, out);
                }
                _ => {}
            }
        }
    }
}

/// Collects `(section, name, figure)` for every amount outside the row arrays: totals,
/// profits, balances (text that is a decimal number; dates, codes and ids are left out).
fn figures(v: &Value, section: &str, out: &mut Vec<(String, String, String)>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            match child {
                Value::String(s)
                    if s.parse::<rust_decimal::Decimal>().is_ok() && s.contains('.') =>
                {
                    out.push((section.to_owned(), k.clone(), s.clone()));
                }
                Value::Object(_) => {
                    let path = if section.is_empty() {
                        k.clone()
                    } else {
                        format!("{section}.{k}")
                    };
                    figures(child, &path, out);
                }
                _ => {}
            }
        }
    }
}

fn cells(row: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in row {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    out.push((
                        format!("{k}[{i}]"),
                        scalar(item).unwrap_or_else(|| item.to_string()),
                    ));
                }
            }
            other => out.push((
                k.clone(),
                scalar(other).unwrap_or_else(|| other.to_string()),
            )),
        }
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV text of a report.
pub(crate) fn to_csv(report: &Value) -> String {
    let mut found = Vec::new();
    rows(report, "", &mut found);
    let mut columns: Vec<String> = Vec::new();
    let table: Vec<(String, Vec<(String, String)>)> =
        found.into_iter().map(|(s, r)| (s, cells(r))).collect();
    for (_, cs) in &table {
        for (k, _) in cs {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let mut summary = Vec::new();
    figures(report, "", &mut summary);
    let with_section =
        table.iter().any(|(s, _)| !s.is_empty()) || summary.iter().any(|(s, _, _)| !s.is_empty());
    let mut out = String::new();
    let mut header: Vec<String> = Vec::new();
    if with_section {
        header.push("section".into());
    }
    header.extend(columns.iter().cloned());
    if !summary.is_empty() {
        header.push("summary".into());
        header.push("summary_value".into());
    }
    out.push_str(
        &header
            .iter()
            .map(|h| quote(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for (section, cs) in &table {
        let mut line: Vec<String> = Vec::new();
        if with_section {
            line.push(quote(section));
        }
        for c in &columns {
            line.push(quote(
                cs.iter()
                    .find(|(k, _)| k == c)
                    .map_or("", |(_, v)| v.as_str()),
            ));
        }
        if !summary.is_empty() {
            line.extend([String::new(), String::new()]);
        }
        out.push_str(&line.join(","));
        out.push('\n');
    }
    for (section, name, value) in &summary {
        let mut line: Vec<String> = Vec::new();
        if with_section {
            line.push(quote(section));
        }
        line.extend(columns.iter().map(|_| String::new()));
        line.push(quote(name));
        line.push(quote(value));
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_arrays_become_columns() {
        let v = serde_json::json!({
            "income": {"lines": [{"account": "4000", "amount": "10.00"}], "total": "10.00"},
            "expenses": {"lines": [{"account": "6000", "amount": "2.50", "name": "Rent, office"}]}
        });
        assert_eq!(
            to_csv(&v),
            "section,account,amount,name,summary,summary_value\nexpenses,6000,2.50,\"Rent, office\",,\nincome,4000,10.00,,,\nincome,,,,total,10.00\n"
        );
        let aged = serde_json::json!({"parties": [{"party": "C1", "buckets": ["1.00", "2.00"]}]});
        assert_eq!(to_csv(&aged), "buckets[0],buckets[1],party\n1.00,2.00,C1\n");
        let nested = serde_json::json!({"net": "1.50", "comparison": {"income": {"lines": [{"amount": "3.00"}]}, "as_of": "2026-01-01"}});
        assert_eq!(
            to_csv(&nested),
            "section,amount,summary,summary_value\ncomparison.income,3.00,,\n,,net,1.50\n"
        );
    }
}
