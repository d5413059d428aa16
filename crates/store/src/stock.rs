//! Stock levels, immutable stock moves, and the cost state of each item.

use cartwright_core::costing::{CostState, Layer};

use crate::{
    Backend, Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    row::{DbRow, parse_json},
};

/// One stock move as written: signed quantity and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRow {
    /// Document.
    pub document_id: i64,
    /// Document line.
    pub line_id: Option<i64>,
    /// Item.
    pub item_id: i64,
    /// Site.
    pub site_id: i64,
    /// Bin.
    pub bin_id: Option<i64>,
    /// Quantity × 10^4, positive in, negative out.
    pub qty_e4: i64,
    /// Value, base minor units, same sign as the quantity.
    pub value_minor: i64,
    /// Date of the move.
    pub date: String,
}

/// A stored stock move with readable references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveView {
    /// Move id.
    pub id: i64,
    /// Date.
    pub date: String,
    /// Document id.
    pub document_id: i64,
    /// Document type.
    pub doc_type: String,
    /// Document number.
    pub number: Option<String>,
    /// Item code.
    pub item: String,
    /// Site code.
    pub site: String,
    /// Bin code.
    pub bin: Option<String>,
    /// Quantity × 10^4.
    pub qty_e4: i64,
    /// Value, base minor units.
    pub value_minor: i64,
}

/// Stock figures of one item at one site (× 10^4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Level {
    /// Item.
    pub item_id: i64,
    /// Site.
    pub site_id: i64,
    /// On hand.
    pub on_hand_e4: i64,
    /// Held for saved sales orders not yet dispatched.
    pub allocated_e4: i64,
    /// On open purchase orders.
    pub on_order_e4: i64,
}

fn level_from(r: &dyn DbRow) -> Result<Level> {
    Ok(Level {
        item_id: r.i64("item_id")?,
        site_id: r.i64("site_id")?,
        on_hand_e4: r.i64("on_hand_e4")?,
        allocated_e4: r.i64("allocated_e4")?,
        on_order_e4: r.i64("on_order_e4")?,
    })
}

