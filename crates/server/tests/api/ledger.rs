//! The period lock, manual journals and the trial balance.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::json;

use crate::documents::{doc, fixture, invariants, receive, save};

crate::on_both_backends!(
    a_locked_period_refuses_dates_saves_voids_and_journals,
    manual_journals_must_balance_in_base_currency,
    trial_balance_balances_and_its_csv_matches_its_json,
    profit_and_loss_and_balance_sheet_agree_with_the_ledger,
    year_end_close_moves_profit_to_retained_earnings_and_locks,
    stock_valuation_agrees_with_the_stock_account_and_the_ledger_runs,
    every_report_downloads_as_csv_with_the_json_figures,
);

async fn a_locked_period_refuses_dates_saves_voids_and_journals(b: Backend) {
    let t = fixture(b).await;
    let r = receive(&t, "WIDGET", "10", "2").await; // dated 2026-01-02
    let pending = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-20", "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "5"}]})).await;
    let lock = t
        .json(
            Method::PUT,
            "/api/v1/periods",
            json!({"lock_date": "2026-01-31"}),
        )
        .await;
    assert_eq!(
        (lock.status, lock.body["lock_date"].as_str()),
        (StatusCode::OK, Some("2026-01-31"))
    );
    let books = t
        .app
        .store()
        .read()
        .await
        .unwrap()
        .account_balances()
        .await
        .unwrap();
    let msg = "date: the books are locked up to and including 2026-01-31";
    let created = t.json(Method::POST, "/api/v1/documents", json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-31", "lines": []})).await;
    assert_eq!(
        (created.status, created.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date")
    );
    assert!(created.message().starts_with(msg), "{}", created.message());
    let saved = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/save", pending["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (saved.status, saved.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date")
    );
    let voided = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/void", r["id"]),
            json!({"date": "2026-01-15"}),
        )
        .await;
    assert_eq!(
        (voided.status, voided.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date")
    );
    let journal = t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-10", "lines": [{"account": "6000", "debit": "1"}, {"account": "1000", "credit": "1"}]})).await;
    assert_eq!(
        (journal.status, journal.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date")
    );
    assert_eq!(
        t.app
            .store()
            .read()
            .await
            .unwrap()
            .account_balances()
            .await
            .unwrap(),
        books,
        "nothing changed"
    );
    // After the lock date everything works; a void may be dated in the open period.
    let open = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-02-01", "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "5"}]})).await;
    save(&t, &open).await;
    let later_void = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/void", open["id"]),
            json!({"date": "2026-02-02"}),
        )
        .await;
    assert_eq!(later_void.status, StatusCode::OK, "{}", later_void.text);
    let read_only = t.token_for(cartwright_core::user::Role::ReadOnly).await;
    let refused = t
        .send(
            Method::PUT,
            "/api/v1/periods",
            Some(&read_only),
            Some("application/json"),
            br#"{"lock_date": null}"#.to_vec(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let unlocked = t
        .json(Method::PUT, "/api/v1/periods", json!({"lock_date": null}))
        .await;
    assert_eq!(unlocked.body["lock_date"], json!(null));
    invariants(&t).await;
}

async fn manual_journals_must_balance_in_base_currency(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/accounts",
        json!({"code": "6000", "name": "Rent", "account_type": "expense"}),
    )
    .await;
    let ok = t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-05", "memo": "January rent",
        "lines": [{"account": "6000", "debit": "1200.00"}, {"account": "1000", "credit": "1200.00"}]})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(
        (
            ok.body["lines"][0]["debit"].as_str(),
            ok.body["lines"][1]["credit"].as_str()
        ),
        (Some("1200.00"), Some("1200.00"))
    );
    // A euro bank payment: USD 110.00 for EUR 100.00, rate implied 1.1.
    let fx = t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-06",
        "lines": [{"account": "6000", "debit": "110.00"}, {"account": "1001", "credit": "110.00", "currency": "EUR", "amount": "100"}]})).await;
    assert_eq!(fx.status, StatusCode::CREATED, "{}", fx.text);
    assert_eq!(
        (
            fx.body["lines"][1]["amount"].as_str(),
            fx.body["lines"][1]["rate"].as_str()
        ),
        (Some("-100.00"), Some("1.1"))
    );
    let off = t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-05", "lines": [{"account": "6000", "debit": "10.00"}, {"account": "1000", "credit": "9.99"}]})).await;
    assert_eq!(
        (off.status, off.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines")
    );
    assert_eq!(
        off.message(),
        "lines: debits and credits differ by 0.01 USD"
    );
    let both = t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-05", "lines": [{"account": "6000", "debit": "1", "credit": "1"}, {"account": "NOPE", "credit": "1"}]})).await;
    let fields: Vec<_> = both.body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["lines[0].debit", "lines[1].account"]);
    let sub_cent = t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-05", "lines": [{"account": "6000", "debit": "1.005"}, {"account": "1000", "credit": "1.005"}]})).await;
    assert_eq!(
        (sub_cent.status, sub_cent.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "lines[0].debit")
    );
    let list = t.get("/api/v1/journals").await.body;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "only manual journals are listed"
    );
    let one = t
        .get(&format!("/api/v1/journals/{}", ok.body["id"]))
        .await
        .body;
    assert_eq!(one["memo"], "January rent");
    invariants(&t).await;
}

