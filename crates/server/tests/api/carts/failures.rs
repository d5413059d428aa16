//! What goes wrong: each Test Connection failure, bad cart orders, and a cart that
//! answers 500s, times out, throttles and cuts replies short.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use cartwright_cart_emulators::{
    FULL_KEY, Fault, NO_CUSTOMERS_KEY, NewOrder, NewOrderRow, READ_ONLY_KEY,
};
use cartwright_store::Backend;
use serde_json::{Value, json};

use super::{act, cart, fixture, imported_ids, run, smtp::SmtpSink, tested};
use crate::helpers::TestApp;

crate::on_both_backends!(
    test_connection_names_each_failure_and_blocks_auto_sync,
    a_bad_order_fails_precisely_without_holding_back_the_others,
    faults_are_retried_waited_for_logged_and_e_mailed_and_nothing_is_lost,
);

async fn test_result(t: &TestApp, c: &Value) -> Value {
    act(t, c, "test", json!({})).await
}

async fn test_connection_names_each_failure_and_blocks_auto_sync(b: Backend) {
    let (t, shop) = fixture(b).await;
    let port = shop.url().rsplit(':').next().unwrap().to_string();
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"name": "closed", "url": "http://127.0.0.1:1"}),
            "unreachable",
            "address not reachable",
        ),
        (
            json!({"name": "tls", "url": format!("https://127.0.0.1:{port}")}),
            "tls",
            "TLS error",
        ),
        (
            json!({"name": "elsewhere", "url": format!("{}/blog", shop.url())}),
            "not_a_cart",
            "not a PrestaShop webservice",
        ),
        (
            json!({"name": "wrong", "password": "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"}),
            "wrong_password",
            "wrong password",
        ),
        (
            json!({"name": "nocust", "password": NO_CUSTOMERS_KEY}),
            "permission",
            "may not GET the resource 'customers'",
        ),
        (
            json!({"name": "readonly", "password": READ_ONLY_KEY, "to_cart": {"enable_real_time_stock_updates": true}}),
            "permission",
            "may not PUT the resource 'stock_availables'",
        ),
    ];
    for (extra, reason, text) in cases {
        let c = cart(&t, &shop, extra.clone()).await;
        let r = test_result(&t, &c).await;
        assert_eq!(r["passed"], false, "{extra}: {r}");
        assert_eq!(r["reason"], reason, "{extra}: {r}");
        assert!(
            r["message"].as_str().unwrap().contains(text),
            "{extra}: {r}"
        );
        let start = t
            .json(
                Method::POST,
                &format!("/api/v1/carts/{}/sync/start", c["id"]),
                json!({}),
            )
            .await;
        assert_eq!(start.status, StatusCode::CONFLICT, "{extra}");
    }
    // A cart that does not answer in time.
    let slow = cart(&t, &shop, json!({"name": "slow"})).await;
    shop.push_fault("/api/", Fault::Delay(Duration::from_secs(4)));
    let r = test_result(&t, &slow).await;
    assert_eq!(r["reason"], "timeout", "{r}");
    // The webservice switched off in the shop.
    shop.set_webservice_enabled(false);
    let r = test_result(&t, &slow).await;
    assert_eq!(r["reason"], "cart_error", "{r}");
    assert!(r["message"].as_str().unwrap().contains("disabled"), "{r}");
    shop.set_webservice_enabled(true);
    // Passing, then changing the URL while RUNNING, asks for a new test and stops auto-sync.
    let ok = cart(&t, &shop, json!({"name": "good"})).await;
    tested(&t, &ok).await;
    act(&t, &ok, "sync/start", json!({})).await;
    let cur = t.get(&format!("/api/v1/carts/{}", ok["id"])).await.body;
    assert_eq!(cur["connection"]["tested"], true);
    let changed = t
        .json(
            Method::PUT,
            &format!("/api/v1/carts/{}", ok["id"]),
            json!({"name": "good", "url": format!("{}/", shop.url()), "version": cur["version"]}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(
        changed.body["connection"]["tested"], false,
        "a new URL needs a new test"
    );
    assert_eq!(
        changed.body["from_cart"]["status"], "STOPPED",
        "untested settings are not synchronised"
    );
    let start = t
        .json(
            Method::POST,
            &format!("/api/v1/carts/{}/sync/start", ok["id"]),
            json!({}),
        )
        .await;
    assert_eq!(start.status, StatusCode::CONFLICT);
    let _ = FULL_KEY;
}

async fn a_bad_order_fails_precisely_without_holding_back_the_others(b: Backend) {
    let (t, shop) = fixture(b).await;
    // Order 2 points at a currency the cart does not have; orders 3 and 4 come after it.
    assert!(shop.set_field("orders", 2, "id_currency", "99"));
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["orders_created"], 3, "{r}");
    assert_eq!(r["counts"]["orders_failed"], 1, "{r}");
    assert_eq!(r["outcome"], "errors");
    assert_eq!(imported_ids(&t, &c).await, vec![1, 3, 4]);
    let failed = t
        .get(&format!("/api/v1/carts/{}/failed", c["id"]))
        .await
        .body;
    assert_eq!(failed.as_array().unwrap().len(), 1);
    assert_eq!(failed[0]["remote_id"], "2");
    assert_eq!(
        failed[0]["reason"], "order 2: field 'id_currency': currency 99 is unknown to the cart",
        "{failed}"
    );
    assert!(
        failed[0]["response"]
            .as_str()
            .unwrap()
            .contains("\"id_currency\""),
        "the cart's data is kept: {failed}"
    );
    // Every run retries it; it still fails, counted again, and is not duplicated.
    run(&t, &c).await;
    let failed = t
        .get(&format!("/api/v1/carts/{}/failed", c["id"]))
        .await
        .body;
    assert_eq!(failed[0]["attempts"], 2, "{failed}");
    // Fixed in the cart: a retry by hand imports it and clears the entry.
    shop.set_field("orders", 2, "id_currency", "1");
    let fid = failed[0]["id"].clone();
    let retried = t
        .json(
            Method::POST,
            &format!("/api/v1/carts/{}/failed/{fid}/retry", c["id"]),
            json!({}),
        )
        .await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.text);
    assert_eq!(retried.body["orders_created"], 1);
    assert_eq!(imported_ids(&t, &c).await, vec![1, 2, 3, 4]);
    assert!(
        t.get(&format!("/api/v1/carts/{}/failed", c["id"]))
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A failure can also be dismissed: no more retries.
    let bad = shop.add_order(NewOrder {
        rows: vec![NewOrderRow {
            product_id: 2,
            quantity: 1,
            unit_price_tax_excl: "11.9".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    shop.set_field("orders", bad, "current_state", "77");
    run(&t, &c).await;
    let failed = t
        .get(&format!("/api/v1/carts/{}/failed", c["id"]))
        .await
        .body;
    assert!(
        failed[0]["reason"]
            .as_str()
            .unwrap()
            .contains("order state '77' is unknown"),
        "{failed}"
    );
    let d = t
        .json(
            Method::POST,
            &format!(
                "/api/v1/carts/{}/failed/{}/dismiss",
                c["id"], failed[0]["id"]
            ),
            json!({}),
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    let r = run(&t, &c).await;
    assert_eq!(
        r["counts"]["orders_failed"], 0,
        "dismissed orders are not retried: {r}"
    );
}

async fn faults_are_retried_waited_for_logged_and_e_mailed_and_nothing_is_lost(b: Backend) {
    let (t, shop) = fixture(b).await;
    let sink = SmtpSink::start().await;
    let s = t
        .json(
            Method::PUT,
            "/api/v1/company/smtp",
            json!({"host": "127.0.0.1", "port": sink.port, "from": "cartwright@test.local"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let c = cart(&t, &shop, json!({"notification_email": "ops@test.local"})).await;
    tested(&t, &c).await;
    // The order list answers 429 (wait 1 s), then 500, then 503: three tries, all used up.
    shop.push_fault(
        "/api/orders",
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    );
    shop.push_fault("/api/orders", Fault::Status(500));
    shop.push_fault("/api/orders", Fault::Status(503));
    let started = std::time::Instant::now();
    let r = run(&t, &c).await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was obeyed"
    );
    let text = r["errors"].to_string();
    assert!(
        text.contains("rate limited") && text.contains("wait 1 s"),
        "{text}"
    );
    assert!(text.contains("HTTP 500"), "{text}");
    assert!(text.contains("HTTP 503"), "{text}");
    assert_eq!(r["outcome"], "errors");
    assert_eq!(r["counts"]["orders_created"], 0, "{r}");
    // The next run meets a cut-off reply, retries it and imports everything.
    shop.push_fault("/api/orders", Fault::Truncate);
    let r2 = run(&t, &c).await;
    let text2 = r2["errors"].to_string();
    assert!(text2.contains("truncated or invalid JSON"), "{text2}");
    assert_eq!(r2["counts"]["orders_created"], 4, "{r2}");
    // A reply slower than the time limit is retried too.
    shop.push_fault("/api/orders", Fault::Delay(Duration::from_secs(3)));
    let r3 = run(&t, &c).await;
    assert!(r3["errors"].to_string().contains("timed out"), "{r3}");
    assert_eq!(r3["counts"]["orders_created"], 0, "{r3}");
    assert!(
        r3["counts"]["orders_skipped"].as_u64().unwrap() >= 1,
        "the overlap re-reads the newest order: {r3}"
    );
    assert_eq!(
        imported_ids(&t, &c).await,
        vec![1, 2, 3, 4],
        "nothing lost, nothing doubled"
    );
    // Every error is in the sync log with the cart's reply, and was e-mailed.
    let runs = t.get(&format!("/api/v1/carts/{}/runs", c["id"])).await.body;
    assert_eq!(runs.as_array().unwrap().len(), 3);
    assert!(
        runs[1]["errors"][0]["response"]
            .as_str()
            .unwrap()
            .contains("\"orders\""),
        "{}",
        runs[1]
    );
    let mut waited = 0;
    while sink.messages().len() < 3 && waited < 50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    let mails = sink.messages();
    assert_eq!(mails.len(), 3, "one mail per run with errors: {mails:?}");
    // The same failure again is not mailed again.
    shop.push_fault("/api/orders", Fault::Delay(Duration::from_secs(3)));
    let r4 = run(&t, &c).await;
    assert_eq!(r4["errors"], r3["errors"], "the same error as the last run");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.messages().len(),
        3,
        "no second mail for the same failure"
    );
    assert!(mails[0].contains("To: ops@test.local"), "{}", mails[0]);
    assert!(
        mails[0].contains("HTTP 500") && mails[0].contains("rate limited"),
        "{}",
        mails[0]
    );
    assert!(!mails.concat().contains(FULL_KEY), "no credentials in mail");
}
