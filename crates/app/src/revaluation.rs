//! Revaluation of open monetary items at closing rates (unrealised exchange differences).
//!
//! We post the difference at the revaluation date and reverse it on the next day,
//! leaving every open item's carrying amount as it was. Settlement then realises
//! the whole difference from the original carrying amount, so each period's
//! profit is the same as if the revalued amount had been carried forward.

use std::collections::BTreeMap;

use cartwright_core::{
    account::AccountType,
    document::DocType,
    money::round_half_away,
    posting::{JournalLine, reversal},
    user::{Access, Resource},
    validate::{date as parse_date, format_date},
};
use cartwright_store::ListQuery;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, audit, company::no_company, ledger::check_open};

/// Body of `POST /api/v1/revaluations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevaluationInput {
    /// Revaluation date (period end), `YYYY-MM-DD`.
    pub date: String,
    /// Closing rates, base per one foreign unit (default: the rate on the date).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub rates: Option<BTreeMap<String, Decimal>>,
}

/// One revalued amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RevaluedLine {
    /// What was revalued: a document number or a bank account code.
    pub what: String,
    /// Currency.
    pub currency: String,
    /// Open amount in that currency (signed: debit positive).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Closing rate.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    /// Unrealised gain (positive) or loss in base.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub difference: Decimal,
}

/// The result of a revaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Revaluation {
    /// Date.
    pub date: String,
    /// Journal posting the differences (none when there are none).
    pub journal_id: Option<i64>,
    /// Its reversal on the next day.
    pub reversal_journal_id: Option<i64>,
    /// What was revalued.
    pub lines: Vec<RevaluedLine>,
    /// Net unrealised gain (positive) or loss.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub net: Decimal,
}

