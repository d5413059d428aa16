//! Import Orders As and each FROM CART / TO CART toggle change behaviour as the seed says.

use axum::http::{Method, StatusCode};
use cartwright_cart_emulators::{NewOrder, NewOrderRow};
use cartwright_store::Backend;
use serde_json::{Value, json};

use super::{act, cart, document, fixture, orders, run, tested};
use crate::helpers::TestApp;

crate::on_both_backends!(
    import_orders_as_picks_cash_sale_sales_order_or_sales_invoice,
    from_cart_customer_and_item_updates_apply_only_when_enabled,
    to_cart_stock_item_and_customer_updates_are_sent_only_when_enabled,
);

/// Changes some settings of a cart (a PUT with the current version).
async fn set(t: &TestApp, c: &Value, change: Value) -> Value {
    let cur = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    let mut body = json!({"name": cur["name"], "url": cur["url"], "version": cur["version"]});
    for (k, v) in change.as_object().unwrap() {
        body[k] = v.clone();
    }
    let a = t
        .json(Method::PUT, &format!("/api/v1/carts/{}", c["id"]), body)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

async fn import_orders_as_picks_cash_sale_sales_order_or_sales_invoice(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({"from_cart": {"import_orders_as": "cash_sale", "last_order_from": "2026-10-31T00:00:00Z"}})).await;
    assert_eq!(c["from_cart"]["import_orders_as"], "cash_sale");
    tested(&t, &c).await;
    run(&t, &c).await;
    for o in orders(&t, &c).await {
        assert_eq!(o["document_type"], "cash_sale", "{o}");
        assert_eq!(o["document_status"], "PENDING");
    }
    for (kind, n) in [("sales_invoice", 1), ("sales_order", 2)] {
        set(&t, &c, json!({"from_cart": {"import_orders_as": kind}})).await;
        shop.advance(60);
        shop.add_order(NewOrder {
            rows: vec![NewOrderRow {
                product_id: 2,
                quantity: 1,
                unit_price_tax_excl: "11.9".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        run(&t, &c).await;
        let tab = orders(&t, &c).await;
        assert_eq!(tab[0]["document_type"], kind, "newest first: {n}");
        // A PENDING document posts nothing until it is saved.
        let d = document(&t, &tab[0]["document_id"]).await;
        assert_eq!(d["status"], "PENDING");
        let entries = t
            .get(&format!("/api/v1/documents/{}/entries", d["id"]))
            .await
            .body;
        assert_eq!(entries, json!([]));
    }
}

async fn from_cart_customer_and_item_updates_apply_only_when_enabled(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    act(
        &t,
        &c,
        "remote/items/link",
        json!([{"remote_id": "3", "local": "WIDGET"}]),
    )
    .await;
    run(&t, &c).await;
    let john = || async { t.get("/api/v1/customers?q=john.doe").await.body["items"][0].clone() };
    let widget = || async { t.get("/api/v1/items?q=WIDGET").await.body["items"][0].clone() };
    assert_eq!(john().await["name"], "John Doe");
    shop.advance(60);
    shop.set_customer_name(1, "Johnny", "Doe");
    shop.set_product_name(3, "Big poster");
    // Both off: nothing changes here.
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["customers_updated"], 0);
    assert_eq!(john().await["name"], "John Doe");
    assert_ne!(widget().await["description"], "Big poster");
    // Customer updates on: the customer follows the cart, the item does not.
    set(
        &t,
        &c,
        json!({"from_cart": {"enable_customer_updates": true}}),
    )
    .await;
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["customers_updated"], 1, "{r}");
    assert_eq!(john().await["name"], "Johnny Doe");
    assert_ne!(widget().await["description"], "Big poster");
    // Item updates on too: the item follows.
    set(&t, &c, json!({"from_cart": {"enable_item_updates": true}})).await;
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["items_updated"], 1, "{r}");
    assert_eq!(widget().await["description"], "Big poster");
    // Last update time moved to the newest change seen (shop time, in UTC).
    let cur = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    assert_eq!(
        cur["from_cart"]["last_update_time"], "2026-11-02T09:01:00Z",
        "{cur}"
    );
}

async fn to_cart_stock_item_and_customer_updates_are_sent_only_when_enabled(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    act(
        &t,
        &c,
        "remote/items/link",
        json!([{"remote_id": "3", "local": "WIDGET"}]),
    )
    .await;
    run(&t, &c).await;
    let r = crate::documents::doc(
        &t,
        json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-11-01", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "9", "unit_price": "2"}]}),
    )
    .await;
    crate::documents::save(&t, &r).await;
    let w = t.get("/api/v1/items?q=WIDGET").await.body["items"][0].clone();
    let changed = t
        .json(Method::PUT, &format!("/api/v1/items/{}", w["id"]), json!({"code": "WIDGET", "item_type": "stock", "description": "Widget deluxe", "version": w["version"]}))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let john = t.get("/api/v1/customers?q=john.doe").await.body["items"][0].clone();
    let renamed = t
        .json(Method::PUT, &format!("/api/v1/customers/{}", john["id"]), json!({"code": john["code"], "name": "Jonathan Doe", "email": john["email"], "currency": "EUR", "version": john["version"]}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    // All TO CART toggles off: nothing is sent.
    let puts = |m: &str, p: &str| shop.count_requests(m, p);
    run(&t, &c).await;
    assert_eq!(puts("PUT", "/api/stock_availables"), 0);
    assert_eq!(puts("PATCH", "/api/products"), 0);
    assert_eq!(puts("PATCH", "/api/customers"), 0);
    assert_eq!(shop.stock(3, 0), 5, "the cart keeps its own figure");
    // Real-time stock on: switching it on sends every sold item's figure (9 − 1 PENDING).
    set(
        &t,
        &c,
        json!({"to_cart": {"enable_real_time_stock_updates": true}}),
    )
    .await;
    tested(&t, &c).await;
    run(&t, &c).await;
    assert_eq!(shop.stock(3, 0), 8);
    assert_eq!(puts("PATCH", "/api/products"), 0, "item updates still off");
    // Item and customer updates on: the next changes are sent.
    set(
        &t,
        &c,
        json!({"to_cart": {"enable_item_updates": true, "enable_customer_updates": true}}),
    )
    .await;
    tested(&t, &c).await;
    let w = t.get("/api/v1/items?q=WIDGET").await.body["items"][0].clone();
    t.json(Method::PUT, &format!("/api/v1/items/{}", w["id"]), json!({"code": "WIDGET", "item_type": "stock", "description": "Widget supreme", "version": w["version"]}))
        .await;
    let john = t.get("/api/v1/customers?q=john.doe").await.body["items"][0].clone();
    t.json(Method::PUT, &format!("/api/v1/customers/{}", john["id"]), json!({"code": john["code"], "name": "Jon Doe", "email": john["email"], "currency": "EUR", "version": john["version"]}))
        .await;
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["record_pushes"], 2, "{r}");
    let items = t
        .get(&format!("/api/v1/carts/{}/remote/items?limit=20", c["id"]))
        .await
        .body;
    let poster = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["remote_id"] == "3")
        .unwrap()
        .clone();
    assert_eq!(poster["name"], "Widget supreme", "{poster}");
    assert_eq!(poster["linked_item"], "WIDGET");
    let customers = t
        .get(&format!("/api/v1/carts/{}/remote/customers", c["id"]))
        .await
        .body;
    let c1 = customers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["remote_id"] == "1")
        .unwrap()
        .clone();
    assert_eq!(c1["name"], "Jon Doe", "{c1}");
}
