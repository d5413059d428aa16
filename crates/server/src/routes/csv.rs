//! CSV import and export routes: `POST /api/v1/{entity}/import`, `GET /api/v1/{entity}/export`.

use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::header,
    response::IntoResponse,
    routing::{get, post},
};
use cartwright_app::{
    App,
    csv_io::{CsvEntity, ImportSummary},
};
use cartwright_core::user::Resource;
use utoipa::ToSchema;

use crate::{
    ApiError,
    extract::Auth,
    routing::{Doc, Routes, schema_ref},
};

/// Largest CSV file accepted (about a million rows of items).
const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;

/// Schema of the import answer (mirrors `ImportSummary`).
#[derive(ToSchema)]
#[allow(dead_code)]
struct ImportResult {
    /// Records created.
    created: u64,
    /// Records updated (matched by code, or by currency and date for rates).
    updated: u64,
}

async fn import(
    app: App,
    who: cartwright_app::Principal,
    entity: CsvEntity,
    body: Bytes,
) -> Result<axum::Json<ImportSummary>, ApiError> {
    Ok(axum::Json(app.import_csv(&who, entity, &body).await?))
}

async fn export(
    app: App,
    who: cartwright_app::Principal,
    entity: CsvEntity,
) -> Result<impl IntoResponse, ApiError> {
    let text = app.export_csv(&who, entity).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", entity.name()),
            ),
        ],
        text,
    ))
}

macro_rules! csv_routes {
    ($r:ident, $entity:expr, $res:expr, $tag:literal, $import:literal, $export:literal) => {
        $r.add(
            "post",
            $import,
            post(|State(app): State<App>, Auth(who): Auth, body: Bytes| import(app, who, $entity, body)).layer(DefaultBodyLimit::max(MAX_CSV_BYTES)),
            Doc {
                raw_body: Some("text/csv"),
                ok: (200, Some(schema_ref::<ImportResult>)),
                ..super::doc(concat!("Import ", $tag, " from CSV: all rows or none; every bad row is reported with line and column"), $tag, super::write($res))
            },
        )
        .add(
            "get",
            $export,
            get(|State(app): State<App>, Auth(who): Auth| export(app, who, $entity)),
            Doc { raw_ok: Some("text/csv"), ..super::doc(concat!("Export ", $tag, " as CSV"), $tag, super::read($res)) },
        )
    };
}

/// Adds the CSV routes to the table.
pub(crate) fn routes(r: Routes) -> Routes {
    let r = csv_routes!(
        r,
        CsvEntity::Items,
        Resource::Items,
        "items",
        "/api/v1/items/import",
        "/api/v1/items/export"
    );
    let r = csv_routes!(
        r,
        CsvEntity::Customers,
        Resource::Customers,
        "customers",
        "/api/v1/customers/import",
        "/api/v1/customers/export"
    );
    let r = csv_routes!(
        r,
        CsvEntity::Vendors,
        Resource::Vendors,
        "vendors",
        "/api/v1/vendors/import",
        "/api/v1/vendors/export"
    );
    csv_routes!(
        r,
        CsvEntity::ExchangeRates,
        Resource::Currencies,
        "exchange-rates",
        "/api/v1/exchange-rates/import",
        "/api/v1/exchange-rates/export"
    )
}
