//! `filter[field]=…` semantics of `WebserviceRequest::getSQLRetrieveFilter`, applied in memory
//! the way MySQL would evaluate the generated SQL: numeric columns compare as numbers, text
//! compares case-insensitively, dates compare as shop-local `YYYY-MM-DD HH:MM:SS` strings.

use std::cmp::Ordering;

use super::{money, schema::Kind};

/// A parsed filter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cond {
    /// `[v]` or a bare value: equality.
    Eq(String),
    /// `[a|b|c]`: any of.
    AnyOf(Vec<String>),
    /// `[a,b]` with only digits, `.`, `:`, `-` and spaces: inclusive range, ends sorted.
    Between(String, String),
    /// `%[x]`, `[x]%`, `%[x]%`: SQL LIKE with this pattern.
    Like(String),
    /// `>[v]`: strictly greater.
    Gt(String),
    /// `<[v]`: strictly less.
    Lt(String),
    /// `![a|b]`: different from all.
    NotIn(Vec<String>),
    /// Anything else PrestaShop turns into no SQL at all (matches every row).
    Ignored,
}

fn is_range_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ':' | '-') || c.is_whitespace())
}

/// PHP `sort()` on two strings: numeric strings compare as numbers, others as bytes.
fn php_sort_pair(a: String, b: String) -> (String, String) {
    let order = match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(&b),
    };
    if order == Ordering::Greater {
        (b, a)
    } else {
        (a, b)
    }
}

/// Parses a filter value with the regex `^(.*)\[(.*)\](.*)$` (greedy) of the PHP code.
pub(crate) fn parse(value: &str) -> Cond {
    let Some(close) = value.rfind(']') else {
        return Cond::Eq(value.to_owned());
    };
    let Some(open) = value[..close].rfind('[') else {
        return Cond::Eq(value.to_owned());
    };
    let (m1, m2, m3) = (&value[..open], &value[open + 1..close], &value[close + 1..]);
    if m1 == "%" || m3 == "%" {
        return Cond::Like(format!("{m1}{m2}{m3}"));
    }
    match (m1, m3) {
        ("", "") => {
            if m2.find('|').is_some_and(|p| p > 0) {
                Cond::AnyOf(m2.split('|').map(str::to_owned).collect())
            } else if let Some((a, b)) = m2.split_once(',')
                && is_range_part(a)
                && is_range_part(b)
            {
                let (lo, hi) = php_sort_pair(a.to_owned(), b.to_owned());
                Cond::Between(lo, hi)
            } else {
                Cond::Eq(m2.to_owned())
            }
        }
        (">", _) => Cond::Gt(m2.to_owned()),
        ("<", _) => Cond::Lt(m2.to_owned()),
        ("!", _) => Cond::NotIn(m2.split('|').map(str::to_owned).collect()),
        _ => Cond::Ignored,
    }
}

/// A date-only bound compares as midnight, like MySQL casting `'2026-11-01'` to a DATETIME.
fn date_bound(v: &str) -> String {
    let v = v.trim();
    if v.len() == 10 {
        format!("{v} 00:00:00")
    } else {
        v.to_owned()
    }
}

/// Compares a rendered column value with a filter operand.
pub(crate) fn compare(kind: Kind, column: &str, operand: &str) -> Ordering {
    match kind {
        Kind::Int | Kind::Bool | Kind::Dec(_) => {
            let a = money::parse(column).unwrap_or_default();
            let b = money::parse(operand).unwrap_or_default();
            a.cmp(&b)
        }
        Kind::Date => column.cmp(date_bound(operand).as_str()),
        Kind::Text | Kind::I18n => column
            .to_lowercase()
            .cmp(&operand.trim_end().to_lowercase()),
    }
}

/// SQL LIKE (case-insensitive), with `%` and `_` wildcards.
fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    // dp[j]: pattern[..i] matches text[..j]
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for pc in p {
        let mut next = vec![false; t.len() + 1];
        if pc == '%' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= dp[j];
                next[j] = any;
            }
        } else {
            for j in 1..=t.len() {
                next[j] = dp[j - 1] && (pc == '_' || pc == t[j - 1]);
            }
        }
        dp = next;
    }
    dp[t.len()]
}

/// Whether a rendered column value satisfies the condition.
pub(crate) fn matches(cond: &Cond, kind: Kind, column: &str) -> bool {
    let eq = |v: &str| compare(kind, column, v) == Ordering::Equal;
    match cond {
        Cond::Eq(v) => eq(v),
        Cond::AnyOf(vs) => vs.iter().any(|v| eq(v)),
        Cond::Between(lo, hi) => {
            compare(kind, column, lo) != Ordering::Less
                && compare(kind, column, hi) != Ordering::Greater
        }
        Cond::Like(p) => like(column, p),
        Cond::Gt(v) => compare(kind, column, v) == Ordering::Greater,
        Cond::Lt(v) => compare(kind, column, v) == Ordering::Less,
        Cond::NotIn(vs) => vs.iter().all(|v| !eq(v)),
        Cond::Ignored => true,
    }
}

/// Orders two rendered values of the same column (for `sort`).
pub(crate) fn order(kind: Kind, a: &str, b: &str) -> Ordering {
    match kind {
        Kind::Date => a.cmp(b),
        _ => compare(kind, a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_operator() {
        assert_eq!(parse("[5]"), Cond::Eq("5".into()));
        assert_eq!(parse("5"), Cond::Eq("5".into()));
        assert_eq!(parse("[1|3]"), Cond::AnyOf(vec!["1".into(), "3".into()]));
        assert_eq!(parse("[9,2]"), Cond::Between("2".into(), "9".into()));
        assert_eq!(
            parse("[2026-11-02 10:00:00,2026-11-01 00:00:00]"),
            Cond::Between("2026-11-01 00:00:00".into(), "2026-11-02 10:00:00".into())
        );
        assert_eq!(parse("[Jo]%"), Cond::Like("Jo%".into()));
        assert_eq!(parse("%[hn]"), Cond::Like("%hn".into()));
        assert_eq!(parse("%[oh]%"), Cond::Like("%oh%".into()));
        assert_eq!(parse(">[3]"), Cond::Gt("3".into()));
        assert_eq!(parse("<[3]"), Cond::Lt("3".into()));
        assert_eq!(parse("![1|2]"), Cond::NotIn(vec!["1".into(), "2".into()]));
        assert_eq!(parse("[a,b]"), Cond::Eq("a,b".into()));
    }

    #[test]
    fn compares_like_mysql() {
        assert!(matches(&parse("[JOHN]"), Kind::Text, "John"));
        assert!(matches(&parse("[10]"), Kind::Dec(6), "10.000000"));
        assert!(matches(&parse(">[9]"), Kind::Int, "10"));
        assert!(!matches(&parse(">[10]"), Kind::Int, "10"));
        assert!(matches(&parse("%[oh]%"), Kind::Text, "John"));
        assert!(!matches(&parse("[jo]%"), Kind::Text, "mojo"));
        assert!(matches(
            &parse("[2026-11-01,2026-11-02]"),
            Kind::Date,
            "2026-11-01 23:59:59"
        ));
        assert!(!matches(
            &parse("[2026-11-01,2026-11-02]"),
            Kind::Date,
            "2026-11-02 10:00:00"
        ));
    }
}
