//! Cart Connect use cases: Shopping Cart records, Test Connection, the sync engine,
//! the cart tabs (orders, items, customers, both ours and the cart's) and stock pushes.

mod available;
mod import;
mod notify;
mod push;
mod remote;
pub mod secrets;
mod settings;
mod sync;

use cartwright_carts::{CartError, Connector, Needs};
use cartwright_core::{
    FieldErrors,
    money::{QUANTITY_SCALE, from_scaled, to_scaled},
    user::{Access, Resource},
    validate,
};
use cartwright_store::{CartRow, CartWrite, ListQuery, Tx};
use sha2::{Digest, Sha256};

pub use available::{Available, AvailableTerm};
pub use notify::SmtpSettings;
pub use push::PushLocks;
pub use remote::{
    CartCustomerRow, CartItemRow, CartOrderView, CustomerExport, CustomerImport, FailedImport,
    ItemExport, ItemImport, LinkRequest, RemoteCustomerView, RemoteItemView, RemoteOrderView,
    RemotePage, TabResult,
};
pub use settings::{
    Cart, CartInput, CartTypeView, ConnectionState, FromCart, FromCartInput, ImportAs, TEST_PASSED,
    TestResult, ToCart, ToCartInput,
};
pub use sync::{RunCounts, RunError, RunView};

/// An instant as cart settings store it (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn settings_text(t: time::OffsetDateTime) -> String {
    settings::instant_text(t)
}

use crate::{App, AppError, Principal, Result, audit, required_version};

/// Longest cart or site name.
const NAME_MAX: usize = 100;

pub(crate) fn to_view(r: &CartRow) -> Cart {
    Cart {
        id: r.id,
        cart_type: r.cart_type.clone(),
        name: r.name.clone(),
        url: r.url.clone(),
        password_set: !r.secret_enc.is_empty(),
        sites: r.sites.clone(),
        price_list: r.price_list.clone(),
        safety_buffer: from_scaled(r.safety_buffer_e4, QUANTITY_SCALE).normalize(),
        notification_email: r.notify_email.clone(),
        from_cart: FromCart {
            status: r.status.clone(),
            import_orders_as: ImportAs::parse(&r.import_as).unwrap_or_default(),
            last_order_from: r.last_order_from.clone(),
            last_update_time: r.last_update_time.clone(),
            enable_customer_updates: r.from_customer_updates,
            enable_item_updates: r.from_item_updates,
        },
        to_cart: ToCart {
            enable_customer_updates: r.to_customer_updates,
            enable_real_time_stock_updates: r.to_stock_updates,
            enable_item_updates: r.to_item_updates,
        },
        interval_minutes: r.interval_secs / 60,
        connection: ConnectionState {
            // Any settings change that needs a new test clears the fingerprint.
            tested: r.tested_fingerprint.is_some(),
            tested_at: r.tested_at.clone(),
            shop_timezone: r.shop_timezone.clone(),
        },
        last_run_at: r.last_run_at.clone(),
        version: r.version,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    }
}

/// What a connection test must prove for these settings.
fn needs(r: &CartRow) -> Needs {
    Needs {
        stock: r.to_stock_updates,
        items: r.to_item_updates,
        customers: r.to_customer_updates,
    }
}

/// Fingerprint of everything a connection test depends on: a change to any of it
/// means the test must be passed again before auto-sync starts.
fn fingerprint(r: &CartRow, secret: &str) -> String {
    let n = needs(r);
    let mut h = Sha256::new();
    for part in [r.cart_type.as_str(), r.url.as_str(), secret] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.update([u8::from(n.stock), u8::from(n.items), u8::from(n.customers)]);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The failure kind of a connection error.
fn reason(e: &CartError) -> &'static str {
    match e {
        CartError::BadUrl { .. } => "bad_url",
        CartError::Unreachable { .. } => "unreachable",
        CartError::Tls { .. } => "tls",
        CartError::Timeout { .. } => "timeout",
        CartError::NotACart { .. } => "not_a_cart",
        CartError::Auth { .. } => "wrong_password",
        CartError::Permission { .. } => "permission",
        CartError::RateLimited { .. } | CartError::Http { .. } | CartError::Malformed { .. } => {
            "cart_error"
        }
    }
}

