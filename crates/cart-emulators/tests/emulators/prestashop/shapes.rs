use cartwright_cart_emulators::{Options, PrestaShop, Seed};

use super::{get, ids, shop};
use crate::client;

#[tokio::test]
async fn xml_list_without_display_has_id_links() {
    let ps = shop().await;
    let xml = get(&ps, "/api/orders").await.text();
    let base = ps.url();
    assert!(xml.contains("<prestashop xmlns:xlink=\"http://www.w3.org/1999/xlink\">"));
    assert!(xml.contains(&format!(
        "<order id=\"1\" xlink:href=\"{base}/api/orders/1\"/>"
    )));
    assert!(xml.contains(&format!(
        "<order id=\"4\" xlink:href=\"{base}/api/orders/4\"/>"
    )));
}

#[tokio::test]
async fn xml_entity_has_cdata_links_languages_and_associations() {
    let ps = shop().await;
    let base = ps.url();
    let xml = get(&ps, "/api/orders/1").await.text();
    assert!(xml.contains(&format!(
        "<id_customer xlink:href=\"{base}/api/customers/1\"><![CDATA[1]]></id_customer>"
    )));
    assert!(xml.contains("<total_paid_tax_incl><![CDATA[65.640000]]></total_paid_tax_incl>"));
    assert!(xml.contains("<invoice_date><![CDATA[0000-00-00 00:00:00]]></invoice_date>"));
    assert!(xml.contains("<order_rows nodeType=\"order_row\" virtualEntity=\"true\">"));
    assert!(xml.contains(&format!(
        "<product_id xlink:href=\"{base}/api/products/2\"><![CDATA[2]]></product_id>"
    )));
    let product = get(&ps, "/api/products/1").await.text();
    assert!(product.contains(&format!(
        "<name><language id=\"1\" xlink:href=\"{base}/api/languages/1\"><![CDATA[Hummingbird printed t-shirt]]></language></name>"
    )));
    assert!(product.contains("<quantity notFilterable=\"true\"><![CDATA[0]]></quantity>"));
    assert!(product.contains("<combinations nodeType=\"combination\" api=\"combinations\">"));
    assert!(product.contains(&format!(
        "<combination xlink:href=\"{base}/api/combinations/2\">"
    )));
}

#[tokio::test]
async fn json_lists_and_single_objects_have_php_shapes() {
    let ps = shop().await;
    let r = get(&ps, "/api/orders?output_format=JSON").await;
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!({"orders":[{"id":1},{"id":2},{"id":3},{"id":4}]})
    );

    let full = get(
        &ps,
        "/api/orders?output_format=JSON&display=full&filter[id]=[3]",
    )
    .await
    .json();
    let o = &full["orders"][0];
    assert_eq!(o["id"], 3);
    assert_eq!(o["id_currency"], "2");
    assert_eq!(o["conversion_rate"], "1.080000");
    assert_eq!(o["total_paid_tax_incl"], "49.330000");
    assert_eq!(o["total_discounts_tax_incl"], "6.000000");
    assert_eq!(o["invoice_number"], "0", "lists keep falsy values");
    assert_eq!(
        o["associations"]["order_rows"][0]["product_reference"],
        "demo_2"
    );
    assert_eq!(o["associations"]["order_rows"][0]["product_quantity"], "3");

    let single = get(&ps, "/api/orders/3?output_format=JSON").await.json();
    assert_eq!(single["order"]["id"], 3);
    assert!(
        single["order"].get("invoice_number").is_none(),
        "single objects drop falsy values"
    );
    let with_display = get(
        &ps,
        "/api/orders/3?output_format=JSON&display=[id,reference]",
    )
    .await
    .json();
    assert_eq!(with_display["orders"][0].as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn empty_json_list_is_bare_array_unless_switched_off() {
    let ps = shop().await;
    let q = "/api/orders?output_format=JSON&filter[id]=[99]";
    assert_eq!(get(&ps, q).await.text(), "[]");
    assert_eq!(get(&ps, &format!("{q}&display=full")).await.text(), "[]");
    ps.set_empty_list_as_array(false);
    assert_eq!(get(&ps, q).await.json(), serde_json::json!({"orders": []}));
    let xml = get(&ps, "/api/orders?filter[id]=[99]").await.text();
    assert!(xml.contains("<orders>\n</orders>"));
}

#[tokio::test]
async fn unknown_single_id_is_404_with_empty_body() {
    let ps = shop().await;
    let r = get(&ps, "/api/orders/999").await;
    assert_eq!(r.status, 404);
    assert!(r.body.is_empty());
    assert!(r.header("Content-Type").is_none());
    let deleted = get(&ps, "/api/products/5").await;
    assert_eq!(deleted.status, 404);
    assert!(deleted.body.is_empty());
}

#[tokio::test]
async fn other_paths_are_a_plain_html_404() {
    let ps = shop().await;
    let r = client::send(&ps.url(), "GET", "/index.php", &[], b"").await;
    assert_eq!(r.status, 404);
    assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    assert!(r.header("X-Powered-By").is_none());
}

#[tokio::test]
async fn dispatcher_url_and_head_work() {
    let ps = shop().await;
    let r = get(
        &ps,
        "/webservice/dispatcher.php?url=orders/2&output_format=JSON",
    )
    .await;
    assert_eq!(r.json()["order"]["id"], 2);
    let auth = client::basic(cartwright_cart_emulators::FULL_KEY);
    let head = client::send(
        &ps.url(),
        "HEAD",
        "/api/orders",
        &[("Authorization", &auth)],
        b"",
    )
    .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn dates_are_shop_local_and_follow_the_clock() {
    let ps = shop().await;
    assert_eq!(ps.now_local(), "2026-11-02 10:00:00");
    let o = get(
        &ps,
        "/api/orders?output_format=JSON&display=[id,date_add,date_upd]",
    )
    .await
    .json();
    let dates: Vec<&str> = o["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["date_upd"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2026-11-01 14:00:00",
            "2026-11-01 19:00:00",
            "2026-11-02 00:00:00",
            "2026-11-02 05:00:00"
        ]
    );

    ps.advance(3600);
    ps.set_order_state(2, 2);
    let single = get(&ps, "/api/orders/2?output_format=JSON").await.json();
    assert_eq!(single["order"]["date_upd"], "2026-11-02 11:00:00");
    assert_eq!(single["order"]["date_add"], "2026-11-01 19:00:00");
    assert_eq!(single["order"]["current_state"], "2");
    assert_eq!(single["order"]["total_paid_real"], "40.800000");
    let h = get(
        &ps,
        "/api/order_histories?output_format=JSON&display=full&filter[id_order]=[2]",
    )
    .await
    .json();
    let hist = h["order_histories"].as_array().unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[1]["id_order_state"], "2");
    assert_eq!(hist[1]["date_add"], "2026-11-02 11:00:00");
}

