//! Filtered, searchable, keyset-paginated listing shared by every collection.

use cartwright_core::page::Page;

/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// What to list: a search text, filters, and where the previous page ended.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Case-insensitive substring searched in the collection's text columns.
    pub q: Option<String>,
    /// Only active (true) or inactive (false) records.
    pub active: Option<bool>,
    /// The collection's own filter: item type, account type, party currency, rate currency.
    pub filter: Option<String>,
    /// Return records after this id (the cursor of the previous page).
    pub after: i64,
    /// Page size, clamped to `1..=MAX_PAGE_SIZE`.
    pub limit: i64,
}

impl ListQuery {
    /// The `LIKE` pattern for `q`, lower-cased, with `%`, `_` and `\` escaped.
    pub(crate) fn pattern(&self) -> Option<String> {
        self.q.as_deref().filter(|q| !q.is_empty()).map(|q| {
            let mut p = String::with_capacity(q.len() + 2);
            p.push('%');
            for ch in q.to_lowercase().chars() {
                if matches!(ch, '%' | '_' | '\\') {
                    p.push('\\');
                }
                p.push(ch);
            }
            p.push('%');
            p
        })
    }

    /// Rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        self.page_size() + 1
    }

    fn page_size(&self) -> i64 {
        if self.limit <= 0 {
            DEFAULT_PAGE_SIZE
        } else {
            self.limit.min(MAX_PAGE_SIZE)
        }
    }
}

/// Cuts the extra row fetched by [`ListQuery::fetch_limit`] and sets the cursor.
pub(crate) fn page_from_rows<T>(
    mut rows: Vec<T>,
    query: &ListQuery,
    id: impl Fn(&T) -> i64,
) -> Page<T> {
    let size = usize::try_from(query.page_size()).unwrap_or(usize::MAX);
    let next_cursor = if rows.len() > size {
        rows.truncate(size);
        rows.last().map(|r| id(r).to_string())
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_escapes_wildcards() {
        let q = ListQuery {
            q: Some("50%_Off".into()),
            ..ListQuery::default()
        };
        assert_eq!(q.pattern().unwrap(), "%50\\%\\_off%");
    }

    #[test]
    fn page_sets_cursor_only_when_more_rows_exist() {
        let q = ListQuery {
            limit: 2,
            ..ListQuery::default()
        };
        let p = page_from_rows(vec![1, 2, 3], &q, |x| *x);
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(p.next_cursor.as_deref(), Some("2"));
        let p = page_from_rows(vec![1, 2], &q, |x| *x);
        assert_eq!(p.next_cursor, None);
    }
}
