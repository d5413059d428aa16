//! Products, combinations and their stock rows: creating, renaming and deleting them, and the
//! StockAvailable rule that a product's `id_product_attribute=0` row holds the sum of its
//! combinations' rows.

use super::{
    NewCombination, NewProduct,
    db::{self, Db, Row},
    money,
    schema::resource,
    state::State,
};

/// A URL-friendly slug like PrestaShop's `link_rewrite`.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn blank(name: &str) -> Row {
    resource(name).map(Db::blank).unwrap_or_default()
}

/// Creates a product row (no stock rows) and returns its id.
pub(crate) fn insert_product(st: &mut State, p: &NewProduct) -> i64 {
    let now = st.now_stored();
    let mut row = blank("products");
    for (k, v) in [
        ("id_category_default", "2"),
        ("id_tax_rules_group", "1"),
        ("type", "simple"),
        ("id_shop_default", "1"),
        ("state", "1"),
        ("product_type", "standard"),
        ("minimal_quantity", "1"),
        ("available_for_order", "1"),
        ("available_date", "0000-00-00"),
        ("condition", "new"),
        ("show_price", "1"),
        ("indexed", "1"),
        ("visibility", "both"),
        ("redirect_type", "default"),
        ("pack_stock_type", "3"),
    ] {
        db::set(&mut row, k, v);
    }
    db::set(&mut row, "reference", p.reference.clone());
    db::set(&mut row, "name", p.name.clone());
    db::set(&mut row, "link_rewrite", slug(&p.name));
    db::set(&mut row, "price", money::money(money::dec(&p.price)));
    db::set(
        &mut row,
        "wholesale_price",
        money::money(money::dec(&p.wholesale_price)),
    );
    db::set(&mut row, "active", if p.active { "1" } else { "0" });
    db::set(&mut row, "date_add", now.clone());
    db::set(&mut row, "date_upd", now);
    st.db.insert("products", row)
}

/// Creates the stock row of (product, attribute) and returns its id.
pub(crate) fn insert_stock(st: &mut State, product: i64, attribute: i64, quantity: i64) -> i64 {
    let mut row = blank("stock_availables");
    db::set(&mut row, "id_product", product.to_string());
    db::set(&mut row, "id_product_attribute", attribute.to_string());
    db::set(&mut row, "id_shop", "1");
    db::set(&mut row, "quantity", quantity.to_string());
    db::set(&mut row, "out_of_stock", "2");
    st.db.insert("stock_availables", row)
}

/// Creates a combination of `product` (with its stock row) and returns its id.
pub(crate) fn insert_combination(st: &mut State, product: i64, c: &NewCombination) -> i64 {
    let first = !st
        .db
        .find("combinations", "id_product", &product.to_string())
        .any(|_| true);
    let mut row = blank("combinations");
    db::set(&mut row, "id_product", product.to_string());
    db::set(&mut row, "reference", c.reference.clone());
    db::set(&mut row, "price", money::money(money::dec(&c.price_impact)));
    db::set(&mut row, "minimal_quantity", "1");
    db::set(&mut row, "available_date", "0000-00-00");
    db::set(&mut row, "default_on", if first { "1" } else { "" });
    let id = st.db.insert("combinations", row);
    insert_stock(st, product, id, c.quantity);
    after_combination_added(st, product, id, first);
    id
}

/// Product-side bookkeeping once a combination exists.
pub(crate) fn after_combination_added(st: &mut State, product: i64, combination: i64, first: bool) {
    if let Some(p) = st.db.get_mut("products", product) {
        db::set(p, "product_type", "combinations");
        if first {
            db::set(p, "id_default_combination", combination.to_string());
            db::set(p, "cache_default_attribute", combination.to_string());
        }
    }
    recompute_product_stock(st, product);
}

/// Adds a product with its stock rows and combinations; returns the product id.
pub(crate) fn add_product(st: &mut State, p: &NewProduct) -> i64 {
    let id = insert_product(st, p);
    insert_stock(st, id, 0, p.quantity);
    for c in &p.combinations {
        insert_combination(st, id, c);
    }
    id
}

/// The id of the stock row of (product, attribute).
pub(crate) fn stock_row_id(db: &Db, product: i64, attribute: i64) -> Option<i64> {
    db.table("stock_availables")
        .rows
        .iter()
        .find(|(_, r)| {
            db::int(r, "id_product") == product && db::int(r, "id_product_attribute") == attribute
        })
        .map(|(id, _)| *id)
}

/// Sets the product-level stock row to the sum of its combination rows (when it has any).
pub(crate) fn recompute_product_stock(st: &mut State, product: i64) {
    let rows = &st.db.table("stock_availables").rows;
    let combos: Vec<i64> = rows
        .values()
        .filter(|r| db::int(r, "id_product") == product && db::int(r, "id_product_attribute") != 0)
        .map(|r| db::int(r, "quantity"))
        .collect();
    if combos.is_empty() {
        return;
    }
    let sum: i64 = combos.iter().sum();
    if let Some(id) = stock_row_id(&st.db, product, 0)
        && let Some(row) = st.db.get_mut("stock_availables", id)
    {
        db::set(row, "quantity", sum.to_string());
    }
}

/// Adds `delta` to the stock of (product, attribute), keeping the product-level sum right.
pub(crate) fn move_stock(st: &mut State, product: i64, attribute: i64, delta: i64) {
    if let Some(id) = stock_row_id(&st.db, product, attribute)
        && let Some(row) = st.db.get_mut("stock_availables", id)
    {
        let q = db::int(row, "quantity") + delta;
        db::set(row, "quantity", q.to_string());
    }
    if attribute != 0 {
        recompute_product_stock(st, product);
    }
}

/// Renames a product and bumps its `date_upd`.
pub(crate) fn set_product_name(st: &mut State, id: i64, name: &str) {
    if let Some(row) = st.db.get_mut("products", id) {
        db::set(row, "name", name.to_owned());
        db::set(row, "link_rewrite", slug(name));
    }
    st.touch("products", id);
}

/// Deletes a product with its combinations and stock rows (order rows keep pointing at it).
pub(crate) fn delete_product(st: &mut State, id: i64) {
    st.db.table_mut("products").rows.remove(&id);
    st.db
        .table_mut("combinations")
        .rows
        .retain(|_, r| db::int(r, "id_product") != id);
    st.db
        .table_mut("stock_availables")
        .rows
        .retain(|_, r| db::int(r, "id_product") != id);
}
