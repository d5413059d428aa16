//! One cart order → one PENDING document, its customer and its link, in one transaction.

use cartwright_carts::{RemoteAddress, RemoteCustomer, RemoteOrder};
use cartwright_core::{
    document::{DocumentInput, LineInput},
    item::{ItemInput, ItemType},
    money::to_scaled,
    party::{Address, PartyInput, PartyKind},
    tax::TaxCodeInput,
};
use cartwright_store::{CartOrderRow, CartRow, ListQuery, Tx};
use rust_decimal::{Decimal, RoundingStrategy};
use time::OffsetDateTime;

use super::settings::{ImportAs, instant_text};
use crate::{App, AppError, Principal, Result, company::no_company, refs::Refs};

/// Charge item that carries shipping.
pub(crate) const SHIPPING_ITEM: &str = "CART-SHIPPING";
/// Discount item that carries discounts and coupons.
pub(crate) const DISCOUNT_ITEM: &str = "CART-DISCOUNT";

/// What importing one order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Imported {
    /// A new PENDING document.
    Created {
        document_id: i64,
        customer_created: bool,
        totals_differ: bool,
    },
    /// Already imported; the cart's status change was recorded on the document.
    StatusChanged,
    /// Already imported, nothing new.
    Unchanged,
}

/// The principal sync runs act as, named after the cart.
pub(crate) fn cart_actor(cart: &CartRow) -> Principal {
    Principal {
        user_id: None,
        label: format!("cart:{}", cart.name),
        role: cartwright_core::user::Role::Admin,
    }
}

fn address(a: &RemoteAddress) -> Address {
    Address {
        line1: a.line1.chars().take(200).collect(),
        line2: a.line2.chars().take(200).collect(),
        city: a.city.chars().take(100).collect(),
        region: String::new(),
        postcode: a.postcode.chars().take(20).collect(),
        country: a.country.clone(),
    }
}

/// The tax rate that turns `excl` into `incl`: an existing code's rate that reproduces
/// the cart's figure to the cent, else the rate rounded to two places.
/// `codes` are the active tax codes, read once per order; a code created here joins them.
async fn tax_code_for(
    tx: &mut Tx,
    codes: &mut Vec<cartwright_core::tax::TaxCode>,
    excl: Decimal,
    incl: Decimal,
    prefer: Option<&str>,
) -> Result<String> {
    let exact = if excl.is_zero() {
        Decimal::ZERO
    } else {
        ((incl / excl) - Decimal::ONE) * Decimal::ONE_HUNDRED
    };
    // The item's own code first, so a tie goes to it.
    let mut order: Vec<&cartwright_core::tax::TaxCode> = codes.iter().collect();
    order.sort_by_key(|c| Some(c.code.as_str()) != prefer);
    let cents = |v: Decimal| v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    for c in order {
        let fits = if excl.is_zero() {
            c.rate_percent.is_zero()
        } else {
            (cents(excl * (Decimal::ONE + c.rate_percent / Decimal::ONE_HUNDRED)) - cents(incl))
                .abs()
                <= Decimal::new(1, 2)
        };
        if fits {
            return Ok(c.code.clone());
        }
    }
    let rate = exact.round_dp(2).normalize().max(Decimal::ZERO);
    let code = format!("CART-{rate}");
    if tx.tax_code_id(&code).await?.is_none() {
        let input = TaxCodeInput {
            code: code.clone(),
            name: format!("Cart tax {rate}%"),
            rate_percent: rate,
            sales_account: None,
            purchase_account: None,
            active: Some(true),
            version: None,
        };
        let row = App::tax_code_row(tx, &input).await?;
        codes.push(tx.insert_tax_code(&row).await?);
    }
    Ok(code)
}

/// Makes sure a cart service item exists (shipping or discount lines).
async fn service_item(tx: &mut Tx, code: &str, kind: ItemType, description: &str) -> Result<()> {
    if tx.item_id(code).await?.is_some() {
        return Ok(());
    }
    let input: ItemInput = serde_json::from_value(serde_json::json!({
        "code": code, "description": description, "item_type": kind,
    }))
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let v = input.validate()?;
    let row = crate::items::item_row(tx, &mut Refs::default(), &v).await??;
    tx.insert_item(&row).await?;
    Ok(())
}

