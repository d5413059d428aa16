//! A local PrestaShop 8.x webservice (`/api/…`) emulator, written from the wire format only
//! (cart-apis.md §1, checked against the 8.x `WebserviceRequest`/`WebserviceOutput*` sources).
//!
//! [`PrestaShop::start`] binds an axum server on `127.0.0.1:0` inside the current tokio runtime.
//! The shop keeps its data in memory, has a clock that only moves through
//! [`PrestaShop::advance`], and can inject faults ([`Fault`]) and mutations between requests.
//!
//! # Keys
//! [`FULL_KEY`] (everything), [`READ_ONLY_KEY`] (GET/HEAD only), [`NO_CUSTOMERS_KEY`] (all but
//! `customers`), [`INACTIVE_KEY`] (a disabled key).
//!
//! # `Seed::Standard`
//! Reference data (also in `Seed::Empty` and `Seed::Demo`):
//! - configurations 1–8: `PS_SHOP_NAME`="Emulated Shop", `PS_TIMEZONE`=`Options::timezone`,
//!   `PS_CURRENCY_DEFAULT`=1, `PS_LANG_DEFAULT`=1, `PS_COUNTRY_DEFAULT`=8, `PS_WEBSERVICE`=1,
//!   `PS_PRICE_ROUND_MODE`=2, `PS_ROUND_TYPE`=2 (empty `id_shop`/`id_shop_group`: global rows).
//! - currencies: 1 EUR (default, `1.000000`), 2 USD (`1.080000`), 3 GBP (`0.860000`, inactive).
//! - order_states 1–8: 1 Awaiting check payment, 2 Payment accepted (paid), 3 Processing in
//!   progress (paid), 4 Shipped (shipped, paid), 5 Delivered (delivery, shipped, paid),
//!   6 Canceled, 7 Refunded (paid), 8 Payment error. States 2–5 are `logable`.
//! - languages: 1 `en`. countries: 8 FR, 17 GB, 21 US.
//!
//! Catalogue (product-level stock row `id_product_attribute=0` first, then one per combination):
//! - product 1 `demo_1` "Hummingbird printed t-shirt", price `23.900000`, wholesale `10.000000`,
//!   combinations 1–4 `demo_1-S`, `demo_1-M`, `demo_1-L`, `demo_1-XL` (price impact 0, 0, 0,
//!   `1.000000`), 10 each; stock rows 1 (product, 40) and 2–5 (combinations).
//! - product 2 `demo_2` "Mug The best is yet to come", `11.900000`, 30 (stock row 6).
//! - product 3 `demo_3` "Poster", `29.000000`, 5 (stock row 7).
//! - product 4 `demo_4` "Notebook", `12.900000`, 0 (stock row 8).
//! - product 5 `demo_5` "Discontinued tote bag" was deleted: `GET /api/products/5` is a 404, but
//!   order 4 still has a row for it. The next new product gets id 6.
//!
//! Customers (each with one address of the same id):
//! - 1 john.doe@example.com John Doe, registered, address in the US (country 21).
//! - 2 jane.guest@example.com Jane Guest, guest (`is_guest=1`), FR.
//! - 3 jane.guest@example.com Jane Guest, a second guest row with the same e-mail, FR.
//! - 4 pierre.martin@example.fr Pierre Martin, registered, company "Martin SARL", FR.
//!
//! Orders (`date_add` = `date_upd` at start − 20 h, −15 h, −10 h, −5 h; 20 % tax; carrier 20 %):
//! - 1: customer 1, EUR, rows `demo_2`×2 at 11.90 and `demo_1-M`×1 at 23.90, shipping 7.00;
//!   state 2. products 47.70 / 57.24 wt, shipping 8.40 incl, paid 65.64 incl / 54.70 excl.
//! - 2: customer 2 (guest), EUR, `demo_3`×1 at 29.00, shipping 5.00; state 1 (unpaid,
//!   `total_paid_real` 0). products 29.00 / 34.80, paid 40.80 incl / 34.00 excl.
//! - 3: customer 4, USD (`id_currency` 2, `conversion_rate` 1.080000), `demo_2`×3 at 12.85,
//!   shipping 7.56, discount 5.00 excl / 6.00 incl; state 2. products 38.55 / 46.26, shipping
//!   9.07 incl, paid 49.33 incl / 41.11 excl.
//! - 4: customer 1, EUR, deleted product 5 (`demo_5`, "Discontinued tote bag")×1 at 15.00,
//!   shipping 4.00; state 2. products 15.00 / 18.00, paid 22.80 incl / 19.00 excl.
//!
//! Seeded orders do not move stock; [`PrestaShop::add_order`] and the trickle do.

