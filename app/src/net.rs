//! Where a webhook may point: http(s) only, and never into the server's own network unless the
//! server was started to allow it (tests, local development).

use std::net::IpAddr;

/// Refuses URLs that are not http(s), and hosts that resolve to loopback, private, link-local or
/// unspecified addresses (unless allowed), so a webhook cannot be aimed into the server's network.
pub async fn check_destination(url: &str, allow_private: bool) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| "not a valid URL".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("the URL must start with http:// or https://".into());
    }
    let host = parsed.host_str().ok_or("the URL has no host")?.to_owned();
    if allow_private {
        return Ok(());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses = tokio::net::lookup_host((host.trim_start_matches('[').trim_end_matches(']'), port))
        .await
        .map_err(|_| format!("cannot resolve {host}"))?;
    for address in addresses {
        if is_internal(address.ip()) {
            return Err(format!("{host} points at a loopback or private address"));
        }
    }
    Ok(())
}

fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_destinations_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:9/hook",
            "http://10.1.2.3/x",
            "http://192.168.0.10/",
            "http://[::1]:8080/",
            "http://169.254.169.254/latest",
            "http://localhost/",
        ] {
            assert!(check_destination(url, false).await.is_err(), "{url}");
            assert!(check_destination(url, true).await.is_ok(), "{url} with the flag");
        }
        for url in ["ftp://example.com/x", "not a url", "file:///etc/passwd"] {
            assert!(check_destination(url, true).await.is_err(), "{url}");
        }
        assert!(check_destination("http://93.184.215.14/hook", false).await.is_ok(), "a public address");
    }
}
