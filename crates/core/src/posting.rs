//! Posting rules: the journal each saved document produces, balanced in base currency.
//!
//! Amounts are integers in minor units. A journal line is positive for a debit
//! and negative for a credit, in base currency, and keeps the document-currency
//! amount and rate it came from. What posts when:
//! - sales invoice: Dr receivable (total) / Cr sales (each line's net) / Cr tax payable;
//!   cash sale: Dr the bank of its currency instead of receivable;
//!   credit note: the mirror image;
//! - stock leaving (dispatch, or an invoice or cash sale line not dispatched before):
//!   Dr cost of goods sold / Cr stock at cost; a credit note returning goods: the mirror;
//! - item receipt: Dr stock / Cr pending item receipts (the vendor balance does not move);
//! - bill: Cr payable (total) / Dr tax receivable / per line: received goods Dr pending
//!   item receipts at the receipt value with the price difference to purchase price
//!   variance; goods not received before Dr stock; non-stock, service, drop-ship and
//!   default-item lines Dr cost of goods sold; vendor credit: the mirror image;
//! - stock adjustment: Dr stock / Cr stock adjustments for a gain, the reverse for a loss;
//! - assembly build: Dr stock (the assembly) / Cr stock (its components);
//! - a line on the default item posts to sales (sales side) or cost of goods sold
//!   (purchase side) and moves no stock.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::document::DocType;

/// One journal line: positive debit, negative credit, in base minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JournalLine {
    /// Account id.
    pub account_id: i64,
    /// Base-currency amount, minor units: debit positive, credit negative.
    pub base_minor: i64,
    /// Currency of the source amount.
    pub currency: String,
    /// Source amount in that currency's minor units, same sign as `base_minor`.
    pub amount_minor: i64,
    /// Base per one unit of `currency`.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

/// The accounts posting needs, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounts {
    /// Trade debtors.
    pub receivable: i64,
    /// Trade creditors.
    pub payable: i64,
    /// Bank account of the document currency (cash sales).
    pub bank: i64,
    /// Sales income.
    pub sales: i64,
    /// Cost of goods sold.
    pub cogs: i64,
    /// Stock.
    pub stock: i64,
    /// Pending item receipts (goods received not billed).
    pub pending_receipts: i64,
    /// Purchase price variance.
    pub price_variance: i64,
    /// Stock adjustments (shrinkage, count differences).
    pub stock_adjustment: i64,
}

/// How one document line posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingLine {
    /// Net in document currency, minor units.
    pub net_minor: i64,
    /// Net in base currency, minor units.
    pub base_net_minor: i64,
    /// Value of the stock this line moves, base minor units (positive in, negative out; 0 when none).
    pub stock_value_minor: i64,
    /// For bill lines converted from a receipt: the receipt's value of these goods, base minor units.
    pub received_value_minor: Option<i64>,
    /// Whether this line moves stock (stock and assembly items, not drop-ship, not the default item).
    pub stocked: bool,
}

/// Tax of one tax code, posted to its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingTax {
    /// Tax account id.
    pub account_id: i64,
    /// Tax in document currency, minor units.
    pub tax_minor: i64,
    /// Tax in base currency, minor units.
    pub base_tax_minor: i64,
}

/// Everything a document's journal depends on.
#[derive(Debug, Clone)]
pub struct PostingInput<'a> {
    /// Document type.
    pub doc_type: DocType,
    /// Document currency.
    pub currency: &'a str,
    /// Base currency.
    pub base_currency: &'a str,
    /// Base per one document-currency unit.
    pub rate: Decimal,
    /// Accounts by role.
    pub accounts: Accounts,
    /// Lines.
    pub lines: &'a [PostingLine],
    /// Taxes.
    pub taxes: &'a [PostingTax],
}

/// The journal of a document that does not balance: a bug, never a user error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("journal does not balance: debits minus credits = {difference} base minor units")]
pub struct Unbalanced {
    /// Sum of the lines.
    pub difference: i64,
}

/// Checks that a journal balances in base currency.
pub fn check_balanced(lines: &[JournalLine]) -> Result<(), Unbalanced> {
    let difference: i64 = lines.iter().map(|l| l.base_minor).sum();
    if difference == 0 {
        Ok(())
    } else {
        Err(Unbalanced { difference })
    }
}

struct Builder<'a> {
    input: &'a PostingInput<'a>,
    lines: Vec<JournalLine>,
}

impl Builder<'_> {
    /// A line in document currency (debit positive).
    fn doc(&mut self, account_id: i64, base_minor: i64, amount_minor: i64) {
        if base_minor != 0 || amount_minor != 0 {
            self.lines.push(JournalLine {
                account_id,
                base_minor,
                currency: self.input.currency.to_owned(),
                amount_minor,
                rate: self.input.rate,
            });
        }
    }

    /// A line in base currency only (stock values, variances).
    fn base(&mut self, account_id: i64, base_minor: i64) {
        if base_minor != 0 {
            self.lines.push(JournalLine {
                account_id,
                base_minor,
                currency: self.input.base_currency.to_owned(),
                amount_minor: base_minor,
                rate: Decimal::ONE,
            });
        }
    }
}