impl App {
    /// Cart types for the Actions drop-down.
    pub fn cart_types(&self) -> Vec<CartTypeView> {
        cartwright_carts::CART_TYPES
            .iter()
            .map(|t| CartTypeView {
                id: t.id.to_string(),
                label: t.label.to_string(),
                credential: t.credential.to_string(),
                url_hint: t.url_hint.to_string(),
            })
            .collect()
    }

    async fn cart_write(
        &self,
        tx: &mut Tx,
        input: &CartInput,
        before: Option<&CartRow>,
    ) -> Result<CartWrite> {
        let mut errs = FieldErrors::default();
        let cart_type = match before {
            Some(b) => {
                if let Some(t) = input
                    .cart_type
                    .as_deref()
                    .filter(|t| !t.eq_ignore_ascii_case(&b.cart_type))
                {
                    errs.push(
                        "type",
                        format!(
                            "a cart's type cannot change (it is {}, not {t})",
                            b.cart_type
                        ),
                    );
                }
                b.cart_type.clone()
            }
            None => match input.cart_type.as_deref() {
                None | Some("") => {
                    errs.push(
                        "type",
                        "is required: one of the types in /api/v1/carts/types",
                    );
                    String::new()
                }
                Some(t) => match cartwright_carts::cart_type(t) {
                    Some(ct) => ct.id.to_string(),
                    None => {
                        errs.push("type", format!("unknown cart type '{t}'"));
                        String::new()
                    }
                },
            },
        };
        let name = errs
            .check(validate::required_text("name", &input.name, NAME_MAX))
            .unwrap_or_default();
        let url = input.url.trim().to_string();
        if url.is_empty() {
            errs.push("url", "is required");
        } else if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 500 {
            errs.push(
                "url",
                format!("'{url}' is not an http:// or https:// address"),
            );
        }
        let secret_enc = match (input.password.as_deref(), before) {
            (Some(p), _) if !p.trim().is_empty() => {
                if p.len() > 500 {
                    errs.push("password", "is longer than 500 characters");
                }
                self.secrets.seal(p.trim())?
            }
            (_, Some(b)) => b.secret_enc.clone(),
            (_, None) => {
                errs.push("password", "is required");
                String::new()
            }
        };
        let mut site_ids = Vec::new();
        match &input.sites {
            Some(codes) => {
                for (i, c) in codes.iter().enumerate() {
                    match tx.site_id(c).await? {
                        Some(id) => site_ids.push(id),
                        None => errs.push(format!("sites[{i}]"), format!("unknown site '{c}'")),
                    }
                }
            }
            None => match before {
                Some(b) => site_ids = b.site_ids.clone(),
                None => {
                    let q = ListQuery {
                        limit: 500,
                        ..ListQuery::default()
                    };
                    site_ids = tx
                        .list_sites(&q)
                        .await?
                        .items
                        .iter()
                        .map(|s| s.id)
                        .collect();
                }
            },
        }
        let price_list_id = match input.price_list.as_deref().filter(|p| !p.is_empty()) {
            Some(code) => match tx.price_list_by_code(code).await? {
                Some(p) => Some(p.id),
                None => {
                    errs.push("price_list", format!("unknown price list '{code}'"));
                    None
                }
            },
            None => None,
        };
        let safety_buffer_e4 = match input.safety_buffer {
            Some(b) if b < rust_decimal::Decimal::ZERO => {
                errs.push("safety_buffer", format!("must not be negative (got {b})"));
                0
            }
            Some(b) => errs
                .check(to_scaled(b, QUANTITY_SCALE, "safety_buffer"))
                .unwrap_or(0),
            None => before.map_or(0, |b| b.safety_buffer_e4),
        };
        let notify_email = match input.notification_email.as_deref().map(str::trim) {
            Some("") => String::new(),
            Some(e) => errs
                .check(validate::email("notification_email", e))
                .unwrap_or_default(),
            None => before.map(|b| b.notify_email.clone()).unwrap_or_default(),
        };
        let from = input.from_cart.clone().unwrap_or_default();
        let to = input.to_cart.clone().unwrap_or_default();
        let now = time::OffsetDateTime::now_utc();
        let mut instant = |field: &str, v: &Option<String>, old: Option<&String>| -> String {
            match v.as_deref().filter(|s| !s.trim().is_empty()) {
                Some(s) => errs
                    .check(settings::parse_instant(field, s))
                    .map(settings::instant_text)
                    .unwrap_or_default(),
                None => old.cloned().unwrap_or_else(|| settings::instant_text(now)),
            }
        };
        let last_order_from = instant(
            "from_cart.last_order_from",
            &from.last_order_from,
            before.map(|b| &b.last_order_from),
        );
        let last_update_time = instant(
            "from_cart.last_update_time",
            &from.last_update_time,
            before.map(|b| &b.last_update_time),
        );
        let interval_secs = match input.interval_minutes {
            Some(m) if !(1..=1440).contains(&m) => {
                errs.push(
                    "interval_minutes",
                    format!("must be between 1 and 1440 (got {m})"),
                );
                600
            }
            Some(m) => m * 60,
            None => before.map_or(600, |b| b.interval_secs),
        };
        let old = |f: fn(&CartRow) -> bool| before.is_some_and(f);
        let toggles = [
            from.enable_customer_updates
                .unwrap_or(old(|b| b.from_customer_updates)),
            from.enable_item_updates
                .unwrap_or(old(|b| b.from_item_updates)),
            to.enable_customer_updates
                .unwrap_or(old(|b| b.to_customer_updates)),
            to.enable_real_time_stock_updates
                .unwrap_or(old(|b| b.to_stock_updates)),
            to.enable_item_updates.unwrap_or(old(|b| b.to_item_updates)),
        ];
        let import_as = from
            .import_orders_as
            .map(|i| i.as_str().to_string())
            .or_else(|| before.map(|b| b.import_as.clone()))
            .unwrap_or_else(|| ImportAs::default().as_str().to_string());
        errs.into_result(CartWrite {
            name,
            cart_type,
            url,
            secret_enc,
            price_list_id,
            safety_buffer_e4,
            notify_email,
            import_as,
            last_order_from,
            last_update_time,
            toggles,
            interval_secs,
            site_ids,
        })
        .map_err(AppError::from)
    }

