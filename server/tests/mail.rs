//! Email through a real SMTP server on loopback: aiosmtpd (server/tests/smtp_capture.py), one per
//! test, writes down every email it accepts. The mailer makes one pass at a time, at a time the test
//! chooses, so no test waits for a delay to pass.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use app::ids::ThreadId;
use app::model::SenderType;
use app::store::emails::{EmailRecord, EmailStatus};
use app::store::messages::NewMessage;
use app::store::seed::DEMO_PORTAL_TOKEN;
use app::store::staff::StaffAlerts;
use app::store::Store;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use common::{app, call_ok, get, send};
use serde_json::Value;
use server::mail::{Mailer, MailerConfig, Transport};
use server::retry::RetryPolicy;

const ANA: &str = DEMO_PORTAL_TOKEN;
const BASE: &str = "http://parley.test";

/// aiosmtpd on a free loopback port, stopped when dropped.
struct SmtpCapture {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpCapture {
    /// A server that answers the first `refuse_first` emails "451 try again later".
    fn start(refuse_first: u32) -> Self {
        let python = std::env::var("PARLEY_TEST_PYTHON").unwrap_or_else(|_| {
            format!("{}/.cache/parley/tools/venv/bin/python", std::env::var("HOME").unwrap_or_default())
        });
        assert!(
            Path::new(&python).exists(),
            "no Python with aiosmtpd at {python}: `make python-tools` installs it, or set PARLEY_TEST_PYTHON"
        );
        let dir = std::env::temp_dir().join(format!("parley-smtp-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(&python)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_capture.py"))
            .arg(&dir)
            .arg("--refuse-first")
            .arg(refuse_first.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("could not start {python}: {err}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok());
        let port =
            port.unwrap_or_else(|| panic!("smtp_capture.py did not start (it said {line:?}); is aiosmtpd installed?"));
        SmtpCapture { child, port, dir }
    }

    /// The emails accepted since the last call, oldest first.
    fn take(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|path| {
                let email = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                std::fs::remove_file(&path).unwrap();
                email
            })
            .collect()
    }

    fn mailer(&self, store: &Store) -> Mailer {
        let transport = Transport::smtp(&format!("smtp://127.0.0.1:{}", self.port), StdDuration::from_secs(10));
        mailer(store, transport.unwrap())
    }
}

impl Drop for SmtpCapture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mailer(store: &Store, transport: Transport) -> Mailer {
    let config = MailerConfig {
        tick: StdDuration::from_secs(5),
        retry: RetryPolicy::STANDARD,
        public_url: BASE.to_owned(),
        from: "parley@parley.test".parse().unwrap(),
    };
    Mailer::new(store.clone(), transport, config)
}

/// One mailer pass at `now`, waiting until every send it started has ended.
async fn pass(mailer: &Mailer, now: DateTime<Utc>) {
    let mut sends = mailer.pass(now).await.unwrap();
    while let Some(send) = sends.join_next().await {
        send.unwrap();
    }
}

/// The demo on mem://, its own due emails already sent (to the log), and a time after them all.
async fn demo_after_its_emails(staff_emails: &[&str]) -> (axum::Router, Store, DateTime<Utc>) {
    let (app, store) = app(true).await;
    for email in staff_emails {
        let staff = store.staff_by_email(email).await.unwrap().unwrap();
        store.set_staff_alerts(&staff.id, StaffAlerts { desktop: false, sound: false, email: true }).await.unwrap();
    }
    let start = Utc::now() + Duration::days(2);
    let log = mailer(&store, Transport::Log);
    for _ in 0..5 {
        pass(&log, start).await;
    }
    (app, store, start)
}

async fn ana_thread(store: &Store) -> ThreadId {
    let booking = store.portal_access(ANA).await.unwrap().unwrap().booking;
    store.thread_of_booking(&booking.id).await.unwrap().expect("Ana's demo thread").id
}

async fn say(store: &Store, thread: &ThreadId, side: SenderType, body: &str, at: DateTime<Utc>) {
    let (staff_id, name) = match side {
        SenderType::Operator => (None, "Maya Lindqvist"),
        SenderType::Customer => (None, "Ana Silva"),
    };
    let client_id = uuid::Uuid::new_v4().to_string();
    let new = NewMessage {
        thread_id: thread,
        sender_type: side,
        staff_id,
        sender_name: name,
        body,
        client_id: &client_id,
        files: &[],
        at,
    };
    store.append_message(new).await.unwrap();
}

async fn read(store: &Store, thread: &ThreadId, side: SenderType) {
    store.mark_read(thread, side, Utc::now()).await.unwrap();
}

fn header<'a>(email: &'a Value, name: &str) -> &'a str {
    let headers = email["headers"].as_array().unwrap();
    let found = headers.iter().find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name));
    found.unwrap_or_else(|| panic!("no {name} header in {email}"))[1].as_str().unwrap()
}

