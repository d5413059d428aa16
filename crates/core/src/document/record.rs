//! A document as the API shows it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DocStatus, DocType};

/// One line of a stored document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentLine {
    /// Line id.
    pub id: i64,
    /// Position, from 1.
    pub line_no: i64,
    /// Item code.
    pub item: String,
    /// Description.
    pub description: String,
    /// Site code.
    pub site: Option<String>,
    /// Bin code.
    pub bin: Option<String>,
    /// Quantity.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// Unit price, document currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    /// Discount percent.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub discount_percent: Decimal,
    /// Tax code.
    pub tax_code: Option<String>,
    /// Tax rate percent used.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub tax_rate_percent: Decimal,
    /// Net amount, document currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub net: Decimal,
    /// Tax, document currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub tax: Decimal,
    /// Net in base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub base_net: Decimal,
    /// Quantity allocated (sales orders).
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub allocated: Decimal,
    /// Id of the line this one was converted from.
    pub source_line: Option<i64>,
    /// Goods go straight from the vendor to the customer.
    pub drop_ship: bool,
    /// How much of this line went into later documents, by type (VOID ones excluded).
    pub progress: Vec<Progress>,
}

/// Quantity of a line converted into documents of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    /// `dispatched`, `invoiced`, `received`, `billed`, `ordered`, `credited`.
    pub stage: String,
    /// Quantity.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
}

/// A document as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Document {
    /// Record id.
    pub id: i64,
    /// Type.
    pub doc_type: DocType,
    /// PENDING, SAVED or VOID.
    pub status: DocStatus,
    /// Number, given on save (e.g. `INV-000012`).
    pub number: Option<String>,
    /// Customer or vendor code.
    pub party: Option<String>,
    /// Date.
    pub date: String,
    /// Due date.
    pub due_date: Option<String>,
    /// Document currency.
    pub currency: String,
    /// Base units per one document-currency unit.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub exchange_rate: Decimal,
    /// Site code.
    pub site: Option<String>,
    /// Destination site (transfers).
    pub to_site: Option<String>,
    /// Destination bin (transfers).
    pub to_bin: Option<String>,
    /// Reference (customer PO, vendor invoice number).
    pub reference: String,
    /// Memo.
    pub memo: String,
    /// Unit prices include tax.
    pub prices_include_tax: bool,
    /// Lines.
    pub lines: Vec<DocumentLine>,
    /// Net total, document currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub net: Decimal,
    /// Tax total, document currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub tax: Decimal,
    /// Total, document currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Total in base currency.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub base_total: Decimal,
    /// Closed (orders no longer expected to be fulfilled).
    pub closed: bool,
    /// Orders: Pending, Open, Fulfilled, OverFulfilled or Closed.
    pub order_status: Option<String>,
    /// Sales orders: NotAllocated, PartiallyAllocated or FullyAllocated.
    pub allocation_status: Option<String>,
    /// Where the goods go (drop-ship purchase orders: the customer's address).
    pub ship_to: Option<crate::party::Address>,
    /// How charge lines (freight, duty) of a receipt or bill are spread over its goods: `value` or `quantity`.
    pub landed_spread: String,
    /// Date of the void, if voided.
    pub void_date: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created, RFC 3339 UTC.
    pub created_at: String,
    /// Last changed, RFC 3339 UTC.
    pub updated_at: String,
}
