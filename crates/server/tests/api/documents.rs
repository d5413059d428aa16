//! Documents end to end: lifecycle, stock, costing and the journals they post.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::{Value, json};

use crate::helpers::TestApp;

crate::on_both_backends!(
    every_document_type_lives_pending_saved_void_or_deleted,
    foreign_invoice_posts_exact_entries_and_cost_of_goods,
    moving_average_and_fifo_cost_sales_exactly,
    receipt_then_bill_and_vendor_credit_post_to_the_right_accounts,
    negative_stock_is_refused_naming_item_site_and_shortfall,
    twenty_concurrent_savers_cannot_oversell,
    transfers_adjustments_orders_and_allocation_move_the_right_figures,
    bad_document_input_is_refused_and_stores_nothing,
    numbers_are_per_type_and_never_reused,
    stock_moves_list_every_change_with_its_document,
    reorder_report_suggests_and_creates_purchase_orders_per_vendor,
    kits_sell_their_components_and_assemblies_are_built_at_component_cost,
    landed_costs_are_spread_over_the_goods_by_value_or_quantity,
    transfers_move_stock_between_bins_of_a_site,
);

/// A company in USD with EUR at 1.10, two sites, a stock item, a service, 20 % tax, and parties.
pub(crate) async fn fixture(b: Backend) -> TestApp {
    let t = TestApp::spawn(b).await;
    t.create(
        "/api/v1/exchange-rates",
        json!({"currency": "EUR", "date": "2026-01-01", "rate": "1.10"}),
    )
    .await;
    t.create("/api/v1/sites", json!({"code": "MAIN", "name": "Main"}))
        .await;
    t.create("/api/v1/sites", json!({"code": "EAST", "name": "East"}))
        .await;
    t.create(
        "/api/v1/tax-codes",
        json!({"code": "VAT20", "name": "VAT 20%", "rate_percent": "20"}),
    )
    .await;
    t.create(
        "/api/v1/items",
        json!({"code": "WIDGET", "item_type": "stock", "standard_cost": "2"}),
    )
    .await;
    t.create(
        "/api/v1/items",
        json!({"code": "GADGET", "item_type": "stock"}),
    )
    .await;
    t.create(
        "/api/v1/items",
        json!({"code": "FITTING", "item_type": "service"}),
    )
    .await;
    t.create(
        "/api/v1/customers",
        json!({"code": "C-EU", "name": "Euro Buyer", "currency": "EUR", "payment_terms": "NET30"}),
    )
    .await;
    t.create(
        "/api/v1/customers",
        json!({"code": "C-US", "name": "US Buyer"}),
    )
    .await;
    t.create(
        "/api/v1/vendors",
        json!({"code": "V-US", "name": "US Maker"}),
    )
    .await;
    t
}

pub(crate) async fn doc(t: &TestApp, body: Value) -> Value {
    t.create("/api/v1/documents", body).await
}

pub(crate) async fn save(t: &TestApp, d: &Value) -> Value {
    let a = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", d["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "save {}: {}",
        d["doc_type"],
        a.text
    );
    a.body
}

pub(crate) async fn receive(t: &TestApp, item: &str, qty: &str, price: &str) -> Value {
    let d = doc(
        t,
        json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-02", "site": "MAIN",
        "lines": [{"item": item, "quantity": qty, "unit_price": price}]}),
    )
    .await;
    save(t, &d).await
}

/// `(account code, debit, credit)` of a document's entries.
pub(crate) async fn entries(t: &TestApp, d: &Value) -> Vec<(String, String, String)> {
    let a = t
        .get(&format!("/api/v1/documents/{}/entries", d["id"]))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["account"].as_str().unwrap().to_owned(),
                e["debit"].as_str().unwrap().to_owned(),
                e["credit"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub(crate) fn e(code: &str, debit: &str, credit: &str) -> (String, String, String) {
    (code.to_owned(), debit.to_owned(), credit.to_owned())
}

/// `(on_hand, allocated, on_order)` of an item at a site.
pub(crate) async fn level(t: &TestApp, item: &str, site: &str) -> (String, String, String) {
    let a = t.get(&format!("/api/v1/stock?item={item}")).await;
    a.body
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["site"] == site)
        .map_or(("0".into(), "0".into(), "0".into()), |l| {
            (
                l["on_hand"].as_str().unwrap().to_owned(),
                l["allocated"].as_str().unwrap().to_owned(),
                l["on_order"].as_str().unwrap().to_owned(),
            )
        })
}

/// Stock rows with any figure not zero (a site that held stock once keeps a row of zeros).
async fn stock(t: &TestApp) -> Vec<Value> {
    let all = t.get("/api/v1/stock").await.body;
    all.as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            ["on_hand", "allocated", "on_order"]
                .iter()
                .any(|k| l[*k] != "0")
        })
        .cloned()
        .collect()
}

