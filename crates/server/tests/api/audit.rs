//! The audit trail records who changed what, with before and after values.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(audit_shows_who_changed_what);

async fn audit_shows_who_changed_what(b: Backend) {
    let t = TestApp::spawn(b).await;
    let item = t
        .create(
            "/api/v1/items",
            json!({"code": "AUD", "item_type": "stock", "description": "before"}),
        )
        .await;
    let upd = t
        .json(
            Method::PUT,
            &format!("/api/v1/items/{}", item["id"]),
            json!({"code": "AUD", "item_type": "stock", "description": "after", "version": 1}),
        )
        .await;
    assert_eq!(upd.status, StatusCode::OK);
    let trail = t
        .get(&format!(
            "/api/v1/audit?entity=items&entity_id={}",
            item["id"]
        ))
        .await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.text);
    let entries = trail.body["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let (update, create) = (&entries[0], &entries[1]);
    assert_eq!(
        (update["action"].as_str(), create["action"].as_str()),
        (Some("update"), Some("create"))
    );
    for e in entries {
        assert_eq!(e["actor"], "admin@test.local");
        assert!(e["user_id"].is_i64());
        assert!(e["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(create["before"], json!(null));
    assert_eq!(create["after"]["description"], "before");
    assert_eq!(update["before"]["description"], "before");
    assert_eq!(update["after"]["description"], "after");
    // Every write of the set-up is there too, attributed to the command line.
    let cli = t.get("/api/v1/audit?entity=company").await.body;
    assert_eq!(cli["items"][0]["actor"], "cli");
}
