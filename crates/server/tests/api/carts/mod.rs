//! Cart Connect end to end: the API, the sync engine and the PrestaShop connector against
//! the PrestaShop emulator (a separate HTTP server), on SQLite and PostgreSQL.

mod credentials;
mod exactly_once;
mod failures;
mod matching;
mod smtp;
mod stock;
mod tabs;
mod toggles;
mod walkthrough;

use axum::http::{Method, StatusCode};
use cartwright_cart_emulators::{FULL_KEY, Options, PrestaShop};
use cartwright_store::Backend;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The documents fixture (USD base, EUR at 1.10, sites MAIN and EAST, VAT20, items WIDGET,
/// GADGET, FITTING) plus a default item MISC, and a PrestaShop emulator with its standard seed.
pub(crate) async fn fixture(b: Backend) -> (TestApp, PrestaShop) {
    let t = crate::documents::fixture(b).await;
    t.create(
        "/api/v1/items",
        json!({"code": "MISC", "item_type": "non_stock", "description": "Unknown cart product"}),
    )
    .await;
    let c = t.get("/api/v1/company").await.body;
    let set = t
        .json(
            Method::PUT,
            "/api/v1/company",
            json!({"name": c["name"], "base_currency": "USD", "default_item": "MISC", "version": c["version"]}),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let shop = PrestaShop::start(Options::default()).await.unwrap();
    (t, shop)
}

/// Creates a PrestaShop cart on the emulator; `extra` overrides fields.
pub(crate) async fn cart(t: &TestApp, shop: &PrestaShop, extra: Value) -> Value {
    let mut body = json!({
        "type": "prestashop",
        "name": "PrestaShop",
        "url": shop.url(),
        "password": FULL_KEY,
        "sites": ["MAIN"],
        "from_cart": {"last_order_from": "2026-10-31T00:00:00Z", "last_update_time": "2026-10-31T00:00:00Z"},
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    t.create("/api/v1/carts", body).await
}

/// POSTs to a cart action as the admin and returns the answer body (asserting 200).
pub(crate) async fn act(t: &TestApp, cart: &Value, action: &str, body: Value) -> Value {
    let a = t
        .json(
            Method::POST,
            &format!("/api/v1/carts/{}/{action}", cart["id"]),
            body,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.text);
    a.body
}

/// Tests the connection (asserting it passes) and returns the cart's id.
pub(crate) async fn tested(t: &TestApp, cart: &Value) -> i64 {
    let r = act(t, cart, "test", json!({})).await;
    assert_eq!(
        r["message"], "TEST PASSED: SUCCESSFULLY CONNECTED TO CART!",
        "{r}"
    );
    cart["id"].as_i64().unwrap()
}

/// Runs once ("Run now") and returns the run.
pub(crate) async fn run(t: &TestApp, cart: &Value) -> Value {
    act(t, cart, "sync/run", json!({})).await
}

/// The Orders tab.
pub(crate) async fn orders(t: &TestApp, cart: &Value) -> Vec<Value> {
    let a = t.get(&format!("/api/v1/carts/{}/orders", cart["id"])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body.as_array().unwrap().clone()
}

/// Imported cart order ids, sorted, with duplicates kept (so a double import shows).
pub(crate) async fn imported_ids(t: &TestApp, cart: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = orders(t, cart)
        .await
        .iter()
        .map(|o| o["remote_id"].as_str().unwrap().parse().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// Cart-order documents stored in the database, counted straight from the documents list.
pub(crate) async fn document(t: &TestApp, id: &Value) -> Value {
    let a = t.get(&format!("/api/v1/documents/{id}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}
