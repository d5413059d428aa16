//! Bank and cash accounts (one currency each) and transfers between them.

use cartwright_core::{
    account::{AccountInput, AccountType},
    money::{round_half_away, to_scaled},
    posting::JournalLine,
    user::{Access, Resource},
    validate::{date as parse_date, format_date},
};
use cartwright_store::ListQuery;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, audit, company::no_company, ledger::check_open};

/// A bank or cash account with its balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BankAccount {
    /// Account id.
    pub id: i64,
    /// Account code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Currency of the account.
    pub currency: String,
    /// Whether it is the default account of its currency (receipts and payments use it).
    pub default: bool,
    /// Balance in the account's currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub balance: Decimal,
    /// Balance in base currency (at the rates of the postings).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub base_balance: Decimal,
}

/// Body to open a bank or cash account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccountInput {
    /// Account code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Currency (must be enabled).
    pub currency: String,
}

/// Body of a transfer between two bank accounts.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Code of the account paying out.
    pub from: String,
    /// Code of the account receiving.
    pub to: String,
    /// Amount leaving `from`, in its currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Amount arriving in `to`, in its currency (required across currencies).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub amount_received: Option<Decimal>,
    /// Bank fee taken from `from`, in its currency, to the fees account.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub fee: Option<Decimal>,
    /// Memo.
    #[serde(default)]
    pub memo: Option<String>,
}

/// What a transfer posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Transfer {
    /// The journal.
    pub journal_id: i64,
    /// The rate implied by the two amounts (`to` units per one `from` unit).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub implied_rate: Decimal,
}

impl App {
    /// Bank and cash accounts with their balances.
    pub async fn bank_accounts(&self, who: &Principal) -> Result<Vec<BankAccount>> {
        who.require(Resource::Accounts, Access::Read)?;
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let banks = tx
            .list_accounts(&ListQuery {
                filter: Some(AccountType::Bank.as_str().to_owned()),
                limit: 500,
                ..ListQuery::default()
            })
            .await?;
        let balances = tx.account_balances().await?;
        let mut out = Vec::new();
        for a in banks.items {
            let currency = a
                .currency
                .clone()
                .unwrap_or_else(|| company.base_currency.clone());
            let mu = tx.minor_units_of(&currency).await?.unwrap_or(2);
            let (amount, _) = tx
                .account_currency_balance(a.id, &currency, "9999-12-31")
                .await?;
            let base = balances
                .iter()
                .find(|(id, _)| *id == a.id)
                .map_or(0, |b| b.1);
            let default = tx.role_account("bank", Some(&currency)).await? == Some(a.id);
            out.push(BankAccount {
                id: a.id,
                code: a.code,
                name: a.name,
                currency,
                default,
                balance: Decimal::new(amount, mu),
                base_balance: Decimal::new(base, bmu),
            });
        }
        Ok(out)
    }

    /// Opens another bank or cash account.
    pub async fn create_bank_account(
        &self,
        who: &Principal,
        input: &BankAccountInput,
    ) -> Result<BankAccount> {
        let account = AccountInput {
            code: input.code.clone(),
            name: input.name.clone(),
            account_type: AccountType::Bank,
            currency: Some(input.currency.clone()),
            active: None,
            version: None,
        };
        let a = self.create_account(who, &account).await?;
        self.bank_accounts(who)
            .await?
            .into_iter()
            .find(|b| b.id == a.id)
            .ok_or_else(|| AppError::not_found("bank account", a.id))
    }

