//! Real-time stock: saved documents reach the cart within seconds while auto-sync runs,
//! bursts coalesce into few pushes, and the pushed figure is the one explained.

use std::time::{Duration, Instant};

use cartwright_store::Backend;
use serde_json::json;

use cartwright_cart_emulators::Fault;

use super::{act, cart, fixture, run, tested};
use crate::documents::{doc, save};

crate::on_both_backends!(
    stock_changes_reach_the_cart_within_seconds_and_bursts_coalesce,
    a_cut_off_xml_reply_to_a_stock_update_is_retried_safely,
    a_running_cart_resumes_when_the_server_starts_again,
);

async fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn stock_changes_reach_the_cart_within_seconds_and_bursts_coalesce(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(
        &t,
        &shop,
        json!({"safety_buffer": "1", "to_cart": {"enable_real_time_stock_updates": true}}),
    )
    .await;
    tested(&t, &c).await;
    // The poster (product 3) is our WIDGET; 20 arrive at MAIN.
    act(
        &t,
        &c,
        "remote/items/link",
        json!([{"remote_id": "3", "local": "WIDGET"}]),
    )
    .await;
    let r = doc(
        &t,
        json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-11-01", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "20", "unit_price": "2"}]}),
    )
    .await;
    save(&t, &r).await;
    act(&t, &c, "sync/start", json!({})).await;
    let scheduler = cartwright_server::spawn_scheduler(t.app.clone(), Duration::from_millis(100));
    // The first run imports order 2 (one poster, PENDING): 20 − 1 − safety buffer 1.
    wait_for("the first push", || shop.stock(3, 0) == 18).await;
    let a = t
        .get(&format!("/api/v1/carts/{}/available/WIDGET", c["id"]))
        .await
        .body;
    assert_eq!(a["available"], 18, "{a}");
    let terms: Vec<(String, String)> = a["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["label"].as_str().unwrap().to_owned(),
                x["quantity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        terms,
        [
            ("on hand".to_owned(), "20".to_owned()),
            ("allocated to saved sales orders".to_owned(), "0".to_owned()),
            ("on PENDING cart orders".to_owned(), "-1".to_owned()),
            ("safety buffer".to_owned(), "-1".to_owned()),
        ]
    );
    // One saved document: the cart hears within seconds.
    let adj = doc(
        &t,
        json!({"doc_type": "stock_adjustment", "date": "2026-11-02", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "30"}]}),
    )
    .await;
    let saved_at = Instant::now();
    save(&t, &adj).await;
    wait_for("the adjustment's push", || shop.stock(3, 0) == 28).await;
    assert!(saved_at.elapsed() < Duration::from_secs(10));
    // Fifty changes in a burst: few pushes, the final value right.
    let puts_before = shop.count_requests("PUT", "/api/stock_availables");
    for _ in 0..50 {
        let r = doc(&t, json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-11-02", "site": "MAIN",
            "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "2"}]})).await;
        save(&t, &r).await;
    }
    wait_for("the burst's final value", || shop.stock(3, 0) == 78).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pushes = shop.count_requests("PUT", "/api/stock_availables") - puts_before;
    assert!(pushes < 50, "50 changes coalesced into {pushes} pushes");
    assert_eq!(shop.stock(3, 0), 78);
    let a = t
        .get(&format!("/api/v1/carts/{}/available/WIDGET", c["id"]))
        .await
        .body;
    assert_eq!(
        a["available"], 78,
        "the explanation matches the pushed number: {a}"
    );
    // Deleting the PENDING cart order frees its poster: no stock moved, yet the cart hears.
    let tab = super::orders(&t, &c).await;
    let pending = tab.iter().find(|o| o["remote_id"] == "2").unwrap();
    let del = t
        .send(
            axum::http::Method::DELETE,
            &format!("/api/v1/documents/{}", pending["document_id"]),
            Some(&t.admin),
            None,
            vec![],
        )
        .await;
    assert!(del.status.is_success(), "{}", del.text);
    wait_for("the freed unit", || shop.stock(3, 0) == 79).await;
    // Stopped: changes wait in the outbox and are not pushed.
    act(&t, &c, "sync/stop", json!({})).await;
    let adj = doc(
        &t,
        json!({"doc_type": "stock_adjustment", "date": "2026-11-02", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "5"}]}),
    )
    .await;
    save(&t, &adj).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(shop.stock(3, 0), 79, "no pushes while STOPPED");
    scheduler.abort();
}

async fn a_cut_off_xml_reply_to_a_stock_update_is_retried_safely(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(
        &t,
        &shop,
        json!({"to_cart": {"enable_real_time_stock_updates": true}}),
    )
    .await;
    tested(&t, &c).await;
    act(
        &t,
        &c,
        "remote/items/link",
        json!([{"remote_id": "3", "local": "WIDGET"}]),
    )
    .await;
    let r = doc(
        &t,
        json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-11-01", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "12", "unit_price": "2"}]}),
    )
    .await;
    save(&t, &r).await;
    // The PUT's XML reply is cut in half: the absolute value is simply sent again.
    shop.push_fault("/api/stock_availables/", Fault::Truncate);
    let run = run(&t, &c).await;
    let text = run["errors"].to_string();
    assert!(
        text.contains("truncated XML") && text.contains("<stock_available>"),
        "{text}"
    );
    assert_eq!(
        shop.count_requests("PUT", "/api/stock_availables"),
        2,
        "one retry"
    );
    assert_eq!(
        shop.stock(3, 0),
        11,
        "12 on hand − 1 on the PENDING cart order"
    );
    let again = super::run(&t, &c).await;
    assert_eq!(
        again["counts"]["stock_pushes"], 0,
        "nothing left in the outbox: {again}"
    );
}

async fn a_running_cart_resumes_when_the_server_starts_again(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    act(&t, &c, "sync/start", json!({})).await;
    // The first server runs the cart once, then stops (as a process would on shutdown).
    let first = cartwright_server::spawn_scheduler(
        t.app.clone().with_node("first"),
        Duration::from_millis(100),
    );
    let start = Instant::now();
    while super::orders(&t, &c).await.len() < 4 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the first server imported nothing"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.abort();
    // A new order while no server runs; the cart is still RUNNING in the database.
    shop.advance(60);
    let new_id = shop.add_order(cartwright_cart_emulators::NewOrder {
        rows: vec![cartwright_cart_emulators::NewOrderRow {
            product_id: 2,
            quantity: 1,
            unit_price_tax_excl: "11.9".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let cur = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    assert_eq!(cur["from_cart"]["status"], "RUNNING");
    // The next server catches up at once, without waiting for the 10-minute interval.
    let next = cartwright_server::spawn_scheduler(
        t.app.clone().with_node("second"),
        Duration::from_millis(100),
    );
    let start = Instant::now();
    while !super::imported_ids(&t, &c).await.contains(&new_id) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the restarted server did not resume the cart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    next.abort();
}
