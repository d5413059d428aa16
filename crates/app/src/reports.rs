//! Profit and loss for a period and the balance sheet at a date, from the ledger.

use cartwright_core::{
    account::AccountType,
    user::{Access, Resource},
    validate::{date as parse_date, format_date},
};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, company::no_company};

/// One account's figure in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportLine {
    /// Account code.
    pub account: String,
    /// Account name.
    pub name: String,
    /// Amount, base currency, shown positive on its natural side (income as credit, costs as debit).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// A group of report lines and their total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportSection {
    /// Lines, by account code.
    pub lines: Vec<ReportLine>,
    /// Sum of the lines.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
}

/// Profit and loss for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProfitAndLoss {
    /// First day, inclusive.
    pub from: String,
    /// Last day, inclusive.
    pub to: String,
    /// Base currency.
    pub currency: String,
    /// Sales income.
    pub income: ReportSection,
    /// Cost of goods sold (and stock adjustments, price variance).
    pub cost_of_sales: ReportSection,
    /// Income minus cost of sales.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub gross_profit: Decimal,
    /// Other income (FX gains, net of losses).
    pub other_income: ReportSection,
    /// Operating expenses.
    pub expenses: ReportSection,
    /// Gross profit plus other income minus expenses.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub net_profit: Decimal,
    /// The same report for the comparison period, when one was asked for.
    #[schema(no_recursion, value_type = Option<Object>)]
    pub comparison: Option<Box<ProfitAndLoss>>,
}

/// The balance sheet at a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BalanceSheet {
    /// Date, inclusive.
    pub as_of: String,
    /// Base currency.
    pub currency: String,
    /// Assets (debit balances positive).
    pub assets: ReportSection,
    /// Liabilities (credit balances positive).
    pub liabilities: ReportSection,
    /// Equity accounts (credit balances positive).
    pub equity: ReportSection,
    /// Profit not yet closed into retained earnings.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub current_earnings: Decimal,
    /// Liabilities plus equity plus current earnings (equals assets).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total_liabilities_and_equity: Decimal,
}

fn section(lines: Vec<ReportLine>, zero: Decimal) -> ReportSection {
    let total = lines.iter().map(|l| l.amount).sum::<Decimal>() + zero;
    ReportSection { lines, total }
}

impl App {
    async fn grouped(
        &self,
        movements: Vec<(i64, i64)>,
        bmu: u32,
    ) -> Result<Vec<(AccountType, ReportLine, i64)>> {
        let mut tx = self.store.read().await?;
        let mut out = Vec::with_capacity(movements.len());
        for (account_id, minor) in movements {
            if minor == 0 {
                continue;
            }
            let a = tx
                .account(account_id)
                .await?
                .ok_or_else(|| AppError::not_found("account", account_id))?;
            out.push((
                a.account_type,
                ReportLine {
                    account: a.code,
                    name: a.name,
                    amount: Decimal::new(minor, bmu),
                },
                minor,
            ));
        }
        out.sort_by(|a, b| a.1.account.cmp(&b.1.account));
        Ok(out)
    }

    /// Profit and loss between `from` and `to`, inclusive.
    pub async fn profit_and_loss(
        &self,
        who: &Principal,
        from: &str,
        to: &str,
    ) -> Result<ProfitAndLoss> {
        who.require(Resource::Accounts, Access::Read)?;
        let (from, to) = (
            format_date(parse_date("from", from)?),
            format_date(parse_date("to", to)?),
        );
        if from > to {
            return Err(AppError::invalid(
                "from",
                format!("the period starts ({from}) after it ends ({to})"),
            ));
        }
        let (currency, bmu, movements) = {
            let mut tx = self.store.read().await?;
            let company = tx.company().await?.ok_or_else(no_company)?;
            let bmu = tx
                .minor_units_of(&company.base_currency)
                .await?
                .unwrap_or(2);
            (
                company.base_currency,
                bmu,
                tx.account_movements(&from, &to).await?,
            )
        };
        let zero = Decimal::new(0, bmu);
        let rows = self.grouped(movements, bmu).await?;
        let pick = |types: &[AccountType], credit_positive: bool| {
            rows.iter()
                .filter(|(t, _, _)| types.contains(t))
                .map(|(_, l, _)| ReportLine {
                    amount: if credit_positive { -l.amount } else { l.amount },
                    ..l.clone()
                })
                .collect::<Vec<_>>()
        };
        let income = section(pick(&[AccountType::Income], true), zero);
        let cost_of_sales = section(pick(&[AccountType::CostOfSales], false), zero);
        let other_income = section(pick(&[AccountType::OtherIncome], true), zero);
        let expenses = section(pick(&[AccountType::Expense], false), zero);
        let gross_profit = income.total - cost_of_sales.total;
        let net_profit = gross_profit + other_income.total - expenses.total;
        Ok(ProfitAndLoss {
            from,
            to,
            currency,
            income,
            cost_of_sales,
            gross_profit,
            other_income,
            expenses,
            net_profit,
            comparison: None,
        })
    }

