//! Accounts, tax codes, payment terms, price lists, sites and bins.

use cartwright_core::{
    account::{Account, AccountInput},
    money::{TAX_RATE_SCALE, to_scaled},
    page::Page,
    price_list::{PriceList, PriceListInput},
    site::{Bin, BinInput, Site, SiteInput},
    tax::{TaxCode, TaxCodeInput},
    terms::{PaymentTerms, PaymentTermsInput},
    user::{Access, Resource},
};
use cartwright_store::{
    AccountRow, ListQuery, PaymentTermsRow, PriceListRow, SiteRow, TaxCodeRow, Tx,
};

use crate::{App, AppError, Principal, Result, audit, company::no_company, required_version};

async fn require_enabled_currency(tx: &mut Tx, field: &str, code: &str) -> Result<()> {
    if tx.currency(code).await?.is_none() {
        return Err(AppError::invalid(
            field,
            format!("currency {code} is not enabled; add it first"),
        ));
    }
    Ok(())
}

async fn account_id(tx: &mut Tx, field: &str, code: Option<&str>) -> Result<Option<i64>> {
    match code {
        None => Ok(None),
        Some(c) => Ok(Some(
            tx.account_by_code(c)
                .await?
                .ok_or_else(|| AppError::invalid(field, format!("unknown account '{c}'")))?
                .id,
        )),
    }
}

impl App {
    // ---- accounts ----

