//! Accounts, tax codes, payment terms, price lists, sites and bins.

use cartwright_core::{
    account::{Account, AccountType},
    money::{TAX_RATE_SCALE, from_scaled},
    page::Page,
    price_list::PriceList,
    site::{Bin, Site},
    tax::TaxCode,
    terms::PaymentTerms,
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
    row::{DbRow, parse_enum, to_u32},
};

/// An account as written.
#[derive(Debug, Clone)]
pub struct AccountRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Type.
    pub account_type: AccountType,
    /// Currency code.
    pub currency: Option<String>,
    /// System role (only the default chart sets one).
    pub system_role: Option<String>,
    /// Active.
    pub active: bool,
}

/// A tax code as written.
#[derive(Debug, Clone)]
pub struct TaxCodeRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Percent × 10^4.
    pub rate_e4: i64,
    /// Account id for sales tax.
    pub sales_account_id: Option<i64>,
    /// Account id for purchase tax.
    pub purchase_account_id: Option<i64>,
    /// Active.
    pub active: bool,
}

/// Payment terms as written.
#[derive(Debug, Clone)]
pub struct PaymentTermsRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Days.
    pub days: u32,
    /// From end of month.
    pub from_end_of_month: bool,
    /// Active.
    pub active: bool,
}

/// A price list as written.
#[derive(Debug, Clone)]
pub struct PriceListRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Currency code.
    pub currency: String,
    /// Prices include tax.
    pub prices_include_tax: bool,
    /// Active.
    pub active: bool,
}

/// A site as written.
#[derive(Debug, Clone)]
pub struct SiteRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Active.
    pub active: bool,
}