mod auth;
mod catalog;
mod clock;
mod customers;
mod db;
mod dispatch;
mod error;
mod faults;
mod filter;
mod http;
mod json;
mod money;
mod orders;
mod query;
mod render;
mod schema;
mod seed;
mod state;
mod trickle;
mod write;
mod xml;
mod xml_in;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

pub use auth::{FULL_KEY, INACTIVE_KEY, NO_CUSTOMERS_KEY, READ_ONLY_KEY};
use state::State;

/// How to start an emulated shop.
#[derive(Debug, Clone)]
pub struct Options {
    /// Initial data.
    pub seed: Seed,
    /// IANA zone of the shop (`PS_TIMEZONE`); dates are rendered in it.
    pub timezone: String,
    /// UTC instant the shop clock starts at.
    pub start: time::OffsetDateTime,
    /// Whether an empty JSON list is a bare `[]` (the 1.7/8.x quirk) instead of `{"orders":[]}`.
    pub empty_list_as_array: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: Seed::Standard,
            timezone: "Europe/Paris".to_owned(),
            start: time::macros::datetime!(2026-11-02 09:00:00 UTC),
            empty_list_as_array: true,
        }
    }
}

/// Initial data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// Only configuration, currencies, order states, languages and countries.
    Empty,
    /// The fixed data set documented in this module.
    Standard,
    /// `products` generated products (`SKU-0001`…), 10 customers, 5 orders.
    Demo {
        /// How many products to generate.
        products: usize,
    },
}

/// A fault the next matching request gets instead of (or on top of) its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (500, 502, 503…) with a PrestaShop error body.
    Status(u16),
    /// Answer 429 with a `Retry-After` header.
    TooManyRequests {
        /// Value of `Retry-After`, in seconds.
        retry_after_secs: u64,
    },
    /// Wait, then answer normally (to trigger client timeouts).
    Delay(Duration),
    /// Answer normally but send only the first half of the body.
    Truncate,
    /// Answer a plain HTML 404 page, like a web server that is not PrestaShop.
    Html404,
}

/// A product to add with [`PrestaShop::add_product`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewProduct {
    /// SKU (`reference`).
    pub reference: String,
    /// Name in language 1.
    pub name: String,
    /// Price without tax, decimal string like `"19.990000"`.
    pub price: String,
    /// Cost price, decimal string.
    pub wholesale_price: String,
    /// Stock of the product (ignored when it has combinations: the sum is used).
    pub quantity: i64,
    /// Whether the product is active.
    pub active: bool,
    /// Variants; the product-level stock row becomes the sum of theirs.
    pub combinations: Vec<NewCombination>,
}

/// A combination (variant) of a [`NewProduct`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCombination {
    /// SKU of the variant.
    pub reference: String,
    /// Amount added to the product price, without tax.
    pub price_impact: String,
    /// Stock of the variant.
    pub quantity: i64,
}

/// A customer to add with [`PrestaShop::add_customer`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCustomer {
    /// E-mail (duplicates allowed between guests).
    pub email: String,
    /// First name.
    pub firstname: String,
    /// Last name.
    pub lastname: String,
    /// Company, may be empty.
    pub company: String,
    /// Guest checkout (`is_guest=1`).
    pub is_guest: bool,
}

/// An order to add with [`PrestaShop::add_order`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Customer id (its first address is used for delivery and invoice).
    pub id_customer: i64,
    /// ISO code of the order currency; the currency's rate is copied to `conversion_rate`.
    pub currency_iso: String,
    /// Order lines.
    pub rows: Vec<NewOrderRow>,
    /// Shipping without tax.
    pub shipping_tax_excl: String,
    /// Tax rate of shipping in percent (`"20.000"`); empty means `tax_rate`.
    pub carrier_tax_rate: String,
    /// Discounts without tax (taxed at `tax_rate`).
    pub discounts_tax_excl: String,
    /// Tax rate of the rows and discounts, in percent (`"20"`).
    pub tax_rate: String,
    /// Initial order state id.
    pub state: i64,
}

