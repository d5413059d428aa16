//! The audit trail records who changed what, with before and after values.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    audit_shows_who_changed_what,
    every_collection_write_is_audited_with_its_actor
);

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

async fn every_collection_write_is_audited_with_its_actor(b: Backend) {
    let t = TestApp::spawn(b).await;
    let writes = [
        ("currencies", "/api/v1/currencies", json!({"code": "GBP"})),
        (
            "exchange_rates",
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "2026-01-01", "rate": "1.1"}),
        ),
        (
            "accounts",
            "/api/v1/accounts",
            json!({"code": "6000", "name": "Rent", "account_type": "expense"}),
        ),
        (
            "tax_codes",
            "/api/v1/tax-codes",
            json!({"code": "T", "name": "T", "rate_percent": "7"}),
        ),
        (
            "payment_terms",
            "/api/v1/payment-terms",
            json!({"code": "N7", "name": "7 days", "days": 7}),
        ),
        (
            "price_lists",
            "/api/v1/price-lists",
            json!({"code": "PL", "name": "PL", "currency": "EUR"}),
        ),
        ("sites", "/api/v1/sites", json!({"code": "S", "name": "S"})),
        (
            "items",
            "/api/v1/items",
            json!({"code": "I", "item_type": "charge"}),
        ),
        (
            "customers",
            "/api/v1/customers",
            json!({"code": "C", "name": "C"}),
        ),
        (
            "vendors",
            "/api/v1/vendors",
            json!({"code": "V", "name": "V"}),
        ),
        (
            "users",
            "/api/v1/users",
            json!({"email": "u@test.local", "role": "sales", "password": "password-1"}),
        ),
    ];
    for (entity, path, body) in writes {
        t.create(path, body).await;
        let trail = t
            .get(&format!("/api/v1/audit?entity={entity}&limit=1"))
            .await
            .body;
        let last = &trail["items"][0];
        assert_eq!(
            (last["actor"].as_str(), last["action"].as_str()),
            (Some("admin@test.local"), Some("create")),
            "{entity}: {trail}"
        );
        assert!(last["after"].is_object(), "{entity}");
    }
}
