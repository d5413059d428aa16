//! Seed data: the reference tables every shop has (configuration, currencies, order states,
//! languages, countries) and the `Standard` and `Demo` catalogues, customers and orders.
//! The module doc of `prestashop` lists what `Seed::Standard` contains.

use super::{
    NewCombination, NewCustomer, NewOrder, NewOrderRow, NewProduct, Seed, catalog, customers,
    db::{self, Db},
    orders,
    schema::resource,
    state::State,
};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// Inserts a row with explicit values at a chosen id.
fn put(st: &mut State, res: &'static str, id: i64, vals: &[(&'static str, &str)]) {
    let mut row = resource(res).map(Db::blank).unwrap_or_default();
    for (k, v) in vals {
        db::set(&mut row, k, (*v).to_owned());
    }
    st.db.insert_at(res, id, row);
}

/// Runs `f` with the clock set to `at`, then puts the clock back.
fn at<T>(st: &mut State, at: i64, f: impl FnOnce(&mut State) -> T) -> T {
    let saved = st.clock.now();
    st.clock.advance(at - saved);
    let out = f(st);
    let moved = st.clock.now();
    st.clock.advance(saved - moved);
    out
}

/// Fills the shop according to `seed`.
pub(crate) fn apply(st: &mut State, seed: &Seed, timezone: &str) {
    reference_data(st, timezone);
    match seed {
        Seed::Empty => {}
        Seed::Standard => standard(st),
        Seed::Demo { products } => demo(st, *products),
    }
}

fn reference_data(st: &mut State, timezone: &str) {
    let long_ago = (st.clock.now() - 90 * DAY).to_string();
    let configs = [
        ("PS_SHOP_NAME", "Emulated Shop"),
        ("PS_TIMEZONE", timezone),
        ("PS_CURRENCY_DEFAULT", "1"),
        ("PS_LANG_DEFAULT", "1"),
        ("PS_COUNTRY_DEFAULT", "8"),
        ("PS_WEBSERVICE", "1"),
        ("PS_PRICE_ROUND_MODE", "2"),
        ("PS_ROUND_TYPE", "2"),
    ];
    for (i, (name, value)) in (1..).zip(configs) {
        put(
            st,
            "configurations",
            i,
            &[
                ("name", name),
                ("value", value),
                ("id_shop_group", ""),
                ("id_shop", ""),
                ("date_add", &long_ago),
                ("date_upd", &long_ago),
            ],
        );
    }
    for (id, name, symbol, iso, num, rate, active) in [
        (1, "Euro", "€", "EUR", "978", "1.000000", "1"),
        (2, "US Dollar", "$", "USD", "840", "1.080000", "1"),
        (3, "British Pound", "£", "GBP", "826", "0.860000", "0"),
    ] {
        put(
            st,
            "currencies",
            id,
            &[
                ("names", name),
                ("name", name),
                ("symbol", symbol),
                ("iso_code", iso),
                ("numeric_iso_code", num),
                ("precision", "2"),
                ("conversion_rate", rate),
                ("active", active),
                ("pattern", ""),
            ],
        );
    }
    // (id, name, template, color, logable, paid, shipped, delivery, invoice)
    let states = [
        (
            1,
            "Awaiting check payment",
            "cheque",
            "#34209E",
            "0",
            "0",
            "0",
            "0",
            "0",
        ),
        (
            2,
            "Payment accepted",
            "payment",
            "#3498D8",
            "1",
            "1",
            "0",
            "0",
            "1",
        ),
        (
            3,
            "Processing in progress",
            "preparation",
            "#3498D8",
            "1",
            "1",
            "0",
            "0",
            "1",
        ),
        (4, "Shipped", "shipped", "#01b887", "1", "1", "1", "0", "1"),
        (5, "Delivered", "", "#01b887", "1", "1", "1", "1", "1"),
        (
            6,
            "Canceled",
            "order_canceled",
            "#2C3E50",
            "0",
            "0",
            "0",
            "0",
            "0",
        ),
        (7, "Refunded", "refund", "#ec2e15", "0", "1", "0", "0", "1"),
        (
            8,
            "Payment error",
            "payment_error",
            "#8f0621",
            "0",
            "0",
            "0",
            "0",
            "0",
        ),
    ];
    for (id, name, template, color, logable, paid, shipped, delivery, invoice) in states {
        let module = if id == 1 { "ps_checkpayment" } else { "" };
        put(
            st,
            "order_states",
            id,
            &[
                ("unremovable", "1"),
                ("delivery", delivery),
                ("send_email", if template.is_empty() { "0" } else { "1" }),
                ("module_name", module),
                ("invoice", invoice),
                ("color", color),
                ("logable", logable),
                ("shipped", shipped),
                ("paid", paid),
                ("pdf_delivery", shipped),
                ("pdf_invoice", invoice),
                ("name", name),
                ("template", template),
            ],
        );
    }
    put(
        st,
        "languages",
        1,
        &[
            ("name", "English (English)"),
            ("iso_code", "en"),
            ("locale", "en-US"),
            ("language_code", "en-us"),
            ("active", "1"),
            ("date_format_lite", "m/d/Y"),
            ("date_format_full", "m/d/Y H:i:s"),
        ],
    );
    for (id, iso, zone, prefix, states, zip, name) in [
        (8, "FR", "1", "33", "0", "NNNNN", "France"),
        (17, "GB", "1", "44", "0", "", "United Kingdom"),
        (21, "US", "2", "1", "1", "NNNNN", "United States"),
    ] {
        put(
            st,
            "countries",
            id,
            &[
                ("id_zone", zone),
                ("call_prefix", prefix),
                ("iso_code", iso),
                ("active", "1"),
                ("contains_states", states),
                ("need_zip_code", "1"),
                ("zip_code_format", zip),
                ("display_tax_label", "1"),
                ("name", name),
            ],
        );
    }
}

