//! Conversions: order to cash and purchase to pay, with remaining quantities and related documents.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::{Value, json};

use crate::{
    documents::{doc, e, entries, fixture, invariants, level, receive, save},
    helpers::TestApp,
};

crate::on_both_backends!(
    order_to_cash_in_euro_with_partial_dispatches,
    purchase_to_pay_with_a_price_variance_and_closing,
    credit_note_returns_goods_at_their_original_cost,
    conversions_refuse_what_is_not_left,
    drop_ship_moves_no_stock_and_costs_sales_from_the_bill,
    back_orders_buy_the_shortfall_and_allocate_it_on_receipt,
);

pub(crate) async fn convert(t: &TestApp, from: &Value, body: Value) -> Value {
    let a = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", from["id"]),
            body,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body
}

fn progress(line: &Value, stage: &str) -> String {
    line["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["stage"] == stage)
        .map_or("0".into(), |p| p["quantity"].as_str().unwrap().to_owned())
}

async fn order_to_cash_in_euro_with_partial_dispatches(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "12", "2.50").await;
    let quote = doc(&t, json!({"doc_type": "quote", "party": "C-EU", "date": "2026-01-10", "lines": [{"item": "WIDGET", "quantity": "10", "unit_price": "19.99", "tax_code": "VAT20"}]})).await;
    let quote = save(&t, &quote).await;
    let so = convert(&t, &quote, json!({"to": "sales_order"})).await;
    assert_eq!(
        (
            so["status"].as_str(),
            so["lines"][0]["quantity"].as_str(),
            so["lines"][0]["unit_price"].as_str()
        ),
        (Some("PENDING"), Some("10"), Some("19.99"))
    );
    let so = save(&t, &so).await;
    assert_eq!(
        (
            so["order_status"].as_str(),
            so["allocation_status"].as_str(),
            so["lines"][0]["allocated"].as_str()
        ),
        (Some("Open"), Some("FullyAllocated"), Some("10"))
    );
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("12".into(), "10".into(), "0".into())
    );

    // Dispatch 6: the allocation is released for them, cost of goods sold at 2.50.
    let line = so["lines"][0]["id"].clone();
    let d1 = convert(
        &t,
        &so,
        json!({"to": "dispatch", "lines": [{"line_id": line, "quantity": "6"}]}),
    )
    .await;
    let d1 = save(&t, &d1).await;
    assert_eq!(
        entries(&t, &d1).await,
        [e("5000", "15.00", "0.00"), e("1200", "0.00", "15.00")]
    );
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("6".into(), "4".into(), "0".into())
    );
    let so_now = t.get(&format!("/api/v1/documents/{}", so["id"])).await.body;
    assert_eq!(
        (
            progress(&so_now["lines"][0], "dispatched"),
            so_now["order_status"].as_str()
        ),
        ("6".into(), Some("Open"))
    );

    // Invoice the dispatch: 6 × 19.99 = 119.94, tax 23.99, total 143.93 EUR; at 1.10 → 131.93 + 26.39 = 158.32 USD. No second COGS.
    let inv = convert(
        &t,
        &d1,
        json!({"to": "sales_invoice", "date": "2026-01-12"}),
    )
    .await;
    assert_eq!(
        (
            inv["net"].as_str(),
            inv["tax"].as_str(),
            inv["total"].as_str(),
            inv["base_total"].as_str()
        ),
        (
            Some("119.94"),
            Some("23.99"),
            Some("143.93"),
            Some("158.32")
        )
    );
    let inv = save(&t, &inv).await;
    assert_eq!(
        entries(&t, &inv).await,
        [
            e("1100", "158.32", "0.00"),
            e("4000", "0.00", "131.93"),
            e("2200", "0.00", "26.39")
        ]
    );

    // The rest: dispatch 4 and invoice it; the order is fulfilled and invoiced in full.
    let d2 = save(&t, &convert(&t, &so, json!({"to": "dispatch"})).await).await;
    assert_eq!(d2["lines"][0]["quantity"], "4");
    let inv2 = save(&t, &convert(&t, &d2, json!({"to": "sales_invoice"})).await).await;
    let so_done = t.get(&format!("/api/v1/documents/{}", so["id"])).await.body;
    assert_eq!(
        (
            so_done["order_status"].as_str(),
            progress(&so_done["lines"][0], "dispatched"),
            progress(&so_done["lines"][0], "invoiced")
        ),
        (Some("Fulfilled"), "10".into(), "10".into())
    );
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("2".into(), "0".into(), "0".into())
    );

    // Related documents, both ways.
    let rel = t
        .get(&format!("/api/v1/documents/{}/related", so["id"]))
        .await
        .body;
    let mut seen: Vec<(String, String)> = rel
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["direction"].as_str().unwrap().to_owned(),
                r["doc_type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("from".into(), "quote".into()),
            ("to".into(), "dispatch".into()),
            ("to".into(), "dispatch".into())
        ]
    );
    let back = t
        .get(&format!("/api/v1/documents/{}/related", inv2["id"]))
        .await
        .body;
    assert_eq!(
        (back[0]["direction"].as_str(), back[0]["id"].as_i64()),
        (Some("from"), d2["id"].as_i64())
    );
    invariants(&t).await;
}

