//! Saved replies' booking details: a reply's text may name a detail of the booking it answers,
//! as `{first_name}`, filled in when the reply is used. Pure rules, shared by the server (which
//! refuses a text it could not fill) and the browser (which fills it for the open thread).

use crate::model::BookingDetailsView;

/// Every detail a reply may name, as it is written between braces.
pub const DETAILS: [&str; 9] = [
    "first_name",
    "last_name",
    "activity",
    "date",
    "start_time",
    "duration",
    "party_size",
    "confirmation_code",
    "location",
];

impl BookingDetailsView {
    fn get(&self, detail: &str) -> Option<&str> {
        Some(match detail {
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "activity" => &self.activity,
            "date" => &self.date,
            "start_time" => &self.start_time,
            "duration" => &self.duration,
            "party_size" => &self.party_size,
            "confirmation_code" => &self.confirmation_code,
            "location" => &self.location,
            _ => return None,
        })
    }
}

/// Why a reply's text cannot be filled in, naming the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{{{0}}} is not a booking detail. A reply can use {{first_name}}, {{last_name}}, {{activity}}, {{date}}, {{start_time}}, {{duration}}, {{party_size}}, {{confirmation_code}} and {{location}}.")]
    Unknown(String),
    #[error("\"{0}\" has a brace that is not closed: write a booking detail as {{first_name}}.")]
    Unclosed(String),
    #[error("\"{0}\" has a closing brace without an opening one: write a booking detail as {{first_name}}.")]
    Unopened(String),
}

/// One piece of a reply's text: words as they are, or a detail to fill in.
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Text(&'a str),
    Detail(&'a str),
}

/// The text split into words and details; the first fault if it has one.
fn parts(text: &str) -> Result<Vec<Part<'_>>, TemplateError> {
    // A few characters around the fault, so the message shows where it is.
    let around = |at: usize| -> String {
        let start = text[..at].char_indices().rev().nth(11).map_or(0, |(i, _)| i);
        let shown = text[start..].chars().take(24).collect::<String>();
        if start > 0 {
            format!("…{}", shown.trim())
        } else {
            shown.trim().to_owned()
        }
    };
    let mut parts = Vec::new();
    let mut rest = 0;
    while rest < text.len() {
        let next = text[rest..].find(['{', '}']).map(|i| rest + i);
        let Some(at) = next else {
            parts.push(Part::Text(&text[rest..]));
            break;
        };
        if text[at..].starts_with('}') {
            return Err(TemplateError::Unopened(around(at)));
        }
        if at > rest {
            parts.push(Part::Text(&text[rest..at]));
        }
        let name_len = text[at + 1..].find(['{', '}']).filter(|&i| text[at + 1 + i..].starts_with('}'));
        let Some(name_len) = name_len else { return Err(TemplateError::Unclosed(around(at))) };
        let name = &text[at + 1..at + 1 + name_len];
        if !DETAILS.contains(&name) {
            return Err(TemplateError::Unknown(name.to_owned()));
        }
        parts.push(Part::Detail(name));
        rest = at + name_len + 2;
    }
    Ok(parts)
}

/// Whether every brace in `text` names a booking detail.
pub fn check(text: &str) -> Result<(), TemplateError> {
    parts(text).map(|_| ())
}

/// `text` with each detail filled in from `details`. A text that `check` refuses is returned as it
/// is (the server never stores one).
pub fn fill(text: &str, details: &BookingDetailsView) -> String {
    let Ok(parts) = parts(text) else { return text.to_owned() };
    parts
        .into_iter()
        .map(|part| match part {
            Part::Text(words) => words,
            Part::Detail(name) => details.get(name).unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> BookingDetailsView {
        BookingDetailsView {
            first_name: "Ana".into(),
            last_name: "Silva".into(),
            activity: "Sunset Sea Kayak Tour".into(),
            date: "Thursday, Nov 26".into(),
            start_time: "17:30".into(),
            duration: "2 h 30 min".into(),
            party_size: "2".into(),
            confirmation_code: "KAY7Q2-5521".into(),
            location: "Bay Kayak Tours".into(),
        }
    }

    #[test]
    fn every_detail_is_filled_in() {
        let text = DETAILS.iter().map(|d| format!("{{{d}}}")).collect::<Vec<_>>().join("|");
        assert_eq!(
            fill(&text, &ana()),
            "Ana|Silva|Sunset Sea Kayak Tour|Thursday, Nov 26|17:30|2 h 30 min|2|KAY7Q2-5521|Bay Kayak Tours"
        );
        assert_eq!(
            fill("Hi {first_name}! See you {date} at {start_time}.", &ana()),
            "Hi Ana! See you Thursday, Nov 26 at 17:30."
        );
        assert_eq!(fill("{first_name}{last_name}", &ana()), "AnaSilva");
        assert_eq!(fill("No details at all", &ana()), "No details at all");
    }

    #[test]
    fn a_detail_the_booking_lacks_is_left_empty() {
        let details = BookingDetailsView { last_name: String::new(), ..ana() };
        assert_eq!(fill("Dear {first_name} {last_name},", &details), "Dear Ana ,");
    }

    #[test]
    fn an_unknown_detail_is_refused_by_its_name() {
        let err = check("Hi {firstname}, see you soon").unwrap_err();
        assert_eq!(err, TemplateError::Unknown("firstname".into()));
        assert!(err.to_string().starts_with("{firstname} is not a booking detail."), "{err}");
        assert_eq!(check("{}"), Err(TemplateError::Unknown(String::new())));
        assert_eq!(check("{ first_name }"), Err(TemplateError::Unknown(" first_name ".into())));
        assert_eq!(check("{FIRST_NAME}"), Err(TemplateError::Unknown("FIRST_NAME".into())));
    }

    #[test]
    fn a_brace_out_of_place_is_refused_with_where_it_is() {
        assert_eq!(check("Hi {first_name, welcome"), Err(TemplateError::Unclosed("Hi {first_name, welcome".into())));
        assert_eq!(check("Hi {{first_name}}"), Err(TemplateError::Unclosed("Hi {{first_name}}".into())));
        assert_eq!(check("name} here"), Err(TemplateError::Unopened("name} here".into())));
        let long = format!("{}a {{ here", "word ".repeat(20));
        let Err(TemplateError::Unclosed(around)) = check(&long) else { panic!("refused") };
        assert_eq!(around, "…word word a { here");
        assert_eq!(check("Only words, é and 🌊 too"), Ok(()));
    }

    #[test]
    fn a_refused_text_fills_as_it_is() {
        assert_eq!(fill("Hi {nobody}", &ana()), "Hi {nobody}");
    }
}
