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
