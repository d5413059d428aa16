//! Receipts, payments, allocation and realised exchange differences, to the cent.

use axum::http::{Method, StatusCode};
use cartwright_store::Backend;
use serde_json::{Value, json};

use crate::{
    documents::{doc, e, entries, fixture, invariants, save},
    helpers::TestApp,
};

crate::on_both_backends!(
    invoice_settled_at_a_higher_rate_posts_a_realised_gain,
    payable_settled_at_a_lower_rate_posts_a_gain,
    two_partial_receipts_then_the_last_closes_the_item_in_both_currencies,
    credit_note_at_another_rate_clears_the_base_residual,
    receivables_control_equals_open_base_residuals_and_bad_allocations_are_refused,
    aged_receivables_bucket_by_due_date_at_a_date,
    year_end_revaluation_then_settlement_in_the_next_period,
    bank_transfers_across_currencies_keep_both_amounts_and_the_fee,
    statements_show_charges_credits_and_a_running_balance,
    a_rate_quoted_as_foreign_per_base_converts_eur_400_at_1_20_to_usd_333_33,
    refunds_pay_out_a_credit_with_the_exchange_difference,
    a_payment_into_another_currency_s_bank_or_a_revaluation_without_a_rate_is_refused_and_stores_nothing,
    write_offs_clear_what_is_left_at_its_carrying_amount,
);

async fn invoice(t: &TestApp, party: &str, price: &str) -> Value {
    let kind = if party.starts_with('V') {
        "bill"
    } else {
        "sales_invoice"
    };
    save(t, &doc(t, json!({"doc_type": kind, "party": party, "date": "2026-01-10", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": price}]})).await).await
}

async fn pay(t: &TestApp, body: Value) -> Value {
    let a = t.json(Method::POST, "/api/v1/payments", body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body
}

async fn control(t: &TestApp, role: &str) -> i64 {
    let mut tx = t.app.store().read().await.unwrap();
    let id = tx.role_account(role, None).await.unwrap().unwrap();
    tx.account_balances()
        .await
        .unwrap()
        .into_iter()
        .find(|(a, _)| *a == id)
        .map_or(0, |b| b.1)
}

async fn invoice_settled_at_a_higher_rate_posts_a_realised_gain(b: Backend) {
    let t = fixture(b).await;
    let inv = invoice(&t, "C-EU", "100").await; // EUR 100.00 at 1.10 = USD 110.00
    let rct = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "100", "exchange_rate": "1.2", "allocations": [{"document": inv["id"]}]})).await;
    assert_eq!(
        (
            rct["doc_type"].as_str(),
            rct["number"].as_str(),
            rct["base_total"].as_str()
        ),
        (Some("customer_receipt"), Some("RCT-000001"), Some("120.00"))
    );
    assert_eq!(
        entries(&t, &rct).await,
        [
            e("1001", "120.00", "0.00"),
            e("1100", "0.00", "120.00"),
            e("1100", "10.00", "0.00"),
            e("7000", "0.00", "10.00")
        ]
    );
    let open = t.get("/api/v1/open-items?customer=C-EU").await.body;
    assert!(open.as_array().unwrap().is_empty(), "{open}");
    assert_eq!(control(&t, "receivable").await, 0);
    invariants(&t).await;
}

async fn payable_settled_at_a_lower_rate_posts_a_gain(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/vendors",
        json!({"code": "V-EU", "name": "Euro Maker", "currency": "EUR"}),
    )
    .await;
    let bill = invoice(&t, "V-EU", "200").await; // EUR 200.00 at 1.10 = USD 220.00
    let pmt = pay(&t, json!({"kind": "payment", "party": "V-EU", "date": "2026-02-01", "amount": "200", "exchange_rate": "1.05", "allocations": [{"document": bill["id"]}]})).await;
    // Paid USD 210.00 for a debt carried at 220.00: a gain of 10.00.
    assert_eq!(
        entries(&t, &pmt).await,
        [
            e("1001", "0.00", "210.00"),
            e("2000", "210.00", "0.00"),
            e("2000", "10.00", "0.00"),
            e("7000", "0.00", "10.00")
        ]
    );
    assert_eq!(control(&t, "payable").await, 0);
    assert!(
        t.get("/api/v1/open-items?vendor=V-EU")
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    invariants(&t).await;
}

async fn two_partial_receipts_then_the_last_closes_the_item_in_both_currencies(b: Backend) {
    let t = fixture(b).await;
    let inv = invoice(&t, "C-EU", "100").await; // USD 110.00
    // EUR 30 at 1.20 = 36.00 against 33.00 carried: gain 3.00.
    let first = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "30", "exchange_rate": "1.2", "allocations": [{"document": inv["id"]}]})).await;
    assert_eq!(
        entries(&t, &first).await[2..],
        [e("1100", "3.00", "0.00"), e("7000", "0.00", "3.00")]
    );
    let open = t.get("/api/v1/open-items?customer=C-EU").await.body;
    assert_eq!(
        (
            open[0]["residual"].as_str(),
            open[0]["base_residual"].as_str()
        ),
        (Some("70.00"), Some("77.00"))
    );
    // EUR 70 at 1.00 = 70.00 against the 77.00 left: loss 7.00, and nothing remains in either currency.
    let last = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-03-01", "amount": "70", "exchange_rate": "1", "allocations": [{"document": inv["id"]}]})).await;
    assert_eq!(
        entries(&t, &last).await[2..],
        [e("1100", "0.00", "7.00"), e("7000", "7.00", "0.00")]
    );
    assert!(
        t.get("/api/v1/open-items?customer=C-EU")
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(control(&t, "receivable").await, 0);
    invariants(&t).await;
}

