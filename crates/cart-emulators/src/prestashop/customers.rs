//! Customers (registered or guest) and their addresses.

use super::{
    NewCustomer,
    db::{self, Db},
    schema::resource,
    state::State,
};

/// A random lowercase hex string of `len` characters.
pub(crate) fn hex(st: &mut State, len: usize) -> String {
    (0..len)
        .map(|_| char::from(b"0123456789abcdef"[st.rng.usize(..16)]))
        .collect()
}

/// A plausible bcrypt-looking password hash (PrestaShop returns `passwd` through the API).
pub(crate) fn fake_hash(st: &mut State) -> String {
    const ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let tail: String = (0..53)
        .map(|_| char::from(ALPHABET[st.rng.usize(..ALPHABET.len())]))
        .collect();
    format!("$2y$10${tail}")
}

/// Address lines used for a new customer's address, by country id.
fn address_for(country: i64) -> (&'static str, &'static str, &'static str) {
    match country {
        21 => ("350 Fifth Avenue", "10118", "New York"),
        17 => ("10 Downing Street", "SW1A 2AA", "London"),
        _ => ("16 rue de la Paix", "75002", "Paris"),
    }
}

/// Adds a customer and one address in `country`; returns the customer id.
pub(crate) fn add_customer_in(st: &mut State, c: &NewCustomer, country: i64) -> i64 {
    let now = st.now_stored();
    let mut row = resource("customers").map(Db::blank).unwrap_or_default();
    let secure_key = hex(st, 32);
    let passwd = fake_hash(st);
    db::set(
        &mut row,
        "id_default_group",
        if c.is_guest { "2" } else { "3" },
    );
    db::set(&mut row, "id_lang", "1");
    db::set(&mut row, "last_passwd_gen", now.clone());
    db::set(&mut row, "secure_key", secure_key);
    db::set(&mut row, "passwd", passwd);
    db::set(&mut row, "lastname", c.lastname.clone());
    db::set(&mut row, "firstname", c.firstname.clone());
    db::set(&mut row, "email", c.email.clone());
    db::set(&mut row, "birthday", "0000-00-00");
    db::set(&mut row, "company", c.company.clone());
    db::set(&mut row, "active", "1");
    db::set(&mut row, "is_guest", if c.is_guest { "1" } else { "0" });
    db::set(&mut row, "id_shop", "1");
    db::set(&mut row, "id_shop_group", "1");
    db::set(&mut row, "date_add", now.clone());
    db::set(&mut row, "date_upd", now.clone());
    let id = st.db.insert("customers", row);

    let (street, postcode, city) = address_for(country);
    let mut addr = resource("addresses").map(Db::blank).unwrap_or_default();
    db::set(&mut addr, "id_customer", id.to_string());
    db::set(&mut addr, "id_country", country.to_string());
    db::set(&mut addr, "alias", "My address");
    db::set(&mut addr, "company", c.company.clone());
    db::set(&mut addr, "lastname", c.lastname.clone());
    db::set(&mut addr, "firstname", c.firstname.clone());
    db::set(&mut addr, "address1", street);
    db::set(&mut addr, "postcode", postcode);
    db::set(&mut addr, "city", city);
    db::set(&mut addr, "phone", "0102030405");
    db::set(&mut addr, "date_add", now.clone());
    db::set(&mut addr, "date_upd", now);
    st.db.insert("addresses", addr);
    id
}

/// Renames a customer and bumps its `date_upd`.
pub(crate) fn set_customer_name(st: &mut State, id: i64, first: &str, last: &str) {
    if let Some(row) = st.db.get_mut("customers", id) {
        db::set(row, "firstname", first.to_owned());
        db::set(row, "lastname", last.to_owned());
    }
    st.touch("customers", id);
}

/// The first live address of a customer (0 when none).
pub(crate) fn first_address(db: &Db, customer: i64) -> i64 {
    db.find("addresses", "id_customer", &customer.to_string())
        .find(|(_, r)| db::int(r, "deleted") == 0)
        .map_or(0, |(id, _)| id)
}
