//! PrestaShop Webservice connector (1.7, 8.x, 9.x): key auth, JSON reads, XML writes.
//!
//! Reads ask for JSON (`output_format=JSON`); the `/api/` listing and every write
//! reply are XML. Dates are shop-local (PS_TIMEZONE) and converted here.

mod clock;
mod orders;
mod records;
mod wire;
mod xml;

use std::sync::Mutex;

use jiff::tz::TimeZone;
use serde_json::Value;
use time::OffsetDateTime;

use crate::{
    CartError, CustomerOut, ItemOut, Needs, Page, RemoteCustomer, RemoteItem, RemoteOrder,
    ShopInfo,
    http::{Http, HttpOptions, Incident, Reply, body_excerpt},
};

/// Read-only resources the sync needs, with why.
const READS: &[&str] = &[
    "orders",
    "order_states",
    "customers",
    "addresses",
    "products",
    "combinations",
    "stock_availables",
    "currencies",
    "countries",
    "configurations",
];

/// Upper bound for a date filter (PrestaShop needs both ends for BETWEEN).
const FAR_FUTURE: &str = "2099-12-31 23:59:59";

/// A connection to one PrestaShop shop.
pub struct PrestaShop {
    base: String,
    key: String,
    http: Http,
    tz: Mutex<Option<TimeZone>>,
    cache: Mutex<records::Lookups>,
}

impl std::fmt::Debug for PrestaShop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is a secret: never print it.
        f.debug_struct("PrestaShop")
            .field("base", &self.base)
            .finish()
    }
}

