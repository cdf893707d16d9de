//! Who pays what for one unit of an aid or a service: the state compensates the supplier up to
//! the item's guaranteed amount; above it the person pays the difference (Rules item 9,
//! docs/rules.md). The one place this split is computed.

/// What the state pays the supplier for one unit.
pub fn compensation_per_unit(unit_price_kzt: i64, guaranteed_amount_kzt: i64) -> i64 {
    unit_price_kzt.min(guaranteed_amount_kzt).max(0)
}

/// What the person pays the supplier themselves for one unit.
pub fn copayment_per_unit(unit_price_kzt: i64, guaranteed_amount_kzt: i64) -> i64 {
    (unit_price_kzt - guaranteed_amount_kzt).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_pays_up_to_the_guaranteed_amount_and_the_person_the_rest() {
        assert_eq!(compensation_per_unit(80_000, 100_000), 80_000);
        assert_eq!(copayment_per_unit(80_000, 100_000), 0);
        assert_eq!(compensation_per_unit(130_000, 100_000), 100_000);
        assert_eq!(copayment_per_unit(130_000, 100_000), 30_000);
    }

    #[test]
    fn the_two_parts_add_up_to_the_price() {
        for (price, guaranteed) in [(0, 0), (1, 0), (0, 1), (99_999, 100_000), (250_000, 1)] {
            assert_eq!(
                compensation_per_unit(price, guaranteed) + copayment_per_unit(price, guaranteed),
                price
            );
        }
    }
}
