//! What every connector hands the sync engine, in the cart's terms but our types.

use rust_decimal::Decimal;
use time::OffsetDateTime;

use crate::RecordError;

/// A record read from a cart, or why it cannot be used.
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    /// The cart's id for the record.
    pub remote_id: String,
    /// When the cart last changed it (UTC); `None` if the cart sent no usable date.
    pub updated: Option<OffsetDateTime>,
    /// The record, or the precise reason it is unusable.
    pub record: Result<T, RecordError>,
    /// Start of the cart's raw data for this record (for failed-import reports).
    pub raw: String,
}

/// One page of records plus where the next one starts.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// Records in the order the cart sent them.
    pub records: Vec<Fetched<T>>,
    /// Opaque cursor of the next page; `None` when this was the last.
    pub next: Option<String>,
}

/// A postal address from the cart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteAddress {
    /// Company on the address.
    pub company: String,
    /// First line.
    pub line1: String,
    /// Second line.
    pub line2: String,
    /// Town.
    pub city: String,
    /// Postcode.
    pub postcode: String,
    /// ISO 3166 alpha-2 country code, when known.
    pub country: String,
    /// Telephone.
    pub phone: String,
}

/// A customer (or guest buyer) in the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCustomer {
    /// The cart's id.
    pub remote_id: String,
    /// E-mail.
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Company name.
    pub company: String,
    /// Checked out without an account.
    pub is_guest: bool,
    /// Invoice address, when the cart has one.
    pub address: Option<RemoteAddress>,
}

impl RemoteCustomer {
    /// Display name: company, else "first last", else the e-mail.
    pub fn display_name(&self) -> String {
        if !self.company.trim().is_empty() {
            return self.company.trim().to_string();
        }
        let n = format!("{} {}", self.first_name.trim(), self.last_name.trim());
        if n.trim().is_empty() {
            self.email.clone()
        } else {
            n.trim().to_string()
        }
    }
}

/// A sellable item in the cart: a simple product, or one variant (combination) of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteItem {
    /// Stable key: `"{product}"` or `"{product}-{variant}"`.
    pub remote_id: String,
    /// SKU (may be empty).
    pub sku: String,
    /// Name shown in the cart.
    pub name: String,
    /// Selling price without tax, in the cart's default currency.
    pub price: Decimal,
    /// Cost price as the cart knows it.
    pub cost: Decimal,
    /// Sellable quantity in the cart.
    pub quantity: Decimal,
    /// Enabled for sale.
    pub active: bool,
}

/// Where a cart order stands, mapped from the cart's status flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    /// The cart's name for the status.
    pub name: String,
    /// Payment received.
    pub paid: bool,
    /// Goods sent.
    pub shipped: bool,
    /// Order cancelled.
    pub cancelled: bool,
}

impl RemoteStatus {
    /// One-word summary, used in memos and flags.
    pub fn summary(&self) -> &'static str {
        if self.cancelled {
            "cancelled"
        } else if self.shipped {
            "shipped"
        } else if self.paid {
            "paid"
        } else {
            "open"
        }
    }
}

/// One product line of a cart order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteLine {
    /// The item key as in [`RemoteItem::remote_id`].
    pub item_remote_id: String,
    /// SKU on the order line.
    pub sku: String,
    /// Product name on the order line.
    pub name: String,
    /// Quantity ordered.
    pub quantity: Decimal,
    /// Unit price without tax, in the order's currency.
    pub unit_price_excl: Decimal,
    /// Unit price with tax, in the order's currency.
    pub unit_price_incl: Decimal,
}

/// An order as the cart holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOrder {
    /// The cart's id (the key; display references may repeat).
    pub remote_id: String,
    /// The cart's display reference.
    pub reference: String,
    /// When it was placed (UTC).
    pub placed: OffsetDateTime,
    /// ISO currency of every amount on the order.
    pub currency: String,
    /// Buyer.
    pub customer: RemoteCustomer,
    /// Delivery address.
    pub ship_to: Option<RemoteAddress>,
    /// Product lines.
    pub lines: Vec<RemoteLine>,
    /// Shipping without tax.
    pub shipping_excl: Decimal,
    /// Shipping with tax.
    pub shipping_incl: Decimal,
    /// Discounts and coupons without tax (positive number).
    pub discounts_excl: Decimal,
    /// Discounts and coupons with tax (positive number).
    pub discounts_incl: Decimal,
    /// Order total without tax.
    pub total_excl: Decimal,
    /// Order total the buyer pays.
    pub total_incl: Decimal,
    /// Status.
    pub status: RemoteStatus,
    /// Payment method as the cart names it.
    pub payment: String,
}

/// What a connection test learned about the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopInfo {
    /// The cart's software version, when it says.
    pub version: String,
    /// The shop's time zone name.
    pub timezone: String,
}

/// What the engine asks a connection test to check, beyond reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// Write stock levels.
    pub stock: bool,
    /// Create and change products.
    pub items: bool,
    /// Create and change customers.
    pub customers: bool,
}

/// An item to create or change in the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOut {
    /// SKU (our item code).
    pub sku: String,
    /// Name.
    pub name: String,
    /// Selling price without tax in the cart's default currency.
    pub price: Decimal,
    /// Cost price.
    pub cost: Decimal,
    /// Enabled for sale.
    pub active: bool,
}

/// A customer to create or change in the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerOut {
    /// E-mail (required by carts).
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Company.
    pub company: String,
}
