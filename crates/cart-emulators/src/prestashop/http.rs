//! The axum side: one fallback handler that logs each request, applies queued faults and hooks,
//! and hands the request to `dispatch` under the state lock (never held across an await).

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, StatusCode},
    response::Response,
};

use super::{
    Fault, PrestaShop,
    dispatch::{self, Reply},
    faults,
    query::Query,
};

/// Largest request body accepted.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Serves the shop until the task is aborted.
pub(crate) async fn serve(listener: tokio::net::TcpListener, shop: PrestaShop) {
    let app = Router::new().fallback(handle).with_state(shop);
    if let Err(e) = axum::serve(listener, app).await {
        tracing::warn!(error = %e, "prestashop emulator stopped");
    }
}

/// Percent-decodes a URL path (no `+` handling: that is a query convention).
fn decode_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_response(reply: Reply) -> Response {
    let mut resp = Response::new(Body::from(reply.body));
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            resp.headers_mut().append(n, v);
        }
    }
    resp
}

async fn handle(State(shop): State<PrestaShop>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let query = Query::parse(&raw_query);
    let decoded = {
        let p = decode_path(&path);
        let q = query.decoded();
        if q.is_empty() { p } else { format!("{p}?{q}") }
    };
    let raw = if raw_query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{raw_query}")
    };
    let method = parts.method.as_str().to_owned();

    let fault = {
        let mut st = shop.lock();
        st.log.push(format!("{method} {decoded}"));
        st.take_fault(&[&decoded, &raw])
    };
    if let Some(Fault::Delay(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    let hook = shop.lock().take_hook(&[&decoded, &raw]);
    if let Some(hook) = hook {
        hook(&shop);
    }

    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let request = dispatch::Request {
        method: &method,
        query: &query,
        header: &header,
        body: &body,
    };
    if let Some(r) = fault
        .as_ref()
        .and_then(|f| faults::replacement(f, dispatch::format(&request)))
    {
        return to_response(r);
    }
    let mut reply = match dispatch::ws_path(&path, &query) {
        None => dispatch::html_404(),
        Some(url) => {
            let mut st = shop.lock();
            dispatch::handle(&mut st, &request, &url)
        }
    };
    if fault == Some(Fault::Truncate) {
        let half = reply.body.len() / 2;
        reply.body.truncate(half);
    }
    to_response(reply)
}