#[tokio::test]
async fn standard_seed_matches_its_documentation() {
    let ps = shop().await;
    assert_eq!(ps.order_ids(), [1, 2, 3, 4]);
    assert_eq!(ps.product_id_by_reference("demo_3"), Some(3));
    assert_eq!(ps.product_id_by_reference("demo_5"), None);
    assert_eq!(ps.combination_id_by_reference("demo_1-M"), Some((1, 2)));
    assert_eq!(ps.customer_id_by_email("pierre.martin@example.fr"), Some(4));
    assert_eq!(ps.customer_id_by_email("jane.guest@example.com"), Some(2));
    assert_eq!(
        (
            ps.stock(1, 0),
            ps.stock(1, 4),
            ps.stock(2, 0),
            ps.stock(4, 0)
        ),
        (40, 10, 30, 0)
    );
    let all = get(&ps, "/api/orders?output_format=JSON&display=full")
        .await
        .json();
    let totals: Vec<(&str, &str, &str)> = all["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["total_paid_tax_incl"].as_str().unwrap(),
                o["total_paid_tax_excl"].as_str().unwrap(),
                o["total_paid_real"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("65.640000", "54.700000", "65.640000"),
            ("40.800000", "34.000000", "0.000000"),
            ("49.330000", "41.110000", "49.330000"),
            ("22.800000", "19.000000", "22.800000"),
        ]
    );
    let tote = get(
        &ps,
        "/api/order_details?output_format=JSON&display=full&filter[id_order]=[4]",
    )
    .await
    .json();
    assert_eq!(tote["order_details"][0]["product_id"], "5");
    assert_eq!(
        tote["order_details"][0]["product_name"],
        "Discontinued tote bag"
    );
    let tz = get(
        &ps,
        "/api/configurations?output_format=JSON&display=[name,value]&filter[name]=[PS_TIMEZONE]",
    )
    .await
    .json();
    assert_eq!(tz["configurations"][0]["value"], "Europe/Paris");
}

#[tokio::test]
async fn demo_seed_and_trickle_make_orders() {
    let opts = Options {
        seed: Seed::Demo { products: 12 },
        ..Options::default()
    };
    let ps = PrestaShop::start(opts).await.expect("start");
    assert_eq!(ps.product_id_by_reference("SKU-0012"), Some(12));
    assert!(ps.combination_id_by_reference("SKU-0010-L").is_some());
    let products = get(&ps, "/api/products?output_format=JSON").await;
    assert_eq!(ids(&products, "products").len(), 12);
    let before = ps.order_ids().len();
    let clock_before = ps.now_local();
    ps.start_trickle(std::time::Duration::from_millis(20));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    ps.shutdown();
    assert!(ps.order_ids().len() > before);
    assert!(ps.now_local() > clock_before);
}

#[tokio::test]
async fn empty_seed_has_reference_data_only() {
    let opts = Options {
        seed: Seed::Empty,
        ..Options::default()
    };
    let ps = PrestaShop::start(opts).await.expect("start");
    assert_eq!(
        get(&ps, "/api/orders?output_format=JSON").await.text(),
        "[]"
    );
    let states = get(&ps, "/api/order_states?output_format=JSON").await;
    assert_eq!(ids(&states, "order_states"), [1, 2, 3, 4, 5, 6, 7, 8]);
    let cur = get(
        &ps,
        "/api/currencies?output_format=JSON&display=[iso_code]&filter[conversion_rate]=[1.08]",
    )
    .await
    .json();
    assert_eq!(cur["currencies"][0]["iso_code"], "USD");
}

#[tokio::test]
async fn unknown_time_zone_is_refused() {
    let opts = Options {
        timezone: "Mars/Olympus".to_owned(),
        ..Options::default()
    };
    assert!(PrestaShop::start(opts).await.is_err());
}
