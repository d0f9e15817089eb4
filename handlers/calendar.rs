//! Dates, times of day, weekdays and region codes as the table stores them; shared by
//! `ingest` (validating) and `connect-lookup` (answering).

use chrono::{Datelike, NaiveDate};

/// The `HOURS#<key>` weekday codes, Monday first.
pub const WEEKDAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

pub const MAX_REGION_CHARS: usize = 64;

/// Minutes in a day: `24:00` as a closing time.
pub const END_OF_DAY: u32 = 24 * 60;

/// The date's `HOURS#<key>` code: `WEEKDAYS` is in chrono's Monday-first order.
pub fn weekday_code(date: NaiveDate) -> &'static str {
    WEEKDAYS[date.weekday().num_days_from_monday() as usize]
}

/// `YYYY-MM-DD`, exactly, naming a day that exists.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// `HH:MM` as minutes since midnight, exactly two digits each, minutes below 60, up to and
/// including `24:00`; callers decide whether `24:00` is allowed.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let h = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let m = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    let minutes = h * 60 + m;
    (m < 60 && minutes <= END_OF_DAY).then_some(minutes)
}

pub fn format_hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Trimmed and lower-cased; `None` unless 1-64 of `[a-z0-9-]`.
pub fn normalise_region(raw: &str) -> Option<String> {
    let region = raw.trim().to_lowercase();
    let ok = !region.is_empty()
        && region.chars().count() <= MAX_REGION_CHARS
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2024-02-29").is_some());
        for bad in [
            "2026-02-29",
            "2026-2-28",
            "26-02-28",
            "2026/02/28",
            "2026-02-28T00",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn times_are_strict() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), Some(END_OF_DAY));
        for bad in ["9:30", "09:60", "24:01", "25:00", "0930", "09:3a"] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        assert_eq!(format_hhmm(570), "09:30");
    }

    #[test]
    fn every_weekday_has_its_code() {
        // 2026-12-21 is a Monday.
        let codes: Vec<&str> = (21..=27)
            .map(|day| weekday_code(NaiveDate::from_ymd_opt(2026, 12, day).unwrap()))
            .collect();
        assert_eq!(codes, WEEKDAYS);
        assert_eq!(WEEKDAYS[6], "SUN");
    }

    #[test]
    fn weekdays_and_regions() {
        assert_eq!(
            weekday_code(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()),
            "FRI"
        );
        assert_eq!(normalise_region("  EMEA-UK "), Some("emea-uk".into()));
        assert_eq!(normalise_region("emea uk"), None);
        assert_eq!(normalise_region(""), None);
        assert_eq!(normalise_region(&"a".repeat(65)), None);
    }
}