impl Default for NewOrder {
    fn default() -> Self {
        NewOrder {
            id_customer: 1,
            currency_iso: "EUR".to_owned(),
            rows: Vec::new(),
            shipping_tax_excl: "0".to_owned(),
            carrier_tax_rate: "20.000".to_owned(),
            discounts_tax_excl: "0".to_owned(),
            tax_rate: "20".to_owned(),
            state: 2,
        }
    }
}

/// One line of a [`NewOrder`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewOrderRow {
    /// Product id (may point at a deleted product).
    pub product_id: i64,
    /// Combination id, 0 for none.
    pub product_attribute_id: i64,
    /// Quantity ordered.
    pub quantity: i64,
    /// Unit price without tax, in the order currency.
    pub unit_price_tax_excl: String,
    /// Line name; defaults to the product name.
    pub name: Option<String>,
    /// Line SKU; defaults to the combination's, then the product's reference.
    pub reference: Option<String>,
}

/// Shared parts of a running shop.
pub(crate) struct Inner {
    state: Mutex<State>,
    addr: SocketAddr,
    tasks: Mutex<Vec<tokio::task::AbortHandle>>,
}

/// A running emulated PrestaShop; cheap to clone (all clones drive the same shop).
#[derive(Clone)]
pub struct PrestaShop {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PrestaShop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrestaShop")
            .field("addr", &self.inner.addr)
            .finish_non_exhaustive()
    }
}

impl PrestaShop {
    /// Seeds a shop and serves it on `127.0.0.1:0` from a task of the current runtime.
    pub async fn start(opts: Options) -> std::io::Result<PrestaShop> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let start_secs = opts.start.unix_timestamp();
        let clock = clock::Clock::new(start_secs, &opts.timezone)?;
        let mut st = State::new(clock, format!("http://{addr}"), opts.empty_list_as_array);
        seed::apply(&mut st, &opts.seed, &opts.timezone);
        let shop = PrestaShop {
            inner: Arc::new(Inner {
                state: Mutex::new(st),
                addr,
                tasks: Mutex::new(Vec::new()),
            }),
        };
        let task = tokio::spawn(http::serve(listener, shop.clone()));
        shop.track(task.abort_handle());
        Ok(shop)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn track(&self, handle: tokio::task::AbortHandle) {
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }

    /// Shop root, e.g. `http://127.0.0.1:40123` (the API lives under `/api/`).
    pub fn url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// Current shop-local time, `YYYY-MM-DD HH:MM:SS`.
    pub fn now_local(&self) -> String {
        let st = self.lock();
        st.clock.local(st.clock.now())
    }

    /// Moves the shop clock forward by `secs` seconds.
    pub fn advance(&self, secs: i64) {
        self.lock().clock.advance(secs);
    }

    /// Adds a product (with stock rows and combinations); returns its id.
    pub fn add_product(&self, p: NewProduct) -> i64 {
        catalog::add_product(&mut self.lock(), &p)
    }

    /// Renames a product in language 1 and bumps its `date_upd`.
    pub fn set_product_name(&self, id: i64, name: &str) {
        catalog::set_product_name(&mut self.lock(), id, name);
    }

    /// Deletes a product, its combinations and stock rows; order rows keep their copy.
    pub fn delete_product(&self, id: i64) {
        catalog::delete_product(&mut self.lock(), id);
    }

    /// Adds a customer with one address (in France); returns the customer id.
    pub fn add_customer(&self, c: NewCustomer) -> i64 {
        customers::add_customer_in(&mut self.lock(), &c, 8)
    }

    /// Renames a customer and bumps its `date_upd`.
    pub fn set_customer_name(&self, id: i64, first: &str, last: &str) {
        customers::set_customer_name(&mut self.lock(), id, first, last);
    }

    /// Adds an order with consistent totals, takes its stock; returns its id.
    pub fn add_order(&self, o: NewOrder) -> i64 {
        orders::add_order(&mut self.lock(), &o, true)
    }

