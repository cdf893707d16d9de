//! Sign language: a clip slot for every screen, in Kazakh and Russian sign language
//! (`assets/sign/manifest.toml`), and the player that decodes a clip into frames.

pub mod manifest;
#[cfg(not(feature = "video"))]
mod no_player;
#[cfg(feature = "video")]
mod player;

#[cfg(not(feature = "video"))]
pub use no_player::Player;
#[cfg(feature = "video")]
pub use player::Player;

pub use manifest::SignLanguage;

/// Loads GStreamer and its plugin registry, which can take a moment the first time: done once
/// at start, so the first press of "Sign language" does not wait for it.
pub fn init() {
    #[cfg(feature = "video")]
    if let Err(e) = gstreamer::init() {
        tracing::warn!(error = %e, "GStreamer could not start; sign-language video is off");
    }
}

/// One decoded picture, tightly packed RGBA (width × height × 4 bytes).
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// What the player has to say since it was last asked.
#[derive(Default)]
pub struct Progress {
    /// The newest frame, if a new one came (older ones are dropped).
    pub frame: Option<Frame>,
    pub ended: bool,
    pub failed: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("this kiosk was built without the video player")]
    NotBuilt,
    #[error("clip {0}: {1}")]
    Clip(std::path::PathBuf, String),
    #[error("GStreamer: {0}")]
    Gstreamer(String),
}
