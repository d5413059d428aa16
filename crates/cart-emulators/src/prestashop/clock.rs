//! The shop's controllable clock and its time zone (PS_TIMEZONE). Instants are unix seconds;
//! PrestaShop writes and compares them as shop-local `YYYY-MM-DD HH:MM:SS` without an offset.

use jiff::{Timestamp, civil::DateTime, tz::TimeZone};

/// What PrestaShop stores for a date that was never set.
pub(crate) const ZERO_DATE: &str = "0000-00-00 00:00:00";

/// A clock that only moves when told to, in the shop's zone.
pub(crate) struct Clock {
    now_secs: i64,
    tz: TimeZone,
}

impl Clock {
    /// A clock at `start_secs` in the IANA zone `zone`.
    pub fn new(start_secs: i64, zone: &str) -> std::io::Result<Self> {
        let tz = TimeZone::get(zone).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("unknown time zone {zone}: {e}"),
            )
        })?;
        Ok(Clock {
            now_secs: start_secs,
            tz,
        })
    }

    /// The current instant.
    pub fn now(&self) -> i64 {
        self.now_secs
    }

    /// Moves the clock forward (or back, for a negative value).
    pub fn advance(&mut self, secs: i64) {
        self.now_secs = self.now_secs.saturating_add(secs);
    }

    /// Renders an instant in shop-local time.
    pub fn local(&self, secs: i64) -> String {
        match Timestamp::from_second(secs) {
            Ok(ts) => ts
                .to_zoned(self.tz.clone())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string(),
            Err(_) => ZERO_DATE.to_owned(),
        }
    }

    /// Renders a stored date value (unix seconds, or empty for the zero date).
    pub fn render(&self, stored: &str) -> String {
        match stored.parse::<i64>() {
            Ok(secs) => self.local(secs),
            Err(_) => ZERO_DATE.to_owned(),
        }
    }

    /// Parses a shop-local date (`YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`) into a stored value.
    /// The zero date and an empty string give the empty stored value.
    pub fn parse_local(&self, s: &str) -> Option<String> {
        let s = s.trim();
        if s.is_empty() || s.starts_with("0000-00-00") {
            return Some(String::new());
        }
        let dt = DateTime::strptime("%Y-%m-%d %H:%M:%S", s)
            .or_else(|_| DateTime::strptime("%Y-%m-%d", s))
            .ok()?;
        let zoned = dt.to_zoned(self.tz.clone()).ok()?;
        Some(zoned.timestamp().as_second().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_parses_shop_local_time() {
        // 2026-11-02T09:00:00Z is 10:00 in Paris (CET, UTC+1).
        let clock = Clock::new(1_793_610_000, "Europe/Paris").unwrap();
        assert_eq!(clock.local(clock.now()), "2026-11-02 10:00:00");
        let stored = clock.parse_local("2026-11-02 10:00:00").unwrap();
        assert_eq!(stored, "1793610000");
        assert_eq!(clock.render(""), ZERO_DATE);
    }
}
