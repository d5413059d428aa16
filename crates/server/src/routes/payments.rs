//! Payment routes: receipts and payments, allocation, open items.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use cartwright_app::{
    App,
    payments::{AgedReport, AllocateInput, OpenItem, PaymentInput, Statement},
};
use cartwright_core::{document::record::Document, party::PartyKind, user::Resource};
use serde::Deserialize;

use crate::{
    ApiError,
    extract::{ApiJson, Auth, Path, Query},
    routing::{Doc, Routes, array_ref, schema_ref},
};

/// Query of the open items.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenItemsParams {
    customer: Option<String>,
    vendor: Option<String>,
}

async fn create(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<PaymentInput>,
) -> Result<(StatusCode, Json<Document>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_payment(&who, &input).await?),
    ))
}

async fn allocate(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AllocateInput>,
) -> Result<Json<Vec<OpenItem>>, ApiError> {
    Ok(Json(app.allocate_payment(&who, id, &input).await?))
}

async fn open_items(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<OpenItemsParams>,
) -> Result<Json<Vec<OpenItem>>, ApiError> {
    let (kind, code) = match (q.customer, q.vendor) {
        (Some(c), None) => (PartyKind::Customer, c),
        (None, Some(v)) => (PartyKind::Vendor, v),
        _ => {
            return Err(ApiError::bad_request(
                "bad_query",
                "give exactly one of customer or vendor",
                Some("customer".into()),
            ));
        }
    };
    Ok(Json(app.open_items(&who, kind, &code).await?))
}

/// Query of the aged reports.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgedParams {
    as_of: String,
    format: Option<String>,
}

async fn aged_receivables(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<AgedParams>,
) -> Result<Response, ApiError> {
    let r: AgedReport = app.aged(&who, PartyKind::Customer, &q.as_of).await?;
    crate::csv_report::respond(&r, q.format.as_deref())
}

async fn aged_payables(
    State(app): State<App>,
    Auth(who): Auth,
    Query(q): Query<AgedParams>,
) -> Result<Response, ApiError> {
    let r: AgedReport = app.aged(&who, PartyKind::Vendor, &q.as_of).await?;
    crate::csv_report::respond(&r, q.format.as_deref())
}

/// Query of a statement.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementParams {
    from: String,
    to: String,
    format: Option<String>,
}

async fn statement(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    Query(q): Query<StatementParams>,
) -> Result<Response, ApiError> {
    let st: Statement = app.statement(&who, id, &q.from, &q.to).await?;
    crate::csv_report::respond(&st, q.format.as_deref())
}

/// Adds the payment routes.
pub(crate) fn routes(r: Routes) -> Routes {
    let (read_g, write_g) = (
        super::read(Resource::Documents),
        super::write(Resource::Documents),
    );
    r.add("post", "/api/v1/payments", post(create), Doc {
        body: Some(schema_ref::<PaymentInput>),
        ok: (201, Some(schema_ref::<Document>)),
        ..super::doc("Record a customer receipt or vendor payment and settle invoices or bills with it", "payments", write_g)
    })
    .add("post", "/api/v1/payments/{id}/allocate", post(allocate), Doc {
        body: Some(schema_ref::<AllocateInput>),
        ok: (200, Some(array_ref::<OpenItem>)),
        ..super::doc("Settle invoices or bills with a payment, receipt, credit note or vendor credit; posts the realised exchange difference", "payments", write_g)
    })
    .add("get", "/api/v1/reports/aged-receivables", get(aged_receivables), Doc {
        ok: (200, Some(schema_ref::<AgedReport>)),
        query: &[("as_of", "YYYY-MM-DD, inclusive")],
        ..super::doc("Aged receivables by due date: current, 1-30, 31-60, 61-90, over 90 days, in each customer's currency and in base", "reports", read_g)
    })
    .add("get", "/api/v1/reports/aged-payables", get(aged_payables), Doc {
        ok: (200, Some(schema_ref::<AgedReport>)),
        query: &[("as_of", "YYYY-MM-DD, inclusive")],
        ..super::doc("Aged payables by due date, in each vendor's currency and in base", "reports", read_g)
    })
    .add("get", "/api/v1/parties/{id}/statement", get(statement), Doc {
        ok: (200, Some(schema_ref::<Statement>)),
        query: &[("from", "first day, YYYY-MM-DD"), ("to", "last day, YYYY-MM-DD")],
        ..super::doc("A customer's or vendor's statement for a period, in their currency, with a running balance", "payments", read_g)
    })
    .add("get", "/api/v1/open-items", get(open_items), Doc {
        ok: (200, Some(array_ref::<OpenItem>)),
        query: &[("customer", "customer code"), ("vendor", "vendor code")],
        ..super::doc("Open items of a customer or vendor, with residuals in their currency and in base", "payments", read_g)
    })
}
