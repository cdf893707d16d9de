//! A clip played with GStreamer: `playbin` decodes on its own threads into an appsink that
//! only takes RGBA; frames, the end and errors come back over channels, so the UI thread only
//! ever polls. Play, pause and dropping a player return within milliseconds; the first open
//! also loads GStreamer's plugin registry unless `sign::init` did at start.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;
use gstreamer_video::prelude::*;

use super::{Frame, Progress, VideoError};

enum Event {
    Ended,
    Failed(String),
}

pub struct Player {
    playbin: gst::Element,
    frames: Receiver<Frame>,
    events: Receiver<Event>,
}

/// Frames waiting for the UI; more are dropped (the UI shows only the newest anyway).
const FRAME_BACKLOG: usize = 4;

impl Player {
    /// Prepares `clip` for playing; nothing is decoded until `play`.
    pub fn open(clip: &Path) -> Result<Player, VideoError> {
        gst::init().map_err(|e| VideoError::Gstreamer(e.to_string()))?;
        let clip_error = |e: &dyn std::fmt::Display| VideoError::Clip(clip.into(), e.to_string());
        if !clip.is_file() {
            return Err(clip_error(&"no such file"));
        }
        let absolute = std::path::absolute(clip).map_err(|e| clip_error(&e))?;
        let uri = gst::glib::filename_to_uri(&absolute, None).map_err(|e| clip_error(&e))?;

        let (frame_tx, frames) = mpsc::sync_channel(FRAME_BACKLOG);
        let (event_tx, events) = mpsc::channel();
        let caps = gst_video::VideoCapsBuilder::new()
            .format(gst_video::VideoFormat::Rgba)
            .pixel_aspect_ratio(gst::Fraction::new(1, 1))
            .build();
        let sink = gst_app::AppSink::builder()
            .caps(&caps)
            .sync(true)
            .max_buffers(2)
            .drop(true)
            .build();
        let preroll_tx = frame_tx.clone();
        let sample_events = event_tx.clone();
        sink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    forward(&sample, &frame_tx, &sample_events)
                })
                // The first frame, and the frame after a seek while paused.
                .new_preroll(move |sink| {
                    let sample = sink.pull_preroll().map_err(|_| gst::FlowError::Eos)?;
                    let (ignored, _) = mpsc::channel();
                    forward(&sample, &preroll_tx, &ignored)
                })
                .build(),
        );
        let playbin = gst::ElementFactory::make("playbin")
            .property("uri", uri.as_str())
            .property("video-sink", &sink)
            .build()
            .map_err(|e| VideoError::Gstreamer(e.to_string()))?;
        // Video only: the clips are silent, and the kiosk's speaker belongs to speech.
        playbin.set_property_from_str("flags", "video+soft-colorbalance");
        let bus = playbin
            .bus()
            .ok_or_else(|| VideoError::Gstreamer("playbin has no bus".into()))?;
        bus.set_sync_handler(move |_bus, message| {
            match message.view() {
                gst::MessageView::Eos(..) => {
                    let _ = event_tx.send(Event::Ended);
                }
                gst::MessageView::Error(err) => {
                    let _ = event_tx.send(Event::Failed(err.error().to_string()));
                }
                _ => {}
            }
            gst::BusSyncReply::Drop
        });
        Ok(Player {
            playbin,
            frames,
            events,
        })
    }

    pub fn play(&mut self) -> Result<(), VideoError> {
        self.set_state(gst::State::Playing)
    }

    pub fn pause(&mut self) -> Result<(), VideoError> {
        self.set_state(gst::State::Paused)
    }

    /// What happened since the last poll: the newest frame, the end, an error.
    pub fn poll(&mut self) -> Progress {
        let mut progress = Progress::default();
        while let Ok(frame) = self.frames.try_recv() {
            progress.frame = Some(frame);
        }
        loop {
            match self.events.try_recv() {
                Ok(Event::Ended) => progress.ended = true,
                Ok(Event::Failed(why)) => progress.failed = Some(why),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        progress
    }

    fn set_state(&self, state: gst::State) -> Result<(), VideoError> {
        self.playbin
            .set_state(state)
            .map(|_| ())
            .map_err(|e| VideoError::Gstreamer(e.to_string()))
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.playbin.set_state(gst::State::Null);
    }
}

/// Copies a decoded sample into a tightly packed RGBA frame for the UI thread.
fn forward(
    sample: &gst::Sample,
    frames: &SyncSender<Frame>,
    events: &mpsc::Sender<Event>,
) -> Result<gst::FlowSuccess, gst::FlowError> {
    match to_frame(sample) {
        Ok(frame) => {
            // A full backlog means the UI is behind: this frame is dropped, the next one shows.
            let _ = frames.try_send(frame);
            Ok(gst::FlowSuccess::Ok)
        }
        Err(why) => {
            let _ = events.send(Event::Failed(why));
            Err(gst::FlowError::Error)
        }
    }
}

fn to_frame(sample: &gst::Sample) -> Result<Frame, String> {
    let caps = sample.caps().ok_or("a sample without caps")?;
    let info = gst_video::VideoInfo::from_caps(caps).map_err(|e| e.to_string())?;
    let buffer = sample.buffer().ok_or("a sample without a buffer")?;
    let frame = gst_video::VideoFrameRef::from_buffer_ref_readable(buffer, &info)
        .map_err(|e| e.to_string())?;
    let (width, height) = (frame.width(), frame.height());
    let stride = usize::try_from(frame.plane_stride()[0]).map_err(|e| e.to_string())?;
    let source = frame.plane_data(0).map_err(|e| e.to_string())?;
    let row = width as usize * 4;
    let mut rgba = Vec::with_capacity(row * height as usize);
    for y in 0..height as usize {
        let start = y * stride;
        let line = source
            .get(start..start + row)
            .ok_or("a frame shorter than its caps say")?;
        rgba.extend_from_slice(line);
    }
    Ok(Frame {
        width,
        height,
        rgba,
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    /// A one-second 160×120 Theora clip made in-process.
    fn make_clip(path: &Path) {
        gst::init().unwrap();
        let pipeline = gst::parse::launch(&format!(
            "videotestsrc num-buffers=25 pattern=ball ! video/x-raw,width=160,height=120,framerate=25/1 ! theoraenc ! oggmux ! filesink location={}",
            path.display()
        ))
        .unwrap();
        pipeline.set_state(gst::State::Playing).unwrap();
        let bus = pipeline.bus().unwrap();
        let done = bus.timed_pop_filtered(
            gst::ClockTime::from_seconds(20),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        );
        pipeline.set_state(gst::State::Null).unwrap();
        assert!(matches!(
            done.map(|m| m.type_()),
            Some(gst::MessageType::Eos)
        ));
    }

    /// Polls until the clip ends or `limit` passes; returns the frames seen and the last size.
    fn play_through(player: &mut Player, limit: Duration) -> (usize, Option<(u32, u32)>, bool) {
        let deadline = Instant::now() + limit;
        let (mut frames, mut size, mut ended) = (0, None, false);
        while Instant::now() < deadline && !ended {
            let progress = player.poll();
            if let Some(frame) = progress.frame {
                assert_eq!(frame.rgba.len(), (frame.width * frame.height * 4) as usize);
                frames += 1;
                size = Some((frame.width, frame.height));
            }
            assert!(progress.failed.is_none(), "{:?}", progress.failed);
            ended = progress.ended;
            std::thread::sleep(Duration::from_millis(10));
        }
        (frames, size, ended)
    }

    #[test]
    fn a_clip_plays_to_its_end_and_again_when_opened_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("sample.ogv");
        make_clip(&clip);
        let mut player = Player::open(&clip).unwrap();
        player.play().unwrap();
        let (frames, size, ended) = play_through(&mut player, Duration::from_secs(10));
        assert!(ended, "the end is reported");
        assert!(frames >= 10, "frames reach the UI: {frames}");
        assert_eq!(size, Some((160, 120)));

        // "Again" opens the clip afresh (no seek that could wait on the pipeline).
        let mut player = Player::open(&clip).unwrap();
        player.play().unwrap();
        let (again, _, ended) = play_through(&mut player, Duration::from_secs(10));
        assert!(ended && again >= 10, "replayed: {again} frames");
    }

    #[test]
    fn a_paused_clip_sends_no_more_frames() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("sample.ogv");
        make_clip(&clip);
        let mut player = Player::open(&clip).unwrap();
        player.play().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            player.poll().frame.is_some(),
            "it was playing before the pause"
        );
        player.pause().unwrap();
        std::thread::sleep(Duration::from_millis(150));
        player.poll();
        std::thread::sleep(Duration::from_millis(400));
        let after = player.poll();
        assert!(after.frame.is_none() && !after.ended);
    }

    #[test]
    fn a_missing_or_broken_clip_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Player::open(&dir.path().join("none.ogv")),
            Err(VideoError::Clip(..))
        ));
        let garbage = dir.path().join("garbage.ogv");
        std::fs::write(&garbage, b"this is not a video at all").unwrap();
        let mut player = Player::open(&garbage).unwrap();
        let _ = player.play();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut failed = None;
        while failed.is_none() && Instant::now() < deadline {
            failed = player.poll().failed;
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(failed.is_some(), "a broken clip says why");
    }
}
