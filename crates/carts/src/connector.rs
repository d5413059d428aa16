//! One handle over every cart type, so the sync engine never names a cart.

use time::OffsetDateTime;

use crate::{
    CartError, CustomerOut, Fetched, HttpOptions, Incident, ItemOut, Needs, Page, PrestaShop,
    RemoteCustomer, RemoteItem, RemoteOrder, ShopInfo,
};

/// A cart type we can connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CartType {
    /// Stored and API spelling.
    pub id: &'static str,
    /// The Actions drop-down entry.
    pub label: &'static str,
    /// What the cart calls its credential.
    pub credential: &'static str,
    /// Where the URL points.
    pub url_hint: &'static str,
}

/// Every cart type, in menu order.
pub const CART_TYPES: &[CartType] = &[CartType {
    id: "prestashop",
    label: "New PrestaShop Cart",
    credential: "Webservice key (32 characters, Advanced Parameters > Webservice)",
    url_hint: "the shop's root address, e.g. https://shop.example.com",
}];

/// Looks a cart type up by its id.
pub fn cart_type(id: &str) -> Option<&'static CartType> {
    CART_TYPES.iter().find(|t| t.id.eq_ignore_ascii_case(id))
}

/// A live connection to one cart.
#[derive(Debug)]
pub enum Connector {
    /// PrestaShop Webservice.
    PrestaShop(PrestaShop),
}

impl Connector {
    /// Connects to a cart of `cart_type` at `url` with `secret`.
    pub fn new(
        cart_type: &str,
        url: &str,
        secret: &str,
        opts: HttpOptions,
    ) -> Result<Self, CartError> {
        match cart_type {
            "prestashop" => Ok(Self::PrestaShop(PrestaShop::new(url, secret, opts)?)),
            other => Err(CartError::BadUrl {
                url: url.to_string(),
                detail: format!("unknown cart type '{other}'"),
            }),
        }
    }

    /// Test Connection.
    pub async fn test(&self, needs: Needs) -> Result<ShopInfo, CartError> {
        match self {
            Self::PrestaShop(c) => c.test(needs).await,
        }
    }

    /// Errors met since the last call.
    pub fn take_incidents(&self) -> Vec<Incident> {
        match self {
            Self::PrestaShop(c) => c.take_incidents(),
        }
    }

    /// Orders changed at or after `since`.
    pub async fn orders_since(
        &self,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteOrder>, CartError> {
        match self {
            Self::PrestaShop(c) => c.orders_since(since, cursor, limit).await,
        }
    }

    /// A page of orders, newest first; `cursor` from the previous page.
    pub async fn orders_page(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteOrder>, CartError> {
        match self {
            Self::PrestaShop(c) => c.orders_page(offset(cursor), limit).await,
        }
    }

    /// Orders by the cart's ids.
    pub async fn orders_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<Fetched<RemoteOrder>>, CartError> {
        match self {
            Self::PrestaShop(c) => c.orders_by_id(ids).await,
        }
    }

    /// A page of items.
    pub async fn items_page(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteItem>, CartError> {
        match self {
            Self::PrestaShop(c) => c.items_page(offset(cursor), limit).await,
        }
    }

    /// Items by key.
    pub async fn items_by_id(
        &self,
        keys: &[String],
    ) -> Result<Vec<Fetched<RemoteItem>>, CartError> {
        match self {
            Self::PrestaShop(c) => c.items_by_id(keys).await,
        }
    }

    /// Customers by id.
    pub async fn customers_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<Fetched<RemoteCustomer>>, CartError> {
        match self {
            Self::PrestaShop(c) => c.customers_by_id(ids).await,
        }
    }

    /// Items changed at or after `since`.
    pub async fn items_since(
        &self,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteItem>, CartError> {
        match self {
            Self::PrestaShop(c) => c.items_since(since, cursor, limit).await,
        }
    }

    /// A page of customers.
    pub async fn customers_page(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteCustomer>, CartError> {
        match self {
            Self::PrestaShop(c) => c.customers_page(offset(cursor), limit).await,
        }
    }

    /// Customers changed at or after `since`.
    pub async fn customers_since(
        &self,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteCustomer>, CartError> {
        match self {
            Self::PrestaShop(c) => c.customers_since(since, cursor, limit).await,
        }
    }

    /// Sets an item's sellable quantity.
    pub async fn set_stock(&self, item_remote_id: &str, quantity: i64) -> Result<(), CartError> {
        match self {
            Self::PrestaShop(c) => c.set_stock(item_remote_id, quantity).await,
        }
    }

    /// Creates an item; returns its key.
    pub async fn create_item(&self, item: &ItemOut) -> Result<String, CartError> {
        match self {
            Self::PrestaShop(c) => c.create_item(item).await,
        }
    }

    /// Changes an item.
    pub async fn update_item(&self, remote_id: &str, item: &ItemOut) -> Result<(), CartError> {
        match self {
            Self::PrestaShop(c) => c.update_item(remote_id, item).await,
        }
    }

    /// Creates a customer; returns its id.
    pub async fn create_customer(&self, c: &CustomerOut) -> Result<String, CartError> {
        match self {
            Self::PrestaShop(p) => p.create_customer(c).await,
        }
    }

    /// Changes a customer.
    pub async fn update_customer(&self, remote_id: &str, c: &CustomerOut) -> Result<(), CartError> {
        match self {
            Self::PrestaShop(p) => p.update_customer(remote_id, c).await,
        }
    }
}

fn offset(cursor: Option<&str>) -> usize {
    cursor.and_then(|c| c.parse().ok()).unwrap_or(0)
}
