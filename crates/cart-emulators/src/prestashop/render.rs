//! Turns stored rows into what the output builders print: rendered field values (dates in shop
//! time), foreign-key links, and association items computed from the other tables. Shared by
//! the XML and JSON writers and by filtering and sorting (which work on rendered values).

use super::{
    db::{self, Row},
    query::Display,
    schema::{Assoc, Field, Kind, Resource},
    state::State,
};

/// One rendered field.
#[derive(Debug, Clone)]
pub(crate) struct FieldOut {
    pub name: &'static str,
    pub value: String,
    /// Full `xlink:href`, when the field links to another resource.
    pub href: Option<String>,
    pub i18n: bool,
    pub not_filterable: bool,
}

/// One item of an association.
#[derive(Debug, Clone)]
pub(crate) struct ItemOut {
    pub href: Option<String>,
    pub fields: Vec<FieldOut>,
}

/// One rendered association.
#[derive(Debug, Clone)]
pub(crate) struct AssocOut {
    pub assoc: &'static Assoc,
    pub items: Vec<ItemOut>,
}

/// One rendered entity.
#[derive(Debug, Clone)]
pub(crate) struct EntityOut {
    pub resource: &'static Resource,
    pub fields: Vec<FieldOut>,
    /// `None` when associations are not displayed at all.
    pub assocs: Option<Vec<AssocOut>>,
}

/// The rendered value of `field` for row `id` (dates in shop-local time).
pub(crate) fn column(st: &State, id: i64, row: &Row, field: &Field) -> String {
    if field.name == "id" {
        return id.to_string();
    }
    let stored = db::text(row, field.name);
    match field.kind {
        Kind::Date => st.clock.render(stored),
        _ => stored.to_owned(),
    }
}

/// Link of a field value, dropped for falsy `id_…` fields like `WebserviceOutputBuilder`.
fn link(st: &State, name: &str, target: Option<&str>, value: &str) -> Option<String> {
    let target = target?;
    if name.starts_with("id_") && (value.is_empty() || value == "0") {
        return None;
    }
    Some(format!("{}{target}/{value}", st.ws_url()))
}

/// Builds the rendered entity `id` of `resource` for `display`.
pub(crate) fn entity(
    st: &State,
    resource: &'static Resource,
    id: i64,
    row: &Row,
    display: &Display,
) -> EntityOut {
    let fields = resource
        .fields
        .iter()
        .filter(|f| display.shows(f.name))
        .map(|f| {
            let value = column(st, id, row, f);
            FieldOut {
                name: f.name,
                href: link(st, f.name, f.link, &value),
                value,
                i18n: f.kind == Kind::I18n,
                not_filterable: f.getter,
            }
        })
        .collect();
    let shown: Vec<(&'static Assoc, Vec<String>)> = resource
        .assocs
        .iter()
        .filter_map(|a| display.assoc_fields(a.name).map(|sub| (a, sub)))
        .collect();
    let wants_assocs = matches!(display, Display::Full) || !shown.is_empty();
    let assocs = (wants_assocs && !resource.assocs.is_empty()).then(|| {
        shown
            .into_iter()
            .map(|(assoc, sub)| AssocOut {
                assoc,
                items: items(st, resource, id, row, assoc, &sub),
            })
            .collect()
    });
    EntityOut {
        resource,
        fields,
        assocs,
    }
}

/// Raw `(field, value)` pairs of each item of an association.
fn raw_items(
    st: &State,
    resource: &Resource,
    id: i64,
    row: &Row,
    assoc: &Assoc,
) -> Vec<Vec<(&'static str, String)>> {
    let key = id.to_string();
    match (resource.name, assoc.name) {
        ("products", "combinations") => st
            .db
            .find("combinations", "id_product", &key)
            .map(|(cid, _)| vec![("id", cid.to_string())])
            .collect(),
        ("products", "stock_availables") => st
            .db
            .find("stock_availables", "id_product", &key)
            .map(|(sid, r)| {
                vec![
                    ("id", sid.to_string()),
                    (
                        "id_product_attribute",
                        db::text(r, "id_product_attribute").to_owned(),
                    ),
                ]
            })
            .collect(),
        ("customers", "groups") => vec![vec![("id", db::text(row, "id_default_group").to_owned())]],
        ("orders", "order_rows") => st
            .db
            .find("order_details", "id_order", &key)
            .map(|(did, r)| {
                assoc
                    .fields
                    .iter()
                    .map(|f| {
                        let v = if f.name == "id" {
                            did.to_string()
                        } else {
                            db::text(r, f.name).to_owned()
                        };
                        (f.name, v)
                    })
                    .collect()
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn items(
    st: &State,
    resource: &Resource,
    id: i64,
    row: &Row,
    assoc: &'static Assoc,
    sub: &[String],
) -> Vec<ItemOut> {
    raw_items(st, resource, id, row, assoc)
        .into_iter()
        .map(|pairs| {
            let item_id = pairs
                .iter()
                .find(|(k, _)| *k == "id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let href =
                (!assoc.virtual_entity).then(|| format!("{}{}/{item_id}", st.ws_url(), assoc.name));
            let fields = pairs
                .into_iter()
                .filter(|(k, _)| sub.is_empty() || sub.iter().any(|s| s == k))
                .map(|(name, value)| {
                    let target = assoc
                        .fields
                        .iter()
                        .find(|f| f.name == name)
                        .and_then(|f| f.link);
                    FieldOut {
                        name,
                        href: target.map(|t| format!("{}{t}/{value}", st.ws_url())),
                        value,
                        i18n: false,
                        not_filterable: false,
                    }
                })
                .collect();
            ItemOut { href, fields }
        })
        .collect()
}
