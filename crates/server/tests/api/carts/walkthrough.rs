//! The seed's newcomer walk-through, through the API, against the PrestaShop emulator.

use axum::http::{Method, StatusCode};
use cartwright_cart_emulators::{FULL_KEY, NewOrder, NewOrderRow};
use cartwright_store::Backend;
use serde_json::json;

use super::{act, cart, document, fixture, imported_ids, orders, run};

crate::on_both_backends!(newcomer_walk_through_from_test_connection_to_pending_orders);

async fn newcomer_walk_through_from_test_connection_to_pending_orders(b: Backend) {
    let (t, shop) = fixture(b).await;
    // STEP 1: the Actions drop-down offers the PrestaShop cart; create one.
    let types = t.get("/api/v1/carts/types").await.body;
    assert_eq!(types[0]["type"], "prestashop");
    assert_eq!(types[0]["label"], "New PrestaShop Cart");
    let c = cart(
        &t,
        &shop,
        // No dates yet: Last Order from starts at "now" until STEP 2 sets it.
        json!({"from_cart": {}, "to_cart": {"enable_real_time_stock_updates": true}}),
    )
    .await;
    assert_eq!(c["from_cart"]["status"], "STOPPED");
    assert_eq!(c["password_set"], true);
    assert!(
        !c.to_string().contains(FULL_KEY),
        "the key is never returned"
    );
    // Auto-sync cannot start before Test Connection passes.
    let early = t
        .json(
            Method::POST,
            &format!("/api/v1/carts/{}/sync/start", c["id"]),
            json!({}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    assert!(
        early.message().contains("Test Connection"),
        "{}",
        early.text
    );
    let test = act(&t, &c, "test", json!({})).await;
    assert_eq!(test["passed"], true);
    assert_eq!(
        test["message"],
        "TEST PASSED: SUCCESSFULLY CONNECTED TO CART!"
    );
    let after_test = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    assert_eq!(after_test["connection"]["tested"], true);
    assert_eq!(after_test["connection"]["shop_timezone"], "Europe/Paris");

    // STEP 3: the cart's items, each combination its own row.
    let remote = t
        .get(&format!("/api/v1/carts/{}/remote/items?limit=50", c["id"]))
        .await;
    assert_eq!(remote.status, StatusCode::OK, "{}", remote.text);
    let skus: Vec<&str> = remote.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect();
    for s in [
        "demo_1-S",
        "demo_1-M",
        "demo_1-L",
        "demo_1-XL",
        "demo_2",
        "demo_3",
        "demo_4",
    ] {
        assert!(skus.contains(&s), "{s} in {skus:?}");
    }
    let xl = remote.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sku"] == "demo_1-XL")
        .unwrap();
    assert_eq!(
        xl["price"], "24.9",
        "product price plus the combination's impact"
    );
    // Create one item with Item Code, Cost and stock level; link another to an existing item.
    let created = act(
        &t,
        &c,
        "remote/items/import",
        json!([{"remote_id": "2", "item_code": "MUG", "cost": "4.50", "stock_level": "30"}]),
    )
    .await;
    assert_eq!(created["counts"]["items_created"], 1, "{created}");
    let mug = t.get("/api/v1/items?q=MUG").await.body["items"][0].clone();
    assert_eq!(mug["description"], "Mug The best is yet to come");
    assert_eq!(mug["standard_cost"], "4.5");
    let levels = t.get("/api/v1/stock?item=MUG").await;
    assert_eq!(levels.body[0]["on_hand"], "30", "{}", levels.text);
    let linked = act(
        &t,
        &c,
        "remote/items/link",
        json!([{"remote_id": "3", "local": "WIDGET"}]),
    )
    .await;
    assert_eq!(linked["counts"]["items_linked"], 1);
    // Export another item with its free stock.
    let exported = act(
        &t,
        &c,
        "items/export",
        json!([{"item": "GADGET", "free_stock": 7}]),
    )
    .await;
    assert_eq!(exported["counts"]["items_created"], 1, "{exported}");
    let gadget = shop
        .product_id_by_reference("GADGET")
        .expect("GADGET is a product in the cart");
    assert_eq!(shop.stock(gadget, 0), 7);
    let tab = t
        .get(&format!("/api/v1/carts/{}/items", c["id"]))
        .await
        .body;
    let sold: Vec<&str> = tab
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["sold"] == true)
        .map(|r| r["item"].as_str().unwrap())
        .collect();
    assert_eq!(
        sold.len(),
        3,
        "MUG, WIDGET and GADGET are sold by the cart: {sold:?}"
    );

    // STEP 2: dates and options, saved; the passed test still holds (same address, key
    // and permissions).
    let cur = t.get(&format!("/api/v1/carts/{}", c["id"])).await.body;
    let set = t
        .json(
            Method::PUT,
            &format!("/api/v1/carts/{}", c["id"]),
            json!({"name": cur["name"], "url": cur["url"], "version": cur["version"], "safety_buffer": "0",
                   "from_cart": {"import_orders_as": "sales_order", "last_order_from": "2026-10-31 00:00:00",
                                 "last_update_time": "2026-10-31", "enable_customer_updates": true}}),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(
        set.body["from_cart"]["last_order_from"],
        "2026-10-31T00:00:00Z"
    );
    assert_eq!(set.body["from_cart"]["enable_customer_updates"], true);
    assert_eq!(set.body["connection"]["tested"], true);
    // STEP 4: start.
    let started = act(&t, &c, "sync/start", json!({})).await;
    assert_eq!(started["from_cart"]["status"], "RUNNING");
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["orders_read"], 4, "{r}");
    assert_eq!(r["counts"]["orders_created"], 4, "{r}");
    assert_eq!(r["counts"]["totals_differ"], 0, "{r}");
    assert_eq!(r["outcome"], "ok", "{r}");
    let tab = orders(&t, &c).await;
    assert_eq!(tab.len(), 4);
    for o in &tab {
        assert_eq!(o["document_status"], "PENDING");
        assert_eq!(o["document_type"], "sales_order");
        assert_eq!(o["totals_differ"], false, "{o}");
    }
    let by = |id: &str| tab.iter().find(|o| o["remote_id"] == id).unwrap().clone();

    // Order 1: John (EUR), mug ×2 (linked by the import), t-shirt M (unknown: default item), shipping.
    let d1 = document(&t, &by("1")["document_id"]).await;
    assert_eq!(d1["status"], "PENDING");
    assert_eq!(d1["currency"], "EUR");
    assert_eq!(d1["total"], "65.64", "the cart's total to the cent: {d1}");
    let lines = d1["lines"].as_array().unwrap();
    assert_eq!(lines[0]["item"], "MUG");
    assert_eq!(lines[0]["quantity"], "2");
    assert_eq!(
        d1["prices_include_tax"], true,
        "the cart's prices with tax add up to its total"
    );
    assert_eq!(lines[0]["unit_price"], "14.28");
    assert_eq!(lines[0]["tax_code"], "VAT20");
    assert_eq!(lines[1]["item"], "MISC");
    assert!(
        lines[1]["description"]
            .as_str()
            .unwrap()
            .contains("demo_1-M"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[1]["unit_price"], "28.68");
    assert_eq!(lines[2]["item"], "CART-SHIPPING");
    assert_eq!(lines[2]["unit_price"], "8.4");
    let john = t
        .get(&format!("/api/v1/customers?q={}", "john.doe"))
        .await
        .body["items"][0]
        .clone();
    assert_eq!(john["code"], d1["party"]);
    assert_eq!(john["name"], "John Doe");
    assert_eq!(john["currency"], "EUR");

    // Order 3: Pierre pays in USD with a coupon: a discount line, total 49.33.
    let d3 = document(&t, &by("3")["document_id"]).await;
    assert_eq!(d3["currency"], "USD");
    assert_eq!(d3["total"], "49.33", "{d3}");
    let l3 = d3["lines"].as_array().unwrap();
    assert_eq!(l3.last().unwrap()["item"], "CART-DISCOUNT");
    assert_eq!(l3.last().unwrap()["unit_price"], "-6");
    assert_eq!(d3["tax"], "8.22");
    // Order 2: a guest buyer gets a customer; the poster is the linked WIDGET.
    let d2 = document(&t, &by("2")["document_id"]).await;
    assert_eq!(d2["lines"][0]["item"], "WIDGET");
    assert_eq!(d2["total"], "40.80");
    // Order 4: a deleted product lands on the default item with the cart's SKU, name and price.
    let d4 = document(&t, &by("4")["document_id"]).await;
    assert_eq!(d4["lines"][0]["item"], "MISC");
    assert!(
        d4["lines"][0]["description"]
            .as_str()
            .unwrap()
            .contains("demo_5 Discontinued tote bag")
    );
    assert_eq!(d4["lines"][0]["unit_price"], "18");
    assert_eq!(d4["total"], "22.80");
    assert_eq!(d4["party"], d1["party"], "the same buyer is one customer");

    // The mug's PENDING cart orders (2 + 3) hold stock back, and the cart was told.
    let a = t
        .get(&format!("/api/v1/carts/{}/available/MUG", c["id"]))
        .await
        .body;
    assert_eq!(a["available"], 25, "{a}");
    assert_eq!(
        shop.stock(2, 0),
        25,
        "the run pushed the mug's available-to-sell"
    );

    // A new order in the cart arrives on the next run, once.
    shop.advance(60);
    let new_id = shop.add_order(NewOrder {
        id_customer: 4,
        currency_iso: "USD".into(),
        rows: vec![NewOrderRow {
            product_id: 2,
            quantity: 1,
            unit_price_tax_excl: "12.85".into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let r2 = run(&t, &c).await;
    assert_eq!(r2["counts"]["orders_created"], 1, "{r2}");
    assert_eq!(imported_ids(&t, &c).await, vec![1, 2, 3, 4, new_id]);
}
