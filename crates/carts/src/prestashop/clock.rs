//! Shop-local times (PrestaShop writes `YYYY-MM-DD HH:MM:SS` in PS_TIMEZONE, no offset).

use jiff::{Timestamp, civil::DateTime, tz::TimeZone};
use time::OffsetDateTime;

/// Looks up an IANA zone name.
pub(crate) fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// Shop-local text to a UTC instant; `None` for empty or zero dates.
pub(crate) fn to_utc(tz: &TimeZone, local: &str) -> Option<OffsetDateTime> {
    let local = local.trim();
    if local.is_empty() || local.starts_with("0000") {
        return None;
    }
    let dt = DateTime::strptime("%Y-%m-%d %H:%M:%S", local).ok()?;
    let ts = dt.to_zoned(tz.clone()).ok()?.timestamp();
    OffsetDateTime::from_unix_timestamp(ts.as_second()).ok()
}

/// A UTC instant as shop-local text.
pub(crate) fn to_local(tz: &TimeZone, t: OffsetDateTime) -> String {
    match Timestamp::from_second(t.unix_timestamp()) {
        Ok(ts) => ts
            .to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => "1970-01-01 00:00:00".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_local_time_round_trips_through_utc() {
        let tz = zone("Europe/Paris").unwrap();
        let t = to_utc(&tz, "2026-11-02 10:00:00").unwrap();
        assert_eq!(t.hour(), 9, "winter time is UTC+1");
        assert_eq!(to_local(&tz, t), "2026-11-02 10:00:00");
        let summer = to_utc(&tz, "2026-07-01 10:00:00").unwrap();
        assert_eq!(summer.hour(), 8, "summer time is UTC+2");
        assert_eq!(to_utc(&tz, "0000-00-00 00:00:00"), None);
    }
}
