//! Products, combinations, customers and addresses: reading them, and XML to write them.

use std::collections::{BTreeMap, BTreeSet};

use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde_json::Value;

use super::{PrestaShop, clock, wire, xml};
use crate::{
    CartError, CustomerOut, Fetched, ItemOut, RemoteAddress, RemoteCustomer, RemoteItem,
    RemoteStatus, http::body_excerpt,
};

/// Reference data read once per connection.
#[derive(Debug, Default)]
pub(crate) struct Lookups {
    pub currencies: BTreeMap<String, String>,
    pub states: BTreeMap<String, RemoteStatus>,
    pub countries: BTreeMap<String, String>,
}

/// `[1|2|3]` for an id filter.
pub(crate) fn any_of<'a>(ids: impl IntoIterator<Item = &'a String>) -> String {
    let set: BTreeSet<&String> = ids
        .into_iter()
        .filter(|s| !s.is_empty() && s.as_str() != "0")
        .collect();
    format!(
        "[{}]",
        set.into_iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("|")
    )
}

impl PrestaShop {
    /// Currencies, order states and countries, read once.
    pub(crate) async fn lookups(&self) -> Result<(), CartError> {
        if !self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .currencies
            .is_empty()
        {
            return Ok(());
        }
        let full = [("display", "full".to_string())];
        let currencies = self.get_list("currencies", "currencies", &full).await?;
        let states = self.get_list("order states", "order_states", &full).await?;
        let countries = self
            .get_list(
                "countries",
                "countries",
                &[("display", "[id,iso_code]".into())],
            )
            .await?;
        let mut c = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        c.currencies = currencies
            .iter()
            .map(|v| {
                (
                    wire::text(v, "id"),
                    wire::text(v, "iso_code").to_ascii_uppercase(),
                )
            })
            .collect();
        c.states = states
            .iter()
            .map(|v| {
                let name = wire::text(v, "name");
                let template = wire::text(v, "template").to_ascii_lowercase();
                // PrestaShop has no "cancelled" flag; the state's e-mail template says it.
                let cancelled = template.contains("cancel")
                    || (template.is_empty() && name.to_ascii_lowercase().contains("cancel"));
                (
                    wire::text(v, "id"),
                    RemoteStatus {
                        name,
                        paid: wire::flag(v, "paid"),
                        shipped: wire::flag(v, "shipped") || wire::flag(v, "delivery"),
                        cancelled,
                    },
                )
            })
            .collect();
        c.countries = countries
            .iter()
            .map(|v| {
                (
                    wire::text(v, "id"),
                    wire::text(v, "iso_code").to_ascii_uppercase(),
                )
            })
            .collect();
        Ok(())
    }

    pub(crate) fn currency_iso(&self, id: &str) -> Option<String> {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .currencies
            .get(id)
            .cloned()
    }

    pub(crate) fn status(&self, id: &str) -> Option<RemoteStatus> {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .states
            .get(id)
            .cloned()
    }

    /// Addresses by id.
    pub(crate) async fn addresses(
        &self,
        ids: &[String],
    ) -> Result<BTreeMap<String, RemoteAddress>, CartError> {
        if ids.iter().all(|i| i.is_empty() || i == "0") {
            return Ok(BTreeMap::new());
        }
        let rows = self
            .get_list(
                "addresses",
                "addresses",
                &[("display", "full".into()), ("filter[id]", any_of(ids))],
            )
            .await?;
        let countries = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .countries
            .clone();
        Ok(rows
            .iter()
            .map(|a| (wire::text(a, "id"), address(a, &countries)))
            .collect())
    }

