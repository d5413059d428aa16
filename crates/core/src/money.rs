//! Exact decimal amounts and their integer storage form.
//!
//! Amounts are `Decimal`, never floats. Storage keeps integers: money in the
//! currency's minor units, quantities and costs at a fixed scale, rates at
//! six decimals. Conversions refuse anything that would lose a digit.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::FieldError;

/// Decimal places kept for quantities (stored as `value × 10^4`).
pub const QUANTITY_SCALE: u32 = 4;
/// Decimal places kept for unit costs (stored as `value × 10^4`).
pub const UNIT_COST_SCALE: u32 = 4;
/// Decimal places kept for exchange rates (stored as `value × 10^6`).
pub const RATE_SCALE: u32 = 6;
/// Decimal places kept for tax rates in percent (stored as `value × 10^4`).
pub const TAX_RATE_SCALE: u32 = 4;

/// Rounds half away from zero to `scale` places (the accounting default).
pub fn round_half_away(value: Decimal, scale: u32) -> Decimal {
    value.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

/// Converts `value` to an integer scaled by `10^scale`, refusing extra digits or overflow.
///
/// `field` names the input in the error, e.g. `prices[0].price`.
pub fn to_scaled(value: Decimal, scale: u32, field: &str) -> Result<i64, FieldError> {
    let normal = value.normalize();
    if normal.scale() > scale {
        return Err(FieldError::new(
            field,
            format!("{value} has more than {scale} decimal places"),
        ));
    }
    let factor = Decimal::from(10_i64.pow(scale));
    let scaled = normal
        .checked_mul(factor)
        .ok_or_else(|| FieldError::new(field, format!("{value} is too large")))?;
    i64::try_from(scaled).map_err(|_| FieldError::new(field, format!("{value} is too large")))
}

/// The decimal value of an integer stored at `scale`.
pub fn from_scaled(stored: i64, scale: u32) -> Decimal {
    Decimal::new(stored, scale)
}

/// Checks that `value` is not negative.
pub fn non_negative(value: Decimal, field: &str) -> Result<Decimal, FieldError> {
    if value.is_sign_negative() && !value.is_zero() {
        Err(FieldError::new(
            field,
            format!("must not be negative (got {value})"),
        ))
    } else {
        Ok(value)
    }
}

/// Converts a foreign amount to base at `rate` (base per one foreign unit), rounded to the base minor unit.
pub fn to_base(amount: Decimal, rate: Decimal, base_minor_units: u32) -> Decimal {
    round_half_away(amount * rate, base_minor_units)
}

/// Converts a foreign amount to base with a rate quoted the other way (foreign per one base unit).
///
/// Division of the amount, never multiplication by a truncated inverse:
/// EUR 400 at 1.20 EUR per USD is USD 333.33, where 400 × 0.8333 gives 333.32.
pub fn to_base_quoted_inverse(
    amount: Decimal,
    foreign_per_base: Decimal,
    base_minor_units: u32,
) -> Option<Decimal> {
    amount
        .checked_div(foreign_per_base)
        .map(|v| round_half_away(v, base_minor_units))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn to_scaled_is_exact_and_refuses_extra_digits() {
        assert_eq!(to_scaled(dec!(12.50), 2, "p"), Ok(1250));
        assert_eq!(to_scaled(dec!(12.5000), 2, "p"), Ok(1250));
        assert_eq!(to_scaled(dec!(-0.01), 2, "p"), Ok(-1));
        assert_eq!(to_scaled(dec!(7), 0, "p"), Ok(7));
        let err = to_scaled(dec!(12.505), 2, "prices[0].price").unwrap_err();
        assert_eq!(err.field, "prices[0].price");
        assert!(err.message.contains("more than 2 decimal places"));
        assert!(to_scaled(dec!(99999999999999999999), 2, "p").is_err());
    }

    #[test]
    fn from_scaled_round_trips() {
        for (v, s) in [(dec!(1.234567), 6), (dec!(0.001), 3), (dec!(-5), 0)] {
            let stored = to_scaled(v, s, "x").unwrap();
            assert_eq!(from_scaled(stored, s), v);
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(dec!(0.125), 2), dec!(0.13));
        assert_eq!(round_half_away(dec!(-0.125), 2), dec!(-0.13));
        assert_eq!(round_half_away(dec!(0.124), 2), dec!(0.12));
    }

    #[test]
    fn inverse_quote_divides_the_amount() {
        assert_eq!(
            to_base_quoted_inverse(dec!(400), dec!(1.20), 2),
            Some(dec!(333.33))
        );
        assert_eq!(to_base(dec!(400), dec!(0.8333), 2), dec!(333.32));
        assert_eq!(to_base_quoted_inverse(dec!(1), dec!(0), 2), None);
    }

    #[test]
    fn negative_values_are_refused_by_non_negative() {
        assert!(non_negative(dec!(-1), "price").is_err());
        assert!(non_negative(dec!(0), "price").is_ok());
    }
}
