//! The teacher's kit's animation: the stage over the last few seconds of virtual time as one
//! animated SVG file (SMIL), which plays in any browser and in slide programs that show SVG.
//! The store samples the run at a fixed virtual-time step through time travel (store/kit.rs);
//! here the seconds are read and bounded, the frame times planned, and the frames put together:
//! each frame is a group hidden until a `<set>` shows it at its time, on a clock that starts
//! again at its end, so the animation loops. Deterministic: the same run gives the same file.
use super::picture::{STAGE_DEFS, STAGE_H, STAGE_STYLE, STAGE_W};
use super::svg::{cat, document, N, S};
use crate::text::tf;

/// The span animated unless the teacher asks for another, and its bounds (virtual seconds).
pub const DEFAULT_SECONDS: f64 = 5.0;
pub const MIN_SECONDS: f64 = 0.1;
pub const MAX_SECONDS: f64 = 60.0;
/// At most this many frames (the step grows with the span), each this long on screen.
pub const MAX_FRAMES: u64 = 150;
pub const FRAME_SECONDS: f64 = 0.1;
/// Frames are never closer than this in virtual time (a message takes about 10 ms to cross).
pub const MIN_STEP_US: u64 = 10_000;
/// The file stops growing here (under load a frame holds hundreds of messages): frames past it
/// are left out and the page says so.
pub const MAX_BYTES: usize = 4_000_000;
/// Room under the stage for each frame's clock.
const CLOCK_H: f64 = 20.0;

/// The seconds field's text as a span, or why not (with the span used instead).
pub fn seconds(text: &str) -> Result<f64, String> {
    // Read as the page's other number fields are (number.rs: no Rust float parser in the wasm).
    match crate::number::parse_f64(text) {
        Some(s) if (MIN_SECONDS..=MAX_SECONDS).contains(&s) => Ok(s),
        _ => Err(tf(
            "animation.bad-seconds",
            &[
                ("text", text.trim()),
                ("min", &cat(&[N(MIN_SECONDS)])),
                ("max", &cat(&[N(MAX_SECONDS)])),
                ("default", &cat(&[N(DEFAULT_SECONDS)])),
            ],
        )),
    }
}

/// The virtual times to sample for the `seconds` before `end_us`: from the span's start (the
/// run's, if it is shorter) at a fixed step, then `end_us` itself; never more than
/// [`MAX_FRAMES`]. Returns (step, times).
pub fn plan(end_us: u64, seconds: f64) -> (u64, Vec<u64>) {
    let span = (seconds.clamp(MIN_SECONDS, MAX_SECONDS) * 1e6) as u64;
    let start = end_us.saturating_sub(span);
    let step = span.div_ceil(MAX_FRAMES - 1).max(MIN_STEP_US);
    let mut times: Vec<u64> = (0..).map(|k| start + k * step).take_while(|&t| t < end_us).collect();
    times.push(end_us);
    (step, times)
}

/// One sampled moment: its virtual time and the stage's drawing then (model/picture.rs).
pub struct Frame {
    pub time_us: u64,
    pub body: String,
}

/// The frames as one looping animated SVG document under `caption`.
pub fn document_of(frames: &[Frame], caption: &str) -> String {
    document(STAGE_W, STAGE_H + CLOCK_H, STAGE_STYLE, caption, |s| {
        s.raw(STAGE_DEFS);
        // The clock every frame is timed from: it starts again when it ends, so the frames loop.
        let total = cat(&[N(frames.len() as f64 * FRAME_SECONDS), S("s")]);
        s.open("rect", &[("width", N(0.0)), ("height", N(0.0))], false);
        s.el(
            "animate",
            &[
                ("id", S("loop")),
                ("attributeName", S("x")),
                ("to", N(0.0)),
                ("dur", S(&total)),
                ("begin", S("0s;loop.end")),
            ],
        );
        s.close("rect");
        let dur = cat(&[N(FRAME_SECONDS), S("s")]);
        for (i, f) in frames.iter().enumerate() {
            let ms = f.time_us as f64 / 1000.0;
            s.open("g", &[("class", S("frame")), ("visibility", S("hidden")), ("data-t", N(ms))], false);
            let begin = cat(&[S("loop.begin+"), N(i as f64 * FRAME_SECONDS), S("s")]);
            s.el(
                "set",
                &[("attributeName", S("visibility")), ("to", S("visible")), ("begin", S(&begin)), ("dur", S(&dur))],
            );
            s.raw(&f.body);
            s.text(
                &[("class", S("clock")), ("x", N(8.0)), ("y", N(STAGE_H + 14.0))],
                &cat(&[S("t = "), N(ms), S(" ms")]),
            );
            s.close("g");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seconds_are_bounded_and_a_bad_field_is_named() {
        assert_eq!(seconds(" 2.5 "), Ok(2.5));
        for bad in ["", "abc", "0", "61", "NaN", "inf", "-3"] {
            let e = seconds(bad).unwrap_err();
            assert!(e.starts_with("seconds to animate: '"), "{e}");
            assert!(e.contains("from 0.1 to 60; animating the last 5 s"), "{e}");
        }
    }

    #[test]
    fn frames_are_a_fixed_step_apart_and_end_at_the_moment() {
        // 5 s: 150 frames at most, so one every 33.6 ms.
        let (step, times) = plan(7_000_000, 5.0);
        assert_eq!(step, 33_558);
        assert_eq!(times.first(), Some(&2_000_000));
        assert_eq!(times.last(), Some(&7_000_000));
        assert!(times.len() as u64 <= MAX_FRAMES);
        assert!(times.windows(2).rev().skip(1).all(|w| w[1] - w[0] == step));
        // A short span: 10 ms apart, never closer.
        let (step, times) = plan(1_000_000, 0.1);
        assert_eq!((step, times.len()), (10_000, 11));
        // Early in the run the span starts at 0.
        let (_, times) = plan(300_000, 5.0);
        assert_eq!(times.first(), Some(&0));
        assert_eq!(plan(0, 5.0).1, vec![0]);
    }

    #[test]
    fn each_frame_is_shown_at_its_time_on_a_looping_clock() {
        let frames: Vec<Frame> =
            (0..3).map(|i| Frame { time_us: 1_000 * i, body: format!("<circle r=\"{i}\"/>") }).collect();
        let doc = document_of(&frames, "Stage · x · seed 1 · t = 0 to 2 ms");
        assert!(doc.contains("<animate id=\"loop\" attributeName=\"x\" to=\"0\" dur=\"0.3s\" begin=\"0s;loop.end\"/>"));
        for (i, begin) in ["0", "0.1", "0.2"].iter().enumerate() {
            let frame = format!(
                "<g class=\"frame\" visibility=\"hidden\" data-t=\"{i}\"><set attributeName=\"visibility\" to=\"visible\" \
                 begin=\"loop.begin+{begin}s\" dur=\"0.1s\"/><circle r=\"{i}\"/>"
            );
            assert!(doc.contains(&frame), "frame {i} in {doc}");
        }
        assert_eq!(doc.matches("<set ").count(), 3);
        // The arrow head is defined once, not once per frame.
        assert_eq!(doc.matches("id=\"cut\"").count(), 1);
    }
}