async fn purchase_to_pay_with_a_price_variance_and_closing(b: Backend) {
    let t = fixture(b).await;
    let po = save(&t, &doc(&t, json!({"doc_type": "purchase_order", "party": "V-US", "date": "2026-01-03", "lines": [{"item": "WIDGET", "quantity": "10", "unit_price": "4.00"}]})).await).await;
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("0".into(), "0".into(), "10".into())
    );
    let line = po["lines"][0]["id"].clone();
    let receipt = save(
        &t,
        &convert(
            &t,
            &po,
            json!({"to": "item_receipt", "lines": [{"line_id": line, "quantity": "6"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        entries(&t, &receipt).await,
        [e("1200", "24.00", "0.00"), e("2100", "0.00", "24.00")]
    );
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("6".into(), "0".into(), "4".into())
    );
    // The vendor bills the 6 at 4.20: the receipt is cleared at 24.00, 1.20 is price variance.
    let mut bill = convert(&t, &receipt, json!({"to": "bill", "date": "2026-01-08"})).await;
    bill["lines"][0]["unit_price"] = json!("4.20");
    let body = json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-08", "reference": "V-INV-1", "version": bill["version"],
        "lines": [{"item": "WIDGET", "quantity": "6", "unit_price": "4.20", "source_line": bill["lines"][0]["source_line"]}]});
    let edited = t
        .json(
            Method::PUT,
            &format!("/api/v1/documents/{}", bill["id"]),
            body,
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    let bill = save(&t, &edited.body).await;
    assert_eq!(
        entries(&t, &bill).await,
        [
            e("2000", "0.00", "25.20"),
            e("2100", "24.00", "0.00"),
            e("5200", "1.20", "0.00")
        ]
    );
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await.0,
        "6",
        "billing moves no stock"
    );
    let po_now = t.get(&format!("/api/v1/documents/{}", po["id"])).await.body;
    assert_eq!(
        (
            progress(&po_now["lines"][0], "received"),
            progress(&po_now["lines"][0], "billed"),
            po_now["order_status"].as_str()
        ),
        ("6".into(), "6".into(), Some("Open"))
    );
    // Closing the order takes the 4 still expected off order.
    let closed = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/close", po["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (closed.status, closed.body["order_status"].as_str()),
        (StatusCode::OK, Some("Closed"))
    );
    assert_eq!(
        level(&t, "WIDGET", "MAIN").await,
        ("6".into(), "0".into(), "0".into())
    );
    let again = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", po["id"]),
            json!({"to": "item_receipt"}),
        )
        .await;
    assert_eq!(
        (again.status, again.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "status")
    );
    invariants(&t).await;
}

