//! Everything the emulated shop remembers between requests: the database, the clock, the
//! switches, queued faults and hooks, and the request log. It lives behind one std `Mutex`
//! that is never held across an await.

use std::collections::VecDeque;

use super::{Fault, PrestaShop, clock::Clock, db::Db};

/// A mutation run just before answering a matching request.
pub(crate) type Hook = Box<dyn FnOnce(&PrestaShop) + Send>;

/// The whole mutable state of one emulated shop.
pub(crate) struct State {
    pub db: Db,
    pub clock: Clock,
    /// Shop root, e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    pub webservice_enabled: bool,
    pub empty_list_as_array: bool,
    pub faults: VecDeque<(String, Fault)>,
    pub hooks: VecDeque<(String, Hook)>,
    pub log: Vec<String>,
    pub rng: fastrand::Rng,
}

impl State {
    /// A shop with an empty database.
    pub fn new(clock: Clock, base_url: String, empty_list_as_array: bool) -> Self {
        State {
            db: Db::new(),
            clock,
            base_url,
            webservice_enabled: true,
            empty_list_as_array,
            faults: VecDeque::new(),
            hooks: VecDeque::new(),
            log: Vec::new(),
            rng: fastrand::Rng::with_seed(0x5eed_c0de),
        }
    }

    /// The current instant as a stored date value.
    pub fn now_stored(&self) -> String {
        self.clock.now().to_string()
    }

    /// Sets `date_upd` of a row to now, when the resource has that column.
    pub fn touch(&mut self, resource: &'static str, id: i64) {
        let now = self.now_stored();
        if let Some(row) = self.db.get_mut(resource, id)
            && row.contains_key("date_upd")
        {
            row.insert("date_upd", now);
        }
    }

    /// The webservice base, e.g. `http://127.0.0.1:40123/api/`.
    pub fn ws_url(&self) -> String {
        format!("{}/api/", self.base_url)
    }

    /// Takes the first queued fault whose pattern occurs in `target`.
    pub fn take_fault(&mut self, targets: &[&str]) -> Option<Fault> {
        let pos = self
            .faults
            .iter()
            .position(|(pat, _)| targets.iter().any(|t| t.contains(pat.as_str())))?;
        self.faults.remove(pos).map(|(_, f)| f)
    }

    /// Takes the first queued hook whose pattern occurs in `target`.
    pub fn take_hook(&mut self, targets: &[&str]) -> Option<Hook> {
        let pos = self
            .hooks
            .iter()
            .position(|(pat, _)| targets.iter().any(|t| t.contains(pat.as_str())))?;
        self.hooks.remove(pos).map(|(_, h)| h)
    }
}
