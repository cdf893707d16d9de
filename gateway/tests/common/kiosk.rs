//! A kiosk as the gateway's tests play it: its own P-256 key, enrolled through the development
//! endpoint, signing every request as the real kiosk does.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use komek_api::{DevicePlace, EnrolmentCode, EnrolmentRequest, path_and_query, signature_headers};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use reqwest::{Method, RequestBuilder, Response};

use super::Gateway;

#[derive(Clone)]
pub struct Kiosk {
    http: reqwest::Client,
    key: SigningKey,
    /// The id it signs as; `None` until enrolled (its requests then name no kiosk).
    pub id: Option<String>,
    /// Added to the clock when signing (a kiosk whose clock is off).
    pub clock_skew_secs: i64,
}

/// A request on its way, signed when sent.
pub struct Signed<'a> {
    kiosk: &'a Kiosk,
    builder: RequestBuilder,
}

impl Kiosk {
    /// A kiosk with a fresh key, not enrolled.
    pub fn unenrolled() -> Kiosk {
        use rand::RngExt;
        let seed: [u8; 32] = rand::rng().random();
        Kiosk {
            http: reqwest::Client::new(),
            key: SigningKey::from_slice(&seed).expect("a random scalar is a key"),
            id: None,
            clock_skew_secs: 0,
        }
    }

    /// A new kiosk enrolled with `code` (issued for `kiosk_id`).
    async fn enrolled_with(gw: &Gateway, code: &EnrolmentCode) -> Kiosk {
        let mut kiosk = Kiosk::unenrolled();
        let response = kiosk.enrol(gw, &code.code).await;
        assert!(response.status().is_success(), "{}", response.status());
        kiosk.id = Some(code.kiosk_id.clone());
        kiosk
    }

    /// A kiosk enrolled as `kiosk_id` (in KZ-35) through the development endpoint.
    pub async fn enrolled_as(gw: &Gateway, kiosk_id: &str) -> Kiosk {
        Self::enrolled_with(gw, &dev_enrolment_code(gw, kiosk_id).await).await
    }

    /// A kiosk enrolled as `kiosk_id` with a code the operator (`operator_token`) issued.
    pub async fn enrolled_by_operator(gw: &Gateway, operator_token: &str, kiosk_id: &str) -> Kiosk {
        let request = reqwest::Client::new()
            .post(format!("{}/v1/operator/devices/enrolments", gw.url))
            .bearer_auth(operator_token);
        Self::enrolled_with(gw, &enrolment_code(request, kiosk_id).await).await
    }

    /// The kiosk every test of one gateway uses.
    pub async fn enrolled(gw: &Gateway) -> Kiosk {
        Self::enrolled_as(gw, "kiosk-test").await
    }

    /// Its key's fingerprint, as the gateway records it.
    pub fn fingerprint(&self) -> String {
        let der = self.key.verifying_key().to_public_key_der().expect("SPKI");
        komek_api::key_fingerprint(der.as_bytes())
    }

    pub fn public_key_base64(&self) -> String {
        let der = self.key.verifying_key().to_public_key_der().expect("SPKI");
        STANDARD.encode(der.as_bytes())
    }

    /// `POST /v1/devices/enrol` with `code`, signed by this kiosk's key.
    pub async fn enrol(&self, gw: &Gateway, code: &str) -> Response {
        let body = EnrolmentRequest {
            code: code.into(),
            public_key: self.public_key_base64(),
        };
        self.post(format!("{}/v1/devices/enrol", gw.url))
            .json(&body)
            .send()
            .await
            .expect("the gateway answers")
    }

    pub fn get(&self, url: impl AsRef<str>) -> Signed<'_> {
        self.request(Method::GET, url)
    }

    pub fn post(&self, url: impl AsRef<str>) -> Signed<'_> {
        self.request(Method::POST, url)
    }

    fn request(&self, method: Method, url: impl AsRef<str>) -> Signed<'_> {
        Signed {
            kiosk: self,
            builder: self.http.request(method, url.as_ref()),
        }
    }
}

impl Signed<'_> {
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    pub fn body(mut self, body: impl Into<reqwest::Body>) -> Self {
        self.builder = self.builder.body(body);
        self
    }

    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.builder = self.builder.header(name, value.as_ref());
        self
    }

    pub fn headers(mut self, headers: reqwest::header::HeaderMap) -> Self {
        self.builder = self.builder.headers(headers);
        self
    }

    pub fn bearer_auth(mut self, token: impl std::fmt::Display) -> Self {
        self.builder = self.builder.bearer_auth(token);
        self
    }

    pub async fn send(self) -> reqwest::Result<Response> {
        let mut request = self.builder.build()?;
        let signed_at = chrono::Utc::now().timestamp() + self.kiosk.clock_skew_secs;
        let body = request
            .body()
            .and_then(|b| b.as_bytes())
            .unwrap_or_default()
            .to_vec();
        let url = request.url();
        let headers = signature_headers(
            self.kiosk.id.as_deref(),
            request.method().as_str(),
            &path_and_query(url.path(), url.query()),
            signed_at,
            &body,
            |message| {
                let signature: DerSignature = self.kiosk.key.sign(message);
                signature.as_bytes().to_vec()
            },
        );
        for (name, value) in headers {
            let value = value.parse().expect("a header value");
            request.headers_mut().insert(name, value);
        }
        self.kiosk.http.execute(request).await
    }
}

/// A one-time enrolment code for `kiosk_id` from the development endpoint.
pub async fn dev_enrolment_code(gw: &Gateway, kiosk_id: &str) -> EnrolmentCode {
    let request = reqwest::Client::new().post(format!("{}/dev/enrolments", gw.url));
    enrolment_code(request, kiosk_id).await
}

/// The code `request` (the operator's or the development endpoint) answers for `kiosk_id`.
async fn enrolment_code(request: reqwest::RequestBuilder, kiosk_id: &str) -> EnrolmentCode {
    request
        .json(&place(kiosk_id))
        .send()
        .await
        .expect("the gateway answers")
        .json()
        .await
        .expect("an enrolment code")
}

/// Where the tests' kiosks stand.
pub fn place(kiosk_id: &str) -> DevicePlace {
    DevicePlace {
        kiosk_id: kiosk_id.into(),
        site: "ЦОН Караганды".into(),
        region: "KZ-35".into(),
    }
}
