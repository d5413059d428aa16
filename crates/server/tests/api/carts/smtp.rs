//! A local SMTP server that accepts every message and keeps it, for notification tests.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// A running SMTP sink on 127.0.0.1.
pub(crate) struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// Starts the sink on a free port.
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails: Arc<Mutex<Vec<String>>> = Arc::default();
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut r = BufReader::new(r);
                    w.write_all(b"220 sink ready\r\n").await.ok();
                    let mut data: Option<String> = None;
                    loop {
                        let mut line = String::new();
                        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                            break;
                        }
                        if let Some(d) = data.as_mut() {
                            if line == ".\r\n" {
                                store.lock().unwrap().push(std::mem::take(d));
                                data = None;
                                w.write_all(b"250 queued\r\n").await.ok();
                            } else {
                                d.push_str(&line);
                            }
                            continue;
                        }
                        let cmd = line.to_ascii_uppercase();
                        let reply: &[u8] = if cmd.starts_with("DATA") {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        } else if cmd.starts_with("QUIT") {
                            w.write_all(b"221 bye\r\n").await.ok();
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        w.write_all(reply).await.ok();
                    }
                });
            }
        });
        Self { port, mails }
    }

    /// Messages received so far (headers and body).
    pub(crate) fn messages(&self) -> Vec<String> {
        self.mails.lock().unwrap().clone()
    }
}
