//! The ledger outside documents: the period lock, manual journals, the trial balance.

use cartwright_core::{
    FieldErrors,
    money::to_scaled,
    page::Page,
    posting::JournalLine,
    user::{Access, Resource},
    validate::{date as parse_date, format_date},
};
use cartwright_store::{ListQuery, Tx};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, audit, company::no_company};

/// The period lock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct PeriodLock {
    /// Nothing may be posted, saved, voided or dated on or before this date (`YYYY-MM-DD`); null when unlocked.
    pub lock_date: Option<String>,
}

/// Body to set the lock: `lock_date` must be present, a date or null (to unlock).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodLockInput {
    /// `YYYY-MM-DD`, or null to unlock.
    #[schema(value_type = Option<String>)]
    #[serde(default, deserialize_with = "present")]
    pub lock_date: Option<Option<String>>,
}

/// Reads a field that is present (even as null) as `Some`, so a missing one stays `None`.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Refuses `date` when it falls on or before the lock date.
pub(crate) async fn check_open(tx: &mut Tx, field: &str, date: &str) -> Result<()> {
    if let Some(lock) = tx.lock_date().await?
        && date <= lock.as_str()
    {
        return Err(AppError::invalid(
            field,
            format!(
                "the books are locked up to and including {lock}; {date} falls in a locked period"
            ),
        ));
    }
    Ok(())
}

/// One line of a manual journal: a debit or a credit in base currency, optionally with its foreign amount.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalLineInput {
    /// Account code.
    pub account: String,
    /// Debit in base currency.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub debit: Option<Decimal>,
    /// Credit in base currency.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub credit: Option<Decimal>,
    /// Foreign currency of the line, if any.
    #[serde(default)]
    pub currency: Option<String>,
    /// Amount in that currency (positive; its side follows debit or credit).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
}

/// Body of a manual journal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it is for.
    #[serde(default)]
    pub memo: Option<String>,
    /// At least two lines; debits equal credits in base currency.
    pub lines: Vec<JournalLineInput>,
}

/// One journal line as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct JournalLineView {
    /// Account code.
    pub account: String,
    /// Debit, base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: Decimal,
    /// Credit, base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
    /// Currency of the source amount.
    pub currency: String,
    /// Source amount, signed (debit positive).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Base per one unit of `currency` (the implied rate for manual lines).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

/// A journal as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct JournalView {
    /// Journal id.
    pub id: i64,
    /// Date.
    pub date: String,
    /// Memo.
    pub memo: String,
    /// The document that posted it, if any.
    pub document_id: Option<i64>,
    /// Lines.
    pub lines: Vec<JournalLineView>,
}

/// One account of the trial balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrialBalanceLine {
    /// Account code.
    pub account: String,
    /// Account name.
    pub name: String,
    /// Account type.
    pub account_type: cartwright_core::account::AccountType,
    /// Debit balance.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: Decimal,
    /// Credit balance.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
}

/// The trial balance at a date, in base currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrialBalance {
    /// Date, inclusive.
    pub as_of: String,
    /// Base currency.
    pub currency: String,
    /// Accounts with a balance, by code.
    pub lines: Vec<TrialBalanceLine>,
    /// Sum of debit balances.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total_debit: Decimal,
    /// Sum of credit balances (always equal to the debits).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total_credit: Decimal,
}

impl TrialBalance {
    /// The trial balance as CSV, with the same figures as the JSON.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("account,name,account_type,debit,credit\n");
        for l in &self.lines {
            let name = if l.name.contains([',', '"']) {
                format!("\"{}\"", l.name.replace('"', "\"\""))
            } else {
                l.name.clone()
            };
            out.push_str(&format!(
                "{},{name},{},{},{}\n",
                l.account,
                l.account_type.as_str(),
                l.debit,
                l.credit
            ));
        }
        out.push_str(&format!(
            "total,,,{},{}\n",
            self.total_debit, self.total_credit
        ));
        out
    }
}

async fn view(tx: &mut Tx, id: i64) -> Result<JournalView> {
    let (date, memo, document_id, lines) = tx
        .journal(id)
        .await?
        .ok_or_else(|| AppError::not_found("journal", id))?;
    let company = tx.company().await?.ok_or_else(no_company)?;
    let bmu = tx
        .minor_units_of(&company.base_currency)
        .await?
        .unwrap_or(2);
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let account = tx
            .account(l.account_id)
            .await?
            .map_or_else(|| l.account_id.to_string(), |a| a.code);
        let mu = tx.minor_units_of(&l.currency).await?.unwrap_or(2);
        let base = Decimal::new(l.base_minor, bmu);
        out.push(JournalLineView {
            account,
            debit: if l.base_minor > 0 {
                base
            } else {
                Decimal::new(0, bmu)
            },
            credit: if l.base_minor < 0 {
                -base
            } else {
                Decimal::new(0, bmu)
            },
            currency: l.currency,
            amount: Decimal::new(l.amount_minor, mu),
            rate: l.rate.normalize(),
        });
    }
    Ok(JournalView {
        id,
        date,
        memo,
        document_id,
        lines: out,
    })
}

