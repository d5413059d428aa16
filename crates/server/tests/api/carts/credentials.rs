//! The cart's key never leaves: not in API replies, logs, the sync log, the audit trail,
//! nor the database in clear.

use axum::http::Method;
use cartwright_cart_emulators::{FULL_KEY, Fault};
use cartwright_store::Backend;
use serde_json::json;
use tracing::instrument::WithSubscriber;

use super::{cart, fixture, run, tested};

crate::on_both_backends!(the_cart_key_appears_in_no_reply_log_sync_log_or_audit_entry);

/// Standard base64, for the form the key takes in an `Authorization: Basic` header.
fn base64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn the_cart_key_appears_in_no_reply_log_sync_log_or_audit_entry(b: Backend) {
    let (t, shop) = fixture(b).await;
    let buf = crate::helpers::LogBuf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let basic = base64(format!("{FULL_KEY}:").as_bytes());
    let replies = async {
        let mut texts = Vec::new();
        let c = cart(&t, &shop, json!({"notification_email": "ops@test.local"})).await;
        texts.push(c.to_string());
        tested(&t, &c).await;
        shop.push_fault("/api/orders", Fault::Status(500));
        shop.push_fault("/api/orders", Fault::Status(500));
        shop.push_fault("/api/orders", Fault::Status(500));
        texts.push(run(&t, &c).await.to_string());
        texts.push(run(&t, &c).await.to_string());
        let wrong = cart(
            &t,
            &shop,
            json!({"name": "wrong", "password": "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"}),
        )
        .await;
        texts.push(
            t.json(
                Method::POST,
                &format!("/api/v1/carts/{}/test", wrong["id"]),
                json!({}),
            )
            .await
            .text,
        );
        for path in [
            "/api/v1/carts".to_owned(),
            format!("/api/v1/carts/{}", c["id"]),
            format!("/api/v1/carts/{}/runs", c["id"]),
            format!("/api/v1/carts/{}/failed?include_dismissed=true", c["id"]),
            "/api/v1/audit?entity=carts&limit=500".to_owned(),
        ] {
            texts.push(t.get(&path).await.text);
        }
        texts
    }
    .with_subscriber(subscriber)
    .await;
    let logs = buf.text();
    assert!(
        logs.contains("cart sync error"),
        "the run's errors were logged: {logs}"
    );
    for text in replies.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains(FULL_KEY), "key in {text}");
        assert!(!text.contains("QQQQQQQQQQQQQQQQ"), "key in {text}");
        assert!(!text.contains(&basic), "encoded key in {text}");
    }
    // Stored sealed, not in clear.
    let mut tx = t.app.store().read().await.unwrap();
    let row = tx.cart(1).await.unwrap().unwrap();
    assert!(row.secret_enc.starts_with("v1:") && !row.secret_enc.contains(FULL_KEY));
}
