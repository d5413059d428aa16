//! The company row (one per database).

use cartwright_core::{
    company::{Company, NegativeStockPolicy, TaxRounding},
    costing::CostingMethod,
};

use crate::{
    Result, StoreError, Tx, execute, fetch_opt,
    row::{DbRow, parse_enum},
};

/// The company as written: default item resolved to an id.
#[derive(Debug, Clone)]
pub struct CompanyRow {
    /// Name.
    pub name: String,
    /// Base currency code.
    pub base_currency: String,
    /// `MM-DD`.
    pub financial_year_start: String,
    /// Tax rounding.
    pub tax_rounding: TaxRounding,
    /// Negative-stock policy.
    pub negative_stock: NegativeStockPolicy,
    /// Default item id.
    pub default_item_id: Option<i64>,
    /// Costing method.
    pub costing_method: CostingMethod,
    /// Auto-allocation.
    pub auto_allocate: bool,
}

fn company_from(r: &dyn DbRow) -> Result<Company> {
    Ok(Company {
        name: r.string("name")?,
        base_currency: r.string("base_currency")?,
        financial_year_start: r.string("financial_year_start")?,
        tax_rounding: parse_enum(
            "company",
            "tax_rounding",
            &r.string("tax_rounding")?,
            TaxRounding::parse,
        )?,
        negative_stock: parse_enum(
            "company",
            "negative_stock",
            &r.string("negative_stock")?,
            NegativeStockPolicy::parse,
        )?,
        default_item: r.opt_string("default_item")?,
        costing_method: parse_enum(
            "company",
            "costing_method",
            &r.string("costing_method")?,
            CostingMethod::parse,
        )?,
        auto_allocate: r.bool("auto_allocate")?,
        version: r.i64("version")?,
        updated_at: r.string("updated_at")?,
    })
}

impl Tx {
    /// The lock date: nothing may be posted, saved, voided or dated on or before it.
    pub async fn lock_date(&mut self) -> Result<Option<String>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT lock_date FROM company WHERE id = 1"),
            |r: &dyn DbRow| r.opt_string("lock_date")
        )
        .flatten())
    }

    /// Sets (or clears) the lock date.
    pub async fn set_lock_date(&mut self, date: Option<&str>) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query("UPDATE company SET lock_date = $1, updated_at = $2 WHERE id = 1")
                .bind(date)
                .bind(&now)
        );
        Ok(())
    }

    /// The company, if it has been set up.
    pub async fn company(&mut self) -> Result<Option<Company>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT c.name, c.base_currency, c.financial_year_start, c.tax_rounding, c.negative_stock, i.code AS default_item,
                 c.costing_method, c.auto_allocate, c.version, c.updated_at FROM company c LEFT JOIN items i ON i.id = c.default_item_id WHERE c.id = 1"
            ),
            company_from
        ))
    }

    /// Creates the company row.
    pub async fn insert_company(&mut self, c: &CompanyRow) -> Result<Company> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO company (id, name, base_currency, financial_year_start, tax_rounding, negative_stock, default_item_id,
                 costing_method, auto_allocate, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $8, $9, $7)"
            )
            .bind(&c.name)
            .bind(&c.base_currency)
            .bind(&c.financial_year_start)
            .bind(c.tax_rounding.as_str())
            .bind(c.negative_stock.as_str())
            .bind(c.default_item_id)
            .bind(&now)
            .bind(c.costing_method.as_str())
            .bind(c.auto_allocate)
        );
        self.company().await?.ok_or_else(|| StoreError::NotFound {
            entity: "company",
            key: "1".into(),
        })
    }

    /// Updates the company, if `version` is current.
    pub async fn update_company(&mut self, version: i64, c: &CompanyRow) -> Result<Company> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE company SET name = $1, base_currency = $2, financial_year_start = $3, tax_rounding = $4,
                 negative_stock = $5, default_item_id = $6, costing_method = $9, auto_allocate = $10, version = version + 1, updated_at = $7
                 WHERE id = 1 AND version = $8"
            )
            .bind(&c.name)
            .bind(&c.base_currency)
            .bind(&c.financial_year_start)
            .bind(c.tax_rounding.as_str())
            .bind(c.negative_stock.as_str())
            .bind(c.default_item_id)
            .bind(&now)
            .bind(version)
            .bind(c.costing_method.as_str())
            .bind(c.auto_allocate)
        );
        let current = self.company().await?;
        crate::masters::version_outcome("company", 1, version, n, current)
    }
}
