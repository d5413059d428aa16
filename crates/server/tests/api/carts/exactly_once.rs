//! Every cart order stored exactly once: re-reads, overlapping windows, orders changing and
//! arriving while a run pages, a run killed midway, and two runs at the same moment.

use std::time::Duration;

use axum::http::Method;
use cartwright_app::AppError;
use cartwright_cart_emulators::{Fault, NewOrder, NewOrderRow, PrestaShop};
use cartwright_store::Backend;
use serde_json::{Value, json};

use super::{cart, fixture, imported_ids, run, tested};
use crate::helpers::TestApp;

crate::on_both_backends!(
    reading_the_same_orders_again_and_rewinding_the_window_import_nothing_twice,
    orders_changed_or_added_while_a_run_pages_are_neither_missed_nor_doubled,
    a_run_killed_midway_resumes_from_what_was_stored,
    two_runs_and_a_manual_import_at_the_same_moment_store_each_order_once,
);

fn order(shop: &PrestaShop, customer: i64) -> i64 {
    shop.add_order(NewOrder {
        id_customer: customer,
        currency_iso: if customer == 4 { "USD" } else { "EUR" }.into(),
        rows: vec![NewOrderRow {
            product_id: 3,
            quantity: 1,
            unit_price_tax_excl: "29".into(),
            ..Default::default()
        }],
        ..Default::default()
    })
}

async fn ready(b: Backend, extra_orders: usize) -> (TestApp, PrestaShop, Value, Vec<i64>) {
    let (t, shop) = fixture(b).await;
    for n in 0..extra_orders {
        shop.advance(60);
        order(&shop, [1, 4][n % 2]);
    }
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let all = shop.order_ids();
    (t, shop, c, all)
}

async fn reading_the_same_orders_again_and_rewinding_the_window_import_nothing_twice(b: Backend) {
    let (t, _shop, c, all) = ready(b, 2).await;
    run(&t, &c).await;
    let again = run(&t, &c).await;
    assert_eq!(again["counts"]["orders_created"], 0, "{again}");
    assert_eq!(imported_ids(&t, &c).await, all);
    // A PENDING order deleted here (a spam order, say) stays imported: it does not come back.
    let tab = super::orders(&t, &c).await;
    let first = tab.iter().find(|o| o["remote_id"] == "1").unwrap();
    let del = t
        .send(
            Method::DELETE,
            &format!("/api/v1/documents/{}", first["document_id"]),
            Some(&t.admin),
            None,
            vec![],
        )
        .await;
    assert!(del.status.is_success(), "{}", del.text);
    // Rewind Last Order from to before every order: everything is read again, nothing stored twice.
    let cur = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    let rewound = t
        .json(
            Method::PUT,
            &format!("/api/v1/carts/{}", c["id"]),
            json!({"name": cur["name"], "url": cur["url"], "version": cur["version"],
                   "from_cart": {"last_order_from": "2026-01-01T00:00:00Z"}}),
        )
        .await;
    assert_eq!(
        rewound.status,
        axum::http::StatusCode::OK,
        "{}",
        rewound.text
    );
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["orders_read"], all.len() as u64, "{r}");
    assert_eq!(r["counts"]["orders_skipped"], all.len() as u64, "{r}");
    assert_eq!(imported_ids(&t, &c).await, all);
    let tab = super::orders(&t, &c).await;
    let first = tab.iter().find(|o| o["remote_id"] == "1").unwrap();
    assert_eq!(
        (
            first["document_status"].as_str(),
            first["document_id"].is_null()
        ),
        (Some("DELETED"), true),
        "{first}"
    );
    // Last Order from never moves back on its own and never jumps to "now".
    let after = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    assert_eq!(
        after["from_cart"]["last_order_from"], "2026-11-02T09:02:00Z",
        "the newest order's change, in UTC"
    );
}

