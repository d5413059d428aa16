//! Create, read, update and list every master-data collection, and its rules.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::{Value, json};

use crate::helpers::TestApp;

crate::on_both_backends!(
    every_collection_creates_reads_updates_and_lists,
    lists_filter_search_and_paginate_with_a_stable_cursor,
    prices_obey_their_currencys_minor_units,
    rate_lookup_takes_the_latest_on_or_before_a_date,
    item_type_is_fixed_once_the_item_is_used,
    company_settings_update_and_base_currency_rules,
    a_party_without_currency_gets_the_base_currency,
    bins_belong_to_their_site,
    every_list_pages_with_a_stable_cursor,
);

/// Creates with `create`, reads it back, updates with `update` (+ version), lists with `filter`.
async fn round_trip(
    t: &TestApp,
    path: &str,
    create: Value,
    mut update: Value,
    changed: (&str, Value),
    filter: &str,
) {
    let created = t.create(path, create).await;
    let id = created["id"].as_i64().unwrap_or_default();
    let key = if path.ends_with("currencies") {
        created["code"].as_str().unwrap().to_owned()
    } else {
        id.to_string()
    };
    let read = t.get(&format!("{path}/{key}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, created);

    update["version"] = created["version"].clone();
    let updated = t.json(Method::PUT, &format!("{path}/{key}"), update).await;
    assert_eq!(
        updated.status,
        StatusCode::OK,
        "update {path}: {}",
        updated.text
    );
    assert_eq!(
        updated.body["version"].as_i64(),
        Some(created["version"].as_i64().unwrap() + 1)
    );
    assert_eq!(updated.body[changed.0], changed.1, "{path}");
    assert_eq!(t.get(&format!("{path}/{key}")).await.body, updated.body);

    let list = t.get(&format!("{path}?{filter}")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let items = list.body["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i == &updated.body),
        "{path}?{filter} should list the record: {}",
        list.text
    );
}

async fn every_collection_creates_reads_updates_and_lists(b: Backend) {
    let t = TestApp::spawn(b).await;
    round_trip(
        &t,
        "/api/v1/currencies",
        json!({"code": "GBP"}),
        json!({"code": "GBP", "name": "Sterling"}),
        ("name", json!("Sterling")),
        "q=gbp",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/exchange-rates",
        json!({"currency": "EUR", "date": "2026-03-01", "rate": "1.0825"}),
        json!({"currency": "EUR", "date": "2026-03-01", "rate": "1.090001"}),
        ("rate", json!("1.090001")),
        "currency=EUR",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/accounts",
        json!({"code": "6100", "name": "Postage", "account_type": "expense"}),
        json!({"code": "6100", "name": "Postage and courier", "account_type": "expense"}),
        ("name", json!("Postage and courier")),
        "account_type=expense&q=postage",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/tax-codes",
        json!({"code": "VAT20", "name": "VAT 20%", "rate_percent": "20"}),
        json!({"code": "VAT20", "name": "VAT 20%", "rate_percent": "17.5", "sales_account": "2200"}),
        ("rate_percent", json!("17.5")),
        "q=vat",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/payment-terms",
        json!({"code": "NET60", "name": "60 days", "days": 60}),
        json!({"code": "NET60", "name": "60 days EOM", "days": 60, "from_end_of_month": true}),
        ("from_end_of_month", json!(true)),
        "q=net60",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/price-lists",
        json!({"code": "WHOLESALE-EUR", "name": "Wholesale", "currency": "EUR"}),
        json!({"code": "WHOLESALE-EUR", "name": "Wholesale EU", "currency": "EUR", "prices_include_tax": true}),
        ("prices_include_tax", json!(true)),
        "currency=EUR",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/sites",
        json!({"code": "MAIN", "name": "Main warehouse"}),
        json!({"code": "MAIN", "name": "Main warehouse", "address": "1 Dock Rd", "active": false}),
        ("active", json!(false)),
        "active=false",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/vendors",
        json!({"code": "V1", "name": "Acme Parts", "currency": "EUR", "email": "sales@acme.example"}),
        json!({"code": "V1", "name": "Acme Parts BV", "currency": "EUR", "email": "sales@acme.example"}),
        ("name", json!("Acme Parts BV")),
        "currency=EUR&q=acme",
    )
    .await;
    t.price_list("RETAIL", "USD").await;
    round_trip(
        &t,
        "/api/v1/items",
        json!({"code": "SKU-1", "description": "Widget", "item_type": "stock", "prices": [{"price_list": "RETAIL", "price": "9.99"}],
               "standard_cost": "4.1234", "preferred_vendor": "V1", "tax_code": "VAT20", "reorder_level": "5", "barcode": "4006381333931"}),
        json!({"code": "SKU-1", "description": "Widget, blue", "item_type": "stock", "prices": [{"price_list": "RETAIL", "price": "10.49"}],
               "standard_cost": "4.1234", "preferred_vendor": "V1", "weight_kg": "0.25"}),
        ("prices", json!([{"price_list": "RETAIL", "currency": "USD", "price": "10.49"}])),
        "item_type=stock&q=blue",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/customers",
        json!({"code": "C1", "name": "Ann's Shop", "currency": "EUR", "credit_limit": "2500.00", "payment_terms": "NET30",
               "billing_address": {"line1": "1 Rue", "city": "Lyon", "country": "FR"},
               "contacts": [{"name": "Ann", "email": "ann@shop.example", "phone": "+33 1"}]}),
        json!({"code": "C1", "name": "Ann's Shop", "currency": "EUR", "credit_limit": "3000", "notes": "Pays on time"}),
        ("credit_limit", json!("3000.00")),
        "q=ann",
    )
    .await;
    round_trip(
        &t,
        "/api/v1/users",
        json!({"email": "Sam@Example.com", "name": "Sam", "role": "sales", "password": "sam-password"}),
        json!({"email": "sam@example.com", "name": "Sam", "role": "warehouse"}),
        ("role", json!("warehouse")),
        "q=sam",
    )
    .await;
    // The user's email was stored lower-cased and the password still works after the update.
    assert!(
        t.app
            .issue_token("SAM@example.com", "sam-password")
            .await
            .is_ok()
    );
}

async fn lists_filter_search_and_paginate_with_a_stable_cursor(b: Backend) {
    let t = TestApp::spawn(b).await;
    for i in 0..7 {
        let kind = if i % 2 == 0 { "stock" } else { "service" };
        t.create("/api/v1/items", json!({"code": format!("P-{i}"), "description": format!("Part {i}"), "item_type": kind})).await;
    }
    let mut seen = Vec::new();
    let mut url = "/api/v1/items?limit=3".to_owned();
    loop {
        let page = t.get(&url).await;
        assert_eq!(page.status, StatusCode::OK);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["code"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/items?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["P-0", "P-1", "P-2", "P-3", "P-4", "P-5", "P-6"]);
    let services = t.get("/api/v1/items?item_type=service").await;
    let codes: Vec<_> = services.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["P-1", "P-3", "P-5"]);
    let searched = t.get("/api/v1/items?q=PART%204").await;
    assert_eq!(searched.body["items"].as_array().unwrap().len(), 1);
    let bad = t.get("/api/v1/items?cursor=abc").await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::BAD_REQUEST, "cursor")
    );
    let bad = t.get("/api/v1/items?limit=5000").await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::BAD_REQUEST, "limit")
    );
    let bad = t.get("/api/v1/items?colour=red").await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::BAD_REQUEST, "colour")
    );
}

