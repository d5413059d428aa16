//! Setting up the company and changing its settings.

use cartwright_core::{
    account::{AccountType, BANK_ROLE, DEFAULT_CHART, bank_account_for},
    company::{Company, CompanyInput, ValidCompany},
    iso4217,
    user::{Access, Resource},
};
use cartwright_store::{AccountRow, CompanyRow, PaymentTermsRow, Tx};

use crate::{App, AppError, Principal, Result, audit, required_version};

/// Payment terms created with every company: `(code, name, days)`.
const DEFAULT_TERMS: &[(&str, &str, u32)] =
    &[("DUE", "Due on receipt", 0), ("NET30", "30 days net", 30)];

async fn resolve(tx: &mut Tx, v: &ValidCompany) -> Result<CompanyRow> {
    let default_item_id =
        match &v.default_item {
            Some(code) => Some(tx.item_id(code).await?.ok_or_else(|| {
                AppError::invalid("default_item", format!("unknown item '{code}'"))
            })?),
            None => None,
        };
    Ok(CompanyRow {
        name: v.name.clone(),
        base_currency: v.base_currency.as_str().to_owned(),
        financial_year_start: v.financial_year_start.clone(),
        tax_rounding: v.tax_rounding,
        negative_stock: v.negative_stock,
        default_item_id,
        costing_method: v.costing_method,
        auto_allocate: v.auto_allocate,
    })
}

/// Enables `code` with its ISO name and minor units, and opens its bank account.
pub(crate) async fn enable_currency(
    tx: &mut Tx,
    who: &Principal,
    code: &str,
    name: &str,
    minor_units: u32,
    is_base: bool,
) -> Result<()> {
    let currency = tx
        .insert_currency(code, name, minor_units, is_base)
        .await
        .map_err(|e| AppError::duplicate_or(e, "currency", "code", code))?;
    audit(tx, who, "currencies", 0, "create", None, Some(&currency)).await?;
    let n = usize::try_from(tx.count_bank_accounts().await?).unwrap_or(0);
    let (bank_code, bank_name) = bank_account_for(n, code);
    let account = tx
        .insert_account(&AccountRow {
            code: bank_code.clone(),
            name: bank_name,
            account_type: AccountType::Bank,
            currency: Some(code.to_owned()),
            system_role: Some(BANK_ROLE.to_owned()),
            active: true,
        })
        .await
        .map_err(|e| AppError::duplicate_or(e, "account", "code", &bank_code))?;
    audit(
        tx,
        who,
        "accounts",
        account.id,
        "create",
        None,
        Some(&account),
    )
    .await?;
    Ok(())
}

impl App {
    /// The company, or a clear error when it has not been set up.
    pub async fn company(&self, who: &Principal) -> Result<Company> {
        who.require(Resource::Company, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.company().await?.ok_or_else(no_company)
    }

    /// Whether the company has been set up.
    pub async fn has_company(&self) -> Result<bool> {
        let mut tx = self.store.read().await?;
        Ok(tx.company().await?.is_some())
    }

    /// Sets up the company with its base currency, the default chart of accounts
    /// (with a bank account for the base currency) and default payment terms.
    pub async fn setup_company(&self, who: &Principal, input: &CompanyInput) -> Result<Company> {
        who.require(Resource::Company, Access::Write)?;
        let v = input.validate()?;
        if v.default_item.is_some() {
            return Err(AppError::invalid(
                "default_item",
                "set the default item after the company exists and the item is created",
            ));
        }
        let mut tx = self.store.write().await?;
        if tx.company().await?.is_some() {
            return Err(AppError::Conflict(
                "the company is already set up; update it instead".to_owned(),
            ));
        }
        let base = v.base_currency.as_str();
        let name = iso4217::lookup(base).map_or(base, |c| c.name);
        enable_currency(
            &mut tx,
            who,
            base,
            name,
            v.base_currency.minor_units(),
            true,
        )
        .await?;
        for entry in DEFAULT_CHART {
            let account = tx
                .insert_account(&AccountRow {
                    code: entry.code.to_owned(),
                    name: entry.name.to_owned(),
                    account_type: entry.account_type,
                    currency: None,
                    system_role: Some(entry.role.to_owned()),
                    active: true,
                })
                .await?;
            audit(
                &mut tx,
                who,
                "accounts",
                account.id,
                "create",
                None,
                Some(&account),
            )
            .await?;
        }
        for (code, name, days) in DEFAULT_TERMS {
            let terms = tx
                .insert_terms(&PaymentTermsRow {
                    code: (*code).to_owned(),
                    name: (*name).to_owned(),
                    days: *days,
                    from_end_of_month: false,
                    active: true,
                })
                .await?;
            audit(
                &mut tx,
                who,
                "payment_terms",
                terms.id,
                "create",
                None,
                Some(&terms),
            )
            .await?;
        }
        let row = resolve(&mut tx, &v).await?;
        let company = tx.insert_company(&row).await?;
        audit(&mut tx, who, "company", 1, "create", None, Some(&company)).await?;
        tx.commit().await?;
        Ok(company)
    }

    /// Changes the company's settings. The base currency can change only while no
    /// exchange rate exists (rates are quoted against it) and it must be enabled.
    pub async fn update_company(&self, who: &Principal, input: &CompanyInput) -> Result<Company> {
        who.require(Resource::Company, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx.company().await?.ok_or_else(no_company)?;
        if before.costing_method != v.costing_method && tx.stock_value().await? != 0 {
            return Err(AppError::invalid(
                "costing_method",
                "the costing method is fixed once stock is valued; it can change only while no stock is held",
            ));
        }
        if before.base_currency != v.base_currency.as_str() {
            if tx.has_postings().await? {
                return Err(AppError::invalid(
                    "base_currency",
                    format!(
                        "the base currency is fixed at {} because entries are posted in it",
                        before.base_currency
                    ),
                ));
            }
            if tx.count_rates().await? > 0 {
                return Err(AppError::invalid(
                    "base_currency",
                    format!(
                        "the base currency is fixed at {} because exchange rates are recorded against it",
                        before.base_currency
                    ),
                ));
            }
            if tx.currency(v.base_currency.as_str()).await?.is_none() {
                return Err(AppError::invalid(
                    "base_currency",
                    format!(
                        "enable {} as a currency before making it the base",
                        v.base_currency
                    ),
                ));
            }
            tx.set_base_currency(v.base_currency.as_str()).await?;
        }
        let row = resolve(&mut tx, &v).await?;
        let after = tx.update_company(version, &row).await?;
        audit(
            &mut tx,
            who,
            "company",
            1,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The error every use case gives before the company exists.
pub(crate) fn no_company() -> AppError {
    AppError::Conflict("the company is not set up yet: create it first (POST /api/v1/company or `cartwright demo`)".to_owned())
}
