//! Auto-sync: every RUNNING cart is run when its interval is due, and its outbox
//! (stock levels, item and customer changes) is pushed every second. RUNNING is
//! stored, so carts resume when the server starts again.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use cartwright_app::{App, AppError};

/// A shared set of (cart, is-run) keys: tasks in flight, or carts already run.
#[derive(Clone, Default)]
struct InFlight(Arc<Mutex<HashSet<(i64, bool)>>>);

impl InFlight {
    fn claim(&self, key: (i64, bool)) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key)
    }

    fn has(&self, key: (i64, bool)) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&key)
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
        // Carts this scheduler has run: a RUNNING cart is run at once until it has run here,
        // so a restarted server catches up on what arrived while it was down (also when a
        // crashed process's lease makes it wait a little first).
        let ran = InFlight::default();
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
                let due = !ran.has((id, true)) || app.cart_due(id).await.unwrap_or(false);
                if due && flights.claim((id, true)) {
                    let (app, flights, ran) = (app.clone(), flights.clone(), ran.clone());
                    tokio::spawn(async move {
                        match app.run_cart(id, "schedule").await {
                            Ok(run) => {
                                ran.claim((id, true));
                                tracing::info!(cart = id, run = run.id, outcome = %run.outcome, "sync run finished")
                            }
                            Err(AppError::Conflict(m)) => tracing::debug!(cart = id, "{m}"),
                            Err(e) => {
                                ran.claim((id, true));
                                tracing::warn!(cart = id, error = %e, "sync run failed")
                            }
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
