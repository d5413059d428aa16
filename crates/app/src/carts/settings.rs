//! The Shopping Cart record as the API reads and writes it (never with its credentials).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Document type cart orders become (the seed's "Import Orders As").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImportAs {
    /// Cash Sale.
    CashSale,
    /// Sales Order.
    #[default]
    SalesOrder,
    /// Sales Invoice.
    SalesInvoice,
}

impl ImportAs {
    /// Stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CashSale => "cash_sale",
            Self::SalesOrder => "sales_order",
            Self::SalesInvoice => "sales_invoice",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cash_sale" => Some(Self::CashSale),
            "sales_order" => Some(Self::SalesOrder),
            "sales_invoice" => Some(Self::SalesInvoice),
            _ => None,
        }
    }

    /// The document type.
    pub fn doc_type(self) -> cartwright_core::document::DocType {
        use cartwright_core::document::DocType;
        match self {
            Self::CashSale => DocType::CashSale,
            Self::SalesOrder => DocType::SalesOrder,
            Self::SalesInvoice => DocType::SalesInvoice,
        }
    }
}

/// FROM CART settings as entered.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromCartInput {
    /// Import Orders As (default sales order).
    #[serde(default)]
    pub import_orders_as: Option<ImportAs>,
    /// Last Order from: orders changed before this are not imported (UTC; RFC 3339 or `YYYY-MM-DD[ HH:MM:SS]`).
    #[serde(default)]
    pub last_order_from: Option<String>,
    /// Last update time: customer/item changes before this are ignored.
    #[serde(default)]
    pub last_update_time: Option<String>,
    /// Apply customer changes made in the cart.
    #[serde(default)]
    pub enable_customer_updates: Option<bool>,
    /// Apply item changes made in the cart.
    #[serde(default)]
    pub enable_item_updates: Option<bool>,
}

/// TO CART settings as entered.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToCartInput {
    /// Send customer changes to the cart.
    #[serde(default)]
    pub enable_customer_updates: Option<bool>,
    /// Send stock levels to the cart as they change.
    #[serde(default)]
    pub enable_real_time_stock_updates: Option<bool>,
    /// Send item changes to the cart.
    #[serde(default)]
    pub enable_item_updates: Option<bool>,
}

/// Body to create (with `type`) or change a Shopping Cart.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartInput {
    /// Cart type (create only), e.g. `prestashop`; see `/api/v1/carts/types`.
    #[serde(default, rename = "type")]
    pub cart_type: Option<String>,
    /// Name.
    pub name: String,
    /// Cart URL.
    pub url: String,
    /// Password or API key; required on create, kept when left out on update. Never returned.
    #[serde(default)]
    pub password: Option<String>,
    /// Site codes whose stock the cart sells (default: every site).
    #[serde(default)]
    pub sites: Option<Vec<String>>,
    /// Price list code for exported prices.
    #[serde(default)]
    pub price_list: Option<String>,
    /// Units held back from every item's available quantity.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub safety_buffer: Option<Decimal>,
    /// Who is e-mailed when a run has errors.
    #[serde(default)]
    pub notification_email: Option<String>,
    /// FROM CART settings.
    #[serde(default)]
    pub from_cart: Option<FromCartInput>,
    /// TO CART settings.
    #[serde(default)]
    pub to_cart: Option<ToCartInput>,
    /// Minutes between runs (1 or more; default 10).
    #[serde(default)]
    pub interval_minutes: Option<i64>,
    /// Version last read (update only).
    #[serde(default)]
    pub version: Option<i64>,
}

/// FROM CART as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FromCart {
    /// STOPPED or RUNNING.
    pub status: String,
    /// Import Orders As.
    pub import_orders_as: ImportAs,
    /// Last Order from (UTC).
    pub last_order_from: String,
    /// Last update time (UTC).
    pub last_update_time: String,
    /// Enable Customer updates.
    pub enable_customer_updates: bool,
    /// Enable Item updates.
    pub enable_item_updates: bool,
}

/// TO CART as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ToCart {
    /// Enable Customer updates.
    pub enable_customer_updates: bool,
    /// Enable real-time stock updates.
    pub enable_real_time_stock_updates: bool,
    /// Enable Item updates.
    pub enable_item_updates: bool,
}

/// Connection test state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConnectionState {
    /// A test passed with the current settings (auto-sync may start).
    pub tested: bool,
    /// When the last passed test ran.
    pub tested_at: Option<String>,
    /// The shop's time zone.
    pub shop_timezone: Option<String>,
}

/// A Shopping Cart as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Cart {
    /// Id.
    pub id: i64,
    /// Cart type.
    #[serde(rename = "type")]
    pub cart_type: String,
    /// Name.
    pub name: String,
    /// URL.
    pub url: String,
    /// True when a password is stored (it is never shown).
    pub password_set: bool,
    /// Site codes.
    pub sites: Vec<String>,
    /// Price list code.
    pub price_list: Option<String>,
    /// Safety buffer.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub safety_buffer: Decimal,
    /// Notification e-mail.
    pub notification_email: String,
    /// FROM CART.
    pub from_cart: FromCart,
    /// TO CART.
    pub to_cart: ToCart,
    /// Minutes between runs.
    pub interval_minutes: i64,
    /// Connection test.
    pub connection: ConnectionState,
    /// When the last run started.
    pub last_run_at: Option<String>,
    /// Version.
    pub version: i64,
    /// Created.
    pub created_at: String,
    /// Changed.
    pub updated_at: String,
}

/// Result of Test Connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TestResult {
    /// True on success.
    pub passed: bool,
    /// `TEST PASSED: SUCCESSFULLY CONNECTED TO CART!` or what failed.
    pub message: String,
    /// `unreachable`, `tls`, `timeout`, `not_a_cart`, `wrong_password`, `permission`, `cart_error`; absent on success.
    pub reason: Option<String>,
}

/// The exact success message of Test Connection.
pub const TEST_PASSED: &str = "TEST PASSED: SUCCESSFULLY CONNECTED TO CART!";

/// A cart type offered by the Actions drop-down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CartTypeView {
    /// Type id for `type` when creating.
    #[serde(rename = "type")]
    pub id: String,
    /// Menu label.
    pub label: String,
    /// What the password field holds.
    pub credential: String,
    /// What the URL should be.
    pub url_hint: String,
}

/// Reads a UTC date-time as entered; stores `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn parse_instant(
    field: &str,
    s: &str,
) -> Result<time::OffsetDateTime, cartwright_core::FieldError> {
    use time::format_description::well_known::Rfc3339;
    let t = s.trim();
    if let Ok(v) = time::OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(v.to_offset(time::UtcOffset::UTC));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    if let Ok(v) = time::PrimitiveDateTime::parse(t, &fmt) {
        return Ok(v.assume_utc());
    }
    let dfmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(t, &dfmt) {
        return Ok(d.midnight().assume_utc());
    }
    Err(cartwright_core::FieldError::new(
        field,
        format!("'{s}' is not a date-time: use 2026-11-01T09:00:00Z or 2026-11-01 09:00:00 (UTC)"),
    ))
}

/// The stored spelling of an instant.
pub(crate) fn instant_text(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// An instant as the store writes its own clock (microseconds), so the two compare as text.
pub(crate) fn instant_micros(t: time::OffsetDateTime) -> String {
    cartwright_store::rfc3339_micros(t)
}
