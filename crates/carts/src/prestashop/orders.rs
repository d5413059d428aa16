//! Orders with their rows, buyer, addresses, currency and status.

use jiff::tz::TimeZone;
use serde_json::Value;

use super::{PrestaShop, clock, records, wire};
use crate::{CartError, Fetched, RemoteLine, RemoteOrder};

impl PrestaShop {
    /// Maps order records; one bad order becomes a failed record, not a failed page.
    pub(crate) async fn map_orders(
        &self,
        tz: &TimeZone,
        rows: &[Value],
    ) -> Result<Vec<Fetched<RemoteOrder>>, CartError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        self.lookups().await?;
        let customer_ids: Vec<String> = rows.iter().map(|o| wire::text(o, "id_customer")).collect();
        let customers = self.customer_rows(&customer_ids).await?;
        let mut address_ids: Vec<String> = rows
            .iter()
            .map(|o| wire::text(o, "id_address_invoice"))
            .collect();
        address_ids.extend(rows.iter().map(|o| wire::text(o, "id_address_delivery")));
        let addresses = self.addresses(&address_ids).await?;
        Ok(rows
            .iter()
            .map(|o| {
                let id = wire::text(o, "id");
                Fetched {
                    remote_id: id,
                    updated: clock::to_utc(tz, &wire::text(o, "date_upd")),
                    record: self.order(tz, o, &customers, &addresses),
                    raw: crate::excerpt(&o.to_string(), 4000),
                }
            })
            .collect())
    }

    fn order(
        &self,
        tz: &TimeZone,
        o: &Value,
        customers: &std::collections::BTreeMap<String, Value>,
        addresses: &std::collections::BTreeMap<String, crate::RemoteAddress>,
    ) -> Result<RemoteOrder, crate::RecordError> {
        let id = wire::text(o, "id");
        let f = wire::Fields {
            record: format!("order {id}"),
            v: o,
        };
        f.id("id")?;
        let placed_text = f.required("date_add")?;
        let placed = clock::to_utc(tz, &placed_text)
            .ok_or_else(|| f.err("date_add", format!("'{placed_text}' is not a date")))?;
        let currency_id = f.required("id_currency")?;
        let currency = self.currency_iso(&currency_id).ok_or_else(|| {
            f.err(
                "id_currency",
                format!("currency {currency_id} is unknown to the cart"),
            )
        })?;
        let customer_id = f.required("id_customer")?;
        let crow = customers.get(&customer_id).ok_or_else(|| {
            f.err(
                "id_customer",
                format!("customer {customer_id} does not exist in the cart"),
            )
        })?;
        let bill_to = addresses.get(&wire::text(o, "id_address_invoice")).cloned();
        let customer = records::customer(crow, bill_to)?;
        let state = f.text("current_state");
        let status = self.status(&state).ok_or_else(|| {
            f.err(
                "current_state",
                format!("order state '{state}' is unknown to the cart"),
            )
        })?;
        let rows = o
            .get("associations")
            .and_then(|a| a.get("order_rows"))
            .and_then(Value::as_array)
            .ok_or_else(|| f.err("associations.order_rows", "the order has no rows"))?;
        let mut lines = Vec::with_capacity(rows.len());
        for (n, r) in rows.iter().enumerate() {
            let rf = wire::Fields {
                record: format!("order {id} row {}", n + 1),
                v: r,
            };
            let product = rf.id("product_id")?;
            let attribute = if rf.text("product_attribute_id").trim().is_empty() {
                0
            } else {
                rf.id("product_attribute_id")?
            };
            let quantity = rf.decimal("product_quantity")?;
            if quantity <= rust_decimal::Decimal::ZERO {
                return Err(rf.err(
                    "product_quantity",
                    format!("{quantity} is not a positive quantity"),
                ));
            }
            lines.push(RemoteLine {
                item_remote_id: if attribute == 0 {
                    product.to_string()
                } else {
                    format!("{product}-{attribute}")
                },
                sku: rf.text("product_reference"),
                name: rf.text("product_name"),
                quantity,
                unit_price_excl: rf.decimal("unit_price_tax_excl")?,
                unit_price_incl: rf.decimal("unit_price_tax_incl")?,
            });
        }
        Ok(RemoteOrder {
            remote_id: id.clone(),
            reference: f.text("reference"),
            placed,
            currency,
            customer,
            ship_to: addresses
                .get(&wire::text(o, "id_address_delivery"))
                .cloned(),
            lines,
            shipping_excl: f.decimal_or_zero("total_shipping_tax_excl")?,
            shipping_incl: f.decimal_or_zero("total_shipping_tax_incl")?,
            discounts_excl: f.decimal_or_zero("total_discounts_tax_excl")?,
            discounts_incl: f.decimal_or_zero("total_discounts_tax_incl")?,
            total_excl: f.decimal("total_paid_tax_excl")?,
            total_incl: f.decimal("total_paid_tax_incl")?,
            status,
            payment: f.text("payment"),
        })
    }
}
