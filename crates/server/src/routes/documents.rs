//! Document and stock routes.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    routing::{delete, get, post, put},
};
use cartwright_app::{
    App,
    documents::{
        ConvertInput, Entry, LevelMismatch, PrefixInput, Related, ReorderLine, Sequence,
        StockLevelView, StockMoveView,
    },
};
use cartwright_core::{
    document::{DocumentInput, record::Document},
    page::Page,
    user::Resource,
};
use cartwright_store::{DocumentQuery, ListQuery};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    ApiError,
    extract::{ApiJson, Auth, OptionalJson, Path, Query},
    routing::{Doc, Routes, array_ref, page_ref, schema_ref},
};

/// Query of the document list.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentParams {
    doc_type: Option<String>,
    status: Option<String>,
    party: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// Body of `…/save`: the version read (optional; a stale one gets 409).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SaveRequest {
    /// The version last read.
    version: Option<i64>,
}

/// Body of `…/void`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct VoidRequest {
    /// Void date, `YYYY-MM-DD` (default: the document's date).
    date: Option<String>,
    /// The version last read.
    version: Option<i64>,
}

/// Query of the stock moves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveParams {
    item: Option<String>,
    site: Option<String>,
    document: Option<i64>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// Query of the stock levels.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StockParams {
    item: Option<String>,
}

async fn list(
    State(app): State<App>,
    Auth(who): Auth,
    Query(p): Query<DocumentParams>,
) -> Result<Json<Page<Document>>, ApiError> {
    let page: ListQuery = crate::extract::ListParams {
        q: p.q,
        cursor: p.cursor,
        limit: p.limit,
        ..Default::default()
    }
    .to_query()?;
    let q = DocumentQuery {
        doc_type: p.doc_type,
        status: p.status.map(|s| s.to_uppercase()),
        party: p.party,
        from: p.from,
        to: p.to,
        page,
    };
    Ok(Json(app.list_documents(&who, &q).await?))
}

async fn create(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<DocumentInput>,
) -> Result<(StatusCode, Json<Document>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_document(&who, &input).await?),
    ))
}

async fn read(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Document>, ApiError> {
    Ok(Json(app.document(&who, id).await?))
}

async fn update(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DocumentInput>,
) -> Result<Json<Document>, ApiError> {
    Ok(Json(app.update_document(&who, id, &input).await?))
}

async fn remove(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    app.delete_document(&who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn save(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    OptionalJson(body): OptionalJson<SaveRequest>,
) -> Result<Json<Document>, ApiError> {
    Ok(Json(app.save_document(&who, id, body.version).await?))
}

async fn void(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    OptionalJson(body): OptionalJson<VoidRequest>,
) -> Result<Json<Document>, ApiError> {
    Ok(Json(
        app.void_document(&who, id, body.date.as_deref(), body.version)
            .await?,
    ))
}

async fn entries(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Entry>>, ApiError> {
    Ok(Json(app.document_entries(&who, id).await?))
}

async fn convert(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ConvertInput>,
) -> Result<(StatusCode, Json<Document>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.convert_document(&who, id, &input).await?),
    ))
}

async fn related(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Related>>, ApiError> {
    Ok(Json(app.related_documents(&who, id).await?))
}

async fn close(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Document>, ApiError> {
    Ok(Json(app.close_document(&who, id).await?))
}

async fn allocate(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<Json<Document>, ApiError> {
    Ok(Json(app.allocate_document(&who, id).await?))
}

async fn moves(
    State(app): State<App>,
    Auth(who): Auth,
    Query(p): Query<MoveParams>,
) -> Result<Json<Page<StockMoveView>>, ApiError> {
    let q = crate::extract::ListParams {
        cursor: p.cursor,
        limit: p.limit,
        ..Default::default()
    }
    .to_query()?;
    Ok(Json(
        app.stock_moves(&who, p.item.as_deref(), p.site.as_deref(), p.document, &q)
            .await?,
    ))
}

async fn sequences(
    State(app): State<App>,
    Auth(who): Auth,
) -> Result<Json<Vec<Sequence>>, ApiError> {
    Ok(Json(app.sequences(&who).await?))
}

async fn set_prefix(
    State(app): State<App>,
    Auth(who): Auth,
    Path(doc_type): Path<String>,
    ApiJson(input): ApiJson<PrefixInput>,
) -> Result<Json<Sequence>, ApiError> {
    Ok(Json(app.set_prefix(&who, &doc_type, &input).await?))
}

async fn check_stock(
    State(app): State<App>,
    Auth(who): Auth,
) -> Result<Json<Vec<LevelMismatch>>, ApiError> {
    Ok(Json(app.check_stock(&who).await?))
}

async fn back_order(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Vec<Document>>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.back_order(&who, id).await?)))
}

async fn allocate_all(
    State(app): State<App>,
    Auth(who): Auth,
) -> Result<Json<Vec<Document>>, ApiError> {
    Ok(Json(app.allocate_open_orders(&who).await?))
}

async fn reorder(
    State(app): State<App>,
    Auth(who): Auth,
) -> Result<Json<Vec<ReorderLine>>, ApiError> {
    Ok(Json(app.reorder_report(&who).await?))
}

/// Body of the reorder action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReorderRequest {
    /// Date of the purchase orders, `YYYY-MM-DD`.
    date: String,
}

