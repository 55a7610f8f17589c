//! What the REST API sends and takes. Times are RFC 3339 strings in UTC; sender_type is 0
//! (customer) or 1 (operator), as in the UI.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::store::attachments::MessageFileRecord;
use app::store::messages::MessageRecord;
use app::store::threads::ThreadRecord;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiThread {
    pub id: String,
    pub booking_id: String,
    pub location_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub last_message_at: String,
    pub preview: String,
    pub last_seq: i64,
    /// Customer messages the team has not read.
    pub unread_for_operator: i64,
    /// Team messages the customer has not read.
    pub unread_for_customer: i64,
    pub operator_read_seq: i64,
    pub customer_read_seq: i64,
}

impl From<ThreadRecord> for ApiThread {
    fn from(t: ThreadRecord) -> Self {
        ApiThread {
            id: t.id.into(),
            booking_id: t.booking_id.into(),
            location_id: t.location_id.into(),
            created_at: t.created_at.to_rfc3339(),
            updated_at: t.updated_at.to_rfc3339(),
            last_message_at: t.last_message_at.to_rfc3339(),
            preview: t.preview,
            last_seq: t.last_seq,
            unread_for_operator: t.unread_for_operator,
            unread_for_customer: t.unread_for_customer,
            operator_read_seq: t.operator_read_seq,
            customer_read_seq: t.customer_read_seq,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiMessage {
    pub id: String,
    pub thread_id: String,
    pub seq: i64,
    /// 0: customer, 1: operator.
    pub sender_type: i64,
    pub sender_name: String,
    /// Empty for a message of files only.
    pub text: String,
    pub attachments: Vec<ApiAttachment>,
    pub client_id: String,
    pub created_at: String,
    /// When it was unsent (its text and files are gone); null while it stands.
    pub deleted_at: Option<String>,
}

/// A photo or a file in a message, or uploaded to go with one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAttachment {
    pub id: String,
    pub name: String,
    /// image/jpeg, image/png or application/pdf (photos are stored re-encoded, without metadata).
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// A photo's size in pixels.
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Where an API key of the location downloads it (relative to this server).
    pub url: String,
}

impl ApiAttachment {
    pub fn new(id: String, name: String, content_type: String, size: i64, dims: (Option<i64>, Option<i64>)) -> Self {
        let url = format!("/api/v1/files/{id}");
        ApiAttachment { id, name, content_type, size, width: dims.0, height: dims.1, url }
    }
}

impl From<MessageFileRecord> for ApiAttachment {
    fn from(f: MessageFileRecord) -> Self {
        ApiAttachment::new(f.id.into(), f.name, f.content_type, f.size, (f.width, f.height))
    }
}

/// The form that uploads a file: one field, `file`, and no other. Only its document: the handler
/// reads the form as a stream.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FileUpload {
    /// A JPEG, PNG, WebP or GIF photo or a PDF, up to 10 MB; its type is read from its bytes.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

impl From<MessageRecord> for ApiMessage {
    fn from(m: MessageRecord) -> Self {
        ApiMessage {
            id: m.id.into(),
            thread_id: m.thread_id.into(),
            seq: m.seq,
            sender_type: m.sender_type.code(),
            sender_name: m.sender_name,
            text: m.body,
            attachments: m.files.into_iter().map(ApiAttachment::from).collect(),
            client_id: m.client_id,
            created_at: m.created_at.to_rfc3339(),
            deleted_at: m.deleted_at.map(|t| t.to_rfc3339()),
        }
    }
}

/// A page of results; pass `next_cursor` back as `cursor` for the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only what changed at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub updated_since: Option<String>,
    /// From a previous page's `next_cursor`.
    #[param(pattern = r"^[0-9]{1,18}\.[A-Za-z0-9_-]{1,64}$")]
    pub cursor: Option<String>,
    /// 50 when left out.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u8>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesParams {
    /// Only messages with a higher seq (a previous page's `next_cursor`); 0 when left out.
    #[param(minimum = 0)]
    pub after_seq: Option<i64>,
    /// 50 when left out.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u8>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewThread {
    pub booking_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMessageBody {
    /// 1 to 4000 characters after trimming.
    #[schema(min_length = 1, max_length = 4000, pattern = r"[^\s]")]
    pub text: String,
    /// A UUID chosen by the caller: a retry with the same one returns the first message.
    #[schema(format = "uuid")]
    pub client_id: String,
    /// How the message is signed, at most 80 characters; "Support" when left out or blank.
    #[schema(max_length = 80)]
    pub sender_name: Option<String>,
    /// Ids of files uploaded with `POST /threads/{id}/files` for this thread and not sent yet.
    #[schema(max_items = 5)]
    pub attachments: Option<Vec<String>>,
}
