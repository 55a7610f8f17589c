//! Secrets at rest: random tokens (portal links, sessions, API keys) are given out once and kept
//! only as a SHA-256 hash; staff passwords are kept as argon2id hashes. Argon2 is slow on purpose,
//! so it runs on the blocking pool, a few at a time, never on the threads that answer polls.

use std::sync::LazyLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

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

/// How many argon2 computations run at once: half the cores (at least one), so that a burst of
/// sign-ins leaves the other half to everything else.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Semaphore::new((cores / 2).max(1))
});

/// Runs an argon2 computation on the blocking pool, waiting for one of the `HASHING` permits.
async fn on_hashing_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _permit = HASHING.acquire().await.expect("the hashing semaphore is never closed");
    tokio::task::spawn_blocking(work).await.expect("argon2 does not panic")
}

/// Hashes a password for storage (argon2id, the crate's default parameters, a random salt).
pub(crate) async fn hash_password(password: &str) -> String {
    let password = password.to_owned();
    on_hashing_pool(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 accepts any password with a generated salt")
            .to_string()
    })
    .await
}

/// Whether `password` matches a stored hash; a malformed hash never matches.
pub(crate) async fn password_matches(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    on_hashing_pool(move || {
        PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
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

    #[tokio::test]
    async fn password_hashes_verify_and_are_argon2id() {
        let h = hash_password("correct horse").await;
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(password_matches("correct horse", &h).await);
        assert!(!password_matches("wrong horse", &h).await);
        assert_ne!(hash_password("pw").await, hash_password("pw").await, "a new salt every time");
        assert!(!password_matches("pw", "not a hash").await, "a malformed hash never matches");
    }

    /// The async worker is never the one hashing: on a runtime with a single thread, other tasks
    /// keep running while a hash is computed. (Hashed on that thread, the hash would run to its
    /// end the first time this task yields, and the loop would turn once.)
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_async_thread_free() {
        let hashing = tokio::spawn(async { hash_password("while others run").await });
        let mut turns = 0;
        while !hashing.is_finished() {
            tokio::task::yield_now().await;
            turns += 1;
        }
        assert!(hashing.await.unwrap().starts_with("$argon2id$"));
        assert!(turns > 1, "the runtime's only thread kept running other tasks ({turns} turns)");
    }
}