    /// Creates an account.
    pub async fn create_account(&self, who: &Principal, input: &AccountInput) -> Result<Account> {
        who.require(Resource::Accounts, Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        tx.company().await?.ok_or_else(no_company)?;
        if let Some(c) = &v.currency {
            require_enabled_currency(&mut tx, "currency", c.as_str()).await?;
        }
        let row = AccountRow {
            code: v.code.clone(),
            name: v.name,
            account_type: v.account_type,
            currency: v.currency.map(|c| c.as_str().to_owned()),
            system_role: None,
            active: v.active,
        };
        let a = tx
            .insert_account(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "account", "code", &v.code))?;
        audit(&mut tx, who, "accounts", a.id, "create", None, Some(&a)).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Updates an account; an account with a system role keeps its type.
    pub async fn update_account(
        &self,
        who: &Principal,
        id: i64,
        input: &AccountInput,
    ) -> Result<Account> {
        who.require(Resource::Accounts, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx
            .account(id)
            .await?
            .ok_or_else(|| AppError::not_found("account", id))?;
        if let Some(role) = &before.system_role {
            if before.account_type != v.account_type {
                return Err(AppError::invalid(
                    "account_type",
                    format!(
                        "account {} is the system's {role} account; its type cannot change",
                        before.code
                    ),
                ));
            }
            if before.currency.as_deref() != v.currency.as_ref().map(|c| c.as_str()) {
                return Err(AppError::invalid(
                    "currency",
                    format!(
                        "account {} is the system's {role} account; its currency cannot change",
                        before.code
                    ),
                ));
            }
        }
        if let Some(c) = &v.currency {
            require_enabled_currency(&mut tx, "currency", c.as_str()).await?;
        }
        let row = AccountRow {
            code: v.code.clone(),
            name: v.name,
            account_type: v.account_type,
            currency: v.currency.map(|c| c.as_str().to_owned()),
            system_role: before.system_role.clone(),
            active: v.active,
        };
        let after = tx
            .update_account(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "account", "code", &v.code))?;
        audit(
            &mut tx,
            who,
            "accounts",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One account.
    pub async fn account(&self, who: &Principal, id: i64) -> Result<Account> {
        who.require(Resource::Accounts, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.account(id)
            .await?
            .ok_or_else(|| AppError::not_found("account", id))
    }

    /// Accounts, paged; `filter` is an account type.
    pub async fn list_accounts(&self, who: &Principal, q: &ListQuery) -> Result<Page<Account>> {
        who.require(Resource::Accounts, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_accounts(q).await?)
    }

    // ---- tax codes ----

    pub(crate) async fn tax_code_row(tx: &mut Tx, input: &TaxCodeInput) -> Result<TaxCodeRow> {
        let v = input.validate()?;
        Ok(TaxCodeRow {
            rate_e4: to_scaled(v.rate_percent, TAX_RATE_SCALE, "rate_percent")?,
            sales_account_id: account_id(tx, "sales_account", v.sales_account.as_deref()).await?,
            purchase_account_id: account_id(tx, "purchase_account", v.purchase_account.as_deref())
                .await?,
            code: v.code,
            name: v.name,
            active: v.active,
        })
    }

    /// Creates a tax code.
    pub async fn create_tax_code(&self, who: &Principal, input: &TaxCodeInput) -> Result<TaxCode> {
        who.require(Resource::TaxCodes, Access::Write)?;
        input.validate()?;
        let mut tx = self.store.write().await?;
        let row = Self::tax_code_row(&mut tx, input).await?;
        let t = tx
            .insert_tax_code(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "tax code", "code", &row.code))?;
        audit(&mut tx, who, "tax_codes", t.id, "create", None, Some(&t)).await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Updates a tax code.
    pub async fn update_tax_code(
        &self,
        who: &Principal,
        id: i64,
        input: &TaxCodeInput,
    ) -> Result<TaxCode> {
        who.require(Resource::TaxCodes, Access::Write)?;
        input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx
            .tax_code(id)
            .await?
            .ok_or_else(|| AppError::not_found("tax code", id))?;
        let row = Self::tax_code_row(&mut tx, input).await?;
        let after = tx
            .update_tax_code(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "tax code", "code", &row.code))?;
        audit(
            &mut tx,
            who,
            "tax_codes",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One tax code.
    pub async fn tax_code(&self, who: &Principal, id: i64) -> Result<TaxCode> {
        who.require(Resource::TaxCodes, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.tax_code(id)
            .await?
            .ok_or_else(|| AppError::not_found("tax code", id))
    }

    /// Tax codes, paged.
    pub async fn list_tax_codes(&self, who: &Principal, q: &ListQuery) -> Result<Page<TaxCode>> {
        who.require(Resource::TaxCodes, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_tax_codes(q).await?)
    }

    // ---- payment terms ----

    /// Creates payment terms.
    pub async fn create_terms(
        &self,
        who: &Principal,
        input: &PaymentTermsInput,
    ) -> Result<PaymentTerms> {
        who.require(Resource::PaymentTerms, Access::Write)?;
        let v = input.validate()?;
        let row = PaymentTermsRow {
            code: v.code,
            name: v.name,
            days: v.days,
            from_end_of_month: v.from_end_of_month,
            active: v.active,
        };
        let mut tx = self.store.write().await?;
        let t = tx
            .insert_terms(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "payment terms", "code", &row.code))?;
        audit(
            &mut tx,
            who,
            "payment_terms",
            t.id,
            "create",
            None,
            Some(&t),
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Updates payment terms.
    pub async fn update_terms(
        &self,
        who: &Principal,
        id: i64,
        input: &PaymentTermsInput,
    ) -> Result<PaymentTerms> {
        who.require(Resource::PaymentTerms, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let row = PaymentTermsRow {
            code: v.code,
            name: v.name,
            days: v.days,
            from_end_of_month: v.from_end_of_month,
            active: v.active,
        };
        let mut tx = self.store.write().await?;
        let before = tx
            .terms(id)
            .await?
            .ok_or_else(|| AppError::not_found("payment terms", id))?;
        let after = tx
            .update_terms(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "payment terms", "code", &row.code))?;
        audit(
            &mut tx,
            who,
            "payment_terms",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One set of payment terms.
    pub async fn terms(&self, who: &Principal, id: i64) -> Result<PaymentTerms> {
        who.require(Resource::PaymentTerms, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.terms(id)
            .await?
            .ok_or_else(|| AppError::not_found("payment terms", id))
    }

    /// Payment terms, paged.
    pub async fn list_terms(&self, who: &Principal, q: &ListQuery) -> Result<Page<PaymentTerms>> {
        who.require(Resource::PaymentTerms, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_terms(q).await?)
    }

    // ---- price lists ----

    /// Creates a price list in an enabled currency.
    pub async fn create_price_list(
        &self,
        who: &Principal,
        input: &PriceListInput,
    ) -> Result<PriceList> {
        who.require(Resource::PriceLists, Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        require_enabled_currency(&mut tx, "currency", v.currency.as_str()).await?;
        let row = PriceListRow {
            code: v.code,
            name: v.name,
            currency: v.currency.as_str().to_owned(),
            prices_include_tax: v.prices_include_tax,
            active: v.active,
        };
        let p = tx
            .insert_price_list(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "price list", "code", &row.code))?;
        audit(&mut tx, who, "price_lists", p.id, "create", None, Some(&p)).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Updates a price list; its currency is fixed once it holds prices.
    pub async fn update_price_list(
        &self,
        who: &Principal,
        id: i64,
        input: &PriceListInput,
    ) -> Result<PriceList> {
        who.require(Resource::PriceLists, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx
            .price_list(id)
            .await?
            .ok_or_else(|| AppError::not_found("price list", id))?;
        if before.currency != v.currency.as_str() {
            if tx.count_prices_on_list(id).await? > 0 {
                return Err(AppError::invalid(
                    "currency",
                    format!(
                        "price list {} holds prices in {}; its currency cannot change",
                        before.code, before.currency
                    ),
                ));
            }
            require_enabled_currency(&mut tx, "currency", v.currency.as_str()).await?;
        }
        let row = PriceListRow {
            code: v.code,
            name: v.name,
            currency: v.currency.as_str().to_owned(),
            prices_include_tax: v.prices_include_tax,
            active: v.active,
        };
        let after = tx
            .update_price_list(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "price list", "code", &row.code))?;
        audit(
            &mut tx,
            who,
            "price_lists",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One price list.
    pub async fn price_list(&self, who: &Principal, id: i64) -> Result<PriceList> {
        who.require(Resource::PriceLists, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.price_list(id)
            .await?
            .ok_or_else(|| AppError::not_found("price list", id))
    }

    /// Price lists, paged; `filter` is a currency.
    pub async fn list_price_lists(
        &self,
        who: &Principal,
        q: &ListQuery,
    ) -> Result<Page<PriceList>> {
        who.require(Resource::PriceLists, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_price_lists(q).await?)
    }

    // ---- sites and bins ----

    /// Creates a site.
    pub async fn create_site(&self, who: &Principal, input: &SiteInput) -> Result<Site> {
        who.require(Resource::Sites, Access::Write)?;
        let v = input.validate()?;
        let row = SiteRow {
            code: v.code,
            name: v.name,
            address: v.address,
            active: v.active,
        };
        let mut tx = self.store.write().await?;
        let s = tx
            .insert_site(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "site", "code", &row.code))?;
        audit(&mut tx, who, "sites", s.id, "create", None, Some(&s)).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Updates a site.
    pub async fn update_site(&self, who: &Principal, id: i64, input: &SiteInput) -> Result<Site> {
        who.require(Resource::Sites, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let row = SiteRow {
            code: v.code,
            name: v.name,
            address: v.address,
            active: v.active,
        };
        let mut tx = self.store.write().await?;
        let before = tx
            .site(id)
            .await?
            .ok_or_else(|| AppError::not_found("site", id))?;
        let after = tx
            .update_site(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "site", "code", &row.code))?;
        audit(
            &mut tx,
            who,
            "sites",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Adds a bin to a site.
    pub async fn add_bin(&self, who: &Principal, site_id: i64, input: &BinInput) -> Result<Bin> {
        who.require(Resource::Sites, Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        let site = tx
            .site(site_id)
            .await?
            .ok_or_else(|| AppError::not_found("site", site_id))?;
        let bin = tx
            .insert_bin(site_id, &v.code, &v.name, v.active)
            .await
            .map_err(|e| {
                if e.is_conflict() {
                    AppError::Duplicate {
                        field: "code".into(),
                        message: format!("site {} already has a bin '{}'", site.code, v.code),
                    }
                } else {
                    e.into()
                }
            })?;
        audit(&mut tx, who, "bins", bin.id, "create", None, Some(&bin)).await?;
        tx.commit().await?;
        Ok(bin)
    }

    /// One site with its bins.
    pub async fn site(&self, who: &Principal, id: i64) -> Result<Site> {
        who.require(Resource::Sites, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.site(id)
            .await?
            .ok_or_else(|| AppError::not_found("site", id))
    }

    /// Sites, paged.
    pub async fn list_sites(&self, who: &Principal, q: &ListQuery) -> Result<Page<Site>> {
        who.require(Resource::Sites, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_sites(q).await?)
    }
}