fn account_from(r: &dyn DbRow) -> Result<Account> {
    Ok(Account {
        id: r.i64("id")?,
        code: r.string("code")?,
        name: r.string("name")?,
        account_type: parse_enum(
            "accounts",
            "account_type",
            &r.string("account_type")?,
            AccountType::parse,
        )?,
        currency: r.opt_string("currency")?,
        system_role: r.opt_string("system_role")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

fn tax_code_from(r: &dyn DbRow) -> Result<TaxCode> {
    Ok(TaxCode {
        id: r.i64("id")?,
        code: r.string("code")?,
        name: r.string("name")?,
        rate_percent: from_scaled(r.i64("rate_e4")?, TAX_RATE_SCALE).normalize(),
        sales_account: r.opt_string("sales_account")?,
        purchase_account: r.opt_string("purchase_account")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

fn terms_from(r: &dyn DbRow) -> Result<PaymentTerms> {
    Ok(PaymentTerms {
        id: r.i64("id")?,
        code: r.string("code")?,
        name: r.string("name")?,
        days: to_u32("payment_terms", "days", r.i64("days")?)?,
        from_end_of_month: r.bool("from_end_of_month")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

fn price_list_from(r: &dyn DbRow) -> Result<PriceList> {
    Ok(PriceList {
        id: r.i64("id")?,
        code: r.string("code")?,
        name: r.string("name")?,
        currency: r.string("currency")?,
        prices_include_tax: r.bool("prices_include_tax")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

fn site_from(r: &dyn DbRow) -> Result<Site> {
    Ok(Site {
        id: r.i64("id")?,
        code: r.string("code")?,
        name: r.string("name")?,
        address: r.string("address")?,
        active: r.bool("active")?,
        bins: Vec::new(),
        version: r.i64("version")?,
    })
}

fn bin_from(r: &dyn DbRow) -> Result<(i64, Bin)> {
    Ok((
        r.i64("site_id")?,
        Bin {
            id: r.i64("id")?,
            code: r.string("code")?,
            name: r.string("name")?,
            active: r.bool("active")?,
        },
    ))
}

fn id_from(r: &dyn DbRow) -> Result<i64> {
    r.i64("id")
}

/// Turns "no row updated" into Stale (the record exists) or NotFound.
pub(crate) fn version_outcome<T>(
    entity: &'static str,
    id: i64,
    version: i64,
    updated: u64,
    current: Option<T>,
) -> Result<T> {
    match current {
        Some(v) if updated == 1 => Ok(v),
        Some(_) => Err(StoreError::Stale {
            entity,
            id,
            expected: version,
        }),
        None => Err(StoreError::NotFound {
            entity,
            key: id.to_string(),
        }),
    }
}

impl Tx {
    // ---- accounts ----

    /// Creates an account.
    pub async fn insert_account(&mut self, a: &AccountRow) -> Result<Account> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO accounts (code, name, account_type, currency, system_role, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"
            )
            .bind(&a.code)
            .bind(&a.name)
            .bind(a.account_type.as_str())
            .bind(&a.currency)
            .bind(&a.system_role)
            .bind(a.active)
            .bind(&now),
            id_from
        )
        .unwrap_or_default();
        self.account(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "account",
            key: a.code.clone(),
        })
    }

    /// Updates an account (its system role is kept), if `version` is current.
    pub async fn update_account(
        &mut self,
        id: i64,
        version: i64,
        a: &AccountRow,
    ) -> Result<Account> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE accounts SET code = $1, name = $2, account_type = $3, currency = $4, active = $5,
                 version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8"
            )
            .bind(&a.code)
            .bind(&a.name)
            .bind(a.account_type.as_str())
            .bind(&a.currency)
            .bind(a.active)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        let current = self.account(id).await?;
        version_outcome("account", id, version, n, current)
    }

    /// One account by id.
    pub async fn account(&mut self, id: i64) -> Result<Option<Account>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, account_type, currency, system_role, active, version FROM accounts WHERE id = $1").bind(id),
            account_from
        ))
    }

    /// One account by code, ignoring case.
    pub async fn account_by_code(&mut self, code: &str) -> Result<Option<Account>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, account_type, currency, system_role, active, version FROM accounts WHERE lower(code) = lower($1)")
                .bind(code),
            account_from
        ))
    }

    /// Accounts by id; `filter` is an account type.
    pub async fn list_accounts(&mut self, q: &ListQuery) -> Result<Page<Account>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, code, name, account_type, currency, system_role, active, version FROM accounts
                 WHERE id > $1 AND ($2 IS NULL OR lower(code) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR account_type = $3) AND ($4 IS NULL OR active = $4)
                 ORDER BY id LIMIT $5"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(&q.filter)
            .bind(q.active)
            .bind(q.fetch_limit()),
            account_from
        );
        Ok(page_from_rows(rows, q, |a| a.id))
    }

    /// Number of bank accounts (one per currency).
    pub async fn count_bank_accounts(&mut self) -> Result<i64> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE system_role = 'bank'"),
            |r: &dyn DbRow| r.i64("n")
        )
        .unwrap_or(0))
    }

    // ---- tax codes ----

    /// Creates a tax code.
    pub async fn insert_tax_code(&mut self, t: &TaxCodeRow) -> Result<TaxCode> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO tax_codes (code, name, rate_e4, sales_account_id, purchase_account_id, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"
            )
            .bind(&t.code)
            .bind(&t.name)
            .bind(t.rate_e4)
            .bind(t.sales_account_id)
            .bind(t.purchase_account_id)
            .bind(t.active)
            .bind(&now),
            id_from
        )
        .unwrap_or_default();
        self.tax_code(id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "tax code",
                key: t.code.clone(),
            })
    }

    /// Updates a tax code, if `version` is current.
    pub async fn update_tax_code(
        &mut self,
        id: i64,
        version: i64,
        t: &TaxCodeRow,
    ) -> Result<TaxCode> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE tax_codes SET code = $1, name = $2, rate_e4 = $3, sales_account_id = $4, purchase_account_id = $5,
                 active = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9"
            )
            .bind(&t.code)
            .bind(&t.name)
            .bind(t.rate_e4)
            .bind(t.sales_account_id)
            .bind(t.purchase_account_id)
            .bind(t.active)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        let current = self.tax_code(id).await?;
        version_outcome("tax code", id, version, n, current)
    }

    /// One tax code by id.
    pub async fn tax_code(&mut self, id: i64) -> Result<Option<TaxCode>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT t.id, t.code, t.name, t.rate_e4, sa.code AS sales_account, pa.code AS purchase_account, t.active, t.version
                 FROM tax_codes t LEFT JOIN accounts sa ON sa.id = t.sales_account_id LEFT JOIN accounts pa ON pa.id = t.purchase_account_id
                 WHERE t.id = $1"
            )
            .bind(id),
            tax_code_from
        ))
    }

    /// The id of a tax code by code, ignoring case.
    pub async fn tax_code_id(&mut self, code: &str) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM tax_codes WHERE lower(code) = lower($1)").bind(code),
            id_from
        ))
    }

    /// Tax codes by id.
    pub async fn list_tax_codes(&mut self, q: &ListQuery) -> Result<Page<TaxCode>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT t.id, t.code, t.name, t.rate_e4, sa.code AS sales_account, pa.code AS purchase_account, t.active, t.version
                 FROM tax_codes t LEFT JOIN accounts sa ON sa.id = t.sales_account_id LEFT JOIN accounts pa ON pa.id = t.purchase_account_id
                 WHERE t.id > $1 AND ($2 IS NULL OR lower(t.code) LIKE $2 ESCAPE '\\' OR lower(t.name) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR t.active = $3) ORDER BY t.id LIMIT $4"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(q.active)
            .bind(q.fetch_limit()),
            tax_code_from
        );
        Ok(page_from_rows(rows, q, |t| t.id))
    }

    // ---- payment terms ----

    /// Creates payment terms.
    pub async fn insert_terms(&mut self, t: &PaymentTermsRow) -> Result<PaymentTerms> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO payment_terms (code, name, days, from_end_of_month, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id"
            )
            .bind(&t.code)
            .bind(&t.name)
            .bind(i64::from(t.days))
            .bind(t.from_end_of_month)
            .bind(t.active)
            .bind(&now),
            id_from
        )
        .unwrap_or_default();
        self.terms(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "payment terms",
            key: t.code.clone(),
        })
    }

    /// Updates payment terms, if `version` is current.
    pub async fn update_terms(
        &mut self,
        id: i64,
        version: i64,
        t: &PaymentTermsRow,
    ) -> Result<PaymentTerms> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE payment_terms SET code = $1, name = $2, days = $3, from_end_of_month = $4, active = $5,
                 version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8"
            )
            .bind(&t.code)
            .bind(&t.name)
            .bind(i64::from(t.days))
            .bind(t.from_end_of_month)
            .bind(t.active)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        let current = self.terms(id).await?;
        version_outcome("payment terms", id, version, n, current)
    }

    /// Payment terms by id.
    pub async fn terms(&mut self, id: i64) -> Result<Option<PaymentTerms>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, days, from_end_of_month, active, version FROM payment_terms WHERE id = $1").bind(id),
            terms_from
        ))
    }

    /// The id of payment terms by code, ignoring case.
    pub async fn terms_id(&mut self, code: &str) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM payment_terms WHERE lower(code) = lower($1)").bind(code),
            id_from
        ))
    }

    /// Payment terms by id.
    pub async fn list_terms(&mut self, q: &ListQuery) -> Result<Page<PaymentTerms>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, code, name, days, from_end_of_month, active, version FROM payment_terms
                 WHERE id > $1 AND ($2 IS NULL OR lower(code) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR active = $3) ORDER BY id LIMIT $4"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(q.active)
            .bind(q.fetch_limit()),
            terms_from
        );
        Ok(page_from_rows(rows, q, |t| t.id))
    }

    // ---- price lists ----

    /// Creates a price list.
    pub async fn insert_price_list(&mut self, p: &PriceListRow) -> Result<PriceList> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO price_lists (code, name, currency, prices_include_tax, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id"
            )
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.currency)
            .bind(p.prices_include_tax)
            .bind(p.active)
            .bind(&now),
            id_from
        )
        .unwrap_or_default();
        self.price_list(id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "price list",
                key: p.code.clone(),
            })
    }

    /// Updates a price list, if `version` is current.
    pub async fn update_price_list(
        &mut self,
        id: i64,
        version: i64,
        p: &PriceListRow,
    ) -> Result<PriceList> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE price_lists SET code = $1, name = $2, currency = $3, prices_include_tax = $4, active = $5,
                 version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8"
            )
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.currency)
            .bind(p.prices_include_tax)
            .bind(p.active)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        let current = self.price_list(id).await?;
        version_outcome("price list", id, version, n, current)
    }

    /// One price list by id.
    pub async fn price_list(&mut self, id: i64) -> Result<Option<PriceList>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, currency, prices_include_tax, active, version FROM price_lists WHERE id = $1").bind(id),
            price_list_from
        ))
    }

    /// One price list by code, ignoring case.
    pub async fn price_list_by_code(&mut self, code: &str) -> Result<Option<PriceList>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, currency, prices_include_tax, active, version FROM price_lists WHERE lower(code) = lower($1)")
                .bind(code),
            price_list_from
        ))
    }

    /// Number of item prices on a list (a list's currency is fixed once it holds prices).
    pub async fn count_prices_on_list(&mut self, id: i64) -> Result<i64> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT COUNT(*) AS n FROM item_prices WHERE price_list_id = $1").bind(id),
            |r: &dyn DbRow| r.i64("n")
        )
        .unwrap_or(0))
    }

    /// Price lists by id; `filter` is a currency code.
    pub async fn list_price_lists(&mut self, q: &ListQuery) -> Result<Page<PriceList>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, code, name, currency, prices_include_tax, active, version FROM price_lists
                 WHERE id > $1 AND ($2 IS NULL OR lower(code) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR currency = $3) AND ($4 IS NULL OR active = $4) ORDER BY id LIMIT $5"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(&q.filter)
            .bind(q.active)
            .bind(q.fetch_limit()),
            price_list_from
        );
        Ok(page_from_rows(rows, q, |p| p.id))
    }

    // ---- sites and bins ----

    /// Creates a site.
    pub async fn insert_site(&mut self, s: &SiteRow) -> Result<Site> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO sites (code, name, address, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id"
            )
            .bind(&s.code)
            .bind(&s.name)
            .bind(&s.address)
            .bind(s.active)
            .bind(&now),
            id_from
        )
        .unwrap_or_default();
        self.site(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "site",
            key: s.code.clone(),
        })
    }

    /// Updates a site, if `version` is current.
    pub async fn update_site(&mut self, id: i64, version: i64, s: &SiteRow) -> Result<Site> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE sites SET code = $1, name = $2, address = $3, active = $4, version = version + 1, updated_at = $5
                 WHERE id = $6 AND version = $7"
            )
            .bind(&s.code)
            .bind(&s.name)
            .bind(&s.address)
            .bind(s.active)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        let current = self.site(id).await?;
        version_outcome("site", id, version, n, current)
    }

    /// One site with its bins.
    pub async fn site(&mut self, id: i64) -> Result<Option<Site>> {
        let site = fetch_opt!(
            self,
            sqlx::query("SELECT id, code, name, address, active, version FROM sites WHERE id = $1")
                .bind(id),
            site_from
        );
        let Some(mut site) = site else {
            return Ok(None);
        };
        let bins = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, site_id, code, name, active FROM bins WHERE site_id = $1 ORDER BY id"
            )
            .bind(id),
            bin_from
        );
        site.bins = bins.into_iter().map(|(_, b)| b).collect();
        Ok(Some(site))
    }

    /// Sites by id, each with its bins.
    pub async fn list_sites(&mut self, q: &ListQuery) -> Result<Page<Site>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, code, name, address, active, version FROM sites
                 WHERE id > $1 AND ($2 IS NULL OR lower(code) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR active = $3) ORDER BY id LIMIT $4"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(q.active)
            .bind(q.fetch_limit()),
            site_from
        );
        let mut page = page_from_rows(rows, q, |s| s.id);
        if let (Some(first), Some(last)) = (
            page.items.first().map(|s| s.id),
            page.items.last().map(|s| s.id),
        ) {
            let bins = fetch_all!(
                self,
                sqlx::query("SELECT id, site_id, code, name, active FROM bins WHERE site_id BETWEEN $1 AND $2 ORDER BY id")
                    .bind(first)
                    .bind(last),
                bin_from
            );
            for (site_id, bin) in bins {
                if let Some(s) = page.items.iter_mut().find(|s| s.id == site_id) {
                    s.bins.push(bin);
                }
            }
        }
        Ok(page)
    }

    /// Adds a bin to a site.
    pub async fn insert_bin(
        &mut self,
        site_id: i64,
        code: &str,
        name: &str,
        active: bool,
    ) -> Result<Bin> {
        let row = fetch_opt!(
            self,
            sqlx::query("INSERT INTO bins (site_id, code, name, active) VALUES ($1, $2, $3, $4) RETURNING id, site_id, code, name, active")
                .bind(site_id)
                .bind(code)
                .bind(name)
                .bind(active),
            bin_from
        );
        row.map(|(_, b)| b).ok_or_else(|| StoreError::NotFound {
            entity: "bin",
            key: code.to_owned(),
        })
    }

    /// The id of a site by code, ignoring case.
    pub async fn site_id(&mut self, code: &str) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM sites WHERE lower(code) = lower($1)").bind(code),
            id_from
        ))
    }

    /// Every currency code and its minor units (small; used to convert prices).
    pub async fn minor_units_of(&mut self, currency: &str) -> Result<Option<u32>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT minor_units FROM currencies WHERE code = $1").bind(currency),
            |r: &dyn DbRow| to_u32("currencies", "minor_units", r.i64("minor_units")?)
        ))
    }
}
