//! What can go wrong talking to a cart, each with a message a seller can act on.

/// A failure talking to a cart or reading what it sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    /// The URL is not usable at all.
    #[error("invalid cart URL '{url}': {detail}")]
    BadUrl {
        /// The URL as entered.
        url: String,
        /// Why it is unusable.
        detail: String,
    },
    /// Nothing answered at the address.
    #[error("address not reachable: {url} ({detail})")]
    Unreachable {
        /// Address tried.
        url: String,
        /// The network error.
        detail: String,
    },
    /// The TLS handshake failed.
    #[error("TLS error talking to {url}: {detail}")]
    Tls {
        /// Address tried.
        url: String,
        /// The TLS error.
        detail: String,
    },
    /// No reply within the time limit.
    #[error("timed out after {secs} s waiting for {what}")]
    Timeout {
        /// What was asked for.
        what: String,
        /// The limit.
        secs: u64,
    },
    /// Something answered, but it is not the expected cart API.
    #[error("not a {cart} webservice at {url}: {detail}")]
    NotACart {
        /// Cart type expected.
        cart: &'static str,
        /// Address tried.
        url: String,
        /// What was seen instead.
        detail: String,
    },
    /// The cart refused the credentials.
    #[error("wrong password: the cart refused the key ({detail})")]
    Auth {
        /// The cart's own message.
        detail: String,
    },
    /// The credentials work but lack a permission.
    #[error("permission missing: the key may not {method} the resource '{resource}'")]
    Permission {
        /// Cart resource.
        resource: String,
        /// HTTP method.
        method: String,
    },
    /// The cart asked us to slow down for longer than we wait.
    #[error("rate limited by the cart for {what}: asked to wait {secs} s")]
    RateLimited {
        /// What was asked for.
        what: String,
        /// Seconds from `Retry-After`.
        secs: u64,
        /// Start of the reply.
        excerpt: String,
    },
    /// The cart answered with an error status.
    #[error("cart answered HTTP {status} for {what}: {message}")]
    Http {
        /// What was asked for.
        what: String,
        /// HTTP status.
        status: u16,
        /// The cart's error message (or the start of the body).
        message: String,
        /// Start of the reply.
        excerpt: String,
    },
    /// The reply could not be read (truncated, wrong shape).
    #[error("malformed reply for {what}: {detail}")]
    Malformed {
        /// What was asked for.
        what: String,
        /// What is wrong with it.
        detail: String,
        /// Start of the reply.
        excerpt: String,
    },
}

impl CartError {
    /// True when trying again later may succeed (timeouts, 5xx, 429, cut-off replies).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::RateLimited { .. } | Self::Malformed { .. } => true,
            Self::Unreachable { .. } => true,
            Self::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The start of the cart's reply, when there was one.
    pub fn excerpt(&self) -> Option<&str> {
        match self {
            Self::RateLimited { excerpt, .. }
            | Self::Http { excerpt, .. }
            | Self::Malformed { excerpt, .. } => Some(excerpt),
            _ => None,
        }
    }
}

/// A record the cart sent that cannot be used, named by record and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{record}: field '{field}': {detail}")]
pub struct RecordError {
    /// E.g. `order 17`.
    pub record: String,
    /// The cart's field name.
    pub field: String,
    /// What is wrong.
    pub detail: String,
}

/// The first `max` characters of a reply, on a character boundary.
pub fn excerpt(body: &str, max: usize) -> String {
    match body.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &body[..i]),
        None => body.to_string(),
    }
}
