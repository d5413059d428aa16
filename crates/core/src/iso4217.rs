//! ISO 4217 active currency codes with their minor units (decimal places), as published by the ISO 4217 maintenance agency.
//!
//! Codes without minor units (precious metals, SDR, testing codes) are left out:
//! they cannot price a document.

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

const fn c(code: &'static str, minor_units: u32, name: &'static str) -> IsoCurrency {
    IsoCurrency {
        code,
        minor_units,
        name,
    }
}

/// Every active ISO 4217 currency, sorted by code (binary-searchable).
pub const ISO_4217: &[IsoCurrency] = &[
    c("AED", 2, "UAE Dirham"),
    c("AFN", 2, "Afghani"),
    c("ALL", 2, "Lek"),
    c("AMD", 2, "Armenian Dram"),
    c("AOA", 2, "Kwanza"),
    c("ARS", 2, "Argentine Peso"),
    c("AUD", 2, "Australian Dollar"),
    c("AWG", 2, "Aruban Florin"),
    c("AZN", 2, "Azerbaijan Manat"),
    c("BAM", 2, "Convertible Mark"),
    c("BBD", 2, "Barbados Dollar"),
    c("BDT", 2, "Taka"),
    c("BHD", 3, "Bahraini Dinar"),
    c("BIF", 0, "Burundi Franc"),
    c("BMD", 2, "Bermudian Dollar"),
    c("BND", 2, "Brunei Dollar"),
    c("BOB", 2, "Boliviano"),
    c("BOV", 2, "Mvdol"),
    c("BRL", 2, "Brazilian Real"),
    c("BSD", 2, "Bahamian Dollar"),
    c("BTN", 2, "Ngultrum"),
    c("BWP", 2, "Pula"),
    c("BYN", 2, "Belarusian Ruble"),
    c("BZD", 2, "Belize Dollar"),
    c("CAD", 2, "Canadian Dollar"),
    c("CDF", 2, "Congolese Franc"),
    c("CHE", 2, "WIR Euro"),
    c("CHF", 2, "Swiss Franc"),
    c("CHW", 2, "WIR Franc"),
    c("CLF", 4, "Unidad de Fomento"),
    c("CLP", 0, "Chilean Peso"),
    c("CNY", 2, "Yuan Renminbi"),
    c("COP", 2, "Colombian Peso"),
    c("COU", 2, "Unidad de Valor Real"),
    c("CRC", 2, "Costa Rican Colon"),
    c("CUP", 2, "Cuban Peso"),
    c("CVE", 2, "Cabo Verde Escudo"),
    c("CZK", 2, "Czech Koruna"),
    c("DJF", 0, "Djibouti Franc"),
    c("DKK", 2, "Danish Krone"),
    c("DOP", 2, "Dominican Peso"),
    c("DZD", 2, "Algerian Dinar"),
    c("EGP", 2, "Egyptian Pound"),
    c("ERN", 2, "Nakfa"),
    c("ETB", 2, "Ethiopian Birr"),
    c("EUR", 2, "Euro"),
    c("FJD", 2, "Fiji Dollar"),
    c("FKP", 2, "Falkland Islands Pound"),
    c("GBP", 2, "Pound Sterling"),
    c("GEL", 2, "Lari"),
    c("GHS", 2, "Ghana Cedi"),
    c("GIP", 2, "Gibraltar Pound"),
    c("GMD", 2, "Dalasi"),
    c("GNF", 0, "Guinean Franc"),
    c("GTQ", 2, "Quetzal"),
    c("GYD", 2, "Guyana Dollar"),
    c("HKD", 2, "Hong Kong Dollar"),
    c("HNL", 2, "Lempira"),
    c("HTG", 2, "Gourde"),
    c("HUF", 2, "Forint"),
    c("IDR", 2, "Rupiah"),
    c("ILS", 2, "New Israeli Sheqel"),
    c("INR", 2, "Indian Rupee"),
    c("IQD", 3, "Iraqi Dinar"),
    c("IRR", 2, "Iranian Rial"),
    c("ISK", 0, "Iceland Krona"),
    c("JMD", 2, "Jamaican Dollar"),
    c("JOD", 3, "Jordanian Dinar"),
    c("JPY", 0, "Yen"),
    c("KES", 2, "Kenyan Shilling"),
    c("KGS", 2, "Som"),
    c("KHR", 2, "Riel"),
    c("KMF", 0, "Comorian Franc"),
    c("KPW", 2, "North Korean Won"),
    c("KRW", 0, "Won"),
    c("KWD", 3, "Kuwaiti Dinar"),
    c("KYD", 2, "Cayman Islands Dollar"),
    c("KZT", 2, "Tenge"),
    c("LAK", 2, "Lao Kip"),
    c("LBP", 2, "Lebanese Pound"),
    c("LKR", 2, "Sri Lanka Rupee"),
    c("LRD", 2, "Liberian Dollar"),
    c("LSL", 2, "Loti"),
    c("LYD", 3, "Libyan Dinar"),
    c("MAD", 2, "Moroccan Dirham"),
    c("MDL", 2, "Moldovan Leu"),
    c("MGA", 2, "Malagasy Ariary"),
    c("MKD", 2, "Denar"),
    c("MMK", 2, "Kyat"),
    c("MNT", 2, "Tugrik"),
    c("MOP", 2, "Pataca"),
    c("MRU", 2, "Ouguiya"),
    c("MUR", 2, "Mauritius Rupee"),
    c("MVR", 2, "Rufiyaa"),
    c("MWK", 2, "Malawi Kwacha"),
    c("MXN", 2, "Mexican Peso"),
    c("MXV", 2, "Mexican Unidad de Inversion (UDI)"),
    c("MYR", 2, "Malaysian Ringgit"),
    c("MZN", 2, "Mozambique Metical"),
    c("NAD", 2, "Namibia Dollar"),
    c("NGN", 2, "Naira"),
    c("NIO", 2, "Cordoba Oro"),
    c("NOK", 2, "Norwegian Krone"),
    c("NPR", 2, "Nepalese Rupee"),
    c("NZD", 2, "New Zealand Dollar"),
    c("OMR", 3, "Rial Omani"),
    c("PAB", 2, "Balboa"),
    c("PEN", 2, "Sol"),
    c("PGK", 2, "Kina"),
    c("PHP", 2, "Philippine Peso"),
    c("PKR", 2, "Pakistan Rupee"),
    c("PLN", 2, "Zloty"),
    c("PYG", 0, "Guarani"),
    c("QAR", 2, "Qatari Rial"),
    c("RON", 2, "Romanian Leu"),
    c("RSD", 2, "Serbian Dinar"),
    c("RUB", 2, "Russian Ruble"),
    c("RWF", 0, "Rwanda Franc"),
    c("SAR", 2, "Saudi Riyal"),
    c("SBD", 2, "Solomon Islands Dollar"),
    c("SCR", 2, "Seychelles Rupee"),
    c("SDG", 2, "Sudanese Pound"),
    c("SEK", 2, "Swedish Krona"),
    c("SGD", 2, "Singapore Dollar"),
    c("SHP", 2, "Saint Helena Pound"),
    c("SLE", 2, "Leone"),
    c("SOS", 2, "Somali Shilling"),
    c("SRD", 2, "Surinam Dollar"),
    c("SSP", 2, "South Sudanese Pound"),
    c("STN", 2, "Dobra"),
    c("SVC", 2, "El Salvador Colon"),
    c("SYP", 2, "Syrian Pound"),
    c("SZL", 2, "Lilangeni"),
    c("THB", 2, "Baht"),
    c("TJS", 2, "Somoni"),
    c("TMT", 2, "Turkmenistan New Manat"),
    c("TND", 3, "Tunisian Dinar"),
    c("TOP", 2, "Pa'anga"),
    c("TRY", 2, "Turkish Lira"),
    c("TTD", 2, "Trinidad and Tobago Dollar"),
    c("TWD", 2, "New Taiwan Dollar"),
    c("TZS", 2, "Tanzanian Shilling"),
    c("UAH", 2, "Hryvnia"),
    c("UGX", 0, "Uganda Shilling"),
    c("USD", 2, "US Dollar"),
    c("USN", 2, "US Dollar (Next day)"),
    c("UYI", 0, "Uruguay Peso en Unidades Indexadas (UI)"),
    c("UYU", 2, "Peso Uruguayo"),
    c("UYW", 4, "Unidad Previsional"),
    c("UZS", 2, "Uzbekistan Sum"),
    c("VED", 2, "Bolivar Soberano"),
    c("VES", 2, "Bolivar Soberano"),
    c("VND", 0, "Dong"),
    c("VUV", 0, "Vatu"),
    c("WST", 2, "Tala"),
    c("XAF", 0, "CFA Franc BEAC"),
    c("XCD", 2, "East Caribbean Dollar"),
    c("XCG", 2, "Caribbean Guilder"),
    c("XOF", 0, "CFA Franc BCEAO"),
    c("XPF", 0, "CFP Franc"),
    c("YER", 2, "Yemeni Rial"),
    c("ZAR", 2, "Rand"),
    c("ZMW", 2, "Zambian Kwacha"),
    c("ZWG", 2, "Zimbabwe Gold"),
];

/// Looks up a currency by its exact upper-case code.
pub fn lookup(code: &str) -> Option<&'static IsoCurrency> {
    ISO_4217
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .and_then(|i| ISO_4217.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in ISO_4217.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} must sort strictly before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for cur in ISO_4217 {
            assert_eq!(cur.code.len(), 3, "{}", cur.code);
            assert!(
                cur.code.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                cur.code
            );
            assert!(cur.minor_units <= 4, "{}", cur.code);
        }
    }

    #[test]
    fn known_minor_units() {
        assert_eq!(lookup("JPY").map(|c| c.minor_units), Some(0));
        assert_eq!(lookup("USD").map(|c| c.minor_units), Some(2));
        assert_eq!(lookup("BHD").map(|c| c.minor_units), Some(3));
        assert_eq!(lookup("EUR").map(|c| c.minor_units), Some(2));
        assert_eq!(lookup("CLF").map(|c| c.minor_units), Some(4));
        assert!(lookup("ZZZ").is_none());
        assert!(lookup("XAU").is_none(), "no minor units: not in the table");
    }
}