/// The books balance, stored levels equal the moves, and the stock account equals the stock value.
pub(crate) async fn invariants(t: &TestApp) {
    let mut tx = t.app.store().read().await.unwrap();
    let balances = tx.account_balances().await.unwrap();
    assert_eq!(
        balances.iter().map(|(_, b)| b).sum::<i64>(),
        0,
        "trial balance: {balances:?}"
    );
    let from_moves = tx.on_hand_from_moves().await.unwrap();
    let levels = tx.levels(None).await.unwrap();
    for (item, site, q) in &from_moves {
        let stored = levels
            .iter()
            .find(|l| l.item_id == *item && l.site_id == *site)
            .map_or(0, |l| l.on_hand_e4);
        assert_eq!(stored, *q, "item {item} site {site}");
    }
    for l in &levels {
        let moved = from_moves
            .iter()
            .find(|(i, s, _)| *i == l.item_id && *s == l.site_id)
            .map_or(0, |m| m.2);
        assert_eq!(l.on_hand_e4, moved, "item {} site {}", l.item_id, l.site_id);
    }
    let stock_account = tx.role_account("stock", None).await.unwrap().unwrap();
    let stock_balance = balances
        .iter()
        .find(|(a, _)| *a == stock_account)
        .map_or(0, |b| b.1);
    assert_eq!(
        stock_balance,
        tx.stock_value().await.unwrap(),
        "stock account = stock valuation"
    );
}