impl App {
    /// The lock date.
    pub async fn period_lock(&self, who: &Principal) -> Result<PeriodLock> {
        who.require(Resource::Accounts, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(PeriodLock {
            lock_date: tx.lock_date().await?,
        })
    }

    /// Sets or clears the lock date.
    pub async fn set_period_lock(
        &self,
        who: &Principal,
        input: &PeriodLockInput,
    ) -> Result<PeriodLock> {
        who.require(Resource::Company, Access::Write)?;
        let Some(wanted) = &input.lock_date else {
            return Err(AppError::invalid(
                "lock_date",
                "is required: a date, or null to unlock",
            ));
        };
        let date = match wanted.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => Some(format_date(parse_date("lock_date", d)?)),
            None => None,
        };
        let mut tx = self.store.write().await?;
        tx.company().await?.ok_or_else(no_company)?;
        let before = PeriodLock {
            lock_date: tx.lock_date().await?,
        };
        tx.set_lock_date(date.as_deref()).await?;
        let after = PeriodLock { lock_date: date };
        audit(
            &mut tx,
            who,
            "periods",
            1,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Posts a manual journal: balanced in base currency, dated in an open period.
    pub async fn create_journal(
        &self,
        who: &Principal,
        input: &JournalInput,
    ) -> Result<JournalView> {
        who.require(Resource::Accounts, Access::Write)?;
        let date = format_date(parse_date("date", &input.date)?);
        let memo = cartwright_core::validate::optional_text(
            "memo",
            input.memo.as_deref().unwrap_or(""),
            500,
        )?;
        let mut tx = self.store.write().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        check_open(&mut tx, "date", &date).await?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let mut errs = FieldErrors::default();
        if input.lines.len() < 2 {
            errs.push("lines", "a journal needs at least two lines");
        }
        let mut lines = Vec::with_capacity(input.lines.len());
        for (i, l) in input.lines.iter().enumerate() {
            let f = |n: &str| format!("lines[{i}].{n}");
            let account = match tx.account_by_code(&l.account).await? {
                Some(a) if a.active => Some(a),
                Some(_) => {
                    errs.push(f("account"), format!("account {} is inactive", l.account));
                    None
                }
                None => {
                    errs.push(f("account"), format!("unknown account '{}'", l.account));
                    None
                }
            };
            let signed = match (l.debit, l.credit) {
                (Some(d), None) if d > Decimal::ZERO => Some(d),
                (None, Some(c)) if c > Decimal::ZERO => Some(-c),
                _ => {
                    errs.push(
                        f("debit"),
                        "give either a debit or a credit, greater than zero",
                    );
                    None
                }
            };
            let base_minor = signed.and_then(|v| {
                errs.check(to_scaled(
                    v,
                    bmu,
                    &f(if v > Decimal::ZERO { "debit" } else { "credit" }),
                ))
            });
            let currency = l
                .currency
                .as_deref()
                .map(str::to_ascii_uppercase)
                .unwrap_or_else(|| company.base_currency.clone());
            let (amount_minor, rate) = if currency == company.base_currency {
                (base_minor, Decimal::ONE)
            } else {
                match (tx.minor_units_of(&currency).await?, l.amount) {
                    (None, _) => {
                        errs.push(f("currency"), format!("currency {currency} is not enabled"));
                        (None, Decimal::ONE)
                    }
                    (Some(_), None) => {
                        errs.push(
                            f("amount"),
                            format!("a {currency} line needs its amount in {currency}"),
                        );
                        (None, Decimal::ONE)
                    }
                    (Some(mu), Some(a)) if a > Decimal::ZERO => {
                        let sign = if signed.is_some_and(|v| v < Decimal::ZERO) {
                            -Decimal::ONE
                        } else {
                            Decimal::ONE
                        };
                        let amount = errs.check(to_scaled(a * sign, mu, &f("amount")));
                        let rate = signed.map_or(Decimal::ONE, |v| {
                            cartwright_core::money::round_half_away(v.abs() / a, 6)
                        });
                        (amount, rate)
                    }
                    (Some(_), Some(a)) => {
                        errs.push(f("amount"), format!("must be greater than zero (got {a})"));
                        (None, Decimal::ONE)
                    }
                }
            };
            if let (Some(account), Some(base_minor), Some(amount_minor)) =
                (account, base_minor, amount_minor)
            {
                lines.push(JournalLine {
                    account_id: account.id,
                    base_minor,
                    currency,
                    amount_minor,
                    rate,
                });
            }
        }
        if errs.is_empty() {
            let diff: i64 = lines.iter().map(|l| l.base_minor).sum();
            if diff != 0 {
                errs.push(
                    "lines",
                    format!(
                        "debits and credits differ by {} {}",
                        Decimal::new(diff.abs(), bmu),
                        company.base_currency
                    ),
                );
            }
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let id = tx.insert_journal(None, &date, &memo, None, &lines).await?;
        let out = view(&mut tx, id).await?;
        audit(&mut tx, who, "journals", id, "create", None, Some(&out)).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// One journal (manual or posted by a document).
    pub async fn journal(&self, who: &Principal, id: i64) -> Result<JournalView> {
        who.require(Resource::Accounts, Access::Read)?;
        let mut tx = self.store.read().await?;
        view(&mut tx, id).await
    }

    /// Manual journals, oldest first.
    pub async fn list_journals(&self, who: &Principal, q: &ListQuery) -> Result<Page<JournalView>> {
        who.require(Resource::Accounts, Access::Read)?;
        let mut tx = self.store.read().await?;
        let size = q.fetch_limit() - 1;
        let ids = tx.manual_journal_ids(q.after, size + 1).await?;
        let more = i64::try_from(ids.len()).unwrap_or(0) > size;
        let mut items = Vec::new();
        for id in ids.into_iter().take(usize::try_from(size).unwrap_or(0)) {
            items.push(view(&mut tx, id).await?);
        }
        let next_cursor = if more {
            items.last().map(|j| j.id.to_string())
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// The trial balance at `as_of` (inclusive): every account's balance in base currency.
    pub async fn trial_balance(&self, who: &Principal, as_of: &str) -> Result<TrialBalance> {
        who.require(Resource::Accounts, Access::Read)?;
        let as_of = format_date(parse_date("as_of", as_of)?);
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let mut lines = Vec::new();
        for (account_id, balance) in tx.account_balances_as_of(&as_of).await? {
            if balance == 0 {
                continue;
            }
            let a = tx
                .account(account_id)
                .await?
                .ok_or_else(|| AppError::not_found("account", account_id))?;
            let v = Decimal::new(balance.abs(), bmu);
            let zero = Decimal::new(0, bmu);
            lines.push(TrialBalanceLine {
                account: a.code,
                name: a.name,
                account_type: a.account_type,
                debit: if balance > 0 { v } else { zero },
                credit: if balance < 0 { v } else { zero },
            });
        }
        lines.sort_by(|a, b| a.account.cmp(&b.account));
        let total_debit = lines.iter().map(|l| l.debit).sum::<Decimal>() + Decimal::new(0, bmu);
        let total_credit = lines.iter().map(|l| l.credit).sum::<Decimal>() + Decimal::new(0, bmu);
        Ok(TrialBalance {
            as_of,
            currency: company.base_currency,
            lines,
            total_debit,
            total_credit,
        })
    }
}

/// Body of the year-end close.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearEndInput {
    /// Last day of the year being closed, `YYYY-MM-DD`; the books are locked up to it afterwards.
    pub date: String,
}

/// What the year-end close posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct YearEnd {
    /// Date closed.
    pub date: String,
    /// The closing journal (none when there was nothing to close).
    pub journal_id: Option<i64>,
    /// Profit (positive) or loss moved to retained earnings.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub profit: Decimal,
}

impl App {
    /// Closes the year at `date`: every income and expense balance goes to retained earnings,
    /// and the books are locked up to that date.
    pub async fn close_year(&self, who: &Principal, input: &YearEndInput) -> Result<YearEnd> {
        who.require(Resource::Company, Access::Write)?;
        let date = format_date(parse_date("date", &input.date)?);
        let mut tx = self.store.write().await?;
        check_open(&mut tx, "date", &date).await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let retained = tx
            .role_account("retained_earnings", None)
            .await?
            .ok_or_else(|| AppError::Conflict("no retained earnings account".into()))?;
        let mut lines = Vec::new();
        for (account_id, balance) in tx.account_balances_as_of(&date).await? {
            let a = tx
                .account(account_id)
                .await?
                .ok_or_else(|| AppError::not_found("account", account_id))?;
            if balance != 0 && !a.account_type.is_balance_sheet() {
                lines.push(JournalLine {
                    account_id,
                    base_minor: -balance,
                    currency: company.base_currency.clone(),
                    amount_minor: -balance,
                    rate: Decimal::ONE,
                });
            }
        }
        let moved: i64 = lines.iter().map(|l| l.base_minor).sum();
        let journal_id = if lines.is_empty() {
            None
        } else {
            lines.push(JournalLine {
                account_id: retained,
                base_minor: -moved,
                currency: company.base_currency.clone(),
                amount_minor: -moved,
                rate: Decimal::ONE,
            });
            let id = tx
                .insert_journal(None, &date, "year-end close", None, &lines)
                .await?;
            tx.mark_closing(id).await?;
            Some(id)
        };
        tx.set_lock_date(Some(&date)).await?;
        // Debits to income accounts (closing a credit balance) are profit moved to retained earnings.
        let result = YearEnd {
            date,
            journal_id,
            profit: Decimal::new(moved, bmu),
        };
        audit(&mut tx, who, "periods", 1, "year_end", None, Some(&result)).await?;
        tx.commit().await?;
        Ok(result)
    }
}