fn text(email: &Value) -> &str {
    email["text"].as_str().expect("a plain-text part")
}

/// The path of the link after `label: ` in the plain-text part.
fn link(email: &Value, label: &str) -> String {
    let line =
        text(email).lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("no {label} in {email}"));
    line.trim().strip_prefix(BASE).expect("links on the public URL").to_owned()
}

async fn emails_of(store: &Store, thread: &ThreadId) -> Vec<EmailRecord> {
    store.thread_emails(thread).await.unwrap()
}

#[tokio::test]
async fn a_customer_is_emailed_once_per_unread_stretch_after_the_delay() {
    let (_app, store, t0) = demo_after_its_emails(&[]).await;
    let smtp = SmtpCapture::start(0);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Customer).await;
    let before = emails_of(&store, &thread).await.len();

    say(&store, &thread, SenderType::Operator, "Your <b>kayak</b> & paddle are ready", t0 + Duration::minutes(1)).await;
    pass(&mailer, t0 + Duration::minutes(10)).await;
    assert!(smtp.take().is_empty(), "nothing before the location's 10 minutes");
    pass(&mailer, t0 + Duration::minutes(11)).await;
    let first = smtp.take();
    assert_eq!(first.len(), 1, "{first:?}");
    let email = &first[0];
    assert_eq!(email["rcpt_tos"], serde_json::json!(["ana.silva@example.com"]));
    assert_eq!(header(email, "From"), "Bay Kayak Tours <parley@parley.test>");
    assert_eq!(header(email, "Subject"), "Bay Kayak Tours replied about your Sunset Sea Kayak Tour");
    let record = &emails_of(&store, &thread).await[before];
    assert_eq!(header(email, "Message-ID"), format!("<{}@parley.test>", record.id));
    assert_eq!(header(email, "Auto-Submitted"), "auto-generated");
    assert_eq!(header(email, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    let unsubscribe = header(email, "List-Unsubscribe");
    assert!(unsubscribe.starts_with("<http://parley.test/portal/") && unsubscribe.ends_with("/unsubscribe>"));
    assert_eq!(email["parts"], serde_json::json!(["multipart/alternative", "text/plain", "text/html"]));
    assert!(text(email).contains("> Your <b>kayak</b> & paddle are ready"), "{}", text(email));
    assert!(text(email).contains("Maya Lindqvist of Bay Kayak Tours wrote to you"), "{}", text(email));
    let html = email["html"].as_str().unwrap();
    assert!(html.contains("Your &lt;b&gt;kayak&lt;/b&gt; &amp; paddle are ready"), "{html}");
    assert!(!html.contains("<b>") && !html.contains("<img") && !html.contains("<script"), "{html}");
    assert!(!html.contains("/dashboard") && !html.contains("@parley.demo"), "no staff-only links or addresses");

    // A second message in the same unread stretch: no second email.
    say(&store, &thread, SenderType::Operator, "Bring a hat", t0 + Duration::minutes(12)).await;
    pass(&mailer, t0 + Duration::minutes(30)).await;
    assert!(smtp.take().is_empty(), "one email per stretch");

    // Read, then a new message: a new stretch and, after the delay, its own email.
    read(&store, &thread, SenderType::Customer).await;
    say(&store, &thread, SenderType::Operator, "See you at the dock", t0 + Duration::minutes(40)).await;
    pass(&mailer, t0 + Duration::minutes(49)).await;
    assert!(smtp.take().is_empty());
    pass(&mailer, t0 + Duration::minutes(50)).await;
    let second = smtp.take();
    assert_eq!(second.len(), 1, "{second:?}");
    assert!(text(&second[0]).contains("> See you at the dock"));
    assert!(!text(&second[0]).contains("Bring a hat"), "only what waits since the last read");
    assert_ne!(header(&second[0], "Message-ID"), header(email, "Message-ID"));
}

#[tokio::test]
async fn a_teams_note_is_never_in_a_customer_email() {
    use app::store::notes::NewNote;

    let (_app, store, t0) = demo_after_its_emails(&[]).await;
    let smtp = SmtpCapture::start(0);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Customer).await;
    say(&store, &thread, SenderType::Operator, "Your kayak is ready", t0 + Duration::minutes(1)).await;
    let maya = store.staff_by_email("maya@parley.demo").await.unwrap().unwrap();
    for (n, body) in ["NOTE-ONLY: she asked for a discount", "NOTE-ONLY: owner said no"].into_iter().enumerate() {
        let client_id = format!("note-{n}");
        let note = NewNote {
            thread_id: &thread,
            staff_id: &maya.id,
            author_name: "Maya Lindqvist",
            body,
            client_id: &client_id,
            at: t0 + Duration::minutes(2),
        };
        store.add_note(note).await.unwrap();
    }
    say(&store, &thread, SenderType::Operator, "Bring a hat", t0 + Duration::minutes(3)).await;
    pass(&mailer, t0 + Duration::minutes(30)).await;
    let sent = smtp.take();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(text(&sent[0]).contains("> Bring a hat"), "the messages around the notes: {}", text(&sent[0]));
    let whole = sent[0].to_string();
    assert!(!whole.contains("NOTE-ONLY"), "a note in the customer's email: {whole}");
}

