//! Documents: quotes, orders, dispatches, invoices, receipts, bills, credits and
//! stock documents, with their lifecycle (PENDING → SAVED → VOID).

pub mod progress;
pub mod record;
pub mod totals;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    company::str_enum,
    error::FieldError,
    money::{QUANTITY_SCALE, RATE_SCALE},
    party::PartyKind,
    validate::{self, NAME_MAX_LEN, TEXT_MAX_LEN},
};

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// An offer to a customer; no effect.
    Quote,
    /// A customer's order; allocates stock, posts nothing.
    SalesOrder,
    /// A delivery note: goods leave a site (stock and cost of goods sold).
    Dispatch,
    /// Paid at once: revenue to the bank of its currency.
    CashSale,
    /// A sale on credit: revenue and receivable.
    SalesInvoice,
    /// A credit to a customer; reverses an invoice's effects.
    CreditNote,
    /// An order to a vendor; stock on order, posts nothing.
    PurchaseOrder,
    /// Goods received: stock against pending item receipts.
    ItemReceipt,
    /// A vendor's invoice: payable.
    Bill,
    /// A credit from a vendor.
    VendorCredit,
    /// Stock moved between sites or bins.
    StockTransfer,
    /// A count or value correction.
    StockAdjustment,
    /// Components consumed, an assembly produced.
    AssemblyBuild,
    /// Money received from a customer.
    CustomerReceipt,
    /// Money paid to a vendor.
    VendorPayment,
    /// Money paid back to a customer out of their credit.
    CustomerRefund,
    /// Money paid back by a vendor out of our credit with them.
    VendorRefund,
    /// What a customer owes, written off (bad debt, small difference).
    CustomerWriteOff,
    /// What we owe a vendor, written off.
    VendorWriteOff,
}

str_enum!(DocType {
    Quote => "quote", SalesOrder => "sales_order", Dispatch => "dispatch", CashSale => "cash_sale",
    SalesInvoice => "sales_invoice", CreditNote => "credit_note", PurchaseOrder => "purchase_order",
    ItemReceipt => "item_receipt", Bill => "bill", VendorCredit => "vendor_credit",
    StockTransfer => "stock_transfer", StockAdjustment => "stock_adjustment", AssemblyBuild => "assembly_build",
    CustomerReceipt => "customer_receipt", VendorPayment => "vendor_payment",
    CustomerRefund => "customer_refund", VendorRefund => "vendor_refund",
    CustomerWriteOff => "customer_write_off", VendorWriteOff => "vendor_write_off",
});

impl DocType {
    /// Every type.
    pub const ALL: [Self; 19] = [
        Self::Quote,
        Self::SalesOrder,
        Self::Dispatch,
        Self::CashSale,
        Self::SalesInvoice,
        Self::CreditNote,
        Self::PurchaseOrder,
        Self::ItemReceipt,
        Self::Bill,
        Self::VendorCredit,
        Self::StockTransfer,
        Self::StockAdjustment,
        Self::AssemblyBuild,
        Self::CustomerReceipt,
        Self::VendorPayment,
        Self::CustomerRefund,
        Self::VendorRefund,
        Self::CustomerWriteOff,
        Self::VendorWriteOff,
    ];

    /// Who the document is with: customers, vendors, or nobody (stock documents).
    pub fn party_kind(self) -> Option<PartyKind> {
        match self {
            Self::Quote
            | Self::SalesOrder
            | Self::Dispatch
            | Self::CashSale
            | Self::SalesInvoice
            | Self::CreditNote
            | Self::CustomerReceipt
            | Self::CustomerRefund
            | Self::CustomerWriteOff => Some(PartyKind::Customer),
            Self::PurchaseOrder
            | Self::ItemReceipt
            | Self::Bill
            | Self::VendorCredit
            | Self::VendorPayment
            | Self::VendorRefund
            | Self::VendorWriteOff => Some(PartyKind::Vendor),
            Self::StockTransfer | Self::StockAdjustment | Self::AssemblyBuild => None,
        }
    }

    /// Whether saving it produces a journal.
    pub fn posts(self) -> bool {
        !matches!(
            self,
            Self::Quote | Self::SalesOrder | Self::PurchaseOrder | Self::StockTransfer
        )
    }

    /// The number prefix used until the company configures another.
    pub fn default_prefix(self) -> &'static str {
        match self {
            Self::Quote => "QT-",
            Self::SalesOrder => "SO-",
            Self::Dispatch => "DN-",
            Self::CashSale => "CS-",
            Self::SalesInvoice => "INV-",
            Self::CreditNote => "CN-",
            Self::PurchaseOrder => "PO-",
            Self::ItemReceipt => "IR-",
            Self::Bill => "BILL-",
            Self::VendorCredit => "VC-",
            Self::StockTransfer => "TR-",
            Self::StockAdjustment => "ADJ-",
            Self::AssemblyBuild => "AB-",
            Self::CustomerReceipt => "RCT-",
            Self::VendorPayment => "PAY-",
            Self::CustomerRefund => "RFD-",
            Self::VendorRefund => "VRF-",
            Self::CustomerWriteOff => "WO-",
            Self::VendorWriteOff => "VWO-",
        }
    }

    /// Whether lines carry prices and tax (stock documents carry quantities and costs only).
    pub fn priced(self) -> bool {
        self.party_kind().is_some() && !self.is_payment()
    }

    /// Whether this is a payment (made through `/api/v1/payments`, never with lines).
    pub fn is_payment(self) -> bool {
        matches!(
            self,
            Self::CustomerReceipt
                | Self::VendorPayment
                | Self::CustomerRefund
                | Self::VendorRefund
                | Self::CustomerWriteOff
                | Self::VendorWriteOff
        )
    }
}

