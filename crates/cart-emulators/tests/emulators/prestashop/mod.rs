//! PrestaShop webservice emulator tests: auth, reply shapes, list parameters, writes, faults.

mod auth;
mod faults;
mod filters;
mod shapes;
mod writes;

use cartwright_cart_emulators::{FULL_KEY, Options, PrestaShop};

use crate::client::{self, Resp};

/// A shop with `Seed::Standard`.
pub async fn shop() -> PrestaShop {
    PrestaShop::start(Options::default()).await.expect("start")
}

/// GET with the full key (Basic auth).
pub async fn get(ps: &PrestaShop, target: &str) -> Resp {
    get_as(ps, FULL_KEY, target).await
}

/// GET with a given key.
pub async fn get_as(ps: &PrestaShop, key: &str, target: &str) -> Resp {
    client::send(
        &ps.url(),
        "GET",
        target,
        &[("Authorization", &client::basic(key))],
        b"",
    )
    .await
}

/// A write with the full key.
pub async fn send(ps: &PrestaShop, method: &str, target: &str, body: &str) -> Resp {
    client::send(
        &ps.url(),
        method,
        target,
        &[
            ("Authorization", &client::basic(FULL_KEY)),
            ("Content-Type", "text/xml"),
        ],
        body.as_bytes(),
    )
    .await
}

/// Ids of a JSON list reply (`{"orders":[{"id":1},…]}` or `[]`).
pub fn ids(resp: &Resp, list: &str) -> Vec<i64> {
    assert_eq!(resp.status, 200, "{}", resp.text());
    let v = resp.json();
    if v == serde_json::json!([]) {
        return Vec::new();
    }
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {v}"))
        .iter()
        .map(|o| o["id"].as_i64().expect("numeric id"))
        .collect()
}

/// First error code of an error reply (XML or JSON).
pub fn error_code(resp: &Resp) -> i64 {
    let text = resp.text();
    if text.trim_start().starts_with('{') {
        return resp.json()["errors"][0]["code"].as_i64().expect("code");
    }
    let start = text.find("<code><![CDATA[").expect("code element") + "<code><![CDATA[".len();
    let end = text[start..].find("]]>").expect("cdata end") + start;
    text[start..end].parse().expect("numeric code")
}
