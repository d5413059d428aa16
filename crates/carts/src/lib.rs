//! Cart Connect connectors: one client per cart's real API. Connectors never touch
//! the database; the sync engine (in the app crate) decides what their data means.

mod connector;
mod error;
mod http;
mod model;
pub mod prestashop;

pub use connector::{CART_TYPES, CartType, Connector, cart_type};
pub use error::{CartError, RecordError, excerpt};
pub use http::{HttpOptions, Incident, install_crypto};
pub use model::*;
pub use prestashop::PrestaShop;