async fn trial_balance_balances_and_its_csv_matches_its_json(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "2.50").await;
    let inv = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-10", "lines": [{"item": "WIDGET", "quantity": "3", "unit_price": "19.99", "tax_code": "VAT20"}]})).await;
    save(&t, &inv).await;
    let late = doc(&t, json!({"doc_type": "cash_sale", "party": "C-US", "date": "2026-03-01", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "100"}]})).await;
    save(&t, &late).await;
    let tb = t
        .get("/api/v1/reports/trial-balance?as_of=2026-01-31")
        .await
        .body;
    let rows: Vec<(String, String, String)> = tb["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["debit"].as_str().unwrap().to_owned(),
                l["credit"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("1100".to_owned(), "79.16".to_owned(), "0.00".to_owned()),
            ("1200".to_owned(), "17.50".to_owned(), "0.00".to_owned()),
            ("2100".to_owned(), "0.00".to_owned(), "25.00".to_owned()),
            ("2200".to_owned(), "0.00".to_owned(), "13.19".to_owned()),
            ("4000".to_owned(), "0.00".to_owned(), "65.97".to_owned()),
            ("5000".to_owned(), "7.50".to_owned(), "0.00".to_owned()),
        ]
    );
    assert_eq!(
        (tb["total_debit"].as_str(), tb["total_credit"].as_str()),
        (Some("104.16"), Some("104.16"))
    );
    let csv = t
        .get("/api/v1/reports/trial-balance?as_of=2026-01-31&format=csv")
        .await
        .text;
    let mut expected = String::from("account,name,account_type,debit,credit\n");
    for l in tb["lines"].as_array().unwrap() {
        expected.push_str(&format!(
            "{},{},{},{},{}\n",
            l["account"].as_str().unwrap(),
            l["name"].as_str().unwrap(),
            l["account_type"].as_str().unwrap(),
            l["debit"].as_str().unwrap(),
            l["credit"].as_str().unwrap()
        ));
    }
    expected.push_str("total,,,104.16,104.16\n");
    assert_eq!(csv, expected);
    let all = t
        .get("/api/v1/reports/trial-balance?as_of=2026-12-31")
        .await
        .body;
    assert_eq!(
        all["total_debit"], "204.16",
        "the March cash sale counts from March"
    );
    let bad = t
        .get("/api/v1/reports/trial-balance?as_of=2026-13-01")
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "as_of")
    );
}

