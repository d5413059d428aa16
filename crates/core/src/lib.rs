//! Cartwright's domain core: money, currencies, master data and their rules.
//!
//! Pure functions and types only: no clock reads, no IO. Edges (store, app,
//! server) pass in time, rates and settings, and persist what comes back.

pub mod account;
pub mod audit;
pub mod company;
pub mod costing;
pub mod currency;
pub mod document;
pub mod error;
pub mod ids;
pub mod iso4217;
pub mod item;
pub mod money;
pub mod page;
pub mod party;
pub mod posting;
pub mod price_list;
pub mod settlement;
pub mod site;
pub mod tax;
pub mod terms;
pub mod user;
pub mod validate;

pub use error::{FieldError, FieldErrors};
