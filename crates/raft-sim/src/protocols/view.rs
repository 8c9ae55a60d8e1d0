//! What a protocol other than Raft shows of a run, in one shape for every protocol: its nodes
//! (a name, up / paused / crashed, a badge for the role or state that matters, and a few facts),
//! the messages in flight, and its checks. The page's stage, its space-time diagram and the CLI's
//! `raftsim run --at` read this [`Picture`] and nothing protocol-specific, so a protocol brings
//! its own drawing by choosing its [`Layout`], badges and facts.
//!
//! A protocol's host implements [`View`] beside `Host`: how to open a run from its scenario,
//! when the run is over, and the three lists. Words are not here: a badge, a fact's label and
//! a message's kind are ids the page words from its catalogue (`proto.badge.ID`,
//! `proto.fact.ID`), so the words can be translated; values (a balance, a set of commands, a
//! time) are data, written the same in every language.
//!
//! To put a protocol on the page and the command line: implement [`View`] for its host in
//! `protocols/NAME/view.rs` (a child module, so it reads the host's private state; see
//! `flood/view.rs`) and `protocols::summary::Summary` in `protocols/NAME/summary.rs` (what
//! `raftsim run` and `list` print), add its one entry to `playback::protocol_table::TABLE`
//! (the page, `raftsim run`, `list`, `check --scenario` and `bench --scenario` find it there;
//! the tests there and in `playback::protocol_run` check every built-in's watched run against
//! its bare run, hash for hash), and give every badge and fact label its words in the page's
//! catalogues (`proto.badge.ID`, `proto.fact.ID`, English and Chinese). `raftsim run NAME
//! --until-ms MS` prints the picture, as a check of what the page will draw.
use crate::engine::kernel::{Host, Kernel};
use crate::engine::network::Endpoint;
use crate::protocols::said::Said;
use raft_core::Micros;
use serde::Serialize;

/// How the stage places the nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Around a circle (a group of peers: flood consensus, snapshots, failure detection).
    Ring,
    /// Left to right (a chain, a primary and its backups; the two generals across the city).
    Row,
}

/// A node's state, as far as the engine is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Up,
    Paused,
    Crashed,
}

/// How the page colours a badge or a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tone {
    Plain,
    /// The role that leads (a primary, a chain's head, a snapshot's initiator).
    Lead,
    /// A good outcome (decided, attacked together, recorded).
    Good,
    /// Worth a look (a suspicion, a write not yet acknowledged).
    Warn,
    /// A broken property's witness.
    Bad,
}

/// One labelled value: `label` is a catalogue id (`proto.fact.LABEL`), `value` data, or, when
/// the value holds words ("perfect", "round 2"), `said` says it (the page's `proto.value.ID`)
/// and `value` is its English, for the command line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    pub tone: Tone,
    #[serde(skip)]
    pub said: Option<Said>,
}

impl Fact {
    pub fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact { label, value: value.into(), tone: Tone::Plain, said: None }
    }

    pub fn toned(label: &'static str, value: impl Into<String>, tone: Tone) -> Fact {
        Fact { label, value: value.into(), tone, said: None }
    }

    /// A value in words: its English is [`Said::english`], its id one of `said::VALUES`.
    pub fn said(label: &'static str, said: Said, tone: Tone) -> Fact {
        Fact { label, value: said.english(), tone, said: Some(said) }
    }
}

/// One node (or client) on the stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeView {
    pub at: Endpoint,
    /// Its name in the notes (P1, A1, S1, CFG, client).
    pub name: String,
    pub status: Status,
    /// What it is now, as a catalogue id (`proto.badge.BADGE`: "primary", "decided", …).
    pub badge: Option<&'static str>,
    pub tone: Tone,
    pub facts: Vec<Fact>,
}

