//! One webservice request, from URL to reply, in the order of `dispatcher.php` and
//! `WebserviceRequest::fetch`: key present, webservice enabled (22), key valid (17/18/20/21),
//! resource known and granted (27/26), method valid, allowed and granted (23/101/25), then the
//! GET/HEAD listing or the write.

use super::{
    auth::{self, Auth, Grant},
    db,
    error::ApiError,
    filter,
    json::{self, J},
    query::{self, Display, Query},
    render::{self, EntityOut},
    schema::{self, Kind, Resource},
    state::State,
    write, xml,
};

/// Version reported in `PSWS-Version`.
pub(crate) const PS_VERSION: &str = "8.2.1";

/// A request as the dispatcher sees it.
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub query: &'a Query,
    pub header: &'a dyn Fn(&str) -> Option<String>,
    pub body: &'a [u8],
}

/// A reply ready to be sent.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Output format chosen by the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xml,
    Json,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml;charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// The plain page a web server answers for paths outside PrestaShop.
pub(crate) fn html_404() -> Reply {
    Reply {
        status: 404,
        headers: vec![("Content-Type", "text/html; charset=iso-8859-1".to_owned())],
        body: b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n".to_vec(),
    }
}

/// The webservice path (`orders/1`) of a request, or `None` outside the webservice.
pub(crate) fn ws_path(path: &str, query: &Query) -> Option<String> {
    if path == "/webservice/dispatcher.php" {
        return Some(query.get("url").unwrap_or("").to_owned());
    }
    if path == "/api" {
        return Some(String::new());
    }
    path.strip_prefix("/api/").map(str::to_owned)
}

/// The output format asked for (first of `Io-Format`, `Output-Format`, `output_format`,
/// `io_format`; only the exact string `JSON` selects JSON).
pub(crate) fn format(req: &Request<'_>) -> Format {
    let asked = (req.header)("io-format")
        .or_else(|| (req.header)("output-format"))
        .or_else(|| req.query.get("output_format").map(str::to_owned))
        .or_else(|| req.query.get("io_format").map(str::to_owned));
    if asked.as_deref() == Some("JSON") {
        Format::Json
    } else {
        Format::Xml
    }
}

fn base_headers(authenticated: bool) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("X-Powered-By", "PrestaShop Webservice".to_owned()),
        ("Execution-Time", "0.001".to_owned()),
    ];
    if authenticated {
        h.push(("PSWS-Version", PS_VERSION.to_owned()));
    }
    h
}

fn reply(status: u16, fmt: Format, body: String, authenticated: bool) -> Reply {
    let mut headers = base_headers(authenticated);
    headers.push(("Content-Type", fmt.content_type().to_owned()));
    Reply {
        status,
        headers,
        body: body.into_bytes(),
    }
}

/// An error reply in the requested format.
pub(crate) fn error_reply(e: &ApiError, fmt: Format, authenticated: bool) -> Reply {
    let body = match fmt {
        Format::Xml => xml::errors(&e.errors),
        Format::Json => json::errors(&e.errors),
    };
    reply(e.status, fmt, body, authenticated)
}

fn key_of(req: &Request<'_>) -> Option<String> {
    if let Some(key) = (req.header)("authorization").and_then(|h| auth::key_from_basic(&h)) {
        return Some(key);
    }
    req.query.get("ws_key").map(str::to_owned)
}

/// Answers one webservice request.
pub(crate) fn handle(st: &mut State, req: &Request<'_>, url: &str) -> Reply {
    let Some(key) = key_of(req) else {
        return Reply {
            status: 401,
            headers: vec![
                ("WWW-Authenticate", auth::REALM.to_owned()),
                ("Content-Type", "text/html; charset=utf-8".to_owned()),
            ],
            body: b"401 Unauthorized".to_vec(),
        };
    };
    let fmt = format(req);
    if !st.webservice_enabled {
        let e = ApiError::new(
            503,
            22,
            "The PrestaShop webservice is disabled. Please activate it in the PrestaShop Back Office",
        );
        return error_reply(&e, fmt, false);
    }
    let grant = match auth::check(&key) {
        Auth::Granted(g) => g,
        Auth::Refused(errors) => {
            let mut r = error_reply(
                &ApiError {
                    status: 401,
                    errors,
                },
                fmt,
                false,
            );
            r.headers.push(("WWW-Authenticate", auth::REALM.to_owned()));
            return r;
        }
    };
    let method = req.query.get("ps_method").unwrap_or(req.method).to_owned();
    match route(st, req, url, grant, &method, fmt) {
        Ok(r) => r,
        Err(e) => error_reply(&e, fmt, true),
    }
}

