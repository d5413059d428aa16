//! Items: create, update, read, list.

use cartwright_core::{
    FieldErrors,
    item::{Item, ItemInput, ValidItem, check_type_change},
    money::{QUANTITY_SCALE, UNIT_COST_SCALE, to_scaled},
    page::Page,
    user::{Access, Resource},
};
use cartwright_store::{ItemRow, ListQuery, Tx};

use crate::{App, AppError, Principal, Result, audit, refs::Refs, required_version};

/// Turns a checked item into the row to store, resolving codes; reports every bad field.
pub(crate) async fn item_row(
    tx: &mut Tx,
    refs: &mut Refs,
    v: &ValidItem,
) -> Result<Result<ItemRow, FieldErrors>> {
    let mut errs = FieldErrors::default();
    let mut prices = Vec::with_capacity(v.prices.len());
    for (i, (list, price)) in v.prices.iter().enumerate() {
        let found = refs
            .price_list(tx, &format!("prices[{i}].price_list"), list)
            .await?;
        if let Some((list_id, mu)) = errs.check(found)
            && let Some(minor) = errs.check(to_scaled(*price, mu, &format!("prices[{i}].price")))
        {
            prices.push((list_id, minor));
        }
    }
    let tax_code_id = match &v.tax_code {
        Some(c) => errs.check(refs.tax_code(tx, "tax_code", c).await?),
        None => None,
    };
    let preferred_vendor_id = match &v.preferred_vendor {
        Some(c) => errs.check(refs.vendor(tx, "preferred_vendor", c).await?),
        None => None,
    };
    let mut components = Vec::with_capacity(v.components.len());
    for (i, (code, qty)) in v.components.iter().enumerate() {
        match tx.item_id(code).await? {
            Some(id) => {
                if let Some(q) = errs.check(to_scaled(
                    *qty,
                    QUANTITY_SCALE,
                    &format!("components[{i}].quantity"),
                )) {
                    components.push((id, q));
                }
            }
            None => errs.push(
                format!("components[{i}].item"),
                format!("unknown item '{code}'"),
            ),
        }
    }
    let standard_cost_e4 = errs.check(to_scaled(v.standard_cost, UNIT_COST_SCALE, "standard_cost"));
    let weight_e4 = errs.check(to_scaled(v.weight_kg, QUANTITY_SCALE, "weight_kg"));
    let reorder_level_e4 = errs.check(to_scaled(v.reorder_level, QUANTITY_SCALE, "reorder_level"));
    let (Some(standard_cost_e4), Some(weight_e4), Some(reorder_level_e4)) =
        (standard_cost_e4, weight_e4, reorder_level_e4)
    else {
        return Ok(Err(errs));
    };
    Ok(errs.into_result(ItemRow {
        components: Some(components),
        code: v.code.clone(),
        description: v.description.clone(),
        item_type: v.item_type,
        unit: v.unit.clone(),
        prices,
        standard_cost_e4,
        barcode: v.barcode.clone(),
        weight_e4,
        tax_code_id,
        reorder_level_e4,
        preferred_vendor_id,
        active: v.active,
    }))
}

impl App {
    /// Creates an item.
    pub async fn create_item(&self, who: &Principal, input: &ItemInput) -> Result<Item> {
        who.require(Resource::Items, Access::Write)?;
        let v = input.validate()?;
        let mut tx = self.store.write().await?;
        let row = item_row(&mut tx, &mut Refs::default(), &v).await??;
        let item = tx
            .insert_item(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "item", "code", &v.code))?;
        audit(&mut tx, who, "items", item.id, "create", None, Some(&item)).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Replaces an item's fields; its type cannot change once it is used.
    pub async fn update_item(&self, who: &Principal, id: i64, input: &ItemInput) -> Result<Item> {
        who.require(Resource::Items, Access::Write)?;
        let v = input.validate()?;
        let version = required_version(input.version)?;
        let mut tx = self.store.write().await?;
        let before = tx
            .item(id)
            .await?
            .ok_or_else(|| AppError::not_found("item", id))?;
        check_type_change(
            &before.code,
            before.item_type,
            v.item_type,
            tx.item_is_used(id).await?,
        )?;
        let row = item_row(&mut tx, &mut Refs::default(), &v).await??;
        let after = tx
            .update_item(id, version, &row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "item", "code", &v.code))?;
        // Carts with TO CART item updates hear of it (same transaction).
        tx.enqueue_record("item", id).await?;
        audit(
            &mut tx,
            who,
            "items",
            id,
            "update",
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One item.
    pub async fn item(&self, who: &Principal, id: i64) -> Result<Item> {
        who.require(Resource::Items, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.item(id)
            .await?
            .ok_or_else(|| AppError::not_found("item", id))
    }

    /// Items, paged; `filter` is an item type.
    pub async fn list_items(&self, who: &Principal, q: &ListQuery) -> Result<Page<Item>> {
        who.require(Resource::Items, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_items(q).await?)
    }
}

/// The input that would recreate `i` (for changes that touch a few fields).
pub(crate) fn input_of(i: &cartwright_core::item::Item) -> ItemInput {
    ItemInput {
        code: i.code.clone(),
        description: i.description.clone(),
        item_type: i.item_type,
        unit: Some(i.unit.clone()),
        prices: i
            .prices
            .iter()
            .map(|p| cartwright_core::item::ItemPriceInput {
                price_list: p.price_list.clone(),
                price: p.price,
            })
            .collect(),
        components: i.components.clone(),
        standard_cost: Some(i.standard_cost),
        barcode: Some(i.barcode.clone()),
        weight_kg: Some(i.weight_kg),
        tax_code: i.tax_code.clone(),
        reorder_level: Some(i.reorder_level),
        preferred_vendor: i.preferred_vendor.clone(),
        active: Some(i.active),
        version: Some(i.version),
    }
}
