//! Pure text rules shared by the server and the browser: message bodies, previews, labels.
//! No I/O and no clock: callers pass "now" and "today" in, so both sides render the same.

use chrono::{Datelike, NaiveDate as Date, NaiveTime as Time, Timelike, Weekday};

/// The longest message body, counted in characters (not bytes).
pub const MAX_BODY_CHARS: usize = 4000;
/// How many characters of the last message a thread row shows.
pub const PREVIEW_CHARS: usize = 80;
/// The composer shows a character counter from this many characters on.
pub const COUNTER_FROM_CHARS: usize = 3500;

/// Why a message body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("Write a message before sending.")]
    Empty,
    #[error("This message is {chars} characters long; the limit is {MAX_BODY_CHARS}.")]
    TooLong { chars: usize },
    #[error("A message can carry at most {MAX_FILES} files; this one has {files}.")]
    TooManyFiles { files: usize },
}

/// How many files one message may carry.
pub const MAX_FILES: usize = 5;

/// Checks a message that carries `files` files: its text may be empty only when it has files.
pub fn validate_message(raw: &str, files: usize) -> Result<String, BodyError> {
    if files > MAX_FILES {
        return Err(BodyError::TooManyFiles { files });
    }
    if files > 0 && raw.trim().is_empty() {
        return Ok(String::new());
    }
    validate_body(raw)
}

/// A message's one-line preview: its text, or, for files only, what they are: "Photo",
/// "2 photos", the file's name, "3 files". `files` are (name, content type).
pub fn message_preview(body: &str, files: &[(&str, &str)]) -> String {
    if !body.trim().is_empty() || files.is_empty() {
        return preview(body);
    }
    let photos = files.iter().filter(|(_, kind)| kind.starts_with("image/")).count();
    match files {
        _ if photos == files.len() && photos == 1 => "Photo".to_owned(),
        _ if photos == files.len() => format!("{photos} photos"),
        [(name, _)] => preview(name),
        _ => format!("{} files", files.len()),
    }
}

/// What files a message carries, for a line of text: "1 photo", "2 photos and 1 file".
pub fn files_label(files: &[(&str, &str)]) -> String {
    let photos = files.iter().filter(|(_, kind)| kind.starts_with("image/")).count();
    let others = files.len() - photos;
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (photos, others) {
        (0, 0) => String::new(),
        (p, 0) => count(p, "photo", "photos"),
        (0, o) => count(o, "file", "files"),
        (p, o) => format!("{} and {}", count(p, "photo", "photos"), count(o, "file", "files")),
    }
}

/// A file size as people read it: "820 KB", "4.2 MB".
pub fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{} KB", (b + 500) / 1_000),
        // Tenths in integers: float formatting would add kilobytes of code to the browser bundles.
        b => {
            let tenths = (b + 50_000) / 100_000;
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    }
}

/// Trims a body and checks it is 1..=4000 characters. Returns the text to store.
pub fn validate_body(raw: &str) -> Result<String, BodyError> {
    let body = raw.trim();
    if body.is_empty() {
        return Err(BodyError::Empty);
    }
    let chars = body.chars().count();
    if chars > MAX_BODY_CHARS {
        return Err(BodyError::TooLong { chars });
    }
    Ok(body.to_owned())
}

/// The one-line preview of a message: whitespace runs folded to one space, at most
/// 80 characters, cut on a character boundary with an ellipsis when the text is longer.
pub fn preview(body: &str) -> String {
    let folded = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= PREVIEW_CHARS {
        return folded;
    }
    let kept: String = folded.chars().take(PREVIEW_CHARS - 1).collect();
    format!("{}…", kept.trim_end())
}

/// How long ago something happened, as a thread row shows it: "now", "5m", "2h", "3d",
/// then the local date ("Mar 15", or "Mar 15, 2025" in another year).
pub fn relative_time(elapsed_secs: i64, then: Date, today: Date) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    match elapsed_secs {
        s if s < MINUTE => "now".to_owned(),
        s if s < HOUR => format!("{}m", s / MINUTE),
        s if s < DAY => format!("{}h", s / HOUR),
        s if s < 7 * DAY => format!("{}d", s / DAY),
        _ => short_date(then, today),
    }
}

/// The label above a day's messages: "Today", "Yesterday", or "Monday, Mar 15"
/// (with the year when it is not this year).
pub fn day_label(day: Date, today: Date) -> String {
    if day == today {
        return "Today".to_owned();
    }
    if today.pred_opt() == Some(day) {
        return "Yesterday".to_owned();
    }
    long_date(day, today)
}

/// A full date: "Monday, Mar 15" (with the year when it is not this year).
pub fn long_date(day: Date, today: Date) -> String {
    format!("{}, {}", weekday_name(day.weekday()), short_date(day, today))
}

