//! QR codes a person photographs with their phone: the references on the receipt. Dark modules
//! on white with the four-module quiet zone the standard asks for, drawn at a whole number of
//! pixels per module so that no module is blurred by scaling.

use qrcode::{Color, EcLevel, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Modules of white around the code; readers need at least four.
const QUIET_ZONE: usize = 4;

#[derive(Debug, thiserror::Error)]
#[error("the text does not fit in a QR code: {0}")]
pub struct QrError(#[from] qrcode::types::QrError);

/// `text` as a QR code (error correction M: a photo of a screen survives some glare), at
/// `pixels_per_module` pixels per module.
pub fn image(text: &str, pixels_per_module: usize) -> Result<Image, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let modules = code.width();
    let colors = code.to_colors();
    let scale = pixels_per_module.max(1);
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let side_u32 = u32::try_from(side).unwrap_or(u32::MAX);
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side_u32, side_u32);
    let white = Rgb8Pixel::new(255, 255, 255);
    let black = Rgb8Pixel::new(0, 0, 0);
    for (i, pixel) in buffer.make_mut_slice().iter_mut().enumerate() {
        let (x, y) = (i % side / scale, i / side / scale);
        let dark = x >= QUIET_ZONE
            && y >= QUIET_ZONE
            && x - QUIET_ZONE < modules
            && y - QUIET_ZONE < modules
            && colors[(y - QUIET_ZONE) * modules + (x - QUIET_ZONE)] == Color::Dark;
        *pixel = if dark { black } else { white };
    }
    Ok(Image::from_rgb8(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the QR code in `image` back, as a phone would.
    pub fn decode(image: &Image) -> Option<String> {
        let buffer = image.to_rgb8()?;
        let (w, h) = (buffer.width() as usize, buffer.height() as usize);
        let pixels = buffer.as_slice();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
            let p = pixels[y * w + x];
            ((u16::from(p.r) + u16::from(p.g) + u16::from(p.b)) / 3) as u8
        });
        let grids = prepared.detect_grids();
        let (_, text) = grids.first()?.decode().ok()?;
        Some(text)
    }

    #[test]
    fn a_code_reads_back_with_cyrillic_and_kazakh_letters() {
        let text = "Өтемақыға өтініш\nНомер на киоске: K-7F3A09C2\nPortal: PR-2026-000123";
        let image = image(text, 4).unwrap();
        assert_eq!(decode(&image).as_deref(), Some(text));
    }

    #[test]
    fn the_quiet_zone_is_white_and_modules_are_whole_pixels() {
        let image = image("K-7F3A09C2", 5).unwrap();
        let buffer = image.to_rgb8().unwrap();
        let side = buffer.width() as usize;
        assert_eq!(side % 5, 0);
        let pixels = buffer.as_slice();
        for (i, pixel) in pixels[..side * QUIET_ZONE * 5].iter().enumerate() {
            assert_eq!(*pixel, Rgb8Pixel::new(255, 255, 255), "pixel {i}");
        }
        // The top-left finder pattern starts right after the quiet zone.
        let corner = QUIET_ZONE * 5;
        assert_eq!(pixels[corner * side + corner], Rgb8Pixel::new(0, 0, 0));
    }

    #[test]
    fn text_too_long_for_any_version_is_an_error() {
        assert!(image(&"x".repeat(3000), 1).is_err());
    }
}
