//! Available to sell: free stock on the cart's sites, less quantities on PENDING cart
//! orders (real customer orders not yet saved), less the cart's safety buffer, never below zero.

use cartwright_core::{
    item::ItemType,
    money::{QUANTITY_SCALE, from_scaled},
    user::{Access, Resource},
};
use cartwright_store::{CartRow, Tx};
use rust_decimal::{Decimal, prelude::ToPrimitive};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result};

/// One term of the figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AvailableTerm {
    /// What the term is.
    pub label: String,
    /// Signed quantity it adds.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
}

/// The quantity a cart is told it may sell, term by term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Available {
    /// Item code.
    pub item: String,
    /// Sites counted.
    pub sites: Vec<String>,
    /// The terms, in order; their sum (floored at zero, whole units) is `available`.
    pub terms: Vec<AvailableTerm>,
    /// The quantity sent to the cart.
    pub available: i64,
    /// False for items without stock (services, charges): nothing is sent.
    pub tracked: bool,
}

fn q(e4: i64) -> Decimal {
    from_scaled(e4, QUANTITY_SCALE).normalize()
}

/// Free stock (on hand − allocated) of an item on these sites, ×10⁴.
async fn free_e4(tx: &mut Tx, item_id: i64, sites: &[i64]) -> Result<(i64, i64)> {
    let levels = tx.levels(Some(item_id)).await?;
    let mut on_hand = 0;
    let mut allocated = 0;
    for l in levels.iter().filter(|l| sites.contains(&l.site_id)) {
        on_hand += l.on_hand_e4;
        allocated += l.allocated_e4;
    }
    Ok((on_hand, allocated))
}

/// Works out the figure for one item on one cart.
pub(crate) async fn available_in(tx: &mut Tx, cart: &CartRow, item_id: i64) -> Result<Available> {
    let item = tx
        .item(item_id)
        .await?
        .ok_or_else(|| AppError::not_found("item", item_id))?;
    let mut terms = Vec::new();
    let tracked = matches!(
        item.item_type,
        ItemType::Stock | ItemType::Assembly | ItemType::Kit
    );
    if !tracked {
        return Ok(Available {
            item: item.code,
            sites: cart.sites.clone(),
            terms,
            available: 0,
            tracked,
        });
    }
    if item.item_type == ItemType::Kit {
        // A kit can be sold as often as its scarcest component allows.
        let mut kits: Option<Decimal> = None;
        for (component, per_kit_e4) in tx.components(item_id).await? {
            let (on_hand, allocated) = free_e4(tx, component, &cart.site_ids).await?;
            let pending = tx.pending_cart_qty(component, &cart.site_ids).await?;
            if per_kit_e4 <= 0 {
                continue;
            }
            let n = (q(on_hand - allocated - pending) / q(per_kit_e4)).floor();
            kits = Some(kits.map_or(n, |k| k.min(n)));
        }
        terms.push(AvailableTerm {
            label: "kits buildable from free component stock".into(),
            quantity: kits.unwrap_or_default(),
        });
    } else {
        let (on_hand, allocated) = free_e4(tx, item_id, &cart.site_ids).await?;
        terms.push(AvailableTerm {
            label: "on hand".into(),
            quantity: q(on_hand),
        });
        terms.push(AvailableTerm {
            label: "allocated to saved sales orders".into(),
            quantity: q(-allocated),
        });
    }
    let pending = tx.pending_cart_qty(item_id, &cart.site_ids).await?;
    terms.push(AvailableTerm {
        label: "on PENDING cart orders".into(),
        quantity: q(-pending),
    });
    terms.push(AvailableTerm {
        label: "safety buffer".into(),
        quantity: q(-cart.safety_buffer_e4),
    });
    let sum: Decimal = terms.iter().map(|t| t.quantity).sum();
    let available = sum.floor().to_i64().unwrap_or(0).max(0);
    Ok(Available {
        item: item.code,
        sites: cart.sites.clone(),
        terms,
        available,
        tracked,
    })
}

impl App {
    /// The available-to-sell figure for one item (`id` or code) on one cart, term by term.
    pub async fn cart_available(
        &self,
        who: &Principal,
        cart_id: i64,
        item: &str,
    ) -> Result<Available> {
        who.require(Resource::Carts, Access::Read)?;
        let mut tx = self.store.read().await?;
        let cart = super::load(&mut tx, cart_id).await?;
        let id = match tx.item_id(item).await? {
            Some(id) => id,
            None => item
                .parse::<i64>()
                .map_err(|_| AppError::not_found("item", item))?,
        };
        available_in(&mut tx, &cart, id).await
    }
}
