//! A customer's side over HTTP, as the portal page calls it: send with an idempotency key, and
//! read a thread back through the poll.

use std::time::Duration;

use anyhow::{bail, Context};
use app::api::portal_wire;
use app::model::{ChatChangesView, MessageView};
use serde::de::DeserializeOwned;

use crate::ledger::Stored;
use crate::rate::PageBody;

#[derive(Clone)]
pub struct PortalClient {
    http: reqwest::Client,
    base: String,
}

impl PortalClient {
    pub fn new(base: &str) -> PortalClient {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("an HTTP client");
        PortalClient { http, base: base.trim_end_matches('/').to_owned() }
    }

    /// A call as the portal page makes it: postcard both ways.
    async fn call<T: DeserializeOwned>(&self, endpoint: &str, form: &[(&str, &str)]) -> anyhow::Result<T> {
        let body = PageBody::of(endpoint, &serde_urlencoded::to_string(form)?);
        let response = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .header("accept", body.accept)
            .header("content-type", body.content_type)
            .body(body.bytes)
            .send()
            .await?;
        let status = response.status();
        let answer = response.bytes().await?;
        if !status.is_success() {
            let why = portal_wire::as_json(endpoint, false, &answer);
            bail!("{endpoint}: {status}: {}", why.unwrap_or_else(|| String::from_utf8_lossy(&answer).into_owned()));
        }
        postcard::from_bytes(&answer)
            .with_context(|| format!("{endpoint} answered {} bytes of no postcard", answer.len()))
    }

    /// Sends a message; `Ok` is the server's acknowledgement: the message as stored.
    pub async fn send(&self, token: &str, client_id: &str, body: &str) -> anyhow::Result<MessageView> {
        self.call("portal_send", &[("token", token), ("client_id", client_id), ("body", body)]).await
    }

    /// What a poll after `after_seq` brings.
    pub async fn poll(&self, token: &str, after_seq: i64) -> anyhow::Result<ChatChangesView> {
        self.call("portal_poll", &[("token", token), ("after_seq", &after_seq.to_string())]).await
    }

    /// Every message of the token's thread, read page by page through the poll.
    pub async fn all_messages(&self, token: &str) -> anyhow::Result<Vec<Stored>> {
        let mut messages = Vec::new();
        let mut after = 0;
        loop {
            let page = self.poll(token, after).await?.messages;
            let Some(last) = page.last() else { return Ok(messages) };
            after = last.seq;
            messages.extend(page.into_iter().map(|m| Stored { seq: m.seq, client_id: m.client_id }));
        }
    }
}
