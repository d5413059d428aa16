//! Line and document totals, tax, and base-currency equivalents.
//!
//! Rules (also in the README):
//! - line amount = round(quantity × unit price × (1 − discount ÷ 100)) to the
//!   document currency's minor unit, half away from zero;
//! - tax per line: each line's tax is rounded, then added up per tax code;
//!   tax per document: the rounded line nets of one tax code are added and the
//!   tax is rounded once, then spread back over the lines (largest share last);
//! - tax-inclusive prices: net = round(gross ÷ (1 + rate)), tax = gross − net,
//!   so the gross is kept to the cent;
//! - base amounts: each line net and each tax total is converted and rounded on
//!   its own; the document's base total is their sum, so the journal balances.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::{company::TaxRounding, money::round_half_away};

/// Decimal places kept for unit prices (stored × 10^6).
pub const UNIT_PRICE_SCALE: u32 = 6;

/// What the calculation needs of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineCalc {
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price in document currency (gross when prices include tax).
    pub unit_price: Decimal,
    /// Discount percent.
    pub discount_percent: Decimal,
    /// Tax rate percent (0 without tax code).
    pub tax_rate_percent: Decimal,
    /// Tax code id, grouping tax per code.
    pub tax_code: Option<i64>,
}

/// The document-wide facts the calculation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Minor units of the document currency.
    pub minor_units: u32,
    /// Minor units of the base currency.
    pub base_minor_units: u32,
    /// Base units per one document-currency unit.
    pub rate: Decimal,
    /// Per line or per document.
    pub rounding: TaxRounding,
    /// Unit prices include tax.
    pub prices_include_tax: bool,
}

/// Computed amounts of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineTotals {
    /// Net amount, document currency.
    pub net: Decimal,
    /// Tax on the line, document currency.
    pub tax: Decimal,
    /// Net plus tax.
    pub gross: Decimal,
    /// Net in base currency.
    pub base_net: Decimal,
}

/// Tax of one tax code across the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxGroup {
    /// Tax code id.
    pub tax_code: Option<i64>,
    /// Rate percent.
    pub rate_percent: Decimal,
    /// Sum of the net amounts taxed.
    pub taxable: Decimal,
    /// Tax, document currency.
    pub tax: Decimal,
    /// Tax, base currency.
    pub base_tax: Decimal,
}

/// Computed amounts of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocTotals {
    /// Per line, in input order.
    pub lines: Vec<LineTotals>,
    /// Per tax code, in order of first appearance.
    pub taxes: Vec<TaxGroup>,
    /// Sum of line nets.
    pub net: Decimal,
    /// Sum of taxes.
    pub tax: Decimal,
    /// Net plus tax.
    pub total: Decimal,
    /// Sum of base line nets.
    pub base_net: Decimal,
    /// Sum of base taxes.
    pub base_tax: Decimal,
    /// Base net plus base tax: the receivable or payable in base.
    pub base_total: Decimal,
}

/// Spreads `total` over `weights` in proportion, rounding each share to `dp`; the largest weight takes the remainder.
fn spread(total: Decimal, weights: &[Decimal], dp: u32) -> Vec<Decimal> {
    let sum: Decimal = weights.iter().copied().sum();
    let mut shares: Vec<Decimal> = weights
        .iter()
        .map(|w| {
            if sum.is_zero() {
                Decimal::ZERO
            } else {
                round_half_away(total * *w / sum, dp)
            }
        })
        .collect();
    let diff = total - shares.iter().copied().sum::<Decimal>();
    if let Some((i, _)) = weights.iter().enumerate().max_by_key(|(_, w)| w.abs()) {
        if let Some(s) = shares.get_mut(i) {
            *s += diff;
        }
    } else if !diff.is_zero() {
        shares.push(diff);
    }
    shares
}

