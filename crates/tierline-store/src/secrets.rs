//! Passwords and API tokens: argon2 for the first, a SHA-256 digest of a long random secret for
//! the second, so that checking a token costs a hash lookup rather than a slow password hash.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::StoreError;

/// Tokens start with this, so a leaked one is recognisable (and scanners can find it).
pub const TOKEN_PREFIX: &str = "tl_";

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Whether `password` matches a stored argon2 hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A new token: the secret to show once, and the digest to store.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
    let digest = token_digest(&secret);
    (secret, digest)
}

/// The stored form of a token.
pub fn token_digest(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// SHA-256 in hex: token digests, request fingerprints.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        let (secret, digest) = new_token();
        assert!(secret.starts_with(TOKEN_PREFIX) && secret.len() == 67);
        assert_eq!(token_digest(&secret), digest);
        assert_ne!(new_token().0, secret);
    }
}
