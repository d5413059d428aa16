//! Cart credentials encrypted at rest (ChaCha20-Poly1305) with a key kept outside the database.

use chacha20poly1305::{
    ChaCha20Poly1305, Key, Nonce,
    aead::{Aead, KeyInit},
};

use crate::AppError;

/// The key that seals cart credentials.
#[derive(Clone)]
pub struct SecretKey(Key);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn random<const N: usize>() -> Result<[u8; N], AppError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(b)
}

impl SecretKey {
    /// A fresh random key (tests, first start).
    pub fn generate() -> Result<Self, AppError> {
        Ok(Self(Key::from(random::<32>()?)))
    }

    /// A random key for this process only, derived from the clock if the OS has no randomness.
    pub fn ephemeral() -> Self {
        Self::generate().unwrap_or_else(|_| {
            use sha2::{Digest, Sha256};
            let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
            let d = Sha256::digest(seed.as_bytes());
            let mut k = [0u8; 32];
            k.copy_from_slice(&d[..32]);
            Self(Key::from(k))
        })
    }

    /// Reads a key written by [`SecretKey::to_hex`].
    pub fn from_hex(s: &str) -> Option<Self> {
        let b = unhex(s)?;
        let arr: [u8; 32] = b.try_into().ok()?;
        Some(Self(Key::from(arr)))
    }

    /// The key as 64 hex digits, for its file.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Loads the key file, creating it (owner-only) when missing.
    pub fn load_or_create(path: &std::path::Path) -> Result<Self, AppError> {
        match std::fs::read_to_string(path) {
            Ok(s) => Self::from_hex(&s).ok_or_else(|| {
                AppError::Internal(format!(
                    "{} does not hold a 64-digit hex key",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let k = Self::generate()?;
                write_private(path, &k.to_hex()).map_err(|e| {
                    AppError::Internal(format!("cannot write {}: {e}", path.display()))
                })?;
                Ok(k)
            }
            Err(e) => Err(AppError::Internal(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// Seals a secret: `v1:` + hex(nonce ‖ ciphertext).
    pub fn seal(&self, plain: &str) -> Result<String, AppError> {
        let nonce = random::<12>()?;
        let ct = ChaCha20Poly1305::new(&self.0)
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .map_err(|_| AppError::Internal("encryption failed".into()))?;
        Ok(format!("v1:{}{}", hex(&nonce), hex(&ct)))
    }

    /// Opens a sealed secret.
    pub fn open(&self, sealed: &str) -> Result<String, AppError> {
        let bad = || {
            AppError::invalid(
                "password",
                "the stored credentials cannot be decrypted with this server's key file: enter the password again",
            )
        };
        let raw = sealed.strip_prefix("v1:").and_then(unhex).ok_or_else(bad)?;
        if raw.len() < 12 {
            return Err(bad());
        }
        let (nonce, ct) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad())?;
        let pt = ChaCha20Poly1305::new(&self.0)
            .decrypt(&Nonce::from(nonce), ct)
            .map_err(|_| bad())?;
        String::from_utf8(pt).map_err(|_| bad())
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only_and_never_shows_the_plain_text() {
        let k = SecretKey::generate().unwrap();
        let s = k.seal("ABCDEFGHIJKLMNOPQRSTUVWXYZ123456").unwrap();
        assert!(!s.contains("ABCDEFGH"));
        assert_ne!(
            s,
            k.seal("ABCDEFGHIJKLMNOPQRSTUVWXYZ123456").unwrap(),
            "fresh nonce each time"
        );
        assert_eq!(k.open(&s).unwrap(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456");
        let other = SecretKey::generate().unwrap();
        assert!(other.open(&s).is_err());
        assert_eq!(
            SecretKey::from_hex(&k.to_hex()).unwrap().open(&s).unwrap(),
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456"
        );
        let dir = tempfile_dir();
        let p = dir.join("k.key");
        let a = SecretKey::load_or_create(&p).unwrap();
        let b = SecretKey::load_or_create(&p).unwrap();
        assert_eq!(a.to_hex(), b.to_hex());
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("cw-key-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    }
}
