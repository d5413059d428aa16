//! The query string as PHP sees it (`$_GET`: last value of a key wins) and the parsing of the
//! list parameters `display`, `filter[…]`, `sort` and `limit` (codes 35–39 are decided by the
//! caller, which knows the resource).

/// Decoded query pairs in arrival order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw (percent-encoded) query string.
    pub fn parse(raw: &str) -> Self {
        Query {
            pairs: form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The last value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` is present (even empty), like `array_key_exists($key, $_GET)`.
    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// `filter[field]=value` pairs: one per field, in first-seen order, last value winning.
    pub fn filters(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.pairs {
            let Some(field) = k.strip_prefix("filter[") else {
                continue;
            };
            let field = field.strip_suffix(']').unwrap_or(field).to_owned();
            match out.iter_mut().find(|(f, _)| *f == field) {
                Some(slot) => slot.1 = v.clone(),
                None => out.push((field, v.clone())),
            }
        }
        out
    }

    /// The decoded query re-joined as `k=v&k2=v2`, for the request log.
    pub fn decoded(&self) -> String {
        self.pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Which fields to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Display {
    /// Ids only (a list without `display`).
    Minimum,
    /// Every field and association.
    Full,
    /// Named fields; an association name comes with its sub-fields.
    Fields(Vec<(String, Option<Vec<String>>)>),
}

impl Display {
    /// Whether a plain field is to be rendered.
    pub fn shows(&self, field: &str) -> bool {
        match self {
            Display::Full => true,
            Display::Minimum => field == "id",
            Display::Fields(fs) => fs.iter().any(|(n, sub)| n == field && sub.is_none()),
        }
    }

    /// Sub-fields of an association to render (`None`: not rendered; empty: all of them).
    pub fn assoc_fields(&self, assoc: &str) -> Option<Vec<String>> {
        match self {
            Display::Full => Some(Vec::new()),
            Display::Minimum => None,
            Display::Fields(fs) => fs
                .iter()
                .find(|(n, sub)| n == assoc && sub.is_some())
                .and_then(|(_, sub)| sub.clone()),
        }
    }
}

/// Parses `display` like `WebserviceRequest::setFieldsToDisplay`: `full`, `minimum`, or
/// `[f1,assoc[a,b],f2]`. `Err` means bad syntax (code 36).
pub(crate) fn parse_display(raw: &str) -> Result<Display, ()> {
    match raw {
        "full" => return Ok(Display::Full),
        "minimum" => return Ok(Display::Minimum),
        _ => {}
    }
    let inner = raw
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or(())?;
    let mut parts = Vec::new();
    let mut level = 0_i32;
    let mut cur = String::new();
    for c in inner.chars() {
        if c == ',' && level == 0 {
            parts.push(std::mem::take(&mut cur));
            continue;
        }
        cur.push(c);
        match c {
            '[' => level += 1,
            ']' => level -= 1,
            _ => {}
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    let mut fields: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for part in parts {
        let (name, sub) = match part.find('[') {
            Some(open) => {
                let body = part[open + 1..]
                    .strip_suffix(']')
                    .unwrap_or(&part[open + 1..]);
                let subs: Vec<String> = body.split(',').map(|s| s.trim().to_owned()).collect();
                (part[..open].trim().to_owned(), Some(subs))
            }
            None => (part.trim().to_owned(), None),
        };
        match fields.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                if let Some(sub) = sub {
                    existing.get_or_insert_with(Vec::new).extend(sub);
                }
            }
            None => fields.push((name, sub)),
        }
    }
    Ok(Display::Fields(fields))
}

/// One `sort` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub field: String,
    pub descending: bool,
}

/// Parses `sort` (`[a_ASC,b_DESC]` or `a_DESC`); `Err` is bad syntax (code 37).
pub(crate) fn parse_sort(raw: &str) -> Result<Vec<SortKey>, ()> {
    let list = raw
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(raw);
    list.split(',')
        .map(|item| {
            let (field, dir) = item.rsplit_once('_').ok_or(())?;
            let descending = match dir.to_ascii_uppercase().as_str() {
                "ASC" => false,
                "DESC" => true,
                _ => return Err(()),
            };
            Ok(SortKey {
                field: field.to_owned(),
                descending,
            })
        })
        .collect()
}

/// Parses `limit` (`count` or `offset,count`) into (offset, count); `Err` for more than two
/// parts (code 39). Non-numbers become 0 like PHP's `(int)`.
pub(crate) fn parse_limit(raw: &str) -> Result<(usize, Option<usize>), ()> {
    let parts: Vec<&str> = raw.split(',').collect();
    let num = |s: &str| -> usize {
        let digits: String = s.trim().chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or(0)
    };
    match parts.as_slice() {
        [count] => Ok((0, Some(num(count)))),
        [offset, count] => Ok((num(offset), Some(num(count)))),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_display_with_associations() {
        let d = parse_display("[id,order_rows[product_id,product_quantity],reference]").unwrap();
        assert!(d.shows("id"));
        assert!(d.shows("reference"));
        assert!(!d.shows("order_rows"));
        assert_eq!(
            d.assoc_fields("order_rows"),
            Some(vec!["product_id".to_owned(), "product_quantity".to_owned()])
        );
        assert!(parse_display("id,reference").is_err());
    }

    #[test]
    fn parses_sort_and_limit() {
        let s = parse_sort("[date_upd_ASC,id_DESC]").unwrap();
        assert_eq!(s[0].field, "date_upd");
        assert!(s[1].descending);
        assert!(parse_sort("id").is_err());
        assert_eq!(parse_limit("10,5"), Ok((10, Some(5))));
        assert_eq!(parse_limit("5"), Ok((0, Some(5))));
        assert!(parse_limit("1,2,3").is_err());
    }

    #[test]
    fn last_filter_value_wins() {
        let q = Query::parse("filter%5Bid%5D=%5B1%5D&filter[id]=[2]&display=full");
        assert_eq!(q.filters(), vec![("id".to_owned(), "[2]".to_owned())]);
        assert!(q.has("display"));
    }
}
