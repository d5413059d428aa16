//! POST, PUT and PATCH from XML bodies, following `WebserviceRequest::saveEntityFromXml`:
//! id rules (89/90/91/92), PUT nulling every optional field left out and refusing a missing
//! required one (41), read-only fields (93), validation (84/85), then the side effects of the
//! PrestaShop classes (stock sums, new stock rows, duplicate e-mails, order states, dates).

use super::{
    catalog, customers,
    db::{self, Db, Row},
    error::ApiError,
    money, orders,
    schema::{Kind, Resource},
    state::State,
    xml_in::{self, Node},
};

/// PHP class behind a resource, for validation messages.
fn class(resource: &Resource) -> &'static str {
    match resource.name {
        "products" => "Product",
        "combinations" => "Combination",
        "stock_availables" => "StockAvailable",
        "customers" => "Customer",
        "addresses" => "Address",
        "order_histories" => "OrderHistory",
        _ => "ObjectModel",
    }
}

/// The body as the dispatcher reads it: raw, with a leading `xml=` stripped.
fn body_text(body: &[u8]) -> String {
    let raw = String::from_utf8_lossy(body).into_owned();
    let Some(rest) = raw.strip_prefix("xml=") else {
        return raw;
    };
    if rest.trim_start().starts_with('<') {
        rest.to_owned()
    } else {
        form_urlencoded::parse(format!("x={rest}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }
}

/// PHP `(int)` on a string.
pub(crate) fn php_int(s: &str) -> i64 {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    let n: i64 = digits.parse().unwrap_or(0);
    if neg { -n } else { n }
}

fn invalid(resource: &Resource, field: &str) -> ApiError {
    ApiError::new(
        400,
        85,
        format!(
            "Validation error: \"Property {}->{field} is not valid\"",
            class(resource)
        ),
    )
}

/// Checks and normalises one written value for its column.
fn normalise(
    st: &State,
    resource: &Resource,
    name: &str,
    kind: Kind,
    value: &str,
    required: bool,
) -> Result<String, ApiError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(ApiError::new(
            400,
            85,
            format!(
                "Validation error: \"Property {}->{name} is empty.\"",
                class(resource)
            ),
        ));
    }
    match kind {
        Kind::Int => {
            if v.is_empty() {
                return Ok("0".to_owned());
            }
            let ok = v.strip_prefix(['-', '+']).unwrap_or(v);
            if ok.is_empty() || !ok.chars().all(|c| c.is_ascii_digit()) {
                return Err(invalid(resource, name));
            }
            Ok(php_int(v).to_string())
        }
        Kind::Bool => match v {
            "" | "0" | "false" => Ok("0".to_owned()),
            "1" | "true" => Ok("1".to_owned()),
            _ => Err(invalid(resource, name)),
        },
        Kind::Dec(scale) => money::parse(v)
            .map(|d| money::format(d, scale))
            .ok_or_else(|| invalid(resource, name)),
        Kind::Date => st
            .clock
            .parse_local(v)
            .ok_or_else(|| invalid(resource, name)),
        Kind::Text | Kind::I18n => {
            if name == "email"
                && !(v.contains('@') && v.rsplit('@').next().is_some_and(|d| d.contains('.')))
            {
                return Err(invalid(resource, name));
            }
            Ok(value.to_owned())
        }
    }
}

/// Text of an i18n element: its language 1 child, else its own text.
fn i18n_text(node: &Node) -> String {
    node.children
        .iter()
        .find(|c| c.name == "language" && c.attr("id").map(php_int) == Some(1))
        .or_else(|| node.children.iter().find(|c| c.name == "language"))
        .map_or_else(|| node.text.clone(), |c| c.text.clone())
}

/// Applies the XML of one entity onto `row` (the stored record for PUT/PATCH, a blank one for
/// POST).
fn apply_fields(
    st: &State,
    resource: &Resource,
    method: &str,
    xml: &Node,
    row: &mut Row,
) -> Result<(), ApiError> {
    let patch = method == "PATCH";
    for field in resource.fields.iter().filter(|f| f.name != "id") {
        let sent = xml.child(field.name);
        if field.kind == Kind::I18n {
            match sent {
                Some(node) => db::set(row, field.name, i18n_text(node)),
                None if !patch => db::set(row, field.name, ""),
                None => {}
            }
            continue;
        }
        match sent {
            Some(node) => {
                if !field.setter {
                    return Err(ApiError::new(
                        400,
                        93,
                        format!(
                            "parameter \"{}\" not writable. Please remove this attribute of this XML",
                            field.name
                        ),
                    ));
                }
                let value = normalise(
                    st,
                    resource,
                    field.name,
                    field.kind,
                    &node.text,
                    field.required,
                )?;
                db::set(row, field.name, value);
            }
            None if patch => {}
            None if field.required => {
                return Err(ApiError::new(
                    400,
                    41,
                    format!("parameter \"{}\" required", field.name),
                ));
            }
            None => db::set(row, field.name, db::zero(field.kind)),
        }
    }
    for field in resource
        .fields
        .iter()
        .filter(|f| f.kind == Kind::I18n && f.required)
    {
        if db::text(row, field.name).trim().is_empty() {
            return Err(ApiError::new(
                400,
                84,
                format!(
                    "Validation error: \"Property {}->{} is empty for default language.\"",
                    class(resource),
                    field.name
                ),
            ));
        }
    }
    Ok(())
}

/// Resource rules checked before saving.
fn check_rules(
    st: &State,
    resource: &Resource,
    method: &str,
    id: Option<i64>,
    row: &Row,
) -> Result<(), ApiError> {
    match resource.name {
        "customers" if db::int(row, "is_guest") == 0 => {
            let email = db::text(row, "email");
            let taken = st.db.table("customers").rows.iter().any(|(other, r)| {
                Some(*other) != id
                    && db::int(r, "is_guest") == 0
                    && db::int(r, "deleted") == 0
                    && db::text(r, "email").eq_ignore_ascii_case(email)
            });
            if taken {
                let code = if method == "POST" { 140 } else { 141 };
                return Err(ApiError::new(
                    500,
                    code,
                    "The email is already used, please choose another one",
                ));
            }
        }
        "combinations" | "stock_availables"
            if st.db.get("products", db::int(row, "id_product")).is_none() =>
        {
            return Err(invalid(resource, "id_product"));
        }
        "order_histories" => {
            if st.db.get("orders", db::int(row, "id_order")).is_none() {
                return Err(invalid(resource, "id_order"));
            }
            if st
                .db
                .get("order_states", db::int(row, "id_order_state"))
                .is_none()
            {
                return Err(invalid(resource, "id_order_state"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Saves one entity; returns the id of the record to render.
fn save_one(
    st: &mut State,
    resource: &'static Resource,
    method: &str,
    xml: &Node,
) -> Result<i64, ApiError> {
    let existing_id = if method == "POST" {
        None
    } else {
        let id = xml.child("id").map_or(0, |n| php_int(&n.text));
        if st.db.get(resource.name, id).is_none() {
            return Err(ApiError::new(404, 92, "Invalid ID"));
        }
        Some(id)
    };
    let mut row = match existing_id {
        Some(id) => st.db.get(resource.name, id).cloned().unwrap_or_default(),
        None => Db::blank(resource),
    };
    apply_fields(st, resource, method, xml, &mut row)?;
    check_rules(st, resource, method, existing_id, &row)?;

    let now = st.now_stored();
    if row.contains_key("date_upd") {
        db::set(&mut row, "date_upd", now.clone());
    }
    if row.contains_key("date_add") && (method == "POST" || db::text(&row, "date_add").is_empty()) {
        db::set(&mut row, "date_add", now);
    }
    if resource.name == "customers" {
        if db::text(&row, "secure_key").is_empty() {
            let key = customers::hex(st, 32);
            db::set(&mut row, "secure_key", key);
        }
        if xml.child("passwd").is_some() && !db::text(&row, "passwd").starts_with("$2y$") {
            let hash = customers::fake_hash(st);
            db::set(&mut row, "passwd", hash);
        }
    }

    let id = match (resource.name, existing_id) {
        ("order_histories", _) => {
            let order = db::int(&row, "id_order");
            orders::set_order_state(st, order, db::int(&row, "id_order_state"));
            st.db.table("order_histories").next_id - 1
        }
        (_, Some(id)) => {
            st.db.table_mut(resource.name).rows.insert(id, row);
            id
        }
        (_, None) => st.db.insert(resource.name, row),
    };
    after_save(st, resource.name, id, existing_id.is_none());
    Ok(id)
}

/// Side effects of the PrestaShop classes once a record is saved.
fn after_save(st: &mut State, resource: &str, id: i64, created: bool) {
    match resource {
        "products" if created => {
            catalog::insert_stock(st, id, 0, 0);
        }
        "combinations" => {
            let product = st
                .db
                .get("combinations", id)
                .map_or(0, |r| db::int(r, "id_product"));
            if created {
                let first = st
                    .db
                    .find("combinations", "id_product", &product.to_string())
                    .count()
                    == 1;
                catalog::insert_stock(st, product, id, 0);
                catalog::after_combination_added(st, product, id, first);
            }
        }
        "stock_availables" => {
            let (product, attribute) = st.db.get("stock_availables", id).map_or((0, 0), |r| {
                (db::int(r, "id_product"), db::int(r, "id_product_attribute"))
            });
            if attribute != 0 {
                catalog::recompute_product_stock(st, product);
            }
        }
        _ => {}
    }
}

/// Runs a POST, PUT or PATCH on `resource`; returns the saved ids.
pub(crate) fn save(
    st: &mut State,
    resource: &'static Resource,
    method: &str,
    body: &[u8],
) -> Result<Vec<i64>, ApiError> {
    let text = body_text(body);
    let doc = xml_in::parse(&text).map_err(|e| {
        ApiError::new(
            500,
            127,
            format!(
                "XML error : {e}\nXML length : {}\nOriginal XML : {text}",
                text.len()
            ),
        )
    })?;
    let entities = &doc.children;
    let ids: Vec<i64> = entities
        .iter()
        .filter_map(|e| e.child("id"))
        .filter(|n| !n.text.trim().is_empty())
        .map(|n| php_int(&n.text))
        .collect();
    if method == "POST" {
        if !ids.is_empty() {
            return Err(ApiError::new(
                400,
                91,
                "id is forbidden when adding a new resource",
            ));
        }
    } else {
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() != ids.len() {
            return Err(ApiError::new(400, 89, "id is duplicate in request"));
        }
        if entities.len() != ids.len() {
            return Err(ApiError::new(
                400,
                90,
                "id is required when modifying a resource",
            ));
        }
    }
    let mut saved = Vec::new();
    for entity in entities {
        saved.push(save_one(st, resource, method, entity)?);
    }
    Ok(saved)
}
