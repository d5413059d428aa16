//! Turns a document body into the row to store: codes to ids, defaults, totals.

use cartwright_core::{
    FieldErrors,
    document::{
        DocType, DocumentInput,
        totals::{LineCalc, Rules, UNIT_PRICE_SCALE, compute},
    },
    item::ItemType,
    money::{QUANTITY_SCALE, RATE_SCALE, TAX_RATE_SCALE, UNIT_COST_SCALE, to_scaled},
    party::PartyKind,
    validate::{date as parse_date, format_date},
};
use cartwright_store::{DocumentRow, LineRow, ListQuery, Tx};
use rust_decimal::Decimal;

use crate::{AppError, Result, company::no_company};

/// Looks a site up by code, naming `field` when it is unknown.
async fn site_id(tx: &mut Tx, field: &str, code: &str) -> Result<i64> {
    tx.site_id(code)
        .await?
        .ok_or_else(|| AppError::invalid(field, format!("unknown site '{code}'")))
}

/// The first active site: the default for documents that name none.
async fn default_site(tx: &mut Tx) -> Result<Option<i64>> {
    let q = ListQuery {
        active: Some(true),
        limit: 1,
        ..ListQuery::default()
    };
    Ok(tx.list_sites(&q).await?.items.first().map(|s| s.id))
}