/// How landed costs are spread over the goods of a receipt or bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LandedSpread {
    /// In proportion to each line's value.
    #[default]
    Value,
    /// In proportion to each line's quantity.
    Quantity,
}

str_enum!(LandedSpread { Value => "value", Quantity => "quantity" });

/// Where a document is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocStatus {
    /// Editable; no effect on stock or the books.
    Pending,
    /// Effects applied; read-only.
    Saved,
    /// Effects reversed; read-only.
    Void,
}

str_enum!(DocStatus { Pending => "PENDING", Saved => "SAVED", Void => "VOID" });

/// One line of a document body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// Item code.
    pub item: String,
    /// Description (default: the item's).
    #[serde(default)]
    pub description: Option<String>,
    /// Site code (default: the document's site).
    #[serde(default)]
    pub site: Option<String>,
    /// Bin code within the site.
    #[serde(default)]
    pub bin: Option<String>,
    /// Quantity, up to 4 decimals; must be greater than zero (a stock adjustment's is the new count, zero allowed).
    #[schema(value_type = String, example = "2")]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// Unit price in the document currency (default: the party's price list, else 0).
    #[schema(value_type = Option<String>, example = "12.50")]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub unit_price: Option<Decimal>,
    /// Discount in percent.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub discount_percent: Option<Decimal>,
    /// Tax code (default: the item's, then the party's).
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Unit cost in base currency, for stock adjustments that set a new value.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub unit_cost: Option<Decimal>,
    /// Id of the line this one was converted from (set by `…/convert`; send it back when editing).
    #[serde(default)]
    pub source_line: Option<i64>,
    /// Drop ship: the vendor delivers to the customer; the goods never enter a site.
    #[serde(default)]
    pub drop_ship: Option<bool>,
}

/// Body to create or update a PENDING document.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// Document type.
    pub doc_type: DocType,
    /// Customer or vendor code (none for stock documents).
    #[serde(default)]
    pub party: Option<String>,
    /// Document date, `YYYY-MM-DD`.
    pub date: String,
    /// Due date (default: from the party's payment terms).
    #[serde(default)]
    pub due_date: Option<String>,
    /// Currency; must be the party's (default: the party's).
    #[serde(default)]
    pub currency: Option<String>,
    /// Base units per one document-currency unit (default: the rate on the document date).
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub exchange_rate: Option<Decimal>,
    /// Site code for lines without one.
    #[serde(default)]
    pub site: Option<String>,
    /// Destination site of a stock transfer (default: the same site, for a move between bins).
    #[serde(default)]
    pub to_site: Option<String>,
    /// Destination bin of a stock transfer.
    #[serde(default)]
    pub to_bin: Option<String>,
    /// The customer's PO number or vendor's invoice number.
    #[serde(default)]
    pub reference: Option<String>,
    /// Memo.
    #[serde(default)]
    pub memo: Option<String>,
    /// Unit prices include tax (as carts often send them).
    #[serde(default)]
    pub prices_include_tax: Option<bool>,
    /// Ship-to address (drop-ship purchase orders).
    #[serde(default)]
    pub ship_to: Option<crate::party::Address>,
    /// How charge lines (freight, duty) on a receipt or bill are spread over its goods: `value` (default) or `quantity`.
    #[serde(default)]
    pub landed_spread: Option<LandedSpread>,
    /// Lines.
    #[serde(default)]
    pub lines: Vec<LineInput>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Longest reference accepted.
pub const REFERENCE_MAX_LEN: usize = 100;
/// Most lines on one document.
pub const MAX_LINES: usize = 5000;

fn scaled_decimal(field: &str, v: Decimal, scale: u32) -> Result<Decimal, FieldError> {
    if v.normalize().scale() > scale {
        return Err(FieldError::new(
            field,
            format!("{v} has more than {scale} decimal places"),
        ));
    }
    Ok(v.normalize())
}

