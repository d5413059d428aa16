//! One HTTP client per cart with time limits, bounded retries and a record of every error.

use std::{
    sync::{Arc, Mutex, Once},
    time::Duration,
};

use crate::{CartError, error::excerpt};

/// Installs rustls' ring provider once per process (reqwest is built without one).
pub fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another crate may have installed one first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Time limits and retry policy for one cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    /// Limit for one request.
    pub timeout: Duration,
    /// Tries per request, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled each time.
    pub backoff: Duration,
    /// Longest `Retry-After` we wait within a run; longer ends the request.
    pub max_wait: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            attempts: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// An error met (and perhaps recovered from) during a run, for the sync log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// What was being asked for.
    pub what: String,
    /// The error message.
    pub error: String,
    /// Start of the cart's reply, if any.
    pub excerpt: Option<String>,
    /// True when a retry followed.
    pub retried: bool,
}

/// A reply with its body read.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The client plus the incident record.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    pub opts: HttpOptions,
    incidents: Arc<Mutex<Vec<Incident>>>,
}

impl Http {
    pub fn new(opts: HttpOptions) -> Result<Self, CartError> {
        install_crypto();
        let client = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("Cartwright/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CartError::BadUrl {
                url: String::new(),
                detail: format!("HTTP client: {e}"),
            })?;
        Ok(Self {
            client,
            opts,
            incidents: Arc::default(),
        })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends one request and reads the body; network failures become typed errors.
    pub async fn send(
        &self,
        what: &str,
        url: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<Reply, CartError> {
        let resp = req.send().await.map_err(|e| self.classify(what, url, &e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| self.classify(what, url, &e))?;
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    fn classify(&self, what: &str, url: &str, e: &reqwest::Error) -> CartError {
        if e.is_timeout() {
            return CartError::Timeout {
                what: what.to_string(),
                secs: self.opts.timeout.as_secs().max(1),
            };
        }
        let chain = error_chain(e);
        if is_tls(e, &chain) {
            return CartError::Tls {
                url: url.to_string(),
                detail: chain,
            };
        }
        if e.is_connect() || e.is_request() {
            return CartError::Unreachable {
                url: url.to_string(),
                detail: chain,
            };
        }
        CartError::Malformed {
            what: what.to_string(),
            detail: chain,
            excerpt: String::new(),
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the tries run out;
    /// waits per `Retry-After` or with doubling backoff in between.
    pub async fn retrying<T, F, Fut>(&self, what: &str, mut attempt: F) -> Result<T, CartError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, CartError>>,
    {
        let mut wait = self.opts.backoff;
        for n in 1..=self.opts.attempts.max(1) {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let last = n >= self.opts.attempts || !e.is_transient();
                    let pause = match &e {
                        CartError::RateLimited { secs, .. } => {
                            let asked = Duration::from_secs(*secs);
                            if asked > self.opts.max_wait {
                                self.note(what, &e, false);
                                return Err(e);
                            }
                            asked
                        }
                        _ => wait,
                    };
                    self.note(what, &e, !last);
                    if last {
                        return Err(e);
                    }
                    tracing::debug!(what, error = %e, wait_ms = pause.as_millis() as u64, "retrying cart request");
                    tokio::time::sleep(pause).await;
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
            }
        }
        unreachable_attempts(what)
    }

    fn note(&self, what: &str, e: &CartError, retried: bool) {
        let mut v = self.incidents.lock().unwrap_or_else(|p| p.into_inner());
        v.push(Incident {
            what: what.to_string(),
            error: e.to_string(),
            excerpt: e.excerpt().filter(|x| !x.is_empty()).map(str::to_string),
            retried,
        });
    }

    /// Takes the incidents recorded so far.
    pub fn take_incidents(&self) -> Vec<Incident> {
        std::mem::take(&mut *self.incidents.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn unreachable_attempts<T>(what: &str) -> Result<T, CartError> {
    Err(CartError::Malformed {
        what: what.to_string(),
        detail: "no attempt was made".into(),
        excerpt: String::new(),
    })
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

fn is_tls(e: &(dyn std::error::Error + 'static), chain: &str) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = cur {
        if s.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
        {
            return true;
        }
        cur = s.source();
    }
    // rustls errors reach us as text inside hyper's connect error.
    let c = chain.to_ascii_lowercase();
    [
        "tls",
        "certificate",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
        "alert received",
    ]
    .iter()
    .any(|p| c.contains(p))
}

/// Start of a body for error reports.
pub(crate) fn body_excerpt(body: &str) -> String {
    excerpt(body, 400)
}