async fn every_document_type_lives_pending_saved_void_or_deleted(b: Backend) {
    let t = fixture(b).await;
    t.create("/api/v1/items", json!({"code": "W-SET", "item_type": "assembly", "components": [{"item": "WIDGET", "quantity": "2"}]})).await;
    receive(&t, "WIDGET", "50", "3").await;
    let bodies = [
        json!({"doc_type": "quote", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "2", "unit_price": "5"}]}),
        json!({"doc_type": "sales_order", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "2", "unit_price": "5"}]}),
        json!({"doc_type": "dispatch", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "2"}]}),
        json!({"doc_type": "cash_sale", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "2", "unit_price": "5"}]}),
        json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "2", "unit_price": "5", "tax_code": "VAT20"}]}),
        json!({"doc_type": "credit_note", "party": "C-EU", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "5"}]}),
        json!({"doc_type": "purchase_order", "party": "V-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "10", "unit_price": "3"}]}),
        json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "10", "unit_price": "3"}]}),
        json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-05", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "40"}]}),
        json!({"doc_type": "vendor_credit", "party": "V-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "3"}]}),
        json!({"doc_type": "stock_transfer", "date": "2026-01-05", "site": "MAIN", "to_site": "EAST", "lines": [{"item": "WIDGET", "quantity": "3"}]}),
        json!({"doc_type": "stock_adjustment", "date": "2026-01-05", "site": "EAST", "lines": [{"item": "GADGET", "quantity": "4", "unit_cost": "1.5"}]}),
        json!({"doc_type": "assembly_build", "date": "2026-01-05", "site": "MAIN", "lines": [{"item": "W-SET", "quantity": "3"}]}),
    ];
    for body in bodies {
        let kind = body["doc_type"].as_str().unwrap().to_owned();
        let stock_before = stock(&t).await;
        let books_before = t
            .app
            .store()
            .read()
            .await
            .unwrap()
            .account_balances()
            .await
            .unwrap();
        let d = doc(&t, body.clone()).await;
        assert_eq!(
            (d["status"].as_str(), d["number"].as_str()),
            (Some("PENDING"), None),
            "{kind}"
        );
        // Edit while pending: a memo and the same lines.
        let mut edited = body.clone();
        edited["memo"] = json!("edited");
        edited["version"] = d["version"].clone();
        let upd = t
            .json(
                Method::PUT,
                &format!("/api/v1/documents/{}", d["id"]),
                edited,
            )
            .await;
        assert_eq!(upd.status, StatusCode::OK, "{kind}: {}", upd.text);
        assert_eq!(
            stock(&t).await,
            stock_before,
            "{kind}: pending changes no stock"
        );
        assert_eq!(
            t.app
                .store()
                .read()
                .await
                .unwrap()
                .account_balances()
                .await
                .unwrap(),
            books_before,
            "{kind}: pending posts nothing"
        );
        let saved = save(&t, &upd.body).await;
        assert_eq!(saved["status"], "SAVED");
        assert!(saved["number"].as_str().unwrap().len() > 3, "{kind}");
        invariants(&t).await;
        let void = t
            .json(
                Method::POST,
                &format!("/api/v1/documents/{}/void", d["id"]),
                json!({"date": "2026-01-06"}),
            )
            .await;
        assert_eq!(void.status, StatusCode::OK, "{kind}: {}", void.text);
        assert_eq!(
            (
                void.body["status"].as_str(),
                void.body["void_date"].as_str()
            ),
            (Some("VOID"), Some("2026-01-06"))
        );
        assert_eq!(stock(&t).await, stock_before, "{kind}: void restores stock");
        let after: i64 = t
            .app
            .store()
            .read()
            .await
            .unwrap()
            .account_balances()
            .await
            .unwrap()
            .iter()
            .filter(|(a, _)| !books_before.iter().any(|(b, _)| b == a))
            .map(|(_, v)| v.abs())
            .sum();
        assert_eq!(after, 0, "{kind}: void reverses every posting");
        invariants(&t).await;
        // A pending copy can be deleted.
        let d2 = doc(&t, body).await;
        let del = t
            .send(
                Method::DELETE,
                &format!("/api/v1/documents/{}", d2["id"]),
                Some(&t.admin),
                None,
                vec![],
            )
            .await;
        assert_eq!(del.status, StatusCode::NO_CONTENT, "{kind}: {}", del.text);
        assert_eq!(
            t.get(&format!("/api/v1/documents/{}", d2["id"]))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    let trail = t.get("/api/v1/audit?entity=documents&limit=500").await.body;
    let actions: Vec<_> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for a in ["create", "update", "save", "void", "delete"] {
        assert!(actions.contains(&a), "audit has {a}");
    }
}

async fn foreign_invoice_posts_exact_entries_and_cost_of_goods(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "2.50").await; // 10 @ USD 2.50
    // EUR invoice: 3 × 19.99 = 59.97, tax 11.99 (59.97 × 20 % = 11.994), total 71.96; at 1.10:
    // sales 65.97, tax 13.19, receivable 79.16; cost 3 × 2.50 = 7.50.
    let d = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-10", "reference": "PO-77",
        "lines": [{"item": "WIDGET", "quantity": "3", "unit_price": "19.99", "tax_code": "VAT20"}]})).await;
    assert_eq!(
        (
            d["net"].as_str(),
            d["tax"].as_str(),
            d["total"].as_str(),
            d["base_total"].as_str()
        ),
        (Some("59.97"), Some("11.99"), Some("71.96"), Some("79.16"))
    );
    assert_eq!(d["currency"], "EUR");
    assert_eq!(d["exchange_rate"], "1.100000");
    assert_eq!(
        d["due_date"], "2026-02-09",
        "NET30 from the customer's terms"
    );
    let saved = save(&t, &d).await;
    assert_eq!(saved["number"], "INV-000001");
    assert_eq!(
        entries(&t, &d).await,
        [
            e("1100", "79.16", "0.00"),
            e("4000", "0.00", "65.97"),
            e("2200", "0.00", "13.19"),
            e("5000", "7.50", "0.00"),
            e("1200", "0.00", "7.50")
        ]
    );
    let raw = t
        .get(&format!("/api/v1/documents/{}/entries", d["id"]))
        .await
        .body;
    assert_eq!(
        (raw[0]["currency"].as_str(), raw[0]["amount"].as_str()),
        (Some("EUR"), Some("71.96"))
    );
    assert_eq!(level(&t, "WIDGET", "MAIN").await.0, "7");
    // A cash sale debits the bank of its currency; an overridden rate is used as given.
    let cash = doc(&t, json!({"doc_type": "cash_sale", "party": "C-EU", "date": "2026-01-11", "exchange_rate": "1.2",
        "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "100"}]})).await;
    save(&t, &cash).await;
    assert_eq!(
        entries(&t, &cash).await,
        [e("1001", "120.00", "0.00"), e("4000", "0.00", "120.00")]
    );
    invariants(&t).await;
}

async fn moving_average_and_fifo_cost_sales_exactly(b: Backend) {
    for method in ["moving_average", "fifo"] {
        let t = fixture(b).await;
        let c = t.get("/api/v1/company").await.body;
        let set = t.json(Method::PUT, "/api/v1/company", json!({"name": c["name"], "base_currency": "USD", "costing_method": method, "version": c["version"]})).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        receive(&t, "WIDGET", "10", "1.00").await;
        receive(&t, "WIDGET", "20", "1.30").await;
        let sell = |q: &'static str| json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-10", "lines": [{"item": "WIDGET", "quantity": q, "unit_price": "5"}]});
        let first = doc(&t, sell("15")).await;
        save(&t, &first).await;
        let second = doc(&t, sell("15")).await;
        save(&t, &second).await;
        let cogs =
            |v: Vec<(String, String, String)>| v.into_iter().find(|x| x.0 == "5000").unwrap().1;
        match method {
            // Average 36.00 / 30 = 1.20: 15 × 1.20 = 18.00, then the last 15 take the rest, 18.00.
            "moving_average" => {
                assert_eq!(cogs(entries(&t, &first).await), "18.00");
                assert_eq!(cogs(entries(&t, &second).await), "18.00");
            }
            // FIFO: 10 × 1.00 + 5 × 1.30 = 16.50, then 15 × 1.30 = 19.50.
            _ => {
                assert_eq!(cogs(entries(&t, &first).await), "16.50");
                assert_eq!(cogs(entries(&t, &second).await), "19.50");
            }
        }
        invariants(&t).await;
        // With goods held, the method cannot change.
        let c = t.get("/api/v1/company").await.body;
        let other = if method == "fifo" {
            "moving_average"
        } else {
            "fifo"
        };
        receive(&t, "WIDGET", "1", "1").await;
        let refused = t.json(Method::PUT, "/api/v1/company", json!({"name": c["name"], "base_currency": "USD", "costing_method": other, "version": c["version"]})).await;
        assert_eq!(
            (refused.status, refused.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "costing_method")
        );
    }
}

async fn receipt_then_bill_and_vendor_credit_post_to_the_right_accounts(b: Backend) {
    let t = fixture(b).await;
    let r = receive(&t, "WIDGET", "10", "4.00").await;
    assert_eq!(
        entries(&t, &r).await,
        [e("1200", "40.00", "0.00"), e("2100", "0.00", "40.00")]
    );
    // A bill for a service: cost of sales and tax receivable against payables.
    let bill = doc(
        &t,
        json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-12", "reference": "INV-998",
        "lines": [{"item": "FITTING", "quantity": "2", "unit_price": "50", "tax_code": "VAT20"}]}),
    )
    .await;
    save(&t, &bill).await;
    assert_eq!(
        entries(&t, &bill).await,
        [
            e("2000", "0.00", "120.00"),
            e("1300", "20.00", "0.00"),
            e("5000", "100.00", "0.00")
        ]
    );
    // A bill for stock not received before brings the goods in at the billed value.
    let direct = doc(&t, json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-12", "lines": [{"item": "WIDGET", "quantity": "5", "unit_price": "4.40"}]})).await;
    save(&t, &direct).await;
    assert_eq!(
        entries(&t, &direct).await,
        [e("2000", "0.00", "22.00"), e("1200", "22.00", "0.00")]
    );
    assert_eq!(level(&t, "WIDGET", "MAIN").await.0, "15");
    // Returning 3 to the vendor at 4.50 each: stock out at average cost (62.00 / 15 × 3 = 12.40), the rest is variance.
    let credit = doc(&t, json!({"doc_type": "vendor_credit", "party": "V-US", "date": "2026-01-13", "lines": [{"item": "WIDGET", "quantity": "3", "unit_price": "4.50"}]})).await;
    save(&t, &credit).await;
    assert_eq!(
        entries(&t, &credit).await,
        [
            e("2000", "13.50", "0.00"),
            e("1200", "0.00", "12.40"),
            e("5200", "0.00", "1.10")
        ]
    );
    assert_eq!(level(&t, "WIDGET", "MAIN").await.0, "12");
    invariants(&t).await;
}

async fn negative_stock_is_refused_naming_item_site_and_shortfall(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "5", "1").await;
    let d = doc(&t, json!({"doc_type": "dispatch", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "7"}]})).await;
    let books = t
        .app
        .store()
        .read()
        .await
        .unwrap()
        .account_balances()
        .await
        .unwrap();
    let a = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", d["id"]),
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(
        a.message(),
        "lines: not enough WIDGET at MAIN: 7 needed, 5 on hand, short by 2"
    );
    assert_eq!(
        t.get(&format!("/api/v1/documents/{}", d["id"])).await.body["status"],
        "PENDING"
    );
    assert_eq!(level(&t, "WIDGET", "MAIN").await.0, "5");
    assert_eq!(
        t.app
            .store()
            .read()
            .await
            .unwrap()
            .account_balances()
            .await
            .unwrap(),
        books
    );
    // Voiding the receipt now would take the goods below zero after a sale: refused too.
    let sale = doc(&t, json!({"doc_type": "dispatch", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "4"}]})).await;
    save(&t, &sale).await;
    let receipts = t.get("/api/v1/documents?doc_type=item_receipt").await.body;
    let void = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/void", receipts["items"][0]["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        void.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        void.text
    );
    assert!(void.message().contains("below zero"), "{}", void.message());
    invariants(&t).await;
}