async fn credit_note_returns_goods_at_their_original_cost(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "2.00").await;
    let inv = save(&t, &doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "WIDGET", "quantity": "4", "unit_price": "5"}]})).await).await;
    // The average cost moves on after the sale.
    receive(&t, "WIDGET", "10", "3.00").await;
    let line = inv["lines"][0]["id"].clone();
    let cn = save(
        &t,
        &convert(
            &t,
            &inv,
            json!({"to": "credit_note", "lines": [{"line_id": line, "quantity": "1"}]}),
        )
        .await,
    )
    .await;
    // Back at 2.00, the cost it left with, not at today's average.
    assert_eq!(
        entries(&t, &cn).await,
        [
            e("1100", "0.00", "5.00"),
            e("4000", "5.00", "0.00"),
            e("5000", "0.00", "2.00"),
            e("1200", "2.00", "0.00")
        ]
    );
    let inv_now = t
        .get(&format!("/api/v1/documents/{}", inv["id"]))
        .await
        .body;
    assert_eq!(progress(&inv_now["lines"][0], "credited"), "1");
    invariants(&t).await;
}

async fn conversions_refuse_what_is_not_left(b: Backend) {
    let t = fixture(b).await;
    let quote = doc(&t, json!({"doc_type": "quote", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "FITTING", "quantity": "2", "unit_price": "5"}]})).await;
    let pending = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", quote["id"]),
            json!({"to": "sales_order"}),
        )
        .await;
    assert_eq!(
        (pending.status, pending.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "status")
    );
    let quote = save(&t, &quote).await;
    let wrong = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", quote["id"]),
            json!({"to": "bill"}),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "to")
    );
    let line = quote["lines"][0]["id"].clone();
    let too_much = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", quote["id"]),
            json!({"to": "sales_order", "lines": [{"line_id": line, "quantity": "3"}]}),
        )
        .await;
    assert_eq!(
        (too_much.status, too_much.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines[0].quantity")
    );
    convert(
        &t,
        &quote,
        json!({"to": "sales_order", "lines": [{"line_id": line, "quantity": "1.5"}]}),
    )
    .await;
    let rest = convert(&t, &quote, json!({"to": "sales_order"})).await;
    assert_eq!(
        rest["lines"][0]["quantity"], "0.5",
        "a pending conversion already counts"
    );
    let none = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", quote["id"]),
            json!({"to": "sales_order"}),
        )
        .await;
    assert_eq!(
        (none.status, none.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines")
    );
}