#[tokio::test]
async fn no_email_when_the_customer_reads_before_the_delay() {
    let (_app, store, t0) = demo_after_its_emails(&[]).await;
    let smtp = SmtpCapture::start(0);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Customer).await;
    let before = emails_of(&store, &thread).await.len();

    say(&store, &thread, SenderType::Operator, "Your kayak is ready", t0 + Duration::minutes(1)).await;
    pass(&mailer, t0 + Duration::minutes(5)).await;
    read(&store, &thread, SenderType::Customer).await;
    pass(&mailer, t0 + Duration::minutes(30)).await;
    assert!(smtp.take().is_empty());
    assert_eq!(emails_of(&store, &thread).await.len(), before, "none decided either");
}

#[tokio::test]
async fn the_links_in_a_customer_email_open_the_portal_and_stop_the_emails() {
    let (app, store, t0) = demo_after_its_emails(&[]).await;
    let smtp = SmtpCapture::start(0);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Customer).await;
    say(&store, &thread, SenderType::Operator, "Your kayak is ready", t0 + Duration::minutes(1)).await;
    pass(&mailer, t0 + Duration::minutes(11)).await;
    let email = smtp.take().pop().expect("an email");

    let (status, page) = get(&app, &link(&email, "Read and reply:")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sunset Sea Kayak Tour") && page.contains("Your kayak is ready"));

    // Opening the unsubscribe link (as a mail scanner would) changes nothing.
    let unsubscribe = link(&email, "Stop these emails:");
    let (status, page) = get(&app, &unsubscribe).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Emails about your booking") && page.contains("Stop these emails"), "{page}");
    assert!(!page.contains("@parley.demo") && !page.contains("Your kayak is ready"), "only the booking, no staff data");
    assert_eq!(store.portal_access(ANA).await.unwrap().unwrap().booking.emails_off_at, None);

    // The mail program's one-click POST (RFC 8058): no cookie, no Origin.
    let one_click = Request::post(&unsubscribe)
        .header("host", "parley.test")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .unwrap();
    let (status, body) = send(&app, one_click).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "You will get no more emails about this booking."));
    assert!(store.portal_access(ANA).await.unwrap().unwrap().booking.emails_off_at.is_some());
    let (_, page) = get(&app, &unsubscribe).await;
    assert!(page.contains("Email me again"), "the page shows the emails are off");

    read(&store, &thread, SenderType::Customer).await;
    say(&store, &thread, SenderType::Operator, "Still on for tomorrow", t0 + Duration::minutes(20)).await;
    pass(&mailer, t0 + Duration::minutes(40)).await;
    assert!(smtp.take().is_empty(), "no email after unsubscribing");

    // The page's button turns them on again.
    let token = unsubscribe.trim_start_matches("/portal/").trim_end_matches("/unsubscribe").to_owned();
    let choice = call_ok(&app, "portal_set_emails", &[("token", &token), ("on", "true")]).await;
    assert_eq!(choice["emails_on"], true);
    read(&store, &thread, SenderType::Customer).await;
    say(&store, &thread, SenderType::Operator, "Weather looks good", t0 + Duration::minutes(50)).await;
    pass(&mailer, t0 + Duration::minutes(60)).await;
    assert_eq!(smtp.take().len(), 1);

    let bad = Request::post("/portal/not-a-real-token/unsubscribe")
        .header("host", "parley.test")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, bad).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn team_emails_go_only_to_staff_of_the_location_who_chose_them() {
    // Jon (Bay Kayak Tours) and the Lockbox desk chose emails; Maya (both locations) did not.
    let (_app, store, t0) = demo_after_its_emails(&["jon@parley.demo", "desk@parley.demo"]).await;
    let smtp = SmtpCapture::start(0);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Operator).await;

    say(&store, &thread, SenderType::Customer, "Is there parking <near> the dock?", t0 + Duration::minutes(1)).await;
    pass(&mailer, t0 + Duration::minutes(15)).await;
    assert!(smtp.take().is_empty(), "nothing before the location's 15 minutes");
    pass(&mailer, t0 + Duration::minutes(16)).await;
    let sent = smtp.take();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let email = &sent[0];
    assert_eq!(email["rcpt_tos"], serde_json::json!(["jon@parley.demo"]));
    assert_eq!(header(email, "Subject"), "Ana Silva is waiting for a reply (Sunset Sea Kayak Tour)");
    assert!(text(email).contains("> Is there parking <near> the dock?"));
    assert_eq!(link(email, "Open the conversation:"), format!("/dashboard/threads/{thread}"));
    assert!(email["html"].as_str().unwrap().contains("parking &lt;near&gt; the dock"));
    assert!(!email["headers"].as_array().unwrap().iter().any(|h| h[0] == "List-Unsubscribe"));
}

