//! A calendar day on the wire: "2026-11-24", as chrono writes it. Read by hand because chrono's
//! general parser would add its whole format machinery to the browser bundles.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    day.serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a day (YYYY-MM-DD): {text}")))
}

fn parse(text: &str) -> Option<NaiveDate> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::parse;
    use chrono::NaiveDate;

    #[test]
    fn reads_what_chrono_writes_and_refuses_the_rest() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 3).unwrap();
        assert_eq!(parse(&day.to_string()), Some(day));
        assert_eq!(parse("2026-02-30"), None);
        assert_eq!(parse("2026-02"), None);
        assert_eq!(parse("today"), None);
    }
}
