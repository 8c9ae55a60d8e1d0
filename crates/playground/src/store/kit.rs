//! The store's teacher's kit: pictures of the stage, the log and the space-time diagram (SVG,
//! or PNG drawn from the SVG by the browser), the animation of the last seconds, and the
//! presentation mode's switch. The pictures are made here from the view-models
//! (model/picture.rs, model/animation.rs) and handed to the browser as effects to save.
use super::{Effect, Store};
use crate::model::animation::{self, Frame};
use crate::model::diagram::DiagramView;
use crate::model::log::LogData;
use crate::model::picture::{self, STAGE_H, STAGE_W};
use crate::model::stage::StageData;
use crate::model::svg::{caption, cat, width_for, Svg, CAPTION_H, N, S};
use crate::text::{t, tf};
use raft_sim::session::Target;

/// A number as the pictures' captions write it (short, no trailing zeros).
fn num(n: f64) -> String {
    cat(&[N(n)])
}

/// What a picture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    Stage,
    Log,
    Diagram,
}

impl Picture {
    pub const ALL: [Picture; 3] = [Picture::Stage, Picture::Log, Picture::Diagram];

    /// Its name in file names, the export menu's values and the tests.
    pub fn id(self) -> &'static str {
        match self {
            Picture::Stage => "stage",
            Picture::Log => "log",
            Picture::Diagram => "diagram",
        }
    }

    /// Its name in the caption and the menu.
    pub fn title(self) -> &'static str {
        match self {
            Picture::Stage => "Stage",
            Picture::Log => "Log",
            Picture::Diagram => "Space-time diagram",
        }
    }
}

impl Store {
    /// The run's name for captions: a built-in's plain title, or the scenario's name.
    pub fn title(&self) -> &str {
        self.current_builtin().map_or(&self.scenario.name, |b| &b.title)
    }

    /// The caption line of this moment: title, seed, virtual time.
    pub fn moment_caption(&self) -> String {
        caption(self.title(), self.scenario.seed, self.now_us())
    }

    /// A picture's caption: what it shows, then the moment's.
    fn picture_caption(&self, which: Picture) -> String {
        cat(&[S(which.title()), S(" · "), S(&self.moment_caption())])
    }

    /// The file name for something of this moment: `raft-NAME-seedN-Tms-WHAT.EXT`.
    fn file_name(&self, what: &str, ext: &str) -> String {
        let ms = (self.now_us() / 1000) as f64;
        let seed = self.scenario.seed.to_string();
        cat(&[
            S("raft-"),
            S(&self.scenario.name),
            S("-seed"),
            S(&seed),
            S("-"),
            N(ms),
            S("ms-"),
            S(what),
            S("."),
            S(ext),
        ])
    }

    /// The picture as a standalone SVG document, with its size (without the caption band).
    pub fn picture(&self, which: Picture) -> Option<(String, f64, f64)> {
        let session = self.session.as_ref()?;
        let sim = session.sim();
        let caption = self.picture_caption(which);
        Some(match which {
            Picture::Stage => (picture::stage_svg(&StageData::of(sim), &caption), STAGE_W, STAGE_H),
            Picture::Log => {
                let log = LogData::of(sim);
                let (w, h) = picture::log_size(&log);
                (picture::log_svg(&log, &caption), w, h)
            }
            Picture::Diagram => {
                // The window the page shows (drawn even while the diagram is folded away).
                let view = DiagramView::of(session.spacetime()?, &self.diagram, sim.now());
                let (w, h) = (view.width, view.height);
                (picture::diagram_svg(&view, &caption), w, h)
            }
        })
    }

