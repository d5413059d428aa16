//! The demo "trickle": a background task that keeps adding plausible orders (an existing
//! customer or a new guest, 1–3 rows, sometimes a combination), moving the shop clock along.

use std::time::Duration;

use super::{NewCustomer, PrestaShop, customers, orders, seed};

const FIRST: &[&str] = &["Lea", "Noah", "Zoe", "Adam", "Lina", "Sacha", "Mila", "Tom"];
const LAST: &[&str] = &["Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert"];

/// Adds one order; returns its id (None when the shop has nothing to sell).
pub(crate) fn once(shop: &PrestaShop) -> Option<i64> {
    let mut st = shop.lock();
    let existing: Vec<i64> = st.db.table("customers").rows.keys().copied().collect();
    let customer = if existing.is_empty() || st.rng.u8(..10) < 3 {
        let first = FIRST[st.rng.usize(..FIRST.len())];
        let last = LAST[st.rng.usize(..LAST.len())];
        let n = st.db.table("customers").next_id;
        let c = NewCustomer {
            email: format!(
                "{}.{}{n}@example.net",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            firstname: first.to_owned(),
            lastname: last.to_owned(),
            company: String::new(),
            is_guest: true,
        };
        customers::add_customer_in(&mut st, &c, 8)
    } else {
        existing[st.rng.usize(..existing.len())]
    };
    let order = seed::random_order(&mut st, &[customer]);
    if order.rows.is_empty() {
        return None;
    }
    Some(orders::add_order(&mut st, &order, true))
}

/// Adds an order every `every`, advancing the clock by as much each time.
pub(crate) async fn run(shop: PrestaShop, every: Duration) {
    let every = every.max(Duration::from_millis(1));
    let secs = i64::try_from(every.as_secs()).unwrap_or(i64::MAX).max(1);
    loop {
        tokio::time::sleep(every).await;
        shop.advance(secs);
        once(&shop);
    }
}
