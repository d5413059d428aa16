//! Every bad input gets a 4xx naming the field, and stores nothing.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    malformed_json_is_400_and_stores_nothing,
    unknown_fields_are_refused_by_name,
    negative_price_names_the_price_field,
    unknown_currency_names_the_currency_field,
    over_long_code_names_the_code_field,
    duplicate_code_ignoring_case_is_409,
    missing_or_wrong_token_is_401,
    wrong_types_and_missing_fields_name_the_field,
    non_json_body_is_415,
    unknown_references_name_their_field,
    unknown_record_is_404,
    garbage_on_every_write_route_is_refused_without_500_or_effect,
);

async fn item_count_and_audit(t: &TestApp) -> (usize, usize) {
    (t.count("items").await, t.count("audit").await)
}

async fn malformed_json_is_400_and_stores_nothing(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = item_count_and_audit(&t).await;
    let a = t
        .send(
            Method::POST,
            "/api/v1/items",
            Some(&t.admin),
            Some("application/json"),
            br#"{"code": "A", "item_type": "#.to_vec(),
        )
        .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    assert!(a.message().contains("not valid JSON"), "{}", a.message());
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn unknown_fields_are_refused_by_name(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = item_count_and_audit(&t).await;
    let a = t
        .json(
            Method::POST,
            "/api/v1/items",
            json!({"code": "A", "item_type": "stock", "colour": "red"}),
        )
        .await;
    assert_eq!(
        (a.status, a.code(), a.field()),
        (StatusCode::BAD_REQUEST, "unknown_field", "colour")
    );
    let nested = t.json(Method::POST, "/api/v1/items", json!({"code": "A", "item_type": "stock", "prices": [{"price_list": "X", "price": "1", "tax": "1"}]})).await;
    assert_eq!(
        (nested.status, nested.field()),
        (StatusCode::BAD_REQUEST, "prices[0].tax")
    );
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn negative_price_names_the_price_field(b: Backend) {
    let t = TestApp::spawn(b).await;
    t.price_list("RETAIL", "USD").await;
    let before = item_count_and_audit(&t).await;
    let a = t.json(Method::POST, "/api/v1/items", json!({"code": "A", "item_type": "stock", "prices": [{"price_list": "RETAIL", "price": "-1.00"}]})).await;
    assert_eq!(
        (a.status, a.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "prices[0].price")
    );
    assert!(
        a.message().contains("must not be negative"),
        "{}",
        a.message()
    );
    let cost = t
        .json(
            Method::POST,
            "/api/v1/items",
            json!({"code": "A", "item_type": "stock", "standard_cost": "-0.01"}),
        )
        .await;
    assert_eq!(
        (cost.status, cost.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "standard_cost")
    );
    let float = t
        .json(
            Method::POST,
            "/api/v1/items",
            json!({"code": "A", "item_type": "stock", "standard_cost": 1.5}),
        )
        .await;
    assert_eq!(
        (float.status, float.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "standard_cost"),
        "amounts are decimal strings, not floats"
    );
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn unknown_currency_names_the_currency_field(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = (t.count("customers").await, t.count("audit").await);
    let a = t
        .json(
            Method::POST,
            "/api/v1/customers",
            json!({"code": "C1", "name": "Ann", "currency": "XYZ"}),
        )
        .await;
    assert_eq!(
        (a.status, a.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "currency")
    );
    assert!(
        a.message().contains("unknown currency 'XYZ'"),
        "{}",
        a.message()
    );
    let disabled = t
        .json(
            Method::POST,
            "/api/v1/customers",
            json!({"code": "C1", "name": "Ann", "currency": "CHF"}),
        )
        .await;
    assert_eq!(
        (disabled.status, disabled.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "currency")
    );
    assert!(
        disabled.message().contains("not enabled"),
        "{}",
        disabled.message()
    );
    let enable = t
        .json(Method::POST, "/api/v1/currencies", json!({"code": "ABC"}))
        .await;
    assert_eq!(
        (enable.status, enable.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "code")
    );
    assert_eq!((t.count("customers").await, t.count("audit").await), before);
}

async fn over_long_code_names_the_code_field(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = item_count_and_audit(&t).await;
    let a = t
        .json(
            Method::POST,
            "/api/v1/items",
            json!({"code": "X".repeat(65), "item_type": "stock"}),
        )
        .await;
    assert_eq!(
        (a.status, a.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "code")
    );
    assert!(a.message().contains("at most 64"), "{}", a.message());
    let name = t
        .json(
            Method::POST,
            "/api/v1/customers",
            json!({"code": "C", "name": "N".repeat(201)}),
        )
        .await;
    assert_eq!(
        (name.status, name.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "name")
    );
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn duplicate_code_ignoring_case_is_409(b: Backend) {
    let t = TestApp::spawn(b).await;
    let first = t
        .create(
            "/api/v1/items",
            json!({"code": "SKU-1", "item_type": "stock", "description": "first"}),
        )
        .await;
    let before = item_count_and_audit(&t).await;
    let a = t
        .json(
            Method::POST,
            "/api/v1/items",
            json!({"code": "sku-1", "item_type": "stock", "description": "second"}),
        )
        .await;
    assert_eq!(
        (a.status, a.code(), a.field()),
        (StatusCode::CONFLICT, "duplicate", "code")
    );
    assert!(
        a.message().contains("'sku-1' already exists"),
        "{}",
        a.message()
    );
    // Renaming another item onto the code is refused the same way.
    let other = t
        .create(
            "/api/v1/items",
            json!({"code": "SKU-2", "item_type": "stock"}),
        )
        .await;
    let rename = t
        .json(
            Method::PUT,
            &format!("/api/v1/items/{}", other["id"]),
            json!({"code": "Sku-1", "item_type": "stock", "version": 1}),
        )
        .await;
    assert_eq!(
        (rename.status, rename.field()),
        (StatusCode::CONFLICT, "code")
    );
    assert_eq!(t.count("items").await, before.0 + 1);
    assert_eq!(
        t.get(&format!("/api/v1/items/{}", first["id"])).await.body["description"],
        "first"
    );
    let acct = t
        .json(
            Method::POST,
            "/api/v1/accounts",
            json!({"code": "1100", "name": "Dup", "account_type": "expense"}),
        )
        .await;
    assert_eq!((acct.status, acct.field()), (StatusCode::CONFLICT, "code"));
    let user = t
        .json(
            Method::POST,
            "/api/v1/users",
            json!({"email": "ADMIN@test.local", "role": "sales", "password": "long-enough"}),
        )
        .await;
    assert_eq!((user.status, user.field()), (StatusCode::CONFLICT, "email"));
}

async fn missing_or_wrong_token_is_401(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = item_count_and_audit(&t).await;
    let body = json!({"code": "A", "item_type": "stock"})
        .to_string()
        .into_bytes();
    let none = t
        .send(
            Method::POST,
            "/api/v1/items",
            None,
            Some("application/json"),
            body.clone(),
        )
        .await;
    assert_eq!(
        (none.status, none.code()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert!(
        none.message().contains("Authorization: Bearer"),
        "{}",
        none.message()
    );
    let wrong = t
        .send(
            Method::POST,
            "/api/v1/items",
            Some("cwt_not-a-real-token"),
            Some("application/json"),
            body,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let login = t
        .send(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some("application/json"),
            br#"{"email":"admin@test.local","password":"nope"}"#.to_vec(),
        )
        .await;
    assert_eq!(
        (login.status, login.message()),
        (StatusCode::UNAUTHORIZED, "wrong email or password")
    );
    let unknown = t
        .send(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some("application/json"),
            br#"{"email":"who@test.local","password":"nope"}"#.to_vec(),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.message()),
        (StatusCode::UNAUTHORIZED, "wrong email or password")
    );
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn wrong_types_and_missing_fields_name_the_field(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = item_count_and_audit(&t).await;
    let missing = t
        .json(Method::POST, "/api/v1/items", json!({"code": "A"}))
        .await;
    assert_eq!(
        (missing.status, missing.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "item_type")
    );
    let bad_enum = t
        .json(
            Method::POST,
            "/api/v1/items",
            json!({"code": "A", "item_type": "gizmo"}),
        )
        .await;
    assert_eq!(
        (bad_enum.status, bad_enum.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "item_type")
    );
    let bad_type = t
        .json(
            Method::POST,
            "/api/v1/payment-terms",
            json!({"code": "T", "name": "T", "days": -3}),
        )
        .await;
    assert_eq!(
        (bad_type.status, bad_type.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "days")
    );
    let no_version = t
        .json(
            Method::PUT,
            "/api/v1/company",
            json!({"name": "X", "base_currency": "USD"}),
        )
        .await;
    assert_eq!(
        (no_version.status, no_version.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "version")
    );
    let bad_date = t
        .json(
            Method::POST,
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "01/02/2026", "rate": "1.1"}),
        )
        .await;
    assert_eq!(
        (bad_date.status, bad_date.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date")
    );
    let bad_email = t
        .json(
            Method::POST,
            "/api/v1/vendors",
            json!({"code": "V", "name": "V", "email": "not-an-email"}),
        )
        .await;
    assert_eq!(
        (bad_email.status, bad_email.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "email")
    );
    let short_pw = t
        .json(
            Method::POST,
            "/api/v1/users",
            json!({"email": "x@test.local", "role": "sales", "password": "short"}),
        )
        .await;
    assert_eq!(
        (short_pw.status, short_pw.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "password")
    );
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn non_json_body_is_415(b: Backend) {
    let t = TestApp::spawn(b).await;
    let a = t
        .send(
            Method::POST,
            "/api/v1/items",
            Some(&t.admin),
            Some("text/plain"),
            b"code=A".to_vec(),
        )
        .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    assert_eq!(t.count("items").await, 0);
}

async fn unknown_references_name_their_field(b: Backend) {
    let t = TestApp::spawn(b).await;
    let before = item_count_and_audit(&t).await;
    let a = t.json(Method::POST, "/api/v1/items", json!({"code": "A", "item_type": "stock", "tax_code": "NOPE", "preferred_vendor": "NOBODY", "prices": [{"price_list": "MISSING", "price": "1"}]})).await;
    assert_eq!(
        (a.status, a.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "prices[0].price_list")
    );
    let fields: Vec<_> = a.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["prices[0].price_list", "tax_code", "preferred_vendor"]
    );
    let terms = t
        .json(
            Method::POST,
            "/api/v1/customers",
            json!({"code": "C", "name": "C", "payment_terms": "NET999"}),
        )
        .await;
    assert_eq!(
        (terms.status, terms.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "payment_terms")
    );
    assert_eq!(item_count_and_audit(&t).await, before);
}

async fn unknown_record_is_404(b: Backend) {
    let t = TestApp::spawn(b).await;
    for path in [
        "/api/v1/items/9999",
        "/api/v1/customers/9999",
        "/api/v1/currencies/CHF",
        "/api/v1/exchange-rates/9999",
        "/api/v1/users/9999",
    ] {
        let a = t.get(path).await;
        assert_eq!(
            (a.status, a.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
    let a = t.get("/api/v1/items/abc").await;
    assert_eq!(
        (a.status, a.code(), a.field()),
        (StatusCode::BAD_REQUEST, "bad_path", "id"),
        "{}",
        a.text
    );
    // A vendor id is not a customer id.
    let v = t
        .create("/api/v1/vendors", json!({"code": "V", "name": "V"}))
        .await;
    assert_eq!(
        t.get(&format!("/api/v1/customers/{}", v["id"]))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn garbage_on_every_write_route_is_refused_without_500_or_effect(b: Backend) {
    let t = TestApp::spawn(b).await;
    let audit_before = t.count("audit").await;
    let long = "x".repeat(100_000);
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"text\"".to_vec(),
        b"{}".to_vec(),
        br#"{"code": 1, "name": [], "email": {}, "currency": 12, "rate": 1e400, "version": "one"}"#.to_vec(),
        br#"{"code": "\u0000", "name": "\u0007", "item_type": "stock", "days": 99999999999999999999}"#.to_vec(),
        format!(r#"{{"code": "{long}", "name": "{long}"}}"#).into_bytes(),
        vec![0xff, 0xfe, 0x00, 0x7b],
    ];
    for r in cartwright_server::routed() {
        if r.method == "get" || !r.takes_body {
            continue;
        }
        let url = r
            .path
            .replace("{id}", "1")
            .replace("{code}", "EUR")
            .replace("{doc_type}", "sales_invoice");
        let method: Method = r.method.to_uppercase().parse().unwrap();
        for body in &bodies {
            let ct = if url.ends_with("/import") {
                "text/csv"
            } else {
                "application/json"
            };
            // `send` itself fails the test on any 500.
            let a = t
                .send(method.clone(), &url, Some(&t.admin), Some(ct), body.clone())
                .await;
            assert!(
                a.status.is_client_error(),
                "{} {url} with {:?}: {} {}",
                r.method,
                String::from_utf8_lossy(&body[..body.len().min(40)]),
                a.status,
                a.text
            );
            assert!(
                a.body["error"]["message"].is_string(),
                "{} {url}: {}",
                r.method,
                a.text
            );
        }
    }
    assert_eq!(
        t.count("audit").await,
        audit_before,
        "no garbage was stored"
    );
}