impl App {
    /// Revalues open receivables, payables and foreign bank balances at `date`.
    pub async fn revalue(&self, who: &Principal, input: &RevaluationInput) -> Result<Revaluation> {
        who.require(Resource::Accounts, Access::Write)?;
        let day = parse_date("date", &input.date)?;
        let date = format_date(day);
        let next = format_date(day.saturating_add(Duration::days(1)));
        let mut tx = self.store.write().await?;
        check_open(&mut tx, "date", &date).await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let mut rates: BTreeMap<String, Decimal> = BTreeMap::new();
        for (c, r) in input.rates.clone().unwrap_or_default() {
            if r <= Decimal::ZERO {
                return Err(AppError::invalid(
                    format!("rates.{c}"),
                    format!("must be greater than zero (got {r})"),
                ));
            }
            rates.insert(c.to_ascii_uppercase(), r);
        }
        let mut out = Vec::new();
        let mut journal: Vec<JournalLine> = Vec::new();
        let base_line = |account_id: i64, base_minor: i64| JournalLine {
            account_id,
            base_minor,
            currency: company.base_currency.clone(),
            amount_minor: base_minor,
            rate: Decimal::ONE,
        };
        let unrealised = tx
            .role_account("fx_unrealised", None)
            .await?
            .ok_or_else(|| AppError::Conflict("no unrealised FX account".into()))?;
        // Open items of every party in a foreign currency.
        for (kind, control_role) in [("customer", "receivable"), ("vendor", "payable")] {
            let control = tx
                .role_account(control_role, None)
                .await?
                .ok_or_else(|| AppError::Conflict(format!("no {control_role} account")))?;
            for party_id in tx.parties_with_open_candidates(kind, &date).await? {
                for id in tx.party_open_candidates(party_id).await? {
                    let Some(d) = tx.document(id).await? else {
                        continue;
                    };
                    if d.date > date || d.currency == company.base_currency {
                        continue;
                    }
                    let rate = match rates.get(&d.currency) {
                        Some(r) => *r,
                        None => {
                            let r = tx.rate_on(&d.currency, &date).await?.ok_or_else(|| {
                                AppError::invalid(
                                    "rates",
                                    format!(
                                        "no {} rate on or before {date}: give one in rates",
                                        d.currency
                                    ),
                                )
                            })?;
                            rates.insert(d.currency.clone(), r.rate);
                            r.rate
                        }
                    };
                    let (total, base, _) = tx.document_totals(id).await?.unwrap_or((0, 0, None));
                    let (ia, ib, sa, sb) = tx.settled_as_of(id, &date).await?;
                    let (res, base_res) = (total - ia - sa, base - ib - sb);
                    if res == 0 {
                        continue;
                    }
                    let mu = tx.minor_units_of(&d.currency).await?.unwrap_or(2);
                    // Debit-side sign on the control account: invoices and customer credits' opposites.
                    let debit_side = matches!(
                        d.doc_type,
                        DocType::SalesInvoice
                            | DocType::CustomerRefund
                            | DocType::VendorPayment
                            | DocType::VendorCredit
                    );
                    let sign = if debit_side { 1 } else { -1 };
                    let new_base = round_half_away(Decimal::new(res, mu) * rate, bmu);
                    let new_base_minor =
                        i64::try_from((new_base * Decimal::from(10_i64.pow(bmu))).round())
                            .unwrap_or(0);
                    let diff = sign * (new_base_minor - base_res);
                    if diff != 0 {
                        journal.push(base_line(control, diff));
                        journal.push(base_line(unrealised, -diff));
                    }
                    out.push(RevaluedLine {
                        what: d.number.clone().unwrap_or_default(),
                        currency: d.currency.clone(),
                        amount: Decimal::new(sign * res, mu),
                        rate,
                        difference: Decimal::new(diff, bmu),
                    });
                }
            }
        }
        // Foreign bank balances.
        let banks = tx
            .list_accounts(&ListQuery {
                filter: Some(AccountType::Bank.as_str().to_owned()),
                limit: 500,
                ..ListQuery::default()
            })
            .await?;
        for bank in banks.items {
            let Some(currency) = bank
                .currency
                .clone()
                .filter(|c| *c != company.base_currency)
            else {
                continue;
            };
            let (foreign, base) = tx
                .account_currency_balance(bank.id, &currency, &date)
                .await?;
            if foreign == 0 && base == 0 {
                continue;
            }
            let rate = match rates.get(&currency) {
                Some(r) => *r,
                None => match tx.rate_on(&currency, &date).await? {
                    Some(r) => r.rate,
                    None => {
                        return Err(AppError::invalid(
                            "rates",
                            format!("no {currency} rate on or before {date}: give one in rates"),
                        ));
                    }
                },
            };
            let mu = tx.minor_units_of(&currency).await?.unwrap_or(2);
            let new_base = round_half_away(Decimal::new(foreign, mu) * rate, bmu);
            let new_base_minor =
                i64::try_from((new_base * Decimal::from(10_i64.pow(bmu))).round()).unwrap_or(0);
            let diff = new_base_minor - base;
            if diff != 0 {
                journal.push(base_line(bank.id, diff));
                journal.push(base_line(unrealised, -diff));
            }
            out.push(RevaluedLine {
                what: bank.code,
                currency,
                amount: Decimal::new(foreign, mu),
                rate,
                difference: Decimal::new(diff, bmu),
            });
        }
        let net: i64 = -journal
            .iter()
            .filter(|l| l.account_id == unrealised)
            .map(|l| l.base_minor)
            .sum::<i64>();
        let (journal_id, reversal_journal_id) = if journal.is_empty() {
            (None, None)
        } else {
            let id = tx
                .insert_journal(None, &date, "revaluation at closing rates", None, &journal)
                .await?;
            let rev = tx
                .insert_journal(
                    None,
                    &next,
                    "reversal of revaluation",
                    Some(id),
                    &reversal(&journal),
                )
                .await?;
            (Some(id), Some(rev))
        };
        let result = Revaluation {
            date,
            journal_id,
            reversal_journal_id,
            lines: out,
            net: Decimal::new(net, bmu),
        };
        audit(
            &mut tx,
            who,
            "revaluations",
            journal_id.unwrap_or(0),
            "create",
            None,
            Some(&result),
        )
        .await?;
        tx.commit().await?;
        Ok(result)
    }
}