impl Tx {
    /// The level of an item at a site (zeros when none is stored).
    pub async fn level(&mut self, item_id: i64, site_id: i64) -> Result<Level> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT item_id, site_id, on_hand_e4, allocated_e4, on_order_e4 FROM stock_levels WHERE item_id = $1 AND site_id = $2")
                .bind(item_id)
                .bind(site_id),
            level_from
        )
        .unwrap_or(Level { item_id, site_id, ..Level::default() }))
    }

    /// Every stored level, optionally of one item.
    pub async fn levels(&mut self, item_id: Option<i64>) -> Result<Vec<Level>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT item_id, site_id, on_hand_e4, allocated_e4, on_order_e4 FROM stock_levels
                 WHERE ($1 IS NULL OR item_id = $1) ORDER BY item_id, site_id"
            )
            .bind(item_id),
            level_from
        ))
    }

    /// Adds deltas to a level, creating it at zero first.
    pub async fn change_level(
        &mut self,
        item_id: i64,
        site_id: i64,
        on_hand: i64,
        allocated: i64,
        on_order: i64,
    ) -> Result<()> {
        execute!(
            self,
            sqlx::query(
                "INSERT INTO stock_levels (item_id, site_id, on_hand_e4, allocated_e4, on_order_e4) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (item_id, site_id) DO UPDATE SET on_hand_e4 = stock_levels.on_hand_e4 + excluded.on_hand_e4,
                 allocated_e4 = stock_levels.allocated_e4 + excluded.allocated_e4, on_order_e4 = stock_levels.on_order_e4 + excluded.on_order_e4"
            )
            .bind(item_id)
            .bind(site_id)
            .bind(on_hand)
            .bind(allocated)
            .bind(on_order)
        );
        if on_hand != 0 || allocated != 0 {
            // Free stock changed: carts selling the item hear of it (same transaction).
            self.enqueue_stock(&[item_id]).await?;
        }
        Ok(())
    }

    /// Locks the level rows of these items (PostgreSQL; SQLite already holds the write lock),
    /// in item order so concurrent savers cannot deadlock.
    pub async fn lock_items(&mut self, item_ids: &[i64]) -> Result<()> {
        if self.backend() != Backend::Postgres {
            return Ok(());
        }
        let mut ids = item_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            execute!(
                self,
                sqlx::query(
                    "INSERT INTO item_costs (item_id) VALUES ($1) ON CONFLICT (item_id) DO NOTHING"
                )
                .bind(id)
            );
            fetch_opt!(
                self,
                sqlx::query("SELECT item_id FROM item_costs WHERE item_id = $1 FOR UPDATE")
                    .bind(id),
                |r: &dyn DbRow| r.i64("item_id")
            );
        }
        Ok(())
    }

    /// Stores stock moves.
    pub async fn insert_moves(&mut self, moves: &[MoveRow]) -> Result<()> {
        let now = self.now.clone();
        for chunk in moves.chunks(500) {
            execute!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO stock_moves (document_id, line_id, item_id, site_id, bin_id, qty_e4, value_minor, move_date, created_at) ",
                    );
                    qb.push_values(chunk, |mut b, m| {
                        b.push_bind(m.document_id)
                            .push_bind(m.line_id)
                            .push_bind(m.item_id)
                            .push_bind(m.site_id)
                            .push_bind(m.bin_id)
                            .push_bind(m.qty_e4)
                            .push_bind(m.value_minor)
                            .push_bind(&m.date)
                            .push_bind(&now);
                    });
                    qb
                }
                .build()
            );
        }
        Ok(())
    }

    /// The stock moves of a document.
    pub async fn document_moves(&mut self, document_id: i64) -> Result<Vec<MoveRow>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT document_id, line_id, item_id, site_id, bin_id, qty_e4, value_minor, move_date FROM stock_moves
                 WHERE document_id = $1 ORDER BY id"
            )
            .bind(document_id),
            |r: &dyn DbRow| Ok::<_, StoreError>(MoveRow {
                document_id: r.i64("document_id")?,
                line_id: r.opt_i64("line_id")?,
                item_id: r.i64("item_id")?,
                site_id: r.i64("site_id")?,
                bin_id: r.opt_i64("bin_id")?,
                qty_e4: r.i64("qty_e4")?,
                value_minor: r.i64("value_minor")?,
                date: r.string("move_date")?,
            })
        ))
    }

    /// Stock moves, newest last, with their document's type and number and the item and site codes.
    pub async fn list_moves(
        &mut self,
        item_id: Option<i64>,
        site_id: Option<i64>,
        document_id: Option<i64>,
        q: &crate::ListQuery,
    ) -> Result<Vec<MoveView>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT m.id, m.move_date, m.document_id, d.doc_type, d.number, i.code AS item, s.code AS site, b.code AS bin, m.qty_e4, m.value_minor
                 FROM stock_moves m JOIN documents d ON d.id = m.document_id JOIN items i ON i.id = m.item_id JOIN sites s ON s.id = m.site_id
                 LEFT JOIN bins b ON b.id = m.bin_id
                 WHERE m.id > $1 AND ($2 IS NULL OR m.item_id = $2) AND ($3 IS NULL OR m.site_id = $3) AND ($4 IS NULL OR m.document_id = $4)
                 ORDER BY m.id LIMIT $5"
            )
            .bind(q.after)
            .bind(item_id)
            .bind(site_id)
            .bind(document_id)
            .bind(q.fetch_limit()),
            |r: &dyn DbRow| Ok::<_, StoreError>(MoveView {
                id: r.i64("id")?,
                date: r.string("move_date")?,
                document_id: r.i64("document_id")?,
                doc_type: r.string("doc_type")?,
                number: r.opt_string("number")?,
                item: r.string("item")?,
                site: r.string("site")?,
                bin: r.opt_string("bin")?,
                qty_e4: r.i64("qty_e4")?,
                value_minor: r.i64("value_minor")?,
            })
        ))
    }

    /// Quantity and value per item and site from the moves dated on or before `as_of`.
    pub async fn valuation(&mut self, as_of: &str) -> Result<Vec<(i64, i64, i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT item_id, site_id, CAST(SUM(qty_e4) AS BIGINT) AS q, CAST(SUM(value_minor) AS BIGINT) AS v FROM stock_moves
                 WHERE move_date <= $1 GROUP BY item_id, site_id ORDER BY item_id, site_id"
            )
            .bind(as_of),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("item_id")?, r.i64("site_id")?, r.i64("q")?, r.i64("v")?))
        ))
    }

    /// On hand per item, site and bin as the sum of moves (bin `None`: no bin given).
    pub async fn on_hand_by_bin(
        &mut self,
        item_id: Option<i64>,
    ) -> Result<Vec<(i64, i64, Option<String>, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT m.item_id, m.site_id, b.code AS bin, CAST(SUM(m.qty_e4) AS BIGINT) AS q FROM stock_moves m LEFT JOIN bins b ON b.id = m.bin_id
                 WHERE ($1 IS NULL OR m.item_id = $1) GROUP BY m.item_id, m.site_id, b.code ORDER BY m.item_id, m.site_id, b.code"
            )
            .bind(item_id),
            |r: &dyn DbRow| Ok::<_, StoreError>((r.i64("item_id")?, r.i64("site_id")?, r.opt_string("bin")?, r.i64("q")?))
        ))
    }

    /// On hand per item and site as the sum of moves, for checking the stored levels.
    pub async fn on_hand_from_moves(&mut self) -> Result<Vec<(i64, i64, i64)>> {
        Ok(fetch_all!(
            self,
            sqlx::query(
                "SELECT item_id, site_id, CAST(SUM(qty_e4) AS BIGINT) AS q FROM stock_moves GROUP BY item_id, site_id ORDER BY item_id, site_id"
            ),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.i64("item_id")?,
                r.i64("site_id")?,
                r.i64("q")?
            ))
        ))
    }

    /// The cost state of an item.
    pub async fn item_cost(&mut self, item_id: i64) -> Result<CostState> {
        let row = fetch_opt!(
            self,
            sqlx::query(
                "SELECT qty_e4, value_minor, layers_json FROM item_costs WHERE item_id = $1"
            )
            .bind(item_id),
            |r: &dyn DbRow| Ok::<_, StoreError>((
                r.i64("qty_e4")?,
                r.i64("value_minor")?,
                r.string("layers_json")?
            ))
        );
        Ok(match row {
            Some((qty_e4, value_minor, layers)) => {
                let layers: Vec<Layer> = parse_json("item_costs", "layers_json", &layers)?;
                CostState {
                    qty_e4,
                    value_minor,
                    layers,
                }
            }
            None => CostState::default(),
        })
    }

    /// Stores the cost state of an item.
    pub async fn set_item_cost(&mut self, item_id: i64, state: &CostState) -> Result<()> {
        let layers = serde_json::to_string(&state.layers).unwrap_or_else(|_| "[]".to_owned());
        execute!(
            self,
            sqlx::query(
                "INSERT INTO item_costs (item_id, qty_e4, value_minor, layers_json) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (item_id) DO UPDATE SET qty_e4 = excluded.qty_e4, value_minor = excluded.value_minor, layers_json = excluded.layers_json"
            )
            .bind(item_id)
            .bind(state.qty_e4)
            .bind(state.value_minor)
            .bind(layers)
        );
        Ok(())
    }

    /// Total value of stock at cost, base minor units (the stock account must agree).
    pub async fn stock_value(&mut self) -> Result<i64> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT CAST(COALESCE(SUM(value_minor), 0) AS BIGINT) AS v FROM item_costs"
            ),
            |r: &dyn DbRow| r.i64("v")
        )
        .unwrap_or(0))
    }
}
