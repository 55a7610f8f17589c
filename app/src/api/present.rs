//! Server side: store records into the wire types the pages show, with times in the location's zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::model::{BookingDetailsView, BookingView, MessageView, NoteView, ReadStateView};
use crate::store::bookings::{BookingRecord, CustomerRecord};
use crate::store::locations::LocationRecord;
use crate::store::messages::MessageRecord;
use crate::store::notes::NoteRecord;
use crate::store::threads::ThreadRecord;
use crate::text::{clock_time, duration_label, long_date};

/// The location's time zone; a name the database somehow holds but chrono-tz does not know is UTC.
pub fn zone(location: &LocationRecord) -> Tz {
    location.timezone.parse().unwrap_or(Tz::UTC)
}

pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// A local day as a UTC window: from its first moment to the next day's; `None` for a day the
/// zone cannot place (out of range).
pub fn day_window(day: NaiveDate, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    use chrono::TimeZone;
    let start = |d: NaiveDate| tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.to_utc());
    Some((start(day)?, start(day.succ_opt()?)?))
}

pub fn chat_message(message: MessageRecord, tz: Tz) -> MessageView {
    let local = message.created_at.with_timezone(&tz);
    MessageView {
        id: message.id,
        seq: message.seq,
        sender_type: message.sender_type,
        sender_name: message.sender_name,
        body: message.body,
        files: message.files.into_iter().map(file_view).collect(),
        deleted: message.deleted_at.is_some(),
        client_id: message.client_id,
        day: local.date_naive(),
        time: clock_time(local.time()),
    }
}

pub fn note_view(note: NoteRecord, tz: Tz) -> NoteView {
    let local = note.created_at.with_timezone(&tz);
    NoteView {
        id: note.id,
        note_seq: note.note_seq,
        after_seq: note.after_seq,
        author_name: note.author_name,
        body: note.body,
        client_id: note.client_id,
        day: local.date_naive(),
        time: clock_time(local.time()),
    }
}

pub fn file_view(file: crate::store::attachments::MessageFileRecord) -> crate::model::FileView {
    crate::model::FileView {
        id: file.id,
        name: file.name,
        content_type: file.content_type,
        size: file.size,
        width: file.width,
        height: file.height,
    }
}

pub fn read_state(thread: Option<&ThreadRecord>) -> ReadStateView {
    thread.map_or_else(ReadStateView::default, |t| ReadStateView {
        customer_read_seq: t.customer_read_seq,
        operator_read_seq: t.operator_read_seq,
        unread_for_customer: t.unread_for_customer,
        unread_for_operator: t.unread_for_operator,
    })
}

pub fn booking_summary(
    booking: &BookingRecord,
    customer: &CustomerRecord,
    location: &LocationRecord,
    today: NaiveDate,
) -> BookingView {
    let starts = booking.starts_at.with_timezone(&zone(location));
    BookingView {
        activity: booking.activity.clone(),
        confirmation_code: booking.confirmation_code.clone(),
        status: booking.status,
        location_name: location.name.clone(),
        customer_name: customer.full_name(),
        date: long_date(starts.date_naive(), today),
        start_time: clock_time(starts.time()),
        duration: duration_label(booking.duration_minutes),
        party_size: booking.party_size,
    }
}

/// A booking's details as a saved reply fills them in (`reply_template`), in the location's zone.
pub fn booking_details(
    booking: &BookingRecord,
    customer: &CustomerRecord,
    location: &LocationRecord,
    today: NaiveDate,
) -> BookingDetailsView {
    let summary = booking_summary(booking, customer, location, today);
    BookingDetailsView {
        first_name: customer.first_name.clone(),
        last_name: customer.last_name.clone(),
        activity: summary.activity,
        date: summary.date,
        start_time: summary.start_time,
        duration: summary.duration,
        party_size: booking.party_size.to_string(),
        confirmation_code: summary.confirmation_code,
        location: summary.location_name,
    }
}

