//! The space-time diagram's view-model: which stretch of the run it shows (zoomed and panned,
//! or following the present), and the lanes, arrows, marks and clocks in that stretch, laid out
//! in the diagram's own units. The record and the clocks come from the simulator
//! (raft_sim::spacetime); this only picks the visible window and words it. Plain data.
use crate::text::{t, t_made, tf};
use raft_sim::network::LossCause;
use raft_sim::spacetime::{CausalOrder, Event, Happening, Local, SpaceTime, VectorClock};
use std::rc::Rc;

/// Messages drawn at most (the most recent of the window); past it the diagram says so.
pub const MAX_ARROWS: usize = 2_000;
/// Events drawn at most, likewise.
pub const MAX_DOTS: usize = 3_000;
/// The narrowest and widest windows, and the one a page opens with.
pub const MIN_SPAN_US: u64 = 2_000;
pub const MAX_SPAN_US: u64 = 120_000_000;
pub const DEFAULT_SPAN_US: u64 = 500_000;
/// Past this many events in the window, sends and receipts are drawn only as the ends of their
/// arrows (no dot of their own): every element drawn costs the browser time each frame.
pub const DETAIL_EVENTS: usize = 400;

/// The drawing's units are CSS pixels (so its text is the page's size on a phone as on a
/// desktop): its width as last measured (this until then), where the lanes start, lane spacing.
pub const WIDTH: f64 = 1000.0;
pub const MIN_WIDTH: f64 = 300.0;
pub const MAX_WIDTH: f64 = 4000.0;
pub const LEFT: f64 = 40.0;
pub const TOP: f64 = 24.0;
pub const LANE: f64 = 44.0;
/// Events of one server at the same instant are drawn this far apart in windows up to
/// `SPREAD_SPAN_US` wide (where their clocks can be read; a message takes milliseconds, so a
/// send drawn a little late still starts before its receipt). Wider, they share a point.
const SAME_TIME_GAP: f64 = 7.0;
const SPREAD_SPAN_US: u64 = 100_000;
/// A clock label takes about this many units per character at the diagram's font size.
const CHAR_UNITS: f64 = 6.2;

/// What the student chose: open or not, clocks on or not, the window, the selected event.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramState {
    pub open: bool,
    pub clocks: bool,
    pub span_us: u64,
    /// The window's right edge; None: the present (the window follows the run).
    pub end_us: Option<u64>,
    /// The selected event (its place in the run's record).
    pub selected: Option<u64>,
    /// The drawing's width in CSS pixels.
    pub width: f64,
}

