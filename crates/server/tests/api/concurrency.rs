//! Optimistic concurrency: stale updates get 409, and two concurrent updates cannot both win.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    stale_update_gets_409_naming_the_record,
    concurrent_updates_cannot_both_win
);

async fn stale_update_gets_409_naming_the_record(b: Backend) {
    let t = TestApp::spawn(b).await;
    let item = t
        .create(
            "/api/v1/items",
            json!({"code": "A", "item_type": "stock", "description": "v1"}),
        )
        .await;
    let path = format!("/api/v1/items/{}", item["id"]);
    let first = t
        .json(
            Method::PUT,
            &path,
            json!({"code": "A", "item_type": "stock", "description": "v2", "version": 1}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let stale = t
        .json(
            Method::PUT,
            &path,
            json!({"code": "A", "item_type": "stock", "description": "v3", "version": 1}),
        )
        .await;
    assert_eq!(
        (stale.status, stale.code(), stale.field()),
        (StatusCode::CONFLICT, "stale", "version")
    );
    assert!(
        stale.message().contains(&format!("item {}", item["id"])),
        "{}",
        stale.message()
    );
    assert_eq!(t.get(&path).await.body["description"], "v2");
}

async fn concurrent_updates_cannot_both_win(b: Backend) {
    let t = TestApp::spawn(b).await;
    let c = t
        .create(
            "/api/v1/customers",
            json!({"code": "C", "name": "original"}),
        )
        .await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let mut answers = Vec::new();
    let futures: Vec<_> = (0..6)
        .map(|i| {
            t.json(
                Method::PUT,
                &path,
                json!({"code": "C", "name": format!("writer {i}"), "version": 1}),
            )
        })
        .collect();
    for a in futures_util::future::join_all(futures).await {
        answers.push(a.status);
    }
    assert_eq!(
        answers.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        5,
        "{answers:?}"
    );
    let now = t.get(&path).await.body;
    assert_eq!(now["version"], 2);
    assert!(now["name"].as_str().unwrap().starts_with("writer "));
}
