//! Orders, their rows (order_details) and status history, with totals computed the way
//! PrestaShop rounds them: per unit, then per row, half-up to cents, stored with six decimals.

use rust_decimal::Decimal;

use super::{
    NewOrder, catalog,
    db::{self, Db},
    money::{self, dec},
    schema::resource,
    state::State,
};

/// Amounts of one order row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowTotals {
    pub unit_excl: Decimal,
    pub unit_incl: Decimal,
    pub total_excl: Decimal,
    pub total_incl: Decimal,
}

/// Amounts of a whole order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Totals {
    pub rows: Vec<RowTotals>,
    pub products: Decimal,
    pub products_wt: Decimal,
    pub shipping_excl: Decimal,
    pub shipping_incl: Decimal,
    pub discounts_excl: Decimal,
    pub discounts_incl: Decimal,
    pub paid_excl: Decimal,
    pub paid_incl: Decimal,
}

fn with_tax(excl: Decimal, rate_percent: Decimal) -> Decimal {
    money::round(
        excl * (Decimal::ONE + rate_percent / Decimal::ONE_HUNDRED),
        2,
    )
}

/// Computes the totals of an order from its rows `(quantity, unit price without tax)`.
pub(crate) fn totals(
    rows: &[(i64, Decimal)],
    tax_rate: Decimal,
    shipping_excl: Decimal,
    carrier_rate: Decimal,
    discounts_excl: Decimal,
) -> Totals {
    let rows: Vec<RowTotals> = rows
        .iter()
        .map(|&(qty, unit_excl)| {
            let unit_excl = money::round(unit_excl, 6);
            let unit_incl = with_tax(unit_excl, tax_rate);
            let q = Decimal::from(qty);
            RowTotals {
                unit_excl,
                unit_incl,
                total_excl: money::round(q * unit_excl, 2),
                total_incl: money::round(q * unit_incl, 2),
            }
        })
        .collect();
    let products: Decimal = rows.iter().map(|r| r.total_excl).sum();
    let products_wt: Decimal = rows.iter().map(|r| r.total_incl).sum();
    let shipping_incl = with_tax(shipping_excl, carrier_rate);
    let discounts_incl = with_tax(discounts_excl, tax_rate);
    Totals {
        paid_excl: products + shipping_excl - discounts_excl,
        paid_incl: products_wt + shipping_incl - discounts_incl,
        rows,
        products,
        products_wt,
        shipping_excl,
        shipping_incl,
        discounts_excl,
        discounts_incl,
    }
}

/// Whether an order state has the given flag set (`paid`, `logable`, …).
pub(crate) fn state_flag(db: &Db, state: i64, flag: &str) -> bool {
    db.get("order_states", state)
        .is_some_and(|r| db::int(r, flag) == 1)
}

/// A nine-letter order reference like PrestaShop's `Order::generateReference`.
fn reference(st: &mut State) -> String {
    (0..9).map(|_| st.rng.uppercase()).collect()
}

/// Adds a row to order_histories dated now.
pub(crate) fn add_history(st: &mut State, order: i64, state: i64) -> i64 {
    let mut row = resource("order_histories")
        .map(Db::blank)
        .unwrap_or_default();
    db::set(&mut row, "id_order_state", state.to_string());
    db::set(&mut row, "id_order", order.to_string());
    db::set(&mut row, "date_add", st.now_stored());
    st.db.insert("order_histories", row)
}

/// Moves an order to `state`: history row, `current_state`, `valid`, `total_paid_real`, `date_upd`.
pub(crate) fn set_order_state(st: &mut State, order: i64, state: i64) {
    if st.db.get("orders", order).is_none() {
        return;
    }
    add_history(st, order, state);
    let paid = state_flag(&st.db, state, "paid");
    let logable = state_flag(&st.db, state, "logable");
    if let Some(row) = st.db.get_mut("orders", order) {
        db::set(row, "current_state", state.to_string());
        db::set(row, "valid", if logable { "1" } else { "0" });
        if paid && dec(db::text(row, "total_paid_real")).is_zero() {
            let total = db::text(row, "total_paid").to_owned();
            db::set(row, "total_paid_real", total);
        }
    }
    st.touch("orders", order);
}