impl Default for DiagramState {
    fn default() -> Self {
        DiagramState { open: true, clocks: false, span_us: DEFAULT_SPAN_US, end_us: None, selected: None, width: WIDTH }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum DiagramAction {
    Toggle,
    ToggleClocks,
    /// Zoom by this factor (below 1: in), keeping the time at `anchor` (0..1 across) in place.
    Zoom {
        factor: f64,
        anchor: f64,
    },
    /// Move by this fraction of the window (negative: back in time).
    Pan(f64),
    /// Follow the present again.
    Follow,
    /// Select an event, or clear the selection (clicking the selected one again clears it).
    Select(Option<u64>),
    /// The drawing was measured this wide (CSS pixels).
    Resize(f64),
}

impl DiagramState {
    /// The window's right edge with the run at `now_us`.
    pub fn end(&self, now_us: u64) -> u64 {
        self.end_us.map_or(now_us, |e| e.min(now_us))
    }

    pub fn apply(&mut self, action: DiagramAction, now_us: u64) {
        match action {
            DiagramAction::Toggle => self.open = !self.open,
            DiagramAction::ToggleClocks => self.clocks = !self.clocks,
            DiagramAction::Zoom { factor, anchor } => {
                let factor = if factor.is_finite() && factor > 0.0 { factor } else { 1.0 };
                let anchor = if anchor.is_finite() { anchor.clamp(0.0, 1.0) } else { 1.0 };
                let end = self.end(now_us);
                let span = ((self.span_us as f64 * factor) as u64).clamp(MIN_SPAN_US, MAX_SPAN_US);
                if self.end_us.is_some() || anchor < 0.999 {
                    // Keep the time under the anchor where it is.
                    let at = end as f64 - (1.0 - anchor) * self.span_us as f64;
                    let new_end = (at + (1.0 - anchor) * span as f64).max(0.0) as u64;
                    self.end_us = (new_end < now_us).then_some(new_end);
                }
                self.span_us = span;
            }
            DiagramAction::Pan(fraction) => {
                let fraction = if fraction.is_finite() { fraction.clamp(-10.0, 10.0) } else { 0.0 };
                let end = self.end(now_us) as f64 + fraction * self.span_us as f64;
                let end = end.max(self.span_us.min(now_us) as f64) as u64;
                self.end_us = (end < now_us).then_some(end);
            }
            DiagramAction::Follow => self.end_us = None,
            DiagramAction::Resize(width) => {
                if width.is_finite() {
                    self.width = width.clamp(MIN_WIDTH, MAX_WIDTH).round();
                }
            }
            DiagramAction::Select(seq) => {
                self.selected = if seq.is_some() && seq == self.selected { None } else { seq };
            }
        }
    }
}

/// How an event or message stands to the selected event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// No event is selected.
    None,
    Selected,
    /// It happened before the selected event.
    Before,
    /// The selected event happened before it.
    After,
    Concurrent,
}

impl Relation {
    pub fn class(self) -> &'static str {
        match self {
            Relation::None => "",
            Relation::Selected => "selected",
            Relation::Before => "before",
            Relation::After => "after",
            Relation::Concurrent => "concurrent",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Delivered,
    Lost(LossCause),
    /// Still on its way now (`true`: it will not arrive).
    InFlight(bool),
}

/// A message. Its x coordinates are on the drawing's sliding sheet (see [`DiagramView::shift`]),
/// so they stay the same while the window follows the present: an arrow drawn once is not
/// drawn again. All plain values: the component words its tooltip only when it changes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrow {
    pub message: u64,
    pub kind: &'static str,
    pub from: u32,
    pub to: u32,
    pub sent_us: u64,
    /// Received or lost at (for one in flight: now).
    pub end_us: u64,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub fate: Fate,
    /// The simulator's event count right after its send (to inspect it in flight).
    pub sent_events: u64,
    /// Its receipt's relation to the selected event (a message into the selected event's
    /// past is part of the chain that makes it so).
    pub relation: Relation,
}

/// An event, on the sliding sheet like the arrows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    pub seq: u64,
    pub node: u32,
    pub time_us: u64,
    pub what: Happening,
    pub x: f64,
    pub y: f64,
    pub lamport: u64,
    pub vector: VectorClock,
    /// Whether its clocks are written beside it (only where they fit).
    pub show_clocks: bool,
    pub relation: Relation,
}

impl Dot {
    /// "send", "receive", or the local event's kind ("timeout", "leader", "commit", ...).
    pub fn kind(&self) -> &'static str {
        match self.what {
            Happening::Send { .. } => "send",
            Happening::Receive { .. } => "receive",
            Happening::Local(l) => local(l).0,
        }
    }

    /// A glyph for local events (none for sends and receipts).
    pub fn glyph(&self) -> Option<&'static str> {
        match self.what {
            Happening::Local(l) => Some(local(l).1),
            _ => None,
        }
    }

    /// What happened, in words, with its clocks.
    pub fn label(&self, names: &[String]) -> String {
        let (what, lamport, vector) =
            (describe(self.node, self.time_us, self.what, names), self.lamport.to_string(), self.vector.to_string());
        tf("diagram.event-clocks", &[("event", &what), ("lamport", &lamport), ("vector", &vector)])
    }
}

