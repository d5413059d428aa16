//! Demo data: a small wholesaler with four currencies, two sites, about thirty
//! items of every type, ten customers and five vendors.

use cartwright_core::{
    company::CompanyInput,
    currency::{CurrencyInput, ExchangeRateInput},
    item::{ItemInput, ItemPriceInput, ItemType},
    party::{Address, Contact, PartyInput, PartyKind},
    price_list::PriceListInput,
    site::{BinInput, SiteInput},
    tax::TaxCodeInput,
    user::Role,
    validate::format_date,
};
use rust_decimal::Decimal;
use time::{Date, Duration};

use crate::{App, Principal, Result};

/// Login of the demo administrator.
pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.cartwright.local";
/// Password of the demo administrator (a demo; change it for real use).
pub const DEMO_ADMIN_PASSWORD: &str = "cartwright-demo";
/// Code of the item that receives unknown cart products.
pub const DEMO_DEFAULT_ITEM: &str = "CART-UNKNOWN";

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

/// `(code, description, type, unit, cost, usd, eur, gbp, jpy, vendor)` of a demo item.
type DemoItem = (
    &'static str,
    &'static str,
    ItemType,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The demo items.
const ITEMS: &[DemoItem] = &[
    (
        "WID-100",
        "Widget, steel, 100 mm",
        ItemType::Stock,
        "each",
        "2.40",
        "4.99",
        "4.59",
        "3.99",
        "750",
        "V-ACME",
    ),
    (
        "WID-150",
        "Widget, steel, 150 mm",
        ItemType::Stock,
        "each",
        "3.10",
        "6.49",
        "5.99",
        "5.19",
        "980",
        "V-ACME",
    ),
    (
        "WID-200",
        "Widget, brass, 200 mm",
        ItemType::Stock,
        "each",
        "5.75",
        "11.90",
        "10.95",
        "9.50",
        "1800",
        "V-ACME",
    ),
    (
        "GAD-RED",
        "Gadget, red",
        ItemType::Stock,
        "each",
        "7.20",
        "14.99",
        "13.79",
        "11.99",
        "2250",
        "V-EURO",
    ),
    (
        "GAD-BLU",
        "Gadget, blue",
        ItemType::Stock,
        "each",
        "7.20",
        "14.99",
        "13.79",
        "11.99",
        "2250",
        "V-EURO",
    ),
    (
        "GAD-GRN",
        "Gadget, green",
        ItemType::Stock,
        "each",
        "7.20",
        "14.99",
        "13.79",
        "11.99",
        "2250",
        "V-EURO",
    ),
    (
        "BOLT-M6",
        "Bolt M6 x 30, box of 100",
        ItemType::Stock,
        "box",
        "3.95",
        "8.50",
        "7.80",
        "6.80",
        "1280",
        "V-BRIT",
    ),
    (
        "BOLT-M8",
        "Bolt M8 x 40, box of 100",
        ItemType::Stock,
        "box",
        "5.10",
        "10.90",
        "9.99",
        "8.70",
        "1640",
        "V-BRIT",
    ),
    (
        "NUT-M6",
        "Nut M6, box of 100",
        ItemType::Stock,
        "box",
        "1.80",
        "3.90",
        "3.59",
        "3.10",
        "590",
        "V-BRIT",
    ),
    (
        "NUT-M8",
        "Nut M8, box of 100",
        ItemType::Stock,
        "box",
        "2.20",
        "4.70",
        "4.29",
        "3.75",
        "710",
        "V-BRIT",
    ),
    (
        "CABLE-2M",
        "USB-C cable, 2 m",
        ItemType::Stock,
        "each",
        "1.15",
        "7.99",
        "7.29",
        "6.49",
        "1200",
        "V-NIPPON",
    ),
    (
        "CABLE-1M",
        "USB-C cable, 1 m",
        ItemType::Stock,
        "each",
        "0.95",
        "5.99",
        "5.49",
        "4.79",
        "900",
        "V-NIPPON",
    ),
    (
        "CHARGER-65",
        "Charger 65 W",
        ItemType::Stock,
        "each",
        "9.80",
        "29.00",
        "26.90",
        "23.50",
        "4350",
        "V-NIPPON",
    ),
    (
        "LAMP-DESK",
        "Desk lamp, LED",
        ItemType::Stock,
        "each",
        "12.40",
        "34.90",
        "32.00",
        "27.90",
        "5200",
        "V-NIPPON",
    ),
    (
        "OIL-5L",
        "Machine oil, 5 litres",
        ItemType::Stock,
        "litre",
        "1.90",
        "4.20",
        "3.85",
        "3.35",
        "630",
        "V-ACME",
    ),
    (
        "TAPE-BLK",
        "Insulating tape, black",
        ItemType::Stock,
        "roll",
        "0.35",
        "1.20",
        "1.10",
        "0.95",
        "180",
        "V-ACME",
    ),
    (
        "GLOVE-L",
        "Work gloves, large",
        ItemType::NonStock,
        "pair",
        "1.40",
        "3.95",
        "3.60",
        "3.15",
        "590",
        "V-BRIT",
    ),
    (
        "SAMPLE-PACK",
        "Sample pack (not stocked)",
        ItemType::NonStock,
        "each",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0",
        "",
    ),
    (
        "PRINT-CAT",
        "Printed catalogue",
        ItemType::NonStock,
        "each",
        "0.80",
        "2.00",
        "1.85",
        "1.60",
        "300",
        "",
    ),
    (
        "SVC-INSTALL",
        "Installation, per hour",
        ItemType::Service,
        "hour",
        "0.00",
        "65.00",
        "60.00",
        "52.00",
        "9800",
        "",
    ),
    (
        "SVC-REPAIR",
        "Repair service",
        ItemType::Service,
        "each",
        "0.00",
        "45.00",
        "41.00",
        "36.00",
        "6800",
        "",
    ),
    (
        "SVC-TRAINING",
        "Training, per day",
        ItemType::Service,
        "day",
        "0.00",
        "480.00",
        "440.00",
        "385.00",
        "72000",
        "",
    ),
    (
        "SHIP-STD",
        "Shipping, standard",
        ItemType::Charge,
        "each",
        "0.00",
        "6.95",
        "6.50",
        "5.50",
        "1000",
        "",
    ),
    (
        "SHIP-EXP",
        "Shipping, express",
        ItemType::Charge,
        "each",
        "0.00",
        "14.95",
        "13.50",
        "11.95",
        "2200",
        "",
    ),
    (
        "HANDLING",
        "Handling fee",
        ItemType::Charge,
        "each",
        "0.00",
        "2.50",
        "2.30",
        "2.00",
        "380",
        "",
    ),
    (
        "DISC-10",
        "Discount 10 %",
        ItemType::Discount,
        "each",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0",
        "",
    ),
    (
        "COUPON",
        "Cart coupon",
        ItemType::Discount,
        "each",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0",
        "",
    ),
    (
        "KIT-STARTER",
        "Starter kit: widgets, bolts and nuts",
        ItemType::Kit,
        "kit",
        "0.00",
        "24.90",
        "22.90",
        "19.90",
        "3700",
        "",
    ),
    (
        "KIT-GADGET3",
        "Gadget trio (red, blue, green)",
        ItemType::Kit,
        "kit",
        "0.00",
        "39.90",
        "36.90",
        "31.90",
        "5990",
        "",
    ),
    (
        "ASM-TOOLBOX",
        "Assembled toolbox",
        ItemType::Assembly,
        "each",
        "0.00",
        "59.00",
        "54.00",
        "47.00",
        "8800",
        "",
    ),
    (
        "ASM-LAMPSET",
        "Lamp set, assembled with charger",
        ItemType::Assembly,
        "each",
        "0.00",
        "69.00",
        "63.50",
        "55.00",
        "10400",
        "",
    ),
    (
        DEMO_DEFAULT_ITEM,
        "Unknown cart product",
        ItemType::NonStock,
        "each",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0",
        "",
    ),
];

/// `(code, name, currency, city, country)` of each demo customer.
const CUSTOMERS: &[(&str, &str, &str, &str, &str)] = &[
    ("C-ALPHA", "Alpha Hardware Inc.", "USD", "Chicago", "US"),
    ("C-BRAVO", "Bravo Supplies LLC", "USD", "Austin", "US"),
    ("C-CHARLIE", "Charlie's Workshop", "USD", "Denver", "US"),
    ("C-DELTA", "Delta Handel GmbH", "EUR", "Hamburg", "DE"),
    ("C-ECHO", "Echo Bricolage SARL", "EUR", "Lyon", "FR"),
    ("C-FOXTROT", "Foxtrot Ferramenta", "EUR", "Milano", "IT"),
    ("C-GOLF", "Golf Trade Ltd", "GBP", "Leeds", "GB"),
    ("C-HOTEL", "Hotel Maintenance plc", "GBP", "Bristol", "GB"),
    ("C-INDIA", "India Shokai KK", "JPY", "Osaka", "JP"),
    ("C-JULIET", "Juliet Online Store", "USD", "Seattle", "US"),
];

/// `(code, name, currency, city, country)` of each demo vendor.
const VENDORS: &[(&str, &str, &str, &str, &str)] = &[
    ("V-ACME", "Acme Manufacturing Co.", "USD", "Cleveland", "US"),
    ("V-EURO", "EuroParts BV", "EUR", "Rotterdam", "NL"),
    ("V-BRIT", "British Fasteners Ltd", "GBP", "Sheffield", "GB"),
    ("V-NIPPON", "Nippon Electric Trading", "JPY", "Tokyo", "JP"),
    (
        "V-PACIFIC",
        "Pacific Freight Inc.",
        "USD",
        "Long Beach",
        "US",
    ),
];

/// Bills of materials of the demo kits and assemblies.
fn components_of(code: &str) -> Vec<cartwright_core::item::Component> {
    let parts: &[(&str, &str)] = match code {
        "KIT-STARTER" => &[("WID-100", "2"), ("BOLT-M6", "1"), ("NUT-M6", "1")],
        "KIT-GADGET3" => &[("GAD-RED", "1"), ("GAD-BLU", "1"), ("GAD-GRN", "1")],
        "ASM-TOOLBOX" => &[("WID-150", "2"), ("BOLT-M8", "1")],
        "ASM-LAMPSET" => &[("LAMP-DESK", "1"), ("CHARGER-65", "1")],
        _ => &[],
    };
    parts
        .iter()
        .map(|(item, q)| cartwright_core::item::Component {
            item: (*item).into(),
            quantity: dec(q),
        })
        .collect()
}

impl App {
    /// Creates the demo company and its data, unless a company exists already; then
    /// (re)sets the demo administrator's password. Returns whether data was created.
    pub async fn seed_demo(&self, today: Date) -> Result<bool> {
        self.add_or_reset_user(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, Role::Admin)
            .await?;
        if self.has_company().await? {
            return Ok(false);
        }
        let who = Principal::system();
        self.setup_company(
            &who,
            &CompanyInput {
                name: "Demo Wholesale Ltd".into(),
                base_currency: "USD".into(),
                financial_year_start: Some("01-01".into()),
                tax_rounding: None,
                negative_stock: None,
                default_item: None,
                costing_method: None,
                auto_allocate: None,
                version: None,
            },
        )
        .await?;
        // Base units (USD) per one foreign unit, on three dates.
        for (code, rates) in [
            ("EUR", ["1.0712", "1.0825", "1.0790"]),
            ("GBP", ["1.2650", "1.2710", "1.2688"]),
            ("JPY", ["0.006710", "0.006655", "0.006690"]),
        ] {
            self.add_currency(
                &who,
                &CurrencyInput {
                    code: code.into(),
                    name: None,
                    version: None,
                },
            )
            .await?;
            for (days_ago, rate) in [60_i64, 30, 0].into_iter().zip(rates) {
                let date = today.saturating_sub(Duration::days(days_ago));
                self.add_rate(
                    &who,
                    &ExchangeRateInput {
                        currency: code.into(),
                        date: format_date(date),
                        rate: Some(dec(rate)),
                        foreign_per_base: None,
                        version: None,
                    },
                )
                .await?;
            }
        }
        for (code, name, rate) in [
            ("STD", "Standard rate", "20"),
            ("RED", "Reduced rate", "5"),
            ("ZERO", "Zero rated", "0"),
        ] {
            self.create_tax_code(
                &who,
                &TaxCodeInput {
                    code: code.into(),
                    name: name.into(),
                    rate_percent: dec(rate),
                    sales_account: None,
                    purchase_account: None,
                    active: None,
                    version: None,
                },
            )
            .await?;
        }
        for (code, name, currency, incl) in [
            ("RETAIL-USD", "Retail, US dollars", "USD", false),
            ("TRADE-USD", "Trade, US dollars", "USD", false),
            ("RETAIL-EUR", "Retail, euro (tax included)", "EUR", true),
            ("RETAIL-GBP", "Retail, pounds (tax included)", "GBP", true),
            ("RETAIL-JPY", "Retail, yen", "JPY", false),
        ] {
            self.create_price_list(
                &who,
                &PriceListInput {
                    code: code.into(),
                    name: name.into(),
                    currency: currency.into(),
                    prices_include_tax: Some(incl),
                    active: None,
                    version: None,
                },
            )
            .await?;
        }
        let main = self
            .create_site(
                &who,
                &SiteInput {
                    code: "MAIN".into(),
                    name: "Main warehouse".into(),
                    address: Some("1 Dock Road, Chicago, US".into()),
                    active: None,
                    version: None,
                },
            )
            .await?;
        for bin in ["A-01", "A-02", "B-01"] {
            self.add_bin(
                &who,
                main.id,
                &BinInput {
                    code: bin.into(),
                    name: None,
                    active: None,
                },
            )
            .await?;
        }
        self.create_site(
            &who,
            &SiteInput {
                code: "EAST".into(),
                name: "East coast depot".into(),
                address: Some("40 Harbor St, Newark, US".into()),
                active: None,
                version: None,
            },
        )
        .await?;
        for (kind, list) in [
            (PartyKind::Vendor, VENDORS),
            (PartyKind::Customer, CUSTOMERS),
        ] {
            for (i, (code, name, currency, city, country)) in list.iter().enumerate() {
                let slug: String = name
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_lowercase();
                let address = Address {
                    line1: format!("{} Commerce Way", 10 + i),
                    city: (*city).into(),
                    country: (*country).into(),
                    ..Address::default()
                };
                self.create_party(
                    &who,
                    kind,
                    &PartyInput {
                        code: (*code).into(),
                        name: (*name).into(),
                        email: Some(format!("orders@{slug}.example")),
                        phone: Some(format!("+1 555 01{i:02}")),
                        contacts: vec![Contact {
                            name: "Accounts".into(),
                            email: format!("accounts@{slug}.example"),
                            phone: String::new(),
                        }],
                        billing_address: Some(address),
                        shipping_address: None,
                        currency: Some((*currency).into()),
                        payment_terms: Some("NET30".into()),
                        tax_code: Some(if *country == "US" { "ZERO" } else { "STD" }.into()),
                        credit_limit: Some(if kind == PartyKind::Customer {
                            dec("5000")
                        } else {
                            Decimal::ZERO
                        }),
                        notes: None,
                        active: None,
                        version: None,
                    },
                )
                .await?;
            }
        }
        for (code, description, item_type, unit, cost, usd, eur, gbp, jpy, vendor) in ITEMS {
            let prices = [
                ("RETAIL-USD", *usd),
                ("RETAIL-EUR", *eur),
                ("RETAIL-GBP", *gbp),
                ("RETAIL-JPY", *jpy),
            ]
            .into_iter()
            .chain(std::iter::once(("TRADE-USD", *usd)).filter(|_| *item_type == ItemType::Stock))
            .map(|(list, price)| ItemPriceInput {
                price_list: list.into(),
                price: if list == "TRADE-USD" {
                    (dec(price) * dec("0.8")).round_dp(2)
                } else {
                    dec(price)
                },
            })
            .collect();
            self.create_item(
                &who,
                &ItemInput {
                    code: (*code).into(),
                    description: (*description).into(),
                    item_type: *item_type,
                    unit: Some((*unit).into()),
                    prices,
                    components: components_of(code),
                    standard_cost: Some(dec(cost)),
                    barcode: None,
                    weight_kg: None,
                    tax_code: Some("STD".into()),
                    reorder_level: Some(if *item_type == ItemType::Stock {
                        dec("10")
                    } else {
                        Decimal::ZERO
                    }),
                    preferred_vendor: (!vendor.is_empty()).then(|| (*vendor).into()),
                    active: None,
                    version: None,
                },
            )
            .await?;
        }
        let company = self.company(&who).await?;
        self.update_company(
            &who,
            &CompanyInput {
                name: company.name,
                base_currency: company.base_currency,
                financial_year_start: Some(company.financial_year_start),
                tax_rounding: Some(company.tax_rounding),
                negative_stock: Some(company.negative_stock),
                default_item: Some(DEMO_DEFAULT_ITEM.into()),
                costing_method: Some(company.costing_method),
                auto_allocate: Some(company.auto_allocate),
                version: Some(company.version),
            },
        )
        .await?;
        Ok(true)
    }
}

/// Name of the demo's Shopping Cart record.
pub const DEMO_CART: &str = "Demo PrestaShop";

impl App {
    /// Points the demo's PrestaShop cart (STOPPED until the newcomer starts it) at `url`
    /// with `key`, creating it and a default item for unknown cart products if needed.
    pub async fn setup_demo_cart(
        &self,
        url: &str,
        key: &str,
        since: time::OffsetDateTime,
    ) -> Result<crate::carts::Cart> {
        let who = Principal::system();
        let company = self.company(&who).await?;
        if company.default_item.is_none() {
            let mut tx = self.store.read().await?;
            let exists = tx.item_id("CART-MISC").await?.is_some();
            drop(tx);
            if !exists {
                let input: ItemInput = serde_json::from_value(serde_json::json!({
                    "code": "CART-MISC", "description": "Cart product not in the item list", "item_type": "non_stock",
                }))
                .map_err(|e| crate::AppError::Internal(e.to_string()))?;
                self.create_item(&who, &input).await?;
            }
            let input = CompanyInput {
                name: company.name.clone(),
                base_currency: company.base_currency.clone(),
                financial_year_start: Some(company.financial_year_start.clone()),
                tax_rounding: Some(company.tax_rounding),
                negative_stock: Some(company.negative_stock),
                default_item: Some("CART-MISC".into()),
                costing_method: Some(company.costing_method),
                auto_allocate: Some(company.auto_allocate),
                version: Some(company.version),
            };
            self.update_company(&who, &input).await?;
        }
        let since = crate::carts::settings_text(since);
        let existing = {
            let mut tx = self.store.read().await?;
            tx.cart_id_by_name(DEMO_CART).await?
        };
        let body = serde_json::json!({
            "type": "prestashop",
            "name": DEMO_CART,
            "url": url,
            "password": key,
            "notification_email": "",
            "from_cart": {"import_orders_as": "sales_order", "last_order_from": since, "last_update_time": since},
            "to_cart": {"enable_real_time_stock_updates": true},
            "interval_minutes": 1,
        });
        let mut input: crate::carts::CartInput =
            serde_json::from_value(body).map_err(|e| crate::AppError::Internal(e.to_string()))?;
        match existing {
            None => self.create_cart(&who, &input).await,
            Some(id) => {
                // The emulator listens on a new port each start: follow it, keep the rest,
                // and if the cart was RUNNING, test it again and carry on.
                let cur = self.cart(&who, id).await?;
                input.cart_type = None;
                input.from_cart = None;
                input.to_cart = None;
                input.interval_minutes = None;
                input.version = Some(cur.version);
                let moved = self.update_cart(&who, id, &input).await?;
                if cur.from_cart.status == "RUNNING" && self.test_cart(&who, id).await?.passed {
                    return self.start_cart(&who, id).await;
                }
                Ok(moved)
            }
        }
    }
}
