//! What saving and voiding a document does to stock, allocations, costs and the books.

use std::collections::{BTreeMap, HashMap, hash_map::Entry};

use cartwright_core::{
    account::DEFAULT_CHART,
    company::{Company, NegativeStockPolicy},
    costing::{CostState, CostingMethod, prorate},
    document::{DocType, record::Document},
    item::ItemType,
    money::{QUANTITY_SCALE, from_scaled, round_half_away},
    posting::{Accounts, PostingInput, PostingLine, PostingTax, journal},
    user::{Access, Resource},
};
use cartwright_store::{AccountRow, LineRow, MoveRow, Tx};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result, company::no_company};

/// Stock of one item at one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StockLevelView {
    /// Item code.
    pub item: String,
    /// Site code.
    pub site: String,
    /// On hand.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub on_hand: Decimal,
    /// Held for saved sales orders not yet dispatched.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub allocated: Decimal,
    /// On hand minus allocated.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub free: Decimal,
    /// On open purchase orders.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub on_order: Decimal,
    /// Free plus on order.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub available: Decimal,
    /// On hand per bin (moves without a bin count under `null`).
    pub bins: Vec<BinStock>,
}

/// Stock on hand in one bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BinStock {
    /// Bin code; `null` for stock booked to the site without a bin.
    pub bin: Option<String>,
    /// On hand.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub on_hand: Decimal,
}

/// A stored level that differs from the sum of its moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LevelMismatch {
    /// Item code.
    pub item: String,
    /// Site code.
    pub site: String,
    /// Stored on hand.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub stored: Decimal,
    /// Sum of the moves.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub from_moves: Decimal,
}

fn qty(e4: i64) -> Decimal {
    from_scaled(e4, QUANTITY_SCALE).normalize()
}

/// Facts about the items of a document, loaded once.
struct ItemFacts {
    code: String,
    stocked: bool,
    kind: ItemType,
    /// Components of kits and assemblies: `(item id, quantity × 10^4 per unit)`.
    components: Vec<(i64, i64)>,
    /// Standard cost in base minor units × 10^4 (fallback when nothing is on hand).
    standard_cost_minor_e4: i64,
}

/// A base-currency unit cost in minor units × 10^4, the scale costing works in.
fn standard_cost_minor_e4(cost: Decimal, bmu: u32) -> i64 {
    i64::try_from((cost * Decimal::from(10_i64.pow(bmu + 4))).round()).unwrap_or(0)
}

async fn item_facts(
    tx: &mut Tx,
    company: &Company,
    lines: &[LineRow],
    bmu: u32,
) -> Result<HashMap<i64, ItemFacts>> {
    let default_item = match &company.default_item {
        Some(code) => tx.item_id(code).await?,
        None => None,
    };
    let mut out = HashMap::new();
    for l in lines {
        if out.contains_key(&l.item_id) {
            continue;
        }
        let item = tx
            .item(l.item_id)
            .await?
            .ok_or_else(|| AppError::not_found("item", l.item_id))?;
        let stocked = matches!(item.item_type, ItemType::Stock | ItemType::Assembly)
            && Some(l.item_id) != default_item;
        let standard_cost_minor_e4 = standard_cost_minor_e4(item.standard_cost, bmu);
        let components = if matches!(item.item_type, ItemType::Kit | ItemType::Assembly) {
            tx.components(l.item_id).await?
        } else {
            Vec::new()
        };
        out.insert(
            l.item_id,
            ItemFacts {
                code: item.code,
                stocked,
                kind: item.item_type,
                components,
                standard_cost_minor_e4,
            },
        );
    }
    // Components are stock too: load their facts as well.
    let component_ids: Vec<i64> = out
        .values()
        .flat_map(|f| f.components.iter().map(|c| c.0))
        .filter(|id| !out.contains_key(id))
        .collect();
    for id in component_ids {
        if let Entry::Vacant(v) = out.entry(id) {
            let item = tx
                .item(id)
                .await?
                .ok_or_else(|| AppError::not_found("item", id))?;
            let standard_cost_minor_e4 = standard_cost_minor_e4(item.standard_cost, bmu);
            v.insert(ItemFacts {
                code: item.code,
                stocked: matches!(item.item_type, ItemType::Stock | ItemType::Assembly),
                kind: item.item_type,
                components: Vec::new(),
                standard_cost_minor_e4,
            });
        }
    }
    Ok(out)
}

async fn site_code(tx: &mut Tx, site_id: i64) -> Result<String> {
    Ok(tx
        .site(site_id)
        .await?
        .map_or_else(|| site_id.to_string(), |s| s.code))
}