fn route(
    st: &mut State,
    req: &Request<'_>,
    url: &str,
    grant: Grant,
    method: &str,
    fmt: Format,
) -> Result<Reply, ApiError> {
    let mut segments = url.split('/');
    let name = segments.next().unwrap_or("");
    let id_segment = segments.next().unwrap_or("");
    if name.is_empty() {
        return Ok(api_root(st, grant, fmt));
    }
    let Some(resource) = schema::resource(name) else {
        return Err(ApiError::did_you_mean(
            400,
            27,
            &format!("Resource of type \"{name}\" does not exists"),
            name,
            &schema::resource_names(),
        ));
    };
    if !grant.resource(name) {
        return Err(ApiError::new(
            401,
            26,
            format!("Resource of type \"{name}\" is not allowed with this authentication key"),
        ));
    }
    if !auth::ALL_METHODS.contains(&method) {
        return Err(ApiError::new(
            405,
            23,
            format!("Method {method} is not valid"),
        ));
    }
    if resource.forbidden.contains(&method) {
        return Err(ApiError::new(
            405,
            101,
            format!("Method {method} is not allowed for the resource {name}"),
        ));
    }
    if !grant.method(method) {
        return Err(ApiError::new(
            405,
            25,
            format!(
                "Method {method} is not allowed for the resource {name} with this authentication key"
            ),
        ));
    }
    match method {
        "GET" | "HEAD" if id_segment.is_empty() => list(st, req.query, resource, fmt),
        "GET" | "HEAD" => Ok(single(
            st,
            req.query,
            resource,
            write::php_int(id_segment),
            fmt,
        )?),
        _ if resource.writes.contains(&method) => {
            let ids = write::save(st, resource, method, req.body)?;
            let status = if method == "POST" { 201 } else { 200 };
            if ids.is_empty() {
                let mut r = api_root(st, grant, fmt);
                r.status = status;
                return Ok(r);
            }
            let entities: Vec<EntityOut> = ids
                .iter()
                .filter_map(|id| {
                    st.db
                        .get(resource.name, *id)
                        .map(|row| render::entity(st, resource, *id, row, &Display::Full))
                })
                .collect();
            Ok(details(st, req.query, resource, &entities, fmt, status))
        }
        _ => Err(ApiError::new(
            501,
            124,
            format!("The emulator does not implement {method} on the resource {name}"),
        )),
    }
}

fn api_root(st: &State, grant: Grant, fmt: Format) -> Reply {
    let body = match fmt {
        Format::Xml => {
            let shop = st
                .db
                .find("configurations", "name", "PS_SHOP_NAME")
                .map(|(_, r)| db::text(r, "value").to_owned())
                .next()
                .unwrap_or_default();
            xml::api_root(grant, &shop, &st.ws_url())
        }
        Format::Json => {
            let names: Vec<&str> = schema::RESOURCES
                .iter()
                .filter(|r| grant.resource(r.name))
                .map(|r| r.name)
                .collect();
            json::api_root(&names)
        }
    };
    reply(200, fmt, body, true)
}