async fn credit_note_at_another_rate_clears_the_base_residual(b: Backend) {
    let t = fixture(b).await;
    let inv = invoice(&t, "C-EU", "100").await; // USD 110.00
    let cn = save(&t, &doc(&t, json!({"doc_type": "credit_note", "party": "C-EU", "date": "2026-02-01", "exchange_rate": "1.2", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "100"}]})).await).await;
    assert_eq!(cn["base_total"], "120.00");
    let left = t
        .json(
            Method::POST,
            &format!("/api/v1/payments/{}/allocate", cn["id"]),
            json!({"allocations": [{"document": inv["id"], "amount": "100"}]}),
        )
        .await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.text);
    assert!(
        left.body.as_array().unwrap().is_empty(),
        "nothing open in either currency: {}",
        left.body
    );
    let fx: Vec<_> = entries(&t, &cn)
        .await
        .into_iter()
        .filter(|x| x.0 == "7000")
        .collect();
    assert_eq!(fx, [e("7000", "0.00", "10.00")]);
    assert_eq!(control(&t, "receivable").await, 0);
    invariants(&t).await;
}

async fn receivables_control_equals_open_base_residuals_and_bad_allocations_are_refused(
    b: Backend,
) {
    let t = fixture(b).await;
    let a = invoice(&t, "C-EU", "100").await; // 110.00
    let b2 = invoice(&t, "C-EU", "50").await; // 55.00
    let rct = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "120", "exchange_rate": "1.15", "auto_allocate": true})).await;
    // Oldest first: all of A (100) and 20 of B; nothing left on the receipt.
    let open = t.get("/api/v1/open-items?customer=C-EU").await.body;
    let rows: Vec<_> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["id"].as_i64().unwrap(),
                o["residual"].as_str().unwrap().to_owned(),
                o["base_residual"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(
            b2["id"].as_i64().unwrap(),
            "30.00".to_owned(),
            "33.00".to_owned()
        )]
    );
    let residual_sum: i64 = 3_300;
    assert_eq!(
        control(&t, "receivable").await,
        residual_sum,
        "receivables control = sum of open base residuals"
    );
    // Refusals: too much, a settled invoice's void, the wrong party, a receipt through /documents.
    let too_much = t
        .json(
            Method::POST,
            &format!("/api/v1/payments/{}/allocate", rct["id"]),
            json!({"allocations": [{"document": b2["id"], "amount": "1"}]}),
        )
        .await;
    assert_eq!(
        (too_much.status, too_much.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "allocations[0].document")
    );
    let void = t
        .json(
            Method::POST,
            &format!("/api/v1/documents/{}/void", a["id"]),
            json!({}),
        )
        .await;
    assert_eq!(
        (void.status, void.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "status")
    );
    let us = invoice(&t, "C-US", "10").await;
    let other = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-02", "amount": "5", "exchange_rate": "1.1"})).await;
    let wrong = t
        .json(
            Method::POST,
            &format!("/api/v1/payments/{}/allocate", other["id"]),
            json!({"allocations": [{"document": us["id"]}]}),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "allocations[0].document")
    );
    let via_docs = t
        .json(
            Method::POST,
            "/api/v1/documents",
            json!({"doc_type": "customer_receipt", "party": "C-EU", "date": "2026-02-02"}),
        )
        .await;
    assert_eq!(
        (via_docs.status, via_docs.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "doc_type")
    );
    let zero = t
        .json(
            Method::POST,
            "/api/v1/payments",
            json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-02", "amount": "0"}),
        )
        .await;
    assert_eq!(
        (zero.status, zero.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "amount")
    );
    // The unallocated receipt is an open credit of the customer.
    let open = t.get("/api/v1/open-items?customer=C-EU").await.body;
    assert!(
        open.as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == other["id"] && o["residual"] == "-5.00"),
        "{open}"
    );
    assert_eq!(
        control(&t, "receivable").await,
        3_300 + 1_000 - 550,
        "B left 33.00, the USD invoice 10.00, less the unallocated 5.50"
    );
    invariants(&t).await;
}

