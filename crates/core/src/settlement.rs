//! Settling open items: how much base carrying amount a (partial) settlement releases.
//!
//! An open item (invoice, bill, credit, payment) keeps a residual in its own
//! currency and in base. Settling part of it releases base residual × (amount
//! settled ÷ foreign residual), rounded half away from zero; settling all of it
//! releases the whole base residual, so nothing is left over in either currency.
//! The difference between what the two sides release is the realised exchange
//! gain or loss.

use crate::costing::prorate;

/// Base carrying amount released when `amount` of an item with these residuals is settled.
pub fn release(residual_minor: i64, residual_base_minor: i64, amount_minor: i64) -> i64 {
    if amount_minor >= residual_minor {
        residual_base_minor
    } else {
        prorate(residual_base_minor, amount_minor, residual_minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_settlement_releases_everything_and_partials_are_proportional() {
        // EUR 100.00 carried at USD 110.00: settle 30, then 70.
        assert_eq!(release(10_000, 11_000, 3_000), 3_300);
        assert_eq!(release(7_000, 7_700, 7_000), 7_700);
        // Thirds of an odd base leave nothing behind.
        let first = release(300, 1_001, 100);
        let second = release(200, 1_001 - first, 100);
        let last = release(100, 1_001 - first - second, 100);
        assert_eq!((first, second, last), (334, 334, 333));
        assert_eq!(first + second + last, 1_001);
    }
}
