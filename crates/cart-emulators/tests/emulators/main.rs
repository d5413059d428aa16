//! Integration tests of the cart emulators, driven over real HTTP on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod prestashop;
