//! The portal page's data, carried to the browser inside the page: the server writes what it
//! loaded (`api::portal::load_portal_page`) as postcard in base64 into a data block, and the
//! portal bundle reads it back before it renders. The first view needs no request, and the bundle
//! no JSON decoder (its server functions answer in postcard too).

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use leptos::prelude::*;

use crate::api::portal::PortalError;
use crate::model::PortalPageView;

/// What the server loaded for the page: the booking and its conversation, or why not.
pub type PortalPageData = Result<PortalPageView, PortalError>;

/// The id of the data block.
const PAGE_DATA_ID: &str = "portal-page-data";

/// The data block: a script element of a type no browser runs, so no script policy applies and
/// the text (base64, nothing to escape) stays as written.
#[component]
pub fn PageData(page: PortalPageData) -> impl IntoView {
    view! { <script type="application/x-postcard" id=PAGE_DATA_ID>{encode(&page)}</script> }
}

pub fn encode(page: &PortalPageData) -> String {
    // Serializing owned, plain values into memory cannot fail.
    STANDARD_NO_PAD.encode(postcard::to_allocvec(page).unwrap_or_default())
}

/// `None` when the text is not what `encode` wrote.
pub fn decode(text: &str) -> Option<PortalPageData> {
    let bytes = STANDARD_NO_PAD.decode(text.trim()).ok()?;
    postcard::from_bytes(&bytes).ok()
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
    fn the_block_holds_only_base64() {
        let text = encode(&Ok(page()));
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'), "{text}");
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(decode(""), None);
        assert_eq!(decode("not base64!"), None);
        assert_eq!(decode(&STANDARD_NO_PAD.encode([0xff, 0xff, 0xff])), None);
    }
}
