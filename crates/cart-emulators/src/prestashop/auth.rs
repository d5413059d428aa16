//! Webservice keys and their permissions, and the authentication order of
//! `WebserviceRequest::authenticate` (8.x): empty key 17, wrong length 18, unknown or inactive
//! key 20 followed by 21, all 401 with a `WWW-Authenticate` challenge.

/// Key granted every method on every resource.
pub const FULL_KEY: &str = "CWFULLACCESSKEY00000000000000001";
/// Key granted GET and HEAD only, on every resource.
pub const READ_ONLY_KEY: &str = "CWREADONLYKEY000000000000000002A";
/// Key granted every method on every resource except `customers`.
pub const NO_CUSTOMERS_KEY: &str = "CWNOCUSTOMERSKEY000000000000003B";
/// A key that exists but is not active.
pub const INACTIVE_KEY: &str = "CWINACTIVEKEY0000000000000000004";

/// The challenge PrestaShop sends with every authentication failure.
pub(crate) const REALM: &str = "Basic realm=\"Welcome to PrestaShop Webservice, please enter the authentication key as the login. No password required.\"";

/// Every HTTP method a key can be granted.
pub(crate) const ALL_METHODS: &[&str] = &["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"];

/// What an authenticated key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    Full,
    ReadOnly,
    NoCustomers,
}

impl Grant {
    /// Whether the key may touch `resource` at all.
    pub fn resource(self, resource: &str) -> bool {
        !(self == Grant::NoCustomers && resource == "customers")
    }

    /// Whether the key may use `method` on `resource` (the resource being granted).
    pub fn method(self, method: &str) -> bool {
        match self {
            Grant::ReadOnly => matches!(method, "GET" | "HEAD"),
            Grant::Full | Grant::NoCustomers => true,
        }
    }
}

/// Result of checking a key.
pub(crate) enum Auth {
    Granted(Grant),
    /// 401 with these `(code, message)` errors.
    Refused(Vec<(u32, String)>),
}

/// Checks a (trimmed) key like `WebserviceRequest::authenticate`.
pub(crate) fn check(key: &str) -> Auth {
    let key = key.trim();
    if key.is_empty() {
        return Auth::Refused(vec![(17, "Authentication key is empty".to_owned())]);
    }
    if key.len() != 32 {
        return Auth::Refused(vec![(18, "Invalid authentication key format".to_owned())]);
    }
    match key {
        FULL_KEY => Auth::Granted(Grant::Full),
        READ_ONLY_KEY => Auth::Granted(Grant::ReadOnly),
        NO_CUSTOMERS_KEY => Auth::Granted(Grant::NoCustomers),
        // An unknown key and an inactive one fail the same way in 8.x: `isKeyActive` is falsy,
        // then no permissions are loaded.
        _ => Auth::Refused(vec![
            (20, "Authentification key is not active".to_owned()),
            (21, "No permission for this authentication key".to_owned()),
        ]),
    }
}

/// Decodes standard base64 (for `Authorization: Basic`); `None` on bad input.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.trim().bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The key from an `Authorization: Basic …` header value (the username part).
pub(crate) fn key_from_basic(header: &str) -> Option<String> {
    let rest = header.trim();
    let (scheme, b64) = rest.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = String::from_utf8(base64_decode(b64)?).ok()?;
    let user = raw.split_once(':').map_or(raw.as_str(), |(u, _)| u);
    Some(user.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_32_characters() {
        for k in [FULL_KEY, READ_ONLY_KEY, NO_CUSTOMERS_KEY, INACTIVE_KEY] {
            assert_eq!(k.len(), 32, "{k}");
        }
    }

    #[test]
    fn decodes_basic_username() {
        // "KEY:" in base64.
        assert_eq!(key_from_basic("Basic S0VZOg==").as_deref(), Some("KEY"));
    }
}
