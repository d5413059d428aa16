//! Cart Connect routes: Shopping Cart records, Test Connection, auto-sync, the sync log,
//! failed imports, and the six tabs.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    routing::{delete, get, post, put},
};
use cartwright_app::{
    App,
    carts::{
        Available, Cart, CartCustomerRow, CartInput, CartItemRow, CartOrderView, CartTypeView,
        CustomerExport, CustomerImport, FailedImport, ItemExport, ItemImport, LinkRequest,
        RemoteCustomerView, RemoteItemView, RemoteOrderView, RemotePage, RunCounts, RunView,
        SmtpSettings, TabResult, TestResult,
    },
};
use cartwright_core::user::Resource;
use serde::Deserialize;

use crate::{
    ApiError,
    extract::{ApiJson, Auth, Path, Query},
    routing::{Doc, Routes, array_ref, remote_page_ref, schema_ref},
};

type R<T> = Result<Json<T>, ApiError>;

/// Paging through a cart's own lists.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteParams {
    cursor: Option<String>,
    limit: Option<usize>,
}

/// Sync-log paging.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunsParams {
    limit: Option<i64>,
}

/// Failed-imports filter.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailedParams {
    include_dismissed: Option<bool>,
}

/// Body of a by-hand order import.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderIds {
    /// The cart's order ids.
    pub remote_ids: Vec<String>,
}

async fn types(State(app): State<App>, Auth(_who): Auth) -> R<Vec<CartTypeView>> {
    Ok(Json(app.cart_types()))
}

async fn create(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(input): ApiJson<CartInput>,
) -> Result<(StatusCode, Json<Cart>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_cart(&who, &input).await?),
    ))
}

async fn list(State(app): State<App>, Auth(who): Auth) -> R<Vec<Cart>> {
    Ok(Json(app.list_carts(&who).await?))
}

async fn read(State(app): State<App>, Auth(who): Auth, Path(id): Path<i64>) -> R<Cart> {
    Ok(Json(app.cart(&who, id).await?))
}

async fn update(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CartInput>,
) -> R<Cart> {
    Ok(Json(app.update_cart(&who, id, &input).await?))
}