/// The journal of a saved document (empty for documents that post nothing).
///
/// # Errors
/// [`Unbalanced`] when the lines do not sum to zero: a bug in these rules.
pub fn journal(input: &PostingInput<'_>) -> Result<Vec<JournalLine>, Unbalanced> {
    let a = input.accounts;
    let mut b = Builder {
        input,
        lines: Vec::new(),
    };
    let net: i64 = input.lines.iter().map(|l| l.net_minor).sum();
    let base_net: i64 = input.lines.iter().map(|l| l.base_net_minor).sum();
    let tax: i64 = input.taxes.iter().map(|t| t.tax_minor).sum();
    let base_tax: i64 = input.taxes.iter().map(|t| t.base_tax_minor).sum();
    let (total, base_total) = (net + tax, base_net + base_tax);
    // +1 for sales and purchases, -1 for their credits.
    let sign = match input.doc_type {
        DocType::CreditNote | DocType::VendorCredit => -1,
        _ => 1,
    };
    match input.doc_type {
        DocType::SalesInvoice | DocType::CashSale | DocType::CreditNote => {
            let debtor = if input.doc_type == DocType::CashSale {
                a.bank
            } else {
                a.receivable
            };
            b.doc(debtor, sign * base_total, sign * total);
            for l in input.lines {
                b.doc(a.sales, -sign * l.base_net_minor, -sign * l.net_minor);
            }
            for t in input.taxes {
                b.doc(t.account_id, -sign * t.base_tax_minor, -sign * t.tax_minor);
            }
            // Goods leaving (negative value) cost sales; goods coming back (positive) reverse it.
            for l in input.lines {
                b.base(a.cogs, -l.stock_value_minor);
                b.base(a.stock, l.stock_value_minor);
            }
        }
        DocType::Dispatch => {
            for l in input.lines {
                b.base(a.cogs, -l.stock_value_minor);
                b.base(a.stock, l.stock_value_minor);
            }
        }
        DocType::ItemReceipt => {
            for l in input.lines {
                b.base(a.stock, l.stock_value_minor);
                b.base(a.pending_receipts, -l.stock_value_minor);
            }
        }
        DocType::Bill | DocType::VendorCredit => {
            b.doc(a.payable, -sign * base_total, -sign * total);
            for t in input.taxes {
                b.doc(t.account_id, sign * t.base_tax_minor, sign * t.tax_minor);
            }
            for l in input.lines {
                match l.received_value_minor {
                    Some(received) => {
                        b.base(a.pending_receipts, sign * received);
                        b.base(a.price_variance, sign * (l.base_net_minor - received));
                    }
                    None if l.stocked => {
                        // Goods in (bill) or back out (vendor credit) at their stock value;
                        // what the document says beyond that is a price variance.
                        b.base(a.stock, l.stock_value_minor);
                        b.base(
                            a.price_variance,
                            sign * l.base_net_minor - l.stock_value_minor,
                        );
                    }
                    None => b.base(a.cogs, sign * l.base_net_minor),
                }
            }
        }
        DocType::StockAdjustment => {
            for l in input.lines {
                b.base(a.stock, l.stock_value_minor);
                b.base(a.stock_adjustment, -l.stock_value_minor);
            }
        }
        DocType::AssemblyBuild => {
            // Components leave stock and the assembly enters it at their summed cost.
            for l in input.lines {
                b.base(a.stock, l.stock_value_minor);
                b.base(a.stock, -l.stock_value_minor);
            }
        }
        // Payments post through the settlement rules (`crate::settlement`), not from lines.
        DocType::Quote
        | DocType::SalesOrder
        | DocType::PurchaseOrder
        | DocType::StockTransfer
        | DocType::CustomerReceipt
        | DocType::VendorPayment
        | DocType::CustomerRefund
        | DocType::VendorRefund
        | DocType::CustomerWriteOff
        | DocType::VendorWriteOff => {}
    }
    let mut lines = b.lines;
    // Lines of one account and currency become one line, the way an accountant reads a journal
    // (an assembly build keeps its two stock lines: components out, assembly in).
    if input.doc_type != DocType::AssemblyBuild {
        lines = merge(lines);
    }
    check_balanced(&lines)?;
    Ok(lines)
}

fn merge(lines: Vec<JournalLine>) -> Vec<JournalLine> {
    let mut out: Vec<JournalLine> = Vec::with_capacity(lines.len());
    for l in lines {
        match out
            .iter_mut()
            .find(|o| o.account_id == l.account_id && o.currency == l.currency && o.rate == l.rate)
        {
            Some(o) => {
                o.base_minor += l.base_minor;
                o.amount_minor += l.amount_minor;
            }
            None => out.push(l),
        }
    }
    out.retain(|l| l.base_minor != 0 || l.amount_minor != 0);
    out
}

