use cartwright_cart_emulators::{FULL_KEY, INACTIVE_KEY, NO_CUSTOMERS_KEY, READ_ONLY_KEY};

use super::{error_code, get, get_as, shop};
use crate::client;

const SA_XML: &str = "<prestashop><stock_available><id>6</id><id_product>2</id_product><id_product_attribute>0</id_product_attribute><quantity>3</quantity><depends_on_stock>0</depends_on_stock><out_of_stock>2</out_of_stock></stock_available></prestashop>";

#[tokio::test]
async fn missing_key_gets_basic_challenge_and_plain_body() {
    let ps = shop().await;
    let r = client::send(&ps.url(), "GET", "/api/orders", &[], b"").await;
    assert_eq!(r.status, 401);
    assert!(
        r.header("WWW-Authenticate")
            .unwrap()
            .starts_with("Basic realm=\"Welcome to PrestaShop Webservice")
    );
    assert_eq!(r.text(), "401 Unauthorized");
}

#[tokio::test]
async fn bad_keys_get_their_codes() {
    let ps = shop().await;
    let r = get_as(&ps, "short", "/api/orders").await;
    assert_eq!((r.status, error_code(&r)), (401, 18));
    assert!(r.header("WWW-Authenticate").is_some());
    assert!(r.header("PSWS-Version").is_none());
    let r = get_as(&ps, "ABCDEFGHIJABCDEFGHIJABCDEFGHIJ12", "/api/orders").await;
    assert_eq!((r.status, error_code(&r)), (401, 20));
    assert!(r.text().contains("<![CDATA[21]]>"));
    let r = get_as(&ps, INACTIVE_KEY, "/api/orders?output_format=JSON").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["errors"][0]["code"], 20);
    let r = get_as(&ps, "", "/api/orders").await;
    assert_eq!((r.status, error_code(&r)), (401, 17));
}

#[tokio::test]
async fn key_in_query_is_accepted() {
    let ps = shop().await;
    let r = client::send(
        &ps.url(),
        "GET",
        &format!("/api/orders?ws_key={FULL_KEY}"),
        &[],
        b"",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("PSWS-Version"), Some("8.2.1"));
    assert_eq!(r.header("X-Powered-By"), Some("PrestaShop Webservice"));
    assert_eq!(r.header("Content-Type"), Some("text/xml;charset=utf-8"));
}

#[tokio::test]
async fn resource_not_granted_is_401_code_26() {
    let ps = shop().await;
    let r = get_as(&ps, NO_CUSTOMERS_KEY, "/api/customers").await;
    assert_eq!((r.status, error_code(&r)), (401, 26));
    assert_eq!(
        get_as(&ps, NO_CUSTOMERS_KEY, "/api/orders").await.status,
        200
    );
}

#[tokio::test]
async fn method_not_granted_is_405_code_25_and_forbidden_method_is_101() {
    let ps = shop().await;
    let auth = client::basic(READ_ONLY_KEY);
    let h = [("Authorization", auth.as_str())];
    let r = client::send(
        &ps.url(),
        "PUT",
        "/api/stock_availables/6",
        &h,
        SA_XML.as_bytes(),
    )
    .await;
    assert_eq!((r.status, error_code(&r)), (405, 25));
    let r = client::send(
        &ps.url(),
        "POST",
        "/api/stock_availables",
        &h,
        SA_XML.as_bytes(),
    )
    .await;
    assert_eq!((r.status, error_code(&r)), (405, 101));
    let r = client::send(&ps.url(), "DELETE", "/api/stock_availables/6", &h, b"").await;
    assert_eq!((r.status, error_code(&r)), (405, 101));
    assert_eq!(ps.stock(2, 0), 30);
}

#[tokio::test]
async fn unknown_resource_is_400_code_27_with_hint() {
    let ps = shop().await;
    let r = get(&ps, "/api/ordres").await;
    assert_eq!((r.status, error_code(&r)), (400, 27));
    assert!(r.text().contains("Did you mean: \"orders\""));
}

#[tokio::test]
async fn disabled_webservice_is_503_code_22() {
    let ps = shop().await;
    ps.set_webservice_enabled(false);
    let r = get(&ps, "/api/orders?output_format=JSON").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["errors"][0]["code"], 22);
    ps.set_webservice_enabled(true);
    assert_eq!(get(&ps, "/api/orders").await.status, 200);
}

#[tokio::test]
async fn root_lists_granted_resources_with_methods() {
    let ps = shop().await;
    let r = get(&ps, "/api/").await;
    let xml = r.text();
    let base = ps.url();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<api shopName=\"Emulated Shop\">"));
    assert!(xml.contains(&format!(
        "<products xlink:href=\"{base}/api/products\" get=\"true\" put=\"true\" post=\"true\" patch=\"true\" delete=\"true\" head=\"true\">"
    )));
    let ro = get_as(&ps, READ_ONLY_KEY, "/api/").await.text();
    assert!(ro.contains(
        "get=\"true\" put=\"false\" post=\"false\" patch=\"false\" delete=\"false\" head=\"true\""
    ));
    let nc = get_as(&ps, NO_CUSTOMERS_KEY, "/api/").await.text();
    assert!(!nc.contains("<customers "));
    let json = get(&ps, "/api/?output_format=JSON").await.json();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains(&"orders") && names.contains(&"stock_availables"));
}