impl DocumentInput {
    /// Checks what can be checked without the database; reports every bad field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        errs.check(validate::date("date", &self.date));
        if let Some(d) = self.due_date.as_deref().filter(|d| !d.is_empty()) {
            errs.check(validate::date("due_date", d));
        }
        match (
            self.doc_type.party_kind(),
            self.party.as_deref().filter(|p| !p.is_empty()),
        ) {
            (Some(kind), None) => errs.push(
                "party",
                format!("a {} needs a {}", self.doc_type.as_str(), kind.as_str()),
            ),
            (None, Some(_)) => errs.push(
                "party",
                format!("a {} has no party", self.doc_type.as_str()),
            ),
            (_, Some(p)) => {
                errs.check(validate::code("party", p));
            }
            (None, None) => {}
        }
        if let Some(r) = self.exchange_rate {
            if r <= Decimal::ZERO {
                errs.push(
                    "exchange_rate",
                    format!("must be greater than zero (got {r})"),
                );
            } else {
                errs.check(scaled_decimal("exchange_rate", r, RATE_SCALE));
            }
        }
        errs.check(validate::optional_text(
            "reference",
            self.reference.as_deref().unwrap_or(""),
            REFERENCE_MAX_LEN,
        ));
        errs.check(validate::optional_text(
            "memo",
            self.memo.as_deref().unwrap_or(""),
            TEXT_MAX_LEN,
        ));
        if self.doc_type == DocType::StockTransfer
            && self.to_site.as_deref().is_none_or(str::is_empty)
            && self.to_bin.as_deref().is_none_or(str::is_empty)
        {
            errs.push(
                "to_site",
                "a stock transfer needs a destination site or bin",
            );
        }
        if self.lines.len() > MAX_LINES {
            errs.push(
                "lines",
                format!("at most {MAX_LINES} lines (got {})", self.lines.len()),
            );
        }
        for (i, l) in self.lines.iter().enumerate() {
            let f = |name: &str| format!("lines[{i}].{name}");
            errs.check(validate::code(&f("item"), &l.item));
            errs.check(validate::optional_text(
                &f("description"),
                l.description.as_deref().unwrap_or(""),
                NAME_MAX_LEN,
            ));
            let zero_ok = self.doc_type == DocType::StockAdjustment;
            if l.quantity < Decimal::ZERO || (l.quantity.is_zero() && !zero_ok) {
                errs.push(
                    f("quantity"),
                    format!("must be greater than zero (got {})", l.quantity),
                );
            } else {
                errs.check(scaled_decimal(&f("quantity"), l.quantity, QUANTITY_SCALE));
            }
            // A negative price is for discount items only; that needs the item, so the
            // sign is checked where lines are resolved.
            if let Some(p) = l.unit_price {
                errs.check(scaled_decimal(
                    &f("unit_price"),
                    p,
                    totals::UNIT_PRICE_SCALE,
                ));
            }
            if let Some(d) = l.discount_percent {
                if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                    errs.push(
                        f("discount_percent"),
                        format!("must be between 0 and 100 (got {d})"),
                    );
                } else {
                    errs.check(scaled_decimal(&f("discount_percent"), d, 4));
                }
            }
            if let Some(c) = l.unit_cost {
                if c < Decimal::ZERO {
                    errs.push(f("unit_cost"), format!("must not be negative (got {c})"));
                } else {
                    errs.check(scaled_decimal(
                        &f("unit_cost"),
                        c,
                        crate::money::UNIT_COST_SCALE,
                    ));
                }
            }
        }
        errs.into_result(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(v: serde_json::Value) -> DocumentInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_sales_document_needs_a_customer_and_positive_quantities() {
        let d = input(serde_json::json!({
            "doc_type": "sales_invoice", "date": "2026-01-05",
            "lines": [{"item": "A", "quantity": "0"}, {"item": "B", "quantity": "-1"}, {"item": "C", "quantity": "1", "unit_price": "-2"}]
        }));
        let fields: Vec<_> = d
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["party", "lines[0].quantity", "lines[1].quantity"]);
    }

    #[test]
    fn zero_rate_and_bad_dates_are_refused() {
        let d = input(
            serde_json::json!({"doc_type": "bill", "party": "V", "date": "2026-02-30", "exchange_rate": "0"}),
        );
        let fields: Vec<_> = d
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["date", "exchange_rate"]);
    }

    #[test]
    fn stock_documents_have_no_party_and_adjustments_may_count_zero() {
        let d = input(
            serde_json::json!({"doc_type": "stock_adjustment", "date": "2026-01-05", "site": "MAIN", "lines": [{"item": "A", "quantity": "0"}]}),
        );
        assert!(d.validate().is_ok());
        let d = input(
            serde_json::json!({"doc_type": "stock_transfer", "party": "C", "date": "2026-01-05"}),
        );
        let fields: Vec<_> = d
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["party", "to_site"]);
    }

    #[test]
    fn type_facts() {
        assert!(
            !DocType::Quote.posts()
                && !DocType::SalesOrder.posts()
                && !DocType::PurchaseOrder.posts()
        );
        assert!(DocType::SalesInvoice.posts() && DocType::ItemReceipt.posts());
        assert_eq!(DocType::Bill.party_kind(), Some(PartyKind::Vendor));
        for t in DocType::ALL {
            assert_eq!(DocType::parse(t.as_str()), Some(t));
        }
    }
}