/// The reversing journal of a void: every line with its sign flipped.
pub fn reversal(lines: &[JournalLine]) -> Vec<JournalLine> {
    lines
        .iter()
        .map(|l| JournalLine {
            base_minor: -l.base_minor,
            amount_minor: -l.amount_minor,
            ..l.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    const A: Accounts = Accounts {
        receivable: 1,
        payable: 2,
        bank: 3,
        sales: 4,
        cogs: 5,
        stock: 6,
        pending_receipts: 7,
        price_variance: 8,
        stock_adjustment: 9,
    };

    fn line(net: i64, base: i64, stock: i64) -> PostingLine {
        PostingLine {
            net_minor: net,
            base_net_minor: base,
            stock_value_minor: stock,
            received_value_minor: None,
            stocked: stock != 0,
        }
    }

    fn input<'a>(
        t: DocType,
        lines: &'a [PostingLine],
        taxes: &'a [PostingTax],
    ) -> PostingInput<'a> {
        PostingInput {
            doc_type: t,
            currency: "EUR",
            base_currency: "USD",
            rate: dec!(1.1),
            accounts: A,
            lines,
            taxes,
        }
    }

    fn by_account(j: &[JournalLine]) -> Vec<(i64, i64)> {
        j.iter().map(|l| (l.account_id, l.base_minor)).collect()
    }

    #[test]
    fn invoice_with_tax_and_cost_of_goods_sold() {
        // EUR 100.00 net (USD 110.00) + EUR 20.00 tax (USD 22.00); goods cost USD 60.00.
        let lines = [line(10_000, 11_000, -6_000)];
        let taxes = [PostingTax {
            account_id: 10,
            tax_minor: 2_000,
            base_tax_minor: 2_200,
        }];
        let j = journal(&input(DocType::SalesInvoice, &lines, &taxes)).unwrap();
        assert_eq!(
            by_account(&j),
            [
                (1, 13_200),
                (4, -11_000),
                (10, -2_200),
                (5, 6_000),
                (6, -6_000)
            ]
        );
        assert_eq!(j[0].amount_minor, 12_000);
        let cash = journal(&input(DocType::CashSale, &lines, &taxes)).unwrap();
        assert_eq!(cash[0].account_id, 3);
    }

    #[test]
    fn credit_note_mirrors_the_invoice_and_takes_goods_back() {
        let lines = [line(10_000, 11_000, 6_000)];
        let j = journal(&input(DocType::CreditNote, &lines, &[])).unwrap();
        assert_eq!(
            by_account(&j),
            [(1, -11_000), (4, 11_000), (5, -6_000), (6, 6_000)]
        );
    }

    #[test]
    fn receipt_then_bill_at_another_price_posts_the_variance() {
        let received = [line(0, 0, 5_000)];
        let r = journal(&input(DocType::ItemReceipt, &received, &[])).unwrap();
        assert_eq!(by_account(&r), [(6, 5_000), (7, -5_000)]);
        let billed = [PostingLine {
            net_minor: 4_800,
            base_net_minor: 5_280,
            stock_value_minor: 0,
            received_value_minor: Some(5_000),
            stocked: true,
        }];
        let b = journal(&input(DocType::Bill, &billed, &[])).unwrap();
        assert_eq!(by_account(&b), [(2, -5_280), (7, 5_000), (8, 280)]);
    }

    #[test]
    fn bill_of_non_stock_lines_goes_to_cost_of_sales() {
        let lines = [line(1_000, 1_100, 0)];
        let taxes = [PostingTax {
            account_id: 11,
            tax_minor: 200,
            base_tax_minor: 220,
        }];
        let j = journal(&input(DocType::Bill, &lines, &taxes)).unwrap();
        assert_eq!(by_account(&j), [(2, -1_320), (11, 220), (5, 1_100)]);
        let credit = journal(&input(DocType::VendorCredit, &lines, &taxes)).unwrap();
        assert_eq!(by_account(&credit), [(2, 1_320), (11, -220), (5, -1_100)]);
    }

    #[test]
    fn adjustments_and_reversals_balance() {
        let lines = [line(0, 0, -250), line(0, 0, 100)];
        let j = journal(&input(DocType::StockAdjustment, &lines, &[])).unwrap();
        assert_eq!(by_account(&j), [(6, -150), (9, 150)]);
        let r = reversal(&j);
        check_balanced(&r).unwrap();
        assert_eq!(r[0].base_minor, 150);
        assert!(
            journal(&input(DocType::SalesOrder, &lines, &[]))
                .unwrap()
                .is_empty()
        );
    }
}
