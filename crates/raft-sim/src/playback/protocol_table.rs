//! Every protocol other than Raft, in one table: how its scenarios are read and its built-ins
//! found and listed, and what can be done with a scenario once read, whatever its protocol:
//! watch its run (the page, `raftsim run --until-ms`), run it bare (campaigns, the bench) or
//! report it (`raftsim run`, `raftsim list`). The page and the command line ask this table and
//! name no protocol, so putting a protocol on them is one [`entry`] in [`TABLE`] (beside its
//! `"protocol"` name in `scenario::protocol::PROTOCOLS`, which Raft's readers use to refuse it).
use crate::playback::protocol_run::{self, ProtocolRun};
use crate::protocols::builtin::{self, Described};
use crate::protocols::chain::Chain;
use crate::protocols::detector::Detector;
use crate::protocols::flood::FloodConsensus;
use crate::protocols::generals::TwoGenerals;
use crate::protocols::primary_backup::PrimaryBackup;
use crate::protocols::snapshot::ChandyLamport;
use crate::protocols::summary::{Reported, Summary};
use crate::protocols::view::CheckView;
use crate::scenario::format::ScenarioError;
use crate::scenario::protocol;
use crate::scenario::tour_text::Texts;
use raft_core::Micros;
use std::any::Any;

/// One protocol: its `"protocol"` name, its reader and its built-ins.
pub struct Entry {
    pub protocol: &'static str,
    read: fn(&str) -> Result<Box<dyn ProtocolScenario>, ScenarioError>,
    catalog: fn() -> Vec<Listed>,
    texts: fn() -> Texts,
}

/// The protocols, in the order `raftsim list` shows their built-ins.
pub const TABLE: &[Entry] = &[
    entry::<FloodConsensus>(),
    entry::<TwoGenerals>(),
    entry::<PrimaryBackup>(),
    entry::<Detector>(),
    entry::<ChandyLamport>(),
    entry::<Chain>(),
];

/// The entry of the protocol whose host is `H`.
pub const fn entry<H>() -> Entry
where
    H: Summary + 'static,
    H::Scenario: Described + 'static,
{
    Entry { protocol: H::PROTOCOL, read: read_as::<H>, catalog: catalog_of::<H>, texts: builtin::texts::<H::Scenario> }
}

/// A scenario of some protocol, read and valid.
pub trait ProtocolScenario {
    fn protocol(&self) -> &'static str;
    fn name(&self) -> &str;
    fn description(&self) -> &str;
    /// Its settings in a few words ("3 processes, rounds: 2").
    fn about(&self) -> String;
    /// Its run to the end, reported.
    fn report(&self) -> Reported;
    /// Its run, watched: what the page plays.
    fn watch(&self) -> Box<dyn ProtocolRun>;
    /// Its run to the end (or [`protocol_run::MAX_RUN_EVENTS`]), with nothing watching.
    fn bare(&self) -> BareRun;
    /// The protocol's own scenario type, for a command that takes one protocol only.
    fn as_any(&self) -> &dyn Any;
}

/// What a bare run ends with.
#[derive(Clone, Debug, PartialEq)]
pub struct BareRun {
    pub events: u64,
    /// Its last event's time.
    pub end_us: Micros,
    pub trace_hash: u64,
    /// Every check, and where it first broke.
    pub checks: Vec<CheckView>,
}

/// A built-in with its index title and group.
pub struct Listed {
    pub title: String,
    pub group: String,
    pub scenario: Box<dyn ProtocolScenario>,
}

/// A scenario of `H`'s protocol.
struct Read<H: Summary>(H::Scenario);