async fn twenty_concurrent_savers_cannot_oversell(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "1").await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let d = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "2"}]})).await;
        ids.push(d["id"].as_i64().unwrap());
    }
    let paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/api/v1/documents/{id}/save"))
        .collect();
    let saves: Vec<_> = paths
        .iter()
        .map(|p| t.json(Method::POST, p, json!({})))
        .collect();
    let answers = futures_util::future::join_all(saves).await;
    let ok = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    let refused: Vec<_> = answers
        .iter()
        .filter(|a| a.status != StatusCode::OK)
        .collect();
    assert_eq!(ok, 10, "exactly the saves that fit");
    for r in &refused {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(r.message().contains("short by 1"), "{}", r.message());
    }
    assert_eq!(level(&t, "WIDGET", "MAIN").await.0, "0");
    let numbers: std::collections::BTreeSet<_> = answers
        .iter()
        .filter_map(|a| a.body["number"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(numbers.len(), 10, "ten distinct numbers");
    invariants(&t).await;
}

async fn transfers_adjustments_orders_and_allocation_move_the_right_figures(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "2").await;
    let tr = doc(&t, json!({"doc_type": "stock_transfer", "date": "2026-01-05", "site": "MAIN", "to_site": "EAST", "lines": [{"item": "WIDGET", "quantity": "4"}]})).await;
    save(&t, &tr).await;
    assert!(
        entries(&t, &tr).await.is_empty(),
        "a transfer posts nothing"
    );
    assert_eq!(
        (
            level(&t, "WIDGET", "MAIN").await.0,
            level(&t, "WIDGET", "EAST").await.0
        ),
        ("6".into(), "4".into())
    );
    // Count at EAST is 3: one lost at average cost 2.00.
    let adj = doc(&t, json!({"doc_type": "stock_adjustment", "date": "2026-01-06", "site": "EAST", "memo": "count", "lines": [{"item": "WIDGET", "quantity": "3"}]})).await;
    save(&t, &adj).await;
    assert_eq!(
        entries(&t, &adj).await,
        [e("1200", "0.00", "2.00"), e("5100", "2.00", "0.00")]
    );
    // A sales order allocates what is free; a purchase order is on order.
    let so = doc(&t, json!({"doc_type": "sales_order", "party": "C-US", "date": "2026-01-07", "lines": [{"item": "WIDGET", "quantity": "8", "unit_price": "5"}]})).await;
    let so = save(&t, &so).await;
    assert_eq!(so["lines"][0]["allocated"], "6");
    let po = doc(&t, json!({"doc_type": "purchase_order", "party": "V-US", "date": "2026-01-07", "lines": [{"item": "WIDGET", "quantity": "12", "unit_price": "2"}]})).await;
    save(&t, &po).await;
    let l = t.get("/api/v1/stock?item=WIDGET").await.body;
    let main = l
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["site"] == "MAIN")
        .unwrap();
    assert_eq!(
        (
            main["on_hand"].as_str(),
            main["allocated"].as_str(),
            main["free"].as_str(),
            main["on_order"].as_str(),
            main["available"].as_str()
        ),
        (Some("6"), Some("6"), Some("0"), Some("12"), Some("12"))
    );
    assert!(
        entries(&t, &so).await.is_empty() && entries(&t, &po).await.is_empty(),
        "orders post nothing"
    );
    // Voiding releases the allocation and the order.
    t.json(
        Method::POST,
        &format!("/api/v1/documents/{}/void", so["id"]),
        json!({}),
    )
    .await;
    t.json(
        Method::POST,
        &format!("/api/v1/documents/{}/void", po["id"]),
        json!({}),
    )
    .await;
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("6".into(), "0".into(), "0".into())
    );
    invariants(&t).await;
}