async fn aged_receivables_bucket_by_due_date_at_a_date(b: Backend) {
    let t = fixture(b).await;
    // C-EU pays in 30 days: an invoice of 2026-01-10 falls due 2026-02-09.
    let inv = invoice(&t, "C-EU", "100").await;
    let early = t
        .get("/api/v1/reports/aged-receivables?as_of=2026-01-31")
        .await
        .body;
    assert_eq!(
        early["parties"][0]["buckets"],
        json!(["100.00", "0.00", "0.00", "0.00", "0.00"])
    );
    assert_eq!(
        early["parties"][0]["base_buckets"],
        json!(["110.00", "0.00", "0.00", "0.00", "0.00"])
    );
    let late = t
        .get("/api/v1/reports/aged-receivables?as_of=2026-04-15")
        .await
        .body;
    assert_eq!(
        late["parties"][0]["buckets"],
        json!(["0.00", "0.00", "0.00", "100.00", "0.00"]),
        "65 days past due"
    );
    // Part paid on 2026-03-01: counted from that date on, not before.
    pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-03-01", "amount": "40", "exchange_rate": "1.1", "allocations": [{"document": inv["id"]}]})).await;
    let before = t
        .get("/api/v1/reports/aged-receivables?as_of=2026-02-28")
        .await
        .body;
    assert_eq!(before["parties"][0]["total"], "100.00");
    let after = t
        .get("/api/v1/reports/aged-receivables?as_of=2026-04-15")
        .await
        .body;
    assert_eq!(
        (
            after["parties"][0]["total"].as_str(),
            after["base_total"].as_str()
        ),
        (Some("60.00"), Some("66.00"))
    );
    assert!(
        t.get("/api/v1/reports/aged-payables?as_of=2026-04-15")
            .await
            .body["parties"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn year_end_revaluation_then_settlement_in_the_next_period(b: Backend) {
    let t = fixture(b).await;
    t.create(
        "/api/v1/vendors",
        json!({"code": "V-EU", "name": "Euro Maker", "currency": "EUR"}),
    )
    .await;
    let inv = invoice(&t, "C-EU", "100").await; // EUR 100 carried at 110.00
    invoice(&t, "V-EU", "200").await; // bill EUR 200 carried at 220.00
    // EUR 30 received at 1.20 (36.00) against the invoice: the bank holds EUR 30 at 36.00, the invoice 70 at 77.00.
    pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-06-01", "amount": "30", "exchange_rate": "1.2", "allocations": [{"document": inv["id"]}]})).await;
    let r = t
        .json(
            Method::POST,
            "/api/v1/revaluations",
            json!({"date": "2026-12-31", "rates": {"EUR": "1.25"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let diffs: Vec<(String, String)> = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["currency"].as_str().unwrap().to_owned(),
                l["difference"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Invoice 70 × 1.25 = 87.50 (+10.50); bill 200 × 1.25 = 250.00 (-30.00); bank 30 × 1.25 = 37.50 (+1.50).
    assert_eq!(
        diffs,
        [
            ("EUR".to_owned(), "10.50".to_owned()),
            ("EUR".to_owned(), "-30.00".to_owned()),
            ("EUR".to_owned(), "1.50".to_owned())
        ]
    );
    assert_eq!(r.body["net"], "-18.00");
    let pl_2026 = t
        .get("/api/v1/reports/profit-and-loss?from=2026-01-01&to=2026-12-31")
        .await
        .body;
    let fx_2026: Vec<_> = pl_2026["other_income"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fx_2026,
        [
            ("7000".to_owned(), "3.00".to_owned()),
            ("7100".to_owned(), "-18.00".to_owned())
        ]
    );
    let bs = t
        .get("/api/v1/reports/balance-sheet?as_of=2026-12-31")
        .await
        .body;
    assert_eq!(bs["total_liabilities_and_equity"], bs["assets"]["total"]);
    // Next year: the revaluation is reversed on 1 January; the invoice is settled at 1.30 from its carrying 77.00.
    let rct = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2027-02-01", "amount": "70", "exchange_rate": "1.3", "allocations": [{"document": inv["id"]}]})).await;
    assert_eq!(
        entries(&t, &rct).await[2..],
        [e("1100", "14.00", "0.00"), e("7000", "0.00", "14.00")]
    );
    let pl_2027 = t
        .get("/api/v1/reports/profit-and-loss?from=2027-01-01&to=2027-12-31")
        .await
        .body;
    let fx_2027: Vec<_> = pl_2027["other_income"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // 2027 shows the reversal (+18.00) and the realised 14.00: the invoice earns 91.00 - 87.50 = 3.50 this year (14.00 - 10.50).
    assert_eq!(
        fx_2027,
        [
            ("7000".to_owned(), "14.00".to_owned()),
            ("7100".to_owned(), "18.00".to_owned())
        ]
    );
    assert!(
        t.get("/api/v1/open-items?customer=C-EU")
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    invariants(&t).await;
}

async fn bank_transfers_across_currencies_keep_both_amounts_and_the_fee(b: Backend) {
    let t = fixture(b).await;
    let banks = t.get("/api/v1/bank-accounts").await.body;
    let codes: Vec<_> = banks
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["code"].as_str().unwrap().to_owned(),
                a["currency"].as_str().unwrap().to_owned(),
                a["default"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("1000".to_owned(), "USD".to_owned(), true))
            && codes.contains(&("1001".to_owned(), "EUR".to_owned(), true)),
        "{codes:?}"
    );
    let petty = t
        .json(
            Method::POST,
            "/api/v1/bank-accounts",
            json!({"code": "1090", "name": "Petty cash", "currency": "USD"}),
        )
        .await;
    assert_eq!(
        (petty.status, petty.body["default"].as_bool()),
        (StatusCode::CREATED, Some(false))
    );
    // USD 1,100.00 out (plus a 5.00 fee) becomes EUR 1,000.00: implied 0.909091 EUR per USD.
    let tr = t.json(Method::POST, "/api/v1/bank-accounts/transfers", json!({"date": "2026-01-05", "from": "1000", "to": "1001", "amount": "1100", "amount_received": "1000", "fee": "5"})).await;
    assert_eq!(tr.status, StatusCode::CREATED, "{}", tr.text);
    assert_eq!(tr.body["implied_rate"], "0.909091");
    let j = t
        .get(&format!("/api/v1/journals/{}", tr.body["journal_id"]))
        .await
        .body;
    let lines: Vec<_> = j["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["account"].as_str().unwrap().to_owned(),
                l["debit"].as_str().unwrap().to_owned(),
                l["credit"].as_str().unwrap().to_owned(),
                l["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                "1000".to_owned(),
                "0.00".to_owned(),
                "1105.00".to_owned(),
                "-1105.00".to_owned()
            ),
            (
                "1001".to_owned(),
                "1100.00".to_owned(),
                "0.00".to_owned(),
                "1000.00".to_owned()
            ),
            (
                "7300".to_owned(),
                "5.00".to_owned(),
                "0.00".to_owned(),
                "5.00".to_owned()
            ),
        ]
    );
    let after = t.get("/api/v1/bank-accounts").await.body;
    let eur = after
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "1001")
        .unwrap()
        .clone();
    assert_eq!(
        (eur["balance"].as_str(), eur["base_balance"].as_str()),
        (Some("1000.00"), Some("1100.00"))
    );
    let missing = t
        .json(
            Method::POST,
            "/api/v1/bank-accounts/transfers",
            json!({"date": "2026-01-05", "from": "1000", "to": "1001", "amount": "10"}),
        )
        .await;
    assert_eq!(
        (missing.status, missing.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "amount_received")
    );
    let same = t
        .json(
            Method::POST,
            "/api/v1/bank-accounts/transfers",
            json!({"date": "2026-01-05", "from": "1000", "to": "1000", "amount": "10"}),
        )
        .await;
    assert_eq!(
        (same.status, same.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "to")
    );
    // Exchange results by period, and a P&L beside a comparison period.
    let inv = invoice(&t, "C-EU", "100").await;
    pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "100", "exchange_rate": "1.2", "allocations": [{"document": inv["id"]}]})).await;
    let fx = t
        .get("/api/v1/reports/fx-gains-losses?from=2026-02-01&to=2026-02-28")
        .await
        .body;
    assert_eq!(
        (
            fx["realised"].as_str(),
            fx["unrealised"].as_str(),
            fx["total"].as_str()
        ),
        (Some("10.00"), Some("0.00"), Some("10.00"))
    );
    let pl = t.get("/api/v1/reports/profit-and-loss?from=2026-02-01&to=2026-02-28&compare_from=2026-01-01&compare_to=2026-01-31").await.body;
    assert_eq!(
        (
            pl["net_profit"].as_str(),
            pl["comparison"]["net_profit"].as_str()
        ),
        (Some("10.00"), Some("105.00"))
    );
    invariants(&t).await;
}

async fn statements_show_charges_credits_and_a_running_balance(b: Backend) {
    let t = fixture(b).await;
    let c = t.get("/api/v1/customers?q=C-EU").await.body["items"][0].clone();
    invoice(&t, "C-EU", "100").await; // 2026-01-10
    pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "40", "exchange_rate": "1.1"})).await;
    let second = save(&t, &doc(&t, json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-02-10", "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "25"}]})).await).await;
    let st = t
        .get(&format!(
            "/api/v1/parties/{}/statement?from=2026-02-01&to=2026-02-28",
            c["id"]
        ))
        .await
        .body;
    assert_eq!(
        (
            st["currency"].as_str(),
            st["opening"].as_str(),
            st["closing"].as_str()
        ),
        (Some("EUR"), Some("100.00"), Some("85.00"))
    );
    let rows: Vec<_> = st["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["doc_type"].as_str().unwrap().to_owned(),
                l["charge"].as_str().unwrap().to_owned(),
                l["credit"].as_str().unwrap().to_owned(),
                l["balance"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "customer_receipt".to_owned(),
                "0.00".to_owned(),
                "40.00".to_owned(),
                "60.00".to_owned()
            ),
            (
                "sales_invoice".to_owned(),
                "25.00".to_owned(),
                "0.00".to_owned(),
                "85.00".to_owned()
            ),
        ]
    );
    assert_eq!(st["lines"][1]["number"], second["number"]);
    assert_eq!(
        t.get("/api/v1/parties/99999/statement?from=2026-02-01&to=2026-02-28")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn a_rate_quoted_as_foreign_per_base_converts_eur_400_at_1_20_to_usd_333_33(b: Backend) {
    let t = fixture(b).await;
    // The bank quotes 1.20 euros per dollar; we keep the quote and store dollars per euro.
    let rate = t
        .create(
            "/api/v1/exchange-rates",
            json!({"currency": "EUR", "date": "2026-03-01", "foreign_per_base": "1.20"}),
        )
        .await;
    assert_eq!(rate["rate"], "0.833333", "{rate}");
    assert_eq!(rate["quoted_foreign_per_base"], "1.2", "{rate}");
    let inv = save(
        &t,
        &doc(
            &t,
            json!({"doc_type": "sales_invoice", "party": "C-EU", "date": "2026-03-02",
            "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "400"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(inv["total"], "400.00");
    assert_eq!(inv["base_total"], "333.33", "not 333.32: {inv}");
    let lines = entries(&t, &inv).await;
    assert!(lines.contains(&e("1100", "333.33", "0.00")), "{lines:?}");
    invariants(&t).await;
}

async fn refunds_pay_out_a_credit_with_the_exchange_difference(b: Backend) {
    let t = fixture(b).await;
    // EUR 150 received at 1.10 with nothing to settle: the customer's credit (USD 165.00).
    let rct = pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "150", "exchange_rate": "1.10"})).await;
    // Paid back at 1.20: USD 180.00 leaves the bank; the USD 15.00 difference is a realised loss.
    let rfd = pay(&t, json!({"kind": "refund", "party": "C-EU", "date": "2026-02-10", "amount": "150", "exchange_rate": "1.20",
        "allocations": [{"document": rct["id"]}]})).await;
    assert_eq!(
        (rfd["doc_type"].as_str(), rfd["number"].as_str()),
        (Some("customer_refund"), Some("RFD-000001"))
    );
    assert_eq!(
        entries(&t, &rfd).await,
        [e("1001", "0.00", "180.00"), e("1100", "180.00", "0.00")]
    );
    let on_receipt = entries(&t, &rct).await;
    assert!(
        on_receipt.contains(&e("1100", "0.00", "15.00"))
            && on_receipt.contains(&e("7000", "15.00", "0.00")),
        "{on_receipt:?}"
    );
    let open = t.get("/api/v1/open-items?customer=C-EU").await.body;
    assert_eq!(open, json!([]), "nothing left open in either currency");
    assert_eq!(control(&t, "receivable").await, 0);
    // A refund pays out credits only, and never more than they hold.
    let inv = invoice(&t, "C-EU", "40").await;
    let bad = t
        .json(
            Method::POST,
            "/api/v1/payments",
            json!({"kind": "refund", "party": "C-EU", "date": "2026-02-11", "amount": "10",
        "allocations": [{"document": inv["id"]}]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(bad.field(), "allocations[0].document");
    assert!(
        bad.message().contains("a refund pays out a credit"),
        "{}",
        bad.text
    );
    let cn = save(
        &t,
        &doc(
            &t,
            json!({"doc_type": "credit_note", "party": "C-EU", "date": "2026-02-12",
        "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "30"}]}),
        )
        .await,
    )
    .await;
    let too_much = t
        .json(
            Method::POST,
            "/api/v1/payments",
            json!({"kind": "refund", "party": "C-EU", "date": "2026-02-13", "amount": "50",
        "exchange_rate": "1.10", "allocations": [{"document": cn["id"], "amount": "50"}]}),
        )
        .await;
    assert_eq!(
        too_much.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_much.text
    );
    assert_eq!(
        t.get("/api/v1/open-items?customer=C-EU")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing stored"
    );
    // Oldest credits first when asked to choose.
    let auto = pay(&t, json!({"kind": "refund", "party": "C-EU", "date": "2026-02-14", "amount": "30", "exchange_rate": "1.10", "auto_allocate": true})).await;
    assert_eq!(auto["base_total"], "33.00");
    let open: Vec<String> = t
        .get("/api/v1/open-items?customer=C-EU")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["doc_type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        open,
        ["sales_invoice"],
        "the credit note was paid out; the invoice stays"
    );
    // A vendor pays back our credit with them.
    let vc = save(
        &t,
        &doc(
            &t,
            json!({"doc_type": "vendor_credit", "party": "V-US", "date": "2026-02-15",
        "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "25"}]}),
        )
        .await,
    )
    .await;
    let vrf = pay(
        &t,
        json!({"kind": "vendor_refund", "party": "V-US", "date": "2026-02-16", "amount": "25",
        "allocations": [{"document": vc["id"]}]}),
    )
    .await;
    assert_eq!(vrf["number"], "VRF-000001");
    assert_eq!(
        entries(&t, &vrf).await,
        [e("1000", "25.00", "0.00"), e("2000", "0.00", "25.00")]
    );
    assert_eq!(
        t.get("/api/v1/open-items?vendor=V-US").await.body,
        json!([])
    );
    invariants(&t).await;
}

async fn a_payment_into_another_currency_s_bank_or_a_revaluation_without_a_rate_is_refused_and_stores_nothing(
    b: Backend,
) {
    let t = fixture(b).await;
    // A yen customer invoiced at a rate given on the document; no JPY rate is recorded.
    t.create(
        "/api/v1/customers",
        json!({"code": "C-JP", "name": "Yen Buyer", "currency": "JPY"}),
    )
    .await;
    save(&t, &doc(&t, json!({"doc_type": "sales_invoice", "party": "C-JP", "date": "2026-01-10", "exchange_rate": "0.0067",
        "lines": [{"item": "FITTING", "quantity": "1", "unit_price": "15000"}]})).await).await;
    let inv = invoice(&t, "C-EU", "100").await;
    let tb = || async {
        t.get("/api/v1/reports/trial-balance?as_of=2026-12-31")
            .await
            .body
    };
    let (before, audit_before) = (tb().await, t.count("audit").await);
    // EUR money into the USD bank account.
    let wrong_bank = t
        .json(
            Method::POST,
            "/api/v1/payments",
            json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01",
        "amount": "100", "bank_account": "1000", "allocations": [{"document": inv["id"]}]}),
        )
        .await;
    assert_eq!(
        (wrong_bank.status, wrong_bank.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "bank_account")
    );
    assert!(
        wrong_bank.message().contains("not a EUR bank account"),
        "{}",
        wrong_bank.text
    );
    // Month-end revaluation with the yen invoice open and no yen rate.
    let reval = t
        .json(
            Method::POST,
            "/api/v1/revaluations",
            json!({"date": "2026-01-31"}),
        )
        .await;
    assert_eq!(
        (reval.status, reval.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "rates")
    );
    assert!(
        reval
            .message()
            .contains("no JPY rate on or before 2026-01-31"),
        "{}",
        reval.text
    );
    // Over-allocation through a new payment: refused whole.
    let over = t.json(Method::POST, "/api/v1/payments", json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01",
        "amount": "150", "exchange_rate": "1.1", "allocations": [{"document": inv["id"], "amount": "120"}]})).await;
    assert_eq!(
        (over.status, over.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "allocations[0].document")
    );
    assert_eq!(tb().await, before, "nothing was posted");
    assert_eq!(t.count("audit").await, audit_before, "nothing was written");
    // Given a closing rate, the revaluation goes ahead.
    let ok = t
        .json(
            Method::POST,
            "/api/v1/revaluations",
            json!({"date": "2026-01-31", "rates": {"JPY": "0.0070"}}),
        )
        .await;
    assert!(ok.status.is_success(), "{}", ok.text);
    invariants(&t).await;
}

async fn write_offs_clear_what_is_left_at_its_carrying_amount(b: Backend) {
    let t = fixture(b).await;
    // EUR 100.00 at 1.10 (USD 110.00); EUR 95.00 received at 1.20 (USD 114.00, gain 9.50).
    let inv = invoice(&t, "C-EU", "100").await;
    pay(&t, json!({"kind": "receipt", "party": "C-EU", "date": "2026-02-01", "amount": "95", "exchange_rate": "1.20",
        "allocations": [{"document": inv["id"]}]})).await;
    // The last EUR 5.00 is written off at its carrying amount: USD 5.50, no exchange difference.
    let wo = pay(
        &t,
        json!({"kind": "write_off", "party": "C-EU", "date": "2026-03-01", "amount": "5",
        "allocations": [{"document": inv["id"]}]}),
    )
    .await;
    assert_eq!(
        (
            wo["doc_type"].as_str(),
            wo["number"].as_str(),
            wo["base_total"].as_str()
        ),
        (Some("customer_write_off"), Some("WO-000001"), Some("5.50"))
    );
    assert_eq!(
        entries(&t, &wo).await,
        [e("7400", "5.50", "0.00"), e("1100", "0.00", "5.50")]
    );
    assert_eq!(
        t.get("/api/v1/open-items?customer=C-EU").await.body,
        json!([])
    );
    assert_eq!(control(&t, "receivable").await, 0);
    // A vendor's last cent, written off to a named income account.
    t.create(
        "/api/v1/accounts",
        json!({"code": "4900", "name": "Sundry income", "account_type": "other_income"}),
    )
    .await;
    let bill = invoice(&t, "V-US", "30").await;
    pay(&t, json!({"kind": "payment", "party": "V-US", "date": "2026-02-01", "amount": "29.99", "allocations": [{"document": bill["id"]}]})).await;
    let vwo = pay(&t, json!({"kind": "vendor_write_off", "party": "V-US", "date": "2026-02-02", "amount": "0.01", "account": "4900", "auto_allocate": true})).await;
    assert_eq!(
        entries(&t, &vwo).await,
        [e("4900", "0.00", "0.01"), e("2000", "0.01", "0.00")]
    );
    assert_eq!(
        t.get("/api/v1/open-items?vendor=V-US").await.body,
        json!([])
    );
    // Refused: no item named, a bank or control account, a bank account given, more than is open.
    for (body, field) in [
        (
            json!({"kind": "write_off", "party": "C-US", "date": "2026-02-03", "amount": "1"}),
            "allocations",
        ),
        (
            json!({"kind": "write_off", "party": "C-US", "date": "2026-02-03", "amount": "1", "account": "1100", "auto_allocate": true}),
            "account",
        ),
        (
            json!({"kind": "write_off", "party": "C-US", "date": "2026-02-03", "amount": "1", "bank_account": "1000", "auto_allocate": true}),
            "bank_account",
        ),
        (
            json!({"kind": "receipt", "party": "C-US", "date": "2026-02-03", "amount": "1", "account": "7400"}),
            "account",
        ),
    ] {
        let a = t.json(Method::POST, "/api/v1/payments", body.clone()).await;
        assert_eq!(
            (a.status, a.field()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{body}: {}",
            a.text
        );
    }
    let us = invoice(&t, "C-US", "10").await;
    let over = t
        .json(
            Method::POST,
            "/api/v1/payments",
            json!({"kind": "write_off", "party": "C-US", "date": "2026-02-03", "amount": "11",
        "allocations": [{"document": us["id"], "amount": "11"}]}),
        )
        .await;
    assert_eq!(
        (over.status, over.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "allocations[0].document"),
        "{}",
        over.text
    );
    invariants(&t).await;
}