async fn prices_obey_their_currencys_minor_units(b: Backend) {
    let t = TestApp::spawn(b).await;
    for (list, cur) in [("JP", "JPY"), ("BH", "BHD"), ("US", "USD")] {
        t.price_list(list, cur).await;
    }
    let currencies = t.get("/api/v1/currencies").await;
    let units: Vec<_> = currencies.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["minor_units"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        units.contains(&("JPY".into(), 0))
            && units.contains(&("BHD".into(), 3))
            && units.contains(&("USD".into(), 2))
    );

    let item = |price_list: &str, price: &str| json!({"code": format!("X-{price_list}"), "item_type": "stock", "prices": [{"price_list": price_list, "price": price}]});
    let jpy = t
        .json(Method::POST, "/api/v1/items", item("JP", "12.5"))
        .await;
    assert_eq!(
        (jpy.status, jpy.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "prices[0].price")
    );
    assert!(
        jpy.message().contains("more than 0 decimal places"),
        "{}",
        jpy.message()
    );
    let bhd = t.create("/api/v1/items", item("BH", "1.234")).await;
    assert_eq!(bhd["prices"][0]["price"], "1.234");
    let usd = t
        .json(Method::POST, "/api/v1/items", item("US", "1.234"))
        .await;
    assert_eq!(
        (usd.status, usd.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "prices[0].price")
    );
    let jpy = t.create("/api/v1/items", item("JP", "1500")).await;
    assert_eq!(jpy["prices"][0]["price"], "1500");
    assert_eq!(t.count("items").await, 2);
}

