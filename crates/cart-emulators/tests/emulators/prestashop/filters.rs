use super::{error_code, get, ids, shop};

async fn order_ids(ps: &cartwright_cart_emulators::PrestaShop, q: &str) -> Vec<i64> {
    ids(
        &get(ps, &format!("/api/orders?output_format=JSON&{q}")).await,
        "orders",
    )
}

async fn customer_ids(ps: &cartwright_cart_emulators::PrestaShop, q: &str) -> Vec<i64> {
    ids(
        &get(ps, &format!("/api/customers?output_format=JSON&{q}")).await,
        "customers",
    )
}

#[tokio::test]
async fn every_filter_operator_works() {
    let ps = shop().await;
    assert_eq!(
        customer_ids(&ps, "filter[email]=[JOHN.DOE@example.com]").await,
        [1]
    );
    assert_eq!(order_ids(&ps, "filter[id]=[1|3]").await, [1, 3]);
    assert_eq!(
        order_ids(&ps, "filter[id]=[3,2]").await,
        [2, 3],
        "BETWEEN bounds are sorted and inclusive"
    );
    assert_eq!(customer_ids(&ps, "filter[firstname]=[Ja]%").await, [2, 3]);
    assert_eq!(customer_ids(&ps, "filter[lastname]=%[tin]").await, [4]);
    assert_eq!(customer_ids(&ps, "filter[email]=%[GUEST]%").await, [2, 3]);
    assert_eq!(
        order_ids(&ps, "filter[total_paid]=>[40.80]").await,
        [1, 3],
        "strictly greater, numeric"
    );
    assert_eq!(order_ids(&ps, "filter[total_paid]=<[40.8]").await, [4]);
    assert_eq!(order_ids(&ps, "filter[current_state]=![2]").await, [2]);
    assert_eq!(order_ids(&ps, "filter[id_customer]=![1|4]").await, [2]);
    assert_eq!(
        order_ids(&ps, "filter[id_customer]=[1]&filter[id]=>[1]").await,
        [4]
    );
}

#[tokio::test]
async fn date_filters_need_date_1_and_compare_shop_local_time() {
    let ps = shop().await;
    let r = get(
        &ps,
        "/api/orders?filter[date_upd]=[2026-11-01 19:00:00,2099-01-01 00:00:00]",
    )
    .await;
    assert_eq!((r.status, error_code(&r)), (400, 32));
    let r = get(&ps, "/api/orders?sort=[date_upd_ASC]").await;
    assert_eq!((r.status, error_code(&r)), (400, 38));
    let window = "date=1&filter[date_upd]=[2026-11-01%2019:00:00,2099-01-01%2000:00:00]";
    assert_eq!(
        order_ids(&ps, window).await,
        [2, 3, 4],
        "inclusive lower bound"
    );
    assert_eq!(
        order_ids(&ps, "date=1&filter[date_upd]=>[2026-11-01 19:00:00]").await,
        [3, 4]
    );
    assert_eq!(
        order_ids(&ps, "date=1&filter[date_add]=[2026-11-01,2026-11-02]").await,
        [1, 2, 3],
        "date-only bound is midnight"
    );
    assert_eq!(
        order_ids(&ps, "date=1&sort=[date_upd_DESC,id_ASC]&limit=0,2").await,
        [4, 3]
    );
}

#[tokio::test]
async fn sort_and_limit_page_through_results() {
    let ps = shop().await;
    assert_eq!(order_ids(&ps, "sort=[id_DESC]&limit=1,2").await, [3, 2]);
    assert_eq!(order_ids(&ps, "sort=id_DESC&limit=2").await, [4, 3]);
    assert_eq!(order_ids(&ps, "sort=[total_paid_ASC]").await, [4, 2, 3, 1]);
    assert_eq!(order_ids(&ps, "limit=3,10").await, [4]);
    assert_eq!(order_ids(&ps, "limit=10,10").await, Vec::<i64>::new());
    assert_eq!(
        customer_ids(&ps, "sort=[lastname_ASC,id_DESC]").await,
        [1, 3, 2, 4]
    );
}

#[tokio::test]
async fn list_parameter_errors_have_prestashop_codes() {
    let ps = shop().await;
    for (q, code) in [
        ("filter[nope]=[1]", 32),
        ("filter[id]=", 33),
        ("display=[id,nope]", 35),
        ("display=id,reference", 36),
        ("sort=[id_UP]", 37),
        ("sort=[nope_ASC]", 38),
        ("limit=1,2,3", 39),
    ] {
        let r = get(&ps, &format!("/api/orders?{q}")).await;
        assert_eq!((r.status, error_code(&r)), (400, code), "{q}: {}", r.text());
    }
    let r = get(&ps, "/api/products?filter[quantity]=[0]").await;
    assert_eq!((r.status, error_code(&r)), (400, 34));
    let r = get(&ps, "/api/orders?output_format=JSON&filter[nope]=[1]").await;
    assert_eq!(r.json()["errors"][0]["code"], 32);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean")
    );
}
