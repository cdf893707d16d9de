//! Test certificate authorities made at test time, and the gateway's certificate and key
//! issued by one, as the files `komek-gateway --tls-cert --tls-key` reads.

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

/// A certificate authority of its own.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A gateway's certificate chain and key, written to files.
pub struct ServerFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn new(name: &str) -> anyhow::Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate()?)?;
        Ok(TestCa { issuer })
    }

    /// The CA's certificate (PEM): what a kiosk is told to trust.
    pub fn certificate_pem(&self) -> Vec<u8> {
        self.issuer.pem().into_bytes()
    }

    /// A certificate for the gateway on this machine (`localhost`, `127.0.0.1`), issued by this
    /// CA, and its key, written into `dir`.
    pub fn server_files(&self, dir: &Path) -> anyhow::Result<ServerFiles> {
        let params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
        let key = KeyPair::generate()?;
        let certificate = params.signed_by(&key, &self.issuer)?;
        let files = ServerFiles {
            certificate: dir.join("gateway.pem"),
            key: dir.join("gateway-key.pem"),
        };
        std::fs::write(&files.certificate, certificate.pem())?;
        std::fs::write(&files.key, key.serialize_pem())?;
        Ok(files)
    }
}
