//! Items (SKUs): what is bought, stocked and sold, with prices per price list.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    FieldErrors,
    company::str_enum,
    error::FieldError,
    money::{QUANTITY_SCALE, UNIT_COST_SCALE, non_negative},
    validate::{self, NAME_MAX_LEN, TEXT_MAX_LEN},
};

/// What kind of thing an item is; decides whether it has stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// Stocked goods with quantities per site.
    Stock,
    /// Goods bought and sold without stock tracking.
    NonStock,
    /// Work or time.
    Service,
    /// A charge line such as shipping.
    Charge,
    /// A discount or coupon line.
    Discount,
    /// Sold as one line, moves its components.
    Kit,
    /// Built from components by an assembly build.
    Assembly,
}

str_enum!(ItemType {
    Stock => "stock", NonStock => "non_stock", Service => "service", Charge => "charge",
    Discount => "discount", Kit => "kit", Assembly => "assembly",
});

impl ItemType {
    /// Every type, in display order.
    pub const ALL: [Self; 7] = [
        Self::Stock,
        Self::NonStock,
        Self::Service,
        Self::Charge,
        Self::Discount,
        Self::Kit,
        Self::Assembly,
    ];
}

/// One sales price of an item on a price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemPrice {
    /// Price-list code.
    pub price_list: String,
    /// Currency of the price list.
    pub currency: String,
    /// Unit price in that currency.
    #[schema(value_type = String, example = "12.50")]
    #[serde(with = "rust_decimal::serde::str")]
    pub price: Decimal,
}

/// One component of a kit or assembly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Component item code.
    pub item: String,
    /// Quantity per one kit or assembly.
    #[schema(value_type = String, example = "2")]
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
}

/// An item as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Item {
    /// Record id.
    pub id: i64,
    /// Code (SKU), unique ignoring case.
    pub code: String,
    /// Description.
    pub description: String,
    /// Type; cannot change once the item is used.
    pub item_type: ItemType,
    /// Unit of measure, e.g. `each`, `kg`.
    pub unit: String,
    /// Sales prices per price list.
    pub prices: Vec<ItemPrice>,
    /// Components, for kits and assemblies.
    pub components: Vec<Component>,
    /// Standard unit cost in base currency (4 decimals).
    #[schema(value_type = String, example = "4.2500")]
    #[serde(with = "rust_decimal::serde::str")]
    pub standard_cost: Decimal,
    /// Barcode (EAN, UPC, …).
    pub barcode: String,
    /// Weight in kilograms.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub weight_kg: Decimal,
    /// Tax code.
    pub tax_code: Option<String>,
    /// Reorder when available stock falls below this quantity.
    #[schema(value_type = String)]
    #[serde(with = "rust_decimal::serde::str")]
    pub reorder_level: Decimal,
    /// Preferred vendor's code.
    pub preferred_vendor: Option<String>,
    /// Active flag.
    pub active: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Created, RFC 3339 UTC.
    pub created_at: String,
    /// Last changed, RFC 3339 UTC.
    pub updated_at: String,
}

/// One price in an item body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPriceInput {
    /// Price-list code.
    pub price_list: String,
    /// Unit price, a decimal string within the list currency's minor units.
    #[schema(value_type = String, example = "12.50")]
    #[serde(with = "rust_decimal::serde::str")]
    pub price: Decimal,
}

/// Body to create or update an item (an update replaces every field).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// Code (SKU).
    pub code: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Type.
    pub item_type: ItemType,
    /// Unit of measure (default `each`).
    #[serde(default)]
    pub unit: Option<String>,
    /// Sales prices (default none).
    #[serde(default)]
    pub prices: Vec<ItemPriceInput>,
    /// Components of a kit or assembly (default none).
    #[serde(default)]
    pub components: Vec<Component>,
    /// Standard unit cost in base currency.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub standard_cost: Option<Decimal>,
    /// Barcode.
    #[serde(default)]
    pub barcode: Option<String>,
    /// Weight in kilograms.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub weight_kg: Option<Decimal>,
    /// Tax code.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Reorder level.
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub reorder_level: Option<Decimal>,
    /// Preferred vendor's code.
    #[serde(default)]
    pub preferred_vendor: Option<String>,
    /// Active flag (default true).
    #[serde(default)]
    pub active: Option<bool>,
    /// Required on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// An item input that passed its own checks (codes of related records unresolved,