async fn orders_changed_or_added_while_a_run_pages_are_neither_missed_nor_doubled(b: Backend) {
    let (t, shop, c, _) = ready(b, 5).await;
    let app = t.app.clone().with_cart_page_size(2);
    // When the second page is asked for, order 1 ships (moving to the end of the list) and
    // a new order arrives.
    let added = std::sync::Arc::new(std::sync::Mutex::new(0i64));
    let slot = added.clone();
    shop.on_next_request(
        "2026-11-01 19:00:00",
        Box::new(move |s: &PrestaShop| {
            s.set_order_state(1, 4);
            *slot.lock().unwrap() = order(s, 1);
        }),
    );
    let r = app
        .run_cart(c["id"].as_i64().unwrap(), "manual")
        .await
        .unwrap();
    let new_id = *added.lock().unwrap();
    assert!(new_id > 0, "the hook ran");
    assert_eq!(
        imported_ids(&t, &c).await,
        shop.order_ids(),
        "every order once: {r:?}"
    );
    assert_eq!(
        r.counts.orders_updated, 1,
        "order 1's shipping was seen in the same run: {r:?}"
    );
    let tab = super::orders(&t, &c).await;
    let one = tab.iter().find(|o| o["remote_id"] == "1").unwrap();
    assert_eq!(one["cart_status"], "shipped");
    let doc = super::document(&t, &one["document_id"]).await;
    assert!(
        doc["memo"]
            .as_str()
            .unwrap()
            .contains("Cart status changed from paid to shipped"),
        "{doc}"
    );
    assert_eq!(
        doc["status"], "PENDING",
        "nothing saved is changed but the memo"
    );
}

async fn a_run_killed_midway_resumes_from_what_was_stored(b: Backend) {
    let (t, shop, c, all) = ready(b, 5).await;
    let id = c["id"].as_i64().unwrap();
    // The third page hangs; the process dies while waiting for it.
    shop.push_fault("2026-11-02 05:00:00", Fault::Delay(Duration::from_secs(10)));
    let doomed = t
        .app
        .clone()
        .with_cart_page_size(2)
        .with_lease(Duration::from_secs(1))
        .with_node("doomed");
    let task = tokio::spawn(async move { doomed.run_cart(id, "schedule").await });
    let mut waited = 0;
    while imported_ids(&t, &c).await.len() < 4 && waited < 100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    task.abort();
    let _ = task.await;
    let before = imported_ids(&t, &c).await;
    assert_eq!(
        before,
        vec![1, 2, 3, 4],
        "two pages were stored before the crash"
    );
    // Another process starts; the dead run's lease runs out and the next run carries on.
    let restarted = t.app.clone().with_cart_page_size(2).with_node("restarted");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let r = restarted.run_cart(id, "schedule").await.unwrap();
    assert_eq!(imported_ids(&t, &c).await, all, "{r:?}");
    assert_eq!(r.counts.orders_created, (all.len() - 4) as u64, "{r:?}");
}

async fn two_runs_and_a_manual_import_at_the_same_moment_store_each_order_once(b: Backend) {
    let (t, _shop, c, all) = ready(b, 6).await;
    let id = c["id"].as_i64().unwrap();
    let one = t.app.clone().with_node("one").with_cart_page_size(3);
    let two = t.app.clone().with_node("two").with_cart_page_size(3);
    let who = cartwright_app::Principal::cli();
    let ids: Vec<String> = all.iter().map(ToString::to_string).collect();
    let (a, b2, m) = tokio::join!(
        one.run_cart(id, "schedule"),
        two.run_cart(id, "schedule"),
        t.app.import_remote_orders(&who, id, &ids)
    );
    let conflicts = [&a, &b2]
        .iter()
        .filter(|r| matches!(r, Err(AppError::Conflict(_))))
        .count();
    assert!(
        conflicts <= 1,
        "at most one run is turned away: {a:?} {b2:?}"
    );
    assert!(m.is_ok(), "{m:?}");
    assert_eq!(imported_ids(&t, &c).await, all, "each order exactly once");
    // Nothing was left behind as a failure by the race.
    let failed = t.get(&format!("/api/v1/carts/{id}/failed")).await.body;
    assert_eq!(failed, json!([]), "{failed}");
}
