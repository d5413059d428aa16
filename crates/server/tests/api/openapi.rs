//! The OpenAPI document lists every routed operation, and the health check answers.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;

use crate::helpers::TestApp;

crate::on_both_backends!(
    openapi_lists_every_routed_operation,
    healthz_answers_200_with_request_id
);

async fn openapi_lists_every_routed_operation(b: Backend) {
    let t = TestApp::spawn(b).await;
    let doc = t
        .send(Method::GET, "/api/openapi.json", None, None, vec![])
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let routed = cartwright_server::routed();
    assert!(routed.len() > 40, "{} routes", routed.len());
    for r in &routed {
        assert!(r.path.starts_with("/api/v1/"), "{}", r.path);
        let op = &doc.body["paths"][r.path][r.method];
        assert!(
            op.is_object(),
            "{} {} is routed but missing from /api/openapi.json",
            r.method,
            r.path
        );
        assert_eq!(
            op["security"].is_array(),
            r.guard.is_some(),
            "{} {}",
            r.method,
            r.path
        );
    }
    let documented: usize = doc.body["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        routed.len(),
        "the document lists only routed operations"
    );
    // Every schema reference resolves.
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    for cap in doc.text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = cap.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    for name in [
        "Item",
        "ItemInput",
        "Party",
        "Company",
        "ExchangeRate",
        "AuditRecord",
        "Error",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
}

async fn healthz_answers_200_with_request_id(b: Backend) {
    let t = TestApp::spawn(b).await;
    let a = t.send(Method::GET, "/healthz", None, None, vec![]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["status"], "ok");
}
