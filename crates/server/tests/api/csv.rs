//! CSV import and export through the API: all rows or none, every bad row reported.

use std::fmt::Write as _;

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    ten_thousand_items_import_in_seconds,
    a_file_with_three_bad_rows_stores_nothing_and_reports_all_three,
    export_then_import_round_trips,
    customers_and_rates_import,
);

fn item_file(rows: usize) -> String {
    let mut s =
        String::from("code,description,item_type,unit,standard_cost,reorder_level,price:RETAIL\n");
    for i in 0..rows {
        let _ = writeln!(
            s,
            "BULK-{i:05},Bulk item {i},stock,each,{}.{:02},5,{}.99",
            i % 50,
            i % 100,
            i % 90 + 1
        );
    }
    s
}

async fn import(t: &TestApp, entity: &str, body: String) -> crate::helpers::Answer {
    t.send(
        Method::POST,
        &format!("/api/v1/{entity}/import"),
        Some(&t.admin),
        Some("text/csv"),
        body.into_bytes(),
    )
    .await
}

async fn ten_thousand_items_import_in_seconds(b: Backend) {
    let t = TestApp::spawn(b).await;
    t.price_list("RETAIL", "USD").await;
    let started = std::time::Instant::now();
    let a = import(&t, "items", item_file(10_000)).await;
    let took = started.elapsed();
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        &a.text[..a.text.len().min(500)]
    );
    assert_eq!(a.body, json!({"created": 10_000, "updated": 0}));
    println!(
        "imported 10,000 items on {b:?} in {:.2} s ({:.0} rows/s)",
        took.as_secs_f64(),
        10_000.0 / took.as_secs_f64()
    );
    assert_eq!(
        t.get("/api/v1/items?q=bulk-09999").await.body["items"][0]["prices"][0]["price"],
        "10.99"
    );
    // Importing the same file again updates every row instead of duplicating it.
    let again = import(&t, "items", item_file(10_000)).await;
    assert_eq!(again.body, json!({"created": 0, "updated": 10_000}));
}

async fn a_file_with_three_bad_rows_stores_nothing_and_reports_all_three(b: Backend) {
    let t = TestApp::spawn(b).await;
    t.price_list("RETAIL", "USD").await;
    let mut file = item_file(50);
    file = file.replace(
        "BULK-00009,Bulk item 9,stock,each,9.09,5,10.99",
        "BULK-00009,Bulk item 9,stock,each,9.09,5,-10.99",
    );
    file = file.replace(
        "BULK-00020,Bulk item 20,stock,",
        "BULK-00020,Bulk item 20,gizmo,",
    );
    file = file.replace(
        "BULK-00041,Bulk item 41,stock,each,41.41",
        "BULK-00041,Bulk item 41,stock,each,abc",
    );
    let before = (t.count("items").await, t.count("audit").await);
    let a = import(&t, "items", file).await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rows"),
        "{}",
        a.text
    );
    let rows: Vec<(u64, String)> = a.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Header is line 1, so BULK-00009 is on line 11.
    assert_eq!(
        rows,
        [
            (11, "price:RETAIL".to_owned()),
            (22, "item_type".to_owned()),
            (43, "standard_cost".to_owned())
        ]
    );
    assert!(
        a.message().starts_with("3 bad rows; nothing was imported"),
        "{}",
        a.message()
    );
    assert_eq!((t.count("items").await, t.count("audit").await), before);

    let dup = import(&t, "items", "code,item_type\nA,stock\na,service\n".into()).await;
    assert_eq!(dup.body["error"]["details"][0]["line"], 3);
    assert!(
        dup.body["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("also on line 2")
    );
    let header = import(&t, "items", "code,item_type,colour\nA,stock,red\n".into()).await;
    assert_eq!(
        (
            header.body["error"]["details"][0]["line"].as_u64(),
            header.field()
        ),
        (Some(1), "colour")
    );
    let unknown_list = import(&t, "items", "code,item_type,price:NOPE\nA,stock,1\n".into()).await;
    assert_eq!(
        (
            unknown_list.body["error"]["details"][0]["line"].as_u64(),
            unknown_list.field()
        ),
        (Some(2), "price:NOPE")
    );
    assert_eq!(t.count("items").await, 0);
}