    /// Profit and loss for a period beside a comparison period.
    pub async fn profit_and_loss_compared(
        &self,
        who: &Principal,
        from: &str,
        to: &str,
        compare_from: &str,
        compare_to: &str,
    ) -> Result<ProfitAndLoss> {
        let mut pl = self.profit_and_loss(who, from, to).await?;
        let other = self
            .profit_and_loss(who, compare_from, compare_to)
            .await
            .map_err(|e| match e {
                AppError::Invalid(errs) => AppError::Invalid(cartwright_core::FieldErrors(
                    errs.0
                        .into_iter()
                        .map(|f| {
                            cartwright_core::FieldError::new(
                                format!("compare_{}", f.field),
                                f.message,
                            )
                        })
                        .collect(),
                )),
                other => other,
            })?;
        pl.comparison = Some(Box::new(other));
        Ok(pl)
    }

    /// The balance sheet at `as_of`, inclusive.
    pub async fn balance_sheet(&self, who: &Principal, as_of: &str) -> Result<BalanceSheet> {
        who.require(Resource::Accounts, Access::Read)?;
        let as_of = format_date(parse_date("as_of", as_of)?);
        let (currency, bmu, balances) = {
            let mut tx = self.store.read().await?;
            let company = tx.company().await?.ok_or_else(no_company)?;
            let bmu = tx
                .minor_units_of(&company.base_currency)
                .await?
                .unwrap_or(2);
            (
                company.base_currency,
                bmu,
                tx.account_balances_as_of(&as_of).await?,
            )
        };
        let zero = Decimal::new(0, bmu);
        let rows = self.grouped(balances, bmu).await?;
        let is_asset = |t: AccountType| {
            matches!(
                t,
                AccountType::Bank
                    | AccountType::Receivable
                    | AccountType::Stock
                    | AccountType::CurrentAsset
                    | AccountType::FixedAsset
            )
        };
        let is_liability =
            |t: AccountType| matches!(t, AccountType::Payable | AccountType::CurrentLiability);
        let assets = section(
            rows.iter()
                .filter(|r| is_asset(r.0))
                .map(|r| r.1.clone())
                .collect(),
            zero,
        );
        let liabilities = section(
            rows.iter()
                .filter(|r| is_liability(r.0))
                .map(|r| ReportLine {
                    amount: -r.1.amount,
                    ..r.1.clone()
                })
                .collect(),
            zero,
        );
        let equity = section(
            rows.iter()
                .filter(|r| r.0 == AccountType::Equity)
                .map(|r| ReportLine {
                    amount: -r.1.amount,
                    ..r.1.clone()
                })
                .collect(),
            zero,
        );
        let current_earnings = -rows
            .iter()
            .filter(|r| !r.0.is_balance_sheet())
            .map(|r| r.1.amount)
            .sum::<Decimal>()
            + zero;
        let total_liabilities_and_equity = liabilities.total + equity.total + current_earnings;
        Ok(BalanceSheet {
            as_of,
            currency,
            assets,
            liabilities,
            equity,
            current_earnings,
            total_liabilities_and_equity,
        })
    }
}

/// Stock value of one item at one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ValuationLine {
    /// Item code.
    pub item: String,
    /// Site code.
    pub site: String,
    /// Quantity on hand.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// Value at cost, base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

/// Stock valuation at a date, with the stock account beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StockValuation {
    /// Date, inclusive.
    pub as_of: String,
    /// Per item and site.
    pub lines: Vec<ValuationLine>,
    /// Sum of the values.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Balance of the stock account at the same date (always equal to `total`).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub stock_account: Decimal,
}

/// One line of the general ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LedgerLine {
    /// Posting date.
    pub date: String,
    /// Journal id.
    pub journal_id: i64,
    /// Source document id (none for manual journals).
    pub document_id: Option<i64>,
    /// Source document number.
    pub number: Option<String>,
    /// Journal memo.
    pub memo: String,
    /// Debit.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub debit: Decimal,
    /// Credit.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub credit: Decimal,
    /// Running balance (debit positive).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub balance: Decimal,
}

