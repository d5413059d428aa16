//! Currencies enabled for the company and exchange rates against base.

use cartwright_core::{
    currency::{Currency, ExchangeRate},
    money::{RATE_SCALE, from_scaled},
    page::Page,
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
    row::{DbRow, to_u32},
};

fn currency_from(r: &dyn DbRow) -> Result<(i64, Currency)> {
    Ok((
        r.i64("id")?,
        Currency {
            code: r.string("code")?,
            name: r.string("name")?,
            minor_units: to_u32("currencies", "minor_units", r.i64("minor_units")?)?,
            is_base: r.bool("is_base")?,
            version: r.i64("version")?,
        },
    ))
}

fn rate_from(r: &dyn DbRow) -> Result<ExchangeRate> {
    Ok(ExchangeRate {
        id: r.i64("id")?,
        currency: r.string("currency")?,
        date: r.string("rate_date")?,
        rate: from_scaled(r.i64("rate_e6")?, RATE_SCALE),
        quoted_foreign_per_base: r
            .opt_i64("quoted_foreign_per_base_e6")?
            .map(|q| from_scaled(q, RATE_SCALE).normalize()),
        version: r.i64("version")?,
    })
}

impl Tx {
    /// Enables a currency.
    pub async fn insert_currency(
        &mut self,
        code: &str,
        name: &str,
        minor_units: u32,
        is_base: bool,
    ) -> Result<Currency> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO currencies (code, name, minor_units, is_base, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)"
            )
            .bind(code)
            .bind(name)
            .bind(i64::from(minor_units))
            .bind(is_base)
            .bind(&now)
        );
        self.currency(code)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "currency",
                key: code.to_owned(),
            })
    }

    /// Renames a currency, if `version` is current.
    pub async fn update_currency(
        &mut self,
        code: &str,
        name: &str,
        version: i64,
    ) -> Result<Currency> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query("UPDATE currencies SET name = $1, version = version + 1, updated_at = $2 WHERE code = $3 AND version = $4")
                .bind(name)
                .bind(&now)
                .bind(code)
                .bind(version)
        );
        let current = self.currency(code).await?;
        match current {
            Some(c) if n == 1 => Ok(c),
            Some(_) => Err(StoreError::Stale {
                entity: "currency",
                id: 0,
                expected: version,
            }),
            None => Err(StoreError::NotFound {
                entity: "currency",
                key: code.to_owned(),
            }),
        }
    }

    /// Marks `code` as the base currency and every other currency as foreign.
    pub async fn set_base_currency(&mut self, code: &str) -> Result<()> {
        execute!(
            self,
            sqlx::query("UPDATE currencies SET is_base = (code = $1)").bind(code)
        );
        Ok(())
    }

    /// One enabled currency by code.
    pub async fn currency(&mut self, code: &str) -> Result<Option<Currency>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, minor_units, is_base, version FROM currencies WHERE code = $1").bind(code),
            currency_from
        )
        .map(|(_, c)| c))
    }

    /// Enabled currencies, paged by enabling order.
    pub async fn list_currencies(&mut self, q: &ListQuery) -> Result<Page<(i64, Currency)>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, code, name, minor_units, is_base, version FROM currencies
                 WHERE id > $1 AND ($2 IS NULL OR lower(code) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
                 ORDER BY id LIMIT $3"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(q.fetch_limit()),
            currency_from
        );
        Ok(page_from_rows(rows, q, |(id, _)| *id))
    }

    /// Number of enabled currencies.
    pub async fn count_currencies(&mut self) -> Result<i64> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT COUNT(*) AS n FROM currencies"),
            |r: &dyn DbRow| r.i64("n")
        )
        .unwrap_or(0))
    }

    /// Records a rate; `(currency, date)` is unique.
    pub async fn insert_rate(
        &mut self,
        currency: &str,
        date: &str,
        rate_e6: i64,
        quoted_e6: Option<i64>,
    ) -> Result<ExchangeRate> {
        let now = self.now.clone();
        let row = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO exchange_rates (currency, rate_date, rate_e6, quoted_foreign_per_base_e6, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 RETURNING id, currency, rate_date, rate_e6, quoted_foreign_per_base_e6, version"
            )
            .bind(currency)
            .bind(date)
            .bind(rate_e6)
            .bind(quoted_e6)
            .bind(&now),
            rate_from
        );
        row.ok_or_else(|| StoreError::NotFound {
            entity: "exchange rate",
            key: format!("{currency} {date}"),
        })
    }

    /// Changes a rate's date or value, if `version` is current.
    pub async fn update_rate(
        &mut self,
        id: i64,
        version: i64,
        date: &str,
        rate_e6: i64,
        quoted_e6: Option<i64>,
    ) -> Result<ExchangeRate> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE exchange_rates SET rate_date = $1, rate_e6 = $2, quoted_foreign_per_base_e6 = $3,
                 version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6"
            )
            .bind(date)
            .bind(rate_e6)
            .bind(quoted_e6)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        match self.rate(id).await? {
            Some(r) if n == 1 => Ok(r),
            Some(_) => Err(StoreError::Stale {
                entity: "exchange rate",
                id,
                expected: version,
            }),
            None => Err(StoreError::NotFound {
                entity: "exchange rate",
                key: id.to_string(),
            }),
        }
    }

    /// One rate by id.
    pub async fn rate(&mut self, id: i64) -> Result<Option<ExchangeRate>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT id, currency, rate_date, rate_e6, quoted_foreign_per_base_e6, version FROM exchange_rates WHERE id = $1"
            )
            .bind(id),
            rate_from
        ))
    }

    /// The rate in force on `date`: the latest on or before it.
    pub async fn rate_on(&mut self, currency: &str, date: &str) -> Result<Option<ExchangeRate>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT id, currency, rate_date, rate_e6, quoted_foreign_per_base_e6, version FROM exchange_rates
                 WHERE currency = $1 AND rate_date <= $2 ORDER BY rate_date DESC LIMIT 1"
            )
            .bind(currency)
            .bind(date),
            rate_from
        ))
    }

    /// Rates, paged by id; `filter` is a currency code.
    pub async fn list_rates(&mut self, q: &ListQuery) -> Result<Page<ExchangeRate>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, currency, rate_date, rate_e6, quoted_foreign_per_base_e6, version FROM exchange_rates
                 WHERE id > $1 AND ($2 IS NULL OR currency = $2) ORDER BY id LIMIT $3"
            )
            .bind(q.after)
            .bind(&q.filter)
            .bind(q.fetch_limit()),
            rate_from
        );
        Ok(page_from_rows(rows, q, |r| r.id))
    }

    /// Every rate, oldest date first (for export).
    pub async fn all_rates(&mut self) -> Result<Vec<ExchangeRate>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT id, currency, rate_date, rate_e6, quoted_foreign_per_base_e6, version FROM exchange_rates
                 ORDER BY currency, rate_date"
            ),
            rate_from
        ))
    }

    /// Number of stored rates.
    pub async fn count_rates(&mut self) -> Result<i64> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT COUNT(*) AS n FROM exchange_rates"),
            |r: &dyn DbRow| r.i64("n")
        )
        .unwrap_or(0))
    }
}