async fn drop_ship_moves_no_stock_and_costs_sales_from_the_bill(b: Backend) {
    let t = fixture(b).await;
    t.create("/api/v1/items", json!({"code": "DS-1", "item_type": "stock", "standard_cost": "18", "preferred_vendor": "V-US"})).await;
    let c = t.get("/api/v1/customers?q=C-US").await.body["items"][0].clone();
    let addr = json!({"line1": "5 Elm St", "line2": "", "city": "Boston", "region": "MA", "postcode": "02101", "country": "US"});
    t.json(Method::PUT, &format!("/api/v1/customers/{}", c["id"]), json!({"code": "C-US", "name": "US Buyer", "shipping_address": addr, "version": c["version"]})).await;
    let so = save(&t, &doc(&t, json!({"doc_type": "sales_order", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "DS-1", "quantity": "5", "unit_price": "30"}]})).await).await;
    let po = convert(
        &t,
        &so,
        json!({"to": "purchase_order", "purchase": "drop_ship"}),
    )
    .await;
    assert_eq!(
        (
            po["party"].as_str(),
            po["lines"][0]["drop_ship"].as_bool(),
            po["lines"][0]["unit_price"].as_str()
        ),
        (Some("V-US"), Some(true), Some("18"))
    );
    assert_eq!(
        po["ship_to"]["city"], "Boston",
        "the vendor ships to the customer"
    );
    let po = save(&t, &po).await;
    assert_eq!(
        level(&t, "DS-1", "MAIN").await,
        ("0".into(), "0".into(), "0".into()),
        "drop-shipped goods are never on order for a site"
    );
    let receipt = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/convert", po["id"]),
            json!({"to": "item_receipt"}),
        )
        .await;
    assert_eq!(
        (receipt.status, receipt.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines[0].drop_ship"),
        "drop-shipped goods are billed, never received: {}",
        receipt.text
    );
    // The vendor's bill is the cost of the sale; the customer's invoice is revenue only.
    let bill = save(&t, &convert(&t, &po, json!({"to": "bill"})).await).await;
    assert_eq!(
        entries(&t, &bill).await,
        [e("2000", "0.00", "90.00"), e("5000", "90.00", "0.00")]
    );
    let inv = save(&t, &convert(&t, &so, json!({"to": "sales_invoice"})).await).await;
    assert_eq!(
        entries(&t, &inv).await,
        [e("1100", "150.00", "0.00"), e("4000", "0.00", "150.00")]
    );
    assert!(
        t.get("/api/v1/stock/moves?item=DS-1").await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let so_now = t.get(&format!("/api/v1/documents/{}", so["id"])).await.body;
    assert_eq!(so_now["order_status"], "Fulfilled");
    invariants(&t).await;
}

async fn back_orders_buy_the_shortfall_and_allocate_it_on_receipt(b: Backend) {
    let t = fixture(b).await;
    t.create("/api/v1/items", json!({"code": "BO-1", "item_type": "stock", "standard_cost": "2", "preferred_vendor": "V-US"})).await;
    receive(&t, "BO-1", "3", "2").await;
    let so = save(&t, &doc(&t, json!({"doc_type": "sales_order", "party": "C-US", "date": "2026-01-05", "lines": [{"item": "BO-1", "quantity": "8", "unit_price": "5"}]})).await).await;
    assert_eq!(
        (
            so["lines"][0]["allocated"].as_str(),
            so["allocation_status"].as_str()
        ),
        (Some("3"), Some("PartiallyAllocated"))
    );
    let made = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/back-order", so["id"]),
            json!({}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let pos = made.body.as_array().unwrap();
    assert_eq!(
        (
            pos.len(),
            pos[0]["party"].as_str(),
            pos[0]["lines"][0]["quantity"].as_str()
        ),
        (1, Some("V-US"), Some("5"))
    );
    let po = save(&t, &pos[0]).await;
    assert_eq!(
        level(&t, "BO-1", "MAIN").await,
        ("3".into(), "3".into(), "5".into())
    );
    let again = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/back-order", so["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        again.body.as_array().map(Vec::len),
        Some(0),
        "nothing left to buy"
    );
    // Receiving the back order allocates it to the sales order.
    save(&t, &convert(&t, &po, json!({"to": "item_receipt"})).await).await;
    let so_now = t.get(&format!("/api/v1/documents/{}", so["id"])).await.body;
    assert_eq!(
        (
            so_now["lines"][0]["allocated"].as_str(),
            so_now["allocation_status"].as_str()
        ),
        (Some("8"), Some("FullyAllocated"))
    );
    assert_eq!(
        level(&t, "BO-1", "MAIN").await,
        ("8".into(), "8".into(), "0".into())
    );
    // A second order waits for stock; allocating in bulk serves it once goods arrive.
    let so2 = save(&t, &doc(&t, json!({"doc_type": "sales_order", "party": "C-US", "date": "2026-01-06", "lines": [{"item": "BO-1", "quantity": "2", "unit_price": "5"}]})).await).await;
    assert_eq!(so2["allocation_status"], "NotAllocated");
    receive(&t, "BO-1", "2", "2").await;
    let all = t
        .json(Method::POST, "/api/v1/stock/allocate", json!({}))
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let so2_now = t
        .get(&format!("/api/v1/documents/{}", so2["id"]))
        .await
        .body;
    assert_eq!(so2_now["allocation_status"], "FullyAllocated");
    invariants(&t).await;
}
