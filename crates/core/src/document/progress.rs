//! How far an order or other source document has been carried into later documents.

use rust_decimal::Decimal;

use super::{
    DocStatus, DocType,
    record::{Document, Progress},
};

/// The name of the stage reached when a line of `source` goes into a `target` document.
pub fn stage(source: DocType, target: DocType) -> Option<&'static str> {
    use DocType as T;
    match (source, target) {
        (T::Quote | T::SalesOrder | T::Dispatch, T::SalesInvoice | T::CashSale) => Some("invoiced"),
        (T::Quote, T::SalesOrder) => Some("ordered"),
        (T::SalesOrder, T::Dispatch) => Some("dispatched"),
        (T::SalesOrder, T::PurchaseOrder) => Some("purchased"),
        (T::PurchaseOrder, T::ItemReceipt) => Some("received"),
        (T::PurchaseOrder | T::ItemReceipt, T::Bill) => Some("billed"),
        (T::SalesInvoice | T::CashSale, T::CreditNote) => Some("credited"),
        (T::Bill, T::VendorCredit) => Some("credited"),
        _ => None,
    }
}

/// Which documents a document of `source` type may be converted into.
pub fn conversions(source: DocType) -> &'static [DocType] {
    use DocType as T;
    match source {
        T::Quote => &[T::SalesOrder, T::CashSale, T::SalesInvoice],
        T::SalesOrder => &[T::Dispatch, T::SalesInvoice, T::CashSale, T::PurchaseOrder],
        T::Dispatch => &[T::SalesInvoice, T::CashSale],
        T::PurchaseOrder => &[T::ItemReceipt, T::Bill],
        T::ItemReceipt => &[T::Bill],
        T::SalesInvoice | T::CashSale => &[T::CreditNote],
        T::Bill => &[T::VendorCredit],
        _ => &[],
    }
}

/// The stage that fulfils an order: dispatch or invoice for sales orders, receipt or bill for purchase orders.
fn fulfilling(doc_type: DocType) -> &'static [&'static str] {
    match doc_type {
        DocType::SalesOrder => &["dispatched", "invoiced"],
        DocType::PurchaseOrder => &["received", "billed"],
        _ => &[],
    }
}

/// Quantity of a line that reached `stage`.
pub fn reached(progress: &[Progress], stage: &str) -> Decimal {
    progress
        .iter()
        .filter(|p| p.stage == stage)
        .map(|p| p.quantity)
        .sum()
}

/// The fulfilled quantity of an order line: the furthest of its fulfilling stages.
pub fn fulfilled(doc_type: DocType, progress: &[Progress]) -> Decimal {
    fulfilling(doc_type)
        .iter()
        .map(|s| reached(progress, s))
        .max()
        .unwrap_or_default()
}

/// Sets each line's progress from `converted` (`(line id, target type, quantity)`) and the order statuses.
pub fn annotate(doc: &mut Document, converted: &[(i64, DocType, Decimal)]) {
    for line in &mut doc.lines {
        let mut progress: Vec<Progress> = Vec::new();
        for (_, target, q) in converted.iter().filter(|(id, _, _)| *id == line.id) {
            if let Some(name) = stage(doc.doc_type, *target) {
                match progress.iter_mut().find(|p| p.stage == name) {
                    Some(p) => p.quantity += *q,
                    None => progress.push(Progress {
                        stage: name.to_owned(),
                        quantity: *q,
                    }),
                }
            }
        }
        line.progress = progress;
    }
    if !matches!(doc.doc_type, DocType::SalesOrder | DocType::PurchaseOrder) {
        return;
    }
    let status = if doc.status == DocStatus::Pending {
        "Pending"
    } else if doc.closed || doc.status == DocStatus::Void {
        "Closed"
    } else {
        let each: Vec<(Decimal, Decimal)> = doc
            .lines
            .iter()
            .map(|l| (l.quantity, fulfilled(doc.doc_type, &l.progress)))
            .collect();
        if each.iter().any(|(q, f)| f > q) {
            "OverFulfilled"
        } else if each.iter().all(|(q, f)| f >= q) {
            "Fulfilled"
        } else {
            "Open"
        }
    };
    doc.order_status = Some(status.to_owned());
    if doc.doc_type == DocType::SalesOrder && doc.status == DocStatus::Saved {
        let outstanding: Decimal = doc
            .lines
            .iter()
            .map(|l| (l.quantity - fulfilled(doc.doc_type, &l.progress)).max(Decimal::ZERO))
            .sum();
        let allocated: Decimal = doc.lines.iter().map(|l| l.allocated).sum();
        doc.allocation_status = Some(
            if allocated >= outstanding {
                "FullyAllocated"
            } else if allocated.is_zero() {
                "NotAllocated"
            } else {
                "PartiallyAllocated"
            }
            .to_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_conversions_agree() {
        for source in DocType::ALL {
            for target in conversions(source) {
                assert!(stage(source, *target).is_some(), "{source:?} -> {target:?}");
            }
        }
        assert_eq!(
            stage(DocType::SalesOrder, DocType::Dispatch),
            Some("dispatched")
        );
        assert!(conversions(DocType::StockTransfer).is_empty());
    }
}