async fn profit_and_loss_and_balance_sheet_agree_with_the_ledger(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/accounts",
        json!({"code": "6000", "name": "Rent", "account_type": "expense"}),
    )
    .await;
    receive(&t, "WIDGET", "10", "2.50").await; // stock 25.00 against pending receipts
    let inv = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-10", "lines": [{"item": "WIDGET", "quantity": "3", "unit_price": "19.99", "tax_code": "VAT20"}]})).await;
    save(&t, &inv).await; // sales 65.97, tax 13.19, receivable 79.16, cost 7.50
    t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-20", "lines": [{"account": "6000", "debit": "12.00"}, {"account": "1000", "credit": "12.00"}]})).await;
    let pl = t
        .get("/api/v1/reports/profit-and-loss?from=2026-01-01&to=2026-01-31")
        .await
        .body;
    assert_eq!(
        (
            pl["income"]["total"].as_str(),
            pl["cost_of_sales"]["total"].as_str(),
            pl["gross_profit"].as_str()
        ),
        (Some("65.97"), Some("7.50"), Some("58.47"))
    );
    assert_eq!(
        (pl["expenses"]["total"].as_str(), pl["net_profit"].as_str()),
        (Some("12.00"), Some("46.47"))
    );
    let feb = t
        .get("/api/v1/reports/profit-and-loss?from=2026-02-01&to=2026-02-28")
        .await
        .body;
    assert_eq!(feb["net_profit"], "0.00");
    let bs = t
        .get("/api/v1/reports/balance-sheet?as_of=2026-01-31")
        .await
        .body;
    // Assets: bank -12.00, receivable 79.16, stock 17.50 = 84.66; liabilities: pending 25.00 + tax 13.19 = 38.19; earnings 46.47.
    assert_eq!(bs["assets"]["total"], "84.66");
    assert_eq!(bs["liabilities"]["total"], "38.19");
    assert_eq!(bs["current_earnings"], "46.47");
    assert_eq!(bs["total_liabilities_and_equity"], bs["assets"]["total"]);
    let bad = t
        .get("/api/v1/reports/profit-and-loss?from=2026-02-01&to=2026-01-01")
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "from")
    );
}

async fn year_end_close_moves_profit_to_retained_earnings_and_locks(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/accounts",
        json!({"code": "6000", "name": "Rent", "account_type": "expense"}),
    )
    .await;
    receive(&t, "WIDGET", "10", "2.50").await;
    let inv = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-10", "lines": [{"item": "WIDGET", "quantity": "3", "unit_price": "19.99", "tax_code": "VAT20"}]})).await;
    save(&t, &inv).await;
    t.json(Method::POST, "/api/v1/journals", json!({"date": "2026-01-20", "lines": [{"account": "6000", "debit": "12.00"}, {"account": "1000", "credit": "12.00"}]})).await;
    let closed = t
        .json(
            Method::POST,
            "/api/v1/periods/year-end",
            json!({"date": "2026-12-31"}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::CREATED, "{}", closed.text);
    assert_eq!(closed.body["profit"], "46.47");
    let tb = t
        .get("/api/v1/reports/trial-balance?as_of=2026-12-31")
        .await
        .body;
    let types: Vec<_> = tb["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["account_type"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        types
            .iter()
            .all(|t| !["income", "other_income", "cost_of_sales", "expense"].contains(&t.as_str())),
        "P&L accounts at zero: {types:?}"
    );
    let retained = tb["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["account"] == "3000")
        .unwrap()
        .clone();
    assert_eq!(retained["credit"], "46.47");
    assert_eq!(tb["total_debit"], tb["total_credit"]);
    // The year's P&L still shows what was earned; the balance sheet shows it as retained earnings.
    let pl = t
        .get("/api/v1/reports/profit-and-loss?from=2026-01-01&to=2026-12-31")
        .await
        .body;
    assert_eq!(pl["net_profit"], "46.47");
    let bs = t
        .get("/api/v1/reports/balance-sheet?as_of=2026-12-31")
        .await
        .body;
    assert_eq!(
        (
            bs["equity"]["total"].as_str(),
            bs["current_earnings"].as_str()
        ),
        (Some("46.47"), Some("0.00"))
    );
    assert_eq!(
        t.get("/api/v1/periods").await.body["lock_date"],
        "2026-12-31"
    );
    let again = t
        .json(
            Method::POST,
            "/api/v1/periods/year-end",
            json!({"date": "2026-12-31"}),
        )
        .await;
    assert_eq!(
        (again.status, again.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "date")
    );
    invariants(&t).await;
}

async fn stock_valuation_agrees_with_the_stock_account_and_the_ledger_runs(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "2.50").await; // 2026-01-02
    let tr = doc(&t, json!({"doc_type": "stock_transfer", "date": "2026-01-03", "site": "MAIN", "to_site": "EAST", "lines": [{"item": "WIDGET", "quantity": "4"}]})).await;
    save(&t, &tr).await;
    let inv = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-02-01", "lines": [{"item": "WIDGET", "quantity": "1", "unit_price": "5"}]})).await;
    save(&t, &inv).await;
    let jan = t
        .get("/api/v1/reports/stock-valuation?as_of=2026-01-31")
        .await
        .body;
    let rows: Vec<_> = jan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["site"].as_str().unwrap().to_owned(),
                l["quantity"].as_str().unwrap().to_owned(),
                l["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("MAIN".to_owned(), "6".to_owned(), "15.00".to_owned()),
            ("EAST".to_owned(), "4".to_owned(), "10.00".to_owned())
        ]
    );
    assert_eq!(
        (jan["total"].as_str(), jan["stock_account"].as_str()),
        (Some("25.00"), Some("25.00"))
    );
    let feb = t
        .get("/api/v1/reports/stock-valuation?as_of=2026-02-28")
        .await
        .body;
    assert_eq!(
        (feb["total"].as_str(), feb["stock_account"].as_str()),
        (Some("22.50"), Some("22.50"))
    );
    let gl = t
        .get("/api/v1/reports/general-ledger?account=1200&from=2026-02-01&to=2026-02-28")
        .await
        .body;
    assert_eq!(
        (gl["opening"].as_str(), gl["closing"].as_str()),
        (Some("25.00"), Some("22.50"))
    );
    let line = &gl["lines"][0];
    assert_eq!(
        (
            line["credit"].as_str(),
            line["balance"].as_str(),
            line["document_id"].as_i64()
        ),
        (Some("2.50"), Some("22.50"), inv["id"].as_i64())
    );
    let bad = t
        .get("/api/v1/reports/general-ledger?account=NOPE&from=2026-02-01&to=2026-02-28")
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "account")
    );
}

