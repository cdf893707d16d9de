//! The QR codes the kiosk draws, read back as a phone camera would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::read_qr;
use komek_kiosk::bridge::qr;
use slint::Rgb8Pixel;

#[test]
fn a_code_reads_back_with_cyrillic_and_kazakh_letters() {
    let text = "Өтемақыға өтініш\nНомер на киоске: K-7F3A09C2\nPortal: PR-2026-000123";
    let image = qr::image(text, 4).unwrap();
    assert_eq!(read_qr(&image).as_deref(), Some(text));
}

#[test]
fn the_quiet_zone_is_white_and_modules_are_whole_pixels() {
    let image = qr::image("K-7F3A09C2", 5).unwrap();
    let buffer = image.to_rgb8().unwrap();
    let side = buffer.width() as usize;
    assert_eq!(side % 5, 0);
    let pixels = buffer.as_slice();
    // Four modules of white all round: the first 20 rows are white.
    for (i, pixel) in pixels[..side * 4 * 5].iter().enumerate() {
        assert_eq!(*pixel, Rgb8Pixel::new(255, 255, 255), "pixel {i}");
    }
    // The top-left finder pattern starts right after the quiet zone.
    assert_eq!(pixels[20 * side + 20], Rgb8Pixel::new(0, 0, 0));
    assert_eq!(read_qr(&image).as_deref(), Some("K-7F3A09C2"));
}

#[test]
fn text_too_long_for_any_version_is_an_error() {
    assert!(qr::image(&"x".repeat(3000), 1).is_err());
}