async fn rate_lookup_takes_the_latest_on_or_before_a_date(b: Backend) {
    let t = TestApp::spawn(b).await;
    t.create(
        "/api/v1/exchange-rates",
        json!({"currency": "EUR", "date": "2026-01-01", "rate": "1.05"}),
    )
    .await;
    t.create(
        "/api/v1/exchange-rates",
        json!({"currency": "EUR", "date": "2026-02-01", "rate": "1.08"}),
    )
    .await;
    let quoted = t
        .create(
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "2026-03-01", "foreign_per_base": "0.9"}),
        )
        .await;
    assert_eq!(quoted["rate"], "1.111111");
    assert_eq!(quoted["quoted_foreign_per_base"], "0.9");
    let on = |d: &str| format!("/api/v1/exchange-rates/on-date?currency=EUR&date={d}");
    assert_eq!(t.get(&on("2026-01-31")).await.body["rate"], "1.050000");
    assert_eq!(t.get(&on("2026-02-01")).await.body["rate"], "1.080000");
    assert_eq!(t.get(&on("2027-01-01")).await.body["date"], "2026-03-01");
    let none = t.get(&on("2025-12-31")).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(
        none.message().contains("EUR on or before 2025-12-31"),
        "{}",
        none.message()
    );
    let base = t
        .get("/api/v1/exchange-rates/on-date?currency=USD&date=2026-01-01")
        .await;
    assert_eq!(
        (base.status, base.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "currency")
    );
    let dup = t
        .json(
            Method::POST,
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "2026-01-01", "rate": "1.2"}),
        )
        .await;
    assert_eq!((dup.status, dup.field()), (StatusCode::CONFLICT, "date"));
    let too_precise = t
        .json(
            Method::POST,
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "2026-04-01", "rate": "1.1234567"}),
        )
        .await;
    assert_eq!(
        (too_precise.status, too_precise.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "rate")
    );
    let not_enabled = t
        .json(
            Method::POST,
            "/api/v1/exchange-rates",
            json!({"currency": "CHF", "date": "2026-04-01", "rate": "1.1"}),
        )
        .await;
    assert_eq!(
        (not_enabled.status, not_enabled.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "currency")
    );
    assert_eq!(t.count("rates").await, 3);
}

