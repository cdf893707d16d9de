//! Subject names as the National Certification Authority writes them: the holder's name in
//! CN, `IIN` and the 12 digits in serialNumber (OID 2.5.4.5), and the country.

use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der::asn1::{Any, ObjectIdentifier, PrintableStringRef, SetOfVec, Utf8StringRef};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::IdentityError;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

fn attribute(
    oid: ObjectIdentifier,
    value: Any,
) -> Result<RelativeDistinguishedName, IdentityError> {
    let set = SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }])?;
    Ok(RelativeDistinguishedName(set))
}

/// A UTF8String, since a holder's name may be in Kazakh.
fn common_name(name: &str) -> Result<RelativeDistinguishedName, IdentityError> {
    attribute(COMMON_NAME, Any::encode_from(&Utf8StringRef::new(name)?)?)
}

fn country() -> Result<RelativeDistinguishedName, IdentityError> {
    attribute(COUNTRY, Any::encode_from(&PrintableStringRef::new("KZ")?)?)
}

/// `CN=<name>, C=KZ`.
pub(crate) fn authority(name: &str) -> Result<Name, IdentityError> {
    Ok(RdnSequence(vec![country()?, common_name(name)?]))
}

/// `CN=<holder>, serialNumber=IIN<iin>, C=KZ`.
pub(crate) fn cardholder(holder: &str, iin: &str) -> Result<Name, IdentityError> {
    if iin.len() != 12 || !iin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentityError::InvalidIin);
    }
    let serial = format!("IIN{iin}");
    let serial = PrintableStringRef::new(&serial)?;
    Ok(RdnSequence(vec![
        country()?,
        attribute(SERIAL_NUMBER, Any::encode_from(&serial)?)?,
        common_name(holder)?,
    ]))
}