/// Refuses when taking `needed` of each (item, site) would take on-hand below zero.
async fn check_available(
    tx: &mut Tx,
    company: &Company,
    needs: &BTreeMap<(i64, i64), i64>,
    facts: &HashMap<i64, ItemFacts>,
) -> Result<()> {
    if company.negative_stock == NegativeStockPolicy::Allow {
        return Ok(());
    }
    for (&(item_id, site_id), &needed) in needs {
        let level = tx.level(item_id, site_id).await?;
        if level.on_hand_e4 < needed {
            let code = facts
                .get(&item_id)
                .map_or_else(|| item_id.to_string(), |f| f.code.clone());
            let site = site_code(tx, site_id).await?;
            return Err(AppError::invalid(
                "lines",
                format!(
                    "not enough {code} at {site}: {} needed, {} on hand, short by {}",
                    qty(needed),
                    qty(level.on_hand_e4),
                    qty(needed - level.on_hand_e4)
                ),
            ));
        }
    }
    Ok(())
}

/// Allocates up to `qty` just received to the sales-order line it was bought for,
/// if that order is still open and the stock is free.
async fn allocate_received(tx: &mut Tx, so_line: i64, qty: i64) -> Result<()> {
    let Some((doc_id, row)) = tx.line_row(so_line).await? else {
        return Ok(());
    };
    let Some(head) = tx.document_head(doc_id).await? else {
        return Ok(());
    };
    let open = head.doc_type == DocType::SalesOrder
        && head.status == cartwright_core::document::DocStatus::Saved
        && tx.document(doc_id).await?.is_some_and(|d| !d.closed);
    let Some(site) = row.site_id.filter(|_| open) else {
        return Ok(());
    };
    let level = tx.level(row.item_id, site).await?;
    let take = qty
        .min(row.qty_e4 - row.allocated_e4)
        .min(level.on_hand_e4 - level.allocated_e4)
        .max(0);
    if take > 0 {
        tx.change_level(row.item_id, site, 0, take, 0).await?;
        tx.set_line_allocation(row.id, row.allocated_e4 + take)
            .await?;
    }
    Ok(())
}

/// For each line, the type of the document it was converted from and that source line.
async fn sources_of(tx: &mut Tx, lines: &[LineRow]) -> Result<Vec<Option<(DocType, LineRow)>>> {
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let found = match l.source_line_id {
            Some(src) => match tx.line_row(src).await? {
                Some((doc_id, row)) => tx.document_head(doc_id).await?.map(|h| (h.doc_type, row)),
                None => None,
            },
            None => None,
        };
        out.push(found);
    }
    Ok(out)
}

/// The quantity and (positive) value the goods of a credited line left stock with:
/// the invoice line's own move, or that of the dispatch it was made from.
async fn original_cost(
    tx: &mut Tx,
    source: Option<&(DocType, LineRow)>,
) -> Result<Option<(i64, i64)>> {
    let Some((_, src)) = source else {
        return Ok(None);
    };
    let (q, v) = tx.line_moved(src.id).await?;
    if q != 0 {
        return Ok(Some((-q, -v)));
    }
    if let Some(parent) = src.source_line_id {
        let (q, v) = tx.line_moved(parent).await?;
        if q != 0 {
            return Ok(Some((-q, -v)));
        }
    }
    Ok(None)
}

/// The id of a system account, created from the default chart if an older company lacks it.
async fn role_account(tx: &mut Tx, role: &str, currency: Option<&str>) -> Result<i64> {
    if let Some(id) = tx.role_account(role, currency).await? {
        return Ok(id);
    }
    let entry = DEFAULT_CHART
        .iter()
        .find(|e| e.role == role)
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "no {role} account{} in the chart of accounts",
                currency.map(|c| format!(" for {c}")).unwrap_or_default()
            ))
        })?;
    Ok(tx
        .insert_account(&AccountRow {
            code: entry.code.to_owned(),
            name: entry.name.to_owned(),
            account_type: entry.account_type,
            currency: None,
            system_role: Some(role.to_owned()),
            active: true,
        })
        .await?
        .id)
}

async fn accounts(tx: &mut Tx, currency: &str) -> Result<Accounts> {
    Ok(Accounts {
        receivable: role_account(tx, "receivable", None).await?,
        payable: role_account(tx, "payable", None).await?,
        bank: role_account(tx, "bank", Some(currency)).await?,
        sales: role_account(tx, "sales", None).await?,
        cogs: role_account(tx, "cogs", None).await?,
        stock: role_account(tx, "stock", None).await?,
        pending_receipts: role_account(tx, "pending_receipts", None).await?,
        price_variance: role_account(tx, "price_variance", None).await?,
        stock_adjustment: role_account(tx, "stock_adjustment", None).await?,
    })
}