async fn bad_document_input_is_refused_and_stores_nothing(b: Backend) {
    let t = fixture(b).await;
    let cases = [
        (
            json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "0"}]}),
            "lines[0].quantity",
        ),
        (
            json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "-2"}]}),
            "lines[0].quantity",
        ),
        (
            json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "NOPE", "quantity": "1"}]}),
            "lines[0].item",
        ),
        (
            json!({"doc_type": "sales_invoice", "party": "C-EU", "currency": "USD", "date": "2026-01-05", "lines": []}),
            "currency",
        ),
        (
            json!({"doc_type": "sales_invoice", "party": "C-EU", "exchange_rate": "0", "date": "2026-01-05", "lines": []}),
            "exchange_rate",
        ),
        (
            json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2025-06-01", "lines": []}),
            "exchange_rate",
        ),
        (
            json!({"doc_type": "sales_invoice", "party": "V-US", "date": "2026-01-05", "lines": []}),
            "party",
        ),
        (
            json!({"doc_type": "bill", "date": "2026-01-05", "lines": []}),
            "party",
        ),
    ];
    for (body, field) in cases {
        let a = t
            .json(Method::POST, "/api/v1/documents", body.clone())
            .await;
        assert_eq!(
            (a.status, a.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}: {}",
            a.text
        );
    }
    assert_eq!(
        t.get("/api/v1/documents?limit=500").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let d = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "10"}]})).await;
    let saved = save(&t, &d).await;
    let again = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", d["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (again.status, again.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "status")
    );
    let edit = t.json(Method::PUT, &format!("/api/v1/documents/{}", d["id"]), json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "version": saved["version"]})).await;
    assert_eq!(
        (edit.status, edit.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "status")
    );
    let del = t
        .send(
            Method::DELETE,
            &format!("/api/v1/documents/{}", d["id"]),
            Some(&t.admin),
            None,
            vec![],
        )
        .await;
    assert_eq!(del.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        t.json(
            Method::POST,
            &format!("/api/v1/documents/{}/void", d["id"]),
            json!({})
        )
        .await
        .status,
        StatusCode::OK
    );
    let twice = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/void", d["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (twice.status, twice.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "status")
    );
    // FITTING is on a document now: its type is fixed.
    let fitting = t.get("/api/v1/items?q=FITTING").await.body["items"][0].clone();
    let retype = t
        .json(
            Method::PUT,
            &format!("/api/v1/items/{}", fitting["id"]),
            json!({"code": "FITTING", "item_type": "stock", "version": fitting["version"]}),
        )
        .await;
    assert_eq!(
        (retype.status, retype.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "item_type")
    );
    // The customer now has a document: its currency is fixed.
    let c = t.get("/api/v1/customers?q=C-US").await.body["items"][0].clone();
    let change = t
        .json(
            Method::PUT,
            &format!("/api/v1/customers/{}", c["id"]),
            json!({"code": "C-US", "name": "US Buyer", "currency": "EUR", "version": c["version"]}),
        )
        .await;
    assert_eq!(
        (change.status, change.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "currency")
    );
    invariants(&t).await;
}