    /// Moves money between two bank accounts, also across currencies, with an optional fee.
    pub async fn transfer(&self, who: &Principal, input: &TransferInput) -> Result<Transfer> {
        who.require(Resource::Accounts, Access::Write)?;
        let date = format_date(parse_date("date", &input.date)?);
        let mut tx = self.store.write().await?;
        check_open(&mut tx, "date", &date).await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let bank = |field: &'static str,
                    a: Option<cartwright_core::account::Account>,
                    code: &str| match a {
            Some(a) if a.account_type == AccountType::Bank => Ok(a),
            _ => Err(AppError::invalid(
                field,
                format!("'{code}' is not a bank account"),
            )),
        };
        let from = bank("from", tx.account_by_code(&input.from).await?, &input.from)?;
        let to = bank("to", tx.account_by_code(&input.to).await?, &input.to)?;
        if from.id == to.id {
            return Err(AppError::invalid(
                "to",
                "a transfer needs two different accounts",
            ));
        }
        let (fc, tc) = (
            from.currency
                .clone()
                .unwrap_or_else(|| company.base_currency.clone()),
            to.currency
                .clone()
                .unwrap_or_else(|| company.base_currency.clone()),
        );
        if input.amount <= Decimal::ZERO {
            return Err(AppError::invalid(
                "amount",
                format!("must be greater than zero (got {})", input.amount),
            ));
        }
        let received = match (input.amount_received, fc == tc) {
            (Some(r), _) if r > Decimal::ZERO => r,
            (Some(r), _) => {
                return Err(AppError::invalid(
                    "amount_received",
                    format!("must be greater than zero (got {r})"),
                ));
            }
            (None, true) => input.amount,
            (None, false) => {
                return Err(AppError::invalid(
                    "amount_received",
                    format!("a transfer from {fc} to {tc} needs the amount received in {tc}"),
                ));
            }
        };
        let fee = input.fee.unwrap_or_default();
        if fee < Decimal::ZERO {
            return Err(AppError::invalid(
                "fee",
                format!("must not be negative (got {fee})"),
            ));
        }
        let rate_of = |tx_rate: Option<Decimal>, c: &str| {
            if c == company.base_currency {
                Some(Decimal::ONE)
            } else {
                tx_rate
            }
        };
        let from_rate =
            rate_of(tx.rate_on(&fc, &date).await?.map(|r| r.rate), &fc).ok_or_else(|| {
                AppError::invalid("date", format!("no {fc} rate on or before {date}"))
            })?;
        let (fmu, tmu) = (
            tx.minor_units_of(&fc).await?.unwrap_or(2),
            tx.minor_units_of(&tc).await?.unwrap_or(2),
        );
        // The money leaving is valued at the rate of the day; what arrives carries that same base value.
        let base_out = round_half_away(input.amount * from_rate, bmu);
        let base_fee = round_half_away(fee * from_rate, bmu);
        let minor = |d: Decimal, u: u32, f: &str| to_scaled(d, u, f);
        let mut lines = vec![
            JournalLine {
                account_id: from.id,
                base_minor: -minor(base_out + base_fee, bmu, "amount")?,
                currency: fc.clone(),
                amount_minor: -minor(input.amount + fee, fmu, "amount")?,
                rate: from_rate,
            },
            JournalLine {
                account_id: to.id,
                base_minor: minor(base_out, bmu, "amount")?,
                currency: tc.clone(),
                amount_minor: minor(received, tmu, "amount_received")?,
                rate: round_half_away(base_out / received, 6),
            },
        ];
        if !fee.is_zero() {
            let fees = tx.role_account("bank_fees", None).await?;
            let fees = match fees {
                Some(id) => id,
                None => {
                    tx.insert_account(&cartwright_store::AccountRow {
                        code: "7300".into(),
                        name: "Bank Charges".into(),
                        account_type: AccountType::Expense,
                        currency: None,
                        system_role: Some("bank_fees".into()),
                        active: true,
                    })
                    .await?
                    .id
                }
            };
            lines.push(JournalLine {
                account_id: fees,
                base_minor: minor(base_fee, bmu, "fee")?,
                currency: company.base_currency.clone(),
                amount_minor: minor(base_fee, bmu, "fee")?,
                rate: Decimal::ONE,
            });
        }
        let memo = input
            .memo
            .clone()
            .unwrap_or_else(|| format!("transfer {} → {}", from.code, to.code));
        let journal_id = tx.insert_journal(None, &date, &memo, None, &lines).await?;
        let result = Transfer {
            journal_id,
            implied_rate: round_half_away(received / input.amount, 6),
        };
        audit(
            &mut tx,
            who,
            "bank_transfers",
            journal_id,
            "create",
            None,
            Some(&result),
        )
        .await?;
        tx.commit().await?;
        Ok(result)
    }
}
