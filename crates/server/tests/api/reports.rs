//! One fixture company, every report hand-checked, and each report's CSV carrying its JSON figures.

use axum::http::StatusCode;
use cartwright_store::Backend;
use serde_json::{Value, json};

use crate::{
    documents::{doc, fixture, save},
    helpers::TestApp,
};

crate::on_both_backends!(every_report_of_a_hand_checked_company_is_right_and_its_csv_matches);

/// Jan–Feb 2026 in USD: goods in, a EUR invoice with VAT paid at a better rate, a USD
/// service invoice, a bill partly paid.
async fn company(b: Backend) -> TestApp {
    let t = fixture(b).await;
    let post = |body: Value| {
        let t = &t;
        async move { save(t, &doc(t, body).await).await }
    };
    post(
        json!({"doc_type": "item_receipt", "party": "V-US", "date": "2026-01-02", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "10", "unit_price": "2.50"}]}),
    )
    .await;
    let eu = post(
        json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-01-10", "site": "MAIN",
        "lines": [{"item": "WIDGET", "quantity": "4", "unit_price": "10", "tax_code": "VAT20"}]}),
    )
    .await;
    post(
        json!({"doc_type": "sales_invoice", "party": "C-US", "date": "2026-01-15",
        "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "100"}]}),
    )
    .await;
    let bill = post(
        json!({"doc_type": "bill", "party": "V-US", "date": "2026-01-20",
        "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "30"}]}),
    )
    .await;
    for body in [
        json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "48", "exchange_rate": "1.20", "allocations": [{"document": eu["id"]}]}),
        json!({"kind": "payment", "party": "V-US", "date": "2026-02-10", "amount": "10", "allocations": [{"document": bill["id"]}]}),
    ] {
        let a = t
            .json(axum::http::Method::POST, "/api/v1/payments", body)
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    }
    t
}

/// A report's JSON, after checking its CSV download carries the same rows and figures.
async fn report(t: &TestApp, path: &str) -> Value {
    let a = t.get(path).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
    let sep = if path.contains('?') { '&' } else { '?' };
    let csv = t.get(&format!("{path}{sep}format=csv")).await.text;
    csv_matches(path, &a.body, &csv);
    a.body
}

/// Splits one CSV line (quoted cells may hold commas).
fn split(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Every row of the JSON's `lines`/`parties` arrays is a CSV row with the same cells, in
/// order, and every figure outside them is a summary row.
fn csv_matches(path: &str, json: &Value, csv: &str) {
    fn walk(
        v: &Value,
        section: &str,
        rows: &mut Vec<(String, Value)>,
        figures: &mut Vec<(String, String, String)>,
    ) {
        let Value::Object(map) = v else { return };
        for (k, child) in map {
            let path = if section.is_empty() {
                k.clone()
            } else {
                format!("{section}.{k}")
            };
            match child {
                Value::Array(items) if k == "lines" || k == "parties" => {
                    rows.extend(items.iter().map(|r| (section.to_owned(), r.clone())));
                }
                Value::Object(_) => walk(child, &path, rows, figures),
                Value::String(s) if s.contains('.') && s.parse::<f64>().is_ok() => {
                    figures.push((section.to_owned(), k.clone(), s.clone()));
                }
                _ => {}
            }
        }
    }
    let (mut rows, mut figures) = (Vec::new(), Vec::new());
    walk(json, "", &mut rows, &mut figures);
    let mut lines = csv.lines();
    let header = split(lines.next().unwrap());
    let body: Vec<Vec<String>> = lines.map(split).collect();
    let cell = |row: &[String], name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .map(|i| row[i].clone())
    };
    for (i, (section, r)) in rows.iter().enumerate() {
        let csv_row = &body[i];
        if let Some(s) = cell(csv_row, "section") {
            assert_eq!(&s, section, "{path}: row {i} section");
        }
        for (k, v) in r.as_object().unwrap() {
            let cells: Vec<(String, Value)> = match v {
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(j, x)| (format!("{k}[{j}]"), x.clone()))
                    .collect(),
                other => vec![(k.clone(), other.clone())],
            };
            for (name, value) in cells {
                let want = match value {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                assert_eq!(
                    cell(csv_row, &name).as_deref(),
                    Some(want.as_str()),
                    "{path}: row {i} column {name}"
                );
            }
        }
    }
    let mut summary: Vec<(String, String, String)> = body[rows.len()..]
        .iter()
        .map(|r| {
            let s = cell(r, "section").unwrap_or_default();
            (
                s,
                cell(r, "summary").unwrap_or_default(),
                cell(r, "summary_value").unwrap_or_default(),
            )
        })
        .collect();
    summary.sort();
    figures.sort();
    assert_eq!(
        summary, figures,
        "{path}: the CSV's summary rows are the JSON's figures"
    );
}

async fn every_report_of_a_hand_checked_company_is_right_and_its_csv_matches(b: Backend) {
    let t = company(b).await;
    // Hand-checked ledger at 28 Feb (USD): goods in 25.00 (Dr stock / Cr pending receipts);
    // EUR 48.00 invoice at 1.10 = 52.80 (sales 44.00, VAT 8.80), cost 4 × 2.50 = 10.00;
    // service invoice 100.00; bill 30.00 to cost of sales; EUR 48.00 received at 1.20 = 57.60
    // (gain 4.80); 10.00 paid on the bill.
    let tb = t
        .get("/api/v1/reports/trial-balance?as_of=2026-02-28")
        .await
        .body;
    let got: Vec<(String, String, String)> = tb["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().into(),
                l["debit"].as_str().unwrap().into(),
                l["credit"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("1000", "0.00", "10.00"),
        ("1001", "57.60", "0.00"),
        ("1100", "100.00", "0.00"),
        ("1200", "15.00", "0.00"),
        ("2000", "0.00", "20.00"),
        ("2100", "0.00", "25.00"),
        ("2200", "0.00", "8.80"),
        ("4000", "0.00", "144.00"),
        ("5000", "40.00", "0.00"),
        ("7000", "0.00", "4.80"),
    ]
    .map(|(a, d, c)| (a.to_owned(), d.to_owned(), c.to_owned()));
    assert_eq!(got, want);
    assert_eq!(
        (tb["total_debit"].as_str(), tb["total_credit"].as_str()),
        (Some("212.60"), Some("212.60"))
    );
    let tb_csv = t
        .get("/api/v1/reports/trial-balance?as_of=2026-02-28&format=csv")
        .await
        .text;
    let tb_rows: Vec<Vec<String>> = tb_csv.lines().skip(1).map(split).collect();
    for (row, (a, d, c)) in tb_rows.iter().zip(&want) {
        assert_eq!((&row[0], &row[3], &row[4]), (a, d, c));
    }
    assert_eq!(
        tb_rows.last().unwrap()[3..],
        ["212.60".to_owned(), "212.60".to_owned()]
    );

    // February against January: January earned 144.00 − 40.00 = 104.00; February only the FX gain.
    let pl = report(&t, "/api/v1/reports/profit-and-loss?from=2026-02-01&to=2026-02-28&compare_from=2026-01-01&compare_to=2026-01-31").await;
    assert_eq!(pl["net_profit"], "4.80");
    assert_eq!(pl["other_income"]["total"], "4.80");
    assert_eq!(pl["comparison"]["income"]["total"], "144.00");
    assert_eq!(pl["comparison"]["cost_of_sales"]["total"], "40.00");
    assert_eq!(pl["comparison"]["gross_profit"], "104.00");
    assert_eq!(pl["comparison"]["net_profit"], "104.00");

    // Assets 162.60 = liabilities 53.80 + this year's earnings 108.80.
    let bs = report(&t, "/api/v1/reports/balance-sheet?as_of=2026-02-28").await;
    assert_eq!(bs["assets"]["total"], "162.60");
    assert_eq!(
        bs["assets"]["lines"][0]["amount"], "-10.00",
        "the USD bank is overdrawn by the bill payment"
    );
    assert_eq!(bs["liabilities"]["total"], "53.80");
    assert_eq!(bs["current_earnings"], "108.80");
    assert_eq!(bs["total_liabilities_and_equity"], "162.60");

    // Receivables: 52.80, 100.00, −57.60, +4.80 with the running balance.
    let gl = report(
        &t,
        "/api/v1/reports/general-ledger?account=1100&from=2026-01-01&to=2026-02-28",
    )
    .await;
    let run: Vec<(&str, &str, &str, &str)> = gl["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["number"].as_str().unwrap(),
                l["debit"].as_str().unwrap(),
                l["credit"].as_str().unwrap(),
                l["balance"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        run,
        [
            ("INV-000001", "52.80", "0.00", "52.80"),
            ("INV-000002", "100.00", "0.00", "152.80"),
            ("RCT-000001", "0.00", "57.60", "95.20"),
            ("RCT-000001", "4.80", "0.00", "100.00"),
        ]
    );
    assert_eq!(
        (gl["opening"].as_str(), gl["closing"].as_str()),
        (Some("0.00"), Some("100.00"))
    );

    // The USD invoice of 15 Jan is 44 days old; the bill of 20 Jan, 39 days with 20.00 left.
    let ar = report(&t, "/api/v1/reports/aged-receivables?as_of=2026-02-28").await;
    assert_eq!(
        ar["parties"].as_array().unwrap().len(),
        1,
        "the EUR customer is settled"
    );
    assert_eq!(ar["parties"][0]["party"], "C-US");
    assert_eq!(
        ar["parties"][0]["buckets"],
        json!(["0.00", "0.00", "100.00", "0.00", "0.00"])
    );
    assert_eq!(ar["base_total"], "100.00");
    let ap = report(&t, "/api/v1/reports/aged-payables?as_of=2026-02-28").await;
    assert_eq!(
        ap["parties"][0]["buckets"],
        json!(["0.00", "0.00", "20.00", "0.00", "0.00"])
    );
    assert_eq!(ap["base_total"], "20.00");

    // 6 widgets at 2.50, equal to the stock account.
    let sv = report(&t, "/api/v1/reports/stock-valuation?as_of=2026-02-28").await;
    assert_eq!(
        sv["lines"],
        json!([{"item": "WIDGET", "site": "MAIN", "quantity": "6", "value": "15.00"}])
    );
    assert_eq!(
        (sv["total"].as_str(), sv["stock_account"].as_str()),
        (Some("15.00"), Some("15.00"))
    );

    let fx = t
        .get("/api/v1/reports/fx-gains-losses?from=2026-01-01&to=2026-02-28")
        .await
        .body;
    assert_eq!(
        (
            fx["realised"].as_str(),
            fx["unrealised"].as_str(),
            fx["total"].as_str()
        ),
        (Some("4.80"), Some("0.00"), Some("4.80"))
    );
    let fx_csv = t
        .get("/api/v1/reports/fx-gains-losses?from=2026-01-01&to=2026-02-28&format=csv")
        .await
        .text;
    assert_eq!(
        fx_csv,
        "from,realised,to,total,unrealised\n2026-01-01,4.80,2026-02-28,4.80,0.00\n"
    );

    // The EUR customer's statement: 48.00 charged, 48.00 received, nothing owed.
    let c_eu = t.get("/api/v1/customers?q=C-EU").await.body["items"][0]["id"].clone();
    let st = report(
        &t,
        &format!("/api/v1/parties/{c_eu}/statement?from=2026-01-01&to=2026-02-28"),
    )
    .await;
    let lines: Vec<(&str, &str, &str, &str)> = st["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["number"].as_str().unwrap(),
                l["charge"].as_str().unwrap(),
                l["credit"].as_str().unwrap(),
                l["balance"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("INV-000001", "48.00", "0.00", "48.00"),
            ("RCT-000001", "0.00", "48.00", "0.00")
        ]
    );
    assert_eq!(
        (st["currency"].as_str(), st["closing"].as_str()),
        (Some("EUR"), Some("0.00"))
    );
}