async fn every_report_downloads_as_csv_with_the_json_figures(b: Backend) {
    let t = fixture(b).await;
    receive(&t, "WIDGET", "10", "2.50").await;
    let inv = doc(&t, json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-10", "lines": [{"item": "WIDGET", "quantity": "3", "unit_price": "19.99", "tax_code": "VAT20"}]})).await;
    save(&t, &inv).await;
    let c = t.get("/api/v1/customers?q=C-EU").await.body["items"][0]["id"].clone();
    for (path, amount_key) in [
        (
            "/api/v1/reports/profit-and-loss?from=2026-01-01&to=2026-12-31",
            "amount",
        ),
        ("/api/v1/reports/balance-sheet?as_of=2026-12-31", "amount"),
        (
            "/api/v1/reports/general-ledger?account=1100&from=2026-01-01&to=2026-12-31",
            "debit",
        ),
        ("/api/v1/reports/stock-valuation?as_of=2026-12-31", "value"),
        (
            &*format!("/api/v1/parties/{c}/statement?from=2026-01-01&to=2026-12-31"),
            "charge",
        ),
        ("/api/v1/reports/aged-receivables?as_of=2026-12-31", "total"),
    ] {
        let json = t.get(path).await.body;
        let csv = t.get(&format!("{path}&format=csv")).await.text;
        let mut rows = csv.lines();
        let header: Vec<&str> = rows.next().unwrap().split(',').collect();
        let col = header
            .iter()
            .position(|h| *h == amount_key)
            .unwrap_or_else(|| panic!("{path}: no {amount_key} in {header:?}"));
        // Line rows only: the summary rows after them carry the totals.
        let summary = header.iter().position(|h| *h == "summary");
        let csv_values: Vec<String> = rows
            .filter(|r| summary.is_none_or(|s| r.split(',').nth(s).unwrap_or("").is_empty()))
            .map(|r| r.split(',').nth(col).unwrap().to_owned())
            .collect();
        let mut json_values = Vec::new();
        fn walk(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
            if let serde_json::Value::Object(m) = v {
                for (k, child) in m {
                    if (k == "lines" || k == "parties") && child.is_array() {
                        for row in child.as_array().unwrap() {
                            out.push(row[key].as_str().unwrap_or_default().to_owned());
                        }
                    } else {
                        walk(child, key, out);
                    }
                }
            }
        }
        walk(&json, amount_key, &mut json_values);
        assert!(!json_values.is_empty(), "{path}");
        let (mut a, mut b) = (csv_values.clone(), json_values.clone());
        a.sort();
        b.sort();
        assert_eq!(a, b, "{path}: CSV and JSON carry the same figures");
    }
    let bad = t
        .get("/api/v1/reports/balance-sheet?as_of=2026-12-31&format=xml")
        .await;
    assert_eq!(
        (bad.status, bad.field()),
        (StatusCode::BAD_REQUEST, "format")
    );
}