    /// Save a picture: the SVG file, or a PNG the browser draws from it at twice its size.
    pub(super) fn export_picture(&mut self, which: Picture, png: bool) {
        let Some((svg, w, h)) = self.picture(which) else {
            self.kit_note = Some(t("store.diagram-empty").into());
            return;
        };
        let name = self.file_name(which.id(), if png { "png" } else { "svg" });
        // The document is as wide as its caption needs.
        let w = width_for(w, &self.picture_caption(which));
        let kb = (svg.len() as f64 / 1024.0).ceil();
        self.kit_note = Some(if png {
            tf(
                "store.saved-png",
                &[
                    ("name", &name),
                    ("width", &num((w * 2.0).round())),
                    ("height", &num(((h + CAPTION_H) * 2.0).round())),
                ],
            )
        } else {
            tf("store.saved-svg", &[("name", &name), ("kb", &num(kb))])
        });
        self.effects.push(if png {
            Effect::SavePng { name, svg, width: w, height: h + CAPTION_H }
        } else {
            Effect::Download { name, text: svg }
        });
    }

    /// Save the stage over the last `seconds` (the field's text) as an animated SVG: the run is
    /// replayed from that moment by time travel, sampled at a fixed virtual-time step, and left
    /// where it was. Bounded in frames and bytes, with a word when a bound was met.
    pub(super) fn animate(&mut self, seconds: &str) {
        self.animate_within(seconds, animation::MAX_BYTES);
    }

    /// [`Store::animate`], the frames' drawings stopping at `max_bytes`.
    pub(super) fn animate_within(&mut self, seconds: &str, max_bytes: usize) {
        let (seconds, mut notes) = match animation::seconds(seconds) {
            Ok(s) => (s, Vec::new()),
            Err(why) => (animation::DEFAULT_SECONDS, vec![why]),
        };
        let title = self.title().to_string();
        let (seed, name) = (self.scenario.seed, self.file_name("animation", "svg"));
        let Some(session) = self.session.as_mut() else { return };
        let back = session.position();
        let (step, times) = animation::plan(session.sim().now(), seconds);
        let (first, planned) = (times[0], times.len());
        let mut frames = Vec::with_capacity(planned);
        let mut bytes = 0;
        for (i, &t) in times.iter().enumerate() {
            // The last frame is the moment itself, exactly as it was (a step may have stopped
            // it between two events of the same instant).
            session.seek(if i + 1 == planned { Target::Mark(back) } else { Target::Time(t) });
            let mut body = Svg::default();
            picture::stage_body(&mut body, &StageData::of(session.sim()));
            bytes += body.0.len();
            if bytes > max_bytes {
                notes.push(tf(
                    "store.animation-limit",
                    &[
                        ("ms", &num(t as f64 / 1000.0)),
                        ("frames", &num(frames.len() as f64)),
                        ("planned", &num(planned as f64)),
                        ("mb", &num((max_bytes / 1_000_000) as f64)),
                    ],
                ));
                break;
            }
            frames.push(Frame { time_us: t, body: body.0 });
        }
        session.seek(Target::Mark(back));
        let last = frames.last().map_or(first, |f| f.time_us);
        let caption = cat(&[
            S(&title),
            S(" · seed "),
            S(&seed.to_string()),
            S(" · t = "),
            N(first as f64 / 1000.0),
            S(" to "),
            N(last as f64 / 1000.0),
            S(" ms · "),
            N(frames.len() as f64),
            S(" frames, one per "),
            N(step as f64 / 1000.0),
            S(" ms of virtual time"),
        ]);
        let text = animation::document_of(&frames, &caption);
        notes.insert(
            0,
            tf(
                "store.saved-animation",
                &[
                    ("name", &name),
                    ("frames", &num(frames.len() as f64)),
                    ("step", &num(step as f64 / 1000.0)),
                    ("seconds", &num(frames.len() as f64 * animation::FRAME_SECONDS)),
                    ("kb", &num((text.len() as f64 / 1024.0).ceil())),
                ],
            ),
        );
        self.kit_note = Some(tf("store.notes", &[("notes", &notes.join(t("store.note-separator")))]));
        self.effects.push(Effect::Download { name, text });
    }

    /// Escape: leave the presentation, or close the keyboard help.
    pub(super) fn escape(&mut self) {
        if self.present {
            self.present = false;
        } else {
            self.help = false;
        }
    }
}
