use std::time::Duration;

use cartwright_cart_emulators::Fault;

use super::{error_code, get, ids, shop};

#[tokio::test]
async fn status_faults_answer_once_with_an_error_body() {
    let ps = shop().await;
    ps.push_fault("/api/orders", Fault::Status(500));
    ps.push_fault("/api/orders", Fault::Status(503));
    let r = get(&ps, "/api/orders").await;
    assert_eq!(r.status, 500);
    assert!(r.text().contains("<errors>"));
    let r = get(&ps, "/api/orders?output_format=JSON").await;
    assert_eq!((r.status, error_code(&r)), (503, 22));
    assert_eq!(get(&ps, "/api/orders").await.status, 200);
    assert_eq!(
        ps.count_requests("GET", "/api/orders"),
        3,
        "faulted requests are logged"
    );
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let ps = shop().await;
    ps.push_fault(
        "orders",
        Fault::TooManyRequests {
            retry_after_secs: 7,
        },
    );
    let r = get(&ps, "/api/orders").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("Retry-After"), Some("7"));
}

#[tokio::test]
async fn delay_makes_a_client_time_out() {
    let ps = shop().await;
    ps.push_fault("/api/products", Fault::Delay(Duration::from_millis(400)));
    let slow = tokio::time::timeout(Duration::from_millis(100), get(&ps, "/api/products")).await;
    assert!(slow.is_err());
    let fast = tokio::time::timeout(Duration::from_secs(5), get(&ps, "/api/products")).await;
    assert_eq!(fast.expect("answers").status, 200);
}

#[tokio::test]
async fn truncate_cuts_the_body_in_half() {
    let ps = shop().await;
    let full = get(&ps, "/api/orders?display=full").await;
    ps.push_fault("display=full", Fault::Truncate);
    let cut = get(&ps, "/api/orders?display=full").await;
    assert_eq!(cut.status, 200);
    assert_eq!(cut.body.len(), full.body.len() / 2);
    assert_eq!(
        cut.header("Content-Length"),
        Some(cut.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn html_404_looks_like_a_foreign_web_server() {
    let ps = shop().await;
    ps.push_fault("/api/", Fault::Html404);
    let r = get(&ps, "/api/orders").await;
    assert_eq!(r.status, 404);
    assert!(r.text().contains("<h1>Not Found</h1>"));
    assert!(r.header("X-Powered-By").is_none());
}

#[tokio::test]
async fn faults_match_decoded_queries_in_fifo_order() {
    let ps = shop().await;
    ps.push_fault("limit=2,2", Fault::Status(502));
    assert_eq!(get(&ps, "/api/orders?limit=0,2").await.status, 200);
    assert_eq!(get(&ps, "/api/orders?limit=2%2C2").await.status, 502);
    assert!(
        ps.requests()
            .iter()
            .any(|l| l == "GET /api/orders?limit=2,2")
    );
}

#[tokio::test]
async fn hook_changes_data_between_pages() {
    let ps = shop().await;
    let page = |offset: u32| {
        format!("/api/orders?output_format=JSON&date=1&sort=[date_upd_ASC,id_ASC]&limit={offset},2")
    };
    assert_eq!(ids(&get(&ps, &page(0)).await, "orders"), [1, 2]);
    ps.on_next_request(
        "limit=2,2",
        Box::new(|shop| {
            shop.advance(60);
            shop.set_order_state(1, 4);
        }),
    );
    // Order 1 moved to the end while the client was between pages.
    assert_eq!(ids(&get(&ps, &page(2)).await, "orders"), [4, 1]);
}