async fn reorder_pos(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(body): ApiJson<ReorderRequest>,
) -> Result<(StatusCode, Json<Vec<Document>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_reorder_pos(&who, &body.date).await?),
    ))
}

async fn stock(
    State(app): State<App>,
    Auth(who): Auth,
    Query(p): Query<StockParams>,
) -> Result<Json<Vec<StockLevelView>>, ApiError> {
    Ok(Json(app.stock_levels(&who, p.item.as_deref()).await?))
}

const DOC_QUERY: &[(&str, &str)] = &[
    ("doc_type", "sales_invoice, purchase_order, … (see DocType)"),
    ("status", "PENDING, SAVED or VOID"),
    ("party", "customer or vendor code"),
    ("from", "first date, YYYY-MM-DD"),
    ("to", "last date, YYYY-MM-DD"),
    ("q", "search in number, reference and memo"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 500 (default 50)"),
];

/// Adds the document and stock routes.
pub(crate) fn routes(r: Routes) -> Routes {
    let (read_g, write_g) = (
        super::read(Resource::Documents),
        super::write(Resource::Documents),
    );
    r.add("get", "/api/v1/documents", get(list), Doc { ok: (200, Some(page_ref::<Document>)), query: DOC_QUERY, ..super::doc("List documents", "documents", read_g) })
        .add("post", "/api/v1/documents", post(create), Doc {
            body: Some(schema_ref::<DocumentInput>),
            ok: (201, Some(schema_ref::<Document>)),
            ..super::doc("Create a PENDING document (no effect on stock or the books)", "documents", write_g)
        })
        .add("get", "/api/v1/documents/{id}", get(read), Doc { ok: (200, Some(schema_ref::<Document>)), ..super::doc("Read a document", "documents", read_g) })
        .add("put", "/api/v1/documents/{id}", put(update), Doc {
            body: Some(schema_ref::<DocumentInput>),
            ok: (200, Some(schema_ref::<Document>)),
            ..super::doc("Edit a PENDING document (send the version you read)", "documents", write_g)
        })
        .add("delete", "/api/v1/documents/{id}", delete(remove), Doc { ok: (204, None), ..super::doc("Delete a PENDING document", "documents", write_g) })
        .add("post", "/api/v1/documents/{id}/save", post(save), Doc {
            body: Some(schema_ref::<SaveRequest>),
            ok: (200, Some(schema_ref::<Document>)),
            ..super::doc("Save: number the document and apply its stock, allocation and journal effects in one transaction", "documents", write_g)
        })
        .add("post", "/api/v1/documents/{id}/void", post(void), Doc {
            body: Some(schema_ref::<VoidRequest>),
            ok: (200, Some(schema_ref::<Document>)),
            ..super::doc("Void a saved document: reverse every effect with new entries dated the void date", "documents", write_g)
        })
        .add("get", "/api/v1/documents/{id}/entries", get(entries), Doc { ok: (200, Some(array_ref::<Entry>)), ..super::doc("The debits and credits of a document", "documents", read_g) })
        .add("post", "/api/v1/documents/{id}/convert", post(convert), Doc {
            body: Some(schema_ref::<ConvertInput>),
            ok: (201, Some(schema_ref::<Document>)),
            ..super::doc("Convert a saved document, whole or by line, into a new PENDING one (quote → order → dispatch → invoice; PO → receipt → bill; invoice → credit note)", "documents", write_g)
        })
        .add("get", "/api/v1/documents/{id}/related", get(related), Doc { ok: (200, Some(array_ref::<Related>)), ..super::doc("Documents converted from or into this one", "documents", read_g) })
        .add("post", "/api/v1/documents/{id}/close", post(close), Doc { ok: (200, Some(schema_ref::<Document>)), ..super::doc("Close an order: release what is still allocated or on order", "documents", write_g) })
        .add("post", "/api/v1/documents/{id}/allocate", post(allocate), Doc { ok: (200, Some(schema_ref::<Document>)), ..super::doc("Allocate free stock to what a sales order still needs", "documents", write_g) })
        .add("get", "/api/v1/stock/moves", get(moves), Doc {
            ok: (200, Some(page_ref::<StockMoveView>)),
            query: &[("item", "item code"), ("site", "site code"), ("document", "document id"), ("cursor", "next_cursor of the previous page"), ("limit", "page size, 1 to 500")],
            ..super::doc("Stock moves: every change of stock, immutable", "stock", read_g)
        })
        .add("get", "/api/v1/document-sequences", get(sequences), Doc { ok: (200, Some(array_ref::<Sequence>)), ..super::doc("Number prefix and next number of each document type", "documents", read_g) })
        .add("put", "/api/v1/document-sequences/{doc_type}", put(set_prefix), Doc {
            body: Some(schema_ref::<PrefixInput>),
            ok: (200, Some(schema_ref::<Sequence>)),
            ..super::doc("Change the number prefix of a document type", "documents", super::write(Resource::Company))
        })
        .add("post", "/api/v1/documents/{id}/back-order", post(back_order), Doc {
            ok: (201, Some(array_ref::<Document>)),
            ..super::doc("Purchase orders for what a sales order cannot fill from stock, one per preferred vendor", "documents", write_g)
        })
        .add("get", "/api/v1/stock/check", get(check_stock), Doc {
            ok: (200, Some(array_ref::<LevelMismatch>)),
            ..super::doc("Prove the stored stock levels equal the sum of the moves: lists every difference (empty when all agree)", "stock", read_g)
        })
        .add("post", "/api/v1/stock/allocate", post(allocate_all), Doc {
            ok: (200, Some(array_ref::<Document>)),
            ..super::doc("Allocate free stock to every open sales order, oldest first", "stock", write_g)
        })
        .add("get", "/api/v1/reports/reorder", get(reorder), Doc {
            ok: (200, Some(array_ref::<ReorderLine>)),
            ..super::doc("Stock items below their reorder level, with a suggested order per preferred vendor", "stock", read_g)
        })
        .add("post", "/api/v1/reports/reorder/purchase-orders", post(reorder_pos), Doc {
            body: Some(schema_ref::<ReorderRequest>),
            ok: (201, Some(array_ref::<Document>)),
            ..super::doc("Create the suggested purchase orders (PENDING), one per preferred vendor", "stock", write_g)
        })
        .add("get", "/api/v1/stock", get(stock), Doc {
            ok: (200, Some(array_ref::<StockLevelView>)),
            query: &[("item", "item code")],
            ..super::doc("Stock per item and site: on hand, allocated, free, on order, available", "stock", read_g)
        })
}
