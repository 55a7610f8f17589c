//! Where sign-in sends a person: back to the page they wanted, and never to another site.

/// Where the dashboard starts.
pub const DASHBOARD: &str = "/dashboard";

/// The sign-in page that comes back to `next` afterwards: "/login?next=%2Fdashboard%2Fthreads%2Fx".
pub fn login_path(next: &str) -> String {
    format!("/login?next={}", encode_component(next))
}

/// `next` when it is a path on this site; the dashboard otherwise. A path starts with one "/":
/// "//evil.example" and "/\evil.example" are other sites to a browser, so are refused like
/// "https://evil.example", and so is anything with a control character.
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => DASHBOARD,
    }
}

/// Percent-encodes everything but the unreserved characters (RFC 3986), for a query value.
fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_path_carries_where_to_go_back() {
        assert_eq!(login_path("/dashboard/threads/abc"), "/login?next=%2Fdashboard%2Fthreads%2Fabc");
        assert_eq!(
            login_path("/dashboard/bookings?q=a b&x=1"),
            "/login?next=%2Fdashboard%2Fbookings%3Fq%3Da%20b%26x%3D1"
        );
    }

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(local_path(Some("/dashboard/threads/abc")), "/dashboard/threads/abc");
        assert_eq!(local_path(Some("/dashboard/bookings?q=ana")), "/dashboard/bookings?q=ana");
        for elsewhere in
            ["https://evil.example", "//evil.example/x", "/\\evil.example", "evil", "", "/a\nb", "javascript:alert(1)"]
        {
            assert_eq!(local_path(Some(elsewhere)), DASHBOARD, "{elsewhere:?}");
        }
        assert_eq!(local_path(None), DASHBOARD);
    }
}
