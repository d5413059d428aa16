//! Request handlers: read the request, call one use case, shape the answer.

use axum::{Json, extract::State};
use cartwright_app::App;
use cartwright_core::{audit::AuditRecord, page::Page};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    ApiError,
    extract::{ApiJson, Auth, Path, Query},
};

/// Body of `POST /api/v1/auth/token`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// Answer of `POST /api/v1/auth/token`: the token, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

pub(crate) async fn issue_token(
    State(app): State<App>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let token = app.issue_token(&req.email, &req.password).await?;
    Ok(Json(TokenResponse { token }))
}

/// Query of the audit endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditParams {
    entity: Option<String>,
    entity_id: Option<i64>,
    cursor: Option<String>,
    limit: Option<i64>,
}

pub(crate) async fn audit(
    State(app): State<App>,
    Auth(who): Auth,
    Query(p): Query<AuditParams>,
) -> Result<Json<Page<AuditRecord>>, ApiError> {
    let page = crate::extract::ListParams {
        cursor: p.cursor,
        limit: p.limit,
        ..Default::default()
    }
    .to_query()?;
    let q = cartwright_app::AuditQuery {
        entity: p.entity,
        entity_id: p.entity_id,
        page,
    };
    Ok(Json(app.audit(&who, &q).await?))
}

/// Generates list / read / create / update handlers over four `App` methods.
macro_rules! handlers {
    ($m:ident, $rec:ty, $input:ty, $id:ty, $list:ident, $read:ident, $create:ident, $update:ident $(, $kind:expr)?) => {
        pub(crate) mod $m {
            use super::*;
            use axum::http::StatusCode;
            use crate::extract::ListParams;

            pub(crate) async fn list(State(app): State<App>, Auth(who): Auth, Query(p): Query<ListParams>) -> Result<Json<Page<$rec>>, ApiError> {
                Ok(Json(app.$list(&who, $($kind,)? &p.to_query()?).await?))
            }

            pub(crate) async fn read(State(app): State<App>, Auth(who): Auth, Path(id): Path<$id>) -> Result<Json<$rec>, ApiError> {
                Ok(Json(app.$read(&who, $($kind,)? id).await?))
            }

            pub(crate) async fn create(State(app): State<App>, Auth(who): Auth, ApiJson(input): ApiJson<$input>) -> Result<(StatusCode, Json<$rec>), ApiError> {
                Ok((StatusCode::CREATED, Json(app.$create(&who, $($kind,)? &input).await?)))
            }

            pub(crate) async fn update(State(app): State<App>, Auth(who): Auth, Path(id): Path<$id>, ApiJson(input): ApiJson<$input>) -> Result<Json<$rec>, ApiError> {
                Ok(Json(app.$update(&who, $($kind,)? id, &input).await?))
            }
        }
    };
}

use cartwright_core::{
    account::{Account, AccountInput},
    currency::{Currency, CurrencyInput, ExchangeRate, ExchangeRateInput},
    item::{Item, ItemInput},
    party::{Party, PartyInput, PartyKind},
    price_list::{PriceList, PriceListInput},
    site::{Site, SiteInput},
    tax::{TaxCode, TaxCodeInput},
    terms::{PaymentTerms, PaymentTermsInput},
    user::{User, UserInput},
};

handlers!(
    accounts,
    Account,
    AccountInput,
    i64,
    list_accounts,
    account,
    create_account,
    update_account
);
handlers!(
    tax_codes,
    TaxCode,
    TaxCodeInput,
    i64,
    list_tax_codes,
    tax_code,
    create_tax_code,
    update_tax_code
);
handlers!(
    terms,
    PaymentTerms,
    PaymentTermsInput,
    i64,
    list_terms,
    terms,
    create_terms,
    update_terms
);
handlers!(
    price_lists,
    PriceList,
    PriceListInput,
    i64,
    list_price_lists,
    price_list,
    create_price_list,
    update_price_list
);
handlers!(
    items,
    Item,
    ItemInput,
    i64,
    list_items,
    item,
    create_item,
    update_item
);
handlers!(
    customers,
    Party,
    PartyInput,
    i64,
    list_parties,
    party,
    create_party,
    update_party,
    PartyKind::Customer
);
handlers!(
    vendors,
    Party,
    PartyInput,
    i64,
    list_parties,
    party,
    create_party,
    update_party,
    PartyKind::Vendor
);
handlers!(
    users,
    User,
    UserInput,
    i64,
    list_users,
    user,
    create_user,
    update_user
);
pub(crate) mod currencies {
    use super::*;
    use crate::extract::ListParams;
    use axum::http::StatusCode;