impl PrestaShop {
    /// A client for the shop at `url` (its root; a trailing `/api` is accepted) with `key`.
    pub fn new(url: &str, key: &str, opts: HttpOptions) -> Result<Self, CartError> {
        let trimmed = url.trim().trim_end_matches('/');
        let trimmed = trimmed.strip_suffix("/api").unwrap_or(trimmed);
        let parsed = reqwest::Url::parse(trimmed).map_err(|e| CartError::BadUrl {
            url: url.to_string(),
            detail: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(CartError::BadUrl {
                url: url.to_string(),
                detail: "use an http:// or https:// address of the shop".into(),
            });
        }
        Ok(Self {
            base: trimmed.to_string(),
            key: key.to_string(),
            http: Http::new(opts)?,
            tz: Mutex::new(None),
            cache: Mutex::default(),
        })
    }

    /// Errors met so far (including ones a retry recovered from), for the sync log.
    pub fn take_incidents(&self) -> Vec<Incident> {
        self.http.take_incidents()
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/{}", self.base, path)
    }

    /// One GET with the key; JSON output unless `xml`.
    async fn get_once(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
        xml: bool,
    ) -> Result<Reply, CartError> {
        let url = self.url(path);
        let mut req = self
            .http
            .client()
            .get(&url)
            .basic_auth(&self.key, Some(""))
            .query(query);
        if !xml {
            req = req.query(&[("output_format", "JSON")]);
        }
        let reply = self.http.send(what, &url, req).await?;
        check(what, &url, reply)
    }

    /// A GET with retries, parsed as JSON; `None` for 404.
    async fn get_json(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<Value>, CartError> {
        self.http
            .retrying(what, || async {
                let r = self.get_once(what, path, query, false).await?;
                if r.status == 404 {
                    return Ok(None);
                }
                wire::parse(what, &r.body).map(Some)
            })
            .await
    }

    /// A list GET: the records under `key`.
    async fn get_list(
        &self,
        what: &str,
        resource: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<Value>, CartError> {
        let v = self
            .get_json(what, resource, query)
            .await?
            .ok_or_else(|| wire::malformed(what, "the list answered 404", ""))?;
        let body = v.to_string();
        Ok(wire::list(what, &v, resource, &body)?.to_vec())
    }

    /// A write with an XML body; returns the saved record's fields.
    async fn write(
        &self,
        what: &str,
        method: reqwest::Method,
        path: &str,
        body: String,
    ) -> Result<std::collections::BTreeMap<String, String>, CartError> {
        self.http
            .retrying(what, || async {
                let url = self.url(path);
                let req = self
                    .http
                    .client()
                    .request(method.clone(), &url)
                    .basic_auth(&self.key, Some(""))
                    .header("Content-Type", "text/xml")
                    .body(body.clone());
                let r = check(what, &url, self.http.send(what, &url, req).await?)?;
                if r.status == 404 {
                    return Err(CartError::Http {
                        what: what.to_string(),
                        status: 404,
                        message: "record not found in the cart".into(),
                        excerpt: body_excerpt(&r.body),
                    });
                }
                xml::parse_record(&r.body).map_err(|e| CartError::Malformed {
                    what: what.to_string(),
                    detail: e.0,
                    excerpt: body_excerpt(&r.body),
                })
            })
            .await
    }

    /// Test Connection: reachable, a PrestaShop webservice, the key valid, every needed
    /// permission granted; learns the shop's time zone.
    pub async fn test(&self, needs: Needs) -> Result<ShopInfo, CartError> {
        let what = "the webservice root /api/";
        let url = self.url("");
        let req = self.http.client().get(&url).basic_auth(&self.key, Some(""));
        let reply = self.http.send(what, &url, req).await?;
        let is_ps = reply.header("psws-version").is_some()
            || reply
                .header("x-powered-by")
                .is_some_and(|v| v.contains("PrestaShop"))
            || reply
                .header("www-authenticate")
                .is_some_and(|v| v.contains("PrestaShop"));
        if !is_ps {
            return Err(CartError::NotACart {
                cart: "PrestaShop",
                url: url.clone(),
                detail: format!(
                    "HTTP {} without PrestaShop webservice headers: {}",
                    reply.status,
                    body_excerpt(&reply.body)
                ),
            });
        }
        let version = reply.header("psws-version").unwrap_or_default().to_string();
        let reply = check(what, &url, reply)?;
        let grants = xml::parse_api_root(&reply.body).map_err(|e| CartError::NotACart {
            cart: "PrestaShop",
            url: url.clone(),
            detail: e.0,
        })?;
        let mut wanted: Vec<(&str, &str)> = READS.iter().map(|r| (*r, "GET")).collect();
        if needs.stock {
            wanted.push(("stock_availables", "PUT"));
        }
        if needs.items {
            wanted.extend([("products", "POST"), ("products", "PUT")]);
        }
        if needs.customers {
            wanted.extend([("customers", "POST"), ("customers", "PUT")]);
        }
        for (resource, method) in wanted {
            let g = grants.get(resource).cloned().unwrap_or_default();
            let ok = match method {
                "GET" => g.get,
                "PUT" => g.put,
                "POST" => g.post,
                _ => g.patch,
            };
            if !ok {
                return Err(CartError::Permission {
                    resource: resource.to_string(),
                    method: method.to_string(),
                });
            }
        }
        let timezone = self.load_timezone().await?;
        Ok(ShopInfo { version, timezone })
    }

    async fn load_timezone(&self) -> Result<String, CartError> {
        let what = "configuration PS_TIMEZONE";
        let rows = self
            .get_list(
                what,
                "configurations",
                &[
                    ("display", "full".into()),
                    ("filter[name]", "[PS_TIMEZONE]".into()),
                ],
            )
            .await?;
        // A multistore has one row per shop; the global one has no shop ids.
        let row = rows
            .iter()
            .find(|r| wire::text(r, "id_shop").trim().is_empty() || wire::text(r, "id_shop") == "0")
            .or_else(|| rows.first())
            .ok_or_else(|| wire::malformed(what, "PS_TIMEZONE is not set", ""))?;
        let name = wire::text(row, "value");
        let tz = clock::zone(&name)
            .ok_or_else(|| wire::malformed(what, &format!("unknown time zone '{name}'"), ""))?;
        *self.tz.lock().unwrap_or_else(|p| p.into_inner()) = Some(tz);
        Ok(name)
    }

    async fn zone(&self) -> Result<TimeZone, CartError> {
        if let Some(tz) = self.tz.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Ok(tz);
        }
        self.load_timezone().await?;
        Ok(self
            .tz
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or(TimeZone::UTC))
    }

    /// Rows of `resource` changed at or after `since` (or from `cursor`), oldest change
    /// first, with the cursor of the next page.
    async fn changed_since(
        &self,
        resource: &str,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Value>, Option<String>, TimeZone), CartError> {
        let tz = self.zone().await?;
        let (from, skip) = match cursor.and_then(Cursor::parse) {
            Some(c) => (c.from, c.skip),
            None => (clock::to_local(&tz, since), 0),
        };
        let rows = self
            .get_list(
                &format!("{resource} changed since the last run"),
                resource,
                &[
                    ("display", "full".into()),
                    ("date", "1".into()),
                    ("filter[date_upd]", format!("[{from},{FAR_FUTURE}]")),
                    ("sort", "[date_upd_ASC,id_ASC]".into()),
                    ("limit", format!("{skip},{limit}")),
                ],
            )
            .await?;
        let next = Cursor::after(&from, skip, &rows, limit);
        Ok((rows, next, tz))
    }

    /// Orders changed at or after `since`, oldest change first; `cursor` continues a previous page.
    pub async fn orders_since(
        &self,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteOrder>, CartError> {
        let (rows, next, tz) = self.changed_since("orders", since, cursor, limit).await?;
        let records = self.map_orders(&tz, &rows).await?;
        Ok(Page { records, next })
    }

    /// One page of orders, newest first (the Orders (Cart) tab).
    pub async fn orders_page(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Page<RemoteOrder>, CartError> {
        let tz = self.zone().await?;
        let rows = self
            .get_list(
                "orders",
                "orders",
                &[
                    ("display", "full".into()),
                    ("sort", "[id_DESC]".into()),
                    ("limit", format!("{offset},{limit}")),
                ],
            )
            .await?;
        let next = (rows.len() >= limit).then(|| (offset + limit).to_string());
        let records = self.map_orders(&tz, &rows).await?;
        Ok(Page { records, next })
    }

    /// Specific orders by id (retrying failed imports, importing by hand).
    pub async fn orders_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::Fetched<RemoteOrder>>, CartError> {
        let ids: Vec<&String> = ids
            .iter()
            .filter(|i| i.chars().all(|c| c.is_ascii_digit()) && !i.is_empty())
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let tz = self.zone().await?;
        let joined = ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("|");
        let rows = self
            .get_list(
                "orders by id",
                "orders",
                &[
                    ("display", "full".into()),
                    ("filter[id]", format!("[{joined}]")),
                ],
            )
            .await?;
        self.map_orders(&tz, &rows).await
    }

    /// One page of sellable items (each combination its own item), by product id.
    pub async fn items_page(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Page<RemoteItem>, CartError> {
        let rows = self
            .get_list(
                "products",
                "products",
                &[
                    ("display", "full".into()),
                    ("sort", "[id_ASC]".into()),
                    ("limit", format!("{offset},{limit}")),
                ],
            )
            .await?;
        let next = (rows.len() >= limit).then(|| (offset + limit).to_string());
        let records = self.expand_products(&rows).await?;
        Ok(Page { records, next })
    }

    /// Items by key (`"12"` or `"12-7"`); unknown keys are left out.
    pub async fn items_by_id(
        &self,
        keys: &[String],
    ) -> Result<Vec<crate::Fetched<RemoteItem>>, CartError> {
        let products: Vec<String> = keys
            .iter()
            .map(|k| split_item_id(k).0.to_string())
            .filter(|p| p != "0")
            .collect();
        if products.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .get_list(
                "products by id",
                "products",
                &[
                    ("display", "full".into()),
                    ("filter[id]", records::any_of(&products)),
                ],
            )
            .await?;
        let all = self.expand_products(&rows).await?;
        Ok(all
            .into_iter()
            .filter(|f| keys.contains(&f.remote_id))
            .collect())
    }

    /// Customers by id.
    pub async fn customers_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::Fetched<RemoteCustomer>>, CartError> {
        let ids: Vec<String> = ids
            .iter()
            .filter(|i| !i.is_empty() && i.chars().all(|c| c.is_ascii_digit()))
            .cloned()
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let tz = self.zone().await?;
        let rows = self
            .get_list(
                "customers by id",
                "customers",
                &[
                    ("display", "full".into()),
                    ("filter[id]", records::any_of(&ids)),
                ],
            )
            .await?;
        self.map_customers(&tz, &rows).await
    }

    /// Items whose product changed at or after `since`.
    pub async fn items_since(
        &self,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteItem>, CartError> {
        let (rows, next, tz) = self.changed_since("products", since, cursor, limit).await?;
        let mut records = self.expand_products(&rows).await?;
        for r in &mut records {
            let pid = r.remote_id.split('-').next().unwrap_or_default();
            r.updated = rows
                .iter()
                .find(|p| wire::text(p, "id") == pid)
                .and_then(|p| clock::to_utc(&tz, &wire::text(p, "date_upd")));
        }
        Ok(Page { records, next })
    }

    /// One page of customers, by id.
    pub async fn customers_page(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Page<RemoteCustomer>, CartError> {
        let tz = self.zone().await?;
        let rows = self
            .get_list(
                "customers",
                "customers",
                &[
                    ("display", "full".into()),
                    ("sort", "[id_ASC]".into()),
                    ("limit", format!("{offset},{limit}")),
                ],
            )
            .await?;
        let next = (rows.len() >= limit).then(|| (offset + limit).to_string());
        let records = self.map_customers(&tz, &rows).await?;
        Ok(Page { records, next })
    }

    /// Customers changed at or after `since`.
    pub async fn customers_since(
        &self,
        since: OffsetDateTime,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RemoteCustomer>, CartError> {
        let (rows, next, tz) = self
            .changed_since("customers", since, cursor, limit)
            .await?;
        let records = self.map_customers(&tz, &rows).await?;
        Ok(Page { records, next })
    }

    /// Sets the sellable quantity of one item (absolute; safe to repeat).
    pub async fn set_stock(&self, item_remote_id: &str, quantity: i64) -> Result<(), CartError> {
        let (product, attribute) = split_item_id(item_remote_id);
        let what = format!("stock of item {item_remote_id}");
        let rows = self
            .get_list(
                &what,
                "stock_availables",
                &[
                    ("display", "full".into()),
                    ("filter[id_product]", format!("[{product}]")),
                    ("filter[id_product_attribute]", format!("[{attribute}]")),
                ],
            )
            .await?;
        let row = rows
            .first()
            .ok_or_else(|| wire::malformed(&what, "the cart has no stock row for this item", ""))?;
        let id = wire::text(row, "id");
        let field = |f: &str, default: &str| {
            let v = wire::text(row, f);
            if v.is_empty() { default.to_string() } else { v }
        };
        let body = xml::record(
            "stock_available",
            &[
                ("id", id.clone()),
                ("id_product", product.to_string()),
                ("id_product_attribute", attribute.to_string()),
                ("id_shop", field("id_shop", "1")),
                ("id_shop_group", field("id_shop_group", "0")),
                ("quantity", quantity.to_string()),
                ("depends_on_stock", field("depends_on_stock", "0")),
                ("out_of_stock", field("out_of_stock", "2")),
            ],
            &[],
        );
        let saved = self
            .write(
                &what,
                reqwest::Method::PUT,
                &format!("stock_availables/{id}"),
                body,
            )
            .await?;
        if saved.get("quantity").map(|q| q.trim()) != Some(quantity.to_string().as_str()) {
            return Err(wire::malformed(
                &what,
                &format!(
                    "the cart saved quantity {:?} instead of {quantity}",
                    saved.get("quantity")
                ),
                "",
            ));
        }
        Ok(())
    }

    /// Creates a product from one of our items; returns its item key.
    pub async fn create_item(&self, item: &ItemOut) -> Result<String, CartError> {
        let what = format!("new product {}", item.sku);
        let body = records::product_xml(None, item);
        let saved = self
            .write(&what, reqwest::Method::POST, "products", body)
            .await?;
        saved
            .get("id")
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string())
            .ok_or_else(|| wire::malformed(&what, "the reply has no product id", ""))
    }

    /// Changes a product's SKU, name, prices and status (PATCH: other fields stay).
    pub async fn update_item(&self, item_remote_id: &str, item: &ItemOut) -> Result<(), CartError> {
        let (product, attribute) = split_item_id(item_remote_id);
        if attribute != 0 {
            // A combination's name and base price belong to its product; only the SKU is its own.
            let body = xml::record(
                "combination",
                &[
                    ("id", attribute.to_string()),
                    ("reference", item.sku.clone()),
                ],
                &[],
            );
            self.write(
                &format!("combination {item_remote_id}"),
                reqwest::Method::PATCH,
                &format!("combinations/{attribute}"),
                body,
            )
            .await?;
            return Ok(());
        }
        let body = records::product_xml(Some(product), item);
        self.write(
            &format!("product {product}"),
            reqwest::Method::PATCH,
            &format!("products/{product}"),
            body,
        )
        .await?;
        Ok(())
    }

    /// Creates a customer; returns the cart's id.
    pub async fn create_customer(&self, c: &CustomerOut) -> Result<String, CartError> {
        let what = format!("new customer {}", c.email);
        let body = records::customer_xml(None, c);
        let saved = self
            .write(&what, reqwest::Method::POST, "customers", body)
            .await?;
        saved
            .get("id")
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string())
            .ok_or_else(|| wire::malformed(&what, "the reply has no customer id", ""))
    }

    /// Changes a customer's name, company and e-mail (PATCH).
    pub async fn update_customer(&self, remote_id: &str, c: &CustomerOut) -> Result<(), CartError> {
        let id: i64 = remote_id.parse().unwrap_or_default();
        let body = records::customer_xml(Some(id), c);
        self.write(
            &format!("customer {remote_id}"),
            reqwest::Method::PATCH,
            &format!("customers/{id}"),
            body,
        )
        .await?;
        Ok(())
    }
}

/// `"12"` → (12, 0); `"12-7"` → (12, 7).
fn split_item_id(id: &str) -> (i64, i64) {
    let mut p = id.splitn(2, '-');
    let product = p.next().and_then(|s| s.parse().ok()).unwrap_or_default();
    let attribute = p.next().and_then(|s| s.parse().ok()).unwrap_or_default();
    (product, attribute)
}

/// Keyset position: rows changed at or after `from`, skipping `skip` already seen at `from`.
struct Cursor {
    from: String,
    skip: usize,
}

impl Cursor {
    fn parse(s: &str) -> Option<Self> {
        let (skip, from) = s.split_once('|')?;
        Some(Self {
            from: from.to_string(),
            skip: skip.parse().ok()?,
        })
    }

    /// The cursor after a page; `None` after a short page. Paging restarts at the last
    /// row's timestamp, so rows changed while we page move behind us instead of shifting
    /// offsets and being skipped.
    fn after(from: &str, skip: usize, rows: &[Value], limit: usize) -> Option<String> {
        if rows.len() < limit {
            return None;
        }
        let last = wire::text(rows.last()?, "date_upd");
        let same = rows
            .iter()
            .filter(|r| wire::text(r, "date_upd") == last)
            .count();
        let skip = if last == from { skip + same } else { same };
        Some(format!("{skip}|{last}"))
    }
}

/// Maps an HTTP status to a typed error (200–299 and 404 pass through).
fn check(what: &str, url: &str, r: Reply) -> Result<Reply, CartError> {
    if (200..300).contains(&r.status) || r.status == 404 {
        return Ok(r);
    }
    let (code, message) = error_of(&r.body);
    let excerpt = body_excerpt(&r.body);
    Err(match (r.status, code) {
        (401, Some(26)) | (405, Some(25)) => CartError::Permission {
            resource: resource_of(url),
            method: if r.status == 405 { "use this method on".into() } else { "GET".into() },
        },
        (401, _) | (403, _) => CartError::Auth {
            detail: message.unwrap_or_else(|| format!("HTTP {}", r.status)),
        },
        (429, _) => CartError::RateLimited {
            what: what.to_string(),
            secs: r
                .header("retry-after")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(1),
            excerpt,
        },
        (503, Some(22)) => CartError::Http {
            what: what.to_string(),
            status: 503,
            message: "the PrestaShop webservice is disabled (code 22): enable it under Advanced Parameters > Webservice".into(),
            excerpt,
        },
        (status, _) => CartError::Http {
            what: what.to_string(),
            status,
            message: message.unwrap_or_else(|| body_excerpt(&r.body)),
            excerpt,
        },
    })
}

/// The resource named in an API URL.
fn resource_of(url: &str) -> String {
    url.split("/api/")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?']).next())
        .unwrap_or_default()
        .to_string()
}

/// Code and message of a PrestaShop error body (JSON or XML).
fn error_of(body: &str) -> (Option<i64>, Option<String>) {
    if let Ok(v) = serde_json::from_str::<Value>(body)
        && let Some(e) = v.get("errors").and_then(|e| e.get(0))
    {
        let code = e
            .get("code")
            .and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()));
        let msg = e.get("message").and_then(Value::as_str).map(str::to_string);
        return (code, msg);
    }
    let grab = |tag: &str| -> Option<String> {
        let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
        let end = body[start..].find(&format!("</{tag}>"))? + start;
        Some(
            body[start..end]
                .trim()
                .trim_start_matches("<![CDATA[")
                .trim_end_matches("]]>")
                .to_string(),
        )
    };
    (grab("code").and_then(|c| c.parse().ok()), grab("message"))
}