/// Resolves and computes a document body; every bad field is reported.
pub(super) async fn document_row(tx: &mut Tx, input: &DocumentInput) -> Result<DocumentRow> {
    if input.doc_type.is_payment() {
        return Err(AppError::invalid(
            "doc_type",
            "record receipts and payments through /api/v1/payments",
        ));
    }
    let company = tx.company().await?.ok_or_else(no_company)?;
    let base = company.base_currency.clone();
    let doc_date = parse_date("date", &input.date)?;
    let date = format_date(doc_date);
    crate::ledger::check_open(tx, "date", &date).await?;
    let mut errs = FieldErrors::default();

    // Party and currency: a document is always in its party's currency.
    let (party_id, currency, terms_code, party_tax) =
        match (input.doc_type.party_kind(), input.party.as_deref()) {
            (Some(kind), Some(code)) => {
                let id = tx.party_id(kind, code).await?.ok_or_else(|| {
                    AppError::invalid("party", format!("unknown {} '{code}'", kind.as_str()))
                })?;
                let p = tx
                    .party(kind, id)
                    .await?
                    .ok_or_else(|| AppError::not_found(kind.as_str(), id))?;
                (Some(id), p.currency, p.payment_terms, p.tax_code)
            }
            _ => (None, base.clone(), None, None),
        };
    if let Some(c) = input.currency.as_deref().filter(|c| !c.is_empty())
        && !c.eq_ignore_ascii_case(&currency)
    {
        let who = input.party.as_deref().unwrap_or("this document");
        errs.push(
            "currency",
            format!(
                "{who} trades in {currency}; the document must be in {currency}, not {}",
                c.to_uppercase()
            ),
        );
    }
    let mu = tx.minor_units_of(&currency).await?.unwrap_or(2);
    let bmu = tx.minor_units_of(&base).await?.unwrap_or(2);

    // Rate: given, or the rate on the document date; base currency is always 1.
    let rate = if currency == base {
        Decimal::ONE
    } else if let Some(r) = input.exchange_rate {
        r
    } else {
        match tx.rate_on(&currency, &date).await? {
            Some(r) => r.rate,
            None => {
                errs.push(
                    "exchange_rate",
                    format!(
                        "no {currency} rate on or before {date}: record one or give exchange_rate"
                    ),
                );
                Decimal::ONE
            }
        }
    };

    let due_date = match input.due_date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(format_date(parse_date("due_date", d)?)),
        None => match terms_code {
            Some(code) => match tx.terms_id(&code).await? {
                Some(tid) => tx
                    .terms(tid)
                    .await?
                    .map(|t| format_date(t.due_date(doc_date))),
                None => None,
            },
            None => None,
        },
    };

    let site_id_header = match input.site.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(site_id(tx, "site", code).await?),
        None => default_site(tx).await?,
    };
    let to_site_id = match input.to_site.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(site_id(tx, "to_site", code).await?),
        None => None,
    };
    // A transfer goes to another site, or to another bin of the same site.
    let to_site_id = if input.doc_type == DocType::StockTransfer {
        to_site_id.or(site_id_header)
    } else {
        to_site_id
    };
    let to_bin_id = match (
        input.to_bin.as_deref().filter(|b| !b.is_empty()),
        to_site_id,
    ) {
        (Some(code), Some(sid)) => {
            let site = tx
                .site(sid)
                .await?
                .ok_or_else(|| AppError::not_found("site", sid))?;
            match site.bins.iter().find(|b| b.code.eq_ignore_ascii_case(code)) {
                Some(b) => Some(b.id),
                None => {
                    errs.push("to_bin", format!("site {} has no bin '{code}'", site.code));
                    None
                }
            }
        }
        _ => None,
    };

    let mut lines = Vec::with_capacity(input.lines.len());
    let mut calcs = Vec::with_capacity(input.lines.len());
    for (i, l) in input.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        let Some(item_id) = tx.item_id(&l.item).await? else {
            errs.push(f("item"), format!("unknown item '{}'", l.item));
            continue;
        };
        let item = tx
            .item(item_id)
            .await?
            .ok_or_else(|| AppError::not_found("item", item_id))?;
        if !item.active {
            errs.push(f("item"), format!("item {} is inactive", item.code));
        }
        let line_site = match l.site.as_deref().filter(|s| !s.is_empty()) {
            Some(code) => Some(site_id(tx, &f("site"), code).await?),
            None => site_id_header,
        };
        let bin_id = match (l.bin.as_deref().filter(|b| !b.is_empty()), line_site) {
            (Some(code), Some(sid)) => {
                let site = tx
                    .site(sid)
                    .await?
                    .ok_or_else(|| AppError::not_found("site", sid))?;
                match site.bins.iter().find(|b| b.code.eq_ignore_ascii_case(code)) {
                    Some(b) => Some(b.id),
                    None => {
                        errs.push(f("bin"), format!("site {} has no bin '{code}'", site.code));
                        None
                    }
                }
            }
            (Some(_), None) => {
                errs.push(f("bin"), "a bin needs a site");
                None
            }
            (None, _) => None,
        };
        // Price: given, else the item's price on a list in the document currency.
        let unit_price = match l.unit_price {
            Some(p) => p,
            None if input.doc_type.priced()
                && input.doc_type.party_kind() == Some(PartyKind::Customer) =>
            {
                item.prices
                    .iter()
                    .find(|p| p.currency == currency)
                    .map_or(Decimal::ZERO, |p| p.price)
            }
            // Buying in base currency: start from the standard cost.
            None if input.doc_type.party_kind() == Some(PartyKind::Vendor) && currency == base => {
                item.standard_cost.round_dp(UNIT_PRICE_SCALE)
            }
            None => Decimal::ZERO,
        };
        if unit_price < Decimal::ZERO && item.item_type != ItemType::Discount {
            errs.push(
                f("unit_price"),
                format!("must not be negative (got {unit_price}); only discount items take a negative price"),
            );
        }
        // Tax: the line's code, else the item's, else the party's.
        let tax_code = if input.doc_type.priced() {
            l.tax_code
                .clone()
                .filter(|t| !t.is_empty())
                .or_else(|| item.tax_code.clone())
                .or_else(|| party_tax.clone())
        } else {
            None
        };
        let (tax_code_id, tax_rate) = match tax_code {
            Some(code) => match tx.tax_code_id(&code).await? {
                Some(tid) => (
                    Some(tid),
                    tx.tax_code(tid)
                        .await?
                        .map_or(Decimal::ZERO, |t| t.rate_percent),
                ),
                None => {
                    errs.push(f("tax_code"), format!("unknown tax code '{code}'"));
                    (None, Decimal::ZERO)
                }
            },
            None => (None, Decimal::ZERO),
        };
        if l.drop_ship == Some(true)
            && !matches!(
                input.doc_type,
                DocType::SalesOrder
                    | DocType::PurchaseOrder
                    | DocType::Bill
                    | DocType::SalesInvoice
                    | DocType::CashSale
                    | DocType::CreditNote
                    | DocType::VendorCredit
            )
        {
            errs.push(
                f("drop_ship"),
                format!(
                    "a {} cannot drop-ship: its goods pass through a site",
                    input.doc_type.as_str()
                ),
            );
        }
        if let Some(src) = l.source_line {
            match tx.line_row(src).await? {
                Some((_, row)) if row.item_id == item_id => {}
                Some(_) => errs.push(f("source_line"), format!("line {src} is for another item")),
                None => errs.push(f("source_line"), format!("unknown line {src}")),
            }
        }
        let discount = l.discount_percent.unwrap_or_default();
        let qty_e4 = errs
            .check(to_scaled(l.quantity, QUANTITY_SCALE, &f("quantity")))
            .unwrap_or(0);
        let unit_price_e6 = errs
            .check(to_scaled(unit_price, UNIT_PRICE_SCALE, &f("unit_price")))
            .unwrap_or(0);
        let unit_cost_e4 = match l.unit_cost {
            Some(c) => errs.check(to_scaled(c, UNIT_COST_SCALE, &f("unit_cost"))),
            None => None,
        };
        calcs.push(LineCalc {
            quantity: l.quantity,
            unit_price: if input.doc_type.priced() {
                unit_price
            } else {
                Decimal::ZERO
            },
            discount_percent: discount,
            tax_rate_percent: tax_rate,
            tax_code: tax_code_id,
        });
        lines.push(LineRow {
            id: 0,
            item_id,
            description: l
                .description
                .clone()
                .filter(|d| !d.is_empty())
                .unwrap_or(item.description),
            site_id: line_site,
            bin_id,
            qty_e4,
            unit_price_e6,
            discount_e4: to_scaled(discount, 4, &f("discount_percent")).unwrap_or(0),
            tax_code_id,
            tax_rate_e4: to_scaled(tax_rate, TAX_RATE_SCALE, &f("tax_code")).unwrap_or(0),
            net_minor: 0,
            tax_minor: 0,
            base_net_minor: 0,
            unit_cost_e4,
            allocated_e4: 0,
            source_line_id: l.source_line,
            drop_ship: l.drop_ship.unwrap_or(false),
        });
    }
    // A count is one figure per item and site: two lines would each be measured against the same on-hand.
    if input.doc_type == DocType::StockAdjustment {
        for (i, l) in lines.iter().enumerate() {
            if let Some(first) = lines
                .iter()
                .take(i)
                .position(|o| o.item_id == l.item_id && o.site_id == l.site_id)
            {
                errs.push(
                    format!("lines[{i}].item"),
                    format!(
                        "this item and site are already counted on line {}",
                        first + 1
                    ),
                );
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs.into());
    }
    let totals = compute(
        &calcs,
        &Rules {
            minor_units: mu,
            base_minor_units: bmu,
            rate,
            rounding: company.tax_rounding,
            prices_include_tax: input.prices_include_tax.unwrap_or(false),
        },
    );
    let minor = |d: Decimal, units: u32, field: &str| to_scaled(d, units, field);
    for (row, t) in lines.iter_mut().zip(&totals.lines) {
        row.net_minor = minor(t.net, mu, "net")?;
        row.tax_minor = minor(t.tax, mu, "tax")?;
        row.base_net_minor = minor(t.base_net, bmu, "base_net")?;
    }
    Ok(DocumentRow {
        doc_type: input.doc_type,
        party_id,
        date,
        due_date,
        currency,
        rate_e6: to_scaled(rate, RATE_SCALE, "exchange_rate")?,
        site_id: site_id_header,
        to_site_id,
        reference: input
            .reference
            .clone()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        memo: input.memo.clone().unwrap_or_default().trim().to_owned(),
        prices_include_tax: input.prices_include_tax.unwrap_or(false),
        ship_to_json: input
            .ship_to
            .as_ref()
            .and_then(|a| serde_json::to_string(a).ok()),
        landed_spread: input.landed_spread.unwrap_or_default().as_str().to_owned(),
        to_bin_id,
        net_minor: minor(totals.net, mu, "net")?,
        tax_minor: minor(totals.tax, mu, "tax")?,
        total_minor: minor(totals.total, mu, "total")?,
        base_total_minor: minor(totals.base_total, bmu, "base_total")?,
        lines,
    })
}