impl<H> ProtocolScenario for Read<H>
where
    H: Summary + 'static,
    H::Scenario: Described + 'static,
{
    fn protocol(&self) -> &'static str {
        H::PROTOCOL
    }

    fn name(&self) -> &str {
        self.0.name()
    }

    fn description(&self) -> &str {
        self.0.description()
    }

    fn about(&self) -> String {
        H::about(&self.0)
    }

    fn report(&self) -> Reported {
        H::report(&self.0)
    }

    fn watch(&self) -> Box<dyn ProtocolRun> {
        protocol_run::watch::<H>(self.0.clone())
    }

    fn bare(&self) -> BareRun {
        let (host, end_us) = protocol_run::bare::<H>(&self.0);
        let kernel = host.kernel();
        BareRun { events: kernel.events(), end_us, trace_hash: kernel.hash().value(), checks: host.checks() }
    }

    fn as_any(&self) -> &dyn Any {
        &self.0
    }
}

fn read_as<H>(text: &str) -> Result<Box<dyn ProtocolScenario>, ScenarioError>
where
    H: Summary + 'static,
    H::Scenario: Described + 'static,
{
    Ok(Box::new(Read::<H>(H::Scenario::read(text)?)))
}

fn catalog_of<H>() -> Vec<Listed>
where
    H: Summary + 'static,
    H::Scenario: Described + 'static,
{
    builtin::catalog::<H::Scenario>()
        .into_iter()
        .map(|b| Listed { title: b.title, group: b.group, scenario: Box::new(Read::<H>(b.scenario)) })
        .collect()
}

/// Read a scenario of another protocol from its text (a file, a link, a fetched built-in),
/// by the reader of the protocol it names. A Raft scenario is refused: it runs in `Session`.
pub fn read(text: &str) -> Result<Box<dyn ProtocolScenario>, ScenarioError> {
    let named = protocol::protocol_of(text)?;
    match TABLE.iter().find(|e| e.protocol == named) {
        Some(e) => (e.read)(text),
        None => Err(ScenarioError::new("protocol", format!("'{named}' runs in a Raft session, not here"))),
    }
}

/// The built-in of another protocol named `name` (the embedded catalogue).
pub fn builtin(name: &str) -> Option<Box<dyn ProtocolScenario>> {
    TABLE.iter().flat_map(|e| (e.catalog)()).find(|b| b.scenario.name() == name).map(|b| b.scenario)
}

/// Every built-in of the other protocols, protocol by protocol in the table's order, each in
/// its index's order.
pub fn catalog() -> Vec<Listed> {
    TABLE.iter().flat_map(|e| (e.catalog)()).collect()
}

/// The other protocols' built-ins' English words by id (`NAME.title`, `NAME.description`,
/// `group.GROUP`), for the translations to cover.
pub fn texts() -> Texts {
    let mut out = Texts::new();
    for e in TABLE {
        out.extend((e.texts)());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_protocol_but_raft_once() {
        let mut named: Vec<&str> = TABLE.iter().map(|e| e.protocol).collect();
        named.sort_unstable();
        let mut wanted: Vec<&str> = protocol::PROTOCOLS.iter().copied().filter(|&p| p != protocol::RAFT).collect();
        wanted.sort_unstable();
        assert_eq!(named, wanted);
    }

    #[test]
    fn each_protocol_reads_its_scenarios_and_finds_its_built_ins() {
        for e in TABLE {
            let listed = (e.catalog)();
            assert!(!listed.is_empty(), "{}", e.protocol);
            for b in listed {
                assert_eq!(b.scenario.protocol(), e.protocol);
                let found = builtin(b.scenario.name()).expect("found by name");
                assert_eq!((found.protocol(), found.name()), (e.protocol, b.scenario.name()));
            }
        }
        assert_eq!(read(r#"{"name": "x"}"#).err().expect("raft").field, "protocol");
        assert_eq!(read(r#"{"protocol": "two-generals"}"#).err().expect("no name").field, "name");
        assert!(builtin("steady-load").is_none(), "a Raft built-in is not here");
    }

    #[test]
    fn a_bare_run_ends_where_the_watched_run_ends() {
        for b in catalog() {
            let bare = b.scenario.bare();
            let mut run = b.scenario.watch();
            while run.step() {}
            assert_eq!((bare.events, bare.end_us, bare.trace_hash), (run.events(), run.end_us(), run.trace_hash()));
            assert_eq!(bare.checks, run.picture().checks, "{}", b.scenario.name());
        }
    }
}
