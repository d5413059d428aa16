//! Cartwright's HTTP surface: the JSON API under `/api/v1`, its OpenAPI
//! document, `/healthz`, bearer-token auth and request-id logging.

mod csv_report;
mod error;
mod extract;
mod openapi;
mod routes;
mod routing;
mod scheduler;

pub use error::ApiError;
pub use routing::{Guard, RouteInfo};
pub use scheduler::spawn_scheduler;

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU64, Ordering},
};

use axum::{Router, http::Request};
use cartwright_app::App;
use tower_http::{
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};

/// Header carrying the request id, set on every request and echoed on every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Request ids: a per-process random prefix and a counter, cheap and unique enough for logs.
#[derive(Clone)]
struct NextRequestId {
    prefix: u32,
    counter: std::sync::Arc<AtomicU64>,
}

impl MakeRequestId for NextRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n:06}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

/// The whole HTTP application over `app`.
pub fn router(app: App) -> Router {
    let (api, _) = routes::api();
    let request_id = axum::http::HeaderName::from_static(REQUEST_ID_HEADER);
    let make_id = NextRequestId {
        prefix: std::process::id().rotate_left(13) ^ 0x5eed_cafe,
        counter: std::sync::Arc::default(),
    };
    api.with_state(app)
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, make_id))
}

/// Every routed `(method, path)` of the API, as the router holds them.
pub fn routed() -> Vec<RouteInfo> {
    routes::api().1
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM.
pub async fn serve(app: App, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(app, listener).await
}

/// Serves `app` on an already-bound listener until Ctrl-C or SIGTERM.
pub async fn serve_on(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    // Auto-sync runs beside the API; RUNNING carts resume here after a restart.
    let scheduler = spawn_scheduler(app.clone(), std::time::Duration::from_secs(1));
    let served = axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown_signal())
        .await;
    scheduler.abort();
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
