//! `TestApp`: a fresh database, a company, an admin token, and request helpers.

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use cartwright_app::{App, Principal};
use cartwright_core::{company::CompanyInput, currency::CurrencyInput, user::Role};
use cartwright_store::{Backend, ListQuery, testing::TestDb};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A running API over a fresh database.
pub struct TestApp {
    pub app: App,
    router: Router,
    _db: TestDb,
    /// Token of an admin user, `admin@test.local`.
    pub admin: String,
}

/// An answer: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// The error code of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The field named by an error answer.
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }

    /// The error message.
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
}

impl TestApp {
    /// A fresh database with a company in USD (EUR, JPY and BHD enabled) and an admin.
    pub async fn spawn(backend: Backend) -> Self {
        let db = cartwright_store::testing::fresh(backend).await;
        // Short cart time limits keep fault tests quick.
        let app = App::new(db.store.clone())
            .with_cart_http(cartwright_carts::HttpOptions {
                timeout: std::time::Duration::from_secs(2),
                attempts: 3,
                backoff: std::time::Duration::from_millis(50),
                max_wait: std::time::Duration::from_secs(5),
            })
            .with_lease(std::time::Duration::from_secs(30));
        let cli = Principal::cli();
        app.setup_company(
            &cli,
            &CompanyInput {
                name: "Test Co".into(),
                base_currency: "USD".into(),
                financial_year_start: None,
                tax_rounding: None,
                negative_stock: None,
                default_item: None,
                costing_method: None,
                auto_allocate: None,
                version: None,
            },
        )
        .await
        .unwrap();
        for code in ["EUR", "JPY", "BHD"] {
            app.add_currency(
                &cli,
                &CurrencyInput {
                    code: code.into(),
                    name: None,
                    version: None,
                },
            )
            .await
            .unwrap();
        }
        app.add_or_reset_user("admin@test.local", "admin-password", Role::Admin)
            .await
            .unwrap();
        let admin = app
            .issue_token("admin@test.local", "admin-password")
            .await
            .unwrap();
        let router = cartwright_server::router(app.clone());
        Self {
            app,
            router,
            _db: db,
            admin,
        }
    }

    /// A token for a new user with `role`.
    pub async fn token_for(&self, role: Role) -> String {
        let email = format!("{}@test.local", role.as_str());
        self.app
            .add_or_reset_user(&email, "role-password", role)
            .await
            .unwrap();
        self.app.issue_token(&email, "role-password").await.unwrap()
    }

    /// Sends a request with raw bytes.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 for {path}: {text}"
        );
        Answer { status, body, text }
    }

    /// Sends JSON as the admin.
    pub async fn json(&self, method: Method, path: &str, body: Value) -> Answer {
        self.send(
            method,
            path,
            Some(&self.admin),
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    /// GET as the admin.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, Some(&self.admin), None, Vec::new())
            .await
    }

    /// POST JSON as the admin, asserting 201, and returns the created record.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let a = self.json(Method::POST, path, body).await;
        assert_eq!(a.status, StatusCode::CREATED, "create {path}: {}", a.text);
        a.body
    }

    /// Number of items, customers, … stored, read straight from the database.
    pub async fn count(&self, collection: &str) -> usize {
        let mut tx = self.app.store().read().await.unwrap();
        let q = ListQuery {
            limit: 500,
            ..ListQuery::default()
        };
        match collection {
            "items" => tx.list_items(&q).await.unwrap().items.len(),
            "customers" => tx
                .list_parties(cartwright_core::party::PartyKind::Customer, &q)
                .await
                .unwrap()
                .items
                .len(),
            "vendors" => tx
                .list_parties(cartwright_core::party::PartyKind::Vendor, &q)
                .await
                .unwrap()
                .items
                .len(),
            "sites" => tx.list_sites(&q).await.unwrap().items.len(),
            "price_lists" => tx.list_price_lists(&q).await.unwrap().items.len(),
            "rates" => usize::try_from(tx.count_rates().await.unwrap()).unwrap(),
            "audit" => {
                let mut n = 0;
                let mut q = cartwright_store::AuditQuery {
                    page: ListQuery {
                        limit: 500,
                        ..ListQuery::default()
                    },
                    ..Default::default()
                };
                loop {
                    let p = tx.list_audit(&q).await.unwrap();
                    n += p.items.len();
                    match p.next_cursor {
                        Some(c) => q.page.after = c.parse().unwrap(),
                        None => break n,
                    }
                }
            }
            other => panic!("no count for {other}"),
        }
    }

    /// A price list in `currency`, created as the admin; returns its code.
    pub async fn price_list(&self, code: &str, currency: &str) -> String {
        self.create(
            "/api/v1/price-lists",
            json!({"code": code, "name": code, "currency": currency}),
        )
        .await;
        code.to_owned()
    }
}

/// A log sink for `tracing_subscriber` that tests read back.
#[derive(Clone, Default)]
pub struct LogBuf(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuf {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}
