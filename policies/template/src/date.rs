//! Calendar dates as days since 1970-01-01, for runtime deprecation dates. The calendar
//! (month lengths, leap years, the clock) is jiff's; a date is kept as a day count so
//! dates compare and subtract as integers.

use jiff::civil;

/// A calendar date, as the number of days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(i64);

/// The day dates are counted from.
const EPOCH: civil::Date = civil::date(1970, 1, 1);

impl Date {
    /// Parses `YYYY-MM-DD` (a real date: `2025-02-30` is refused).
    pub fn parse(text: &str) -> Option<Date> {
        // Exactly `YYYY-MM-DD`: jiff also reads signed and extended years.
        let b = text.as_bytes();
        let shape = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shape {
            return None;
        }
        text.parse::<civil::Date>().ok().map(Date::from_civil)
    }

    /// Today according to the system clock (the WASI clock inside a guest), in UTC.
    pub fn today() -> Option<Date> {
        let now = jiff::Timestamp::now();
        Some(Date::from_civil(
            jiff::tz::TimeZone::UTC.to_datetime(now).date(),
        ))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.0 - self.0
    }

    fn from_civil(date: civil::Date) -> Date {
        Date(date.duration_since(EPOCH).as_secs() / 86_400)
    }

    fn to_civil(self) -> Option<civil::Date> {
        EPOCH
            .checked_add(jiff::SignedDuration::from_hours(self.0 * 24))
            .ok()
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_civil() {
            Some(date) => write!(f, "{date}"),
            None => write!(f, "{} days after 1970-01-01", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_dates() {
        assert_eq!(Date::parse("1970-01-01"), Some(Date(0)));
        assert_eq!(Date::parse("2000-03-01"), Some(Date(11_017)));
        assert_eq!(Date::parse("2024-02-29").map(|d| d.0), Some(19_782));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2025-13-01"), None);
        assert_eq!(Date::parse("2025-1-01"), None);
        assert_eq!(Date::parse("+025-01-01"), None);
        let a = Date::parse("2025-08-31").unwrap();
        let b = Date::parse("2025-09-01").unwrap();
        assert!(a < b);
        assert_eq!(a.days_until(b), 1);
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "2100-03-01",
            "1969-07-20",
        ] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn clock_gives_a_plausible_date() {
        assert!(Date::today().unwrap() > Date::parse("2024-01-01").unwrap());
    }
}
