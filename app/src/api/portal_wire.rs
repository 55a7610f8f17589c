//! For tests and `make bench`: the portal's calls speak postcard, as the portal bundle does,
//! while tests and the bench write every call as form fields and read answers as JSON. These
//! translate through the calls' own types, so what goes over the wire is what the page sends.

use crate::api::portal::{
    PortalEarlier, PortalError, PortalMarkRead, PortalPoll, PortalSend, PortalUnsend, PortalView,
};
use crate::model::{ChatChangesView, EarlierMessagesView, MessageView, PortalPageView, ReadStateView};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/x-postcard";

/// The postcard body of a portal call given as form fields; `None` for any other call.
pub fn encode(endpoint: &str, form: &str) -> Option<Vec<u8>> {
    fn to_postcard<T: DeserializeOwned + Serialize>(form: &str) -> Vec<u8> {
        // As server_fn reads form-encoded calls (brackets for lists: `files[0]=…`).
        let call: T =
            serde_qs::Config::new(5, false).deserialize_str(form).unwrap_or_else(|e| panic!("fields {form}: {e}"));
        postcard::to_allocvec(&call).expect("a call serializes")
    }
    Some(match endpoint {
        "portal_send" => to_postcard::<PortalSend>(form),
        "portal_poll" => to_postcard::<PortalPoll>(form),
        "portal_earlier" => to_postcard::<PortalEarlier>(form),
        "portal_unsend" => to_postcard::<PortalUnsend>(form),
        "portal_mark_read" => to_postcard::<PortalMarkRead>(form),
        "portal_view" => to_postcard::<PortalView>(form),
        _ => return None,
    })
}

/// A portal call's postcard answer as JSON: the value when the call succeeded (`ok`), the
/// `PortalError` otherwise. `None` for any other call, or for an answer that is not postcard (a
/// refusal by the router before the call ran).
pub fn as_json(endpoint: &str, ok: bool, bytes: &[u8]) -> Option<String> {
    fn decode<T: DeserializeOwned + Serialize>(ok: bool, bytes: &[u8]) -> Option<String> {
        let json = if ok {
            serde_json::to_string(&postcard::from_bytes::<T>(bytes).ok()?)
        } else {
            serde_json::to_string(&postcard::from_bytes::<PortalError>(bytes).ok()?)
        };
        Some(json.expect("a view serializes"))
    }
    match endpoint {
        "portal_send" | "portal_unsend" => decode::<MessageView>(ok, bytes),
        "portal_poll" => decode::<ChatChangesView>(ok, bytes),
        "portal_earlier" => decode::<EarlierMessagesView>(ok, bytes),
        "portal_mark_read" => decode::<ReadStateView>(ok, bytes),
        "portal_view" => decode::<PortalPageView>(ok, bytes),
        _ => None,
    }
}