impl App {
    /// The customer an order belongs to: linked, else matched by e-mail, else created;
    /// then the one in the order's currency (a sibling record when they differ).
    pub(crate) async fn order_customer(
        &self,
        tx: &mut Tx,
        cart: &CartRow,
        c: &RemoteCustomer,
        currency: &str,
    ) -> Result<(String, bool)> {
        let mut created = false;
        let linked = tx.cart_link(cart.id, "customer", &c.remote_id).await?;
        let id = match linked {
            Some(id) => id,
            None => {
                let by_email = tx.customers_by_email(&c.email).await?;
                let id = match by_email
                    .iter()
                    .find(|(_, cur)| cur == currency)
                    .or(by_email.first())
                {
                    Some((id, _)) => *id,
                    None => {
                        created = true;
                        let code = format!("CART{}-{}", cart.id, c.remote_id);
                        self.new_customer(tx, &code, c, currency).await?
                    }
                };
                tx.set_cart_link(cart.id, "customer", &c.remote_id, id, &c.email)
                    .await?;
                id
            }
        };
        let party = tx
            .party(PartyKind::Customer, id)
            .await?
            .ok_or_else(|| AppError::not_found("customer", id))?;
        if party.currency == currency {
            return Ok((party.code, created));
        }
        // A document is always in its customer's currency, and the cart's total must be
        // kept to the cent, so a buyer paying in another currency gets a sibling record.
        let code = format!("{}-{currency}", party.code);
        if tx.party_id(PartyKind::Customer, &code).await?.is_none() {
            self.new_customer(tx, &code, c, currency).await?;
            created = true;
        }
        Ok((code, created))
    }

    /// Creates a customer from a cart buyer.
    pub(crate) async fn new_customer_in(
        &self,
        tx: &mut Tx,
        code: &str,
        c: &RemoteCustomer,
        currency: &str,
    ) -> Result<i64> {
        self.new_customer(tx, code, c, currency).await
    }

