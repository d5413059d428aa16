//! Currencies and exchange rates.

use cartwright_core::{
    currency::{Currency, CurrencyInput, ExchangeRate, ExchangeRateInput, ValidExchangeRate},
    money::{RATE_SCALE, to_scaled},
    page::Page,
    user::{Access, Resource},
    validate::format_date,
};
use cartwright_store::{ListQuery, Tx};

use crate::{
    App, AppError, Principal, Result, audit,
    company::{enable_currency, no_company},
    required_version,
};

/// Checks that a rate's currency is enabled and is not the base currency.
async fn check_rate_currency(tx: &mut Tx, v: &ValidExchangeRate) -> Result<()> {
    let company = tx.company().await?.ok_or_else(no_company)?;
    if v.currency.as_str() == company.base_currency {
        return Err(AppError::invalid(
            "currency",
            format!(
                "{} is the base currency; its rate is always 1",
                company.base_currency
            ),
        ));
    }
    if tx.currency(v.currency.as_str()).await?.is_none() {
        return Err(AppError::invalid(
            "currency",
            format!("currency {} is not enabled; add it first", v.currency),
        ));
    }
    Ok(())
}

fn scaled(v: &ValidExchangeRate) -> Result<(i64, Option<i64>)> {
    let rate = to_scaled(v.rate, RATE_SCALE, "rate")?;
    let quoted = v
        .quoted_foreign_per_base
        .map(|q| to_scaled(q, RATE_SCALE, "foreign_per_base"))
        .transpose()?;
    Ok((rate, quoted))
}

impl App {
    /// Enables a currency (minor units from ISO 4217) and opens its bank account.
    pub async fn add_currency(&self, who: &Principal, input: &CurrencyInput) -> Result<Currency> {
        who.require(Resource::Currencies, Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        tx.company().await?.ok_or_else(no_company)?;
        if tx.currency(v.code.as_str()).await?.is_some() {
            return Err(AppError::Duplicate {
                field: "code".to_owned(),
                message: format!("currency {} is already enabled", v.code),
            });
        }
        enable_currency(&mut tx, who, v.code.as_str(), &v.name, v.minor_units, false).await?;
        let c = tx
            .currency(v.code.as_str())
            .await?
            .ok_or_else(|| AppError::not_found("currency", &v.code))?;
        tx.commit().await?;
        Ok(c)
    }

    /// Renames a currency (its code and minor units are fixed by ISO 4217).
    pub async fn update_currency(
        &self,
        who: &Principal,
        code: &str,
        input: &CurrencyInput,
    ) -> Result<Currency> {
        who.require(Resource::Currencies, Access::Write)?;
        let v = input.validate()?;
        if !v.code.as_str().eq_ignore_ascii_case(code) {
            return Err(AppError::invalid("code", "a currency's code cannot change"));
        }
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx
            .currency(v.code.as_str())
            .await?
            .ok_or_else(|| AppError::not_found("currency", code))?;
        let after = tx
            .update_currency(v.code.as_str(), &v.name, version)
            .await?;
        audit(
            &mut tx,
            who,
            "currencies",
            0,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One enabled currency.
    pub async fn currency(&self, who: &Principal, code: &str) -> Result<Currency> {
        who.require(Resource::Currencies, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.currency(&code.to_ascii_uppercase())
            .await?
            .ok_or_else(|| AppError::not_found("currency", code))
    }

    /// Enabled currencies.
    pub async fn list_currencies(&self, who: &Principal, q: &ListQuery) -> Result<Page<Currency>> {
        who.require(Resource::Currencies, Access::Read)?;
        let mut tx = self.store.read().await?;
        let page = tx.list_currencies(q).await?;
        Ok(Page {
            items: page.items.into_iter().map(|(_, c)| c).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Records an exchange rate; one per currency and date.
    pub async fn add_rate(
        &self,
        who: &Principal,
        input: &ExchangeRateInput,
    ) -> Result<ExchangeRate> {
        who.require(Resource::Currencies, Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        check_rate_currency(&mut tx, &v).await?;
        let (rate, quoted) = scaled(&v)?;
        let date = format_date(v.date);
        let r = tx
            .insert_rate(v.currency.as_str(), &date, rate, quoted)
            .await
            .map_err(|e| {
                if e.is_conflict() {
                    AppError::Duplicate {
                        field: "date".to_owned(),
                        message: format!(
                            "a {} rate for {date} already exists; update it instead",
                            v.currency
                        ),
                    }
                } else {
                    e.into()
                }
            })?;
        audit(
            &mut tx,
            who,
            "exchange_rates",
            r.id,
            "create",
            None,
            Some(&r),
        )
        .await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Changes an exchange rate's date or value.
    pub async fn update_rate(
        &self,
        who: &Principal,
        id: i64,
        input: &ExchangeRateInput,
    ) -> Result<ExchangeRate> {
        who.require(Resource::Currencies, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx
            .rate(id)
            .await?
            .ok_or_else(|| AppError::not_found("exchange rate", id))?;
        if before.currency != v.currency.as_str() {
            return Err(AppError::invalid(
                "currency",
                "a rate's currency cannot change; record a new rate instead",
            ));
        }
        let (rate, quoted) = scaled(&v)?;
        let date = format_date(v.date);
        let after = tx
            .update_rate(id, version, &date, rate, quoted)
            .await
            .map_err(|e| {
                if e.is_conflict() {
                    AppError::Duplicate {
                        field: "date".to_owned(),
                        message: format!("a {} rate for {date} already exists", v.currency),
                    }
                } else {
                    e.into()
                }
            })?;
        audit(
            &mut tx,
            who,
            "exchange_rates",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One rate by id.
    pub async fn rate(&self, who: &Principal, id: i64) -> Result<ExchangeRate> {
        who.require(Resource::Currencies, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.rate(id)
            .await?
            .ok_or_else(|| AppError::not_found("exchange rate", id))
    }

    /// The rate on `date`: the latest on or before it, or a clear error when none exists.
    pub async fn rate_on(
        &self,
        who: &Principal,
        currency: &str,
        date: &str,
    ) -> Result<ExchangeRate> {
        who.require(Resource::Currencies, Access::Read)?;
        let code = cartwright_core::currency::CurrencyCode::parse_known("currency", currency)?;
        let d = cartwright_core::validate::date("date", date)?;
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        if code.as_str() == company.base_currency {
            return Err(AppError::invalid(
                "currency",
                format!("{code} is the base currency; its rate is always 1"),
            ));
        }
        tx.rate_on(code.as_str(), &format_date(d))
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "exchange rate".to_owned(),
                key: format!("for {code} on or before {}", format_date(d)),
            })
    }

    /// Rates, paged; `filter` is a currency code.
    pub async fn list_rates(&self, who: &Principal, q: &ListQuery) -> Result<Page<ExchangeRate>> {
        who.require(Resource::Currencies, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_rates(q).await?)
    }
}
