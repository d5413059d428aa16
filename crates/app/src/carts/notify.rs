//! Run-error notifications by e-mail: a plain SMTP client (no TLS, no auth) for the
//! company's relay, which is what an office mail relay or a local MTA offers.

use std::time::Duration;

use cartwright_core::user::{Access, Resource};
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};
use utoipa::ToSchema;

use crate::{App, AppError, Principal, Result};

/// The company's outgoing mail relay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Relay host; empty turns notifications off.
    pub host: String,
    /// Relay port (default 25).
    #[serde(default = "default_port")]
    pub port: u16,
    /// Sender address.
    #[serde(default)]
    pub from: String,
}

fn default_port() -> u16 {
    25
}

impl App {
    /// The company's SMTP settings.
    pub async fn smtp_settings(&self, who: &Principal) -> Result<SmtpSettings> {
        who.require(Resource::Company, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(load_smtp(&mut tx).await?.unwrap_or_default())
    }

    /// Replaces the company's SMTP settings.
    pub async fn set_smtp_settings(
        &self,
        who: &Principal,
        s: &SmtpSettings,
    ) -> Result<SmtpSettings> {
        who.require(Resource::Company, Access::Write)?;
        if !s.host.is_empty() {
            cartwright_core::validate::email("from", &s.from)?;
            if s.host.len() > 255 || s.host.contains(char::is_whitespace) {
                return Err(AppError::invalid(
                    "host",
                    format!("'{}' is not a host name", s.host),
                ));
            }
        }
        let mut tx = self.store.write().await?;
        let json = serde_json::to_string(s).map_err(|e| AppError::Internal(e.to_string()))?;
        if !tx.set_smtp_settings(&json).await? {
            return Err(crate::company::no_company());
        }
        crate::audit(
            &mut tx,
            who,
            "company",
            1,
            "smtp",
            None::<&SmtpSettings>,
            Some(s),
        )
        .await?;
        tx.commit().await?;
        Ok(s.clone())
    }
}

pub(crate) async fn load_smtp(tx: &mut cartwright_store::Tx) -> Result<Option<SmtpSettings>> {
    Ok(tx
        .smtp_settings()
        .await?
        .and_then(|j| serde_json::from_str::<SmtpSettings>(&j).ok())
        .filter(|s| !s.host.is_empty()))
}

/// Sends one plain-text message; errors name the SMTP step that failed.
pub(crate) async fn send_mail(
    s: &SmtpSettings,
    to: &str,
    subject: &str,
    body: &str,
) -> std::result::Result<(), String> {
    let work = async {
        let stream = TcpStream::connect((s.host.as_str(), s.port))
            .await
            .map_err(|e| format!("connect to {}:{}: {e}", s.host, s.port))?;
        let (r, mut w) = stream.into_split();
        let mut r = BufReader::new(r);
        expect(&mut r, "greeting", 220).await?;
        for (cmd, code) in [
            ("HELO cartwright".to_string(), 250),
            (format!("MAIL FROM:<{}>", s.from), 250),
            (format!("RCPT TO:<{to}>"), 250),
            ("DATA".to_string(), 354),
        ] {
            w.write_all(format!("{cmd}\r\n").as_bytes())
                .await
                .map_err(|e| format!("{cmd}: {e}"))?;
            expect(&mut r, &cmd, code).await?;
        }
        let mut msg = format!(
            "From: {}\r\nTo: {to}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
            s.from,
            subject.replace(['\r', '\n'], " ")
        );
        for line in body.lines() {
            // Dot-stuffing: a line starting with '.' gets another.
            if line.starts_with('.') {
                msg.push('.');
            }
            msg.push_str(line);
            msg.push_str("\r\n");
        }
        msg.push_str(".\r\n");
        w.write_all(msg.as_bytes())
            .await
            .map_err(|e| format!("message: {e}"))?;
        expect(&mut r, "end of message", 250).await?;
        let _ = w.write_all(b"QUIT\r\n").await;
        Ok(())
    };
    tokio::time::timeout(Duration::from_secs(15), work)
        .await
        .map_err(|_| "the mail relay did not answer within 15 s".to_string())?
}

async fn expect(
    r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    step: &str,
    code: u16,
) -> std::result::Result<(), String> {
    loop {
        let mut line = String::new();
        let n = r
            .read_line(&mut line)
            .await
            .map_err(|e| format!("{step}: {e}"))?;
        if n == 0 {
            return Err(format!("{step}: the relay closed the connection"));
        }
        let got: u16 = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        // "250-…" continues a multi-line reply.
        if line.as_bytes().get(3) == Some(&b'-') {
            continue;
        }
        return if got == code {
            Ok(())
        } else {
            Err(format!("{step}: relay answered '{}'", line.trim()))
        };
    }
}