/// Applies a PENDING document's effects (the caller marks it saved).
pub(super) async fn apply(tx: &mut Tx, doc: &Document) -> Result<()> {
    let company = tx.company().await?.ok_or_else(no_company)?;
    let head = tx
        .document_head(doc.id)
        .await?
        .ok_or_else(|| AppError::not_found("document", doc.id))?;
    let lines = tx.document_line_rows(doc.id).await?;
    let bmu = tx
        .minor_units_of(&company.base_currency)
        .await?
        .unwrap_or(2);
    let facts = item_facts(tx, &company, &lines, bmu).await?;
    let sources = sources_of(tx, &lines).await?;
    let method = company.costing_method;
    let t = head.doc_type;
    let kit_moves = matches!(
        t,
        DocType::Dispatch | DocType::SalesInvoice | DocType::CashSale | DocType::CreditNote
    );
    // The stock each line moves: the item itself, or a kit's components (sold as one line).
    let parts = |l: &LineRow| -> Vec<(i64, i64)> {
        match facts.get(&l.item_id) {
            Some(f) if f.kind == ItemType::Kit && kit_moves => f
                .components
                .iter()
                .filter(|(c, _)| facts.get(c).is_some_and(|cf| cf.stocked))
                .map(|(c, per)| (*c, prorate(l.qty_e4, *per, 10_000)))
                .collect(),
            Some(f) if f.stocked => vec![(l.item_id, l.qty_e4)],
            _ => Vec::new(),
        }
    };
    let mut stocked_ids: Vec<i64> = lines
        .iter()
        .flat_map(|l| parts(l).into_iter().map(|p| p.0))
        .collect();
    if t == DocType::AssemblyBuild {
        stocked_ids.extend(lines.iter().flat_map(|l| {
            facts
                .get(&l.item_id)
                .map(|f| f.components.iter().map(|c| c.0).collect::<Vec<_>>())
                .unwrap_or_default()
        }));
        stocked_ids.extend(lines.iter().map(|l| l.item_id));
    }
    tx.lock_items(&stocked_ids).await?;
    let site_of = |l: &LineRow| -> Result<i64> {
        l.site_id.ok_or_else(|| {
            AppError::invalid(
                "site",
                format!("line {} needs a site: the item is stocked", l.description),
            )
        })
    };
    let moves_goods = |i: usize, l: &LineRow| {
        !l.drop_ship
            && !parts(l).is_empty()
            && !matches!(
                sources.get(i).and_then(|s| s.as_ref()).map(|s| s.0),
                Some(DocType::Dispatch | DocType::ItemReceipt)
            )
    };

    let mut costs: HashMap<i64, CostState> = HashMap::new();
    for id in &stocked_ids {
        if !costs.contains_key(id) {
            costs.insert(*id, tx.item_cost(*id).await?);
        }
    }
    let mut moves: Vec<MoveRow> = Vec::new();
    let mut line_values: Vec<i64> = vec![0; lines.len()];
    let out_of_stock = matches!(
        t,
        DocType::Dispatch
            | DocType::SalesInvoice
            | DocType::CashSale
            | DocType::VendorCredit
            | DocType::StockTransfer
    );
    let into_stock = matches!(
        t,
        DocType::CreditNote | DocType::ItemReceipt | DocType::Bill
    );
    // Landed costs: charge lines (freight, duty) of a receipt or a bill for goods not received
    // before are capitalised into the goods' stock value, spread by value or by quantity.
    let is_charge = |i: usize, l: &LineRow| {
        facts
            .get(&l.item_id)
            .is_some_and(|f| f.kind == ItemType::Charge)
            && !l.drop_ship
            && sources
                .get(i)
                .and_then(|s| s.as_ref())
                .is_none_or(|s| s.0 != DocType::ItemReceipt)
    };
    let goods: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| matches!(t, DocType::ItemReceipt | DocType::Bill) && moves_goods(*i, l))
        .map(|(i, _)| i)
        .collect();
    let landed_total: i64 =
        if goods.is_empty() || !matches!(t, DocType::ItemReceipt | DocType::Bill) {
            0
        } else {
            lines
                .iter()
                .enumerate()
                .filter(|(i, l)| is_charge(*i, l))
                .map(|(_, l)| l.base_net_minor)
                .sum()
        };
    let mut landed = vec![0_i64; lines.len()];
    let mut capitalised = vec![false; lines.len()];
    if landed_total != 0 {
        let by_quantity = doc.landed_spread == "quantity";
        let weight = |i: usize| {
            lines.get(i).map_or(0, |l| {
                if by_quantity {
                    l.qty_e4
                } else {
                    l.base_net_minor
                }
            })
        };
        let total_weight: i64 = goods.iter().map(|i| weight(*i)).sum();
        let mut given = 0;
        for (n, &i) in goods.iter().enumerate() {
            let share = if n + 1 == goods.len() {
                landed_total - given
            } else {
                prorate(landed_total, weight(i), total_weight.max(1))
            };
            given += share;
            if let Some(x) = landed.get_mut(i) {
                *x = share;
            }
        }
        for (i, l) in lines.iter().enumerate() {
            if is_charge(i, l)
                && let Some(c) = capitalised.get_mut(i)
            {
                *c = true;
            }
        }
    }

    // Stock leaving: check first, so a refusal changes nothing.
    if out_of_stock || t == DocType::AssemblyBuild {
        let mut needs: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        for (i, l) in lines.iter().enumerate() {
            let taken: Vec<(i64, i64)> = if t == DocType::AssemblyBuild {
                let f = facts.get(&l.item_id);
                if f.is_none_or(|f| f.kind != ItemType::Assembly || f.components.is_empty()) {
                    let code = f.map_or_else(|| l.item_id.to_string(), |f| f.code.clone());
                    return Err(AppError::invalid(
                        format!("lines[{i}].item"),
                        format!("{code} is not an assembly with components"),
                    ));
                }
                f.map(|f| {
                    f.components
                        .iter()
                        .map(|(c, per)| (*c, prorate(l.qty_e4, *per, 10_000)))
                        .collect()
                })
                .unwrap_or_default()
            } else if moves_goods(i, l) {
                parts(l)
            } else {
                Vec::new()
            };
            for (item, q) in taken {
                if facts.get(&item).is_some_and(|f| f.stocked) {
                    *needs.entry((item, site_of(l)?)).or_default() += q;
                }
            }
        }
        check_available(tx, &company, &needs, &facts).await?;
    }
    let mut received_values: Vec<Option<i64>> = vec![None; lines.len()];
    // Goods bought for a sales order (special and back orders): allocated to it once received.
    let mut for_orders: Vec<(i64, i64)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let source = sources.get(i).and_then(|s| s.as_ref());
        if let Some((DocType::PurchaseOrder, po)) = source {
            if po.drop_ship && t == DocType::ItemReceipt {
                return Err(AppError::invalid(
                    format!("lines[{i}].item"),
                    "a drop-shipped line is billed, never received: its goods go straight to the customer",
                ));
            }
            if let Some(so_line) = po.source_line_id
                && matches!(t, DocType::ItemReceipt | DocType::Bill)
                && !po.drop_ship
            {
                for_orders.push((so_line, l.qty_e4));
            }
        }
        // Conversions first: what the source held for this line is released.
        if let Some((src_type, src)) = source {
            let take = l.qty_e4.min(src.allocated_e4).max(0);
            let fulfils_sale = matches!(
                t,
                DocType::Dispatch | DocType::SalesInvoice | DocType::CashSale
            );
            let fulfils_purchase = matches!(t, DocType::ItemReceipt | DocType::Bill);
            match (src_type, src.site_id) {
                (DocType::SalesOrder, Some(site)) if take > 0 && fulfils_sale => {
                    tx.change_level(src.item_id, site, 0, -take, 0).await?;
                    tx.set_line_allocation(src.id, src.allocated_e4 - take)
                        .await?;
                }
                (DocType::PurchaseOrder, Some(site)) if take > 0 && fulfils_purchase => {
                    tx.change_level(src.item_id, site, 0, 0, -take).await?;
                    tx.set_line_allocation(src.id, src.allocated_e4 - take)
                        .await?;
                }
                // Billing received goods clears what the receipt put in pending receipts for them.
                (DocType::ItemReceipt, _) => {
                    received_values[i] = Some(if src.qty_e4 == 0 {
                        0
                    } else {
                        prorate(src.base_net_minor, l.qty_e4, src.qty_e4)
                    });
                }
                _ => {}
            }
        }
        if t == DocType::AssemblyBuild {
            let site = site_of(l)?;
            let comps = facts
                .get(&l.item_id)
                .map(|f| f.components.clone())
                .unwrap_or_default();
            let mut total = 0;
            for (c, per) in comps {
                let Some(cf) = facts.get(&c).filter(|cf| cf.stocked) else {
                    continue;
                };
                let q = prorate(l.qty_e4, per, 10_000);
                let state = costs.entry(c).or_default();
                let fb = if state.unit_cost_e4() > 0 {
                    state.unit_cost_e4()
                } else {
                    cf.standard_cost_minor_e4
                };
                let v = state.issue(method, q, fb);
                total += v;
                moves.push(MoveRow {
                    document_id: doc.id,
                    line_id: Some(l.id),
                    item_id: c,
                    site_id: site,
                    bin_id: l.bin_id,
                    qty_e4: -q,
                    value_minor: -v,
                    date: head.date.clone(),
                });
            }
            costs
                .entry(l.item_id)
                .or_default()
                .receive(method, l.qty_e4, total);
            moves.push(MoveRow {
                document_id: doc.id,
                line_id: Some(l.id),
                item_id: l.item_id,
                site_id: site,
                bin_id: l.bin_id,
                qty_e4: l.qty_e4,
                value_minor: total,
                date: head.date.clone(),
            });
            line_values[i] = total;
            continue;
        }
        if !moves_goods(i, l) {
            continue;
        }
        let site = site_of(l)?;
        // A kit moves its components; its value is theirs.
        if facts
            .get(&l.item_id)
            .is_some_and(|f| f.kind == ItemType::Kit)
        {
            let sign = if out_of_stock { -1 } else { 1 };
            let mut total = 0;
            for (c, q) in parts(l) {
                let cf = facts.get(&c);
                let state = costs.entry(c).or_default();
                let fb = if state.unit_cost_e4() > 0 {
                    state.unit_cost_e4()
                } else {
                    cf.map_or(0, |f| f.standard_cost_minor_e4)
                };
                let v = if out_of_stock {
                    state.issue(method, q, fb)
                } else {
                    let v = prorate(fb, q, cartwright_core::costing::UNIT_E8);
                    state.receive(method, q, v);
                    v
                };
                total += v;
                moves.push(MoveRow {
                    document_id: doc.id,
                    line_id: Some(l.id),
                    item_id: c,
                    site_id: site,
                    bin_id: l.bin_id,
                    qty_e4: sign * q,
                    value_minor: sign * v,
                    date: head.date.clone(),
                });
            }
            line_values[i] = sign * total;
            continue;
        }
        let fact = facts.get(&l.item_id);
        let fallback = |c: &CostState| {
            let avg = c.unit_cost_e4();
            if avg > 0 {
                avg
            } else {
                fact.map_or(0, |f| f.standard_cost_minor_e4)
            }
        };
        let cost = costs.entry(l.item_id).or_default();
        let mut push = |site_id: i64, qty_e4: i64, value_minor: i64| {
            moves.push(MoveRow {
                document_id: doc.id,
                line_id: Some(l.id),
                item_id: l.item_id,
                site_id,
                bin_id: l.bin_id,
                qty_e4,
                value_minor,
                date: head.date.clone(),
            });
        };
        match t {
            DocType::StockTransfer => {
                let to = head.to_site_id.unwrap_or(site);
                let to_bin = if head.to_site_id.is_some_and(|t| t != site) {
                    head.to_bin_id
                } else {
                    head.to_bin_id.or(l.bin_id)
                };
                if to == site && to_bin == l.bin_id {
                    return Err(AppError::invalid(
                        "to_site",
                        format!("line {}: the goods would stay where they are", i + 1),
                    ));
                }
                let value = cost.clone().issue(method, l.qty_e4, fallback(cost));
                push(site, -l.qty_e4, -value);
                moves.push(MoveRow {
                    document_id: doc.id,
                    line_id: Some(l.id),
                    item_id: l.item_id,
                    site_id: to,
                    bin_id: to_bin,
                    qty_e4: l.qty_e4,
                    value_minor: value,
                    date: head.date.clone(),
                });
            }
            _ if out_of_stock => {
                let fb = fallback(cost);
                let value = cost.issue(method, l.qty_e4, fb);
                push(site, -l.qty_e4, -value);
                line_values[i] = -value;
            }
            _ if into_stock => {
                let value = if t == DocType::CreditNote {
                    match original_cost(tx, source).await? {
                        Some((q, v)) if q != 0 => prorate(v, l.qty_e4, q),
                        _ => prorate(fallback(cost), l.qty_e4, cartwright_core::costing::UNIT_E8),
                    }
                } else {
                    l.base_net_minor + landed.get(i).copied().unwrap_or(0)
                };
                cost.receive(method, l.qty_e4, value);
                push(site, l.qty_e4, value);
                line_values[i] = value;
            }
            DocType::StockAdjustment => {
                let on_hand = tx.level(l.item_id, site).await?.on_hand_e4;
                let delta = l.qty_e4 - on_hand;
                let unit = match l.unit_cost_e4 {
                    Some(c) => c * 10_i64.pow(bmu),
                    None => fallback(cost),
                };
                let value = if delta > 0 {
                    let v = prorate(unit, delta, cartwright_core::costing::UNIT_E8);
                    cost.receive(method, delta, v);
                    v
                } else if delta < 0 {
                    -cost.issue(method, -delta, unit)
                } else {
                    0
                };
                if delta != 0 {
                    push(site, delta, value);
                }
                line_values[i] = value;
            }
            DocType::SalesOrder if company.auto_allocate => {
                let level = tx.level(l.item_id, site).await?;
                let free = (level.on_hand_e4 - level.allocated_e4).max(0);
                let allocated = l.qty_e4.min(free);
                if allocated > 0 {
                    tx.change_level(l.item_id, site, 0, allocated, 0).await?;
                    tx.set_line_allocation(l.id, allocated).await?;
                }
            }
            DocType::PurchaseOrder => {
                // For purchase-order lines, the allocated column holds what is still on order.
                tx.change_level(l.item_id, site, 0, 0, l.qty_e4).await?;
                tx.set_line_allocation(l.id, l.qty_e4).await?;
            }
            _ => {}
        }
    }
    for m in &moves {
        tx.change_level(m.item_id, m.site_id, m.qty_e4, 0, 0)
            .await?;
    }
    for (so_line, qty) in for_orders {
        allocate_received(tx, so_line, qty).await?;
    }
    tx.insert_moves(&moves).await?;
    for (id, state) in &costs {
        tx.set_item_cost(*id, state).await?;
    }
    if t.posts() {
        post(
            tx,
            &company,
            doc,
            &lines,
            &LineEffects {
                values: &line_values,
                received: &received_values,
                capitalised: &capitalised,
            },
            bmu,
        )
        .await?;
    }
    Ok(())
}