    /// Customers by id (raw records).
    pub(crate) async fn customer_rows(
        &self,
        ids: &[String],
    ) -> Result<BTreeMap<String, Value>, CartError> {
        if ids.iter().all(|i| i.is_empty() || i == "0") {
            return Ok(BTreeMap::new());
        }
        let rows = self
            .get_list(
                "customers",
                "customers",
                &[("display", "full".into()), ("filter[id]", any_of(ids))],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|c| (wire::text(&c, "id"), c))
            .collect())
    }

    /// Maps customer records, each with its first address.
    pub(crate) async fn map_customers(
        &self,
        tz: &TimeZone,
        rows: &[Value],
    ) -> Result<Vec<Fetched<RemoteCustomer>>, CartError> {
        self.lookups().await?;
        let ids: Vec<String> = rows.iter().map(|c| wire::text(c, "id")).collect();
        let mut by_customer: BTreeMap<String, RemoteAddress> = BTreeMap::new();
        if !ids.is_empty() {
            let addrs = self
                .get_list(
                    "addresses",
                    "addresses",
                    &[
                        ("display", "full".into()),
                        ("filter[id_customer]", any_of(&ids)),
                    ],
                )
                .await?;
            let countries = self
                .cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .countries
                .clone();
            for a in &addrs {
                if wire::flag(a, "deleted") {
                    continue;
                }
                by_customer
                    .entry(wire::text(a, "id_customer"))
                    .or_insert_with(|| address(a, &countries));
            }
        }
        Ok(rows
            .iter()
            .map(|c| {
                let id = wire::text(c, "id");
                Fetched {
                    remote_id: id.clone(),
                    updated: clock::to_utc(tz, &wire::text(c, "date_upd")),
                    record: customer(c, by_customer.get(&id).cloned()),
                    raw: body_excerpt(&redact(c).to_string()),
                }
            })
            .collect())
    }

    /// Products with their combinations expanded, each combination its own item.
    pub(crate) async fn expand_products(
        &self,
        rows: &[Value],
    ) -> Result<Vec<Fetched<RemoteItem>>, CartError> {
        let ids: Vec<String> = rows.iter().map(|p| wire::text(p, "id")).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let combos = self
            .get_list(
                "combinations",
                "combinations",
                &[
                    ("display", "full".into()),
                    ("filter[id_product]", any_of(&ids)),
                ],
            )
            .await?;
        let stock = self
            .get_list(
                "stock levels",
                "stock_availables",
                &[
                    ("display", "full".into()),
                    ("filter[id_product]", any_of(&ids)),
                ],
            )
            .await?;
        let qty = |p: &str, a: &str| -> Decimal {
            stock
                .iter()
                .find(|s| {
                    wire::text(s, "id_product") == p && wire::text(s, "id_product_attribute") == a
                })
                .and_then(|s| wire::text(s, "quantity").trim().parse::<Decimal>().ok())
                .map(|d| d.normalize())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for p in rows {
            let pid = wire::text(p, "id");
            let f = wire::Fields {
                record: format!("product {pid}"),
                v: p,
            };
            let raw = body_excerpt(&p.to_string());
            let base = (|| -> Result<(String, Decimal, Decimal), crate::RecordError> {
                Ok((
                    f.text("name"),
                    f.decimal_or_zero("price")?,
                    f.decimal_or_zero("wholesale_price")?,
                ))
            })();
            let mine: Vec<&Value> = combos
                .iter()
                .filter(|c| wire::text(c, "id_product") == pid)
                .collect();
            if mine.is_empty() {
                out.push(Fetched {
                    remote_id: pid.clone(),
                    updated: None,
                    record: base.map(|(name, price, cost)| RemoteItem {
                        remote_id: pid.clone(),
                        sku: f.text("reference"),
                        name,
                        price,
                        cost,
                        quantity: qty(&pid, "0"),
                        active: wire::flag(p, "active"),
                    }),
                    raw,
                });
                continue;
            }
            for c in mine {
                let cid = wire::text(c, "id");
                let key = format!("{pid}-{cid}");
                let cf = wire::Fields {
                    record: format!("combination {cid} of product {pid}"),
                    v: c,
                };
                let record = base.clone().and_then(|(name, price, cost)| {
                    let impact = cf.decimal_or_zero("price")?;
                    let own_cost = cf.decimal_or_zero("wholesale_price")?;
                    Ok(RemoteItem {
                        remote_id: key.clone(),
                        sku: cf.text("reference"),
                        name: format!("{name} ({})", cf.text("reference")),
                        price: price + impact,
                        cost: if own_cost.is_zero() { cost } else { own_cost },
                        quantity: qty(&pid, &cid),
                        active: wire::flag(p, "active"),
                    })
                });
                out.push(Fetched {
                    remote_id: key.clone(),
                    updated: None,
                    record,
                    raw: body_excerpt(&c.to_string()),
                });
            }
        }
        Ok(out)
    }
}