/// A Conversations list row; relative times count from `now`, so both sides render them alike.
pub fn inbox_row(entry: &crate::store::inbox::InboxEntry, tz: Tz, now: DateTime<Utc>) -> crate::model::InboxRowView {
    let today = local_date(now, tz);
    let code = entry.booking.confirmation_code.split('-').next().unwrap_or_default().to_owned();
    crate::model::InboxRowView {
        thread_id: entry.thread.id.clone(),
        customer_name: entry.customer.full_name(),
        activity: entry.booking.activity.clone(),
        code,
        booking_date: crate::text::short_date(local_date(entry.booking.starts_at, tz), today),
        preview: entry.thread.preview.clone(),
        last_sender: entry.thread.last_sender_type,
        last_message_ms: entry.thread.last_message_at.timestamp_millis(),
        last_message_day: local_date(entry.thread.last_message_at, tz),
        status: entry.booking.status,
        unread: entry.thread.unread_for_operator,
        updated_ms: entry.thread.updated_at.timestamp_millis(),
    }
}

/// A Bookings list row.
pub fn booking_row(
    booking: &BookingRecord,
    customer: &CustomerRecord,
    location: &LocationRecord,
    today: NaiveDate,
) -> crate::model::BookingRowView {
    let starts = booking.starts_at.with_timezone(&zone(location));
    crate::model::BookingRowView {
        booking_id: booking.id.clone(),
        customer_id: customer.id.clone(),
        customer_name: customer.full_name(),
        activity: booking.activity.clone(),
        confirmation_code: booking.confirmation_code.clone(),
        date: long_date(starts.date_naive(), today),
        start_time: clock_time(starts.time()),
        status: booking.status,
    }
}

pub fn departure_view(
    departure: &crate::store::departures::DepartureRecord,
    tz: Tz,
    today: NaiveDate,
) -> crate::model::DepartureView {
    let starts = departure.starts_at.with_timezone(&tz);
    crate::model::DepartureView {
        activity: departure.activity.clone(),
        starts_at: departure.starts_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        date: long_date(starts.date_naive(), today),
        start_time: clock_time(starts.time()),
        confirmed: departure.confirmed,
        cancelled: departure.cancelled,
    }
}

pub fn departure_booking(booking: &BookingRecord, customer: &CustomerRecord) -> crate::model::DepartureBookingView {
    crate::model::DepartureBookingView {
        booking_id: booking.id.clone(),
        customer_name: customer.full_name(),
        confirmation_code: booking.confirmation_code.clone(),
        party_size: booking.party_size,
        status: booking.status,
    }
}

pub fn broadcast_summary(
    broadcast: &crate::store::broadcasts::BroadcastRecord,
    recipients: &[crate::store::broadcasts::RecipientRecord],
    location: &LocationRecord,
) -> crate::model::BroadcastSummaryView {
    let tz = zone(location);
    let today = local_date(Utc::now(), tz);
    let (starts, sent) = (broadcast.starts_at.with_timezone(&tz), broadcast.created_at.with_timezone(&tz));
    crate::model::BroadcastSummaryView {
        id: broadcast.id.clone(),
        activity: broadcast.activity.clone(),
        date: long_date(starts.date_naive(), today),
        start_time: clock_time(starts.time()),
        sender_name: broadcast.sender_name.clone(),
        sent_at: format!("{}, {}", crate::text::short_date(sent.date_naive(), today), clock_time(sent.time())),
        recipients: recipients.len(),
        seen: recipients.iter().filter(|r| r.seen()).count(),
    }
}

pub fn recipient_view(
    recipient: &crate::store::broadcasts::RecipientRecord,
    booking: &BookingRecord,
    customer: &CustomerRecord,
) -> crate::model::RecipientView {
    crate::model::RecipientView {
        booking_id: booking.id.clone(),
        thread_id: crate::ids::ThreadId::of(&booking.id),
        customer_name: customer.full_name(),
        confirmation_code: booking.confirmation_code.clone(),
        status: booking.status,
        sent: recipient.sent(),
        seen: recipient.seen(),
        replied: recipient.replied(),
    }
}