async fn numbers_are_per_type_and_never_reused(b: Backend) {
    let t = fixture(b).await;
    let mk = |kind: &'static str| json!({"doc_type": kind, "party": "C-US", "date": "2026-01-05", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "1"}]});
    let a = save(&t, &doc(&t, mk("sales_invoice")).await).await;
    let q = save(&t, &doc(&t, mk("quote")).await).await;
    t.json(
        Method::POST,
        &format!("/api/v1/documents/{}/void", a["id"]),
        json!({}),
    )
    .await;
    let b2 = save(&t, &doc(&t, mk("sales_invoice")).await).await;
    assert_eq!(
        (
            a["number"].as_str(),
            q["number"].as_str(),
            b2["number"].as_str()
        ),
        (Some("INV-000001"), Some("QT-000001"), Some("INV-000002"))
    );
    let listed = t
        .get("/api/v1/documents?doc_type=sales_invoice&status=saved")
        .await
        .body;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

async fn stock_moves_list_every_change_with_its_document(b: Backend) {
    let t = fixture(b).await;
    let main = t.get("/api/v1/sites?q=MAIN").await.body["items"][0]["id"].clone();
    t.create(
        &format!("/api/v1/sites/{main}/bins"),
        json!({"code": "A-1"}),
    )
    .await;
    let binned = save(&t, &doc(&t, json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-02", "site": "MAIN", "lines": [{"item": "GADGET", "quantity": "3", "unit_price": "1", "bin": "A-1"}, {"item": "GADGET", "quantity": "2", "unit_price": "1"}]})).await).await;
    let gadget = t.get("/api/v1/stock?item=GADGET").await.body;
    assert_eq!(
        gadget[0]["bins"],
        json!([{"bin": "A-1", "on_hand": "3"}, {"bin": null, "on_hand": "2"}])
    );
    t.json(
        Method::POST,
        &format!("/api/v1/documents/{}/void", binned["id"]),
        json!({}),
    )
    .await;
    let r = receive(&t, "WIDGET", "5", "2").await;
    let tr = doc(&t, json!({"doc_type": "stock_transfer", "date": "2026-01-05", "site": "MAIN", "to_site": "EAST", "lines": [{"item": "WIDGET", "quantity": "2"}]})).await;
    let tr = save(&t, &tr).await;
    let moves = t.get("/api/v1/stock/moves?item=WIDGET").await.body;
    let rows: Vec<(String, String, String, String)> = moves["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["number"].as_str().unwrap().to_owned(),
                m["site"].as_str().unwrap().to_owned(),
                m["quantity"].as_str().unwrap().to_owned(),
                m["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let (rn, tn) = (
        r["number"].as_str().unwrap().to_owned(),
        tr["number"].as_str().unwrap().to_owned(),
    );
    assert_eq!(
        rows,
        [
            (rn.clone(), "MAIN".into(), "5".into(), "10.00".into()),
            (tn.clone(), "MAIN".into(), "-2".into(), "-4.00".into()),
            (tn, "EAST".into(), "2".into(), "4.00".into())
        ]
    );
    let by_doc = t
        .get(&format!("/api/v1/stock/moves?document={}", r["id"]))
        .await
        .body;
    assert_eq!(by_doc["items"].as_array().unwrap().len(), 1);
    let paged = t.get("/api/v1/stock/moves?limit=2").await.body;
    assert_eq!(
        (
            paged["items"].as_array().unwrap().len(),
            paged["next_cursor"].is_string()
        ),
        (2, true)
    );
    // A new prefix applies to the next number; the counter carries on.
    let set = t
        .json(
            Method::PUT,
            "/api/v1/document-sequences/item_receipt",
            json!({"prefix": "GRN/"}),
        )
        .await;
    assert_eq!(
        (
            set.status,
            set.body["prefix"].as_str(),
            set.body["next_number"].as_i64()
        ),
        (StatusCode::OK, Some("GRN/"), Some(3))
    );
    assert_eq!(
        receive(&t, "WIDGET", "1", "2").await["number"],
        "GRN/000003"
    );
    let bad = t
        .json(
            Method::PUT,
            "/api/v1/document-sequences/item_receipt",
            json!({"prefix": "has space"}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "prefix")
    );
    assert_eq!(
        t.json(
            Method::PUT,
            "/api/v1/document-sequences/nonsense",
            json!({"prefix": "X"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn reorder_report_suggests_and_creates_purchase_orders_per_vendor(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/vendors",
        json!({"code": "V-EU", "name": "Euro Maker", "currency": "EUR"}),
    )
    .await;
    for (code, vendor, level) in [
        ("LOW-1", Some("V-US"), "10"),
        ("LOW-2", Some("V-EU"), "5"),
        ("LOW-3", None, "3"),
        ("OK-1", Some("V-US"), "2"),
    ] {
        let mut body = json!({"code": code, "item_type": "stock", "reorder_level": level, "standard_cost": "1.25"});
        if let Some(v) = vendor {
            body["preferred_vendor"] = json!(v);
        }
        t.create("/api/v1/items", body).await;
    }
    receive(&t, "LOW-1", "4", "1").await; // available 4 < 10
    receive(&t, "OK-1", "4", "1").await; // available 4 >= 2
    let report = t.get("/api/v1/reports/reorder").await.body;
    let rows: Vec<(String, Option<String>, String, String)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["item"].as_str().unwrap().to_owned(),
                r["vendor"].as_str().map(str::to_owned),
                r["suggested"].as_str().unwrap().to_owned(),
                r["unit_price"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "LOW-1".to_owned(),
                Some("V-US".to_owned()),
                "6".to_owned(),
                "1.25".to_owned()
            ),
            (
                "LOW-2".to_owned(),
                Some("V-EU".to_owned()),
                "5".to_owned(),
                "0".to_owned()
            ),
            ("LOW-3".to_owned(), None, "3".to_owned(), "0".to_owned()),
        ]
    );
    let made = t
        .json(
            Method::POST,
            "/api/v1/reports/reorder/purchase-orders",
            json!({"date": "2026-01-20"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let pos = made.body.as_array().unwrap();
    let mut vendors: Vec<_> = pos
        .iter()
        .map(|p| {
            (
                p["party"].as_str().unwrap(),
                p["status"].as_str().unwrap(),
                p["currency"].as_str().unwrap(),
            )
        })
        .collect();
    vendors.sort_unstable();
    assert_eq!(
        vendors,
        [("V-EU", "PENDING", "EUR"), ("V-US", "PENDING", "USD")]
    );
    // Once saved, the orders count as on order and the items drop off the report.
    for p in pos {
        save(&t, p).await;
    }
    let after = t.get("/api/v1/reports/reorder").await.body;
    let left: Vec<_> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["item"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["LOW-3"]);
}

async fn kits_sell_their_components_and_assemblies_are_built_at_component_cost(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/items",
        json!({"code": "COMP-A", "item_type": "stock"}),
    )
    .await;
    t.create(
        "/api/v1/items",
        json!({"code": "COMP-B", "item_type": "stock"}),
    )
    .await;
    let kit = t.create("/api/v1/items", json!({"code": "KIT", "item_type": "kit", "components": [{"item": "COMP-A", "quantity": "2"}, {"item": "COMP-B", "quantity": "1"}]})).await;
    assert_eq!(
        kit["components"],
        json!([{"item": "COMP-A", "quantity": "2"}, {"item": "COMP-B", "quantity": "1"}])
    );
    t.create("/api/v1/items", json!({"code": "ASM", "item_type": "assembly", "components": [{"item": "COMP-A", "quantity": "1"}, {"item": "COMP-B", "quantity": "3"}]})).await;
    let bad = t.json(Method::POST, "/api/v1/items", json!({"code": "NOKIT", "item_type": "stock", "components": [{"item": "COMP-A", "quantity": "1"}]})).await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "components")
    );
    receive(&t, "COMP-A", "10", "1.00").await;
    receive(&t, "COMP-B", "10", "2.50").await;

    // Two kits: 4 A (4.00) and 2 B (5.00) leave stock; the kit line carries their cost.
    let inv = save(&t, &doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "KIT", "quantity": "2", "unit_price": "20"}]})).await).await;
    assert_eq!(
        entries(&t, &inv).await,
        [
            e("1100", "40.00", "0.00"),
            e("4000", "0.00", "40.00"),
            e("5000", "9.00", "0.00"),
            e("1200", "0.00", "9.00")
        ]
    );
    assert_eq!(
        (
            level(&t, "COMP-A", "MAIN").await.0,
            level(&t, "COMP-B", "MAIN").await.0
        ),
        ("6".into(), "8".into())
    );
    assert_eq!(
        level(&t, "KIT", "MAIN").await.0,
        "0",
        "a kit holds no stock of its own"
    );

    // Build two assemblies: 2 A (2.00) and 6 B (15.00) become 2 ASM worth 17.00.
    let build = save(&t, &doc(&t, json!({"doc_type": "assembly_build", "date": "2026-01-06", "site": "MAIN", "lines": [{"item": "ASM", "quantity": "2"}]})).await).await;
    assert_eq!(
        entries(&t, &build).await,
        [e("1200", "17.00", "0.00"), e("1200", "0.00", "17.00")]
    );
    assert_eq!(
        (
            level(&t, "COMP-A", "MAIN").await.0,
            level(&t, "COMP-B", "MAIN").await.0,
            level(&t, "ASM", "MAIN").await.0
        ),
        ("4".into(), "2".into(), "2".into())
    );
    let sale = save(&t, &doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-07", "lines": [{"item": "ASM", "quantity": "1", "unit_price": "30"}]})).await).await;
    assert_eq!(entries(&t, &sale).await[2], e("5000", "8.50", "0.00"));
    // Building more than the components allow is refused, naming the component.
    let short = doc(&t, json!({"doc_type": "assembly_build", "date": "2026-01-08", "site": "MAIN", "lines": [{"item": "ASM", "quantity": "1"}]})).await;
    let refused = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", short["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        refused.message(),
        "lines: not enough COMP-B at MAIN: 3 needed, 2 on hand, short by 1"
    );
    let not_asm = doc(&t, json!({"doc_type": "assembly_build", "date": "2026-01-08", "site": "MAIN", "lines": [{"item": "COMP-A", "quantity": "1"}]})).await;
    let refused = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", not_asm["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines[0].item")
    );
    invariants(&t).await;
}

