//! The kiosk's own identity: a P-256 key pair made at its first start in the data folder
//! (mode 0600), whose private half never leaves the device. The gateway will know the kiosk by
//! its public key once an operator has enrolled it; `--diagnose` shows the key's fingerprint, so
//! a technician can match the kiosk on the spot to its enrolment.

use std::path::Path;

use chacha20poly1305::aead::OsRng;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};

use crate::store::StoreError;

/// Where in the data folder the key lives.
pub const IDENTITY_FILE: &str = "device-identity.key";

pub struct DeviceIdentity {
    key: SigningKey,
}

impl DeviceIdentity {
    /// The key at `path`, made there (PKCS#8, 0600, synced) if there is none. A file that is
    /// not a key is an error, never replaced: a new key would be another kiosk to the gateway.
    pub fn load_or_create(path: &Path) -> Result<Self, StoreError> {
        match Self::load(path) {
            Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = SigningKey::random(&mut OsRng);
                let der = key
                    .to_pkcs8_der()
                    .map_err(|e| StoreError::Corrupt(format!("device identity: {e}")))?;
                crate::store::create_private_file(path, der.as_bytes())?;
                let identity = DeviceIdentity { key };
                tracing::info!(fingerprint = %identity.fingerprint(), "device identity created");
                Ok(identity)
            }
            loaded => loaded,
        }
    }

    /// The key at `path`, made nowhere when there is none (what `--diagnose` reads).
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        let der = std::fs::read(path)?;
        SigningKey::from_pkcs8_der(&der)
            .map(|key| DeviceIdentity { key })
            .map_err(|e| StoreError::Corrupt(format!("device identity {}: {e}", path.display())))
    }

    /// The public key (SubjectPublicKeyInfo, DER): what enrolment hands the gateway.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.key
            .verifying_key()
            .to_public_key_der()
            .map(|d| d.into_vec())
            .unwrap_or_default()
    }

    /// The public key's fingerprint, as the gateway's device list shows it.
    pub fn fingerprint(&self) -> String {
        komek_api::key_fingerprint(&self.public_key_der())
    }

    /// `message` signed with the kiosk's key (ECDSA P-256 with SHA-256, DER).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: DerSignature = self.key.sign(message);
        signature.as_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;
    use p256::pkcs8::DecodePublicKey;

    use super::*;

    #[test]
    fn the_key_is_made_once_private_to_the_kiosk_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(IDENTITY_FILE);
        let made = DeviceIdentity::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = DeviceIdentity::load_or_create(&path).unwrap();
        assert_eq!(made.public_key_der(), again.public_key_der());
        assert_eq!(made.fingerprint(), again.fingerprint());
        assert_eq!(made.fingerprint().split(' ').count(), 8);
        let other = DeviceIdentity::load_or_create(&dir.path().join("other")).unwrap();
        assert_ne!(made.fingerprint(), other.fingerprint());
    }

    #[test]
    fn a_damaged_key_is_an_error_and_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(IDENTITY_FILE);
        std::fs::write(&path, b"not a key").unwrap();
        assert!(matches!(
            DeviceIdentity::load_or_create(&path),
            Err(StoreError::Corrupt(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"not a key");
    }

    #[test]
    fn what_it_signs_verifies_with_its_public_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let identity = DeviceIdentity::load_or_create(&dir.path().join(IDENTITY_FILE)).unwrap();
        let public = VerifyingKey::from_public_key_der(&identity.public_key_der()).unwrap();
        let signature = DerSignature::from_bytes(&identity.sign(b"POST /v1/actions")).unwrap();
        assert!(public.verify(b"POST /v1/actions", &signature).is_ok());
        assert!(public.verify(b"POST /v1/logout", &signature).is_err());
    }
}
