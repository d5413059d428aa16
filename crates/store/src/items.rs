//! Items and their prices per price list.

use cartwright_core::{
    item::{Item, ItemPrice, ItemType},
    money::{QUANTITY_SCALE, UNIT_COST_SCALE, from_scaled},
    page::Page,
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
    masters::version_outcome,
    row::{DbRow, parse_enum, to_u32},
};

/// An item as written: references resolved to ids, amounts scaled.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// Code (SKU).
    pub code: String,
    /// Description.
    pub description: String,
    /// Type.
    pub item_type: ItemType,
    /// Unit of measure.
    pub unit: String,
    /// `(price-list id, price in the list currency's minor units)`.
    pub prices: Vec<(i64, i64)>,
    /// Standard cost × 10^4, base currency.
    pub standard_cost_e4: i64,
    /// Barcode.
    pub barcode: String,
    /// Weight in kg × 10^4.
    pub weight_e4: i64,
    /// Tax code id.
    pub tax_code_id: Option<i64>,
    /// Reorder level × 10^4.
    pub reorder_level_e4: i64,
    /// Preferred vendor's party id.
    pub preferred_vendor_id: Option<i64>,
    /// Active.
    pub active: bool,
}

fn item_from(r: &dyn DbRow) -> Result<Item> {
    Ok(Item {
        id: r.i64("id")?,
        code: r.string("code")?,
        description: r.string("description")?,
        item_type: parse_enum(
            "items",
            "item_type",
            &r.string("item_type")?,
            ItemType::parse,
        )?,
        unit: r.string("unit")?,
        prices: Vec::new(),
        standard_cost: from_scaled(r.i64("standard_cost_e4")?, UNIT_COST_SCALE).normalize(),
        barcode: r.string("barcode")?,
        weight_kg: from_scaled(r.i64("weight_e4")?, QUANTITY_SCALE).normalize(),
        tax_code: r.opt_string("tax_code")?,
        reorder_level: from_scaled(r.i64("reorder_level_e4")?, QUANTITY_SCALE).normalize(),
        preferred_vendor: r.opt_string("preferred_vendor")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
        created_at: r.string("created_at")?,
        updated_at: r.string("updated_at")?,
    })
}

fn price_from(r: &dyn DbRow) -> Result<(i64, ItemPrice)> {
    let minor_units = to_u32("currencies", "minor_units", r.i64("minor_units")?)?;
    Ok((
        r.i64("item_id")?,
        ItemPrice {
            price_list: r.string("price_list")?,
            currency: r.string("currency")?,
            price: from_scaled(r.i64("price_minor")?, minor_units),
        },
    ))
}

fn id_from(r: &dyn DbRow) -> Result<i64> {
    r.i64("id")
}