    /// Creates a Shopping Cart (STOPPED, untested).
    pub async fn create_cart(&self, who: &Principal, input: &CartInput) -> Result<Cart> {
        who.require(Resource::Carts, Access::Write)?;
        let mut tx = self.store.write().await?;
        let w = self.cart_write(&mut tx, input, None).await?;
        let id = tx
            .insert_cart(&w)
            .await
            .map_err(|e| AppError::duplicate_or(e, "cart", "name", &w.name))?;
        let row = load(&mut tx, id).await?;
        let view = to_view(&row);
        audit(&mut tx, who, "carts", id, "create", None, Some(&view)).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Changes a cart's settings; a changed URL, password or TO CART permission needs a new test.
    pub async fn update_cart(&self, who: &Principal, id: i64, input: &CartInput) -> Result<Cart> {
        who.require(Resource::Carts, Access::Write)?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        let w = self.cart_write(&mut tx, input, Some(&before)).await?;
        let ok = tx
            .update_cart(id, version, &w)
            .await
            .map_err(|e| AppError::duplicate_or(e, "cart", "name", &w.name))?;
        if !ok {
            return Err(AppError::Stale {
                entity: "cart".into(),
                id,
                version,
            });
        }
        let mut after = load(&mut tx, id).await?;
        if after.to_stock_updates && !before.to_stock_updates {
            tx.enqueue_all_stock(id).await?;
        }
        let secret = self.secrets.open(&after.secret_enc)?;
        if after.tested_fingerprint.as_deref() != Some(fingerprint(&after, &secret).as_str()) {
            tx.set_cart_tested(id, None, None).await?;
            if after.status == "RUNNING" {
                // Untested settings are never synchronised: auto-sync stops until a new test.
                tx.set_cart_status(id, "STOPPED").await?;
            }
            after = load(&mut tx, id).await?;
        }
        let (b, a) = (to_view(&before), to_view(&after));
        audit(&mut tx, who, "carts", id, "update", Some(&b), Some(&a)).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Deletes a cart and its links and logs; imported documents stay.
    pub async fn delete_cart(&self, who: &Principal, id: i64) -> Result<()> {
        who.require(Resource::Carts, Access::Write)?;
        let mut tx = self.store.write().await?;
        let before = load(&mut tx, id).await?;
        tx.delete_cart(id).await?;
        audit(
            &mut tx,
            who,
            "carts",
            id,
            "delete",
            Some(&to_view(&before)),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One cart.
    pub async fn cart(&self, who: &Principal, id: i64) -> Result<Cart> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(to_view(&load(&mut tx, id).await?))
    }

    /// Every cart.
    pub async fn list_carts(&self, who: &Principal) -> Result<Vec<Cart>> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        let mut out = Vec::new();
        for id in tx.cart_ids(false).await? {
            out.push(to_view(&load(&mut tx, id).await?));
        }
        Ok(out)
    }

    /// The connector for a stored cart.
    pub(crate) fn connector(&self, row: &CartRow) -> Result<Connector> {
        let secret = self.secrets.open(&row.secret_enc)?;
        Connector::new(&row.cart_type, &row.url, &secret, self.cart_http)
            .map_err(|e| AppError::invalid("url", e.to_string()))
    }

    /// Test Connection: the exact success message, or one precise reason.
    pub async fn test_cart(&self, who: &Principal, id: i64) -> Result<TestResult> {
        who.require(Resource::Carts, Access::Write)?;
        let row = {
            let mut tx = self.store.read().await?;
            load(&mut tx, id).await?
        };
        let secret = self.secrets.open(&row.secret_enc)?;
        let outcome = match Connector::new(&row.cart_type, &row.url, &secret, self.cart_http) {
            Ok(c) => c.test(needs(&row)).await,
            Err(e) => Err(e),
        };
        let mut tx = self.store.write().await?;
        let result = match outcome {
            Ok(info) => {
                tx.set_cart_tested(id, Some(&fingerprint(&row, &secret)), Some(&info.timezone))
                    .await?;
                TestResult {
                    passed: true,
                    message: TEST_PASSED.to_string(),
                    reason: None,
                }
            }
            Err(e) => {
                tx.set_cart_tested(id, None, None).await?;
                TestResult {
                    passed: false,
                    message: format!("TEST FAILED: {e}"),
                    reason: Some(reason(&e).to_string()),
                }
            }
        };
        tx.audit(cartwright_store::AuditEntry {
            actor: &who.actor(),
            entity: "carts",
            entity_id: Some(id),
            action: "test",
            before: None,
            after: crate::snapshot(&result),
        })
        .await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Start: auto-sync RUNNING (kept across restarts). Refused until a test has passed
    /// with the current settings.
    pub async fn start_cart(&self, who: &Principal, id: i64) -> Result<Cart> {
        who.require(Resource::Carts, Access::Write)?;
        let mut tx = self.store.write().await?;
        let row = load(&mut tx, id).await?;
        let secret = self.secrets.open(&row.secret_enc)?;
        if row.tested_fingerprint.as_deref() != Some(fingerprint(&row, &secret).as_str()) {
            return Err(AppError::Conflict(format!(
                "cart '{}' has not passed Test Connection with its current settings; run the test first",
                row.name
            )));
        }
        tx.set_cart_status(id, "RUNNING").await?;
        if row.to_stock_updates {
            // Starting sends every sold item's figure once, so the cart starts right.
            tx.enqueue_all_stock(id).await?;
        }
        let after = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "carts",
            id,
            "start",
            Some(&to_view(&row)),
            Some(&to_view(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(to_view(&after))
    }

    /// Stop: auto-sync STOPPED.
    pub async fn stop_cart(&self, who: &Principal, id: i64) -> Result<Cart> {
        who.require(Resource::Carts, Access::Write)?;
        let mut tx = self.store.write().await?;
        let row = load(&mut tx, id).await?;
        tx.set_cart_status(id, "STOPPED").await?;
        let after = load(&mut tx, id).await?;
        audit(
            &mut tx,
            who,
            "carts",
            id,
            "stop",
            Some(&to_view(&row)),
            Some(&to_view(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(to_view(&after))
    }

    /// Ids of carts whose auto-sync is RUNNING (the scheduler resumes them at start).
    pub async fn running_carts(&self) -> Result<Vec<i64>> {
        let mut tx = self.store.read().await?;
        Ok(tx.cart_ids(true).await?)
    }
}

pub(crate) async fn load(tx: &mut Tx, id: i64) -> Result<CartRow> {
    tx.cart(id)
        .await?
        .ok_or_else(|| AppError::not_found("cart", id))
}