impl Arrow {
    pub fn label(&self, names: &[String]) -> String {
        let (from, to, message, sent, end) = (
            lane_name(names, self.from),
            lane_name(names, self.to),
            self.message.to_string(),
            ms(self.sent_us),
            ms(self.end_us),
        );
        let mut values =
            vec![("kind", self.kind), ("message", &message), ("from", &from), ("to", &to), ("sent", &sent)];
        let id = match self.fate {
            Fate::Delivered => {
                values.push(("received", &end));
                "diagram.arrow-delivered"
            }
            Fate::Lost(c) => {
                values.push(("cause", cause(c)));
                "diagram.arrow-lost"
            }
            Fate::InFlight(false) => "diagram.arrow-in-flight",
            Fate::InFlight(true) => "diagram.arrow-doomed",
        };
        tf(id, &values)
    }

    /// "delivered", "lost" or "in-flight".
    pub fn fate_name(&self) -> &'static str {
        match self.fate {
            Fate::Delivered => "delivered",
            Fate::Lost(_) => "lost",
            Fate::InFlight(_) => "in-flight",
        }
    }
}

/// The arrows ending and the events happening in one stretch of time (a sixteenth of the
/// window).
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// Which stretch: its start time over its length.
    pub key: u64,
    pub arrows: Vec<Arrow>,
    pub dots: Vec<Dot>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelectedView {
    pub label: String,
    pub lamport: u64,
    pub vector: String,
    /// In the window: events that happened before it, after it, and concurrent with it.
    pub before: usize,
    pub after: usize,
    pub concurrent: usize,
    /// Concurrent events with a smaller Lamport timestamp: Lamport's order alone would
    /// wrongly suggest they came first.
    pub concurrent_lower_lamport: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DiagramView {
    pub lanes: u32,
    /// Each lane's name, lane 1 first.
    pub names: Rc<Vec<String>>,
    pub width: f64,
    pub height: f64,
    pub start_us: u64,
    pub end_us: u64,
    /// The time the drawing's width stands for (more than end - start early in a run).
    pub span_us: u64,
    /// Arrows and dots are placed on a sheet that slides under the window: drawn at x, they
    /// appear at x + shift. The sheet moves on by a whole window at a time.
    pub shift: f64,
    pub following: bool,
    pub clocks: bool,
    /// What happened, in stretches of time: a stretch that is over stays equal from frame to
    /// frame, so the component skips it (only the stretch at the present is drawn again).
    pub chunks: Vec<Chunk>,
    /// Messages still on their way (drawn again every frame: they grow).
    pub flying: Vec<Arrow>,
    /// Time ticks: (x, label), in the window's coordinates.
    pub ticks: Vec<(f64, String)>,
    /// Where the present is, if in the window.
    pub now_x: Option<f64>,
    /// Before this x nothing is kept (the record's oldest events were let go).
    pub blank_before_x: Option<f64>,
    /// Messages and events of the window that were not drawn (past the caps).
    pub hidden_arrows: usize,
    pub hidden_dots: usize,
    /// Events whose clocks did not fit beside them.
    pub unlabelled: usize,
    /// Sends and receipts have no dot of their own (too many events in the window).
    pub coarse: bool,
    pub selected: Option<SelectedView>,
    /// The catalogue id of the key under the drawing: Raft's events have their own marks
    /// (timeouts, leaders, commits) that other protocols' diagrams never show.
    pub key: &'static str,
}

/// Lane `node`'s name ("S1" for Raft's servers; a protocol's own names: P1, A1, CFG, client).
pub fn lane_name(names: &[String], node: u32) -> String {
    names.get((node as usize).wrapping_sub(1)).cloned().unwrap_or_else(|| format!("S{node}"))
}

/// Raft's lanes: S1 to Sn.
pub fn server_names(lanes: u32) -> Vec<String> {
    (1..=lanes).map(|n| format!("S{n}")).collect()
}

pub fn lane_y(node: u32) -> f64 {
    TOP + (node.saturating_sub(1)) as f64 * LANE
}

/// A time on the diagram: in milliseconds as the stage writes them ("512 ms", "12.5 ms"), in
/// seconds from 10 s on, where a long run's axis would otherwise read "12000 ms".
fn ms(t: u64) -> String {
    if t >= 10_000_000 {
        format!("{:.1} s", t as f64 / 1e6)
    } else {
        raft_sim::protocols::view::ms(t)
    }
}

/// A local event's kind, glyph, and the id of its sentence (which may name {term} or
/// {index}, with its number).
fn local(l: Local) -> (&'static str, &'static str, &'static str, Option<(&'static str, u64)>) {
    match l {
        Local::Timeout { term, pre_vote: false } => ("timeout", "◷", "diagram.event-timeout", Some(("term", term))),
        Local::Timeout { term, pre_vote: true } => ("timeout", "◷", "diagram.event-pre-vote", Some(("term", term))),
        Local::Election { term } => ("election", "◷", "diagram.event-election", Some(("term", term))),
        Local::Leader { term } => ("leader", "★", "diagram.event-leader", Some(("term", term))),
        Local::SteppedDown { term } => ("stepdown", "↓", "diagram.event-step-down", Some(("term", term))),
        Local::Commit { index } => ("commit", "✓", "diagram.event-commit", Some(("index", index))),
        Local::Crash => ("crash", "☠", "diagram.event-crash", None),
        Local::Restart => ("restart", "↻", "diagram.event-restart", None),
        Local::Became { .. } => ("became", "◆", "diagram.event-became", None),
        Local::Paused => ("pause", "⏸", "diagram.event-paused", None),
        Local::Resumed => ("resume", "▶", "diagram.event-resumed", None),
    }
}