fn product(reference: &str, name: &str, price: &str, wholesale: &str, qty: i64) -> NewProduct {
    NewProduct {
        reference: reference.to_owned(),
        name: name.to_owned(),
        price: price.to_owned(),
        wholesale_price: wholesale.to_owned(),
        quantity: qty,
        active: true,
        combinations: Vec::new(),
    }
}

fn customer(email: &str, first: &str, last: &str, company: &str, guest: bool) -> NewCustomer {
    NewCustomer {
        email: email.to_owned(),
        firstname: first.to_owned(),
        lastname: last.to_owned(),
        company: company.to_owned(),
        is_guest: guest,
    }
}

fn row(product_id: i64, attribute: i64, qty: i64, unit: &str) -> NewOrderRow {
    NewOrderRow {
        product_id,
        product_attribute_id: attribute,
        quantity: qty,
        unit_price_tax_excl: unit.to_owned(),
        name: None,
        reference: None,
    }
}

fn standard(st: &mut State) {
    let start = st.clock.now();
    let mut tshirt = product(
        "demo_1",
        "Hummingbird printed t-shirt",
        "23.900000",
        "10",
        0,
    );
    tshirt.combinations = ["S", "M", "L", "XL"]
        .iter()
        .map(|size| NewCombination {
            reference: format!("demo_1-{size}"),
            price_impact: if *size == "XL" { "1.000000" } else { "0" }.to_owned(),
            quantity: 10,
        })
        .collect();
    let catalogue = [
        tshirt,
        product(
            "demo_2",
            "Mug The best is yet to come",
            "11.900000",
            "5",
            30,
        ),
        product("demo_3", "Poster", "29.000000", "12", 5),
        product("demo_4", "Notebook", "12.900000", "5.5", 0),
        product("demo_5", "Discontinued tote bag", "15.000000", "6", 0),
    ];
    for (i, p) in (0..).zip(&catalogue) {
        at(st, start - 30 * DAY + i * HOUR, |st| {
            catalog::add_product(st, p)
        });
    }
    at(st, start - 29 * DAY, |st| catalog::delete_product(st, 5));

    let people = [
        (
            20,
            customer("john.doe@example.com", "John", "Doe", "", false),
            21,
        ),
        (
            3,
            customer("jane.guest@example.com", "Jane", "Guest", "", true),
            8,
        ),
        (
            2,
            customer("jane.guest@example.com", "Jane", "Guest", "", true),
            8,
        ),
        (
            10,
            customer(
                "pierre.martin@example.fr",
                "Pierre",
                "Martin",
                "Martin SARL",
                false,
            ),
            8,
        ),
    ];
    for (days, c, country) in &people {
        at(st, start - days * DAY, |st| {
            customers::add_customer_in(st, c, *country)
        });
    }

    let order =
        |customer: i64, currency: &str, rows, shipping: &str, discount: &str, state| NewOrder {
            id_customer: customer,
            currency_iso: currency.to_owned(),
            rows,
            shipping_tax_excl: shipping.to_owned(),
            carrier_tax_rate: "20.000".to_owned(),
            discounts_tax_excl: discount.to_owned(),
            tax_rate: "20".to_owned(),
            state,
        };
    let mut tote = row(5, 0, 1, "15.000000");
    tote.name = Some("Discontinued tote bag".to_owned());
    tote.reference = Some("demo_5".to_owned());
    let seeded = [
        (
            20,
            order(
                1,
                "EUR",
                vec![row(2, 0, 2, "11.900000"), row(1, 2, 1, "23.900000")],
                "7.00",
                "0",
                2,
            ),
        ),
        (
            15,
            order(2, "EUR", vec![row(3, 0, 1, "29.000000")], "5.00", "0", 1),
        ),
        (
            10,
            order(4, "USD", vec![row(2, 0, 3, "12.850000")], "7.56", "5.00", 2),
        ),
        (5, order(1, "EUR", vec![tote], "4.00", "0", 2)),
    ];
    for (hours, o) in &seeded {
        at(st, start - hours * HOUR, |st| {
            orders::add_order(st, o, false)
        });
    }
}