/// A booking's length: "45 min", "2 h", "2 h 30 min".
pub fn duration_label(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// What the composer's counter shows, once a message nears the limit: "3612 / 4000".
pub fn length_counter(chars: usize) -> Option<String> {
    (chars >= COUNTER_FROM_CHARS).then(|| format!("{chars} / {MAX_BODY_CHARS}"))
}

/// "Mar 15" in the current year, "Mar 15, 2025" otherwise.
pub fn short_date(day: Date, today: Date) -> String {
    let month = MONTHS[day.month0() as usize];
    if day.year() == today.year() {
        format!("{month} {}", day.day())
    } else {
        format!("{month} {}, {}", day.day(), day.year())
    }
}

/// A message's time of day, 24-hour: "09:05".
pub fn clock_time(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// The unread badge: nothing at zero, the count up to 9, then "9+".
pub fn unread_badge(count: u32) -> Option<String> {
    match count {
        0 => None,
        1..=9 => Some(count.to_string()),
        _ => Some("9+".to_owned()),
    }
}

/// A page's title, with the unread count first when there is one: "(4) Hugo Laurent · Parley",
/// "Bookings · Parley", "(4) Parley".
pub fn page_title(unread: i64, page: &str) -> String {
    let name = if page.is_empty() { "Parley".to_owned() } else { format!("{page} · Parley") };
    match unread {
        n if n > 0 => format!("({n}) {name}"),
        _ => name,
    }
}

/// How a staff member signs their messages: "First Last", or "Support" when they have no name.
pub fn sender_display_name(first: Option<&str>, last: Option<&str>) -> String {
    let parts: Vec<&str> = [first, last].into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "Support".to_owned()
    } else {
        parts.join(" ")
    }
}

/// How far a broadcast is read: "14 of 18 seen".
pub fn seen_summary(seen: usize, recipients: usize) -> String {
    format!("{seen} of {recipients} seen")
}

/// Who is writing a reply besides this person: "Jon is replying…", "Jon and Maya are replying…",
/// "Jon, Maya and Ana are replying…"; nothing when nobody is.
pub fn replying_label(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{one} is replying…")),
        [rest @ .., last] => Some(format!("{} and {last} are replying…", rest.join(", "))),
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn who_is_replying_reads_as_a_sentence() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(super::replying_label(&[]), None);
        assert_eq!(super::replying_label(&names(&["Jon"])).unwrap(), "Jon is replying…");
        assert_eq!(super::replying_label(&names(&["Jon", "Maya"])).unwrap(), "Jon and Maya are replying…");
        assert_eq!(super::replying_label(&names(&["Jon", "Maya", "Ana"])).unwrap(), "Jon, Maya and Ana are replying…");
    }

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32, s: u32, _nanos: u32) -> Time {
        Time::from_hms_opt(h, m, s).unwrap()
    }

    #[test]
    fn body_is_trimmed() {
        assert_eq!(validate_body("  hello \n").unwrap(), "hello");
        assert_eq!(validate_body("a\nb").unwrap(), "a\nb");
    }

    #[test]
    fn empty_and_whitespace_bodies_are_refused() {
        assert_eq!(validate_body(""), Err(BodyError::Empty));
        assert_eq!(validate_body(" \t\n\r "), Err(BodyError::Empty));
        // A no-break space and an ideographic space are whitespace too.
        assert_eq!(validate_body("\u{a0}\u{3000}"), Err(BodyError::Empty));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let at_limit = "é".repeat(MAX_BODY_CHARS); // 8000 bytes, 4000 characters
        assert_eq!(validate_body(&at_limit).unwrap().chars().count(), MAX_BODY_CHARS);
        let over = "x".repeat(MAX_BODY_CHARS + 1);
        assert_eq!(validate_body(&over), Err(BodyError::TooLong { chars: 4001 }));
        // Surrounding whitespace does not count against the limit.
        let padded = format!("  {}  ", "x".repeat(MAX_BODY_CHARS));
        assert!(validate_body(&padded).is_ok());
    }

    #[test]
    fn too_long_error_says_the_numbers() {
        let msg = BodyError::TooLong { chars: 4001 }.to_string();
        assert!(msg.contains("4001") && msg.contains("4000"), "{msg}");
    }

    #[test]
    fn short_preview_is_unchanged_but_folded() {
        assert_eq!(preview("Hi there"), "Hi there");
        assert_eq!(preview("line one\n\nline   two"), "line one line two");
    }

    #[test]
    fn long_preview_is_cut_to_80_characters_with_ellipsis() {
        let exactly = "a".repeat(80);
        assert_eq!(preview(&exactly), exactly);
        let long = "b".repeat(81);
        let p = preview(&long);
        assert_eq!(p.chars().count(), 80);
        assert!(p.ends_with('…'));
    }

    #[test]
    fn files_are_named_where_there_is_no_text() {
        let photo = ("IMG_1.jpg", "image/jpeg");
        let pdf = ("waiver.pdf", "application/pdf");
        assert_eq!(message_preview("Look at this", &[photo]), "Look at this");
        assert_eq!(message_preview("", &[photo]), "Photo");
        assert_eq!(message_preview("  ", &[photo, photo]), "2 photos");
        assert_eq!(message_preview("", &[pdf]), "waiver.pdf");
        assert_eq!(message_preview("", &[photo, pdf]), "2 files");
        assert_eq!(files_label(&[photo]), "1 photo");
        assert_eq!(files_label(&[photo, photo, pdf]), "2 photos and 1 file");
        assert_eq!(files_label(&[pdf, pdf]), "2 files");
        assert_eq!(validate_message("  ", 1), Ok(String::new()));
        assert_eq!(validate_message("  ", 0), Err(BodyError::Empty));
        assert_eq!(validate_message("hi", 6), Err(BodyError::TooManyFiles { files: 6 }));
        assert_eq!(
            (file_size(999), file_size(820_400), file_size(4_210_000)),
            ("999 B".into(), "820 KB".into(), "4.2 MB".into())
        );
    }

    #[test]
    fn preview_never_splits_a_character() {
        let emoji = "🛶".repeat(100);
        let p = preview(&emoji);
        assert_eq!(p.chars().count(), 80);
        assert!(p.chars().take(79).all(|c| c == '🛶'));
    }

    #[test]
    fn relative_times() {
        let today = date(2026, 11, 22);
        assert_eq!(relative_time(-5, today, today), "now");
        assert_eq!(relative_time(59, today, today), "now");
        assert_eq!(relative_time(60, today, today), "1m");
        assert_eq!(relative_time(5 * 60 + 30, today, today), "5m");
        assert_eq!(relative_time(2 * 3600 + 59, today, today), "2h");
        assert_eq!(relative_time(3 * 86400, date(2026, 11, 19), today), "3d");
        assert_eq!(relative_time(6 * 86400 + 86399, date(2026, 11, 15), today), "6d");
        assert_eq!(relative_time(8 * 86400, date(2026, 11, 14), today), "Nov 14");
        assert_eq!(relative_time(400 * 86400, date(2025, 10, 18), today), "Oct 18, 2025");
    }

    #[test]
    fn day_labels() {
        let today = date(2026, 11, 22); // a Sunday
        assert_eq!(day_label(today, today), "Today");
        assert_eq!(day_label(date(2026, 11, 21), today), "Yesterday");
        assert_eq!(day_label(date(2026, 3, 15), today), "Sunday, Mar 15");
        assert_eq!(day_label(date(2026, 11, 16), today), "Monday, Nov 16");
        assert_eq!(day_label(date(2025, 12, 31), today), "Wednesday, Dec 31, 2025");
        // Across a year boundary "Yesterday" still works.
        assert_eq!(day_label(date(2025, 12, 31), date(2026, 1, 1)), "Yesterday");
    }

    #[test]
    fn long_dates_and_durations() {
        let today = date(2026, 11, 22);
        assert_eq!(long_date(today, today), "Sunday, Nov 22");
        assert_eq!(long_date(date(2027, 1, 4), today), "Monday, Jan 4, 2027");
        assert_eq!(duration_label(45), "45 min");
        assert_eq!(duration_label(120), "2 h");
        assert_eq!(duration_label(150), "2 h 30 min");
    }

    #[test]
    fn counter_shows_near_the_limit_only() {
        assert_eq!(length_counter(0), None);
        assert_eq!(length_counter(3499), None);
        assert_eq!(length_counter(3500).as_deref(), Some("3500 / 4000"));
        assert_eq!(length_counter(4012).as_deref(), Some("4012 / 4000"));
    }

    #[test]
    fn clock_times_are_zero_padded() {
        assert_eq!(clock_time(time(9, 5, 0, 0)), "09:05");
        assert_eq!(clock_time(time(23, 59, 59, 0)), "23:59");
    }

    #[test]
    fn unread_badges() {
        assert_eq!(unread_badge(0), None);
        assert_eq!(unread_badge(1).as_deref(), Some("1"));
        assert_eq!(unread_badge(9).as_deref(), Some("9"));
        assert_eq!(unread_badge(10).as_deref(), Some("9+"));
        assert_eq!(unread_badge(250).as_deref(), Some("9+"));
    }

    #[test]
    fn page_titles_keep_the_unread_count() {
        assert_eq!(page_title(4, "Hugo Laurent"), "(4) Hugo Laurent · Parley");
        assert_eq!(page_title(0, "Bookings"), "Bookings · Parley");
        assert_eq!(page_title(2, ""), "(2) Parley");
        assert_eq!(page_title(0, ""), "Parley");
    }

    #[test]
    fn sender_names() {
        assert_eq!(sender_display_name(Some("Maya"), Some("Lind")), "Maya Lind");
        assert_eq!(sender_display_name(Some("Maya"), None), "Maya");
        assert_eq!(sender_display_name(None, Some(" Lind ")), "Lind");
        assert_eq!(sender_display_name(Some(""), Some("  ")), "Support");
        assert_eq!(sender_display_name(None, None), "Support");
    }
}