fn cause(c: LossCause) -> &'static str {
    match c {
        LossCause::Lost => t("diagram.cause-lost"),
        LossCause::Partitioned => t("diagram.cause-partitioned"),
        LossCause::SendOmission => t("diagram.cause-send-omission"),
        LossCause::ReceiveOmission => t("diagram.cause-receive-omission"),
        LossCause::ReceiverDown => t("diagram.cause-receiver-down"),
        LossCause::Dropped => t("diagram.cause-dropped"),
        LossCause::MessageRule => t("diagram.cause-message-rule"),
    }
}

/// What happened, in words: "S2 receives AppendEntries #7 from S1 at 12 ms".
fn describe(node: u32, time_us: u64, what: Happening, names: &[String]) -> String {
    let (node, time) = (lane_name(names, node), ms(time_us));
    let mut values = vec![("node", node.as_str()), ("time", time.as_str())];
    let (id, kind, message, other, number) = match what {
        Happening::Send { message, to, kind } => ("diagram.event-send", kind, message.to_string(), ("to", to), None),
        Happening::Receive { message, from, kind, .. } => {
            ("diagram.event-receive", kind, message.to_string(), ("from", from), None)
        }
        Happening::Local(l) => {
            let (_, _, id, number) = local(l);
            (id, "", String::new(), ("", 0), number)
        }
    };
    let other_node = lane_name(names, other.1);
    let number = number.map(|(name, n)| (name, n.to_string()));
    if !kind.is_empty() {
        values.extend([("kind", kind), ("message", message.as_str()), (other.0, other_node.as_str())]);
    }
    if let Some((name, n)) = &number {
        values.push((name, n));
    }
    let badge = match what {
        Happening::Local(Local::Became { badge }) => t_made(&format!("proto.badge.{badge}")),
        _ => String::new(),
    };
    values.push(("badge", &badge));
    tf(id, &values)
}

fn relation(e: &Event, selected: Option<&Event>) -> Relation {
    match selected.map(|s| e.order(s)) {
        None => Relation::None,
        Some(CausalOrder::Same) => Relation::Selected,
        Some(CausalOrder::Before) => Relation::Before,
        Some(CausalOrder::After) => Relation::After,
        Some(CausalOrder::Concurrent) => Relation::Concurrent,
    }
}