/// Adds an order with its rows and one history row; returns the order id.
/// `take_stock` decrements the sellable quantity of each ordered product that still exists.
pub(crate) fn add_order(st: &mut State, o: &NewOrder, take_stock: bool) -> i64 {
    let now = st.now_stored();
    let currency = st
        .db
        .find("currencies", "iso_code", &o.currency_iso.to_uppercase())
        .map(|(id, r)| (id, db::text(r, "conversion_rate").to_owned()))
        .next()
        .unwrap_or((1, "1.000000".to_owned()));
    let tax_rate = dec(&o.tax_rate);
    let carrier_rate = if o.carrier_tax_rate.trim().is_empty() {
        tax_rate
    } else {
        dec(&o.carrier_tax_rate)
    };
    let lines: Vec<(i64, Decimal)> = o
        .rows
        .iter()
        .map(|r| (r.quantity, dec(&r.unit_price_tax_excl)))
        .collect();
    let t = totals(
        &lines,
        tax_rate,
        dec(&o.shipping_tax_excl),
        carrier_rate,
        dec(&o.discounts_tax_excl),
    );
    let address = super::customers::first_address(&st.db, o.id_customer);
    let secure_key = st
        .db
        .get("customers", o.id_customer)
        .map(|r| db::text(r, "secure_key").to_owned())
        .unwrap_or_default();
    let paid = state_flag(&st.db, o.state, "paid");
    let logable = state_flag(&st.db, o.state, "logable");
    let reference = reference(st);
    let cart = st.db.table("orders").next_id;
    let m = money::money;

    let mut row = resource("orders").map(Db::blank).unwrap_or_default();
    for (k, v) in [
        ("id_address_delivery", address.to_string()),
        ("id_address_invoice", address.to_string()),
        ("id_cart", cart.to_string()),
        ("id_currency", currency.0.to_string()),
        ("id_lang", "1".to_owned()),
        ("id_customer", o.id_customer.to_string()),
        ("id_carrier", "1".to_owned()),
        ("current_state", o.state.to_string()),
        ("module", "ps_wirepayment".to_owned()),
        ("valid", if logable { "1" } else { "0" }.to_owned()),
        ("date_add", now.clone()),
        ("date_upd", now.clone()),
        ("id_shop_group", "1".to_owned()),
        ("id_shop", "1".to_owned()),
        ("secure_key", secure_key),
        ("payment", "Bank transfer".to_owned()),
        ("total_discounts", m(t.discounts_incl)),
        ("total_discounts_tax_incl", m(t.discounts_incl)),
        ("total_discounts_tax_excl", m(t.discounts_excl)),
        ("total_paid", m(t.paid_incl)),
        ("total_paid_tax_incl", m(t.paid_incl)),
        ("total_paid_tax_excl", m(t.paid_excl)),
        (
            "total_paid_real",
            m(if paid { t.paid_incl } else { Decimal::ZERO }),
        ),
        ("total_products", m(t.products)),
        ("total_products_wt", m(t.products_wt)),
        ("total_shipping", m(t.shipping_incl)),
        ("total_shipping_tax_incl", m(t.shipping_incl)),
        ("total_shipping_tax_excl", m(t.shipping_excl)),
        ("carrier_tax_rate", money::format(carrier_rate, 3)),
        ("round_mode", "2".to_owned()),
        ("round_type", "2".to_owned()),
        ("conversion_rate", currency.1),
        ("reference", reference),
    ] {
        db::set(&mut row, k, v);
    }
    let order = st.db.insert("orders", row);

    for (r, rt) in o.rows.iter().zip(&t.rows) {
        let product = st.db.get("products", r.product_id);
        let combination = st
            .db
            .get("combinations", r.product_attribute_id)
            .filter(|c| db::int(c, "id_product") == r.product_id);
        let name = r.name.clone().unwrap_or_else(|| {
            product
                .map(|p| db::text(p, "name").to_owned())
                .unwrap_or_default()
        });
        let sku = r.reference.clone().unwrap_or_else(|| {
            combination
                .map(|c| db::text(c, "reference").to_owned())
                .filter(|s| !s.is_empty())
                .or_else(|| product.map(|p| db::text(p, "reference").to_owned()))
                .unwrap_or_default()
        });
        let wholesale = product
            .map(|p| db::text(p, "wholesale_price").to_owned())
            .unwrap_or_else(|| m(Decimal::ZERO));
        let exists = product.is_some();
        let mut d = resource("order_details").map(Db::blank).unwrap_or_default();
        for (k, v) in [
            ("id_order", order.to_string()),
            ("product_id", r.product_id.to_string()),
            ("product_attribute_id", r.product_attribute_id.to_string()),
            ("id_shop", "1".to_owned()),
            ("product_name", name),
            ("product_quantity", r.quantity.to_string()),
            ("product_quantity_in_stock", r.quantity.to_string()),
            ("product_price", m(rt.unit_excl)),
            ("product_reference", sku),
            ("id_tax_rules_group", "1".to_owned()),
            ("unit_price_tax_incl", m(rt.unit_incl)),
            ("unit_price_tax_excl", m(rt.unit_excl)),
            ("total_price_tax_incl", m(rt.total_incl)),
            ("total_price_tax_excl", m(rt.total_excl)),
            ("purchase_supplier_price", wholesale.clone()),
            ("original_product_price", m(rt.unit_excl)),
            ("original_wholesale_price", wholesale),
        ] {
            db::set(&mut d, k, v);
        }
        st.db.insert("order_details", d);
        if take_stock && exists {
            catalog::move_stock(st, r.product_id, r.product_attribute_id, -r.quantity);
        }
    }
    add_history(st, order, o.state);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_per_unit_then_per_row() {
        let t = totals(
            &[(2, dec("11.90")), (1, dec("23.90"))],
            dec("20"),
            dec("7"),
            dec("20"),
            Decimal::ZERO,
        );
        assert_eq!(t.rows[0].unit_incl, dec("14.28"));
        assert_eq!(t.products, dec("47.70"));
        assert_eq!(t.products_wt, dec("57.24"));
        assert_eq!(t.shipping_incl, dec("8.40"));
        assert_eq!(t.paid_incl, dec("65.64"));
        assert_eq!(t.paid_excl, dec("54.70"));
    }
}