const ADJECTIVES: &[&str] = &[
    "Classic", "Organic", "Vintage", "Compact", "Deluxe", "Rustic", "Modern", "Handmade",
];
const NOUNS: &[&str] = &[
    "Mug", "T-shirt", "Notebook", "Poster", "Tote bag", "Cushion", "Lamp", "Scarf", "Candle",
];
const FIRST: &[&str] = &[
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gina", "Hugo", "Inès", "Jules",
];
const LAST: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau",
    "Simon",
];

fn demo(st: &mut State, n: usize) {
    let start = st.clock.now();
    let mut product_ids = Vec::new();
    for i in 1..=n {
        let name = format!(
            "{} {}",
            ADJECTIVES[i % ADJECTIVES.len()],
            NOUNS[i % NOUNS.len()]
        );
        let price = format!("{}.900000", 5 + (i * 37) % 60);
        let wholesale = format!("{}.000000", 2 + (i * 37) % 30);
        let reference = format!("SKU-{i:04}");
        let mut p = product(
            &reference,
            &name,
            &price,
            &wholesale,
            ((i * 13) % 40) as i64,
        );
        if i % 5 == 0 {
            let sizes: &[&str] = if i % 10 == 0 {
                &["S", "M", "L"]
            } else {
                &["S", "M"]
            };
            p.combinations = sizes
                .iter()
                .map(|s| NewCombination {
                    reference: format!("{reference}-{s}"),
                    price_impact: "0".to_owned(),
                    quantity: ((i * 7) % 15) as i64,
                })
                .collect();
        }
        let offset = 40 * DAY - (i as i64) * 600;
        product_ids.push(at(st, start - offset, |st| catalog::add_product(st, &p)));
    }
    let mut customer_ids = Vec::new();
    for i in 0..10 {
        let guest = i % 4 == 3;
        let first = FIRST[i % FIRST.len()];
        let last = LAST[i % LAST.len()];
        let email = format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let c = customer(&email, first, last, "", guest);
        let country = if i % 3 == 0 { 17 } else { 8 };
        let when = start - (20 - i as i64) * DAY;
        customer_ids.push(at(st, when, |st| {
            customers::add_customer_in(st, &c, country)
        }));
    }
    if product_ids.is_empty() {
        return;
    }
    for k in 0..5_i64 {
        let when = start - (10 - 2 * k) * HOUR;
        at(st, when, |st| {
            let o = random_order(st, &customer_ids);
            orders::add_order(st, &o, false)
        });
    }
}

/// A plausible order from existing customers and active products (used by `Demo` and trickle).
pub(crate) fn random_order(st: &mut State, customers: &[i64]) -> NewOrder {
    let products: Vec<i64> = st
        .db
        .table("products")
        .rows
        .iter()
        .filter(|(_, r)| db::int(r, "active") == 1)
        .map(|(id, _)| *id)
        .collect();
    let customer = if customers.is_empty() {
        0
    } else {
        customers[st.rng.usize(..customers.len())]
    };
    let usd = st.rng.u8(..10) == 0;
    let rate = if usd {
        super::money::dec("1.08")
    } else {
        rust_decimal::Decimal::ONE
    };
    let mut rows = Vec::new();
    let lines = st.rng.usize(1..=3);
    for _ in 0..lines {
        if products.is_empty() {
            break;
        }
        let pid = products[st.rng.usize(..products.len())];
        let combos: Vec<(i64, String)> = st
            .db
            .find("combinations", "id_product", &pid.to_string())
            .map(|(id, r)| (id, db::text(r, "price").to_owned()))
            .collect();
        let base = st
            .db
            .get("products", pid)
            .map(|r| super::money::dec(db::text(r, "price")))
            .unwrap_or_default();
        let (attr, impact) = if combos.is_empty() {
            (0, rust_decimal::Decimal::ZERO)
        } else {
            let (id, price) = &combos[st.rng.usize(..combos.len())];
            (*id, super::money::dec(price))
        };
        let unit = super::money::money(super::money::round((base + impact) * rate, 2));
        rows.push(row(pid, attr, st.rng.i64(1..=3), &unit));
    }
    NewOrder {
        id_customer: customer,
        currency_iso: if usd { "USD" } else { "EUR" }.to_owned(),
        rows,
        shipping_tax_excl: "7.00".to_owned(),
        carrier_tax_rate: "20.000".to_owned(),
        discounts_tax_excl: "0".to_owned(),
        tax_rate: "20".to_owned(),
        state: if st.rng.u8(..4) == 0 { 1 } else { 2 },
    }
}
