//! A customer's side over HTTP, as the portal page calls it: send with an idempotency key, and
//! read a thread back through the poll.

use std::time::Duration;

use anyhow::{bail, Context};
use app::model::{ChatChangesView, MessageView};

use crate::ledger::Stored;

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

    async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> anyhow::Result<String> {
        let response = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await?;
        let status = response.status();
        let body = response.text().await?;
        if !status.is_success() {
            bail!("{endpoint}: {status}: {body}");
        }
        Ok(body)
    }

    /// Sends a message; `Ok` is the server's acknowledgement: the message as stored.
    pub async fn send(&self, token: &str, client_id: &str, body: &str) -> anyhow::Result<MessageView> {
        let answer = self.call("portal_send", &[("token", token), ("client_id", client_id), ("body", body)]).await?;
        serde_json::from_str(&answer).with_context(|| format!("portal_send answered {answer}"))
    }

    /// What a poll after `after_seq` brings.
    pub async fn poll(&self, token: &str, after_seq: i64) -> anyhow::Result<ChatChangesView> {
        let answer = self.call("portal_poll", &[("token", token), ("after_seq", &after_seq.to_string())]).await?;
        serde_json::from_str(&answer).with_context(|| format!("portal_poll answered {answer}"))
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
