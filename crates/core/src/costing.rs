//! Inventory costing: moving weighted average or FIFO, in base-currency minor units.
//!
//! Values are exact integers; quantities are scaled by 10^4. An issue takes its
//! share of value proportionally and the last unit out takes whatever value is
//! left, so a fully issued item never keeps a stray cent.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::company::str_enum;

/// How the cost of goods issued is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CostingMethod {
    /// Unit cost recomputed at each receipt: (old value + receipt value) ÷ (old qty + receipt qty).
    #[default]
    MovingAverage,
    /// Issues consume the oldest receipt layers first.
    Fifo,
}

str_enum!(CostingMethod { MovingAverage => "moving_average", Fifo => "fifo" });

/// One receipt layer: quantity left (× 10^4) and its value left (base minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// Quantity remaining, × 10^4.
    pub qty_e4: i64,
    /// Value remaining, base minor units.
    pub value_minor: i64,
}

/// The cost state of one item: what is on hand company-wide and what it is worth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostState {
    /// Quantity on hand, × 10^4 (may go negative when negative stock is allowed).
    pub qty_e4: i64,
    /// Value on hand, base minor units.
    pub value_minor: i64,
    /// FIFO layers, oldest first (empty under moving average).
    pub layers: Vec<Layer>,
}

/// Quantity scale (10^4) times unit-cost scale (10^4): converts `qty_e4 × unit_cost_e4` to minor units.
pub const UNIT_E8: i64 = 100_000_000;

/// `value × num ÷ den`, rounded half away from zero, in i128 so nothing overflows.
pub fn prorate(value: i64, num: i64, den: i64) -> i64 {
    if den == 0 {
        return 0;
    }
    let (v, n, d) = (i128::from(value), i128::from(num), i128::from(den));
    let p = v * n;
    let q = p / d;
    let r = p % d;
    let rounded = if 2 * r.abs() >= d.abs() {
        q + p.signum() * d.signum()
    } else {
        q
    };
    i64::try_from(rounded).unwrap_or(if rounded > 0 { i64::MAX } else { i64::MIN })
}

impl CostState {
    /// Adds a receipt of `qty_e4` worth `value_minor`.
    pub fn receive(&mut self, method: CostingMethod, qty_e4: i64, value_minor: i64) {
        self.qty_e4 += qty_e4;
        self.value_minor += value_minor;
        if method == CostingMethod::Fifo && qty_e4 > 0 {
            self.layers.push(Layer {
                qty_e4,
                value_minor,
            });
        }
        if self.qty_e4 == 0 {
            // Nothing on hand: any value left is a rounding remainder of earlier issues at fallback cost.
            self.layers.clear();
        }
    }

    /// Takes `qty_e4` out and returns its value. With too little on hand (negative stock
    /// allowed), the shortfall is valued at `fallback_unit_cost_e4` (minor units × 10^4) per unit.
    pub fn issue(&mut self, method: CostingMethod, qty_e4: i64, fallback_unit_cost_e4: i64) -> i64 {
        if qty_e4 <= 0 {
            return 0;
        }
        let available = self.qty_e4.max(0);
        let from_stock = qty_e4.min(available);
        let shortfall = qty_e4 - from_stock;
        let stock_value = match method {
            CostingMethod::MovingAverage if available == 0 => 0,
            CostingMethod::MovingAverage if from_stock == available => self.value_minor,
            CostingMethod::MovingAverage => prorate(self.value_minor, from_stock, available),
            CostingMethod::Fifo => self.take_layers(from_stock),
        };
        let short_value = prorate(fallback_unit_cost_e4, shortfall, UNIT_E8);
        self.value_minor -= stock_value + short_value;
        self.qty_e4 -= qty_e4;
        stock_value + short_value
    }

    /// Undoes a stock move of `qty_e4` worth `value_minor` (both signed as the move was),
    /// as a void does: the value that went in comes out, the value that went out comes back.
    pub fn reverse(&mut self, method: CostingMethod, qty_e4: i64, value_minor: i64) {
        self.qty_e4 -= qty_e4;
        self.value_minor -= value_minor;
        if method == CostingMethod::Fifo {
            if qty_e4 > 0 {
                // Take the receipt back out of the newest layers.
                let (mut q, mut v) = (qty_e4, value_minor);
                while q > 0 {
                    let Some(last) = self.layers.last_mut() else {
                        break;
                    };
                    if last.qty_e4 <= q {
                        q -= last.qty_e4;
                        v -= last.value_minor;
                        self.layers.pop();
                    } else {
                        last.qty_e4 -= q;
                        last.value_minor -= v;
                        q = 0;
                    }
                }
            } else if qty_e4 < 0 {
                // Goods issued come back as the oldest layer, at the value they left with.
                self.layers.insert(
                    0,
                    Layer {
                        qty_e4: -qty_e4,
                        value_minor: -value_minor,
                    },
                );
            }
        }
    }