/// What saving did to each line, for posting.
struct LineEffects<'a> {
    /// Stock value moved, base minor units (negative out).
    values: &'a [i64],
    /// For bill lines of received goods: what the receipt put in pending receipts.
    received: &'a [Option<i64>],
    /// Charge lines capitalised into the goods' stock value.
    capitalised: &'a [bool],
}

async fn post(
    tx: &mut Tx,
    company: &Company,
    doc: &Document,
    lines: &[LineRow],
    effects: &LineEffects<'_>,
    bmu: u32,
) -> Result<()> {
    let (line_values, received_values, capitalised) =
        (effects.values, effects.received, effects.capitalised);
    let facts = item_facts(tx, company, lines, bmu).await?;
    let rate = doc.exchange_rate;
    let posting_lines: Vec<PostingLine> = lines
        .iter()
        .zip(line_values)
        .zip(received_values)
        .zip(capitalised)
        .map(|(((l, v), received), cap)| PostingLine {
            net_minor: l.net_minor,
            base_net_minor: l.base_net_minor,
            stock_value_minor: *v,
            received_value_minor: *received,
            // A capitalised charge is part of the goods' stock value: on a bill its amount
            // offsets the variance the goods show against their (higher) stock value.
            stocked: *cap
                || (facts.get(&l.item_id).is_some_and(|f| f.stocked)
                    && (*v != 0 || received.is_some() || l.qty_e4 == 0)),
        })
        .collect();
    let sales_side = matches!(
        doc.doc_type,
        DocType::SalesInvoice | DocType::CashSale | DocType::CreditNote
    );
    let mut groups: Vec<(Option<i64>, i64, i64)> = Vec::new();
    for l in lines.iter() {
        match groups
            .iter_mut()
            .find(|g| g.0 == l.tax_code_id && g.1 == l.tax_rate_e4)
        {
            Some(g) => g.2 += l.tax_minor,
            None => groups.push((l.tax_code_id, l.tax_rate_e4, l.tax_minor)),
        }
    }
    let mut taxes = Vec::new();
    for (code, _, tax_minor) in groups {
        if tax_minor == 0 {
            continue;
        }
        let configured = match code {
            Some(id) => {
                let tc = tx.tax_code(id).await?;
                let account_code = tc.and_then(|t| {
                    if sales_side {
                        t.sales_account
                    } else {
                        t.purchase_account
                    }
                });
                match account_code {
                    Some(c) => tx.account_by_code(&c).await?.map(|a| a.id),
                    None => None,
                }
            }
            None => None,
        };
        let account_id = match configured {
            Some(a) => a,
            None => {
                role_account(
                    tx,
                    if sales_side {
                        "tax_payable"
                    } else {
                        "tax_receivable"
                    },
                    None,
                )
                .await?
            }
        };
        let mu = tx.minor_units_of(&doc.currency).await?.unwrap_or(2);
        let base_tax = round_half_away(from_scaled(tax_minor, mu) * rate, bmu);
        let base_tax_minor =
            i64::try_from((base_tax * Decimal::from(10_i64.pow(bmu))).round()).unwrap_or(0);
        taxes.push(PostingTax {
            account_id,
            tax_minor,
            base_tax_minor,
        });
    }
    let accounts = accounts(tx, &doc.currency).await?;
    let input = PostingInput {
        doc_type: doc.doc_type,
        currency: &doc.currency,
        base_currency: &company.base_currency,
        rate,
        accounts,
        lines: &posting_lines,
        taxes: &taxes,
    };
    let entries =
        journal(&input).map_err(|e| AppError::Conflict(format!("posting rules failed: {e}")))?;
    if !entries.is_empty() {
        tx.insert_journal(
            Some(doc.id),
            &doc.date,
            doc.doc_type.as_str(),
            None,
            &entries,
        )
        .await?;
    }
    Ok(())
}

