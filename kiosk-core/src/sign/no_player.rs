//! The player when the kiosk is built without the `video` feature: it says so.

use std::path::Path;

use super::{Progress, VideoError};

pub struct Player;

impl Player {
    pub fn open(_clip: &Path) -> Result<Player, VideoError> {
        Err(VideoError::NotBuilt)
    }
    pub fn play(&mut self) -> Result<(), VideoError> {
        Err(VideoError::NotBuilt)
    }
    pub fn pause(&mut self) -> Result<(), VideoError> {
        Err(VideoError::NotBuilt)
    }
    pub fn poll(&mut self) -> Progress {
        Progress::default()
    }
}
