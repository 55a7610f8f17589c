//! Command-line configuration: every flag is also an environment variable.

use std::net::SocketAddr;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(name = "parley", version, about = "Parley: booking-linked customer chat")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Database: surrealkv://PATH (embedded, durable), mem:// (tests) or ws://HOST:PORT (a SurrealDB
    /// server that several Parley servers share; its user comes from the environment only, as
    /// PARLEY_DB_USER and PARLEY_DB_PASS, so that it never shows in a process list).
    #[arg(long, env = "PARLEY_DB", default_value = "surrealkv://data/parley.db")]
    pub db: String,

    /// Seed demo locations, staff, bookings and conversations into an empty database.
    #[arg(long, env = "PARLEY_DEMO", value_parser = clap::builder::BoolishValueParser::new(),
          action = clap::ArgAction::SetTrue)]
    pub demo: bool,

    /// Allow webhook endpoints on loopback and private addresses (tests, local development only).
    #[arg(long, env = "PARLEY_ALLOW_PRIVATE_WEBHOOKS", value_parser = clap::builder::BoolishValueParser::new(),
          action = clap::ArgAction::SetTrue)]
    pub allow_private_webhooks: bool,

    /// REST API requests a key may make at once…
    #[arg(long, env = "PARLEY_API_BURST", default_value_t = 60)]
    pub api_burst: u32,

    /// …and per second after that (per server process).
    #[arg(long, env = "PARLEY_API_RATE", default_value_t = 20)]
    pub api_rate: u32,

    /// SMTP server for email: smtp://host:25, smtp://user:pass@host:587?tls=required (STARTTLS) or
    /// smtps://user:pass@host:465. Without it no email is sent; what would be is logged.
    #[arg(long, env = "PARLEY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// The address emails come from; each shows its location's name as the sender.
    #[arg(long, env = "PARLEY_MAIL_FROM", default_value = "parley@localhost")]
    pub mail_from: lettre::Address,

    /// Where the links in emails point, as customers and staff reach this server
    /// (https://chat.example.com); http://ADDR when left out.
    #[arg(long, env = "PARLEY_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Where uploaded photos and files are kept when no S3 bucket is set.
    #[arg(long, env = "PARLEY_FILES", default_value = "data/files")]
    pub files: std::path::PathBuf,

    /// An S3-compatible bucket for photos and files (several servers share it); PARLEY_FILES is
    /// then unused.
    #[arg(long, env = "PARLEY_S3_BUCKET")]
    pub s3_bucket: Option<String>,

    /// The S3 API's address for a service other than AWS (http://127.0.0.1:9000).
    #[arg(long, env = "PARLEY_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    #[arg(long, env = "PARLEY_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    #[arg(long, env = "PARLEY_S3_ACCESS_KEY_ID", default_value = "")]
    pub s3_access_key_id: String,

    #[arg(long, env = "PARLEY_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<Secret>,

    /// Log filter, in tracing's EnvFilter syntax (for example "info" or "server=debug,info").
    #[arg(long, env = "PARLEY_LOG", default_value = "info")]
    pub log: String,
}

impl Config {
    /// Where files' bytes go: the S3 bucket if one is set, else the directory.
    pub fn blobs(&self) -> Result<app::store::blobs::Blobs, String> {
        use app::store::blobs::{Blobs, S3Settings};
        match &self.s3_bucket {
            Some(bucket) => Blobs::s3(&S3Settings {
                bucket: bucket.clone(),
                endpoint: self.s3_endpoint.clone(),
                region: self.s3_region.clone(),
                access_key_id: self.s3_access_key_id.clone(),
                secret_access_key: self.s3_secret_access_key.as_ref().map(|s| s.0.clone()).unwrap_or_default(),
            }),
            None => Blobs::local(&self.files),
        }
    }

    /// The base of every link in an email.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.addr))
    }
}

/// Who to sign in to a SurrealDB server as, from `PARLEY_DB_USER` and `PARLEY_DB_PASS` (read
/// through `var`): both or neither. Not flags, so the password never appears in argv.
pub fn db_user(var: impl Fn(&str) -> Option<String>) -> Result<Option<app::store::DbUser>, String> {
    match (var("PARLEY_DB_USER"), var("PARLEY_DB_PASS")) {
        (Some(name), Some(password)) if !name.is_empty() => Ok(Some(app::store::DbUser { name, password })),
        (None, None) => Ok(None),
        _ => Err("set both PARLEY_DB_USER and PARLEY_DB_PASS to sign in to the database, or neither".into()),
    }
}

/// A value that holds a credential: it is never printed.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::try_parse_from(["parley"]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.db, "surrealkv://data/parley.db");
        assert!(!c.demo);
        assert!(c.smtp_url.is_none());
        assert_eq!(c.mail_from.to_string(), "parley@localhost");
        assert_eq!(c.public_url(), "http://127.0.0.1:3000");
        assert_eq!(c.files, std::path::PathBuf::from("data/files"));
        assert!(c.s3_bucket.is_none());
    }

    #[test]
    fn secrets_are_never_printed_and_a_bad_sender_is_an_error() {
        let c = Config::try_parse_from([
            "parley",
            "--smtp-url",
            "smtps://me:hunter2@mail.example.com:465",
            "--s3-secret-access-key",
            "s3cr3t-key",
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2") && !format!("{c:?}").contains("s3cr3t"), "{c:?}");
        let err = Config::try_parse_from(["parley", "--mail-from", "not an address"]).unwrap_err();
        assert!(err.to_string().contains("--mail-from"), "{err}");
    }

    #[test]
    fn flags_parse() {
        let c = Config::try_parse_from(["parley", "--addr", "0.0.0.0:8080", "--db", "mem://", "--demo"]).unwrap();
        assert_eq!(c.addr.port(), 8080);
        assert_eq!(c.db, "mem://");
        assert!(c.demo);
    }

    #[test]
    fn the_database_user_comes_from_both_variables_or_neither() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        assert!(db_user(env(&[])).unwrap().is_none());
        let user = db_user(env(&[("PARLEY_DB_USER", "parley"), ("PARLEY_DB_PASS", "hunter2")])).unwrap().unwrap();
        assert_eq!((user.name.as_str(), user.password.as_str()), ("parley", "hunter2"));
        assert!(!format!("{user:?}").contains("hunter2"));
        for half in [&[("PARLEY_DB_USER", "parley")][..], &[("PARLEY_DB_PASS", "hunter2")][..]] {
            let err = db_user(env(half)).unwrap_err();
            assert!(err.contains("PARLEY_DB_USER and PARLEY_DB_PASS"), "{err}");
        }
    }

    #[test]
    fn a_bad_address_is_an_error_not_a_panic() {
        let err = Config::try_parse_from(["parley", "--addr", "nowhere"]).unwrap_err();
        assert!(err.to_string().contains("--addr"), "{err}");
    }
}