    fn take_layers(&mut self, mut qty_e4: i64) -> i64 {
        let mut value = 0;
        while qty_e4 > 0 {
            let Some(first) = self.layers.first_mut() else {
                break;
            };
            if first.qty_e4 <= qty_e4 {
                qty_e4 -= first.qty_e4;
                value += first.value_minor;
                self.layers.remove(0);
            } else {
                let part = prorate(first.value_minor, qty_e4, first.qty_e4);
                first.qty_e4 -= qty_e4;
                first.value_minor -= part;
                value += part;
                qty_e4 = 0;
            }
        }
        value
    }

    /// Average unit cost in base minor units × 10^4 (0 when nothing is on hand).
    pub fn unit_cost_e4(&self) -> i64 {
        if self.qty_e4 <= 0 {
            0
        } else {
            prorate(self.value_minor, UNIT_E8, self.qty_e4)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: i64 = 10_000; // one unit

    #[test]
    fn prorate_rounds_half_away_from_zero() {
        assert_eq!(prorate(100, 1, 3), 33);
        assert_eq!(prorate(200, 1, 3), 67);
        assert_eq!(prorate(-5, 1, 2), -3);
        assert_eq!(prorate(5, 1, 2), 3);
        assert_eq!(prorate(7, 0, 3), 0);
    }

    #[test]
    fn moving_average_reprices_at_each_receipt_and_leaves_no_cent() {
        let mut s = CostState::default();
        s.receive(CostingMethod::MovingAverage, 10 * Q, 1000); // 10 @ 1.00
        s.receive(CostingMethod::MovingAverage, 20 * Q, 2600); // 20 @ 1.30 → avg 1.20
        assert_eq!(s.unit_cost_e4(), 1_200_000); // 120 minor units (1.20) × 10^4
        assert_eq!(s.issue(CostingMethod::MovingAverage, 5 * Q, 0), 600);
        assert_eq!(s.issue(CostingMethod::MovingAverage, 7 * Q, 0), 840);
        // Thirds: 18 left worth 2160; take 1/3 each time, last takes the rest.
        assert_eq!(s.issue(CostingMethod::MovingAverage, 6 * Q, 0), 720);
        assert_eq!(s.issue(CostingMethod::MovingAverage, 12 * Q, 0), 1440);
        assert_eq!((s.qty_e4, s.value_minor), (0, 0));
    }

    #[test]
    fn fifo_consumes_oldest_layers_first() {
        let mut s = CostState::default();
        s.receive(CostingMethod::Fifo, 10 * Q, 1000); // 10 @ 1.00
        s.receive(CostingMethod::Fifo, 10 * Q, 1500); // 10 @ 1.50
        assert_eq!(s.issue(CostingMethod::Fifo, 15 * Q, 0), 1000 + 750);
        assert_eq!(
            s.layers,
            vec![Layer {
                qty_e4: 5 * Q,
                value_minor: 750
            }]
        );
        assert_eq!(s.issue(CostingMethod::Fifo, 5 * Q, 0), 750);
        assert_eq!((s.qty_e4, s.value_minor), (0, 0));
    }

    #[test]
    fn reversing_moves_restores_the_state() {
        for method in [CostingMethod::MovingAverage, CostingMethod::Fifo] {
            let mut s = CostState::default();
            s.receive(method, 10 * Q, 1000);
            let before = s.clone();
            s.receive(method, 5 * Q, 900);
            s.reverse(method, 5 * Q, 900);
            assert_eq!(s, before, "{method:?}");
            let out = s.issue(method, 4 * Q, 0);
            s.reverse(method, -4 * Q, -out);
            assert_eq!(
                (s.qty_e4, s.value_minor),
                (before.qty_e4, before.value_minor),
                "{method:?}"
            );
        }
    }

    #[test]
    fn shortfall_is_valued_at_the_fallback_cost() {
        let mut s = CostState::default();
        s.receive(CostingMethod::MovingAverage, 2 * Q, 300);
        // 3 out: 2 from stock (3.00), 1 short at 1.25 (125 minor × 10^4).
        assert_eq!(
            s.issue(CostingMethod::MovingAverage, 3 * Q, 125 * 10_000),
            425
        );
        assert_eq!((s.qty_e4, s.value_minor), (-Q, -125));
    }
}
