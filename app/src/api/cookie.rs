//! The session cookie: read from a `Cookie` header, written as a `Set-Cookie` value.

/// The cookie that carries a staff member's session token.
pub const SESSION_COOKIE: &str = "parley_session";

/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 14;

/// The value of cookie `name` in a `Cookie` request header.
pub fn read_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// `Set-Cookie` for a new session: HttpOnly (no script can read it), SameSite=Lax (not sent on
/// cross-site posts), Secure when the site is served over https.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = SESSION_DAYS * 24 * 60 * 60;
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_cookie() {
        let header = "theme=dark; parley_session=abc123; other=x";
        assert_eq!(read_cookie(header, SESSION_COOKIE), Some("abc123"));
        assert_eq!(read_cookie(header, "missing"), None);
        assert_eq!(read_cookie("parley_sessionx=1", SESSION_COOKIE), None);
    }

    #[test]
    fn session_cookie_attributes() {
        let c = session_cookie("tok", false);
        assert!(c.starts_with("parley_session=tok; Path=/; Max-Age=1209600"), "{c}");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie("tok", true).ends_with("; Secure"));
        assert!(cleared_session_cookie(false).contains("Max-Age=0"));
    }
}