async fn item_type_is_fixed_once_the_item_is_used(b: Backend) {
    let t = TestApp::spawn(b).await;
    let free = t
        .create(
            "/api/v1/items",
            json!({"code": "FREE", "item_type": "stock"}),
        )
        .await;
    let changed = t
        .json(
            Method::PUT,
            &format!("/api/v1/items/{}", free["id"]),
            json!({"code": "FREE", "item_type": "service", "version": 1}),
        )
        .await;
    assert_eq!(
        changed.status,
        StatusCode::OK,
        "an unused item may change type: {}",
        changed.text
    );

    let used = t
        .create(
            "/api/v1/items",
            json!({"code": "CART", "item_type": "non_stock"}),
        )
        .await;
    let company = t.get("/api/v1/company").await.body;
    let set = t
        .json(Method::PUT, "/api/v1/company", json!({"name": company["name"], "base_currency": "USD", "default_item": "cart", "version": company["version"]}))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(set.body["default_item"], "CART");
    let refused = t
        .json(
            Method::PUT,
            &format!("/api/v1/items/{}", used["id"]),
            json!({"code": "CART", "item_type": "stock", "version": 1}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "item_type")
    );
    assert!(
        refused.message().contains("already used"),
        "{}",
        refused.message()
    );
    assert_eq!(
        t.get(&format!("/api/v1/items/{}", used["id"])).await.body["item_type"],
        "non_stock"
    );
}

async fn company_settings_update_and_base_currency_rules(b: Backend) {
    let t = TestApp::spawn(b).await;
    let c = t.get("/api/v1/company").await.body;
    assert_eq!(
        (
            c["base_currency"].as_str(),
            c["tax_rounding"].as_str(),
            c["negative_stock"].as_str()
        ),
        (Some("USD"), Some("per_line"), Some("refuse"))
    );
    let again = t
        .json(
            Method::POST,
            "/api/v1/company",
            json!({"name": "Other", "base_currency": "EUR"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // No rates yet: the base currency may still move to an enabled currency.
    let moved = t
        .json(Method::PUT, "/api/v1/company", json!({"name": "Test Co", "base_currency": "EUR", "tax_rounding": "per_document", "financial_year_start": "04-01", "version": c["version"]}))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["tax_rounding"], "per_document");
    let currencies = t.get("/api/v1/currencies?q=eur").await.body;
    assert_eq!(currencies["items"][0]["is_base"], true);
    t.create(
        "/api/v1/exchange-rates",
        json!({"currency": "USD", "date": "2026-01-01", "rate": "0.92"}),
    )
    .await;
    let fixed = t
        .json(
            Method::PUT,
            "/api/v1/company",
            json!({"name": "Test Co", "base_currency": "USD", "version": moved.body["version"]}),
        )
        .await;
    assert_eq!(
        (fixed.status, fixed.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "base_currency")
    );
    let bad_fy = t.json(Method::PUT, "/api/v1/company", json!({"name": "Test Co", "base_currency": "EUR", "financial_year_start": "02-30", "version": moved.body["version"]})).await;
    assert_eq!(
        (bad_fy.status, bad_fy.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "financial_year_start")
    );
    // The default chart exists with its system roles and a bank account per currency.
    let accounts = t.get("/api/v1/accounts?limit=100").await.body;
    let roles: Vec<_> = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["system_role"].as_str())
        .collect();
    for role in [
        "receivable",
        "payable",
        "stock",
        "pending_receipts",
        "sales",
        "cogs",
        "tax_payable",
        "tax_receivable",
        "fx_realised",
        "fx_unrealised",
        "rounding",
        "retained_earnings",
    ] {
        assert!(roles.contains(&role), "missing {role}");
    }
    let banks = t.get("/api/v1/accounts?account_type=bank").await.body;
    let bank_currencies: Vec<_> = banks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["currency"].as_str().unwrap())
        .collect();
    assert_eq!(bank_currencies, ["USD", "EUR", "JPY", "BHD"]);
}

async fn a_party_without_currency_gets_the_base_currency(b: Backend) {
    let t = TestApp::spawn(b).await;
    let c = t
        .create(
            "/api/v1/customers",
            json!({"code": "WALKIN", "name": "Walk-in"}),
        )
        .await;
    assert_eq!(c["currency"], "USD");
    assert_eq!(c["shipping_address"], c["billing_address"]);
    let jpy = t
        .create(
            "/api/v1/customers",
            json!({"code": "JP1", "name": "Tokyo", "currency": "JPY", "credit_limit": "500000"}),
        )
        .await;
    assert_eq!(jpy["credit_limit"], "500000");
    let bad = t
        .json(
            Method::POST,
            "/api/v1/customers",
            json!({"code": "JP2", "name": "Osaka", "currency": "JPY", "credit_limit": "0.5"}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "credit_limit")
    );
    // A vendor may share a customer's code: they are different books.
    t.create(
        "/api/v1/vendors",
        json!({"code": "WALKIN", "name": "Walk-in supplier"}),
    )
    .await;
}