/// A customer record without the fields that are secrets (password hash, keys, tokens).
pub(crate) fn redact(c: &Value) -> Value {
    let mut c = c.clone();
    if let Some(o) = c.as_object_mut() {
        for k in [
            "passwd",
            "secure_key",
            "reset_password_token",
            "reset_password_validity",
            "last_passwd_gen",
        ] {
            o.remove(k);
        }
    }
    c
}

pub(crate) fn address(a: &Value, countries: &BTreeMap<String, String>) -> RemoteAddress {
    let phone = wire::text(a, "phone");
    RemoteAddress {
        company: wire::text(a, "company"),
        line1: wire::text(a, "address1"),
        line2: wire::text(a, "address2"),
        city: wire::text(a, "city"),
        postcode: wire::text(a, "postcode"),
        country: countries
            .get(&wire::text(a, "id_country"))
            .cloned()
            .unwrap_or_default(),
        phone: if phone.is_empty() {
            wire::text(a, "phone_mobile")
        } else {
            phone
        },
    }
}

pub(crate) fn customer(
    c: &Value,
    address: Option<RemoteAddress>,
) -> Result<RemoteCustomer, crate::RecordError> {
    let f = wire::Fields {
        record: format!("customer {}", wire::text(c, "id")),
        v: c,
    };
    let email = f.required("email")?;
    if !email.contains('@') {
        return Err(f.err("email", format!("'{email}' is not an e-mail address")));
    }
    Ok(RemoteCustomer {
        remote_id: f.required("id")?,
        email: email.trim().to_string(),
        first_name: f.text("firstname"),
        last_name: f.text("lastname"),
        company: f.text("company"),
        is_guest: wire::flag(c, "is_guest"),
        address,
    })
}

pub(crate) fn product_xml(id: Option<i64>, item: &ItemOut) -> String {
    let mut fields = Vec::new();
    if let Some(id) = id {
        fields.push(("id", id.to_string()));
    }
    fields.extend([
        ("reference", item.sku.clone()),
        ("price", item.price.round_dp(6).to_string()),
        ("wholesale_price", item.cost.round_dp(6).to_string()),
        ("active", if item.active { "1" } else { "0" }.to_string()),
    ]);
    if id.is_none() {
        fields.extend([
            ("state", "1".to_string()),
            ("id_category_default", "2".to_string()),
            ("id_shop_default", "1".to_string()),
        ]);
    }
    let rewrite: String = item
        .sku
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    xml::record(
        "product",
        &fields,
        &[("name", item.name.clone()), ("link_rewrite", rewrite)],
    )
}

pub(crate) fn customer_xml(id: Option<i64>, c: &CustomerOut) -> String {
    let mut fields = Vec::new();
    if let Some(id) = id {
        fields.push(("id", id.to_string()));
    }
    let (first, last) = names(c);
    fields.extend([
        ("email", c.email.clone()),
        ("firstname", first),
        ("lastname", last),
        ("company", c.company.clone()),
    ]);
    if id.is_none() {
        // A new account needs a password; a random one the buyer resets by e-mail.
        fields.extend([
            ("passwd", random_password()),
            ("active", "1".to_string()),
            ("id_default_group", "3".to_string()),
        ]);
    }
    xml::record("customer", &fields, &[])
}

/// PrestaShop requires both names; fall back to the company or the e-mail's local part.
fn names(c: &CustomerOut) -> (String, String) {
    let fallback = if c.company.trim().is_empty() {
        c.email.split('@').next().unwrap_or("Customer").to_string()
    } else {
        c.company.clone()
    };
    let first = if c.first_name.trim().is_empty() {
        "-".to_string()
    } else {
        c.first_name.clone()
    };
    let last = if c.last_name.trim().is_empty() {
        fallback
    } else {
        c.last_name.clone()
    };
    (first, last)
}

fn random_password() -> String {
    let mut b = [0u8; 12];
    // Without randomness fall back to a fixed-length placeholder; the buyer resets it anyway.
    if getrandom::fill(&mut b).is_err() {
        b = [7; 12];
    }
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("Cw{hex}!")
}
