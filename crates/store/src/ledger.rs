//! Journals and their lines; account balances.

use cartwright_core::posting::{JournalLine, check_balanced};
use rust_decimal::Decimal;

use crate::{Result, StoreError, Tx, execute, fetch_all, fetch_opt, row::DbRow};

/// One stored journal line with its journal's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    /// Journal id.
    pub journal_id: i64,
    /// Journal date.
    pub date: String,
    /// The journal this one reverses, if any.
    pub reverses: Option<i64>,
    /// The line.
    pub line: JournalLine,
}

impl Tx {
    /// Stores a journal; refuses one that does not balance in base currency (the second check
    /// after the posting rules' own).
    pub async fn insert_journal(
        &mut self,
        document_id: Option<i64>,
        date: &str,
        memo: &str,
        reverses: Option<i64>,
        lines: &[JournalLine],
    ) -> Result<i64> {
        check_balanced(lines).map_err(|e| StoreError::Corrupt {
            entity: "journal",
            column: "base_minor",
            detail: e.to_string(),
        })?;
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query("INSERT INTO journals (document_id, journal_date, memo, reverses_journal_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(document_id)
                .bind(date)
                .bind(memo)
                .bind(reverses)
                .bind(&now),
            |r: &dyn DbRow| r.i64("id")
        )
        .ok_or_else(|| StoreError::NotFound { entity: "journal", key: "new".into() })?;
        for chunk in lines.chunks(500) {
            execute!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new("INSERT INTO journal_lines (journal_id, account_id, base_minor, currency, amount_minor, rate_e6) ");
                    qb.push_values(chunk, |mut b, l| {
                        let rate_e6 = i64::try_from((l.rate * Decimal::from(1_000_000)).round()).unwrap_or(0);
                        b.push_bind(id).push_bind(l.account_id).push_bind(l.base_minor).push_bind(&l.currency).push_bind(l.amount_minor).push_bind(rate_e6);
                    });
                    qb
                }
                .build()
            );
        }
        let mut per_account: std::collections::BTreeMap<i64, (i64, i64)> =
            std::collections::BTreeMap::new();
        for l in lines {
            let e = per_account.entry(l.account_id).or_default();
            e.0 += l.base_minor;
            e.1 += 1;
        }
        self.add_to_days(date, false, per_account.into_iter().collect())
            .await?;
        Ok(id)
    }

    /// Adds `(account, base, lines)` to the day balances of `date` (negative to take away).
    async fn add_to_days(
        &mut self,
        date: &str,
        closing: bool,
        rows: Vec<(i64, (i64, i64))>,
    ) -> Result<()> {
        for chunk in rows.chunks(500) {
            execute!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new("INSERT INTO ledger_days (account_id, day, closing, base_minor, lines) ");
                    qb.push_values(chunk, |mut b, (account, (base, n))| {
                        b.push_bind(*account).push_bind(date).push_bind(closing).push_bind(*base).push_bind(*n);
                    });
                    qb.push(
                        " ON CONFLICT (account_id, day, closing) DO UPDATE SET base_minor = ledger_days.base_minor + excluded.base_minor, \
                         lines = ledger_days.lines + excluded.lines",
                    );
                    qb
                }
                .build()
            );
        }
        Ok(())
    }

    /// Every journal line posted for a document, in posting order.
    pub async fn document_entries(&mut self, document_id: i64) -> Result<Vec<EntryRow>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT j.id AS journal_id, j.journal_date, j.reverses_journal_id, l.account_id, l.base_minor, l.currency, l.amount_minor, l.rate_e6
                 FROM journal_lines l JOIN journals j ON j.id = l.journal_id WHERE j.document_id = $1 ORDER BY j.id, l.id"
            )
            .bind(document_id),
            |r: &dyn DbRow| Ok::<_, StoreError>(EntryRow {
                journal_id: r.i64("journal_id")?,
                date: r.string("journal_date")?,
                reverses: r.opt_i64("reverses_journal_id")?,
                line: JournalLine {
                    account_id: r.i64("account_id")?,
                    base_minor: r.i64("base_minor")?,
                    currency: r.string("currency")?,
                    amount_minor: r.i64("amount_minor")?,
                    rate: Decimal::new(r.i64("rate_e6")?, 6),
                },
            })
        ))
    }

    /// Balance of every account with postings, base minor units (debit positive).
    pub async fn account_balances(&mut self) -> Result<Vec<(i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT account_id, CAST(SUM(base_minor) AS BIGINT) AS b FROM ledger_days GROUP BY account_id HAVING SUM(lines) > 0 ORDER BY account_id"
            ),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("account_id")?, r.i64("b")?))
        ))
    }

    /// Balance of every account with postings up to and including `as_of`, base minor units (debit positive).
    pub async fn account_balances_as_of(&mut self, as_of: &str) -> Result<Vec<(i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT account_id, CAST(SUM(base_minor) AS BIGINT) AS b FROM ledger_days
                 WHERE day <= $1 GROUP BY account_id HAVING SUM(lines) > 0 ORDER BY account_id"
            )
            .bind(as_of),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("account_id")?, r.i64("b")?))
        ))
    }

    /// Movement of every account between `from` and `to` inclusive, base minor units (debit positive).
    pub async fn account_movements(&mut self, from: &str, to: &str) -> Result<Vec<(i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT account_id, CAST(SUM(base_minor) AS BIGINT) AS b FROM ledger_days
                 WHERE day >= $1 AND day <= $2 AND closing = FALSE GROUP BY account_id HAVING SUM(lines) > 0 ORDER BY account_id"
            )
            .bind(from)
            .bind(to),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("account_id")?, r.i64("b")?))
        ))
    }

    /// Balance of every account summed straight from the journal lines (checks the day balances).
    pub async fn account_balances_from_lines(&mut self) -> Result<Vec<(i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT account_id, CAST(SUM(base_minor) AS BIGINT) AS b FROM journal_lines GROUP BY account_id ORDER BY account_id"
            ),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("account_id")?, r.i64("b")?))
        ))
    }

    /// Lines of one account between two dates with their journal and document: `(journal id, date, memo, document id, number, base)`.
    pub async fn account_lines(
        &mut self,
        account_id: i64,
        from: &str,
        to: &str,
    ) -> Result<Vec<(i64, String, String, Option<i64>, Option<String>, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT j.id, j.journal_date, j.memo, j.document_id, d.number, l.base_minor FROM journal_lines l JOIN journals j ON j.id = l.journal_id
                 LEFT JOIN documents d ON d.id = j.document_id
                 WHERE l.account_id = $1 AND j.journal_date >= $2 AND j.journal_date <= $3 ORDER BY j.journal_date, j.id, l.id"
            )
            .bind(account_id)
            .bind(from)
            .bind(to),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.i64("id")?,
                r.string("journal_date")?,
                r.string("memo")?,
                r.opt_i64("document_id")?,
                r.opt_string("number")?,
                r.i64("base_minor")?
            ))
        ))
    }

    /// Marks a journal as a year-end closing journal.
    pub async fn mark_closing(&mut self, journal_id: i64) -> Result<()> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT j.journal_date, l.account_id, CAST(SUM(l.base_minor) AS BIGINT) AS b, CAST(COUNT(*) AS BIGINT) AS n
                 FROM journal_lines l JOIN journals j ON j.id = l.journal_id
                 WHERE j.id = $1 AND j.closing = FALSE GROUP BY j.journal_date, l.account_id ORDER BY l.account_id"
            )
            .bind(journal_id),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.string("journal_date")?, r.i64("account_id")?, r.i64("b")?, r.i64("n")?))
        );
        execute!(
            self,
            sqlx::query("UPDATE journals SET closing = TRUE WHERE id = $1").bind(journal_id)
        );
        // Move the journal's amounts from the ordinary to the closing day balances.
        if let Some(date) = rows.first().map(|r| r.0.clone()) {
            let out: Vec<(i64, (i64, i64))> = rows.iter().map(|r| (r.1, (-r.2, -r.3))).collect();
            let into: Vec<(i64, (i64, i64))> = rows.iter().map(|r| (r.1, (r.2, r.3))).collect();
            self.add_to_days(&date, false, out).await?;
            self.add_to_days(&date, true, into).await?;
        }
        Ok(())
    }

    /// Foreign and base balance of an account in `currency` up to and including `as_of`.
    pub async fn account_currency_balance(
        &mut self,
        account_id: i64,
        currency: &str,
        as_of: &str,
    ) -> Result<(i64, i64)> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT CAST(COALESCE(SUM(l.amount_minor), 0) AS BIGINT) AS a, CAST(COALESCE(SUM(l.base_minor), 0) AS BIGINT) AS b
                 FROM journal_lines l JOIN journals j ON j.id = l.journal_id
                 WHERE l.account_id = $1 AND l.currency = $2 AND j.journal_date <= $3"
            )
            .bind(account_id)
            .bind(currency)
            .bind(as_of),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("a")?, r.i64("b")?))
        )
        .unwrap_or((0, 0)))
    }

    /// A journal's date, memo, document and lines.
    pub async fn journal(
        &mut self,
        id: i64,
    ) -> Result<Option<(String, String, Option<i64>, Vec<JournalLine>)>> {
        let head = fetch_opt!(
            self,
            sqlx::query("SELECT journal_date, memo, document_id FROM journals WHERE id = $1")
                .bind(id),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.string("journal_date")?,
                r.string("memo")?,
                r.opt_i64("document_id")?
            ))
        );
        let Some((date, memo, document)) = head else {
            return Ok(None);
        };
        let lines = fetch_all!(
            self,
            sqlx::query("SELECT account_id, base_minor, currency, amount_minor, rate_e6 FROM journal_lines WHERE journal_id = $1 ORDER BY id").bind(id),
            |r: &dyn DbRow| Ok::<_, StoreError>(JournalLine {
                account_id: r.i64("account_id")?,
                base_minor: r.i64("base_minor")?,
                currency: r.string("currency")?,
                amount_minor: r.i64("amount_minor")?,
                rate: Decimal::new(r.i64("rate_e6")?, 6),
            })
        );
        Ok(Some((date, memo, document, lines)))
    }

    /// Ids of manual journals (not made by a document), newest last, after `after`.
    pub async fn manual_journal_ids(&mut self, after: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT id FROM journals WHERE document_id IS NULL AND id > $1 ORDER BY id LIMIT $2"
            )
            .bind(after)
            .bind(limit),
            |r: &dyn DbRow| r.i64("id")
        ))
    }

    /// Whether anything has been posted (the base currency is then fixed).
    pub async fn has_postings(&mut self) -> Result<bool> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM journal_lines LIMIT 1"),
            |r: &dyn DbRow| r.i64("id")
        )
        .is_some())
    }

    /// The id of the system account with `role` (and currency, for banks).
    pub async fn role_account(
        &mut self,
        role: &str,
        currency: Option<&str>,
    ) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM accounts WHERE system_role = $1 AND coalesce(currency, '') = coalesce($2, '')")
                .bind(role)
                .bind(currency),
            |r: &dyn DbRow| r.i64("id")
        ))
    }
}