/// A message on its way (or dying on it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageView {
    pub id: u64,
    pub from: Endpoint,
    pub to: Endpoint,
    /// Its kind, as the notes name it ("Known", "Marker", "Forward"): drawn as written.
    pub kind: &'static str,
    /// What it carries, short ("{a, b}", "$30", "attack at 09:00").
    pub label: String,
    /// The label, when it holds words ("won", "3 writes"): the page's `proto.value.ID`;
    /// `label` is then its English, for the command line.
    #[serde(skip)]
    pub said: Option<Said>,
    pub sent_us: Micros,
    pub arrive_us: Micros,
    /// It will die, not arrive (lost by the link, or its receiver is down).
    pub lost: bool,
}

/// One checked property and whether it broke.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckView {
    /// The property's name as the protocol's checks write it (`Agreement`, `SinglePrimary`).
    pub property: &'static str,
    pub broken: Option<Broken>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Broken {
    pub at_us: Micros,
    /// The simulator's event count when it broke: where to seek to see it.
    pub event: u64,
    /// What was seen: an id and its values (`protocols::said`), worded by the page's catalogue
    /// (`proto.check.ID`) and in English by `Said::english`.
    pub detail: Said,
}

/// A run at one moment, for the page and `raftsim run --at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Picture {
    pub protocol: &'static str,
    pub scenario: String,
    pub now_us: Micros,
    pub end_us: Micros,
    pub events: u64,
    pub layout: Layout,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    pub checks: Vec<CheckView>,
    /// Figures about the whole run (a snapshot's recorded total, detection times).
    pub facts: Vec<Fact>,
}

/// What a protocol's host adds to `Host` to be drawn. Each method is a plain read of the
/// host's state: none changes the run, so a watched run is the same, event for event and hash
/// for hash, as a bare one.
pub trait View: Host + Sized {
    /// The scenario format it runs.
    type Scenario: Clone;
    /// The `"protocol"` of its scenarios.
    const PROTOCOL: &'static str;

    /// A run of `s` at time 0.
    fn open(s: &Self::Scenario) -> Self;
    fn scenario_name(&self) -> &str;
    fn layout(&self) -> Layout;
    /// Every node and client, in the order the stage and the diagram's lanes show them.
    fn nodes(&self) -> Vec<NodeView>;
    /// A message's kind and short label.
    fn words(message: &Self::Message) -> (&'static str, String);
    /// A message's label when it holds words (`said::VALUES`); `words` then gives its English.
    fn said(_message: &Self::Message) -> Option<Said> {
        None
    }
    /// Every property checked, in order, and whether it broke.
    fn checks(&self) -> Vec<CheckView>;
    /// Figures about the whole run.
    fn facts(&self) -> Vec<Fact> {
        Vec::new()
    }
}

/// The host's run at this moment; `end_us` is when the whole run is over (the generic run
/// finds it by running a bare copy to its end: `playback::protocol_run`).
pub fn picture<H: View>(host: &H, end_us: Micros) -> Picture {
    let kernel: &Kernel<H::Message, H::Timer> = host.kernel();
    let messages = kernel
        .in_flight()
        .filter(|m| !m.held)
        .map(|m| {
            let (kind, label) = H::words(&m.payload);
            MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                kind,
                label,
                said: H::said(&m.payload),
                sent_us: m.sent_us,
                arrive_us: m.arrive_us,
                lost: m.lost.is_some(),
            }
        })
        .collect::<Vec<_>>();
    let mut messages = messages;
    messages.sort_by_key(|m| m.id);
    Picture {
        protocol: H::PROTOCOL,
        scenario: host.scenario_name().to_string(),
        now_us: kernel.now(),
        end_us,
        events: kernel.events(),
        layout: host.layout(),
        nodes: host.nodes(),
        messages,
        checks: host.checks(),
        facts: host.facts(),
    }
}

/// A short set of strings as the notes write one: `{a, b}`.
pub fn set<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    let items: Vec<&str> = items.into_iter().map(String::as_str).collect();
    format!("{{{}}}", items.join(", "))
}

/// Virtual microseconds as milliseconds ("512 ms", "12.5 ms"): a fact's value, and every time the
/// page writes of a protocol's run or a space-time diagram (one function, so they read alike).
pub fn ms(us: Micros) -> String {
    let ms = us as f64 / 1000.0;
    if ms.fract() == 0.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}
