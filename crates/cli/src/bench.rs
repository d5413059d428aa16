//! `cartwright bench`: throughput figures for the master-data paths, printed, never asserted.

use std::{fmt::Write as _, time::Instant};

use anyhow::Context;
use cartwright_app::{App, ListQuery, Principal, csv_io::CsvEntity};
use cartwright_core::{company::CompanyInput, price_list::PriceListInput};

/// Runs the benchmark on `app` (an empty database) with `rows` items and `journal_lines` ledger lines.
pub async fn run(app: &App, rows: usize, journal_lines: usize) -> anyhow::Result<()> {
    let who = Principal::cli();
    app.setup_company(
        &who,
        &CompanyInput {
            name: "Bench Ltd".into(),
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
    .map_err(anyhow::Error::from)
    .context("bench needs an empty database")?;
    app.create_price_list(
        &who,
        &PriceListInput {
            code: "RETAIL".into(),
            name: "Retail".into(),
            currency: "USD".into(),
            prices_include_tax: None,
            active: None,
            version: None,
        },
    )
    .await?;
    let mut csv = String::from("code,description,item_type,standard_cost,price:RETAIL\n");
    for i in 0..rows {
        let _ = writeln!(
            csv,
            "B-{i:07},Bench item {i},stock,{}.25,{}.99",
            i % 40,
            i % 90 + 1
        );
    }
    let report = |what: &str, n: usize, started: Instant| {
        let secs = started.elapsed().as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        let rate = n as f64 / secs;
        println!("{what:<28} {n:>9} rows  {secs:>8.3} s  {rate:>10.0} rows/s");
    };
    let started = Instant::now();
    app.import_csv(&who, CsvEntity::Items, csv.as_bytes())
        .await?;
    report("csv import (create)", rows, started);
    let started = Instant::now();
    app.import_csv(&who, CsvEntity::Items, csv.as_bytes())
        .await?;
    report("csv import (update)", rows, started);
    let started = Instant::now();
    let mut q = ListQuery {
        limit: 500,
        ..ListQuery::default()
    };
    let mut listed = 0;
    loop {
        let page = app.list_items(&who, &q).await?;
        listed += page.items.len();
        match page.next_cursor.and_then(|c| c.parse().ok()) {
            Some(after) => q.after = after,
            None => break,
        }
    }
    report("list items (pages of 500)", listed, started);
    let started = Instant::now();
    let text = app.export_csv(&who, CsvEntity::Items).await?;
    report(
        "csv export",
        text.lines().count().saturating_sub(1),
        started,
    );
    let started = Instant::now();
    let searches = 200;
    for i in 0..searches {
        let q = ListQuery {
            q: Some(format!("item {}", i * 37 % rows.max(1))),
            limit: 10,
            ..ListQuery::default()
        };
        app.list_items(&who, &q).await?;
    }
    report("search (q=…, limit 10)", searches, started);
    documents(app, rows.min(100)).await?;
    ledger(app, journal_lines).await
}

/// Posts `lines` journal lines (1,000 per journal, spread over a year) through the store's
/// journal path, then times the trial balance over all of them.
async fn ledger(app: &App, lines: usize) -> anyhow::Result<()> {
    use cartwright_core::posting::JournalLine;
    let who = Principal::cli();
    let accounts: Vec<i64> = {
        let mut tx = app.store().read().await?;
        let q = ListQuery {
            limit: 500,
            ..ListQuery::default()
        };
        tx.list_accounts(&q)
            .await?
            .items
            .iter()
            .map(|a| a.id)
            .collect()
    };
    let n = accounts.len().max(1);
    let per_journal = 1000;
    let journals = lines.div_ceil(per_journal);
    let started = Instant::now();
    for j in 0..journals {
        let day = time::Date::from_ordinal_date(2026, u16::try_from(j % 365 + 1).unwrap_or(1))?;
        let mut ls = Vec::with_capacity(per_journal);
        for k in 0..per_journal / 2 {
            let v = i64::try_from((j * 31 + k) % 10_000 + 1).unwrap_or(1);
            for (account, sign) in [
                (accounts[(j * 7 + k * 13) % n], 1),
                (accounts[(j * 11 + k * 17 + 1) % n], -1),
            ] {
                ls.push(JournalLine {
                    account_id: account,
                    base_minor: sign * v,
                    currency: "USD".into(),
                    amount_minor: sign * v,
                    rate: rust_decimal::Decimal::ONE,
                });
            }
        }
        let mut tx = app.store().write().await?;
        tx.insert_journal(
            None,
            &cartwright_core::validate::format_date(day),
            "bench",
            None,
            &ls,
        )
        .await?;
        tx.commit().await?;
    }
    let posted = journals * per_journal;
    let secs = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = posted as f64 / secs;
    println!(
        "{:<28} {posted:>9} rows  {secs:>8.3} s  {rate:>10.0} rows/s",
        "post journal lines"
    );
    for _ in 0..3 {
        let started = Instant::now();
        let tb = app.trial_balance(&who, "2026-12-31").await?;
        println!(
            "{:<28} {posted:>9} lines {:>8.3} s  ({} accounts)",
            "trial balance",
            started.elapsed().as_secs_f64(),
            tb.lines.len()
        );
    }
    Ok(())
}

/// Times the save of a 100-line sales order (with allocation) and a 100-line invoice (stock, cost, journal).
async fn documents(app: &App, lines: usize) -> anyhow::Result<()> {
    use cartwright_core::document::{DocType, DocumentInput, LineInput};
    let who = Principal::cli();
    app.create_site(
        &who,
        &serde_json::from_value(serde_json::json!({"code": "MAIN", "name": "Main"}))?,
    )
    .await?;
    app.create_party(
        &who,
        cartwright_core::party::PartyKind::Customer,
        &serde_json::from_value(serde_json::json!({"code": "C", "name": "C"}))?,
    )
    .await?;
    app.create_party(
        &who,
        cartwright_core::party::PartyKind::Vendor,
        &serde_json::from_value(serde_json::json!({"code": "V", "name": "V"}))?,
    )
    .await?;
    let body = |doc_type: DocType, party: &str| DocumentInput {
        doc_type,
        party: Some(party.to_owned()),
        date: "2026-01-05".into(),
        due_date: None,
        currency: None,
        exchange_rate: None,
        site: Some("MAIN".into()),
        to_site: None,
        to_bin: None,
        reference: None,
        memo: None,
        prices_include_tax: None,
        ship_to: None,
        landed_spread: None,
        lines: (0..lines)
            .map(|i| LineInput {
                item: format!("B-{i:07}"),
                description: None,
                site: None,
                bin: None,
                quantity: rust_decimal::Decimal::from(3),
                unit_price: Some(rust_decimal::Decimal::new(1999, 2)),
                discount_percent: None,
                tax_code: None,
                unit_cost: None,
                source_line: None,
                drop_ship: None,
            })
            .collect(),
        version: None,
    };
    let receipt = app
        .create_document(&who, &body(DocType::ItemReceipt, "V"))
        .await?;
    app.save_document(&who, receipt.id, None).await?;
    for (what, t) in [
        ("sales order, 100 lines", DocType::SalesOrder),
        ("sales invoice, 100 lines", DocType::SalesInvoice),
    ] {
        let started = Instant::now();
        let d = app.create_document(&who, &body(t, "C")).await?;
        let created = started.elapsed();
        let started = Instant::now();
        app.save_document(&who, d.id, None).await?;
        let saved = started.elapsed();
        println!(
            "{what:<28} create {:>7.1} ms  save {:>7.1} ms",
            created.as_secs_f64() * 1000.0,
            saved.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