/// prices not yet checked against their list's currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidItem {
    /// Code.
    pub code: String,
    /// Description.
    pub description: String,
    /// Type.
    pub item_type: ItemType,
    /// Unit.
    pub unit: String,
    /// `(price-list code, price)`, each list at most once.
    pub prices: Vec<(String, Decimal)>,
    /// `(component code, quantity per unit)`.
    pub components: Vec<(String, Decimal)>,
    /// Standard cost.
    pub standard_cost: Decimal,
    /// Barcode.
    pub barcode: String,
    /// Weight.
    pub weight_kg: Decimal,
    /// Tax code.
    pub tax_code: Option<String>,
    /// Reorder level.
    pub reorder_level: Decimal,
    /// Preferred vendor code.
    pub preferred_vendor: Option<String>,
    /// Active.
    pub active: bool,
}

/// Longest unit-of-measure name accepted.
pub const UNIT_MAX_LEN: usize = 20;

fn scaled_non_negative(field: &str, v: Option<Decimal>, scale: u32) -> Result<Decimal, FieldError> {
    let v = non_negative(v.unwrap_or_default(), field)?;
    if v.normalize().scale() > scale {
        return Err(FieldError::new(
            field,
            format!("{v} has more than {scale} decimal places"),
        ));
    }
    Ok(v.normalize())
}

fn optional_code(errs: &mut FieldErrors, field: &str, v: Option<&str>) -> Option<String> {
    match v {
        None | Some("") => None,
        Some(c) => errs.check(validate::code(field, c)),
    }
}