/// Validates `display` against the resource (codes 35 and 36).
fn display_of(query: &Query, resource: &Resource, default: Display) -> Result<Display, ApiError> {
    let Some(raw) = query.get("display") else {
        return Ok(default);
    };
    let available = || {
        resource
            .fields
            .iter()
            .map(|f| f.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let display = query::parse_display(raw).map_err(|()| {
        ApiError::new(
            400,
            36,
            format!(
                "The 'display' syntax is wrong. You can set 'full' or '[field_1,field_2,field_3,...]'. These are available: {}",
                available()
            ),
        )
    })?;
    if let Display::Fields(fields) = &display {
        for (name, sub) in fields {
            let ok = match sub {
                None => resource.field(name).is_some(),
                Some(subs) => resource.assoc(name).is_some_and(|a| {
                    subs.iter()
                        .all(|s| s == "id" || a.fields.iter().any(|f| f.name == s))
                }),
            };
            if !ok {
                return Err(ApiError::new(
                    400,
                    35,
                    format!(
                        "Unable to display this field \"{name}\". However, these are available: {}",
                        available()
                    ),
                ));
            }
        }
    }
    Ok(display)
}

fn details(
    st: &State,
    query: &Query,
    resource: &Resource,
    entities: &[EntityOut],
    fmt: Format,
    status: u16,
) -> Reply {
    let body = match fmt {
        Format::Xml => xml::details(entities, &st.ws_url()),
        Format::Json if query.has("display") => json::list(
            resource.name,
            entities.iter().map(json::entity).collect(),
            st.empty_list_as_array,
        ),
        Format::Json => entities
            .last()
            .map_or_else(|| "[]".to_owned(), |e| json::single(resource.node, e)),
    };
    reply(status, fmt, body, true)
}

fn single(
    st: &State,
    query: &Query,
    resource: &'static Resource,
    id: i64,
    fmt: Format,
) -> Result<Reply, ApiError> {
    let display = display_of(query, resource, Display::Full)?;
    let Some(row) = st.db.get(resource.name, id) else {
        // `_outputEnabled = false`: no body and no Content-Type.
        return Ok(Reply {
            status: 404,
            headers: base_headers(true),
            body: Vec::new(),
        });
    };
    let entity = render::entity(st, resource, id, row, &display);
    Ok(details(st, query, resource, &[entity], fmt, 200))
}

/// Filterable (non-i18n) and i18n field names, honouring the `date=1` rule.
fn filterable(resource: &Resource, dates: bool) -> (Vec<&'static str>, Vec<&'static str>) {
    let plain = resource
        .fields
        .iter()
        .filter(|f| f.kind != Kind::I18n)
        .filter(|f| dates || !matches!(f.name, "date_add" | "date_upd"))
        .map(|f| f.name)
        .collect();
    let i18n = resource
        .fields
        .iter()
        .filter(|f| f.kind == Kind::I18n)
        .map(|f| f.name)
        .collect();
    (plain, i18n)
}

fn list(
    st: &State,
    query: &Query,
    resource: &'static Resource,
    fmt: Format,
) -> Result<Reply, ApiError> {
    let dates = query.get("date").is_some_and(|v| !v.is_empty() && v != "0");
    let (plain, i18n) = filterable(resource, dates);

    // Filters (codes 31–34).
    let mut conds = Vec::new();
    for (name, value) in query.filters() {
        if name.contains("][") {
            return Err(ApiError::new(
                400,
                31,
                "There is no existing linked table for this resource",
            ));
        }
        let known =
            plain.contains(&name.as_str()) || (i18n.contains(&name.as_str()) && !value.is_empty());
        if !known {
            return Err(ApiError::did_you_mean(
                400,
                32,
                "This filter does not exist",
                &name,
                &plain,
            ));
        }
        if value.is_empty() {
            return Err(ApiError::new(
                400,
                33,
                format!("The filter \"{name}\" is malformed."),
            ));
        }
        let Some(field) = resource.field(&name) else {
            return Err(ApiError::did_you_mean(
                400,
                32,
                "This filter does not exist",
                &name,
                &plain,
            ));
        };
        if field.getter {
            return Err(ApiError::new(
                400,
                34,
                format!(
                    "The field \"{name}\" is dynamic. It is not possible to filter GET query with this field."
                ),
            ));
        }
        conds.push((field, filter::parse(&value)));
    }

    let display = display_of(query, resource, Display::Minimum)?;

    // Sort (codes 37, 38).
    let mut sort_fields = Vec::new();
    if let Some(raw) = query.get("sort") {
        let keys = query::parse_sort(raw).map_err(|()| {
            ApiError::new(
                400,
                37,
                "The \"sort\" value has to be formed as this example: \"field_ASC\" or '[field_1_DESC,field_2_ASC,field_3_ASC,...]' (\"field\" has to be an available field)",
            )
        })?;
        for key in keys {
            let field = resource
                .field(&key.field)
                .filter(|f| plain.contains(&f.name) || i18n.contains(&f.name))
                .ok_or_else(|| {
                    ApiError::new(
                        400,
                        38,
                        format!(
                            "Unable to filter by this field. However, these are available: {}, for i18n fields:{}",
                            plain.join(", "),
                            i18n.join(", ")
                        ),
                    )
                })?;
            sort_fields.push((field, key.descending));
        }
    }

    // Limit (code 39).
    let limit = match query.get("limit") {
        Some(raw) => Some(query::parse_limit(raw).map_err(|()| {
            ApiError::new(
                400,
                39,
                "The \"limit\" value has to be formed as this example: \"5,25\" or \"10\"",
            )
        })?),
        None => None,
    };

    let table = &st.db.table(resource.name).rows;
    let mut rows: Vec<(i64, &db::Row)> = table
        .iter()
        .filter(|(id, row)| {
            conds
                .iter()
                .all(|(f, c)| filter::matches(c, f.kind, &render::column(st, **id, row, f)))
        })
        .map(|(id, row)| (*id, row))
        .collect();
    if !sort_fields.is_empty() {
        rows.sort_by(|(ia, ra), (ib, rb)| {
            for (f, desc) in &sort_fields {
                let o = filter::order(
                    f.kind,
                    &render::column(st, *ia, ra, f),
                    &render::column(st, *ib, rb, f),
                );
                let o = if *desc { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            ia.cmp(ib)
        });
    }
    if let Some((offset, count)) = limit {
        rows = rows
            .into_iter()
            .skip(offset)
            .take(count.unwrap_or(usize::MAX))
            .collect();
    }

    let ws_url = st.ws_url();
    let body = match (&display, fmt) {
        (Display::Minimum, Format::Xml) => {
            let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
            xml::list_minimal(resource, &ids, &ws_url)
        }
        (Display::Minimum, Format::Json) => {
            let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
            json::list(resource.name, json::ids(&ids), st.empty_list_as_array)
        }
        (_, _) => {
            let entities: Vec<EntityOut> = rows
                .iter()
                .map(|(id, row)| render::entity(st, resource, *id, row, &display))
                .collect();
            match fmt {
                Format::Xml => xml::list(resource, &entities, &ws_url),
                Format::Json => json::list(
                    resource.name,
                    entities.iter().map(json::entity).collect::<Vec<J>>(),
                    st.empty_list_as_array,
                ),
            }
        }
    };
    Ok(reply(200, fmt, body, true))
}
