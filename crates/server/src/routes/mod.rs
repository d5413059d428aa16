//! Every route of the API, registered once with its document entry.

mod carts;
mod csv;
mod documents;
mod handlers;
mod ledger;
mod payments;

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::IntoResponse,
    routing::{get, post, put},
};
use cartwright_app::App;
use cartwright_core::{
    account::{Account, AccountInput},
    audit::AuditRecord,
    company::{Company, CompanyInput},
    currency::{Currency, CurrencyInput, ExchangeRate, ExchangeRateInput},
    item::{Item, ItemInput},
    party::{Party, PartyInput},
    price_list::{PriceList, PriceListInput},
    site::{Bin, BinInput, Site, SiteInput},
    tax::{TaxCode, TaxCodeInput},
    terms::{PaymentTerms, PaymentTermsInput},
    user::{Access, Resource, User, UserInput},
};

use crate::routing::{Doc, Guard, RouteInfo, Routes, page_ref, schema_ref};
use handlers::{TokenRequest, TokenResponse};

const LIST_QUERY: &[(&str, &str)] = &[
    (
        "q",
        "case-insensitive search in codes, names and descriptions",
    ),
    ("active", "true or false"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 500 (default 50)"),
];
const ITEM_QUERY: &[(&str, &str)] = &[
    ("q", "search in code, description and barcode"),
    (
        "item_type",
        "stock, non_stock, service, charge, discount, kit or assembly",
    ),
    ("active", "true or false"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 500 (default 50)"),
];
const PARTY_QUERY: &[(&str, &str)] = &[
    ("q", "search in code, name and email"),
    ("currency", "ISO 4217 code"),
    ("active", "true or false"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 500 (default 50)"),
];
const ACCOUNT_QUERY: &[(&str, &str)] = &[
    ("q", "search in code and name"),
    (
        "account_type",
        "bank, receivable, stock, … (see AccountType)",
    ),
    ("active", "true or false"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 500 (default 50)"),
];
const RATE_QUERY: &[(&str, &str)] = &[
    ("currency", "ISO 4217 code"),
    ("cursor", "next_cursor of the previous page"),
    ("limit", "page size, 1 to 500 (default 50)"),
];
const AUDIT_QUERY: &[(&str, &str)] = &[
    ("entity", "collection name, e.g. items"),
    ("entity_id", "record id"),
    ("cursor", "next_cursor of the previous page (older entries)"),
    ("limit", "page size, 1 to 500 (default 50)"),
];

const fn doc(summary: &'static str, tag: &'static str, guard: Option<Guard>) -> Doc {
    Doc {
        summary,
        tag,
        body: None,
        raw_body: None,
        ok: (200, None),
        raw_ok: None,
        query: &[],
        guard,
    }
}

const fn read(resource: Resource) -> Option<Guard> {
    Some(Guard {
        resource,
        access: Access::Read,
    })
}

const fn write(resource: Resource) -> Option<Guard> {
    Some(Guard {
        resource,
        access: Access::Write,
    })
}

/// Registers list, create, read and update for one collection.
macro_rules! crud {
    ($r:ident, $tag:literal, $path:literal, $id_path:literal, $rec:ty, $input:ty, $query:expr, $m:ident, $res:expr) => {
        $r.add(
            "get",
            $path,
            get(handlers::$m::list),
            Doc {
                ok: (200, Some(page_ref::<$rec>)),
                query: $query,
                ..doc(concat!("List ", $tag), $tag, read($res))
            },
        )
        .add(
            "post",
            $path,
            post(handlers::$m::create),
            Doc {
                body: Some(schema_ref::<$input>),
                ok: (201, Some(schema_ref::<$rec>)),
                ..doc(concat!("Create in ", $tag), $tag, write($res))
            },
        )
        .add(
            "get",
            $id_path,
            get(handlers::$m::read),
            Doc {
                ok: (200, Some(schema_ref::<$rec>)),
                ..doc(concat!("Read one of ", $tag), $tag, read($res))
            },
        )
        .add(
            "put",
            $id_path,
            put(handlers::$m::update),
            Doc {
                body: Some(schema_ref::<$input>),
                ok: (200, Some(schema_ref::<$rec>)),
                ..doc(
                    concat!("Update one of ", $tag, " (send the version you read)"),
                    $tag,
                    write($res),
                )
            },
        )
    };
}

/// The API router (without state) and the routed operations.
pub(crate) fn api() -> (axum::Router<App>, Vec<RouteInfo>) {
    let (router, ops) = table().into_router();
    let document = crate::openapi::document(&ops);
    let router = router.route("/healthz", get(healthz)).route(
        "/api/openapi.json",
        get(move || {
            let d = document.clone();
            async move { Json(d) }
        }),
    );
    (router, ops.into_iter().map(|(r, _)| r).collect())
}

fn table() -> Routes {
    let r = Routes::default().add(
        "post",
        "/api/v1/auth/token",
        post(handlers::issue_token),
        Doc {
            body: Some(schema_ref::<TokenRequest>),
            ok: (200, Some(schema_ref::<TokenResponse>)),
            ..doc(
                "Log in: exchange email and password for an API token",
                "auth",
                None,
            )
        },
    );
    let r = r
        .add(
            "get",
            "/api/v1/company",
            get(handlers::company::read),
            Doc {
                ok: (200, Some(schema_ref::<Company>)),
                ..doc(
                    "Read the company settings",
                    "company",
                    read(Resource::Company),
                )
            },
        )
        .add(
            "post",
            "/api/v1/company",
            post(handlers::company::setup),
            Doc {
                body: Some(schema_ref::<CompanyInput>),
                ok: (201, Some(schema_ref::<Company>)),
                ..doc(
                    "Set up the company (once): base currency, default chart, default terms",
                    "company",
                    write(Resource::Company),
                )
            },
        )
        .add(
            "put",
            "/api/v1/company",
            put(handlers::company::update),
            Doc {
                body: Some(schema_ref::<CompanyInput>),
                ok: (200, Some(schema_ref::<Company>)),
                ..doc(
                    "Update the company settings",
                    "company",
                    write(Resource::Company),
                )
            },
        );
    let r = r
        .add(
            "get",
            "/api/v1/currencies",
            get(handlers::currencies::list),
            Doc {
                ok: (200, Some(page_ref::<Currency>)),
                query: LIST_QUERY,
                ..doc(
                    "List enabled currencies",
                    "currencies",
                    read(Resource::Currencies),
                )
            },
        )
        .add(
            "post",
            "/api/v1/currencies",
            post(handlers::currencies::create),
            Doc {
                body: Some(schema_ref::<CurrencyInput>),
                ok: (201, Some(schema_ref::<Currency>)),
                ..doc(
                    "Enable a currency (opens its bank account)",
                    "currencies",
                    write(Resource::Currencies),
                )
            },
        )
        .add(
            "get",
            "/api/v1/currencies/{code}",
            get(handlers::currencies::read),
            Doc {
                ok: (200, Some(schema_ref::<Currency>)),
                ..doc("Read a currency", "currencies", read(Resource::Currencies))
            },
        )
        .add(
            "put",
            "/api/v1/currencies/{code}",
            put(handlers::currencies::update),
            Doc {
                body: Some(schema_ref::<CurrencyInput>),
                ok: (200, Some(schema_ref::<Currency>)),
                ..doc(
                    "Rename a currency",
                    "currencies",
                    write(Resource::Currencies),
                )
            },
        );
    let r = crud!(
        r,
        "exchange-rates",
        "/api/v1/exchange-rates",
        "/api/v1/exchange-rates/{id}",
        ExchangeRate,
        ExchangeRateInput,
        RATE_QUERY,
        rates,
        Resource::Currencies
    )
    .add(
        "get",
        "/api/v1/exchange-rates/on-date",
        get(handlers::rate_lookup::on_date),
        Doc {
            ok: (200, Some(schema_ref::<ExchangeRate>)),
            query: &[("currency", "ISO 4217 code"), ("date", "YYYY-MM-DD")],
            ..doc(
                "The rate in force on a date: the latest on or before it",
                "exchange-rates",
                read(Resource::Currencies),
            )
        },
    );
    let r = crud!(
        r,
        "accounts",
        "/api/v1/accounts",
        "/api/v1/accounts/{id}",
        Account,
        AccountInput,
        ACCOUNT_QUERY,
        accounts,
        Resource::Accounts
    );
    let r = crud!(
        r,
        "tax-codes",
        "/api/v1/tax-codes",
        "/api/v1/tax-codes/{id}",
        TaxCode,
        TaxCodeInput,
        LIST_QUERY,
        tax_codes,
        Resource::TaxCodes
    );
    let r = crud!(
        r,
        "payment-terms",
        "/api/v1/payment-terms",
        "/api/v1/payment-terms/{id}",
        PaymentTerms,
        PaymentTermsInput,
        LIST_QUERY,
        terms,
        Resource::PaymentTerms
    );
    let r = crud!(
        r,
        "price-lists",
        "/api/v1/price-lists",
        "/api/v1/price-lists/{id}",
        PriceList,
        PriceListInput,
        LIST_QUERY,
        price_lists,
        Resource::PriceLists
    );
    let r = crud!(
        r,
        "sites",
        "/api/v1/sites",
        "/api/v1/sites/{id}",
        Site,
        SiteInput,
        LIST_QUERY,
        sites,
        Resource::Sites
    )
    .add(
        "post",
        "/api/v1/sites/{id}/bins",
        post(handlers::bins::add_bin),
        Doc {
            body: Some(schema_ref::<BinInput>),
            ok: (201, Some(schema_ref::<Bin>)),
            ..doc("Add a bin to a site", "sites", write(Resource::Sites))
        },
    );
    let r = crud!(
        r,
        "items",
        "/api/v1/items",
        "/api/v1/items/{id}",
        Item,
        ItemInput,
        ITEM_QUERY,
        items,
        Resource::Items
    );
    let r = crud!(
        r,
        "customers",
        "/api/v1/customers",
        "/api/v1/customers/{id}",
        Party,
        PartyInput,
        PARTY_QUERY,
        customers,
        Resource::Customers
    );
    let r = crud!(
        r,
        "vendors",
        "/api/v1/vendors",
        "/api/v1/vendors/{id}",
        Party,
        PartyInput,
        PARTY_QUERY,
        vendors,
        Resource::Vendors
    );
    let r = crud!(
        r,
        "users",
        "/api/v1/users",
        "/api/v1/users/{id}",
        User,
        UserInput,
        LIST_QUERY,
        users,
        Resource::Users
    );
    let r = r.add(
        "get",
        "/api/v1/audit",
        get(handlers::audit),
        Doc {
            ok: (200, Some(page_ref::<AuditRecord>)),
            query: AUDIT_QUERY,
            ..doc(
                "The audit trail, newest first",
                "audit",
                read(Resource::Audit),
            )
        },
    );
    carts::routes(payments::routes(ledger::routes(documents::routes(
        csv::routes(r),
    ))))
}

async fn healthz(State(app): State<App>) -> impl IntoResponse {
    match app.store().ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "database unavailable"})),
            )
        }
    }
}