impl ItemInput {
    /// Checks every field and reports all errors at once.
    pub fn validate(&self) -> Result<ValidItem, FieldErrors> {
        let mut errs = FieldErrors::default();
        let code = errs.check(validate::code("code", &self.code));
        let description = errs.check(validate::optional_text(
            "description",
            &self.description,
            TEXT_MAX_LEN,
        ));
        let unit = errs.check(validate::required_text(
            "unit",
            self.unit.as_deref().unwrap_or("each"),
            UNIT_MAX_LEN,
        ));
        let mut prices: Vec<(String, Decimal)> = Vec::with_capacity(self.prices.len());
        for (i, p) in self.prices.iter().enumerate() {
            let list = errs.check(validate::code(
                &format!("prices[{i}].price_list"),
                &p.price_list,
            ));
            let price = errs.check(non_negative(p.price, &format!("prices[{i}].price")));
            if let (Some(list), Some(price)) = (list, price) {
                if prices.iter().any(|(l, _)| l.eq_ignore_ascii_case(&list)) {
                    errs.push(
                        format!("prices[{i}].price_list"),
                        format!("price list '{list}' is given twice"),
                    );
                } else {
                    prices.push((list, price));
                }
            }
        }
        let mut components: Vec<(String, Decimal)> = Vec::with_capacity(self.components.len());
        if !self.components.is_empty()
            && !matches!(self.item_type, ItemType::Kit | ItemType::Assembly)
        {
            errs.push("components", "only kits and assemblies have components");
        }
        for (i, c) in self.components.iter().enumerate() {
            let code = errs.check(validate::code(&format!("components[{i}].item"), &c.item));
            if c.quantity <= Decimal::ZERO {
                errs.push(
                    format!("components[{i}].quantity"),
                    format!("must be greater than zero (got {})", c.quantity),
                );
            } else if c.quantity.normalize().scale() > QUANTITY_SCALE {
                errs.push(
                    format!("components[{i}].quantity"),
                    format!(
                        "{} has more than {QUANTITY_SCALE} decimal places",
                        c.quantity
                    ),
                );
            }
            if let Some(code) = code {
                if code.eq_ignore_ascii_case(&self.code) {
                    errs.push(
                        format!("components[{i}].item"),
                        "an item cannot be its own component",
                    );
                } else if components
                    .iter()
                    .any(|(c, _)| c.eq_ignore_ascii_case(&code))
                {
                    errs.push(
                        format!("components[{i}].item"),
                        format!("component '{code}' is given twice"),
                    );
                } else {
                    components.push((code, c.quantity.normalize()));
                }
            }
        }
        let standard_cost = errs.check(scaled_non_negative(
            "standard_cost",
            self.standard_cost,
            UNIT_COST_SCALE,
        ));
        let barcode = errs.check(validate::optional_text(
            "barcode",
            self.barcode.as_deref().unwrap_or(""),
            NAME_MAX_LEN,
        ));
        let weight_kg = errs.check(scaled_non_negative(
            "weight_kg",
            self.weight_kg,
            QUANTITY_SCALE,
        ));
        let reorder_level = errs.check(scaled_non_negative(
            "reorder_level",
            self.reorder_level,
            QUANTITY_SCALE,
        ));
        let tax_code = optional_code(&mut errs, "tax_code", self.tax_code.as_deref());
        let preferred_vendor = optional_code(
            &mut errs,
            "preferred_vendor",
            self.preferred_vendor.as_deref(),
        );
        match (
            code,
            description,
            unit,
            standard_cost,
            barcode,
            weight_kg,
            reorder_level,
        ) {
            (
                Some(code),
                Some(description),
                Some(unit),
                Some(standard_cost),
                Some(barcode),
                Some(weight_kg),
                Some(reorder_level),
            ) if errs.is_empty() => Ok(ValidItem {
                code,
                description,
                item_type: self.item_type,
                unit,
                prices,
                components,
                standard_cost,
                barcode,
                weight_kg,
                tax_code,
                reorder_level,
                preferred_vendor,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errs),
        }
    }
}

/// Refuses a change of type for an item that is already used on a document or stock move.
pub fn check_type_change(
    code: &str,
    old: ItemType,
    new: ItemType,
    used: bool,
) -> Result<(), FieldError> {
    if old != new && used {
        return Err(FieldError::new(
            "item_type",
            format!(
                "item {code} is already used, so its type cannot change from {} to {}",
                old.as_str(),
                new.as_str()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn input() -> ItemInput {
        serde_json::from_value(serde_json::json!({
            "code": "SKU-1", "item_type": "stock",
            "prices": [{"price_list": "RETAIL", "price": "12.50"}],
            "standard_cost": "4.125"
        }))
        .unwrap()
    }

    #[test]
    fn a_good_item_validates_with_defaults() {
        let v = input().validate().unwrap();
        assert_eq!(v.unit, "each");
        assert_eq!(v.prices, vec![("RETAIL".to_owned(), dec!(12.50))]);
        assert_eq!(v.standard_cost, dec!(4.125));
        assert!(v.active);
    }

    #[test]
    fn negative_price_names_the_field() {
        let mut i = input();
        i.prices[0].price = dec!(-1);
        let e = i.validate().unwrap_err();
        assert_eq!(e.0[0].field, "prices[0].price");
    }

    #[test]
    fn a_price_list_given_twice_is_refused() {
        let mut i = input();
        i.prices.push(ItemPriceInput {
            price_list: "retail".into(),
            price: dec!(1),
        });
        assert_eq!(i.validate().unwrap_err().0[0].field, "prices[1].price_list");
    }

    #[test]
    fn type_cannot_change_once_used() {
        assert!(check_type_change("A", ItemType::Stock, ItemType::Service, false).is_ok());
        assert!(check_type_change("A", ItemType::Stock, ItemType::Stock, true).is_ok());
        let e = check_type_change("A", ItemType::Stock, ItemType::Service, true).unwrap_err();
        assert!(e.message.contains("already used"));
    }

    #[test]
    fn unknown_json_fields_are_refused() {
        let r: Result<ItemInput, _> = serde_json::from_value(serde_json::json!({
            "code": "A", "item_type": "stock", "colour": "red"
        }));
        assert!(
            r.unwrap_err()
                .to_string()
                .contains("unknown field `colour`")
        );
    }
}
