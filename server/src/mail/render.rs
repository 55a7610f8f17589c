//! What Parley's emails say: the same words as plain text and as HTML, the people's own text
//! escaped in the HTML, no images and nothing that reports back when it is opened.

use app::api::present::{booking_summary, local_date, zone};
use app::model::BookingView;
use app::store::emails::{EmailContent, EmailKind};
use app::text::files_label;
use chrono::Utc;

/// An email's subject and its two bodies.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Where the email's links go: the portal or the dashboard thread, and (for the customer) the
/// page that stops these emails.
#[derive(Debug, Clone, PartialEq)]
pub struct Links {
    pub open: String,
    pub unsubscribe: Option<String>,
}

pub fn render(content: &EmailContent, links: &Links) -> Rendered {
    let location = &content.location;
    let booking = &content.entry.booking;
    let customer = &content.entry.customer;
    let facts = booking_summary(booking, customer, location, local_date(Utc::now(), zone(location)));
    // Files are named, never attached or shown: "(1 photo)" after the message's text.
    let quotes: Vec<String> = content
        .waiting
        .iter()
        .map(|m| {
            let files: Vec<(&str, &str)> = m.files.iter().map(|f| (f.name.as_str(), f.content_type.as_str())).collect();
            match (m.body.as_str(), files_label(&files)) {
                (body, label) if label.is_empty() => body.to_owned(),
                ("", label) => format!("({label})"),
                (body, label) => format!("{body}\n({label})"),
            }
        })
        .collect();
    let quotes: Vec<&str> = quotes.iter().map(String::as_str).collect();
    let mut writers: Vec<&str> = Vec::new();
    for m in &content.waiting {
        if !writers.contains(&m.sender_name.as_str()) {
            writers.push(&m.sender_name);
        }
    }
    let writers = and_list(&writers);
    match content.email.kind {
        EmailKind::CustomerReply => Email {
            subject: format!("{} replied about your {}", location.name, booking.activity),
            greeting: format!("Hi {},", customer.first_name),
            lead: format!("{writers} of {} wrote to you about your booking:", location.name),
            facts: &facts,
            quotes: &quotes,
            button: "Read and reply",
            links,
            why: "You get this email because a message about your booking is waiting for you.",
        }
        .render(),
        EmailKind::TeamWaiting => Email {
            subject: format!("{} is waiting for a reply ({})", customer.full_name(), booking.activity),
            greeting: "Hello,".to_owned(),
            lead: format!("{} wrote and nobody on the team has read it yet:", customer.full_name()),
            facts: &facts,
            quotes: &quotes,
            button: "Open the conversation",
            links,
            why: "You get this email because you turned on email alerts in Parley (Settings, Notifications).",
        }
        .render(),
    }
}

/// The parts every email has, in order.
struct Email<'a> {
    subject: String,
    greeting: String,
    lead: String,
    facts: &'a BookingView,
    quotes: &'a [&'a str],
    button: &'a str,
    links: &'a Links,
    why: &'a str,
}

impl Email<'_> {
    fn render(self) -> Rendered {
        let f = self.facts;
        let booking_line = format!("{} · {}, {} · {}", f.activity, f.date, f.start_time, f.confirmation_code);
        let mut text = format!("{}\n\n{}\n\n", self.greeting, self.lead);
        for quote in self.quotes {
            for line in quote.lines() {
                text.push_str(&format!("> {line}\n"));
            }
            text.push('\n');
        }
        text.push_str(&format!("{booking_line}\n\n{}: {}\n\n-- \n{}\n", self.button, self.links.open, self.why));
        if let Some(unsubscribe) = &self.links.unsubscribe {
            text.push_str(&format!("Stop these emails: {unsubscribe}\n"));
        }

        let quotes: String = self
            .quotes
            .iter()
            .map(|q| {
                format!(
                    "<blockquote style=\"margin:0 0 12px;padding:8px 12px;border-left:3px solid #1a5fd0;\
                     background:#f3f6fb;white-space:pre-wrap\">{}</blockquote>",
                    escape(q)
                )
            })
            .collect();
        let unsubscribe = self.links.unsubscribe.as_deref().map_or(String::new(), |u| {
            format!(" <a href=\"{}\" style=\"color:#555\">Stop these emails</a>.", escape(u))
        });
        let html = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{subject}</title></head>\
             <body style=\"margin:0;padding:16px;font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1b1f24\">\
             <div style=\"max-width:560px;margin:0 auto\">\
             <p>{greeting}</p><p>{lead}</p>{quotes}\
             <p style=\"color:#444\">{booking}</p>\
             <p><a href=\"{open}\" style=\"display:inline-block;padding:12px 20px;background:#1a5fd0;color:#fff;\
             text-decoration:none;border-radius:6px;font-weight:600\">{button}</a></p>\
             <p style=\"font-size:13px;color:#555\">{why}{unsubscribe}</p>\
             </div></body></html>",
            subject = escape(&self.subject),
            greeting = escape(&self.greeting),
            lead = escape(&self.lead),
            booking = escape(&booking_line),
            open = escape(&self.links.open),
            button = escape(self.button),
            why = escape(self.why),
        );
        Rendered { subject: self.subject, text, html }
    }
}

/// "Maya", "Maya and Jon", "Maya, Jon and Ana"; "The team" for nobody.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => "The team".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Text as HTML text (and attribute values): the five characters that could start markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_names_are_listed() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(and_list(&[]), "The team");
        assert_eq!(and_list(&["Maya"]), "Maya");
        assert_eq!(and_list(&["Maya", "Jon"]), "Maya and Jon");
        assert_eq!(and_list(&["Maya", "Jon", "Ana"]), "Maya, Jon and Ana");
    }
}
