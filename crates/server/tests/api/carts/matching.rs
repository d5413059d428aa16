//! Buyers and totals: matching customers by link then e-mail, a buyer paying in another
//! currency than their customer record, and an order whose total cannot be matched.

use cartwright_store::Backend;
use serde_json::json;

use super::{cart, document, fixture, orders, run, tested};

crate::on_both_backends!(
    buyers_match_by_email_and_a_foreign_currency_order_gets_a_sibling_customer,
    an_order_whose_total_cannot_be_matched_is_flagged_with_both_figures,
);

async fn buyers_match_by_email_and_a_foreign_currency_order_gets_a_sibling_customer(b: Backend) {
    let (t, shop) = fixture(b).await;
    // Pierre is already our customer, in EUR; his cart order 3 is in USD.
    t.create(
        "/api/v1/customers",
        json!({"code": "MARTIN", "name": "Martin SARL", "email": "Pierre.Martin@example.fr", "currency": "EUR"}),
    )
    .await;
    // An item whose code is the cart's SKU is matched (and linked) without being linked first.
    t.create(
        "/api/v1/items",
        json!({"code": "demo_2", "item_type": "stock", "description": "Mug"}),
    )
    .await;
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["orders_created"], 4, "{r}");
    let tab = orders(&t, &c).await;
    let o1 = tab.iter().find(|o| o["remote_id"] == "1").unwrap();
    let d1 = document(&t, &o1["document_id"]).await;
    assert_eq!(d1["lines"][0]["item"], "demo_2", "{d1}");
    let items = t
        .get(&format!("/api/v1/carts/{}/items", c["id"]))
        .await
        .body;
    let mug = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == "demo_2")
        .unwrap();
    assert_eq!(mug["remote_ids"], json!(["2"]), "linked by SKU: {mug}");
    // A cancellation in the cart after import is recorded on the document.
    shop.advance(60);
    shop.set_order_state(2, 6);
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["orders_updated"], 1, "{r}");
    let tab = orders(&t, &c).await;
    let o2 = tab.iter().find(|o| o["remote_id"] == "2").unwrap();
    assert_eq!(o2["cart_status"], "cancelled");
    let d2 = document(&t, &o2["document_id"]).await;
    assert!(
        d2["memo"]
            .as_str()
            .unwrap()
            .contains("from open to cancelled (Canceled)"),
        "{d2}"
    );
    let o3 = tab.iter().find(|o| o["remote_id"] == "3").unwrap();
    let d3 = document(&t, &o3["document_id"]).await;
    assert_eq!(
        d3["party"], "MARTIN-USD",
        "a USD record beside the EUR one, found by e-mail"
    );
    assert_eq!(d3["currency"], "USD");
    assert_eq!(d3["total"], "49.33", "the cart's total kept to the cent");
    let sibling = t.get("/api/v1/customers?q=MARTIN-USD").await.body["items"][0].clone();
    assert_eq!(sibling["currency"], "USD");
    assert_eq!(sibling["email"], "pierre.martin@example.fr");
    // The link stays with the original record: the next EUR order from Pierre lands on MARTIN.
    let links = t
        .get(&format!("/api/v1/carts/{}/customers", c["id"]))
        .await
        .body;
    let martin = links
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["customer"] == "MARTIN")
        .unwrap();
    assert_eq!(martin["remote_ids"], json!(["4"]));
    // The two guest rows with one e-mail (cart customers 2 and 3) are one customer.
    let guests = t.get("/api/v1/customers?q=jane.guest").await.body["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(guests, 1);
}

async fn an_order_whose_total_cannot_be_matched_is_flagged_with_both_figures(b: Backend) {
    let (t, shop) = fixture(b).await;
    assert!(shop.set_field("orders", 1, "total_paid_tax_incl", "70.00"));
    let c = cart(&t, &shop, json!({})).await;
    tested(&t, &c).await;
    let r = run(&t, &c).await;
    assert_eq!(r["counts"]["totals_differ"], 1, "{r}");
    let tab = orders(&t, &c).await;
    let o1 = tab.iter().find(|o| o["remote_id"] == "1").unwrap();
    assert_eq!(o1["totals_differ"], true);
    assert_eq!(o1["cart_total"], "70.00");
    assert_eq!(o1["document_total"], "65.64");
    let d = document(&t, &o1["document_id"]).await;
    assert!(
        d["memo"]
            .as_str()
            .unwrap()
            .contains("TOTALS DIFFER: cart 70.00 EUR / document 65.64 EUR"),
        "{d}"
    );
}
