//! Server-only authentication pieces: secret tokens, password hashing, the session cookie and
//! the guard every dashboard server function starts with.

pub mod cookie;
pub mod guard;
pub mod passwords;
pub mod tokens;
