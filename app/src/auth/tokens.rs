//! Secret tokens (portal links, sessions): 256 random bits, given out once, stored only as a SHA-256 hash.

use sha2::{Digest, Sha256};

/// A new random token: 32 bytes from rand's thread-local CSPRNG (seeded by the OS), hex-encoded.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What the database keeps of a token: its SHA-256, hex-encoded.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token as it may arrive in a URL is short, plain ASCII; anything else is refused before hashing.
pub fn is_plausible_token(token: &str) -> bool {
    (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_distinct() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn hash_is_sha256_hex_and_not_the_token() {
        // SHA-256("abc"), from FIPS 180-2.
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let t = new_token();
        assert_ne!(token_hash(&t), t);
    }

    #[test]
    fn plausible_tokens() {
        assert!(is_plausible_token(&new_token()));
        assert!(is_plausible_token("demo-kayak-ana-0001"));
        assert!(!is_plausible_token("short"));
        assert!(!is_plausible_token("has space in it, long enough"));
        assert!(!is_plausible_token(&"x".repeat(200)));
        assert!(!is_plausible_token("../../etc/passwd-xxxxxxxx"));
    }
}
