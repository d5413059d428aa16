//! The `cartwright` binary as a newcomer uses it: demo, init, users, import, export.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
};

fn cartwright(data: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cartwright"));
    c.arg("--data").arg(data).env("RUST_LOG", "warn");
    c
}

/// A minimal HTTP/1.1 exchange over loopback: returns status and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body.unwrap_or(""));
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).unwrap().parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn demo_brings_up_health_login_and_demo_items() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = cartwright(&dir.path().join("demo.sqlite"))
        .args(["demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("demo printed its URL").unwrap();
        printed.push(line.clone());
        if let Some(url) = line.trim().strip_prefix("URL:") {
            break url.trim().trim_start_matches("http://").to_owned();
        }
    };
    let login_line = lines.next().unwrap().unwrap();
    printed.push(login_line.clone());
    let (email, password) = login_line
        .trim()
        .trim_start_matches("Login:")
        .trim()
        .split_once(" / ")
        .unwrap();

    let (status, body) = http(&addr, "GET", "/healthz", None, None);
    assert_eq!(status, 200, "{body}");
    let login = serde_json::json!({"email": email, "password": password}).to_string();
    let (status, body) = http(&addr, "POST", "/api/v1/auth/token", None, Some(&login));
    assert_eq!(status, 200, "{body}");
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = token["token"].as_str().unwrap();
    let (status, body) = http(&addr, "GET", "/api/v1/items?limit=500", Some(token), None);
    assert_eq!(status, 200);
    let items: serde_json::Value = serde_json::from_str(&body).unwrap();
    let items = items["items"].as_array().unwrap();
    assert!(items.len() >= 30, "{} demo items", items.len());
    for t in [
        "stock",
        "non_stock",
        "service",
        "charge",
        "discount",
        "kit",
        "assembly",
    ] {
        assert!(
            items.iter().any(|i| i["item_type"] == t),
            "a demo item of type {t}"
        );
    }
    let (_, body) = http(
        &addr,
        "GET",
        "/api/v1/customers?limit=100",
        Some(token),
        None,
    );
    let customers: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(customers["items"].as_array().unwrap().len(), 10);
    let (_, body) = http(&addr, "GET", "/api/v1/vendors", Some(token), None);
    let vendors: serde_json::Value = serde_json::from_str(&body).unwrap();
    let currencies: std::collections::BTreeSet<_> = vendors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["currency"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(vendors["items"].as_array().unwrap().len(), 5);
    assert!(
        currencies.len() >= 3,
        "vendors in several currencies: {currencies:?}"
    );
    let (_, body) = http(&addr, "GET", "/api/v1/sites", Some(token), None);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, body) = http(&addr, "GET", "/api/v1/currencies", Some(token), None);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // The demo cart: STOPPED on a demo PrestaShop; test, list its items, start, orders arrive.
    let json = |b: &str| serde_json::from_str::<serde_json::Value>(b).unwrap();
    let (_, body) = http(&addr, "GET", "/api/v1/carts", Some(token), None);
    let carts = json(&body);
    assert_eq!(carts[0]["name"], "Demo PrestaShop");
    assert_eq!(carts[0]["from_cart"]["status"], "STOPPED");
    let id = carts[0]["id"].as_i64().unwrap();
    let (status, body) = http(
        &addr,
        "POST",
        &format!("/api/v1/carts/{id}/test"),
        Some(token),
        Some("{}"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        json(&body)["message"],
        "TEST PASSED: SUCCESSFULLY CONNECTED TO CART!"
    );
    let (_, body) = http(
        &addr,
        "GET",
        &format!("/api/v1/carts/{id}/remote/items?limit=200"),
        Some(token),
        None,
    );
    assert!(
        json(&body)["items"].as_array().unwrap().len() >= 50,
        "{body}"
    );
    let (status, body) = http(
        &addr,
        "POST",
        &format!("/api/v1/carts/{id}/sync/start"),
        Some(token),
        Some("{}"),
    );
    assert_eq!(status, 200, "{body}");
    let mut orders = Vec::new();
    for _ in 0..100 {
        let (_, body) = http(
            &addr,
            "GET",
            &format!("/api/v1/carts/{id}/orders"),
            Some(token),
            None,
        );
        orders = json(&body).as_array().unwrap().clone();
        if !orders.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!orders.is_empty(), "the scheduler imported the demo orders");
    assert_eq!(orders[0]["document_status"], "PENDING");
    drop(child);
    // Started again on the same file: the shop is on a new port, the cart follows it,
    // passes its test again and is still RUNNING.
    let mut again = cartwright(&dir.path().join("demo.sqlite"))
        .args(["demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = again.stdout.take().unwrap();
    let _again = Running(again);
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("demo printed its URL").unwrap();
        if let Some(url) = line.trim().strip_prefix("URL:") {
            break url.trim().trim_start_matches("http://").to_owned();
        }
    };
    let (_, body) = http(&addr, "POST", "/api/v1/auth/token", None, Some(&login));
    let token = json(&body)["token"].as_str().unwrap().to_owned();
    let (_, body) = http(
        &addr,
        "GET",
        &format!("/api/v1/carts/{id}"),
        Some(&token),
        None,
    );
    let cart = json(&body);
    assert_eq!(cart["from_cart"]["status"], "RUNNING", "{cart}");
    assert_eq!(cart["connection"]["tested"], true, "{cart}");
}

#[test]
fn init_users_import_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cw.sqlite");
    let run = |args: &[&str]| cartwright(&db).args(args).output().unwrap();

    let out = run(&["migrate"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    let out = run(&["init", "--name", "Acme Ltd", "--base-currency", "eur"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "user",
        "add",
        "--email",
        "ro@acme.example",
        "--password",
        "read-only-pw",
        "--role",
        "read-only",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ro@acme.example (read_only)"));
    let out = run(&[
        "user",
        "add",
        "--email",
        "x@acme.example",
        "--password",
        "pw-long-enough",
        "--role",
        "boss",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role 'boss'"));

    let good = dir.path().join("items.csv");
    std::fs::write(
        &good,
        "code,description,item_type,standard_cost\nA-1,First,stock,1.5\nA-2,Second,service,0\n",
    )
    .unwrap();
    let out = run(&["import", "items", good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 created, 0 updated"));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "code,item_type,standard_cost\nB-1,stock,-1\nB-2,gizmo,1\nB-3,stock,abc\nB-4,stock,1\n",
    )
    .unwrap();
    let out = run(&["import", "items", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 bad rows; nothing was imported"), "{err}");
    for expected in [
        "line 2, column standard_cost",
        "line 3, column item_type",
        "line 4, column standard_cost",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }

    let out = run(&["export", "items"]);
    assert!(out.status.success());
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        csv.lines().count(),
        3,
        "header and the two good items only: {csv}"
    );
    assert!(csv.contains("A-1,First,stock,each,1.5"), "{csv}");
}

/// A free loopback port (bound, then let go for the server to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `cartwright serve` on `port`, waiting until it answers (killed when dropped).
fn serve(db: &std::path::Path, port: u16) -> Running {
    let child = Running(
        cartwright(db)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("CARTWRIGHT_CART_PAGE_SIZE", "2")
            .env("CARTWRIGHT_CART_LEASE_SECS", "2")
            .spawn()
            .unwrap(),
    );
    let addr = format!("127.0.0.1:{port}");
    for _ in 0..200 {
        if TcpStream::connect(&addr).is_ok() {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("serve did not start");
}

#[test]
fn a_server_killed_in_the_middle_of_a_sync_run_loses_and_doubles_nothing() {
    use cartwright_cart_emulators::{FULL_KEY, Fault, NewOrder, NewOrderRow, Options, PrestaShop};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let shop = rt.block_on(PrestaShop::start(Options::default())).unwrap();
    for n in 0..5 {
        shop.advance(60);
        shop.add_order(NewOrder {
            id_customer: [1, 4][n % 2],
            currency_iso: if n % 2 == 1 { "USD" } else { "EUR" }.into(),
            rows: vec![NewOrderRow {
                product_id: 3,
                quantity: 1,
                unit_price_tax_excl: "29".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.sqlite");
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        )
    };
    ok(cartwright(&db)
        .args(["init", "--name", "Shop", "--base-currency", "EUR"])
        .output()
        .unwrap());
    ok(cartwright(&db)
        .args([
            "user",
            "add",
            "--email",
            "admin@shop.example",
            "--password",
            "admin-password",
            "--role",
            "admin",
        ])
        .output()
        .unwrap());
    let port = free_port();
    let first = serve(&db, port);
    let addr = format!("127.0.0.1:{port}");
    let (_, body) = http(
        &addr,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(r#"{"email":"admin@shop.example","password":"admin-password"}"#),
    );
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let call = |method: &str, path: &str, body: &str| {
        let (status, text) = http(
            &addr,
            method,
            path,
            Some(&token),
            if body.is_empty() { None } else { Some(body) },
        );
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {text}"
        );
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default()
    };
    call("POST", "/api/v1/currencies", r#"{"code":"USD"}"#);
    call(
        "POST",
        "/api/v1/exchange-rates",
        r#"{"currency":"USD","date":"2026-01-01","rate":"0.92"}"#,
    );
    call("POST", "/api/v1/sites", r#"{"code":"MAIN","name":"Main"}"#);
    call(
        "POST",
        "/api/v1/items",
        r#"{"code":"MISC","item_type":"non_stock"}"#,
    );
    let company = call("GET", "/api/v1/company", "");
    call(
        "PUT",
        "/api/v1/company",
        &serde_json::json!({"name": "Shop", "base_currency": "EUR", "default_item": "MISC", "version": company["version"]}).to_string(),
    );
    let cart = call(
        "POST",
        "/api/v1/carts",
        &serde_json::json!({"type": "prestashop", "name": "Shop", "url": shop.url(), "password": FULL_KEY,
            "from_cart": {"last_order_from": "2026-10-31T00:00:00Z"}})
        .to_string(),
    );
    let id = cart["id"].as_i64().unwrap();
    let test = call("POST", &format!("/api/v1/carts/{id}/test"), "{}");
    assert_eq!(test["passed"], true, "{test}");
    // The third page of orders hangs; the server is killed while it waits.
    shop.push_fault(
        "2026-11-02 05:00:00",
        Fault::Delay(std::time::Duration::from_secs(30)),
    );
    call("POST", &format!("/api/v1/carts/{id}/sync/start"), "{}");
    let imported = |addr: &str| {
        let (_, text) = http(
            addr,
            "GET",
            &format!("/api/v1/carts/{id}/orders"),
            Some(&token),
            None,
        );
        let orders: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut ids: Vec<i64> = orders
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["remote_id"].as_str().unwrap().parse().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    let mut waited = 0;
    while imported(&addr).len() < 4 {
        assert!(waited < 400, "the first two pages were not imported");
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    drop(first); // SIGKILL, mid-run
    assert_eq!(imported_after_kill(&db), vec![1, 2, 3, 4]);
    // Started again: once the dead run's lease runs out, the cart carries on.
    let port = free_port();
    let _second = serve(&db, port);
    let addr = format!("127.0.0.1:{port}");
    let all = shop.order_ids();
    let mut waited = 0;
    while imported(&addr) != all {
        assert!(
            waited < 400,
            "after the restart: {:?} of {all:?}",
            imported(&addr)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
}

/// Imported cart order ids read straight from the data file (no server running).
fn imported_after_kill(db: &std::path::Path) -> Vec<i64> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = cartwright_store::Store::open_sqlite(db).await.unwrap();
        let mut tx = store.read().await.unwrap();
        let mut ids: Vec<i64> = tx
            .cart_orders(1, 500)
            .await
            .unwrap()
            .iter()
            .map(|o| o.remote_id.parse().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    })
}
