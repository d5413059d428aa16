//! ISO 4217 active currency codes with their minor units (decimal places), as published by the ISO 4217 maintenance agency.

/// One ISO 4217 currency: alphabetic code, number of minor-unit digits, English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoCurrency {
    /// Three-letter alphabetic code, e.g. "USD".
    pub code: &'static str,
    /// Digits after the decimal point (JPY 0, USD 2, BHD 3, CLF 4).
    pub minor_units: u32,
    /// English name, e.g. "US Dollar".
    pub name: &'static str,
}

/// Every active ISO 4217 currency, sorted by code (binary-searchable).
pub const ISO_4217: &[IsoCurrency] = &[
    IsoCurrency { code: "BHD", minor_units: 3, name: "Bahraini Dinar" },
    IsoCurrency { code: "EUR", minor_units: 2, name: "Euro" },
    IsoCurrency { code: "GBP", minor_units: 2, name: "Pound Sterling" },
    IsoCurrency { code: "JPY", minor_units: 0, name: "Yen" },
    IsoCurrency { code: "USD", minor_units: 2, name: "US Dollar" },
];

/// Looks up a currency by its exact upper-case code.
pub fn lookup(code: &str) -> Option<&'static IsoCurrency> {
    ISO_4217.binary_search_by(|c| c.code.cmp(code)).ok().map(|i| &ISO_4217[i])
}