/// General-ledger detail of one account for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct GeneralLedger {
    /// Account code.
    pub account: String,
    /// Account name.
    pub name: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Balance before `from` (debit positive).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub opening: Decimal,
    /// Lines in date order.
    pub lines: Vec<LedgerLine>,
    /// Balance at `to`.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub closing: Decimal,
}

impl App {
    /// Stock value per item and site at `as_of`, beside the stock account's balance.
    pub async fn stock_valuation(&self, who: &Principal, as_of: &str) -> Result<StockValuation> {
        who.require(Resource::Accounts, Access::Read)?;
        let as_of = format_date(parse_date("as_of", as_of)?);
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let mut lines = Vec::new();
        let mut total = 0;
        for (item_id, site_id, q, v) in tx.valuation(&as_of).await? {
            if q == 0 && v == 0 {
                continue;
            }
            total += v;
            let item = tx
                .item(item_id)
                .await?
                .map_or_else(|| item_id.to_string(), |i| i.code);
            let site = tx
                .site(site_id)
                .await?
                .map_or_else(|| site_id.to_string(), |s| s.code);
            lines.push(ValuationLine {
                item,
                site,
                quantity: cartwright_core::money::from_scaled(
                    q,
                    cartwright_core::money::QUANTITY_SCALE,
                )
                .normalize(),
                value: Decimal::new(v, bmu),
            });
        }
        let stock = tx.role_account("stock", None).await?.unwrap_or_default();
        let account = tx
            .account_balances_as_of(&as_of)
            .await?
            .into_iter()
            .find(|(a, _)| *a == stock)
            .map_or(0, |b| b.1);
        Ok(StockValuation {
            as_of,
            lines,
            total: Decimal::new(total, bmu),
            stock_account: Decimal::new(account, bmu),
        })
    }

    /// Every posting to one account between two dates, with a running balance.
    pub async fn general_ledger(
        &self,
        who: &Principal,
        account: &str,
        from: &str,
        to: &str,
    ) -> Result<GeneralLedger> {
        who.require(Resource::Accounts, Access::Read)?;
        let (from_d, to) = (
            parse_date("from", from)?,
            format_date(parse_date("to", to)?),
        );
        let from = format_date(from_d);
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let a = tx
            .account_by_code(account)
            .await?
            .ok_or_else(|| AppError::invalid("account", format!("unknown account '{account}'")))?;
        let before = format_date(from_d.saturating_sub(time::Duration::days(1)));
        let opening = tx
            .account_balances_as_of(&before)
            .await?
            .into_iter()
            .find(|(id, _)| *id == a.id)
            .map_or(0, |b| b.1);
        let mut balance = opening;
        let zero = Decimal::new(0, bmu);
        let mut lines = Vec::new();
        for (journal_id, date, memo, document_id, number, base) in
            tx.account_lines(a.id, &from, &to).await?
        {
            balance += base;
            lines.push(LedgerLine {
                date,
                journal_id,
                document_id,
                number,
                memo,
                debit: if base > 0 {
                    Decimal::new(base, bmu)
                } else {
                    zero
                },
                credit: if base < 0 {
                    Decimal::new(-base, bmu)
                } else {
                    zero
                },
                balance: Decimal::new(balance, bmu),
            });
        }
        Ok(GeneralLedger {
            account: a.code,
            name: a.name,
            from,
            to,
            opening: Decimal::new(opening, bmu),
            lines,
            closing: Decimal::new(balance, bmu),
        })
    }
}

/// Exchange gains and losses of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FxGainsLosses {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Realised on settlement: gain positive, loss negative.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub realised: Decimal,
    /// Unrealised from revaluations (and their reversals): gain positive.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub unrealised: Decimal,
    /// Both together.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
}

impl App {
    /// Realised and unrealised exchange gains and losses between two dates.
    pub async fn fx_gains_losses(
        &self,
        who: &Principal,
        from: &str,
        to: &str,
    ) -> Result<FxGainsLosses> {
        who.require(Resource::Accounts, Access::Read)?;
        let (from, to) = (
            format_date(parse_date("from", from)?),
            format_date(parse_date("to", to)?),
        );
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let movements = tx.account_movements(&from, &to).await?;
        let of = |id: Option<i64>| {
            id.and_then(|id| movements.iter().find(|(a, _)| *a == id))
                .map_or(0, |m| -m.1)
        };
        let realised = of(tx.role_account("fx_realised", None).await?);
        let unrealised = of(tx.role_account("fx_unrealised", None).await?);
        Ok(FxGainsLosses {
            from,
            to,
            realised: Decimal::new(realised, bmu),
            unrealised: Decimal::new(unrealised, bmu),
            total: Decimal::new(realised + unrealised, bmu),
        })
    }
}
