//! Field checks shared by every record: codes, names, emails, dates.

use time::{Date, macros::format_description};

use crate::error::FieldError;

/// Longest code (SKU, customer code, account code) accepted.
pub const CODE_MAX_LEN: usize = 64;
/// Longest name or short text accepted.
pub const NAME_MAX_LEN: usize = 200;
/// Longest free text (notes, descriptions, addresses lines) accepted.
pub const TEXT_MAX_LEN: usize = 4000;

/// A record code: not blank, no surrounding spaces, no control characters, at most [`CODE_MAX_LEN`] characters.
pub fn code(field: &str, value: &str) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if value.trim() != value {
        return Err(FieldError::new(field, "must not start or end with spaces"));
    }
    let len = value.chars().count();
    if len > CODE_MAX_LEN {
        return Err(FieldError::new(
            field,
            format!("is {len} characters long; at most {CODE_MAX_LEN} are allowed"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// A required short text of at most `max` characters, trimmed.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    optional_text(field, v, max)
}

/// An optional text of at most `max` characters, trimmed; blank becomes empty.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    let len = v.chars().count();
    if len > max {
        return Err(FieldError::new(
            field,
            format!("is {len} characters long; at most {max} are allowed"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_owned())
}

/// An email address: blank is allowed; otherwise one `@` with text on both sides and a dot in the domain.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let v = optional_text(field, value, NAME_MAX_LEN)?;
    if v.is_empty() {
        return Ok(v);
    }
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            format!("'{v}' is not an email address"),
        ))
    }
}

/// A calendar date written `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> Result<Date, FieldError> {
    Date::parse(value, format_description!("[year]-[month]-[day]")).map_err(|_| {
        FieldError::new(
            field,
            format!("'{value}' is not a date in the form YYYY-MM-DD"),
        )
    })
}

/// Formats a date as `YYYY-MM-DD`, the form stored and sent everywhere.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_rules() {
        assert_eq!(code("code", "ABC-1").unwrap(), "ABC-1");
        assert_eq!(code("code", "").unwrap_err().message, "is required");
        assert!(code("code", " A").is_err());
        let long = "X".repeat(65);
        let e = code("code", &long).unwrap_err();
        assert_eq!(e.field, "code");
        assert!(e.message.contains("65 characters"));
        assert!(code("code", "A\u{7}").is_err());
    }

    #[test]
    fn emails() {
        assert!(email("email", "a@b.com").is_ok());
        assert!(email("email", "").is_ok());
        for bad in ["a", "a@b", "@b.com", "a@b.com.", "a b@c.com", "a@@b.com"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_round_trip() {
        let d = date("date", "2026-02-28").unwrap();
        assert_eq!(format_date(d), "2026-02-28");
        assert!(date("date", "2026-02-30").is_err());
        assert!(date("date", "28/02/2026").is_err());
    }
}
