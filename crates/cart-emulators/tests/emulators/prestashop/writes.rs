use super::{error_code, get, send, shop};

fn stock_xml(id: i64, product: i64, attribute: i64, quantity: i64, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<prestashop xmlns:xlink=\"http://www.w3.org/1999/xlink\"><stock_available><id>{id}</id><id_product>{product}</id_product><id_product_attribute>{attribute}</id_product_attribute><id_shop>1</id_shop><id_shop_group>0</id_shop_group><quantity>{quantity}</quantity>{extra}</stock_available></prestashop>"
    )
}

#[tokio::test]
async fn put_stock_available_changes_stock_and_product_sum() {
    let ps = shop().await;
    let body = stock_xml(
        3,
        1,
        2,
        4,
        "<depends_on_stock>0</depends_on_stock><out_of_stock>2</out_of_stock>",
    );
    let r = send(&ps, "PUT", "/api/stock_availables/3", &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("<quantity><![CDATA[4]]></quantity>"));
    assert_eq!(ps.stock(1, 2), 4);
    assert_eq!(
        ps.stock(1, 0),
        34,
        "product row is the sum of its combinations"
    );
}

#[tokio::test]
async fn put_requires_required_fields_and_nulls_optional_ones() {
    let ps = shop().await;
    let missing = stock_xml(6, 2, 0, 9, "<depends_on_stock>0</depends_on_stock>");
    let r = send(&ps, "PUT", "/api/stock_availables/6", &missing).await;
    assert_eq!((r.status, error_code(&r)), (400, 41));
    assert_eq!(ps.stock(2, 0), 30);

    ps.advance(60);
    let product = "<prestashop><product><id>2</id><price>12.5</price><name><language id=\"1\">Mug</language></name></product></prestashop>";
    let r = send(&ps, "PUT", "/api/products/2?output_format=JSON", product).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let p = get(
        &ps,
        "/api/products?output_format=JSON&display=full&filter[id]=[2]",
    )
    .await
    .json();
    let p = &p["products"][0];
    assert_eq!(p["price"], "12.500000");
    assert_eq!(p["reference"], "", "PUT nulls what it leaves out");
    assert_eq!(p["active"], "0");
    assert_eq!(p["date_upd"], "2026-11-02 10:01:00");
    assert_eq!(
        p["date_add"], "2026-11-02 10:01:00",
        "PUT without date_add resets it"
    );
}

#[tokio::test]
async fn patch_changes_only_sent_fields() {
    let ps = shop().await;
    let body = "<prestashop><stock_available><id>6</id><quantity>12</quantity></stock_available></prestashop>";
    let r = send(
        &ps,
        "PATCH",
        "/api/stock_availables/6?output_format=JSON",
        body,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["stock_available"]["out_of_stock"], "2");
    assert_eq!(ps.stock(2, 0), 12);
}

#[tokio::test]
async fn write_errors_have_prestashop_codes() {
    let ps = shop().await;
    let no_id =
        "<prestashop><stock_available><quantity>1</quantity></stock_available></prestashop>";
    let r = send(&ps, "PATCH", "/api/stock_availables/6", no_id).await;
    assert_eq!((r.status, error_code(&r)), (400, 90));
    let unknown = "<prestashop><stock_available><id>999</id><quantity>1</quantity></stock_available></prestashop>";
    let r = send(&ps, "PATCH", "/api/stock_availables/999", unknown).await;
    assert_eq!((r.status, error_code(&r)), (404, 92));
    let r = send(
        &ps,
        "PUT",
        "/api/stock_availables/6",
        "<prestashop><stock_available>",
    )
    .await;
    assert_eq!((r.status, error_code(&r)), (500, 127));
    let quantity = "<prestashop><product><id>2</id><quantity>5</quantity></product></prestashop>";
    let r = send(&ps, "PATCH", "/api/products/2", quantity).await;
    assert_eq!((r.status, error_code(&r)), (400, 93));
    let bad = "<prestashop><stock_available><id>6</id><quantity>lots</quantity></stock_available></prestashop>";
    let r = send(&ps, "PATCH", "/api/stock_availables/6", bad).await;
    assert_eq!((r.status, error_code(&r)), (400, 85));
    let form = format!(
        "xml={}",
        "<prestashop><stock_available><id>6</id><quantity>7</quantity></stock_available></prestashop>"
    );
    assert_eq!(
        send(&ps, "PATCH", "/api/stock_availables/6", &form)
            .await
            .status,
        200
    );
    assert_eq!(ps.stock(2, 0), 7);
    let overridden = "<prestashop><stock_available><id>6</id><quantity>8</quantity></stock_available></prestashop>";
    assert_eq!(
        send(
            &ps,
            "POST",
            "/api/stock_availables/6?ps_method=PATCH",
            overridden
        )
        .await
        .status,
        200
    );
    assert_eq!(ps.stock(2, 0), 8);
}