    async fn new_customer(
        &self,
        tx: &mut Tx,
        code: &str,
        c: &RemoteCustomer,
        currency: &str,
    ) -> Result<i64> {
        let company = tx.company().await?.ok_or_else(no_company)?;
        let addr = c.address.as_ref().map(address);
        let input: PartyInput = serde_json::from_value(serde_json::json!({
            "code": code,
            "name": c.display_name(),
            "email": c.email,
            "phone": c.address.as_ref().map(|a| a.phone.clone()).unwrap_or_default(),
            "currency": currency,
            "billing_address": addr,
            "shipping_address": addr,
            "notes": if c.is_guest { "Guest buyer from a shopping cart" } else { "Customer from a shopping cart" },
        }))
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let v = input.validate()?;
        let row = crate::parties::party_row(
            tx,
            &mut Refs::default(),
            &company.base_currency,
            PartyKind::Customer,
            &v,
        )
        .await??;
        let p = tx
            .insert_party(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "customer", "code", code))?;
        crate::audit(
            tx,
            &Principal::system(),
            "customers",
            p.id,
            "create",
            None,
            Some(&p),
        )
        .await?;
        Ok(p.id)
    }

    /// The item code for a cart line: linked, else same SKU (and linked now), else none.
    pub(crate) async fn line_item(
        &self,
        tx: &mut Tx,
        cart: &CartRow,
        remote_id: &str,
        sku: &str,
    ) -> Result<Option<String>> {
        if let Some(id) = tx.cart_link(cart.id, "item", remote_id).await?
            && let Some(item) = tx.item(id).await?
        {
            return Ok(Some(item.code));
        }
        if !sku.trim().is_empty()
            && let Some(id) = tx.item_id(sku.trim()).await?
        {
            tx.set_cart_link(cart.id, "item", remote_id, id, sku)
                .await?;
            let item = tx
                .item(id)
                .await?
                .ok_or_else(|| AppError::not_found("item", id))?;
            return Ok(Some(item.code));
        }
        Ok(None)
    }

    /// Imports one cart order exactly once (the unique link decides), or records its status change.
    pub(crate) async fn import_order(
        &self,
        cart: &CartRow,
        o: &RemoteOrder,
        updated: Option<OffsetDateTime>,
    ) -> Result<Imported> {
        let who = cart_actor(cart);
        let mut tx = self.store.write().await?;
        let status = o.status.summary();
        if let Some(existing) = tx.cart_order(cart.id, &o.remote_id).await? {
            if existing.remote_status == status {
                return Ok(Imported::Unchanged);
            }
            let Some(document_id) = existing.document_id else {
                // Its document was deleted here: remember the status, import nothing.
                tx.update_cart_order(
                    cart.id,
                    &o.remote_id,
                    status,
                    updated.map(instant_text).as_deref(),
                )
                .await?;
                tx.commit().await?;
                return Ok(Imported::StatusChanged);
            };
            // Record the change; nothing saved is altered but the memo.
            let doc = crate::documents::load_in(&mut tx, document_id).await?;
            let note = format!(
                "Cart status changed from {} to {} ({}) at {}",
                if existing.remote_status.is_empty() {
                    "?"
                } else {
                    &existing.remote_status
                },
                status,
                o.status.name,
                updated.map(instant_text).unwrap_or_default()
            );
            let memo = if doc.memo.is_empty() {
                note
            } else {
                format!("{}\n{note}", doc.memo)
            };
            tx.set_document_memo(document_id, &memo).await?;
            tx.update_cart_order(
                cart.id,
                &o.remote_id,
                status,
                updated.map(instant_text).as_deref(),
            )
            .await?;
            let after = crate::documents::load_in(&mut tx, document_id).await?;
            crate::audit(
                &mut tx,
                &who,
                "documents",
                document_id,
                "cart_status",
                Some(&doc),
                Some(&after),
            )
            .await?;
            tx.commit().await?;
            return Ok(Imported::StatusChanged);
        }
        let import_as = ImportAs::parse(&cart.import_as).unwrap_or_default();
        let (party, customer_created) = self
            .order_customer(&mut tx, cart, &o.customer, &o.currency)
            .await?;
        let company = tx.company().await?.ok_or_else(no_company)?;
        let mu = tx.currency(&o.currency).await?.map_or(2, |c| c.minor_units);
        // Carts round tax per unit or per line; entering prices with tax (when the cart's
        // own figures add up that way) makes the document's total the cart's to the cent.
        let gross: Decimal = o
            .lines
            .iter()
            .map(|l| (l.quantity * l.unit_price_incl).round_dp(mu))
            .sum::<Decimal>()
            + o.shipping_incl
            - o.discounts_incl;
        let with_tax = gross.round_dp(mu) == o.total_incl.round_dp(mu);
        let price = |excl: Decimal, incl: Decimal| if with_tax { incl } else { excl };
        let q = ListQuery {
            active: Some(true),
            limit: 500,
            ..ListQuery::default()
        };
        let mut codes = tx.list_tax_codes(&q).await?.items;
        let mut lines = Vec::new();
        for (n, l) in o.lines.iter().enumerate() {
            let (item, description) = match self
                .line_item(&mut tx, cart, &l.item_remote_id, &l.sku)
                .await?
            {
                Some(code) => (code, None),
                None => {
                    let code = company.default_item.clone().ok_or_else(|| {
                        AppError::invalid(
                            format!("lines[{n}].item"),
                            format!(
                                "cart product '{}' ({}) matches no item and the company has no default item",
                                l.sku, l.name
                            ),
                        )
                    })?;
                    let d = format!("{} {}", l.sku.trim(), l.name.trim())
                        .trim()
                        .chars()
                        .take(200)
                        .collect::<String>();
                    (code, Some(d))
                }
            };
            let own_tax = match tx.item_id(&item).await? {
                Some(id) => tx.item(id).await?.and_then(|i| i.tax_code),
                None => None,
            };
            let tax = tax_code_for(
                &mut tx,
                &mut codes,
                l.unit_price_excl,
                l.unit_price_incl,
                own_tax.as_deref(),
            )
            .await?;
            lines.push(LineInput {
                item,
                description,
                site: None,
                bin: None,
                quantity: l.quantity,
                unit_price: Some(price(l.unit_price_excl, l.unit_price_incl).round_dp(6)),
                discount_percent: None,
                tax_code: Some(tax),
                unit_cost: None,
                source_line: None,
                drop_ship: None,
            });
        }
        if !o.shipping_excl.is_zero() || !o.shipping_incl.is_zero() {
            service_item(
                &mut tx,
                SHIPPING_ITEM,
                ItemType::Charge,
                "Shipping (from shopping carts)",
            )
            .await?;
            let tax =
                tax_code_for(&mut tx, &mut codes, o.shipping_excl, o.shipping_incl, None).await?;
            lines.push(charge_line(
                SHIPPING_ITEM,
                "Shipping",
                price(o.shipping_excl, o.shipping_incl),
                tax,
            ));
        }
        if !o.discounts_excl.is_zero() || !o.discounts_incl.is_zero() {
            service_item(
                &mut tx,
                DISCOUNT_ITEM,
                ItemType::Discount,
                "Discounts and coupons (from shopping carts)",
            )
            .await?;
            let tax = tax_code_for(
                &mut tx,
                &mut codes,
                o.discounts_excl,
                o.discounts_incl,
                None,
            )
            .await?;
            lines.push(charge_line(
                DISCOUNT_ITEM,
                "Discounts and coupons",
                -price(o.discounts_excl, o.discounts_incl),
                tax,
            ));
        }
        let placed = cartwright_core::validate::format_date(o.placed.date());
        let reference: String = format!("{} #{} {}", cart.name, o.remote_id, o.reference)
            .trim()
            .chars()
            .take(100)
            .collect();
        let memo = format!(
            "Imported from cart '{}' order {} (reference {}), status {} ({}), payment {}",
            cart.name, o.remote_id, o.reference, status, o.status.name, o.payment
        );
        let input = DocumentInput {
            doc_type: import_as.doc_type(),
            party: Some(party),
            date: placed,
            due_date: None,
            currency: Some(o.currency.clone()),
            exchange_rate: None,
            site: cart.sites.first().cloned(),
            to_site: None,
            to_bin: None,
            reference: Some(reference),
            memo: Some(memo.chars().take(1000).collect()),
            prices_include_tax: Some(with_tax),
            ship_to: o.ship_to.as_ref().map(address),
            landed_spread: None,
            lines,
            version: None,
        };
        input.validate()?;
        let doc = crate::documents::create_in(&mut tx, &who, &input).await?;
        let cart_total = to_scaled(o.total_incl.round_dp(mu), mu, "total").unwrap_or_default();
        let doc_total = to_scaled(doc.total, mu, "total").unwrap_or_default();
        let totals_differ = cart_total != doc_total;
        if totals_differ {
            let memo = format!(
                "{}\nTOTALS DIFFER: cart {:.p$} {} / document {:.p$} {}",
                doc.memo,
                o.total_incl.round_dp(mu),
                o.currency,
                doc.total,
                o.currency,
                p = mu as usize
            );
            tx.set_document_memo(doc.id, &memo).await?;
        }
        let link = CartOrderRow {
            remote_id: o.remote_id.clone(),
            document_id: Some(doc.id),
            reference: o.reference.clone(),
            remote_updated: updated.map(instant_text),
            remote_status: status.to_string(),
            cart_total_minor: cart_total,
            document_total_minor: doc_total,
            currency: o.currency.clone(),
            imported_at: instant_text(OffsetDateTime::now_utc()),
            updated_at: instant_text(OffsetDateTime::now_utc()),
        };
        if !tx.insert_cart_order(cart.id, &link).await? {
            // Another run stored it first: drop ours (the transaction rolls back).
            return Ok(Imported::Unchanged);
        }
        // PENDING cart orders lower what the carts may sell.
        let mut items = Vec::new();
        for l in &doc.lines {
            if let Some(id) = tx.item_id(&l.item).await? {
                items.push(id);
            }
        }
        tx.enqueue_stock(&items).await?;
        tx.clear_failed(cart.id, &o.remote_id).await?;
        tx.commit().await?;
        Ok(Imported::Created {
            document_id: doc.id,
            customer_created,
            totals_differ,
        })
    }
}

fn charge_line(item: &str, what: &str, price: Decimal, tax: String) -> LineInput {
    LineInput {
        item: item.to_string(),
        description: Some(what.to_string()),
        site: None,
        bin: None,
        quantity: Decimal::ONE,
        unit_price: Some(price.round_dp(6)),
        discount_percent: None,
        tax_code: Some(tax),
        unit_cost: None,
        source_line: None,
        drop_ship: None,
    }
}
