//! Ledger routes: the period lock, manual journals, the trial balance.

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use cartwright_app::{
    App,
    banks::{BankAccount, BankAccountInput, Transfer, TransferInput},
    ledger::{
        JournalInput, JournalView, PeriodLock, PeriodLockInput, TrialBalance, YearEnd, YearEndInput,
    },
    reports::{BalanceSheet, FxGainsLosses, GeneralLedger, ProfitAndLoss, StockValuation},
    revaluation::{Revaluation, RevaluationInput},
};
use cartwright_core::{page::Page, user::Resource};
use serde::Deserialize;

use crate::{
    ApiError,
    extract::{ApiJson, Auth, ListParams, Path, Query},
    routing::{Doc, Routes, array_ref, page_ref, schema_ref},
};

/// Query of a report at a date.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AsOf {
    as_of: String,
    format: Option<String>,
}

async fn get_lock(State(app): State<App>, Auth(who): Auth) -> Result<Json<PeriodLock>, ApiError> {
    Ok(Json(app.period_lock(&who).await?))
}

async fn set_lock(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<PeriodLockInput>,
) -> Result<Json<PeriodLock>, ApiError> {
    Ok(Json(app.set_period_lock(&who, &input).await?))
}

async fn create_journal(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<JournalInput>,
) -> Result<(StatusCode, Json<JournalView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_journal(&who, &input).await?),
    ))
}

async fn read_journal(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<Json<JournalView>, ApiError> {
    Ok(Json(app.journal(&who, id).await?))
}

async fn list_journals(
    State(app): State<App>,
    Auth(who): Auth,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<JournalView>>, ApiError> {
    Ok(Json(app.list_journals(&who, &p.to_query()?).await?))
}

async fn trial_balance(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<AsOf>,
) -> Result<Response, ApiError> {
    let tb = app.trial_balance(&who, &q.as_of).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(tb).into_response()),
        Some("csv") => Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            tb.to_csv(),
        )
            .into_response()),
        Some(other) => Err(ApiError::bad_request(
            "bad_query",
            format!("format must be json or csv, not '{other}'"),
            Some("format".into()),
        )),
    }
}

/// Query of a report over a period.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Period {
    from: String,
    to: String,
    format: Option<String>,
}

/// Query of the profit and loss, with an optional comparison period.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlParams {
    from: String,
    to: String,
    compare_from: Option<String>,
    compare_to: Option<String>,
    format: Option<String>,
}

/// Query of a report at a date (JSON only).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AsOfOnly {
    as_of: String,
    format: Option<String>,
}

async fn profit_and_loss(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<PlParams>,
) -> Result<Response, ApiError> {
    let pl: ProfitAndLoss = match (q.compare_from, q.compare_to) {
        (Some(cf), Some(ct)) => {
            app.profit_and_loss_compared(&who, &q.from, &q.to, &cf, &ct)
                .await?
        }
        (None, None) => app.profit_and_loss(&who, &q.from, &q.to).await?,
        _ => {
            return Err(ApiError::bad_request(
                "bad_query",
                "give both compare_from and compare_to, or neither",
                Some("compare_from".into()),
            ));
        }
    };
    crate::csv_report::respond(&pl, q.format.as_deref())
}

async fn fx_gains_losses(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<Period>,
) -> Result<Response, ApiError> {
    let fx: FxGainsLosses = app.fx_gains_losses(&who, &q.from, &q.to).await?;
    if q.format.as_deref() == Some("csv") {
        // One row: the period's figures.
        return crate::csv_report::respond(&serde_json::json!({ "lines": [fx] }), Some("csv"));
    }
    crate::csv_report::respond(&fx, q.format.as_deref())
}

async fn bank_accounts(
    State(app): State<App>,
    Auth(who): Auth,
) -> Result<Json<Vec<BankAccount>>, ApiError> {
    Ok(Json(app.bank_accounts(&who).await?))
}

async fn create_bank_account(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<BankAccountInput>,
) -> Result<(StatusCode, Json<BankAccount>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_bank_account(&who, &input).await?),
    ))
}

async fn transfer(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<TransferInput>,
) -> Result<(StatusCode, Json<Transfer>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.transfer(&who, &input).await?)))
}

async fn balance_sheet(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<AsOfOnly>,
) -> Result<Response, ApiError> {
    let bs: BalanceSheet = app.balance_sheet(&who, &q.as_of).await?;
    crate::csv_report::respond(&bs, q.format.as_deref())
}

async fn stock_valuation(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<AsOfOnly>,
) -> Result<Response, ApiError> {
    let sv: StockValuation = app.stock_valuation(&who, &q.as_of).await?;
    crate::csv_report::respond(&sv, q.format.as_deref())
}

/// Query of the general ledger.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerParams {
    account: String,
    from: String,
    to: String,
    format: Option<String>,
}

async fn general_ledger(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<LedgerParams>,
) -> Result<Response, ApiError> {
    let gl: GeneralLedger = app.general_ledger(&who, &q.account, &q.from, &q.to).await?;
    crate::csv_report::respond(&gl, q.format.as_deref())
}

async fn year_end(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<YearEndInput>,
) -> Result<(StatusCode, Json<YearEnd>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.close_year(&who, &input).await?),
    ))
}

async fn revalue(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<RevaluationInput>,
) -> Result<(StatusCode, Json<Revaluation>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.revalue(&who, &input).await?)))
}

