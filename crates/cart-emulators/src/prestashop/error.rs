//! Webservice errors: an HTTP status with one or more `(code, message)` pairs, plus the
//! "Did you mean" hint `WebserviceRequest::setErrorDidYouMean` appends.

/// An error reply of the webservice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub errors: Vec<(u32, String)>,
}

impl ApiError {
    /// One error with this status, code and message.
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![(code, message.into())],
        }
    }

    /// An error whose message suggests the closest of `available`.
    pub fn did_you_mean(
        status: u16,
        code: u32,
        label: &str,
        wrong: &str,
        available: &[&str],
    ) -> Self {
        let closest = available
            .iter()
            .min_by_key(|w| levenshtein(wrong, w))
            .copied()
            .unwrap_or("");
        let full = if available.len() > 1 {
            format!(" The full list is: \"{}\"", available.join("\", \""))
        } else {
            String::new()
        };
        ApiError::new(
            status,
            code,
            format!("{label}. Did you mean: \"{closest}\"?{full}"),
        )
    }
}

/// Edit distance between two strings.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let e = ApiError::did_you_mean(
            400,
            27,
            "Resource of type \"ordres\" does not exists",
            "ordres",
            &["orders", "products"],
        );
        assert!(e.errors[0].1.contains("Did you mean: \"orders\"?"));
    }
}
