//! In-process emulators of shopping-cart web APIs, used by connector tests, the demo and
//! benchmarks. Each emulator is written from the cart's documented wire format and shares no
//! types with the connectors (see STYLE.md).
#![forbid(unsafe_code)]

pub mod prestashop;

pub use prestashop::{
    FULL_KEY, Fault, INACTIVE_KEY, NO_CUSTOMERS_KEY, NewCombination, NewCustomer, NewOrder,
    NewOrderRow, NewProduct, Options, PrestaShop, READ_ONLY_KEY, Seed,
};
