//! An e-mail address for the personal account: checked as far as a kiosk can without sending
//! mail, so a typing slip is caught while the person is still there.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("an address has one @ with a name before it")]
    NoAt,
    #[error("the part after @ needs a dot, as in mail.kz")]
    NoDomain,
    #[error("an address has no spaces, no double dots and no dot at either end")]
    Malformed,
}

/// Checks `address` and returns it as it will be stored.
pub fn check_email(address: &str) -> Result<String, EmailError> {
    let address = address.trim();
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(EmailError::NoAt);
    };
    if local.is_empty() {
        return Err(EmailError::NoAt);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.last().is_none_or(|tld| tld.len() < 2) {
        return Err(EmailError::NoDomain);
    }
    let bad_dots = |s: &str| s.starts_with('.') || s.ends_with('.') || s.contains("..");
    if address.contains(char::is_whitespace)
        || bad_dots(local)
        || labels.iter().any(|l| l.is_empty())
    {
        return Err(EmailError::Malformed);
    }
    Ok(address.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_for_the_slips_a_keyboard_makes() {
        assert_eq!(check_email("a.kim@mail.kz").as_deref(), Ok("a.kim@mail.kz"));
        assert_eq!(check_email("A.Kim@Mail.KZ").as_deref(), Ok("a.kim@mail.kz"));
        assert_eq!(check_email("a.kim.mail.kz"), Err(EmailError::NoAt));
        assert_eq!(check_email("@mail.kz"), Err(EmailError::NoAt));
        assert_eq!(check_email("a@b@mail.kz"), Err(EmailError::NoAt));
        assert_eq!(check_email("a.kim@mail"), Err(EmailError::NoDomain));
        assert_eq!(check_email("a.kim@mail.k"), Err(EmailError::NoDomain));
        assert_eq!(check_email("a..kim@mail.kz"), Err(EmailError::Malformed));
        assert_eq!(check_email("a.kim@mail..kz"), Err(EmailError::Malformed));
        assert_eq!(check_email(".kim@mail.kz"), Err(EmailError::Malformed));
    }
}
