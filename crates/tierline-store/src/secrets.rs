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

/// [`verify_password`] with the work area supplied by the caller, so a thread that checks many
/// passwords reuses one area instead of allocating 19 MiB for each (the allocator keeps what each
/// check freed, and a burst grew the process for good). The comparison is constant-time.
pub fn verify_password_in(password: &str, hash: &str, area: &mut Vec<argon2::Block>) -> bool {
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Some(salt), Some(expected)) = (argon2::Params::try_from(&h), h.salt, h.hash)
    else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(h.algorithm) else {
        return false;
    };
    let version = match h.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    // Stored hashes come from `hash_password`; an area far larger than its parameters would be a
    // hand-edited row, refused rather than allocated.
    if params.block_count() > 1 << 20 {
        return false;
    }
    area.resize(params.block_count(), argon2::Block::default());
    let mut out = vec![0u8; expected.len()];
    let hasher = Argon2::new(algorithm, version, params);
    if hasher
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut area[..])
        .is_err()
    {
        return false;
    }
    argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
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

#[cfg(test)]
mod area_tests {
    use super::*;

    #[test]
    fn checking_in_a_reused_area_agrees_with_the_library() {
        let hash = hash_password("correct horse battery").unwrap();
        let mut area = Vec::new();
        for (candidate, want) in [
            ("correct horse battery", true),
            ("correct horse batterY", false),
            ("", false),
            ("correct horse battery", true),
        ] {
            assert_eq!(verify_password_in(candidate, &hash, &mut area), want);
            assert_eq!(verify_password(candidate, &hash), want);
        }
        // One area of the hash's size, kept.
        assert_eq!(area.len(), argon2::Params::default().block_count());
        assert!(!verify_password_in("x", "not a hash", &mut area));
    }
}
