//! Command-line configuration: every flag is also an environment variable.

use std::net::SocketAddr;

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(name = "parley", version, about = "Parley: booking-linked customer chat")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Database: surrealkv://PATH (embedded, durable), mem:// (tests) or ws://HOST:PORT.
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

    /// Log filter, in tracing's EnvFilter syntax (for example "info" or "server=debug,info").
    #[arg(long, env = "PARLEY_LOG", default_value = "info")]
    pub log: String,
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
    }

    #[test]
    fn flags_parse() {
        let c = Config::try_parse_from(["parley", "--addr", "0.0.0.0:8080", "--db", "mem://", "--demo"]).unwrap();
        assert_eq!(c.addr.port(), 8080);
        assert_eq!(c.db, "mem://");
        assert!(c.demo);
    }

    #[test]
    fn a_bad_address_is_an_error_not_a_panic() {
        let err = Config::try_parse_from(["parley", "--addr", "nowhere"]).unwrap_err();
        assert!(err.to_string().contains("--addr"), "{err}");
    }
}
