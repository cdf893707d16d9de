//! QR codes a person photographs with their phone (the receipt's references) or scans with
//! eGov Mobile: the modules of the code, for the UI to draw.

use qrcode::{Color, EcLevel, QrCode};

#[derive(Debug, thiserror::Error)]
#[error("the text does not fit in a QR code: {0}")]
pub struct QrError(#[from] qrcode::types::QrError);

/// The most bytes a code holds at error correction M (version 40, byte mode).
pub const CAPACITY_BYTES: usize = 2331;

/// A QR code's modules, row by row, `width` a side.
pub struct Modules {
    pub width: usize,
    dark: Vec<bool>,
}

impl Modules {
    /// Whether the module at column `x`, row `y` is dark; outside the code, light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }
}

/// `text` as a QR code, with error correction M: a photo of a screen survives some glare.
pub fn encode(text: &str) -> Result<Modules, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    Ok(Modules {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}