async fn export_then_import_round_trips(b: Backend) {
    let t = TestApp::spawn(b).await;
    t.price_list("RETAIL", "USD").await;
    t.price_list("EURO", "EUR").await;
    t.create("/api/v1/vendors", json!({"code": "V1", "name": "Vendor"}))
        .await;
    t.create("/api/v1/items", json!({"code": "A, with comma", "description": "Quoted \"thing\"", "item_type": "kit", "preferred_vendor": "V1",
        "prices": [{"price_list": "RETAIL", "price": "1.50"}, {"price_list": "EURO", "price": "1.40"}], "standard_cost": "0.1234"})).await;
    t.create(
        "/api/v1/items",
        json!({"code": "B", "item_type": "service", "active": false}),
    )
    .await;
    let export = t.get("/api/v1/items/export").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.text.starts_with("code,description,item_type,unit,standard_cost,barcode,weight_kg,tax_code,reorder_level,preferred_vendor,active,price:EURO,price:RETAIL\n"), "{}", export.text);
    let before = t.get("/api/v1/items").await.body["items"].clone();
    let a = import(&t, "items", export.text.clone()).await;
    assert_eq!(a.body, json!({"created": 0, "updated": 2}), "{}", a.text);
    let after = t.get("/api/v1/items").await.body["items"].clone();
    for (x, y) in before
        .as_array()
        .unwrap()
        .iter()
        .zip(after.as_array().unwrap())
    {
        for field in [
            "code",
            "description",
            "item_type",
            "prices",
            "standard_cost",
            "preferred_vendor",
            "active",
        ] {
            assert_eq!(x[field], y[field], "{field}");
        }
    }
    assert_eq!(t.get("/api/v1/items/export").await.text, export.text);
}

async fn customers_and_rates_import(b: Backend) {
    let t = TestApp::spawn(b).await;
    let customers = "code,name,email,currency,credit_limit,billing_city,billing_country\nC1,Ann,ann@x.example,EUR,100.50,Lyon,FR\nC2,Bob,,JPY,5000,Osaka,JP\n";
    let a = import(&t, "customers", customers.into()).await;
    assert_eq!(a.body, json!({"created": 2, "updated": 0}), "{}", a.text);
    let c = t.get("/api/v1/customers?q=ann").await.body["items"][0].clone();
    assert_eq!(
        (
            c["credit_limit"].as_str(),
            c["billing_address"]["city"].as_str()
        ),
        (Some("100.50"), Some("Lyon"))
    );
    let bad = import(
        &t,
        "customers",
        "code,name,currency,credit_limit\nC3,Cat,JPY,0.5\nC4,,USD,1\n".into(),
    )
    .await;
    let rows: Vec<_> = bad.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(2, "credit_limit".to_owned()), (3, "name".to_owned())]
    );
    assert_eq!(t.count("customers").await, 2);

    let rates = "currency,date,rate\nEUR,2026-01-01,1.08\nJPY,2026-01-01,0.006712\n";
    assert_eq!(
        import(&t, "exchange-rates", rates.into()).await.body,
        json!({"created": 2, "updated": 0})
    );
    assert_eq!(
        import(
            &t,
            "exchange-rates",
            "currency,date,rate\nEUR,2026-01-01,1.09\n".into()
        )
        .await
        .body,
        json!({"created": 0, "updated": 1})
    );
    let bad = import(
        &t,
        "exchange-rates",
        "currency,date,rate\nUSD,2026-01-01,1\nEUR,2026-13-01,1\nEUR,2026-02-01,0\n".into(),
    )
    .await;
    let cols: Vec<_> = bad.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["column"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cols, ["currency", "date", "rate"]);
    assert_eq!(
        t.get("/api/v1/exchange-rates/export").await.text,
        "currency,date,rate\nEUR,2026-01-01,1.090000\nJPY,2026-01-01,0.006712\n"
    );
}
