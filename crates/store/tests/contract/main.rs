//! The store's contract, run on SQLite always and on PostgreSQL when
//! `CARTWRIGHT_TEST_PG_URL` is set (the README's test command and CI set it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cartwright_core::{
    account::AccountType,
    company::{NegativeStockPolicy, TaxRounding},
    item::ItemType,
    party::{Address, PartyKind},
};
use cartwright_store::{
    AccountRow, Actor, AuditEntry, AuditQuery, Backend, CompanyRow, ItemRow, ListQuery, PartyRow,
    PriceListRow, SiteRow, StoreError,
    testing::{fresh, fresh_unmigrated, postgres_available},
};
use rust_decimal::Decimal;

/// Runs each contract test once per backend.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name(cartwright_store::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() {
                if cartwright_store::testing::postgres_available() { super::$name(cartwright_store::Backend::Postgres).await }
            } )*
        }
    };
}

contract!(
    old_database_upgrades_in_place,
    money_is_exact_in_minor_units,
    rate_on_takes_latest_on_or_before,
    codes_are_unique_ignoring_case,
    stale_update_is_refused_and_names_the_record,
    concurrent_updates_cannot_both_win,
    pagination_cursor_is_stable,
    audit_lists_newest_first_per_entity,
    rolled_back_transaction_stores_nothing,
    company_row_round_trips,
);

fn item(code: &str, prices: Vec<(i64, i64)>) -> ItemRow {
    ItemRow {
        code: code.into(),
        description: format!("{code} description"),
        item_type: ItemType::Stock,
        unit: "each".into(),
        prices,
        standard_cost_e4: 12_345,
        barcode: String::new(),
        weight_e4: 0,
        tax_code_id: None,
        reorder_level_e4: 0,
        preferred_vendor_id: None,
        active: true,
        components: None,
    }
}

fn site(code: &str) -> SiteRow {
    SiteRow {
        code: code.into(),
        name: format!("Site {code}"),
        address: String::new(),
        active: true,
    }
}