/// Computes every amount of a document.
pub fn compute(lines: &[LineCalc], rules: &Rules) -> DocTotals {
    let mu = rules.minor_units;
    let hundred = Decimal::ONE_HUNDRED;
    // Amount of each line as priced (net, or gross when prices include tax).
    let priced: Vec<Decimal> = lines
        .iter()
        .map(|l| {
            round_half_away(
                l.quantity * l.unit_price * (hundred - l.discount_percent) / hundred,
                mu,
            )
        })
        .collect();
    let mut taxes: Vec<TaxGroup> = Vec::new();
    for l in lines {
        if !taxes
            .iter()
            .any(|g| g.tax_code == l.tax_code && g.rate_percent == l.tax_rate_percent)
        {
            taxes.push(TaxGroup {
                tax_code: l.tax_code,
                rate_percent: l.tax_rate_percent,
                taxable: Decimal::ZERO,
                tax: Decimal::ZERO,
                base_tax: Decimal::ZERO,
            });
        }
    }
    let mut line_tax = vec![Decimal::ZERO; lines.len()];
    for g in &mut taxes {
        let members: Vec<usize> = (0..lines.len())
            .filter(|i| {
                lines.get(*i).is_some_and(|l| {
                    l.tax_code == g.tax_code && l.tax_rate_percent == g.rate_percent
                })
            })
            .collect();
        let r = g.rate_percent / hundred;
        match rules.rounding {
            TaxRounding::PerLine => {
                for &i in &members {
                    let amount = priced.get(i).copied().unwrap_or_default();
                    let tax = if rules.prices_include_tax {
                        amount - round_half_away(amount / (Decimal::ONE + r), mu)
                    } else {
                        round_half_away(amount * r, mu)
                    };
                    if let Some(t) = line_tax.get_mut(i) {
                        *t = tax;
                    }
                }
            }
            TaxRounding::PerDocument => {
                let amounts: Vec<Decimal> = members
                    .iter()
                    .map(|&i| priced.get(i).copied().unwrap_or_default())
                    .collect();
                let sum: Decimal = amounts.iter().copied().sum();
                let tax = if rules.prices_include_tax {
                    sum - round_half_away(sum / (Decimal::ONE + r), mu)
                } else {
                    round_half_away(sum * r, mu)
                };
                for (&i, share) in members.iter().zip(spread(tax, &amounts, mu)) {
                    if let Some(t) = line_tax.get_mut(i) {
                        *t = share;
                    }
                }
            }
        }
        g.tax = members
            .iter()
            .map(|&i| line_tax.get(i).copied().unwrap_or_default())
            .sum();
        g.taxable = members
            .iter()
            .map(|&i| {
                let amount = priced.get(i).copied().unwrap_or_default();
                if rules.prices_include_tax {
                    amount - line_tax.get(i).copied().unwrap_or_default()
                } else {
                    amount
                }
            })
            .sum();
        g.base_tax = round_half_away(g.tax * rules.rate, rules.base_minor_units);
    }
    let line_totals: Vec<LineTotals> = priced
        .iter()
        .zip(&line_tax)
        .map(|(amount, tax)| {
            let net = if rules.prices_include_tax {
                *amount - *tax
            } else {
                *amount
            };
            LineTotals {
                net,
                tax: *tax,
                gross: net + *tax,
                base_net: round_half_away(net * rules.rate, rules.base_minor_units),
            }
        })
        .collect();
    let net: Decimal = line_totals.iter().map(|l| l.net).sum();
    let tax: Decimal = taxes.iter().map(|g| g.tax).sum();
    let base_net: Decimal = line_totals.iter().map(|l| l.base_net).sum();
    let base_tax: Decimal = taxes.iter().map(|g| g.base_tax).sum();
    taxes.retain(|g| !g.tax.is_zero() || !g.rate_percent.is_zero() || g.tax_code.is_some());
    DocTotals {
        lines: line_totals,
        taxes,
        net,
        tax,
        total: net + tax,
        base_net,
        base_tax,
        base_total: base_net + base_tax,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn line(q: Decimal, p: Decimal, tax: Decimal) -> LineCalc {
        LineCalc {
            quantity: q,
            unit_price: p,
            discount_percent: Decimal::ZERO,
            tax_rate_percent: tax,
            tax_code: Some(1),
        }
    }

    fn rules(rounding: TaxRounding, incl: bool) -> Rules {
        Rules {
            minor_units: 2,
            base_minor_units: 2,
            rate: Decimal::ONE,
            rounding,
            prices_include_tax: incl,
        }
    }

    #[test]
    fn per_line_and_per_document_rounding_differ_as_expected() {
        // Three lines of 0.33 at 20 %: 0.066 each.
        let lines = vec![line(dec!(1), dec!(0.33), dec!(20)); 3];
        let per_line = compute(&lines, &rules(TaxRounding::PerLine, false));
        assert_eq!(
            (per_line.net, per_line.tax, per_line.total),
            (dec!(0.99), dec!(0.21), dec!(1.20))
        );
        let per_doc = compute(&lines, &rules(TaxRounding::PerDocument, false));
        assert_eq!(
            (per_doc.net, per_doc.tax, per_doc.total),
            (dec!(0.99), dec!(0.20), dec!(1.19))
        );
        assert_eq!(
            per_doc.lines.iter().map(|l| l.tax).sum::<Decimal>(),
            dec!(0.20),
            "line taxes add up to the document's"
        );
    }

    #[test]
    fn discount_and_quantity_round_to_the_minor_unit() {
        let mut l = line(dec!(3), dec!(9.99), dec!(0));
        l.discount_percent = dec!(12.5);
        let t = compute(&[l], &rules(TaxRounding::PerLine, false));
        assert_eq!(t.net, dec!(26.22)); // 29.97 × 0.875 = 26.22375
    }

    #[test]
    fn inclusive_prices_keep_the_gross() {
        let t = compute(
            &[line(dec!(1), dec!(10.00), dec!(20))],
            &rules(TaxRounding::PerLine, true),
        );
        assert_eq!(
            (t.net, t.tax, t.total),
            (dec!(8.33), dec!(1.67), dec!(10.00))
        );
        let t = compute(
            &vec![line(dec!(1), dec!(0.99), dec!(20)); 3],
            &rules(TaxRounding::PerDocument, true),
        );
        assert_eq!(
            (t.net, t.tax, t.total),
            (dec!(2.48), dec!(0.49), dec!(2.97))
        ); // 2.97 ÷ 1.2 = 2.475
    }

    #[test]
    fn base_total_is_the_sum_of_rounded_base_parts() {
        let r = Rules {
            minor_units: 2,
            base_minor_units: 2,
            rate: dec!(1.234567),
            rounding: TaxRounding::PerLine,
            prices_include_tax: false,
        };
        let t = compute(
            &[
                line(dec!(1), dec!(10.01), dec!(20)),
                line(dec!(2), dec!(3.33), dec!(0)),
            ],
            &r,
        );
        // 10.01 × 1.234567 = 12.36 ; 6.66 × 1.234567 = 8.22 ; tax 2.00 × 1.234567 = 2.47
        assert_eq!(t.base_net, dec!(20.58));
        assert_eq!(t.base_tax, dec!(2.47));
        assert_eq!(t.base_total, dec!(23.05));
        assert_eq!(t.taxes.len(), 2);
    }

    #[test]
    fn yen_documents_have_no_decimals() {
        let r = Rules {
            minor_units: 0,
            base_minor_units: 2,
            rate: dec!(0.006712),
            rounding: TaxRounding::PerLine,
            prices_include_tax: false,
        };
        let t = compute(&[line(dec!(3), dec!(333), dec!(10))], &r);
        assert_eq!((t.net, t.tax), (dec!(999), dec!(100)));
        assert_eq!(t.base_total, dec!(6.71) + dec!(0.67));
    }
}
