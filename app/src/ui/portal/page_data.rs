//! The portal page's data, carried to the browser inside the page: the server writes what it
//! loaded (`api::portal::load_portal_page`) as postcard into a data block, and the portal bundle
//! reads it back before it renders. The first view needs no request, and the bundle no JSON
//! decoder (its server functions answer in postcard too).

use leptos::prelude::*;

use crate::api::portal::PortalError;
use crate::model::PortalPageView;

/// What the server loaded for the page: the booking and its conversation, or why not.
pub type PortalPageData = Result<PortalPageView, PortalError>;

/// The id of the data block.
const PAGE_DATA_ID: &str = "portal-page-data";

/// The data block: a script element of a type no browser runs, so no script policy applies and
/// the text (nothing in it that markup escapes) stays as written.
#[component]
pub fn PageData(page: PortalPageData) -> impl IntoView {
    view! { <script type="application/x-postcard" id=PAGE_DATA_ID>{encode(&page)}</script> }
}

pub fn encode(page: &PortalPageData) -> String {
    // Serializing owned, plain values into memory cannot fail.
    as_text(&postcard::to_allocvec(page).unwrap_or_default())
}

/// `None` when the text is not what `encode` wrote. Not trimmed: a space may be a byte of the data.
pub fn decode(text: &str) -> Option<PortalPageData> {
    postcard::from_bytes(&from_text(text)?).ok()
}

/// Postcard's bytes as text: a printable ASCII byte stays itself, so the booking's and the
/// messages' words read here as in the markup around them and compress along with it (base64
/// cost three times as many compressed bytes); any other byte, and the four that markup escapes
/// or that would start an escape here (`&`, `<`, `>`, `%`), as `%XX`.
fn as_text(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(bytes.len() * 5 / 4);
    for &byte in bytes {
        if (b' '..=b'~').contains(&byte) && !b"&<>%".contains(&byte) {
            text.push(byte as char);
        } else {
            let _ = write!(text, "%{byte:02X}");
        }
    }
    text
}

fn from_text(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes().iter();
    while let Some(&byte) = rest.next() {
        bytes.push(match byte {
            b'%' => {
                let hex = [*rest.next()?, *rest.next()?];
                u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?
            }
            b' '..=b'~' => byte,
            _ => return None,
        });
    }
    Some(bytes)
}

/// The data the server wrote into this page, if it is there and readable.
#[cfg(feature = "browser")]
pub fn in_document() -> Option<PortalPageData> {
    decode(&document().get_element_by_id(PAGE_DATA_ID)?.text_content()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BookingView, ChatOpeningView, MessageView, ReadStateView, SenderType};

    fn page() -> PortalPageView {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        PortalPageView {
            booking: BookingView {
                customer_name: "Ana Lima".into(),
                location_name: "Harbour Kayaks".into(),
                activity: "Sunset paddle <b>".into(),
                date: "Tuesday, Nov 24".into(),
                start_time: "18:00".into(),
                duration: "2 h".into(),
                party_size: 2,
                confirmation_code: "HK-1".into(),
                status: crate::model::BookingStatus::Confirmed,
            },
            can_write: true,
            opening: ChatOpeningView {
                messages: vec![MessageView {
                    files: Vec::new(),
                    deleted: false,
                    id: crate::ids::MessageId::new("m1"),
                    seq: 1,
                    sender_type: SenderType::Customer,
                    sender_name: "Ana".into(),
                    body: "Olá — é à prova d'água? 🌊".into(),
                    client_id: "c1".into(),
                    day,
                    time: "10:00".into(),
                }],
                has_earlier: false,
                read: ReadStateView::default(),
                today: day,
                edit_seq: 7,
            },
        }
    }

    #[test]
    fn what_the_server_writes_the_browser_reads_back() {
        let page = page();
        assert_eq!(decode(&encode(&Ok(page.clone()))), Some(Ok(page)));
        assert_eq!(decode(&encode(&Err(PortalError::LinkNotValid))), Some(Err(PortalError::LinkNotValid)));
    }

    #[test]
    fn the_block_holds_the_words_as_they_are_and_nothing_markup_escapes() {
        let text = encode(&Ok(page()));
        assert!(text.contains("Harbour Kayaks") && text.contains("Sunset paddle %3Cb%3E"), "{text}");
        assert!(text.contains("%C3%A0 prova d'%C3%A1gua?"), "other bytes as %XX: {text}");
        assert!(!text.contains(['&', '<', '>']), "{text}");
        assert!(text.bytes().all(|b| (b' '..=b'~').contains(&b)), "{text}");
    }

    #[test]
    fn a_space_at_either_end_is_data() {
        // The last field is the edit seq, a zigzag varint: 16 is written as 32, the byte of a space.
        let mut page = page();
        page.opening.edit_seq = 16;
        let text = encode(&Ok(page.clone()));
        assert!(text.ends_with(' '), "{text}");
        assert_eq!(decode(&text), Some(Ok(page)));
    }

    #[test]
    fn every_byte_goes_there_and_back() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_text(&as_text(&bytes)), Some(bytes));
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(decode(""), None);
        assert_eq!(decode("%G1"), None);
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("caf\u{e9}"), None);
        assert_eq!(decode(&as_text(&[0xff, 0xff, 0xff])), None);
    }
}
