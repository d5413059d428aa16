//! Auto-sync: every RUNNING cart is run when its interval is due, and its outbox
//! (stock levels, item and customer changes) is pushed every second. RUNNING is
//! stored, so carts resume when the server starts again.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use cartwright_app::{App, AppError};

/// Carts with a task in flight, so one process never runs a cart twice at once.
#[derive(Clone, Default)]
struct InFlight(Arc<Mutex<HashSet<(i64, bool)>>>);

impl InFlight {
    fn claim(&self, key: (i64, bool)) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key)
    }

    fn release(&self, key: (i64, bool)) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
    }
}

/// Starts the scheduler; it checks the carts every `tick` (one second in production).
pub fn spawn_scheduler(app: App, tick: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let flights = InFlight::default();
        // Carts this scheduler has run: a RUNNING cart is run at once when first seen, so a
        // restarted server catches up on what arrived while it was down.
        let mut seen: HashSet<i64> = HashSet::new();
        let mut every = tokio::time::interval(tick);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let ids = match app.running_carts().await {
                Ok(ids) => ids,
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler cannot list carts");
                    continue;
                }
            };
            for id in ids {
                let due = !seen.contains(&id) || app.cart_due(id).await.unwrap_or(false);
                if due && flights.claim((id, true)) {
                    seen.insert(id);
                    let (app, flights) = (app.clone(), flights.clone());
                    tokio::spawn(async move {
                        match app.run_cart(id, "schedule").await {
                            Ok(run) => {
                                tracing::info!(cart = id, run = run.id, outcome = %run.outcome, "sync run finished")
                            }
                            Err(AppError::Conflict(m)) => tracing::debug!(cart = id, "{m}"),
                            Err(e) => tracing::warn!(cart = id, error = %e, "sync run failed"),
                        }
                        flights.release((id, true));
                    });
                }
                if flights.claim((id, false)) {
                    let (app, flights) = (app.clone(), flights.clone());
                    tokio::spawn(async move {
                        if let Err(e) = app.push_pending(id).await {
                            tracing::warn!(cart = id, error = %e, "stock push failed");
                        }
                        flights.release((id, false));
                    });
                }
            }
        }
    })
}
