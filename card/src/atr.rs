//! The historical bytes of an ATR (ISO/IEC 7816-3): what names the card's maker and profile.

/// The historical bytes of `atr`; `None` when the ATR is malformed.
pub fn historical_bytes(atr: &[u8]) -> Option<&[u8]> {
    let (&ts, rest) = atr.split_first()?;
    if ts != 0x3B && ts != 0x3F {
        return None;
    }
    let (&t0, mut rest) = rest.split_first()?;
    let count = usize::from(t0 & 0x0F);
    let mut y = t0 >> 4;
    let mut protocols_beyond_t0 = false;
    loop {
        // TA, TB, TC are skipped; TD tells whether more interface bytes follow.
        let skipped = (y & 0b0111).count_ones() as usize;
        rest = rest.get(skipped..)?;
        if y & 0b1000 == 0 {
            break;
        }
        let (&td, after) = rest.split_first()?;
        protocols_beyond_t0 |= td & 0x0F != 0;
        rest = after;
        y = td >> 4;
    }
    let historical = rest.get(..count)?;
    // A TCK byte follows when a protocol other than T=0 is offered.
    let expected_len = count + usize::from(protocols_beyond_t0);
    (rest.len() == expected_len).then_some(historical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_historical_bytes_of_the_komek_atr_and_of_a_t0_card() {
        assert_eq!(historical_bytes(&crate::komek::ATR), Some(&b"KOMEKID1"[..]));
        // A T=0 card with TA1 and two historical bytes, no TCK.
        assert_eq!(
            historical_bytes(&[0x3B, 0x12, 0x96, 0xAB, 0xCD]),
            Some(&[0xAB, 0xCD][..])
        );
        assert_eq!(historical_bytes(&[0x3B]), None);
        assert_eq!(historical_bytes(&[0x3B, 0x02, 0xAB]), None, "too short");
        assert_eq!(historical_bytes(&[0x42, 0x00]), None, "not an ATR");
    }
}
