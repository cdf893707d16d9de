//! QR codes a person photographs with their phone: the references on the receipt. Dark modules
//! on white with the four-module quiet zone the standard asks for, drawn at a whole number of
//! pixels per module so that no module is blurred by scaling.

use komek_kiosk_core::qr::{QrError, encode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Modules of white around the code; readers need at least four.
const QUIET_ZONE: usize = 4;

/// `text` as a QR code at `pixels_per_module` pixels per module.
pub fn image(text: &str, pixels_per_module: usize) -> Result<Image, QrError> {
    let code = encode(text)?;
    let modules = code.width;
    let scale = pixels_per_module.max(1);
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let side_u32 = u32::try_from(side).unwrap_or(u32::MAX);
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side_u32, side_u32);
    let white = Rgb8Pixel::new(255, 255, 255);
    let black = Rgb8Pixel::new(0, 0, 0);
    for (i, pixel) in buffer.make_mut_slice().iter_mut().enumerate() {
        let (x, y) = (i % side / scale, i / side / scale);
        let dark =
            x >= QUIET_ZONE && y >= QUIET_ZONE && code.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
        *pixel = if dark { black } else { white };
    }
    Ok(Image::from_rgb8(buffer))
}
