//! Signing the application for compensation (Rules item 8). The signature covers the
//! application's canonical bytes, so the gateway can tell that what was signed is what arrives.
//! For now the person signs with a one-time code to the registered phone; the national ID
//! card's signature will be a second method beside it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::SupplierChoice;

/// `POST /v1/me/application/sign/otp` (session): send a one-time code to the registered phone
/// to sign the application whose canonical bytes hash to `digest`. Answered with an
/// [`crate::OtpChallenge`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignOtpRequest {
    /// SHA-256 of [`SupplierChoice::canonical_bytes`], lower-case hex.
    pub digest: String,
}

/// `POST /v1/me/application/sign/otp/verify` (session) takes an [`crate::OtpVerify`] and
/// answers this: the person typed the code sent to sign `digest`. The queued supplier choice
/// carries the proof, so it can be delivered later, while the proof is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignatureProof {
    pub proof: String,
    pub digest: String,
    pub expires_at: DateTime<Utc>,
}

/// How the application travelling with a [`SupplierChoice`] was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ApplicationSignature {
    /// A one-time code to the registered phone; `proof` is the gateway's [`SignatureProof`].
    OneTimeCode { proof: String },
    /// The national ID card signed [`SupplierChoice::canonical_bytes`]; the certificate's
    /// IIN must be the person's who logged in (the grant's).
    Card(crate::CardSignature),
}

impl SupplierChoice {
    /// The bytes a signature covers: every field the person confirmed, one per line, in a
    /// fixed order and format, never the signature itself.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        format!(
            "komek-application/1\nactivity:{}\nitem:{}\nsupplier:{}\nquantity:{}\nunit-price-kzt:{}\nguaranteed-kzt:{}\n",
            self.activity_id,
            self.item_id,
            self.supplier_id,
            self.quantity,
            self.unit_price_kzt,
            self.guaranteed_amount_kzt
        )
        .into_bytes()
    }

    /// SHA-256 of the canonical bytes, lower-case hex: what the person signs.
    pub fn digest(&self) -> String {
        Sha256::digest(self.canonical_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice() -> SupplierChoice {
        SupplierChoice {
            activity_id: "A1".into(),
            item_id: "I1".into(),
            supplier_id: "S1".into(),
            quantity: 1,
            unit_price_kzt: 100,
            guaranteed_amount_kzt: 90,
            signature: None,
        }
    }

    #[test]
    fn the_digest_covers_every_confirmed_field_and_not_the_signature() {
        let base = choice();
        let mut signed = base.clone();
        signed.signature = Some(ApplicationSignature::OneTimeCode { proof: "p".into() });
        assert_eq!(base.digest(), signed.digest());
        assert_eq!(base.digest().len(), 64);
        let changes: [fn(&mut SupplierChoice); 6] = [
            |c| c.activity_id.push('x'),
            |c| c.item_id.push('x'),
            |c| c.supplier_id.push('x'),
            |c| c.quantity += 1,
            |c| c.unit_price_kzt += 1,
            |c| c.guaranteed_amount_kzt += 1,
        ];
        for change in changes {
            let mut other = base.clone();
            change(&mut other);
            assert_ne!(base.digest(), other.digest());
        }
    }
}
