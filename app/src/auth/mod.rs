//! Server-only authentication pieces: secret tokens and password hashing.

pub mod passwords;
pub mod tokens;
