//! Roles, tokens and passwords.

use axum::http::{Method, StatusCode};
use cartwright_core::user::{Access, Resource, Role};
use cartwright_store::Backend;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    read_only_token_cannot_write_anything,
    every_guarded_route_refuses_a_missing_token,
    roles_write_only_their_own_records,
    passwords_and_tokens_are_stored_hashed_and_never_logged,
    inactive_user_loses_access,
);

/// A concrete URL for a routed path (ids and codes filled in).
fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{code}", "EUR")
        .replace("{doc_type}", "sales_invoice")
}

async fn read_only_token_cannot_write_anything(b: Backend) {
    let t = TestApp::spawn(b).await;
    let ro = t.token_for(Role::ReadOnly).await;
    let audit_before = t.count("audit").await;
    let mut writes = 0;
    for r in cartwright_server::routed() {
        let Some(guard) = r.guard else { continue };
        let url = concrete(r.path);
        let method: Method = r.method.to_uppercase().parse().unwrap();
        // A well-formed body, so only the role can be the reason for a refusal.
        let a = t
            .send(
                method,
                &url,
                Some(&ro),
                Some("application/json"),
                br#"{"code":"X","name":"X"}"#.to_vec(),
            )
            .await;
        match guard.access {
            Access::Write => {
                writes += 1;
                assert_eq!(
                    (a.status, a.code()),
                    (StatusCode::FORBIDDEN, "forbidden"),
                    "{} {url}",
                    r.method
                );
            }
            Access::Read if matches!(guard.resource, Resource::Users | Resource::Audit) => {
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{} {url}", r.method);
            }
            Access::Read => assert!(
                a.status != StatusCode::FORBIDDEN && a.status != StatusCode::UNAUTHORIZED,
                "{} {url}: {}",
                r.method,
                a.text
            ),
        }
    }
    assert!(writes >= 29, "every write route was tried ({writes})");
    // Nothing was written: no record, no audit entry.
    assert_eq!(t.count("audit").await, audit_before);
    assert_eq!(t.count("items").await, 0);
}

async fn every_guarded_route_refuses_a_missing_token(b: Backend) {
    let t = TestApp::spawn(b).await;
    for r in cartwright_server::routed() {
        if r.guard.is_none() {
            continue;
        }
        let method: Method = r.method.to_uppercase().parse().unwrap();
        let a = t
            .send(
                method.clone(),
                &concrete(r.path),
                None,
                Some("application/json"),
                b"{}".to_vec(),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{} {}",
            r.method,
            r.path
        );
        let a = t
            .send(
                method,
                &concrete(r.path),
                Some("garbage"),
                Some("application/json"),
                b"{}".to_vec(),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{} {}",
            r.method,
            r.path
        );
    }
}

async fn roles_write_only_their_own_records(b: Backend) {
    let t = TestApp::spawn(b).await;
    let post = |token: String, path: &'static str, body: serde_json::Value| {
        let t = &t;
        async move {
            t.send(
                Method::POST,
                path,
                Some(&token),
                Some("application/json"),
                body.to_string().into_bytes(),
            )
            .await
            .status
        }
    };
    let wh = t.token_for(Role::Warehouse).await;
    let sales = t.token_for(Role::Sales).await;
    let acc = t.token_for(Role::Accountant).await;
    assert_eq!(
        post(
            wh.clone(),
            "/api/v1/items",
            json!({"code": "W1", "item_type": "stock"})
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            wh.clone(),
            "/api/v1/customers",
            json!({"code": "C1", "name": "C"})
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            sales.clone(),
            "/api/v1/customers",
            json!({"code": "C1", "name": "C"})
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            sales.clone(),
            "/api/v1/items",
            json!({"code": "S1", "item_type": "stock"})
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            acc.clone(),
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "2026-01-01", "rate": "1.1"})
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            acc.clone(),
            "/api/v1/users",
            json!({"email": "z@test.local", "role": "admin", "password": "12345678"})
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let audit = t
        .send(Method::GET, "/api/v1/audit", Some(&acc), None, vec![])
        .await;
    assert_eq!(audit.status, StatusCode::OK);
}

async fn passwords_and_tokens_are_stored_hashed_and_never_logged(b: Backend) {
    use tracing::instrument::WithSubscriber;

    let t = TestApp::spawn(b).await;
    let buf = crate::helpers::LogBuf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let password = "Sup3r-Secret-Pass";
    let token = async {
        let created = t
            .json(
                Method::POST,
                "/api/v1/users",
                json!({"email": "keeper@test.local", "role": "sales", "password": password}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
        assert!(!created.text.contains(password));
        let login = t
            .send(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some("application/json"),
                json!({"email": "keeper@test.local", "password": password})
                    .to_string()
                    .into_bytes(),
            )
            .await;
        let token = login.body["token"].as_str().unwrap().to_owned();
        let me = t
            .send(Method::GET, "/api/v1/items", Some(&token), None, vec![])
            .await;
        assert_eq!(me.status, StatusCode::OK);
        token
    }
    .with_subscriber(subscriber)
    .await;
    let logs = buf.text();
    assert!(logs.contains("request"), "the request was logged: {logs}");
    assert!(
        !logs.contains(password) && !logs.contains(&token),
        "secrets in logs: {logs}"
    );
    // In the database: an argon2 hash and a SHA-256 digest, never the clear values.
    let stored = t
        .app
        .store()
        .read()
        .await
        .unwrap()
        .user_auth_by_email("keeper@test.local")
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.password_hash.starts_with("$argon2id$") && !stored.password_hash.contains(password)
    );
    let mut tx = t.app.store().read().await.unwrap();
    assert!(
        tx.user_by_token(&token).await.unwrap().is_none(),
        "the clear token is not a stored key"
    );
    assert!(
        tx.user_by_token(&cartwright_app::auth::token_digest(&token))
            .await
            .unwrap()
            .is_some()
    );
    let audit = tx
        .list_audit(&cartwright_store::AuditQuery {
            entity: Some("users".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let dump = serde_json::to_string(&audit.items).unwrap();
    assert!(
        !dump.contains(password) && !dump.contains("argon2"),
        "{dump}"
    );
}

async fn inactive_user_loses_access(b: Backend) {
    let t = TestApp::spawn(b).await;
    let token = t.token_for(Role::Sales).await;
    let users = t.get("/api/v1/users?q=sales").await.body;
    let u = &users["items"][0];
    let off = t
        .json(
            Method::PUT,
            &format!("/api/v1/users/{}", u["id"]),
            json!({"email": u["email"], "role": "sales", "active": false, "version": u["version"]}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    let a = t
        .send(Method::GET, "/api/v1/items", Some(&token), None, vec![])
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(
        t.app
            .issue_token("sales@test.local", "role-password")
            .await
            .is_err()
    );
}