impl Tx {
    /// Creates an item with its prices.
    pub async fn insert_item(&mut self, i: &ItemRow) -> Result<Item> {
        let now = self.now.clone();
        let id = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO items (code, description, item_type, unit, standard_cost_e4, barcode, weight_e4, tax_code_id,
                 reorder_level_e4, preferred_vendor_id, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id"
            )
            .bind(&i.code)
            .bind(&i.description)
            .bind(i.item_type.as_str())
            .bind(&i.unit)
            .bind(i.standard_cost_e4)
            .bind(&i.barcode)
            .bind(i.weight_e4)
            .bind(i.tax_code_id)
            .bind(i.reorder_level_e4)
            .bind(i.preferred_vendor_id)
            .bind(i.active)
            .bind(&now),
            id_from
        )
        .ok_or_else(|| StoreError::NotFound { entity: "item", key: i.code.clone() })?;
        self.replace_prices(id, &i.prices).await?;
        self.item(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "item",
            key: i.code.clone(),
        })
    }

    /// Replaces every field and price of an item, if `version` is current.
    pub async fn update_item(&mut self, id: i64, version: i64, i: &ItemRow) -> Result<Item> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE items SET code = $1, description = $2, item_type = $3, unit = $4, standard_cost_e4 = $5, barcode = $6,
                 weight_e4 = $7, tax_code_id = $8, reorder_level_e4 = $9, preferred_vendor_id = $10, active = $11,
                 version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14"
            )
            .bind(&i.code)
            .bind(&i.description)
            .bind(i.item_type.as_str())
            .bind(&i.unit)
            .bind(i.standard_cost_e4)
            .bind(&i.barcode)
            .bind(i.weight_e4)
            .bind(i.tax_code_id)
            .bind(i.reorder_level_e4)
            .bind(i.preferred_vendor_id)
            .bind(i.active)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        if n == 1 {
            self.replace_prices(id, &i.prices).await?;
        }
        let current = self.item(id).await?;
        version_outcome("item", id, version, n, current)
    }

    async fn replace_prices(&mut self, item_id: i64, prices: &[(i64, i64)]) -> Result<()> {
        execute!(
            self,
            sqlx::query("DELETE FROM item_prices WHERE item_id = $1").bind(item_id)
        );
        for (list, price) in prices {
            execute!(
                self,
                sqlx::query("INSERT INTO item_prices (item_id, price_list_id, price_minor) VALUES ($1, $2, $3)")
                    .bind(item_id)
                    .bind(list)
                    .bind(price)
            );
        }
        Ok(())
    }

    /// One item with its prices.
    pub async fn item(&mut self, id: i64) -> Result<Option<Item>> {
        let item = fetch_opt!(
            self,
            sqlx::query(
                "SELECT i.id, i.code, i.description, i.item_type, i.unit, i.standard_cost_e4, i.barcode, i.weight_e4,
                 t.code AS tax_code, i.reorder_level_e4, v.code AS preferred_vendor, i.active, i.version, i.created_at, i.updated_at
                 FROM items i LEFT JOIN tax_codes t ON t.id = i.tax_code_id LEFT JOIN parties v ON v.id = i.preferred_vendor_id
                 WHERE i.id = $1"
            )
            .bind(id),
            item_from
        );
        let Some(mut item) = item else {
            return Ok(None);
        };
        self.attach_prices(std::slice::from_mut(&mut item)).await?;
        Ok(Some(item))
    }

    /// Whether the item is in use, which freezes its type. Today that is being the
    /// company's default item for cart lines; document lines and stock moves join
    /// this check when documents arrive.
    pub async fn item_is_used(&mut self, id: i64) -> Result<bool> {
        let n = fetch_opt!(
            self,
            sqlx::query("SELECT COUNT(*) AS n FROM company WHERE default_item_id = $1").bind(id),
            |r: &dyn DbRow| r.i64("n")
        );
        Ok(n.unwrap_or(0) > 0)
    }

    /// The id of an item by code, ignoring case.
    pub async fn item_id(&mut self, code: &str) -> Result<Option<i64>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM items WHERE lower(code) = lower($1)").bind(code),
            id_from
        ))
    }

    /// Every item code (lower-cased) with its id and version, for bulk imports.
    pub async fn item_keys(&mut self) -> Result<Vec<(String, i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT lower(code) AS k, id, version FROM items"),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.string("k")?, r.i64("id")?, r.i64("version")?))
        ))
    }

    /// Items by id; `filter` is an item type.
    pub async fn list_items(&mut self, q: &ListQuery) -> Result<Page<Item>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT i.id, i.code, i.description, i.item_type, i.unit, i.standard_cost_e4, i.barcode, i.weight_e4,
                 t.code AS tax_code, i.reorder_level_e4, v.code AS preferred_vendor, i.active, i.version, i.created_at, i.updated_at
                 FROM items i LEFT JOIN tax_codes t ON t.id = i.tax_code_id LEFT JOIN parties v ON v.id = i.preferred_vendor_id
                 WHERE i.id > $1
                 AND ($2 IS NULL OR lower(i.code) LIKE $2 ESCAPE '\\' OR lower(i.description) LIKE $2 ESCAPE '\\' OR lower(i.barcode) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR i.item_type = $3) AND ($4 IS NULL OR i.active = $4)
                 ORDER BY i.id LIMIT $5"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(&q.filter)
            .bind(q.active)
            .bind(q.fetch_limit()),
            item_from
        );
        let mut page = page_from_rows(rows, q, |i| i.id);
        self.attach_prices(&mut page.items).await?;
        Ok(page)
    }

    /// Loads the prices of `items` (sorted by id) in one query over their id range.
    async fn attach_prices(&mut self, items: &mut [Item]) -> Result<()> {
        let (Some(first), Some(last)) = (items.first().map(|i| i.id), items.last().map(|i| i.id))
        else {
            return Ok(());
        };
        let prices = fetch_all!(
            self,
            sqlx::query(
                "SELECT ip.item_id, pl.code AS price_list, pl.currency, c.minor_units, ip.price_minor
                 FROM item_prices ip JOIN price_lists pl ON pl.id = ip.price_list_id JOIN currencies c ON c.code = pl.currency
                 WHERE ip.item_id BETWEEN $1 AND $2 ORDER BY ip.item_id, pl.code"
            )
            .bind(first)
            .bind(last),
            price_from
        );
        for (item_id, price) in prices {
            if let Ok(pos) = items.binary_search_by_key(&item_id, |i| i.id)
                && let Some(item) = items.get_mut(pos)
            {
                item.prices.push(price);
            }
        }
        Ok(())
    }
}