async fn remove(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    app.delete_cart(&who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn test(State(app): State<App>, Auth(who): Auth, Path(id): Path<i64>) -> R<TestResult> {
    Ok(Json(app.test_cart(&who, id).await?))
}

async fn start(State(app): State<App>, Auth(who): Auth, Path(id): Path<i64>) -> R<Cart> {
    Ok(Json(app.start_cart(&who, id).await?))
}

async fn stop(State(app): State<App>, Auth(who): Auth, Path(id): Path<i64>) -> R<Cart> {
    Ok(Json(app.stop_cart(&who, id).await?))
}

async fn run(State(app): State<App>, Auth(who): Auth, Path(id): Path<i64>) -> R<RunView> {
    Ok(Json(app.run_cart_now(&who, id).await?))
}

async fn runs(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    Query(q): Query<RunsParams>,
) -> R<Vec<RunView>> {
    Ok(Json(app.cart_runs(&who, id, q.limit.unwrap_or(50)).await?))
}

async fn failed(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    Query(q): Query<FailedParams>,
) -> R<Vec<FailedImport>> {
    Ok(Json(
        app.failed_imports(&who, id, q.include_dismissed.unwrap_or(false))
            .await?,
    ))
}

async fn retry_failed(
    State(app): State<App>,
    Auth(who): Auth,
    Path((id, fid)): Path<(i64, i64)>,
) -> R<RunCounts> {
    Ok(Json(app.retry_failed_import(&who, id, fid).await?))
}

async fn dismiss_failed(
    State(app): State<App>,
    Auth(who): Auth,
    Path((id, fid)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    app.dismiss_failed_import(&who, id, fid).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn orders(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> R<Vec<CartOrderView>> {
    Ok(Json(app.cart_orders(&who, id).await?))
}

async fn items(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> R<Vec<CartItemRow>> {
    Ok(Json(app.cart_items(&who, id).await?))
}

async fn export_items(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(rows): ApiJson<Vec<ItemExport>>,
) -> R<TabResult> {
    Ok(Json(app.export_items(&who, id, &rows).await?))
}

async fn customers(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
) -> R<Vec<CartCustomerRow>> {
    Ok(Json(app.cart_customers(&who, id).await?))
}

async fn export_customers(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(rows): ApiJson<Vec<CustomerExport>>,
) -> R<TabResult> {
    Ok(Json(app.export_customers(&who, id, &rows).await?))
}

async fn remote_orders(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    Query(q): Query<RemoteParams>,
) -> R<RemotePage<RemoteOrderView>> {
    Ok(Json(
        app.remote_orders(&who, id, q.cursor.as_deref(), q.limit.unwrap_or(50))
            .await?,
    ))
}

async fn import_orders(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OrderIds>,
) -> R<TabResult> {
    Ok(Json(
        app.import_remote_orders(&who, id, &body.remote_ids).await?,
    ))
}

async fn remote_items(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    Query(q): Query<RemoteParams>,
) -> R<RemotePage<RemoteItemView>> {
    Ok(Json(
        app.remote_items(&who, id, q.cursor.as_deref(), q.limit.unwrap_or(50))
            .await?,
    ))
}

async fn import_items(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(rows): ApiJson<Vec<ItemImport>>,
) -> R<TabResult> {
    Ok(Json(app.import_remote_items(&who, id, &rows).await?))
}

async fn link_items(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(rows): ApiJson<Vec<LinkRequest>>,
) -> R<TabResult> {
    Ok(Json(app.link_remote_items(&who, id, &rows).await?))
}

async fn remote_customers(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    Query(q): Query<RemoteParams>,
) -> R<RemotePage<RemoteCustomerView>> {
    Ok(Json(
        app.remote_customers(&who, id, q.cursor.as_deref(), q.limit.unwrap_or(50))
            .await?,
    ))
}

async fn import_customers(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(rows): ApiJson<Vec<CustomerImport>>,
) -> R<TabResult> {
    Ok(Json(app.import_remote_customers(&who, id, &rows).await?))
}

async fn link_customers(
    State(app): State<App>,
    Auth(who): Auth,
    Path(id): Path<i64>,
    ApiJson(rows): ApiJson<Vec<LinkRequest>>,
) -> R<TabResult> {
    Ok(Json(app.link_remote_customers(&who, id, &rows).await?))
}

async fn available(
    State(app): State<App>,
    Auth(who): Auth,
    Path((id, item)): Path<(i64, String)>,
) -> R<Available> {
    Ok(Json(app.cart_available(&who, id, &item).await?))
}

async fn smtp(State(app): State<App>, Auth(who): Auth) -> R<SmtpSettings> {
    Ok(Json(app.smtp_settings(&who).await?))
}

async fn set_smtp(
    State(app): State<App>,
    Auth(who): Auth,
    ApiJson(s): ApiJson<SmtpSettings>,
) -> R<SmtpSettings> {
    Ok(Json(app.set_smtp_settings(&who, &s).await?))
}

const REMOTE_QUERY: &[(&str, &str)] = &[
    ("cursor", "next of the previous page"),
    ("limit", "page size, 1 to 200 (default 50)"),
];

/// Adds the cart routes.
pub(crate) fn routes(r: Routes) -> Routes {
    let (rg, wg) = (super::read(Resource::Carts), super::write(Resource::Carts));
    let tag = "carts";
    r.add("get", "/api/v1/carts/types", get(types), Doc {
        ok: (200, Some(array_ref::<CartTypeView>)),
        ..super::doc("Cart types (the Actions drop-down: New PrestaShop Cart, …)", tag, rg)
    })
    .add("post", "/api/v1/carts", post(create), Doc {
        body: Some(schema_ref::<CartInput>),
        ok: (201, Some(schema_ref::<Cart>)),
        ..super::doc("Create a Shopping Cart of a type (STOPPED, untested); the password is stored encrypted and never returned", tag, wg)
    })
    .add("get", "/api/v1/carts", get(list), Doc {
        ok: (200, Some(array_ref::<Cart>)),
        ..super::doc("Every Shopping Cart (without credentials)", tag, rg)
    })
    .add("get", "/api/v1/carts/{id}", get(read), Doc {
        ok: (200, Some(schema_ref::<Cart>)),
        ..super::doc("One Shopping Cart (without credentials)", tag, rg)
    })
    .add("put", "/api/v1/carts/{id}", put(update), Doc {
        body: Some(schema_ref::<CartInput>),
        ok: (200, Some(schema_ref::<Cart>)),
        ..super::doc("Change a cart's settings (Auto-sync tab); leave out the password to keep it", tag, wg)
    })
    .add("delete", "/api/v1/carts/{id}", delete(remove), Doc {
        ok: (204, None),
        ..super::doc("Delete a cart with its links and logs; imported documents stay", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/test", post(test), Doc {
        ok: (200, Some(schema_ref::<TestResult>)),
        ..super::doc("Test Connection: TEST PASSED: SUCCESSFULLY CONNECTED TO CART! or what failed", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/sync/start", post(start), Doc {
        ok: (200, Some(schema_ref::<Cart>)),
        ..super::doc("Start auto-sync (RUNNING, kept across restarts); needs a passed test", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/sync/stop", post(stop), Doc {
        ok: (200, Some(schema_ref::<Cart>)),
        ..super::doc("Stop auto-sync", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/sync/run", post(run), Doc {
        ok: (200, Some(schema_ref::<RunView>)),
        ..super::doc("Run now: one sync run, logged like a scheduled one", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/runs", get(runs), Doc {
        ok: (200, Some(array_ref::<RunView>)),
        query: &[("limit", "entries, 1 to 500 (default 50)")],
        ..super::doc("The sync log, newest first", tag, rg)
    })
    .add("get", "/api/v1/carts/{id}/failed", get(failed), Doc {
        ok: (200, Some(array_ref::<FailedImport>)),
        query: &[("include_dismissed", "true to list dismissed ones too")],
        ..super::doc("Failed imports with the cart's data and a precise reason", tag, rg)
    })
    .add("post", "/api/v1/carts/{id}/failed/{failed_id}/retry", post(retry_failed), Doc {
        ok: (200, Some(schema_ref::<RunCounts>)),
        ..super::doc("Retry one failed import now", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/failed/{failed_id}/dismiss", post(dismiss_failed), Doc {
        ok: (204, None),
        ..super::doc("Dismiss a failed import (no more retries)", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/orders", get(orders), Doc {
        ok: (200, Some(array_ref::<CartOrderView>)),
        ..super::doc("Orders tab: orders imported from this cart with their documents and status", tag, rg)
    })
    .add("get", "/api/v1/carts/{id}/items", get(items), Doc {
        ok: (200, Some(array_ref::<CartItemRow>)),
        ..super::doc("Items tab: every item, whether this cart sells it, and the free stock to send", tag, rg)
    })
    .add("post", "/api/v1/carts/{id}/items/export", post(export_items), Doc {
        body: Some(array_ref::<ItemExport>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Export selected Items (with free stock) to the cart", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/customers", get(customers), Doc {
        ok: (200, Some(array_ref::<CartCustomerRow>)),
        ..super::doc("Customers tab: every customer and whether it is in this cart", tag, rg)
    })
    .add("post", "/api/v1/carts/{id}/customers/export", post(export_customers), Doc {
        body: Some(array_ref::<CustomerExport>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Export selected Customers to the cart", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/remote/orders", get(remote_orders), Doc {
        ok: (200, Some(remote_page_ref::<RemoteOrderView>)),
        query: REMOTE_QUERY,
        ..super::doc("Orders (Cart) tab: the cart's orders, newest first", tag, rg)
    })
    .add("post", "/api/v1/carts/{id}/remote/orders/import", post(import_orders), Doc {
        body: Some(schema_ref::<OrderIds>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Import selected cart orders (each exactly once, as PENDING documents)", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/remote/items", get(remote_items), Doc {
        ok: (200, Some(remote_page_ref::<RemoteItemView>)),
        query: REMOTE_QUERY,
        ..super::doc("Items (Cart) tab: the cart's items, each variant its own row", tag, rg)
    })
    .add("post", "/api/v1/carts/{id}/remote/items/import", post(import_items), Doc {
        body: Some(array_ref::<ItemImport>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Create selected Items from cart items, with Item Code, Cost and stock level", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/remote/items/link", post(link_items), Doc {
        body: Some(array_ref::<LinkRequest>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Link selected Items to existing items", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/remote/customers", get(remote_customers), Doc {
        ok: (200, Some(remote_page_ref::<RemoteCustomerView>)),
        query: REMOTE_QUERY,
        ..super::doc("Customers (Cart) tab: the cart's customers", tag, rg)
    })
    .add("post", "/api/v1/carts/{id}/remote/customers/import", post(import_customers), Doc {
        body: Some(array_ref::<CustomerImport>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Create selected Customers from cart customers", tag, wg)
    })
    .add("post", "/api/v1/carts/{id}/remote/customers/link", post(link_customers), Doc {
        body: Some(array_ref::<LinkRequest>),
        ok: (200, Some(schema_ref::<TabResult>)),
        ..super::doc("Link selected Customers to existing customers", tag, wg)
    })
    .add("get", "/api/v1/carts/{id}/available/{item}", get(available), Doc {
        ok: (200, Some(schema_ref::<Available>)),
        ..super::doc("Available to sell of an item on this cart, term by term", tag, rg)
    })
    .add("get", "/api/v1/company/smtp", get(smtp), Doc {
        ok: (200, Some(schema_ref::<SmtpSettings>)),
        ..super::doc("The company's mail relay for run-error notifications", "company", super::read(Resource::Company))
    })
    .add("put", "/api/v1/company/smtp", put(set_smtp), Doc {
        body: Some(schema_ref::<SmtpSettings>),
        ok: (200, Some(schema_ref::<SmtpSettings>)),
        ..super::doc("Set the company's mail relay", "company", super::write(Resource::Company))
    })
}