async fn old_database_upgrades_in_place(backend: Backend) {
    let db = fresh_unmigrated(backend).await;
    db.store.migrate_to(1).await.unwrap();
    // Data written under the first schema, with tables that later migrations leave alone.
    let mut tx = db.store.write().await.unwrap();
    tx.insert_currency("USD", "US Dollar", 2, true)
        .await
        .unwrap();
    let old_site = tx.insert_site(&site("OLD")).await.unwrap();
    tx.commit().await.unwrap();
    // Migration 2 has not run: its tables do not exist yet.
    let mut tx = db.store.read().await.unwrap();
    assert!(tx.list_users(&ListQuery::default()).await.is_err());
    drop(tx);

    db.store.migrate().await.unwrap();
    db.store.migrate().await.unwrap(); // idempotent
    let mut tx = db.store.write().await.unwrap();
    assert_eq!(tx.site(old_site.id).await.unwrap().unwrap().code, "OLD");
    assert_eq!(tx.currency("USD").await.unwrap().unwrap().minor_units, 2);
    assert!(
        tx.list_users(&ListQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    // Tables and columns of the later migrations are usable.
    let it = tx.insert_item(&item("NEW-1", vec![])).await.unwrap();
    assert!(tx.components(it.id).await.unwrap().is_empty());
    assert!(tx.levels(None).await.unwrap().is_empty());
}

async fn money_is_exact_in_minor_units(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    let mut lists = Vec::new();
    for (code, mu) in [("JPY", 0), ("USD", 2), ("BHD", 3)] {
        tx.insert_currency(code, code, mu, code == "USD")
            .await
            .unwrap();
        let pl = tx
            .insert_price_list(&PriceListRow {
                code: format!("PL-{code}"),
                name: code.into(),
                currency: code.into(),
                prices_include_tax: false,
                active: true,
            })
            .await
            .unwrap();
        lists.push(pl.id);
    }
    // 1 234 567 JPY, 9 007 199 254 740.99 USD (beyond f64's exact range in cents), 1.234 BHD.
    let it = tx
        .insert_item(&item(
            "EXACT",
            vec![
                (lists[0], 1_234_567),
                (lists[1], 900_719_925_474_099),
                (lists[2], 1_234),
            ],
        ))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    let read = tx.item(it.id).await.unwrap().unwrap();
    let price = |list: &str| {
        read.prices
            .iter()
            .find(|p| p.price_list == list)
            .unwrap()
            .price
    };
    assert_eq!(price("PL-JPY"), "1234567".parse::<Decimal>().unwrap());
    assert_eq!(price("PL-USD").to_string(), "9007199254740.99");
    assert_eq!(price("PL-BHD").to_string(), "1.234");
    assert_eq!(read.standard_cost.to_string(), "1.2345");
}

async fn rate_on_takes_latest_on_or_before(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    tx.insert_currency("USD", "US Dollar", 2, true)
        .await
        .unwrap();
    tx.insert_currency("EUR", "Euro", 2, false).await.unwrap();
    tx.insert_rate("EUR", "2026-01-10", 1_100_000, None)
        .await
        .unwrap();
    tx.insert_rate("EUR", "2026-01-01", 1_000_000, None)
        .await
        .unwrap();
    tx.insert_rate("EUR", "2026-01-20", 1_234_567, Some(810_000))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    let on = |r: Option<cartwright_core::currency::ExchangeRate>| r.map(|r| r.rate.to_string());
    assert_eq!(
        on(tx.rate_on("EUR", "2026-01-15").await.unwrap()).as_deref(),
        Some("1.100000")
    );
    assert_eq!(
        on(tx.rate_on("EUR", "2026-01-10").await.unwrap()).as_deref(),
        Some("1.100000")
    );
    assert_eq!(
        on(tx.rate_on("EUR", "2026-12-31").await.unwrap()).as_deref(),
        Some("1.234567")
    );
    assert_eq!(tx.rate_on("EUR", "2025-12-31").await.unwrap(), None);
    let latest = tx.rate_on("EUR", "2026-02-01").await.unwrap().unwrap();
    assert_eq!(latest.quoted_foreign_per_base.unwrap().to_string(), "0.81");
}

async fn codes_are_unique_ignoring_case(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    tx.insert_item(&item("SKU-1", vec![])).await.unwrap();
    let err = tx.insert_item(&item("sku-1", vec![])).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    drop(tx);
    let mut tx = db.store.write().await.unwrap();
    tx.insert_currency("USD", "US Dollar", 2, true)
        .await
        .unwrap();
    let p = |code: &str, kind| PartyRow {
        kind,
        code: code.into(),
        name: "N".into(),
        email: String::new(),
        phone: String::new(),
        contacts: vec![],
        billing_address: Address::default(),
        shipping_address: Address::default(),
        currency: "USD".into(),
        payment_terms_id: None,
        tax_code_id: None,
        credit_limit_minor: 0,
        notes: String::new(),
        active: true,
    };
    tx.insert_party(&p("ACME", PartyKind::Customer))
        .await
        .unwrap();
    // The same code may name a customer and a vendor.
    tx.insert_party(&p("acme", PartyKind::Vendor))
        .await
        .unwrap();
    assert!(
        tx.insert_party(&p("Acme", PartyKind::Customer))
            .await
            .unwrap_err()
            .is_conflict()
    );
}

async fn stale_update_is_refused_and_names_the_record(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    let s = tx.insert_site(&site("MAIN")).await.unwrap();
    let updated = tx.update_site(s.id, 1, &site("MAIN2")).await.unwrap();
    assert_eq!(updated.version, 2);
    match tx.update_site(s.id, 1, &site("MAIN3")).await.unwrap_err() {
        StoreError::Stale {
            entity,
            id,
            expected,
        } => assert_eq!((entity, id, expected), ("site", s.id, 1)),
        other => panic!("expected stale, got {other}"),
    }
    assert!(matches!(
        tx.update_site(999, 1, &site("X")).await.unwrap_err(),
        StoreError::NotFound { .. }
    ));
    assert_eq!(tx.site(s.id).await.unwrap().unwrap().code, "MAIN2");
}

async fn concurrent_updates_cannot_both_win(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    let s = tx.insert_site(&site("RACE")).await.unwrap();
    tx.commit().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.write().await.unwrap();
            let r = tx.update_site(s.id, 1, &site(&format!("RACE-{i}"))).await;
            if r.is_ok() {
                tx.commit().await.unwrap();
            }
            r.is_ok()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
    let mut tx = db.store.read().await.unwrap();
    assert_eq!(tx.site(s.id).await.unwrap().unwrap().version, 2);
}

async fn pagination_cursor_is_stable(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    for i in 0..7 {
        tx.insert_site(&site(&format!("S{i}"))).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut seen = Vec::new();
    let mut q = ListQuery {
        limit: 3,
        ..ListQuery::default()
    };
    let mut pages = 0;
    loop {
        let page = db.store.read().await.unwrap().list_sites(&q).await.unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|s| s.code.clone()));
        if pages == 1 {
            // A record added while paging appears once, at the end.
            let mut tx = db.store.write().await.unwrap();
            tx.insert_site(&site("LATE")).await.unwrap();
            tx.commit().await.unwrap();
        }
        match page.next_cursor {
            Some(c) => q.after = c.parse().unwrap(),
            None => break,
        }
    }
    assert_eq!(seen, ["S0", "S1", "S2", "S3", "S4", "S5", "S6", "LATE"]);
    assert_eq!(pages, 3);
    let found = db
        .store
        .read()
        .await
        .unwrap()
        .list_sites(&ListQuery {
            q: Some("s_".into()),
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert!(
        found.items.is_empty(),
        "'_' is matched literally, not as a wildcard"
    );
}

async fn audit_lists_newest_first_per_entity(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    let actor = Actor::cli();
    for (entity, id) in [("items", 1), ("sites", 1), ("items", 2)] {
        tx.audit(AuditEntry {
            actor: &actor,
            entity,
            entity_id: Some(id),
            action: "create",
            before: None,
            after: Some(serde_json::json!({"id": id, "price": "1.10"})),
        })
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = db.store.read().await.unwrap();
    let page = tx
        .list_audit(&AuditQuery {
            entity: Some("items".into()),
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let ids: Vec<_> = page.items.iter().map(|a| a.entity_id).collect();
    assert_eq!(ids, [Some(2), Some(1)]);
    assert_eq!(page.items[0].actor, "cli");
    assert_eq!(page.items[0].after.as_ref().unwrap()["price"], "1.10");
}

async fn rolled_back_transaction_stores_nothing(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    tx.insert_site(&site("GONE")).await.unwrap();
    tx.insert_account(&AccountRow {
        code: "9999".into(),
        name: "X".into(),
        account_type: AccountType::Expense,
        currency: None,
        system_role: None,
        active: true,
    })
    .await
    .unwrap();
    drop(tx);
    let mut tx = db.store.read().await.unwrap();
    assert!(tx.site_id("GONE").await.unwrap().is_none());
    assert!(tx.account_by_code("9999").await.unwrap().is_none());
}

async fn company_row_round_trips(backend: Backend) {
    let db = fresh(backend).await;
    let mut tx = db.store.write().await.unwrap();
    tx.insert_currency("EUR", "Euro", 2, true).await.unwrap();
    let def = tx.insert_item(&item("DEFAULT", vec![])).await.unwrap();
    let row = CompanyRow {
        name: "Acme".into(),
        base_currency: "EUR".into(),
        financial_year_start: "04-01".into(),
        tax_rounding: TaxRounding::PerDocument,
        negative_stock: NegativeStockPolicy::Refuse,
        default_item_id: Some(def.id),
        costing_method: cartwright_core::costing::CostingMethod::Fifo,
        auto_allocate: false,
    };
    let c = tx.insert_company(&row).await.unwrap();
    assert_eq!(c.default_item.as_deref(), Some("DEFAULT"));
    assert_eq!(c.tax_rounding, TaxRounding::PerDocument);
    assert!(
        tx.item_is_used(def.id).await.unwrap(),
        "the default item is in use"
    );
    // Only one company per database.
    assert!(tx.insert_company(&row).await.is_err());
}

#[test]
fn postgres_suite_is_not_silently_skipped_in_ci() {
    if std::env::var("CI").is_ok() {
        assert!(postgres_available());
    }
}