async fn bins_belong_to_their_site(b: Backend) {
    let t = TestApp::spawn(b).await;
    let s = t
        .create("/api/v1/sites", json!({"code": "MAIN", "name": "Main"}))
        .await;
    let other = t
        .create("/api/v1/sites", json!({"code": "EAST", "name": "East"}))
        .await;
    t.create(
        &format!("/api/v1/sites/{}/bins", s["id"]),
        json!({"code": "A-01"}),
    )
    .await;
    t.create(
        &format!("/api/v1/sites/{}/bins", other["id"]),
        json!({"code": "A-01"}),
    )
    .await;
    let dup = t
        .json(
            Method::POST,
            &format!("/api/v1/sites/{}/bins", s["id"]),
            json!({"code": "a-01"}),
        )
        .await;
    assert_eq!((dup.status, dup.field()), (StatusCode::CONFLICT, "code"));
    let site = t.get(&format!("/api/v1/sites/{}", s["id"])).await.body;
    assert_eq!(site["bins"].as_array().unwrap().len(), 1);
    assert_eq!(site["bins"][0]["name"], "A-01");
    let missing = t
        .json(Method::POST, "/api/v1/sites/999/bins", json!({"code": "Z"}))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn every_list_pages_with_a_stable_cursor(b: Backend) {
    let t = TestApp::spawn(b).await;
    for i in 0..3 {
        t.create(
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": format!("2026-01-0{}", i + 1), "rate": "1.1"}),
        )
        .await;
        t.create(
            "/api/v1/tax-codes",
            json!({"code": format!("T{i}"), "name": "T", "rate_percent": "5"}),
        )
        .await;
        t.create(
            "/api/v1/price-lists",
            json!({"code": format!("PL{i}"), "name": "PL", "currency": "USD"}),
        )
        .await;
        t.create(
            "/api/v1/sites",
            json!({"code": format!("S{i}"), "name": "S"}),
        )
        .await;
        t.create(
            "/api/v1/items",
            json!({"code": format!("I{i}"), "item_type": "stock"}),
        )
        .await;
        t.create(
            "/api/v1/customers",
            json!({"code": format!("C{i}"), "name": "C"}),
        )
        .await;
        t.create(
            "/api/v1/vendors",
            json!({"code": format!("V{i}"), "name": "V"}),
        )
        .await;
        t.create(
            "/api/v1/users",
            json!({"email": format!("u{i}@test.local"), "role": "sales", "password": "password-1"}),
        )
        .await;
    }
    for path in [
        "/api/v1/currencies",
        "/api/v1/exchange-rates",
        "/api/v1/accounts",
        "/api/v1/tax-codes",
        "/api/v1/payment-terms",
        "/api/v1/price-lists",
        "/api/v1/sites",
        "/api/v1/items",
        "/api/v1/customers",
        "/api/v1/vendors",
        "/api/v1/users",
    ] {
        let all = t.get(&format!("{path}?limit=500")).await.body["items"].clone();
        let key = |v: &serde_json::Value| {
            v.get("id")
                .map_or_else(|| v["code"].to_string(), ToString::to_string)
        };
        let expected: Vec<String> = all.as_array().unwrap().iter().map(key).collect();
        assert!(expected.len() >= 2, "{path} has {} records", expected.len());
        let mut seen = Vec::new();
        let mut url = format!("{path}?limit=1");
        loop {
            let page = t.get(&url).await.body;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 1, "{path}");
            seen.extend(items.iter().map(key));
            match page["next_cursor"].as_str() {
                Some(c) => url = format!("{path}?limit=1&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(
            seen, expected,
            "{path}: one record a page, each once, in order"
        );
    }
}
