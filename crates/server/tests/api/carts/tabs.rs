//! The by-hand tabs: Orders (Cart), Customers (Cart) and Items (Cart) with import and link,
//! and Customers with export.

use cartwright_store::Backend;
use serde_json::json;

use super::{act, cart, fixture, imported_ids, tested};

crate::on_both_backends!(
    orders_cart_tab_pages_the_cart_and_imports_selected_orders_once,
    customers_are_imported_linked_and_exported_by_hand,
    item_imports_report_each_bad_row_and_go_on_with_the_rest,
);

async fn orders_cart_tab_pages_the_cart_and_imports_selected_orders_once(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let p1 = t
        .get(&format!("/api/v1/carts/{}/remote/orders?limit=2", c["id"]))
        .await
        .body;
    let ids: Vec<&str> = p1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["remote_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["4", "3"], "newest first");
    assert_eq!(p1["items"][1]["currency"], "USD");
    assert_eq!(p1["items"][1]["total"], "49.33");
    let next = p1["next"].as_str().unwrap();
    let p2 = t
        .get(&format!(
            "/api/v1/carts/{}/remote/orders?limit=2&cursor={next}",
            c["id"]
        ))
        .await
        .body;
    let ids: Vec<&str> = p2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["remote_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2", "1"]);
    let r = act(
        &t,
        &c,
        "remote/orders/import",
        json!({"remote_ids": ["2", "999"]}),
    )
    .await;
    assert_eq!(r["counts"]["orders_created"], 1, "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("order 999 does not exist"),
        "{r}"
    );
    let again = act(&t, &c, "remote/orders/import", json!({"remote_ids": ["2"]})).await;
    assert_eq!(again["counts"]["orders_skipped"], 1, "{again}");
    assert_eq!(imported_ids(&t, &c).await, vec![2]);
    let p2 = t
        .get(&format!(
            "/api/v1/carts/{}/remote/orders?limit=2&cursor={next}",
            c["id"]
        ))
        .await
        .body;
    assert!(
        p2["items"][0]["document_id"].is_i64(),
        "the tab shows the imported document: {p2}"
    );
}

async fn customers_are_imported_linked_and_exported_by_hand(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let list = t
        .get(&format!("/api/v1/carts/{}/remote/customers", c["id"]))
        .await
        .body;
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
    assert_eq!(list["items"][1]["is_guest"], true);
    let r = act(
        &t,
        &c,
        "remote/customers/import",
        json!([{"remote_id": "1", "code": "JOHN"}]),
    )
    .await;
    assert_eq!(r["counts"]["customers_created"], 1, "{r}");
    let john = t.get("/api/v1/customers?q=JOHN").await.body["items"][0].clone();
    assert_eq!(john["email"], "john.doe@example.com");
    let r = act(
        &t,
        &c,
        "remote/customers/link",
        json!([{"remote_id": "4", "local": "C-EU"}, {"remote_id": "2", "local": "NOBODY"}]),
    )
    .await;
    assert_eq!(r["counts"]["customers_linked"], 1, "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown customer 'NOBODY'"),
        "{r}"
    );
    let list = t
        .get(&format!("/api/v1/carts/{}/remote/customers", c["id"]))
        .await
        .body;
    let linked: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| !x["linked_customer"].is_null())
        .map(|x| {
            (
                x["remote_id"].as_str().unwrap().to_owned(),
                x["linked_customer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        linked,
        [
            ("1".to_owned(), "JOHN".to_owned()),
            ("4".to_owned(), "C-EU".to_owned())
        ]
    );
    // Export: a customer without e-mail is refused by name; one with an e-mail is created and linked.
    t.create(
        "/api/v1/customers",
        json!({"code": "NEWCO", "name": "New Co", "email": "buyer@newco.example"}),
    )
    .await;
    let r = act(
        &t,
        &c,
        "customers/export",
        json!([{"customer": "C-US"}, {"customer": "NEWCO"}]),
    )
    .await;
    assert_eq!(r["counts"]["customers_created"], 1, "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("C-US has no e-mail"),
        "{r}"
    );
    let remote = shop
        .customer_id_by_email("buyer@newco.example")
        .expect("created in the cart");
    let tab = t
        .get(&format!("/api/v1/carts/{}/customers", c["id"]))
        .await
        .body;
    let newco = tab
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["customer"] == "NEWCO")
        .unwrap();
    assert_eq!(newco["remote_ids"], json!([remote.to_string()]));
}

async fn item_imports_report_each_bad_row_and_go_on_with_the_rest(b: Backend) {
    let (t, shop) = fixture(b).await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let r = act(
        &t,
        &c,
        "remote/items/import",
        json!([
            {"remote_id": "1-1", "item_code": "TEE-S", "cost": "10", "stock_level": "10"},
            {"remote_id": "77"},
            {"remote_id": "2", "item_code": "WIDGET"},
            {"remote_id": "4", "stock_level": "-3"},
        ]),
    )
    .await;
    let text = r["errors"].to_string();
    assert!(text.contains("cart item 77 does not exist"), "{text}");
    assert!(
        text.contains("an item with code 'WIDGET' already exists"),
        "{text}"
    );
    assert!(
        text.contains("stock_level") && text.contains("must not be negative"),
        "{text}"
    );
    let tee = t.get("/api/v1/items?q=TEE-S").await.body["items"][0].clone();
    assert_eq!(tee["description"], "Hummingbird printed t-shirt (demo_1-S)");
    let stock = t.get("/api/v1/stock?item=TEE-S").await.body;
    assert_eq!(stock[0]["on_hand"], "10", "{stock}");
    let _ = shop;
}