    /// Overwrites one stored field of one record, as a misbehaving module or a hand edit of
    /// the shop's database would (tests of bad cart data); false if the record does not exist.
    pub fn set_field(
        &self,
        resource: &'static str,
        id: i64,
        field: &'static str,
        value: &str,
    ) -> bool {
        let mut st = self.lock();
        match st.db.get_mut(resource, id) {
            Some(row) => {
                db::set(row, field, value);
                true
            }
            None => false,
        }
    }

    /// Changes an order's state: adds an order_history row and bumps `orders.date_upd`.
    pub fn set_order_state(&self, id: i64, state: i64) {
        orders::set_order_state(&mut self.lock(), id, state);
    }

    /// Current `stock_availables.quantity` of (product, combination); 0 when there is no row.
    pub fn stock(&self, product: i64, attribute: i64) -> i64 {
        let st = self.lock();
        catalog::stock_row_id(&st.db, product, attribute)
            .and_then(|id| st.db.get("stock_availables", id))
            .map_or(0, |r| db::int(r, "quantity"))
    }

    /// Id of the first product with this reference.
    pub fn product_id_by_reference(&self, reference: &str) -> Option<i64> {
        self.lock()
            .db
            .find("products", "reference", reference)
            .map(|(id, _)| id)
            .next()
    }

    /// `(product id, combination id)` of the first combination with this reference.
    pub fn combination_id_by_reference(&self, reference: &str) -> Option<(i64, i64)> {
        self.lock()
            .db
            .find("combinations", "reference", reference)
            .map(|(id, r)| (db::int(r, "id_product"), id))
            .next()
    }

    /// Id of the first customer with this e-mail (case-insensitive).
    pub fn customer_id_by_email(&self, email: &str) -> Option<i64> {
        let st = self.lock();
        st.db
            .table("customers")
            .rows
            .iter()
            .find(|(_, r)| db::text(r, "email").eq_ignore_ascii_case(email))
            .map(|(id, _)| *id)
    }

    /// Ids of every order, ascending.
    pub fn order_ids(&self) -> Vec<i64> {
        self.lock()
            .db
            .table("orders")
            .rows
            .keys()
            .copied()
            .collect()
    }

    /// Every request received, in order, as `"METHOD /path?query"` (percent-decoded).
    pub fn requests(&self) -> Vec<String> {
        self.lock().log.clone()
    }

    /// How many logged requests have this method and a path starting with `path_prefix`.
    pub fn count_requests(&self, method: &str, path_prefix: &str) -> usize {
        let wanted = format!("{method} {path_prefix}");
        self.lock()
            .log
            .iter()
            .filter(|l| l.starts_with(&wanted))
            .count()
    }

    /// Queues a fault for the next request whose path and query contain `path_contains`.
    pub fn push_fault(&self, path_contains: &str, fault: Fault) {
        self.lock()
            .faults
            .push_back((path_contains.to_owned(), fault));
    }

    /// Runs `action` just before answering the next request whose path and query contain
    /// `path_contains`.
    pub fn on_next_request(
        &self,
        path_contains: &str,
        action: Box<dyn FnOnce(&PrestaShop) + Send>,
    ) {
        self.lock()
            .hooks
            .push_back((path_contains.to_owned(), action));
    }

    /// Turns the webservice on or off (off: every authenticated call gets 503 code 22).
    pub fn set_webservice_enabled(&self, on: bool) {
        let mut st = self.lock();
        st.webservice_enabled = on;
        let ids: Vec<i64> = st
            .db
            .find("configurations", "name", "PS_WEBSERVICE")
            .map(|(id, _)| id)
            .collect();
        for id in ids {
            if let Some(row) = st.db.get_mut("configurations", id) {
                db::set(row, "value", if on { "1" } else { "0" });
            }
        }
    }

    /// Chooses between `[]` and `{"orders":[]}` for empty JSON lists.
    pub fn set_empty_list_as_array(&self, on: bool) {
        self.lock().empty_list_as_array = on;
    }

    /// Starts a background task adding a plausible order every `every`, moving the clock by as
    /// much.
    pub fn start_trickle(&self, every: Duration) {
        let task = tokio::spawn(trickle::run(self.clone(), every));
        self.track(task.abort_handle());
    }

    /// Stops the server and background tasks.
    pub fn shutdown(&self) {
        let tasks =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        for t in tasks {
            t.abort();
        }
    }
}
