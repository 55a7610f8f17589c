//! Cross-site request refusal: a state-changing request whose `Origin` (or, failing that,
//! `Referer`) names another site than the one it was sent to is answered 403 before it runs.

use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn same_origin_only(request: Request, next: Next) -> Response {
    if is_state_changing(request.method()) && !is_same_origin(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-origin request");
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(request).await
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers send `Origin` on every cross-origin POST; a request with neither `Origin` nor
/// `Referer` comes from a program, not from a page on another site, and carries no cookie
/// a page could have lent it.
fn is_same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let claimed =
        headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).map(|v| v.to_str().unwrap_or("null"));
    match claimed {
        None => true,
        Some(url) => authority(url).is_some_and(|a| a.eq_ignore_ascii_case(host)),
    }
}

/// "https://example.com:8443/path" → "example.com:8443"; `None` for "null" or garbage.
fn authority(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn same_origin_passes_and_other_origins_do_not() {
        let host = (header::HOST, "127.0.0.1:3000");
        assert!(is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "http://127.0.0.1:3000")])));
        assert!(is_same_origin(&headers(&[host.clone(), (header::REFERER, "http://127.0.0.1:3000/portal/x")])));
        assert!(is_same_origin(&headers(std::slice::from_ref(&host))), "no Origin, no Referer: not a browser page");
        assert!(!is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "https://evil.example")])));
        assert!(!is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "null")])));
        assert!(!is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "http://127.0.0.1:3000.evil.example")])));
        assert!(!is_same_origin(&headers(&[(header::ORIGIN, "http://127.0.0.1:3000")])), "no Host");
    }

    #[test]
    fn authorities() {
        assert_eq!(authority("https://a.example:8443/x?y"), Some("a.example:8443"));
        assert_eq!(authority("http://a.example"), Some("a.example"));
        assert_eq!(authority("null"), None);
        assert_eq!(authority("ftp://a.example"), None);
        assert_eq!(authority("http://"), None);
    }
}