/// A "nice" tick spacing for a window `span` wide: 1, 2 or 5 times a power of ten, about six
/// ticks across.
fn tick_step(span: u64) -> u64 {
    let rough = (span / 6).max(1);
    let mut step = 1u64;
    while step.saturating_mul(10) <= rough {
        step *= 10;
    }
    [5, 2, 1].into_iter().map(|k| step * k).find(|s| *s <= rough).unwrap_or(step)
}

impl DiagramView {
    /// Raft's diagram: lanes S1 to Sn.
    pub fn of(st: &SpaceTime, state: &DiagramState, now_us: u64) -> DiagramView {
        DiagramView { key: "diagram.key", ..DiagramView::named(st, state, now_us, Rc::new(server_names(st.nodes()))) }
    }

    /// The diagram with its lanes named (another protocol's processes and clients), and the key
    /// of the marks every protocol's run has.
    pub fn named(st: &SpaceTime, state: &DiagramState, now_us: u64, names: Rc<Vec<String>>) -> DiagramView {
        let lanes = st.nodes();
        let end = state.end(now_us);
        let span = state.span_us.clamp(MIN_SPAN_US, MAX_SPAN_US);
        let start = end.saturating_sub(span);
        let width = state.width.clamp(MIN_WIDTH, MAX_WIDTH);
        let scale = (width - LEFT) / span as f64;
        // The sheet's origin moves by eight windows at a time, so most frames leave every x
        // unchanged.
        let origin = start / (8 * span) * (8 * span);
        let x = |t: u64| (t as f64 - origin as f64) * scale;
        let shift = LEFT - x(start);
        let selected_event = state.selected.and_then(|s| st.event(s));
        // The window's events, and receipts a little after it whose message left inside it.
        // Whole stretches of time (a sixteenth of the window) are taken, the first one
        // reaching out of the window on the left (the drawing clips it): a stretch that is
        // over then stays the same until it has left the window entirely.
        let stretch = (span / 16).max(1);
        let first = start / stretch * stretch;
        let reach = end.saturating_add(span / 2).min(now_us);
        let mut in_window: Vec<&Event> = Vec::new();
        let mut late_receipts: Vec<&Event> = Vec::new();
        for e in st.events_from(first) {
            if e.time_us > reach {
                break;
            }
            if e.time_us <= end {
                in_window.push(e);
            } else if matches!(e.what, Happening::Receive { sent_us, .. } if sent_us <= end) {
                late_receipts.push(e);
            }
        }
        // The most recent events first, up to the caps.
        let hidden_dots = in_window.len().saturating_sub(MAX_DOTS);
        let drawn = &in_window[hidden_dots..];
        let coarse = drawn.len() > DETAIL_EVENTS;

        // Clocks are written for the first event of each stretch of a lane as wide as a label
        // (stretches fixed on the sheet, so a label does not hop as the window moves). Events
        // of one server at the same microsecond (a receipt and the replies it sends) are drawn
        // a little apart, in their order, when the window is narrow enough to tell them apart.
        let label_units = (4 * lanes as usize + 1) as f64 * CHAR_UNITS;
        let gap = if span <= SPREAD_SPAN_US { SAME_TIME_GAP } else { 0.0 };
        let mut previous: Vec<(u64, f64)> = vec![(u64::MAX, 0.0); lanes as usize + 1];
        let mut last_label: Vec<(i64, f64)> = vec![(i64::MIN, f64::MIN); lanes as usize + 1];
        // (message, x) of the sends drawn, in id order (a server's sends are numbered as sent).
        let mut send_x: Vec<(u64, f64)> = Vec::new();
        let mut unlabelled = 0;
        let mut dots = Vec::with_capacity(drawn.len());
        let (mut before, mut after, mut concurrent, mut lower) = (0, 0, 0, 0);
        for e in drawn {
            let lane = (e.node as usize).min(lanes as usize);
            let ex = if previous[lane].0 == e.time_us { previous[lane].1 + gap } else { x(e.time_us) };
            previous[lane] = (e.time_us, ex);
            if let Happening::Send { message, .. } = e.what {
                send_x.push((message, ex));
            }
            let cell = (ex / label_units).floor() as i64;
            let (last_cell, last_x) = last_label[lane];
            let show_clocks = state.clocks && cell != last_cell && ex - last_x >= label_units * 0.75;
            if show_clocks {
                last_label[lane] = (cell, ex);
            } else if state.clocks {
                unlabelled += 1;
            }
            let rel = relation(e, selected_event);
            // Counted only inside the window (not in the clipped part of the first stretch).
            match rel {
                _ if e.time_us < start => {}
                Relation::Before => before += 1,
                Relation::After => after += 1,
                Relation::Concurrent => {
                    concurrent += 1;
                    if selected_event.is_some_and(|s| e.lamport < s.lamport) {
                        lower += 1;
                    }
                }
                _ => {}
            }
            if coarse && matches!(e.what, Happening::Send { .. } | Happening::Receive { .. }) {
                continue;
            }
            dots.push(Dot {
                seq: e.seq,
                node: e.node,
                time_us: e.time_us,
                what: e.what,
                x: ex,
                y: lane_y(e.node),
                lamport: e.lamport,
                vector: e.vector,
                show_clocks,
                relation: rel,
            });
        }

        let mut arrows = Vec::new();
        let mut lost = Vec::new();
        let mut flying = Vec::new();
        // Lookups by binary search: `dots` is in seq order, `send_x` in id order.
        let dot_x = |seq: u64| dots.binary_search_by_key(&seq, |d| d.seq).ok().map(|i| dots[i].x);
        let start_x = |message: u64, sent_us: u64| match send_x.binary_search_by_key(&message, |s| s.0) {
            Ok(i) => send_x[i].1,
            Err(_) => x(sent_us),
        };
        for e in drawn.iter().chain(late_receipts.iter()) {
            if let Happening::Receive { message, from, kind, sent_us, sent_events } = e.what {
                let rel = relation(e, selected_event);
                arrows.push(Arrow {
                    message,
                    kind,
                    from,
                    to: e.node,
                    sent_us,
                    end_us: e.time_us,
                    x1: start_x(message, sent_us),
                    y1: lane_y(from),
                    x2: dot_x(e.seq).unwrap_or_else(|| x(e.time_us)),
                    y2: lane_y(e.node),
                    fate: Fate::Delivered,
                    sent_events,
                    relation: match rel {
                        Relation::Before | Relation::Selected => Relation::Before,
                        r => r,
                    },
                });
            }
        }
        for l in st.losses_from(first) {
            if l.sent_us > end {
                continue;
            }
            if l.at_us > reach {
                break;
            }
            // It dies part way: drawn ending short of the receiver's lane, in a ✕.
            let (y1, y2) = (lane_y(l.from), lane_y(l.to));
            lost.push(Arrow {
                message: l.message,
                kind: l.kind,
                from: l.from,
                to: l.to,
                sent_us: l.sent_us,
                end_us: l.at_us,
                x1: start_x(l.message, l.sent_us),
                y1,
                x2: x(l.at_us),
                y2: y1 + (y2 - y1) * 0.7,
                fate: Fate::Lost(l.cause),
                sent_events: l.sent_events,
                relation: Relation::None,
            });
        }
        if end >= now_us {
            for p in st.pending().filter(|p| p.sent_us >= start.saturating_sub(span)) {
                let (y1, y2) = (lane_y(p.from), lane_y(p.to));
                // Drawn as far as it has come (by its send time, not its arrival, which is
                // not known to the sender).
                let fraction = 0.5f64.min((now_us - p.sent_us.min(now_us)) as f64 / (span as f64 / 20.0));
                flying.push(Arrow {
                    message: p.message,
                    kind: p.kind,
                    from: p.from,
                    to: p.to,
                    sent_us: p.sent_us,
                    end_us: now_us,
                    x1: start_x(p.message, p.sent_us),
                    y1,
                    x2: x(now_us),
                    y2: y1 + (y2 - y1) * fraction,
                    fate: Fate::InFlight(p.lost.is_some()),
                    sent_events: p.events,
                    relation: Relation::None,
                });
            }
        }
        // Receipts and losses, each in time order: merged by the time each arrow ends.
        let mut merged = Vec::with_capacity(arrows.len() + lost.len());
        let (mut a, mut l) = (arrows.into_iter().peekable(), lost.into_iter().peekable());
        loop {
            let next = match (a.peek(), l.peek()) {
                (Some(x), Some(y)) if y.end_us < x.end_us => l.next(),
                (Some(_), _) => a.next(),
                (None, _) => l.next(),
            };
            let Some(next) = next else { break };
            merged.push(next);
        }
        let mut arrows = merged;
        let hidden_arrows = (arrows.len() + flying.len()).saturating_sub(MAX_ARROWS);
        // Keep the most recent.
        arrows.drain(..hidden_arrows.min(arrows.len()));
        // Stretches in time order, made as the (time-ordered) events and arrows come.
        let mut chunks: Vec<Chunk> = Vec::new();
        let find = |chunks: &mut Vec<Chunk>, key: u64| match chunks.binary_search_by_key(&key, |c| c.key) {
            Ok(i) => i,
            Err(i) => {
                chunks.insert(i, Chunk { key, arrows: Vec::new(), dots: Vec::new() });
                i
            }
        };
        for d in dots {
            let i = find(&mut chunks, d.time_us / stretch);
            chunks[i].dots.push(d);
        }
        for a in arrows {
            let i = find(&mut chunks, a.end_us / stretch);
            chunks[i].arrows.push(a);
        }
        let selected = selected_event.map(|s| SelectedView {
            label: describe(s.node, s.time_us, s.what, &names),
            lamport: s.lamport,
            vector: s.vector.to_string(),
            before,
            after,
            concurrent,
            concurrent_lower_lamport: lower,
        });

        let window_x = |t: u64| LEFT + (t as f64 - start as f64) / span as f64 * (width - LEFT);
        // Ticks at least 80 pixels apart, so their labels never run together on a phone.
        let mut step = tick_step(span);
        while (step as f64) * (width - LEFT) / (span as f64) < 80.0 {
            step *= 2;
        }
        let ticks = (start.div_ceil(step)..=end / step).take(20).map(|k| (window_x(k * step), ms(k * step))).collect();
        let blank_before_x = st.kept_since_us().filter(|&t| t > start).map(|t| window_x(t.min(end)));
        DiagramView {
            names,
            lanes,
            width,
            height: TOP + lanes.saturating_sub(1) as f64 * LANE + 44.0,
            start_us: start,
            end_us: end,
            span_us: span,
            shift,
            following: state.end_us.is_none(),
            clocks: state.clocks,
            chunks,
            flying,
            ticks,
            now_x: (now_us <= end).then(|| window_x(now_us)),
            blank_before_x,
            hidden_arrows,
            hidden_dots,
            unlabelled,
            coarse,
            selected,
            key: "diagram.key-course",
        }
    }

    /// Every event drawn, oldest first.
    pub fn dots(&self) -> impl Iterator<Item = &Dot> + '_ {
        self.chunks.iter().flat_map(|c| c.dots.iter())
    }

    /// Every message drawn: received or lost, then on their way.
    pub fn arrows(&self) -> impl Iterator<Item = &Arrow> + '_ {
        self.chunks.iter().flat_map(|c| c.arrows.iter()).chain(self.flying.iter())
    }

    /// The virtual time at `fraction` (0..1) across the drawing's full width (no later than
    /// the window's end).
    pub fn time_at(&self, fraction: f64) -> u64 {
        let units = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 1.0 } * self.width;
        let along = ((units - LEFT) / (self.width - LEFT)).clamp(0.0, 1.0);
        (self.start_us + (along * self.span_us as f64) as u64).min(self.end_us)
    }
}

#[cfg(test)]
mod tests;