/// Reverses a SAVED document's stock moves, allocations and orders on `date`.
pub(super) async fn reverse(tx: &mut Tx, doc: &Document, date: &str) -> Result<()> {
    let company = tx.company().await?.ok_or_else(no_company)?;
    let method: CostingMethod = company.costing_method;
    let moves = tx.document_moves(doc.id).await?;
    let item_ids: Vec<i64> = moves.iter().map(|m| m.item_id).collect();
    tx.lock_items(&item_ids).await?;
    // Undoing goods that came in takes them out again: refuse if they are no longer there.
    if company.negative_stock == NegativeStockPolicy::Refuse {
        let mut needs: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        for m in moves.iter().filter(|m| m.qty_e4 > 0) {
            *needs.entry((m.item_id, m.site_id)).or_default() += m.qty_e4;
        }
        for (&(item_id, site_id), &needed) in &needs {
            let level = tx.level(item_id, site_id).await?;
            if level.on_hand_e4 < needed {
                let code = tx
                    .item(item_id)
                    .await?
                    .map_or_else(|| item_id.to_string(), |i| i.code);
                let site = site_code(tx, site_id).await?;
                return Err(AppError::invalid(
                    "status",
                    format!(
                        "voiding would take {code} at {site} below zero: {} on hand, {} to take back",
                        qty(level.on_hand_e4),
                        qty(needed)
                    ),
                ));
            }
        }
    }
    let mut reversed = Vec::with_capacity(moves.len());
    let mut costs: HashMap<i64, CostState> = HashMap::new();
    for m in &moves {
        if let Entry::Vacant(v) = costs.entry(m.item_id) {
            v.insert(tx.item_cost(m.item_id).await?);
        }
        // A transfer's two moves cancel in the company-wide cost state.
        if doc.doc_type != DocType::StockTransfer
            && let Some(c) = costs.get_mut(&m.item_id)
        {
            c.reverse(method, m.qty_e4, m.value_minor);
        }
        tx.change_level(m.item_id, m.site_id, -m.qty_e4, 0, 0)
            .await?;
        reversed.push(MoveRow {
            qty_e4: -m.qty_e4,
            value_minor: -m.value_minor,
            date: date.to_owned(),
            ..m.clone()
        });
    }
    tx.insert_moves(&reversed).await?;
    for (id, state) in &costs {
        tx.set_item_cost(*id, state).await?;
    }
    let lines = tx.document_line_rows(doc.id).await?;
    // Goods received against a purchase order go back on order.
    for (l, source) in lines.iter().zip(sources_of(tx, &lines).await?) {
        if let Some((DocType::PurchaseOrder, po)) = source
            && let Some(site) = po.site_id
            && !po_closed(tx, po.id).await?
        {
            let back = l.qty_e4.min(po.qty_e4 - po.allocated_e4).max(0);
            if back > 0 {
                tx.change_level(po.item_id, site, 0, 0, back).await?;
                tx.set_line_allocation(po.id, po.allocated_e4 + back)
                    .await?;
            }
        }
    }
    for l in &lines {
        let Some(site) = l.site_id else { continue };
        match doc.doc_type {
            DocType::SalesOrder if l.allocated_e4 > 0 => {
                tx.change_level(l.item_id, site, 0, -l.allocated_e4, 0)
                    .await?;
                tx.set_line_allocation(l.id, 0).await?;
            }
            DocType::PurchaseOrder if l.allocated_e4 > 0 => {
                tx.change_level(l.item_id, site, 0, 0, -l.allocated_e4)
                    .await?;
                tx.set_line_allocation(l.id, 0).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether the document holding line `line_id` is closed or void.
async fn po_closed(tx: &mut Tx, line_id: i64) -> Result<bool> {
    let Some((doc_id, _)) = tx.line_row(line_id).await? else {
        return Ok(true);
    };
    Ok(tx
        .document(doc_id)
        .await?
        .is_none_or(|d| d.closed || d.status != cartwright_core::document::DocStatus::Saved))
}

/// One stock move as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StockMoveView {
    /// Move id.
    pub id: i64,
    /// Date.
    pub date: String,
    /// Document id.
    pub document_id: i64,
    /// Document type.
    pub doc_type: String,
    /// Document number.
    pub number: Option<String>,
    /// Item code.
    pub item: String,
    /// Site code.
    pub site: String,
    /// Bin code.
    pub bin: Option<String>,
    /// Quantity, positive in, negative out.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// Value at cost in base currency, same sign as the quantity.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

impl App {
    /// Proves the stored stock levels equal the sum of the stock moves; lists every difference.
    pub async fn check_stock(&self, who: &Principal) -> Result<Vec<LevelMismatch>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let moves = tx.on_hand_from_moves().await?;
        let levels = tx.levels(None).await?;
        let mut keys: Vec<(i64, i64)> = moves
            .iter()
            .map(|m| (m.0, m.1))
            .chain(levels.iter().map(|l| (l.item_id, l.site_id)))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Vec::new();
        for (item_id, site_id) in keys {
            let stored = levels
                .iter()
                .find(|l| l.item_id == item_id && l.site_id == site_id)
                .map_or(0, |l| l.on_hand_e4);
            let moved = moves
                .iter()
                .find(|m| m.0 == item_id && m.1 == site_id)
                .map_or(0, |m| m.2);
            if stored != moved {
                let item = tx
                    .item(item_id)
                    .await?
                    .map_or_else(|| item_id.to_string(), |i| i.code);
                let site = site_code(&mut tx, site_id).await?;
                out.push(LevelMismatch {
                    item,
                    site,
                    stored: qty(stored),
                    from_moves: qty(moved),
                });
            }
        }
        Ok(out)
    }

    /// Stock moves filtered by item, site or document, oldest first, paged by `q`.
    pub async fn stock_moves(
        &self,
        who: &Principal,
        item: Option<&str>,
        site: Option<&str>,
        document: Option<i64>,
        q: &cartwright_store::ListQuery,
    ) -> Result<cartwright_core::page::Page<StockMoveView>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let bmu = tx
            .minor_units_of(&company.base_currency)
            .await?
            .unwrap_or(2);
        let item_id = match item {
            Some(code) => Some(
                tx.item_id(code)
                    .await?
                    .ok_or_else(|| AppError::invalid("item", format!("unknown item '{code}'")))?,
            ),
            None => None,
        };
        let site_id = match site {
            Some(code) => Some(
                tx.site_id(code)
                    .await?
                    .ok_or_else(|| AppError::invalid("site", format!("unknown site '{code}'")))?,
            ),
            None => None,
        };
        let rows = tx.list_moves(item_id, site_id, document, q).await?;
        let size = usize::try_from(q.fetch_limit() - 1).unwrap_or(usize::MAX);
        let next_cursor = (rows.len() > size)
            .then(|| rows.get(size.saturating_sub(1)).map(|m| m.id.to_string()))
            .flatten();
        let items = rows
            .into_iter()
            .take(size)
            .map(|m| StockMoveView {
                id: m.id,
                date: m.date,
                document_id: m.document_id,
                doc_type: m.doc_type,
                number: m.number,
                item: m.item,
                site: m.site,
                bin: m.bin,
                quantity: qty(m.qty_e4),
                value: Decimal::new(m.value_minor, bmu),
            })
            .collect();
        Ok(cartwright_core::page::Page { items, next_cursor })
    }

    /// Stock levels per item and site, optionally of one item.
    pub async fn stock_levels(
        &self,
        who: &Principal,
        item: Option<&str>,
    ) -> Result<Vec<StockLevelView>> {
        who.require(Resource::Documents, Access::Read)?;
        let mut tx = self.store.read().await?;
        let item_id = match item {
            Some(code) => Some(
                tx.item_id(code)
                    .await?
                    .ok_or_else(|| AppError::invalid("item", format!("unknown item '{code}'")))?,
            ),
            None => None,
        };
        let levels = tx.levels(item_id).await?;
        let mut by_bin = tx.on_hand_by_bin(item_id).await?;
        // Named bins first, in code order; stock without a bin last (engines sort NULL differently).
        by_bin
            .sort_by(|a, b| (a.0, a.1, a.2.is_none(), &a.2).cmp(&(b.0, b.1, b.2.is_none(), &b.2)));
        let mut items: HashMap<i64, String> = HashMap::new();
        let mut sites: HashMap<i64, String> = HashMap::new();
        let mut out = Vec::with_capacity(levels.len());
        for l in levels {
            if let Entry::Vacant(v) = items.entry(l.item_id) {
                v.insert(
                    tx.item(l.item_id)
                        .await?
                        .map_or_else(|| l.item_id.to_string(), |i| i.code),
                );
            }
            if let Entry::Vacant(v) = sites.entry(l.site_id) {
                v.insert(site_code(&mut tx, l.site_id).await?);
            }
            let free = l.on_hand_e4 - l.allocated_e4;
            out.push(StockLevelView {
                item: items.get(&l.item_id).cloned().unwrap_or_default(),
                site: sites.get(&l.site_id).cloned().unwrap_or_default(),
                on_hand: qty(l.on_hand_e4),
                allocated: qty(l.allocated_e4),
                free: qty(free),
                on_order: qty(l.on_order_e4),
                available: qty(free + l.on_order_e4),
                bins: by_bin
                    .iter()
                    .filter(|(i, s, _, q)| *i == l.item_id && *s == l.site_id && *q != 0)
                    .map(|(_, _, bin, q)| BinStock {
                        bin: bin.clone(),
                        on_hand: qty(*q),
                    })
                    .collect(),
            });
        }
        Ok(out)
    }
}
