//! Exact decimal helpers for amounts: parsing loose input, half-up rounding and the fixed-scale
//! strings MySQL `DECIMAL` columns come back as (`"12.500000"`).

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Parses a decimal, accepting surrounding spaces; `None` when it is not a number.
pub(crate) fn parse(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Decimal::ZERO);
    }
    Decimal::from_str(s).ok()
}

/// Parses a decimal, falling back to zero (for trusted in-process input).
pub(crate) fn dec(s: &str) -> Decimal {
    parse(s).unwrap_or(Decimal::ZERO)
}

/// Rounds half away from zero to `scale` digits.
pub(crate) fn round(d: Decimal, scale: u32) -> Decimal {
    d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats with exactly `scale` digits after the point.
pub(crate) fn format(d: Decimal, scale: u32) -> String {
    let mut d = round(d, scale);
    d.rescale(scale);
    d.to_string()
}

/// Formats an amount the way PrestaShop stores money: six decimals.
pub(crate) fn money(d: Decimal) -> String {
    format(d, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_fixed_scale_and_half_up() {
        assert_eq!(format(dec("12.5"), 6), "12.500000");
        assert_eq!(format(dec("9.072"), 2), "9.07");
        assert_eq!(format(dec("0.125"), 2), "0.13");
        assert_eq!(format(dec("20"), 3), "20.000");
        assert_eq!(money(Decimal::ZERO), "0.000000");
    }
}
