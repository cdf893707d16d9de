//! Personal data at rest is sealed with the device key (XChaCha20-Poly1305): a copied or
//! stolen outbox file reveals nothing without the key file, which only the kiosk user can read.

use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use super::StoreError;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

pub struct DeviceKey {
    cipher: XChaCha20Poly1305,
}

impl DeviceKey {
    /// Reads the key file, or makes a new random key there (mode 0600) on first start.
    pub fn load_or_create(path: &Path) -> Result<Self, StoreError> {
        match std::fs::read(path) {
            Ok(bytes) if bytes.len() == KEY_LEN => Ok(Self::from_bytes(&bytes)),
            Ok(bytes) => Err(StoreError::Corrupt(format!(
                "device key {} has {} bytes, not {KEY_LEN}",
                path.display(),
                bytes.len()
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = XChaCha20Poly1305::generate_key(&mut OsRng);
                super::create_private_file(path, &key)?;
                tracing::info!(path = %path.display(), "device key created");
                Ok(Self::from_bytes(&key))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        DeviceKey {
            cipher: XChaCha20Poly1305::new(Key::from_slice(bytes)),
        }
    }

    /// A key for tests and throwaway stores.
    pub fn ephemeral() -> Self {
        DeviceKey {
            cipher: XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(&mut OsRng)),
        }
    }

    /// `nonce || ciphertext`, bound to `context` (e.g. the action id) so a sealed value cannot
    /// be moved to another row.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|_| StoreError::Corrupt("sealing failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < NONCE_LEN {
            return Err(StoreError::Corrupt("sealed value too short".into()));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .map_err(|_| {
                StoreError::Corrupt("sealed value does not open with this device's key".into())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let key = DeviceKey::ephemeral();
        let sealed = key.seal(b"phone +77011234567", b"action-1").unwrap();
        assert!(
            !sealed.windows(6).any(|w| w == b"+77011"),
            "no plaintext in the sealed bytes"
        );
        assert_eq!(
            key.open(&sealed, b"action-1").unwrap(),
            b"phone +77011234567"
        );
        assert!(key.open(&sealed, b"action-2").is_err(), "bound to its row");
        assert!(DeviceKey::ephemeral().open(&sealed, b"action-1").is_err());
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(key.open(&tampered, b"action-1").is_err());
        assert!(key.open(&sealed[..10], b"action-1").is_err());
    }

    #[test]
    fn the_key_file_is_made_once_readable_only_by_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        let first = DeviceKey::load_or_create(&path).unwrap();
        let sealed = first.seal(b"x", b"c").unwrap();
        let again = DeviceKey::load_or_create(&path).unwrap();
        assert_eq!(again.open(&sealed, b"c").unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").unwrap();
        assert!(DeviceKey::load_or_create(&path).is_err());
    }
}