#[tokio::test]
async fn a_refused_email_is_sent_again_later_under_the_same_message_id() {
    let (_app, store, t0) = demo_after_its_emails(&[]).await;
    let smtp = SmtpCapture::start(1);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Customer).await;
    let before = emails_of(&store, &thread).await.len();
    say(&store, &thread, SenderType::Operator, "Your kayak is ready", t0 + Duration::minutes(1)).await;

    let first_try = t0 + Duration::minutes(11);
    pass(&mailer, first_try).await;
    assert!(smtp.take().is_empty(), "the SMTP server refused it");
    let pending = emails_of(&store, &thread).await.remove(before);
    assert_eq!((pending.status, pending.attempts), (EmailStatus::Pending, 1));
    assert!(pending.last_error.as_deref().unwrap_or_default().contains("451"), "{:?}", pending.last_error);
    assert!(pending.next_attempt_at > first_try);

    pass(&mailer, first_try).await;
    assert!(smtp.take().is_empty(), "not again before its retry time");
    pass(&mailer, pending.next_attempt_at).await;
    let sent = smtp.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(header(&sent[0], "Message-ID"), format!("<{}@parley.test>", pending.id));
    let done = emails_of(&store, &thread).await.remove(before);
    assert_eq!((done.status, done.attempts), (EmailStatus::Sent, 2));
    assert_eq!(emails_of(&store, &thread).await.len(), before + 1, "one email, two attempts");
}

#[tokio::test]
async fn an_email_names_the_photos_that_wait_and_never_attaches_them() {
    use app::store::attachments::{new_attachment_id, NewAttachment};

    let (_app, store, t0) = demo_after_its_emails(&[]).await;
    let smtp = SmtpCapture::start(0);
    let mailer = smtp.mailer(&store);
    let thread = ana_thread(&store).await;
    read(&store, &thread, SenderType::Customer).await;
    let access = store.portal_access(ANA).await.unwrap().unwrap();
    let photo = new_attachment_id();
    let new = NewAttachment {
        id: &photo,
        booking_id: &access.booking.id,
        location_id: &access.location.id,
        uploaded_by: SenderType::Operator,
        name: "meeting-point.jpg",
        content_type: "image/jpeg",
        size: 48_000,
        dimensions: Some((800, 600)),
        at: t0,
    };
    store.create_attachment(new).await.unwrap();
    let client_id = uuid::Uuid::new_v4().to_string();
    let message = NewMessage {
        thread_id: &thread,
        sender_type: SenderType::Operator,
        staff_id: None,
        sender_name: "Maya Lindqvist",
        body: "",
        files: std::slice::from_ref(&photo),
        client_id: &client_id,
        at: t0 + Duration::minutes(1),
    };
    store.append_message(message).await.unwrap();
    pass(&mailer, t0 + Duration::minutes(11)).await;
    let sent = smtp.take();
    assert_eq!(sent.len(), 1);
    assert!(text(&sent[0]).contains("> (1 photo)"), "{}", text(&sent[0]));
    assert_eq!(
        sent[0]["parts"],
        serde_json::json!(["multipart/alternative", "text/plain", "text/html"]),
        "nothing attached"
    );
    assert!(!sent[0]["html"].as_str().unwrap().contains(photo.as_str()), "no link to the file itself");
}
