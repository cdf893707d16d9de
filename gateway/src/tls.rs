//! HTTPS served by the gateway itself: the certificate chain and private key an operator
//! configures (PEM), with rustls over aws-lc-rs. Kiosks check the chain against the CA they are
//! given and trust nothing else, so a reverse proxy in front is optional, not required.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::GatewayError;

/// The TLS configuration for `certificate_chain` (the gateway's certificate first, then any
/// intermediates) and its `private_key`, both PEM.
pub fn server_config(
    certificate_chain: &[u8],
    private_key: &[u8],
) -> Result<ServerConfig, GatewayError> {
    let chain = CertificateDer::pem_slice_iter(certificate_chain)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| GatewayError::Tls(format!("the certificate chain: {e}")))?;
    if chain.is_empty() {
        return Err(GatewayError::Tls(
            "the certificate file holds no certificate".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(private_key)
        .map_err(|e| GatewayError::Tls(format!("the private key: {e}")))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| GatewayError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| GatewayError::Tls(format!("the certificate and key: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_key_that_is_not_the_certificates_is_refused_with_the_reason() {
        let one = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let chain = one.cert.pem();
        assert!(
            server_config(chain.as_bytes(), one.signing_key.serialize_pem().as_bytes()).is_ok()
        );
        let mismatch = server_config(
            chain.as_bytes(),
            other.signing_key.serialize_pem().as_bytes(),
        );
        assert!(matches!(mismatch, Err(GatewayError::Tls(m)) if m.contains("certificate and key")));
        let empty = server_config(b"", one.signing_key.serialize_pem().as_bytes());
        assert!(matches!(empty, Err(GatewayError::Tls(m)) if m.contains("no certificate")));
    }
}
