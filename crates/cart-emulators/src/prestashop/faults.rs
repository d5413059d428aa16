//! Replies for injected faults: 5xx with a PrestaShop error body, 429 with `Retry-After`, and a
//! web server's HTML 404. `Delay` and `Truncate` are applied around the normal reply by `http`.

use super::{
    Fault,
    dispatch::{self, Format, Reply},
    error::ApiError,
};

/// The reply replacing the normal one, for faults that replace it.
pub(crate) fn replacement(fault: &Fault, fmt: Format) -> Option<Reply> {
    match fault {
        Fault::Status(status) => {
            let e = if *status == 503 {
                ApiError::new(
                    503,
                    22,
                    "The PrestaShop webservice is disabled. Please activate it in the PrestaShop Back Office",
                )
            } else {
                ApiError::new(*status, 3, format!("[PHP Warning #2] Emulated failure (HTTP {status})"))
            };
            Some(dispatch::error_reply(&e, fmt, true))
        }
        Fault::TooManyRequests { retry_after_secs } => Some(Reply {
            status: 429,
            headers: vec![
                ("Retry-After", retry_after_secs.to_string()),
                ("Content-Type", "text/html; charset=utf-8".to_owned()),
            ],
            body: b"<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>\n".to_vec(),
        }),
        Fault::Html404 => Some(dispatch::html_404()),
        Fault::Delay(_) | Fault::Truncate => None,
    }
}
