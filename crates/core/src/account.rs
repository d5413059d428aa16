//! Ledger accounts and the default chart created with the company.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    company::str_enum,
    currency::CurrencyCode,
    validate::{self, NAME_MAX_LEN},
};

/// What an account holds; decides its place in the balance sheet or P&L.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    /// A bank or cash account in one currency.
    Bank,
    /// Trade debtors (control account).
    Receivable,
    /// Inventory.
    Stock,
    /// Other current assets.
    CurrentAsset,
    /// Fixed assets.
    FixedAsset,
    /// Trade creditors (control account).
    Payable,
    /// Other current liabilities.
    CurrentLiability,
    /// Equity and retained earnings.
    Equity,
    /// Sales revenue.
    Income,
    /// Other income (FX gains, interest).
    OtherIncome,
    /// Cost of goods sold.
    CostOfSales,
    /// Operating expenses.
    Expense,
}

str_enum!(AccountType {
    Bank => "bank", Receivable => "receivable", Stock => "stock",
    CurrentAsset => "current_asset", FixedAsset => "fixed_asset", Payable => "payable",
    CurrentLiability => "current_liability", Equity => "equity", Income => "income",
    OtherIncome => "other_income", CostOfSales => "cost_of_sales", Expense => "expense",
});

impl AccountType {
    /// True for accounts whose balance is carried to the next year (balance sheet).
    pub fn is_balance_sheet(self) -> bool {
        !matches!(
            self,
            Self::Income | Self::OtherIncome | Self::CostOfSales | Self::Expense
        )
    }
}

/// An account as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    /// Record id.
    pub id: i64,
    /// Account code, e.g. `1100`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type.
    pub account_type: AccountType,
    /// Currency, for accounts kept in one currency (banks).
    pub currency: Option<String>,
    /// The posting role this account plays for the system (e.g. `receivable`), if any.
    pub system_role: Option<String>,
    /// Inactive accounts accept no new postings.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Body to create or update an account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    /// Account code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type.
    pub account_type: AccountType,
    /// Currency for single-currency accounts.
    #[serde(default)]
    pub currency: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// An account input that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAccount {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type.
    pub account_type: AccountType,
    /// Currency.
    pub currency: Option<CurrencyCode>,
    /// Active.
    pub active: bool,
}

impl AccountInput {
    /// Checks code, name and currency; a bank account must name its currency.
    pub fn validate(&self) -> Result<ValidAccount, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let name = errs.check(validate::required_text("name", &self.name, NAME_MAX_LEN));
        let currency = match self.currency.as_deref() {
            None | Some("") => None,
            Some(c) => errs.check(CurrencyCode::parse_known("currency", c)),
        };
        if self.account_type == AccountType::Bank && currency.is_none() && errs.is_empty() {
            errs.push("currency", "a bank account must name its currency");
        }
        match (code, name) {
            (Some(code), Some(name)) if errs.is_empty() => Ok(ValidAccount {
                code,
                name,
                account_type: self.account_type,
                currency,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}

/// One account of the default chart: code, name, type, system role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartEntry {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Type.
    pub account_type: AccountType,
    /// System role, looked up by postings.
    pub role: &'static str,
}

/// The default chart created with every company; bank accounts per currency come from [`bank_account_for`].
pub const DEFAULT_CHART: &[ChartEntry] = &[
    ChartEntry {
        code: "1100",
        name: "Accounts Receivable",
        account_type: AccountType::Receivable,
        role: "receivable",
    },
    ChartEntry {
        code: "1200",
        name: "Stock",
        account_type: AccountType::Stock,
        role: "stock",
    },
    ChartEntry {
        code: "1300",
        name: "Tax Receivable",
        account_type: AccountType::CurrentAsset,
        role: "tax_receivable",
    },
    ChartEntry {
        code: "2000",
        name: "Accounts Payable",
        account_type: AccountType::Payable,
        role: "payable",
    },
    ChartEntry {
        code: "2100",
        name: "Pending Item Receipts",
        account_type: AccountType::CurrentLiability,
        role: "pending_receipts",
    },
    ChartEntry {
        code: "2200",
        name: "Tax Payable",
        account_type: AccountType::CurrentLiability,
        role: "tax_payable",
    },
    ChartEntry {
        code: "3000",
        name: "Retained Earnings",
        account_type: AccountType::Equity,
        role: "retained_earnings",
    },
    ChartEntry {
        code: "4000",
        name: "Sales",
        account_type: AccountType::Income,
        role: "sales",
    },
    ChartEntry {
        code: "5000",
        name: "Cost of Goods Sold",
        account_type: AccountType::CostOfSales,
        role: "cogs",
    },
    ChartEntry {
        code: "5100",
        name: "Stock Adjustments",
        account_type: AccountType::CostOfSales,
        role: "stock_adjustment",
    },
    ChartEntry {
        code: "5200",
        name: "Purchase Price Variance",
        account_type: AccountType::CostOfSales,
        role: "price_variance",
    },
    ChartEntry {
        code: "7000",
        name: "Realised FX Gain/Loss",
        account_type: AccountType::OtherIncome,
        role: "fx_realised",
    },
    ChartEntry {
        code: "7100",
        name: "Unrealised FX Gain/Loss",
        account_type: AccountType::OtherIncome,
        role: "fx_unrealised",
    },
    ChartEntry {
        code: "7200",
        name: "Rounding",
        account_type: AccountType::Expense,
        role: "rounding",
    },
];

/// Code and name of the bank account opened for the `n`-th enabled currency (0 = base): `1000`, `1001`, …
pub fn bank_account_for(n: usize, currency: &str) -> (String, String) {
    (format!("10{n:02}"), format!("Bank {currency}"))
}

/// The system role of every bank account (one per currency).
pub const BANK_ROLE: &str = "bank";