#[tokio::test]
async fn post_product_creates_it_with_an_empty_stock_row() {
    let ps = shop().await;
    let body = "<prestashop><product><reference>NEW-1</reference><price>9.99</price><active>1</active><name><language id=\"1\">New thing</language></name></product></prestashop>";
    let r = send(&ps, "POST", "/api/products?output_format=JSON", body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["product"]["id"], 6);
    assert_eq!(ps.product_id_by_reference("NEW-1"), Some(6));
    assert_eq!(ps.stock(6, 0), 0);
    let sa = get(
        &ps,
        "/api/stock_availables?output_format=JSON&display=full&filter[id_product]=[6]",
    )
    .await
    .json();
    assert_eq!(sa["stock_availables"].as_array().unwrap().len(), 1);
    let with_id = "<prestashop><product><id>7</id><price>1</price></product></prestashop>";
    let r = send(&ps, "POST", "/api/products", with_id).await;
    assert_eq!((r.status, error_code(&r)), (400, 91));
}

#[tokio::test]
async fn post_customer_refuses_duplicate_registered_email() {
    let ps = shop().await;
    let xml = |email: &str, guest: u8| {
        format!(
            "<prestashop><customer><passwd>secret123</passwd><lastname>Doe</lastname><firstname>Jo</firstname><email>{email}</email><is_guest>{guest}</is_guest></customer></prestashop>"
        )
    };
    let r = send(
        &ps,
        "POST",
        "/api/customers",
        &xml("john.doe@example.com", 0),
    )
    .await;
    assert_eq!((r.status, error_code(&r)), (500, 140));
    let r = send(
        &ps,
        "POST",
        "/api/customers?output_format=JSON",
        &xml("john.doe@example.com", 1),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let created = r.json();
    assert!(
        created["customer"]["passwd"]
            .as_str()
            .unwrap()
            .starts_with("$2y$")
    );
}

#[tokio::test]
async fn post_order_history_changes_the_order_state() {
    let ps = shop().await;
    ps.advance(120);
    let body = "<prestashop><order_history><id_order>2</id_order><id_order_state>2</id_order_state></order_history></prestashop>";
    let r = send(&ps, "POST", "/api/order_histories", body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let o = get(&ps, "/api/orders/2?output_format=JSON").await.json();
    assert_eq!(o["order"]["current_state"], "2");
    assert_eq!(o["order"]["date_upd"], "2026-11-02 10:02:00");
}

#[tokio::test]
async fn add_order_computes_totals_and_takes_stock() {
    let ps = shop().await;
    let order = ps.add_order(cartwright_cart_emulators::NewOrder {
        id_customer: 4,
        rows: vec![cartwright_cart_emulators::NewOrderRow {
            product_id: 1,
            product_attribute_id: 4,
            quantity: 2,
            unit_price_tax_excl: "24.900000".to_owned(),
            ..Default::default()
        }],
        shipping_tax_excl: "7.00".to_owned(),
        ..Default::default()
    });
    assert_eq!(order, 5);
    assert_eq!((ps.stock(1, 4), ps.stock(1, 0)), (8, 38));
    let o = get(&ps, "/api/orders/5?output_format=JSON").await.json();
    assert_eq!(o["order"]["total_products_wt"], "59.760000");
    assert_eq!(o["order"]["total_paid_tax_incl"], "68.160000");
    assert_eq!(
        o["order"]["associations"]["order_rows"][0]["product_reference"],
        "demo_1-XL"
    );
}