/// Adds the ledger routes.
pub(crate) fn routes(r: Routes) -> Routes {
    let (read_g, write_g) = (
        super::read(Resource::Accounts),
        super::write(Resource::Accounts),
    );
    r.add("get", "/api/v1/periods", get(get_lock), Doc { ok: (200, Some(schema_ref::<PeriodLock>)), ..super::doc("The lock date", "periods", read_g) })
        .add("put", "/api/v1/periods", put(set_lock), Doc {
            body: Some(schema_ref::<PeriodLockInput>),
            ok: (200, Some(schema_ref::<PeriodLock>)),
            ..super::doc("Set or clear the lock date: nothing may be posted, saved, voided or dated on or before it", "periods", super::write(Resource::Company))
        })
        .add("get", "/api/v1/journals", get(list_journals), Doc {
            ok: (200, Some(page_ref::<JournalView>)),
            query: &[("cursor", "next_cursor of the previous page"), ("limit", "page size, 1 to 500")],
            ..super::doc("Manual journals", "journals", read_g)
        })
        .add("post", "/api/v1/journals", post(create_journal), Doc {
            body: Some(schema_ref::<JournalInput>),
            ok: (201, Some(schema_ref::<JournalView>)),
            ..super::doc("Post a manual journal, balanced in base currency", "journals", write_g)
        })
        .add("get", "/api/v1/journals/{id}", get(read_journal), Doc { ok: (200, Some(schema_ref::<JournalView>)), ..super::doc("Read a journal", "journals", read_g) })
        .add("post", "/api/v1/periods/year-end", post(year_end), Doc {
            body: Some(schema_ref::<YearEndInput>),
            ok: (201, Some(schema_ref::<YearEnd>)),
            ..super::doc("Close the year: income and expenses to retained earnings, then lock the books up to that date", "periods", super::write(Resource::Company))
        })
        .add("post", "/api/v1/revaluations", post(revalue), Doc {
            body: Some(schema_ref::<RevaluationInput>),
            ok: (201, Some(schema_ref::<Revaluation>)),
            ..super::doc("Revalue open receivables, payables and foreign bank balances at closing rates; reversed the next day", "journals", write_g)
        })
        .add("get", "/api/v1/reports/stock-valuation", get(stock_valuation), Doc {
            ok: (200, Some(schema_ref::<StockValuation>)),
            query: &[("as_of", "YYYY-MM-DD, inclusive")],
            ..super::doc("Stock value per item and site at cost, beside the stock account", "reports", read_g)
        })
        .add("get", "/api/v1/reports/general-ledger", get(general_ledger), Doc {
            ok: (200, Some(schema_ref::<GeneralLedger>)),
            query: &[("account", "account code"), ("from", "first day"), ("to", "last day")],
            ..super::doc("Every posting to one account in a period, with a running balance and source documents", "reports", read_g)
        })
        .add("get", "/api/v1/reports/profit-and-loss", get(profit_and_loss), Doc {
            ok: (200, Some(schema_ref::<ProfitAndLoss>)),
            query: &[("from", "first day, YYYY-MM-DD"), ("to", "last day, YYYY-MM-DD"), ("compare_from", "first day of a comparison period"), ("compare_to", "last day of a comparison period")],
            ..super::doc("Profit and loss for a period, in base currency, optionally beside a comparison period", "reports", read_g)
        })
        .add("get", "/api/v1/reports/fx-gains-losses", get(fx_gains_losses), Doc {
            ok: (200, Some(schema_ref::<FxGainsLosses>)),
            query: &[("from", "first day, YYYY-MM-DD"), ("to", "last day, YYYY-MM-DD")],
            ..super::doc("Realised and unrealised exchange gains and losses of a period", "reports", read_g)
        })
        .add("get", "/api/v1/bank-accounts", get(bank_accounts), Doc { ok: (200, Some(array_ref::<BankAccount>)), ..super::doc("Bank and cash accounts with their balances", "bank-accounts", read_g) })
        .add("post", "/api/v1/bank-accounts", post(create_bank_account), Doc {
            body: Some(schema_ref::<BankAccountInput>),
            ok: (201, Some(schema_ref::<BankAccount>)),
            ..super::doc("Open a bank or cash account in one currency", "bank-accounts", write_g)
        })
        .add("post", "/api/v1/bank-accounts/transfers", post(transfer), Doc {
            body: Some(schema_ref::<TransferInput>),
            ok: (201, Some(schema_ref::<Transfer>)),
            ..super::doc("Move money between bank accounts, also across currencies, with an optional fee", "bank-accounts", write_g)
        })
        .add("get", "/api/v1/reports/balance-sheet", get(balance_sheet), Doc {
            ok: (200, Some(schema_ref::<BalanceSheet>)),
            query: &[("as_of", "YYYY-MM-DD, inclusive")],
            ..super::doc("Balance sheet at a date, in base currency", "reports", read_g)
        })
        .add("get", "/api/v1/reports/trial-balance", get(trial_balance), Doc {
            ok: (200, Some(schema_ref::<TrialBalance>)),
            raw_ok: Some("text/csv"),
            query: &[("as_of", "YYYY-MM-DD, inclusive"), ("format", "json (default) or csv")],
            ..super::doc("Trial balance at a date, in base currency", "reports", read_g)
        })
}
