//! Items and their prices per price list.

use cartwright_core::{
    item::{Component, Item, ItemPrice, ItemType},
    money::{QUANTITY_SCALE, UNIT_COST_SCALE, from_scaled},
    page::Page,
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
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
    /// Components (kits and assemblies): `(component item id, quantity × 10^4 per unit)`;
    /// `None` keeps what is stored (CSV rows carry no components).
    pub components: Option<Vec<(i64, i64)>>,
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
        components: Vec::new(),
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

/// Rows per multi-row statement: well under both engines' limits on bound parameters.
const BULK_CHUNK: usize = 500;

fn id_from(r: &dyn DbRow) -> Result<i64> {
    r.i64("id")
}

impl Tx {
    /// Creates an item with its prices.
    pub async fn insert_item(&mut self, i: &ItemRow) -> Result<Item> {
        let ids = self.insert_items(std::slice::from_ref(i)).await?;
        let id = ids.first().copied().unwrap_or_default();
        self.item(id).await?.ok_or_else(|| StoreError::NotFound {
            entity: "item",
            key: i.code.clone(),
        })
    }

    /// Creates many items with their prices in a few statements; returns their ids in input order.
    pub async fn insert_items(&mut self, rows: &[ItemRow]) -> Result<Vec<i64>> {
        let now = self.now.clone();
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(BULK_CHUNK) {
            let returned = fetch_all!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO items (code, description, item_type, unit, standard_cost_e4, barcode, weight_e4, tax_code_id, \
                         reorder_level_e4, preferred_vendor_id, active, created_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, i| {
                        b.push_bind(&i.code)
                            .push_bind(&i.description)
                            .push_bind(i.item_type.as_str())
                            .push_bind(&i.unit)
                            .push_bind(i.standard_cost_e4)
                            .push_bind(&i.barcode)
                            .push_bind(i.weight_e4)
                            .push_bind(i.tax_code_id)
                            .push_bind(i.reorder_level_e4)
                            .push_bind(i.preferred_vendor_id)
                            .push_bind(i.active)
                            .push_bind(&now)
                            .push_bind(&now);
                    });
                    qb.push(" RETURNING id, lower(code) AS k");
                    qb
                }
                .build(),
                |r: &dyn DbRow| Ok::<_, StoreError>((r.string("k")?, r.i64("id")?))
            );
            // RETURNING order is not promised by either engine: match rows by their unique code.
            let by_code: std::collections::HashMap<String, i64> = returned.into_iter().collect();
            for i in chunk {
                ids.push(*by_code.get(&i.code.to_lowercase()).ok_or_else(|| {
                    StoreError::NotFound {
                        entity: "item",
                        key: i.code.clone(),
                    }
                })?);
            }
        }
        let pairs: Vec<(i64, &ItemRow)> = ids.iter().copied().zip(rows).collect();
        self.insert_prices_bulk(&pairs).await?;
        for (id, r) in &pairs {
            if let Some(c) = &r.components {
                self.replace_components(*id, c).await?;
            }
        }
        Ok(ids)
    }

    /// Replaces every field and price of many items; fails as stale when one's version moved.
    pub async fn update_items(&mut self, rows: &[(i64, i64, ItemRow)]) -> Result<()> {
        let now = self.now.clone();
        for (id, version, i) in rows {
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
            if n != 1 {
                return Err(StoreError::Stale {
                    entity: "item",
                    id: *id,
                    expected: *version,
                });
            }
        }
        for chunk in rows.chunks(BULK_CHUNK) {
            execute!(
                self,
                {
                    let mut qb =
                        sqlx::QueryBuilder::new("DELETE FROM item_prices WHERE item_id IN (");
                    let mut sep = qb.separated(", ");
                    for (id, _, _) in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(")");
                    qb
                }
                .build()
            );
        }
        let pairs: Vec<(i64, &ItemRow)> = rows.iter().map(|(id, _, r)| (*id, r)).collect();
        self.insert_prices_bulk(&pairs).await?;
        for (id, r) in &pairs {
            if let Some(c) = &r.components {
                self.replace_components(*id, c).await?;
            }
        }
        Ok(())
    }

    async fn replace_components(&mut self, item_id: i64, components: &[(i64, i64)]) -> Result<()> {
        execute!(
            self,
            sqlx::query("DELETE FROM item_components WHERE item_id = $1").bind(item_id)
        );
        for (component, qty) in components {
            execute!(
                self,
                sqlx::query("INSERT INTO item_components (item_id, component_item_id, qty_e4) VALUES ($1, $2, $3)")
                    .bind(item_id)
                    .bind(component)
                    .bind(qty)
            );
        }
        Ok(())
    }

    /// The components of an item: `(component id, quantity × 10^4 per unit)`.
    pub async fn components(&mut self, item_id: i64) -> Result<Vec<(i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query("SELECT component_item_id, qty_e4 FROM item_components WHERE item_id = $1 ORDER BY component_item_id").bind(item_id),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("component_item_id")?, r.i64("qty_e4")?))
        ))
    }

    async fn insert_prices_bulk(&mut self, items: &[(i64, &ItemRow)]) -> Result<()> {
        let prices: Vec<(i64, i64, i64)> = items
            .iter()
            .flat_map(|(id, r)| {
                r.prices
                    .iter()
                    .map(move |(list, price)| (*id, *list, *price))
            })
            .collect();
        for chunk in prices.chunks(BULK_CHUNK) {
            execute!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO item_prices (item_id, price_list_id, price_minor) ",
                    );
                    qb.push_values(chunk, |mut b, (item, list, price)| {
                        b.push_bind(*item).push_bind(*list).push_bind(*price);
                    });
                    qb
                }
                .build()
            );
        }
        Ok(())
    }

    /// Many items by id, with prices, in id order.
    pub async fn items_by_ids(&mut self, ids: &[i64]) -> Result<Vec<Item>> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in sorted.chunks(BULK_CHUNK) {
            let mut items = fetch_all!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new(
                        "SELECT i.id, i.code, i.description, i.item_type, i.unit, i.standard_cost_e4, i.barcode, i.weight_e4, \
                         t.code AS tax_code, i.reorder_level_e4, v.code AS preferred_vendor, i.active, i.version, i.created_at, i.updated_at \
                         FROM items i LEFT JOIN tax_codes t ON t.id = i.tax_code_id LEFT JOIN parties v ON v.id = i.preferred_vendor_id \
                         WHERE i.id IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(") ORDER BY i.id");
                    qb
                }
                .build(),
                item_from
            );
            self.attach_prices(&mut items).await?;
            out.extend(items);
        }
        Ok(out)
    }

    /// Replaces every field and price of an item, if `version` is current.
    pub async fn update_item(&mut self, id: i64, version: i64, i: &ItemRow) -> Result<Item> {
        match self.update_items(&[(id, version, i.clone())]).await {
            Err(StoreError::Stale { .. }) if self.item_id_exists(id).await? => {
                Err(StoreError::Stale {
                    entity: "item",
                    id,
                    expected: version,
                })
            }
            Err(StoreError::Stale { .. }) => Err(StoreError::NotFound {
                entity: "item",
                key: id.to_string(),
            }),
            Err(e) => Err(e),
            Ok(()) => self.item(id).await?.ok_or_else(|| StoreError::NotFound {
                entity: "item",
                key: id.to_string(),
            }),
        }
    }

    async fn item_id_exists(&mut self, id: i64) -> Result<bool> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id FROM items WHERE id = $1").bind(id),
            id_from
        )
        .is_some())
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

    /// Whether the item is in use, which freezes its type: it is the company's default
    /// item for cart lines, on any document line, or a component of a kit or assembly.
    pub async fn item_is_used(&mut self, id: i64) -> Result<bool> {
        let n = fetch_opt!(
            self,
            sqlx::query(
                "SELECT (SELECT COUNT(*) FROM company WHERE default_item_id = $1)
                      + (SELECT COUNT(*) FROM document_lines WHERE item_id = $1)
                      + (SELECT COUNT(*) FROM item_components WHERE component_item_id = $1) AS n"
            )
            .bind(id),
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
        let components = fetch_all!(
            self,
            sqlx::query(
                "SELECT c.item_id, i.code, c.qty_e4 FROM item_components c JOIN items i ON i.id = c.component_item_id
                 WHERE c.item_id BETWEEN $1 AND $2 ORDER BY c.item_id, i.code"
            )
            .bind(first)
            .bind(last),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.i64("item_id")?,
                Component { item: r.string("code")?, quantity: from_scaled(r.i64("qty_e4")?, QUANTITY_SCALE).normalize() }
            ))
        );
        for (item_id, c) in components {
            if let Ok(pos) = items.binary_search_by_key(&item_id, |i| i.id)
                && let Some(item) = items.get_mut(pos)
            {
                item.components.push(c);
            }
        }
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