async fn landed_costs_are_spread_over_the_goods_by_value_or_quantity(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/items",
        json!({"code": "FREIGHT", "item_type": "charge"}),
    )
    .await;
    // 10 WIDGET at 3 (30) and 5 GADGET at 14 (70), freight 20 spread by value: 6 and 14.
    let r = save(&t, &doc(&t, json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-02", "site": "MAIN", "lines": [
        {"item": "WIDGET", "quantity": "10", "unit_price": "3"}, {"item": "GADGET", "quantity": "5", "unit_price": "14"}, {"item": "FREIGHT", "quantity": "1", "unit_price": "20"}]})).await).await;
    assert_eq!(
        entries(&t, &r).await,
        [e("1200", "120.00", "0.00"), e("2100", "0.00", "120.00")]
    );
    let values = |m: &Value| {
        m["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["item"].as_str().unwrap().to_owned(),
                    x["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    let moves = t
        .get(&format!("/api/v1/stock/moves?document={}", r["id"]))
        .await
        .body;
    assert_eq!(
        values(&moves),
        [
            ("WIDGET".to_owned(), "36.00".to_owned()),
            ("GADGET".to_owned(), "84.00".to_owned())
        ]
    );
    // The bill of that receipt clears pending receipts, freight included; no variance at the same prices.
    let bill = save(
        &t,
        &crate::conversions::convert(&t, &r, json!({"to": "bill"})).await,
    )
    .await;
    assert_eq!(
        entries(&t, &bill).await,
        [e("2000", "0.00", "120.00"), e("2100", "120.00", "0.00")]
    );
    // By quantity: 10 and 5 units share 20 as 13.33 and 6.67.
    let q = save(&t, &doc(&t, json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-03", "site": "MAIN", "landed_spread": "quantity", "lines": [
        {"item": "WIDGET", "quantity": "10", "unit_price": "3"}, {"item": "GADGET", "quantity": "5", "unit_price": "14"}, {"item": "FREIGHT", "quantity": "1", "unit_price": "20"}]})).await).await;
    assert_eq!(q["landed_spread"], "quantity");
    let moves = t
        .get(&format!("/api/v1/stock/moves?document={}", q["id"]))
        .await
        .body;
    assert_eq!(
        values(&moves),
        [
            ("WIDGET".to_owned(), "43.33".to_owned()),
            ("GADGET".to_owned(), "76.67".to_owned())
        ]
    );
    // A bill for goods not received before capitalises its freight too: stock 24, no variance.
    let direct = save(&t, &doc(&t, json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-04", "lines": [
        {"item": "WIDGET", "quantity": "4", "unit_price": "5"}, {"item": "FREIGHT", "quantity": "1", "unit_price": "4"}]})).await).await;
    assert_eq!(
        entries(&t, &direct).await,
        [e("2000", "0.00", "24.00"), e("1200", "24.00", "0.00")]
    );
    // Freight with no goods on the document is a plain cost.
    let alone = save(&t, &doc(&t, json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-04", "lines": [{"item": "FREIGHT", "quantity": "1", "unit_price": "9"}]})).await).await;
    assert_eq!(
        entries(&t, &alone).await,
        [e("2000", "0.00", "9.00"), e("5000", "9.00", "0.00")]
    );
    invariants(&t).await;
}

async fn transfers_move_stock_between_bins_of_a_site(b: Backend) {
    let t = fixture(b).await;
    let main = t.get("/api/v1/sites?q=MAIN").await.body["items"][0]["id"].clone();
    for bin in ["A-1", "A-2"] {
        t.create(&format!("/api/v1/sites/{main}/bins"), json!({"code": bin}))
            .await;
    }
    save(&t, &doc(&t, json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-02", "site": "MAIN", "lines": [{"item": "GADGET", "quantity": "5", "unit_price": "1", "bin": "A-1"}]})).await).await;
    let tr = save(&t, &doc(&t, json!({"doc_type": "stock_transfer", "date": "2026-01-03", "site": "MAIN", "to_bin": "A-2", "lines": [{"item": "GADGET", "quantity": "2", "bin": "A-1"}]})).await).await;
    assert_eq!(
        (tr["to_site"].as_str(), tr["to_bin"].as_str()),
        (Some("MAIN"), Some("A-2"))
    );
    let gadget = t.get("/api/v1/stock?item=GADGET").await.body;
    assert_eq!(
        gadget[0]["on_hand"], "5",
        "a move between bins leaves the site's stock as it was"
    );
    assert_eq!(
        gadget[0]["bins"],
        json!([{"bin": "A-1", "on_hand": "3"}, {"bin": "A-2", "on_hand": "2"}])
    );
    assert!(entries(&t, &tr).await.is_empty());
    let same = doc(&t, json!({"doc_type": "stock_transfer", "date": "2026-01-04", "site": "MAIN", "to_bin": "A-1", "lines": [{"item": "GADGET", "quantity": "1", "bin": "A-1"}]})).await;
    let refused = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", same["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "to_site")
    );
    let unknown = t.json(Method::POST, "/api/v1/documents", json!({"doc_type": "stock_transfer", "date": "2026-01-04", "site": "MAIN", "to_bin": "Z-9", "lines": []})).await;
    assert_eq!(
        (unknown.status, unknown.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "to_bin")
    );
    invariants(&t).await;
}
