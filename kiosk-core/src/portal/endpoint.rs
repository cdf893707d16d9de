//! Where the gateway is, and what the kiosk trusts it by. Anything but this machine is reached
//! over HTTPS only, and its certificate must chain to the CA the kiosk was configured with:
//! no system-wide trust, so a certificate any public CA issued for a look-alike name is not
//! enough. Plain HTTP is for this machine alone (the embedded demo, a local proxy).

use std::net::IpAddr;

/// A gateway address the kiosk may use.
#[derive(Clone)]
pub struct Endpoint {
    base: String,
    roots: Vec<reqwest::Certificate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("the gateway URL {0:?} is not a URL")]
    NotAUrl(String),
    #[error("the gateway URL must be https:// (plain http:// only to this machine): {0}")]
    PlainHttp(String),
    #[error("the gateway URL must be https://, not {0}://")]
    Scheme(String),
    #[error(
        "no CA is configured for the gateway's certificate (set --gateway-ca or KOMEK_GATEWAY_CA)"
    )]
    NoCa,
    #[error("the gateway's CA file holds no certificate: {0}")]
    UnreadableCa(String),
}

impl Endpoint {
    /// `url` (its path is kept as the base of every request), trusted by `ca_pem` (one or more
    /// PEM certificates) when it is HTTPS.
    pub fn new(url: &str, ca_pem: Option<&[u8]>) -> Result<Self, EndpointError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| EndpointError::NotAUrl(url.into()))?;
        let host = parsed.host_str().unwrap_or_default();
        let roots = match parsed.scheme() {
            "http" if is_this_machine(host) => Vec::new(),
            "http" => return Err(EndpointError::PlainHttp(url.into())),
            "https" => {
                let pem = ca_pem.ok_or(EndpointError::NoCa)?;
                let roots = reqwest::Certificate::from_pem_bundle(pem)
                    .map_err(|e| EndpointError::UnreadableCa(e.to_string()))?;
                if roots.is_empty() {
                    return Err(EndpointError::UnreadableCa("no PEM certificate".into()));
                }
                roots
            }
            other => return Err(EndpointError::Scheme(other.into())),
        };
        Ok(Endpoint {
            base: url.trim_end_matches('/').to_string(),
            roots,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The only certificates the gateway's may chain to.
    pub(super) fn roots(&self) -> Vec<reqwest::Certificate> {
        self.roots.clone()
    }
}

/// Loopback, by address or by the name every system keeps for it.
fn is_this_machine(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A CA certificate made now.
    fn ca() -> Vec<u8> {
        let ca = rcgen::generate_simple_self_signed(vec!["Komek test CA".into()]).unwrap();
        ca.cert.pem().into_bytes()
    }

    #[test]
    fn plain_http_is_for_this_machine_only() {
        for url in [
            "http://127.0.0.1:8480",
            "http://127.1.2.3:80/",
            "http://[::1]:8480",
            "http://localhost:8480",
        ] {
            assert!(Endpoint::new(url, None).is_ok(), "{url}");
        }
        for url in [
            "http://10.0.2.2:8480",
            "http://gateway.example.kz",
            "http://[2001:db8::1]:8480",
            "http://127.0.0.1.example.kz",
        ] {
            assert!(
                matches!(
                    Endpoint::new(url, Some(&ca())),
                    Err(EndpointError::PlainHttp(_))
                ),
                "{url}"
            );
        }
    }

    #[test]
    fn https_needs_a_ca_of_its_own() {
        let url = "https://gateway.example.kz/";
        assert_eq!(Endpoint::new(url, None).err(), Some(EndpointError::NoCa));
        assert!(matches!(
            Endpoint::new(url, Some(b"not a certificate")),
            Err(EndpointError::UnreadableCa(_))
        ));
        let endpoint = Endpoint::new(url, Some(&ca())).unwrap();
        assert_eq!(endpoint.base_url(), "https://gateway.example.kz");
        assert_eq!(endpoint.roots().len(), 1);
    }

    #[test]
    fn other_schemes_and_non_urls_are_refused() {
        assert!(matches!(
            Endpoint::new("ftp://127.0.0.1", None),
            Err(EndpointError::Scheme(s)) if s == "ftp"
        ));
        assert!(matches!(
            Endpoint::new("gateway:8480", None),
            Err(EndpointError::Scheme(_))
        ));
        assert!(matches!(
            Endpoint::new("not a url", None),
            Err(EndpointError::NotAUrl(_))
        ));
    }
}