    pub(crate) async fn list(
        State(app): State<App>,
        Auth(who): Auth,
        Query(p): Query<ListParams>,
    ) -> Result<Json<Page<Currency>>, ApiError> {
        Ok(Json(app.list_currencies(&who, &p.to_query()?).await?))
    }

    pub(crate) async fn read(
        State(app): State<App>,
        Auth(who): Auth,
        Path(code): Path<String>,
    ) -> Result<Json<Currency>, ApiError> {
        Ok(Json(app.currency(&who, &code).await?))
    }

    pub(crate) async fn create(
        State(app): State<App>,
        Auth(who): Auth,
        ApiJson(input): ApiJson<CurrencyInput>,
    ) -> Result<(StatusCode, Json<Currency>), ApiError> {
        Ok((
            StatusCode::CREATED,
            Json(app.add_currency(&who, &input).await?),
        ))
    }

    pub(crate) async fn update(
        State(app): State<App>,
        Auth(who): Auth,
        Path(code): Path<String>,
        ApiJson(input): ApiJson<CurrencyInput>,
    ) -> Result<Json<Currency>, ApiError> {
        Ok(Json(app.update_currency(&who, &code, &input).await?))
    }
}

handlers!(
    rates,
    ExchangeRate,
    ExchangeRateInput,
    i64,
    list_rates,
    rate,
    add_rate,
    update_rate
);

pub(crate) mod rate_lookup {
    use super::*;

    /// Query of the rate-on-date endpoint.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(crate) struct OnDate {
        currency: String,
        date: String,
    }

    pub(crate) async fn on_date(
        State(app): State<App>,
        Auth(who): Auth,
        Query(q): Query<OnDate>,
    ) -> Result<Json<ExchangeRate>, ApiError> {
        Ok(Json(app.rate_on(&who, &q.currency, &q.date).await?))
    }
}

handlers!(
    sites,
    Site,
    SiteInput,
    i64,
    list_sites,
    site,
    create_site,
    update_site
);

pub(crate) mod bins {
    use super::*;
    use axum::http::StatusCode;
    use cartwright_core::site::{Bin, BinInput};

    pub(crate) async fn add_bin(
        State(app): State<App>,
        Auth(who): Auth,
        Path(id): Path<i64>,
        ApiJson(input): ApiJson<BinInput>,
    ) -> Result<(StatusCode, Json<Bin>), ApiError> {
        Ok((
            StatusCode::CREATED,
            Json(app.add_bin(&who, id, &input).await?),
        ))
    }
}

pub(crate) mod company {
    use super::*;
    use axum::http::StatusCode;
    use cartwright_core::company::{Company, CompanyInput};

    pub(crate) async fn read(
        State(app): State<App>,
        Auth(who): Auth,
    ) -> Result<Json<Company>, ApiError> {
        Ok(Json(app.company(&who).await?))
    }

    pub(crate) async fn setup(
        State(app): State<App>,
        Auth(who): Auth,
        ApiJson(input): ApiJson<CompanyInput>,
    ) -> Result<(StatusCode, Json<Company>), ApiError> {
        Ok((
            StatusCode::CREATED,
            Json(app.setup_company(&who, &input).await?),
        ))
    }

    pub(crate) async fn update(
        State(app): State<App>,
        Auth(who): Auth,
        ApiJson(input): ApiJson<CompanyInput>,
    ) -> Result<Json<Company>, ApiError> {
        Ok(Json(app.update_company(&who, &input).await?))
    }
}
